/* The options of `bench run <benchmark>`, shared by every benchmark. */
#ifndef BENCH_OPTIONS_H
#define BENCH_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "../../lib/error.h"

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
	double runs_scale;       /* 0: each runner's default runs as they are; in (0, 1): that
				    share of them, at least 2 (`bench run all`'s budget) */
	int warmup;              /* -1: the default */
	char cpus[128];          /* normalised list, "" = all allowed CPUs */
	unsigned ncpus;          /* CPUs in that list */
	bool cpus_given;         /* --cpus was on the command line */
	unsigned memory_mib;
	bool memory_given;             /* --memory was on the command line (a
					  benchmark may size its default) */
	unsigned pids_max;
	int timeout_ms;
	int interval_ms;         /* pause before each run; 0 = back to back */
	const char *out_dir;
	const char *export_json, *export_csv, *export_markdown;
	bool quiet;
	const char *libvirt_uri;
	const char *accel;
	const char *vm_machine;  /* qemu runner: NULL = pc */
	const char *vm_start;    /* qemu and vm runners: NULL = cold */
	const char *guest_kernel; /* vm and qemu runners: NULL = distro, minimal, a bzImage's path */
	const char *gvisor_platform;
	const char *oci_lifecycle;     /* "phases" or "run" */
	bool help;
	char runners_buf[256];   /* storage for runners[] */
};

/* An option of one benchmark only (e.g. syscall's --calls), parsed along
 * with the common ones and handed to the benchmark. */
struct bench_option {
	const char *name;   /* long name, without "--" */
	const char *arg;    /* the value's name for --help; NULL for a flag */
	const char *help;   /* one line */
	int (*set)(void *ctx, const char *value, bench_error *err); /* value NULL for a flag */
};

#define OPTIONS_EXTRA_MAX 16

/* Parses argv[1..] (argv[0] is the benchmark's name), the common options
 * and the benchmark's own (extra, NULL-name-terminated, may be NULL), whose
 * set() gets ctx.  Usage errors fill *err with exit code BENCH_EXIT_USAGE. */
int run_options_parse(int argc, char **argv, struct run_options *o, const struct bench_option *extra, void *ctx,
		      bench_error *err);

/* Is arg ("--runs", "--runs=5", "-n", "-n5", "-q") one of the common
 * options?  -1: no; 0: yes, and it needs no word after it; 1: yes, and
 * the next word is its value.  For `bench run all`, which hands the
 * common options to every benchmark. */
int run_options_common_arity(const char *arg);

/* The options part of the help text: the common options, then the
 * benchmark's own. */
void run_options_usage(FILE *out, const struct bench_option *extra);

/* Parses a CPU list ("0-1,3") against this machine's topology (hwloc):
 * every CPU must exist and be allowed.  Normalises it into out and counts
 * it; "" or NULL means every allowed CPU. */
int cpulist_parse(const char *list, char *out, size_t outsz, unsigned *count, bench_error *err);

#endif
