/* The OCI CLI runner (oci_cli_runner.h): create, start, READY, delete,
 * with the runtime's own command line.  The runtime's state root, the
 * shared root file system and the bundles are made in prepare or before
 * the runtime is called; what the runtime does is timed phase by phase. */
#include "oci_cli_runner.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../container/cgroup.h"
#include "../lib/clock.h"
#include "../lib/process.h"
#include "../lib/process_sweep.h"
#include "../lib/run_id.h"
#include "../oci/oci_spec.h"
#include "../vm/accel.h"
#include "instance_link.h"
#include "oci_cli_exec.h"
#include "oci_cli_paths.h"
#include "record_stream.h"
#include "workload_exit.h"

struct oci_cli {
	const struct oci_cli_runtime *rt;
	char bin[PATH_MAX];
	char version[128];
	struct oci_cli_paths paths;
	struct cg_layout layout;
	bool layout_ok;
	int mntns;                     /* crun on hybrid: a mount namespace
					  without the cgroup2 mount; else -1 */
	char cgroup_note[200];         /* what was done about the layout */
	const char *platform;          /* runsc: "ptrace" or "kvm" */
	char platform_arg[32];
	char platform_why[160];
	char bundle_sha256[65];        /* the first container's config.json */
	json_t *described;             /* this runtime's entry in the results'
					  metadata (describe); the first bundle's
					  digest and config go in at its launch */
	bool hardened;
	bool one_run;                  /* --oci-lifecycle run: one `<runtime> run`
					  per container instead of create, start
					  and delete */
	uint64_t caps_held;             /* bench's own bounding set */
	bool subreaper;                /* bench is the child subreaper */
	int devnull;
	int global_argc;
	const char *global_argv[8];    /* between the binary and the command */
};

struct oci_instance {
	char id[64];
	char bundle[PATH_MAX];
	char stderr_path[PATH_MAX + 16];
	int out;                       /* read end of the agent's stdout */
	int err_fd;                    /* the runtime's (and agent's) stderr file */
	struct record_stream rs;
	struct child init;             /* the agent, where it is a host process
					  (phases: bench's child, as subreaper) */
	struct child runtime;          /* one_run: the `<runtime> run` process */
	int agent_pidfd;               /* one_run: the agent's pidfd, to signal
					  it (crun's child, not bench's); -1 */
	bool created;                  /* the runtime may hold a container */
	struct instance_link link;     /* when run_config.net asks for one */
	uint64_t t_started;
};

static void cmd_init(const struct oci_cli *oc, struct oci_cmd *c, int out_fd, int err_fd)
{
	memset(c, 0, sizeof(*c));
	c->stdin_fd = oc->devnull;
	c->stdout_fd = out_fd;
	c->stderr_fd = err_fd;
	c->mntns_fd = oc->mntns;
	oci_cmd_arg(c, oc->bin);
	for (int i = 0; i < oc->global_argc; i++)
		oci_cmd_arg(c, oc->global_argv[i]);
}

/* Runs the command; a non-zero exit fails with the runtime's own last line. */
static int cmd_check(const struct oci_cli *oc, const struct oci_cmd *c, const char *what, const char *stderr_path,
		     uint64_t deadline, bench_error *err)
{
	char tail[4096], line[240], how[64];
	int status;
	ssize_t n;

	if (oci_cmd_run(c, deadline, &status, err) < 0)
		return bench_error_prefix(err, "%s %s", oc->rt->name, what);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	line[0] = '\0';
	n = stderr_path ? oci_read_tail(stderr_path, tail, sizeof(tail)) : -1;
	if (n > 0)
		oci_last_line(tail, (size_t)n, line, sizeof(line));
	child_status_describe(status, how, sizeof(how));
	return bench_fail(err, 0, "%s %s %s: %s", oc->rt->name, what, how, line[0] ? line : "(nothing on stderr)");
}

static const char *base_dir(void)
{
	const char *b = getenv("BENCH_RUN_DIR");

	return b && *b ? b : "/run/bench";
}

static int find_binary(const char *name, char *out, size_t outsz)
{
	const char *path = getenv("PATH");
	char dirs[4096];

	snprintf(dirs, sizeof(dirs), "%s", path && *path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	for (char *save = NULL, *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		if ((size_t)snprintf(out, outsz, "%s/%s", d, name) < outsz && access(out, X_OK) == 0)
			return 0;
	}
	out[0] = '\0';
	return -1;
}

/* The first line of `<binary> --version`. */
static void read_version(struct oci_cli *oc)
{
	struct oci_cmd c;
	char path[PATH_MAX + 32], tail[1024];
	int fd, status;
	bench_error ignored = { 0 };
	ssize_t n;

	snprintf(oc->version, sizeof(oc->version), "unknown");
	snprintf(path, sizeof(path), "%s/version", oc->paths.root);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return;
	memset(&c, 0, sizeof(c));
	c.mntns_fd = -1;
	c.stdin_fd = oc->devnull;
	c.stdout_fd = fd;
	c.stderr_fd = fd;
	oci_cmd_arg(&c, oc->bin);
	oci_cmd_arg(&c, "--version");
	if (oci_cmd_run(&c, clock_now_ns() + 5000000000ull, &status, &ignored) == 0 && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0) {
		n = oci_read_tail(path, tail, sizeof(tail));
		if (n > 0) {
			char *nl = memchr(tail, '\n', (size_t)n);

			oci_last_line(tail, nl ? (size_t)(nl - tail) : (size_t)n, oc->version, sizeof(oc->version));
		}
	}
	close(fd);
	unlink(path);
}

static int choose_platform(struct oci_cli *oc, const char *wanted, bench_error *err)
{
	struct accel_facts facts;
	enum vm_accel a;

	if (!wanted || strcmp(wanted, "auto") == 0 || strcmp(wanted, "kvm") == 0) {
		accel_probe(&facts);
		if (accel_choose(wanted ? wanted : "auto", &facts, &a, err) < 0)
			return bench_error_prefix(err, "--gvisor-platform");
		oc->platform = a == VM_ACCEL_KVM ? "kvm" : "ptrace";
		snprintf(oc->platform_why, sizeof(oc->platform_why), "%s", facts.why);
	} else if (strcmp(wanted, "ptrace") == 0) {
		oc->platform = "ptrace";
		snprintf(oc->platform_why, sizeof(oc->platform_why), "asked for with --gvisor-platform");
	} else {
		return bench_fail_usage(err, "--gvisor-platform: '%s' is not one of auto, ptrace, kvm", wanted);
	}
	snprintf(oc->platform_arg, sizeof(oc->platform_arg), "--platform=%s", oc->platform);
	return 0;
}

/* crun refuses a hybrid layout; runc and runsc take it as it is. */
static int cgroup_plan(struct oci_cli *oc, bench_error *err)
{
	bench_error ignored = { 0 };

	oc->layout_ok = cg_detect(&oc->layout, &ignored) == 0;
	if (!oc->layout_ok) {
		snprintf(oc->cgroup_note, sizeof(oc->cgroup_note), "cgroup layout unknown");
		return 0;
	}
	if (oc->layout.version == 1 && oc->layout.v2_mount[0] && oc->rt->hide_unified_on_hybrid) {
		oc->mntns = oci_private_mntns(oc->layout.v2_mount, err);
		if (oc->mntns < 0)
			return bench_error_prefix(err, "%s", oc->rt->name);
		snprintf(oc->cgroup_note, sizeof(oc->cgroup_note),
			 "hybrid host: every %s command runs in a private mount namespace (made once per run) "
			 "without the cgroup2 mount, so it uses the v1 controllers",
			 oc->rt->name);
	} else {
		snprintf(oc->cgroup_note, sizeof(oc->cgroup_note), "taken as it is (%s)", cg_layout_describe(&oc->layout));
	}
	return 0;
}

int oci_cli_prepare(struct runner *r, const struct oci_cli_runtime *rt, bench_error *err)
{
	struct oci_cli *oc;

	if (geteuid() != 0)
		return bench_fail(err, 0, "%s: needs root", rt->name);
	oc = calloc(1, sizeof(*oc));
	if (!oc)
		return bench_fail(err, errno, "%s: calloc", rt->name);
	oc->rt = rt;
	oc->devnull = -1;
	oc->mntns = -1;
	r->priv = oc;
	if (find_binary(rt->binary, oc->bin, sizeof(oc->bin)) < 0) {
		bench_fail(err, 0, "%s: %s is not installed (package %s): apt-get install -y %s", rt->name, rt->binary,
			   rt->package, rt->package);
		goto fail;
	}
	if (oci_profile_parse(r->cfg->profile, &oc->hardened, err) < 0)
		goto fail;
	if (r->cfg->oci_lifecycle && strcmp(r->cfg->oci_lifecycle, "run") == 0) {
		oc->one_run = true;
	} else if (r->cfg->oci_lifecycle && strcmp(r->cfg->oci_lifecycle, "phases") != 0) {
		bench_fail_usage(err, "--oci-lifecycle: '%s' is not one of phases, run", r->cfg->oci_lifecycle);
		goto fail;
	}
	if (rt->gvisor && choose_platform(oc, r->cfg->gvisor_platform, err) < 0)
		goto fail;
	oc->devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (oc->devnull < 0) {
		bench_fail(err, errno, "open /dev/null");
		goto fail;
	}
	if (oci_cli_paths_make(&oc->paths, base_dir(), rt->name, r->cfg->run_id, err) < 0)
		goto fail;
	if (oci_rootfs_make(oc->paths.rootfs, r->cfg->agent_path, err) < 0)
		goto fail;
	read_version(oc);
	for (int c = 0; c < 64; c++)
		if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1)
			oc->caps_held |= 1ull << c;
	if (cgroup_plan(oc, err) < 0)
		goto fail;
	if (oc->layout_ok && oci_cli_cgroup_prepare(&oc->layout, rt->name, err) < 0)
		goto fail;
	oc->global_argv[oc->global_argc++] = "--root";
	oc->global_argv[oc->global_argc++] = oc->paths.state;
	if (rt->gvisor) {
		oc->global_argv[oc->global_argc++] = oc->platform_arg;
		oc->global_argv[oc->global_argc++] = "--network=none";
		if (oc->hardened)
			oc->global_argv[oc->global_argc++] = "--oci-seccomp";
	}
	if (rt->init_is_host_process) {
		if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
			bench_fail(err, errno, "%s: PR_SET_CHILD_SUBREAPER", rt->name);
			goto fail;
		}
		oc->subreaper = true;
	}
	return 0;
fail:
	oci_cli_finish(r);
	return -1;
}

const enum net_mode oci_cli_veth_only[] = { NET_VETH, NET_NONE };

/* The bundle of one container: config.json naming the shared rootfs by its
 * absolute path, its cgroup named with the run id. */
static int write_bundle(struct runner *r, struct instance *in, struct oci_instance *oi, bench_error *err)
{
	struct oci_cli *oc = r->priv;
	const struct run_config *cfg = r->cfg;
	const char *argv[RUNNER_TASK_ARGS_MAX + 4];
	char hostname[64], cgpath[160], sha[65], disk_dir[4096], disk_arg[300];
	int argc = 0, rc;
	json_t *spec;
	struct oci_spec_params p = {
		.argv = argv,
		.hostname = hostname,
		.rootfs = oc->paths.rootfs,
		.cgroups_path = cgpath,
		.cpus = cfg->cpus,
		.memory_bytes = (uint64_t)cfg->memory_mib << 20,
		.cpu_period_us = 100000,
		.cpu_quota_us = (long)(cfg->ncpus ? cfg->ncpus : 1) * 100000,
		.pids_max = cfg->pids_max ? (long)cfg->pids_max + (long)oc->rt->pids_overhead : 0,
		.hardened = oc->hardened,
		.caps_known = oc->rt->caps_known,
		.caps_held = oc->caps_held,
	};

	argv[argc++] = OCI_AGENT_PATH;
	argv[argc++] = in->task.name;
	for (int i = 0; i < in->task.nargs && i < RUNNER_TASK_ARGS_MAX; i++)
		argv[argc++] = in->task.args[i];
	if (in->task.disk) {
		if (agent_task_disk_bind(&in->task, OCI_DISK_DIR, disk_dir, sizeof(disk_dir), disk_arg,
					 sizeof(disk_arg), err) < 0)
			return -1;
		argv[argc++] = disk_arg;
		p.bind_dir = disk_dir;
	}
	argv[argc] = NULL;
	snprintf(hostname, sizeof(hostname), "bench-oci-%u", in->seq);
	oci_cli_cgroup_rel(oc->rt->name, oi->id, cgpath, sizeof(cgpath));
	spec = oci_spec_build(&p, err);
	if (!spec)
		return -1;
	rc = oci_bundle_write(oi->bundle, spec, sha, err);
	/* launch runs one at a time: the first bundle's digest is the run's,
	 * recorded with its config (bench/oci_compare.sh runs it by hand). */
	if (rc == 0 && !oc->bundle_sha256[0]) {
		memcpy(oc->bundle_sha256, sha, sizeof(sha));
		if (oc->described) {
			json_object_set_new(oc->described, "bundle_sha256", json_string(sha));
			json_object_set(oc->described, "config", spec);
		}
	}
	json_decref(spec);
	return rc;
}

static int read_pid_file(const struct oci_instance *oi, pid_t *pid, bench_error *err)
{
	char path[PATH_MAX + 8], text[32];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/pid", oi->bundle);
	n = oci_read_tail(path, text, sizeof(text));
	if (n < 0)
		return bench_fail(err, errno, "reading the runtime's pid file");
	return oci_parse_pid(text, (size_t)n, pid, err);
}

/* `<rt> create|run --bundle B --pid-file B/pid ID`, the agent's stdout on
 * out_fd: the two ways an instance starts.  pidfile is the caller's, as c
 * points into it until it runs. */
static void cmd_start_instance(const struct oci_cli *oc, struct oci_cmd *c, const char *verb,
			       const struct oci_instance *oi, int out_fd, char *pidfile, size_t pidfile_sz)
{
	snprintf(pidfile, pidfile_sz, "%s/pid", oi->bundle);
	cmd_init(oc, c, out_fd, oi->err_fd);
	oci_cmd_arg(c, verb);
	oci_cmd_arg(c, "--bundle");
	oci_cmd_arg(c, oi->bundle);
	oci_cmd_arg(c, "--pid-file");
	oci_cmd_arg(c, pidfile);
	oci_cmd_arg(c, oi->id);
}

/* --oci-lifecycle run: one `<runtime> run --bundle B --pid-file P id`, as a
 * person types it; it creates, starts, waits for the container's end and
 * deletes it, and is bench's child all along.  What it takes until READY
 * is one phase ("run"), its end after READY one measure ("exit"). */
static int launch_run(struct oci_cli *oc, struct oci_instance *oi, int out_w, bench_error *err)
{
	struct oci_cmd c;
	char pidfile[PATH_MAX + 8];
	int rc;

	cmd_start_instance(oc, &c, "run", oi, out_w, pidfile, sizeof(pidfile));
	oi->created = true;
	rc = oci_cmd_spawn(&c, &oi->runtime, err);
	close(out_w);
	oi->t_started = clock_now_ns();
	return rc < 0 ? bench_error_prefix(err, "%s run", oc->rt->name) : 0;
}

int oci_cli_launch(struct runner *r, struct instance *in, bench_error *err)
{
	struct oci_cli *oc = r->priv;
	struct oci_instance *oi;
	struct oci_cmd c;
	char pidfile[PATH_MAX + 8];
	uint64_t deadline, t_bundle, t_created;
	int pipefd[2];

	in->t_launch_ns = clock_now_ns();
	deadline = in->t_launch_ns + (uint64_t)r->cfg->timeout_ms * 1000000u;
	oi = calloc(1, sizeof(*oi));
	if (!oi)
		return bench_fail(err, errno, "%s: calloc", oc->rt->name);
	oi->out = oi->err_fd = oi->agent_pidfd = -1;
	oi->init.pidfd = -1;
	oi->runtime.pidfd = -1;
	in->priv = oi;
	run_id_object_name(r->cfg->run_id, in->seq, oi->id, sizeof(oi->id));
	if ((size_t)snprintf(oi->bundle, sizeof(oi->bundle), "%s/%s", oc->paths.bundles, oi->id) >= sizeof(oi->bundle))
		return bench_fail(err, ENAMETOOLONG, "%s: bundle path", oc->rt->name);
	if (write_bundle(r, in, oi, err) < 0)
		return bench_error_prefix(err, "%s", oc->rt->name);
	snprintf(oi->stderr_path, sizeof(oi->stderr_path), "%s/stderr", oi->bundle);
	oi->err_fd = open(oi->stderr_path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (oi->err_fd < 0)
		return bench_fail(err, errno, "%s: %s", oc->rt->name, oi->stderr_path);
	if (pipe2(pipefd, O_CLOEXEC) != 0)
		return bench_fail(err, errno, "%s: pipe", oc->rt->name);
	oi->out = pipefd[0];
	record_stream_init(&oi->rs, oi->out, CHANNEL_STRICT);
	t_bundle = clock_now_ns();
	instance_add_phase(in, "bundle", t_bundle - in->t_launch_ns);
	if (oc->one_run)
		return launch_run(oc, oi, pipefd[1], err);

	/* create: the container's stdio are create's own (no terminal, no
	 * console socket): the agent writes straight into bench's pipe. */
	cmd_start_instance(oc, &c, "create", oi, pipefd[1], pidfile, sizeof(pidfile));
	oi->created = true;
	if (cmd_check(oc, &c, "create", oi->stderr_path, deadline, err) < 0) {
		close(pipefd[1]);
		return -1;
	}
	close(pipefd[1]);
	t_created = clock_now_ns();
	if (oc->rt->init_is_host_process) {
		pid_t pid = 0;

		if (read_pid_file(oi, &pid, err) < 0 || child_track(&oi->init, pid, err) < 0)
			return bench_error_prefix(err, "%s", oc->rt->name);
		in->host_pid = oi->init.pid;
		/* Between create and start, where a CNI plugin works: the
		 * namespace is there, the agent not yet running. */
		if (instance_link_up(&oi->link, r->cfg, in, pid, err) < 0)
			return bench_error_prefix(err, "%s", oc->rt->name);
	} else {
		/* A sandbox (gVisor): the pid file names the host process that
		 * carries the workload, which is what it costs the host.  Only
		 * density reads it, and goes without it when there is none. */
		bench_error ignored = { 0 };
		pid_t pid = 0;

		if (read_pid_file(oi, &pid, &ignored) == 0)
			in->host_pid = pid;
	}
	cmd_init(oc, &c, oc->devnull, oi->err_fd);
	oci_cmd_arg(&c, "start");
	oci_cmd_arg(&c, oi->id);
	if (cmd_check(oc, &c, "start", oi->stderr_path, deadline, err) < 0)
		return -1;
	oi->t_started = clock_now_ns();
	instance_add_phase(in, "create", t_created - t_bundle);
	instance_add_phase(in, "start", oi->t_started - t_created);
	return 0;
}

/* one_run: the agent's pid, from the pid file `run` wrote before it
 * started the container (so it is there once the agent said READY): the
 * host's view of it for density, and a pidfd to tell it to stop. */
static void run_agent_pid(const struct oci_cli *oc, struct instance *in, struct oci_instance *oi)
{
	bench_error ignored = { 0 };
	pid_t pid = 0;

	if (read_pid_file(oi, &pid, &ignored) < 0)
		return;
	in->host_pid = pid;
	if (oc->rt->init_is_host_process)
		oi->agent_pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
}

int oci_cli_wait_ready(struct runner *r, struct instance *in, bench_error *err)
{
	struct oci_cli *oc = r->priv;
	struct oci_instance *oi = in->priv;
	uint64_t deadline = in->t_launch_ns + (uint64_t)r->cfg->timeout_ms * 1000000u;

	if (record_stream_next(&oi->rs, deadline, &in->ready, err) != RECORD_STREAM_OK) {
		char tail[4096], line[200];
		ssize_t n = oci_read_tail(oi->stderr_path, tail, sizeof(tail));

		/* The runtime's own words, where it said why (an exec that
		 * failed after start is told only on the container's stderr). */
		line[0] = '\0';
		if (n > 0)
			oci_last_line(tail, (size_t)n, line, sizeof(line));
		if (line[0] && err->exit_code != BENCH_EXIT_INTERRUPTED)
			return bench_fail(err, 0, "%s: no READY from the agent; %s said: %s", oc->rt->name, oc->rt->name,
					  line);
		return bench_error_prefix(err, "%s: waiting for READY (timeout %d ms)", oc->rt->name, r->cfg->timeout_ms);
	}
	in->t_ready_ns = oi->rs.t_record_ns;
	if (record_check_ready(&in->ready, err) < 0)
		return bench_error_prefix(err, "%s", oc->rt->name);
	if (strcmp(record_get(&in->ready, "pid"), "1") != 0)
		return bench_fail(err, 0, "%s: the agent is PID %s, not 1: no PID namespace", oc->rt->name,
				  record_get(&in->ready, "pid"));
	if (oc->one_run) {
		instance_add_phase(in, "run", in->t_ready_ns - oi->t_started);
		run_agent_pid(oc, in, oi);
		/* `run` gives no moment between the namespace and the agent:
		 * the link comes after READY, and the agent waits for it. */
		if (instance_link_up(&oi->link, r->cfg, in, in->host_pid, err) < 0)
			return bench_error_prefix(err, "%s", oc->rt->name);
		return 0;
	}
	instance_add_phase(in, "ready", in->t_ready_ns - oi->t_started);
	return 0;
}

int oci_cli_collect(struct runner *r, struct instance *in, struct agent_record *rec, int timeout_ms,
		    bench_error *err)
{
	struct oci_cli *oc = r->priv;
	struct oci_instance *oi = in->priv;

	if (record_stream_next(&oi->rs, clock_now_ns() + (uint64_t)timeout_ms * 1000000u, rec, err) !=
	    RECORD_STREAM_OK)
		return bench_error_prefix(err, "%s", oc->rt->name);
	return 0;
}

/* gVisor: the agent is not a host process; it has ended when the sandbox
 * closes its stdout.  runsc gives no exit status once the sandbox is gone
 * (`runsc wait` then fails), so an end counts as clean when the agent was
 * told to stop, or its task ends by itself, or it said DONE. */
static int stop_sandboxed(struct runner *r, struct instance *in, struct oci_instance *oi, bench_error *err)
{
	struct oci_cli *oc = r->priv;
	uint64_t deadline = clock_now_ns() + (uint64_t)r->cfg->timeout_ms * 1000000u;
	struct agent_record rec;
	struct oci_cmd c;
	int rc;

	if (!task_ends_by_itself(&in->task) && !oi->rs.saw_done) {
		cmd_init(oc, &c, oc->devnull, oi->err_fd);
		oci_cmd_arg(&c, "kill");
		oci_cmd_arg(&c, oi->id);
		oci_cmd_arg(&c, "TERM");
		/* It may have ended already: then kill fails, and that is fine. */
		(void)cmd_check(oc, &c, "kill", NULL, deadline, err);
	}
	while ((rc = record_stream_next(&oi->rs, deadline, &rec, err)) == RECORD_STREAM_OK)
		;
	if (rc != RECORD_STREAM_EOF)
		return bench_error_prefix(err, "%s: stopping the workload", oc->rt->name);
	return 0;
}

/* one_run: the agent is told to stop (unless its task ends by itself)
 * and `run` ends with it, removing the container; its exit status is the
 * agent's (128 + n for a death by signal n, as a shell says it). */
static int stop_run(struct runner *r, struct instance *in, struct oci_instance *oi, bench_error *err)
{
	struct oci_cli *oc = r->priv;
	struct workload_end end = { .task_over = task_may_end_by_itself(&in->task) || oi->rs.saw_done };
	bench_error ignored = { 0 };
	uint64_t t_stop = clock_now_ns();

	if (!task_ends_by_itself(&in->task) && !child_has_exited(&oi->runtime)) {
		end.asked_to_stop = true;
		end.stop_signal = SIGTERM;
		if (oc->rt->init_is_host_process)
			syscall(SYS_pidfd_send_signal, oi->agent_pidfd, SIGTERM, NULL, 0);
		else
			(void)stop_sandboxed(r, in, oi, &ignored);
	}
	if (child_wait(&oi->runtime, t_stop + (uint64_t)r->cfg->timeout_ms * 1000000u, err) < 0)
		return bench_error_prefix(err, "%s run: stopping the workload", oc->rt->name);
	oi->created = false;
	in->t_gone_ns = clock_now_ns();
	instance_add_measure(in, "exit", in->t_gone_ns - t_stop);
	end.status = oi->runtime.status;
	if (WIFEXITED(end.status) && WEXITSTATUS(end.status) > 128 && WEXITSTATUS(end.status) < 128 + NSIG)
		end.status = WEXITSTATUS(end.status) - 128; /* the wait status of that signal */
	if (workload_end_check(&end, err) < 0)
		return bench_error_prefix(err, "%s run", oc->rt->name);
	return 0;
}

int oci_cli_stop(struct runner *r, struct instance *in, bench_error *err)
{
	struct oci_cli *oc = r->priv;
	struct oci_instance *oi = in->priv;
	uint64_t deadline, t_deleting;
	bench_error end_err = { 0 };
	struct oci_cmd c;
	int end_rc;

	if (oc->one_run)
		return stop_run(r, in, oi, err);
	if (oc->rt->init_is_host_process)
		end_rc = workload_stop(in, &oi->init, NULL, oi->rs.saw_done, r->cfg->timeout_ms, &end_err);
	else
		end_rc = stop_sandboxed(r, in, oi, &end_err);
	t_deleting = clock_now_ns();
	deadline = t_deleting + (uint64_t)r->cfg->timeout_ms * 1000000u;
	cmd_init(oc, &c, oc->devnull, oi->err_fd);
	oci_cmd_arg(&c, "delete");
	if (end_rc < 0)
		oci_cmd_arg(&c, "--force");
	oci_cmd_arg(&c, oi->id);
	if (cmd_check(oc, &c, "delete", oi->stderr_path, deadline, err) < 0)
		return -1;
	oi->created = false;
	in->t_gone_ns = clock_now_ns();
	instance_add_measure(in, "delete", in->t_gone_ns - t_deleting);
	if (end_rc < 0) {
		*err = end_err;
		return bench_error_prefix(err, "%s", oc->rt->name);
	}
	return 0;
}

void oci_cli_destroy(struct runner *r, struct instance *in)
{
	struct oci_cli *oc = r->priv;
	struct oci_instance *oi = in->priv;

	if (!oi)
		return;
	/* one_run: `run` still going holds the container; killed, it
	 * leaves it to the delete below. */
	child_kill(&oi->runtime);
	if (oi->agent_pidfd >= 0)
		close(oi->agent_pidfd);
	if (oi->created && oc) {
		struct oci_cmd c;
		bench_error ignored = { 0 };
		int status;

		cmd_init(oc, &c, oc->devnull, oi->err_fd >= 0 ? oi->err_fd : oc->devnull);
		oci_cmd_arg(&c, "delete");
		oci_cmd_arg(&c, "--force");
		oci_cmd_arg(&c, oi->id);
		(void)oci_cmd_run(&c, clock_now_ns() + 10000000000ull, &status, &ignored);
	}
	/* The init is bench's child (subreaper): reap it, killed if need be. */
	child_kill(&oi->init);
	if (oi->out >= 0)
		close(oi->out);
	if (oi->err_fd >= 0)
		close(oi->err_fd);
	if (oi->bundle[0]) {
		/* A create that a Ctrl-C cut short can leave the container's
		 * init waiting for "start" with no state for "delete" to find;
		 * until it execs it carries the runtime's command line, which
		 * names its bundle. */
		char needle[sizeof(oi->bundle) + 2];

		snprintf(needle, sizeof(needle), "%s ", oi->bundle);
		process_sweep(needle);
		snprintf(needle, sizeof(needle), "%s/", oi->bundle);
		process_sweep(needle);
		oci_tree_remove(oi->bundle);
	}
	if (oc)
		oci_cli_cgroup_remove(oc->rt->name, oi->id);
	instance_link_down(&oi->link);
	free(oi);
	in->priv = NULL;
}

void oci_cli_finish(struct runner *r)
{
	struct oci_cli *oc = r->priv;

	if (!oc)
		return;
	if (oc->subreaper)
		prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
	json_decref(oc->described);
	oci_cli_paths_remove(&oc->paths);
	oci_cli_cgroup_remove(oc->rt->name, NULL);
	if (oc->devnull >= 0)
		close(oc->devnull);
	if (oc->mntns >= 0)
		close(oc->mntns);
	free(oc);
	r->priv = NULL;
}

void oci_cli_describe(struct runner *r, void *meta_object)
{
	struct oci_cli *oc = r->priv;
	json_t *meta = meta_object, *all, *o;

	if (!oc || !meta)
		return;
	all = json_object_get(meta, "oci_runtimes");
	if (!all) {
		all = json_object();
		if (!all || json_object_set_new(meta, "oci_runtimes", all) != 0)
			return;
	}
	o = json_object();
	if (!o || json_object_set_new(all, oc->rt->name, o) != 0)
		return;
	json_object_set_new(o, "binary", json_string(oc->bin));
	json_object_set_new(o, "version", json_string(oc->version));
	json_decref(oc->described);
	oc->described = json_incref(o);
	json_object_set_new(o, "cgroup_driver", json_string("cgroupfs"));
	json_object_set_new(o, "cgroup_version",
			    json_string(oc->layout_ok ? cg_layout_describe(&oc->layout) : "unknown"));
	json_object_set_new(o, "cgroup_handling", json_string(oc->cgroup_note));
	json_object_set_new(o, "profile", json_string(oc->hardened ? "hardened" : "plain"));
	json_object_set_new(o, "lifecycle",
			    json_string(oc->one_run ? "run: one `run` call per container (phase run: until READY; "
						      "measure exit: READY until `run` ended, container deleted)"
						    : "phases: create, start, READY, delete (one runtime call each)"));
	if (oc->rt->pids_overhead)
		json_object_set_new(o, "pids_limit_note",
				    json_sprintf("pids.max is --pids + %u: the sandbox's own host threads count against it",
						 oc->rt->pids_overhead));
	if (oc->rt->gvisor) {
		json_object_set_new(o, "platform", json_string(oc->platform));
		json_object_set_new(o, "platform_why", json_string(oc->platform_why));
		json_object_set_new(o, "network", json_string("none (loopback only)"));
		/* Read by the report like the vm runner's "accel". */
		json_object_set_new(meta, "gvisor_platform", json_string(oc->platform));
	}
}

int oci_cli_cgroup_memory(struct runner *r, const struct instance *in, uint64_t *bytes, bench_error *err)
{
	struct oci_cli *oc = r->priv;
	const struct oci_instance *oi = in->priv;

	if (!oc || !oi || !oc->layout_ok)
		return bench_fail(err, 0, "%s: no cgroup to read", oc ? oc->rt->name : "oci");
	return oci_cli_cgroup_memory_read(&oc->layout, oc->rt->name, oi->id, bytes, err);
}
