/* The agent's task table: a new task is a file of its own and one line
 * here. */
#include <stdio.h>
#include <string.h>

#include "../../lib/agent_protocol.h"
#include "emit.h"
#include "tasks.h"

int task_run(const char *name, struct task_ctx *ctx)
{
	static const struct {
		const char *name;
		int (*fn)(struct task_ctx *);
	} tasks[] = {
		{ BENCH_TASK_READY, task_ready },
		{ BENCH_TASK_IDLE, task_idle },
		{ BENCH_TASK_SYSCALL, task_syscall },
		{ BENCH_TASK_PROBE, task_probe },
		{ BENCH_TASK_VICTIM, task_victim },
		{ BENCH_TASK_AGGRESSOR, task_aggressor },
		{ BENCH_TASK_CPU, task_cpu },
		{ BENCH_TASK_MEMORY, task_memory },
		{ BENCH_TASK_NETWORK, task_network },
		{ BENCH_TASK_STORAGE, task_storage },
	};
	char msg[128];

	for (size_t i = 0; i < sizeof(tasks) / sizeof(tasks[0]); i++)
		if (strcmp(tasks[i].name, name) == 0)
			return tasks[i].fn(ctx);
	snprintf(msg, sizeof(msg), "unknown task '%.64s'", name);
	emit_error(ctx->out, msg);
	return 2;
}
