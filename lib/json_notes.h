#ifndef BENCH_JSON_NOTES_H
#define BENCH_JSON_NOTES_H

#include <jansson.h>

/* Adds a sentence every reader of these results must see (meta "notes",
 * printed with the summary and in summary.md), e.g. that VM figures are
 * emulation.  A note already there is not added twice. */
void results_meta_note(json_t *meta, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Records that a runner asked for was not measured, and why (meta
 * "not_measured": {runner: why}), with a note saying so: a benchmark that
 * cannot measure a runner (no disk, no link to give it) says so instead of
 * leaving it out silently. */
void results_meta_not_measured(json_t *meta, const char *runner, const char *why);

#endif
