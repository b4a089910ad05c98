/* A guest's last records reach the host whole.  The agent, as the guest's
 * /init, writes its last records to the serial console and powers the
 * guest off; write() returns once the bytes are in the tty's buffer, and
 * the emulated UART sends them out later, so a power-off that does not
 * wait for them cuts the end of the output mid-line.  The isolation probe
 * ends with a burst of records; with the guest's CPU shared by busy
 * processes (as on a loaded host) the cut happened on nearly every run. */
#include <jansson.h>
#include <limits.h>
#include <sched.h>

#include "../runners/runner.h"
#include "cli_run.h"

extern const struct runner_ops vm_runner_ops;

/* Skips unless a guest can boot here: the vm runner's doctor checks of
 * what it cannot bring itself. */
static void need_guests(void)
{
	for (const struct runner_check *c = vm_runner_ops.doctor; c && c->name; c++) {
		struct runner_check_result res = { 0 };

		if (strcmp(c->name, "libvirtd") != 0 && strcmp(c->name, "guest kernel") != 0)
			continue;
		c->run(c->arg, &res);
		if (res.level == RUNNER_CHECK_FAIL)
			cr_skip_test("vm: %s: %s", c->name, res.detail);
	}
}

/* A process that spins on CPU 0 until killed. */
static pid_t spin_on_cpu0(void)
{
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		cpu_set_t set;
		volatile unsigned long n = 0;

		CPU_ZERO(&set);
		CPU_SET(0, &set);
		sched_setaffinity(0, sizeof(set), &set);
		alarm(120); /* never outlives a test that died */
		for (;;)
			n++;
	}
	return pid;
}

Test(guest_last_words, probe_records_survive_a_busy_cpu)
{
	const char *args[] = { "run",   "isolation", "--runners", "vm", "--skip-noisy", "--cpus", "0", "--runs", "1",
			       "--warmup", "0",  "--quiet", "--out", NULL, NULL };
	char dir[64], path[PATH_MAX];
	pid_t spin[2];
	struct cli_run r;
	json_t *doc;
	json_error_t jerr;

	SKIP_UNLESS_ROOT();
	test_agent();
	need_guests();
	args[13] = temp_dir(dir);
	for (int i = 0; i < 2; i++)
		spin[i] = spin_on_cpu0();
	run_bench(&r, NULL, args);
	for (int i = 0; i < 2; i++) {
		kill(spin[i], SIGKILL);
		waitpid(spin[i], NULL, 0);
	}
	cr_expect_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	snprintf(path, sizeof(path), "%s/latest/results.json", dir);
	doc = json_load_file(path, 0, &jerr);
	cr_expect_not_null(doc, "no results: %s", jerr.text);
	json_decref(doc);
	expect_nothing_left(r.pid);
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}
