/* Starting ctr (containerd_ctr.h). */
#include "containerd_ctr.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/clock.h"

extern char **environ;

/* What is kept of ctr's own output: a line of stderr, a list of names. */
#define CTR_OUT_MAX (256u << 10)

static bool is_socket(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

const char *ctr_socket(void)
{
	const char *env = getenv("BENCH_CONTAINERD_SOCK");

	if (env && *env)
		return env;
	if (is_socket(CTR_BENCH_SOCKET))
		return CTR_BENCH_SOCKET;
	if (is_socket(CTR_SYSTEM_SOCKET))
		return CTR_SYSTEM_SOCKET;
	return CTR_BENCH_SOCKET;
}

int ctr_daemon_check(const char *sock, bench_error *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char shown[BENCH_SHORT_MAX];
	int fd, rc;

	if (strlen(sock) >= sizeof(sa.sun_path))
		return bench_fail(err, 0, "containerd socket path too long: %s", bench_short(shown, sock));
	memcpy(sa.sun_path, sock, strlen(sock) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return bench_fail(err, errno, "socket");
	rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	if (rc < 0) {
		int e = errno;

		close(fd);
		return bench_fail(err, e, "no containerd answers on %s (start it: make setup)", bench_short(shown, sock));
	}
	close(fd);
	return 0;
}

int ctr_installed(bench_error *err)
{
	const char *path = getenv("PATH");
	char buf[4096];

	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";
	while (*path) {
		size_t n = strcspn(path, ":");

		if (n > 0 && n + 5 < sizeof(buf)) {
			memcpy(buf, path, n);
			memcpy(buf + n, "/ctr", 5);
			if (access(buf, X_OK) == 0)
				return 0;
		}
		path += n;
		if (*path == ':')
			path++;
	}
	return bench_fail(err, 0, "ctr not found on PATH: install the %s package (apt-get install %s, or make setup)",
			  CTR_PACKAGE, CTR_PACKAGE);
}

/* posix_spawnp of prog with argv, stdin in_fd, stdout out_fd, stderr a
 * new memfd, in a process group of its own. */
static int spawn(struct ctr_proc *p, const char *prog, const char *const *argv, int in_fd, int out_fd,
		 bench_error *err)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, all;
	pid_t pid;
	int rc;

	p->ch = (struct child){ .pid = 0, .pidfd = -1 };
	p->errfd = memfd_create("bench-ctr-stderr", MFD_CLOEXEC);
	if (p->errfd < 0)
		return bench_fail(err, errno, "memfd_create");
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
	posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
	posix_spawn_file_actions_adddup2(&fa, p->errfd, 2);
	posix_spawnattr_init(&attr);
	/* Its own process group: a Ctrl-C at the terminal is bench's to
	 * handle, and child_kill takes whatever it started with it. */
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawnp(&pid, prog, &fa, &attr, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (rc != 0) {
		close(p->errfd);
		p->errfd = -1;
		if (rc == ENOENT && strcmp(prog, "ctr") == 0)
			return ctr_installed(err) < 0 ? -1 : bench_fail(err, rc, "starting ctr");
		return bench_fail(err, rc, "starting %s", prog);
	}
	if (child_track(&p->ch, pid, err) < 0) {
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		p->ch.pid = 0;
		ctr_release(p);
		return -1;
	}
	p->ch.pgid = pid;
	return 0;
}

int ctr_start(struct ctr_proc *p, const char *sock, const char *const *args, int in_fd, int out_fd,
	      bench_error *err)
{
	const char *argv[CTR_ARGS_MAX + 6];
	int argc = 0;

	argv[argc++] = "ctr";
	argv[argc++] = "-a";
	argv[argc++] = sock;
	argv[argc++] = "-n";
	argv[argc++] = CTR_NAMESPACE;
	for (int i = 0; i < CTR_ARGS_MAX && args[i]; i++)
		argv[argc++] = args[i];
	argv[argc] = NULL;
	return spawn(p, "ctr", argv, in_fd, out_fd, err);
}

int ctr_wait(struct ctr_proc *p, uint64_t deadline_ns, int *status, bench_error *err)
{
	if (child_wait(&p->ch, deadline_ns, err) < 0)
		return -1;
	*status = p->ch.status;
	return 0;
}

void ctr_release(struct ctr_proc *p)
{
	if (p->ch.pid > 0 || p->ch.pidfd >= 0)
		child_kill(&p->ch);
	if (p->errfd >= 0)
		close(p->errfd);
	p->errfd = -1;
}

void ctr_last_line(const char *text, size_t n, char *buf, size_t len)
{
	size_t end = n, start, out = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	while (end > 0 && (text[end - 1] == '\n' || text[end - 1] == '\r' || text[end - 1] == ' '))
		end--;
	start = end;
	while (start > 0 && text[start - 1] != '\n')
		start--;
	for (size_t i = start; i < end && out + 1 < len; i++) {
		unsigned char c = (unsigned char)text[i];

		buf[out++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	buf[out] = '\0';
}

/* Reads at most max bytes of fd from its start; the rest is dropped. */
static size_t read_memfd(int fd, char *buf, size_t max)
{
	size_t got = 0;

	while (got < max) {
		ssize_t n = pread(fd, buf + got, max - got, (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got;
}

void ctr_stderr_tail(const struct ctr_proc *p, char *buf, size_t len)
{
	struct stat st;
	char tail[4096];
	size_t n;
	off_t from;

	if (len)
		buf[0] = '\0';
	if (p->errfd < 0 || fstat(p->errfd, &st) < 0)
		return;
	/* Only the end matters: the last line. */
	from = st.st_size > (off_t)sizeof(tail) ? st.st_size - (off_t)sizeof(tail) : 0;
	n = 0;
	while (n < sizeof(tail)) {
		ssize_t r = pread(p->errfd, tail + n, sizeof(tail) - n, from + (off_t)n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	ctr_last_line(tail, n, buf, len);
}

/* Runs prog (argv) to its end; see ctr_call. */
static int run_to_end(const char *prog, const char *sock, const char *const *args, int in_fd, char *out,
		      size_t outlen, int timeout_ms, bench_error *err)
{
	struct ctr_proc p;
	int in = in_fd >= 0 ? in_fd : open("/dev/null", O_RDONLY | O_CLOEXEC), outfd, status = 0, rc = -1;
	char line[256], what[64];

	if (in < 0)
		return bench_fail(err, errno, "open /dev/null");
	outfd = memfd_create("bench-ctr-stdout", MFD_CLOEXEC);
	if (outfd < 0) {
		if (in != in_fd)
			close(in);
		return bench_fail(err, errno, "memfd_create");
	}
	{
		/* A tool's args begin with its own name. */
		const char *const *shown = sock ? args : args + 1;

		snprintf(what, sizeof(what), "%s %s%s%s", prog, shown[0] ? shown[0] : "",
			 shown[0] && shown[1] ? " " : "", shown[0] && shown[1] ? shown[1] : "");
	}
	if ((sock ? ctr_start(&p, sock, args, in, outfd, err) : spawn(&p, prog, args, in, outfd, err)) < 0)
		goto out;
	if (ctr_wait(&p, clock_now_ns() + (uint64_t)timeout_ms * 1000000u, &status, err) < 0) {
		bench_error_prefix(err, "%s", what);
		goto out_release;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char how[96];

		ctr_stderr_tail(&p, line, sizeof(line));
		child_status_describe(status, how, sizeof(how));
		bench_fail(err, 0, "%s %s: %s", what, how, line[0] ? line : "(no message)");
		goto out_release;
	}
	if (out && outlen) {
		size_t n = read_memfd(outfd, out, outlen - 1 < CTR_OUT_MAX ? outlen - 1 : CTR_OUT_MAX);

		out[n] = '\0';
	}
	rc = 0;
out_release:
	ctr_release(&p);
out:
	if (in != in_fd)
		close(in);
	close(outfd);
	return rc;
}

int ctr_call(const char *sock, const char *const *args, int in_fd, char *out, size_t outlen, int timeout_ms,
	     bench_error *err)
{
	return run_to_end("ctr", sock, args, in_fd, out, outlen, timeout_ms, err);
}

int tool_call(const char *prog, const char *const *args, char *out, size_t outlen, int timeout_ms, bench_error *err)
{
	const char *argv[CTR_ARGS_MAX + 2];
	int argc = 0;

	argv[argc++] = prog;
	for (int i = 0; i < CTR_ARGS_MAX && args[i]; i++)
		argv[argc++] = args[i];
	argv[argc] = NULL;
	return run_to_end(prog, NULL, argv, -1, out, outlen, timeout_ms, err);
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("._-:/@+", c);
}

void ctr_each_name(const char *out, void (*fn)(const char *name, void *arg), void *arg)
{
	char name[256];

	while (*out) {
		size_t n = strcspn(out, "\n");
		bool ok = n > 0 && n < sizeof(name);

		for (size_t i = 0; ok && i < n; i++)
			ok = out[i] != '\0' && name_char(out[i]);
		if (ok) {
			memcpy(name, out, n);
			name[n] = '\0';
			fn(name, arg);
		}
		out += n;
		if (*out == '\n')
			out++;
	}
}

void ctr_version_after(const char *text, const char *after, const char *key, char *out, size_t len)
{
	const char *p = after ? strstr(text, after) : text;
	size_t n = 0;

	if (len == 0)
		return;
	out[0] = '\0';
	if (!p || !(p = strstr(p, key)))
		return;
	p += strlen(key);
	while (*p == ' ' || *p == '\t')
		p++;
	while (p[n] > ' ' && p[n] < 0x7f && n + 1 < len)
		n++;
	memcpy(out, p, n);
	out[n] = '\0';
}
