/* What the vm and qemu runners share (vm_guest.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../lib/clock.h"
#include "../lib/interrupt.h"
#include "../lib/json_notes.h"
#include "../lib/run_id.h"
#include "vm_guest.h"
#include "../vm/cpu_model.h"
#include "../vm/guest_kernel.h"
#include "../vm/guest_cmdline.h"

int vm_guest_accel(const struct run_config *cfg, struct vm_guest *g, bench_error *err)
{
	accel_probe(&g->facts);
	if (accel_choose(cfg->accel, &g->facts, &g->accel, err) < 0)
		return -1;
	if (!cfg->accel || strcmp(cfg->accel, "auto") == 0)
		snprintf(g->accel_reason, sizeof(g->accel_reason), "%s", g->facts.why);
	else
		snprintf(g->accel_reason, sizeof(g->accel_reason), "--accel %s", cfg->accel);
	return 0;
}

static int online_cpus(const char *who, char *out, size_t outsz, bench_error *err)
{
	FILE *f = fopen("/sys/devices/system/cpu/online", "re");

	if (!f)
		return bench_fail(err, errno, "%s: /sys/devices/system/cpu/online", who);
	if (!fgets(out, (int)outsz, f))
		out[0] = '\0';
	fclose(f);
	out[strcspn(out, "\n")] = '\0';
	return 0;
}

int vm_guest_load(const struct run_config *cfg, const char *who, struct vm_guest *g, bench_error *err)
{
	char cpulist[sizeof(cfg->cpus)];
	int n;

	if (guest_kernel_find(cfg->guest_kernel, vm_cache_dir(), &g->kernel, err) < 0 ||
	    initramfs_get(cfg->agent_path, vm_cache_dir(), g->initrd, sizeof(g->initrd), g->agent_sha256, err) < 0)
		return bench_error_prefix(err, "%s", who);
	if (cfg->cpus[0])
		snprintf(cpulist, sizeof(cpulist), "%s", cfg->cpus);
	else if (online_cpus(who, cpulist, sizeof(cpulist), err) < 0)
		return -1;
	n = vm_cpulist_parse(cpulist, g->cpus, VM_CPUS_MAX, err);
	if (n < 0)
		return bench_error_prefix(err, "%s", who);
	g->ncpus = (unsigned)n;
	g->memory_mib = cfg->memory_mib ? cfg->memory_mib : VM_GUEST_DEFAULT_MEMORY_MIB;
	if (g->memory_mib < VM_GUEST_MIN_MEMORY_MIB)
		return bench_fail_usage(err,
					"%s: %u MiB of memory is too little to boot the guest kernel (at least %u)", who,
					g->memory_mib, VM_GUEST_MIN_MEMORY_MIB);
	return 0;
}

int vm_guest_kernel_option(const char *value, bench_error *err)
{
	return guest_kernel_check_choice(value, err);
}

int vm_guest_run_dir(const char *run_id, const char *kind, const char *who, const char *what, char *dir,
		     size_t dirsz, bench_error *err)
{
	char tmpl[128];
	const char *tmpdir = getenv("TMPDIR");

	snprintf(tmpl, sizeof(tmpl), "%s/" RUN_ID_PREFIX "%s-%s.XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp", run_id,
		 kind);
	if (strlen(tmpl) > 80) /* sun_path holds 108 bytes */
		snprintf(tmpl, sizeof(tmpl), "/tmp/" RUN_ID_PREFIX "%s-%s.XXXXXX", run_id, kind);
	if (!mkdtemp(tmpl))
		return bench_fail(err, errno, "%s: %s %s", who, what, tmpl);
	snprintf(dir, dirsz, "%s", tmpl);
	return 0;
}

int vm_guest_timeout_ms(const struct run_config *cfg)
{
	return cfg->timeout_ms > 0 ? cfg->timeout_ms : 30000;
}

int vm_guest_console_connect(const char *who, const char *name, const char *path, int *con,
			     struct record_stream *rs, bench_error *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	*con = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (*con < 0)
		return bench_fail(err, errno, "%s: socket", who);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (connect(*con, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		return bench_fail(err, errno, "%s: connecting to the console of %s at %s", who, name, path);
	if (fcntl(*con, F_SETFL, O_NONBLOCK) != 0)
		return bench_fail(err, errno, "%s: console socket", who);
	record_stream_init(rs, *con, CHANNEL_CONSOLE);
	return 0;
}

int vm_guest_console_next(int con, struct record_stream *rs, uint64_t deadline_ns, struct agent_record *rec,
			  bench_error *err)
{
	if (con < 0)
		return RECORD_STREAM_EOF;
	return record_stream_next(rs, deadline_ns, rec, err);
}

int vm_guest_read_ready(const char *who, const char *name, int con, struct record_stream *rs,
			struct instance *in, int timeout_ms, bench_error *err)
{
	uint64_t deadline = in->t_launch_ns + (uint64_t)timeout_ms * 1000000u;
	int st = vm_guest_console_next(con, rs, deadline, &in->ready, err);

	if (st == RECORD_STREAM_ERROR)
		return bench_error_prefix(err, "%s: %s", who, name);
	/* What the guest said last tells a kernel that never started from
	 * one that stopped, or an /init that hangs. */
	if (st == RECORD_STREAM_TIMEOUT && rs->lr.last_other[0])
		return bench_fail(err, 0, "%s: no READY within %d ms (the console's last line: '%s')", who, timeout_ms,
				  rs->lr.last_other);
	if (st == RECORD_STREAM_TIMEOUT)
		return bench_fail(err, 0, "%s: no READY within %d ms%s", who, timeout_ms,
				  rs->t_first_byte_ns ? "" : " (the console printed nothing)");
	if (st == RECORD_STREAM_EOF)
		return bench_fail(err, 0, "%s: guest %s ended before READY (console closed: kernel panic or no /init?)",
				  who, name);
	in->t_ready_ns = rs->t_record_ns;
	if (record_check_ready(&in->ready, err) < 0)
		return bench_error_prefix(err, "%s", who);
	return 0;
}

int vm_guest_boot_phases(const char *who, const char *name, struct instance *in, const struct record_stream *rs,
			 uint64_t t_resumed_ns, uint64_t *boot_ns, bench_error *err)
{
	if (record_get_u64(&in->ready, "boot_ns", boot_ns, err) < 0)
		return bench_error_prefix(err, "%s", who);
	if (*boot_ns == 0 || *boot_ns > in->t_ready_ns - t_resumed_ns)
		return bench_fail(err, 0,
				  "%s: guest %s reports %" PRIu64 " ns of uptime at READY, but it ran for %" PRIu64
				  " ns since it was resumed",
				  who, name, *boot_ns, in->t_ready_ns - t_resumed_ns);
	instance_add_phase(in, "firmware_kernel", rs->t_first_byte_ns - t_resumed_ns);
	instance_add_phase(in, "boot", in->t_ready_ns - rs->t_first_byte_ns);
	instance_add_measure(in, "guest_uptime", *boot_ns);
	return 0;
}

int vm_guest_collect(const char *who, const char *name, int con, struct record_stream *rs,
		     struct agent_record *rec, int timeout_ms, bench_error *err)
{
	int st = vm_guest_console_next(con, rs, clock_now_ns() + (uint64_t)(timeout_ms > 0 ? timeout_ms : 0) * 1000000u,
				       rec, err);

	if (st == RECORD_STREAM_ERROR)
		return bench_error_prefix(err, "%s: %s", who, name);
	if (st == RECORD_STREAM_TIMEOUT)
		return bench_fail(err, 0, "%s: no record from %s within %d ms", who, name, timeout_ms);
	if (st == RECORD_STREAM_EOF)
		return bench_fail(err, 0, "%s: guest %s ended without a further record", who, name);
	return 0;
}

int vm_guest_tell_stop(const char *who, const char *name, int con, const struct record_stream *rs,
		       bench_error *err)
{
	ssize_t sent = send(con, BENCH_PROTO_STOP_LINE, strlen(BENCH_PROTO_STOP_LINE), MSG_NOSIGNAL | MSG_DONTWAIT);
	int e = errno;

	if (sent < 0 && (e == EPIPE || e == ECONNRESET || e == ENOTCONN)) {
		if (!rs->saw_done)
			return bench_fail(err, 0, "%s: guest %s ended before it was told to stop "
					  "(its /init died: kernel panic?)", who, name);
	} else if (sent != (ssize_t)strlen(BENCH_PROTO_STOP_LINE)) {
		return bench_fail(err, sent < 0 ? e : 0, "%s: telling guest %s to stop", who, name);
	}
	return 0;
}

int vm_guest_console_drain(const char *who, const char *name, int con, struct record_stream *rs,
			   uint64_t deadline_ns, int timeout_ms, bool *timed_out, bench_error *err)
{
	struct agent_record rec;

	*timed_out = false;
	while (con >= 0) {
		int st = vm_guest_console_next(con, rs, deadline_ns, &rec, err);

		if (st == RECORD_STREAM_EOF)
			break;
		if (st == RECORD_STREAM_ERROR) {
			/* A garbled line in the guest's last words does not
			 * keep it from stopping; an interruption does. */
			if (interrupt_check(err) < 0)
				return -1;
			continue;
		}
		if (st == RECORD_STREAM_TIMEOUT) {
			*timed_out = true;
			return bench_fail(err, 0, "%s: guest %s did not power off within %d ms", who, name, timeout_ms);
		}
	}
	return 0;
}

void vm_guest_describe_boot(const char *who, const struct vm_guest *g, void *meta)
{
	json_t *o = meta, *kernels;

	json_object_set_new(o, "accel", json_string(accel_name(g->accel)));
	if (g->accel == VM_ACCEL_TCG)
		results_meta_note(o,
				  "%s figures are QEMU TCG emulation (%s): they measure emulation, not the "
				  "overhead of a hypervisor such as KVM or ESXi",
				  who, g->accel_reason);
	json_object_set_new(o, "accel_reason", json_string(g->accel_reason));
	json_object_set_new(o, "guest_kernel", json_string(g->kernel.release));
	json_object_set_new(o, "guest_kernel_kind", json_string(g->kernel.kind));
	json_object_set_new(o, "guest_kernel_sha256", json_string(g->kernel.sha256));
	json_object_set_new(o, "guest_kernel_path", json_string(g->kernel.path));
	/* And per runner, for a run with both VM runners. */
	kernels = json_object_get(o, "guest_kernels");
	if (!json_is_object(kernels)) {
		kernels = json_object();
		json_object_set_new(o, "guest_kernels", kernels);
	}
	json_object_set_new(kernels, who,
			    json_pack("{s:s, s:s, s:s, s:s}", "kind", g->kernel.kind, "release", g->kernel.release,
				      "sha256", g->kernel.sha256, "path", g->kernel.path));
	json_object_set_new(o, "initramfs", json_string(g->initrd));
	json_object_set_new(o, "agent_sha256", json_string(g->agent_sha256));
	json_object_set_new(o, "vcpus", json_integer(g->ncpus));
	json_object_set_new(o, "memory_mib", json_integer(g->memory_mib));
}

void vm_guest_describe_cpu(const struct vm_guest *g, void *json_object)
{
	json_t *o = json_object;
	char topo[96];

	json_object_set_new(o, "cpu_model", json_string(vm_cpu_model_name(g->accel)));
	vm_cpu_topology_describe(vm_cpu_topology_of(g->ncpus), topo, sizeof(topo));
	json_object_set_new(o, "cpu_topology", json_string(topo));
}

void vm_guest_saved_instance(struct instance *in, struct runner *r)
{
	instance_init(in, r, 0, BENCH_TASK_IDLE);
	in->task.args[0] = BENCH_ARG_ZERO_FREE;
	in->task.nargs = 1;
}

int vm_guest_saved_cmdline(char *out, size_t outsz, bench_error *err)
{
	static const char *const args[] = { BENCH_ARG_ZERO_FREE };

	return vm_guest_cmdline(BENCH_TASK_IDLE, args, 1, 0, out, outsz, err);
}
