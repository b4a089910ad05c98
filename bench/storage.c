/* bench run storage: random and sequential I/O with O_DIRECT on one
 * preallocated scratch file, reached by each runner its own way:
 *   host       the file itself;
 *   container  the file's folder bind-mounted read-write (a hostPath
 *              volume), and a second row, the same file on an overlayfs
 *              upper layer (a container's own writable root);
 *   vm         the file as a virtio-blk disk (raw, cache=none, io=native),
 *              the guest's /dev/vda.
 * One agent run does one pattern (bench/agent/task_storage.c), the patterns
 * in turn, so that the host's page cache is dropped, and the dirty pages of
 * a write pattern written back, before every pattern: an instance cannot
 * drop its host's cache itself, and a VM's start is the price. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/benchmark.h"
#include "harness/run_output.h"
#include "harness/schedule.h"
#include "harness/scratch.h"
#include "harness/session.h"
#include "harness/suite.h"
#include "storage.h"

/* Every pattern is an agent run of its own (the cache dropped before it),
 * so a row is runs x patterns instances: 3 x 6 x (1 s ramp + 4 s window)
 * is 90 s of I/O per row, and host, container (two rows) and a TCG guest,
 * which boots for each, about 8 minutes.  Issue 12's shape, 2 s + 10 s,
 * took twice that: --ramp-ms 2000 --duration-ms 10000 still gives it.  At
 * 10-20k IOPS a 4 s window holds 40-80k latencies, enough for a p99. */
#define STORAGE_DEFAULT_RUNS 3
#define STORAGE_DEFAULT_MIB 1024
#define STORAGE_DEFAULT_RAMP_MS 1000
#define STORAGE_DEFAULT_RUN_MS 4000
/* --quick: a run of minutes on a small machine. */
#define STORAGE_QUICK_RUNS 2
#define STORAGE_QUICK_MIB 64
#define STORAGE_QUICK_RAMP_MS 300
#define STORAGE_QUICK_RUN_MS 1500
/* Beyond the patterns' own time: a TCG guest's slow start of a pattern. */
#define STORAGE_RECORD_SLACK_MS 60000

const char *const storage_patterns[STORAGE_NPATTERNS] = {
	"randread_qd1", "randwrite_qd1", "randread_qd32", "randwrite_qd32", "seqread", "seqwrite",
};

struct storage_bench {
	const char *scratch_dir;
	const char *scratch_file;  /* --scratch-file: the user's, used as it is */
	unsigned long long scratch_mib;
	long ramp_ms, run_ms;
	bool quick, size_given, ramp_given, run_given;
	char patterns[160];
	struct scratch sc;
	const char *prefix;  /* of the row being measured */
	char arg_patterns[200], arg_ramp[32], arg_run[32], arg_engine[32];
	const char *engine; /* queue depth 32: auto, io_uring or threads */
	int record_timeout_ms;
	unsigned npatterns;
	unsigned chosen[STORAGE_NPATTERNS]; /* indexes into storage_patterns */
};

/* ---- options ------------------------------------------------------------ */

static int parse_ull(const char *opt, const char *value, unsigned long long lo, unsigned long long hi,
		     unsigned long long *out, bench_error *err)
{
	char *end;

	if (*value < '0' || *value > '9')
		return bench_fail_usage(err, "%s: '%s' is not a whole number", opt, value);
	errno = 0;
	*out = strtoull(value, &end, 10);
	if (*end || errno || *out < lo || *out > hi)
		return bench_fail_usage(err, "%s: '%s' is not a number from %llu to %llu", opt, value, lo, hi);
	return 0;
}

static int set_scratch(void *ctx, const char *value, bench_error *err)
{
	struct storage_bench *b = ctx;

	if (value[0] != '/' || strlen(value) > 200)
		return bench_fail_usage(err, "--scratch: '%.64s' is not an absolute folder path (at most 200 characters)",
					value);
	b->scratch_dir = value;
	return 0;
}

static int set_scratch_file(void *ctx, const char *value, bench_error *err)
{
	struct storage_bench *b = ctx;

	if (value[0] != '/' || strlen(value) > 200)
		return bench_fail_usage(err, "--scratch-file: '%.64s' is not an absolute file path (at most 200 "
					"characters)", value);
	b->scratch_file = value;
	return 0;
}

static int set_size(void *ctx, const char *value, bench_error *err)
{
	struct storage_bench *b = ctx;

	b->size_given = true;
	return parse_ull("--scratch-size", value, 2, 1ull << 22, &b->scratch_mib, err);
}

static int set_ramp(void *ctx, const char *value, bench_error *err)
{
	struct storage_bench *b = ctx;
	unsigned long long v = 0;

	if (parse_ull("--ramp-ms", value, 0, 600000, &v, err) < 0)
		return -1;
	b->ramp_ms = (long)v;
	b->ramp_given = true;
	return 0;
}

static int set_duration(void *ctx, const char *value, bench_error *err)
{
	struct storage_bench *b = ctx;
	unsigned long long v = 0;

	if (parse_ull("--duration-ms", value, 10, 3600000, &v, err) < 0)
		return -1;
	b->run_ms = (long)v;
	b->run_given = true;
	return 0;
}

static int set_patterns(void *ctx, const char *value, bench_error *err)
{
	struct storage_bench *b = ctx;
	char buf[160], *save = NULL;
	bool seen[STORAGE_NPATTERNS] = { false };

	if (strlen(value) >= sizeof(buf))
		return bench_fail_usage(err, "--patterns: the list is too long");
	memcpy(buf, value, strlen(value) + 1);
	b->patterns[0] = '\0';
	b->npatterns = 0;
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int found = -1;

		for (int i = 0; i < STORAGE_NPATTERNS; i++)
			if (strcmp(tok, storage_patterns[i]) == 0)
				found = i;
		if (found < 0)
			return bench_fail_usage(err, "--patterns: unknown pattern '%.40s' (known: randread_qd1, "
						"randwrite_qd1, randread_qd32, randwrite_qd32, seqread, seqwrite)", tok);
		if (seen[found])
			return bench_fail_usage(err, "--patterns: '%s' is named twice", tok);
		seen[found] = true;
	}
	for (int i = 0; i < STORAGE_NPATTERNS; i++)
		if (seen[i]) {
			snprintf(b->patterns + strlen(b->patterns), sizeof(b->patterns) - strlen(b->patterns), "%s%s",
				 b->npatterns ? "," : "", storage_patterns[i]);
			b->npatterns++;
		}
	if (b->npatterns == 0)
		return bench_fail_usage(err, "--patterns: the list is empty");
	return 0;
}

static int set_engine(void *ctx, const char *value, bench_error *err)
{
	struct storage_bench *b = ctx;

	if (strcmp(value, "auto") != 0 && strcmp(value, "io_uring") != 0 && strcmp(value, "threads") != 0)
		return bench_fail_usage(err, "--engine: '%.40s' is not auto, io_uring or threads", value);
	b->engine = value;
	return 0;
}

static int set_quick(void *ctx, const char *value, bench_error *err)
{
	struct storage_bench *b = ctx;

	(void)value;
	(void)err;
	b->quick = true;
	return 0;
}

static const struct bench_option storage_options[] = {
	{ "scratch", "DIR", "folder of the scratch file (default $BENCH_STATE_DIR/scratch or "
			    "/var/lib/bench/scratch): the file system measured", set_scratch },
	{ "scratch-file", "FILE", "an existing file to measure instead (not created, not removed; fio's, "
				  "for bench/storage_fio_compare.sh)", set_scratch_file },
	{ "scratch-size", "MIB", "size of the scratch file in MiB (default 1024; --quick: 64)", set_size },
	{ "ramp-ms", "MS", "unmeasured start of each pattern (default 1000; --quick: 300)", set_ramp },
	{ "duration-ms", "MS", "measured time of each pattern (default 4000; --quick: 1500)", set_duration },
	{ "patterns", "LIST", "patterns (default all): randread_qd1, randwrite_qd1, randread_qd32, "
			      "randwrite_qd32, seqread, seqwrite", set_patterns },
	{ "engine", "E", "queue depth 32 by io_uring, by 32 threads, or auto (default: io_uring where the "
			 "kernel allows it, else threads; results say which ran)", set_engine },
	{ "quick", NULL, "a small file and short patterns: minutes, not a quarter hour", set_quick },
	{ NULL, NULL, NULL, NULL },
};

/* ---- collecting --------------------------------------------------------- */

const char *storage_headline(const char *pattern, const char **unit, bool *higher_better)
{
	if (strncmp(pattern, "seq", 3) == 0) {
		*unit = "MB/s";
		*higher_better = true;
		return "mbps";
	}
	if (strlen(pattern) > 4 && strcmp(pattern + strlen(pattern) - 4, "_qd1") == 0) {
		*unit = "us";
		*higher_better = false;
		return "p50";
	}
	*unit = "IOPS";
	*higher_better = true;
	return "iops";
}

static int collect_storage(void *ctx, struct runner *r, struct instance *in, bool measured, struct results *res,
			   bench_error *err)
{
	struct storage_bench *b = ctx;

	(void)in;
	for (;;) {
		struct agent_record rec;

		if (r->ops->collect(r, in, &rec, b->record_timeout_ms, err) < 0)
			return bench_error_prefix(err, "storage: collecting the patterns");
		if (strcmp(rec.type, BENCH_REC_DONE) == 0)
			return 0;
		if (strcmp(rec.type, BENCH_REC_ERROR) == 0) {
			const char *msg = record_get(&rec, "msg");

			return bench_fail(err, 0, "%s: agent: %s", r->ops->name, msg ? msg : "(no message)");
		}
		if (measured && storage_data_apply(&rec, r->ops->name, b->prefix, res, err) < 0)
			return bench_error_prefix(err, "%s", r->ops->name);
	}
}

/* Before every agent run: its one pattern, and nothing of the pattern before
 * in the host's page cache nor waiting to be written back (O_DIRECT bypasses
 * the cache; a VM's disk is cache=none; the guest's own is bypassed too). */
static int before_launch(void *ctx, int index, bench_error *err)
{
	struct storage_bench *b = ctx;

	snprintf(b->arg_patterns, sizeof(b->arg_patterns), "patterns=%s",
		 storage_patterns[b->chosen[(unsigned)index % b->npatterns]]);
	return scratch_drop_caches(err);
}

static int after_run(void *ctx, struct runner *r, struct instance *in, struct results *res, bench_error *err)
{
	(void)ctx;
	/* A guest's /init loading its disk's drivers (the vm runner's
	 * "modules" measure): what a VM pays before its first I/O. */
	for (int i = 0; i < in->nmeasures; i++)
		if (strcmp(in->measures[i].name, "modules") == 0) {
			struct series *s = results_series(res, r->ops->name, "start.modules", "ms", err);

			if (!s || series_add(s, (double)in->measures[i].ns / 1e6, err) < 0)
				return -1;
		}
	return 0;
}

/* ---- running ------------------------------------------------------------ */

static int run_row(struct storage_bench *b, const struct run_options *opts, struct session *ss, const char *runner,
		   const char *disk, const char *prefix, bench_error *err)
{
	struct run_options one = *opts;
	struct schedule s = {
		.opts = &one, .agent_path = ss->agent, .run_id = ss->run_id, .task = BENCH_TASK_STORAGE,
		.res = &ss->res, .after_ready = collect_storage, .before_launch = before_launch, .record = after_run,
		.ctx = b, .task_disk = disk,
	};

	one.runners[0] = runner;
	one.nrunners = 1;
	/* Each run is one agent run per pattern, the patterns in turn, so that
	 * a change of load on the host falls on every pattern alike. */
	one.runs = schedule_runs_for(opts, runner_find(runner)) * (int)b->npatterns;
	one.warmup = schedule_warmup_for(opts, runner_find(runner)) * (int)b->npatterns;
	b->prefix = prefix;
	s.task_args[s.task_nargs++] = b->arg_patterns;
	s.task_args[s.task_nargs++] = b->arg_ramp;
	s.task_args[s.task_nargs++] = b->arg_run;
	s.task_args[s.task_nargs++] = b->arg_engine;
	return schedule_run(&s, err);
}

static void describe_scratch(struct storage_bench *b, json_t *meta)
{
	json_t *o = json_object(), *ovl;

	json_object_set_new(o, "file", json_string(b->sc.file));
	json_object_set_new(o, "bytes", json_integer((json_int_t)b->sc.bytes));
	json_object_set_new(o, "ramp_ms", json_integer(b->ramp_ms));
	json_object_set_new(o, "duration_ms", json_integer(b->run_ms));
	json_object_set_new(o, "patterns", json_string(b->patterns));
	json_object_set_new(o, "access", json_string("O_DIRECT; host: the file; container: its folder bind-mounted "
						     "(hostPath), and overlay.*: a file on an overlayfs upper layer; "
						     "vm: virtio-blk, raw, cache=none, io=native, /dev/vda"));
	json_object_set_new(o, "qd32", json_string(strcmp(b->engine, "threads") == 0
							   ? "32 threads, one synchronous I/O each"
							   : "one io_uring of 32 in flight where the kernel allows it, "
							     "else 32 threads with one synchronous I/O each "
							     "(storage_engines: which ran)"));
	json_object_set_new(o, "caches", json_string("host page cache dropped (after sync) before every pattern: "
						     "one agent run per pattern"));
	scratch_describe(b->sc.file, o);
	if (b->sc.overlay[0]) {
		ovl = json_object();
		scratch_describe(b->sc.overlay_file, ovl);
		json_object_set_new(ovl, "upper_on", json_string(b->sc.run_dir));
		json_object_set_new(o, "overlay", ovl);
	}
	json_object_set_new(meta, "storage", o);
}

static int run_storage(void *ctx, const struct run_options *o, struct session *ss, bench_error *err)
{
	struct storage_bench *b = ctx;
	int rc = 0;

	if (b->scratch_file ? scratch_use_file(&b->sc, b->scratch_dir, ss->run_id, b->scratch_file, err) < 0
			    : scratch_create(&b->sc, b->scratch_dir, ss->run_id, b->scratch_mib << 20, err) < 0)
		return -1;
	for (int i = 0; i < o->nrunners && rc == 0; i++) {
		const struct runner_ops *ops = runner_find(o->runners[i]);

		if (!ops || !runner_has(ops, RUNNER_CAP_DISK)) {
			results_meta_not_measured(ss->res.meta, o->runners[i], "bench cannot give it a disk");
			continue;
		}
		rc = run_row(b, o, ss, o->runners[i], b->sc.file, "", err);
		/* A container's own root: an overlayfs over the same file system. */
		if (rc == 0 && runner_has(ops, RUNNER_CAP_OVERLAY_ROW)) {
			if (!b->sc.overlay[0])
				rc = scratch_overlay(&b->sc, err);
			if (rc == 0)
				rc = run_row(b, o, ss, o->runners[i], b->sc.overlay_file, STORAGE_OVERLAY_PREFIX, err);
		}
	}
	describe_scratch(b, ss->res.meta);
	scratch_remove(&b->sc);
	return rc;
}

static void init_storage(void *ctx)
{
	struct storage_bench *b = ctx;

	b->scratch_dir = scratch_default_dir();
	b->scratch_mib = STORAGE_DEFAULT_MIB;
	b->ramp_ms = STORAGE_DEFAULT_RAMP_MS;
	b->run_ms = STORAGE_DEFAULT_RUN_MS;
	for (int i = 0; i < STORAGE_NPATTERNS; i++)
		snprintf(b->patterns + strlen(b->patterns), sizeof(b->patterns) - strlen(b->patterns), "%s%s",
			 i ? "," : "", storage_patterns[i]);
	b->npatterns = STORAGE_NPATTERNS;
	b->engine = "auto";
}

static int prepare_storage(void *ctx, struct run_options *o, bench_error *err)
{
	struct storage_bench *b = ctx;

	if (o->runs < 0)
		o->runs = b->quick ? STORAGE_QUICK_RUNS : STORAGE_DEFAULT_RUNS;
	if (o->warmup < 0)
		o->warmup = 0;
	if (b->quick) {
		if (!b->size_given)
			b->scratch_mib = STORAGE_QUICK_MIB;
		if (!b->ramp_given)
			b->ramp_ms = STORAGE_QUICK_RAMP_MS;
		if (!b->run_given)
			b->run_ms = STORAGE_QUICK_RUN_MS;
	}
	/* The patterns in their order, one per agent run (before_launch). */
	b->npatterns = 0;
	for (int i = 0; i < STORAGE_NPATTERNS; i++) {
		char list[sizeof(b->patterns)], *save = NULL;

		memcpy(list, b->patterns, sizeof(list));
		for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
			if (strcmp(tok, storage_patterns[i]) == 0)
				b->chosen[b->npatterns++] = (unsigned)i;
	}
	if (b->npatterns == 0)
		return bench_fail_usage(err, "--patterns: the list is empty");
	snprintf(b->arg_ramp, sizeof(b->arg_ramp), "ramp_ms=%ld", b->ramp_ms);
	snprintf(b->arg_run, sizeof(b->arg_run), "run_ms=%ld", b->run_ms);
	snprintf(b->arg_engine, sizeof(b->arg_engine), "engine=%s", b->engine);
	b->record_timeout_ms = (int)(b->ramp_ms + b->run_ms) + STORAGE_RECORD_SLACK_MS;
	return 0;
}

static void print_table(void *ctx, FILE *out)
{
	storage_print(ctx, out);
}

static bool finish_storage(void *ctx, const struct run_options *o, struct session *ss,
			   struct run_output_hooks *hooks)
{
	(void)ctx;
	(void)o;
	return run_output_print_after(&ss->res, print_table, hooks);
}

/* ---- bench run all ------------------------------------------------------ */

/* Measured on this 2-core host: a pattern costs about 0.15 s beyond its
 * ramp and window (threads, the file's open, the record), and 0.5 s in a
 * TCG guest, whose every start also loads its disk's modules (0.2-0.3 s:
 * `--quick --runs 1` on the vm runner, six boots, took 29 s); filling the
 * scratch file runs at about 500 MB/s. */
static double storage_estimate(const struct storage_bench *b, const struct run_options *o)
{
	double pattern_s = (double)(b->ramp_ms + b->run_ms) / 1e3, fill_s = b->scratch_file ? 0 : b->scratch_mib / 500.0;
	int runs = (o->runs > 0 ? o->runs : STORAGE_DEFAULT_RUNS) + (o->warmup > 0 ? o->warmup : 0);
	double total = fill_s;

	for (int i = 0; i < o->nrunners; i++) {
		const struct runner_ops *ops = runner_find(o->runners[i]);
		bool emulated = suite_emulated(o->runners[i]);
		double row;

		if (!runner_has(ops, RUNNER_CAP_DISK))
			continue;
		/* One instance per pattern (before_launch). */
		row = runs * b->npatterns * (suite_start_s(ops->name) + (emulated ? 0.5 : 0) + pattern_s +
					     (emulated ? 0.5 : 0.15));
		/* A container's second row, on an overlayfs, and its file. */
		total += runner_has(ops, RUNNER_CAP_OVERLAY_ROW) ? 2 * row + fill_s : row;
	}
	return total;
}

/* Shorter patterns first, then fewer runs, a smaller file, at last
 * --quick's shape and shorter still. */
static double fit_storage(void *ctx, struct run_options *o, double budget_s)
{
	static const struct {
		int runs;
		long ramp_ms, run_ms;
		unsigned long long mib;
	} steps[] = {
		{ STORAGE_DEFAULT_RUNS, STORAGE_DEFAULT_RAMP_MS, STORAGE_DEFAULT_RUN_MS, STORAGE_DEFAULT_MIB },
		{ 3, 500, 2000, STORAGE_DEFAULT_MIB },
		{ 2, 500, 2000, 256 },
		{ STORAGE_QUICK_RUNS, STORAGE_QUICK_RAMP_MS, STORAGE_QUICK_RUN_MS, STORAGE_QUICK_MIB },
		{ 1, STORAGE_QUICK_RAMP_MS, STORAGE_QUICK_RUN_MS, STORAGE_QUICK_MIB },
		{ 1, 200, 1000, STORAGE_QUICK_MIB },
		{ 1, 100, 500, STORAGE_QUICK_MIB },
	};
	struct storage_bench *b = ctx;
	bool runs_free = o->runs < 0;

	for (size_t i = 0; budget_s > 0 && i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (runs_free)
			o->runs = steps[i].runs;
		b->ramp_ms = steps[i].ramp_ms;
		b->run_ms = steps[i].run_ms;
		b->scratch_mib = steps[i].mib;
		if (storage_estimate(b, o) <= budget_s)
			break;
	}
	return storage_estimate(b, o);
}

#define STR_(x) #x
#define STR(x) STR_(x)

const struct benchmark benchmark_storage = {
	.name = "storage",
	.summary = "disk I/O (O_DIRECT) on the host, in a container (bind mount, overlayfs) and in a VM (virtio-blk)",
	.help = "Random 4 KiB reads and writes at queue depth 1 (latency) and 32 (IOPS), and 1 MiB\n"
		"sequential reads and writes (MB/s), with O_DIRECT on one preallocated scratch file:\n"
		"the host's file itself, the container's bind-mounted folder (and a file on an\n"
		"overlayfs upper layer, the container's own root), the VM's virtio-blk disk\n"
		"(raw, cache=none, io=native).  The host's page cache is dropped before each pattern,\n"
		"each pattern being an agent run of its own.\n"
		"Default: " STR(STORAGE_DEFAULT_RUNS) " runs per runner, 1 s ramp and 4 s measured per pattern,\n"
		"a 1 GiB file (about 8 minutes with a TCG guest); --quick for a run of minutes.  VM figures under TCG are emulation.\n\n",
	.options = storage_options,
	.ctx_size = sizeof(struct storage_bench),
	.init = init_storage,
	.prepare = prepare_storage,
	.run = run_storage,
	.finish = finish_storage,
	.plot = plot_storage,
	.legend = "`<pattern>.p50`/`.p99` are the latency percentiles of one run (us), `.iops` its I/O per "
		  "second, `.mbps` its MB/s; `overlay.*` is the container's file on an overlayfs upper layer.  ",
	.report_table = storage_section_table,
	.report_summary = storage_section_summary,
	.summary_rank = 50,
	.fit_budget = fit_storage,
};
