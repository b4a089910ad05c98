/* What the two VM runners (vm: through libvirt; qemu: QEMU driven
 * directly) share: the same guest (accelerator, kernel, initramfs, vCPUs,
 * memory), the run's socket folder, and the serial console that carries
 * the agent's records.  Each runner keeps only how it starts and ends
 * QEMU.  who ("vm", "qemu") starts every error line. */
#ifndef BENCH_VM_GUEST_H
#define BENCH_VM_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record_stream.h"
#include "runner.h"
#include "../vm/accel.h"
#include "../vm/domain_xml.h"
#include "../vm/initramfs.h"
#include "../vm/kernel_cache.h"

#define VM_GUEST_DEFAULT_MEMORY_MIB 256
#define VM_GUEST_MIN_MEMORY_MIB 64

/* The guest both runners boot, filled in prepare. */
struct vm_guest {
	struct accel_facts facts;
	enum vm_accel accel;
	char accel_reason[200];
	struct guest_kernel kernel;
	char initrd[4096];
	char agent_sha256[INITRAMFS_SHA256_HEX];
	unsigned cpus[VM_CPUS_MAX];
	unsigned ncpus;
	unsigned memory_mib;
};

/* The accelerator (--accel, or the best this host has) and why. */
int vm_guest_accel(const struct run_config *cfg, struct vm_guest *g, bench_error *err);

/* --guest-kernel's check when it is parsed (vm/guest_kernel.h): a path
 * must name a bzImage, and not through a symbolic link. */
int vm_guest_kernel_option(const char *value, bench_error *err);

/* The kernel --guest-kernel names (distro, the default: the cached one), the agent's initramfs, the vCPUs (--cpus, else every
 * online CPU) and the memory (--memory, at least VM_GUEST_MIN_MEMORY_MIB). */
int vm_guest_load(const struct run_config *cfg, const char *who, struct vm_guest *g, bench_error *err);

/* Makes the run's folder $TMPDIR/bench-<run id>-<kind>.XXXXXX (under /tmp
 * where $TMPDIR would make its sockets' paths too long), named after the
 * run so that `bench cleanup` can tell leftovers.  what names it in an
 * error. */
int vm_guest_run_dir(const char *run_id, const char *kind, const char *who, const char *what, char *dir,
		     size_t dirsz, bench_error *err);

/* The run's timeout for a start or a stop: --timeout, else 30 s. */
int vm_guest_timeout_ms(const struct run_config *cfg);

/* Connects *con to the guest's console socket at path (non-blocking) and
 * starts *rs on it. */
int vm_guest_console_connect(const char *who, const char *name, const char *path, int *con,
			     struct record_stream *rs, bench_error *err);

/* The next record from the console (kernel lines are skipped), before the
 * deadline: the runners' one reader (record_stream.h).  EOF once con < 0. */
int vm_guest_console_next(int con, struct record_stream *rs, uint64_t deadline_ns, struct agent_record *rec,
			  bench_error *err);

/* Reads READY into in->ready (before in's launch + timeout_ms) and sets
 * in->t_ready_ns. */
int vm_guest_read_ready(const char *who, const char *name, int con, struct record_stream *rs,
			struct instance *in, int timeout_ms, bench_error *err);

/* A booted guest's phases firmware_kernel and boot and its guest_uptime
 * measure (READY's boot_ns into *boot_ns).  The guest's own uptime is
 * checked before it is used: no larger than the time since the guest was
 * resumed (its kernel cannot have run longer than that), or the measure
 * would be the workload's word against the host's clock. */
int vm_guest_boot_phases(const char *who, const char *name, struct instance *in, const struct record_stream *rs,
			 uint64_t t_resumed_ns, uint64_t *boot_ns, bench_error *err);

/* A runner's collect: the next record within timeout_ms. */
int vm_guest_collect(const char *who, const char *name, int con, struct record_stream *rs,
		     struct agent_record *rec, int timeout_ms, bench_error *err);

/* Tells the guest's agent to stop.  A console that is already gone is a
 * guest that died (its /init's death panics the kernel) unless its task
 * said DONE. */
int vm_guest_tell_stop(const char *who, const char *name, int con, const struct record_stream *rs,
		       bench_error *err);

/* Reads the console until QEMU closes it as it exits; records on the way
 * (STOPPING) are dropped.  *timed_out: the guest did not power off before
 * the deadline. */
int vm_guest_console_drain(const char *who, const char *name, int con, struct record_stream *rs,
			   uint64_t deadline_ns, int timeout_ms, bool *timed_out, bench_error *err);

/* The guest both runners save for --vm-start restore: the idle task, told
 * to zero its free memory first (BENCH_ARG_ZERO_FREE) so that the image
 * holds what the guest uses, not its --memory.  A restored guest's kernel
 * command line must be the saved one's. */
void vm_guest_saved_instance(struct instance *in, struct runner *r);
int vm_guest_saved_cmdline(char *out, size_t outsz, bench_error *err);

/* The keys both runners give the results' meta, in two parts so that a
 * runner can put its own between them (o: a json_t object); a note says
 * that TCG figures are emulation. */
void vm_guest_describe_boot(const char *who, const struct vm_guest *g, void *json_object);
void vm_guest_describe_cpu(const struct vm_guest *g, void *json_object);

#endif
