/* Starting and finding the QEMU processes of the qemu runner (no libvirt).
 *
 * QEMU is forked and exec'd with, before the exec:
 *   - its affinity set to the run's CPUs (the emulator threads, as
 *     libvirt's <emulatorpin>; vCPU threads are pinned one by one later);
 *   - PR_SET_PDEATHSIG SIGKILL: a SIGKILLed harness takes its QEMUs with
 *     it, as libvirt's auto-destroy domains.  The signal follows the thread
 *     that forked, so QEMU is started from one that outlives it (the
 *     runners' launch runs on bench's main thread);
 *   - a process group of its own, stdin from /dev/null, stdout and stderr
 *     to a log file (QEMU's error, should it refuse to start).
 * Its -name, bench-<run id>-<seq>, is how `bench cleanup` tells a QEMU of a
 * run that is over. */
#ifndef BENCH_VM_QEMU_PROCESS_H
#define BENCH_VM_QEMU_PROCESS_H

#include <stdbool.h>
#include <stddef.h>

#include "../lib/error.h"
#include "../lib/process.h"
#include "qemu_cmdline.h"

/* The full path of QEMU_BINARY found on $PATH, into out; -1 with *err. */
int qemu_binary_find(char *out, size_t outsz, bench_error *err);

/* Starts QEMU (binary: qemu_binary_find's path) with argv, and tracks it
 * in *c (its process group too).  Its standard input is stdin_path, read
 * only (a saved guest, for migrate-incoming "fd:0"), or /dev/null when
 * NULL. */
int qemu_spawn(const char *binary, const struct qemu_argv *a, const unsigned *cpus, unsigned ncpus,
	       const char *log_path, const char *stdin_path, struct child *c, bench_error *err);

/* The first line of a QEMU log, made printable and short, into out ("" when
 * none): QEMU's own reason for a failed start. */
void qemu_log_first_line(const char *log_path, char *out, size_t outsz);

/* SIGKILLs every QEMU whose command line names a run that is over (all:
 * also of runs still going); returns how many. */
unsigned qemu_kill_stale(bool all);

/* Removes $TMPDIR/bench-<run id>-qemu.XXXXXX folders (sockets, logs) of runs
 * that are over; returns how many. */
unsigned qemu_remove_stale_folders(bool all);

#endif
