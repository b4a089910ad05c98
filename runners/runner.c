#include "runner.h"

#include <stdio.h>
#include <string.h>

#include "../lib/interrupt.h"
#include "../vm/accel.h"

void instance_init(struct instance *in, struct runner *r, unsigned seq, const char *task)
{
	memset(in, 0, sizeof(*in));
	in->runner = r;
	in->seq = seq;
	in->task.name = task;
}

void instance_add_phase(struct instance *in, const char *name, uint64_t ns)
{
	if (in->nphases >= RUNNER_PHASES_MAX)
		return;
	in->phases[in->nphases].name = name;
	in->phases[in->nphases].ns = ns;
	in->nphases++;
}

void instance_add_measure(struct instance *in, const char *name, uint64_t ns)
{
	if (in->nmeasures >= RUNNER_MEASURES_MAX)
		return;
	in->measures[in->nmeasures].name = name;
	in->measures[in->nmeasures].ns = ns;
	in->nmeasures++;
}

int record_check_ready(const struct agent_record *rec, bench_error *err)
{
	static const char *const required[] = { "task", "pid", "hostname", "kernel", "mono_ns" };
	uint64_t n;

	if (strcmp(rec->type, BENCH_REC_ERROR) == 0) {
		const char *msg = record_get(rec, "msg");
		return bench_fail(err, 0, "agent reported an error: %s", msg ? msg : "(no message)");
	}
	if (strcmp(rec->type, BENCH_REC_READY) != 0)
		return bench_fail(err, 0, "agent sent %s where READY was expected", rec->type);
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (!record_get(rec, required[i]))
			return bench_fail(err, 0, "agent READY record lacks '%s'", required[i]);
	if (record_get_u64(rec, "pid", &n, err) < 0 || record_get_u64(rec, "mono_ns", &n, err) < 0)
		return -1;
	return 0;
}

bool task_ends_by_itself(const struct agent_task *task)
{
	return strcmp(task->name, BENCH_TASK_READY) == 0;
}

bool task_may_end_by_itself(const struct agent_task *task)
{
	if (task_ends_by_itself(task))
		return true;
	/* A task given a time bound (the noisy neighbours' max_ms, a safety
	 * net should bench stall) exits 0 by itself when it is reached, which
	 * on a slow host can come just before bench tells it to stop. */
	for (int i = 0; i < task->nargs; i++)
		if (task->args[i] && strncmp(task->args[i], "max_ms=", 7) == 0)
			return true;
	return false;
}

int agent_task_disk_bind(const struct agent_task *task, const char *inside, char *dir, size_t dirsz, char *arg,
			 size_t argsz, bench_error *err)
{
	const char *slash = strrchr(task->disk, '/');

	if (!slash || slash == task->disk || (size_t)(slash - task->disk) >= dirsz ||
	    (size_t)snprintf(arg, argsz, "disk=%s/%s", inside, slash + 1) >= argsz)
		return bench_fail(err, 0, "disk %.200s is not an absolute file path of a sane length", task->disk);
	memcpy(dir, task->disk, (size_t)(slash - task->disk));
	dir[slash - task->disk] = '\0';
	return 0;
}

const char *runner_cap_name(unsigned cap_bit_index)
{
	static const char *const names[RUNNER_NCAPS] = { "baseline", "host_pids", "cgroup", "guest_kernel",
							  "profiles", "namespaces", "limits", "host_disk",
							  "user_kernel", "disk", "network", "overlay_row" };

	return cap_bit_index < RUNNER_NCAPS ? names[cap_bit_index] : NULL;
}

bool runner_has(const struct runner_ops *ops, unsigned caps)
{
	return ops && (ops->caps & caps) == caps;
}

void runner_destroy(struct runner *r, struct instance *in)
{
	interrupt_teardown_begin();
	r->ops->destroy(r, in);
	interrupt_teardown_end();
}

void runner_finish(struct runner *r)
{
	interrupt_teardown_begin();
	r->ops->finish(r);
	interrupt_teardown_end();
}

bool runner_guest_emulated(const struct runner_ops *ops)
{
	struct accel_facts facts;
	enum vm_accel a = VM_ACCEL_TCG;
	bench_error ignored = { 0 };

	if (!runner_has(ops, RUNNER_CAP_GUEST_KERNEL))
		return false;
	accel_probe(&facts);
	return accel_choose("auto", &facts, &a, &ignored) < 0 || a == VM_ACCEL_TCG;
}
