/* The samples of a run, kept per (runner, metric), and their JSON export. */
#include <stdarg.h>
#include "results.h"
#include "../../runners/runner.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Enough significant digits for a nanosecond in an hour of milliseconds,
 * few enough that 0.1 + 0.2 is written as 0.3. */
#define JSON_DIGITS 15

/* Far beyond anything bench measures (nanoseconds, bytes, counts), yet small
 * enough that a sum or a squared deviation of a billion samples stays finite:
 * past it the statistics overflow and the series could not be written. */
#define SAMPLE_MAGNITUDE_MAX 1e100

void results_init(struct results *res, const char *benchmark)
{
	memset(res, 0, sizeof(*res));
	snprintf(res->benchmark, sizeof(res->benchmark), "%s", benchmark);
	/* NULL on allocation failure: every reader treats it as {}. */
	res->meta = json_object();
	res->extra = json_object();
}

void results_free(struct results *res)
{
	for (size_t i = 0; i < res->nseries; i++) {
		free(res->series[i].v);
		free(res->series[i].cache);
		json_decref(res->series[i].extra);
	}
	free(res->series);
	json_decref(res->meta);
	json_decref(res->extra);
	memset(res, 0, sizeof(*res));
}

const struct series *results_find(const struct results *res, const char *runner,
				  const char *metric)
{
	for (size_t i = 0; runner && i < res->nseries; i++)
		if (strcmp(res->series[i].runner, runner) == 0 &&
		    strcmp(res->series[i].metric, metric) == 0)
			return &res->series[i];
	return NULL;
}

/* Copies src into a fixed field; a name that does not fit is an error
 * rather than a truncation that could merge two series. */
static int copy_name(char *dst, size_t dstsz, const char *src, const char *what,
		     bench_error *err)
{
	size_t len = strlen(src);

	if (len == 0 || len >= dstsz)
		return bench_fail(err, 0, "%s name '%s' is empty or longer than %zu bytes", what,
				  src, dstsz - 1);
	memcpy(dst, src, len + 1);
	return 0;
}

struct series *results_series(struct results *res, const char *runner, const char *metric,
			      const char *unit, bench_error *err)
{
	struct series *s = (struct series *)results_find(res, runner, metric);

	if (s)
		return s;
	if (!res->series) {
		res->series = calloc(RESULTS_SERIES_MAX, sizeof(*res->series));
		if (!res->series) {
			bench_fail(err, ENOMEM, "allocating the series table");
			return NULL;
		}
		res->cap = RESULTS_SERIES_MAX;
	}
	if (res->nseries >= res->cap) {
		bench_fail(err, 0, "too many series (at most %d)", RESULTS_SERIES_MAX);
		return NULL;
	}
	s = &res->series[res->nseries];
	memset(s, 0, sizeof(*s));
	if (copy_name(s->runner, sizeof(s->runner), runner, "runner", err) < 0 ||
	    copy_name(s->metric, sizeof(s->metric), metric, "metric", err) < 0 ||
	    copy_name(s->unit, sizeof(s->unit), unit, "unit", err) < 0)
		return NULL;
	s->cache = calloc(1, sizeof(*s->cache));
	if (!s->cache) {
		bench_fail(err, ENOMEM, "allocating the series %s %s", runner, metric);
		return NULL;
	}
	res->nseries++;
	return s;
}

int series_add(struct series *s, double value, bench_error *err)
{
	if (!isfinite(value))
		return bench_fail(err, 0, "%s %s: sample is not a finite number", s->runner,
				  s->metric);
	if (fabs(value) > SAMPLE_MAGNITUDE_MAX)
		return bench_fail(err, 0, "%s %s: sample %g is beyond +/-%g, no measurement's size",
				  s->runner, s->metric, value, SAMPLE_MAGNITUDE_MAX);
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 32;
		double *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return bench_fail(err, ENOMEM, "%s %s: storing a sample", s->runner,
					  s->metric);
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = value;
	s->cache->valid = false;
	return 0;
}

const struct stats *series_stats(const struct series *s)
{
	/* The cache is not part of the series' value: filling it through a
	 * const series is what lets every reader share one computation. */
	if (!s->cache->valid) {
		stats_compute(s->v, s->n, &s->cache->st);
		s->cache->valid = true;
	}
	return &s->cache->st;
}

/* json_object_set_new that remembers a failure instead of checking each. */
static void set(json_t *obj, const char *key, json_t *value, int *failed)
{
	if (!value || json_object_set_new(obj, key, value) < 0)
		*failed = 1;
}

static json_t *series_to_json(const struct series *s)
{
	json_t *o = json_object(), *samples = json_array();
	const struct stats *st = series_stats(s);
	int failed = !o || !samples;

	if (failed)
		goto out;
	set(o, "runner", json_string(s->runner), &failed);
	set(o, "metric", json_string(s->metric), &failed);
	set(o, "unit", json_string(s->unit), &failed);
	set(o, "n", json_integer((json_int_t)st->n), &failed);
	set(o, "min", json_real(st->min), &failed);
	set(o, "median", json_real(st->median), &failed);
	set(o, "mean", json_real(st->mean), &failed);
	set(o, "stddev", json_real(st->stddev), &failed);
	set(o, "p95", json_real(st->p95), &failed);
	set(o, "p99", json_real(st->p99), &failed);
	set(o, "max", json_real(st->max), &failed);
	set(o, "ci95_lo", json_real(st->ci95_lo), &failed);
	set(o, "ci95_hi", json_real(st->ci95_hi), &failed);
	set(o, "outliers", json_integer((json_int_t)st->outliers), &failed);
	for (size_t i = 0; i < s->n && !failed; i++) {
		json_t *x = json_real(s->v[i]);

		if (!x || json_array_append_new(samples, x) < 0)
			failed = 1;
	}
	set(o, "samples", samples, &failed);
	samples = NULL; /* owned by o now, or already released by jansson */
	if (!failed && s->extra && json_object_update_missing(o, s->extra) < 0)
		failed = 1;
out:
	json_decref(samples);
	if (failed) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *results_to_json(const struct results *res)
{
	json_t *doc = json_object(), *list = json_array();
	int failed = !doc || !list;

	if (failed)
		goto out;
	set(doc, "benchmark", json_string(res->benchmark), &failed);
	set(doc, "meta", res->meta ? json_deep_copy(res->meta) : json_object(), &failed);
	for (size_t i = 0; i < res->nseries && !failed; i++) {
		json_t *o = series_to_json(&res->series[i]);

		if (!o || json_array_append_new(list, o) < 0)
			failed = 1;
	}
	set(doc, "results", list, &failed);
	list = NULL;
	if (!failed && res->extra && json_object_update_missing(doc, res->extra) < 0)
		failed = 1;
out:
	json_decref(list);
	if (failed) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}

int results_dump_json(const json_t *doc, const char *path, bench_error *err)
{
	FILE *f = fopen(path, "w");
	int rc;

	if (!f)
		return bench_fail(err, errno, "%s", path);
	errno = 0;
	rc = json_dumpf(doc, f, JSON_INDENT(2) | JSON_REAL_PRECISION(JSON_DIGITS));
	if (rc == 0 && fputc('\n', f) == EOF)
		rc = -1;
	if (rc < 0 || ferror(f)) {
		int e = errno ? errno : EIO;

		fclose(f);
		return bench_fail(err, e, "writing %s", path);
	}
	if (fclose(f) != 0)
		return bench_fail(err, errno, "writing %s", path);
	return 0;
}

int results_write_json(const struct results *res, const char *path, bench_error *err)
{
	json_t *doc = results_to_json(res);
	int rc;

	if (!doc)
		return bench_fail(err, ENOMEM, "building the JSON of %s", path);
	rc = results_dump_json(doc, path, err);
	json_decref(doc);
	return rc;
}

void results_record_runner_caps(struct results *res, const struct runner_ops *ops)
{
	json_t *all = json_object_get(res->meta, "runner_caps"), *list;

	if (!json_is_object(all)) {
		all = json_object();
		if (json_object_set_new(res->meta, "runner_caps", all) < 0)
			return;
	}
	list = json_array();
	for (unsigned i = 0; i < RUNNER_NCAPS; i++)
		if (ops->caps & (1u << i))
			json_array_append_new(list, json_string(runner_cap_name(i)));
	json_object_set_new(all, ops->name, list);
}

bool results_runner_has(const struct results *res, const char *runner, const char *cap)
{
	json_t *list = json_object_get(json_object_get(res->meta, "runner_caps"), runner), *c;
	size_t i;

	json_array_foreach(list, i, c)
		if (json_is_string(c) && strcmp(json_string_value(c), cap) == 0)
			return true;
	return false;
}

const char *results_runner_with(const struct results *res, const char *cap, const char *none_of)
{
	json_t *all = json_object_get(res->meta, "runner_caps"), *list;
	const char *name;

	/* jansson keeps insertion order: the order the runners ran in. */
	json_object_foreach(all, name, list)
		if (results_runner_has(res, name, cap) && !(none_of && results_runner_has(res, name, none_of)))
			return name;
	return NULL;
}

double results_median(const struct results *res, const char *runner, const char *metric)
{
	const struct series *s = results_find(res, runner, metric);

	if (!s || s->n == 0)
		return NAN;
	return series_stats(s)->median;
}
