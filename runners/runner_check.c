/* The small pieces runners' doctor checks and cleanups share. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "runner.h"

void runner_check_set(struct runner_check_result *res, enum runner_check_level level, const char *fmt, ...)
{
	va_list ap;

	res->level = level;
	va_start(ap, fmt);
	vsnprintf(res->detail, sizeof(res->detail), fmt, ap);
	va_end(ap);
}

void runner_check_fix(struct runner_check_result *res, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(res->fix, sizeof(res->fix), fmt, ap);
	va_end(ap);
}

void runner_cleanup_add(struct runner_cleanup_counts *c, const char *kind, unsigned n)
{
	for (int i = 0; i < c->nkinds; i++)
		if (strcmp(c->kinds[i].kind, kind) == 0) {
			c->kinds[i].n += n;
			return;
		}
	if (c->nkinds < RUNNER_CLEANUP_KINDS_MAX)
		c->kinds[c->nkinds++] = (struct runner_cleanup_count){ kind, n };
}
