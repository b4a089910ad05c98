#include "record_check.h"

#include <string.h>

int record_get_range(const struct agent_record *rec, const char *key, uint64_t min, uint64_t max, uint64_t *out,
		     const char *what, bench_error *err)
{
	if (record_get_u64(rec, key, out, err) < 0)
		return bench_error_prefix(err, "%s", what);
	if (*out < min || *out > max)
		return bench_fail(err, 0, "%s: %s=%llu is out of range (%llu to %llu)", what, key,
				  (unsigned long long)*out, (unsigned long long)min, (unsigned long long)max);
	return 0;
}

int record_check_unique(const struct agent_record *rec, const char *what, bench_error *err)
{
	for (int i = 0; i < rec->nfields; i++)
		for (int k = i + 1; k < rec->nfields; k++)
			if (strcmp(rec->fields[i].key, rec->fields[k].key) == 0)
				return bench_fail(err, 0, "%s: field '%s' appears twice", what, rec->fields[i].key);
	return 0;
}

int record_check_keys(const struct agent_record *rec, const char *const *keys, const char *what, bench_error *err)
{
	for (int i = 0; i < rec->nfields; i++) {
		bool known = false;

		for (size_t k = 0; keys[k]; k++)
			known |= strcmp(rec->fields[i].key, keys[k]) == 0;
		if (!known)
			return bench_fail(err, 0, "%s: unknown field '%s'", what, rec->fields[i].key);
	}
	return 0;
}

int record_batch_key_index(const char *key, int max)
{
	int k = 0;

	if (key[0] != 'e' || key[1] < '0' || key[1] > '9')
		return -1;
	for (const char *p = key + 1; *p; p++) {
		if (*p < '0' || *p > '9' || k >= max)
			return -1;
		k = k * 10 + (*p - '0');
	}
	/* No leading zeros: "e01" would be a second name for "e1". */
	if (key[1] == '0' && key[2])
		return -1;
	return k < max ? k : -1;
}
