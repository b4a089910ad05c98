#include "session.h"

#include "../../container/cgroup.h"
#include "agent_path.h"
#include "benchmark.h"
#include "../../lib/interrupt.h"
#include "meta.h"
#include "../../lib/run_id.h"

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
	if (meta_collect(s->res.meta, full_argc, full_argv, s->agent, cg_detect_describe(), &err) < 0) {
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
