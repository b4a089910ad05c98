/* Summary statistics, computed the way hyperfine computes and judges them:
 * numpy-style percentiles, the sample standard deviation, a Student's t
 * confidence interval of the mean, and outliers by modified z-score. */
#include "stats.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* hyperfine flags a sample whose modified z-score exceeds this. */
#define OUTLIER_Z 14.0
/* Scales the MAD to a standard deviation for normally distributed data. */
#define MAD_TO_SIGMA 1.4826
/* Above this stddev/mean the mean says little about a single run. */
#define HIGH_CV 0.25
#define SMALL_N 5

/* sqrt without libm: the Makefile does not link -lm (a missing libm only
 * shows at link time).  Newton's iteration from above decreases
 * monotonically to the root; it stops when it no longer does, at the
 * correctly rounded value or one ulp from it. */
static double root(double x)
{
	double r;

	if (!(x > 0.0))
		return 0.0;
	r = x > 1.0 ? x : 1.0;
	for (int i = 0; i < 2100; i++) {
		double next = 0.5 * (r + x / r);

		if (next >= r)
			break;
		r = next;
	}
	return r;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double stats_percentile(const double *sorted, size_t n, double p)
{
	double h, frac;
	size_t lo;

	if (n == 0)
		return 0.0;
	if (p <= 0.0)
		return sorted[0];
	if (p >= 100.0)
		return sorted[n - 1];
	/* numpy's "linear" method: rank h in 0..n-1, interpolate between the
	 * two closest ranks. */
	h = (double)(n - 1) * p / 100.0;
	lo = (size_t)h; /* h >= 0: truncation is floor */
	frac = h - (double)lo;
	if (lo + 1 >= n)
		return sorted[n - 1];
	return sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
}

/* Two-sided 95% (0.975 quantile), df = 1..30, from the usual tables. */
static const double t95_table[30] = {
	12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
	2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
	2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
};

double stats_t95(size_t df)
{
	const double z = 1.959963984540054; /* normal 0.975 quantile */
	double d, z3, z5, z7;

	if (df == 0)
		return INFINITY; /* no interval from a single sample */
	if (df <= 30)
		return t95_table[df - 1];
	/* Cornish-Fisher expansion of t around the normal quantile: within
	 * 1e-4 of the exact value from df 30 on, and decreasing to z. */
	d = (double)df;
	z3 = z * z * z;
	z5 = z3 * z * z;
	z7 = z5 * z * z;
	return z + (z3 + z) / (4 * d) + (5 * z5 + 16 * z3 + 3 * z) / (96 * d * d) +
	       (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * d * d * d);
}

static _Atomic size_t computed;

size_t stats_compute_count(void)
{
	return computed;
}

void stats_compute(const double *v, size_t n, struct stats *out)
{
	double sum = 0.0, ss = 0.0, *tmp;

	computed++;
	memset(out, 0, sizeof(*out));
	if (n == 0)
		return;
	out->n = n;
	out->min = out->max = v[0];
	for (size_t i = 0; i < n; i++) {
		sum += v[i];
		if (v[i] < out->min)
			out->min = v[i];
		if (v[i] > out->max)
			out->max = v[i];
	}
	out->mean = sum / (double)n;
	/* Two passes: the naive sum of squares loses precision when the
	 * spread is small next to the mean (2500.001 ms vs 2500.002 ms). */
	for (size_t i = 0; i < n; i++)
		ss += (v[i] - out->mean) * (v[i] - out->mean);
	out->stddev = n > 1 ? root(ss / (double)(n - 1)) : 0.0;
	if (n > 1) {
		double half = stats_t95(n - 1) * out->stddev / root((double)n);

		out->ci95_lo = out->mean - half;
		out->ci95_hi = out->mean + half;
	} else {
		out->ci95_lo = out->ci95_hi = out->mean;
	}

	/* The order statistics need a sorted copy.  This function cannot
	 * fail by contract, so without memory they are NaN, which every
	 * writer shows as such rather than as a plausible number. */
	tmp = malloc(n * sizeof(*tmp));
	if (!tmp) {
		out->median = out->p95 = out->p99 = out->mad = NAN;
		return;
	}
	memcpy(tmp, v, n * sizeof(*tmp));
	qsort(tmp, n, sizeof(*tmp), cmp_double);
	out->median = stats_percentile(tmp, n, 50.0);
	out->p95 = stats_percentile(tmp, n, 95.0);
	out->p99 = stats_percentile(tmp, n, 99.0);

	for (size_t i = 0; i < n; i++)
		tmp[i] = fabs(v[i] - out->median);
	qsort(tmp, n, sizeof(*tmp), cmp_double);
	out->mad = stats_percentile(tmp, n, 50.0);
	free(tmp);

	for (size_t i = 0; i < n; i++) {
		double dev = v[i] - out->median;

		/* With MAD 0 (most samples equal) hyperfine's division gives
		 * an infinite score for any sample off the median: same here. */
		if (out->mad > 0.0 ? fabs(0.6745 * dev / out->mad) > OUTLIER_Z : dev != 0.0)
			out->outliers++;
	}
}

/* Appends one line to buf (always NUL-terminated, truncated if need be). */
static void add_line(char *buf, size_t bufsz, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add_line(char *buf, size_t bufsz, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!buf || *len + 1 >= bufsz)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *len, bufsz - *len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	/* A line that does not fit is cut; the buffer stays terminated. */
	if ((size_t)n + 1 >= bufsz - *len) {
		*len = bufsz - 1;
		return;
	}
	*len += (size_t)n;
	buf[(*len)++] = '\n';
	buf[*len] = '\0';
}

/* Was the first sample slower than a warm run can explain?  It must be
 * clearly slower (1.5x the median) and, unless it is beyond 2x, also
 * beyond 3 robust standard deviations, so that a wide but honest spread
 * does not trigger it. */
static int first_much_slower(const struct stats *s, const double *v, size_t n)
{
	double first;

	if (n < 3 || !(s->median > 0.0))
		return 0;
	first = v[0];
	if (first > 2.0 * s->median)
		return 1;
	return first > 1.5 * s->median && first > s->median + 3.0 * MAD_TO_SIGMA * s->mad;
}

int stats_warnings(const struct stats *s, const double *v, size_t n, char *buf, size_t bufsz)
{
	size_t len = 0;
	int count = 0;

	if (buf && bufsz > 0)
		buf[0] = '\0';
	if (n == 0) {
		add_line(buf, bufsz, &len, "no samples were recorded");
		return 1;
	}
	if (n < SMALL_N) {
		add_line(buf, bufsz, &len,
			 "only %zu sample%s: too few to judge spread and outliers; use more runs",
			 n, n == 1 ? "" : "s");
		count++;
	}
	if (s->outliers > 0) {
		add_line(buf, bufsz, &len,
			 "%zu statistical outlier%s detected; consider re-running on a "
			 "quieter system or with more --warmup",
			 s->outliers, s->outliers == 1 ? " was" : "s were");
		count++;
	}
	if (n > 1 && s->mean > 0.0 && s->stddev / s->mean > HIGH_CV) {
		add_line(buf, bufsz, &len,
			 "high spread: the coefficient of variation (stddev/mean) is %.0f%%; "
			 "the mean says little about a single run",
			 100.0 * s->stddev / s->mean);
		count++;
	}
	if (first_much_slower(s, v, n)) {
		add_line(buf, bufsz, &len,
			 "the first run was much slower (%.3g vs median %.3g, %.1fx): "
			 "caching effects; use --warmup",
			 v[0], s->median, v[0] / s->median);
		count++;
	}
	return count;
}

/* ---- ratio of medians, bootstrap ---------------------------------------- */

/* splitmix64: small, fast and good enough to draw resampling indices. */
static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* The k-th smallest of v[0..n) (0-based), reordering v so that everything
 * before index k is <= it and everything after is >= it (Wirth's
 * selection, Algorithms + Data Structures = Programs, 1976). */
static double select_kth(double *v, size_t n, size_t k)
{
	long l = 0, m = (long)n - 1, kk = (long)k;

	while (l < m) {
		double x = v[kk];
		long i = l, j = m;

		do {
			while (v[i] < x)
				i++;
			while (x < v[j])
				j--;
			if (i <= j) {
				double t = v[i];

				v[i] = v[j];
				v[j] = t;
				i++;
				j--;
			}
		} while (i <= j);
		if (j < kk)
			l = i;
		if (kk < i)
			m = j;
	}
	return v[kk];
}

/* The median of v[0..n), n > 0, reordering v. */
static double median_inplace(double *v, size_t n)
{
	double upper = select_kth(v, n, n / 2), lower;

	if (n % 2)
		return upper;
	/* After the selection every element below n/2 is <= upper: the lower
	 * middle is their maximum. */
	lower = v[0];
	for (size_t i = 1; i < n / 2; i++)
		lower = v[i] > lower ? v[i] : lower;
	return (lower + upper) / 2.0;
}

static void resample(const double *src, size_t n, double *dst, uint64_t *state)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = src[splitmix64(state) % n];
}

int stats_ratio_of_medians(const double *a, size_t na, const double *b, size_t nb, unsigned reps, uint64_t seed,
			   double *ratio, double *lo, double *hi)
{
	double *buf, *ratios, ma, mb;
	uint64_t state = seed;
	unsigned kept = 0;

	if (na == 0 || nb == 0 || reps < 100)
		return -1;
	buf = malloc((na > nb ? na : nb) * sizeof(*buf));
	ratios = malloc(reps * sizeof(*ratios));
	if (!buf || !ratios) {
		free(buf);
		free(ratios);
		return -1;
	}
	memcpy(buf, a, na * sizeof(*buf));
	ma = median_inplace(buf, na);
	memcpy(buf, b, nb * sizeof(*buf));
	mb = median_inplace(buf, nb);
	if (!(mb > 0.0)) {
		free(buf);
		free(ratios);
		return -1;
	}
	*ratio = ma / mb;
	for (unsigned r = 0; r < reps; r++) {
		double ra, rb;

		resample(a, na, buf, &state);
		ra = median_inplace(buf, na);
		resample(b, nb, buf, &state);
		rb = median_inplace(buf, nb);
		if (rb > 0.0)
			ratios[kept++] = ra / rb;
	}
	if (kept == 0) {
		*lo = *hi = *ratio;
	} else {
		qsort(ratios, kept, sizeof(*ratios), cmp_double);
		*lo = stats_percentile(ratios, kept, 2.5);
		*hi = stats_percentile(ratios, kept, 97.5);
	}
	free(buf);
	free(ratios);
	return 0;
}
