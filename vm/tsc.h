/* The host's TSC rate, for a guest that cannot measure its own.
 *
 * Why: the microvm machine has no HPET and no ACPI PM timer, and under TCG
 * its emulated PIT ticks by the host's clock while the guest's instructions
 * run at emulation speed, so the kernel's TSC calibration against the PIT
 * fails whenever the emulation falls behind (a loaded host: most boots;
 * otherwise about 1 in 4-7).  Without a calibrated TSC the kernel then
 * waits forever for a clock ("tsc: Marking TSC unstable due to could not
 * calculate TSC khz" is its last line).  Under TCG, the guest's RDTSC reads
 * the host's TSC, so telling the kernel the host's rate (tsc_early_khz=)
 * skips the calibration and the hang with it. */
#ifndef BENCH_VM_TSC_H
#define BENCH_VM_TSC_H

#include "../lib/error.h"

/* The host TSC's rate in kHz, measured against CLOCK_MONOTONIC_RAW over
 * 20 ms; -1 with *err where the TSC cannot serve (not x86, or no
 * constant_tsc in /proc/cpuinfo: its rate then changes with the CPU's). */
long vm_host_tsc_khz(bench_error *err);

#endif
