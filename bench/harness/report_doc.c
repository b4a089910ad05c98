/* The report's document model: a list of blocks of plain text, which the
 * Markdown and HTML writers escape and lay out.  Allocation failures are
 * remembered (doc->failed) rather than checked at every call. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_model.h"

void doc_free(struct doc *d)
{
	for (size_t i = 0; i < d->n; i++) {
		for (size_t k = 0; k < d->b[i].ncells; k++)
			free(d->b[i].cells[k]);
		free(d->b[i].cells);
	}
	free(d->b);
	memset(d, 0, sizeof(*d));
}

static struct block *new_block(struct doc *d, enum block_kind kind)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 32;
		struct block *b = realloc(d->b, cap * sizeof(*b));

		if (!b) {
			d->failed = true;
			return NULL;
		}
		d->b = b;
		d->cap = cap;
	}
	memset(&d->b[d->n], 0, sizeof(d->b[0]));
	d->b[d->n].kind = kind;
	return &d->b[d->n++];
}

static void add_cell(struct doc *d, struct block *b, char *text)
{
	if (!text) {
		d->failed = true;
		return;
	}
	if (b->ncells == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 8;
		char **c = realloc(b->cells, cap * sizeof(*c));

		if (!c) {
			free(text);
			d->failed = true;
			return;
		}
		b->cells = c;
		b->cap = cap;
	}
	b->cells[b->ncells++] = text;
}

static char *vformat(const char *fmt, va_list ap)
{
	char *s = NULL;

	return vasprintf(&s, fmt, ap) < 0 ? NULL : s;
}

void doc_heading(struct doc *d, int level, const char *fmt, ...)
{
	struct block *b = new_block(d, BLOCK_HEADING);
	va_list ap;

	if (!b)
		return;
	b->level = level;
	va_start(ap, fmt);
	add_cell(d, b, vformat(fmt, ap));
	va_end(ap);
}

void doc_para(struct doc *d, const char *fmt, ...)
{
	struct block *b = new_block(d, BLOCK_PARA);
	va_list ap;

	if (!b)
		return;
	va_start(ap, fmt);
	add_cell(d, b, vformat(fmt, ap));
	va_end(ap);
}

void doc_bullet(struct doc *d, const char *fmt, ...)
{
	struct block *b = d->n && d->b[d->n - 1].kind == BLOCK_BULLETS ? &d->b[d->n - 1] : new_block(d, BLOCK_BULLETS);
	va_list ap;

	if (!b)
		return;
	va_start(ap, fmt);
	add_cell(d, b, vformat(fmt, ap));
	va_end(ap);
}

void doc_table_columns(struct doc *d, size_t ncols)
{
	struct block *b = new_block(d, BLOCK_TABLE);

	if (b)
		b->ncols = ncols;
}

void doc_table(struct doc *d, size_t ncols, ...)
{
	struct block *b;
	va_list ap;

	doc_table_columns(d, ncols);
	b = d->n ? &d->b[d->n - 1] : NULL;
	if (!b || b->kind != BLOCK_TABLE)
		return;
	va_start(ap, ncols);
	for (size_t i = 0; i < ncols; i++) {
		const char *h = va_arg(ap, const char *);

		add_cell(d, b, strdup(h));
	}
	va_end(ap);
}

void doc_cell(struct doc *d, const char *fmt, ...)
{
	struct block *b = d->n ? &d->b[d->n - 1] : NULL;
	va_list ap;

	if (!b || b->kind != BLOCK_TABLE) {
		d->failed = true;
		return;
	}
	va_start(ap, fmt);
	add_cell(d, b, vformat(fmt, ap));
	va_end(ap);
}

void doc_plot(struct doc *d, const char *caption, const char *svg_path, const char *png_path)
{
	struct block *b = new_block(d, BLOCK_PLOT);

	if (!b)
		return;
	add_cell(d, b, strdup(caption));
	add_cell(d, b, strdup(svg_path));
	add_cell(d, b, strdup(png_path));
}
