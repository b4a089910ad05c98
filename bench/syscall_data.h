/* The harness's side of the syscall task: its DATA records parsed and
 * checked (they come from a workload: untrusted), and what a run of the
 * benchmark gathers per runner for its summary. */
#ifndef BENCH_SYSCALL_DATA_H
#define BENCH_SYSCALL_DATA_H

#include <stdbool.h>
#include <stdint.h>

#include "../lib/error.h"
#include "../runners/record.h"
#include "agent/syscall_calls.h"

/* A batch is never longer than this (ns): an hour is nonsense. */
#define SYSCALL_ELAPSED_MAX 3600000000000ull

enum syscall_data_kind {
	SYSCALL_DATA_SETUP = 1,
	SYSCALL_DATA_BATCH = 2,
};

struct syscall_setup {
	unsigned cpu;
	bool pinned;
	double clock_ns;       /* one clock read */
	unsigned batches, warmup;
};

struct syscall_batches {
	int call;              /* enum syscall_call */
	uint64_t size;         /* calls per batch */
	unsigned first;        /* index of the first batch here */
	int n;                 /* batches here, 1..SYSCALL_BATCHES_PER_RECORD */
	uint64_t elapsed_ns[SYSCALL_BATCHES_PER_RECORD];
	double ns_per_call[SYSCALL_BATCHES_PER_RECORD];
};

struct syscall_data {
	enum syscall_data_kind kind;
	struct syscall_setup setup;
	struct syscall_batches batch;
};

/* Parses a DATA record of the syscall task.  Every field must be known,
 * present once, and in range; numbers are whole, positive where a zero
 * would mean nothing was measured.  Returns 0, or -1 with *err. */
int syscall_data_parse(const struct agent_record *rec, struct syscall_data *out, bench_error *err);

/* What one runner reported, besides the samples. */
struct syscall_runner_info {
	char runner[32];
	char kernel[65];                   /* uname release seen by the agent */
	bool have_setup;
	struct syscall_setup setup;
	uint64_t batch_size[SYSCALL_NCALLS];
	unsigned received[SYSCALL_NCALLS]; /* batches so far, this instance */
	double max_clock_share;            /* worst clock share of any batch */
};

/* Applies one record of an instance (after READY) to info: checks the
 * order (setup first and once, each call's batches in order and within the
 * number asked for, only the calls asked for).  The per-call ns/call of a
 * batch record are left in data for the caller to keep.  Returns 1 on
 * DONE (all batches of every call asked for arrived), 0 for a DATA
 * record, -1 with *err otherwise (ERROR, a record out of place). */
int syscall_data_apply(struct syscall_runner_info *info, const bool wanted[SYSCALL_NCALLS], unsigned batches,
		       const struct agent_record *rec, struct syscall_data *data, bench_error *err);

/* Forgets the per-instance counts before the next instance. */
void syscall_runner_info_next_instance(struct syscall_runner_info *info);

#endif
