/* bench run startup: how long from "start it" to the agent saying READY,
 * and to everything being gone again, for each runner, phase by phase. */
#include <stdio.h>

#include "../lib/clock.h"
#include "harness/benchmark.h"
#include "harness/schedule.h"
#include "harness/session.h"
#include "harness/suite.h"
#include "startup.h"

static int record_startup(void *ctx, struct runner *r, struct instance *in, struct results *res, bench_error *err)
{
	const char *name = r->ops->name;
	struct series *s;

	(void)ctx;
	s = results_series(res, name, "ready", "ms", err);
	if (!s || series_add(s, ns_to_ms(in->t_ready_ns - in->t_launch_ns), err) < 0)
		return -1;
	s = results_series(res, name, "gone", "ms", err);
	if (!s || series_add(s, ns_to_ms(in->t_gone_ns - in->t_launch_ns), err) < 0)
		return -1;
	for (int i = 0; i < in->nphases; i++) {
		char metric[48];

		snprintf(metric, sizeof(metric), "phase.%s", in->phases[i].name);
		s = results_series(res, name, metric, "ms", err);
		if (!s || series_add(s, ns_to_ms(in->phases[i].ns), err) < 0)
			return -1;
	}
	for (int i = 0; i < in->nmeasures; i++) {
		s = results_series(res, name, in->measures[i].name, "ms", err);
		if (!s || series_add(s, ns_to_ms(in->measures[i].ns), err) < 0)
			return -1;
	}
	return 0;
}

static int run_startup(void *ctx, const struct run_options *o, struct session *ss, bench_error *err)
{
	struct schedule s = {
		.opts = o, .agent_path = ss->agent, .run_id = ss->run_id,
		.task = BENCH_TASK_READY, .res = &ss->res, .record = record_startup,
	};

	(void)ctx;
	return schedule_run(&s, err);
}

/* Each run is a start and a stop, nothing more. */
static double fit_startup(void *ctx, struct run_options *o, double budget_s)
{
	(void)ctx;
	suite_fit_runs(o, budget_s, 0);
	return suite_schedule_estimate(o, 0);
}

const struct benchmark benchmark_startup = {
	.name = "startup",
	.summary = "launch to READY and to gone, phase by phase, per runner",
	.help = "Launch to READY and to gone, phase by phase, for each runner.\n\n",
	.run = run_startup,
	.plot = plot_startup,
	.legend = STARTUP_LEGEND,
	.report_table = startup_report_table,
	.report_summary = startup_report_summary,
	.summary_rank = 10,
	.fit_budget = fit_startup,
	.fleet_metrics = "ready,gone",
};
