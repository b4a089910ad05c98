/* bench run startup: how long from "start it" to the agent saying READY,
 * and to everything being gone again, for each runner, phase by phase. */
#include <stdio.h>

#include "../lib/clock.h"
#include "harness/run_output.h"
#include "harness/schedule.h"
#include "harness/session.h"
#include "benchmarks.h"

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

int cmd_run_startup(int argc, char **argv, int full_argc, char **full_argv)
{
	struct run_options opts;
	struct session ss;
	bench_error err = { 0 };
	struct schedule s;
	int rc;

	if (run_options_parse(argc, argv, &opts, NULL, NULL, &err) < 0) {
		bench_error_print(&err);
		return err.exit_code;
	}
	if (opts.help) {
		printf("usage: bench run startup [options]\n\n"
		       "Launch to READY and to gone, phase by phase, for each runner.\n\n");
		run_options_usage(stdout, NULL);
		return 0;
	}
	rc = session_begin(&ss, "startup", full_argc, full_argv);
	if (rc != 0)
		return rc;
	s = (struct schedule){
		.opts = &opts, .agent_path = ss.agent, .run_id = ss.run_id,
		.task = BENCH_TASK_READY, .res = &ss.res, .record = record_startup,
	};
	session_check(&ss, schedule_run(&s, &err), &err);
	/* What was measured before a failure or Ctrl-C is kept. */
	if (run_output_has_samples(&ss.res)) {
		bench_error werr = { 0 };

		session_check(&ss, run_output_write(&opts, &ss.res, NULL, &werr), &werr);
	}
	return session_finish(&ss);
}
