/* bench run: the one driver every benchmark runs under.  A benchmark says
 * what it measures (its descriptor, benchmark.h); this file does the rest,
 * the same way for each: options, --help, the session, keeping what was
 * measured, the output, and the exit code. */
#include "benchmark.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/interrupt.h"
#include "cleanup.h"
#include "run_output.h"
#include "session.h"
#include "suite.h"

const struct benchmark *benchmark_find(const struct benchmark *const *table, const char *name)
{
	for (; *table; table++)
		if (strcmp((*table)->name, name) == 0)
			return *table;
	return NULL;
}

/* What an earlier run killed before its teardown left (cgroups, folders,
 * domains) would skew this run's figures and fill the host: the runners
 * about to run remove it first, and the run says so in one line.  A
 * failure here is told but does not stop the run. */
static void clean_up_after_dead_runs(const struct run_options *o)
{
	struct runner_cleanup_counts removed = { 0 };
	bench_error err = { 0 };
	char what[256];

	if (geteuid() != 0)
		return;
	/* A Ctrl-C from here on is bench's to handle (the run then stops
	 * before it begins), but not one that cuts this removal half-way. */
	interrupt_install();
	interrupt_teardown_begin();
	if (cleanup_dead_runs(o->runners, o->nrunners, o->libvirt_uri, false, &removed, &err) < 0)
		bench_error_print(&err);
	interrupt_teardown_end();
	cleanup_describe(&removed, what, sizeof(what));
	if (what[0])
		fprintf(stderr, "bench: removed what an interrupted earlier run left: %s\n", what);
}

int benchmark_run_parsed(const struct benchmark *b, void *ctx, struct run_options *o, int full_argc,
			 char **full_argv, const char *host_label)
{
	struct session ss;
	bench_error err = { 0 };
	int rc;

	if (b->prepare && b->prepare(ctx, o, &err) < 0) {
		bench_error_print(&err);
		return err.exit_code ? err.exit_code : BENCH_EXIT_FAIL;
	}
	clean_up_after_dead_runs(o);
	if (bench_interrupted)
		return BENCH_EXIT_INTERRUPTED;
	rc = session_begin(&ss, b, full_argc, full_argv);
	if (rc != 0)
		return rc;
	/* Hosts of a fleet that share a name (or none) stay apart in the
	 * report by the label their run was given. */
	if (host_label && json_object_set_new(ss.res.meta, "host_label", json_string(host_label)) < 0) {
		bench_fail(&err, ENOMEM, "%s: the host label", b->name);
		session_check(&ss, -1, &err);
		return session_finish(&ss);
	}
	/* The results, not only the terminal, say why rows are short. */
	if (session_check(&ss, b->run(ctx, o, &ss, &err), &err) < 0)
		results_meta_note(ss.res.meta, "the run stopped early: %s (what was measured before it is kept; what "
				  "would have come after it is missing)", err.msg);
	/* What was measured before a failure or Ctrl-C is kept. */
	{
		struct run_output_hooks hooks = { 0 };
		bench_error werr = { 0 };

		if (b->finish ? b->finish(ctx, o, &ss, &hooks) : run_output_has_samples(&ss.res))
			session_check(&ss, run_output_write(o, &ss.res, &hooks, &werr), &werr);
	}
	if (b->verdict) {
		bench_error verr = { 0 };

		session_check(&ss, b->verdict(ctx, &verr), &verr);
	}
	return session_finish(&ss);
}

static int run_with(const struct benchmark *b, void *ctx, int argc, char **argv, int full_argc, char **full_argv)
{
	struct run_options opts;
	bench_error err = { 0 };

	if (run_options_parse(argc, argv, &opts, b->options, ctx, &err) < 0) {
		bench_error_print(&err);
		return err.exit_code;
	}
	if (opts.help) {
		printf("usage: bench run %s [options]\n\n%s", b->name, b->help);
		run_options_usage(stdout, b->options);
		return 0;
	}
	return benchmark_run_parsed(b, ctx, &opts, full_argc, full_argv, NULL);
}

int benchmark_run_cmd(const struct benchmark *b, int argc, char **argv, int full_argc, char **full_argv)
{
	void *ctx = NULL;
	int rc;

	if (b->ctx_size > 0 && (ctx = calloc(1, b->ctx_size)) == NULL) {
		bench_error err = { 0 };

		bench_fail(&err, 0, "%s: out of memory", b->name);
		bench_error_print(&err);
		return BENCH_EXIT_FAIL;
	}
	if (b->init)
		b->init(ctx);
	rc = run_with(b, ctx, argc, argv, full_argc, full_argv);
	free(ctx);
	return rc;
}

int cmd_run(int argc, char **argv, const struct benchmark *const *table)
{
	const struct benchmark *b;

	/* argv[0] = "run", argv[1] = the benchmark */
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		FILE *out = argc < 2 ? stderr : stdout;

		fputs("usage: bench run <benchmark> [options]\n\nbenchmarks:\n", out);
		for (const struct benchmark *const *t = table; *t; t++)
			fprintf(out, "  %-20s %s\n", (*t)->name, (*t)->summary);
		fprintf(out, "  %-20s %s\n", SUITE_NAME, SUITE_SUMMARY);
		fputs("\n", out);
		run_options_usage(out, NULL);
		fputs("\nA benchmark's own options: bench run <benchmark> --help\n", out);
		return argc < 2 ? BENCH_EXIT_USAGE : 0;
	}
	if (strcmp(argv[1], SUITE_NAME) == 0)
		return cmd_run_all(argc - 1, argv + 1, table);
	b = benchmark_find(table, argv[1]);
	if (b)
		return benchmark_run_cmd(b, argc - 1, argv + 1, argc, argv);
	fprintf(stderr, "bench: unknown benchmark '%s' (see 'bench run --help')\n", argv[1]);
	return BENCH_EXIT_USAGE;
}
