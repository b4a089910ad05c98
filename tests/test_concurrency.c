/* runner.h: stop and destroy may run from several threads at once, each on
 * its own instance, as density_storm.c does.  N instances are stopped (or
 * destroyed outright) from N threads: every call succeeds, every workload
 * is gone, nothing is left behind.  Run under ASan, which sees a freed or
 * overrun instance that a race would leave. */
#include <criterion/criterion.h>

#include <pthread.h>

#include "../lib/agent_protocol.h"
#include "../lib/run_id.h"
#include "../runners/runner.h"
#include "helpers.h"

extern const struct runner_ops host_runner_ops;
extern const struct runner_ops container_runner_ops;

#define N 6

struct job {
	struct runner *r;
	struct instance *in;
	bool stop_first;
	int rc;
	bench_error err;
	pthread_barrier_t *go;
};

static void *ender(void *arg)
{
	struct job *j = arg;

	pthread_barrier_wait(j->go);
	if (j->stop_first)
		j->rc = j->r->ops->stop(j->r, j->in, &j->err);
	j->r->ops->destroy(j->r, j->in);
	return NULL;
}

static void end_all_at_once(const struct runner_ops *ops)
{
	const char *agent = test_agent();
	static char run_id[64];
	struct run_config cfg = { .agent_path = agent, .run_id = run_id, .ncpus = 1, .memory_mib = 64,
				  .pids_max = 32, .timeout_ms = 10000 };
	struct runner r = { .ops = ops, .cfg = &cfg };
	struct instance in[N];
	struct job jobs[N];
	pthread_t t[N];
	pthread_barrier_t go;
	bench_error err = { 0 };
	char needle[80];

	run_id_make(run_id, sizeof(run_id));
	snprintf(cfg.cpus, sizeof(cfg.cpus), "0");
	cr_assert_eq(ops->prepare(&r, &err), 0, "%s", err.msg);
	for (unsigned i = 0; i < N; i++) {
		instance_init(&in[i], &r, i, BENCH_TASK_IDLE);
		cr_assert_eq(ops->launch(&r, &in[i], &err), 0, "%s", err.msg);
	}
	for (unsigned i = 0; i < N; i++)
		cr_assert_eq(ops->wait_ready(&r, &in[i], &err), 0, "%s", err.msg);
	pthread_barrier_init(&go, NULL, N);
	for (unsigned i = 0; i < N; i++) {
		/* Most are stopped, some only destroyed: both paths at once. */
		jobs[i] = (struct job){ .r = &r, .in = &in[i], .stop_first = i % 3 != 2, .go = &go };
		cr_assert_eq(pthread_create(&t[i], NULL, ender, &jobs[i]), 0);
	}
	for (unsigned i = 0; i < N; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&go);
	for (unsigned i = 0; i < N; i++) {
		cr_expect_eq(jobs[i].rc, 0, "instance %u: %s", i, jobs[i].err.msg);
		if (jobs[i].stop_first)
			cr_expect_geq(in[i].t_gone_ns, in[i].t_ready_ns, "instance %u: no time gone", i);
		cr_expect_null(in[i].priv, "instance %u: destroy kept its state", i);
		cr_expect(test_pid_gone(in[i].host_pid), "instance %u: pid %d still there", i, (int)in[i].host_pid);
	}
	ops->finish(&r);
	snprintf(needle, sizeof(needle), RUN_ID_PREFIX "%s", run_id);
	cr_expect_eq(test_leftovers(needle), 0, "left behind by %s", ops->name);
}

Test(concurrency, host_instances_end_from_many_threads, .timeout = 60)
{
	end_all_at_once(&host_runner_ops);
}

Test(concurrency, container_instances_end_from_many_threads, .timeout = 60)
{
	SKIP_UNLESS_ROOT();
	end_all_at_once(&container_runner_ops);
}
