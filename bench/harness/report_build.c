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

#include "benchmark.h"
#include "report_model.h"
#include "stats.h"

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

size_t report_runners(const struct results *res, const char **out, size_t cap)
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

static void folder_section(struct doc *d, const struct report_folder *f, const struct benchmark *bench)
{
	json_t *notes = json_object_get(f->res.meta, "notes"), *note;
	const char *b = f->res.benchmark;
	size_t i;

	doc_heading(d, 3, "%s on %s, %s", b, f->host, f->started[0] ? f->started : "time unknown");
	doc_para(d, "Folder %s; command: %s", f->dir, meta_str(f, "command_line", "unknown"));
	json_array_foreach(notes, i, note)
		if (json_is_string(note))
			doc_bullet(d, "%s", json_string_value(note));
	if (bench && bench->report_table)
		bench->report_table(d, &f->res);
	else
		table_generic(d, &f->res);
	plots(d, f);
}

static void benchmark_section(struct doc *d, const struct report_input *in, const char *benchmark,
			      const struct benchmark *bench)
{
	bool any = false;

	doc_heading(d, 2, "Benchmark: %s", benchmark);
	for (size_t i = 0; i < in->n; i++)
		if (strcmp(in->f[i].res.benchmark, benchmark) == 0) {
			folder_section(d, &in->f[i], bench);
			any = true;
		}
	if (!any)
		doc_para(d, "Not measured: no results folder given holds a run of %s. 'bench run %s' measures it.",
			 benchmark, benchmark);
}

int report_build(struct doc *d, const struct report_input *in, const struct benchmark *const *table,
		 bench_error *err)
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
	report_summary(d, in, table);
	machines(d, in);
	report_fleet_section(d, in, table);
	for (const struct benchmark *const *b = table; *b; b++)
		benchmark_section(d, in, (*b)->name, *b);
	/* Benchmarks this version does not know are shown as plain tables. */
	for (size_t i = 0; i < in->n; i++) {
		bool first = true;

		for (size_t k = 0; k < i; k++)
			first &= strcmp(in->f[k].res.benchmark, in->f[i].res.benchmark) != 0;
		if (first && !benchmark_find(table, in->f[i].res.benchmark))
			benchmark_section(d, in, in->f[i].res.benchmark, NULL);
	}
	if (d->failed)
		return bench_fail(err, ENOMEM, "report: out of memory while building it");
	return 0;
}
