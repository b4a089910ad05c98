/* Containers whose start goes wrong, through container_start itself: what
 * the error says, that the deadline holds before exec, and that nothing is
 * left behind. */
#include <fcntl.h>
#include <limits.h>
#include <linux/userfaultfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "../container/cgroup.h"
#include "../container/container.h"
#include "../container/rootfs.h"
#include "../lib/agent_protocol.h"
#include "../lib/clock.h"
#include "../lib/run_id.h"
#include "../runners/runner.h"
#include "helpers.h"

struct fault_env {
	char run_id[64];
	struct cg_layout layout;
	struct cgroup cg;
	struct rootfs fs;
	int devnull, out[2];
};

static void env_setup(struct fault_env *e)
{
	const char *agent = test_agent();
	struct cg_limits none = { .cpus = "" };
	bench_error err = { 0 };
	char name[96];

	SKIP_UNLESS_ROOT();
	run_id_make(e->run_id, sizeof(e->run_id));
	run_id_object_name(e->run_id, 0, name, sizeof(name));
	cr_assert_eq(cg_detect(&e->layout, &err), 0, "%s", err.msg);
	cr_assert_eq(cg_parent_prepare(&e->layout, &err), 0, "%s", err.msg);
	cr_assert_eq(cg_create(&e->cg, &e->layout, name, &none, &err), 0, "%s", err.msg);
	cr_assert_eq(rootfs_prepare(&e->fs, e->run_id, agent, &err), 0, "%s", err.msg);
	e->devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	cr_assert_geq(e->devnull, 0);
	cr_assert_eq(pipe2(e->out, O_CLOEXEC), 0);
}

static struct container_spec env_spec(struct fault_env *e, const char *const *argv, const char *hostname)
{
	return (struct container_spec){ .rootfs = e->fs.path, .hostname = hostname, .argv = argv,
					.stdin_fd = e->devnull, .stdout_fd = e->out[1], .cgroup = &e->cg };
}

static void env_teardown(struct fault_env *e)
{
	bench_error err = { 0 };

	cr_expect_eq(cg_destroy(&e->cg, &err), 0, "%s", err.msg);
	cg_parent_release(&e->layout);
	rootfs_remove(&e->fs);
	close(e->out[0]);
	close(e->out[1]);
	close(e->devnull);
	cr_expect_eq(test_leftovers(e->run_id), 0);
}

/* argv[0] in the rootfs cannot be exec'd: the error names the exec and its
 * errno, not the sync pipe. */
static void expect_exec_failure(const char *path, int errnum)
{
	static struct fault_env e; /* large: off the stack */
	const char *argv[] = { path, NULL };
	struct container_spec spec;
	struct container ct;
	bench_error err = { 0 };
	char expected[128];

	env_setup(&e);
	spec = env_spec(&e, argv, "bench-fault");
	cr_expect_eq(container_start(&ct, &spec, clock_now_ns() + 5000000000u, &err), -1);
	snprintf(expected, sizeof(expected), "exec of %s failed: %s", path, strerror(errnum));
	cr_expect(strstr(err.msg, expected), "message: %s (expected '%s')", err.msg, expected);
	cr_expect_eq(err.errnum, errnum, "errno %d, expected %d", err.errnum, errnum);
	cr_expect_eq(ct.init.pid, 0, "the container's init was not reaped");
	env_teardown(&e);
}

Test(container_faults, missing_agent_names_execve_and_enoent)
{
	expect_exec_failure("/no-such-agent", ENOENT);
}

Test(container_faults, unexecutable_agent_names_execve_and_eacces)
{
	/* /dev is mounted noexec in every container. */
	expect_exec_failure("/dev/null", EACCES);
}

/* A child stuck before exec (here: on a page of the harness's memory that
 * never arrives, as it would on a hung mount) must not hang the harness:
 * the deadline kills it. */
Test(container_faults, deadline_holds_while_the_child_is_stuck_before_exec, .timeout = 30)
{
	static struct fault_env e;
	const char *argv[] = { ROOTFS_AGENT_PATH, BENCH_TASK_IDLE, NULL };
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct container_spec spec;
	struct container ct;
	bench_error err = { 0 };
	long page = sysconf(_SC_PAGESIZE);
	uint64_t t0, took;
	char *hostname;
	int uffd;

	env_setup(&e);
	uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0)
		cr_skip_test("no userfaultfd here (%s): nothing to hang the child on", strerror(errno));
	cr_assert_eq(ioctl(uffd, UFFDIO_API, &api), 0, "UFFDIO_API: %s", strerror(errno));
	hostname = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(hostname, MAP_FAILED);
	reg.range.start = (uint64_t)(uintptr_t)hostname;
	reg.range.len = (uint64_t)page;
	cr_assert_eq(ioctl(uffd, UFFDIO_REGISTER, &reg), 0, "UFFDIO_REGISTER: %s", strerror(errno));

	/* Nobody serves the fault on the hostname: the child waits there. */
	spec = env_spec(&e, argv, hostname);
	t0 = clock_now_ns();
	cr_expect_eq(container_start(&ct, &spec, t0 + 300000000u, &err), -1);
	took = clock_now_ns() - t0;
	cr_expect(strstr(err.msg, "did not exec in time"), "message: %s", err.msg);
	cr_expect_lt(took, 10000000000u, "the deadline of 0.3 s was kept only after %llu ms",
		     (unsigned long long)(took / 1000000));
	cr_expect_eq(ct.init.pid, 0, "the stuck child was not reaped");
	close(uffd);
	munmap(hostname, (size_t)page);
	env_teardown(&e);
}

/* A workload whose processes keep forking and exiting (so their pids churn)
 * is killed to the last process, through the freezer on v1 (the container's
 * processes are in a freezer cgroup of bench's) and cgroup.kill or
 * cgroup.freeze on v2, and nothing of it is left. */
Test(container_faults, forking_workload_is_killed_to_the_last_process, .timeout = 60)
{
	struct cg_layout l;
	struct cgroup cg;
	struct cg_limits lim = { .pids_max = 64 };
	bench_error err = { 0 };
	char run_id[64], name[96], path[64], line[512];
	int report[2], status;
	pid_t pid, pids[32];
	size_t npids = 0;
	bool frozen_by_bench = false;
	FILE *f;

	SKIP_UNLESS_ROOT();
	run_id_make(run_id, sizeof(run_id));
	run_id_object_name(run_id, 0, name, sizeof(name));
	cr_assert_eq(cg_detect(&l, &err), 0, "%s", err.msg);
	cr_assert_eq(cg_parent_prepare(&l, &err), 0, "%s", err.msg);
	cr_assert_eq(cg_create(&cg, &l, name, &lim, &err), 0, "%s", err.msg);
	cr_assert_eq(pipe2(report, O_CLOEXEC), 0);
	pid = fork();
	if (pid == 0) {
		close(report[0]);
		if (cg_join_self(&cg) != 0)
			_exit(100);
		/* Eight long-lived forkers, each making short-lived children. */
		for (int i = 0; i < 8; i++) {
			pid_t c = fork();

			if (c == 0) {
				close(report[1]);
				for (;;) {
					pid_t g = fork();

					if (g == 0)
						_exit(0);
					if (g > 0)
						waitpid(g, NULL, 0);
				}
			}
			if (c > 0 && write(report[1], &c, sizeof(c)) != sizeof(c))
				_exit(101);
		}
		_exit(0);
	}
	cr_assert_gt(pid, 0);
	close(report[1]);
	while (npids < 8 && read(report[0], &pids[npids], sizeof(pids[0])) == sizeof(pids[0]))
		npids++;
	close(report[0]);
	waitpid(pid, &status, 0);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the workload could not start (%d)", status);
	cr_assert_eq(npids, 8);
	usleep(50000); /* let the churn run */

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pids[0]);
	f = fopen(path, "re");
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, ":freezer:/bench.slice/") && strstr(line, name))
			frozen_by_bench = true;
	fclose(f);
	if (l.version == 1 && l.v1_freezer[0])
		cr_expect(frozen_by_bench, "v1 with a freezer: the workload is not in a freezer cgroup of bench's");

	cr_assert_eq(cg_destroy(&cg, &err), 0, "%s", err.msg);
	/* They were children of the forked workload, reparented to init
	 * (or a subreaper): gone means no /proc entry or a zombie. */
	for (size_t i = 0; i < npids; i++) {
		char state = 0;

		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pids[i]);
		f = fopen(path, "re");
		if (f) {
			if (fscanf(f, "%*d (%*[^)]) %c", &state) != 1)
				state = '?';
			fclose(f);
		}
		cr_expect(!f || state == 'Z' || state == 'X', "pid %d still runs (state %c)", (int)pids[i], state);
	}
	cg_parent_release(&l);
	cr_expect_eq(test_leftovers(run_id), 0);
}

/* Two runs at once, each preparing, starting and stopping containers and
 * releasing, over and over: neither removes what the other uses (the
 * shared bench.slice, the root's cgroup settings), both succeed, and
 * nothing is left. */
struct concurrent_run {
	char run_id[64];
	const char *agent;
	int failures;
	char first_error[BENCH_ERROR_MAX];
};

extern const struct runner_ops container_runner_ops;

static void concurrent_runs(struct concurrent_run *cr)
{
	for (int run = 0; run < 30; run++) {
		struct run_config cfg = { .agent_path = cr->agent, .run_id = cr->run_id, .cpus = "0", .ncpus = 1,
					  .memory_mib = 64, .pids_max = 16, .timeout_ms = 10000 };
		struct runner r = { .ops = &container_runner_ops, .cfg = &cfg };
		bench_error err = { 0 };
		int rc = r.ops->prepare(&r, &err);
		bool prepared = rc == 0;

		/* One container per run: each prepare and release is a
		 * chance for the other run's to come between two steps. */
		if (rc == 0) {
			struct instance in;

			instance_init(&in, &r, 0, BENCH_TASK_IDLE);
			rc = r.ops->launch(&r, &in, &err);
			if (rc == 0)
				rc = r.ops->wait_ready(&r, &in, &err);
			if (rc == 0)
				rc = r.ops->stop(&r, &in, &err);
			r.ops->destroy(&r, &in);
		}
		if (prepared)
			r.ops->finish(&r);
		if (rc != 0 && cr->failures++ == 0)
			snprintf(cr->first_error, sizeof(cr->first_error), "%s", err.msg);
	}
}

Test(container_faults, two_concurrent_runs_share_the_cgroup_root, .timeout = 120)
{
	/* Two processes, as two bench runs are (threads would add a race of
	 * their own: one thread's clone inherits the agent copy another is
	 * still writing, and that exec fails with ETXTBSY). */
	struct concurrent_run *runs = mmap(NULL, 2 * sizeof(*runs), PROT_READ | PROT_WRITE,
					   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	const char *agent = test_agent();
	pid_t pids[2];
	char base[48];

	SKIP_UNLESS_ROOT();
	cr_assert_neq(runs, MAP_FAILED);
	run_id_make(base, sizeof(base));
	for (int i = 0; i < 2; i++) {
		runs[i] = (struct concurrent_run){ .agent = agent };
		snprintf(runs[i].run_id, sizeof(runs[i].run_id), "%s%c", base, 'a' + i);
	}
	for (int i = 0; i < 2; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			concurrent_runs(&runs[i]);
			_exit(0);
		}
		cr_assert_gt(pids[i], 0);
	}
	for (int i = 0; i < 2; i++) {
		int status;

		cr_assert_eq(waitpid(pids[i], &status, 0), pids[i]);
		cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "run %d ended with status %d", i, status);
		cr_expect_eq(runs[i].failures, 0, "run %d failed %d times, first: %s", i, runs[i].failures,
			     runs[i].first_error);
	}
	munmap(runs, 2 * sizeof(*runs));
	cr_expect_eq(test_leftovers(base), 0);
}
