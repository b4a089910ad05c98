/* Checks every task-specific DATA parser shares (syscall_data.c,
 * workload_data.c): records come from a workload, so a key is known and
 * present once, and a number is whole and bounded. */
#ifndef BENCH_RECORD_CHECK_H
#define BENCH_RECORD_CHECK_H

#include <stdint.h>

#include "../lib/error.h"
#include "../runners/record.h"

/* key as a whole number in [min, max]; what names the record in errors. */
int record_get_range(const struct agent_record *rec, const char *key, uint64_t min, uint64_t max, uint64_t *out,
		     const char *what, bench_error *err);

/* Refuses a key that appears twice: record_get would see only the first. */
int record_check_unique(const struct agent_record *rec, const char *what, bench_error *err);

/* Refuses a key that is not in keys (NULL-terminated). */
int record_check_keys(const struct agent_record *rec, const char *const *keys, const char *what, bench_error *err);

/* "e<k>" with k in 0..max-1 and no leading zero: k, else -1. */
int record_batch_key_index(const char *key, int max);

#endif
