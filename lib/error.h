/* One error type threaded through every call (as libcrun does).
 *
 * A function that can fail takes `bench_error *err` as its last argument,
 * returns -1 on failure after filling *err with one human-readable line, and
 * returns 0 (or a non-negative value) on success.  Callers either add context
 * with bench_error_prefix() and pass the failure up, or print it once at the
 * top (bench_error_print) and exit non-zero.  Nothing below main() prints. */
#ifndef BENCH_ERROR_H
#define BENCH_ERROR_H

#include <stddef.h>

#define BENCH_ERROR_MAX 512

/* Exit statuses of the `bench` program, so scripts can tell failures apart. */
enum bench_exit {
	BENCH_EXIT_OK = 0,
	BENCH_EXIT_FAIL = 1,        /* the run or the system failed */
	BENCH_EXIT_USAGE = 2,       /* bad flags, numbers, runner names */
	BENCH_EXIT_INTERRUPTED = 130,
};

typedef struct bench_error {
	int errnum;                 /* errno at the failure, 0 when none */
	int exit_code;              /* one of enum bench_exit */
	char msg[BENCH_ERROR_MAX];
} bench_error;

/* Fills *err ("fmt...: strerror(errnum)" when errnum != 0); returns -1. */
int bench_fail(bench_error *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* As bench_fail, for usage errors: exit code BENCH_EXIT_USAGE. */
int bench_fail_usage(bench_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prepends "context: " to the message already in *err; returns -1. */
int bench_error_prefix(bench_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void bench_error_clear(bench_error *err);

/* A path or value to echo in a message, cut to its first
 * BENCH_SHORT_KEEP bytes and "…" when longer, so that the reason after it
 * always fits in the message.  Returns buf. */
#define BENCH_SHORT_KEEP 60
#define BENCH_SHORT_MAX (BENCH_SHORT_KEEP + 4)
const char *bench_short(char buf[BENCH_SHORT_MAX], const char *s);

/* Prints "bench: <msg>" on one line to stderr. */
void bench_error_print(const bench_error *err);

#endif
