/* bench run storage: random and sequential I/O with O_DIRECT on one
 * preallocated scratch file, reached by each runner its own way:
 *   host       the file itself;
 *   container  the file's folder bind-mounted read-write (a hostPath
 *              volume), and a second row, the same file on an overlayfs
 *              upper layer (a container's own writable root);
 *   vm         the file as a virtio-blk disk (raw, cache=none, io=native),
 *              the guest's /dev/vda.
 * One agent run does every pattern (bench/agent/task_storage.c); the host's
 * page cache is dropped before each run. */
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

#define STORAGE_DEFAULT_RUNS 3
#define STORAGE_DEFAULT_MIB 1024
#define STORAGE_DEFAULT_RAMP_MS 2000
#define STORAGE_DEFAULT_RUN_MS 10000
/* --quick: a run of minutes on a small machine. */
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
	char arg_patterns[200], arg_ramp[32], arg_run[32];
	int record_timeout_ms;
	unsigned npatterns;
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
	{ "ramp-ms", "MS", "unmeasured start of each pattern (default 2000; --quick: 300)", set_ramp },
	{ "duration-ms", "MS", "measured time of each pattern (default 10000; --quick: 1500)", set_duration },
	{ "patterns", "LIST", "patterns (default all): randread_qd1, randwrite_qd1, randread_qd32, "
			      "randwrite_qd32, seqread, seqwrite", set_patterns },
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

/* A number field of a DATA record, bounded. */
static int field(const struct agent_record *rec, const char *key, uint64_t max, uint64_t *v, bench_error *err)
{
	if (record_get_u64(rec, key, v, err) < 0)
		return -1;
	if (*v > max)
		return bench_fail(err, 0, "storage: %s=%llu is out of range", key, (unsigned long long)*v);
	return 0;
}

static int add(struct results *res, const char *runner, const char *prefix, const char *pattern,
	       const char *stat, const char *unit, double v, struct series **out, bench_error *err)
{
	char metric[48];
	struct series *s;

	snprintf(metric, sizeof(metric), "%s%s.%s", prefix, pattern, stat);
	s = results_series(res, runner, metric, unit, err);
	if (!s || series_add(s, v, err) < 0)
		return -1;
	if (out)
		*out = s;
	return 0;
}

/* The percentiles of a QD1 pattern's latencies, kept with its p50 series
 * (extra "cdf_us": [[percent, us], ...], of the last run) for the CDF. */
static void keep_cdf(struct series *s, const struct agent_record *rec)
{
	static const struct {
		const char *key;
		double p;
	} q[] = { { "p1_ns", 1 },   { "p5_ns", 5 },   { "p10_ns", 10 }, { "p25_ns", 25 },
		  { "p50_ns", 50 }, { "p75_ns", 75 }, { "p90_ns", 90 }, { "p95_ns", 95 },
		  { "p99_ns", 99 }, { "p999_ns", 99.9 }, { "max_ns", 100 } };
	json_t *cdf = json_array();
	bench_error ignored = { 0 };

	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		uint64_t v;

		if (record_get_u64(rec, q[i].key, &v, &ignored) < 0 || v > 3600000000000ull)
			continue;
		json_array_append_new(cdf, json_pack("[f,f]", q[i].p, (double)v / 1e3));
	}
	if (!s->extra)
		s->extra = json_object();
	json_object_set_new(s->extra, "cdf_us", cdf);
}

static int record_pattern(struct storage_bench *b, struct runner *r, const struct agent_record *rec,
			  struct results *res, bench_error *err)
{
	const char *pattern = record_get(rec, "pattern");
	const char *runner = r->ops->name;
	uint64_t ops, iops_m, mbps_m, p50, p99;
	const char *unit;
	bool higher;
	struct series *s = NULL;
	int known = 0;

	for (int i = 0; i < STORAGE_NPATTERNS; i++)
		known |= pattern && strcmp(pattern, storage_patterns[i]) == 0;
	if (!known)
		return bench_fail(err, 0, "storage: the agent sent an unknown pattern '%.40s'", pattern ? pattern : "");
	if (field(rec, "ops", 1ull << 40, &ops, err) < 0 || field(rec, "iops_milli", 1ull << 50, &iops_m, err) < 0 ||
	    field(rec, "mbps_milli", 1ull << 50, &mbps_m, err) < 0 ||
	    field(rec, "p50_ns", 3600000000000ull, &p50, err) < 0 ||
	    field(rec, "p99_ns", 3600000000000ull, &p99, err) < 0)
		return bench_error_prefix(err, "%s", runner);
	if (ops == 0)
		return bench_fail(err, 0, "%s: storage: no I/O completed in %s's measured window", runner, pattern);
	storage_headline(pattern, &unit, &higher);
	if (strncmp(pattern, "seq", 3) == 0)
		return add(res, runner, b->prefix, pattern, "mbps", "MB/s", (double)mbps_m / 1e3, NULL, err);
	if (add(res, runner, b->prefix, pattern, "iops", "IOPS", (double)iops_m / 1e3, NULL, err) < 0 ||
	    add(res, runner, b->prefix, pattern, "p50", "us", (double)p50 / 1e3, &s, err) < 0 ||
	    add(res, runner, b->prefix, pattern, "p99", "us", (double)p99 / 1e3, NULL, err) < 0)
		return -1;
	keep_cdf(s, rec);
	return 0;
}

static int collect_storage(void *ctx, struct runner *r, struct instance *in, bool measured, struct results *res,
			   bench_error *err)
{
	struct storage_bench *b = ctx;

	(void)in;
	for (;;) {
		struct agent_record rec;
		const char *kind;

		if (r->ops->collect(r, in, &rec, b->record_timeout_ms, err) < 0)
			return bench_error_prefix(err, "storage: collecting the patterns");
		if (strcmp(rec.type, BENCH_REC_DONE) == 0)
			return 0;
		if (strcmp(rec.type, BENCH_REC_ERROR) == 0) {
			const char *msg = record_get(&rec, "msg");

			return bench_fail(err, 0, "%s: agent: %s", r->ops->name, msg ? msg : "(no message)");
		}
		if (strcmp(rec.type, BENCH_REC_DATA) != 0)
			return bench_fail(err, 0, "%s: storage: unexpected %s record", r->ops->name, rec.type);
		kind = record_get(&rec, "kind");
		if (!kind)
			return bench_fail(err, 0, "%s: storage: a DATA record without kind", r->ops->name);
		if (strcmp(kind, "pattern") == 0 && measured && record_pattern(b, r, &rec, res, err) < 0)
			return -1;
	}
}

/* Between runs: nothing of one run stays in the host's page cache for the
 * next (O_DIRECT bypasses it anyway; the guest's is bypassed too). */
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
	return scratch_drop_caches(err);
}

/* ---- running ------------------------------------------------------------ */

static int run_row(struct storage_bench *b, const struct run_options *opts, struct session *ss, const char *runner,
		   const char *disk, const char *prefix, bench_error *err)
{
	struct run_options one = *opts;
	struct schedule s = {
		.opts = &one, .agent_path = ss->agent, .run_id = ss->run_id, .task = BENCH_TASK_STORAGE,
		.res = &ss->res, .after_ready = collect_storage, .record = after_run, .ctx = b,
		.task_disk = disk,
	};

	one.runners[0] = runner;
	one.nrunners = 1;
	b->prefix = prefix;
	s.task_args[s.task_nargs++] = b->arg_patterns;
	s.task_args[s.task_nargs++] = b->arg_ramp;
	s.task_args[s.task_nargs++] = b->arg_run;
	if (scratch_drop_caches(err) < 0)
		return -1;
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
	json_object_set_new(o, "qd32", json_string("32 threads, one synchronous I/O each"));
	json_object_set_new(o, "caches", json_string("host page cache dropped before every agent run"));
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
		if (rc == 0 && runner_has(ops, RUNNER_CAP_NAMESPACES)) {
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
}

static int prepare_storage(void *ctx, struct run_options *o, bench_error *err)
{
	struct storage_bench *b = ctx;

	if (o->runs < 0)
		o->runs = STORAGE_DEFAULT_RUNS;
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
	/* A VM's argument is at most 63 characters: every pattern is "all". */
	snprintf(b->arg_patterns, sizeof(b->arg_patterns), "patterns=%s",
		 b->npatterns == STORAGE_NPATTERNS ? "all" : b->patterns);
	if (strlen(b->arg_patterns) > 63)
		return bench_fail_usage(err, "--patterns: too many for a VM's kernel command line; name at most four");
	snprintf(b->arg_ramp, sizeof(b->arg_ramp), "ramp_ms=%ld", b->ramp_ms);
	snprintf(b->arg_run, sizeof(b->arg_run), "run_ms=%ld", b->run_ms);
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
 * ramp and window (threads, the file's open, the record), and 1 s in a TCG
 * guest, whose run also loads its disk's modules (about 6 s); filling the
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
		row = runs * (suite_start_s(ops->name) + (emulated ? 6.0 : 0) +
			      b->npatterns * (pattern_s + (emulated ? 1.0 : 0.15)));
		/* A container's second row, on an overlayfs, and its file. */
		total += runner_has(ops, RUNNER_CAP_NAMESPACES) ? 2 * row + fill_s : row;
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
		{ 3, 1000, 5000, STORAGE_DEFAULT_MIB },
		{ 2, 1000, 5000, STORAGE_DEFAULT_MIB },
		{ 2, 500, 3000, 256 },
		{ 2, STORAGE_QUICK_RAMP_MS, STORAGE_QUICK_RUN_MS, STORAGE_QUICK_MIB },
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
		"(raw, cache=none, io=native).  The host's page cache is dropped before each run.\n"
		"Default: " STR(STORAGE_DEFAULT_RUNS) " runs per runner, 2 s ramp and 10 s measured per pattern,\n"
		"a 1 GiB file; --quick for a run of minutes.  VM figures under TCG are emulation.\n\n",
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
