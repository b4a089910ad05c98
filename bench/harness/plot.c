/* Drawing a run with gnuplot: the data files a template reads, finding the
 * template and gnuplot, and running it (fork/exec, never a shell). */
#include "plot.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../lib/interrupt.h"
#include "plot_files.h"

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

/* ---- running gnuplot ---------------------------------------------------- */

/* Appends name='value'; to buf as a gnuplot single-quoted string, in which
 * a quote is written twice and nothing else is special.  All of it or
 * nothing: -1, buf unchanged, when it does not fit. */
int plot_var_string(char *buf, size_t sz, const char *name, const char *value)
{
	size_t len = strnlen(buf, sz), need = strlen(name) + 4; /* ='';  */

	for (const char *v = value; *v; v++)
		need += *v == '\'' ? 2 : 1;
	if (len >= sz || need >= sz - len) /* and the '\0' */
		return -1;
	len += (size_t)sprintf(buf + len, "%s='", name);
	for (; *value; value++) {
		if (*value == '\'')
			buf[len++] = '\'';
		buf[len++] = *value == '\n' ? ' ' : *value;
	}
	buf[len++] = '\'';
	buf[len++] = ';';
	buf[len] = '\0';
	return 0;
}

/* The last non-empty line of gnuplot's log, for the error message. */
static void last_line(int logfd, char *out, size_t sz)
{
	char line[256];
	int fd = dup(logfd);
	FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;

	out[0] = '\0';
	if (!f) {
		if (fd >= 0)
			close(fd);
		return;
	}
	rewind(f);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[strspn(line, " \t^")])
			snprintf(out, sz, "%s", line + strspn(line, " \t"));
	}
	fclose(f);
}

/* Waits for gnuplot.  Ctrl-C (the harness's flag, lib/interrupt.h) while
 * it draws ends it and is an interruption: exit 130, not a plot that
 * failed or, worse, a run that went on as if nothing had been pressed. */
static int wait_gnuplot(pid_t pid, int *status, bench_error *err)
{
	while (waitpid(pid, status, 0) < 0) {
		if (errno != EINTR)
			return bench_fail(err, errno, "waiting for gnuplot");
		if (bench_interrupted) {
			kill(-pid, SIGKILL); /* its process group: a wrapper's children too */
			while (waitpid(pid, status, 0) < 0 && errno == EINTR)
				;
			return interrupt_check(err);
		}
	}
	if (WIFSIGNALED(*status) && bench_interrupted &&
	    (WTERMSIG(*status) == SIGINT || WTERMSIG(*status) == SIGTERM || WTERMSIG(*status) == SIGHUP))
		return interrupt_check(err);
	return 0;
}

/* Runs gnuplot in the stage folder, stdin and stdout /dev/null, stderr
 * into the log, in a process group of its own (so that it can be ended
 * whole); no shell. */
static int run_gnuplot(const char *gnuplot, const char *template_path, const char *vars,
		       const struct plot_stage *st, int logfd, const char *log, bench_error *err)
{
	char *argv[] = { (char *)"gnuplot", (char *)"--default-settings", (char *)"-e",
			 (char *)vars, (char *)template_path, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	pid_t pid;
	int rc, status;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, logfd, 2);
	posix_spawn_file_actions_addfchdir_np(&fa, st->fd);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&attr, 0);
	rc = posix_spawn(&pid, gnuplot, &fa, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		return bench_fail(err, rc, "running %s", gnuplot);
	if (wait_gnuplot(pid, &status, err) < 0)
		return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char why[200];

		last_line(logfd, why, sizeof(why));
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

/* Draws the images in the stage folder, then moves them into the results
 * folder: gnuplot never opens a name in the results folder for writing. */
static int render_staged(const char *gnuplot, const char *template_path, const char *template_name,
			 const char *dir, const char *vars, bench_error *err)
{
	static const char *const terms[][2] = { { "pngcairo", "png" }, { "svg", "svg" } };
	size_t vlen = strlen(vars) + NAME_MAX + 96;
	char *all = malloc(vlen), log[PATH_MAX + 16], out[NAME_MAX + 1];
	struct plot_stage st;
	int logfd, rc = 0;

	if (!all)
		return bench_fail(err, errno, "plot: malloc");
	if (plot_stage_open(&st, dir, err) < 0) {
		free(all);
		return -1;
	}
	/* plot_draw empties the log once, so that every template a
	 * benchmark renders can add to it. */
	snprintf(log, sizeof(log), "%s/gnuplot.log", dir);
	logfd = openat(st.dirfd, "gnuplot.log", O_RDWR | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (logfd < 0)
		rc = bench_fail(err, errno, "%s", log);
	for (size_t t = 0; rc == 0 && t < sizeof(terms) / sizeof(terms[0]); t++) {
		snprintf(out, sizeof(out), "%s.%s", template_name, terms[t][1]);
		snprintf(all, vlen, "%s", vars);
		/* The data files are in the results folder, the stage's parent. */
		if (plot_var_string(all, vlen, "datadir", "..") < 0 ||
		    plot_var_string(all, vlen, "term", terms[t][0]) < 0 ||
		    plot_var_string(all, vlen, "outfile", out) < 0)
			rc = bench_fail(err, ENAMETOOLONG, "plot %s: its settings", template_name);
		else
			rc = run_gnuplot(gnuplot, template_path, all, &st, logfd, log, err);
	}
	for (size_t t = 0; rc == 0 && t < sizeof(terms) / sizeof(terms[0]); t++) {
		snprintf(out, sizeof(out), "%s.%s", template_name, terms[t][1]);
		rc = plot_stage_publish(&st, out, err);
	}
	if (logfd >= 0)
		close(logfd);
	plot_stage_close(&st);
	free(all);
	return rc;
}

int plot_render(const char *template_name, const char *dir, const char *vars, bench_error *err)
{
	char gnuplot[PATH_MAX], template_path[PATH_MAX];

	if (!find_gnuplot(gnuplot, sizeof(gnuplot)))
		return PLOT_NO_GNUPLOT;
	if (plot_find_template(template_name, template_path, sizeof(template_path), err) < 0)
		return -1;
	if (render_staged(gnuplot, template_path, template_name, dir, vars, err) < 0)
		return -1;
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
