/* The storage task's records (untrusted: every field checked) into series
 * "<prefix><pattern>.<stat>", and the engine each pattern ran with into
 * meta "storage_engines" (storage.h). */
#include <stdio.h>
#include <string.h>

#include "storage.h"

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

/* The engine a pattern ran with, checked against the agent's few words;
 * where io_uring was refused, why (errno, bounded, as the host names it). */
static int keep_engine(const struct agent_record *rec, const char *runner, const char *prefix, const char *pattern,
		       struct results *res, bench_error *err)
{
	static const char *const known[] = { "psync", "io_uring", "threads" };
	const char *engine = record_get(rec, "engine");
	char key[48], text[96];
	json_t *all, *mine;
	uint64_t why = 0;
	bool ok = false;

	if (!engine) /* an agent from before engines: say nothing */
		return 0;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		ok |= strcmp(engine, known[i]) == 0;
	if (!ok)
		return bench_fail(err, 0, "storage: unknown engine '%.20s'", engine);
	snprintf(text, sizeof(text), "%s", engine);
	if (record_get(rec, "uring_errno")) {
		if (field(rec, "uring_errno", 4095, &why, err) < 0)
			return -1;
		snprintf(text, sizeof(text), "%s (io_uring refused: %.60s)", engine, strerror((int)why));
	}
	if (!res->meta)
		return 0;
	all = json_object_get(res->meta, "storage_engines");
	if (!json_is_object(all)) {
		all = json_object();
		json_object_set_new(res->meta, "storage_engines", all);
	}
	mine = json_object_get(all, runner);
	if (!json_is_object(mine)) {
		mine = json_object();
		json_object_set_new(all, runner, mine);
	}
	snprintf(key, sizeof(key), "%s%s", prefix, pattern);
	json_object_set_new(mine, key, json_string(text));
	return 0;
}

/* Where the agent found O_DIRECT not in effect, meta
 * "storage_page_cache" names the row: its figures include a page cache. */
static int keep_direct(const struct agent_record *rec, const char *runner, const char *prefix, struct results *res,
		       bench_error *err)
{
	char key[64];
	uint64_t direct = 1;
	json_t *all;

	if (record_get(rec, "direct") && field(rec, "direct", 1, &direct, err) < 0)
		return -1;
	if (direct || !res->meta)
		return 0;
	all = json_object_get(res->meta, "storage_page_cache");
	if (!json_is_object(all)) {
		all = json_object();
		json_object_set_new(res->meta, "storage_page_cache", all);
	}
	storage_row_label(key, sizeof(key), runner, prefix);
	json_object_set_new(all, key, json_string("an unaligned O_DIRECT read went through (O_DIRECT dropped, or a "
						  "hole in the file): the figures are not the disk's alone"));
	return 0;
}

static int apply_pattern(const struct agent_record *rec, const char *runner, const char *prefix, struct results *res,
			 bench_error *err)
{
	const char *pattern = record_get(rec, "pattern");
	uint64_t ops, iops_m, mbps_m, p50, p99;
	struct series *s = NULL;
	int known = -1;

	for (int i = 0; i < STORAGE_NPATTERNS; i++)
		if (pattern && strcmp(pattern, storage_patterns[i]) == 0)
			known = i;
	if (known < 0)
		return bench_fail(err, 0, "storage: the agent sent an unknown pattern '%.40s'", pattern ? pattern : "");
	pattern = storage_patterns[known]; /* ours, not the record's */
	if (field(rec, "ops", 1ull << 40, &ops, err) < 0 || field(rec, "iops_milli", 1ull << 50, &iops_m, err) < 0 ||
	    field(rec, "mbps_milli", 1ull << 50, &mbps_m, err) < 0 ||
	    field(rec, "p50_ns", 3600000000000ull, &p50, err) < 0 ||
	    field(rec, "p99_ns", 3600000000000ull, &p99, err) < 0)
		return -1;
	if (ops == 0)
		return bench_fail(err, 0, "storage: no I/O completed in %s's measured window", pattern);
	if (keep_engine(rec, runner, prefix, pattern, res, err) < 0)
		return -1;
	if (strncmp(pattern, "seq", 3) == 0)
		return add(res, runner, prefix, pattern, "mbps", "MB/s", (double)mbps_m / 1e3, NULL, err);
	if (add(res, runner, prefix, pattern, "iops", "IOPS", (double)iops_m / 1e3, NULL, err) < 0 ||
	    add(res, runner, prefix, pattern, "p50", "us", (double)p50 / 1e3, &s, err) < 0 ||
	    add(res, runner, prefix, pattern, "p99", "us", (double)p99 / 1e3, NULL, err) < 0)
		return -1;
	keep_cdf(s, rec);
	return 0;
}

int storage_data_apply(const struct agent_record *rec, const char *runner, const char *prefix, struct results *res,
		       bench_error *err)
{
	const char *kind;

	if (strcmp(rec->type, BENCH_REC_DONE) == 0)
		return 1;
	if (strcmp(rec->type, BENCH_REC_ERROR) == 0)
		return bench_fail(err, 0, "agent: %.200s",
				  record_get(rec, "msg") ? record_get(rec, "msg") : "(no message)");
	if (strcmp(rec->type, BENCH_REC_DATA) != 0)
		return bench_fail(err, 0, "storage: unexpected %s record", rec->type);
	kind = record_get(rec, "kind");
	if (!kind)
		return bench_fail(err, 0, "storage: a DATA record without kind");
	if (strcmp(kind, "disk") == 0)
		return keep_direct(rec, runner, prefix, res, err);
	if (strcmp(kind, "pattern") != 0)
		return 0;
	return apply_pattern(rec, runner, prefix, res, err);
}
