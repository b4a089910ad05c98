/* The agent's line protocol: the one contract between the workload (the
 * agent, in a host process, a container or a VM) and the harness.  Both sides
 * include this header; the agent writes, runners/record.c parses.
 *
 * A record is one line of printable ASCII:
 *
 *     BENCH/1 <TYPE> key=value key=value ...\n
 *
 *   - "BENCH/1" is the magic and the protocol version.  A reader ignores (VM
 *     console: kernel messages) or rejects (host, container: stdout belongs
 *     to the agent alone) any line that does not start with "BENCH/".  A
 *     line with another version is rejected: the two sides must be built
 *     from the same tree.
 *   - TYPE is upper case, 1..15 characters, one of the BENCH_REC_* below.
 *   - At most BENCH_PROTO_FIELDS_MAX fields.  A key is 1..BENCH_PROTO_KEY_MAX
 *     characters of [a-z0-9_.]; a value is 0..BENCH_PROTO_VALUE_MAX bytes
 *     after decoding.  In a value, every byte outside 0x21..0x7e, and '%'
 *     itself, is written as %XX (upper-case hex), so a value never holds a
 *     space, a control character or a newline.
 *   - A line, '\n' included, is at most BENCH_PROTO_LINE_MAX bytes; a
 *     trailing '\r' (serial consoles) is ignored.
 *
 * Everything that comes back from a workload is untrusted: the reader checks
 * every bound above and never trusts a length or a number it did not parse
 * itself.
 *
 * Records (fields that may be missing are marked '?'):
 *   READY    task, pid, ppid, hostname, kernel (uname release), mono_ns (the
 *            agent's CLOCK_MONOTONIC), boot_ns (CLOCK_BOOTTIME: a VM's kernel
 *            uptime), utsns?, pidns?, mntns? (namespace inode numbers, where
 *            /proc is readable), modules?, modules_ns? (a VM's /init: how
 *            many kernel modules it loaded before its task, and how long
 *            that took on CLOCK_BOOTTIME)
 *   STOPPING reason (the agent was told to stop and is about to exit)
 *   ERROR    msg (the agent could not do its task)
 *   DATA     task-specific measurements (later benchmarks)
 *   DONE     the task has finished its measurements
 */
#ifndef BENCH_AGENT_PROTOCOL_H
#define BENCH_AGENT_PROTOCOL_H

#define BENCH_PROTO_MAGIC "BENCH/"
#define BENCH_PROTO_VERSION 1
#define BENCH_PROTO_PREFIX "BENCH/1"

#define BENCH_PROTO_LINE_MAX 512
#define BENCH_PROTO_FIELDS_MAX 32
#define BENCH_PROTO_KEY_MAX 32
#define BENCH_PROTO_VALUE_MAX 255
#define BENCH_PROTO_TYPE_MAX 15

#define BENCH_REC_READY "READY"
#define BENCH_REC_STOPPING "STOPPING"
#define BENCH_REC_ERROR "ERROR"
#define BENCH_REC_DATA "DATA"
#define BENCH_REC_DONE "DONE"

/* Tasks the agent knows (argv[1], or bench.task= on a VM's command line). */
#define BENCH_TASK_READY "ready" /* announce READY, exit 0 */
#define BENCH_TASK_IDLE "idle"   /* announce READY, wait for stop */
#define BENCH_TASK_SYSCALL "syscall" /* time system calls in batches (DATA) */
#define BENCH_TASK_PROBE "probe"     /* read the isolation channels (DATA) */
#define BENCH_TASK_VICTIM "victim"   /* noisy neighbour: work in timed windows (DATA) */
#define BENCH_TASK_AGGRESSOR "aggressor" /* noisy neighbour: hog a resource, bounded */
#define BENCH_TASK_CPU "cpu"       /* compute kernels in timed batches (DATA) */
#define BENCH_TASK_MEMORY "memory" /* memory bandwidth, latency, random updates (DATA) */
#define BENCH_TASK_NETWORK "network"     /* TCP request/response and streams to bench's server (DATA) */
#define BENCH_TASK_STORAGE "storage"     /* time O_DIRECT I/O patterns on disk=PATH (DATA) */

/* How the harness tells an idle agent to stop: SIGTERM, or this line on the
 * agent's standard input (a VM's console). */
#define BENCH_PROTO_STOP_LINE "STOP\n"

/* How the harness tells an idle agent that its VM was just restored from a
 * snapshot (so it cannot know by itself): it answers with READY again. */
#define BENCH_PROTO_RESTORED_LINE "RESTORED\n"

/* The idle task's argument for a guest about to be saved for --vm-start
 * restore: before READY it zeroes its free memory (touches it, then gives
 * it back), so that QEMU's migration stream, which sends a zero page as a
 * flag, saves little more than what the guest really uses. */
#define BENCH_ARG_ZERO_FREE "zero_free=1"

/* Kernel command-line keys read by the agent when it runs as a VM's /init. */
#define BENCH_CMDLINE_TASK "bench.task="
#define BENCH_CMDLINE_HOSTNAME "bench.hostname="
#define BENCH_CMDLINE_ARG "bench.arg" /* bench.arg0=..., bench.arg1=...: the task's arguments */
#define BENCH_CMDLINE_MODULES "bench.modules=" /* modules /init loads first, in order: "a,b,c" */
/* Where the initramfs holds them: /lib/modules/<name>.ko. */
#define BENCH_GUEST_MODULES_DIR "/lib/modules"

#include <stddef.h>

/* The one encoder of values, shared by both sides so they cannot disagree:
 * writes value[0..len) into out with %XX escaping, NUL-terminated.
 * Returns the encoded length, or -1 when it does not fit in outsz. */
static inline int bench_proto_escape(const char *value, size_t len, char *out, size_t outsz)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)value[i];
		int plain = c >= 0x21 && c <= 0x7e && c != '%';

		if (o + (plain ? 1 : 3) >= outsz)
			return -1;
		if (plain) {
			out[o++] = (char)c;
		} else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	if (o >= outsz)
		return -1;
	out[o] = '\0';
	return (int)o;
}

#endif
