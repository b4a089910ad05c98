/* bench run syscall's parts, for its descriptor (syscall.c). */
#ifndef BENCH_SYSCALL_H
#define BENCH_SYSCALL_H

#include "harness/report_model.h"
#include "harness/results.h"

/* plots/syscall.gp: ns per call, per call and runner. */
int plot_syscall(const struct results *res, const char *dir, bench_error *err);

/* bench report (syscall_section.c): the table of one folder, and the
 * summary's line. */
void syscall_section_table(struct doc *d, const struct results *res);
void syscall_section_summary(struct doc *d, const struct report_folder *f, const char *host);

#endif
