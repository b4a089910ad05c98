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
