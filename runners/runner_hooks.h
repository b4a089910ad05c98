/* The doctor checks and cleanups of the runners, each in a file of its own
 * (container_doctor.c, vm_doctor.c), named in the runners' ops rows. */
#ifndef BENCH_RUNNER_HOOKS_H
#define BENCH_RUNNER_HOOKS_H

#include "runner.h"

extern const struct runner_check container_doctor_checks[];
int container_cleanup(bool all, struct runner_cleanup_counts *removed, bench_error *err);

extern const struct runner_check vm_doctor_checks[];
int vm_cleanup(bool all, struct runner_cleanup_counts *removed, bench_error *err);
int vm_cleanup_libvirt(const char *uri, bool all, struct runner_cleanup_counts *removed, bench_error *err);

extern const struct runner_check qemu_doctor_checks[];
int qemu_cleanup(bool all, struct runner_cleanup_counts *removed, bench_error *err);
extern const struct runner_check containerd_doctor_checks[];
int containerd_cleanup(bool all, struct runner_cleanup_counts *removed, bench_error *err);

#endif
