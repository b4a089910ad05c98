/* The probe task: what the workload can learn about the host.
 *
 *   bench-agent probe [pause=MS] [marker=WORD] [lock=MAJ:MIN:INO]
 *
 * READY, then one DATA record per channel (phase=0): ch, v (the value,
 * abbreviated), n (a number to compare), c (a counter), err (why it could
 * not be read).  Then DATA sync=1 pause_ms=MS: the harness runs a burst of
 * activity on the host while the agent sleeps, after which the counters are
 * read again (phase=2).  DONE ends it.  The channel readers are shared with
 * the harness (probe_read.h). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/agent_protocol.h"
#include "emit.h"
#include "probe_read.h"
#include "agent_util.h"
#include "tasks.h"

#define PROBE_PAUSE_DEFAULT_MS 800
#define PROBE_PAUSE_MAX_MS 60000

static int emit_channel(int out, int ch, int phase, const struct probe_value *pv)
{
	struct emit e;

	emit_begin(&e, BENCH_REC_DATA);
	emit_str(&e, "ch", probe_channel_names[ch]);
	emit_u64(&e, "phase", (unsigned long long)phase);
	emit_str(&e, "v", pv->v);
	if (pv->has_n)
		emit_u64(&e, "n", pv->n);
	if (pv->has_counter)
		emit_u64(&e, "c", pv->counter);
	if (pv->err)
		emit_u64(&e, "err", (unsigned long long)pv->err);
	return emit_end(&e, out);
}

int task_probe(struct task_ctx *ctx)
{
	struct probe_markers markers = { util_arg(ctx, "marker"), util_arg(ctx, "lock") };
	long pause_ms = util_arg_long(ctx, "pause", 0, PROBE_PAUSE_MAX_MS, PROBE_PAUSE_DEFAULT_MS);
	struct probe_value pv;
	struct emit e;

	if (agent_ready(ctx->out, BENCH_TASK_PROBE) != 0)
		return 1;
	for (int ch = 0; ch < PC_COUNT; ch++) {
		probe_read_channel(ch, &markers, &pv);
		if (emit_channel(ctx->out, ch, 0, &pv) != 0)
			return 1;
	}
	emit_begin(&e, BENCH_REC_DATA);
	emit_u64(&e, "sync", 1);
	emit_u64(&e, "pause_ms", (unsigned long long)pause_ms);
	if (emit_end(&e, ctx->out) != 0)
		return 1;
	util_sleep_ms(pause_ms);
	for (int ch = 0; ch < PC_COUNT; ch++) {
		if (!probe_channel_has_counter(ch))
			continue;
		probe_read_channel(ch, &markers, &pv);
		if (emit_channel(ctx->out, ch, 2, &pv) != 0)
			return 1;
	}
	emit_begin(&e, BENCH_REC_DONE);
	emit_str(&e, "task", BENCH_TASK_PROBE);
	return emit_end(&e, ctx->out) == 0 ? 0 : 1;
}
