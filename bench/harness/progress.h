/* A hyperfine-like progress bar, the one place below main() that writes to
 * the terminal: one line on stderr, redrawn with '\r', and only when stderr
 * is a terminal and the user did not ask for quiet.  When disabled every
 * call is a no-op, so callers need no conditions of their own. */
#ifndef BENCH_PROGRESS_H
#define BENCH_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>

struct progress {
	char label[32];
	size_t total, done;
	bool enabled;   /* asked for and stderr is a tty */
	unsigned long long last_draw_ns;
	bool drawn;     /* a line is on screen that progress_done must clear */
};

/* enabled: the caller's wish (e.g. !quiet); the bar also needs a tty. */
void progress_start(struct progress *p, const char *label, size_t total, bool enabled);

/* One more sample done, which took last_ms: redraws the line as
 *   container  [#####.....] 12/30  last 1.92 ms */
void progress_tick(struct progress *p, double last_ms);

/* A line of the caller's own (the suite's overall progress): redrawn in
 * place on a terminal; elsewhere printed as a line of its own, only for a
 * milestone, and only when progress_start was given a non-zero total (its
 * way of saying "not quiet" where there is no terminal). */
void progress_text(struct progress *p, const char *text, bool milestone);

/* Clears the line, leaving the cursor at its start. */
void progress_done(struct progress *p);

#endif
