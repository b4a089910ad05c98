/* bench run all (suite.h): the benchmarks one after the other into one
 * suite folder, one progress line over them all, suite.json, and the
 * report of whatever finished, Ctrl-C or not. */
#include "suite.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../lib/clock.h"
#include "../../lib/interrupt.h"
#include "progress.h"
#include "report.h"
#include "results.h"

/* What the progress line shows, shared with the thread that redraws it
 * every second while a benchmark runs. */
struct suite_run {
	struct suite_plan *plan;
	struct progress bar;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int current;             /* the item running */
	bool stop;
	uint64_t t0_ns, item_t0_ns;
	double done_est_s, done_took_s; /* of the items finished, to correct the estimates */
};

static void fmt_time(char *buf, size_t sz, double s)
{
	long t = s < 0 ? 0 : (long)(s + 0.5);

	if (t >= 60)
		snprintf(buf, sz, "%ldm%02lds", t / 60, t % 60);
	else
		snprintf(buf, sz, "%lds", t);
}

/* "all [2/4] syscall  1m12s elapsed, about 4m40s left" */
static void draw(struct suite_run *r, bool milestone, const char *what)
{
	const struct suite_plan *p = r->plan;
	double now = clock_now_ns() / 1e9, elapsed = now - r->t0_ns / 1e9, left = 0;
	double in_item = now - r->item_t0_ns / 1e9;
	/* The estimates, corrected by how the finished ones fared. */
	double pace = r->done_est_s > 0 ? r->done_took_s / r->done_est_s : 1.0;
	char line[256], el[32], lf[32];

	if (r->current < p->n) {
		double cur = p->item[r->current].estimate_s * pace - in_item;

		left = (cur > 0 ? cur : 0) + suite_plan_remaining_s(p, r->current + 1) * pace;
	}
	fmt_time(el, sizeof(el), elapsed);
	fmt_time(lf, sizeof(lf), left);
	snprintf(line, sizeof(line), "all [%d/%d] %-10s %s elapsed, about %s left%s%s", r->current + 1 > p->n ? p->n : r->current + 1,
		 p->n, r->current < p->n ? p->item[r->current].b->name : "report", el, lf, what ? "  " : "",
		 what ? what : "");
	progress_text(&r->bar, line, milestone);
}

static void *redraw_thread(void *arg)
{
	struct suite_run *r = arg;

	pthread_mutex_lock(&r->lock);
	while (!r->stop) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&r->wake, &r->lock, &ts);
		if (!r->stop)
			draw(r, false, NULL);
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

/* The name of the folder <dir>/latest points at, or "". */
static void latest_name(const char *dir, char *out, size_t sz)
{
	char path[PATH_MAX];
	ssize_t n;

	out[0] = '\0';
	if ((size_t)snprintf(path, sizeof(path), "%s/latest", dir) >= sizeof(path))
		return;
	n = readlink(path, out, sz - 1);
	out[n > 0 ? n : 0] = '\0';
}

static int write_suite_json(const struct suite_plan *p, const struct suite_args *a, const char *dir, double wall_s,
			    bool interrupted, bench_error *err)
{
	json_t *root = json_object(), *list = json_array();
	char path[PATH_MAX + 16];
	int rc = 0;

	if (!root || !list) {
		json_decref(root);
		json_decref(list);
		return bench_fail(err, ENOMEM, "suite.json");
	}
	json_object_set_new(root, "budget_s", json_real(p->budget_s));
	json_object_set_new(root, "quick", json_boolean(a->quick));
	json_object_set_new(root, "wall_s", json_real(wall_s));
	json_object_set_new(root, "interrupted", json_boolean(interrupted));
	if (a->host_label[0])
		json_object_set_new(root, "host_label", json_string(a->host_label));
	for (int i = 0; i < p->n; i++) {
		const struct suite_item *it = &p->item[i];

		json_array_append_new(list, json_pack("{s:s, s:s, s:i, s:f, s:f, s:f, s:s?}", "name", it->b->name,
						      "state", it->state, "exit_code", it->exit_code,
						      "estimate_default_s", it->estimate_default_s, "estimate_s",
						      it->estimate_s, "seconds", it->took_s, "folder",
						      it->folder[0] ? it->folder : NULL));
	}
	json_object_set_new(root, "benchmarks", list);
	snprintf(path, sizeof(path), "%s/suite.json", dir);
	if (json_dump_file(root, path, JSON_INDENT(2)) < 0)
		rc = bench_fail(err, errno, "writing %s", path);
	json_decref(root);
	return rc;
}

/* Runs the plan's items in order into dir; stops at Ctrl-C.  The exit code
 * of the first failure, 130 after Ctrl-C. */
static int run_items(struct suite_run *r, const struct suite_args *a, const char *dir, int argc, char **argv)
{
	struct suite_plan *p = r->plan;
	int rc = 0;

	for (int i = 0; i < p->n; i++) {
		struct suite_item *it = &p->item[i];
		char before[NAME_MAX + 1], after[NAME_MAX + 1];
		uint64_t t;

		if (bench_interrupted) {
			rc = BENCH_EXIT_INTERRUPTED;
			break;
		}
		pthread_mutex_lock(&r->lock);
		r->current = i;
		r->item_t0_ns = clock_now_ns();
		draw(r, true, "starting");
		pthread_mutex_unlock(&r->lock);

		latest_name(dir, before, sizeof(before));
		/* The suite's line is the only progress on screen; each
		 * benchmark writes its folder where the suite's is. */
		it->o.quiet = true;
		it->o.out_dir = dir;
		t = clock_now_ns();
		it->exit_code = benchmark_run_parsed(it->b, it->ctx, &it->o, argc, argv,
						     a->host_label[0] ? a->host_label : NULL);
		it->took_s = (clock_now_ns() - t) / 1e9;
		latest_name(dir, after, sizeof(after));
		if (after[0] && strcmp(before, after) != 0)
			snprintf(it->folder, sizeof(it->folder), "%s", after);
		it->state = it->exit_code == 0 ? "done"
			    : it->exit_code == BENCH_EXIT_INTERRUPTED || bench_interrupted ? "interrupted"
										 : "failed";
		if (it->exit_code != 0 && rc == 0)
			rc = it->exit_code;
		pthread_mutex_lock(&r->lock);
		if (it->exit_code == 0) {
			r->done_est_s += it->estimate_s;
			r->done_took_s += it->took_s;
		}
		pthread_mutex_unlock(&r->lock);
		if (bench_interrupted) {
			rc = BENCH_EXIT_INTERRUPTED;
			break;
		}
	}
	return rc;
}

/* The redraw thread gets none of the signals the run's waits need. */
static int start_redraw(struct suite_run *r, pthread_t *th)
{
	sigset_t all, old;
	int rc;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(th, NULL, redraw_thread, r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

static int run_suite(struct suite_plan *p, const struct suite_args *a, const struct benchmark *const *table, int argc,
		     char **argv)
{
	struct suite_run r = { .plan = p, .current = 0 };
	char dir[PATH_MAX], base[PATH_MAX + 8], skipped[512], el[32];
	char *dirs[1] = { dir };
	bench_error err = { 0 };
	pthread_t th;
	bool threaded;
	size_t nfolders = 0;
	int rc;

	if (results_folder_create(a->out_dir, SUITE_NAME, dir, sizeof(dir), &err) < 0) {
		bench_error_print(&err);
		return BENCH_EXIT_FAIL;
	}
	pthread_mutex_init(&r.lock, NULL);
	pthread_cond_init(&r.wake, NULL);
	progress_start(&r.bar, SUITE_NAME, a->quiet ? 0 : (size_t)p->n, !a->quiet);
	r.t0_ns = clock_now_ns();
	threaded = r.bar.enabled && start_redraw(&r, &th) == 0;

	rc = run_items(&r, a, dir, argc, argv);

	pthread_mutex_lock(&r.lock);
	r.stop = true;
	r.current = p->n;
	pthread_cond_signal(&r.wake);
	pthread_mutex_unlock(&r.lock);
	if (threaded)
		pthread_join(th, NULL);
	progress_done(&r.bar);
	for (int i = 0; i < p->n; i++)
		if (bench_interrupted && strcmp(p->item[i].state, "not run") == 0)
			p->item[i].state = "not run (interrupted)";
	if (write_suite_json(p, a, dir, (clock_now_ns() - r.t0_ns) / 1e9, bench_interrupted, &err) < 0) {
		bench_error_print(&err);
		if (rc == 0)
			rc = BENCH_EXIT_FAIL;
	}
	/* The report of what finished, even after Ctrl-C. */
	snprintf(base, sizeof(base), "%s/report", dir);
	if (report_make(dirs, 1, base, table, skipped, sizeof(skipped), &nfolders, &err) < 0) {
		bench_error_print(&err);
		if (rc == 0)
			rc = BENCH_EXIT_FAIL;
	} else {
		fmt_time(el, sizeof(el), (clock_now_ns() - r.t0_ns) / 1e9);
		fprintf(stderr, "bench: all: %s; report: %s.md and %s.html (%zu results folder%s)\n", el, base, base,
			nfolders, nfolders == 1 ? "" : "s");
	}
	for (int i = 0; i < p->n; i++) {
		const struct suite_item *it = &p->item[i];
		char took[32], est[32];

		fmt_time(took, sizeof(took), it->took_s);
		fmt_time(est, sizeof(est), it->estimate_s);
		if (!a->quiet)
			printf("%-10s %-22s %8s  (estimated %s)\n", it->b->name, it->state, took, est);
	}
	if (!a->quiet)
		printf("suite folder: %s\n", dir);
	pthread_cond_destroy(&r.wake);
	pthread_mutex_destroy(&r.lock);
	return rc;
}

int cmd_run_all(int argc, char **argv, const struct benchmark *const *table)
{
	struct suite_args a;
	struct suite_plan *p;
	bench_error err = { 0 };
	int rc;

	if (suite_args_parse(argc, argv, table, &a, &err) < 0) {
		bench_error_print(&err);
		return err.exit_code ? err.exit_code : BENCH_EXIT_USAGE;
	}
	if (a.help) {
		suite_usage(stdout, table);
		return 0;
	}
	/* Ctrl-C from here on ends the benchmark running and the suite, and
	 * the report is still written. */
	interrupt_install();
	p = calloc(1, sizeof(*p));
	if (!p) {
		bench_fail(&err, ENOMEM, "all");
		bench_error_print(&err);
		return BENCH_EXIT_FAIL;
	}
	if (suite_plan_make(p, &a, table, &err) < 0) {
		bench_error_print(&err);
		suite_plan_free(p);
		free(p);
		return err.exit_code ? err.exit_code : BENCH_EXIT_FAIL;
	}
	{
		char est[32], bud[32];

		fmt_time(est, sizeof(est), suite_plan_remaining_s(p, 0));
		fmt_time(bud, sizeof(bud), p->budget_s);
		if (!a.quiet)
			fprintf(stderr, "bench: all: %d benchmark%s, about %s (budget %s%s%s)\n", p->n,
				p->n == 1 ? "" : "s", est, bud, a.quick_runners ? "; --quick's runners " : "",
				a.quick_runners ? SUITE_QUICK_RUNNERS : "");
	}
	if (a.dry_run) {
		for (int i = 0; i < p->n; i++) {
			const struct suite_item *it = &p->item[i];
			char d[32], e[32];

			fmt_time(d, sizeof(d), it->estimate_default_s);
			fmt_time(e, sizeof(e), it->estimate_s);
			printf("%-10s about %s (%s with its defaults)\n", it->b->name, e, d);
		}
		rc = 0;
	} else {
		rc = bench_interrupted ? BENCH_EXIT_INTERRUPTED : run_suite(p, &a, table, argc + 1, argv - 1);
	}
	suite_plan_free(p);
	free(p);
	return rc;
}
