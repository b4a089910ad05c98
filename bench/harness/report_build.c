/* The body of the report: the machines, then one section per benchmark
 * with a table and the plots of every folder that has it.  A benchmark no
 * folder has is said to be missing, never filled in. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report_model.h"
#include "stats.h"

/* The benchmarks a report knows, in the order it shows them. */
static const char *const known_benchmarks[] = { "startup", "syscall", "isolation", "density" };
#define NKNOWN (sizeof(known_benchmarks) / sizeof(known_benchmarks[0]))

size_t report_hosts(const struct report_input *in, const char **hosts, size_t max)
{
	size_t nhosts = 0;

	for (size_t i = 0; i < in->n; i++) {
		bool seen = false;

		for (size_t k = 0; k < nhosts; k++)
			seen |= strcmp(hosts[k], in->f[i].host) == 0;
		if (!seen && nhosts < max)
			hosts[nhosts++] = in->f[i].host;
	}
	return nhosts;
}

const char *report_num(char *buf, size_t sz, double v)
{
	double a = fabs(v);

	if (isnan(v))
		snprintf(buf, sz, "–");
	else if (a >= 100.0 || a == 0.0 || (v == floor(v) && a < 1e15))
		snprintf(buf, sz, "%.0f", v);
	else if (a >= 10.0)
		snprintf(buf, sz, "%.1f", v);
	else if (a >= 1.0)
		snprintf(buf, sz, "%.2f", v);
	else
		snprintf(buf, sz, "%.3g", v);
	return buf;
}

const struct report_folder *report_latest(const struct report_input *in, const char *benchmark, const char *host)
{
	const struct report_folder *best = NULL;

	for (size_t i = 0; i < in->n; i++) {
		const struct report_folder *f = &in->f[i];

		if (strcmp(f->res.benchmark, benchmark) != 0 || (host && strcmp(f->host, host) != 0))
			continue;
		if (!best || strcmp(f->started, best->started) >= 0)
			best = f;
	}
	return best;
}

static const char *meta_str(const struct report_folder *f, const char *key, const char *dflt)
{
	const char *s = json_string_value(json_object_get(f->res.meta, key));

	return s && *s ? s : dflt;
}

/* The runners of a result set, in order of first appearance. */
static size_t runners_of(const struct results *res, const char **out, size_t cap)
{
	size_t n = 0;

	for (size_t i = 0; i < res->nseries; i++) {
		bool seen = false;

		for (size_t k = 0; k < n; k++)
			seen |= strcmp(out[k], res->series[i].runner) == 0;
		if (!seen && n < cap)
			out[n++] = res->series[i].runner;
	}
	return n;
}

/* ---- machines ------------------------------------------------------------ */

static void machines(struct doc *d, const struct report_input *in)
{
	doc_heading(d, 2, "Machines");
	doc_table(d, 8, "host", "CPU", "topology", "online CPUs", "memory", "kernel", "cgroup", "VM accelerator");
	for (size_t i = 0; i < in->n; i++) {
		const struct report_folder *f = &in->f[i];
		json_t *topo = json_object_get(f->res.meta, "topology");
		json_t *cpus = json_object_get(f->res.meta, "online_cpus");
		json_t *mem = json_object_get(f->res.meta, "mem_total_mib");
		bool dup = false;
		char a[32];

		for (size_t k = 0; k < i; k++)
			dup |= strcmp(in->f[k].host, f->host) == 0;
		if (dup)
			continue;
		doc_cell(d, "%s", f->host);
		doc_cell(d, "%s", meta_str(f, "cpu_model", "unknown"));
		doc_cell(d, "%s", json_string_value(json_object_get(topo, "summary")) ? json_string_value(json_object_get(topo, "summary")) : "unknown");
		doc_cell(d, "%s", json_is_integer(cpus) ? report_num(a, sizeof(a), (double)json_integer_value(cpus)) : "unknown");
		if (json_is_number(mem))
			doc_cell(d, "%.1f GiB", json_number_value(mem) / 1024.0);
		else
			doc_cell(d, "unknown");
		doc_cell(d, "%s", meta_str(f, "kernel", "unknown"));
		doc_cell(d, "%s", meta_str(f, "cgroup_version", "unknown"));
		/* The accelerator is known from any folder of this host that ran the vm runner. */
		{
			const char *accel = NULL;

			for (size_t k = 0; k < in->n && !accel; k++)
				if (strcmp(in->f[k].host, f->host) == 0)
					accel = json_string_value(json_object_get(in->f[k].res.meta, "accel"));
			doc_cell(d, "%s", accel ? accel : "no vm run");
		}
	}
}

/* ---- plots --------------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every SVG the run drew, in name order. */
static void plots(struct doc *d, const struct report_folder *f)
{
	DIR *dir = opendir(f->dir);
	struct dirent *de;
	char *names[32];
	size_t n = 0;

	while (dir && (de = readdir(dir)) != NULL && n < 32) {
		size_t len = strlen(de->d_name);

		if (len > 4 && strcmp(de->d_name + len - 4, ".svg") == 0 && de->d_name[0] != '.')
			if ((names[n] = strdup(de->d_name)) != NULL)
				n++;
	}
	if (dir)
		closedir(dir);
	if (n == 0) {
		doc_para(d, "No plot in this folder (gnuplot was missing when it ran): 'bench plot %s' draws it.", f->dir);
		return;
	}
	qsort(names, n, sizeof(names[0]), cmp_str);
	for (size_t i = 0; i < n; i++) {
		char svg[PATH_MAX + 64], png[PATH_MAX + 64], caption[512];
		const char *accel = meta_str(f, "accel", NULL);

		snprintf(svg, sizeof(svg), "%s/%s", f->dir, names[i]);
		snprintf(png, sizeof(png), "%s/%.*s.png", f->dir, (int)(strlen(names[i]) - 4), names[i]);
		snprintf(caption, sizeof(caption), "%s: %s on %s%s%s", names[i], f->res.benchmark, f->host,
			 accel ? ", VM accelerator " : "", accel ? accel : "");
		doc_plot(d, caption, svg, png);
		free(names[i]);
	}
}

/* ---- tables per benchmark ------------------------------------------------ */

static void table_startup(struct doc *d, const struct results *res)
{
	const char *runners[16];
	size_t n = runners_of(res, runners, 16);
	double vm = results_median(res, "vm", "ready");
	char a[32], b[32], c[32];

	doc_table(d, 6, "runner", "runs", "launch to READY, median (ms)", "p95 (ms)", "launch to gone, median (ms)",
		  "VM start time / this runner's");
	for (size_t i = 0; i < n; i++) {
		const struct series *s = results_find(res, runners[i], "ready");
		struct stats st;

		if (!s || s->n == 0)
			continue;
		st = *series_stats(s);
		doc_cell(d, "%s", runners[i]);
		doc_cell(d, "%zu", s->n);
		doc_cell(d, "%s", report_num(a, sizeof(a), st.median));
		doc_cell(d, "%s", report_num(b, sizeof(b), st.p95));
		doc_cell(d, "%s", report_num(c, sizeof(c), results_median(res, runners[i], "gone")));
		if (!isnan(vm) && st.median > 0.0)
			doc_cell(d, "%sx", report_num(a, sizeof(a), vm / st.median));
		else
			doc_cell(d, "–");
	}
}

static void table_syscall(struct doc *d, const struct results *res)
{
	char a[32], b[32], c[32];

	doc_table(d, 6, "call", "runner", "batches", "median (ns per call)", "p95 (ns)", "ratio to host");
	for (size_t i = 0; i < res->nseries; i++) {
		const struct series *s = &res->series[i];
		json_t *ratio = json_object_get(s->extra, "ratio_to_host");
		double host = results_median(res, "host", s->metric);
		struct stats st;

		if (strncmp(s->metric, "syscall.", 8) != 0 || s->n == 0)
			continue;
		st = *series_stats(s);
		doc_cell(d, "%s", s->metric + 8);
		doc_cell(d, "%s", s->runner);
		doc_cell(d, "%zu", s->n);
		doc_cell(d, "%s", report_num(a, sizeof(a), st.median));
		doc_cell(d, "%s", report_num(b, sizeof(b), st.p95));
		if (json_is_number(ratio))
			doc_cell(d, "%sx", report_num(c, sizeof(c), json_number_value(ratio)));
		else if (!isnan(host) && host > 0.0)
			doc_cell(d, "%sx", report_num(c, sizeof(c), st.median / host));
		else
			doc_cell(d, "–");
	}
}

/* The isolation matrix: a row per channel, a column per runner and profile. */
static void table_isolation(struct doc *d, const struct results *res)
{
	json_t *list = json_object_get(res->extra, "isolation"), *rec;
	const char *cols[16], *rows[128];
	size_t ncols = 0, nrows = 0, i;

	if (!json_is_array(list) || json_array_size(list) == 0) {
		doc_para(d, "This folder holds no isolation verdicts.");
		return;
	}
	json_array_foreach(list, i, rec) {
		const char *ch = json_string_value(json_object_get(rec, "channel"));
		const char *runner = json_string_value(json_object_get(rec, "runner"));
		const char *profile = json_string_value(json_object_get(rec, "profile"));
		char col[96];
		bool seen = false;

		if (!ch || !runner)
			continue;
		for (size_t k = 0; k < nrows; k++)
			seen |= strcmp(rows[k], ch) == 0;
		if (!seen && nrows < 128)
			rows[nrows++] = ch;
		snprintf(col, sizeof(col), "%s%s%s", runner, profile ? " / " : "", profile ? profile : "");
		seen = false;
		for (size_t k = 0; k < ncols; k++)
			seen |= strcmp(cols[k], col) == 0;
		if (!seen && ncols < 15) {
			cols[ncols] = strdup(col);
			if (cols[ncols])
				ncols++;
		}
	}
	/* The header row is the first ncols + 1 cells. */
	doc_table_columns(d, ncols + 1);
	doc_cell(d, "channel");
	for (size_t k = 0; k < ncols; k++)
		doc_cell(d, "%s", cols[k]);
	for (size_t r = 0; r < nrows; r++) {
		doc_cell(d, "%s", rows[r]);
		for (size_t c = 0; c < ncols; c++) {
			const char *verdict = NULL;

			json_array_foreach(list, i, rec) {
				const char *ch = json_string_value(json_object_get(rec, "channel"));
				const char *runner = json_string_value(json_object_get(rec, "runner"));
				const char *profile = json_string_value(json_object_get(rec, "profile"));
				char col[96];

				if (!ch || !runner || strcmp(ch, rows[r]) != 0)
					continue;
				snprintf(col, sizeof(col), "%s%s%s", runner, profile ? " / " : "", profile ? profile : "");
				if (strcmp(col, cols[c]) == 0)
					verdict = json_string_value(json_object_get(rec, "verdict"));
			}
			doc_cell(d, "%s", verdict ? verdict : "–");
		}
	}
	for (size_t k = 0; k < ncols; k++)
		free((char *)cols[k]);
}

static double extra_num(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

static void table_density(struct doc *d, const struct results *res)
{
	json_t *dens = json_object_get(res->extra, "density");
	json_t *hosts = json_object_get(dens, "hosts"), *list = json_object_get(dens, "runners"), *r, *h;
	const char *runners[16];
	size_t n = runners_of(res, runners, 16), i, k;
	char a[32], b[32], c[32], e[32];

	doc_table(d, 8, "runner", "PSS (MiB)", "RSS (MiB)", "cgroup memory (MiB)", "host MemAvailable fall (MiB)",
		  "processes", "threads", "idle instances measured");
	for (i = 0; i < n; i++) {
		const struct series *s = results_find(res, runners[i], "mem.pss");

		if (!s)
			continue;
		doc_cell(d, "%s", runners[i]);
		doc_cell(d, "%s", report_num(a, sizeof(a), results_median(res, runners[i], "mem.pss")));
		doc_cell(d, "%s", report_num(b, sizeof(b), results_median(res, runners[i], "mem.rss")));
		doc_cell(d, "%s", report_num(c, sizeof(c), results_median(res, runners[i], "mem.cgroup")));
		doc_cell(d, "%s", report_num(c, sizeof(c), results_median(res, runners[i], "mem.host")));
		doc_cell(d, "%s", report_num(e, sizeof(e), results_median(res, runners[i], "proc.processes")));
		doc_cell(d, "%s", report_num(a, sizeof(a), results_median(res, runners[i], "proc.threads")));
		doc_cell(d, "%zu", s->n);
	}
	doc_para(d, "Medians per idle instance. PSS shares pages among instances; the fall of the host's "
		    "MemAvailable (per instance, one figure per storm) also counts kernel objects such as namespaces "
		    "and the runner's own processes, but moves with anything else running on the host.");
	doc_para(d, "Launch storms: N idle instances started at once; time from the first launch until all are "
		    "READY, and from the stop until all are gone (medians of the storms of each size).");
	doc_table(d, 6, "runner", "instances", "to all READY (ms)", "per instance (ms)", "to all gone (ms)",
		  "per instance (ms)");
	for (i = 0; i < n; i++)
		for (unsigned size = 1; size <= 4096; size++) {
			char metric[48];
			double ready, gone;

			snprintf(metric, sizeof(metric), "storm.%u.ready", size);
			ready = results_median(res, runners[i], metric);
			if (isnan(ready))
				continue;
			snprintf(metric, sizeof(metric), "storm.%u.gone", size);
			gone = results_median(res, runners[i], metric);
			doc_cell(d, "%s", runners[i]);
			doc_cell(d, "%u", size);
			doc_cell(d, "%s", report_num(a, sizeof(a), ready));
			doc_cell(d, "%s", report_num(b, sizeof(b), ready / size));
			doc_cell(d, "%s", report_num(c, sizeof(c), gone));
			doc_cell(d, "%s", report_num(e, sizeof(e), gone / size));
		}
	if (!json_is_array(list) || json_array_size(list) == 0)
		return;
	doc_para(d, "Instances per host: memory per instance as planned (see the basis), CPUs per instance (a VM's "
		    "vCPUs, overcommitted by the vCPU ratio; a container's CPU request, not overcommitted), and how "
		    "many fit.");
	json_array_foreach(hosts, k, h) {
		const char *hname = json_string_value(json_object_get(h, "name"));

		doc_bullet(d, "%s: %s GiB of memory (%s GiB kept for the host), %s CPUs, vCPU ratio %s",
			   hname ? hname : "?", report_num(a, sizeof(a), extra_num(h, "memory_mib") / 1024.0),
			   report_num(b, sizeof(b), extra_num(h, "reserve_mib") / 1024.0),
			   report_num(c, sizeof(c), extra_num(h, "cpus")), report_num(e, sizeof(e), extra_num(h, "vcpu_ratio")));
	}
	doc_table(d, 6, "runner", "MiB per instance", "CPUs per instance", "host", "fit (memory / CPU bound)",
		  "basis");
	json_array_foreach(list, i, r) {
		json_t *fits = json_object_get(r, "fit"), *fit;

		json_array_foreach(fits, k, fit) {
			const char *name = json_string_value(json_object_get(r, "runner"));
			const char *host = json_string_value(json_object_get(fit, "host"));
			const char *limit = json_string_value(json_object_get(fit, "limit"));
			const char *basis = json_string_value(json_object_get(r, "memory_basis"));

			doc_cell(d, "%s", name ? name : "?");
			doc_cell(d, "%s", report_num(a, sizeof(a), extra_num(r, "memory_mib")));
			doc_cell(d, "%s", report_num(b, sizeof(b), extra_num(r, "cpus")));
			doc_cell(d, "%s", host ? host : "?");
			doc_cell(d, "%s (%s / %s; %s-bound)", report_num(c, sizeof(c), extra_num(fit, "fit")),
				 report_num(e, sizeof(e), extra_num(fit, "by_memory")),
				 report_num(a, sizeof(a), extra_num(fit, "by_cpu")), limit ? limit : "?");
			doc_cell(d, "%s", basis ? basis : "");
		}
	}
}

/* Any other benchmark: every series' median. */
static void table_generic(struct doc *d, const struct results *res)
{
	char a[32], b[32];

	doc_table(d, 6, "runner", "metric", "n", "median", "p95", "unit");
	for (size_t i = 0; i < res->nseries; i++) {
		const struct series *s = &res->series[i];
		struct stats st;

		st = *series_stats(s);
		doc_cell(d, "%s", s->runner);
		doc_cell(d, "%s", s->metric);
		doc_cell(d, "%zu", s->n);
		doc_cell(d, "%s", report_num(a, sizeof(a), st.median));
		doc_cell(d, "%s", report_num(b, sizeof(b), st.p95));
		doc_cell(d, "%s", s->unit);
	}
}

static void folder_section(struct doc *d, const struct report_folder *f)
{
	json_t *notes = json_object_get(f->res.meta, "notes"), *note;
	const char *b = f->res.benchmark;
	size_t i;

	doc_heading(d, 3, "%s on %s, %s", b, f->host, f->started[0] ? f->started : "time unknown");
	doc_para(d, "Folder %s; command: %s", f->dir, meta_str(f, "command_line", "unknown"));
	json_array_foreach(notes, i, note)
		if (json_is_string(note))
			doc_bullet(d, "%s", json_string_value(note));
	if (strcmp(b, "startup") == 0)
		table_startup(d, &f->res);
	else if (strcmp(b, "syscall") == 0)
		table_syscall(d, &f->res);
	else if (strcmp(b, "isolation") == 0)
		table_isolation(d, &f->res);
	else if (strcmp(b, "density") == 0)
		table_density(d, &f->res);
	else
		table_generic(d, &f->res);
	plots(d, f);
}

static void benchmark_section(struct doc *d, const struct report_input *in, const char *benchmark)
{
	bool any = false;

	doc_heading(d, 2, "Benchmark: %s", benchmark);
	for (size_t i = 0; i < in->n; i++)
		if (strcmp(in->f[i].res.benchmark, benchmark) == 0) {
			folder_section(d, &in->f[i]);
			any = true;
		}
	if (!any)
		doc_para(d, "Not measured: no results folder given holds a run of %s. 'bench run %s' measures it.",
			 benchmark, benchmark);
}

int report_build(struct doc *d, const struct report_input *in, bench_error *err)
{
	char now[32];
	time_t t = time(NULL);
	struct tm tm;
	const char *hosts[64];
	size_t nhosts = report_hosts(in, hosts, 64);

	if (!gmtime_r(&t, &tm) || !strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(now, sizeof(now), "unknown");
	doc_heading(d, 1, "Containers or VMs: what bench measured");
	doc_para(d, "Made by bench report on %s from %zu results folder%s, %zu host%s. Every figure below comes from "
		    "those folders; what they do not hold is said to be missing.",
		 now, in->n, in->n == 1 ? "" : "s", nhosts, nhosts == 1 ? "" : "s");
	report_summary(d, in);
	machines(d, in);
	for (size_t k = 0; k < NKNOWN; k++)
		benchmark_section(d, in, known_benchmarks[k]);
	/* Benchmarks this version does not know are shown as plain tables. */
	for (size_t i = 0; i < in->n; i++) {
		bool known = false, first = true;

		for (size_t k = 0; k < NKNOWN; k++)
			known |= strcmp(in->f[i].res.benchmark, known_benchmarks[k]) == 0;
		for (size_t k = 0; k < i; k++)
			first &= strcmp(in->f[k].res.benchmark, in->f[i].res.benchmark) != 0;
		if (!known && first)
			benchmark_section(d, in, in->f[i].res.benchmark);
	}
	if (d->failed)
		return bench_fail(err, ENOMEM, "report: out of memory while building it");
	return 0;
}
