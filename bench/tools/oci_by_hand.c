/* An OCI runtime started "by hand", for bench/oci_compare.sh: the same
 * bundle and the same lifecycle as bench's runner, with no shell and no
 * bench in between, so the two can be compared fairly.  Not part of bench
 * (the script compiles it); a benchmark tool, not a test.
 *
 *   oci_by_hand RUNS phases|sandbox|run BUNDLE ID_PREFIX RUNTIME [GLOBAL_ARG...]
 *
 * phases: `RUNTIME GLOBAL_ARG... create --bundle BUNDLE --pid-file P ID`
 *         with the agent's stdout on a pipe, `start ID`, read until the
 *         agent's READY line, wait for the agent (the pid in P) to end (its
 *         task ends by itself after READY), `delete ID`.  The program is
 *         the child subreaper, as bench and a containerd shim are, so the
 *         agent, orphaned by create, is its child.
 * sandbox: the same, but the agent has ended when the pipe ends (gVisor:
 *         the agent is no host process; as bench's runner does), and the
 *         program is no subreaper (bench's runner is not, for runsc).
 * run:    `RUNTIME GLOBAL_ARG... run --bundle BUNDLE --pid-file P ID`, read
 *         until READY, wait for `run` to end (it deletes the container).
 *
 * Prints one line per run: the milliseconds from the first call until the
 * container is gone, then each step's (phases: create start ready end
 * delete; run: ready end).  RUNTIME is an absolute path (execv).  Exits 1
 * with one line on any failure. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void die(const char *what)
{
	fprintf(stderr, "oci_by_hand: %s%s%s\n", what, errno ? ": " : "", errno ? strerror(errno) : "");
	exit(1);
}

/* Starts argv with stdout on out (-1: this program's own). */
static pid_t spawn(char *const argv[], int out)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		if (out >= 0 && dup2(out, 1) < 0)
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

static void wait_ok(pid_t pid, const char *what)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die(what);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		errno = 0;
		die(what);
	}
}

/* Reads the pipe until a line starting "BENCH/1 READY" (the agent's). */
static void read_ready(int fd)
{
	char buf[4096];
	size_t have = 0;
	ssize_t n;

	while ((n = read(fd, buf + have, sizeof(buf) - 1 - have)) > 0) {
		have += (size_t)n;
		buf[have] = '\0';
		if (strstr(buf, "BENCH/1 READY"))
			return;
		if (have == sizeof(buf) - 1)
			have = 0;
	}
	errno = 0;
	die("no READY line from the agent");
}

#define ARGS_MAX 16

enum { MODE_PHASES, MODE_SANDBOX, MODE_RUN };

/* Waits for the container's init, named by the runtime's pid file: the
 * pipe ends as the agent closes its files, before its exit is over, and
 * `delete` refuses a container still running. */
static void wait_init(const char *pidfile)
{
	char text[32] = "";
	FILE *f = fopen(pidfile, "r");
	int pid = 0;

	if (!f || !fgets(text, sizeof(text), f) || (pid = atoi(text)) < 1) {
		errno = 0;
		die("no pid in the runtime's pid file");
	}
	fclose(f);
	while (waitpid(pid, NULL, 0) < 0)
		if (errno != EINTR)
			die("waiting for the agent");
}

/* argv of one runtime call: the runtime and its global arguments, then
 * the command's own (NULL-terminated list). */
static void argv_for(char *out[ARGS_MAX + 1], char **rt, int nrt, ...)
{
	va_list ap;
	int n = 0;
	char *a;

	for (int i = 0; i < nrt && n < ARGS_MAX; i++)
		out[n++] = rt[i];
	va_start(ap, nrt);
	while ((a = va_arg(ap, char *)) != NULL && n < ARGS_MAX)
		out[n++] = a;
	va_end(ap);
	out[n] = NULL;
}

static void drain(int fd)
{
	char buf[4096];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

static void reap_orphans(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

static void one(char **rt, int nrt, char *bundle, char *id, int mode, double out[6])
{
	char pidfile[4096];
	char *first[ARGS_MAX + 1], *start[ARGS_MAX + 1], *del[ARGS_MAX + 1];
	int p[2];
	double t0, t1, t2, t3, t4;
	pid_t pid;

	snprintf(pidfile, sizeof(pidfile), "%s/pid-%s", bundle, id);
	argv_for(first, rt, nrt, mode == MODE_RUN ? "run" : "create", "--bundle", bundle, "--pid-file", pidfile, id,
		 (char *)NULL);
	argv_for(start, rt, nrt, "start", id, (char *)NULL);
	argv_for(del, rt, nrt, "delete", id, (char *)NULL);
	if (pipe2(p, O_CLOEXEC) != 0)
		die("pipe");
	t0 = now_ms();
	pid = spawn(first, p[1]);
	close(p[1]);
	if (mode == MODE_RUN) {
		read_ready(p[0]);
		t1 = now_ms();
		wait_ok(pid, "run");
		t2 = now_ms();
		close(p[0]);
		unlink(pidfile);
		reap_orphans();
		out[0] = t2 - t0, out[1] = t1 - t0, out[2] = t2 - t1;
		return;
	}
	wait_ok(pid, "create");
	t1 = now_ms();
	wait_ok(spawn(start, -1), "start");
	t2 = now_ms();
	read_ready(p[0]);
	t3 = now_ms();
	drain(p[0]);
	if (mode == MODE_PHASES)
		wait_init(pidfile);
	t4 = now_ms();
	close(p[0]);
	wait_ok(spawn(del, -1), "delete");
	out[0] = now_ms() - t0, out[1] = t1 - t0, out[2] = t2 - t1, out[3] = t3 - t2, out[4] = t4 - t3;
	out[5] = out[0] - (t4 - t0);
	unlink(pidfile);
	reap_orphans();
}

int main(int argc, char **argv)
{
	static const char *const modes[] = { "phases", "sandbox", "run" };
	int runs = argc > 1 ? atoi(argv[1]) : 0, mode = -1;
	char id[128];

	for (int m = 0; argc > 2 && m < 3; m++)
		if (strcmp(argv[2], modes[m]) == 0)
			mode = m;
	if (argc < 6 || argc - 5 > ARGS_MAX - 8 || mode < 0 || runs < 1) {
		fprintf(stderr, "usage: oci_by_hand RUNS phases|sandbox|run BUNDLE ID_PREFIX RUNTIME [GLOBAL_ARG...]\n");
		return 2;
	}
	/* Not for a sandbox, as bench's runner is not: its orphaned processes
	 * would stay zombies here, alive to `runsc delete`, which then waits. */
	if (mode != MODE_SANDBOX && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
		die("PR_SET_CHILD_SUBREAPER");
	for (int i = 0; i < runs; i++) {
		double t[6] = { 0 };

		snprintf(id, sizeof(id), "%s-%d", argv[4], i);
		one(argv + 5, argc - 5, argv[3], id, mode, t);
		if (mode == MODE_RUN)
			printf("%.3f %.3f %.3f\n", t[0], t[1], t[2]);
		else
			printf("%.3f %.3f %.3f %.3f %.3f %.3f\n", t[0], t[1], t[2], t[3], t[4], t[5]);
		fflush(stdout);
	}
	return 0;
}
