#include "emit.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/agent_protocol.h"

static void append(struct emit *e, const char *s, size_t n)
{
	/* Keep room for the '\n' that ends the record. */
	if (e->overflow || e->len + n + 1 > BENCH_PROTO_LINE_MAX) {
		e->overflow = 1;
		return;
	}
	memcpy(e->line + e->len, s, n);
	e->len += n;
}

void emit_begin(struct emit *e, const char *type)
{
	e->len = 0;
	e->overflow = 0;
	append(e, BENCH_PROTO_PREFIX " ", sizeof(BENCH_PROTO_PREFIX));
	append(e, type, strlen(type));
}

void emit_str(struct emit *e, const char *key, const char *value)
{
	char enc[BENCH_PROTO_VALUE_MAX * 3 + 1];
	size_t vlen = strlen(value);
	int n;

	if (vlen > BENCH_PROTO_VALUE_MAX)
		vlen = BENCH_PROTO_VALUE_MAX;
	n = bench_proto_escape(value, vlen, enc, sizeof(enc));
	if (n < 0) {
		e->overflow = 1;
		return;
	}
	append(e, " ", 1);
	append(e, key, strlen(key));
	append(e, "=", 1);
	append(e, enc, (size_t)n);
}

void emit_u64(struct emit *e, const char *key, unsigned long long value)
{
	char num[24];

	snprintf(num, sizeof(num), "%llu", value);
	emit_str(e, key, num);
}

int emit_end(struct emit *e, int fd)
{
	size_t off = 0;

	if (e->overflow)
		return -1;
	e->line[e->len++] = '\n';
	while (off < e->len) {
		ssize_t n = write(fd, e->line + off, e->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

void emit_error(int fd, const char *msg)
{
	struct emit e;

	emit_begin(&e, BENCH_REC_ERROR);
	emit_str(&e, "msg", msg);
	emit_end(&e, fd);
}
