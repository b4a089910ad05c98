/* The measuring loop every benchmark shares: for each runner in turn,
 * prepare it, run the warm-ups, then the measured runs, each one launched,
 * waited for, stopped and destroyed, and hand every measured instance to
 * the benchmark to record.  Failures and Ctrl-C tear down what was made and
 * leave every sample already recorded in the results. */
#ifndef BENCH_SCHEDULE_H
#define BENCH_SCHEDULE_H

#include "options.h"
#include "results.h"
#include "../../runners/runner.h"

struct schedule {
	const struct run_options *opts;
	const char *agent_path;
	const char *run_id;
	const char *profile;       /* the container runner's profile; NULL = plain */
	const struct net_config *net; /* RUNNER_CAP_NETWORK runners' links; NULL = none */
	const char *task;          /* the agent's task, e.g. BENCH_TASK_READY */
	int task_nargs;            /* and its arguments */
	const char *task_args[RUNNER_TASK_ARGS_MAX];
	const char *task_disk;     /* agent_task.disk of every instance; NULL = none */
	struct results *res;
	/* Called for every instance (warm-ups too: measured is false) once it
	 * is READY and before it is stopped: where a benchmark collects the
	 * records its task sends.  May be NULL. */
	int (*after_ready)(void *ctx, struct runner *r, struct instance *in, bool measured, struct results *res,
			   bench_error *err);
	/* Called before each launch (warm-ups too), index counting from 0
	 * over warm-ups then runs: where a benchmark that varies its task
	 * from run to run changes what task_args point to.  May be NULL. */
	int (*before_launch)(void *ctx, int index, bench_error *err);
	/* Called for each measured instance once it is gone. */
	int (*record)(void *ctx, struct runner *r, struct instance *in, struct results *res, bench_error *err);
	void *ctx;
};

/* The run_config every runner gets from the run's options: agent, run id
 * and the container profile (NULL = plain) besides; net is left NULL.  The
 * one place an option reaches the runners, so a new one is added here. */
struct run_config run_config_from_options(const struct run_options *o, const char *agent, const char *run_id,
					  const char *profile);

/* How many measured runs and warm-ups a runner gets. */
int schedule_runs_for(const struct run_options *opts, const struct runner_ops *ops);
int schedule_warmup_for(const struct run_options *opts, const struct runner_ops *ops);

int schedule_run(struct schedule *s, bench_error *err);

#endif
