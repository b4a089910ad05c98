/* The OCI runtimes' runners (runc, crun, runsc): each runs startup end to
 * end; a missing runtime is one line naming its package; a SIGKILLed run's
 * containers are removed by `bench cleanup`; the hardened profile reaches
 * the agent (no_new_privs, the seccomp filter, Docker's capabilities);
 * --oci-lifecycle run times one `<runtime> run` and leaves nothing; runsc
 * asks for fewer runs; storage reaches each runtime's container through a
 * bind mount of the scratch folder. */
#include <jansson.h>
#include <sys/wait.h>

#include "../bench/harness/options.h"
#include "../bench/harness/schedule.h"
#include "../lib/hardened_rules.h"
#include "../lib/run_id.h"
#include "../runners/runner.h"
#include "cli_run.h"

static bool have(const char *bin)
{
	char path[256];

	snprintf(path, sizeof(path), "/usr/bin/%s", bin);
	if (access(path, X_OK) == 0)
		return true;
	snprintf(path, sizeof(path), "/usr/sbin/%s", bin);
	return access(path, X_OK) == 0;
}

#define SKIP_UNLESS_RUNTIME(b)                                                                    \
	do {                                                                                      \
		SKIP_UNLESS_ROOT();                                                               \
		if (!have(b))                                                                     \
			cr_skip_test("%s is not installed (apt-get install -y %s)", b, b);         \
	} while (0)

/* Folders of a run (needle "bench-<pid>-") left below bench-oci.slice in
 * any cgroup hierarchy, or its run folder. */
static int oci_leftovers(const char *runtime, const char *needle)
{
	static const char *const hierarchies[] = { "cpu", "cpuset", "memory", "pids", "freezer", "devices",
						   "blkio", "cpuacct", "systemd", "unified", "" };
	char path[256];
	int found = test_leftovers(needle);

	for (size_t i = 0; i < sizeof(hierarchies) / sizeof(hierarchies[0]); i++) {
		snprintf(path, sizeof(path), "/sys/fs/cgroup/%s/bench-oci.slice/%s", hierarchies[i], runtime);
		found += test_cgroup_leftovers(path, needle, 0, true);
	}
	return found;
}

static void startup_runs(const char *runtime)
{
	char dir[64], needle[32];
	const char *args[] = { "run", "startup", "--runners", runtime, "-n", "2", "-w", "0", "--out", temp_dir(dir), NULL };
	struct cli_run r;

	SKIP_UNLESS_RUNTIME(runtime);
	test_agent();
	run_bench(&r, NULL, args);
	cr_assert_eq(r.status, 0, "%s", r.err);
	/* The runtime's own phases, in the summary. */
	cr_expect_not_null(strstr(r.out, "create"), "%s", r.out);
	cr_expect_not_null(strstr(r.out, "start"), "%s", r.out);
	cr_expect_not_null(strstr(r.out, "delete"), "%s", r.out);
	snprintf(needle, sizeof(needle), "bench-%d-", (int)r.pid);
	cr_expect_eq(oci_leftovers(runtime, needle), 0);
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

Test(oci_runners, runc_startup, .timeout = 120)
{
	startup_runs("runc");
}

Test(oci_runners, crun_startup, .timeout = 120)
{
	startup_runs("crun");
}

Test(oci_runners, runsc_startup, .timeout = 120)
{
	startup_runs("runsc");
}

/* bench run storage through the runtime: the scratch file's folder
 * bind-mounted into its container (config.json's mounts), every pattern
 * measured, the queue depth 32 engine recorded (runsc's ring refuses what
 * the run does: threads, and why), no overlayfs row (one runner says
 * what overlayfs costs), nothing left. */
static void storage_reaches_the_disk(const char *runtime)
{
	static char text[1 << 16];
	char dir[64], csv[128], needle[32], series[64], *meta, path[PATH_MAX];
	const char *args[] = { "run", "storage", "--runners", runtime, "--scratch-size", "4", "--patterns",
			       "randread_qd1,randwrite_qd32", "--ramp-ms", "0", "--duration-ms", "100", "-n", "1",
			       "-w", "0", "-q", "--out", temp_dir(dir), "--export-csv", csv, NULL };
	struct cli_run r;
	json_t *doc, *engine;

	SKIP_UNLESS_RUNTIME(runtime);
	test_agent();
	snprintf(csv, sizeof(csv), "%s/s.csv", dir);
	run_bench(&r, NULL, args);
	cr_assert_eq(r.status, 0, "%s", r.err);
	slurp(csv, text, sizeof(text));
	snprintf(series, sizeof(series), "\n%s,randread_qd1.p50,", runtime);
	cr_expect_not_null(strstr(text, series), "no %s in %s", series + 1, text);
	snprintf(series, sizeof(series), "\n%s,randwrite_qd32.iops,", runtime);
	cr_expect_not_null(strstr(text, series), "no %s in %s", series + 1, text);
	cr_expect_null(strstr(text, ",overlay."), "an overlayfs row through %s", runtime);
	snprintf(path, sizeof(path), "%s/latest/meta.json", dir);
	doc = json_load_file(path, 0, NULL);
	cr_assert_not_null(doc);
	engine = json_object_get(json_object_get(json_object_get(doc, "storage_engines"), runtime), "randwrite_qd32");
	meta = engine ? strdup(json_string_value(engine)) : NULL;
	cr_expect(meta && (strcmp(meta, "io_uring") == 0 || strncmp(meta, "threads", 7) == 0),
		  "engine of %s: %s", runtime, meta ? meta : "(none)");
	free(meta);
	json_decref(doc);
	snprintf(needle, sizeof(needle), "bench-%d-", (int)r.pid);
	cr_expect_eq(oci_leftovers(runtime, needle), 0);
	expect_nothing_left(r.pid);
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

Test(oci_runners, crun_storage, .timeout = 120)
{
	storage_reaches_the_disk("crun");
}

Test(oci_runners, runc_storage, .timeout = 120)
{
	storage_reaches_the_disk("runc");
}

Test(oci_runners, runsc_storage, .timeout = 120)
{
	storage_reaches_the_disk("runsc");
}

/* --oci-lifecycle run: one `<runtime> run` per container, phases "run"
 * and "exit" instead of create/start/delete, said so in the metadata,
 * and nothing left behind (run deletes its container itself). */
static void run_lifecycle(const char *runtime)
{
	char dir[64], csv[128], needle[32], *text, *meta;
	const char *args[] = { "run", "startup", "--runners", runtime, "--oci-lifecycle", "run", "-n", "2", "-w", "0",
			       "-q", "--out", temp_dir(dir), "--export-csv", csv, NULL };
	char cmd[300];
	struct cli_run r;
	FILE *p;
	size_t n = 0;

	SKIP_UNLESS_RUNTIME(runtime);
	test_agent();
	snprintf(csv, sizeof(csv), "%s/samples.csv", dir);
	run_bench(&r, NULL, args);
	cr_assert_eq(r.status, 0, "%s", r.err);
	text = test_read_file(csv, &n);
	cr_assert_not_null(text);
	cr_expect_not_null(strstr(text, ",phase.run,"), "%s", text);
	cr_expect_not_null(strstr(text, ",exit,"), "%s", text);
	cr_expect_null(strstr(text, ",phase.create,"), "%s", text);
	cr_expect_null(strstr(text, ",delete,"), "%s", text);
	free(text);
	snprintf(cmd, sizeof(cmd), "cat %s/*-startup/meta.json", dir);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	meta = calloc(1, 1 << 20);
	cr_assert_not_null(meta);
	n = fread(meta, 1, (1 << 20) - 1, p);
	pclose(p);
	cr_expect_not_null(strstr(meta, "\"lifecycle\": \"run: "), "%.2000s", meta);
	free(meta);
	snprintf(needle, sizeof(needle), "bench-%d-", (int)r.pid);
	cr_expect_eq(oci_leftovers(runtime, needle), 0);
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

Test(oci_runners, crun_run_lifecycle, .timeout = 120)
{
	run_lifecycle("crun");
}

Test(oci_runners, runc_run_lifecycle, .timeout = 120)
{
	run_lifecycle("runc");
}

/* A workload that runs until told to stop (syscall), under `run`: the
 * agent gets SIGTERM through its pidfd and `run` ends cleanly with it. */
Test(oci_runners, crun_run_lifecycle_stops_a_workload, .timeout = 300)
{
	char dir[64], needle[32];
	const char *args[] = { "run", "syscall", "--runners", "crun", "--oci-lifecycle", "run", "-n", "1", "-w", "0",
			       "-q", "--out", temp_dir(dir), NULL };
	struct cli_run r;

	SKIP_UNLESS_RUNTIME("crun");
	test_agent();
	run_bench(&r, NULL, args);
	cr_expect_eq(r.status, 0, "%s", r.err);
	snprintf(needle, sizeof(needle), "bench-%d-", (int)r.pid);
	cr_expect_eq(oci_leftovers("crun", needle), 0);
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

Test(oci_runners, bad_lifecycle_is_one_line)
{
	const char *args[] = { "run", "startup", "--runners", "crun", "--oci-lifecycle", "both", "-q", NULL };
	struct cli_run r;

	run_bench(&r, NULL, args);
	cr_expect_eq(r.status, 2, "%s", r.err);
	cr_expect_eq(r.err_lines, 1, "%s", r.err);
	cr_expect_not_null(strstr(r.err, "--oci-lifecycle: 'both' is not one of phases, run"), "%s", r.err);
}

/* runsc starts in about 1.5 s under ptrace: its own, smaller default
 * runs (and one warm-up), as the vm runner has; crun and runc keep the
 * benchmark's. */
Test(oci_runners, runsc_asks_for_fewer_runs)
{
	struct run_options o = { .runs = -1, .warmup = -1 };
	const struct runner_ops *runsc = runner_find("runsc"), *crun = runner_find("crun");

	cr_assert_not_null(runsc);
	cr_assert_not_null(crun);
	cr_expect_eq(schedule_runs_for(&o, runsc), 10);
	cr_expect_eq(schedule_warmup_for(&o, runsc), 1);
	cr_expect_eq(schedule_runs_for(&o, crun), OPTIONS_DEFAULT_RUNS);
	o.runs = 4;
	cr_expect_eq(schedule_runs_for(&o, runsc), 4);
}

/* No crun on PATH: one line, naming the package and the fix. */
Test(oci_runners, missing_runtime_is_one_line, .timeout = 60)
{
	const char *args[] = { "run", "startup", "--runners", "crun", "-n", "1", "-w", "0", "-q", NULL };
	char *saved = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	struct cli_run r;

	SKIP_UNLESS_ROOT();
	test_agent();
	setenv("PATH", "/nonexistent-bench-test", 1);
	run_bench(&r, NULL, args);
	if (saved) {
		setenv("PATH", saved, 1);
		free(saved);
	}
	cr_expect_neq(r.status, 0);
	cr_expect_eq(r.err_lines, 1, "%s", r.err);
	cr_expect_not_null(strstr(r.err, "apt-get install -y crun"), "%s", r.err);
	expect_nothing_left(r.pid);
}

/* SIGKILL in the middle of a run; `bench cleanup` then removes its
 * containers (and the processes in them), cgroups and folders. */
static void killed_then_cleaned(const char *runtime, int after_ms)
{
	char dir[64], needle[32];
	const char *args[] = { "run", "startup", "--runners", runtime, "-n", "100000", "-w", "0", "-q", "--out", temp_dir(dir), NULL };
	const char *clean[] = { "cleanup", NULL };
	struct cli_opts o = { .signal_after_ms = after_ms, .signal = SIGKILL };
	struct cli_run r, c;

	SKIP_UNLESS_RUNTIME(runtime);
	test_agent();
	run_bench(&r, &o, args);
	cr_assert_eq(r.status, 128 + SIGKILL, "%s", r.err);
	snprintf(needle, sizeof(needle), "bench-%d-", (int)r.pid);
	run_bench(&c, NULL, clean);
	cr_expect_eq(c.status, 0, "%s", c.err);
	cr_expect_eq(oci_leftovers(runtime, needle), 0, "%s", c.out);
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

Test(oci_runners, runc_sigkill_then_cleanup, .timeout = 120)
{
	killed_then_cleaned("runc", 1500);
}

Test(oci_runners, crun_sigkill_then_cleanup, .timeout = 120)
{
	killed_then_cleaned("crun", 1500);
}

Test(oci_runners, runsc_sigkill_then_cleanup, .timeout = 120)
{
	killed_then_cleaned("runsc", 3000);
}

/* The agent under --profile hardened, as the host sees it in /proc. */
static void hardened_reaches_the_agent(const char *runtime)
{
	const struct hardened_rules *rules = hardened_rules();
	struct run_config cfg = { .cpus = "", .memory_mib = 64, .pids_max = 16, .timeout_ms = 20000, .profile = "hardened" };
	struct runner r = { .ops = runner_find(runtime), .cfg = &cfg };
	struct instance in;
	bench_error err = { 0 };
	char run_id[64], path[64], line[256], capbnd[32] = "", nnp[8] = "", seccomp[8] = "";
	unsigned long long want = 0;
	FILE *f;

	SKIP_UNLESS_RUNTIME(runtime);
	cfg.agent_path = test_agent();
	run_id_make(run_id, sizeof(run_id));
	cfg.run_id = run_id;
	cr_assert_not_null(r.ops);
	cr_assert_eq(r.ops->prepare(&r, &err), 0, "%s", err.msg);
	instance_init(&in, &r, 0, "idle");
	cr_assert_eq(r.ops->launch(&r, &in, &err), 0, "%s", err.msg);
	cr_assert_eq(r.ops->wait_ready(&r, &in, &err), 0, "%s", err.msg);
	cr_assert_gt(in.host_pid, 1);
	snprintf(path, sizeof(path), "/proc/%d/status", (int)in.host_pid);
	f = fopen(path, "re");
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "CapBnd: %31s", capbnd);
		sscanf(line, "NoNewPrivs: %7s", nnp);
		sscanf(line, "Seccomp: %7s", seccomp);
	}
	fclose(f);
	for (size_t i = 0; i < rules->n_caps_kept; i++)
		want |= 1ull << rules->caps_kept[i].nr;
	cr_expect_str_eq(nnp, "1");
	cr_expect_str_eq(seccomp, "2", "no seccomp filter");
	cr_expect_eq(strtoull(capbnd, NULL, 16), want, "bounding set %s", capbnd);
	cr_expect_eq(r.ops->stop(&r, &in, &err), 0, "%s", err.msg);
	r.ops->destroy(&r, &in);
	r.ops->finish(&r);
	cr_expect_eq(oci_leftovers(runtime, run_id), 0);
}

Test(oci_runners, runc_hardened, .timeout = 60)
{
	hardened_reaches_the_agent("runc");
}

Test(oci_runners, crun_hardened, .timeout = 60)
{
	hardened_reaches_the_agent("crun");
}

/* A runtime that fails (here: it cannot exec a dynamically linked agent in
 * a root file system without a C library) gives its own last line, in one
 * line, and leaves nothing. */
static void runtime_failure_is_its_own_line(const char *runtime)
{
	const char *args[] = { "run", "startup", "--runners", runtime, "-n", "1", "-w", "0", "-q", NULL };
	struct cli_opts o = { .agent = "/bin/true" };
	char needle[32];
	struct cli_run r;

	SKIP_UNLESS_RUNTIME(runtime);
	run_bench(&r, &o, args);
	cr_expect_eq(r.status, 1, "%s", r.err);
	cr_expect_eq(r.err_lines, 1, "%s", r.err);
	cr_expect_not_null(strstr(r.err, "bench-agent"), "the runtime's words are missing: %s", r.err);
	snprintf(needle, sizeof(needle), "bench-%d-", (int)r.pid);
	cr_expect_eq(oci_leftovers(runtime, needle), 0);
}

Test(oci_runners, runc_failure_is_one_line, .timeout = 60)
{
	runtime_failure_is_its_own_line("runc");
}

Test(oci_runners, crun_failure_is_one_line, .timeout = 60)
{
	runtime_failure_is_its_own_line("crun");
}

Test(oci_runners, runsc_failure_is_one_line, .timeout = 60)
{
	runtime_failure_is_its_own_line("runsc");
}
