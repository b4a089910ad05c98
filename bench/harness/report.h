#ifndef BENCH_REPORT_H
#define BENCH_REPORT_H

struct benchmark;

/* bench report [DIR ...]: the capacity-planning and migration report, with
 * a section for each benchmark of table (NULL-terminated), in its order. */
int cmd_report(int argc, char **argv, const struct benchmark *const *table);

#endif
