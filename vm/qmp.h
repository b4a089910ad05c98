/* A client of QEMU's machine protocol (QMP) on a unix socket: the qemu
 * runner's only way to control the QEMU it started (no libvirt).
 *
 * QMP is one JSON object per line.  Everything QEMU sends counts as
 * untrusted: a line is at most QMP_LINE_MAX bytes (a longer one is an
 * error, never a bigger buffer), it is parsed by jansson, and only the
 * fields asked for are read, each checked for its type.  Events that come
 * between a command and its answer are skipped. */
#ifndef BENCH_VM_QMP_H
#define BENCH_VM_QMP_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "../lib/error.h"

#define QMP_LINE_MAX 65536

struct qmp {
	int fd;               /* -1 when closed */
	char *buf;            /* QMP_LINE_MAX bytes */
	size_t len;           /* bytes held, not yet a whole line */
};

enum qmp_kind { QMP_GREETING, QMP_RETURN, QMP_ERROR, QMP_EVENT };

/* Parses one line QEMU sent (without its newline): *kind and, for a
 * return, its "return" value in *value, for an event its name as a JSON
 * string (new references; NULL otherwise).
 * An error's "desc" goes into *err (-1).  Pure: the fuzz target's entry. */
int qmp_parse_line(const char *line, size_t len, enum qmp_kind *kind, json_t **value, bench_error *err);

/* The thread ids of the vCPUs in a query-cpus-fast return, by cpu-index:
 * tids[i] for vCPU i, n of them; -1 when the value is malformed or holds an
 * index >= max or twice. */
int qmp_vcpu_threads(const json_t *ret, int *tids, unsigned max, bench_error *err);

/* Connects to path; 1 when nobody listens there yet (QEMU still starting),
 * 0 when connected, -1 with *err. */
int qmp_connect(struct qmp *q, const char *path, bench_error *err);

/* Reads the greeting and enters command mode (qmp_capabilities). */
int qmp_handshake(struct qmp *q, uint64_t deadline_ns, bench_error *err);

/* Runs command with arguments args (may be NULL; not stolen) and waits for
 * its answer until deadline_ns; *ret (when not NULL) gets the return value,
 * a new reference.  An error answer is -1 with QEMU's description. */
int qmp_execute(struct qmp *q, const char *command, json_t *args, json_t **ret, uint64_t deadline_ns,
		bench_error *err);

/* Waits for the next event named name (its "data" ignored). */
int qmp_wait_event(struct qmp *q, const char *name, uint64_t deadline_ns, bench_error *err);

void qmp_init(struct qmp *q);
void qmp_close(struct qmp *q);

#endif
