/* Writing into a results folder that someone else may have prepared, where
 * any name may be a symlink to anywhere.  Nothing here writes through one:
 * a file is created under a fresh name (O_CREAT|O_EXCL|O_NOFOLLOW) and
 * renamed over its final name, and rename replaces a symlink instead of
 * following it.  gnuplot draws in a private folder of its own. */
#ifndef BENCH_PLOT_FILES_H
#define BENCH_PLOT_FILES_H

#include "../../lib/error.h"

/* The folder gnuplot runs in: made fresh (mode 0700) inside the results
 * folder, so that what it draws moves into place with a rename. */
struct plot_stage {
	int dirfd;       /* the results folder */
	int fd;          /* the stage, gnuplot's working directory */
	char name[64];   /* the stage's name in the results folder */
};

int plot_stage_open(struct plot_stage *st, const char *dir, bench_error *err);

/* Moves the stage's file name over the results folder's name. */
int plot_stage_publish(struct plot_stage *st, const char *name, bench_error *err);

/* Removes the stage and everything in it; closes both folders. */
void plot_stage_close(struct plot_stage *st);

#endif
