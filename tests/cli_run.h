/* Running the bench program from a test, as a user would: the tests of the
 * command line and of each benchmark's end-to-end path share this. */
#ifndef BENCH_TEST_CLI_RUN_H
#define BENCH_TEST_CLI_RUN_H

#include <fcntl.h>
#include <ftw.h>
#include <sys/wait.h>
#include <time.h>

#include "helpers.h"

struct cli_run {
	int status;          /* exit code, or 128 + signal */
	pid_t pid;           /* of the bench process: its run id starts with it */
	char out[65536];
	char err[4096];
	int err_lines;
};

struct cli_opts {
	const char *agent;   /* BENCH_AGENT for the run; NULL: the real one */
	uid_t uid;           /* run as this user when non-zero */
	int signal_after_ms; /* send a signal after this long when non-zero */
	int signal;          /* which one: SIGINT when 0 */
};

static inline void slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n = f ? fread(buf, 1, len - 1, f) : 0;

	buf[n] = '\0';
	if (f)
		fclose(f);
}

/* Runs BENCH_BIN (the sanitized bench built by `make test`) with args,
 * NULL-terminated, its stdout and stderr captured; o may be NULL. */
static inline void run_bench(struct cli_run *r, const struct cli_opts *o, const char *const *args)
{
	const char *bin = getenv("BENCH_BIN");
	char out_path[] = "/tmp/bench-cli-out-XXXXXX", err_path[] = "/tmp/bench-cli-err-XXXXXX";
	int out_fd, err_fd, st;
	const char *argv[40];
	int n = 0;

	if (!bin || access(bin, X_OK) != 0)
		cr_skip_test("BENCH_BIN is not set to the built bench (run through 'make test')");
	argv[n++] = bin;
	for (; *args && n < 39; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	out_fd = mkstemp(out_path);
	err_fd = mkstemp(err_path);
	cr_assert(out_fd >= 0 && err_fd >= 0);
	r->pid = fork();
	if (r->pid == 0) {
		dup2(out_fd, 1);
		dup2(err_fd, 2);
		if (o && o->agent)
			setenv("BENCH_AGENT", o->agent, 1);
		if (o && o->uid && setuid(o->uid) != 0)
			_exit(99);
		execv(bin, (char *const *)argv);
		_exit(98);
	}
	cr_assert_gt(r->pid, 0);
	if (o && o->signal_after_ms) {
		struct timespec ts = { o->signal_after_ms / 1000, (o->signal_after_ms % 1000) * 1000000L };
		nanosleep(&ts, NULL);
		kill(r->pid, o->signal ? o->signal : SIGINT);
	}
	waitpid(r->pid, &st, 0);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	slurp(out_path, r->out, sizeof(r->out));
	slurp(err_path, r->err, sizeof(r->err));
	unlink(out_path);
	unlink(err_path);
	close(out_fd);
	close(err_fd);
	r->err_lines = 0;
	for (const char *p = r->err; *p; p++)
		r->err_lines += *p == '\n';
}

/* For nftw(): removes a test's temporary folder, depth first. */
static inline int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

static inline char *temp_dir(char *buf)
{
	strcpy(buf, "/tmp/bench-cli-res-XXXXXX");
	cr_assert_not_null(mkdtemp(buf));
	return buf;
}

/* The run id of a bench process starts with its pid. */
static inline void expect_nothing_left(pid_t bench_pid)
{
	char needle[32];

	snprintf(needle, sizeof(needle), "bench-%d-", (int)bench_pid);
	cr_expect_eq(test_leftovers(needle), 0, "run %s left something behind", needle);
}

#endif
