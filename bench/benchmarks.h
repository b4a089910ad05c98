/* The benchmarks `bench run` knows, as git knows its subcommands: a table
 * of cmd_* functions.  Each takes argv with argv[0] = its own name. */
#ifndef BENCH_BENCHMARKS_H
#define BENCH_BENCHMARKS_H

struct benchmark {
	const char *name;
	const char *summary;
	int (*cmd)(int argc, char **argv, int full_argc, char **full_argv);
};

int cmd_run_startup(int argc, char **argv, int full_argc, char **full_argv);
int cmd_run_syscall(int argc, char **argv, int full_argc, char **full_argv);
int cmd_run_isolation(int argc, char **argv, int full_argc, char **full_argv);
int cmd_run_density(int argc, char **argv, int full_argc, char **full_argv);

extern const struct benchmark benchmark_table[];

#endif
