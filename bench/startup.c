/* bench run startup: how long from "start it" to the agent saying READY,
 * and to everything being gone again, for each runner, phase by phase. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "../container/cgroup.h"
#include "../runners/agent_path.h"
#include "../runners/clock.h"
#include "../runners/interrupt.h"
#include "../runners/meta.h"
#include "../runners/run_id.h"
#include "../runners/run_output.h"
#include "../runners/schedule.h"
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
	struct results res;
	char agent[PATH_MAX], run_id[64];
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
	if (agent_locate(agent, sizeof(agent), &err) < 0) {
		bench_error_print(&err);
		return BENCH_EXIT_FAIL;
	}
	run_id_make(run_id, sizeof(run_id));
	results_init(&res, "startup");
	if (meta_collect(res.meta, full_argc, full_argv, agent, cg_detect_describe(), &err) < 0) {
		bench_error_print(&err);
		results_free(&res);
		return BENCH_EXIT_FAIL;
	}
	interrupt_install();
	s = (struct schedule){
		.opts = &opts, .agent_path = agent, .run_id = run_id,
		.task = BENCH_TASK_READY, .res = &res, .record = record_startup,
	};
	rc = schedule_run(&s, &err);
	if (rc < 0)
		bench_error_print(&err);
	/* What was measured before a failure or Ctrl-C is kept. */
	if (run_output_has_samples(&res)) {
		bench_error werr = { 0 };

		if (run_output_write(&opts, &res, NULL, &werr) < 0) {
			bench_error_print(&werr);
			if (rc == 0)
				err.exit_code = BENCH_EXIT_FAIL, rc = -1;
		}
	}
	results_free(&res);
	return rc < 0 ? (err.exit_code ? err.exit_code : BENCH_EXIT_FAIL) : BENCH_EXIT_OK;
}
