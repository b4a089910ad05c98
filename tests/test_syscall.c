/* bench run syscall: the batch arithmetic, the ratio and its interval, the
 * agent's records (hostile ones included), and the benchmark end to end on
 * the host and in a container. */
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <sys/wait.h>

#include "../bench/syscall_data.h"
#include "../bench/harness/stats.h"
#include "cli_run.h"
#include "helpers.h"

#define EPS 1e-9

/* ---- batch arithmetic --------------------------------------------------- */

Test(syscall, ns_per_call_is_elapsed_over_size)
{
	cr_expect_float_eq(syscall_ns_per_call(2000000, 10000), 200.0, EPS);
	cr_expect_float_eq(syscall_ns_per_call(3, 2), 1.5, EPS);
	/* No batch, no figure (and no division by zero). */
	cr_expect_float_eq(syscall_ns_per_call(0, 10), 0.0, EPS);
	cr_expect_float_eq(syscall_ns_per_call(10, 0), 0.0, EPS);
	cr_expect_float_eq(syscall_clock_cost_ns(2090708, 100000), 20.90708, EPS);
	cr_expect_float_eq(syscall_clock_cost_ns(5, 0), 0.0, EPS);
	/* One 20 ns clock read in a 2 ms batch: 0.001%. */
	cr_expect_float_eq(syscall_clock_share(20.0, 2000000), 1e-5, EPS);
	cr_expect(syscall_clock_share(20.0, 1000) > SYSCALL_CLOCK_SHARE_MAX);
	cr_expect_float_eq(syscall_clock_share(20.0, 0), 1.0, EPS);
}

Test(syscall, batch_size_reaches_the_target)
{
	/* 1000 calls in 100 us: 100 ns each, so 2 ms is 20000 calls. */
	cr_expect_eq(syscall_batch_size_for(100000, 1000, 2000000), 20000);
	/* Rounded up: 3 calls in 1000 ns, target 1000 ns -> 3; 1001 -> 4. */
	cr_expect_eq(syscall_batch_size_for(1000, 3, 1000), 3);
	cr_expect_eq(syscall_batch_size_for(1000, 3, 1001), 4);
	/* A call slower than the target still runs once. */
	cr_expect_eq(syscall_batch_size_for(5000000, 1, 2000000), 1);
	/* Bounded both ways, and a zero trial does not divide by zero. */
	cr_expect_eq(syscall_batch_size_for(1, 1000000, 2000000), SYSCALL_BATCH_SIZE_MAX);
	cr_expect_eq(syscall_batch_size_for(0, 8, 2000000), 16);
	cr_expect_eq(syscall_batch_size_for(123, 0, 2000000), 1);
}

Test(syscall, call_names_round_trip)
{
	for (int c = 0; c < SYSCALL_NCALLS; c++)
		cr_expect_eq(syscall_call_find(syscall_call_names[c]), c);
	cr_expect_eq(syscall_call_find("fork"), -1);
	cr_expect_eq(syscall_call_find(""), -1);
	cr_expect_eq(syscall_call_find("UNAME"), -1);
	cr_expect(syscall_call_is_vdso(SYSCALL_CLOCK_GETTIME));
	cr_expect(!syscall_call_is_vdso(SYSCALL_GETPID));
}

/* ---- ratio of medians and its interval ---------------------------------- */

Test(syscall, ratio_of_constant_samples_is_exact)
{
	double a[20], b[30], r, lo, hi;

	for (int i = 0; i < 20; i++)
		a[i] = 300.0;
	for (int i = 0; i < 30; i++)
		b[i] = 100.0;
	cr_assert_eq(stats_ratio_of_medians(a, 20, b, 30, 500, 1, &r, &lo, &hi), 0);
	cr_expect_float_eq(r, 3.0, EPS);
	cr_expect_float_eq(lo, 3.0, EPS);
	cr_expect_float_eq(hi, 3.0, EPS);
}

Test(syscall, ratio_uses_medians_even_and_odd)
{
	double a[] = { 4, 1, 3, 2 }, b[] = { 1 }, odd[] = { 9, 1, 5 }, r, lo, hi;

	cr_assert_eq(stats_ratio_of_medians(a, 4, b, 1, 200, 7, &r, &lo, &hi), 0);
	cr_expect_float_eq(r, 2.5, EPS);
	cr_expect(lo >= 1.0 && hi <= 4.0 && lo <= r && r <= hi, "%g [%g, %g]", r, lo, hi);
	cr_assert_eq(stats_ratio_of_medians(b, 1, odd, 3, 200, 7, &r, &lo, &hi), 0);
	cr_expect_float_eq(r, 0.2, EPS);
	/* The input is left alone. */
	cr_expect_float_eq(a[0], 4.0, EPS);
	cr_expect_float_eq(odd[0], 9.0, EPS);
}

/* A reproducible spread of values around centre. */
static void fill(double *v, size_t n, double centre, unsigned seed)
{
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		v[i] = centre * (0.9 + 0.2 * (double)((seed >> 8) % 10000) / 10000.0);
	}
}

static int cmp(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

Test(syscall, ratio_interval_is_reproducible_and_narrows)
{
	static double a[1001], b[1001], sorted[1001];
	double r1, lo1, hi1, r2, lo2, hi2, rs, los, his;

	fill(a, 1001, 200.0, 1);
	fill(b, 1001, 100.0, 2);
	cr_assert_eq(stats_ratio_of_medians(a, 1001, b, 1001, 1000, 42, &r1, &lo1, &hi1), 0);
	cr_assert_eq(stats_ratio_of_medians(a, 1001, b, 1001, 1000, 42, &r2, &lo2, &hi2), 0);
	cr_expect_float_eq(lo1, lo2, 0.0, "same seed, same interval");
	cr_expect_float_eq(hi1, hi2, 0.0);
	/* The point estimate is the ratio of the true medians. */
	memcpy(sorted, a, sizeof(a));
	qsort(sorted, 1001, sizeof(double), cmp);
	rs = sorted[500];
	memcpy(sorted, b, sizeof(b));
	qsort(sorted, 1001, sizeof(double), cmp);
	cr_expect_float_eq(r1, rs / sorted[500], 1e-12);
	cr_expect(lo1 < r1 && r1 < hi1, "%g [%g, %g]", r1, lo1, hi1);
	cr_expect(r1 > 1.9 && r1 < 2.1);
	/* Fewer samples, a wider interval. */
	cr_assert_eq(stats_ratio_of_medians(a, 21, b, 21, 1000, 42, &rs, &los, &his), 0);
	cr_expect(his - los > hi1 - lo1, "n=21: %g wide, n=1001: %g wide", his - los, hi1 - lo1);
}

Test(syscall, ratio_refuses_what_it_cannot_compute)
{
	double a[] = { 1, 2 }, zero[] = { 0, 0, 0 }, r, lo, hi;

	cr_expect_eq(stats_ratio_of_medians(a, 0, a, 2, 500, 1, &r, &lo, &hi), -1);
	cr_expect_eq(stats_ratio_of_medians(a, 2, a, 0, 500, 1, &r, &lo, &hi), -1);
	cr_expect_eq(stats_ratio_of_medians(a, 2, zero, 3, 500, 1, &r, &lo, &hi), -1);
	cr_expect_eq(stats_ratio_of_medians(a, 2, a, 2, 10, 1, &r, &lo, &hi), -1);
}

/* ---- the agent's records ------------------------------------------------ */

static void parse_line(const char *line, struct agent_record *rec)
{
	bench_error err = { 0 };

	cr_assert_eq(record_parse(line, strlen(line), rec, &err), RECORD_OK, "%s: %s", line, err.msg);
}

static int parse_data(const char *line, struct syscall_data *d, bench_error *err)
{
	struct agent_record rec;

	parse_line(line, &rec);
	return syscall_data_parse(&rec, d, err);
}

Test(syscall, data_records_parse)
{
	struct syscall_data d;
	bench_error err = { 0 };

	cr_assert_eq(parse_data("BENCH/1 DATA kind=setup cpu=1 pinned=1 clock_n=100000 clock_total_ns=2090708 "
				"batches=3 warmup=3",
				&d, &err),
		     0, "%s", err.msg);
	cr_expect_eq(d.kind, SYSCALL_DATA_SETUP);
	cr_expect_eq(d.setup.cpu, 1);
	cr_expect(d.setup.pinned);
	cr_expect_float_eq(d.setup.clock_ns, 20.90708, EPS);
	cr_expect_eq(d.setup.batches, 3);
	cr_assert_eq(parse_data("BENCH/1 DATA kind=batch call=uname size=13401 first=16 e0=2068184 e1=2036437 "
				"e2=2046201",
				&d, &err),
		     0, "%s", err.msg);
	cr_expect_eq(d.kind, SYSCALL_DATA_BATCH);
	cr_expect_eq(d.batch.call, SYSCALL_UNAME);
	cr_expect_eq(d.batch.first, 16);
	cr_expect_eq(d.batch.n, 3);
	cr_expect_float_eq(d.batch.ns_per_call[1], 2036437.0 / 13401.0, EPS);
}

Test(syscall, hostile_data_records_are_refused)
{
	static const char *const bad[] = {
		"BENCH/1 DATA kind=batch call=fork size=10 first=0 e0=100",          /* unknown call */
		"BENCH/1 DATA kind=batch call=../../etc size=10 first=0 e0=100",
		"BENCH/1 DATA kind=batch size=10 first=0 e0=100",                    /* no call */
		"BENCH/1 DATA kind=batch call=uname size=0 first=0 e0=100",          /* zero calls */
		"BENCH/1 DATA kind=batch call=uname size=100000001 first=0 e0=100",  /* too many */
		"BENCH/1 DATA kind=batch call=uname size=-5 first=0 e0=100",
		"BENCH/1 DATA kind=batch call=uname size=1e3 first=0 e0=100",
		"BENCH/1 DATA kind=batch call=uname size=99999999999999999999999 first=0 e0=100",
		"BENCH/1 DATA kind=batch call=uname size=10 first=0 e0=0",           /* no time */
		"BENCH/1 DATA kind=batch call=uname size=10 first=0 e0=nan",
		"BENCH/1 DATA kind=batch call=uname size=10 first=0 e0=inf",
		"BENCH/1 DATA kind=batch call=uname size=10 first=0 e0=3600000000001", /* over an hour */
		"BENCH/1 DATA kind=batch call=uname size=10 first=0",                /* no batch */
		"BENCH/1 DATA kind=batch call=uname size=10 first=0 e1=100",         /* e0 missing */
		"BENCH/1 DATA kind=batch call=uname size=10 first=0 e16=100",        /* past the bound */
		"BENCH/1 DATA kind=batch call=uname size=10 first=0 e01=100",        /* a second name */
		"BENCH/1 DATA kind=batch call=uname size=10 first=0 e0=100 e0=200",  /* twice */
		"BENCH/1 DATA kind=batch call=uname call=getpid size=10 first=0 e0=100",
		"BENCH/1 DATA kind=batch call=uname size=10 first=0 e0=100 extra=1", /* unknown field */
		"BENCH/1 DATA kind=batch call=uname size=10 first=10000 e0=100",     /* past the batches */
		"BENCH/1 DATA kind=batch call=uname size=10 first=9999 e0=1 e1=1",
		"BENCH/1 DATA kind=setup cpu=1 pinned=2 clock_n=1 clock_total_ns=20 batches=3 warmup=0",
		"BENCH/1 DATA kind=setup cpu=1 pinned=1 clock_n=0 clock_total_ns=20 batches=3 warmup=0",
		"BENCH/1 DATA kind=setup cpu=1 pinned=1 clock_n=1 clock_total_ns=20 batches=0 warmup=0",
		"BENCH/1 DATA kind=setup cpu=1 pinned=1 clock_n=1 clock_total_ns=20 batches=3",
		"BENCH/1 DATA kind=setup cpu=1 pinned=1 clock_n=1 clock_total_ns=20 batches=3 warmup=0 x=1",
		"BENCH/1 DATA kind=teardown",
		"BENCH/1 DATA call=uname",
		"BENCH/1 READY task=syscall pid=1 hostname=h kernel=k mono_ns=1",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct syscall_data d;
		bench_error err = { 0 };

		cr_expect_eq(parse_data(bad[i], &d, &err), -1, "accepted: %s", bad[i]);
		cr_expect(err.msg[0] != '\0', "no reason given for: %s", bad[i]);
	}
}

/* Feeds lines to syscall_data_apply; returns the last status. */
static int apply_lines(struct syscall_runner_info *info, const bool *wanted, unsigned batches,
		       const char *const *lines, bench_error *err)
{
	int st = 0;

	for (; *lines; lines++) {
		struct agent_record rec;
		struct syscall_data d;

		parse_line(*lines, &rec);
		st = syscall_data_apply(info, wanted, batches, &rec, &d, err);
		if (st != 0)
			return st;
	}
	return st;
}

#define SETUP2 "BENCH/1 DATA kind=setup cpu=0 pinned=1 clock_n=10 clock_total_ns=200 batches=2 warmup=0"

Test(syscall, records_out_of_place_are_refused)
{
	bool only_uname[SYSCALL_NCALLS] = { false };
	static const char *const good[] = { SETUP2, "BENCH/1 DATA kind=batch call=uname size=10 first=0 e0=100",
					    "BENCH/1 DATA kind=batch call=uname size=10 first=1 e0=150",
					    "BENCH/1 DONE task=syscall", NULL };
	static const char *const cases[][5] = {
		{ "BENCH/1 DATA kind=batch call=uname size=10 first=0 e0=100", NULL },        /* before setup */
		{ SETUP2, SETUP2, NULL },                                                     /* setup twice */
		{ SETUP2, "BENCH/1 DATA kind=batch call=getpid size=10 first=0 e0=100", NULL }, /* not asked */
		{ SETUP2, "BENCH/1 DATA kind=batch call=uname size=10 first=1 e0=100", NULL },  /* a gap */
		{ SETUP2, "BENCH/1 DATA kind=batch call=uname size=10 first=0 e0=1 e1=1 e2=1", NULL }, /* too many */
		{ SETUP2, "BENCH/1 DATA kind=batch call=uname size=10 first=0 e0=100",
		  "BENCH/1 DATA kind=batch call=uname size=11 first=1 e0=100", NULL },        /* size changed */
		{ SETUP2, "BENCH/1 DATA kind=batch call=uname size=10 first=0 e0=100", "BENCH/1 DONE", NULL },
		{ "BENCH/1 DATA kind=setup cpu=0 pinned=1 clock_n=1 clock_total_ns=2 batches=5 warmup=0", NULL },
		{ "BENCH/1 ERROR msg=cannot%20pin", NULL },
		{ SETUP2, "BENCH/1 STOPPING reason=SIGTERM", NULL },
	};
	struct syscall_runner_info info;
	bench_error err = { 0 };

	only_uname[SYSCALL_UNAME] = true;
	memset(&info, 0, sizeof(info));
	cr_expect_eq(apply_lines(&info, only_uname, 2, good, &err), 1, "%s", err.msg);
	cr_expect_eq(info.received[SYSCALL_UNAME], 2);
	cr_expect_eq(info.batch_size[SYSCALL_UNAME], 10);
	/* 20 ns of clock in a 100 ns batch: flagged. */
	cr_expect_float_eq(info.max_clock_share, 0.2, EPS);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&info, 0, sizeof(info));
		memset(&err, 0, sizeof(err));
		cr_expect_eq(apply_lines(&info, only_uname, 2, cases[i], &err), -1, "case %zu accepted", i);
		cr_expect(err.msg[0] != '\0', "case %zu: no reason", i);
	}
	/* The agent's own error reaches the user. */
	memset(&info, 0, sizeof(info));
	apply_lines(&info, only_uname, 2, cases[8], &err);
	cr_expect(strstr(err.msg, "cannot pin"), "%s", err.msg);
}

/* ---- end to end --------------------------------------------------------- */

/* Runs bench with args; its exit status, and its pid in *pid_out. */
static int run_status(const char *const *args, pid_t *pid_out)
{
	static struct cli_run r;

	run_bench(&r, NULL, args);
	*pid_out = r.pid;
	return r.status;
}

static double median_of(json_t *results, const char *runner, const char *call)
{
	char metric[48];
	json_t *item;
	size_t i;

	snprintf(metric, sizeof(metric), "syscall.%s", call);
	json_array_foreach(results, i, item)
		if (strcmp(json_string_value(json_object_get(item, "runner")), runner) == 0 &&
		    strcmp(json_string_value(json_object_get(item, "metric")), metric) == 0)
			return json_number_value(json_object_get(item, "median"));
	return NAN;
}

Test(syscall, host_and_container_give_positive_figures_and_a_cheap_vdso)
{
	static const char *const runners[] = { "host", "container" };
	char dir[] = "/tmp/bench-syscall-XXXXXX", json[PATH_MAX], needle[32];
	json_error_t jerr;
	json_t *doc, *results, *item;
	pid_t pid;
	size_t i;

	test_agent();
	SKIP_UNLESS_ROOT();
	cr_assert_not_null(mkdtemp(dir));
	snprintf(json, sizeof(json), "%s/x.json", dir);
	{
		const char *args[] = { "run", "syscall", "--runners", "host,container", "--runs", "1", "--batches", "5",
				       "--quiet", "--out", dir, "--export-json", json, NULL };
		cr_assert_eq(run_status(args, &pid), 0);
	}
	doc = json_load_file(json, 0, &jerr);
	cr_assert_not_null(doc, "%s", jerr.text);
	cr_expect_str_eq(json_string_value(json_object_get(doc, "benchmark")), "syscall");
	results = json_object_get(doc, "results");
	cr_expect_eq(json_array_size(results), 2 * SYSCALL_NCALLS);
	json_array_foreach(results, i, item) {
		const char *runner = json_string_value(json_object_get(item, "runner"));
		json_t *samples = json_object_get(item, "samples"), *v;
		size_t k;

		cr_expect_str_eq(json_string_value(json_object_get(item, "unit")), "ns");
		cr_expect_eq(json_array_size(samples), 5);
		json_array_foreach(samples, k, v) {
			double x = json_number_value(v);

			cr_expect(isfinite(x) && x > 0.0, "%s: sample %g", runner, x);
		}
		if (strcmp(runner, "container") == 0) {
			double r = json_number_value(json_object_get(item, "ratio_to_host"));
			double lo = json_number_value(json_object_get(item, "ratio_ci95_lo"));
			double hi = json_number_value(json_object_get(item, "ratio_ci95_hi"));

			cr_expect(r > 0.0 && lo <= r && r <= hi, "ratio %g [%g, %g]", r, lo, hi);
		}
	}
	for (size_t r = 0; r < 2; r++) {
		double vdso = median_of(results, runners[r], "clock_gettime");

		cr_expect(vdso > 0.0, "%s: no clock_gettime", runners[r]);
		for (int c = 0; c < SYSCALL_NCALLS; c++) {
			double m = median_of(results, runners[r], syscall_call_names[c]);

			cr_expect(isfinite(m) && m > 0.0, "%s %s: median %g", runners[r], syscall_call_names[c], m);
			if (c != SYSCALL_CLOCK_GETTIME)
				cr_expect(vdso < m, "%s: the vDSO (%g ns) is not cheaper than %s (%g ns)", runners[r],
					  vdso, syscall_call_names[c], m);
		}
	}
	json_decref(doc);
	snprintf(needle, sizeof(needle), "bench-%d-", (int)pid);
	cr_expect_eq(test_leftovers(needle), 0, "run %s left something behind", needle);
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

Test(syscall, bad_calls_are_a_usage_error)
{
	static const char *const lists[] = { "fork", "uname,uname", "", "uname,,../x" };
	pid_t pid;

	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		const char *args[] = { "run", "syscall", "--runners", "host", "--calls", lists[i], NULL };

		cr_expect_eq(run_status(args, &pid), BENCH_EXIT_USAGE, "--calls '%s'", lists[i]);
	}
}
