#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void vformat(bench_error *err, int errnum, const char *fmt, va_list ap)
{
	int n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	size_t len = n < 0 ? 0 : (size_t)n;

	if (len >= sizeof(err->msg))
		len = sizeof(err->msg) - 1;
	if (errnum != 0)
		snprintf(err->msg + len, sizeof(err->msg) - len, ": %s", strerror(errnum));
	/* One line, always: a message may quote untrusted bytes. */
	for (char *p = err->msg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	err->errnum = errnum;
}

int bench_fail(bench_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vformat(err, errnum, fmt, ap);
	va_end(ap);
	err->exit_code = BENCH_EXIT_FAIL;
	return -1;
}

int bench_fail_usage(bench_error *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vformat(err, 0, fmt, ap);
	va_end(ap);
	err->exit_code = BENCH_EXIT_USAGE;
	return -1;
}

int bench_error_prefix(bench_error *err, const char *fmt, ...)
{
	char prefix[BENCH_ERROR_MAX];
	char old[BENCH_ERROR_MAX];
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	/* Cut the joined text at the buffer, as snprintf would, but without
	 * the compiler's truncation warning for two full-size buffers. */
	{
		size_t pl = strnlen(prefix, sizeof(err->msg) - 1);
		size_t room = sizeof(err->msg) - 1 - pl;

		memcpy(err->msg, prefix, pl);
		if (room >= 2) {
			size_t ol = strnlen(old, room - 2);

			memcpy(err->msg + pl, ": ", 2);
			memcpy(err->msg + pl + 2, old, ol);
			pl += 2 + ol;
		}
		err->msg[pl] = '\0';
	}
	return -1;
}

void bench_error_clear(bench_error *err)
{
	memset(err, 0, sizeof(*err));
}

void bench_error_print(const bench_error *err)
{
	fprintf(stderr, "bench: %s\n", err->msg[0] ? err->msg : "unknown error");
}
