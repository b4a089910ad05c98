/* What bench report says of cpu and memory: a row per kernel and runner
 * with its ratio to the host and interval, and summary lines in plain
 * words.  Runners are found by what they are (the results' runner_caps),
 * never by name; a VM under TCG is called emulation. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_memory.h"
#include "harness/stats.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The 5th percentile, which struct stats does not keep. */
static double p5(const struct series *s)
{
	double *v = malloc(s->n * sizeof(*v)), r;

	if (!v)
		return NAN;
	memcpy(v, s->v, s->n * sizeof(*v));
	qsort(v, s->n, sizeof(*v), cmp_double);
	r = stats_percentile(v, s->n, 5.0);
	free(v);
	return r;
}

void cpu_memory_section_table(struct doc *d, const struct results *res)
{
	char a[32], b[32], c[32], lo[32], hi[32];

	doc_table(d, 7, "kernel", "runner", "batches", "median", "unit", "p5..p95", "ratio to host [95% CI]");
	for (size_t i = 0; i < res->nseries; i++) {
		const struct series *s = &res->series[i];
		json_t *ratio = json_object_get(s->extra, "ratio_to_host");
		json_t *rlo = json_object_get(s->extra, "ratio_ci95_lo"), *rhi = json_object_get(s->extra, "ratio_ci95_hi");
		const char *dot = strchr(s->metric, '.');
		struct stats st;

		if (!dot || s->n == 0)
			continue;
		st = *series_stats(s);
		doc_cell(d, "%s", dot + 1);
		doc_cell(d, "%s", s->runner);
		doc_cell(d, "%zu", s->n);
		doc_cell(d, "%s", report_num(a, sizeof(a), st.median));
		doc_cell(d, "%s", s->unit);
		doc_cell(d, "%s..%s", report_num(b, sizeof(b), p5(s)), report_num(c, sizeof(c), st.p95));
		if (json_is_number(ratio) && json_is_number(rlo) && json_is_number(rhi))
			doc_cell(d, "%sx [%s, %s]", report_num(a, sizeof(a), json_number_value(ratio)),
				 report_num(lo, sizeof(lo), json_number_value(rlo)),
				 report_num(hi, sizeof(hi), json_number_value(rhi)));
		else if (json_is_number(ratio))
			doc_cell(d, "%sx", report_num(a, sizeof(a), json_number_value(ratio)));
		else
			doc_cell(d, "–");
	}
}

/* "the VM (TCG: emulation)" or "a VM". */
static const char *vm_words(const struct results *res)
{
	const char *accel = json_string_value(json_object_get(res->meta, "accel"));

	return accel && strcmp(accel, "tcg") == 0 ? "a VM under TCG (emulation, not virtualisation)" : "a VM";
}

/* "N%" of the host's median kept by runner, or "" when not measured. */
static void kept(const struct results *res, const char *base, const char *runner, const char *metric, char *buf,
		 size_t sz)
{
	double h = results_median(res, base, metric), r = results_median(res, runner, metric);

	buf[0] = '\0';
	if (runner && !isnan(h) && !isnan(r) && h > 0.0)
		snprintf(buf, sz, "%.0f%%", 100.0 * r / h);
}

static void kept_line(struct doc *d, const struct report_folder *f, const char *host, const char *what,
		      const char *metric, const char *unit)
{
	const struct results *res = &f->res;
	const char *base = results_runner_with(res, "baseline", NULL);
	const char *ctr = results_runner_with(res, "namespaces", "guest_kernel");
	const char *vm = results_runner_with(res, "guest_kernel", NULL);
	double h = results_median(res, base, metric);
	char c[32], v[32], hb[32];

	if (!base || isnan(h)) {
		doc_bullet(d, "%s on %s: the run holds no host figure to compare with.", what, host);
		return;
	}
	kept(res, base, ctr, metric, c, sizeof(c));
	kept(res, base, vm, metric, v, sizeof(v));
	doc_bullet(d, "%s on %s: the host does %s %s; a container keeps %s of it, %s keeps %s.", what, host,
		   report_num(hb, sizeof(hb), h), unit, c[0] ? c : "(not measured)", vm_words(res),
		   v[0] ? v : "(not measured)");
}

void cpu_section_summary(struct doc *d, const struct report_folder *f, const char *host)
{
	if (!f) {
		doc_bullet(d, "Compute: not measured on %s ('bench run cpu').", host);
		return;
	}
	kept_line(d, f, host, "Compute (double matrix multiply, every CPU)", "cpu.dgemm_large.all", "GFLOP/s");
	kept_line(d, f, host, "Compute (SHA-256, one thread)", "cpu.sha256.1t", "GB/s");
}

/* Whether the chase reached 4x the last-level cache, and if not, why (the
 * plan's own words, from the results: escaped by doc_bullet's Markdown). */
static void chase_reach_line(struct doc *d, const struct report_folder *f, const char *host, json_int_t max)
{
	json_t *sizes = json_object_get(f->res.meta, "memory_sizes");
	json_t *reach = json_object_get(sizes, "chase_reaches_4x_llc");
	json_int_t llc = json_integer_value(json_object_get(sizes, "llc_bytes"));
	const char *why = json_string_value(json_object_get(sizes, "chase_short_why"));

	if (!json_is_boolean(reach) || llc <= 0 || max <= 0)
		return;
	if (json_is_true(reach))
		doc_bullet(d, "The latency curve on %s runs from 16 KiB to %lld MiB, past 4x the last-level cache "
			      "(%lld MiB, hwloc).", host, (long long)(max >> 20), (long long)(llc >> 20));
	else
		doc_bullet(d, "The latency curve on %s ends at %lld MiB, short of 4x the last-level cache (%lld MiB, "
			      "hwloc): %s.", host, (long long)(max >> 20), (long long)(llc >> 20),
			   why ? why : "no reason recorded");
}

void memory_section_summary(struct doc *d, const struct report_folder *f, const char *host)
{
	const char *base, *vm;
	char top[64], hb[32], vb[32];
	json_t *max;

	if (!f) {
		doc_bullet(d, "Memory: not measured on %s ('bench run memory').", host);
		return;
	}
	kept_line(d, f, host, "Memory bandwidth (STREAM triad, every CPU)", "memory.triad.all", "GB/s");
	kept_line(d, f, host, "Random memory updates (GUPS, one thread)", "memory.gups.1t", "million updates/s");
	base = results_runner_with(&f->res, "baseline", NULL);
	vm = results_runner_with(&f->res, "guest_kernel", NULL);
	max = json_object_get(json_object_get(f->res.meta, "memory_sizes"), "chase_max_bytes");
	if (!base || !json_is_integer(max))
		return;
	snprintf(top, sizeof(top), "memory.chase.%lluKiB", (unsigned long long)(json_integer_value(max) >> 10));
	if (!isnan(results_median(&f->res, base, top)))
		doc_bullet(d, "Memory latency on %s at the largest working set (%llu MiB): %s ns per dependent load on "
			      "the host, %s ns in %s.",
			   host, (unsigned long long)(json_integer_value(max) >> 20),
			   report_num(hb, sizeof(hb), results_median(&f->res, base, top)),
			   report_num(vb, sizeof(vb), results_median(&f->res, vm, top)), vm_words(&f->res));
	chase_reach_line(d, f, host, json_integer_value(max));
}
