/* What the network run says: per runner, mode and pattern, the median
 * p50 and p99 latency and the rate (request/response) or Gbit/s (streams),
 * each against the host's over its loopback (the baseline runner), with
 * the 95% bootstrap interval of the ratio of the per-batch medians.  VM
 * figures under TCG are marked as emulation everywhere. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness/stats.h"
#include "network.h"

#define BOOT_REPS 2000
#define BOOT_SEED 12u

/* " (TCG emulation)" for a guest-kernel runner whose VM ran under TCG. */
static const char *emulation(const struct results *res, const char *runner)
{
	const char *accel = json_string_value(json_object_get(res->meta, "accel"));

	if (results_runner_has(res, runner, "guest_kernel") && accel && strcmp(accel, "tcg") == 0)
		return " (TCG emulation)";
	return "";
}

/* Splits "<pattern>.<mode>.<stat>". */
static int split(const char *metric, char *pattern, char *mode, const char **stat)
{
	const char *a = strchr(metric, '.'), *b = a ? strrchr(metric, '.') : NULL;

	if (!a || b == a || (size_t)(a - metric) >= 16 || (size_t)(b - a - 1) >= 16)
		return -1;
	memcpy(pattern, metric, (size_t)(a - metric));
	pattern[a - metric] = '\0';
	memcpy(mode, a + 1, (size_t)(b - a - 1));
	mode[b - a - 1] = '\0';
	*stat = b + 1;
	return 0;
}

static const struct series *find(const struct results *res, const char *runner, const char *pattern,
				 const char *mode, const char *stat)
{
	char metric[48];

	snprintf(metric, sizeof(metric), "%s.%s.%s", pattern, mode, stat);
	return runner ? results_find(res, runner, metric) : NULL;
}

/* "0.83 [0.80-0.86]", or "–". */
static void ratio_words(const struct series *a, const struct series *b, char *out, size_t len)
{
	double r, lo, hi;

	if (!a || !b || stats_ratio_of_medians(a->v, a->n, b->v, b->n, BOOT_REPS, BOOT_SEED, &r, &lo, &hi) < 0) {
		snprintf(out, len, "–");
		return;
	}
	snprintf(out, len, "%.2f [%.2f-%.2f]", r, lo, hi);
}

/* One row's figures: the cells, filled by one function for the terminal
 * and the report alike. */
struct row {
	char runner[32], mode[16], pattern[16];
	char p50[24], p99[24], rate[24], ratio[40], ratio_lat[40];
	const char *note;
};

/* Each (runner, mode, pattern) once: keyed on its p50_us or gbps series. */
static int row_of(const struct results *res, const struct series *s, const char *baseline, struct row *r)
{
	const char *stat;
	const struct series *host, *x;

	if (split(s->metric, r->pattern, r->mode, &stat) < 0 || s->n == 0)
		return -1;
	snprintf(r->runner, sizeof(r->runner), "%s", s->runner);
	r->note = emulation(res, s->runner);
	r->ratio_lat[0] = '\0';
	if (strcmp(stat, "p50_us") == 0) {
		x = find(res, s->runner, r->pattern, r->mode, "lat_us");
		snprintf(r->p50, sizeof(r->p50), "%.1f", x && x->n ? series_stats(x)->median : series_stats(s)->median);
		snprintf(r->p99, sizeof(r->p99), "%.1f", x && x->n ? series_stats(x)->p99 : NAN);
		x = find(res, s->runner, r->pattern, r->mode, "tps");
		snprintf(r->rate, sizeof(r->rate), "%.0f/s", x && x->n ? series_stats(x)->median : NAN);
		host = find(res, baseline, r->pattern, "host", "tps");
		ratio_words(x, host, r->ratio, sizeof(r->ratio));
		ratio_words(s, find(res, baseline, r->pattern, "host", "p50_us"), r->ratio_lat, sizeof(r->ratio_lat));
		return 0;
	}
	if (strcmp(stat, "gbps") == 0) {
		snprintf(r->p50, sizeof(r->p50), "–");
		snprintf(r->p99, sizeof(r->p99), "–");
		snprintf(r->rate, sizeof(r->rate), "%.2f Gbit/s", series_stats(s)->median);
		ratio_words(s, find(res, baseline, r->pattern, "host", "gbps"), r->ratio, sizeof(r->ratio));
		return 0;
	}
	return -1;
}

void network_report_print(const struct results *res, FILE *out)
{
	const char *baseline = results_runner_with(res, "baseline", NULL);
	struct row r;

	fprintf(out, "\nnetwork: medians over every batch; ratios to %s over its loopback, 95%% interval\n",
		baseline ? baseline : "(no host run)");
	fprintf(out, "%-10s %-11s %-6s %10s %10s %16s %22s %22s\n", "runner", "mode", "pattern", "p50 us", "p99 us",
		"rate", "rate/host", "p50 latency/host");
	for (size_t i = 0; i < res->nseries; i++)
		if (row_of(res, &res->series[i], baseline, &r) == 0)
			fprintf(out, "%-10s %-11s %-6s %10s %10s %16s %22s %22s%s\n", r.runner, r.mode, r.pattern, r.p50,
				r.p99, r.rate, r.ratio, r.ratio_lat[0] ? r.ratio_lat : "–", r.note);
}

void network_section_table(struct doc *d, const struct results *res)
{
	const char *baseline = results_runner_with(res, "baseline", NULL);
	struct row r;

	doc_table(d, 8, "runner", "mode", "pattern", "p50 (µs)", "p99 (µs)", "rate", "rate ÷ host [95% CI]",
		  "p50 ÷ host [95% CI]");
	for (size_t i = 0; i < res->nseries; i++) {
		if (row_of(res, &res->series[i], baseline, &r) < 0)
			continue;
		doc_cell(d, "%s%s", r.runner, r.note);
		doc_cell(d, "%s", r.mode);
		doc_cell(d, "%s", r.pattern);
		doc_cell(d, "%s", r.p50);
		doc_cell(d, "%s", r.p99);
		doc_cell(d, "%s", r.rate);
		doc_cell(d, "%s", r.ratio);
		doc_cell(d, "%s", r.ratio_lat[0] ? r.ratio_lat : "–");
	}
}

void network_section_summary(struct doc *d, const struct report_folder *f, const char *host)
{
	const char *baseline;
	char a[32];
	int said = 0;

	if (!f) {
		doc_bullet(d, "Network: not measured on %s ('bench run network').", host);
		return;
	}
	baseline = results_runner_with(&f->res, "baseline", NULL);
	for (size_t i = 0; i < f->res.nseries; i++) {
		const struct series *s = &f->res.series[i];
		double h;

		if (s->n == 0 || strncmp(s->metric, "rr1.", 4) != 0 ||
		    strcmp(s->metric + strlen(s->metric) - 4, ".tps") != 0 ||
		    strstr(s->metric, ".lo.") || (baseline && strcmp(s->runner, baseline) == 0))
			continue;
		h = results_median(&f->res, baseline, "rr1.host.tps");
		if (isnan(h) || h <= 0.0)
			break;
		doc_bullet(d, "Network on %s: 1-byte TCP request/response in %s (%.*s)%s: %s%% of the host's rate over "
			      "its loopback.", host, s->runner, (int)(strlen(s->metric) - 8), s->metric + 4,
			   emulation(&f->res, s->runner), report_num(a, sizeof(a), 100.0 * series_stats(s)->median / h));
		said++;
	}
	if (!said)
		doc_bullet(d, "Network on %s: the run holds no instance to compare with the host.", host);
}
