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

int plot_unit_to_ms(const char *unit, double *factor, bench_error *err)
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
void plot_fmt_ms(char *buf, size_t sz, double ms)
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
void plot_plain_name(char *dst, size_t sz, const char *src)
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

FILE *plot_data_open(const char *dir, const char *name, char *path, size_t pathsz,
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

int plot_data_close(FILE *f, const char *path, bench_error *err)
{
	int failed = ferror(f), e = errno;

	if (fclose(f) != 0 && !failed) {
		failed = 1;
		e = errno;
	}
	return failed ? bench_fail(err, e ? e : EIO, "writing %s", path) : 0;
}

/* ---- running gnuplot ---------------------------------------------------- */

/* Appends name='value' to buf as a gnuplot single-quoted string, in which
 * a quote is written twice and nothing else is special. */
void plot_var_string(char *buf, size_t sz, const char *name, const char *value)
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

void plot_title(const struct results *res, char *buf, size_t sz)
{
	const char *host = json_string_value(json_object_get(res->meta, "hostname"));
	const char *accel = json_string_value(json_object_get(res->meta, "accel"));
	int n = snprintf(buf, sz, "bench %s on %s", res->benchmark, host ? host : "unknown host");

	if (accel && n > 0 && (size_t)n < sz)
		snprintf(buf + n, sz - (size_t)n, " (VM accel: %s)", accel);
}

int plot_render(const char *template_name, const char *dir, const char *vars, bench_error *err)
{
	char gnuplot[PATH_MAX], template_path[PATH_MAX], log[PATH_MAX], out[PATH_MAX];
	static const char *const terms[][2] = { { "pngcairo", "png" }, { "svg", "svg" } };

	if (!find_gnuplot(gnuplot, sizeof(gnuplot)))
		return PLOT_NO_GNUPLOT;
	if (plot_find_template(template_name, template_path, sizeof(template_path), err) < 0)
		return -1;
	/* plot_draw empties the log once, so that every template a
	 * benchmark renders can add to it. */
	snprintf(log, sizeof(log), "%s/gnuplot.log", dir);
	for (size_t t = 0; t < sizeof(terms) / sizeof(terms[0]); t++) {
		size_t vlen = strlen(vars) + PATH_MAX + 64;
		char *all = malloc(vlen);

		if (!all)
			return bench_fail(err, errno, "plot: malloc");
		snprintf(out, sizeof(out), "%s/%s.%s", dir, template_name, terms[t][1]);
		snprintf(all, vlen, "%s", vars);
		plot_var_string(all, vlen, "term", terms[t][0]);
		plot_var_string(all, vlen, "outfile", out);
		if (run_gnuplot(gnuplot, template_path, all, log, err) < 0) {
			free(all);
			return -1;
		}
		free(all);
	}
	return PLOT_DRAWN;
}

int plot_draw(const struct benchmark *b, const struct results *res, const char *dir, bench_error *err)
{
	char log[PATH_MAX];
	struct stat st;
	int rc;

	if (strchr(dir, '\n') || strchr(dir, '\''))
		return bench_fail(err, 0, "cannot plot into a folder whose name holds a newline or a quote");
	if (!b->plot)
		return bench_fail(err, 0, "no plot named '%s'", b->name);
	snprintf(log, sizeof(log), "%s/gnuplot.log", dir);
	unlink(log);
	rc = b->plot(res, dir, err);
	/* A clean run leaves no log; warnings are kept for whoever
	 * looks. */
	if (stat(log, &st) == 0 && st.st_size == 0)
		unlink(log);
	return rc;
}
