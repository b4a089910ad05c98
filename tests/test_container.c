/* Real containers, checked from both sides: what the agent inside reports,
 * and what the host sees in /proc and in the cgroup file system. */
#include <fcntl.h>
#include <limits.h>
#include <sys/wait.h>

#include "../container/cgroup.h"
#include "../container/container.h"
#include "../container/rootfs.h"
#include "../lib/clock.h"
#include "../lib/run_id.h"
#include "../runners/runner.h"
#include "helpers.h"

extern const struct runner_ops container_runner_ops;

static char run_id[64];

static struct run_config config(const char *agent)
{
	struct run_config cfg = {
		.agent_path = agent,
		.run_id = run_id,
		.cpus = "0",
		.ncpus = 1,
		.memory_mib = 64,
		.pids_max = 16,
		.timeout_ms = 5000,
	};

	run_id_make(run_id, sizeof(run_id));
	return cfg;
}

static unsigned long long ns_of(const char *pid, const char *ns)
{
	char path[64], link[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%s/ns/%s", pid, ns);
	n = readlink(path, link, sizeof(link) - 1);
	cr_assert_gt(n, 0, "readlink %s", path);
	link[n] = '\0';
	return strtoull(strchr(link, '[') + 1, NULL, 10);
}

Test(container, is_isolated_seen_from_both_sides)
{
	const char *agent = test_agent();
	struct run_config cfg;
	struct runner r = { .ops = &container_runner_ops };
	struct instance in;
	bench_error err = { 0 };
	char host_name[256], pid[16];
	static const char *const spaces[] = { "uts", "pid", "mnt" };

	SKIP_UNLESS_ROOT();
	cfg = config(agent);
	r.cfg = &cfg;
	cr_assert_eq(r.ops->prepare(&r, &err), 0, "%s", err.msg);
	instance_init(&in, &r, 0, BENCH_TASK_IDLE);
	cr_assert_eq(r.ops->launch(&r, &in, &err), 0, "%s", err.msg);
	cr_assert_eq(r.ops->wait_ready(&r, &in, &err), 0, "%s", err.msg);

	/* Inside: PID 1, its own hostname. */
	gethostname(host_name, sizeof(host_name));
	cr_expect_str_eq(record_get(&in.ready, "pid"), "1");
	cr_expect_str_eq(record_get(&in.ready, "hostname"), "bench-ctr-0");
	cr_expect_str_neq(record_get(&in.ready, "hostname"), host_name);
	/* Same kernel: a container is a process. */
	cr_expect_not_null(record_get(&in.ready, "kernel"));

	/* Outside: an ordinary pid, and namespaces that are not the host's
	 * but are the ones the agent reported. */
	cr_assert_gt(in.host_pid, 1);
	snprintf(pid, sizeof(pid), "%d", (int)in.host_pid);
	for (size_t i = 0; i < sizeof(spaces) / sizeof(spaces[0]); i++) {
		char key[16];
		uint64_t inside;

		snprintf(key, sizeof(key), "%sns", spaces[i]);
		cr_assert_eq(record_get_u64(&in.ready, key, &inside, &err), 0, "%s", err.msg);
		cr_expect_eq(inside, ns_of(pid, spaces[i]), "%s seen differently from the host", key);
		cr_expect_neq(inside, ns_of("self", spaces[i]), "%s is the host's", key);
	}
	cr_expect_neq(ns_of(pid, "net"), ns_of("self", "net"));
	/* Its mount table names no path of the host's disk. */
	{
		char path[64], line[1024];
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%s/mountinfo", pid);
		f = fopen(path, "re");
		cr_assert_not_null(f);
		while (fgets(line, sizeof(line), f))
			cr_expect_null(strstr(line, "/run/bench"), "host path in the container's mountinfo: %s", line);
		fclose(f);
	}
	cr_expect_neq(ns_of(pid, "ipc"), ns_of("self", "ipc"));
	cr_expect_neq(ns_of(pid, "cgroup"), ns_of("self", "cgroup"));

	cr_assert_eq(r.ops->stop(&r, &in, &err), 0, "%s", err.msg);
	cr_assert_geq(in.t_gone_ns, in.t_ready_ns);
	r.ops->destroy(&r, &in);
	r.ops->finish(&r);
	cr_expect(test_pid_gone(in.host_pid));
	cr_expect_eq(test_leftovers(run_id), 0);
}

/* The container's cgroup path below a hierarchy's root, as the host sees it
 * in /proc/<pid>/cgroup ("/bench.slice/<run>/<name>"). */
static int container_instance_cgroup_rel(pid_t pid, const char *name, char *rel, size_t len)
{
	char path[64], line[1024];
	int rc = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	f = fopen(path, "re");
	while (f && rc != 0 && fgets(line, sizeof(line), f)) {
		char *p = strstr(line, ":/bench.slice/");

		if (p && strstr(p, name)) {
			p[strcspn(p, "\n")] = '\0';
			snprintf(rel, len, "%s", p + 1);
			rc = 0;
		}
	}
	if (f)
		fclose(f);
	return rc;
}

/* The limits are in the cgroup the host put the container in. */
Test(container, cgroup_limits_are_applied)
{
	const char *agent = test_agent();
	struct run_config cfg;
	struct runner r = { .ops = &container_runner_ops };
	struct instance in;
	struct cg_layout l;
	bench_error err = { 0 };
	char path[PATH_MAX * 2], line[512], buf[128];
	bool found = false;
	FILE *f;

	SKIP_UNLESS_ROOT();
	cfg = config(agent);
	r.cfg = &cfg;
	cr_assert_eq(cg_detect(&l, &err), 0);
	cr_assert_eq(r.ops->prepare(&r, &err), 0, "%s", err.msg);
	instance_init(&in, &r, 3, BENCH_TASK_IDLE);
	cr_assert_eq(r.ops->launch(&r, &in, &err), 0, "%s", err.msg);
	cr_assert_eq(r.ops->wait_ready(&r, &in, &err), 0, "%s", err.msg);

	/* The host's view of the container's cgroups. */
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)in.host_pid);
	f = fopen(path, "re");
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, run_id) && strstr(line, "bench.slice/bench-"))
			found = true;
	fclose(f);
	cr_expect(found, "the container is not in a bench cgroup");

	{
		const char *mem = l.version == 2 ? l.v2_mount : l.v1_mount[CG_MEMORY];
		const char *pids = l.version == 2 ? l.v2_mount : l.v1_mount[CG_PIDS];
		const char *cpuset = l.version == 2 ? l.v2_mount : l.v1_mount[CG_CPUSET];
		char name[96], rel[512];
		FILE *lf;

		/* Below bench.slice, the run's own parent holds it. */
		run_id_object_name(run_id, 3, name, sizeof(name));
		cr_assert_eq(container_instance_cgroup_rel(in.host_pid, name, rel, sizeof(rel)), 0);
#define READ_LIMIT(root, file)                                                                       \
	do {                                                                                         \
		snprintf(path, sizeof(path), "%s%s/%s", root, rel, file);                            \
		lf = fopen(path, "re");                                                              \
		cr_assert_not_null(lf, "%s", path);                                                  \
		cr_assert_not_null(fgets(buf, sizeof(buf), lf));                                     \
		fclose(lf);                                                                          \
	} while (0)
		READ_LIMIT(mem, l.version == 2 ? "memory.max" : "memory.limit_in_bytes");
		cr_expect_eq(strtoull(buf, NULL, 10), 64ull << 20);
		READ_LIMIT(pids, "pids.max");
		cr_expect_eq(atoi(buf), 16);
		READ_LIMIT(cpuset, "cpuset.cpus");
		cr_expect_eq(strncmp(buf, "0\n", 2), 0, "cpuset.cpus is %s", buf);
#undef READ_LIMIT
	}
	cr_assert_eq(r.ops->stop(&r, &in, &err), 0, "%s", err.msg);
	r.ops->destroy(&r, &in);
	r.ops->finish(&r);
	cr_expect_eq(test_leftovers(run_id), 0);
}

/* A process in a cgroup with pids.max = 4 cannot have a fifth. */
Test(container, pids_limit_is_enforced)
{
	struct cg_layout l;
	struct cgroup cg;
	struct cg_limits lim = { .pids_max = 4 };
	bench_error err = { 0 };
	char name[96];
	int status;
	pid_t pid;

	SKIP_UNLESS_ROOT();
	run_id_make(run_id, sizeof(run_id));
	run_id_object_name(run_id, 0, name, sizeof(name));
	cr_assert_eq(cg_detect(&l, &err), 0, "%s", err.msg);
	if (!(l.available & (1u << CG_PIDS)))
		cr_skip_test("no pids controller here");
	cr_assert_eq(cg_parent_prepare(&l, &err), 0, "%s", err.msg);
	cr_assert_eq(cg_create(&cg, &l, name, &lim, &err), 0, "%s", err.msg);
	pid = fork();
	if (pid == 0) {
		int made = 0, refused = 0;

		if (cg_join_self(&cg) != 0)
			_exit(100);
		for (int i = 0; i < 10; i++) {
			pid_t c = fork();
			if (c == 0) {
				pause();
				_exit(0);
			}
			if (c > 0)
				made++;
			else if (errno == EAGAIN)
				refused++;
		}
		/* The forker itself counts: 1 + 3 children = 4. */
		_exit(made * 10 + (refused > 0));
	}
	cr_assert_gt(pid, 0);
	waitpid(pid, &status, 0);
	cr_assert(WIFEXITED(status));
	cr_expect_neq(WEXITSTATUS(status), 100, "could not join the cgroup");
	cr_expect_eq(WEXITSTATUS(status), 31, "made %d children, refused: %d", WEXITSTATUS(status) / 10,
		     WEXITSTATUS(status) % 10);
	/* The three children still run in the cgroup: destroy kills them. */
	cr_assert_eq(cg_destroy(&cg, &err), 0, "%s", err.msg);
	cg_parent_release(&l);
	cr_expect_eq(test_leftovers(run_id), 0);
}

/* The cgroup v2 path where this machine can reach it: on a hybrid host the
 * v2 hierarchy has no controllers, so no limits, but the placement, the
 * cgroup namespace and the removal are real. */
Test(container, v2_placement_on_a_hybrid_host)
{
	const char *agent = test_agent();
	struct cg_layout host, v2;
	struct cgroup cg;
	struct cg_limits none = { .cpus = "" };
	struct rootfs fs;
	struct container ct;
	bench_error err = { 0 };
	char name[96], path[128], line[512];
	const char *argv[] = { ROOTFS_AGENT_PATH, BENCH_TASK_IDLE, NULL };
	struct container_spec spec;
	int devnull, out[2];
	bool placed = false;
	FILE *f;

	SKIP_UNLESS_ROOT();
	cr_assert_eq(cg_detect(&host, &err), 0);
	if (host.version == 2)
		cr_skip_test("pure cgroup v2 host: the other container tests run on v2 already");
	if (!host.v2_mount[0])
		cr_skip_test("no cgroup v2 mount on this host");
	memset(&v2, 0, sizeof(v2));
	v2.version = 2;
	snprintf(v2.v2_mount, sizeof(v2.v2_mount), "%s", host.v2_mount);
	run_id_make(run_id, sizeof(run_id));
	run_id_object_name(run_id, 0, name, sizeof(name));
	cr_assert_eq(cg_parent_prepare(&v2, &err), 0, "%s", err.msg);
	cr_assert_eq(cg_create(&cg, &v2, name, &none, &err), 0, "%s", err.msg);
	cr_assert_eq(rootfs_prepare(&fs, run_id, agent, &err), 0, "%s", err.msg);
	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	cr_assert_eq(pipe2(out, O_CLOEXEC), 0);
	spec = (struct container_spec){ .rootfs = fs.path, .hostname = "bench-v2", .argv = argv,
					 .stdin_fd = devnull, .stdout_fd = out[1], .cgroup = &cg };
	cr_assert_eq(container_start(&ct, &spec, clock_now_ns() + 5000000000u, &err), 0, "%s", err.msg);
	close(out[1]);
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)ct.init.pid);
	f = fopen(path, "re");
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "0::/bench.slice/", 16) == 0 && strstr(line, name))
			placed = true;
	fclose(f);
	cr_expect(placed, "the container did not join its v2 cgroup");
	/* Linux 5.7 and later create it there (CLONE_INTO_CGROUP): no move. */
	cr_expect(ct.born_in_cgroup, "clone3 with CLONE_INTO_CGROUP was not used");
	container_kill(&ct);
	cr_expect_eq(cg_destroy(&cg, &err), 0, "%s", err.msg);
	cg_parent_release(&v2);
	rootfs_remove(&fs);
	close(out[0]);
	close(devnull);
	cr_expect_eq(test_leftovers(run_id), 0);
}

static void expect_clean_failure(const char *fixture, const char *expected, int timeout_ms)
{
	char path[512];
	const char *agent = test_fixture(fixture, path, sizeof(path));
	struct run_config cfg;
	struct runner r = { .ops = &container_runner_ops };
	struct instance in;
	bench_error err = { 0 };
	int rc;

	SKIP_UNLESS_ROOT();
	cfg = config(agent);
	cfg.timeout_ms = timeout_ms;
	r.cfg = &cfg;
	cr_assert_eq(r.ops->prepare(&r, &err), 0, "%s", err.msg);
	instance_init(&in, &r, 0, BENCH_TASK_READY);
	rc = r.ops->launch(&r, &in, &err);
	if (rc == 0)
		rc = r.ops->wait_ready(&r, &in, &err);
	cr_expect_eq(rc, -1);
	cr_expect(strstr(err.msg, expected), "message: %s", err.msg);
	cr_expect_null(strchr(err.msg, '\n'));
	r.ops->destroy(&r, &in);
	r.ops->finish(&r);
	cr_expect(in.host_pid == 0 || test_pid_gone(in.host_pid), "the workload still runs");
	cr_expect_eq(test_leftovers(run_id), 0);
}

Test(container, silent_workload_times_out_and_leaves_nothing)
{
	expect_clean_failure("agent_silent", "waiting for READY", 300);
}

Test(container, garbage_is_refused_and_leaves_nothing)
{
	expect_clean_failure("agent_garbage", "garbage", 5000);
}

Test(container, overlong_record_is_refused_and_leaves_nothing)
{
	expect_clean_failure("agent_hostile", "longer than", 5000);
}
