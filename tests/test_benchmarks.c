/* The benchmark table (bench/benchmarks.c): every row a complete
 * descriptor that the one driver can run, and the report side finding
 * runners by what they are, not by their names. */
#include <jansson.h>
#include <limits.h>

#include "../bench/benchmarks.h"
#include "../bench/harness/plot.h"
#include "../bench/harness/report_model.h"
#include "cli_run.h"

Test(benchmarks, every_row_is_complete)
{
	size_t n = 0;

	for (const struct benchmark *const *t = benchmark_table; *t; t++, n++) {
		const struct benchmark *b = *t;
		char path[PATH_MAX], plain[64];
		bench_error err = { 0 };
		size_t len;

		cr_assert_not_null(b->name, "row %zu has no name", n);
		len = strlen(b->name);
		/* The name goes into results.benchmark and folder names. */
		plot_plain_name(plain, sizeof(plain), b->name);
		cr_expect(len > 0 && len < sizeof(((struct results *)0)->benchmark) && strcmp(plain, b->name) == 0,
			  "row %zu: '%s' is not a plain short name", n, b->name);
		cr_expect(b->summary && *b->summary, "%s: no summary", b->name);
		cr_expect(b->help && strlen(b->help) > 2 && strcmp(b->help + strlen(b->help) - 2, "\n\n") == 0,
			  "%s: no help, or it does not end in a blank line", b->name);
		cr_expect_not_null(b->run, "%s: no run", b->name);
		cr_expect_not_null(b->plot, "%s: no plot", b->name);
		cr_expect_eq(plot_find_template(b->name, path, sizeof(path), &err), 0, "%s: %s", b->name, err.msg);
		/* Options and defaults need somewhere to go. */
		cr_expect(!(b->options || b->init) || b->ctx_size > 0, "%s: options or init without a context",
			  b->name);
		cr_expect_eq(benchmark_find(benchmark_table, b->name), b, "%s: named twice", b->name);
	}
	cr_expect_geq(n, 4u);
	cr_expect_null(benchmark_find(benchmark_table, "no-such-benchmark"));
}

Test(benchmarks, run_help_works_for_each)
{
	for (const struct benchmark *const *t = benchmark_table; *t; t++) {
		const struct benchmark *b = *t;
		const char *args[] = { "run", b->name, "--help", NULL };
		char usage[96];
		struct cli_run r;

		run_bench(&r, NULL, args);
		snprintf(usage, sizeof(usage), "usage: bench run %s [options]\n\n", b->name);
		cr_expect_eq(r.status, 0, "%s --help: exit %d: %s", b->name, r.status, r.err);
		cr_expect_eq(strncmp(r.out, usage, strlen(usage)), 0, "%s --help:\n%s", b->name, r.out);
		cr_expect(strstr(r.out, b->help), "%s --help lacks its text:\n%s", b->name, r.out);
		cr_expect(strstr(r.out, "  -r, --runners LIST"), "%s --help lacks the common options", b->name);
		for (const struct bench_option *o = b->options; o && o->name; o++) {
			char opt[64];

			snprintf(opt, sizeof(opt), "--%s", o->name);
			cr_expect(strstr(r.out, opt), "%s --help lacks %s", b->name, opt);
		}
		cr_expect_str_empty(r.err, "%s --help wrote to stderr: %s", b->name, r.err);
	}
}

/* A startup folder whose runners have other names than today's: the
 * report must find them by their capabilities. */
Test(benchmarks, report_finds_runners_by_what_they_are)
{
	const struct benchmark *b = benchmark_find(benchmark_table, "startup");
	struct report_folder f = { .dir = "/nonexistent", .host = "alpha", .started = "" };
	struct doc d = { 0 };
	bench_error err = { 0 };
	bool found = false;
	static const struct {
		const char *runner;
		double ms;
	} rows[] = { { "plain", 0.3 }, { "ns-box", 2.0 }, { "qemu-guest", 2000.0 } };

	cr_assert_not_null(b);
	results_init(&f.res, "startup");
	json_object_set_new(f.res.meta, "runner_caps",
			    json_pack("{s:[s], s:[s, s], s:[s]}", "plain", "baseline", "ns-box", "namespaces", "cgroup",
				      "qemu-guest", "guest_kernel"));
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct series *s = results_series(&f.res, rows[i].runner, "ready", "ms", &err);

		cr_assert_not_null(s, "%s", err.msg);
		cr_assert_eq(series_add(s, rows[i].ms, &err), 0, "%s", err.msg);
	}
	b->report_summary(&d, &f, "alpha");
	b->report_table(&d, &f.res);
	for (size_t i = 0; i < d.n; i++)
		for (size_t k = 0; k < d.b[i].ncells; k++) {
			const char *cell = d.b[i].cells[k];

			found |= d.b[i].kind == BLOCK_BULLETS &&
				 strstr(cell, "a container was ready in 2 ms (median of 1), a VM in 2000 ms") &&
				 strstr(cell, "containers started 1000 times faster; a plain process took 0.3 ms");
		}
	cr_expect(found, "the summary did not compare the container with the VM");
	/* The table's last column: the VM's start time over each runner's. */
	cr_expect(d.b[d.n - 1].kind == BLOCK_TABLE && d.b[d.n - 1].ncells == 4 * 6);
	cr_expect_str_eq(d.b[d.n - 1].cells[2 * 6 + 5], "1000x");
	doc_free(&d);
	results_free(&f.res);
}
