/* The runners' one reader of agent records: split reads, the time a record
 * is stamped with, the end of the stream, and Ctrl-C during the wait. */
#include <criterion/criterion.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../lib/clock.h"
#include "../lib/interrupt.h"
#include "../lib/process.h"
#include "../runners/record_stream.h"

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* A writer process: writes each part after pause_ms, and sends back on
 * times_fd the CLOCK_MONOTONIC moment just before each write. */
static pid_t writer(int fd, int times_fd, const char *const *parts, int pause_ms)
{
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid > 0)
		return pid;
	for (; *parts; parts++) {
		uint64_t t;

		sleep_ms(pause_ms);
		t = clock_now_ns();
		if (write(fd, *parts, strlen(*parts)) < 0 || write(times_fd, &t, sizeof(t)) < 0)
			_exit(1);
	}
	_exit(0);
}

Test(record_stream, a_record_split_over_reads_is_stamped_at_its_last_byte)
{
	static const char *const parts[] = { "BENCH/1 READY ", "a=1 b=", "2\nBENCH/1 DATA c=3\n", NULL };
	int p[2], t[2];
	uint64_t sent[3];
	struct record_stream rs;
	struct agent_record rec;
	bench_error err = { 0 };
	pid_t pid;

	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(pipe(t), 0);
	pid = writer(p[1], t[1], parts, 60);
	close(p[1]);
	close(t[1]);
	record_stream_init(&rs, p[0], CHANNEL_STRICT);
	cr_assert_eq(record_stream_next(&rs, clock_now_ns() + 5000000000u, &rec, &err), RECORD_STREAM_OK, "%s",
		     err.msg);
	cr_assert_str_eq(rec.type, "READY");
	cr_assert_str_eq(record_get(&rec, "b"), "2");
	for (size_t got = 0; got < sizeof(sent);) {
		ssize_t n = read(t[0], (char *)sent + got, sizeof(sent) - got);

		cr_assert_gt(n, 0);
		got += (size_t)n;
	}
	/* Stamped by the read of the last part, not the first: after that
	 * part was written, and the first byte by the first read. */
	cr_assert_geq(rs.t_record_ns, sent[2], "stamped %.3f ms before its last byte was written",
		      (double)(sent[2] - rs.t_record_ns) / 1e6);
	cr_assert_geq(rs.t_first_byte_ns, sent[0]);
	cr_assert_lt(rs.t_first_byte_ns, sent[1]);
	/* The record that came in the same read has the same stamp. */
	{
		uint64_t t_ready = rs.t_record_ns;

		cr_assert_eq(record_stream_next(&rs, clock_now_ns() + 5000000000u, &rec, &err), RECORD_STREAM_OK);
		cr_assert_str_eq(rec.type, "DATA");
		cr_assert_eq(rs.t_record_ns, t_ready);
	}
	cr_assert_eq(record_stream_next(&rs, clock_now_ns() + 5000000000u, &rec, &err), RECORD_STREAM_EOF);
	cr_assert(strstr(err.msg, "ended"), "%s", err.msg);
	waitpid(pid, NULL, 0);
	close(p[0]);
	close(t[0]);
}

Test(record_stream, times_out_on_silence_and_notes_done)
{
	int p[2];
	struct record_stream rs;
	struct agent_record rec;
	bench_error err = { 0 };
	uint64_t t0;

	cr_assert_eq(pipe(p), 0);
	record_stream_init(&rs, p[0], CHANNEL_STRICT);
	t0 = clock_now_ns();
	cr_assert_eq(record_stream_next(&rs, t0 + 50 * 1000000u, &rec, &err), RECORD_STREAM_TIMEOUT);
	cr_assert_geq(clock_now_ns() - t0, 50 * 1000000u);
	cr_assert(strstr(err.msg, "in time"), "%s", err.msg);
	cr_assert_eq(write(p[1], "BENCH/1 DONE\n", 13), 13);
	cr_assert_not(rs.saw_done);
	cr_assert_eq(record_stream_next(&rs, clock_now_ns() + 1000000000u, &rec, &err), RECORD_STREAM_OK);
	cr_assert(rs.saw_done);
	close(p[0]);
	close(p[1]);
}

/* A Ctrl-C that comes between the check of the flag and the wait (here:
 * pending while blocked, the same moment for the process) must end the
 * wait at once, not after the deadline. */
static void expect_prompt_interrupt(int (*wait_fn)(void *), void *arg)
{
	sigset_t intr, old;
	uint64_t t0, took;
	int rc;

	interrupt_install();
	bench_interrupted = 0;
	sigemptyset(&intr);
	sigaddset(&intr, SIGINT);
	sigprocmask(SIG_BLOCK, &intr, &old);
	raise(SIGINT);
	t0 = clock_now_ns();
	rc = wait_fn(arg);
	took = clock_now_ns() - t0;
	sigprocmask(SIG_SETMASK, &old, NULL);
	cr_expect_eq(bench_interrupted, SIGINT);
	bench_interrupted = 0;
	signal(SIGINT, SIG_DFL);
	cr_expect_eq(rc, 1, "the wait did not fail as interrupted");
	cr_expect_lt(took, 2000000000u, "a pending Ctrl-C waited %.0f ms", (double)took / 1e6);
}

static int wait_for_a_record(void *arg)
{
	int *p = arg;
	struct record_stream rs;
	struct agent_record rec;
	bench_error err = { 0 };

	record_stream_init(&rs, p[0], CHANNEL_STRICT);
	return record_stream_next(&rs, clock_now_ns() + 5000000000u, &rec, &err) == RECORD_STREAM_ERROR &&
	       err.exit_code == BENCH_EXIT_INTERRUPTED;
}

Test(record_stream, ctrl_c_cannot_slip_past_the_wait)
{
	int p[2];

	cr_assert_eq(pipe(p), 0);
	expect_prompt_interrupt(wait_for_a_record, p);
	close(p[0]);
	close(p[1]);
}

static int wait_for_a_child(void *arg)
{
	struct child *c = arg;
	bench_error err = { 0 };

	return child_wait(c, clock_now_ns() + 5000000000u, &err) < 0 && err.exit_code == BENCH_EXIT_INTERRUPTED;
}

Test(record_stream, ctrl_c_cannot_slip_past_a_child_wait)
{
	struct child c;
	bench_error err = { 0 };
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		pause();
		_exit(0);
	}
	cr_assert_eq(child_track(&c, pid, &err), 0, "%s", err.msg);
	expect_prompt_interrupt(wait_for_a_child, &c);
	child_kill(&c);
}
