/* The container runner: the runner interface (runners/runner.h) over the
 * container runtime in this folder.  What can be shared between starts (the
 * cgroup layout, the parent cgroup, the read-only root file system) is made
 * once in prepare; everything a container owns (namespaces, its cgroup, its
 * mounts) is made anew in every launch and timed. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/clock.h"
#include "../lib/run_id.h"
#include "record_stream.h"
#include "runner.h"
#include "workload_exit.h"
#include "../container/cgroup.h"
#include "../container/container.h"
#include "container_runner.h"
#include "../container/rootfs.h"
#include "runner_hooks.h"
#include "instance_link.h"

struct container_runner {
	struct cg_layout layout;
	bool parent_made;
	struct rootfs rootfs;
	struct cg_limits limits;
	struct container_profile profile; /* hardening, built once */
	int devnull;
};

struct container_instance {
	struct cgroup cg;
	struct container ct;
	int out;               /* read end of the agent's stdout */
	struct record_stream rs;
	struct instance_link link; /* when run_config.net asks for one */
};

static void ctr_finish(struct runner *r);

static int ctr_prepare(struct runner *r, bench_error *err)
{
	const struct run_config *cfg = r->cfg;
	struct container_runner *cr;
	static const enum cg_controller needed[] = { CG_CPU, CG_CPUSET, CG_MEMORY, CG_PIDS };

	if (geteuid() != 0)
		return bench_fail(err, 0, "container: needs root (rootless containers are not supported yet)");
	cr = calloc(1, sizeof(*cr));
	if (!cr)
		return bench_fail(err, errno, "container: calloc");
	cr->devnull = -1;
	r->priv = cr;
	if (cg_detect(&cr->layout, err) < 0)
		goto fail;
	for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++)
		if (!(cr->layout.available & (1u << needed[i]))) {
			bench_fail(err, 0, "container: cgroup v%d has no %s controller here (see 'bench doctor')",
				   cr->layout.version, cg_controller_name(needed[i]));
			goto fail;
		}
	if (cg_parent_prepare(&cr->layout, err) < 0)
		goto fail;
	cr->parent_made = true;
	if (rootfs_prepare(&cr->rootfs, cfg->run_id, cfg->agent_path, err) < 0)
		goto fail;
	if (profile_prepare(&cr->profile, cfg->profile, err) < 0)
		goto fail;
	cr->devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (cr->devnull < 0) {
		bench_fail(err, errno, "open /dev/null");
		goto fail;
	}
	snprintf(cr->limits.cpus, sizeof(cr->limits.cpus), "%s", cfg->cpus);
	cr->limits.memory_bytes = (uint64_t)cfg->memory_mib << 20;
	cr->limits.cpu_period_us = 100000;
	cr->limits.cpu_quota_us = (long)(cfg->ncpus ? cfg->ncpus : 1) * cr->limits.cpu_period_us;
	cr->limits.pids_max = cfg->pids_max;
	return 0;
fail:
	bench_error_prefix(err, "container");
	ctr_finish(r);
	return -1;
}

static int ctr_launch(struct runner *r, struct instance *in, bench_error *err)
{
	struct container_runner *cr = r->priv;
	struct container_instance *ci;
	const char *argv[RUNNER_TASK_ARGS_MAX + 4];
	char name[64], hostname[64], disk_dir[4096], disk_arg[300];
	struct container_spec spec;
	uint64_t t_cgroup;
	int pipefd[2], argc = 0, rc;

	in->t_launch_ns = clock_now_ns();
	ci = calloc(1, sizeof(*ci));
	if (!ci)
		return bench_fail(err, errno, "container: calloc");
	ci->out = -1;
	ci->ct.init.pidfd = -1;
	for (int c = 0; c < CG_NCONTROLLERS; c++)
		ci->cg.procs_fd[c] = -1;
	ci->cg.v2_dirfd = -1;
	in->priv = ci;

	run_id_object_name(r->cfg->run_id, in->seq, name, sizeof(name));
	if (cg_create(&ci->cg, &cr->layout, name, &cr->limits, err) < 0)
		return bench_error_prefix(err, "container");
	t_cgroup = clock_now_ns();

	if (pipe2(pipefd, O_CLOEXEC) != 0)
		return bench_fail(err, errno, "container: pipe");
	ci->out = pipefd[0];
	record_stream_init(&ci->rs, ci->out, CHANNEL_STRICT);
	argv[argc++] = ROOTFS_AGENT_PATH;
	argv[argc++] = in->task.name;
	for (int i = 0; i < in->task.nargs && i < RUNNER_TASK_ARGS_MAX; i++)
		argv[argc++] = in->task.args[i];
	/* The disk: its folder bind-mounted read-write, as a Kubernetes
	 * hostPath volume is; the agent finds the file under ROOTFS_DISK_DIR. */
	disk_dir[0] = '\0';
	if (in->task.disk) {
		if (agent_task_disk_bind(&in->task, ROOTFS_DISK_DIR, disk_dir, sizeof(disk_dir), disk_arg,
					 sizeof(disk_arg), err) < 0) {
			close(pipefd[1]);
			return bench_error_prefix(err, "container");
		}
		argv[argc++] = disk_arg;
	}
	argv[argc] = NULL;
	snprintf(hostname, sizeof(hostname), "bench-ctr-%u", in->seq);
	spec = (struct container_spec){
		.rootfs = cr->rootfs.path,
		.hostname = hostname,
		.argv = argv,
		.stdin_fd = cr->devnull,
		.stdout_fd = pipefd[1],
		.cgroup = &ci->cg,
		.profile = &cr->profile,
		.host_network = r->cfg->net && r->cfg->net->mode == NET_HOST,
		.bind_dir = disk_dir[0] ? disk_dir : NULL,
	};
	rc = container_start(&ci->ct, &spec, in->t_launch_ns + (uint64_t)r->cfg->timeout_ms * 1000000u, err);
	close(pipefd[1]);
	if (rc < 0)
		return -1;
	in->host_pid = ci->ct.init.pid;
	if (instance_link_up(&ci->link, r->cfg, in, ci->ct.init.pid, err) < 0)
		return bench_error_prefix(err, "container");
	instance_add_phase(in, "cgroup", t_cgroup - in->t_launch_ns);
	instance_add_phase(in, "clone", ci->ct.t_child - ci->ct.t_clone);
	instance_add_phase(in, "join", ci->ct.t_joined - ci->ct.t_child);
	instance_add_phase(in, "rootfs", ci->ct.t_rootfs - ci->ct.t_joined);
	instance_add_phase(in, "exec", ci->ct.t_exec - ci->ct.t_rootfs);
	return 0;
}

static int ctr_wait_ready(struct runner *r, struct instance *in, bench_error *err)
{
	struct container_instance *ci = in->priv;
	uint64_t deadline = in->t_launch_ns + (uint64_t)r->cfg->timeout_ms * 1000000u;

	if (record_stream_next(&ci->rs, deadline, &in->ready, err) != RECORD_STREAM_OK)
		return bench_error_prefix(err, "container: waiting for READY (timeout %d ms)", r->cfg->timeout_ms);
	in->t_ready_ns = ci->rs.t_record_ns;
	if (record_check_ready(&in->ready, err) < 0)
		return bench_error_prefix(err, "container");
	/* A workload that is not PID 1 is not in a new PID namespace: the
	 * figures would not be a container's. */
	if (strcmp(record_get(&in->ready, "pid"), "1") != 0)
		return bench_fail(err, 0, "container: the agent is PID %s, not 1: no PID namespace",
				  record_get(&in->ready, "pid"));
	instance_add_phase(in, "ready", in->t_ready_ns - ci->ct.t_exec);
	return 0;
}

static int ctr_collect(struct runner *r, struct instance *in, struct agent_record *rec, int timeout_ms,
		       bench_error *err)
{
	struct container_instance *ci = in->priv;

	(void)r;
	if (record_stream_next(&ci->rs, clock_now_ns() + (uint64_t)timeout_ms * 1000000u, rec, err) !=
	    RECORD_STREAM_OK)
		return bench_error_prefix(err, "container");
	return 0;
}

static int ctr_stop(struct runner *r, struct instance *in, bench_error *err)
{
	struct container_instance *ci = in->priv;

	if (workload_stop(in, &ci->ct.init, &ci->cg, ci->rs.saw_done, r->cfg->timeout_ms, err) < 0)
		return bench_error_prefix(err, "container");
	return 0;
}

static void ctr_destroy(struct runner *r, struct instance *in)
{
	struct container_instance *ci = in->priv;

	(void)r;
	if (!ci)
		return;
	container_kill(&ci->ct);
	instance_link_down(&ci->link);
	cg_destroy(&ci->cg, NULL);
	if (ci->out >= 0)
		close(ci->out);
	free(ci);
	in->priv = NULL;
}

static void ctr_finish(struct runner *r)
{
	struct container_runner *cr = r->priv;

	if (!cr)
		return;
	rootfs_remove(&cr->rootfs);
	profile_release(&cr->profile);
	if (cr->parent_made)
		cg_parent_release(&cr->layout);
	if (cr->devnull >= 0)
		close(cr->devnull);
	free(cr);
	r->priv = NULL;
}

int container_instance_cgroup_read(const struct instance *in, enum cg_controller c, const char *file, char *buf,
				   size_t len, bench_error *err)
{
	const struct container_instance *ci = in->priv;

	if (!in->runner || in->runner->ops != &container_runner_ops || !ci || !ci->cg.created)
		return bench_fail(err, 0, "container: not a launched container instance");
	return cg_read(&ci->cg, c, file, buf, len, err);
}

static int ctr_cgroup_memory(struct runner *r, const struct instance *in, uint64_t *bytes, bench_error *err)
{
	/* memory.current on v2, memory.usage_in_bytes on v1 */
	static const char *const files[] = { "memory.current", "memory.usage_in_bytes" };
	char buf[64];

	(void)r;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *end;

		if (container_instance_cgroup_read(in, CG_MEMORY, files[i], buf, sizeof(buf), err) < 0)
			continue;
		errno = 0;
		*bytes = strtoull(buf, &end, 10);
		if (errno || end == buf)
			return bench_fail(err, 0, "container: %s holds '%.20s', not a number", files[i], buf);
		return 0;
	}
	return bench_error_prefix(err, "container: reading the cgroup's memory use");
}

/* One "key value" line of a cpu.stat. */
static bool stat_value(const char *text, const char *key, uint64_t *out)
{
	size_t len = strlen(key);

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, key, len) == 0 && p[len] == ' ') {
			char *end;

			errno = 0;
			*out = strtoull(p + len + 1, &end, 10);
			return errno == 0 && end != p + len + 1;
		}
	return false;
}

static int ctr_cgroup_cpu_throttled(struct runner *r, const struct instance *in, uint64_t *periods, uint64_t *usec,
				    bench_error *err)
{
	char buf[1024] = "";
	uint64_t ns = 0;

	(void)r;
	if (container_instance_cgroup_read(in, CG_CPU, "cpu.stat", buf, sizeof(buf), err) < 0)
		return bench_error_prefix(err, "container: reading the cgroup's cpu.stat");
	if (!stat_value(buf, "nr_throttled", periods))
		return bench_fail(err, 0, "container: cpu.stat has no nr_throttled");
	if (stat_value(buf, "throttled_usec", usec))
		return 0;
	if (stat_value(buf, "throttled_time", &ns)) {
		*usec = ns / 1000;
		return 0;
	}
	return bench_fail(err, 0, "container: cpu.stat has neither throttled_usec nor throttled_time");
}
static const enum net_mode container_net_modes[] = { NET_VETH, NET_BRIDGE, NET_BRIDGE_NAT, NET_HOST, NET_NONE };

const struct runner_ops container_runner_ops = {
	.name = "container",
	.needs_root = true,
	.summary = "clone into new UTS, PID, mount, IPC, net and cgroup namespaces; cgroup limits; pivot_root",
	.caps = RUNNER_CAP_HOST_PIDS | RUNNER_CAP_CGROUP | RUNNER_CAP_PROFILES | RUNNER_CAP_NAMESPACES |
		RUNNER_CAP_LIMITS | RUNNER_CAP_NETWORK | RUNNER_CAP_DISK | RUNNER_CAP_OVERLAY_ROW,
	.net_modes = container_net_modes,
	.prepare = ctr_prepare,
	.launch = ctr_launch,
	.wait_ready = ctr_wait_ready,
	.collect = ctr_collect,
	.stop = ctr_stop,
	.destroy = ctr_destroy,
	.finish = ctr_finish,
	.doctor = container_doctor_checks,
	.cleanup = container_cleanup,
	.cgroup_memory = ctr_cgroup_memory,
	.cgroup_cpu_throttled = ctr_cgroup_cpu_throttled,
	.cgroup_layout = cg_detect_describe,
};
