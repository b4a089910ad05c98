#ifndef BENCH_REPORT_H
#define BENCH_REPORT_H

/* bench report [DIR ...]: the capacity-planning and migration report. */
int cmd_report(int argc, char **argv);

#endif
