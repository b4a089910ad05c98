/* The isolation plots, both drawn from what results.json holds, so that
 * `bench plot DIR` redraws them:
 *
 *   isolation.png        the channel-by-runner matrix as a heatmap of
 *                        verdicts (the "isolation" list in res->extra);
 *   isolation_noisy.png  each victim's slowdown beside each aggressor, per
 *                        runner (the noisy.<victim>.<aggressor> series).
 *
 * Names that reach gnuplot come from a file a person may have edited: they
 * are reduced to a small safe alphabet before they become tic labels. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/plot.h"
#include "harness/stats.h"
#include "isolation.h"

#define ISO_PLOT_MAX_COLS 16
#define ISO_PLOT_MAX_ROWS 64
#define ISO_PLOT_MAX_RUNNERS 16
#define ISO_PLOT_MAX_KINDS 8

/* What a person reads instead of an id; ids not listed show as they are. */
struct name_label {
	const char *id, *label;
};

static const struct name_label channel_labels[] = {
	{ "hostname", "hostname" },
	{ "kernel_release", "kernel release" },
	{ "kernel_version", "kernel version" },
	{ "boot_id", "boot_id" },
	{ "uptime", "/proc/uptime" },
	{ "clock_boottime", "CLOCK_BOOTTIME" },
	{ "mem_total", "MemTotal (meminfo)" },
	{ "cpu_count", "CPUs in /proc/cpuinfo" },
	{ "cpu_online", "CPUs online" },
	{ "cpu_affinity", "CPU affinity mask" },
	{ "loadavg", "/proc/loadavg" },
	{ "proc_stat", "/proc/stat" },
	{ "proc_interrupts", "/proc/interrupts" },
	{ "proc_sched_debug", "/proc/sched_debug" },
	{ "proc_timer_list", "/proc/timer_list" },
	{ "proc_locks", "/proc/locks" },
	{ "proc_modules", "/proc/modules" },
	{ "kallsyms", "/proc/kallsyms addresses" },
	{ "mountinfo", "mountinfo (host paths)" },
	{ "net_interfaces", "network interfaces" },
	{ "kernel_log", "kernel log (syslog)" },
	{ "pid_count", "processes visible" },
	{ "capabilities", "effective capabilities" },
	{ "seccomp", "seccomp, no_new_privs" },
	{ "devices", "device nodes" },
	{ "cgroup", "cgroup path" },
};

/* The verdicts' colours and the words in their cells; the last is a cell
 * the results do not have (a channel one runner was not asked about). */
static const struct {
	const char *verdict, *word;
	unsigned rgb;
} verdict_styles[] = {
	{ "leaks", "leaks", 0xe45756 },
	{ "host_coupled", "host-coupled", 0xf58518 },
	{ "isolated", "isolated", 0x54a24b },
	{ "unavailable", "unavailable", 0xbab0ac },
	{ NULL, "not probed", 0xffffff },
};

/* The aggressors, on the x axis of the slowdown bars. */
static const struct name_label aggressor_labels[] = {
	{ "cpu", "CPU hog" }, { "mem", "memory hog" }, { "fork", "fork bomb" },
	{ "cache", "cache thrash" }, { "disk", "disk fsync" },
};

/* A series' runner label in the key, the profile said as in the heatmap:
 * "container-hardened" is "container (hardened)", and a runner that takes
 * profiles but names none ran the plain one. */
static void runner_key(const struct results *res, const char *label, char *out, size_t sz)
{
	const char *dash = strrchr(label, '-');
	char runner[48];

	if (dash && dash > label) {
		snprintf(runner, sizeof(runner), "%.*s", (int)(dash - label), label);
		if (results_runner_has(res, runner, "profiles")) {
			snprintf(out, sz, "%s (%s)", runner, dash + 1);
			return;
		}
	}
	if (results_runner_has(res, label, "profiles"))
		snprintf(out, sz, "%s (plain)", label);
	else
		snprintf(out, sz, "%s", label);
}

static const struct name_label victim_titles[] = {
	{ "cpu", "victim: CPU loop" },
	{ "mem", "victim: memory-bandwidth stream" },
	{ "syscall", "victim: syscall loop" },
};

/* Copies src keeping only characters that are inert inside a gnuplot
 * double-quoted string and a data file's quoted field. */
static void safe_label(char *dst, size_t sz, const char *src)
{
	size_t i = 0;

	for (; *src && i + 1 < sz; src++) {
		char c = *src;

		dst[i++] = ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			    strchr(" ._/-:()+,", c))
				   ? c
				   : '_';
	}
	dst[i] = '\0';
}

static const char *lookup_label(const struct name_label *table, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(table[i].id, id) == 0)
			return table[i].label;
	return id;
}

#define LABEL(table, id) lookup_label((table), sizeof(table) / sizeof((table)[0]), (id))

/* Appends a gnuplot tic list entry "label" pos to buf. */
static void add_tic(char *buf, size_t sz, const char *label, double pos)
{
	char safe[64];
	size_t len = strlen(buf);

	safe_label(safe, sizeof(safe), label);
	snprintf(buf + len, sz - len, "%s\"%s\" %g", len ? ", " : "", safe, pos);
}

/* "host vm: AMD EPYC, 2 PUs, kernel 6.1.0; VM accel: tcg" */
static void host_caption(const struct results *res, char *buf, size_t sz)
{
	const char *host = json_string_value(json_object_get(res->meta, "hostname"));
	const char *cpu = json_string_value(json_object_get(res->meta, "cpu_model"));
	const char *kernel = json_string_value(json_object_get(res->meta, "kernel"));
	const char *accel = json_string_value(json_object_get(res->meta, "accel"));
	json_t *pus = json_object_get(res->meta, "online_cpus");
	char release[64] = "";

	/* The release is the kernel string's first word. */
	if (kernel)
		snprintf(release, sizeof(release), "%.*s", (int)strcspn(kernel, " "), kernel);
	snprintf(buf, sz, "host %s: %s, %lld CPUs, kernel %s; VM accel: %s", host ? host : "unknown",
		 cpu ? cpu : "unknown CPU", json_is_integer(pus) ? (long long)json_integer_value(pus) : 0LL,
		 release[0] ? release : "unknown", accel ? accel : "no VM in this run");
}

/* ---- the heatmap -------------------------------------------------------- */

static int find_or_add(const char **list, int *n, int max, const char *s)
{
	for (int i = 0; i < *n; i++)
		if (strcmp(list[i], s) == 0)
			return i;
	if (*n >= max)
		return -1;
	list[*n] = s;
	return (*n)++;
}

static int style_of(const char *verdict)
{
	for (int i = 0; verdict_styles[i].verdict; i++)
		if (strcmp(verdict_styles[i].verdict, verdict) == 0)
			return i;
	return -1;
}

/* A column is a runner and its profile: "container/hardened", or "host". */
static void column_name(json_t *rec, char *buf, size_t sz)
{
	const char *runner = json_string_value(json_object_get(rec, "runner"));
	const char *profile = json_string_value(json_object_get(rec, "profile"));

	if (!profile || !*profile || strcmp(profile, "none") == 0)
		snprintf(buf, sz, "%s", runner);
	else
		snprintf(buf, sz, "%s/%s", runner, profile);
}

static int plot_matrix(const struct results *res, const char *dir, bench_error *err)
{
	json_t *list = json_object_get(res->extra, "isolation"), *rec;
	static char colnames[ISO_PLOT_MAX_COLS][48];
	const char *cols[ISO_PLOT_MAX_COLS], *rows[ISO_PLOT_MAX_ROWS];
	signed char cell[ISO_PLOT_MAX_ROWS][ISO_PLOT_MAX_COLS];
	char path[PATH_MAX], title[200], caption[300], xtics[2048] = "", ytics[4096] = "", vars[8192] = "";
	int ncols = 0, nrows = 0;
	size_t i;
	FILE *f;

	if (!json_is_array(list) || json_array_size(list) == 0)
		return PLOT_NOTHING;
	memset(cell, -1, sizeof(cell));
	json_array_foreach(list, i, rec) {
		const char *channel = json_string_value(json_object_get(rec, "channel"));
		const char *verdict = json_string_value(json_object_get(rec, "verdict"));
		char name[48];
		int c = -1, r, v;

		if (!channel || !verdict || !json_string_value(json_object_get(rec, "runner")))
			return bench_fail(err, 0, "isolation record %zu lacks runner, channel or verdict", i);
		v = style_of(verdict);
		if (v < 0)
			return bench_fail(err, 0, "isolation record %zu: unknown verdict '%.40s'", i, verdict);
		column_name(rec, name, sizeof(name));
		for (int k = 0; k < ncols; k++)
			if (strcmp(colnames[k], name) == 0)
				c = k;
		if (c < 0 && ncols < ISO_PLOT_MAX_COLS) {
			c = ncols++;
			snprintf(colnames[c], sizeof(colnames[c]), "%s", name);
			cols[c] = colnames[c];
		}
		r = find_or_add(rows, &nrows, ISO_PLOT_MAX_ROWS, channel);
		if (c < 0 || r < 0)
			return bench_fail(err, 0, "isolation: more than %d runners or %d channels to plot",
					  ISO_PLOT_MAX_COLS, ISO_PLOT_MAX_ROWS);
		cell[r][c] = (signed char)v;
	}

	f = plot_data_open(dir, "isolation-matrix.dat", path, sizeof(path), err);
	if (!f)
		return -1;
	fputs("# column (runner/profile), row (channel, 1 = bottom), colour 0xRRGGBB, \"word\"\n", f);
	for (int r = 0; r < nrows; r++)
		for (int c = 0; c < ncols; c++) {
			int v = cell[r][c] >= 0 ? cell[r][c] : (int)(sizeof(verdict_styles) / sizeof(verdict_styles[0])) - 1;

			fprintf(f, "%d\t%d\t%u\t\"%s\"\n", c + 1, nrows - r, verdict_styles[v].rgb,
				verdict_styles[v].word);
		}
	if (plot_data_close(f, path, err) < 0)
		return -1;

	for (int c = 0; c < ncols; c++)
		add_tic(xtics, sizeof(xtics), cols[c], c + 1);
	for (int r = 0; r < nrows; r++)
		add_tic(ytics, sizeof(ytics), LABEL(channel_labels, rows[r]), nrows - r);
	plot_title(res, title, sizeof(title));
	host_caption(res, caption, sizeof(caption));
	if (plot_var_string(vars, sizeof(vars), "plottitle", title) < 0 ||
	    plot_var_string(vars, sizeof(vars), "caption1",
			    "each cell: what the workload saw of that channel; the evidence (both values) is in "
			    "isolation.md and results.json") < 0 ||
	    plot_var_string(vars, sizeof(vars), "caption2", caption) < 0 ||
	    plot_var_string(vars, sizeof(vars), "xticlist", xtics) < 0 ||
	    plot_var_string(vars, sizeof(vars), "yticlist", ytics) < 0)
		return bench_fail(err, 0, "the isolation plot's labels do not fit in %zu bytes", sizeof(vars));
	snprintf(vars + strlen(vars), sizeof(vars) - strlen(vars), "ncols=%d;nrows=%d;", ncols, nrows);
	return plot_render("isolation", dir, vars, err);
}

/* ---- the slowdown bars --------------------------------------------------- */

/* noisy.<victim>.<aggressor>: splits the metric; 0 when it is not one (or
 * is the victim's rate alone). */
static int noisy_parts(const char *metric, char *victim, char *aggressor, size_t sz)
{
	const char *dot;

	if (strncmp(metric, "noisy.", 6) != 0)
		return 0;
	metric += 6;
	dot = strchr(metric, '.');
	if (!dot || dot == metric || !dot[1] || strcmp(dot + 1, "alone") == 0 || (size_t)(dot - metric) >= sz ||
	    strlen(dot + 1) >= sz)
		return 0;
	snprintf(victim, sz, "%.*s", (int)(dot - metric), metric);
	snprintf(aggressor, sz, "%s", dot + 1);
	return 1;
}

/* Every distinct name among the noisy series, in order of appearance. */
struct noisy_axes {
	char runners[ISO_PLOT_MAX_RUNNERS][32];
	char victims[ISO_PLOT_MAX_KINDS][24], aggressors[ISO_PLOT_MAX_KINDS][24];
	int nrunners, nvictims, naggressors;
	size_t windows;   /* the most windows of any series */
	double lo, hi;    /* the y range the bars and whiskers need */
};

static int index_in(char (*names)[24], int *n, const char *name)
{
	for (int i = 0; i < *n; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	if (*n >= ISO_PLOT_MAX_KINDS)
		return -1;
	snprintf(names[*n], sizeof(names[0]), "%s", name);
	return (*n)++;
}

static int runner_index(struct noisy_axes *ax, const char *runner)
{
	for (int i = 0; i < ax->nrunners; i++)
		if (strcmp(ax->runners[i], runner) == 0)
			return i;
	if (ax->nrunners >= ISO_PLOT_MAX_RUNNERS)
		return -1;
	plot_plain_name(ax->runners[ax->nrunners], sizeof(ax->runners[0]), runner);
	return ax->nrunners++;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void collect_axes(const struct results *res, struct noisy_axes *ax)
{
	char victim[24], aggressor[24];

	memset(ax, 0, sizeof(*ax));
	for (size_t i = 0; i < res->nseries; i++) {
		const struct series *s = &res->series[i];

		if (s->n == 0 || !noisy_parts(s->metric, victim, aggressor, sizeof(victim)))
			continue;
		if (runner_index(ax, s->runner) < 0 || index_in(ax->victims, &ax->nvictims, victim) < 0 ||
		    index_in(ax->aggressors, &ax->naggressors, aggressor) < 0)
			continue;
		if (s->n > ax->windows)
			ax->windows = s->n;
	}
}

/* noisy-<victim>.dat: per aggressor and runner, the x of the bar, the
 * median slowdown and the lowest and highest window. */
static int write_noisy_data(const struct results *res, const char *dir, struct noisy_axes *ax, int v,
			    bench_error *err)
{
	char name[48], file[64], path[PATH_MAX], victim[24], aggressor[24], plain[24];
	double width = 0.8 / ax->nrunners;
	FILE *f;

	plot_plain_name(plain, sizeof(plain), ax->victims[v]);
	snprintf(file, sizeof(file), "noisy-%s.dat", plain);
	f = plot_data_open(dir, file, path, sizeof(path), err);
	if (!f)
		return -1;
	fprintf(f, "# victim %s: x, runner (1..), median, lowest, highest slowdown (%%), windows, aggressor\n",
		plain);
	for (size_t i = 0; i < res->nseries; i++) {
		const struct series *s = &res->series[i];
		double *sorted, med;
		int r, a;

		if (s->n == 0 || !noisy_parts(s->metric, victim, aggressor, sizeof(victim)) ||
		    strcmp(victim, ax->victims[v]) != 0)
			continue;
		plot_plain_name(name, sizeof(name), s->runner);
		r = runner_index(ax, s->runner);
		a = index_in(ax->aggressors, &ax->naggressors, aggressor);
		if (r < 0 || a < 0)
			continue;
		sorted = malloc(s->n * sizeof(*sorted));
		if (!sorted) {
			fclose(f);
			return bench_fail(err, 0, "isolation plot: out of memory");
		}
		memcpy(sorted, s->v, s->n * sizeof(*sorted));
		qsort(sorted, s->n, sizeof(*sorted), cmp_double);
		med = stats_percentile(sorted, s->n, 50.0);
		plot_plain_name(plain, sizeof(plain), aggressor);
		fprintf(f, "%.6g\t%d\t%.6g\t%.6g\t%.6g\t%zu\t%s\n",
			a + 1 + (r - (ax->nrunners - 1) / 2.0) * width, r + 1, med, sorted[0], sorted[s->n - 1],
			s->n, plain);
		ax->lo = sorted[0] < ax->lo ? sorted[0] : ax->lo;
		ax->hi = sorted[s->n - 1] > ax->hi ? sorted[s->n - 1] : ax->hi;
		free(sorted);
	}
	return plot_data_close(f, path, err);
}

static int plot_noisy(const struct results *res, const char *dir, bench_error *err)
{
	struct noisy_axes ax;
	char title[200], caption[200], host[300], xtics[1024] = "", runners[ISO_PLOT_MAX_RUNNERS * 33] = "",
									victims[256] = "", vars[8192] = "";
	int bad = 0; /* a label that did not fit */

	collect_axes(res, &ax);
	if (ax.nrunners == 0)
		return PLOT_NOTHING;
	for (int v = 0; v < ax.nvictims; v++) {
		char name[48];

		if (write_noisy_data(res, dir, &ax, v, err) < 0)
			return -1;
		plot_plain_name(name, sizeof(name), ax.victims[v]);
		snprintf(victims + strlen(victims), sizeof(victims) - strlen(victims), "%s%s", v ? " " : "", name);
		snprintf(name, sizeof(name), "vtitle%d", v + 1);
		{
			char t[64];

			safe_label(t, sizeof(t), LABEL(victim_titles, ax.victims[v]));
			bad |= plot_var_string(vars, sizeof(vars), name, t);
		}
	}
	for (int a = 0; a < ax.naggressors; a++)
		add_tic(xtics, sizeof(xtics), LABEL(aggressor_labels, ax.aggressors[a]), a + 1);
	for (int r = 0; r < ax.nrunners; r++) {
		char name[16], key[48], raw[64];

		snprintf(runners + strlen(runners), sizeof(runners) - strlen(runners), "%s%s", r ? " " : "",
			 ax.runners[r]);
		snprintf(name, sizeof(name), "rkey%d", r + 1);
		runner_key(res, ax.runners[r], raw, sizeof(raw));
		safe_label(key, sizeof(key), raw);
		bad |= plot_var_string(vars, sizeof(vars), name, key);
	}
	/* Room above the highest whisker for the key, and zero always shown. */
	ax.hi = ax.hi > 0.0 ? ax.hi : 1.0;
	ax.lo = ax.lo < 0.0 ? ax.lo - 0.05 * (ax.hi - ax.lo) : 0.0;
	ax.hi += 0.12 * (ax.hi - ax.lo);

	plot_title(res, title, sizeof(title));
	host_caption(res, host, sizeof(host));
	snprintf(caption, sizeof(caption), "bars: median of %zu windows; whiskers: the lowest and highest window; "
		 "no bar: not measured (see the notes in summary.md)", ax.windows);
	bad |= plot_var_string(vars, sizeof(vars), "plottitle", title);
	bad |= plot_var_string(vars, sizeof(vars), "caption1",
			       "slowdown = 1 - (the victim's rate beside the aggressor / its median rate alone), "
			       "victim and aggressor on the same CPUs");
	bad |= plot_var_string(vars, sizeof(vars), "caption2", caption);
	bad |= plot_var_string(vars, sizeof(vars), "caption3", host);
	bad |= plot_var_string(vars, sizeof(vars), "runners", runners);
	bad |= plot_var_string(vars, sizeof(vars), "victims", victims);
	bad |= plot_var_string(vars, sizeof(vars), "xticlist", xtics);
	if (bad)
		return bench_fail(err, 0, "the isolation plot's labels do not fit in %zu bytes", sizeof(vars));
	snprintf(vars + strlen(vars), sizeof(vars) - strlen(vars), "naggr=%d;ylo=%.6g;yhi=%.6g;barwidth=%.6g;",
		 ax.naggressors, ax.lo, ax.hi, 0.8 / ax.nrunners);
	return plot_render("isolation_noisy", dir, vars, err);
}

/* Draws what the results hold: PLOT_NOTHING only when they hold neither a
 * matrix nor a slowdown. */
int plot_isolation(const struct results *res, const char *dir, bench_error *err)
{
	int matrix = plot_matrix(res, dir, err), noisy;

	if (matrix < 0)
		return bench_error_prefix(err, "the isolation heatmap");
	noisy = plot_noisy(res, dir, err);
	if (noisy < 0)
		return bench_error_prefix(err, "the noisy-neighbour plot");
	if (matrix == PLOT_NO_GNUPLOT || noisy == PLOT_NO_GNUPLOT)
		return PLOT_NO_GNUPLOT;
	return matrix == PLOT_DRAWN || noisy == PLOT_DRAWN ? PLOT_DRAWN : PLOT_NOTHING;
}
