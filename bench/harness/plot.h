/* Plots of a run, drawn by gnuplot from a template (plots/<name>.gp).
 *
 * bench writes the data files a template reads into the results folder and
 * runs gnuplot on the template, with no shell in between.  gnuplot is
 * optional: without it the data stays and nothing is drawn. */
#ifndef BENCH_PLOT_H
#define BENCH_PLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "../../lib/error.h"
#include "benchmark.h"
#include "results.h"

enum plot_status {
	PLOT_DRAWN = 0,
	PLOT_NO_GNUPLOT = 1,   /* no gnuplot on PATH: data files written only */
	PLOT_NOTHING = 2,      /* the results hold nothing this plot shows */
};

/* Finds <name>.gp in, in turn: $BENCH_PLOTS_DIR, <exe dir>/../plots (the
 * source tree), <exe dir>/../share/bench/plots (installed), and the
 * compile-time BENCH_TEST_ROOT/plots.  0 and the path, or -1. */
int plot_find_template(const char *template_name, char *path, size_t pathsz, bench_error *err);

/* Writes the data files of b's plots into dir and draws them (b->plot):
 * <dir>/<name>.png and <dir>/<name>.svg.  Returns a plot_status, or -1 (a
 * gnuplot that fails is an error naming the template; its output is kept
 * in dir/gnuplot.log). */
int plot_draw(const struct benchmark *b, const struct results *res, const char *dir, bench_error *err);

/* What a benchmark's plot function (its descriptor's plot) builds on. */

/* Renders plots/<template_name>.gp into <dir>/<name>.png and .svg, with
 * vars (gnuplot assignments, see plot_var_string) set first, and datadir,
 * where the template finds the data files of dir (gnuplot runs in a
 * private folder: see plot_files.h).  Returns PLOT_DRAWN, PLOT_NO_GNUPLOT,
 * or -1 (BENCH_EXIT_INTERRUPTED in err->exit_code after Ctrl-C). */
int plot_render(const char *template_name, const char *dir, const char *vars, bench_error *err);

/* Appends name='value'; to buf as a gnuplot assignment, quoted safely:
 * 0, or -1 with buf unchanged when it does not fit in sz. */
int plot_var_string(char *buf, size_t sz, const char *name, const char *value);

/* "bench <benchmark> on <host> (VM accel: tcg)" */
void plot_title(const struct results *res, char *buf, size_t sz);

/* Data files: written in dir under a temporary name, which close renames
 * over name (a symlink there is replaced, never followed); close reports
 * a failed write.  plot_files.c */
FILE *plot_data_open(const char *dir, const char *name, char *path, size_t pathsz, bench_error *err);
int plot_data_close(FILE *f, const char *path, bench_error *err);

/* Names safe in file names and gnuplot word lists: [A-Za-z0-9._-]. */
void plot_plain_name(char *dst, size_t sz, const char *src);

/* The factor from unit ("ns", "us", "ms", "s") to milliseconds. */
int plot_unit_to_ms(const char *unit, double *factor, bench_error *err);

/* A duration for a label, about three significant digits. */
void plot_fmt_ms(char *buf, size_t sz, double ms);

#endif
