#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define ELLIPSIS "\xe2\x80\xa6" /* "…" in UTF-8 */

const char *bench_short(char buf[BENCH_SHORT_MAX], const char *s)
{
	size_t len = strlen(s);

	if (len <= BENCH_SHORT_KEEP) {
		snprintf(buf, BENCH_SHORT_MAX, "%s", s);
		return buf;
	}
	/* Not inside a UTF-8 sequence. */
	len = BENCH_SHORT_KEEP;
	while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
		len--;
	snprintf(buf, BENCH_SHORT_MAX, "%.*s" ELLIPSIS, (int)len, s);
	return buf;
}

/* One line of text, always: a message may quote untrusted bytes, and no
 * control byte reaches the terminal. */
static void one_line(char *p)
{
	for (; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
		else if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
}

static void vformat(bench_error *err, int errnum, const char *fmt, va_list ap)
{
	int n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	size_t len = n < 0 ? 0 : (size_t)n;

	if (len >= sizeof(err->msg))
		len = sizeof(err->msg) - 1;
	if (errnum != 0) {
		char reason[128];
		size_t rl = (size_t)snprintf(reason, sizeof(reason), ": %s", strerror(errnum));

		if (rl >= sizeof(reason))
			rl = sizeof(reason) - 1;
		/* The reason is what the reader needs most: a long message
		 * gives way to it, marked with "…". */
		if (len + rl >= sizeof(err->msg)) {
			len = sizeof(err->msg) - 1 - rl - (sizeof(ELLIPSIS) - 1);
			while (len > 0 && ((unsigned char)err->msg[len] & 0xc0) == 0x80)
				len--;
			memcpy(err->msg + len, ELLIPSIS, sizeof(ELLIPSIS) - 1);
			len += sizeof(ELLIPSIS) - 1;
		}
		memcpy(err->msg + len, reason, rl + 1);
	}
	one_line(err->msg);
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
	old[sizeof(old) - 1] = '\0';
	/* The old message ends with the reason: when the two do not fit, the
	 * prefix gives way ("…"), not the reason. */
	{
		size_t ol = strlen(old);
		size_t pl = strnlen(prefix, sizeof(prefix) - 1);
		size_t room;

		if (ol + 2 + sizeof(ELLIPSIS) > sizeof(err->msg))
			return -1; /* already full: it stays as it is */
		room = sizeof(err->msg) - 1 - 2 - ol;
		if (pl > room) {
			pl = room > sizeof(ELLIPSIS) - 1 ? room - (sizeof(ELLIPSIS) - 1) : 0;
			while (pl > 0 && ((unsigned char)prefix[pl] & 0xc0) == 0x80)
				pl--;
			memcpy(prefix + pl, ELLIPSIS, sizeof(ELLIPSIS) - 1);
			pl += sizeof(ELLIPSIS) - 1;
		}
		memcpy(err->msg, prefix, pl);
		memcpy(err->msg + pl, ": ", 2);
		memcpy(err->msg + pl + 2, old, ol + 1);
	}
	one_line(err->msg);
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
