/* Parsing the workload tasks' records.  They come from a container or a
 * guest: every name is checked against the known ones, every number is
 * parsed here and bounded, and a record out of order is an error. */
#include "workload_data.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "record_check.h"

static int parse_info(const struct agent_record *rec, struct workload_info *in, bench_error *err)
{
	static const char *const keys[] = { "kind", "model", "flags", "thp", "threads", "pinned", NULL };
	const char *model = record_get(rec, "model"), *flags = record_get(rec, "flags"), *thp = record_get(rec, "thp");
	uint64_t threads, pinned;

	if (record_check_keys(rec, keys, "workload DATA info", err) < 0)
		return -1;
	if (!model || !flags || !thp)
		return bench_fail(err, 0, "workload DATA info: model, flags or thp missing");
	if (strlen(model) >= sizeof(in->model) || strlen(flags) >= sizeof(in->flags) || strlen(thp) >= sizeof(in->thp))
		return bench_fail(err, 0, "workload DATA info: a text is too long");
	if (record_get_range(rec, "threads", 1, WORKLOAD_THREADS_MAX, &threads, "workload DATA", err) < 0 ||
	    record_get_range(rec, "pinned", 0, 1, &pinned, "workload DATA", err) < 0)
		return -1;
	snprintf(in->model, sizeof(in->model), "%s", model);
	snprintf(in->flags, sizeof(in->flags), "%s", flags);
	snprintf(in->thp, sizeof(in->thp), "%s", thp);
	in->threads = (unsigned)threads;
	in->pinned = pinned == 1;
	return 0;
}

static int parse_batch(const struct agent_record *rec, struct workload_batches *b, bench_error *err)
{
	bool seen[WORKLOAD_BATCHES_PER_RECORD] = { false };
	const char *kernel = record_get(rec, "kernel");
	uint64_t threads, first;
	int n = 0;

	if (!kernel)
		return bench_fail(err, 0, "workload DATA batch: no kernel");
	b->kernel = workload_kernel_find(kernel);
	if (b->kernel < 0)
		return bench_fail(err, 0, "workload DATA batch: unknown kernel '%.40s'", kernel);
	if (record_get_range(rec, "threads", 1, WORKLOAD_THREADS_MAX, &threads, "workload DATA", err) < 0 ||
	    record_get_range(rec, "size", 1, WORKLOAD_SIZE_MAX, &b->size, "workload DATA", err) < 0 ||
	    record_get_range(rec, "work", 1, WORKLOAD_WORK_MAX, &b->work, "workload DATA", err) < 0 ||
	    record_get_range(rec, "first", 0, WORKLOAD_BATCHES_MAX - 1, &first, "workload DATA", err) < 0)
		return -1;
	b->threads = (unsigned)threads;
	b->first = (unsigned)first;
	for (int i = 0; i < rec->nfields; i++) {
		const char *key = rec->fields[i].key;
		int k;

		if (strcmp(key, "kind") == 0 || strcmp(key, "kernel") == 0 || strcmp(key, "threads") == 0 ||
		    strcmp(key, "size") == 0 || strcmp(key, "work") == 0 || strcmp(key, "first") == 0)
			continue;
		k = record_batch_key_index(key, WORKLOAD_BATCHES_PER_RECORD);
		if (k < 0)
			return bench_fail(err, 0, "workload DATA batch: unknown field '%s'", key);
		seen[k] = true;
		n = k + 1 > n ? k + 1 : n;
	}
	if (n == 0)
		return bench_fail(err, 0, "workload DATA batch: no batch in the record");
	if (first + (uint64_t)n > WORKLOAD_BATCHES_MAX)
		return bench_fail(err, 0, "workload DATA batch: batches past %d", WORKLOAD_BATCHES_MAX);
	for (int k = 0; k < n; k++) {
		char key[16];

		if (!seen[k])
			return bench_fail(err, 0, "workload DATA batch: e%d is missing", k);
		snprintf(key, sizeof(key), "e%d", k);
		if (record_get_range(rec, key, 1, WORKLOAD_ELAPSED_MAX, &b->ns[k], "workload DATA", err) < 0)
			return -1;
		b->figure[k] = workload_figure(workload_kernel_units[b->kernel], b->work, b->ns[k]);
		if (!isfinite(b->figure[k]) || !(b->figure[k] > 0.0))
			return bench_fail(err, 0, "workload DATA batch: %s gives no finite figure", key);
	}
	b->n = n;
	return 0;
}

int workload_data_parse(const struct agent_record *rec, struct workload_data *out, bench_error *err)
{
	const char *kind;

	memset(out, 0, sizeof(*out));
	if (strcmp(rec->type, BENCH_REC_DATA) != 0)
		return bench_fail(err, 0, "workload: expected DATA, got %s", rec->type);
	if (record_check_unique(rec, "workload DATA", err) < 0)
		return -1;
	kind = record_get(rec, "kind");
	if (!kind)
		return bench_fail(err, 0, "workload DATA: no kind");
	if (strcmp(kind, "info") == 0) {
		out->kind = WORKLOAD_DATA_INFO;
		return parse_info(rec, &out->info, err);
	}
	if (strcmp(kind, "skip") == 0) {
		static const char *const keys[] = { "kind", "kernel", "why", NULL };
		const char *k = record_get(rec, "kernel"), *why = record_get(rec, "why");

		out->kind = WORKLOAD_DATA_SKIP;
		if (record_check_keys(rec, keys, "workload DATA skip", err) < 0)
			return -1;
		out->skip_kernel = k ? workload_kernel_find(k) : -1;
		if (out->skip_kernel < 0 || !why)
			return bench_fail(err, 0, "workload DATA skip: no known kernel, or no reason");
		snprintf(out->skip_why, sizeof(out->skip_why), "%.100s", why);
		return 0;
	}
	if (strcmp(kind, "batch") == 0) {
		out->kind = WORKLOAD_DATA_BATCH;
		return parse_batch(rec, &out->batch, err);
	}
	return bench_fail(err, 0, "workload DATA: unknown kind '%.40s'", kind);
}

void workload_runner_info_next_instance(struct workload_runner_info *info)
{
	info->nkeys = 0;
	info->have_info = false;
}

static int apply_batch(struct workload_runner_info *info, unsigned batches, const struct workload_batches *b,
		       bench_error *err)
{
	const char *name = workload_kernel_names[b->kernel];
	int i;

	if (!info->have_info)
		return bench_fail(err, 0, "workload: batches of %s before the info record", name);
	if (b->threads != 1 && b->threads != info->info.threads)
		return bench_fail(err, 0, "workload: %s on %u threads, the agent runs %u", name, b->threads,
				  info->info.threads);
	for (i = 0; i < info->nkeys; i++)
		if (info->keys[i].kernel == b->kernel && info->keys[i].threads == b->threads &&
		    info->keys[i].size == b->size)
			break;
	if (i == info->nkeys) {
		if (i == WORKLOAD_SERIES_MAX)
			return bench_fail(err, 0, "workload: more than %d series", WORKLOAD_SERIES_MAX);
		info->keys[i].kernel = b->kernel;
		info->keys[i].threads = b->threads;
		info->keys[i].size = b->size;
		info->keys[i].received = 0;
		info->nkeys++;
	}
	if (b->first != info->keys[i].received || b->first + (unsigned)b->n > batches)
		return bench_fail(err, 0, "workload: batches %u..%u of %s out of order or past the %u asked for",
				  b->first, b->first + (unsigned)b->n - 1, name, batches);
	info->keys[i].received += (unsigned)b->n;
	return 0;
}

int workload_data_apply(struct workload_runner_info *info, unsigned batches, const struct agent_record *rec,
			struct workload_data *data, bench_error *err)
{
	memset(data, 0, sizeof(*data));
	if (strcmp(rec->type, BENCH_REC_ERROR) == 0) {
		const char *msg = record_get(rec, "msg");

		return bench_fail(err, 0, "agent reported an error: %.200s", msg ? msg : "(no message)");
	}
	if (strcmp(rec->type, BENCH_REC_DONE) == 0) {
		if (!info->have_info || info->nkeys == 0)
			return bench_fail(err, 0, "workload: DONE before any batch");
		for (int i = 0; i < info->nkeys; i++)
			if (info->keys[i].received != batches)
				return bench_fail(err, 0, "workload: DONE after %u of %u batches of %s",
						  info->keys[i].received, batches,
						  workload_kernel_names[info->keys[i].kernel]);
		return 1;
	}
	if (workload_data_parse(rec, data, err) < 0)
		return -1;
	if (data->kind == WORKLOAD_DATA_INFO) {
		if (info->have_info)
			return bench_fail(err, 0, "workload: a second info record");
		info->info = data->info;
		info->have_info = true;
		return 0;
	}
	if (data->kind == WORKLOAD_DATA_SKIP) {
		if (data->skip_kernel < 0 || data->skip_kernel >= WORKLOAD_NKERNELS)
			return bench_fail(err, 0, "workload: a skip record without a kernel");
		snprintf(info->skipped, sizeof(info->skipped), "%s: %.100s", workload_kernel_names[data->skip_kernel],
			 data->skip_why);
		return 0;
	}
	return apply_batch(info, batches, &data->batch, err);
}

void workload_metric(const char *prefix, const struct workload_batches *b, char *buf, size_t sz)
{
	if (b->kernel == WORKLOAD_CHASE)
		snprintf(buf, sz, "%s.chase.%lluKiB", prefix, (unsigned long long)(b->size >> 10));
	else
		snprintf(buf, sz, "%s.%s.%s", prefix, workload_kernel_names[b->kernel], b->threads == 1 ? "1t" : "all");
}
