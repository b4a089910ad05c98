/* Reading a results folder back: results.json, as results_to_json wrote
 * it.  The file may have been edited or damaged by hand, so every field is
 * checked. */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "results.h"

/* Keys results_to_json computes itself; anything else was a benchmark's own
 * and goes back into the extras. */
static const char *const computed_keys[] = {
	"runner", "metric", "unit", "n", "min", "median", "mean", "stddev", "p95", "p99", "max",
	"ci95_lo", "ci95_hi", "outliers", "samples",
};

static bool computed(const char *key)
{
	for (size_t i = 0; i < sizeof(computed_keys) / sizeof(computed_keys[0]); i++)
		if (strcmp(computed_keys[i], key) == 0)
			return true;
	return false;
}

int results_from_json(struct results *res, json_t *doc, const char *path, bench_error *err)
{
	json_t *list, *item, *meta;
	const char *benchmark;
	size_t i;

	benchmark = json_string_value(json_object_get(doc, "benchmark"));
	list = json_object_get(doc, "results");
	meta = json_object_get(doc, "meta");
	if (!benchmark || !json_is_array(list) || (meta && !json_is_object(meta)))
		return bench_fail(err, 0, "%s: not a bench results file (no benchmark or results)", path);
	results_init(res, benchmark);
	if (meta)
		json_object_update(res->meta, meta);
	{
		const char *key;
		json_t *value;

		json_object_foreach(doc, key, value)
			if (strcmp(key, "benchmark") != 0 && strcmp(key, "meta") != 0 && strcmp(key, "results") != 0)
				json_object_set(res->extra, key, value);
	}
	json_array_foreach(list, i, item) {
		const char *runner = json_string_value(json_object_get(item, "runner"));
		const char *metric = json_string_value(json_object_get(item, "metric"));
		const char *unit = json_string_value(json_object_get(item, "unit"));
		json_t *samples = json_object_get(item, "samples"), *v;
		struct series *s;
		size_t k;

		if (!runner || !metric || !unit || !json_is_array(samples)) {
			bench_fail(err, 0, "%s: result %zu lacks runner, metric, unit or samples", path, i);
			goto fail;
		}
		s = results_series(res, runner, metric, unit, err);
		if (!s)
			goto fail;
		{
			const char *key;
			json_t *value;

			json_object_foreach(item, key, value) {
				if (computed(key))
					continue;
				if (!s->extra)
					s->extra = json_object();
				json_object_set(s->extra, key, value);
			}
		}
		json_array_foreach(samples, k, v) {
			if (!json_is_number(v)) {
				bench_fail(err, 0, "%s: %s %s: sample %zu is not a number", path, runner, metric, k);
				goto fail;
			}
			if (series_add(s, json_number_value(v), err) < 0)
				goto fail;
		}
	}
	return 0;
fail:
	results_free(res);
	return bench_error_prefix(err, "reading results");
}

int results_load(struct results *res, const char *dir, bench_error *err)
{
	char path[PATH_MAX];
	json_error_t jerr;
	json_t *doc;
	int rc;

	snprintf(path, sizeof(path), "%s/results.json", dir);
	doc = json_load_file(path, 0, &jerr);
	if (!doc)
		return bench_fail(err, 0, "%s: %s (line %d)", path, jerr.text, jerr.line);
	rc = results_from_json(res, doc, path, err);
	json_decref(doc);
	return rc;
}
