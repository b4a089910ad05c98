/* What storage says: its table after the run, the report's section and
 * the decider's summary lines.  The host row is the one whose runner has
 * the baseline capability; a VM's figures are labelled emulation where the
 * run's metadata says TCG.  Runner names come from results (untrusted):
 * the doc escapes them, and stdout gets them as they were checked on load. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness/stats.h"
#include "storage.h"

#define RATIO_REPS 2000
#define RATIO_SEED 0x5702A6Eull

size_t storage_rows(const struct results *res, struct storage_row *rows, size_t max)
{
	const char *baseline = results_runner_with(res, "baseline", NULL);
	size_t n = 0;

	/* The host first, then the rest in run order, overlay after its runner. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < res->nseries && n < max; i++) {
			const struct series *s = &res->series[i];
			const char *prefix = strncmp(s->metric, STORAGE_OVERLAY_PREFIX, strlen(STORAGE_OVERLAY_PREFIX)) == 0
						     ? STORAGE_OVERLAY_PREFIX
						     : "";
			bool is_base = baseline && strcmp(s->runner, baseline) == 0 && !*prefix;
			bool seen = false;

			if (s->n == 0 || (pass == 0) != is_base)
				continue;
			for (size_t k = 0; k < n; k++)
				seen |= strcmp(rows[k].runner, s->runner) == 0 && strcmp(rows[k].prefix, prefix) == 0;
			if (seen)
				continue;
			rows[n].runner = s->runner;
			rows[n].prefix = prefix;
			storage_row_label(rows[n].label, sizeof(rows[n].label), s->runner, prefix);
			n++;
		}
	return n;
}

void storage_row_label(char *out, size_t outsz, const char *runner, const char *prefix)
{
	snprintf(out, outsz, "%.31s%s", runner, *prefix ? "-overlayfs" : "");
}

int storage_ratio(const struct results *res, const char *baseline, const struct storage_row *row,
		  const char *metric, double *ratio, double *lo, double *hi)
{
	char m[64];
	const struct series *a, *b;

	if (!baseline)
		return -1;
	snprintf(m, sizeof(m), "%s%s", row->prefix, metric);
	a = results_find(res, row->runner, m);
	b = results_find(res, baseline, metric);
	if (!a || !b || a->n == 0 || b->n == 0)
		return -1;
	return stats_ratio_of_medians(a->v, a->n, b->v, b->n, RATIO_REPS, RATIO_SEED, ratio, lo, hi);
}

/* True when the results say the VM figures are TCG emulation. */
static bool vm_is_tcg(const struct results *res)
{
	json_t *runners = json_object_get(res->meta, "runners");
	const char *key;
	json_t *o;

	if (json_is_object(runners))
		json_object_foreach(runners, key, o) {
			const char *accel = json_string_value(json_object_get(o, "accel"));

			if (accel && strcmp(accel, "tcg") == 0)
				return true;
		}
	{
		const char *accel = json_string_value(json_object_get(res->meta, "accel"));

		return accel && strcmp(accel, "tcg") == 0;
	}
}

/* What a row's figures are not: a hardware hypervisor's (TCG), or the
 * disk's alone (O_DIRECT dropped, as gVisor's gofer drops it). */
static const char *row_note(const struct results *res, const struct storage_row *row)
{
	if (results_runner_has(res, row->runner, "guest_kernel") && vm_is_tcg(res))
		return " (TCG: emulation)";
	if (json_object_get(json_object_get(res->meta, "storage_page_cache"), row->label))
		return " (O_DIRECT not in effect: not the disk alone)";
	return "";
}

/* Each pattern's figures of one row: median and p99 of the runs, or the
 * latency medians, and the ratio to the host with its interval. */
static void figure(const struct results *res, const struct storage_row *row, const char *pattern, const char *stat,
		   double *med, double *p99, size_t *n)
{
	char m[64];
	const struct series *s;

	snprintf(m, sizeof(m), "%s%s.%s", row->prefix, pattern, stat);
	s = results_find(res, row->runner, m);
	*med = *p99 = NAN;
	*n = 0;
	if (!s || s->n == 0)
		return;
	*med = series_stats(s)->median;
	*p99 = series_stats(s)->p99;
	*n = s->n;
}

void storage_print(const struct results *res, FILE *out)
{
	struct storage_row rows[16];
	size_t nrows = storage_rows(res, rows, 16);
	const char *baseline = results_runner_with(res, "baseline", NULL);

	fputs("\nstorage: median of the runs; QD1 latency p50 and p99 (us) are the runs' medians; ratio to the host "
	      "[95% interval]\n",
	      out);
	fprintf(out, "  %-15s %-24s %15s %12s %26s\n", "pattern", "runner", "median", "latency p99", "ratio to host");
	for (int p = 0; p < STORAGE_NPATTERNS; p++) {
		const char *unit;
		bool higher;
		const char *stat = storage_headline(storage_patterns[p], &unit, &higher);

		for (size_t r = 0; r < nrows; r++) {
			double med, p99, ratio, lo, hi, lat99 = NAN, dummy;
			size_t n, n99;
			char m[48], rbuf[64] = "-";

			figure(res, &rows[r], storage_patterns[p], stat, &med, &p99, &n);
			if (n == 0)
				continue;
			figure(res, &rows[r], storage_patterns[p], "p99", &lat99, &dummy, &n99);
			snprintf(m, sizeof(m), "%s.%s", storage_patterns[p], stat);
			if (storage_ratio(res, baseline, &rows[r], m, &ratio, &lo, &hi) == 0)
				snprintf(rbuf, sizeof(rbuf), "%.3fx [%.3f, %.3f]", ratio, lo, hi);
			{
				char p99s[32] = "-";

				if (n99)
					snprintf(p99s, sizeof(p99s), "%.1f us", lat99);
				fprintf(out, "  %-15s %-24s %10.1f %-4s %12s %26s%s\n", storage_patterns[p], rows[r].label,
					med, unit, p99s, rbuf, row_note(res, &rows[r]));
			}
		}
	}
}

/* How a row's queue depth 32 ran (meta "storage_engines"), as one of our
 * own words: the loaded file is not trusted to say anything else. */
static const char *qd32_engine(const struct results *res, const struct storage_row *row)
{
	static const char *const known[] = { "io_uring", "threads" };
	char key[48];
	const char *v;

	snprintf(key, sizeof(key), "%srandread_qd32", row->prefix);
	v = json_string_value(
		json_object_get(json_object_get(json_object_get(res->meta, "storage_engines"), row->runner), key));
	for (size_t i = 0; v && i < sizeof(known) / sizeof(known[0]); i++)
		if (strncmp(v, known[i], strlen(known[i])) == 0)
			return strstr(v, "refused") ? "threads (io_uring refused)" : known[i];
	return NULL;
}

static void engines_note(struct doc *d, const struct results *res, const struct storage_row *rows, size_t nrows)
{
	char text[512] = "";

	for (size_t r = 0; r < nrows; r++) {
		const char *e = qd32_engine(res, &rows[r]);

		if (e)
			snprintf(text + strlen(text), sizeof(text) - strlen(text), "%s%s: %s", text[0] ? "; " : "",
				 rows[r].label, e);
	}
	if (text[0])
		doc_para(d, "Queue depth 32 ran by %s.", text);
}

void storage_section_table(struct doc *d, const struct results *res)
{
	struct storage_row rows[16];
	size_t nrows = storage_rows(res, rows, 16);
	const char *baseline = results_runner_with(res, "baseline", NULL);
	char a[32], b[32], c[96], x[32], y[32], z[32];

	doc_table(d, 6, "pattern", "runner", "runs", "median", "latency p99 (us)", "ratio to host [95% interval]");
	for (int p = 0; p < STORAGE_NPATTERNS; p++) {
		const char *unit;
		bool higher;
		const char *stat = storage_headline(storage_patterns[p], &unit, &higher);

		for (size_t r = 0; r < nrows; r++) {
			double med, p99, ratio, lo, hi, lat99, dummy;
			size_t n, n99;
			char m[48];

			figure(res, &rows[r], storage_patterns[p], stat, &med, &p99, &n);
			if (n == 0)
				continue;
			figure(res, &rows[r], storage_patterns[p], "p99", &lat99, &dummy, &n99);
			snprintf(m, sizeof(m), "%s.%s", storage_patterns[p], stat);
			doc_cell(d, "%s", storage_patterns[p]);
			doc_cell(d, "%s%s", rows[r].label, row_note(res, &rows[r]));
			doc_cell(d, "%zu", n);
			doc_cell(d, "%s %s", report_num(a, sizeof(a), med), unit);
			doc_cell(d, "%s", n99 ? report_num(b, sizeof(b), lat99) : "–");
			if (storage_ratio(res, baseline, &rows[r], m, &ratio, &lo, &hi) == 0) {
				snprintf(c, sizeof(c), "%sx [%s, %s]", report_num(x, sizeof(x), ratio),
					 report_num(y, sizeof(y), lo), report_num(z, sizeof(z), hi));
				doc_cell(d, "%s", c);
			} else {
				doc_cell(d, "–");
			}
		}
	}
	engines_note(d, res, rows, nrows);
}

void storage_section_summary(struct doc *d, const struct report_folder *f, const char *host)
{
	static const struct {
		const char *metric, *what;
	} lines[] = {
		{ "randread_qd32.iops", "random 4 KiB reads (QD32)" },
		{ "randwrite_qd32.iops", "random 4 KiB writes (QD32)" },
		{ "seqread.mbps", "1 MiB sequential reads" },
	};
	struct storage_row rows[16];
	size_t nrows;
	const char *baseline;
	char a[32], b[32], c[32], span[96];

	if (!f) {
		doc_bullet(d, "Storage: not measured on %s ('bench run storage').", host);
		return;
	}
	baseline = results_runner_with(&f->res, "baseline", NULL);
	nrows = storage_rows(&f->res, rows, 16);
	for (size_t l = 0; l < sizeof(lines) / sizeof(lines[0]); l++)
		for (size_t r = 0; r < nrows; r++) {
			double ratio, lo, hi;

			if (baseline && strcmp(rows[r].runner, baseline) == 0 && !*rows[r].prefix)
				continue;
			if (storage_ratio(&f->res, baseline, &rows[r], lines[l].metric, &ratio, &lo, &hi) < 0)
				continue;
			/* One run a side gives a point, not an interval: "147..147%"
			 * would read as a certainty. */
			if (hi > lo)
				snprintf(span, sizeof(span), "95%% interval %s..%s%%", report_num(b, sizeof(b), lo * 100.0),
					 report_num(c, sizeof(c), hi * 100.0));
			else
				snprintf(span, sizeof(span), "one run: no interval");
			doc_bullet(d, "Storage on %s: %s in the %s: %s%% of the host's %s (%s)%s.", host, lines[l].what,
				   rows[r].label, report_num(a, sizeof(a), ratio * 100.0),
				   strstr(lines[l].metric, "mbps") ? "MB/s" : "IOPS", span, row_note(&f->res, &rows[r]));
		}
	if (!baseline)
		doc_bullet(d, "Storage on %s: the run holds no host figure to compare with.", host);
}
