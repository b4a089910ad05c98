/* Writing protocol records (bench/agent_protocol.h) from the agent. */
#ifndef BENCH_AGENT_EMIT_H
#define BENCH_AGENT_EMIT_H

#include <stddef.h>

/* A record under construction: "BENCH/1 TYPE k=v k=v". */
struct emit {
	char line[512];
	size_t len;
	int overflow;
};

void emit_begin(struct emit *e, const char *type);
void emit_str(struct emit *e, const char *key, const char *value);
void emit_u64(struct emit *e, const char *key, unsigned long long value);
/* Writes the line with one write(2) to fd; returns 0, or -1 when it did
 * not fit or could not be written. */
int emit_end(struct emit *e, int fd);

/* "BENCH/1 ERROR msg=..." on fd. */
void emit_error(int fd, const char *msg);

#endif
