/* The host side of the agent protocol.  Every byte here came from a
 * workload, so every length is checked against the protocol's bounds before
 * it is used, and numbers are parsed, never trusted. */
#include "record.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static bool key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
}

/* Decodes one %XX-escaped value of n bytes; -1 on a bad escape, a byte out
 * of range or a value past the bound, -2 on an escaped NUL: every value is
 * used as a C string, and a NUL would silently cut it short. */
static int decode_value(const char *s, size_t n, struct agent_field *f)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (o >= BENCH_PROTO_VALUE_MAX)
			return -1;
		if (c == '%') {
			int hi, lo;

			if (i + 2 >= n)
				return -1;
			hi = hexval(s[i + 1]);
			lo = hexval(s[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			if (hi == 0 && lo == 0)
				return -2;
			f->value[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else if ((unsigned char)c >= 0x21 && (unsigned char)c <= 0x7e) {
			f->value[o++] = c;
		} else {
			return -1;
		}
	}
	f->value[o] = '\0';
	f->value_len = o;
	return 0;
}

/* Prints at most 40 bytes of an untrusted line, escaped, for an error. */
static void quote(const char *s, size_t n, char *out, size_t outsz)
{
	if (n > 40)
		n = 40;
	if (bench_proto_escape(s, n, out, outsz) < 0)
		out[0] = '\0';
}

int record_parse(const char *line, size_t len, struct agent_record *rec, bench_error *err)
{
	const size_t plen = strlen(BENCH_PROTO_PREFIX);
	const char *end, *p;
	char q[128];

	memset(rec, 0, sizeof(rec->type) + sizeof(rec->nfields));
	rec->nfields = 0;
	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len + 1 > BENCH_PROTO_LINE_MAX)
		return bench_fail(err, 0, "agent record longer than %d bytes", BENCH_PROTO_LINE_MAX);
	if (len < strlen(BENCH_PROTO_MAGIC) || memcmp(line, BENCH_PROTO_MAGIC, strlen(BENCH_PROTO_MAGIC)) != 0)
		return RECORD_NOT_PROTOCOL;
	quote(line, len, q, sizeof(q));
	if (len < plen || memcmp(line, BENCH_PROTO_PREFIX, plen) != 0 || (len > plen && line[plen] != ' '))
		return bench_fail(err, 0, "agent speaks another protocol version: '%s' (expected %s)", q,
				  BENCH_PROTO_PREFIX);
	end = line + len;
	p = line + plen;
	if (p == end)
		return bench_fail(err, 0, "agent record without a type: '%s'", q);
	p++;
	{
		size_t tl = 0;

		while (p + tl < end && p[tl] != ' ')
			tl++;
		if (tl == 0 || tl > BENCH_PROTO_TYPE_MAX)
			return bench_fail(err, 0, "agent record with a bad type: '%s'", q);
		for (size_t i = 0; i < tl; i++)
			if (p[i] < 'A' || p[i] > 'Z')
				return bench_fail(err, 0, "agent record with a bad type: '%s'", q);
		memcpy(rec->type, p, tl);
		rec->type[tl] = '\0';
		p += tl;
	}
	while (p < end) {
		const char *tok, *eq;
		size_t toklen, klen;
		struct agent_field *f;

		if (*p++ != ' ')
			return bench_fail(err, 0, "agent record is malformed: '%s'", q);
		tok = p;
		while (p < end && *p != ' ')
			p++;
		toklen = (size_t)(p - tok);
		eq = memchr(tok, '=', toklen);
		if (!eq)
			return bench_fail(err, 0, "agent record has a field without '=': '%s'", q);
		klen = (size_t)(eq - tok);
		if (klen == 0 || klen > BENCH_PROTO_KEY_MAX)
			return bench_fail(err, 0, "agent record has a bad key: '%s'", q);
		for (size_t i = 0; i < klen; i++)
			if (!key_char(tok[i]))
				return bench_fail(err, 0, "agent record has a bad key: '%s'", q);
		if (rec->nfields >= BENCH_PROTO_FIELDS_MAX)
			return bench_fail(err, 0, "agent record has more than %d fields", BENCH_PROTO_FIELDS_MAX);
		f = &rec->fields[rec->nfields];
		memcpy(f->key, tok, klen);
		f->key[klen] = '\0';
		switch (decode_value(eq + 1, toklen - klen - 1, f)) {
		case 0:
			break;
		case -2:
			return bench_fail(err, 0, "agent record has a NUL byte (%%00) in the value of '%s'", f->key);
		default:
			return bench_fail(err, 0, "agent record has a bad value for '%s'", f->key);
		}
		rec->nfields++;
	}
	return RECORD_OK;
}

const char *record_get(const struct agent_record *rec, const char *key)
{
	for (int i = 0; i < rec->nfields; i++)
		if (strcmp(rec->fields[i].key, key) == 0)
			return rec->fields[i].value;
	return NULL;
}

int record_get_u64(const struct agent_record *rec, const char *key, uint64_t *out, bench_error *err)
{
	const char *v = record_get(rec, key);
	char *end;
	unsigned long long n;

	if (!v)
		return bench_fail(err, 0, "agent %s record has no '%s'", rec->type, key);
	if (*v < '0' || *v > '9')
		return bench_fail(err, 0, "agent %s record: '%s' is not a number", rec->type, key);
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno != 0 || *end != '\0')
		return bench_fail(err, 0, "agent %s record: '%s' is not a number", rec->type, key);
	*out = (uint64_t)n;
	return 0;
}

/* The head of the line in lr (no record: a kernel message, say) into
 * lr->last_other, every byte that is not printable ASCII as '?' (it is
 * shown on a terminal and in the results), and the line emptied.  A blank
 * line keeps what came before it. */
static void keep_other(struct line_reader *lr)
{
	size_t n = lr->line_len;

	while (n > 0 && (lr->line[n - 1] == '\r' || lr->line[n - 1] == '\n'))
		n--;
	if (n > 0) {
		if (n > sizeof(lr->last_other) - 1)
			n = sizeof(lr->last_other) - 1;
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)lr->line[i];

			lr->last_other[i] = c >= 0x20 && c <= 0x7e ? (char)c : '?';
		}
		lr->last_other[n] = '\0';
	}
	lr->line_len = 0;
}

void line_reader_init(struct line_reader *lr)
{
	memset(lr, 0, sizeof(*lr));
}

size_t line_reader_append(struct line_reader *lr, const char *data, size_t n)
{
	size_t room;

	if (lr->raw_off > 0 && lr->raw_off == lr->raw_len)
		lr->raw_off = lr->raw_len = 0;
	if (lr->raw_off > 0 && lr->raw_len + n > sizeof(lr->raw)) {
		memmove(lr->raw, lr->raw + lr->raw_off, lr->raw_len - lr->raw_off);
		lr->raw_len -= lr->raw_off;
		lr->raw_off = 0;
	}
	room = sizeof(lr->raw) - lr->raw_len;
	if (n > room)
		n = room;
	memcpy(lr->raw + lr->raw_len, data, n);
	lr->raw_len += n;
	return n;
}

int record_next(struct line_reader *lr, enum channel_mode mode, struct agent_record *rec, bench_error *err)
{
	while (lr->raw_off < lr->raw_len) {
		const char *start = lr->raw + lr->raw_off;
		size_t avail = lr->raw_len - lr->raw_off;
		const char *nl = memchr(start, '\n', avail);
		size_t take = nl ? (size_t)(nl - start) : avail;
		int r;

		/* Copy into the line buffer up to the bound; past it, only
		 * remember that this line is too long. */
		if (!lr->overlong) {
			size_t room = BENCH_PROTO_LINE_MAX - 1 - lr->line_len;

			/* Keep the head even of an overlong line: it tells a
			 * record from a kernel message. */
			memcpy(lr->line + lr->line_len, start, take < room ? take : room);
			lr->line_len += take < room ? take : room;
			if (take > room) {
				bool is_record = memcmp(lr->line, BENCH_PROTO_MAGIC, strlen(BENCH_PROTO_MAGIC)) == 0;

				/* Fail at once rather than wait for a newline
				 * that a hostile workload need never send. */
				if (mode == CHANNEL_STRICT || is_record) {
					lr->line_len = 0;
					lr->raw_off = lr->raw_len;
					return bench_fail(err, 0, "agent wrote a line longer than %d bytes",
							  BENCH_PROTO_LINE_MAX);
				}
				lr->overlong = true;
			}
		}
		lr->raw_off += take + (nl ? 1 : 0);
		if (!nl)
			return 0;
		if (lr->overlong) {
			/* A console line too long to be a record: skipped. */
			keep_other(lr);
			lr->overlong = false;
			continue;
		}
		lr->line[lr->line_len] = '\0';
		r = record_parse(lr->line, lr->line_len, rec, err);
		{
			char q[128];

			quote(lr->line, lr->line_len, q, sizeof(q));
			if (r != RECORD_OK && r >= 0 && mode == CHANNEL_CONSOLE) {
				keep_other(lr);
				continue;
			}
			lr->line_len = 0;
			if (r == RECORD_OK)
				return 1;
			if (r < 0)
				return -1;
			return bench_fail(err, 0, "agent wrote garbage instead of a record: '%s'", q);
		}
	}
	return 0;
}
