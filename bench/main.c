/* bench: the command line.  Subcommands are a table of cmd_* functions, as
 * in git; `bench run <benchmark>` dispatches once more through the
 * benchmarks' own table (bench/benchmarks.c). */
#include <stdio.h>
#include <string.h>

#include "benchmarks.h"
#include "harness/cleanup.h"
#include "harness/doctor.h"
#include "../lib/error.h"
#include "harness/meta.h"
#include "harness/options.h"
#include "harness/plot_cmd.h"
#include "harness/report.h"

static int cmd_help(int argc, char **argv);

static int cmd_run(int argc, char **argv)
{
	/* argv[0] = "run", argv[1] = the benchmark */
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		FILE *out = argc < 2 ? stderr : stdout;

		fputs("usage: bench run <benchmark> [options]\n\nbenchmarks:\n", out);
		for (const struct benchmark *b = benchmark_table; b->name; b++)
			fprintf(out, "  %-20s %s\n", b->name, b->summary);
		fputs("\n", out);
		run_options_usage(out, NULL);
		fputs("\nA benchmark's own options: bench run <benchmark> --help\n", out);
		return argc < 2 ? BENCH_EXIT_USAGE : 0;
	}
	for (const struct benchmark *b = benchmark_table; b->name; b++)
		if (strcmp(b->name, argv[1]) == 0)
			return b->cmd(argc - 1, argv + 1, argc, argv);
	fprintf(stderr, "bench: unknown benchmark '%s' (see 'bench run --help')\n", argv[1]);
	return BENCH_EXIT_USAGE;
}

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("bench %s (%s)\n", BENCH_VERSION, BENCH_GIT_REV);
	return 0;
}

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "run", cmd_run, "run a benchmark: bench run startup [options]" },
	{ "report", cmd_report, "build the Markdown and HTML report from results folders" },
	{ "plot", cmd_plot, "draw a results folder's plots again: bench plot DIR" },
	{ "doctor", cmd_doctor, "check every prerequisite, one line each, with fixes" },
	{ "cleanup", cmd_cleanup, "remove what an interrupted run left (cgroups, folders, domains)" },
	{ "version", cmd_version, "print the version and the git revision" },
	{ "help", cmd_help, "this text" },
	{ NULL, NULL, NULL },
};

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	puts("usage: bench <command> [options]\n"
	     "\n"
	     "Starts the same static workload (the agent) as a host process, in a container made\n"
	     "with clone(2) namespaces and cgroups, and as a KVM/QEMU guest through libvirt, and\n"
	     "measures them side by side.\n"
	     "\n"
	     "commands:");
	for (const struct command *c = commands; c->name; c++)
		printf("  %-9s %s\n", c->name, c->summary);
	puts("\n"
	     "benchmarks (bench run <benchmark> --help):");
	for (const struct benchmark *b = benchmark_table; b->name; b++)
		printf("  %-9s %s\n", b->name, b->summary);
	puts("\n"
	     "Start with 'bench doctor'; then 'bench run startup'.  Results go to results/.");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		cmd_help(0, NULL);
		return BENCH_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return cmd_help(argc - 1, argv + 1);
	if (strcmp(argv[1], "--version") == 0)
		return cmd_version(argc - 1, argv + 1);
	for (const struct command *c = commands; c->name; c++)
		if (strcmp(c->name, argv[1]) == 0)
			return c->fn(argc - 1, argv + 1);
	fprintf(stderr, "bench: unknown command '%s' (see 'bench --help')\n", argv[1]);
	return BENCH_EXIT_USAGE;
}
