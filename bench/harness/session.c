#include "session.h"

#include "agent_path.h"
#include "benchmark.h"
#include "../../lib/interrupt.h"
#include "meta.h"
#include "../../lib/run_id.h"
#include "../../runners/runner.h"

/* The machine's cgroup layout, as the first runner that knows it says. */
static const char *cgroup_layout(void)
{
	for (const struct runner_ops *const *r = runner_table; *r; r++)
		if ((*r)->cgroup_layout)
			return (*r)->cgroup_layout();
	return NULL;
}

int session_begin(struct session *s, const struct benchmark *b, int full_argc, char **full_argv)
{
	bench_error err = { 0 };

	s->exit_code = 0;
	if (agent_locate(s->agent, sizeof(s->agent), &err) < 0) {
		bench_error_print(&err);
		return BENCH_EXIT_FAIL;
	}
	run_id_make(s->run_id, sizeof(s->run_id));
	results_init(&s->res, b->name);
	s->res.bench = b;
	if (meta_collect(s->res.meta, full_argc, full_argv, s->agent, cgroup_layout(), &err) < 0) {
		bench_error_print(&err);
		results_free(&s->res);
		return BENCH_EXIT_FAIL;
	}
	interrupt_install();
	return 0;
}

int session_check(struct session *s, int rc, const bench_error *err)
{
	if (rc >= 0)
		return rc;
	bench_error_print(err);
	if (s->exit_code == 0)
		s->exit_code = err->exit_code ? err->exit_code : BENCH_EXIT_FAIL;
	return rc;
}

int session_finish(struct session *s)
{
	results_free(&s->res);
	return s->exit_code;
}
