/* bench: the command line.  Subcommands are a table of cmd_* functions, as
 * in git; `bench run`, `bench plot` and `bench report` get the benchmarks'
 * own table (bench/benchmarks.c), which only this layer knows. */
#include <stdio.h>
#include <string.h>

#include "benchmarks.h"
#include "harness/cleanup.h"
#include "harness/doctor.h"
#include "../lib/error.h"
#include "harness/meta.h"
#include "harness/plot_cmd.h"
#include "harness/report.h"

static int cmd_help(int argc, char **argv);

static int cmd_run_table(int argc, char **argv)
{
	return cmd_run(argc, argv, benchmark_table);
}

static int cmd_report_table(int argc, char **argv)
{
	return cmd_report(argc, argv, benchmark_table);
}

static int cmd_plot_table(int argc, char **argv)
{
	return cmd_plot(argc, argv, benchmark_table);
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
	{ "run", cmd_run_table, "run a benchmark: bench run startup [options]" },
	{ "report", cmd_report_table, "build the Markdown and HTML report from results folders" },
	{ "plot", cmd_plot_table, "draw a results folder's plots again: bench plot DIR" },
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
	for (const struct benchmark *const *b = benchmark_table; *b; b++)
		printf("  %-9s %s\n", (*b)->name, (*b)->summary);
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
