#ifndef BENCH_PLOT_CMD_H
#define BENCH_PLOT_CMD_H

struct benchmark;

/* bench plot DIR, with the benchmarks bench knows (a NULL-terminated table). */
int cmd_plot(int argc, char **argv, const struct benchmark *const *table);

#endif
