/* What `bench run all` will run (suite.h): the order, each benchmark's
 * options, and its share of the budget. */
#include "suite.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../runners/runner.h"
#include "schedule.h"

/* What the suite itself costs per benchmark besides the estimate: the
 * session, the cleanup of dead runs, the folder and its plots (gnuplot). */
#define SUITE_OVERHEAD_S 2.0
/* The share of the budget handed out: the rest is the margin for what no
 * estimate sees (a loaded host, a slow disk). */
#define SUITE_BUDGET_USE 0.85

bool suite_emulated(const char *runner)
{
	return runner_guest_emulated(runner_find(runner));
}

double suite_start_s(const char *runner)
{
	const struct runner_ops *ops = runner_find(runner);

	/* A guest boots its own kernel: about a second with KVM, several
	 * under TCG's emulation (measured on a 2-core host: 5 to 7 s from
	 * launch to gone, with the launch's own work). */
	if (runner_has(ops, RUNNER_CAP_GUEST_KERNEL))
		return suite_emulated(runner) ? 5.0 : 1.5;
	/* A container: clone, cgroup, pivot_root, teardown; a host
	 * process: a fork and an exec. */
	return runner_has(ops, RUNNER_CAP_CGROUP) ? 0.15 : 0.05;
}

int suite_fit_count(double budget_s, double each_s, int min, int max)
{
	double n = each_s > 0 ? budget_s / each_s : max;

	if (n < min)
		return min;
	return n > max ? max : (int)n;
}

double suite_schedule_estimate(const struct run_options *o, double extra_s)
{
	double s = 0;

	for (int i = 0; i < o->nrunners; i++) {
		const struct runner_ops *ops = runner_find(o->runners[i]);

		if (ops)
			s += (schedule_runs_for(o, ops) + schedule_warmup_for(o, ops)) * (suite_start_s(ops->name) + extra_s);
	}
	return s;
}

void suite_fit_runs(struct run_options *o, double budget_s, double extra_s)
{
	if (budget_s <= 0 || o->runs > 0)
		return;
	for (int pct = 100; pct >= 5; pct -= 5) {
		o->runs_scale = pct / 100.0;
		if (suite_schedule_estimate(o, extra_s) <= budget_s)
			return;
	}
}

static int cmp_rank(const void *x, const void *y)
{
	const struct suite_item *a = x, *b = y;

	if (a->b->summary_rank != b->b->summary_rank)
		return a->b->summary_rank < b->b->summary_rank ? -1 : 1;
	return 0;
}

static double estimate(const struct suite_item *it)
{
	return it->b->fit_budget ? it->b->fit_budget(it->ctx, (struct run_options *)&it->o, 0) : SUITE_GUESS_S;
}

/* A fresh context with its defaults, sized to budget_s when > 0, then the
 * command line's options over them. */
static int parse(struct suite_item *it, double budget_s, bench_error *err)
{
	struct run_options sized;

	if (it->b->ctx_size)
		memset(it->ctx, 0, it->b->ctx_size);
	if (it->b->init)
		it->b->init(it->ctx);
	memset(&sized, 0, sizeof(sized));
	sized.runs = sized.warmup = -1;
	if (budget_s > 0 && it->b->fit_budget) {
		/* The runners and CPUs the command line chose are what the
		 * sizing counts with. */
		sized = it->o;
		it->b->fit_budget(it->ctx, &sized, budget_s);
	}
	if (run_options_parse(it->argc, it->argv, &it->o, it->b->options, it->ctx, err) < 0)
		return bench_error_prefix(err, "all: %s", it->b->name);
	if (it->o.runs < 0)
		it->o.runs = sized.runs;
	if (it->o.warmup < 0)
		it->o.warmup = sized.warmup;
	if (it->o.runs_scale <= 0)
		it->o.runs_scale = sized.runs_scale;
	return 0;
}

int suite_plan_make(struct suite_plan *p, const struct suite_args *a, const struct benchmark *const *table,
		    bench_error *err)
{
	double total = 0, usable;

	memset(p, 0, sizeof(*p));
	p->budget_s = a->budget_s;
	for (const struct benchmark *const *t = table; *t; t++) {
		struct suite_item *it;

		if (!suite_args_choose(a, (*t)->name))
			continue;
		if (p->n == SUITE_MAX)
			return bench_fail(err, 0, "all: more than %d benchmarks", SUITE_MAX);
		it = &p->item[p->n++];
		it->b = *t;
		it->state = "not run";
		it->argc = suite_args_for(a, *t, it->argv, SUITE_ARGS_MAX);
		if ((*t)->ctx_size && !(it->ctx = calloc(1, (*t)->ctx_size)))
			return bench_fail(err, ENOMEM, "all: %s", (*t)->name);
	}
	if (p->n == 0)
		return bench_fail_usage(err, "all: --skip leaves no benchmark to run");
	/* qsort is not stable: equal ranks keep the table's order by index. */
	for (int i = 1; i < p->n; i++)
		for (int k = i; k > 0 && cmp_rank(&p->item[k - 1], &p->item[k]) > 0; k--) {
			struct suite_item tmp = p->item[k];

			p->item[k] = p->item[k - 1];
			p->item[k - 1] = tmp;
		}
	/* Every benchmark's options are checked before anything runs. */
	for (int i = 0; i < p->n; i++) {
		if (parse(&p->item[i], 0, err) < 0)
			return -1;
		if (p->item[i].o.help)
			return bench_fail_usage(err, "all: --help goes alone");
		p->item[i].estimate_default_s = estimate(&p->item[i]);
		total += p->item[i].estimate_default_s + SUITE_OVERHEAD_S;
	}
	usable = a->budget_s * SUITE_BUDGET_USE;
	for (int i = 0; i < p->n; i++) {
		struct suite_item *it = &p->item[i];

		/* Each gets the budget in proportion to what its defaults
		 * take; a budget only ever shrinks them. */
		if (total > usable && it->b->fit_budget) {
			double share = usable * (it->estimate_default_s + SUITE_OVERHEAD_S) / total - SUITE_OVERHEAD_S;

			if (parse(it, share > 1 ? share : 1, err) < 0)
				return -1;
		}
		it->estimate_s = estimate(it) + SUITE_OVERHEAD_S;
	}
	return 0;
}

void suite_plan_free(struct suite_plan *p)
{
	for (int i = 0; i < p->n; i++)
		free(p->item[i].ctx);
	memset(p, 0, sizeof(*p));
}

double suite_plan_remaining_s(const struct suite_plan *p, int from)
{
	double s = 0;

	for (int i = from; i < p->n; i++)
		s += p->item[i].estimate_s;
	return s;
}
