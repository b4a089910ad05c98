/* Drawing plots from a results folder someone else may have made: names in
 * it that are symlinks are replaced, never written through; a long folder
 * path is a clean error; Ctrl-C while gnuplot runs is an interruption. */
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <sys/wait.h>

#include "../bench/harness/plot.h"
#include "cli_run.h"

#define GNUPLOT "/usr/bin/gnuplot"

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f, "%s", path);
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
}

/* A startup results folder as a run leaves it, without the plots. */
static void startup_results(const char *dir)
{
	char path[PATH_MAX];
	json_t *doc = json_pack("{s:s, s:{s:s}, s:[{s:s, s:s, s:s, s:[f, f, f]}, {s:s, s:s, s:s, s:[f, f, f]}]}",
				"benchmark", "startup", "meta", "hostname", "trust", "results", "runner", "host",
				"metric", "ready", "unit", "ms", "samples", 0.3, 0.25, 0.35, "runner", "host",
				"metric", "phase.exec", "unit", "ms", "samples", 0.2, 0.2, 0.2);

	cr_assert_not_null(doc);
	snprintf(path, sizeof(path), "%s/results.json", dir);
	cr_assert_eq(json_dump_file(doc, path, JSON_INDENT(1)), 0, "%s", path);
	json_decref(doc);
}

/* Entries of dir whose name starts with '.', other than . and .. */
static int hidden_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	cr_assert_not_null(d, "%s", dir);
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] == '.' && strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
	closedir(d);
	return n;
}

Test(plot_trust, symlinks_in_the_folder_are_replaced_not_followed)
{
	static const char *const names[] = { "ready-host.dat", "phases.dat", "summary.dat", "phases-labels.dat",
					     "startup.svg", "startup.png", "gnuplot.log" };
	char root[64], dir[128], outside[128], link[PATH_MAX], target[PATH_MAX];
	const char *args[] = { "plot", dir, NULL };
	struct cli_run r;

	if (access(GNUPLOT, X_OK) != 0)
		cr_skip_test("gnuplot is not installed: bench plot would draw nothing");
	temp_dir(root);
	snprintf(dir, sizeof(dir), "%s/results", root);
	snprintf(outside, sizeof(outside), "%s/outside", root);
	cr_assert_eq(mkdir(dir, 0755), 0);
	cr_assert_eq(mkdir(outside, 0755), 0);
	startup_results(dir);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(target, sizeof(target), "%s/%s", outside, names[i]);
		snprintf(link, sizeof(link), "%s/%s", dir, names[i]);
		write_text(target, "precious\n");
		cr_assert_eq(symlink(target, link), 0, "%s", link);
	}
	run_bench(&r, NULL, args);
	cr_expect_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct stat st;
		char *text;

		snprintf(target, sizeof(target), "%s/%s", outside, names[i]);
		snprintf(link, sizeof(link), "%s/%s", dir, names[i]);
		text = test_read_file(target, NULL);
		cr_expect_str_eq(text, "precious\n", "%s was written through a symlink", target);
		free(text);
		/* gnuplot.log is gone after a clean run; the rest are plain files. */
		if (lstat(link, &st) == 0)
			cr_expect(S_ISREG(st.st_mode), "%s is still not a regular file", link);
		else
			cr_expect_str_eq(names[i], "gnuplot.log", "%s is missing", link);
	}
	cr_expect_eq(hidden_entries(dir), 0, "temporary files left in %s", dir);
	nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Values that end near the end of the buffer, as a results folder path of
 * about 4000 characters does in the startup plot's 4096 bytes. */
Test(plot_trust, var_string_stays_inside_its_buffer)
{
	char value[4200];

	for (size_t vlen = 3900; vlen < sizeof(value) - 1; vlen += 7) {
		char *buf = malloc(4096); /* heap: ASan sees every byte past it */
		int rc;

		cr_assert_not_null(buf);
		memset(value, 'a', vlen);
		value[vlen] = '\0';
		value[vlen / 2] = '\''; /* doubled: one more byte */
		buf[0] = '\0';
		rc = plot_var_string(buf, 4096, "datadir", value);
		rc |= plot_var_string(buf, 4096, "runners", "host container vm");
		rc |= plot_var_string(buf, 4096, "plottitle", "bench startup on trust");
		cr_expect_lt(strlen(buf), (size_t)4096);
		cr_expect_eq(rc, vlen + 76 > 4096 ? -1 : 0, "length %zu: rc %d", vlen, rc);
		free(buf);
	}
	{
		char buf[64] = "";

		cr_expect_eq(plot_var_string(buf, sizeof(buf), "t", "it's"), 0);
		cr_expect_str_eq(buf, "t='it''s';");
		/* A value that does not fit leaves the buffer as it was. */
		cr_expect_eq(plot_var_string(buf, sizeof(buf), "long", "0123456789012345678901234567890123456789012345678"), -1);
		cr_expect_str_eq(buf, "t='it''s';");
	}
}

/* A results folder whose path is about 4000 characters long: drawn (the
 * path is not passed to gnuplot), not a sanitizer's report or gnuplot's
 * "undefined variable". */
Test(plot_trust, a_very_long_folder_path_is_drawn)
{
	char root[64], dir[4200], comp[201], png[4300];
	struct stat st;
	const char *args[] = { "plot", dir, NULL };
	struct cli_run r;

	if (access(GNUPLOT, X_OK) != 0)
		cr_skip_test("gnuplot is not installed: the plot would not be drawn");
	temp_dir(root);
	memset(comp, 'd', 200);
	comp[200] = '\0';
	snprintf(dir, sizeof(dir), "%s", root);
	while (strlen(dir) < 4000) {
		size_t len = strlen(dir), n = 4000 - len - 1 < 200 ? 4000 - len - 1 : 200;

		snprintf(dir + len, sizeof(dir) - len, "/%.*s", (int)n, comp);
		cr_assert_eq(mkdir(dir, 0755), 0, "%s", strerror(errno));
	}
	startup_results(dir);
	run_bench(&r, NULL, args);
	cr_expect_eq(r.status, 0, "exit %d: %.600s", r.status, r.err);
	cr_expect(!strstr(r.err, "AddressSanitizer"), "%.600s", r.err);
	snprintf(png, sizeof(png), "%s/startup.png", dir);
	cr_expect_eq(stat(png, &st), 0, "no plot drawn");
	nftw(root, rm_entry, 64, FTW_DEPTH | FTW_PHYS);
}

/* ---- Ctrl-C while gnuplot draws ----------------------------------------- */

/* A gnuplot that says when it started (its pid, in <bindir>/started) and
 * then takes its time: only a test fixture. */
static void slow_gnuplot(const char *bindir)
{
	char path[PATH_MAX], script[1024];

	snprintf(path, sizeof(path), "%.200s/gnuplot", bindir);
	snprintf(script, sizeof(script),
		 "#!/bin/sh\necho $$ > %s/started.tmp && mv %s/started.tmp %s/started\nsleep 10\nexec %s \"$@\"\n",
		 bindir, bindir, bindir, GNUPLOT);
	write_text(path, script);
	cr_assert_eq(chmod(path, 0755), 0);
}

/* Runs a short host startup with the slow gnuplot first on PATH, and sends
 * SIGINT once gnuplot started: to bench alone, or to its process group (as
 * Ctrl-C in a terminal does).  The exit status; the wrapper's pid in *gp. */
static int interrupt_while_plotting(const char *root, const char *bindir, bool group, pid_t *gp)
{
	const char *bin = getenv("BENCH_BIN");
	char started[PATH_MAX], path[PATH_MAX * 2];
	pid_t pid;
	int st;

	if (!bin || !getenv("BENCH_AGENT"))
		cr_skip_test("BENCH_BIN and BENCH_AGENT are not set (run through 'make test')");
	snprintf(started, sizeof(started), "%.200s/started", bindir);
	snprintf(path, sizeof(path), "%s:%s", bindir, getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		setpgid(0, 0);
		dup2(null, 1);
		dup2(null, 2);
		setenv("PATH", path, 1);
		execl(bin, bin, "run", "startup", "-r", "host", "-n", "3", "-w", "0", "-q", "-o", root, (char *)NULL);
		_exit(98);
	}
	setpgid(pid, pid);
	*gp = 0;
	for (int i = 0; i < 600 && access(started, F_OK) != 0; i++)
		usleep(50 * 1000);
	if (access(started, F_OK) == 0) {
		char *text = test_read_file(started, NULL);

		*gp = (pid_t)atoi(text);
		free(text);
		usleep(200 * 1000); /* the wrapper is in its sleep */
		kill(group ? -pid : pid, SIGINT);
	}
	waitpid(pid, &st, 0);
	cr_assert_neq(*gp, 0, "gnuplot never started");
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void expect_interrupted_with_data(bool group)
{
	char root[64], bindir[128], path[PATH_MAX];
	struct stat st;
	pid_t gp;
	int status;

	if (access(GNUPLOT, X_OK) != 0)
		cr_skip_test("gnuplot is not installed: no plot to interrupt");
	temp_dir(root);
	snprintf(bindir, sizeof(bindir), "%s/bin", root);
	cr_assert_eq(mkdir(bindir, 0755), 0);
	slow_gnuplot(bindir);
	status = interrupt_while_plotting(root, bindir, group, &gp);
	cr_expect_eq(status, 130, "exit %d after Ctrl-C during gnuplot", status);
	cr_expect(kill(gp, 0) < 0 && errno == ESRCH, "gnuplot (pid %d) was left running", (int)gp);
	snprintf(path, sizeof(path), "%s/latest/results.json", root);
	cr_expect_eq(stat(path, &st), 0, "the results were not kept");
	snprintf(path, sizeof(path), "%s/latest/ready-host.dat", root);
	cr_expect_eq(stat(path, &st), 0, "the plot's data was not kept");
	snprintf(path, sizeof(path), "%s/latest", root);
	cr_expect_eq(hidden_entries(path), 0, "temporary files left in %s", path);
	nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

Test(plot_trust, sigint_to_bench_while_gnuplot_runs_is_130, .timeout = 60)
{
	expect_interrupted_with_data(false);
}

Test(plot_trust, ctrl_c_to_the_group_while_gnuplot_runs_is_130, .timeout = 60)
{
	expect_interrupted_with_data(true);
}
