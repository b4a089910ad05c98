/* Drawing a run with gnuplot: the data files a template reads, finding the
 * template and gnuplot, and running it (fork/exec, never a shell). */
#include "plot.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define MAX_RUNNERS 16
#define MAX_PHASES 16
/* Segments thinner than this (%) are left unlabelled: text would overflow. */
#define LABEL_MIN_SHARE 7.0
/* Runners further apart than this get a log axis, or the fast ones vanish. */
#define LOG_RATIO 20.0

bool plot_supported(const char *template_name)
{
	return strcmp(template_name, "startup") == 0;
}

/* ---- finding things ----------------------------------------------------- */

static int is_readable_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, R_OK) == 0;
}

int plot_find_template(const char *template_name, char *path, size_t pathsz, bench_error *err)
{
	char exe[PATH_MAX], dirs[4][PATH_MAX + 32];
	const char *env = getenv("BENCH_PLOTS_DIR");
	ssize_t len;
	int ndirs = 0;

	if (env && *env)
		snprintf(dirs[ndirs++], sizeof(dirs[0]), "%s", env);
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len > 0) {
		char *slash;

		exe[len] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(dirs[ndirs++], sizeof(dirs[0]), "%s/../plots", exe);
			snprintf(dirs[ndirs++], sizeof(dirs[0]), "%s/../share/bench/plots", exe);
		}
	}
#ifdef BENCH_TEST_ROOT
	snprintf(dirs[ndirs++], sizeof(dirs[0]), "%s/plots", BENCH_TEST_ROOT);
#endif
	for (int i = 0; i < ndirs; i++) {
		int n = snprintf(path, pathsz, "%s/%s.gp", dirs[i], template_name);

		if (n > 0 && (size_t)n < pathsz && is_readable_file(path))
			return 0;
	}
	return bench_fail(err, 0,
			  "plot template %s.gp not found (looked in $BENCH_PLOTS_DIR, "
			  "<bench dir>/../plots, <bench dir>/../share/bench/plots)",
			  template_name);
}

/* gnuplot on PATH, as execvp would find it; 0 when there is none. */
static int find_gnuplot(char *path, size_t pathsz)
{
	const char *p = getenv("PATH");

	if (!p || !*p)
		p = "/usr/local/bin:/usr/bin:/bin";
	while (*p) {
		const char *end = strchr(p, ':');
		size_t dlen = end ? (size_t)(end - p) : strlen(p);
		int n = dlen ? snprintf(path, pathsz, "%.*s/gnuplot", (int)dlen, p)
			     : snprintf(path, pathsz, "./gnuplot");
		struct stat st;

		if (n > 0 && (size_t)n < pathsz && stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(path, X_OK) == 0)
			return 1;
		p += dlen;
		if (*p == ':')
			p++;
	}
	return 0;
}

/* ---- data files --------------------------------------------------------- */

static int unit_to_ms(const char *unit, double *factor, bench_error *err)
{
	static const struct {
		const char *unit;
		double factor;
	} units[] = { { "ns", 1e-6 }, { "us", 1e-3 }, { "ms", 1.0 }, { "s", 1e3 } };

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(unit, units[i].unit) == 0) {
			*factor = units[i].factor;
			return 0;
		}
	return bench_fail(err, 0, "cannot plot samples in unit '%s'", unit);
}

/* A duration for a label, about three significant digits. */
static void fmt_ms(char *buf, size_t sz, double ms)
{
	if (ms >= 10000.0)
		snprintf(buf, sz, "%.1f s", ms / 1000.0);
	else if (ms >= 1000.0)
		snprintf(buf, sz, "%.2f s", ms / 1000.0);
	else if (ms >= 100.0)
		snprintf(buf, sz, "%.0f ms", ms);
	else if (ms >= 10.0)
		snprintf(buf, sz, "%.1f ms", ms);
	else if (ms >= 1.0)
		snprintf(buf, sz, "%.2f ms", ms);
	else
		snprintf(buf, sz, "%.3f ms", ms);
}

/* Names go into file names and gnuplot word lists and quoted strings:
 * anything but [A-Za-z0-9._-] becomes '_'. */
static void plain_name(char *dst, size_t sz, const char *src)
{
	size_t i = 0;

	for (; src[i] && i + 1 < sz; i++) {
		char c = src[i];

		dst[i] = ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			  c == '.' || c == '-' || c == '_')
				 ? c
				 : '_';
	}
	dst[i] = '\0';
}

static FILE *open_data(const char *dir, const char *name, char *path, size_t pathsz,
		       bench_error *err)
{
	int n = snprintf(path, pathsz, "%s/%s", dir, name);
	FILE *f;

	if (n < 0 || (size_t)n >= pathsz) {
		bench_fail(err, ENAMETOOLONG, "%s/%s", dir, name);
		return NULL;
	}
	f = fopen(path, "w");
	if (!f)
		bench_fail(err, errno, "%s", path);
	else
		errno = 0;
	return f;
}

static int close_data(FILE *f, const char *path, bench_error *err)
{
	int failed = ferror(f), e = errno;

	if (fclose(f) != 0 && !failed) {
		failed = 1;
		e = errno;
	}
	return failed ? bench_fail(err, e ? e : EIO, "writing %s", path) : 0;
}

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

	if (unit_to_ms(s->unit, &f, err) < 0)
		return -1;
	stats_compute(s->v, s->n, &st);
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

	sum = open_data(dir, "summary.dat", path, sizeof(path), err);
	if (!sum)
		return -1;
	fputs("# index\tmedian_ms\tmax_ms\tlabel\n", sum);
	for (int i = 0; i < nready; i++) {
		const struct series *s = ready[i];
		char dpath[PATH_MAX];
		double f, med, mx = 0.0;
		FILE *d;

		if (unit_to_ms(s->unit, &f, err) < 0 || median_ms(s, &med, err) < 0)
			goto fail;
		plain_name(name, sizeof(name), s->runner);
		snprintf(file, sizeof(file), "ready-%s.dat", name);
		d = open_data(dir, file, dpath, sizeof(dpath), err);
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
		if (close_data(d, dpath, err) < 0)
			goto fail;
		fmt_ms(label, sizeof(label), med);
		fprintf(sum, "%d\t%.9g\t%.9g\t\"%s\"\n", i + 1, med, mx, label);
		snprintf(sp->runners + strlen(sp->runners), sizeof(sp->runners) - strlen(sp->runners),
			 "%s%s", i ? " " : "", name);
		if (s->n != n0)
			same_n = 0;
	}
	if (close_data(sum, path, err) < 0)
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

	f = open_data(dir, "phases.dat", path, sizeof(path), err);
	if (!f)
		return -1;
	l = open_data(dir, "phases-labels.dat", lpath, sizeof(lpath), err);
	if (!l) {
		fclose(f);
		return -1;
	}
	fputs("# each runner's median per phase, as % of its median launch to READY\nrunner", f);
	for (int k = 0; k < nphases; k++) {
		plain_name(name, sizeof(name), phases[k] + 6);
		fprintf(f, "\t\"%s\"", name);
	}
	fputs(other ? "\t\"other\"\n" : "\n", f);
	fputs("# x\ty\tmedian\n", l);
	for (int r = 0; r < nready; r++) {
		double y = 0.0;

		plain_name(name, sizeof(name), ready[r]->runner);
		fprintf(f, "%s", name);
		for (int k = 0; k < nphases + other; k++) {
			double share = total[r] > 0.0 ? 100.0 * ms[r][k] / total[r] : 0.0;

			fprintf(f, "\t%.6g", share);
			if (share >= LABEL_MIN_SHARE) {
				fmt_ms(label, sizeof(label), ms[r][k]);
				fprintf(l, "%d\t%.6g\t\"%s\"\n", r, y + share / 2.0, label);
			}
			y += share;
		}
		fputc('\n', f);
	}
	if (close_data(l, lpath, err) < 0) {
		fclose(f);
		return -1;
	}
	if (close_data(f, path, err) < 0)
		return -1;
	sp->nphases = nphases + other;
	sp->other = other;
	return 0;
}

/* ---- running gnuplot ---------------------------------------------------- */

/* Appends name='value' to buf as a gnuplot single-quoted string, in which
 * a quote is written twice and nothing else is special. */
static void gp_string(char *buf, size_t sz, const char *name, const char *value)
{
	size_t len = strlen(buf);

	len += (size_t)snprintf(buf + len, len < sz ? sz - len : 0, "%s='", name);
	for (; *value && len + 3 < sz; value++) {
		if (*value == '\'')
			buf[len++] = '\'';
		buf[len++] = *value == '\n' ? ' ' : *value;
	}
	if (len + 3 < sz) {
		buf[len++] = '\'';
		buf[len++] = ';';
	}
	buf[len] = '\0';
}

/* The last non-empty line of the log, for the error message. */
static void last_line(const char *path, char *out, size_t sz)
{
	char line[256];
	FILE *f = fopen(path, "r");

	out[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[strspn(line, " \t^")])
			snprintf(out, sz, "%s", line + strspn(line, " \t"));
	}
	fclose(f);
}

static int run_gnuplot(const char *gnuplot, const char *template_path, const char *vars,
		       const char *log, bench_error *err)
{
	char *argv[] = { (char *)"gnuplot", (char *)"--default-settings", (char *)"-e",
			 (char *)vars, (char *)template_path, NULL };
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int rc, status;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
	rc = posix_spawn(&pid, gnuplot, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		return bench_fail(err, rc, "running %s", gnuplot);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return bench_fail(err, errno, "waiting for gnuplot");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char why[200];

		last_line(log, why, sizeof(why));
		return bench_fail(err, 0, "gnuplot failed on %s (%s %d): %s; output in %s",
				  template_path, WIFEXITED(status) ? "exit" : "signal",
				  WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
				  why[0] ? why : "no message", log);
	}
	return 0;
}

static void plot_title(const struct results *res, char *buf, size_t sz)
{
	const char *host = json_string_value(json_object_get(res->meta, "hostname"));
	const char *accel = json_string_value(json_object_get(res->meta, "accel"));
	int n = snprintf(buf, sz, "bench %s on %s", res->benchmark, host ? host : "unknown host");

	if (accel && n > 0 && (size_t)n < sz)
		snprintf(buf + n, sz - (size_t)n, " (VM accel: %s)", accel);
}

int plot_draw(const char *template_name, const struct results *res, const char *dir,
	      bench_error *err)
{
	const struct series *ready[MAX_RUNNERS];
	char gnuplot[PATH_MAX], template_path[PATH_MAX], log[PATH_MAX], out[PATH_MAX];
	char title[200], base[4096];
	static const char *const terms[][2] = { { "pngcairo", "png" }, { "svg", "svg" } };
	struct startup_plot sp;
	int nready = 0;

	if (!plot_supported(template_name))
		return bench_fail(err, 0, "no plot named '%s'", template_name);
	if (strchr(dir, '\n'))
		return bench_fail(err, 0, "cannot plot into a folder whose name holds a newline");
	for (size_t i = 0; i < res->nseries && nready < MAX_RUNNERS; i++)
		if (strcmp(res->series[i].metric, "ready") == 0 && res->series[i].n > 0)
			ready[nready++] = &res->series[i];
	if (nready == 0)
		return PLOT_NOTHING;

	memset(&sp, 0, sizeof(sp));
	if (write_ready(dir, ready, nready, &sp, err) < 0 ||
	    write_phases(res, dir, ready, nready, &sp, err) < 0)
		return bench_error_prefix(err, "writing the data of plot %s", template_name);

	if (!find_gnuplot(gnuplot, sizeof(gnuplot)))
		return PLOT_NO_GNUPLOT;
	if (plot_find_template(template_name, template_path, sizeof(template_path), err) < 0)
		return -1;

	plot_title(res, title, sizeof(title));
	base[0] = '\0';
	gp_string(base, sizeof(base), "datadir", dir);
	gp_string(base, sizeof(base), "runners", sp.runners);
	gp_string(base, sizeof(base), "plottitle", title);
	gp_string(base, sizeof(base), "caption", sp.caption);
	snprintf(base + strlen(base), sizeof(base) - strlen(base),
		 "nphases=%d;other=%d;logy=%d;ylo=%.9g;yhi=%.9g;", sp.nphases, sp.other, sp.logy,
		 sp.ylo, sp.yhi);

	snprintf(log, sizeof(log), "%s/gnuplot.log", dir);
	unlink(log);
	for (size_t t = 0; t < sizeof(terms) / sizeof(terms[0]); t++) {
		char vars[sizeof(base) + PATH_MAX + 64];

		snprintf(out, sizeof(out), "%s/%s.%s", dir, template_name, terms[t][1]);
		snprintf(vars, sizeof(vars), "%s", base);
		gp_string(vars, sizeof(vars), "term", terms[t][0]);
		gp_string(vars, sizeof(vars), "outfile", out);
		if (run_gnuplot(gnuplot, template_path, vars, log, err) < 0)
			return -1;
	}
	/* A clean run leaves no log; warnings are kept for whoever looks. */
	{
		struct stat st;

		if (stat(log, &st) == 0 && st.st_size == 0)
			unlink(log);
	}
	return PLOT_DRAWN;
}
