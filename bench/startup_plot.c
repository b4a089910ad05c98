/* The startup plot: the data files plots/startup.gp reads (each runner's
 * launch-to-READY samples, and the median of every phase), and how it is
 * told its axis. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness/plot.h"
#include "harness/stats.h"
#include "startup.h"

#define MAX_RUNNERS 16
#define MAX_PHASES 16
/* Segments thinner than this (%) are left unlabelled: text would overflow. */
#define LABEL_MIN_SHARE 7.0
/* Runners further apart than this get a log axis, or the fast ones vanish. */
#define LOG_RATIO 20.0

/* What the startup template is told besides its data files. */
struct startup_plot {
	char runners[MAX_RUNNERS * 33];
	int nrunners, nphases, other, logy;
	double ylo, yhi;
	char caption[160];
};

/* The power of ten at or below x > 0 (no libm: see stats.c). */
static double decade_below(double x)
{
	double d = 1.0;

	while (d > x)
		d /= 10.0;
	while (d * 10.0 <= x)
		d *= 10.0;
	return d;
}

static int median_ms(const struct series *s, double *out, bench_error *err)
{
	struct stats st;
	double f;

	if (plot_unit_to_ms(s->unit, &f, err) < 0)
		return -1;
	st = *series_stats(s);
	*out = st.median * f;
	return 0;
}

/* ready-<runner>.dat and summary.dat; picks the left panel's axis. */
static int write_ready(const char *dir, const struct series **ready, int nready,
		       struct startup_plot *sp, bench_error *err)
{
	char path[PATH_MAX], name[40], file[64], label[32];
	double lo = INFINITY, hi = 0.0;
	size_t n0 = ready[0]->n;
	int same_n = 1;
	FILE *sum;

	sum = plot_data_open(dir, "summary.dat", path, sizeof(path), err);
	if (!sum)
		return -1;
	fputs("# index\tmedian_ms\tmax_ms\tlabel\n", sum);
	for (int i = 0; i < nready; i++) {
		const struct series *s = ready[i];
		char dpath[PATH_MAX];
		double f, med, mx = 0.0;
		FILE *d;

		if (plot_unit_to_ms(s->unit, &f, err) < 0 || median_ms(s, &med, err) < 0)
			goto fail;
		plot_plain_name(name, sizeof(name), s->runner);
		snprintf(file, sizeof(file), "ready-%s.dat", name);
		d = plot_data_open(dir, file, dpath, sizeof(dpath), err);
		if (!d)
			goto fail;
		fprintf(d, "# %s: launch to READY (ms), in measurement order\n", s->runner);
		for (size_t k = 0; k < s->n; k++) {
			double ms = s->v[k] * f;

			fprintf(d, "%.9g\n", ms);
			lo = ms < lo ? ms : lo;
			hi = ms > hi ? ms : hi;
			mx = ms > mx ? ms : mx;
		}
		if (plot_data_close(d, dpath, err) < 0)
			goto fail;
		plot_fmt_ms(label, sizeof(label), med);
		fprintf(sum, "%d\t%.9g\t%.9g\t\"%s\"\n", i + 1, med, mx, label);
		snprintf(sp->runners + strlen(sp->runners), sizeof(sp->runners) - strlen(sp->runners),
			 "%s%s", i ? " " : "", name);
		if (s->n != n0)
			same_n = 0;
	}
	if (plot_data_close(sum, path, err) < 0)
		return -1;
	sp->nrunners = nready;
	sp->logy = lo > 0.0 && hi / lo > LOG_RATIO;
	if (sp->logy) {
		/* Whole decades around the data, and room above for labels. */
		sp->ylo = decade_below(lo);
		sp->yhi = decade_below(hi * 2.0);
		if (sp->yhi < hi * 2.0)
			sp->yhi *= 10.0;
	} else {
		sp->ylo = 0.0;
		sp->yhi = hi > 0.0 ? hi * 1.2 : 1.0;
	}
	if (same_n)
		snprintf(sp->caption, sizeof(sp->caption),
			 "boxes: quartiles and median; whiskers: 1.5 IQR; dots: the %zu runs of each "
			 "runner; labels: medians",
			 n0);
	else
		snprintf(sp->caption, sizeof(sp->caption),
			 "boxes: quartiles and median; whiskers: 1.5 IQR; dots: individual runs; "
			 "labels: medians");
	return 0;
fail:
	fclose(sum);
	return -1;
}

/* phases.dat and phases-labels.dat: each runner's median per phase as a
 * share of its median launch to READY, the unattributed rest as "other".
 * (Medians do not add up exactly; the shares are a picture, the exact
 * figures are in summary.md.) */
static int write_phases(const struct results *res, const char *dir, const struct series **ready,
			int nready, struct startup_plot *sp, bench_error *err)
{
	const char *phases[MAX_PHASES];
	double ms[MAX_RUNNERS][MAX_PHASES + 1] = { { 0 } }, total[MAX_RUNNERS];
	char path[PATH_MAX], lpath[PATH_MAX], name[48], label[32];
	int nphases = 0, other = 0;
	FILE *f, *l;

	for (size_t i = 0; i < res->nseries; i++) {
		const char *m = res->series[i].metric;
		int known = 0;

		if (strncmp(m, "phase.", 6) != 0 || res->series[i].n == 0)
			continue;
		for (int k = 0; k < nphases; k++)
			known |= strcmp(phases[k], m) == 0;
		if (!known && nphases < MAX_PHASES)
			phases[nphases++] = m;
	}
	/* READY ends every start: its phase goes on top of each bar, after
	 * the phases that come before it in time. */
	for (int k = 0; k + 1 < nphases; k++) {
		if (strcmp(phases[k], "phase.ready") == 0) {
			const char *ready_phase = phases[k];

			memmove(&phases[k], &phases[k + 1], (size_t)(nphases - k - 1) * sizeof(phases[0]));
			phases[nphases - 1] = ready_phase;
			break;
		}
	}
	sp->nphases = 0;
	sp->other = 0;
	if (nphases == 0)
		return 0;

	for (int r = 0; r < nready; r++) {
		double sum = 0.0;

		if (median_ms(ready[r], &total[r], err) < 0)
			return -1;
		for (int k = 0; k < nphases; k++) {
			const struct series *s = results_find(res, ready[r]->runner, phases[k]);

			if (s && s->n > 0 && median_ms(s, &ms[r][k], err) < 0)
				return -1;
			sum += ms[r][k];
		}
		if (total[r] > sum) {
			ms[r][nphases] = total[r] - sum;
			other = 1;
		} else {
			total[r] = sum;
		}
	}

	f = plot_data_open(dir, "phases.dat", path, sizeof(path), err);
	if (!f)
		return -1;
	l = plot_data_open(dir, "phases-labels.dat", lpath, sizeof(lpath), err);
	if (!l) {
		fclose(f);
		return -1;
	}
	fputs("# each runner's median per phase, as % of its median launch to READY\nrunner", f);
	for (int k = 0; k < nphases; k++) {
		plot_plain_name(name, sizeof(name), phases[k] + 6);
		fprintf(f, "\t\"%s\"", name);
	}
	fputs(other ? "\t\"other\"\n" : "\n", f);
	fputs("# x\ty\tmedian\n", l);
	for (int r = 0; r < nready; r++) {
		double y = 0.0;

		plot_plain_name(name, sizeof(name), ready[r]->runner);
		fprintf(f, "%s", name);
		for (int k = 0; k < nphases + other; k++) {
			double share = total[r] > 0.0 ? 100.0 * ms[r][k] / total[r] : 0.0;

			fprintf(f, "\t%.6g", share);
			if (share >= LABEL_MIN_SHARE) {
				plot_fmt_ms(label, sizeof(label), ms[r][k]);
				fprintf(l, "%d\t%.6g\t\"%s\"\n", r, y + share / 2.0, label);
			}
			y += share;
		}
		fputc('\n', f);
	}
	if (plot_data_close(l, lpath, err) < 0) {
		fclose(f);
		return -1;
	}
	if (plot_data_close(f, path, err) < 0)
		return -1;
	sp->nphases = nphases + other;
	sp->other = other;
	return 0;
}

int plot_startup(const struct results *res, const char *dir, bench_error *err)
{
	const struct series *ready[MAX_RUNNERS];
	char title[200], base[4096];
	struct startup_plot sp;
	int nready = 0;
	for (size_t i = 0; i < res->nseries && nready < MAX_RUNNERS; i++)
		if (strcmp(res->series[i].metric, "ready") == 0 && res->series[i].n > 0)
			ready[nready++] = &res->series[i];
	if (nready == 0)
		return PLOT_NOTHING;

	memset(&sp, 0, sizeof(sp));
	if (write_ready(dir, ready, nready, &sp, err) < 0 ||
	    write_phases(res, dir, ready, nready, &sp, err) < 0)
		return bench_error_prefix(err, "writing the data of the startup plot");

	plot_title(res, title, sizeof(title));
	base[0] = '\0';
	if (plot_var_string(base, sizeof(base), "runners", sp.runners) < 0 ||
	    plot_var_string(base, sizeof(base), "plottitle", title) < 0 ||
	    plot_var_string(base, sizeof(base), "caption", sp.caption) < 0)
		return bench_fail(err, 0, "the startup plot's labels do not fit in %zu bytes", sizeof(base));
	snprintf(base + strlen(base), sizeof(base) - strlen(base),
		 "nphases=%d;other=%d;logy=%d;ylo=%.9g;yhi=%.9g;", sp.nphases, sp.other, sp.logy,
		 sp.ylo, sp.yhi);

	return plot_render("startup", dir, base, err);
}
