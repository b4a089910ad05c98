/* Parsing the syscall task's records.  They come from a container or a
 * guest: every name is checked against the known ones, every number is
 * parsed here and bounded, and a record out of order is an error rather
 * than something to make sense of. */
#include "syscall_data.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "record_check.h"

/* A whole number in [min, max]. */
static int get_u64_range(const struct agent_record *rec, const char *key, uint64_t min, uint64_t max, uint64_t *out,
			 bench_error *err)
{
	return record_get_range(rec, key, min, max, out, "syscall DATA", err);
}

static int parse_setup(const struct agent_record *rec, struct syscall_setup *s, bench_error *err)
{
	static const char *const keys[] = { "kind", "cpu", "pinned", "clock_n", "clock_total_ns", "batches", "warmup",
					    NULL };
	uint64_t cpu, pinned, clock_n, clock_total, batches, warmup;

	if (record_check_keys(rec, keys, "syscall DATA setup", err) < 0)
		return -1;
	if (get_u64_range(rec, "cpu", 0, 65535, &cpu, err) < 0 || get_u64_range(rec, "pinned", 0, 1, &pinned, err) < 0 ||
	    get_u64_range(rec, "clock_n", 1, 1000000000ull, &clock_n, err) < 0 ||
	    get_u64_range(rec, "clock_total_ns", 1, SYSCALL_ELAPSED_MAX, &clock_total, err) < 0 ||
	    get_u64_range(rec, "batches", 1, SYSCALL_BATCHES_MAX, &batches, err) < 0 ||
	    get_u64_range(rec, "warmup", 0, SYSCALL_BATCHES_MAX, &warmup, err) < 0)
		return -1;
	s->cpu = (unsigned)cpu;
	s->pinned = pinned == 1;
	s->clock_ns = syscall_clock_cost_ns(clock_total, clock_n);
	s->batches = (unsigned)batches;
	s->warmup = (unsigned)warmup;
	return 0;
}

static int parse_batch(const struct agent_record *rec, struct syscall_batches *b, bench_error *err)
{
	bool seen[SYSCALL_BATCHES_PER_RECORD] = { false };
	const char *call = record_get(rec, "call");
	uint64_t size, first;
	int n = 0;

	if (!call)
		return bench_fail(err, 0, "syscall DATA batch: no call");
	b->call = syscall_call_find(call);
	if (b->call < 0)
		return bench_fail(err, 0, "syscall DATA batch: unknown call '%.40s'", call);
	if (get_u64_range(rec, "size", 1, SYSCALL_BATCH_SIZE_MAX, &size, err) < 0 ||
	    get_u64_range(rec, "first", 0, SYSCALL_BATCHES_MAX - 1, &first, err) < 0)
		return -1;
	b->size = size;
	b->first = (unsigned)first;
	for (int i = 0; i < rec->nfields; i++) {
		const char *key = rec->fields[i].key;
		int k;

		if (strcmp(key, "kind") == 0 || strcmp(key, "call") == 0 || strcmp(key, "size") == 0 ||
		    strcmp(key, "first") == 0)
			continue;
		k = record_batch_key_index(key, SYSCALL_BATCHES_PER_RECORD);
		if (k < 0)
			return bench_fail(err, 0, "syscall DATA batch: unknown field '%s'", key);
		seen[k] = true;
		n = k + 1 > n ? k + 1 : n;
	}
	if (n == 0)
		return bench_fail(err, 0, "syscall DATA batch: no batch in the record");
	for (int k = 0; k < n; k++) {
		char key[16];

		if (!seen[k])
			return bench_fail(err, 0, "syscall DATA batch: e%d is missing", k);
		snprintf(key, sizeof(key), "e%d", k);
		if (get_u64_range(rec, key, 1, SYSCALL_ELAPSED_MAX, &b->elapsed_ns[k], err) < 0)
			return -1;
		b->ns_per_call[k] = syscall_ns_per_call(b->elapsed_ns[k], b->size);
		if (!isfinite(b->ns_per_call[k]) || !(b->ns_per_call[k] > 0.0))
			return bench_fail(err, 0, "syscall DATA batch: %s gives no finite time per call", key);
	}
	if (first + (uint64_t)n > SYSCALL_BATCHES_MAX)
		return bench_fail(err, 0, "syscall DATA batch: batches past %d", SYSCALL_BATCHES_MAX);
	b->n = n;
	return 0;
}

int syscall_data_parse(const struct agent_record *rec, struct syscall_data *out, bench_error *err)
{
	const char *kind;

	memset(out, 0, sizeof(*out));
	if (strcmp(rec->type, BENCH_REC_DATA) != 0)
		return bench_fail(err, 0, "syscall: expected DATA, got %s", rec->type);
	if (record_check_unique(rec, "syscall DATA", err) < 0)
		return -1;
	kind = record_get(rec, "kind");
	if (!kind)
		return bench_fail(err, 0, "syscall DATA: no kind");
	if (strcmp(kind, "setup") == 0) {
		out->kind = SYSCALL_DATA_SETUP;
		return parse_setup(rec, &out->setup, err);
	}
	if (strcmp(kind, "batch") == 0) {
		out->kind = SYSCALL_DATA_BATCH;
		return parse_batch(rec, &out->batch, err);
	}
	return bench_fail(err, 0, "syscall DATA: unknown kind '%.40s'", kind);
}

void syscall_runner_info_next_instance(struct syscall_runner_info *info)
{
	memset(info->received, 0, sizeof(info->received));
	info->have_setup = false;
}

static int apply_batch(struct syscall_runner_info *info, const bool wanted[SYSCALL_NCALLS], unsigned batches,
		       const struct syscall_batches *b, bench_error *err)
{
	const char *name = syscall_call_names[b->call];

	if (!info->have_setup)
		return bench_fail(err, 0, "syscall: batches of %s before the setup record", name);
	if (!wanted[b->call])
		return bench_fail(err, 0, "syscall: the agent timed %s, which was not asked for", name);
	if (b->first != info->received[b->call] || b->first + (unsigned)b->n > batches)
		return bench_fail(err, 0, "syscall: batches %u..%u of %s out of order or past the %u asked for",
				  b->first, b->first + (unsigned)b->n - 1, name, batches);
	if (info->received[b->call] > 0 && info->batch_size[b->call] != b->size)
		return bench_fail(err, 0, "syscall: the batch size of %s changed mid-run", name);
	info->batch_size[b->call] = b->size;
	info->received[b->call] += (unsigned)b->n;
	for (int k = 0; k < b->n; k++) {
		double share = syscall_clock_share(info->setup.clock_ns, b->elapsed_ns[k]);

		info->max_clock_share = share > info->max_clock_share ? share : info->max_clock_share;
	}
	return 0;
}

int syscall_data_apply(struct syscall_runner_info *info, const bool wanted[SYSCALL_NCALLS], unsigned batches,
		       const struct agent_record *rec, struct syscall_data *data, bench_error *err)
{
	if (strcmp(rec->type, BENCH_REC_ERROR) == 0) {
		const char *msg = record_get(rec, "msg");

		return bench_fail(err, 0, "agent reported an error: %.200s", msg ? msg : "(no message)");
	}
	if (strcmp(rec->type, BENCH_REC_DONE) == 0) {
		for (int c = 0; c < SYSCALL_NCALLS; c++)
			if (wanted[c] && info->received[c] != batches)
				return bench_fail(err, 0, "syscall: DONE after %u of %u batches of %s", info->received[c],
						  batches, syscall_call_names[c]);
		return 1;
	}
	if (syscall_data_parse(rec, data, err) < 0)
		return -1;
	if (data->kind == SYSCALL_DATA_SETUP) {
		if (info->have_setup)
			return bench_fail(err, 0, "syscall: a second setup record");
		if (data->setup.batches != batches)
			return bench_fail(err, 0, "syscall: the agent runs %u batches, %u were asked for",
					  data->setup.batches, batches);
		info->setup = data->setup;
		info->have_setup = true;
		return 0;
	}
	return apply_batch(info, wanted, batches, &data->batch, err);
}
