/* The options of `bench run <benchmark>`, shared by every benchmark. */
#ifndef BENCH_OPTIONS_H
#define BENCH_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "error.h"

#define OPTIONS_RUNNERS_MAX 8
#define OPTIONS_DEFAULT_RUNS 30
#define OPTIONS_DEFAULT_WARMUP 3
#define OPTIONS_DEFAULT_MEMORY_MIB 256
#define OPTIONS_DEFAULT_PIDS 64
#define OPTIONS_DEFAULT_TIMEOUT_MS 60000

struct run_options {
	const char *runners[OPTIONS_RUNNERS_MAX]; /* names, validated against the table */
	int nrunners;
	int runs;                /* -1: each runner's default */
	int warmup;              /* -1: the default */
	char cpus[128];          /* normalised list, "" = all allowed CPUs */
	unsigned ncpus;          /* CPUs in that list */
	unsigned memory_mib;
	unsigned pids_max;
	int timeout_ms;
	const char *out_dir;
	const char *export_json, *export_csv, *export_markdown;
	bool quiet;
	const char *libvirt_uri;
	const char *accel;
	bool help;
	char runners_buf[256];   /* storage for runners[] */
};

/* Parses argv[1..] (argv[0] is the benchmark's name).  Usage errors fill
 * *err with exit code BENCH_EXIT_USAGE. */
int run_options_parse(int argc, char **argv, struct run_options *o, bench_error *err);

/* The help text of `bench run`. */
void run_options_usage(FILE *out);

/* Parses a CPU list ("0-1,3") against this machine's topology (hwloc):
 * every CPU must exist and be allowed.  Normalises it into out and counts
 * it; "" or NULL means every allowed CPU. */
int cpulist_parse(const char *list, char *out, size_t outsz, unsigned *count, bench_error *err);

#endif
