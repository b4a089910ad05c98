/* Text from a workload, a guest or a results folder, made safe to put in
 * Markdown: it cannot become markup (a link, HTML, a table cell's end, code). */
#ifndef BENCH_MD_ESCAPE_H
#define BENCH_MD_ESCAPE_H

#include <stdio.h>

/* Writes s with a backslash before every character Markdown could read as
 * markup, a space for a line break (a table row or list item stays one
 * line) and '?' for any other control byte.  Not for inside `code spans`,
 * where backslashes are literal: put escaped text outside them. */
void md_escape(FILE *f, const char *s);

#endif
