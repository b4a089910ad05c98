/* What bench run syscall concludes from its samples: the ratio of every
 * runner's median to the host's, with its interval, and in plain words
 * what path each runner's calls took. */
#ifndef BENCH_SYSCALL_REPORT_H
#define BENCH_SYSCALL_REPORT_H

#include <stdio.h>

#include "harness/results.h"
#include "syscall_data.h"

/* The series' metric name of a call: "syscall.<name>". */
void syscall_metric(int call, char *buf, size_t sz);

/* Sets, on every series of a runner other than the host, extra keys
 * ratio_to_host, ratio_ci95_lo, ratio_ci95_hi (the host's own series get
 * ratio_to_host 1), plus batch_size and path ("vdso" or "kernel"). */
int syscall_report_ratios(struct results *res, const struct syscall_runner_info *info, int ninfo,
			  bench_error *err);

/* Adds to the results' meta the run's settings and what each runner
 * reported, and a note per runner explaining its figures. */
void syscall_report_explain(struct results *res, const struct syscall_runner_info *info, int ninfo,
			    const char *host_kernel);

/* A table of medians (call x runner) and ratios, for the terminal. */
void syscall_report_print(const struct results *res, FILE *out);

/* Did the vDSO answer clock_gettime on this runner?  Judged from the
 * figures: when it costs under half the cheapest kernel-entry call, it
 * did not enter the kernel.  -1 when the figures are missing. */
int syscall_vdso_seen(const struct results *res, const char *runner);

#endif
