/* What every benchmark does with its results at the end, or when it was
 * cut short: the results folder, the exports asked for, the summary. */
#ifndef BENCH_RUN_OUTPUT_H
#define BENCH_RUN_OUTPUT_H

#include <limits.h>

#include "options.h"
#include "results.h"

/* True when res holds at least one sample worth keeping. */
bool run_output_has_samples(const struct results *res);

/* What a benchmark adds to the common output (all may be NULL). */
struct run_output_hooks {
	void *ctx;
	/* More files in the results folder (e.g. isolation.md). */
	int (*write_files)(void *ctx, const char *dir, bench_error *err);
	/* More Markdown after the summary in --export-markdown's file. */
	int (*append_markdown)(void *ctx, const char *path, bench_error *err);
	/* More text after the terminal summary. */
	void (*print)(void *ctx, FILE *out);
};

/* A benchmark's finish whose only addition is a table of its results
 * after the summary: print(res, out) as hooks->print.  False (nothing to
 * save) when res holds no sample. */
bool run_output_print_after(struct results *res, void (*print)(void *res, FILE *out),
			    struct run_output_hooks *hooks);

/* Where the files went, for the terminal. */
struct run_output_saved {
	char dir[PATH_MAX];    /* the results folder; "" when it could not be made */
	bool plots_missing;    /* no gnuplot: data written, plots not drawn */
};

/* Writes the results folder and every export of o (the exporters table,
 * then the hooks), printing nothing.  Returns -1 with *err if any could not
 * be written; it still tries every other one.  hooks may be NULL. */
int run_output_save(const struct run_options *o, const struct results *res, const struct run_output_hooks *hooks,
		    struct run_output_saved *saved, bench_error *err);

/* The driver's output step (run_output_print.c): run_output_save, then the
 * summary on stdout (unless quiet) and the folder's path on stderr. */
int run_output_write(const struct run_options *o, const struct results *res, const struct run_output_hooks *hooks,
		     bench_error *err);

#endif
