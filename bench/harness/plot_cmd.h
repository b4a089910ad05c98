#ifndef BENCH_PLOT_CMD_H
#define BENCH_PLOT_CMD_H

int cmd_plot(int argc, char **argv);

#endif
