/* Summary statistics of a set of samples, as hyperfine reports them. */
#ifndef BENCH_STATS_H
#define BENCH_STATS_H

#include <stddef.h>
#include <stdint.h>

struct stats {
	size_t n;
	double min, max, mean, median, stddev; /* stddev: sample (n-1), 0 when n < 2 */
	double p95, p99;                       /* linear interpolation between ranks */
	double ci95_lo, ci95_hi;               /* 95% CI of the mean (Student's t) */
	double mad;                            /* median absolute deviation */
	size_t outliers;                       /* |modified z-score| > 14 (hyperfine) */
};

/* Computes *out over v[0..n) (v is not modified).  n == 0 gives all zeros.
 * The results keep one per series (series_stats): call this for samples
 * that are not a series. */
void stats_compute(const double *v, size_t n, struct stats *out);

/* How many times stats_compute has run in this process: lets the tests
 * prove that a run's statistics are computed once, not per writer. */
size_t stats_compute_count(void);

/* The p-th percentile (0..100) of sorted[0..n), linear interpolation. */
double stats_percentile(const double *sorted, size_t n, double p);

/* Two-sided 95% quantile of Student's t with df degrees of freedom. */
double stats_t95(size_t df);

/* Writes, one per line, the warnings a reader should see before trusting
 * these figures (outliers, high spread, a first run much slower than the
 * rest); v is in measurement order.  Returns how many warnings. */
int stats_warnings(const struct stats *s, const double *v, size_t n, char *buf, size_t bufsz);

/* The ratio of medians median(a) / median(b), and its 95% confidence
 * interval by the percentile bootstrap: reps times, a and b are each
 * resampled with replacement and the ratio of the resamples' medians taken;
 * the interval is the 2.5th and 97.5th percentiles of those ratios.  The
 * resampling draws from a fixed-seed generator, so the same samples and
 * seed always give the same interval.  Returns 0, or -1 when a or b is
 * empty, median(b) is not positive, reps < 100, or memory runs out. */
int stats_ratio_of_medians(const double *a, size_t na, const double *b, size_t nb, unsigned reps, uint64_t seed,
			   double *ratio, double *lo, double *hi);

#endif
