/* The containerd runner: the agent as containerd runs a container, driven
 * through ctr (containerd's own client) with the runc v2 shim
 * (io.containerd.runc.v2) that Kubernetes nodes use: the path the kubelet
 * takes through CRI, minus the kubelet, the pause container and CNI.
 *
 * Once per run (prepare, untimed per sample, recorded as a run figure):
 * bench builds the agent's OCI image itself (oci/oci_image.c; never pulled),
 * imports it (`ctr image import`: content store, unpacked into a snapshot)
 * and mounts a read-only view of it (`ctr image mount`: a snapshot and a
 * lease), the root every container of the run shares.
 * Per instance: the spec (oci/oci_spec.c, the same container as bench's
 * own), then `ctr run --rm --config` whose phases are
 *   task_create  ctr's container record and the task's creation: the shim
 *           starts, runc creates the container (ends when ctr writes the
 *           task's pid file, before it starts the task);
 *   task_start   the task's start: runc start, the agent's exec, until READY;
 * and, on stop, ctr forwards SIGTERM to the task, deletes the task and the
 * container and exits ("gone").
 * Every name carries the run id (lib/run_id.h) in containerd's namespace
 * "bench", so `bench cleanup` finds what a killed run left
 * (containerd_cleanup.c). */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/clock.h"
#include "../lib/interrupt.h"
#include "../lib/json_notes.h"
#include "../lib/run_id.h"
#include "../container/cgroup.h"
#include "../oci/oci_image.h"
#include "../oci/oci_spec.h"
#include "containerd_ctr.h"
#include "containerd_runner.h"
#include "instance_link.h"
#include "record_stream.h"
#include "runner.h"
#include "runner_hooks.h"
#include "workload_exit.h"

#define CTD_RUNTIME "io.containerd.runc.v2"
#define CTD_CALL_MS 60000

struct ctd_runner {
	char sock[256];
	char run_dir[PATH_MAX];      /* CTD_RUNS_DIR/bench-<run id> */
	char rootfs[PATH_MAX + 16];  /* <run_dir>/rootfs: the image's view */
	char image_ref[128];
	bool run_dir_made, imported, mounted;
	struct oci_image image;
	bool hardened;
	struct cg_layout layout;     /* where the tasks' cgroups can be read */
	char containerd_version[64];
	char runc_version[64];
	uint64_t build_ns, import_ns, mount_ns;
	uint64_t ctr_call_ns;        /* `ctr version`: a ctr process and one
					call, which every start pays and a
					kubelet (a long-lived client) does not */
	uint64_t caps_held;          /* bench's bounding set: runc gives no more */
	int devnull;
};

struct ctd_instance {
	char name[64];               /* container and task id */
	char spec_path[PATH_MAX + 96];
	char pid_path[PATH_MAX + 96];
	struct ctr_proc ctr;         /* ctr run */
	int out;                     /* read end of ctr's stdout */
	struct record_stream rs;
	uint64_t t_created_ns;
	bool gone;                   /* ctr run exited after deleting all */
	struct instance_link link;   /* when run_config.net asks for one */
};

static void ctd_finish(struct runner *r);

static void runc_version(char *out, size_t len)
{
	static const char *const args[] = { "--version", NULL };
	bench_error ignored = { 0 };
	char text[1024];

	out[0] = '\0';
	if (tool_call("runc", args, text, sizeof(text), 10000, &ignored) == 0)
		ctr_version_after(text, NULL, "runc version", out, len);
}

static int import_image(struct ctd_runner *cr, const struct run_config *cfg, bench_error *err)
{
	static const char *const import[] = { "images", "import", "-", NULL };
	uint64_t t0 = clock_now_ns();
	int fd = memfd_create("bench-oci-image", MFD_CLOEXEC), rc;

	if (fd < 0)
		return bench_fail(err, errno, "memfd_create");
	rc = oci_image_write(cfg->agent_path, OCI_AGENT_PATH, cr->image_ref, fd, &cr->image, err);
	cr->build_ns = clock_now_ns() - t0;
	if (rc == 0 && lseek(fd, 0, SEEK_SET) != 0)
		rc = bench_fail(err, errno, "lseek");
	t0 = clock_now_ns();
	if (rc == 0)
		rc = ctr_call(cr->sock, import, fd, NULL, 0, CTD_CALL_MS, err);
	cr->import_ns = clock_now_ns() - t0;
	close(fd);
	if (rc == 0)
		cr->imported = true;
	return rc;
}

static int prepare(struct runner *r, struct ctd_runner *cr, bench_error *err)
{
	const struct run_config *cfg = r->cfg;
	static const char *const version[] = { "version", NULL };
	char text[2048];
	bench_error ignored = { 0 };
	uint64_t t0;

	if (ctr_installed(err) < 0)
		return -1;
	snprintf(cr->sock, sizeof(cr->sock), "%s", ctr_socket());
	if (ctr_daemon_check(cr->sock, err) < 0)
		return -1;
	t0 = clock_now_ns();
	if (ctr_call(cr->sock, version, -1, text, sizeof(text), CTD_CALL_MS, err) < 0)
		return -1;
	cr->ctr_call_ns = clock_now_ns() - t0;
	ctr_version_after(text, "Server:", "Version:", cr->containerd_version, sizeof(cr->containerd_version));
	runc_version(cr->runc_version, sizeof(cr->runc_version));
	if (oci_profile_parse(cfg->profile, &cr->hardened, err) < 0)
		return -1;
	if (cg_detect(&cr->layout, &ignored) < 0)
		cr->layout.version = 0;
	for (int c = 0; c < 64; c++)
		if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1)
			cr->caps_held |= 1ull << c;

	if (mkdir(CTD_RUNS_DIR, 0700) < 0 && errno != EEXIST)
		return bench_fail(err, errno, "mkdir %s", CTD_RUNS_DIR);
	snprintf(cr->run_dir, sizeof(cr->run_dir), "%s/" RUN_ID_PREFIX "%s", CTD_RUNS_DIR, cfg->run_id);
	if (mkdir(cr->run_dir, 0700) < 0)
		return bench_fail(err, errno, "mkdir %s", cr->run_dir);
	cr->run_dir_made = true;
	snprintf(cr->rootfs, sizeof(cr->rootfs), "%s/rootfs", cr->run_dir);
	if (mkdir(cr->rootfs, 0755) < 0)
		return bench_fail(err, errno, "mkdir %s", cr->rootfs);
	snprintf(cr->image_ref, sizeof(cr->image_ref), CTD_IMAGE_REPO ":" RUN_ID_PREFIX "%s", cfg->run_id);
	if (import_image(cr, cfg, err) < 0)
		return -1;
	{
		const char *const mount[] = { "images", "mount", cr->image_ref, cr->rootfs, NULL };

		t0 = clock_now_ns();
		if (ctr_call(cr->sock, mount, -1, NULL, 0, CTD_CALL_MS, err) < 0)
			return -1;
		cr->mount_ns = clock_now_ns() - t0;
		cr->mounted = true;
	}
	cr->devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (cr->devnull < 0)
		return bench_fail(err, errno, "open /dev/null");
	return 0;
}

static int ctd_prepare(struct runner *r, bench_error *err)
{
	struct ctd_runner *cr;

	if (geteuid() != 0)
		return bench_fail(err, 0, "containerd: needs root");
	cr = calloc(1, sizeof(*cr));
	if (!cr)
		return bench_fail(err, errno, "containerd: calloc");
	cr->devnull = -1;
	r->priv = cr;
	if (prepare(r, cr, err) == 0)
		return 0;
	bench_error_prefix(err, "containerd");
	ctd_finish(r); /* a failed prepare leaves nothing behind */
	return -1;
}

/* cgroupsPath of an instance (cgroupfs driver): below a parent of this
 * runner's own, which finish removes when no run uses it any more. */
static void cgroups_path(const char *name, char *out, size_t len)
{
	snprintf(out, len, "/" CTD_CGROUP_PARENT "/%s", name);
}

static int write_spec(struct runner *r, struct instance *in, struct ctd_instance *ci, bench_error *err)
{
	struct ctd_runner *cr = r->priv;
	const struct run_config *cfg = r->cfg;
	const char *argv[RUNNER_TASK_ARGS_MAX + 4];
	char hostname[64], cgpath[96], disk_dir[4096], disk_arg[300];
	struct oci_spec_params p;
	json_t *spec;
	int argc = 0, rc;

	argv[argc++] = OCI_AGENT_PATH;
	argv[argc++] = in->task.name;
	for (int i = 0; i < in->task.nargs && i < RUNNER_TASK_ARGS_MAX; i++)
		argv[argc++] = in->task.args[i];
	if (in->task.disk) {
		if (agent_task_disk_bind(&in->task, OCI_DISK_DIR, disk_dir, sizeof(disk_dir), disk_arg,
					 sizeof(disk_arg), err) < 0)
			return -1;
		argv[argc++] = disk_arg;
	}
	argv[argc] = NULL;
	snprintf(hostname, sizeof(hostname), "bench-ctd-%u", in->seq);
	cgroups_path(ci->name, cgpath, sizeof(cgpath));
	p = (struct oci_spec_params){
		.argv = argv,
		.hostname = hostname,
		.rootfs = cr->rootfs,
		.cgroups_path = cgpath,
		.cpus = cfg->cpus,
		.memory_bytes = (uint64_t)cfg->memory_mib << 20,
		.cpu_period_us = 100000,
		.cpu_quota_us = (long)(cfg->ncpus ? cfg->ncpus : 1) * 100000,
		.pids_max = cfg->pids_max,
		.hardened = cr->hardened,
		.caps_held = cr->caps_held,
		.bind_dir = in->task.disk ? disk_dir : NULL,
	};
	spec = oci_spec_build(&p, err);
	if (!spec)
		return -1;
	rc = json_dump_file(spec, ci->spec_path, JSON_COMPACT);
	json_decref(spec);
	if (rc != 0)
		return bench_fail(err, 0, "writing %s", ci->spec_path);
	return 0;
}

/* Reads the task's pid that ctr wrote; 0 when it cannot. */
static pid_t read_pid(const char *path)
{
	char buf[32];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n;
	long v;
	char *end;

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno || end == buf || v <= 1 || v > 4194304)
		return 0;
	return (pid_t)v;
}

/* Waits until ctr renames its pid file into place: the task exists.
 * Fails when ctr exits first (with its own last line), on the deadline or
 * on Ctrl-C. */
static int wait_created(struct ctd_instance *ci, int ino, const char *pid_name, uint64_t deadline, bench_error *err)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));

	for (;;) {
		struct pollfd pf[2] = { { .fd = ino, .events = POLLIN }, { .fd = ci->ctr.ch.pidfd, .events = POLLIN } };
		ssize_t n;

		if (access(ci->pid_path, F_OK) == 0)
			return 0;
		if (child_has_exited(&ci->ctr.ch)) {
			char line[256];

			if (access(ci->pid_path, F_OK) == 0)
				return 0;
			ctr_stderr_tail(&ci->ctr, line, sizeof(line));
			return bench_fail(err, 0, "ctr run ended before the task was created: %s",
					  line[0] ? line : "(no message)");
		}
		if (clock_now_ns() >= deadline)
			return bench_fail(err, 0, "the task was not created in time");
		if (interrupt_poll(pf, 2, deadline, err) < 0)
			return -1;
		/* Drain: the access() above says whether ours came. */
		do
			n = read(ino, buf, sizeof(buf));
		while (n > 0);
		(void)pid_name;
	}
}

static int ctd_launch(struct runner *r, struct instance *in, bench_error *err)
{
	struct ctd_runner *cr = r->priv;
	struct ctd_instance *ci;
	uint64_t deadline, t_spec;
	char pid_name[80];
	int pipefd[2], ino = -1, rc = -1;

	in->t_launch_ns = clock_now_ns();
	deadline = in->t_launch_ns + (uint64_t)r->cfg->timeout_ms * 1000000u;
	ci = calloc(1, sizeof(*ci));
	if (!ci)
		return bench_fail(err, errno, "containerd: calloc");
	ci->out = -1;
	ci->ctr.errfd = -1;
	ci->ctr.ch.pidfd = -1;
	in->priv = ci;
	run_id_object_name(r->cfg->run_id, in->seq, ci->name, sizeof(ci->name));
	snprintf(ci->spec_path, sizeof(ci->spec_path), "%s/%s.json", cr->run_dir, ci->name);
	snprintf(pid_name, sizeof(pid_name), "%s.pid", ci->name);
	snprintf(ci->pid_path, sizeof(ci->pid_path), "%s/%s", cr->run_dir, pid_name);
	if (write_spec(r, in, ci, err) < 0)
		return bench_error_prefix(err, "containerd");
	t_spec = clock_now_ns();

	ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (ino < 0 || inotify_add_watch(ino, cr->run_dir, IN_MOVED_TO | IN_CLOSE_WRITE) < 0) {
		bench_fail(err, errno, "containerd: inotify");
		goto out;
	}
	if (pipe2(pipefd, O_CLOEXEC) != 0) {
		bench_fail(err, errno, "containerd: pipe");
		goto out;
	}
	ci->out = pipefd[0];
	record_stream_init(&ci->rs, ci->out, CHANNEL_STRICT);
	{
		const char *const args[] = { "run",		"--rm",	 "--runtime", CTD_RUNTIME, "--config",
					     ci->spec_path, "--pid-file", ci->pid_path, ci->name,    NULL };

		rc = ctr_start(&ci->ctr, cr->sock, args, cr->devnull, pipefd[1], err);
	}
	close(pipefd[1]);
	if (rc < 0) {
		bench_error_prefix(err, "containerd");
		goto out;
	}
	rc = wait_created(ci, ino, pid_name, deadline, err);
	if (rc < 0) {
		bench_error_prefix(err, "containerd");
		goto out;
	}
	ci->t_created_ns = clock_now_ns();
	in->host_pid = read_pid(ci->pid_path);
	instance_add_phase(in, "spec", t_spec - in->t_launch_ns);
	instance_add_phase(in, "task_create", ci->t_created_ns - t_spec);
	/* Once the task's namespace is there, as the kubelet's CNI call
	 * follows the sandbox's creation; the agent waits for its address. */
	rc = instance_link_up(&ci->link, r->cfg, in, in->host_pid, err);
	if (rc < 0)
		bench_error_prefix(err, "containerd");
out:
	if (ino >= 0)
		close(ino);
	return rc;
}

static int ctd_wait_ready(struct runner *r, struct instance *in, bench_error *err)
{
	struct ctd_instance *ci = in->priv;
	uint64_t deadline = in->t_launch_ns + (uint64_t)r->cfg->timeout_ms * 1000000u;
	int st = record_stream_next(&ci->rs, deadline, &in->ready, err);

	if (st != RECORD_STREAM_OK) {
		char line[256];

		ctr_stderr_tail(&ci->ctr, line, sizeof(line));
		if (st == RECORD_STREAM_EOF && line[0])
			return bench_fail(err, 0, "containerd: ctr run: %s", line);
		return bench_error_prefix(err, "containerd: waiting for READY (timeout %d ms)", r->cfg->timeout_ms);
	}
	in->t_ready_ns = ci->rs.t_record_ns;
	if (record_check_ready(&in->ready, err) < 0)
		return bench_error_prefix(err, "containerd");
	if (strcmp(record_get(&in->ready, "pid"), "1") != 0)
		return bench_fail(err, 0, "containerd: the agent is PID %s, not 1: no PID namespace",
				  record_get(&in->ready, "pid"));
	instance_add_phase(in, "task_start", in->t_ready_ns - ci->t_created_ns);
	return 0;
}

static int ctd_collect(struct runner *r, struct instance *in, struct agent_record *rec, int timeout_ms,
		       bench_error *err)
{
	struct ctd_instance *ci = in->priv;

	(void)r;
	if (record_stream_next(&ci->rs, clock_now_ns() + (uint64_t)timeout_ms * 1000000u, rec, err) !=
	    RECORD_STREAM_OK)
		return bench_error_prefix(err, "containerd");
	return 0;
}

/* ctr run exits with the task's exit status; 128+N when the task died of
 * signal N.  Said as a wait status, for workload_end_check. */
static int task_wait_status(int ctr_status)
{
	int code;

	if (!WIFEXITED(ctr_status))
		return ctr_status;
	code = WEXITSTATUS(ctr_status);
	if (code > 128 && code < 128 + NSIG)
		return code - 128; /* WIFSIGNALED, WTERMSIG == code - 128 */
	return ctr_status;
}

static int ctd_stop(struct runner *r, struct instance *in, bench_error *err)
{
	struct ctd_instance *ci = in->priv;
	struct workload_end e = { .stop_signal = SIGTERM };
	uint64_t t_stop = clock_now_ns(), deadline = t_stop + (uint64_t)r->cfg->timeout_ms * 1000000u;
	int status = 0;

	e.task_over = task_ends_by_itself(&in->task) || ci->rs.saw_done;
	/* ctr forwards the signal to the task (containerd's kill), as the
	 * kubelet's StopContainer does. */
	if (!task_ends_by_itself(&in->task) && !child_has_exited(&ci->ctr.ch)) {
		e.asked_to_stop = true;
		if (kill(ci->ctr.ch.pid, SIGTERM) < 0 && errno != ESRCH)
			return bench_fail(err, errno, "containerd: signalling ctr");
	}
	if (ctr_wait(&ci->ctr, deadline, &status, err) < 0)
		return bench_error_prefix(err, "containerd: the task did not end");
	in->t_gone_ns = clock_now_ns();
	ci->gone = true;
	/* The stop: the signal's way through containerd, the agent's exit,
	 * the task's and the container's deletion. */
	instance_add_measure(in, "delete", in->t_gone_ns - t_stop);
	/* ctr's own failure (not the task's status) says so on stderr. */
	e.status = task_wait_status(status);
	if (workload_end_check(&e, err) < 0) {
		char line[256];

		ctr_stderr_tail(&ci->ctr, line, sizeof(line));
		if (line[0] && strncmp(line, "ctr: ", 5) == 0)
			return bench_fail(err, 0, "containerd: ctr run: %s", line);
		return bench_error_prefix(err, "containerd");
	}
	return 0;
}

static void ctd_destroy(struct runner *r, struct instance *in)
{
	struct ctd_runner *cr = r->priv;
	struct ctd_instance *ci = in->priv;

	if (!ci)
		return;
	ctr_release(&ci->ctr);
	/* ctr was killed or failed: what it made may still be there. */
	if (!ci->gone && cr)
		ctd_remove_container(cr->sock, ci->name);
	if (ci->out >= 0)
		close(ci->out);
	if (ci->spec_path[0])
		unlink(ci->spec_path);
	if (ci->pid_path[0])
		unlink(ci->pid_path);
	instance_link_down(&ci->link);
	free(ci);
	in->priv = NULL;
}

static void ctd_finish(struct runner *r)
{
	struct ctd_runner *cr = r->priv;
	const char *run_id = r->cfg ? r->cfg->run_id : NULL;

	if (!cr)
		return;
	/* A shim that outlives its task by a few ms would outlive bench. */
	if (run_id)
		ctd_reap_shims(run_id);
	if (cr->mounted || cr->imported || cr->run_dir_made)
		ctd_remove_run(cr->sock, cr->run_dir, cr->image_ref);
	ctd_cgroups_remove(run_id, false);
	if (cr->devnull >= 0)
		close(cr->devnull);
	free(cr);
	r->priv = NULL;
}

static int ctd_cgroup_memory(struct runner *r, const struct instance *in, uint64_t *bytes, bench_error *err)
{
	struct ctd_runner *cr = r->priv;
	const struct ctd_instance *ci = in->priv;
	char path[PATH_MAX + 200], cgpath[96], buf[64], *end;
	const char *base, *file;
	int fd;
	ssize_t n;

	if (!cr || !ci)
		return bench_fail(err, 0, "containerd: not a launched instance");
	/* runc (cgroupfs driver) puts the task in the v1 memory hierarchy
	 * where one is mounted (hybrid hosts too), else in the v2 one. */
	if (cr->layout.v1_mount[CG_MEMORY][0]) {
		base = cr->layout.v1_mount[CG_MEMORY];
		file = "memory.usage_in_bytes";
	} else if (cr->layout.v2_mount[0]) {
		base = cr->layout.v2_mount;
		file = "memory.current";
	} else {
		return bench_fail(err, 0, "containerd: no memory cgroup to read");
	}
	cgroups_path(ci->name, cgpath, sizeof(cgpath));
	snprintf(path, sizeof(path), "%s%s/%s", base, cgpath, file);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return bench_fail(err, errno, "containerd: %s", path);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return bench_fail(err, n < 0 ? errno : 0, "containerd: reading %s", path);
	buf[n] = '\0';
	errno = 0;
	*bytes = strtoull(buf, &end, 10);
	if (errno || end == buf)
		return bench_fail(err, 0, "containerd: %s holds '%.20s', not a number", file, buf);
	return 0;
}

static void ctd_describe(struct runner *r, void *json_object)
{
	struct ctd_runner *cr = r->priv;
	json_t *o = json_object;

	if (!o || !cr)
		return;
	json_object_set_new(o, "containerd_version", json_string(cr->containerd_version));
	json_object_set_new(o, "containerd_runc_version", json_string(cr->runc_version));
	json_object_set_new(o, "containerd_shim", json_string(CTD_RUNTIME));
	json_object_set_new(o, "containerd_socket", json_string(cr->sock));
	json_object_set_new(o, "containerd_namespace", json_string(CTR_NAMESPACE));
	json_object_set_new(o, "containerd_image", json_string(cr->image_ref));
	json_object_set_new(o, "containerd_image_digest", json_string(cr->image.manifest_digest));
	json_object_set_new(o, "containerd_layer_digest", json_string(cr->image.layer_digest));
	json_object_set_new(o, "containerd_cgroup_driver", json_string("cgroupfs"));
	json_object_set_new(o, "containerd_cgroup_layout",
			    json_string(cr->layout.version ? cg_layout_describe(&cr->layout) : "unknown"));
	json_object_set_new(o, "containerd_prepare_ms",
			    json_real(ns_to_ms(cr->build_ns + cr->import_ns + cr->mount_ns)));
	json_object_set_new(o, "containerd_image_build_ms", json_real(ns_to_ms(cr->build_ns)));
	json_object_set_new(o, "containerd_image_import_ms", json_real(ns_to_ms(cr->import_ns)));
	json_object_set_new(o, "containerd_image_mount_ms", json_real(ns_to_ms(cr->mount_ns)));
	json_object_set_new(o, "containerd_ctr_version_call_ms", json_real(ns_to_ms(cr->ctr_call_ns)));
	results_meta_note(o,
			  "containerd = ctr -> containerd %s -> runc v2 shim -> runc %s: the kubelet's path through "
			  "CRI minus the kubelet, the pause container and CNI (none of them measured). task_create: "
			  "ctr's own start (one call: %.0f ms), container record, shim start, runc create; task_start: runc "
			  "start to READY; delete: stop to task and container deleted. Image built, imported, mounted "
			  "once per run: %.0f ms, in no sample",
			  cr->containerd_version, cr->runc_version, ns_to_ms(cr->ctr_call_ns),
			  ns_to_ms(cr->build_ns + cr->import_ns + cr->mount_ns));
}

/* A veth into the task's namespace: what a CNI bridge or ptp plugin gives
 * a pod (no pause container: the task's own namespace). */
static const enum net_mode containerd_net_modes[] = { NET_VETH, NET_NONE };

const struct runner_ops containerd_runner_ops = {
	.name = "containerd",
	.needs_root = true,
	.summary = "ctr run through containerd and its runc v2 shim, from an image bench builds: the kubelet's "
		   "path minus the kubelet, pause container and CNI",
	.caps = RUNNER_CAP_HOST_PIDS | RUNNER_CAP_CGROUP | RUNNER_CAP_PROFILES | RUNNER_CAP_NAMESPACES |
		RUNNER_CAP_LIMITS | RUNNER_CAP_DISK | RUNNER_CAP_NETWORK,
	.net_modes = containerd_net_modes,
	.prepare = ctd_prepare,
	.launch = ctd_launch,
	.wait_ready = ctd_wait_ready,
	.collect = ctd_collect,
	.stop = ctd_stop,
	.destroy = ctd_destroy,
	.finish = ctd_finish,
	.describe = ctd_describe,
	.doctor = containerd_doctor_checks,
	.cleanup = containerd_cleanup,
	.cgroup_memory = ctd_cgroup_memory,
	.cgroup_layout = cg_detect_describe,
};
