#include "host_ratio.h"

#include <string.h>

#include "harness/stats.h"

int series_set_extra(struct series *s, const char *key, json_t *value, bench_error *err)
{
	if (!s->extra)
		s->extra = json_object();
	if (!s->extra || !value || json_object_set_new(s->extra, key, value) < 0)
		return bench_fail(err, 0, "out of memory for the ratios to the host");
	return 0;
}

int host_ratios(struct results *res, const char *prefix, bench_error *err)
{
	/* Every ratio is to the baseline runner (the host's plain process). */
	const char *base = results_runner_with(res, "baseline", NULL);

	if (!base)
		return 0;
	for (size_t i = 0; i < res->nseries; i++) {
		struct series *s = &res->series[i];
		const struct series *host;
		double ratio, lo, hi;

		if (strncmp(s->metric, prefix, strlen(prefix)) != 0 || s->n == 0)
			continue;
		if (strcmp(s->runner, base) == 0) {
			if (series_set_extra(s, "ratio_to_host", json_real(1.0), err) < 0)
				return -1;
			continue;
		}
		host = results_find(res, base, s->metric);
		if (!host || host->n == 0)
			continue;
		if (stats_ratio_of_medians(s->v, s->n, host->v, host->n, HOST_RATIO_REPS, HOST_RATIO_SEED, &ratio, &lo,
					   &hi) < 0)
			return bench_fail(err, 0, "cannot compute the ratio of %s %s to the host", s->runner, s->metric);
		if (series_set_extra(s, "ratio_to_host", json_real(ratio), err) < 0 ||
		    series_set_extra(s, "ratio_ci95_lo", json_real(lo), err) < 0 ||
		    series_set_extra(s, "ratio_ci95_hi", json_real(hi), err) < 0)
			return -1;
	}
	return 0;
}
