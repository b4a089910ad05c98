/* bench run cpu and bench run memory's parts, for their descriptors. */
#ifndef BENCH_CPU_MEMORY_H
#define BENCH_CPU_MEMORY_H

#include "harness/report_model.h"
#include "harness/results.h"

/* plots/cpu.gp: bars per kernel with whiskers. */
int plot_cpu(const struct results *res, const char *dir, bench_error *err);
/* plots/memory.gp: bandwidth bars, and the latency curve per runner. */
int plot_memory(const struct results *res, const char *dir, bench_error *err);

/* bench report (cpu_memory_section.c): the table of one folder, and the
 * summary's lines. */
void cpu_memory_section_table(struct doc *d, const struct results *res);
void cpu_section_summary(struct doc *d, const struct report_folder *f, const char *host);
void memory_section_summary(struct doc *d, const struct report_folder *f, const char *host);

#endif
