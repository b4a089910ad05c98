/* storage: time I/O on the disk the runner gave (disk=PATH: the host's
 * file, a bind-mounted file, a guest's virtio block device), O_DIRECT so
 * that no page cache is measured.  One pattern after another, each with a
 * ramp that is not counted and a measured window:
 *   randread_qd1, randwrite_qd1    4 KiB at random offsets, one at a time:
 *                                  latency percentiles
 *   randread_qd32, randwrite_qd32  4 KiB, 32 I/Os in flight (queue depth
 *                                  32): IOPS.  By io_uring (one thread,
 *                                  one ring of 32, uring.c) where the
 *                                  kernel allows it, else 32 threads each
 *                                  with one synchronous I/O in flight
 *   seqread, seqwrite              1 MiB in order, one at a time: MB/s
 * Records: DATA kind=disk (its size; direct=0 where O_DIRECT is not in
 * effect: an unaligned read went through), DATA kind=pattern per pattern (with
 * engine=psync|io_uring|threads, and uring_errno= where io_uring was
 * refused and threads ran instead), DONE.
 *
 * Arguments (key=value): disk=PATH, patterns=a,b,..., ramp_ms=, run_ms=,
 * size_mib= (the part of the disk used; default all of it),
 * engine=auto|io_uring|threads (queue depth 32; default auto: io_uring
 * where it works, else threads; io_uring: fail where it does not). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../lib/agent_protocol.h"
#include "agent_util.h"
#include "emit.h"
#include "tasks.h"
#include "uring.h"

/* <linux/fs.h>'s, which musl's headers do not carry. */
#ifndef BLKGETSIZE64
#define BLKGETSIZE64 _IOR(0x12, 114, size_t)
#endif

#define SMALL_BS 4096u
#define LARGE_BS (1u << 20)
#define QD_MAX 32u
/* Latencies kept per pattern (split among its threads): beyond this the
 * percentiles are of the first ones (a QD1 pattern of 10 s at 100k IOPS is
 * 1M). */
#define LAT_MAX (1u << 21)

static const struct pattern {
	const char *name;
	int write;
	int random;
	unsigned bs;
	unsigned qd;
} patterns[] = {
	{ "randread_qd1", 0, 1, SMALL_BS, 1 },   { "randwrite_qd1", 1, 1, SMALL_BS, 1 },
	{ "randread_qd32", 0, 1, SMALL_BS, 32 }, { "randwrite_qd32", 1, 1, SMALL_BS, 32 },
	{ "seqread", 0, 0, LARGE_BS, 1 },        { "seqwrite", 1, 0, LARGE_BS, 1 },
};
#define NPATTERNS (sizeof(patterns) / sizeof(patterns[0]))

struct worker {
	pthread_t th;
	const struct pattern *p;
	unsigned long long size;           /* bytes of the disk used */
	unsigned long long t_measure, t_end;
	unsigned long long seed, next_off; /* random state; next sequential offset */
	unsigned long long ops;            /* in the measured window */
	unsigned long long bytes;
	unsigned *lat;                     /* ns, measured ops (lat_max kept) */
	void *buf;
	int fd;
	unsigned nlat, lat_max;
	int err;                           /* errno of a failed I/O */
};

static unsigned long long xorshift(unsigned long long *s)
{
	unsigned long long x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

static void keep_lat(struct worker *w, unsigned long long ns)
{
	if (w->nlat < w->lat_max)
		w->lat[w->nlat++] = ns > 0xffffffffull ? 0xffffffffu : (unsigned)ns;
}

static unsigned long long next_offset(struct worker *w)
{
	const struct pattern *p = w->p;
	unsigned long long blocks = w->size / p->bs;

	return (xorshift(&w->seed) % blocks) * p->bs;
}

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	const struct pattern *p = w->p;
	unsigned long long blocks = w->size / p->bs;

	for (;;) {
		unsigned long long t0 = util_now_ns(), t1, off;
		ssize_t n;

		if (t0 >= w->t_end || util_stop_signalled())
			break;
		if (p->random) {
			off = next_offset(w);
		} else {
			off = w->next_off;
			w->next_off = (w->next_off + p->bs) % (blocks * p->bs);
		}
		n = p->write ? pwrite(w->fd, w->buf, p->bs, (off_t)off) : pread(w->fd, w->buf, p->bs, (off_t)off);
		if (n != (ssize_t)p->bs) {
			w->err = n < 0 ? errno : EIO;
			break;
		}
		t1 = util_now_ns();
		if (t0 < w->t_measure)
			continue;
		if (t1 > w->t_end) /* an op that ended past the window is not counted */
			break;
		w->ops++;
		w->bytes += p->bs;
		keep_lat(w, t1 - t0);
	}
	return NULL;
}

/* Queues slot's next I/O, its submission time in t_sub[slot]; -1 with
 * w->err when the ring takes no more. */
static int queue_slot(struct uring *u, struct worker *w, void *const *bufs, unsigned slot,
		      unsigned long long *t_sub)
{
	t_sub[slot] = util_now_ns();
	if (uring_prep_rw(u, w->p->write, w->fd, bufs[slot], w->p->bs, next_offset(w), slot) != 0) {
		w->err = errno;
		return -1;
	}
	return 0;
}

/* Queue depth qd from one thread: every slot (its own buffer, bufs[slot])
 * resubmitted as soon as it completes, until the window ends; then every
 * I/O still in flight is waited for.  A slot's latency runs from its
 * submission being queued to the reap that saw it done (what fio's
 * io_uring engine reports as clat).  Counts into w, as a thread would. */
static void uring_run(struct uring *u, struct worker *w, void *const *bufs, unsigned qd)
{
	const struct pattern *p = w->p;
	unsigned long long t_sub[QD_MAX];
	unsigned inflight = 0;
	int stop = 0;

	for (unsigned i = 0; i < qd; i++) {
		if (queue_slot(u, w, bufs, i, t_sub) != 0) {
			stop = 1;
			break;
		}
		inflight++;
	}
	while (inflight > 0) {
		unsigned long long now;
		uint64_t slot;
		int32_t res;

		/* fio's io_uring engine's rhythm by default
		 * (iodepth_batch_submit=1, iodepth_batch_complete_min and
		 * _max 1): one completion taken, its slot's next I/O
		 * submitted by a system call of its own, and a wait only
		 * when the ring holds no completion.  Reaping every
		 * completion and submitting them all with the next wait
		 * did 13-18% fewer IOPS than fio on this virtual disk. */
		if (uring_reap(u, &slot, &res) != 1) {
			if (uring_submit_wait(u, 1) != 0) {
				/* Nothing more can be waited for: closing the
				 * ring ends what is in flight. */
				w->err = errno;
				return;
			}
			continue;
		}
		now = util_now_ns();
		if (slot >= qd || inflight == 0) {
			w->err = EIO;
			return;
		}
		inflight--;
		if (res != (int32_t)p->bs) {
			if (!w->err)
				w->err = res < 0 ? -res : EIO;
			stop = 1;
			continue;
		}
		if (t_sub[slot] >= w->t_measure && now <= w->t_end) {
			w->ops++;
			w->bytes += p->bs;
			keep_lat(w, now - t_sub[slot]);
		}
		if (stop || now >= w->t_end || util_stop_signalled())
			continue;
		if (queue_slot(u, w, bufs, (unsigned)slot, t_sub) != 0) {
			stop = 1;
			continue;
		}
		inflight++;
		/* Where this fails the I/O stays queued: the next wait
		 * submits it or fails. */
		if (uring_submit_wait(u, 0) != 0) {
			w->err = errno;
			stop = 1;
		}
	}
}

/* One I/O of the disk's second block through the ring, in the run's
 * rhythm (uring_run): submitted without a wait, then waited for without a
 * submission.  Not the first block: gVisor's ring, here, read at offset 0
 * and failed every other offset with EINVAL.  0, or the errno. */
static int uring_once(struct uring *u, int fd, void *buf, int write)
{
	uint64_t slot;
	int32_t res = -EIO;

	if (uring_prep_rw(u, write, fd, buf, SMALL_BS, SMALL_BS, 0) != 0 || uring_submit_wait(u, 0) != 0)
		return errno ? errno : EIO;
	while (uring_reap(u, &slot, &res) != 1)
		if (uring_submit_wait(u, 1) != 0)
			return errno ? errno : EIO;
	if (slot != 0)
		return EIO;
	if (res != (int32_t)SMALL_BS)
		return res < 0 ? -res : EIO;
	return 0;
}

/* Whether io_uring works here: a ring of qd, one read through it and, for
 * a write pattern, that block written back unchanged (a kernel or sandbox
 * may set a ring up and still refuse an operation, an offset or the run's
 * rhythm).  0 with the ring open, or the errno. */
static int uring_probe(struct uring *u, int fd, unsigned qd, int write)
{
	void *buf = NULL;
	int e;

	if (uring_open(u, qd) != 0)
		return errno ? errno : EIO;
	if (posix_memalign(&buf, 4096, SMALL_BS) != 0) {
		uring_close(u);
		return ENOMEM;
	}
	e = uring_once(u, fd, buf, 0);
	/* IORING_OP_READ is 5.6's: older kernels have READV only. */
	if (e == EINVAL) {
		u->vectored = 1;
		e = uring_once(u, fd, buf, 0);
	}
	if (e == 0 && write)
		e = uring_once(u, fd, buf, 1);
	free(buf);
	if (e)
		uring_close(u);
	return e;
}

static int cmp_u32(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return x < y ? -1 : x > y;
}

static unsigned pct(const unsigned *sorted, size_t n, double p)
{
	size_t i;

	if (n == 0)
		return 0;
	i = (size_t)(p / 100.0 * (double)(n - 1) + 0.5);
	return sorted[i < n ? i : n - 1];
}

/* How a pattern of queue depth above 1 runs. */
enum engine { ENGINE_AUTO, ENGINE_URING, ENGINE_THREADS };

/* Runs one pattern and emits its DATA record; 0, or -1 with msg. */
static int run_pattern(struct task_ctx *ctx, const struct pattern *p, int fd, unsigned long long size, long ramp_ms,
		       long run_ms, enum engine engine, char *msg, size_t msgsz)
{
	/* Read once: the loops below must agree on it. */
	const unsigned qd = p->qd;
	struct uring ring = { .fd = -1 };
	int use_uring = 0, uring_errno = 0;
	const char *engine_name = qd == 1 ? "psync" : "threads";
	struct worker w[QD_MAX];
	unsigned long long seed0 = util_now_ns(), t_start, ops = 0, bytes = 0;
	double window_s = (double)run_ms / 1e3;
	unsigned *all = NULL;
	size_t nall = 0;
	int rc = -1;
	struct emit e;

	memset(w, 0, sizeof(w));
	if (qd > 1 && engine != ENGINE_THREADS) {
		uring_errno = uring_probe(&ring, fd, qd, p->write);
		if (uring_errno && engine == ENGINE_URING) {
			snprintf(msg, msgsz, "storage: io_uring: %s", strerror(uring_errno));
			return -1;
		}
		use_uring = !uring_errno;
		if (use_uring)
			engine_name = "io_uring";
	}
	for (unsigned i = 0; i < qd; i++) {
		w[i].p = p;
		w[i].fd = fd;
		w[i].size = size;
		w[i].seed = 0x9E3779B97F4A7C15ull ^ (seed0 + i * 7919ull);
		w[i].next_off = (size / qd / p->bs) * p->bs * i;
		/* The same number kept in all: a guest's memory is small. */
		w[i].lat_max = LAT_MAX / qd;
		if (use_uring) /* one thread keeps them all */
			w[i].lat_max = i == 0 ? LAT_MAX / 2 : 1;
		w[i].lat = malloc(w[i].lat_max * sizeof(unsigned));
		if (!w[i].lat || posix_memalign(&w[i].buf, 4096, p->bs) != 0) {
			snprintf(msg, msgsz, "storage: out of memory");
			goto out;
		}
		/* Written data that is not all zeros, different per thread. */
		for (unsigned k = 0; k < p->bs / 8; k++)
			((unsigned long long *)w[i].buf)[k] = xorshift(&w[i].seed);
	}
	/* The ramp starts once the ring is probed and the buffers are made:
	 * with --ramp-ms 0 the window would otherwise begin with them. */
	t_start = util_now_ns();
	for (unsigned i = 0; i < qd; i++) {
		w[i].t_measure = t_start + (unsigned long long)ramp_ms * 1000000ull;
		w[i].t_end = w[i].t_measure + (unsigned long long)run_ms * 1000000ull;
	}
	if (qd == 1) {
		worker_run(&w[0]);
	} else if (use_uring) {
		void *bufs[QD_MAX];

		for (unsigned i = 0; i < qd; i++)
			bufs[i] = w[i].buf;
		uring_run(&ring, &w[0], bufs, qd);
	} else {
		unsigned started = 0;

		for (; started < qd; started++)
			if (pthread_create(&w[started].th, NULL, worker_run, &w[started]) != 0)
				break;
		for (unsigned i = 0; i < started; i++)
			pthread_join(w[i].th, NULL);
		if (started < qd) {
			snprintf(msg, msgsz, "storage: cannot start thread %u of %u", started, qd);
			goto out;
		}
	}
	for (unsigned i = 0; i < qd; i++) {
		if (w[i].err) {
			snprintf(msg, msgsz, "storage: %s at %s: %s", p->write ? "write" : "read", p->name,
				 strerror(w[i].err));
			goto out;
		}
		ops += w[i].ops;
		bytes += w[i].bytes;
		nall += w[i].nlat;
	}
	all = malloc((nall ? nall : 1) * sizeof(unsigned));
	if (!all) {
		snprintf(msg, msgsz, "storage: out of memory");
		goto out;
	}
	nall = 0;
	for (unsigned i = 0; i < qd; i++) {
		memcpy(all + nall, w[i].lat, w[i].nlat * sizeof(unsigned));
		nall += w[i].nlat;
	}
	qsort(all, nall, sizeof(unsigned), cmp_u32);
	emit_begin(&e, BENCH_REC_DATA);
	emit_str(&e, "kind", "pattern");
	emit_str(&e, "pattern", p->name);
	emit_u64(&e, "bs", p->bs);
	emit_u64(&e, "qd", qd);
	emit_str(&e, "engine", engine_name);
	if (uring_errno)
		emit_u64(&e, "uring_errno", (unsigned long long)uring_errno);
	emit_u64(&e, "ops", ops);
	emit_u64(&e, "window_ms", (unsigned long long)run_ms);
	/* Milli-units: IOPS and MB/s with three decimals, as integers. */
	emit_u64(&e, "iops_milli", (unsigned long long)((double)ops / window_s * 1e3));
	emit_u64(&e, "mbps_milli", (unsigned long long)((double)bytes / 1e6 / window_s * 1e3));
	{
		static const struct {
			const char *key;
			double p;
		} q[] = { { "p1_ns", 1 },   { "p5_ns", 5 },   { "p10_ns", 10 }, { "p25_ns", 25 },
			  { "p50_ns", 50 }, { "p75_ns", 75 }, { "p90_ns", 90 }, { "p95_ns", 95 },
			  { "p99_ns", 99 }, { "p999_ns", 99.9 } };

		for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++)
			emit_u64(&e, q[i].key, pct(all, nall, q[i].p));
		emit_u64(&e, "max_ns", nall ? all[nall - 1] : 0);
	}
	if (emit_end(&e, ctx->out) != 0) {
		snprintf(msg, msgsz, "storage: cannot write a record");
		goto out;
	}
	rc = 0;
out:
	/* The ring first: nothing is in flight into the buffers after it. */
	uring_close(&ring);
	for (unsigned i = 0; i < qd; i++) {
		free(w[i].lat);
		free(w[i].buf);
	}
	free(all);
	return rc;
}

/* Whether O_DIRECT is in effect on fd: a read at an offset and of a length
 * no block size divides is refused (EINVAL) where it is.  A sandbox may
 * take the flag and drop it (gVisor does not pass it to its gofer, so
 * its I/O goes through the host's page cache): then the read succeeds.
 * So does one of a hole (no I/O, nothing to align): a sparse file's
 * figures are not the disk's either. */
static int direct_in_effect(int fd)
{
	void *buf = NULL;
	ssize_t n;

	if (posix_memalign(&buf, SMALL_BS, SMALL_BS) != 0)
		return 1;
	n = pread(fd, (char *)buf + 1, 511, 1);
	free(buf);
	return n < 0;
}

/* The disk's size: a block device's, or a file's. */
static int disk_size(int fd, unsigned long long *size)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return -1;
	if (S_ISBLK(st.st_mode))
		return ioctl(fd, BLKGETSIZE64, size);
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		return -1;
	}
	*size = (unsigned long long)st.st_size;
	return 0;
}

static bool pattern_wanted(const char *list, const char *name)
{
	size_t len = strlen(name);

	if (!list || strcmp(list, "all") == 0)
		return true;
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",");

		if (n == len && strncmp(p, name, n) == 0)
			return true;
		p += n;
		if (*p == ',')
			p++;
	}
	return false;
}

int task_storage(struct task_ctx *ctx)
{
	const char *disk = util_arg(ctx, "disk");
	const char *list = util_arg(ctx, "patterns");
	long ramp_ms = util_arg_long(ctx, "ramp_ms", 0, 600000, 2000);
	long run_ms = util_arg_long(ctx, "run_ms", 10, 3600000, 10000);
	long size_mib = util_arg_long(ctx, "size_mib", 0, 1L << 30, 0);
	const char *engine_arg = util_arg(ctx, "engine");
	enum engine engine = ENGINE_AUTO;
	unsigned long long size = 0;
	char msg[200];
	struct emit e;
	int fd;

	util_stop_install();
	if (engine_arg && strcmp(engine_arg, "io_uring") == 0) {
		engine = ENGINE_URING;
	} else if (engine_arg && strcmp(engine_arg, "threads") == 0) {
		engine = ENGINE_THREADS;
	} else if (engine_arg && strcmp(engine_arg, "auto") != 0) {
		emit_error(ctx->out, "storage: engine= is auto, io_uring or threads");
		return 2;
	}
	if (!disk) {
		emit_error(ctx->out, "storage: no disk=PATH (the runner gives the disk)");
		return 2;
	}
	fd = open(disk, O_RDWR | O_DIRECT | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || disk_size(fd, &size) != 0) {
		snprintf(msg, sizeof(msg), "storage: %.100s: %s (O_DIRECT)", disk, strerror(errno));
		emit_error(ctx->out, msg);
		if (fd >= 0)
			close(fd);
		return 1;
	}
	if (size_mib > 0 && (unsigned long long)size_mib << 20 < size)
		size = (unsigned long long)size_mib << 20;
	size -= size % LARGE_BS;
	if (size < 2ull * LARGE_BS) {
		snprintf(msg, sizeof(msg), "storage: %.100s holds %llu bytes, at least 2 MiB are needed", disk, size);
		emit_error(ctx->out, msg);
		close(fd);
		return 1;
	}
	if (agent_ready(ctx->out, BENCH_TASK_STORAGE) != 0)
		goto fail;
	emit_begin(&e, BENCH_REC_DATA);
	emit_str(&e, "kind", "disk");
	emit_str(&e, "path", disk);
	emit_u64(&e, "bytes", size);
	emit_u64(&e, "direct", (unsigned long long)direct_in_effect(fd));
	if (emit_end(&e, ctx->out) != 0)
		goto fail;
	for (size_t i = 0; i < NPATTERNS; i++) {
		if (!pattern_wanted(list, patterns[i].name))
			continue;
		if (util_stop_requested(ctx))
			break;
		if (run_pattern(ctx, &patterns[i], fd, size, ramp_ms, run_ms, engine, msg, sizeof(msg)) != 0) {
			emit_error(ctx->out, msg);
			goto fail;
		}
	}
	emit_begin(&e, BENCH_REC_DONE);
	emit_str(&e, "task", BENCH_TASK_STORAGE);
	if (emit_end(&e, ctx->out) != 0)
		goto fail;
	close(fd);
	return 0;
fail:
	close(fd);
	return 1;
}
