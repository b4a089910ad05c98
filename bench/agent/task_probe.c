/* The probe task: not written yet (see the issue that adds it). */
#include "../agent_protocol.h"
#include "emit.h"
#include "tasks.h"

int task_probe(struct task_ctx *ctx)
{
	emit_error(ctx->out, "task probe is not built yet");
	return 2;
}
