/* bench run storage: the agent's task on a real file, the options, and
 * `bench cleanup` after a run killed with SIGKILL in the middle of its
 * overlayfs row (its scratch file and overlay mount are the leftovers). */
#include <criterion/criterion.h>

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../lib/agent_protocol.h"
#include "../bench/storage.h"
#include "cli_run.h"
#include "helpers.h"

/* Runs the agent's storage task with args; its stdout in out. */
static int agent_storage(const char *const *args, char *out, size_t outsz)
{
	char path[] = "/tmp/bench-test-storage-out-XXXXXX";
	const char *argv[16] = { test_agent(), BENCH_TASK_STORAGE };
	int fd = mkstemp(path), n = 2, st;
	pid_t pid;

	cr_assert_geq(fd, 0);
	for (; *args && n < 15; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	pid = fork();
	if (pid == 0) {
		dup2(fd, 1);
		execv(argv[0], (char *const *)argv);
		_exit(98);
	}
	waitpid(pid, &st, 0);
	slurp(path, out, outsz);
	close(fd);
	unlink(path);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

Test(storage, agent_times_a_file)
{
	char file[] = "/var/tmp/bench-test-storage-XXXXXX", disk[128], out[8192];
	int fd = mkstemp(file);
	const char *args[] = { disk, "patterns=randread_qd1,seqwrite", "ramp_ms=0", "run_ms=100", NULL };
	char *p;

	cr_assert_geq(fd, 0);
	/* Written, as bench's scratch files are: a hole is read without any
	 * I/O, alignment unchecked. */
	memset(out, 'x', sizeof(out));
	for (int i = 0; i < (4 << 20) / (int)sizeof(out); i++)
		cr_assert_eq(write(fd, out, sizeof(out)), (ssize_t)sizeof(out));
	close(fd);
	snprintf(disk, sizeof(disk), "disk=%s", file);
	cr_assert_eq(agent_storage(args, out, sizeof(out)), 0, "%s", out);
	unlink(file);
	cr_expect_not_null(strstr(out, "BENCH/1 READY task=storage"), "%s", out);
	/* The host's file system honours O_DIRECT: the unaligned read is
	 * refused (runsc's gofer, which drops the flag, says direct=0). */
	cr_expect_not_null(strstr(out, "kind=disk"), "%s", out);
	cr_expect_not_null(strstr(out, " direct=1"), "O_DIRECT not in effect on %s: %s", file, out);
	p = strstr(out, "pattern=randread_qd1 ");
	cr_assert_not_null(p, "%s", out);
	cr_expect_null(strstr(p, "ops=0 "), "no read completed: %s", out);
	cr_expect_not_null(strstr(out, "pattern=seqwrite "), "%s", out);
	cr_expect_null(strstr(out, "pattern=randwrite_qd1"), "a pattern not asked for ran: %s", out);
	cr_expect_not_null(strstr(out, "BENCH/1 DONE"), "%s", out);
}

Test(storage, agent_refuses_what_is_not_a_disk)
{
	char out[2048];
	const char *none[] = { "run_ms=50", NULL };
	const char *missing[] = { "disk=/nonexistent/bench-disk", "run_ms=50", NULL };
	const char *tiny[] = { "disk=/proc/self/status", "run_ms=50", NULL };

	cr_expect_eq(agent_storage(none, out, sizeof(out)), 2);
	cr_expect_not_null(strstr(out, "BENCH/1 ERROR"), "%s", out);
	cr_expect_eq(agent_storage(missing, out, sizeof(out)), 1);
	cr_expect_not_null(strstr(out, "BENCH/1 ERROR"), "%s", out);
	cr_expect_null(strstr(out, "READY"), "%s", out);
	cr_expect_neq(agent_storage(tiny, out, sizeof(out)), 0);
	cr_expect_null(strstr(out, "READY"), "%s", out);
}

Test(storage, bad_options_are_one_line)
{
	static const char *const bad[][6] = {
		{ "run", "storage", "--patterns", "randread_qd7", NULL },
		{ "run", "storage", "--scratch-size", "1", NULL },
		{ "run", "storage", "--scratch", "relative/dir", NULL },
		{ "run", "storage", "--duration-ms", "x", NULL },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cli_run r;

		run_bench(&r, NULL, bad[i]);
		cr_expect_eq(r.status, 2, "%s %s: exit %d", bad[i][2], bad[i][3], r.status);
		cr_expect_eq(r.err_lines, 1, "%s %s: %s", bad[i][2], bad[i][3], r.err);
	}
}

/* /proc/vmstat's count of page cache drops (every writer's, bench's too). */
static long drops_so_far(void)
{
	char line[128];
	long n = -1;
	FILE *f = fopen("/proc/vmstat", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "drop_pagecache %ld", &n) == 1)
			break;
	fclose(f);
	return n;
}

/* Runs bench with args in a state folder of its own (state, a mkdtemp
 * template: BENCH_STATE_DIR, so the scratch file lands there), its results
 * in a new outdir and csv named <outdir>/s.csv (args point at both). */
static void run_in_own_state(struct cli_run *c, char *state, char *outdir, char *csv, size_t csvsz,
			     const char *const *args)
{
	cr_assert_not_null(mkdtemp(state));
	setenv("BENCH_STATE_DIR", state, 1);
	temp_dir(outdir);
	snprintf(csv, csvsz, "%s/s.csv", outdir);
	run_bench(c, NULL, args);
	unsetenv("BENCH_STATE_DIR");
}

/* The host's cache is dropped before every pattern, not once per run: each
 * pattern is an agent run of its own, and every run still has one sample
 * of every pattern. */
Test(storage, caches_dropped_before_every_pattern, .timeout = 120)
{
	char state[] = "/var/tmp/bench-test-state-XXXXXX", outdir[64], csv[128], line[256];
	const char *args[] = { "run", "storage", "--runners", "host", "--runs", "2", "--scratch-size", "4",
			       "--patterns", "randread_qd1,seqread", "--ramp-ms", "0", "--duration-ms", "50",
			       "--quiet", "--out", outdir, "--export-csv", csv, NULL };
	struct cli_run c;
	long before;
	int p50 = 0, mbps = 0;
	FILE *f;

	SKIP_UNLESS_ROOT();
	before = drops_so_far();
	if (before < 0)
		cr_skip_test("/proc/vmstat has no drop_pagecache count");
	run_in_own_state(&c, state, outdir, csv, sizeof(csv), args);
	cr_assert_eq(c.status, 0, "%s", c.err);
	/* 2 runs x 2 patterns; once per run would be 2 (or 3). */
	cr_expect_geq(drops_so_far() - before, 4, "the page cache was dropped %ld times",
		      drops_so_far() - before);
	f = fopen(csv, "re");
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f)) {
		p50 += strstr(line, ",randread_qd1.p50,") != NULL;
		mbps += strstr(line, ",seqread.mbps,") != NULL;
	}
	fclose(f);
	cr_expect_eq(p50, 2, "randread_qd1.p50: %d samples, not one per run", p50);
	cr_expect_eq(mbps, 2, "seqread.mbps: %d samples, not one per run", mbps);
	nftw(outdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	nftw(state, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* The scratch folders of bench process pid in dir, counted. */
static int scratch_folders(const char *dir, pid_t pid)
{
	char prefix[32];
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return 0;
	snprintf(prefix, sizeof(prefix), "bench-%d-", (int)pid);
	while ((de = readdir(d)) != NULL)
		n += strncmp(de->d_name, prefix, strlen(prefix)) == 0;
	closedir(d);
	return n;
}

/* A runner that fails stops the run with one line and a non-zero exit;
 * the rows measured before it are kept, and the results, not only the
 * terminal, say which runner stopped the run and why.  The failure: a libvirt
 * connection to a port nothing listens on. */
Test(storage, a_runner_that_fails_is_named_in_the_results, .timeout = 120)
{
	char state[] = "/var/tmp/bench-test-state-XXXXXX", outdir[64], csv[128], meta[128], scratch[96];
	static char text[1 << 18];
	const char *args[] = { "run", "storage", "--runners", "host,vm", "--runs", "1", "--warmup", "0",
			       "--scratch-size", "4", "--patterns", "seqread", "--ramp-ms", "0", "--duration-ms", "50",
			       "--libvirt-uri", "qemu+tcp://127.0.0.1:1/system", "--quiet", "--out", outdir,
			       "--export-csv", csv, NULL };
	struct cli_run c;

	SKIP_UNLESS_ROOT();
	run_in_own_state(&c, state, outdir, csv, sizeof(csv), args);
	cr_expect_neq(c.status, 0, "a run whose vm runner failed exited 0");
	cr_expect_not_null(strstr(c.err, "vm"), "stderr does not name the runner: %s", c.err);
	snprintf(meta, sizeof(meta), "%s/latest/meta.json", outdir);
	slurp(meta, text, sizeof(text));
	cr_expect_not_null(strstr(text, "the run stopped early: vm"), "meta.json says nothing of the vm runner's failure");
	slurp(csv, text, sizeof(text));
	cr_expect_not_null(strstr(text, "host,seqread.mbps,"), "the host's row was lost: %s", text);
	snprintf(scratch, sizeof(scratch), "%s/scratch", state);
	cr_expect_eq(scratch_folders(scratch, c.pid), 0, "the scratch folder was left behind");
	nftw(outdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	nftw(state, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Queue depth 32 by the engine asked for, and the record says which ran;
 * io_uring is checked only where this kernel lets a process set a ring up
 * (auto falls back to threads where it does not, and says why). */
Test(storage, agent_names_its_queue_depth_32_engine)
{
	char file[] = "/var/tmp/bench-test-storage-XXXXXX", disk[128], out[8192];
	int fd = mkstemp(file);
	const char *threads[] = { disk, "patterns=randread_qd32", "ramp_ms=0", "run_ms=100", "engine=threads", NULL };
	const char *automatic[] = { disk, "patterns=randwrite_qd32", "ramp_ms=0", "run_ms=100", NULL };
	const char *bad[] = { disk, "engine=libaio", NULL };

	cr_assert_geq(fd, 0);
	cr_assert_eq(ftruncate(fd, 4 << 20), 0);
	close(fd);
	snprintf(disk, sizeof(disk), "disk=%s", file);
	cr_assert_eq(agent_storage(threads, out, sizeof(out)), 0, "%s", out);
	cr_expect_not_null(strstr(out, "pattern=randread_qd32 bs=4096 qd=32 engine=threads "), "%s", out);
	cr_expect_null(strstr(out, "ops=0 "), "no read completed: %s", out);
	cr_assert_eq(agent_storage(automatic, out, sizeof(out)), 0, "%s", out);
	cr_expect(strstr(out, "engine=io_uring ") || strstr(out, "engine=threads uring_errno="),
		  "auto is io_uring, or threads with the reason: %s", out);
	cr_expect_null(strstr(out, "ops=0 "), "no write completed: %s", out);
	cr_expect_eq(agent_storage(bad, out, sizeof(out)), 2);
	cr_expect_not_null(strstr(out, "BENCH/1 ERROR"), "%s", out);
	unlink(file);
}

static int apply(const char *line, struct results *res, bench_error *err)
{
	struct agent_record rec;

	cr_assert_eq(record_parse(line, strlen(line), &rec, err), RECORD_OK, "%s: %s", line, err->msg);
	return storage_data_apply(&rec, "host", "", res, err);
}

/* The reader of the agent's records keeps the engine, says why io_uring was
 * refused, and refuses an engine or a number it does not know. */
Test(storage, data_keeps_the_engine_and_checks_it)
{
	struct results res;
	bench_error err = { 0 };
	const char *head = "BENCH/1 DATA kind=pattern pattern=randread_qd32 bs=4096 qd=32 ops=5 window_ms=10 "
			   "iops_milli=500000 mbps_milli=2048 p50_ns=100 p99_ns=200 ";
	char line[512];
	json_t *e;

	results_init(&res, "storage");
	snprintf(line, sizeof(line), "%sengine=threads uring_errno=1", head);
	cr_assert_eq(apply(line, &res, &err), 0, "%s", err.msg);
	e = json_object_get(json_object_get(json_object_get(res.meta, "storage_engines"), "host"), "randread_qd32");
	cr_assert_not_null(strstr(json_string_value(e), "threads (io_uring refused: "), "%s", json_string_value(e));
	snprintf(line, sizeof(line), "%sengine=io_uring", head);
	cr_assert_eq(apply(line, &res, &err), 0, "%s", err.msg);
	cr_expect_str_eq(json_string_value(json_object_get(
				 json_object_get(json_object_get(res.meta, "storage_engines"), "host"), "randread_qd32")),
			 "io_uring");
	snprintf(line, sizeof(line), "%sengine=libaio", head);
	cr_expect_eq(apply(line, &res, &err), -1, "an unknown engine was taken");
	snprintf(line, sizeof(line), "%sengine=threads uring_errno=99999", head);
	cr_expect_eq(apply(line, &res, &err), -1, "an errno out of range was taken");
	cr_expect_eq(apply("BENCH/1 DONE task=storage", &res, &err), 1);
	cr_expect_eq(apply("BENCH/1 ERROR msg=x", &res, &err), -1);
	results_free(&res);
}

/* A disk record saying O_DIRECT is not in effect names the row in meta
 * "storage_page_cache" (the report marks its figures); a bad value is
 * refused. */
Test(storage, data_names_a_row_without_o_direct)
{
	struct results res;
	bench_error err = { 0 };

	results_init(&res, "storage");
	cr_assert_eq(apply("BENCH/1 DATA kind=disk path=/disk/d bytes=4194304 direct=1", &res, &err), 0, "%s",
		     err.msg);
	cr_expect_null(json_object_get(res.meta, "storage_page_cache"));
	cr_assert_eq(apply("BENCH/1 DATA kind=disk path=/disk/d bytes=4194304", &res, &err), 0, "%s", err.msg);
	cr_expect_null(json_object_get(res.meta, "storage_page_cache"), "an agent that says nothing was judged");
	cr_assert_eq(apply("BENCH/1 DATA kind=disk path=/disk/d bytes=4194304 direct=0", &res, &err), 0, "%s",
		     err.msg);
	cr_expect_not_null(json_object_get(json_object_get(res.meta, "storage_page_cache"), "host"));
	cr_expect_eq(apply("BENCH/1 DATA kind=disk path=/disk/d bytes=1 direct=7", &res, &err), -1,
		     "direct=7 was taken");
	results_free(&res);
}

/* True when a mount point under dir is in the host's mount table. */
static bool mounted_under(const char *dir)
{
	char line[4096];
	FILE *f = fopen("/proc/self/mountinfo", "re");
	bool found = false;

	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f))
		found |= strstr(line, dir) != NULL;
	fclose(f);
	return found;
}

Test(storage, cleanup_after_sigkill, .timeout = 120)
{
	char state[] = "/var/tmp/bench-test-state-XXXXXX", scratch[256], outdir[64];
	const char *bin = getenv("BENCH_BIN");
	pid_t pid;
	int st, waited = 0;
	struct cli_run c;
	static const char *const cleanup[] = { "cleanup", NULL };

	SKIP_UNLESS_ROOT();
	if (!bin)
		cr_skip_test("BENCH_BIN is not set (run through 'make test')");
	cr_assert_not_null(mkdtemp(state));
	snprintf(scratch, sizeof(scratch), "%s/scratch", state);
	setenv("BENCH_STATE_DIR", state, 1);
	temp_dir(outdir);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(null, 2);
		execl(bin, bin, "run", "storage", "--runners", "container", "--runs", "1", "--scratch-size", "8",
		      "--patterns", "seqread", "--ramp-ms", "0", "--duration-ms", "20000", "--quiet", "--out", outdir,
		      (char *)NULL);
		_exit(98);
	}
	/* Until the overlayfs row runs: its file is there, and the mount. */
	for (;;) {
		char probe[512];
		struct timespec ts = { 0, 50000000 };

		snprintf(probe, sizeof(probe), "%s/bench-%d-", scratch, (int)pid);
		if (scratch_folders(scratch, pid) == 1) {
			DIR *d = opendir(scratch);
			struct dirent *de;
			bool ovl = false;

			while (d && (de = readdir(d)) != NULL) {
				char f[1024];

				snprintf(f, sizeof(f), "%s/%s/ovl/merged/disk.img", scratch, de->d_name);
				ovl |= access(f, F_OK) == 0;
			}
			if (d)
				closedir(d);
			if (ovl)
				break;
		}
		cr_assert(waitpid(pid, &st, WNOHANG) == 0, "bench ended before its overlay row");
		cr_assert_lt(waited++, 1200, "no overlay row within 60 s");
		nanosleep(&ts, NULL);
	}
	{
		struct timespec ts = { 0, 300000000 };

		nanosleep(&ts, NULL); /* into the row: the container runs */
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	cr_expect_eq(scratch_folders(scratch, pid), 1, "the killed run's scratch folder is there");
	cr_expect(mounted_under(scratch), "the killed run's overlay is still mounted");

	run_bench(&c, NULL, cleanup);
	cr_expect_eq(c.status, 0, "%s", c.err);
	cr_expect_not_null(strstr(c.out, "scratch folders removed: 1"), "%s", c.out);
	cr_expect_eq(scratch_folders(scratch, pid), 0, "bench cleanup left the scratch folder");
	cr_expect(!mounted_under(scratch), "bench cleanup left the overlay mounted");
	expect_nothing_left(pid);
	unsetenv("BENCH_STATE_DIR");
	nftw(outdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	nftw(state, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}
