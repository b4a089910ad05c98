/* The qemu runner: its command line, its QMP reader, and real guests with
 * QEMU started directly (TCG here; a boot takes 2-10 s on a loaded host). */
#include <criterion/criterion.h>

#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../lib/clock.h"
#include "../lib/run_id.h"
#include "../runners/runner.h"
#include "../runners/runner_hooks.h"
#include "../vm/initramfs.h"
#include "../vm/kernel_cache.h"
#include "../vm/qemu_cmdline.h"
#include "../vm/qemu_process.h"
#include "../vm/qmp.h"
#include "../vm/snapshot_cache.h"
#include "helpers.h"

extern const struct runner_ops qemu_runner_ops;
extern const struct runner_ops vm_runner_ops;

/* ---- command line ---------------------------------------------------------- */

static bool has_pair(const struct qemu_argv *a, const char *opt, const char *val)
{
	for (int i = 0; i + 1 < a->argc; i++)
		if (strcmp(a->argv[i], opt) == 0 && strcmp(a->argv[i + 1], val) == 0)
			return true;
	return false;
}

static struct qemu_spec spec_for(enum vm_machine m, enum vm_accel accel, unsigned vcpus)
{
	return (struct qemu_spec){
		.name = "bench-1-2-0", .machine = m, .accel = accel, .memory_mib = 256, .vcpus = vcpus,
		.kernel = "/k", .initrd = "/i", .cmdline = "console=ttyS0 quiet",
		.console_socket = "/tmp/bench-1-2-qemu.x/0.console", .qmp_socket = "/tmp/bench-1-2-qemu.x/0.qmp",
	};
}

Test(qemu_cmdline, same_guest_as_the_domain)
{
	struct qemu_spec s = spec_for(VM_MACHINE_PC, VM_ACCEL_TCG, 2);
	struct qemu_argv a;
	bench_error err = { 0 };

	cr_assert_eq(qemu_argv_build(&s, &a, &err), 0, "%s", err.msg);
	cr_expect_str_eq(a.argv[0], QEMU_BINARY);
	cr_expect(has_pair(&a, "-name", "bench-1-2-0,debug-threads=on"));
	cr_expect(has_pair(&a, "-machine", "pc,usb=off"));
	cr_expect(has_pair(&a, "-accel", "tcg"));
	/* The domain XML's <cpu>: qemu64 under TCG, 1 socket of 2 cores. */
	cr_expect(has_pair(&a, "-cpu", "qemu64"));
	cr_expect(has_pair(&a, "-smp", "2,sockets=1,dies=1,cores=2,threads=1"));
	cr_expect(has_pair(&a, "-m", "256"));
	cr_expect(has_pair(&a, "-append", "console=ttyS0 quiet"));
	cr_expect(has_pair(&a, "-chardev", "socket,id=qmp,path=/tmp/bench-1-2-qemu.x/0.qmp,server=on,wait=off"));
	cr_expect_str_eq(a.argv[a.argc - 1], "-S", "QEMU starts paused");
	cr_expect_null(a.argv[a.argc]);

	s = spec_for(VM_MACHINE_Q35, VM_ACCEL_KVM, 1);
	cr_assert_eq(qemu_argv_build(&s, &a, &err), 0, "%s", err.msg);
	cr_expect(has_pair(&a, "-cpu", "host"), "KVM: the host's CPU, as host-passthrough");
	cr_expect(has_pair(&a, "-machine", "q35,usb=off"));
}

Test(qemu_cmdline, refuses_what_qemu_would_misread)
{
	struct qemu_spec s = spec_for(VM_MACHINE_PC, VM_ACCEL_TCG, 1);
	struct qemu_argv a;
	bench_error err = { 0 };
	enum vm_machine m;

	s.console_socket = "/tmp/a,server=off/0.console";
	cr_expect_eq(qemu_argv_build(&s, &a, &err), -1);
	cr_expect(strstr(err.msg, "','") != NULL, "%s", err.msg);
	s = spec_for(VM_MACHINE_PC, VM_ACCEL_TCG, 1);
	s.cmdline = "quiet\nx";
	cr_expect_eq(qemu_argv_build(&s, &a, &err), -1);
	cr_expect_eq(vm_machine_parse("isapc", &m, &err), -1);
	cr_expect(strstr(err.msg, "pc, q35, microvm") != NULL, "%s", err.msg);
	cr_expect_eq(vm_machine_parse("q35", &m, &err), 0);
	cr_expect_eq(m, VM_MACHINE_Q35);
}

/* ---- QMP ------------------------------------------------------------------- */

static int parse(const char *line, enum qmp_kind *kind, json_t **v, bench_error *err)
{
	return qmp_parse_line(line, strlen(line), kind, v, err);
}

Test(qmp, parses_what_qemu_sends)
{
	enum qmp_kind kind;
	json_t *v;
	bench_error err = { 0 };

	cr_expect_eq(parse("{\"QMP\": {\"version\": {}, \"capabilities\": []}}", &kind, &v, &err), 0, "%s", err.msg);
	cr_expect_eq(kind, QMP_GREETING);
	cr_expect_eq(parse("{\"return\": {}}", &kind, &v, &err), 0);
	cr_expect_eq(kind, QMP_RETURN);
	json_decref(v);
	cr_expect_eq(parse("{\"timestamp\": {\"seconds\": 1}, \"event\": \"RESUME\"}", &kind, &v, &err), 0);
	cr_expect_eq(kind, QMP_EVENT);
	cr_expect_str_eq(json_string_value(v), "RESUME");
	json_decref(v);
	cr_expect_eq(parse("{\"error\": {\"class\": \"GenericError\", \"desc\": \"no such machine\"}}", &kind, &v, &err),
		     -1);
	cr_expect(strstr(err.msg, "no such machine") != NULL, "%s", err.msg);
}

Test(qmp, refuses_hostile_lines)
{
	static const char *const bad[] = { "", "[]", "\"x\"", "{", "{\"event\": 3}", "{\"other\": 1}",
					   "{\"return\": 1, \"return\": 2}" };
	enum qmp_kind kind;
	json_t *v;
	bench_error err = { 0 };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_expect_eq(parse(bad[i], &kind, &v, &err), -1, "accepted: %s", bad[i]);
		cr_expect_null(v);
	}
}

Test(qmp, vcpu_threads)
{
	int tids[4];
	bench_error err = { 0 };
	json_t *ok = json_loads("[{\"cpu-index\": 1, \"thread-id\": 20}, {\"cpu-index\": 0, \"thread-id\": 10}]", 0, NULL);
	json_t *twice = json_loads("[{\"cpu-index\": 0, \"thread-id\": 20}, {\"cpu-index\": 0, \"thread-id\": 10}]", 0, NULL);
	json_t *out = json_loads("[{\"cpu-index\": 7, \"thread-id\": 20}]", 0, NULL);
	json_t *neg = json_loads("[{\"cpu-index\": 0, \"thread-id\": -1}]", 0, NULL);

	cr_expect_eq(qmp_vcpu_threads(ok, tids, 4, &err), 2, "%s", err.msg);
	cr_expect_eq(tids[0], 10);
	cr_expect_eq(tids[1], 20);
	cr_expect_eq(qmp_vcpu_threads(twice, tids, 4, &err), -1);
	cr_expect_eq(qmp_vcpu_threads(out, tids, 4, &err), -1);
	cr_expect_eq(qmp_vcpu_threads(neg, tids, 4, &err), -1);
	cr_expect_eq(qmp_vcpu_threads(ok, tids, 1, &err), -1, "more vCPUs than asked for");
	json_decref(ok);
	json_decref(twice);
	json_decref(out);
	json_decref(neg);
}

/* ---- real guests ----------------------------------------------------------- */

static void need_qemu(void)
{
	struct guest_kernel k;
	bench_error err = { 0 };
	char path[4096];
	const char *agent = getenv("BENCH_AGENT");

	if (!agent || access(agent, X_OK) != 0)
		cr_skip_test("qemu: BENCH_AGENT is not set to the agent binary (run through 'make test')");
	if (kernel_cache_find(vm_cache_dir(), &k, &err) != 0)
		cr_skip_test("qemu: %s", err.msg);
	if (qemu_binary_find(path, sizeof(path), &err) != 0)
		cr_skip_test("qemu: %s", err.msg);
	fprintf(stderr, "qemu: guest kernel %s (%s)\n", k.path, k.release);
}

struct qemu_fixture {
	char run_id[64];
	struct run_config cfg;
	struct runner r;
	struct instance in;
	bench_error err;
};

static void fixture_prepare(struct qemu_fixture *f, const char *machine, int timeout_ms)
{
	memset(f, 0, sizeof(*f));
	run_id_make(f->run_id, sizeof(f->run_id));
	f->cfg = (struct run_config){
		.agent_path = getenv("BENCH_AGENT"), .run_id = f->run_id, .cpus = "", .memory_mib = 256,
		.timeout_ms = timeout_ms, .accel = "auto", .vm_machine = machine,
	};
	f->r = (struct runner){ .ops = &qemu_runner_ops, .cfg = &f->cfg };
	cr_assert_eq(qemu_runner_ops.prepare(&f->r, &f->err), 0, "%s", f->err.msg);
}

static void expect_nothing_left(void)
{
	char needle[32];

	snprintf(needle, sizeof(needle), RUN_ID_PREFIX "%d-", (int)getpid());
	cr_expect_eq(test_leftover_processes(needle, NULL, true) + test_leftover_scratch(needle, true), 0,
		     "the qemu runner left something of %s", needle);
}

/* Two starts of one runner, as a run's samples: READY from the agent as
 * the guest's init, the four phases, and nothing left after stop. */
Test(qemu, two_starts_to_ready, .timeout = 120)
{
	struct qemu_fixture f;
	json_t *meta = json_object();

	need_qemu();
	fixture_prepare(&f, NULL, 60000);
	for (unsigned seq = 0; seq < 2; seq++) {
		instance_init(&f.in, &f.r, seq, "ready");
		cr_assert_eq(qemu_runner_ops.launch(&f.r, &f.in, &f.err), 0, "%s", f.err.msg);
		cr_assert_eq(qemu_runner_ops.wait_ready(&f.r, &f.in, &f.err), 0, "%s", f.err.msg);
		cr_expect_gt(f.in.host_pid, 1, "QEMU's pid");
		cr_assert_eq(qemu_runner_ops.stop(&f.r, &f.in, &f.err), 0, "%s", f.err.msg);
		qemu_runner_ops.destroy(&f.r, &f.in);
		qemu_runner_ops.destroy(&f.r, &f.in); /* idempotent */
		cr_expect_str_eq(record_get(&f.in.ready, "pid"), "1", "the agent is the guest's init");
		cr_expect_str_eq(record_get(&f.in.ready, "task"), "ready");
		cr_assert_eq(f.in.nphases, 4);
		cr_expect_str_eq(f.in.phases[0].name, "create");
		cr_expect_str_eq(f.in.phases[1].name, "resume");
		cr_expect_str_eq(f.in.phases[2].name, "firmware_kernel");
		cr_expect_str_eq(f.in.phases[3].name, "boot");
		cr_expect_str_eq(f.in.measures[0].name, "guest_uptime");
		cr_expect_geq(f.in.t_gone_ns, f.in.t_ready_ns);
		fprintf(stderr, "qemu: start %u: READY %.0f ms after launch (create %.0f, resume %.1f, "
			"firmware_kernel %.0f, boot %.0f ms)\n", seq, ns_to_ms(f.in.t_ready_ns - f.in.t_launch_ns),
			ns_to_ms(f.in.phases[0].ns), ns_to_ms(f.in.phases[1].ns), ns_to_ms(f.in.phases[2].ns),
			ns_to_ms(f.in.phases[3].ns));
	}
	qemu_runner_ops.describe(&f.r, meta);
	cr_expect_str_eq(json_string_value(json_object_get(meta, "qemu_runner_machine")), "pc");
	cr_expect_not_null(json_object_get(meta, "qemu_runner_qemu_version"));
	cr_expect_not_null(json_object_get(meta, "cpu_model"));
	cr_expect_not_null(json_object_get(meta, "cpu_topology"));
	json_decref(meta);
	qemu_runner_ops.finish(&f.r);
	qemu_runner_ops.finish(&f.r);
	expect_nothing_left();
}

/* A SIGKILLed harness: its QEMU goes with it (PR_SET_PDEATHSIG) and `bench
 * cleanup` (qemu_cleanup) removes its folder. */
Test(qemu, killed_harness_leaves_nothing_after_cleanup, .timeout = 120)
{
	pid_t pid;
	int status;
	char needle[32];
	uint64_t deadline;
	struct runner_cleanup_counts removed = { 0 };
	bench_error err = { 0 };

	need_qemu();
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		static struct qemu_fixture f;

		run_id_make(f.run_id, sizeof(f.run_id));
		f.cfg = (struct run_config){ .agent_path = getenv("BENCH_AGENT"), .run_id = f.run_id,
					     .memory_mib = 256, .timeout_ms = 60000, .accel = "auto" };
		f.r = (struct runner){ .ops = &qemu_runner_ops, .cfg = &f.cfg };
		instance_init(&f.in, &f.r, 0, "idle");
		if (qemu_runner_ops.prepare(&f.r, &f.err) != 0 || qemu_runner_ops.launch(&f.r, &f.in, &f.err) != 0)
			_exit(1);
		for (;;)
			pause();
	}
	snprintf(needle, sizeof(needle), RUN_ID_PREFIX "%d-", (int)pid);
	deadline = clock_now_ns() + 60000000000ull;
	while (test_leftover_processes(needle, NULL, false) == 0 && clock_now_ns() < deadline &&
	       waitpid(pid, &status, WNOHANG) == 0) {
		struct timespec ts = { 0, 10000000 };

		nanosleep(&ts, NULL);
	}
	cr_assert_gt(test_leftover_processes(needle, NULL, false), 0, "the child's QEMU never appeared");
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	deadline = clock_now_ns() + 10000000000ull;
	while (test_leftover_processes(needle, NULL, false) > 0 && clock_now_ns() < deadline) {
		struct timespec ts = { 0, 10000000 };

		nanosleep(&ts, NULL);
	}
	cr_expect_eq(test_leftover_processes(needle, NULL, true), 0, "a QEMU survived its harness");
	cr_expect_gt(test_leftover_scratch(needle, false), 0, "the killed run's folder should be there to clean");
	cr_expect_eq(qemu_cleanup(false, &removed, &err), 0, "%s", err.msg);
	cr_expect_eq(test_leftover_scratch(needle, true), 0, "qemu_cleanup left the killed run's folder");
	cr_expect_geq(removed.nkinds, 2);
}

/* A machine that cannot work is refused before anything starts, with the
 * reason: libvirt gives every domain a PCI controller, microvm has none. */
Test(qemu_machine, vm_runner_refuses_microvm_with_the_reason)
{
	char run_id[64];
	struct run_config cfg;
	struct runner r;
	bench_error err = { 0 };

	run_id_make(run_id, sizeof(run_id));
	cfg = (struct run_config){ .agent_path = "/nonexistent", .run_id = run_id, .memory_mib = 256,
				   .accel = "auto", .vm_machine = "microvm" };
	r = (struct runner){ .ops = &vm_runner_ops, .cfg = &cfg };
	cr_expect_eq(vm_runner_ops.prepare(&r, &err), -1);
	cr_expect(strstr(err.msg, "microvm") != NULL && strstr(err.msg, "PCI") != NULL, "%s", err.msg);
	cr_expect_eq(err.exit_code, BENCH_EXIT_USAGE);
	vm_runner_ops.finish(&r);
	cfg.vm_machine = "isapc";
	r = (struct runner){ .ops = &qemu_runner_ops, .cfg = &cfg };
	cr_expect_eq(qemu_runner_ops.prepare(&r, &err), -1);
	cr_expect(strstr(err.msg, "pc, q35, microvm") != NULL, "%s", err.msg);
	qemu_runner_ops.finish(&r);
}

/* A saved guest's half-written image of a dead run goes; a complete image
 * stays unless --all. */
Test(qemu_snapshot, cleanup_takes_only_what_is_over)
{
	char dir[] = "/tmp/bench-test-snap-XXXXXX", path[600], tmp[600], dead[600];
	bench_error err = { 0 };
	FILE *f;

	cr_assert_not_null(mkdtemp(dir));
	setenv("BENCH_CACHE_DIR", dir, 1);
	cr_assert_eq(snapshot_paths("key", "qemu", "999999999-1", path, sizeof(path), tmp, sizeof(tmp), &err), 0, "%s", err.msg);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fclose(f);
	/* pid 999999999 runs nothing: a dead run's partial image. */
	f = fopen(tmp, "w");
	cr_assert_not_null(f);
	fclose(f);
	snprintf(dead, sizeof(dead), "%s", tmp);
	cr_expect_eq(snapshot_cleanup(false), 1);
	cr_expect_neq(access(dead, F_OK), 0, "the dead run's partial image is still there");
	cr_expect_eq(access(path, F_OK), 0, "a complete image went without --all");
	cr_expect_eq(snapshot_cleanup(true), 1);
	cr_expect_neq(access(path, F_OK), 0);
	cr_expect_eq(snapshot_paths("key", "qemu", "1-1", path, sizeof(path), tmp, sizeof(tmp), &err), 0);
	snprintf(path, sizeof(path), "%s/snapshot", dir);
	rmdir(path);
	rmdir(dir);
	setenv("BENCH_CACHE_DIR", "/tmp/bench test/x", 1);
	cr_expect_eq(snapshot_paths("key", "qemu", "1-1", path, sizeof(path), tmp, sizeof(tmp), &err), -1);
	cr_expect(strstr(err.msg, "BENCH_CACHE_DIR") != NULL, "%s", err.msg);
	unsetenv("BENCH_CACHE_DIR");
}

/* --vm-start restore: the saved idle guest comes back and its agent,
 * told so on the console, answers READY. */
Test(qemu, restore_gives_ready, .timeout = 180)
{
	struct qemu_fixture f;
	json_t *meta = json_object();

	need_qemu();
	memset(&f, 0, sizeof(f));
	run_id_make(f.run_id, sizeof(f.run_id));
	f.cfg = (struct run_config){
		.agent_path = getenv("BENCH_AGENT"), .run_id = f.run_id, .cpus = "", .memory_mib = 256,
		.timeout_ms = 60000, .accel = "auto", .vm_start = "restore",
	};
	f.r = (struct runner){ .ops = &qemu_runner_ops, .cfg = &f.cfg };
	cr_assert_eq(qemu_runner_ops.prepare(&f.r, &f.err), 0, "%s", f.err.msg);
	instance_init(&f.in, &f.r, 0, "ready");
	cr_assert_eq(qemu_runner_ops.launch(&f.r, &f.in, &f.err), 0, "%s", f.err.msg);
	cr_assert_eq(qemu_runner_ops.wait_ready(&f.r, &f.in, &f.err), 0, "%s", f.err.msg);
	cr_expect_str_eq(record_get(&f.in.ready, "pid"), "1");
	cr_assert_eq(f.in.nphases, 4);
	cr_expect_str_eq(f.in.phases[1].name, "restore");
	cr_expect_str_eq(f.in.phases[3].name, "answer");
	cr_assert_eq(qemu_runner_ops.stop(&f.r, &f.in, &f.err), 0, "%s", f.err.msg);
	qemu_runner_ops.destroy(&f.r, &f.in);
	fprintf(stderr, "qemu: restore: READY %.0f ms after launch (create %.0f, restore %.0f, resume %.1f, answer %.0f ms)\n",
		ns_to_ms(f.in.t_ready_ns - f.in.t_launch_ns), ns_to_ms(f.in.phases[0].ns), ns_to_ms(f.in.phases[1].ns),
		ns_to_ms(f.in.phases[2].ns), ns_to_ms(f.in.phases[3].ns));
	qemu_runner_ops.describe(&f.r, meta);
	cr_expect_str_eq(json_string_value(json_object_get(meta, "qemu_runner_start")), "restore");
	cr_expect_eq(access(json_string_value(json_object_get(meta, "qemu_runner_snapshot")), R_OK), 0);
	json_decref(meta);
	qemu_runner_ops.finish(&f.r);
	expect_nothing_left();
}
