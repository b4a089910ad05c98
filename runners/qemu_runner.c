/* The qemu runner: the vm runner's guest (the same kernel, initramfs with
 * the agent as /init, memory, vCPUs, CPU model and topology, pinning and
 * serial console) with QEMU started directly, without libvirt, and
 * controlled over its own QMP socket.  Set beside the vm runner, it shows
 * what libvirt itself adds to a VM's start.
 *
 * Phases of one start (host clock):
 *   create           launch -> QEMU forked and exec'd, its QMP monitor
 *                    answers (greeting and qmp_capabilities), its vCPU
 *                    threads pinned: QEMU up and paused (-S), as the vm
 *                    runner's create
 *   resume           -> console connected and QMP "cont" answered
 *   firmware_kernel  -> first console byte
 *   boot             -> READY read
 * and guest_uptime, the guest kernel's own uptime at READY, as the vm
 * runner.
 *
 * Nothing survives a SIGKILLed harness: QEMU gets PR_SET_PDEATHSIG (see
 * vm/qemu_process.h); `bench cleanup` kills a QEMU of a run that is over
 * all the same and removes its folder, $TMPDIR/bench-<run id>-qemu.XXXXXX
 * (console and QMP sockets, QEMU's log). */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../lib/clock.h"
#include "../lib/interrupt.h"
#include "../lib/json_notes.h"
#include "../lib/process.h"
#include "../lib/run_id.h"
#include "record_stream.h"
#include "runner.h"
#include "runner_hooks.h"
#include "vm_guest.h"
#include "../vm/accel.h"
#include "../vm/cpu_model.h"
#include "../vm/domain_xml.h"
#include "../vm/guest_cmdline.h"
#include "../vm/initramfs.h"
#include "../vm/kernel_cache.h"
#include "../vm/qemu_cmdline.h"
#include "../vm/qemu_process.h"
#include "../vm/qmp.h"
#include "../vm/snapshot_cache.h"
#include "../vm/tsc.h"

#define SUN_PATH_MAX sizeof(((struct sockaddr_un *)0)->sun_path)

struct qemu_runner {
	char binary[4096];
	struct vm_guest g;      /* the guest, as the vm runner's */
	enum vm_machine machine;
	char dir[128];
	char qemu_version[64];  /* from QMP query-version at the first launch */
	long tsc_khz;           /* > 0: tsc_early_khz= for the guest (microvm
				   under TCG, vm/tsc.h says why) */
	bool restore;           /* --vm-start restore */
	bool snapshot_made;     /* this run saved the image (not the cache) */
	char snapshot[512];     /* the saved guest (snapshot_cache.h) */
	char snapshot_refused[700]; /* why a cached image was not used */
};

struct qemu_instance {
	struct child child;
	struct qmp qmp;
	int con;                  /* the console socket, -1 when not connected */
	char name[128];
	char console[SUN_PATH_MAX];
	char qmp_path[SUN_PATH_MAX];
	char log[160];
	struct record_stream rs;
	uint64_t t_resumed_ns;
	bool restored;            /* started from the saved guest */
};

static int prepare(struct runner *r, bench_error *err)
{
	const struct run_config *cfg = r->cfg;
	struct qemu_runner *q;

	if (!cfg->run_id || !*cfg->run_id)
		return bench_fail(err, 0, "qemu: no run id (it names the QEMU processes)");
	q = calloc(1, sizeof(*q));
	if (!q)
		return bench_fail(err, errno, "qemu: calloc");
	r->priv = q;
	if (qemu_binary_find(q->binary, sizeof(q->binary), err) < 0)
		return bench_error_prefix(err, "qemu");
	if (vm_machine_parse(cfg->vm_machine ? cfg->vm_machine : "pc", &q->machine, err) < 0)
		return -1;
	if (vm_guest_accel(cfg, &q->g, err) < 0)
		return -1;
	if (q->machine == VM_MACHINE_MICROVM && q->g.accel == VM_ACCEL_TCG) {
		q->tsc_khz = vm_host_tsc_khz(err);
		if (q->tsc_khz <= 0)
			return bench_error_prefix(err, "qemu: --vm-machine microvm cannot work under TCG here: its guest "
						  "kernel has no clock to calibrate its TSC against and hangs, and "
						  "bench cannot tell it the rate");
	}
	if (vm_guest_load(cfg, "qemu", &q->g, err) < 0)
		return -1;
	/* The run's folder (qemu_remove_stale_folders tells leftovers). */
	return vm_guest_run_dir(cfg->run_id, "qemu", "qemu", "run folder", q->dir, sizeof(q->dir), err);
}

static void qemu_finish(struct runner *r);
static int snapshot_get(struct runner *r, bench_error *err);

static int qemu_prepare(struct runner *r, bench_error *err)
{
	if (prepare(r, err) == 0 && snapshot_get(r, err) == 0)
		return 0;
	qemu_finish(r); /* a failed prepare leaves nothing behind */
	return -1;
}

/* QEMU's own reason when it has exited, else err as it is. */
static int qemu_failed(struct qemu_instance *qi, bench_error *err)
{
	char line[256];

	if (!child_has_exited(&qi->child))
		return bench_error_prefix(err, "qemu: %s", qi->name);
	qemu_log_first_line(qi->log, line, sizeof(line));
	return bench_fail(err, 0, "qemu: %s exited: %s", qi->name, line[0] ? line : "(no message)");
}

/* Waits for QEMU's QMP socket and enters command mode. */
static int qmp_up(struct qemu_instance *qi, uint64_t deadline, bench_error *err)
{
	for (;;) {
		struct timespec ts = { 0, 200000 };
		int c = qmp_connect(&qi->qmp, qi->qmp_path, err);

		if (c < 0)
			return -1;
		if (c == 0)
			break;
		if (child_has_exited(&qi->child))
			return qemu_failed(qi, err);
		if (interrupt_check(err) < 0)
			return -1;
		if (clock_now_ns() >= deadline)
			return bench_fail(err, 0, "qemu: %s: no QMP monitor in time", qi->name);
		nanosleep(&ts, NULL);
	}
	if (qmp_handshake(&qi->qmp, deadline, err) < 0)
		return qemu_failed(qi, err);
	return 0;
}

/* Each vCPU thread on its CPU (vCPU i on cpus[i % n], as the domain's
 * <vcpupin>); the other threads keep the affinity QEMU was started with
 * (all of the run's CPUs, as <emulatorpin>).  Where vCPUs share a thread
 * (single-threaded TCG) it keeps all of them. */
static int pin_vcpus(struct qemu_runner *q, struct qemu_instance *qi, uint64_t deadline, bench_error *err)
{
	json_t *ret = NULL;
	int tids[VM_CPUS_MAX], n;

	if (q->g.ncpus == 0)
		return 0;
	if (qmp_execute(&qi->qmp, "query-cpus-fast", NULL, &ret, deadline, err) < 0)
		return qemu_failed(qi, err);
	n = qmp_vcpu_threads(ret, tids, VM_CPUS_MAX, err);
	json_decref(ret);
	if (n < 0)
		return bench_error_prefix(err, "qemu: %s", qi->name);
	for (int i = 0; i < n; i++) {
		bool shared = false;
		cpu_set_t set;

		for (int j = 0; j < n; j++)
			shared |= j != i && tids[j] == tids[i];
		if (shared)
			continue;
		CPU_ZERO(&set);
		CPU_SET(q->g.cpus[(unsigned)i % q->g.ncpus], &set);
		if (sched_setaffinity(tids[i], sizeof(set), &set) != 0)
			return bench_fail(err, errno, "qemu: pinning vCPU %d (thread %d)", i, tids[i]);
	}
	return 0;
}

static void remember_version(struct qemu_runner *q, struct qemu_instance *qi, uint64_t deadline)
{
	json_t *ret = NULL, *v;
	bench_error ignored = { 0 };

	if (q->qemu_version[0] || qmp_execute(&qi->qmp, "query-version", NULL, &ret, deadline, &ignored) < 0)
		return;
	v = json_object_get(ret, "qemu");
	if (json_is_integer(json_object_get(v, "major")) && json_is_integer(json_object_get(v, "minor")) &&
	    json_is_integer(json_object_get(v, "micro")))
		snprintf(q->qemu_version, sizeof(q->qemu_version), "%lld.%lld.%lld",
			 (long long)json_integer_value(json_object_get(v, "major")) % 1000,
			 (long long)json_integer_value(json_object_get(v, "minor")) % 1000,
			 (long long)json_integer_value(json_object_get(v, "micro")) % 1000);
	json_decref(ret);
}

/* The guest's kernel command line: a restored guest's is the saved one's
 * (task idle, seq 0), or QEMU would refuse the image. */
static int guest_cmdline(const struct qemu_runner *q, const struct instance *in, char *cmdline, size_t sz,
			 bench_error *err)
{
	size_t len;

	if (q->restore ? vm_guest_saved_cmdline(cmdline, sz, err) < 0
		       : vm_guest_cmdline(in->task.name, in->task.args, in->task.nargs, in->seq, cmdline, sz, err) < 0)
		return bench_error_prefix(err, "qemu");
	len = strlen(cmdline);
	if (q->tsc_khz > 0 &&
	    (size_t)snprintf(cmdline + len, sz - len, " tsc_early_khz=%ld", q->tsc_khz) >= sz - len)
		return bench_fail_usage(err, "qemu: the task's arguments do not fit on a kernel command line");
	return 0;
}

/* QEMU started paused, its monitor answering, its vCPUs pinned and its
 * console connected: the "create" phase.  incoming: it waits for a saved
 * guest instead of booting. */
static int start_qemu(struct runner *r, struct instance *in, bool incoming, uint64_t deadline, bench_error *err)
{
	struct qemu_runner *q = r->priv;
	struct qemu_instance *qi;
	struct qemu_spec spec;
	struct qemu_argv *argv;
	char cmdline[512];

	qi = calloc(1, sizeof(*qi));
	if (!qi)
		return bench_fail(err, errno, "qemu: calloc");
	qi->con = -1;
	qi->child.pidfd = -1;
	qmp_init(&qi->qmp);
	in->priv = qi;

	run_id_object_name(r->cfg->run_id, in->seq, qi->name, sizeof(qi->name));
	if ((size_t)snprintf(qi->console, sizeof(qi->console), "%s/%u.console", q->dir, in->seq) >= sizeof(qi->console) ||
	    (size_t)snprintf(qi->qmp_path, sizeof(qi->qmp_path), "%s/%u.qmp", q->dir, in->seq) >= sizeof(qi->qmp_path))
		return bench_fail(err, ENAMETOOLONG, "qemu: socket path");
	snprintf(qi->log, sizeof(qi->log), "%s/%u.log", q->dir, in->seq);
	if (guest_cmdline(q, in, cmdline, sizeof(cmdline), err) < 0)
		return -1;
	spec = (struct qemu_spec){
		.name = qi->name,
		.machine = q->machine,
		.accel = q->g.accel,
		.memory_mib = q->g.memory_mib,
		.vcpus = q->g.ncpus,
		.kernel = q->g.kernel.path,
		.initrd = q->g.initrd,
		.cmdline = cmdline,
		.console_socket = qi->console,
		.qmp_socket = qi->qmp_path,
		.incoming = incoming ? q->snapshot : NULL,
	};
	argv = malloc(sizeof(*argv));
	if (!argv)
		return bench_fail(err, ENOMEM, "qemu");
	if (qemu_argv_build(&spec, argv, err) < 0 ||
	    qemu_spawn(q->binary, argv, q->g.cpus, q->g.ncpus, qi->log, incoming ? q->snapshot : NULL, &qi->child,
		       err) < 0) {
		free(argv);
		return -1;
	}
	free(argv);
	if (qmp_up(qi, deadline, err) < 0 || pin_vcpus(q, qi, deadline, err) < 0)
		return -1;
	/* QEMU made the console socket before its monitor's: it is there. */
	return vm_guest_console_connect("qemu", qi->name, qi->console, &qi->con, &qi->rs, err);
}

/* Until QEMU's migration (either way) has completed. */
static int migration_wait(struct qemu_instance *qi, uint64_t deadline, bench_error *err)
{
	for (;;) {
		json_t *ret = NULL;
		const char *status;
		struct timespec ts = { 0, 500000 };
		bool done, failed;

		if (qmp_execute(&qi->qmp, "query-migrate", NULL, &ret, deadline, err) < 0)
			return qemu_failed(qi, err);
		status = json_string_value(json_object_get(ret, "status"));
		done = status && strcmp(status, "completed") == 0;
		failed = status && (strcmp(status, "failed") == 0 || strcmp(status, "cancelled") == 0);
		if (failed)
			bench_fail(err, 0, "qemu: %s: migration %s: %.200s", qi->name, status,
				   json_string_value(json_object_get(ret, "error-desc")) ?
					   json_string_value(json_object_get(ret, "error-desc")) : "no reason given");
		json_decref(ret);
		if (done)
			return 0;
		if (failed)
			return -1;
		if (clock_now_ns() >= deadline)
			return bench_fail(err, 0, "qemu: %s: migration did not complete in time", qi->name);
		if (interrupt_check(err) < 0)
			return -1;
		nanosleep(&ts, NULL);
	}
}

static int migrate_uri(json_t **args, const char *shell_cmd, const char *path)
{
	char uri[1100];

	snprintf(uri, sizeof(uri), "exec:%s%s", shell_cmd, path);
	*args = json_pack("{s:s}", "uri", uri);
	return *args ? 0 : -1;
}

static int qemu_launch(struct runner *r, struct instance *in, bench_error *err)
{
	struct qemu_runner *q = r->priv;
	struct qemu_instance *qi;
	int timeout_ms = vm_guest_timeout_ms(r->cfg);
	uint64_t deadline, t_created, t_restored;

	in->t_launch_ns = clock_now_ns();
	deadline = in->t_launch_ns + (uint64_t)timeout_ms * 1000000u;
	if (q->restore && strcmp(in->task.name, BENCH_TASK_READY) != 0 && strcmp(in->task.name, BENCH_TASK_IDLE) != 0)
		return bench_fail_usage(err, "qemu: --vm-start restore brings back an idle agent: it serves the tasks "
					"ready and idle, not %.40s", in->task.name);
	if (start_qemu(r, in, q->restore, deadline, err) < 0)
		return -1;
	qi = in->priv;
	t_created = clock_now_ns();
	instance_add_phase(in, "create", t_created - in->t_launch_ns);
	t_restored = t_created;
	if (q->restore) {
		json_t *args;

		/* The image is QEMU's standard input (qemu_spawn): QEMU reads
		 * it itself, where "exec:cat FILE" adds a shell, a cat and a
		 * pipe that every byte crosses. */
		args = json_pack("{s:s}", "uri", "fd:0");
		if (!args)
			return bench_fail(err, ENOMEM, "qemu");
		if (qmp_execute(&qi->qmp, "migrate-incoming", args, NULL, deadline, err) < 0) {
			json_decref(args);
			return qemu_failed(qi, err);
		}
		json_decref(args);
		if (migration_wait(qi, deadline, err) < 0)
			return -1;
		qi->restored = true;
		t_restored = clock_now_ns();
		instance_add_phase(in, "restore", t_restored - t_created);
	}
	if (qmp_execute(&qi->qmp, "cont", NULL, NULL, deadline, err) < 0)
		return qemu_failed(qi, err);
	qi->t_resumed_ns = clock_now_ns();
	instance_add_phase(in, "resume", qi->t_resumed_ns - t_restored);
	if (qi->restored && send(qi->con, BENCH_PROTO_RESTORED_LINE, strlen(BENCH_PROTO_RESTORED_LINE),
				 MSG_NOSIGNAL) != (ssize_t)strlen(BENCH_PROTO_RESTORED_LINE))
		return bench_fail(err, errno, "qemu: telling the restored guest %s", qi->name);
	remember_version(q, qi, deadline);
	return 0;
}

static int qemu_wait_ready(struct runner *r, struct instance *in, bench_error *err)
{
	struct qemu_instance *qi = in->priv;
	uint64_t boot_ns;

	if (!qi || qi->con < 0)
		return bench_fail(err, 0, "qemu: wait_ready without a launched guest");
	if (vm_guest_read_ready("qemu", qi->name, qi->con, &qi->rs, in, vm_guest_timeout_ms(r->cfg), err) < 0)
		return -1;
	if (qi->restored) {
		/* Its kernel has been up since the saved boot: no uptime to
		 * measure, only how long the agent took to answer. */
		instance_add_phase(in, "answer", in->t_ready_ns - qi->t_resumed_ns);
		in->host_pid = qi->child.pid;
		return 0;
	}
	if (vm_guest_boot_phases("qemu", qi->name, in, &qi->rs, qi->t_resumed_ns, &boot_ns, err) < 0)
		return -1;
	in->host_pid = qi->child.pid;
	return 0;
}

static int qemu_collect(struct runner *r, struct instance *in, struct agent_record *rec, int timeout_ms,
			bench_error *err)
{
	struct qemu_instance *qi = in->priv;

	(void)r;
	if (!qi || qi->con < 0)
		return bench_fail(err, 0, "qemu: collect without a launched guest");
	return vm_guest_collect("qemu", qi->name, qi->con, &qi->rs, rec, timeout_ms, err);
}

static int qemu_stop(struct runner *r, struct instance *in, bench_error *err)
{
	struct qemu_instance *qi = in->priv;
	int timeout_ms = vm_guest_timeout_ms(r->cfg);
	uint64_t deadline = clock_now_ns() + (uint64_t)timeout_ms * 1000000u;
	bool timed_out;

	if (!qi || qi->child.pid <= 0)
		return 0;
	/* As the vm runner: a ready agent powers the guest off by itself;
	 * any other is told to, and must still be there to be told. */
	if (qi->con >= 0 && (qi->restored || !task_ends_by_itself(&in->task)) &&
	    vm_guest_tell_stop("qemu", qi->name, qi->con, &qi->rs, err) < 0)
		return -1;
	/* QEMU closes the console when it exits. */
	if (vm_guest_console_drain("qemu", qi->name, qi->con, &qi->rs, deadline, timeout_ms, &timed_out, err) < 0)
		return -1;
	/* Then until the process is gone. */
	if (child_wait(&qi->child, deadline, err) < 0)
		return bench_error_prefix(err, "qemu: %s", qi->name);
	unlink(qi->console);
	unlink(qi->qmp_path);
	unlink(qi->log);
	in->t_gone_ns = clock_now_ns();
	return 0;
}

static void qemu_destroy(struct runner *r, struct instance *in)
{
	struct qemu_instance *qi = in->priv;

	(void)r;
	if (!qi)
		return;
	if (qi->con >= 0)
		close(qi->con);
	qmp_close(&qi->qmp);
	if (qi->child.pid > 0)
		child_kill(&qi->child);
	else if (qi->child.pidfd >= 0)
		close(qi->child.pidfd);
	if (qi->console[0])
		unlink(qi->console);
	if (qi->qmp_path[0])
		unlink(qi->qmp_path);
	if (qi->log[0])
		unlink(qi->log);
	free(qi);
	in->priv = NULL;
}

static void qemu_finish(struct runner *r)
{
	struct qemu_runner *q = r->priv;

	if (!q)
		return;
	if (q->dir[0])
		rmdir(q->dir);
	free(q);
	r->priv = NULL;
}

static void qemu_describe(struct runner *r, void *json_object)
{
	struct qemu_runner *q = r->priv;
	json_t *o = json_object;

	if (!o || !q)
		return;
	/* The keys both VM runners share hold the same values (the same
	 * guest); the qemu runner's own start with "qemu_runner_". */
	vm_guest_describe_boot("qemu", &q->g, o);
	vm_guest_describe_cpu(&q->g, o);
	json_object_set_new(o, "kernel_cmdline", json_string(VM_CMDLINE_BASE));
	json_object_set_new(o, "qemu_runner_machine", json_string(vm_machine_name(q->machine)));
	json_object_set_new(o, "qemu_runner_binary", json_string(q->binary));
	if (q->tsc_khz > 0)
		json_object_set_new(o, "qemu_runner_tsc_early_khz", json_integer(q->tsc_khz));
	json_object_set_new(o, "qemu_runner_start", json_string(q->restore ? "restore" : "cold"));
	if (q->restore) {
		json_object_set_new(o, "qemu_runner_snapshot", json_string(q->snapshot));
		json_object_set_new(o, "qemu_runner_snapshot_made", json_boolean(q->snapshot_made));
	}
	if (q->snapshot_refused[0])
		results_meta_note(o, "qemu: %s", q->snapshot_refused);
	json_object_set_new(o, "qemu_runner_control", json_string("QMP on a unix socket, no libvirt"));
	if (q->qemu_version[0])
		json_object_set_new(o, "qemu_runner_qemu_version", json_string(q->qemu_version));
}

static int qemu_wait_ready(struct runner *r, struct instance *in, bench_error *err);
static void qemu_destroy(struct runner *r, struct instance *in);

/* Everything that went into a saved guest, as text: its sha256 names the
 * image (snapshot_cache.h).  QEMU is named by its binary's size and time. */
static void snapshot_key(const struct qemu_runner *q, char *key, size_t sz)
{
	struct stat st = { 0 };
	char cmdline[512];
	bench_error ignored = { 0 };

	stat(q->binary, &st);
	if (vm_guest_saved_cmdline(cmdline, sizeof(cmdline), &ignored) < 0)
		cmdline[0] = '\0';
	snprintf(key, sz,
		 "bench snapshot 2\nqemu %s %lld %lld\nkernel %s %s %s\ninitrd %s agent %s\nmachine %s\naccel %s\n"
		 "cpu %s\nvcpus %u\nmemory %u\ncmdline %s tsc %ld\n",
		 q->binary, (long long)st.st_size, (long long)st.st_mtime, q->g.kernel.path, q->g.kernel.release, q->g.kernel.sha256,
		 q->g.initrd,
		 q->g.agent_sha256, vm_machine_name(q->machine), accel_name(q->g.accel), vm_cpu_model_name(q->g.accel),
		 q->g.ncpus, q->g.memory_mib, cmdline, q->tsc_khz);
}

/* Boots the guest to an idle agent and migrates it, stopped, to tmp. */
static int snapshot_make(struct runner *r, const char *tmp, bench_error *err)
{
	struct qemu_runner *q = r->priv;
	struct instance in;
	struct qemu_instance *qi;
	json_t *args = NULL;
	uint64_t deadline;
	int rc = -1;

	q->restore = false; /* this one boots */
	vm_guest_saved_instance(&in, r);
	if (qemu_launch(r, &in, err) < 0 || qemu_wait_ready(r, &in, err) < 0)
		goto out;
	qi = in.priv;
	deadline = clock_now_ns() + 60000000000ull;
	if (qmp_execute(&qi->qmp, "stop", NULL, NULL, deadline, err) < 0 || migrate_uri(&args, "cat > ", tmp) < 0 ||
	    qmp_execute(&qi->qmp, "migrate", args, NULL, deadline, err) < 0 || migration_wait(qi, deadline, err) < 0)
		goto out;
	rc = 0;
out:
	json_decref(args);
	qemu_destroy(r, &in);
	q->restore = true;
	return rc;
}

static int snapshot_get(struct runner *r, bench_error *err)
{
	struct qemu_runner *q = r->priv;
	char key[16384], tmp[600];

	if (!r->cfg->vm_start || strcmp(r->cfg->vm_start, "cold") == 0)
		return 0;
	if (strcmp(r->cfg->vm_start, "restore") != 0)
		return bench_fail_usage(err, "--vm-start: '%.20s' is not one of cold, restore", r->cfg->vm_start);
	q->restore = true;
	snapshot_key(q, key, sizeof(key));
	if (snapshot_paths(key, "qemu", r->cfg->run_id, q->snapshot, sizeof(q->snapshot), tmp, sizeof(tmp), err) < 0)
		return bench_error_prefix(err, "qemu");
	if (snapshot_check(q->snapshot, q->snapshot_refused, sizeof(q->snapshot_refused)) == 1)
		return 0;
	if (snapshot_make(r, tmp, err) < 0) {
		unlink(tmp);
		return bench_error_prefix(err, "qemu: saving the guest for --vm-start restore");
	}
	if (snapshot_seal(tmp, q->snapshot, err) < 0) {
		unlink(tmp);
		return bench_error_prefix(err, "qemu");
	}
	q->snapshot_made = true;
	return 0;
}

const struct runner_ops qemu_runner_ops = {
	.name = "qemu",
	.needs_root = false,
	.summary = "the vm runner's guest with QEMU started directly and driven over QMP, no libvirt "
		   "(KVM, or TCG emulation where KVM cannot boot)",
	.caps = RUNNER_CAP_GUEST_KERNEL | RUNNER_CAP_LIMITS,
	.default_runs = 5,
	.prepare = qemu_prepare,
	.launch = qemu_launch,
	.wait_ready = qemu_wait_ready,
	.collect = qemu_collect,
	.stop = qemu_stop,
	.destroy = qemu_destroy,
	.finish = qemu_finish,
	.describe = qemu_describe,
	.doctor = qemu_doctor_checks,
	.cleanup = qemu_cleanup,
};
