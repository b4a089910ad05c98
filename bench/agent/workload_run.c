/* The workload tasks' shared machinery: see workload_run.h. */
#include "workload_run.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "../../lib/agent_protocol.h"
#include "agent_util.h"
#include "emit.h"

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

/* "0-3,5": the CPUs in order. */
static int parse_cpus(const char *list, struct workload_args *a)
{
	const char *p = list;

	a->ncpus = 0;
	while (*p) {
		char *end;
		long lo, hi;

		if (*p < '0' || *p > '9')
			return -1;
		lo = strtol(p, &end, 10);
		hi = lo;
		if (*end == '-') {
			if (end[1] < '0' || end[1] > '9')
				return -1;
			hi = strtol(end + 1, &end, 10);
		}
		if (lo < 0 || hi < lo || hi >= CPU_SETSIZE)
			return -1;
		for (long c = lo; c <= hi; c++) {
			if (a->ncpus == WORKLOAD_THREADS_MAX)
				return -1;
			a->cpus[a->ncpus++] = (int)c;
		}
		if (*end == ',')
			end++;
		else if (*end)
			return -1;
		p = end;
	}
	return a->ncpus > 0 ? 0 : -1;
}

int workload_args_parse(const struct task_ctx *ctx, const char *const *keys, struct workload_args *a, char *msg,
			size_t msgsz)
{
	memset(a, 0, sizeof(*a));
	a->batches = 10;
	a->target_ms = 10;
	a->ncpus = 1;
	for (int i = 0; i < ctx->argc; i++) {
		const char *arg = ctx->argv[i];
		uint64_t v = 0;
		int bad = 1;

		if (strncmp(arg, "--batches=", 10) == 0) {
			bad = parse_u64(arg + 10, WORKLOAD_BATCHES_MAX, &v) || v == 0;
			a->batches = (unsigned)v;
		} else if (strncmp(arg, "--target-ms=", 12) == 0) {
			bad = parse_u64(arg + 12, 60000, &v) || v == 0;
			a->target_ms = (unsigned)v;
		} else if (strncmp(arg, "--cpus=", 7) == 0) {
			bad = parse_cpus(arg + 7, a);
		} else if (strncmp(arg, "--threads=", 10) == 0) {
			bad = parse_u64(arg + 10, WORKLOAD_THREADS_MAX, &v) || v == 0;
			a->ncpus = (int)v;
			for (int c = 0; c < a->ncpus; c++)
				a->cpus[c] = c;
		} else {
			for (int k = 0; keys[k]; k++) {
				size_t len = strlen(keys[k]);

				if (strncmp(arg, keys[k], len) != 0 || a->nextra == 8)
					continue;
				bad = parse_u64(arg + len, WORKLOAD_SIZE_MAX, &v) || v == 0;
				a->extra_key[a->nextra] = keys[k];
				a->extra[a->nextra++] = v;
				break;
			}
		}
		if (bad) {
			snprintf(msg, msgsz, "bad argument '%.64s'", arg);
			return -1;
		}
	}
	return 0;
}

uint64_t workload_arg(const struct workload_args *a, const char *key, uint64_t def)
{
	for (int i = a->nextra - 1; i >= 0; i--)
		if (strcmp(a->extra_key[i], key) == 0)
			return a->extra[i];
	return def;
}

/* ---- the pool ----------------------------------------------------------- */

static bool pin_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return pthread_setaffinity_np(pthread_self(), sizeof(set), &set) == 0;
}

struct worker_start {
	struct workload_pool *p;
	int t;
};

static struct worker_start starts[WORKLOAD_THREADS_MAX];

static void *worker(void *v)
{
	struct worker_start *w = v;
	struct workload_pool *p = w->p;

	pin_to(p->cpus[w->t]);
	for (;;) {
		pthread_barrier_wait(&p->start);
		if (p->quit)
			return NULL;
		if (w->t < p->active)
			p->job(p->arg, w->t, p->active, p->reps);
		pthread_barrier_wait(&p->end);
	}
}

int workload_pool_start(struct workload_pool *p, const struct workload_args *a, char *msg, size_t msgsz)
{
	memset(p, 0, sizeof(*p));
	p->n = a->ncpus;
	memcpy(p->cpus, a->cpus, sizeof(p->cpus));
	p->pinned = pin_to(p->cpus[0]);
	if (pthread_barrier_init(&p->start, NULL, (unsigned)p->n) != 0 ||
	    pthread_barrier_init(&p->end, NULL, (unsigned)p->n) != 0) {
		snprintf(msg, msgsz, "cannot make the threads' barriers");
		return -1;
	}
	for (int t = 1; t < p->n; t++) {
		starts[t] = (struct worker_start){ p, t };
		if (pthread_create(&p->tid[t], NULL, worker, &starts[t]) != 0) {
			snprintf(msg, msgsz, "cannot start thread %d: %s", t, strerror(errno));
			/* The threads made so far wait at the start barrier
			 * for a count they will never reach: the agent exits. */
			return -1;
		}
	}
	return 0;
}

void workload_pool_stop(struct workload_pool *p)
{
	p->quit = true;
	pthread_barrier_wait(&p->start);
	for (int t = 1; t < p->n; t++)
		pthread_join(p->tid[t], NULL);
	pthread_barrier_destroy(&p->start);
	pthread_barrier_destroy(&p->end);
}

/* One batch: every active thread runs reps of its share; the time from
 * the release of all to the last one's end. */
static uint64_t run_batch(struct workload_pool *p, int n, workload_job job, void *arg, uint64_t reps)
{
	uint64_t t0, t1;

	p->job = job;
	p->arg = arg;
	p->active = n;
	p->reps = reps;
	pthread_barrier_wait(&p->start);
	t0 = util_now_ns();
	job(arg, 0, n, reps);
	pthread_barrier_wait(&p->end);
	t1 = util_now_ns();
	return t1 > t0 ? t1 - t0 : 1;
}

static int emit_batches(int out, int kernel, int n, uint64_t size, uint64_t work, const uint64_t *ns,
			unsigned nb)
{
	for (unsigned first = 0; first < nb; first += WORKLOAD_BATCHES_PER_RECORD) {
		struct emit e;

		emit_begin(&e, BENCH_REC_DATA);
		emit_str(&e, "kind", "batch");
		emit_str(&e, "kernel", workload_kernel_names[kernel]);
		emit_u64(&e, "threads", (unsigned long long)n);
		emit_u64(&e, "size", size);
		emit_u64(&e, "work", work);
		emit_u64(&e, "first", first);
		for (unsigned k = first; k < nb && k < first + WORKLOAD_BATCHES_PER_RECORD; k++) {
			char key[16];

			snprintf(key, sizeof(key), "e%u", k - first);
			emit_u64(&e, key, ns[k]);
		}
		if (emit_end(&e, out) != 0)
			return -1;
	}
	return 0;
}

int workload_measure(int out, struct workload_pool *p, const struct workload_args *a, int kernel, int n,
		     workload_job job, void *arg, uint64_t work_per_rep, uint64_t size)
{
	uint64_t ns[WORKLOAD_BATCHES_MAX], target = (uint64_t)a->target_ms * 1000000ull, one, reps;

	/* The first rep warms the caches and pages; then reps grow until a
	 * batch lasts a tenth of the target, and scale up to it (at least one
	 * rep: a slow runner's batches are simply longer).  Growing rather than
	 * timing one rep keeps a preempted first rep from fixing the size. */
	run_batch(p, n, job, arg, 1);
	reps = 1;
	for (;;) {
		one = run_batch(p, n, job, arg, reps);
		if (one >= target / 10 || reps * work_per_rep >= WORKLOAD_WORK_MAX / 16)
			break;
		reps *= 4;
	}
	reps = one >= target ? reps : reps * target / one;
	for (unsigned b = 0; b < a->batches; b++)
		ns[b] = run_batch(p, n, job, arg, reps);
	return emit_batches(out, kernel, n, size, reps * work_per_rep, ns, a->batches);
}

/* ---- what the workload sees -------------------------------------------- */

bool workload_cpu_has_sse42(void)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned a, b, c, d;

	return __get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 20));
#else
	return false;
#endif
}

static void cpu_model(char *buf, size_t sz)
{
	snprintf(buf, sz, "unknown");
#if defined(__x86_64__) || defined(__i386__)
	{
		unsigned r[12] = { 0 };
		char *s;

		if (__get_cpuid_max(0x80000000u, NULL) < 0x80000004u)
			return;
		for (unsigned i = 0; i < 3; i++)
			__get_cpuid(0x80000002u + i, &r[4 * i], &r[4 * i + 1], &r[4 * i + 2], &r[4 * i + 3]);
		s = (char *)r;
		s[47] = '\0';
		while (*s == ' ')
			s++;
		for (size_t n = strlen(s); n > 0 && s[n - 1] == ' '; n--)
			s[n - 1] = '\0';
		snprintf(buf, sz, "%s", s);
	}
#endif
}

/* The flags that change which code a workload can run, as /proc/cpuinfo
 * names them. */
static void cpu_flags(char *buf, size_t sz)
{
	buf[0] = '\0';
#if defined(__x86_64__) || defined(__i386__)
	{
		static const struct {
			unsigned leaf, reg, bit;
			const char *name;
		} flags[] = {
			{ 1, 2, 20, "sse4_2" }, { 1, 2, 25, "aes" },     { 1, 2, 28, "avx" },    { 1, 2, 12, "fma" },
			{ 7, 1, 5, "avx2" },    { 7, 1, 16, "avx512f" }, { 7, 1, 29, "sha_ni" }, { 1, 2, 31, "hypervisor" },
		};
		unsigned r1[4] = { 0 }, r7[4] = { 0 };

		__get_cpuid(1, &r1[0], &r1[1], &r1[2], &r1[3]);
		if (__get_cpuid_max(0, NULL) >= 7)
			__get_cpuid_count(7, 0, &r7[0], &r7[1], &r7[2], &r7[3]);
		for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
			const unsigned *r = flags[i].leaf == 1 ? r1 : r7;

			if (r[flags[i].reg] & (1u << flags[i].bit))
				snprintf(buf + strlen(buf), sz - strlen(buf), "%s%s", buf[0] ? "," : "", flags[i].name);
		}
	}
#endif
	if (!buf[0])
		snprintf(buf, sz, "none");
}

/* The bracketed word of /sys/kernel/mm/transparent_hugepage/enabled. */
static void thp_state(char *buf, size_t sz)
{
	char text[128];
	int fd = open("/sys/kernel/mm/transparent_hugepage/enabled", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, text, sizeof(text) - 1) : -1;
	char *l, *r;

	if (fd >= 0)
		close(fd);
	snprintf(buf, sz, "unreadable");
	if (n <= 0)
		return;
	text[n] = '\0';
	l = strchr(text, '[');
	r = l ? strchr(l, ']') : NULL;
	if (l && r && r - l - 1 < (long)sz && r - l > 1)
		snprintf(buf, sz, "%.*s", (int)(r - l - 1), l + 1);
}

int workload_emit_info(int out, const struct workload_pool *p)
{
	char model[64], flags[128], thp[32];
	struct emit e;

	cpu_model(model, sizeof(model));
	cpu_flags(flags, sizeof(flags));
	thp_state(thp, sizeof(thp));
	emit_begin(&e, BENCH_REC_DATA);
	emit_str(&e, "kind", "info");
	emit_str(&e, "model", model);
	emit_str(&e, "flags", flags);
	emit_str(&e, "thp", thp);
	emit_u64(&e, "threads", (unsigned long long)p->n);
	emit_u64(&e, "pinned", p->pinned ? 1 : 0);
	return emit_end(&e, out);
}

int workload_emit_skip(int out, int kernel, const char *why)
{
	struct emit e;

	emit_begin(&e, BENCH_REC_DATA);
	emit_str(&e, "kind", "skip");
	emit_str(&e, "kernel", workload_kernel_names[kernel]);
	emit_str(&e, "why", why);
	return emit_end(&e, out);
}

int workload_emit_done(int out, const char *task)
{
	struct emit e;

	emit_begin(&e, BENCH_REC_DONE);
	emit_str(&e, "task", task);
	return emit_end(&e, out);
}
