/* The syscall task: not written yet (see the issue that adds it). */
#include "../agent_protocol.h"
#include "emit.h"
#include "tasks.h"

int task_syscall(struct task_ctx *ctx)
{
	emit_error(ctx->out, "task syscall is not built yet");
	return 2;
}
