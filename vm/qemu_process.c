#include "qemu_process.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/run_id.h"
#include "cleanup.h"

extern char **environ;

int qemu_binary_find(char *out, size_t outsz, bench_error *err)
{
	const char *path = getenv("PATH");
	char dirs[4096];

	snprintf(dirs, sizeof(dirs), "%s", path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	for (char *save = NULL, *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		if ((size_t)snprintf(out, outsz, "%s/%s", d, QEMU_BINARY) >= outsz)
			continue;
		if (access(out, X_OK) == 0)
			return 0;
	}
	out[0] = '\0';
	return bench_fail(err, 0, "%s not found on PATH: run 'make setup' (package qemu-system-x86)", QEMU_BINARY);
}

int qemu_spawn(const char *binary, const struct qemu_argv *a, const unsigned *cpus, unsigned ncpus,
	       const char *log_path, const char *stdin_path, struct child *c, bench_error *err)
{
	cpu_set_t set;
	pid_t parent = getpid(), pid;
	int null_fd, log_fd, sync[2], child_errno = 0;
	ssize_t n;

	CPU_ZERO(&set);
	for (unsigned i = 0; i < ncpus; i++)
		if (cpus[i] < CPU_SETSIZE)
			CPU_SET(cpus[i], &set);
	null_fd = open(stdin_path ? stdin_path : "/dev/null", O_RDONLY | O_CLOEXEC | (stdin_path ? O_NOFOLLOW : 0));
	if (null_fd < 0)
		return bench_fail(err, errno, "qemu: %s", stdin_path ? stdin_path : "/dev/null");
	log_fd = open(log_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (log_fd < 0) {
		close(null_fd);
		return bench_fail(err, errno, "qemu: log %s", log_path);
	}
	/* The exec's errno comes back on a close-on-exec pipe. */
	if (pipe2(sync, O_CLOEXEC) != 0) {
		close(null_fd);
		close(log_fd);
		return bench_fail(err, errno, "qemu: pipe");
	}
	pid = fork();
	if (pid == 0) {
		/* Async-signal-safe calls only, up to the exec. */
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
			_exit(126);
		if (setpgid(0, 0) != 0 || (ncpus > 0 && sched_setaffinity(0, sizeof(set), &set) != 0) ||
		    dup2(null_fd, 0) < 0 || dup2(log_fd, 1) < 0 || dup2(log_fd, 2) < 0) {
			child_errno = errno;
		} else {
			execve(binary, a->argv, environ);
			child_errno = errno;
		}
		n = write(sync[1], &child_errno, sizeof(child_errno));
		(void)n;
		_exit(127);
	}
	child_errno = errno;
	close(sync[1]);
	close(null_fd);
	close(log_fd);
	if (pid < 0) {
		close(sync[0]);
		return bench_fail(err, child_errno, "qemu: fork");
	}
	child_errno = 0;
	while ((n = read(sync[0], &child_errno, sizeof(child_errno))) < 0 && errno == EINTR)
		;
	close(sync[0]);
	if (n == (ssize_t)sizeof(child_errno)) {
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		return bench_fail(err, child_errno, "qemu: starting %s", binary);
	}
	if (child_track(c, pid, err) < 0) {
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		return -1;
	}
	c->pgid = pid;
	return 0;
}

void qemu_log_first_line(const char *log_path, char *out, size_t outsz)
{
	int fd = open(log_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	char buf[512];
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	size_t o = 0;

	if (fd >= 0)
		close(fd);
	if (outsz == 0)
		return;
	for (ssize_t i = 0; i < n && buf[i] != '\n' && o + 1 < outsz && o < 200; i++)
		out[o++] = buf[i] >= 0x20 && buf[i] < 0x7f ? buf[i] : '?';
	out[o] = '\0';
}

/* The run id in QEMU's "-name bench-<run id>-<seq>[,...]" of /proc/<pid>,
 * when its executable is QEMU_BINARY; false otherwise.  /proc text is
 * another process's: bounded. */
static bool qemu_run_of(const char *pid, char *id, size_t idsz)
{
	char path[64], text[8192], exe[4096];
	ssize_t n;
	size_t len, blen = strlen(QEMU_BINARY);
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/exe", pid);
	n = readlink(path, exe, sizeof(exe) - 1);
	if (n <= 0)
		return false;
	exe[n] = '\0';
	len = (size_t)n;
	if (len < blen || strcmp(exe + len - blen, QEMU_BINARY) != 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%s/cmdline", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return false;
	text[n] = '\0';
	for (const char *p = text; p < text + n; p += strlen(p) + 1) {
		const char *v = p + strlen(p) + 1;
		size_t l;

		if (strcmp(p, "-name") != 0 || v >= text + n)
			continue;
		if (strncmp(v, RUN_ID_PREFIX, strlen(RUN_ID_PREFIX)) != 0)
			return false;
		v += strlen(RUN_ID_PREFIX);
		l = strcspn(v, ",");
		if (l == 0 || l >= idsz)
			return false;
		memcpy(id, v, l);
		id[l] = '\0';
		return true;
	}
	return false;
}

unsigned qemu_kill_stale(bool all)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	unsigned killed = 0;

	while (d && (de = readdir(d)) != NULL) {
		char id[96];
		enum run_owner o;

		if (strspn(de->d_name, "0123456789") != strlen(de->d_name) || !qemu_run_of(de->d_name, id, sizeof(id)))
			continue;
		/* "<pid>-<hex>-<seq>": the owner is judged on "<pid>-<hex>". */
		o = run_id_owner(id);
		if (o == RUN_OWNER_DEAD || (all && o == RUN_OWNER_ALIVE))
			killed += kill((pid_t)atoi(de->d_name), SIGKILL) == 0;
	}
	if (d)
		closedir(d);
	return killed;
}

unsigned qemu_remove_stale_folders(bool all)
{
	return vm_cleanup_folders("qemu", all);
}
