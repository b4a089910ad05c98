/* The report across hosts (a fleet's folders, `bench report fleet/<star>`):
 * per benchmark, each host's median side by side with the median across
 * the hosts and its range, and the summary's lines on how many hosts, which
 * differ, and whether each conclusion holds on all of them.  Hosts whose
 * VMs ran under different accelerators (KVM, TCG's emulation) are never
 * pooled: each accelerator gets its own table and its own median.  Nothing
 * here names a benchmark or a runner: the descriptors' fleet_metrics say
 * which figures to compare. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchmark.h"
#include "report_model.h"
#include "stats.h"

#define FLEET_HOSTS_MAX 32
#define FLEET_ROWS_MAX 24
#define FLEET_RUNNERS_MAX 8

/* Adds to the text in buf (shortened when full). */
static void appendf(char *buf, size_t sz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void appendf(char *buf, size_t sz, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;

	if (len + 1 >= sz)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + len, sz - len, fmt, ap);
	va_end(ap);
}

/* The accelerator of a host's VMs, from any folder of it that ran one. */
static const char *host_accel(const struct report_input *in, const char *host)
{
	for (size_t i = 0; i < in->n; i++) {
		const char *a = json_string_value(json_object_get(in->f[i].res.meta, "accel"));

		if (a && *a && strcmp(in->f[i].host, host) == 0)
			return a;
	}
	return "no VM run";
}

/* The accelerators of the hosts, in order first seen; how many. */
static size_t accel_groups(const struct report_input *in, const char **hosts, size_t nhosts, const char **out,
			   size_t cap)
{
	size_t n = 0;

	for (size_t h = 0; h < nhosts; h++) {
		const char *a = host_accel(in, hosts[h]);
		bool seen = false;

		for (size_t k = 0; k < n; k++)
			seen |= strcmp(out[k], a) == 0;
		if (!seen && n < cap)
			out[n++] = a;
	}
	return n;
}

/* Is metric one of the descriptor's fleet metrics (a comma list; NULL:
 * any)? */
static bool fleet_metric(const struct benchmark *b, const char *metric)
{
	const char *p = b ? b->fleet_metrics : NULL;
	size_t n = strlen(metric);

	if (!p)
		return true;
	while (*p) {
		size_t len = strcspn(p, ",");

		if (len == n && strncmp(p, metric, n) == 0)
			return true;
		p += len;
		if (*p == ',')
			p++;
	}
	return false;
}

static double host_median(const struct report_folder *f, const char *runner, const char *metric)
{
	const struct series *s = f ? results_find(&f->res, runner, metric) : NULL;

	return s && s->n ? series_stats(s)->median : NAN;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The rows: (runner, metric) pairs of the fleet metrics in any host's
 * newest folder, in the order first seen. */
struct row {
	const char *runner, *metric, *unit;
};

static size_t rows_of(const struct report_folder *const *f, size_t nf, const struct benchmark *b, struct row *rows,
		      size_t cap)
{
	size_t n = 0;

	for (size_t h = 0; h < nf; h++) {
		for (size_t i = 0; f[h] && i < f[h]->res.nseries; i++) {
			const struct series *s = &f[h]->res.series[i];
			bool seen = false;

			if (!fleet_metric(b, s->metric) || s->n == 0)
				continue;
			for (size_t k = 0; k < n; k++)
				seen |= strcmp(rows[k].runner, s->runner) == 0 && strcmp(rows[k].metric, s->metric) == 0;
			if (!seen && n < cap)
				rows[n++] = (struct row){ s->runner, s->metric, s->unit };
		}
	}
	return n;
}

/* One table: the hosts of one accelerator side by side. */
static void group_table(struct doc *d, const struct report_input *in, const struct benchmark *b, const char *name,
			const char **hosts, size_t nh)
{
	const struct report_folder *f[FLEET_HOSTS_MAX];
	struct row rows[FLEET_ROWS_MAX];
	size_t nrows, nf = 0;
	char a[32], c[32];

	for (size_t h = 0; h < nh; h++)
		f[nf++] = report_latest(in, name, hosts[h]);
	nrows = rows_of(f, nf, b, rows, FLEET_ROWS_MAX);
	if (nrows == 0) {
		doc_para(d, "None of these hosts has a run of %s.", name);
		return;
	}
	doc_table_columns(d, nh + 5);
	doc_cell(d, "runner");
	doc_cell(d, "metric");
	for (size_t h = 0; h < nh; h++)
		doc_cell(d, "%s", hosts[h]);
	doc_cell(d, "median across hosts");
	doc_cell(d, "range");
	doc_cell(d, "unit");
	for (size_t r = 0; r < nrows; r++) {
		double v[FLEET_HOSTS_MAX] = { 0 };
		size_t nv = 0;

		doc_cell(d, "%s", rows[r].runner);
		doc_cell(d, "%s", rows[r].metric);
		for (size_t h = 0; h < nh; h++) {
			double m = host_median(f[h], rows[r].runner, rows[r].metric);

			doc_cell(d, "%s", report_num(a, sizeof(a), m));
			if (!isnan(m))
				v[nv++] = m;
		}
		qsort(v, nv, sizeof(v[0]), cmp_double);
		doc_cell(d, "%s", nv ? report_num(a, sizeof(a), nv % 2 ? v[nv / 2] : (v[nv / 2 - 1] + v[nv / 2]) / 2)
				       : "–");
		if (nv)
			doc_cell(d, "%s to %s", report_num(a, sizeof(a), v[0]), report_num(c, sizeof(c), v[nv - 1]));
		else
			doc_cell(d, "–");
		doc_cell(d, "%s", rows[r].unit);
	}
}

/* The hosts of in whose accelerator is accel; how many. */
static size_t hosts_with(const struct report_input *in, const char **hosts, size_t nhosts, const char *accel,
			 const char **out)
{
	size_t n = 0;

	for (size_t h = 0; h < nhosts && n < FLEET_HOSTS_MAX; h++)
		if (strcmp(host_accel(in, hosts[h]), accel) == 0)
			out[n++] = hosts[h];
	return n;
}

static const char *accel_words(const char *accel)
{
	if (strcmp(accel, "tcg") == 0)
		return "VMs under TCG (emulation)";
	if (strcmp(accel, "kvm") == 0)
		return "VMs under KVM";
	return NULL;
}

void report_fleet_section(struct doc *d, const struct report_input *in, const struct benchmark *const *table)
{
	const char *hosts[FLEET_HOSTS_MAX], *groups[8];
	size_t nhosts = report_hosts(in, hosts, FLEET_HOSTS_MAX), ngroups;

	if (nhosts < 2)
		return;
	ngroups = accel_groups(in, hosts, nhosts, groups, 8);
	doc_heading(d, 2, "Across hosts");
	doc_para(d, "Each host's median from its newest run of each benchmark, side by side, with the median across "
		    "the hosts and its range.%s",
		 ngroups > 1 ? " Hosts whose VMs ran under different accelerators are never pooled: each "
			       "accelerator has its own table and its own median." : "");
	for (const struct benchmark *const *b = table; *b; b++) {
		bool any = false;

		for (size_t i = 0; i < in->n && !any; i++)
			any = strcmp(in->f[i].res.benchmark, (*b)->name) == 0;
		if (!any)
			continue;
		doc_heading(d, 3, "%s across hosts", (*b)->name);
		for (size_t g = 0; g < ngroups; g++) {
			const char *gh[FLEET_HOSTS_MAX];
			size_t ng = hosts_with(in, hosts, nhosts, groups[g], gh);
			const char *words = accel_words(groups[g]);

			if (ngroups > 1)
				doc_para(d, "Hosts with %s:", words ? words : "no VM run");
			group_table(d, in, *b, (*b)->name, gh, ng);
		}
	}
}

/* Does every folder of f that has metric have it for runner too? */
static bool on_every_host(const struct report_folder *const *f, size_t nf, const char *runner, const char *metric)
{
	for (size_t h = 0; h < nf; h++) {
		bool any = false;

		for (size_t i = 0; f[h] && i < f[h]->res.nseries && !any; i++)
			any = strcmp(f[h]->res.series[i].metric, metric) == 0 && f[h]->res.series[i].n > 0;
		if (any && isnan(host_median(f[h], runner, metric)))
			return false;
	}
	return true;
}

/* "host < container < vm": the runners of f by their median of metric,
 * lowest first, only those every host of all[] measured (a host that lacks
 * a runner changes no conclusion); "" when fewer than two. */
static void order_of(const struct report_folder *f, const struct report_folder *const *all, size_t nall,
		     const char *metric, char *out, size_t sz)
{
	const char *runners[FLEET_RUNNERS_MAX], *sorted[FLEET_RUNNERS_MAX];
	double med[FLEET_RUNNERS_MAX];
	size_t n = 0, nr;

	out[0] = '\0';
	if (!f)
		return;
	nr = report_runners(&f->res, runners, FLEET_RUNNERS_MAX);
	for (size_t i = 0; i < nr; i++) {
		double m = host_median(f, runners[i], metric);
		size_t k = n;

		if (isnan(m) || !on_every_host(all, nall, runners[i], metric))
			continue;
		for (; k > 0 && med[k - 1] > m; k--) {
			med[k] = med[k - 1];
			sorted[k] = sorted[k - 1];
		}
		med[k] = m;
		sorted[k] = runners[i];
		n++;
	}
	if (n < 2)
		return;
	for (size_t i = 0; i < n; i++)
		appendf(out, sz, "%s%s", i ? " < " : "", sorted[i]);
}

/* The first fleet metric a benchmark's folders have. */
static const char *headline(const struct benchmark *b, const struct report_folder *const *f, size_t nf)
{
	struct row rows[1];

	return rows_of(f, nf, b, rows, 1) ? rows[0].metric : NULL;
}

/* Does the order of the runners by the headline metric hold on every host
 * of one accelerator? */
static void conclusion(struct doc *d, const struct report_input *in, const struct benchmark *b, const char **hosts,
		       size_t nh, const char *accel, bool split)
{
	const struct report_folder *f[FLEET_HOSTS_MAX];
	char order[FLEET_HOSTS_MAX][256], differ[512] = "";
	size_t nf = 0, best = 0, best_count = 0, measured = 0;
	const char *metric;
	const char *words = accel_words(accel);

	for (size_t h = 0; h < nh; h++)
		f[nf++] = report_latest(in, b->name, hosts[h]);
	if (!(metric = headline(b, f, nf)))
		return;
	for (size_t h = 0; h < nh; h++)
		order_of(f[h], f, nf, metric, order[h], sizeof(order[h]));
	/* The order most hosts share is the conclusion. */
	for (size_t h = 0; h < nh; h++) {
		size_t count = 0;

		if (!order[h][0])
			continue;
		measured++;
		for (size_t k = 0; k < nh; k++)
			count += strcmp(order[h], order[k]) == 0;
		if (count > best_count) {
			best = h;
			best_count = count;
		}
	}
	if (measured == 0)
		return;
	for (size_t h = 0; h < nh; h++)
		if (order[h][0] && strcmp(order[h], order[best]) != 0)
			appendf(differ, sizeof(differ), "%s%s (%s)",
				 differ[0] ? "; " : "", hosts[h], order[h]);
	if (best_count == measured)
		doc_bullet(d, "%s, %s (lowest first)%s%s: %s holds on all %zu host%s that measured it.", b->name, metric,
			   split ? ", hosts with " : "", split ? (words ? words : "no VM run") : "", order[best], measured,
			   measured == 1 ? "" : "s");
	else
		doc_bullet(d, "%s, %s (lowest first)%s%s: %s on %zu of %zu hosts; it does not hold on %s.", b->name,
			   metric, split ? ", hosts with " : "", split ? (words ? words : "no VM run") : "", order[best],
			   best_count, measured, differ);
}

void report_fleet_summary(struct doc *d, const struct report_input *in, const struct benchmark *const *table)
{
	const char *hosts[FLEET_HOSTS_MAX], *groups[8];
	size_t nhosts = report_hosts(in, hosts, FLEET_HOSTS_MAX), ngroups;
	char names[1024] = "";

	if (nhosts < 2)
		return;
	ngroups = accel_groups(in, hosts, nhosts, groups, 8);
	for (size_t h = 0; h < nhosts; h++)
		appendf(names, sizeof(names), "%s%s", h ? ", " : "", hosts[h]);
	doc_heading(d, 3, "Across %zu hosts", nhosts);
	doc_bullet(d, "Hosts: %s.", names);
	if (ngroups > 1) {
		char by[1024] = "";

		for (size_t g = 0; g < ngroups; g++) {
			const char *gh[FLEET_HOSTS_MAX];
			size_t ng = hosts_with(in, hosts, nhosts, groups[g], gh);
			const char *words = accel_words(groups[g]);

			appendf(by, sizeof(by), "%s%s on", g ? "; " : "",
				 words ? words : "no VM run");
			for (size_t k = 0; k < ng; k++)
				appendf(by, sizeof(by), "%s %s", k ? "," : "", gh[k]);
		}
		doc_bullet(d, "These hosts differ in their VM accelerator: %s. Their figures are never pooled; each "
			      "accelerator is summarised apart.", by);
	} else {
		const char *words = accel_words(groups[0]);

		doc_bullet(d, "Every host ran %s%s.", words ? words : "no VM", words && strcmp(groups[0], "tcg") == 0
										  ? ": VM figures are emulation, not virtualisation"
										  : "");
	}
	{
		/* Hardware that differs explains figures that differ. */
		const char *first = NULL;
		bool differs = false;

		for (size_t i = 0; i < in->n; i++) {
			const char *m = json_string_value(json_object_get(in->f[i].res.meta, "cpu_model"));

			if (!m)
				continue;
			if (!first)
				first = m;
			differs |= strcmp(first, m) != 0;
		}
		if (differs)
			doc_bullet(d, "The hosts' CPU models differ (see Machines): compare their figures with care.");
	}
	for (const struct benchmark *const *b = table; *b; b++)
		for (size_t g = 0; g < ngroups; g++) {
			const char *gh[FLEET_HOSTS_MAX];
			size_t ng = hosts_with(in, hosts, nhosts, groups[g], gh);

			conclusion(d, in, *b, gh, ng, groups[g], ngroups > 1);
		}
}
