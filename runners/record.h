/* Parsing of the agent's records (bench/agent_protocol.h) and splitting a
 * byte stream into them; record_stream.h reads them from a file descriptor.
 * All input is untrusted. */
#ifndef BENCH_RECORD_H
#define BENCH_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lib/agent_protocol.h"
#include "../lib/error.h"

struct agent_field {
	char key[BENCH_PROTO_KEY_MAX + 1];
	char value[BENCH_PROTO_VALUE_MAX + 1]; /* decoded, NUL-terminated; a
						  value with %00 is refused */
	size_t value_len;
};

struct agent_record {
	char type[BENCH_PROTO_TYPE_MAX + 1];
	int nfields;
	struct agent_field fields[BENCH_PROTO_FIELDS_MAX];
};

enum record_status {
	RECORD_OK = 0,
	RECORD_NOT_PROTOCOL = 1, /* no "BENCH/" magic: not meant for us */
};

/* Parses one line (without or with its '\n').  Returns RECORD_OK,
 * RECORD_NOT_PROTOCOL, or -1 with *err saying what is malformed. */
int record_parse(const char *line, size_t len, struct agent_record *rec, bench_error *err);

/* The decoded value of key, or NULL. */
const char *record_get(const struct agent_record *rec, const char *key);

/* Parses key's value as an unsigned decimal; -1 (and *err) when missing or
 * not a number. */
int record_get_u64(const struct agent_record *rec, const char *key, uint64_t *out, bench_error *err);

/* A bounded line splitter over a byte stream (pipe, console).  Raw bytes
 * are appended, whole lines are taken out; a line longer than the protocol's
 * bound is never stored whole. */
struct line_reader {
	char raw[4096];      /* bytes appended, not yet split */
	size_t raw_off, raw_len;
	char line[BENCH_PROTO_LINE_MAX + 1];
	size_t line_len;
	bool overlong;       /* the current line went past the bound */
	bool eof;            /* the source has ended */
	char last_other[121];/* console: the head of the last line that was
				no record, printable ASCII only ("" if none),
				to say what a silent guest said last */
};

void line_reader_init(struct line_reader *lr);

/* Copies up to n bytes in; returns how many it took (0 when full: take
 * records out first). */
size_t line_reader_append(struct line_reader *lr, const char *data, size_t n);

/* How a channel treats lines that are not records. */
enum channel_mode {
	CHANNEL_STRICT,  /* stdout of host/container agents: garbage is an error */
	CHANNEL_CONSOLE, /* a VM console: kernel messages and overlong lines are skipped */
};

/* Takes the next record out of the bytes appended so far.  Returns 1 with a
 * record in *rec, 0 when more bytes are needed, -1 with *err on a line that
 * is garbage (strict mode), overlong, or a malformed record. */
int record_next(struct line_reader *lr, enum channel_mode mode, struct agent_record *rec, bench_error *err);

#endif
