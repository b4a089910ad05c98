/* The parts of `bench report` (bench/harness/report*.c):
 *
 *   report_load.c     results folders: which ones, read and checked
 *   report_doc.c      a small document model (headings, paragraphs,
 *                     bullets, tables, plots) that both outputs render
 *   report_build.c    the machines and one section per benchmark
 *   report_summary.c  the summary for a vSphere administrator
 *   report_fleet.c    across hosts: figures side by side, and whether the
 *                     conclusions hold on every host
 *
 * What a report says of one benchmark (its table, its summary lines) is
 * that benchmark's own (its descriptor's report_table and report_summary,
 * in bench/<name>_report.c), built on what this header offers.
 *   report_md.c       the document as Markdown
 *   report_html.c     the document as one self-contained HTML file, the
 *                     plots embedded as images (data: URIs)
 *
 * Everything read from a results folder is untrusted text: the renderers
 * escape every string, and an SVG only ever becomes an <img>, which no
 * browser scripts. */
#ifndef BENCH_REPORT_MODEL_H
#define BENCH_REPORT_MODEL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "../../lib/error.h"
#include "results.h"

/* ---- folders ------------------------------------------------------------- */

struct report_folder {
	char dir[PATH_MAX];
	struct results res;
	const char *host;      /* meta hostname, or "unknown host" (points into res) */
	const char *started;   /* meta started_utc, or "" */
};

struct report_input {
	struct report_folder *f;
	size_t n;
	char skipped[512];     /* the arguments that were not results folders,
				  for the one line that says so; "" when none */
};

/* Loads the folders named (each a results folder, or a folder of them, of
 * which the newest of each benchmark is taken); with none, the newest of
 * each benchmark under default_root.  A named argument that is neither (a
 * file such as results/README.md, an empty folder) or a folder already
 * taken (results/latest) is skipped and listed in in->skipped; the load
 * fails when nothing is left, or with one line when a results folder
 * cannot be read. */
int report_load(struct report_input *in, char *const *dirs, int ndirs, const char *default_root, bench_error *err);
void report_input_free(struct report_input *in);
/* Sets f->host and f->started from f->res's meta. */
void report_folder_describe(struct report_folder *f);

/* ---- the document -------------------------------------------------------- */

enum block_kind { BLOCK_HEADING, BLOCK_PARA, BLOCK_BULLETS, BLOCK_TABLE, BLOCK_PLOT };

struct block {
	enum block_kind kind;
	int level;         /* heading: 1..3 */
	char **cells;      /* para: [0]; bullets: items; table: row-major, row 0 the header;
			      plot: [0] caption, [1] SVG path, [2] PNG path */
	size_t ncells, cap;
	size_t ncols;      /* table */
};

struct doc {
	struct block *b;
	size_t n, cap;
	bool failed;       /* out of memory somewhere: the document is incomplete */
};

void doc_free(struct doc *d);
void doc_heading(struct doc *d, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void doc_para(struct doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Adds an item to the bullet list just before, or starts one. */
void doc_bullet(struct doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A table of ncols columns; the header cells follow as ncols strings. */
void doc_table(struct doc *d, size_t ncols, ...);
/* A table whose header row is given with doc_cell, like the others. */
void doc_table_columns(struct doc *d, size_t ncols);
/* A cell of the last table, left to right, row by row. */
void doc_cell(struct doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void doc_plot(struct doc *d, const char *caption, const char *svg_path, const char *png_path);

/* ---- content ------------------------------------------------------------- */

struct benchmark;

/* The whole report: title, summary, machines, then a section for each
 * benchmark of table (NULL-terminated) and for any other the folders hold. */
int report_build(struct doc *d, const struct report_input *in, const struct benchmark *const *table,
		 bench_error *err);
void report_summary(struct doc *d, const struct report_input *in, const struct benchmark *const *table);

/* Across hosts (report_fleet.c), when the folders come from two or more:
 * the section with each host's figures side by side, and the summary's
 * lines (how many hosts, which differ, whether each conclusion holds on
 * all); hosts of different VM accelerators are never pooled. */
void report_fleet_section(struct doc *d, const struct report_input *in, const struct benchmark *const *table);
void report_fleet_summary(struct doc *d, const struct report_input *in, const struct benchmark *const *table);

/* The distinct host names of the folders, in the order first seen (at
 * most max); how many. */
size_t report_hosts(const struct report_input *in, const char **hosts, size_t max);

/* The runners of a result set, in order of first appearance (at most
 * cap); how many. */
size_t report_runners(const struct results *res, const char **out, size_t cap);

/* A number with about three significant digits. */
const char *report_num(char *buf, size_t sz, double v);
/* The newest folder of a benchmark on a host (host NULL: any), or NULL. */
const struct report_folder *report_latest(const struct report_input *in, const char *benchmark, const char *host);

/* ---- output -------------------------------------------------------------- */

int report_write_markdown(const struct doc *d, const char *path, bench_error *err);
int report_write_html(const struct doc *d, const char *path, bench_error *err);

#endif
