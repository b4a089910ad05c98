/* libFuzzer target: the agent protocol parser (runners/record.c).
 *
 * Input: one mode byte (odd: CHANNEL_CONSOLE, even: CHANNEL_STRICT), one
 * byte that seeds the chunk sizes, then the bytes a workload wrote.  The
 * bytes go through record_parse whole (as one line), then through the line
 * reader in chunks of 1..700 bytes, as a pipe or a console delivers them.
 *
 * Besides the sanitizers, it checks what the parser promises: every record
 * stays within the protocol's bounds, and a record re-encoded with the one
 * encoder parses back to itself. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../runners/record.h"

#define CHECK(cond)                                                                   \
	do {                                                                          \
		if (!(cond)) {                                                        \
			fprintf(stderr, "fuzz_record: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                      \
		}                                                                     \
	} while (0)

static bool key_ok(const char *k)
{
	size_t n = strlen(k);

	if (n == 0 || n > BENCH_PROTO_KEY_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') || k[i] == '_' || k[i] == '.'))
			return false;
	return true;
}

/* The record as the agent would have written it; false when it does not
 * fit in out. */
static bool encode(const struct agent_record *rec, char *out, size_t sz)
{
	int n = snprintf(out, sz, "%s %s", BENCH_PROTO_PREFIX, rec->type);
	size_t len;

	if (n < 0 || (size_t)n >= sz)
		return false;
	len = (size_t)n;
	for (int i = 0; i < rec->nfields; i++) {
		const struct agent_field *f = &rec->fields[i];
		int e;

		n = snprintf(out + len, sz - len, " %s=", f->key);
		if (n < 0 || (size_t)n >= sz - len)
			return false;
		len += (size_t)n;
		e = bench_proto_escape(f->value, f->value_len, out + len, sz - len);
		if (e < 0)
			return false;
		len += (size_t)e;
	}
	return true;
}

static void check_record(const struct agent_record *rec)
{
	static char line[BENCH_PROTO_FIELDS_MAX * (BENCH_PROTO_KEY_MAX + 2 + 3 * BENCH_PROTO_VALUE_MAX) + 64];
	struct agent_record again;
	bench_error err = { 0 };
	uint64_t u;

	CHECK(strlen(rec->type) >= 1 && strlen(rec->type) <= BENCH_PROTO_TYPE_MAX);
	CHECK(rec->nfields >= 0 && rec->nfields <= BENCH_PROTO_FIELDS_MAX);
	for (int i = 0; i < rec->nfields; i++) {
		const struct agent_field *f = &rec->fields[i];

		CHECK(key_ok(f->key));
		CHECK(f->value_len <= BENCH_PROTO_VALUE_MAX);
		CHECK(f->value[f->value_len] == '\0');
		CHECK(record_get(rec, f->key) != NULL);
		(void)record_get_u64(rec, f->key, &u, &err);
	}
	(void)record_get_u64(rec, "pid", &u, &err);
	/* Round trip: what parsed is what the agent's encoder would write. */
	CHECK(encode(rec, line, sizeof(line)));
	/* Re-encoding never grows a line (a plain byte was one character or
	 * an escape, an escaped one an escape), so it fits the bound too. */
	CHECK(strlen(line) + 1 <= BENCH_PROTO_LINE_MAX);
	CHECK(record_parse(line, strlen(line), &again, &err) == RECORD_OK);
	CHECK(strcmp(again.type, rec->type) == 0 && again.nfields == rec->nfields);
	for (int i = 0; i < rec->nfields; i++) {
		CHECK(strcmp(again.fields[i].key, rec->fields[i].key) == 0);
		CHECK(again.fields[i].value_len == rec->fields[i].value_len);
		CHECK(memcmp(again.fields[i].value, rec->fields[i].value, rec->fields[i].value_len) == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct line_reader lr;
	struct agent_record rec;
	bench_error err = { 0 };
	enum channel_mode mode;
	uint32_t rnd;
	size_t off = 0;

	if (size < 2)
		return 0;
	mode = data[0] & 1 ? CHANNEL_CONSOLE : CHANNEL_STRICT;
	rnd = data[1] * 2654435761u + 1;
	data += 2;
	size -= 2;

	if (record_parse((const char *)data, size, &rec, &err) == RECORD_OK)
		check_record(&rec);

	line_reader_init(&lr);
	while (off < size) {
		size_t chunk, took;
		int r;

		rnd = rnd * 1103515245u + 12345u;
		chunk = 1 + (rnd >> 8) % 700;
		if (chunk > size - off)
			chunk = size - off;
		took = line_reader_append(&lr, (const char *)data + off, chunk);
		/* record_read relies on it: a drained reader takes a whole read. */
		CHECK(took == chunk);
		off += took;
		while ((r = record_next(&lr, mode, &rec, &err)) != 0)
			if (r == 1)
				check_record(&rec);
		CHECK(lr.raw_off == lr.raw_len);
		CHECK(lr.line_len < BENCH_PROTO_LINE_MAX);
	}
	return 0;
}
