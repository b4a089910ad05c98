/* A minimal io_uring for the static agent: io_uring_setup and
 * io_uring_enter as raw system calls and the rings mmap'd by hand (no
 * liburing: the agent is linked statically against musl, whose headers carry
 * no <linux/io_uring.h>).  Only what the storage task needs: fixed-size
 * reads and writes at an offset, one submission queue, reaped by the caller.
 *
 * Where the kernel refuses (ENOSYS: older than 5.1 or gVisor without it;
 * EPERM: a seccomp profile, io_uring_disabled; EINVAL on IORING_OP_READ:
 * older than 5.6), uring_open fails with that errno and the caller falls
 * back to threads. */
#ifndef BENCH_AGENT_URING_H
#define BENCH_AGENT_URING_H

#include <stdint.h>

struct uring {
	int fd;
	unsigned entries;             /* submission queue entries */
	/* The submission ring: head/tail/mask/array, and its entries. */
	unsigned *sq_head, *sq_tail, *sq_mask, *sq_array;
	void *sqes;
	/* The completion ring. */
	unsigned *cq_head, *cq_tail, *cq_mask;
	void *cqes;
	void *sq_map, *cq_map;
	uint64_t sq_map_len, cq_map_len, sqes_len;
	unsigned pending;             /* prepared, not yet handed to the kernel */
	int vectored;                 /* READV/WRITEV (5.1) instead of READ/WRITE (5.6) */
};

/* Sets the ring up for at least entries I/Os in flight; 0, or -1 with
 * errno (the ring is then closed). */
int uring_open(struct uring *u, unsigned entries);

/* Queues one read (write = 0) or write of len bytes at off of fd into or
 * from buf, tagged with user_data; -1 with errno EBUSY when the submission
 * queue is full.  IORING_OP_READ/WRITE, as fio uses them; a kernel older
 * than 5.6 completes those with -EINVAL: set u->vectored and queue again
 * (IORING_OP_READV/WRITEV, one iovec). */
int uring_prep_rw(struct uring *u, int write, int fd, void *buf, unsigned len, uint64_t off, uint64_t user_data);

/* Hands the queued I/Os to the kernel and waits until at least
 * min_complete have completed (0: does not wait); -1 with errno. */
int uring_submit_wait(struct uring *u, unsigned min_complete);

/* The next completion, if any: 1 with *user_data and *res (bytes, or
 * -errno), 0 when none is waiting. */
int uring_reap(struct uring *u, uint64_t *user_data, int32_t *res);

/* Unmaps and closes; idempotent. */
void uring_close(struct uring *u);

#endif
