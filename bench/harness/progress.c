/* The progress bar (progress.h). */
#include "progress.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/clock.h"

#define BAR_WIDTH 30
/* At most ~10 redraws a second: a terminal write between two samples is
 * work the machine does while the next one is measured. */
#define REDRAW_NS 100000000u

void progress_start(struct progress *p, const char *label, size_t total, bool enabled)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->label, sizeof(p->label), "%s", label);
	p->total = total;
	p->enabled = enabled && isatty(STDERR_FILENO);
}

void progress_tick(struct progress *p, double last_ms)
{
	char bar[BAR_WIDTH + 1];
	size_t fill;

	uint64_t now;

	if (!p->enabled)
		return;
	p->done++;
	now = clock_now_ns();
	if (p->drawn && p->done < p->total && now - p->last_draw_ns < REDRAW_NS)
		return;
	p->last_draw_ns = now;
	fill = p->total ? (p->done > p->total ? p->total : p->done) * BAR_WIDTH / p->total : 0;
	memset(bar, '#', fill);
	memset(bar + fill, '.', BAR_WIDTH - fill);
	bar[BAR_WIDTH] = '\0';
	/* \033[K erases what a longer previous line left on the right. */
	fprintf(stderr, "\r%-10s [%s] %zu/%zu  last %.3g ms\033[K", p->label, bar, p->done,
		p->total, last_ms);
	fflush(stderr);
	p->drawn = true;
}

void progress_done(struct progress *p)
{
	if (!p->enabled || !p->drawn)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	p->drawn = false;
}

void progress_text(struct progress *p, const char *text, bool milestone)
{
	if (p->enabled) {
		fprintf(stderr, "\r%s\033[K", text);
		p->drawn = true;
	} else if (milestone && p->total) {
		/* Not a terminal (a log, Ansible): one line per milestone. */
		fprintf(stderr, "%s\n", text);
	}
	fflush(stderr);
}
