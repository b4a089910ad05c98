/* bench run storage: what the disk path of a container and of a VM costs
 * against the host's, on one scratch file (bench/storage.c). */
#ifndef BENCH_STORAGE_H
#define BENCH_STORAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "harness/report_model.h"
#include "harness/results.h"
#include "../runners/record.h"

/* The patterns, in the agent's order (bench/agent/task_storage.c). */
#define STORAGE_NPATTERNS 6
extern const char *const storage_patterns[STORAGE_NPATTERNS];

/* Metric prefix of the container's own-root row: a file on an overlayfs
 * upper layer. */
#define STORAGE_OVERLAY_PREFIX "overlay."

/* The figure a pattern is judged by: "iops", "mbps" or "p50" (QD1:
 * latency, lower is better), its unit, and whether higher is better. */
const char *storage_headline(const char *pattern, const char **unit, bool *higher_better);

/* One row of figures: a runner, and for the container also its overlay
 * row ("" or STORAGE_OVERLAY_PREFIX). */
struct storage_row {
	const char *runner;
	const char *prefix;
	char label[48];
};
/* A row's label, as tables and meta "storage_page_cache" name it: the
 * runner, "-overlayfs" after it for the overlay row. */
void storage_row_label(char *out, size_t outsz, const char *runner, const char *prefix);
/* The rows the results hold, host first; returns how many. */
size_t storage_rows(const struct results *res, struct storage_row *rows, size_t max);

/* The ratio row/host of a metric's medians and its 95% interval; -1 when
 * either is missing. */
int storage_ratio(const struct results *res, const char *baseline, const struct storage_row *row,
		  const char *metric, double *ratio, double *lo, double *hi);

/* One record of the agent's storage task (untrusted: every field
 * checked) into res: a pattern's series "<prefix><pattern>.<stat>" of
 * runner, and the engine it ran with in meta "storage_engines":
 * {"<runner>": {"<prefix><pattern>": "io_uring"|"threads"|"psync"|
 * "threads (io_uring refused: <why>)"}}; a disk record with direct=0 (the
 * agent found O_DIRECT not in effect) puts the row's label in meta
 * "storage_page_cache".  Returns 1 at DONE, 0 for a record taken or
 * ignored, -1 with *err (an ERROR record, an unknown pattern, a field out
 * of range). */
int storage_data_apply(const struct agent_record *rec, const char *runner, const char *prefix, struct results *res,
		       bench_error *err);

void storage_print(const struct results *res, FILE *out);
void storage_section_table(struct doc *d, const struct results *res);
void storage_section_summary(struct doc *d, const struct report_folder *f, const char *host);
int plot_storage(const struct results *res, const char *dir, bench_error *err);

#endif
