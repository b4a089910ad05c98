/* The results folder and its files, the plots, the metadata. */
#include <criterion/criterion.h>
#include <errno.h>
#include <ftw.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../bench/benchmarks.h"
#include "../bench/harness/meta.h"
#include "../bench/harness/plot.h"
#include "../bench/harness/results.h"
#include "../bench/harness/stats.h"
#include "../lib/sha256_file.h"

static char root[64];

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void make_root(void)
{
	snprintf(root, sizeof(root), "/tmp/bench-test-XXXXXX");
	cr_assert_not_null(mkdtemp(root));
}

static void remove_root(void)
{
	if (root[0])
		nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	root[0] = '\0';
}

/* A run like a real one: host ~0.3 ms, container ~2 ms, vm ~2.5 s, with
 * phases; values vary deterministically. */
static void fake_results(struct results *res, size_t n)
{
	static const struct {
		const char *runner;
		double ready;
		const char *phases[3];
		double share[3];
	} r[] = {
		{ "host", 0.3, { NULL }, { 0 } },
		{ "container", 2.0, { "phase.clone", "phase.cgroup", "phase.rootfs" }, { 0.2, 0.3, 0.35 } },
		{ "vm", 2500.0, { "phase.define", "phase.boot", NULL }, { 0.05, 0.85, 0 } },
	};
	bench_error err = { 0 };

	results_init(res, "startup");
	cr_assert_not_null(res->meta);
	json_object_set_new(res->meta, "hostname", json_string("testhost"));
	json_object_set_new(res->meta, "accel", json_string("kvm"));
	for (size_t k = 0; k < 3; k++) {
		struct series *ready = results_series(res, r[k].runner, "ready", "ms", &err);
		struct series *gone = results_series(res, r[k].runner, "gone", "ms", &err);

		cr_assert_not_null(ready, "%s", err.msg);
		cr_assert_not_null(gone, "%s", err.msg);
		for (size_t i = 0; i < n; i++) {
			double x = r[k].ready * (0.9 + 0.2 * (double)((i * 7) % 11) / 10.0);

			cr_assert_eq(series_add(ready, x, &err), 0, "%s", err.msg);
			cr_assert_eq(series_add(gone, x * 1.3, &err), 0, "%s", err.msg);
			for (int p = 0; p < 3 && r[k].phases[p]; p++) {
				struct series *ph = results_series(res, r[k].runner, r[k].phases[p],
								   "ms", &err);

				cr_assert_not_null(ph, "%s", err.msg);
				cr_assert_eq(series_add(ph, x * r[k].share[p], &err), 0, "%s", err.msg);
			}
		}
	}
}

static size_t count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t n = 0;
	int c;

	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

static off_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_size : -1;
}

Test(results, series_storage)
{
	struct results res;
	bench_error err = { 0 };
	struct series *a, *b;

	results_init(&res, "startup");
	a = results_series(&res, "host", "ready", "ms", &err);
	cr_assert_not_null(a);
	/* pointers stay valid however many series follow */
	for (int i = 0; i < 100; i++) {
		char metric[32];

		snprintf(metric, sizeof(metric), "phase.p%d", i);
		cr_assert_not_null(results_series(&res, "host", metric, "ms", &err));
	}
	cr_assert_eq(series_add(a, 1.5, &err), 0);
	b = results_series(&res, "host", "ready", "ms", &err);
	cr_assert_eq(a, b);
	cr_assert_eq(b->n, 1);
	cr_assert_eq(results_find(&res, "host", "ready"), a);
	cr_assert_null(results_find(&res, "vm", "ready"));
	cr_assert_eq(series_add(a, NAN, &err), -1);
	/* A sample whose square overflows would make the series unwritable
	 * (found by fuzz_results_load: -1e308 beside small samples). */
	cr_assert_eq(series_add(a, -1e308, &err), -1);
	cr_assert(strstr(err.msg, "beyond"), "%s", err.msg);
	cr_assert_eq(series_add(a, 1e101, &err), -1);
	cr_assert_eq(series_add(a, -1e100, &err), 0);
	cr_assert_eq(series_add(a, 1e100, &err), 0);
	{
		json_t *doc = results_to_json(&res);

		cr_assert_not_null(doc, "the largest samples allowed still export");
		json_decref(doc);
	}
	cr_assert_null(results_series(&res, "a-runner-name-that-is-far-too-long-to-fit", "ready",
				      "ms", &err));
	cr_assert(strstr(err.msg, "runner name"), "%s", err.msg);
	results_free(&res);
}

Test(results, json_round_trip)
{
	struct results res;
	json_t *doc, *list, *meta;
	json_error_t jerr;
	char path[PATH_MAX];
	bench_error err = { 0 };
	size_t i;
	json_t *item;

	make_root();
	fake_results(&res, 12);
	snprintf(path, sizeof(path), "%s/results.json", root);
	cr_assert_eq(results_write_json(&res, path, &err), 0, "%s", err.msg);
	doc = json_load_file(path, 0, &jerr);
	cr_assert_not_null(doc, "%s", jerr.text);
	cr_assert_str_eq(json_string_value(json_object_get(doc, "benchmark")), "startup");
	meta = json_object_get(doc, "meta");
	cr_assert(json_is_object(meta));
	cr_assert_str_eq(json_string_value(json_object_get(meta, "hostname")), "testhost");
	list = json_object_get(doc, "results");
	cr_assert_eq(json_array_size(list), res.nseries);
	json_array_foreach(list, i, item) {
		static const char *const keys[] = { "runner", "metric", "unit", "n", "min",
						    "median", "mean", "stddev", "p95", "p99",
						    "max", "ci95_lo", "ci95_hi", "outliers",
						    "samples" };
		static const char *const reals[] = { "min", "median", "mean", "stddev", "p95",
						     "p99", "max", "ci95_lo", "ci95_hi" };
		const struct series *s = &res.series[i];
		json_t *samples = json_object_get(item, "samples");

		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			cr_assert_not_null(json_object_get(item, keys[k]), "no key %s", keys[k]);
		for (size_t k = 0; k < sizeof(reals) / sizeof(reals[0]); k++)
			cr_assert(json_is_real(json_object_get(item, reals[k])), "%s not real",
				  reals[k]);
		cr_assert_eq(json_object_size(item), sizeof(keys) / sizeof(keys[0]));
		cr_assert_str_eq(json_string_value(json_object_get(item, "runner")), s->runner);
		cr_assert_str_eq(json_string_value(json_object_get(item, "metric")), s->metric);
		cr_assert_eq(json_integer_value(json_object_get(item, "n")), (json_int_t)s->n);
		cr_assert_eq(json_array_size(samples), s->n);
		for (size_t k = 0; k < s->n; k++)
			cr_assert_float_eq(json_real_value(json_array_get(samples, k)), s->v[k],
					   1e-12 * s->v[k]);
		{
			double mn = json_real_value(json_object_get(item, "min"));
			double md = json_real_value(json_object_get(item, "median"));
			double mx = json_real_value(json_object_get(item, "max"));

			cr_assert(mn <= md && md <= mx && mn < mx, "%g %g %g", mn, md, mx);
		}
	}
	json_decref(doc);

	/* without meta, "meta" is still an object */
	json_decref(res.meta);
	res.meta = NULL;
	doc = results_to_json(&res);
	cr_assert(json_is_object(json_object_get(doc, "meta")));
	json_decref(doc);
	results_free(&res);
	remove_root();
}

Test(results, csv_and_markdown)
{
	struct results res;
	char path[PATH_MAX], line[256];
	bench_error err = { 0 };
	size_t total = 0;
	FILE *f;

	make_root();
	fake_results(&res, 9);
	for (size_t i = 0; i < res.nseries; i++)
		total += res.series[i].n;
	snprintf(path, sizeof(path), "%s/samples.csv", root);
	cr_assert_eq(results_write_csv(&res, path, &err), 0, "%s", err.msg);
	cr_assert_eq(count_lines(path), total + 1);
	f = fopen(path, "r");
	cr_assert_not_null(f);
	cr_assert_not_null(fgets(line, sizeof(line), f));
	cr_assert_str_eq(line, "runner,metric,unit,index,value\n");
	cr_assert_not_null(fgets(line, sizeof(line), f));
	cr_assert(strncmp(line, "host,ready,ms,0,", 16) == 0, "%s", line);
	fclose(f);

	snprintf(path, sizeof(path), "%s/summary.md", root);
	/* A note may quote what a guest printed: it cannot become markup. */
	results_meta_note(res.meta, "the run stopped early: vm: no READY (the console's last line: '<b>x</b> [y](z)')");
	cr_assert_eq(results_write_markdown(&res, path, &err), 0, "%s", err.msg);
	{
		char text[16384];
		size_t n;

		f = fopen(path, "r");
		cr_assert_not_null(f);
		n = fread(text, 1, sizeof(text) - 1, f);
		text[n] = '\0';
		fclose(f);
		cr_assert(strstr(text, "| runner | metric | n | min | median | mean ± stddev |"));
		cr_assert(strstr(text, "| vm | ready | 9 |"), "%s", text);
		cr_assert(strstr(text, "## Metadata"));
		cr_assert(strstr(text, "- `hostname`: testhost"), "%s", text);
		cr_assert(strstr(text, "## Notes"), "%s", text);
		cr_assert_null(strstr(text, "<b>"), "a note's HTML reached summary.md: %s", text);
		cr_assert_null(strstr(text, "[y](z)"), "a note's link reached summary.md: %s", text);
		/* 9 < 5 is false: a clean fake run has no small-sample warning */
		cr_assert_null(strstr(text, "only 9 samples"));
	}
	results_free(&res);
	remove_root();
}

Test(results, print_summary)
{
	struct results res;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fake_results(&res, 10);
	results_print_summary(&res, f);
	fclose(f);
	cr_assert(strstr(buf, "container\n  ready    median "), "%s", buf);
	cr_assert(strstr(buf, "phases   median clone"), "%s", buf);
	cr_assert(strstr(buf, "host was fastest"), "%s", buf);
	free(buf);
	results_free(&res);
}

/* One run, one computation of each series' statistics: every file of the
 * results folder and the exports, the plots, the summary and the medians the
 * benchmarks and the report ask for all read the same one. */
Test(results, statistics_are_computed_once_per_series)
{
	static const char *const files[] = { "x.json", "x.csv", "x.md" };
	char dir[512], path[PATH_MAX], *buf = NULL;
	size_t len = 0, before, computed;
	bench_error err = { 0 };
	struct results res;
	FILE *f;

	make_root();
	fake_results(&res, 10);
	before = stats_compute_count();
	cr_assert_eq(results_folder_create(root, "startup", dir, sizeof(dir), &err), 0, "%s", err.msg);
	cr_assert_geq(results_save(&res, dir, &err), 0, "%s", err.msg);
	for (int pass = 0; pass < 2; pass++) {
		snprintf(path, sizeof(path), "%s/%s", root, files[0]);
		cr_assert_eq(results_write_json(&res, path, &err), 0, "%s", err.msg);
		snprintf(path, sizeof(path), "%s/%s", root, files[1]);
		cr_assert_eq(results_write_csv(&res, path, &err), 0, "%s", err.msg);
		snprintf(path, sizeof(path), "%s/%s", root, files[2]);
		cr_assert_eq(results_write_markdown(&res, path, &err), 0, "%s", err.msg);
		f = open_memstream(&buf, &len);
		results_print_summary(&res, f);
		fclose(f);
		free(buf);
		cr_assert(!isnan(results_median(&res, "vm", "ready")));
		cr_assert(!isnan(results_median(&res, "container", "phase.clone")));
	}
	computed = stats_compute_count() - before;
	cr_expect_eq(computed, res.nseries, "%zu series, statistics computed %zu times", res.nseries, computed);

	/* A sample added afterwards is not hidden by the kept statistics: that
	 * series, and only it, is computed again. */
	{
		struct series *s = results_series(&res, "host", "ready", "ms", &err);
		double old = results_median(&res, "host", "ready");

		for (int i = 0; i < 25; i++)
			cr_assert_eq(series_add(s, 1000.0, &err), 0, "%s", err.msg);
		cr_expect_eq(results_median(&res, "host", "ready"), 1000.0, "median still %g", old);
		cr_expect_eq(series_stats(s)->n, 35);
		cr_expect_eq(stats_compute_count() - before, res.nseries + 1);
	}
	results_free(&res);
	remove_root();
}

Test(results, folder_create)
{
	char dir1[PATH_MAX], dir2[PATH_MAX], latest[PATH_MAX], target[PATH_MAX], sub[128];
	bench_error err = { 0 };
	struct stat st;
	ssize_t n;

	make_root();
	snprintf(sub, sizeof(sub), "%s/a/b", root); /* mkdir -p */
	cr_assert_eq(results_folder_create(sub, "startup", dir1, sizeof(dir1), &err), 0, "%s",
		     err.msg);
	cr_assert_eq(stat(dir1, &st), 0);
	cr_assert(S_ISDIR(st.st_mode));
	cr_assert(strstr(dir1, "Z-startup"), "%s", dir1);
	cr_assert_eq(results_folder_create(sub, "startup", dir2, sizeof(dir2), &err), 0, "%s",
		     err.msg);
	cr_assert_str_neq(dir1, dir2);
	cr_assert_eq(stat(dir2, &st), 0);

	snprintf(latest, sizeof(latest), "%s/latest", sub);
	n = readlink(latest, target, sizeof(target) - 1);
	cr_assert(n > 0);
	target[n] = '\0';
	cr_assert_null(strchr(target, '/'), "not relative: %s", target);
	cr_assert_str_eq(target, strrchr(dir2, '/') + 1);
	/* no temporary links left behind */
	{
		char tmp[PATH_MAX];

		snprintf(tmp, sizeof(tmp), "%s/.latest.%ld", sub, (long)getpid());
		cr_assert_neq(lstat(tmp, &st), 0);
	}
	remove_root();
}

Test(results, save_writes_everything)
{
	static const char *const files[] = { "meta.json", "results.json", "samples.csv",
					     "summary.md" };
	char dir[512], path[PATH_MAX];
	bench_error err = { 0 };
	struct results res;
	json_error_t jerr;
	json_t *meta;

	make_root();
	fake_results(&res, 10);
	cr_assert_eq(results_folder_create(root, "startup", dir, sizeof(dir), &err), 0);
	cr_assert_geq(results_save(&res, dir, &err), 0, "%s", err.msg);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		cr_assert(file_size(path) > 0, "%s", path);
	}
	snprintf(path, sizeof(path), "%s/meta.json", dir);
	meta = json_load_file(path, 0, &jerr);
	cr_assert_not_null(meta, "%s", jerr.text);
	cr_assert_str_eq(json_string_value(json_object_get(meta, "accel")), "kvm");
	json_decref(meta);
	results_free(&res);
	remove_root();
}

static int have_gnuplot(void)
{
	const char *p = getenv("PATH");
	char buf[PATH_MAX];

	while (p && *p) {
		size_t len = strcspn(p, ":");

		snprintf(buf, sizeof(buf), "%.*s/gnuplot", (int)len, p);
		if (len && access(buf, X_OK) == 0)
			return 1;
		p += len + (p[len] == ':');
	}
	return 0;
}

Test(plot, template_found)
{
	char path[PATH_MAX];
	bench_error err = { 0 };

	cr_assert_eq(plot_find_template("startup", path, sizeof(path), &err), 0, "%s", err.msg);
	cr_assert(strstr(path, "startup.gp"));
	cr_assert_eq(plot_find_template("no-such-plot", path, sizeof(path), &err), -1);
	cr_assert(strstr(err.msg, "no-such-plot.gp"), "%s", err.msg);
}

Test(plot, draws_startup)
{
	char path[PATH_MAX];
	bench_error err = { 0 };
	struct results res;
	int rc;

	if (!have_gnuplot())
		cr_skip_test("gnuplot is not installed");
	make_root();
	fake_results(&res, 30);
	rc = plot_draw(benchmark_find(benchmark_table, "startup"), &res, root, &err);
	cr_assert_eq(rc, PLOT_DRAWN, "rc %d: %s", rc, err.msg);
	snprintf(path, sizeof(path), "%s/ready-vm.dat", root);
	cr_assert_eq(count_lines(path), 31); /* a comment and 30 samples */
	snprintf(path, sizeof(path), "%s/phases.dat", root);
	cr_assert_eq(count_lines(path), 5); /* comment, header, 3 runners */
	snprintf(path, sizeof(path), "%s/startup.png", root);
	cr_assert(file_size(path) > 1000, "%s", path);
	snprintf(path, sizeof(path), "%s/startup.svg", root);
	cr_assert(file_size(path) > 1000, "%s", path);
	snprintf(path, sizeof(path), "%s/gnuplot.log", root);
	cr_assert_eq(file_size(path), -1, "gnuplot complained: see %s", path);
	results_free(&res);
	remove_root();
}

Test(plot, gnuplot_missing_is_not_an_error)
{
	char path[PATH_MAX], *old = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	bench_error err = { 0 };
	struct results res;
	int rc;

	make_root();
	fake_results(&res, 5);
	setenv("PATH", root, 1); /* an empty folder: no gnuplot */
	rc = plot_draw(benchmark_find(benchmark_table, "startup"), &res, root, &err);
	if (old) {
		setenv("PATH", old, 1);
		free(old);
	}
	cr_assert_eq(rc, PLOT_NO_GNUPLOT, "rc %d: %s", rc, err.msg);
	snprintf(path, sizeof(path), "%s/ready-host.dat", root);
	cr_assert(file_size(path) > 0);
	results_free(&res);
	remove_root();
}

Test(plot, failing_gnuplot_names_the_template)
{
	char tmpl[PATH_MAX];
	bench_error err = { 0 };
	struct results res;
	FILE *f;
	int rc;

	if (!have_gnuplot())
		cr_skip_test("gnuplot is not installed");
	make_root();
	snprintf(tmpl, sizeof(tmpl), "%s/startup.gp", root);
	f = fopen(tmpl, "w");
	cr_assert_not_null(f);
	fputs("this is not gnuplot\n", f);
	fclose(f);
	fake_results(&res, 5);
	setenv("BENCH_PLOTS_DIR", root, 1);
	rc = plot_draw(benchmark_find(benchmark_table, "startup"), &res, root, &err);
	unsetenv("BENCH_PLOTS_DIR");
	cr_assert_eq(rc, -1);
	cr_assert(strstr(err.msg, tmpl), "%s", err.msg);
	results_free(&res);
	remove_root();
}

Test(meta, collect)
{
	static const char *const keys[] = { "hostname", "kernel", "arch", "cpu_model",
					    "topology", "online_cpus", "mem_total_mib",
					    "cgroup_version", "agent_path", "agent_sha256",
					    "git_revision", "command_line", "started_utc",
					    "bench_version" };
	char *argv[] = { "bench", "run", "--name", "two words", NULL };
	char path[PATH_MAX];
	bench_error err = { 0 };
	json_t *meta = json_object(), *topo;
	FILE *f;

	make_root();
	snprintf(path, sizeof(path), "%s/agent", root);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs("abc", f);
	fclose(f);
	cr_assert_eq(meta_collect(meta, 4, argv, path, "v2", &err), 0, "%s", err.msg);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		cr_assert_not_null(json_object_get(meta, keys[i]), "no %s", keys[i]);
	/* sha256("abc"), FIPS 180-2 */
	cr_assert_str_eq(json_string_value(json_object_get(meta, "agent_sha256")),
			 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	cr_assert_str_eq(json_string_value(json_object_get(meta, "command_line")),
			 "bench run --name 'two words'");
	cr_assert_str_eq(json_string_value(json_object_get(meta, "cgroup_version")), "v2");
	topo = json_object_get(meta, "topology");
	cr_assert(json_integer_value(json_object_get(topo, "pus")) >= 1);
	cr_assert(json_integer_value(json_object_get(topo, "cores")) >= 1);
	cr_assert(json_integer_value(json_object_get(meta, "online_cpus")) >= 1);
	cr_assert(strstr(json_string_value(json_object_get(topo, "summary")), "PU"));
	cr_assert(json_integer_value(json_object_get(meta, "mem_total_mib")) > 0);
	cr_assert_eq(strlen(json_string_value(json_object_get(meta, "started_utc"))), 20);

	snprintf(path, sizeof(path), "%s/missing", root);
	cr_assert_eq(meta_collect(meta, 4, argv, path, "v2", &err), -1);
	cr_assert(strstr(err.msg, "missing"), "%s", err.msg);
	json_decref(meta);
	remove_root();
}
