/* io_uring by raw system calls (uring.h).  The structures below are the
 * kernel's ABI (include/uapi/linux/io_uring.h), written out because musl's
 * headers do not carry them; only the fields used are named.  Reads and
 * writes are IORING_OP_READ/WRITE (5.6), as fio's engine issues them, or
 * IORING_OP_READV/WRITEV with one iovec (every kernel with io_uring, 5.1)
 * where those are refused. */
#include "uring.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#ifndef SYS_io_uring_setup
#define SYS_io_uring_setup 425
#endif
#ifndef SYS_io_uring_enter
#define SYS_io_uring_enter 426
#endif

#define OP_READV 1
#define OP_WRITEV 2
#define OP_READ 22
#define OP_WRITE 23
#define OFF_SQ_RING 0ull
#define OFF_CQ_RING 0x8000000ull
#define OFF_SQES 0x10000000ull
#define ENTER_GETEVENTS 1u
#define FEAT_SINGLE_MMAP 1u
#define SETUP_COOP_TASKRUN (1u << 8)   /* 5.19 */
#define SETUP_SINGLE_ISSUER (1u << 12) /* 6.0 */
#define SETUP_DEFER_TASKRUN (1u << 13) /* 6.1 */

struct sqring_offsets {
	uint32_t head, tail, ring_mask, ring_entries, flags, dropped, array, resv1;
	uint64_t resv2;
};

struct cqring_offsets {
	uint32_t head, tail, ring_mask, ring_entries, overflow, cqes, flags, resv1;
	uint64_t resv2;
};

struct params {
	uint32_t sq_entries, cq_entries, flags, sq_thread_cpu, sq_thread_idle, features, wq_fd, resv[3];
	struct sqring_offsets sq_off;
	struct cqring_offsets cq_off;
};

struct sqe {
	uint8_t opcode, flags;
	uint16_t ioprio;
	int32_t fd;
	uint64_t off;
	uint64_t addr;
	uint32_t len;
	uint32_t rw_flags;
	uint64_t user_data;
	uint64_t pad[3];
};

struct cqe {
	uint64_t user_data;
	int32_t res;
	uint32_t flags;
};

_Static_assert(sizeof(struct params) == 120, "io_uring_params is 120 bytes");
_Static_assert(sizeof(struct sqe) == 64, "io_uring_sqe is 64 bytes");
_Static_assert(sizeof(struct cqe) == 16, "io_uring_cqe is 16 bytes");

/* The iovecs of queued readv/writev: the kernel may read them after the
 * submission (when it hands the I/O to a worker), so they live here, one
 * per submission queue entry. */
#define URING_MAX 256u
static struct iovec iovs[URING_MAX];

static void *ring_ptr(void *map, uint32_t off)
{
	return (char *)map + off;
}

int uring_open(struct uring *u, unsigned entries)
{
	struct params p;
	long fd;
	int e;

	memset(u, 0, sizeof(*u));
	u->fd = -1;
	if (entries == 0 || entries > URING_MAX) {
		errno = EINVAL;
		return -1;
	}
	/* fio's io_uring engine (3.33) asks for these: completions run when
	 * the one submitting thread waits, not by an interrupt to it, which
	 * costs a CPU in a VM; a kernel that does not know a flag refuses it
	 * (EINVAL), and the next try asks for less. */
	static const uint32_t tries[] = { SETUP_COOP_TASKRUN | SETUP_SINGLE_ISSUER | SETUP_DEFER_TASKRUN,
					  SETUP_COOP_TASKRUN, 0 };

	fd = -1;
	for (size_t i = 0; fd < 0 && i < sizeof(tries) / sizeof(tries[0]); i++) {
		memset(&p, 0, sizeof(p));
		p.flags = tries[i];
		fd = syscall(SYS_io_uring_setup, entries, &p);
		if (fd < 0 && errno != EINVAL)
			return -1;
	}
	if (fd < 0)
		return -1;
	u->fd = (int)fd;
	u->entries = p.sq_entries;
	if (u->entries > URING_MAX) {
		errno = EINVAL;
		goto fail;
	}
	u->sq_map_len = p.sq_off.array + (uint64_t)p.sq_entries * sizeof(uint32_t);
	u->cq_map_len = p.cq_off.cqes + (uint64_t)p.cq_entries * sizeof(struct cqe);
	if (p.features & FEAT_SINGLE_MMAP) {
		if (u->cq_map_len > u->sq_map_len)
			u->sq_map_len = u->cq_map_len;
		u->cq_map_len = u->sq_map_len;
	}
	u->sq_map = mmap(NULL, u->sq_map_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, u->fd, OFF_SQ_RING);
	if (u->sq_map == MAP_FAILED) {
		u->sq_map = NULL;
		goto fail;
	}
	if (p.features & FEAT_SINGLE_MMAP) {
		u->cq_map = u->sq_map;
	} else {
		u->cq_map = mmap(NULL, u->cq_map_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, u->fd,
				 OFF_CQ_RING);
		if (u->cq_map == MAP_FAILED) {
			u->cq_map = NULL;
			goto fail;
		}
	}
	u->sqes_len = (uint64_t)p.sq_entries * sizeof(struct sqe);
	u->sqes = mmap(NULL, u->sqes_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, u->fd, OFF_SQES);
	if (u->sqes == MAP_FAILED) {
		u->sqes = NULL;
		goto fail;
	}
	u->sq_head = ring_ptr(u->sq_map, p.sq_off.head);
	u->sq_tail = ring_ptr(u->sq_map, p.sq_off.tail);
	u->sq_mask = ring_ptr(u->sq_map, p.sq_off.ring_mask);
	u->sq_array = ring_ptr(u->sq_map, p.sq_off.array);
	u->cq_head = ring_ptr(u->cq_map, p.cq_off.head);
	u->cq_tail = ring_ptr(u->cq_map, p.cq_off.tail);
	u->cq_mask = ring_ptr(u->cq_map, p.cq_off.ring_mask);
	u->cqes = ring_ptr(u->cq_map, p.cq_off.cqes);
	return 0;
fail:
	e = errno;
	uring_close(u);
	errno = e;
	return -1;
}

int uring_prep_rw(struct uring *u, int write, int fd, void *buf, unsigned len, uint64_t off, uint64_t user_data)
{
	unsigned tail = *u->sq_tail, head = __atomic_load_n(u->sq_head, __ATOMIC_ACQUIRE);
	unsigned idx = tail & *u->sq_mask;
	struct sqe *e = (struct sqe *)u->sqes + idx;

	if (tail - head >= u->entries || idx >= u->entries) {
		errno = EBUSY;
		return -1;
	}
	memset(e, 0, sizeof(*e));
	e->fd = fd;
	e->off = off;
	if (u->vectored) {
		iovs[idx].iov_base = buf;
		iovs[idx].iov_len = len;
		e->opcode = write ? OP_WRITEV : OP_READV;
		e->addr = (uint64_t)(uintptr_t)&iovs[idx];
		e->len = 1;
	} else {
		e->opcode = write ? OP_WRITE : OP_READ;
		e->addr = (uint64_t)(uintptr_t)buf;
		e->len = len;
	}
	e->user_data = user_data;
	u->sq_array[idx] = idx;
	/* The entry is complete before the kernel can see the new tail. */
	__atomic_store_n(u->sq_tail, tail + 1, __ATOMIC_RELEASE);
	u->pending++;
	return 0;
}

int uring_submit_wait(struct uring *u, unsigned min_complete)
{
	unsigned todo = u->pending;

	while (todo > 0 || min_complete > 0) {
		/* GETEVENTS even when not waiting: under DEFER_TASKRUN the
		 * kernel posts completions only then, so the caller's next
		 * reap sees them without a wait (fio's commit does the same). */
		long n = syscall(SYS_io_uring_enter, u->fd, todo, min_complete, ENTER_GETEVENTS, NULL, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if ((unsigned long)n > todo) {
			errno = EIO;
			return -1;
		}
		todo -= (unsigned)n;
		u->pending = todo;
		/* Waited: whatever was asked has completed. */
		if (min_complete > 0 || n == 0)
			break;
	}
	return 0;
}

int uring_reap(struct uring *u, uint64_t *user_data, int32_t *res)
{
	unsigned head = *u->cq_head, tail = __atomic_load_n(u->cq_tail, __ATOMIC_ACQUIRE);
	const struct cqe *c;

	if (head == tail)
		return 0;
	c = (const struct cqe *)u->cqes + (head & *u->cq_mask);
	*user_data = c->user_data;
	*res = c->res;
	/* The entry is read before the kernel may reuse it. */
	__atomic_store_n(u->cq_head, head + 1, __ATOMIC_RELEASE);
	return 1;
}

void uring_close(struct uring *u)
{
	if (u->sqes)
		munmap(u->sqes, u->sqes_len);
	if (u->cq_map && u->cq_map != u->sq_map)
		munmap(u->cq_map, u->cq_map_len);
	if (u->sq_map)
		munmap(u->sq_map, u->sq_map_len);
	if (u->fd >= 0)
		close(u->fd);
	memset(u, 0, sizeof(*u));
	u->fd = -1;
}
