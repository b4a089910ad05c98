/* Statistics against figures worked out by hand. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "../bench/harness/stats.h"

#define EPS 1e-9

Test(stats, one_to_ten)
{
	double v[10] = { 7, 3, 10, 1, 5, 2, 9, 4, 8, 6 }; /* unsorted on purpose */
	struct stats s;

	stats_compute(v, 10, &s);
	cr_assert_eq(s.n, 10);
	cr_assert_float_eq(s.min, 1.0, EPS);
	cr_assert_float_eq(s.max, 10.0, EPS);
	cr_assert_float_eq(s.mean, 5.5, EPS);
	cr_assert_float_eq(s.median, 5.5, EPS);
	/* rank h = 9 * 0.95 = 8.55: 9 + 0.55 * (10 - 9) */
	cr_assert_float_eq(s.p95, 9.55, EPS);
	/* h = 9 * 0.99 = 8.91 */
	cr_assert_float_eq(s.p99, 9.91, EPS);
	/* sum of squared deviations 82.5, / 9 */
	cr_assert_float_eq(s.stddev, sqrt(82.5 / 9.0), EPS);
	/* |x - 5.5| = 0.5,0.5,1.5,1.5,...,4.5: median 2.5 */
	cr_assert_float_eq(s.mad, 2.5, EPS);
	cr_assert_float_eq(s.ci95_lo, 5.5 - 2.262 * sqrt(82.5 / 9.0) / sqrt(10.0), EPS);
	cr_assert_float_eq(s.ci95_hi, 5.5 + 2.262 * sqrt(82.5 / 9.0) / sqrt(10.0), EPS);
	cr_assert_eq(s.outliers, 0);
	/* the input is left alone */
	cr_assert_float_eq(v[0], 7.0, EPS);
}

Test(stats, sample_stddev)
{
	double v[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
	struct stats s;

	stats_compute(v, 8, &s);
	cr_assert_float_eq(s.mean, 5.0, EPS);
	/* 32 / 7: the population figure would be exactly 2 */
	cr_assert_float_eq(s.stddev, 2.1380899352993950, 1e-12);
	cr_assert_float_eq(s.median, 4.5, EPS);
}

Test(stats, percentile_edges)
{
	double one[] = { 42 };
	double two[] = { 10, 20 };

	cr_assert_float_eq(stats_percentile(one, 1, 50), 42.0, EPS);
	cr_assert_float_eq(stats_percentile(two, 2, 0), 10.0, EPS);
	cr_assert_float_eq(stats_percentile(two, 2, 25), 12.5, EPS);
	cr_assert_float_eq(stats_percentile(two, 2, 100), 20.0, EPS);
	cr_assert_float_eq(stats_percentile(two, 0, 50), 0.0, EPS);
}

Test(stats, empty_and_single)
{
	double v[] = { 3.5 };
	struct stats s;

	stats_compute(NULL, 0, &s);
	cr_assert_eq(s.n, 0);
	cr_assert_float_eq(s.mean, 0.0, EPS);
	stats_compute(v, 1, &s);
	cr_assert_float_eq(s.median, 3.5, EPS);
	cr_assert_float_eq(s.stddev, 0.0, EPS);
	cr_assert_float_eq(s.ci95_lo, 3.5, EPS);
	cr_assert_float_eq(s.ci95_hi, 3.5, EPS);
}

Test(stats, t_table)
{
	cr_assert_float_eq(stats_t95(1), 12.706, 1e-9);
	cr_assert_float_eq(stats_t95(10), 2.228, 1e-9);
	cr_assert_float_eq(stats_t95(30), 2.042, 1e-9);
	/* past the table: exact t(40) = 2.0211, t(120) = 1.9799 */
	cr_assert_float_eq(stats_t95(40), 2.0211, 2e-4);
	cr_assert_float_eq(stats_t95(120), 1.9799, 2e-4);
	cr_assert(isinf(stats_t95(0)));
	for (size_t df = 1; df < 2000; df++)
		cr_assert(stats_t95(df + 1) < stats_t95(df), "t95 not decreasing at df %zu", df);
	cr_assert(stats_t95(100000) > 1.959963);
	cr_assert_float_eq(stats_t95(100000), 1.959964, 1e-4);
}

Test(stats, outlier_detected)
{
	double v[20];
	struct stats s;

	for (int i = 0; i < 20; i++)
		v[i] = 10.0 + 0.1 * (i % 5); /* median 10.2, MAD 0.1 */
	stats_compute(v, 20, &s);
	cr_assert_eq(s.outliers, 0);
	v[7] = 100.0; /* z = 0.6745 * 89.8 / 0.1, far past 14 */
	stats_compute(v, 20, &s);
	cr_assert_eq(s.outliers, 1);
	v[7] = 11.0; /* z = 0.6745 * 0.8 / 0.1 = 5.4: not an outlier */
	stats_compute(v, 20, &s);
	cr_assert_eq(s.outliers, 0);
}

Test(stats, no_warnings_for_a_quiet_run)
{
	double v[20];
	char buf[1024];
	struct stats s;

	for (int i = 0; i < 20; i++)
		v[i] = 2.0 + 0.01 * (i % 4);
	stats_compute(v, 20, &s);
	cr_assert_eq(stats_warnings(&s, v, 20, buf, sizeof(buf)), 0, "got: %s", buf);
	cr_assert_str_empty(buf);
}

Test(stats, warnings)
{
	double v[20];
	char buf[2048];
	struct stats s;
	int n;

	for (int i = 0; i < 20; i++)
		v[i] = 2.0 + 0.01 * (i % 4);
	v[0] = 50.0; /* a cold first run, and an outlier, and spread */
	stats_compute(v, 20, &s);
	n = stats_warnings(&s, v, 20, buf, sizeof(buf));
	cr_assert_eq(n, 3, "got %d: %s", n, buf);
	cr_assert(strstr(buf, "1 statistical outlier was detected"), "%s", buf);
	cr_assert(strstr(buf, "coefficient of variation"), "%s", buf);
	cr_assert(strstr(buf, "first run was much slower"), "%s", buf);
	cr_assert(strstr(buf, "--warmup"), "%s", buf);
	/* one warning, one line */
	{
		int lines = 0;

		for (char *p = buf; *p; p++)
			lines += *p == '\n';
		cr_assert_eq(lines, 3);
	}

	/* a small sample is said to be one */
	stats_compute(v + 16, 3, &s);
	n = stats_warnings(&s, v + 16, 3, buf, sizeof(buf));
	cr_assert_eq(n, 1, "%s", buf);
	cr_assert(strstr(buf, "only 3 samples"), "%s", buf);

	/* a tiny buffer stays terminated */
	stats_compute(v, 20, &s);
	n = stats_warnings(&s, v, 20, buf, 16);
	cr_assert_eq(n, 3);
	cr_assert(strlen(buf) < 16);
}

Test(stats, first_run_moderately_slower_in_a_wide_spread_is_fine)
{
	/* spread 1..3 around 2; a first run of 3.2 is within the spread */
	double v[] = { 3.2, 1.0, 3.0, 2.0, 1.5, 2.5, 1.2, 2.8, 2.2, 1.8 };
	char buf[1024];
	struct stats s;

	stats_compute(v, 10, &s);
	stats_warnings(&s, v, 10, buf, sizeof(buf));
	cr_assert_null(strstr(buf, "first run"), "%s", buf);
}
