/* The report as Markdown.  Text from results folders is escaped so that it
 * cannot become markup; plots are linked as the PNG next to their SVG. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "md_escape.h"
#include "report_model.h"

/* A link target: spaces and parentheses escaped as %XX. */
static void md_url(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == ' ' || *s == '(' || *s == ')' || *s == '<' || *s == '>' || (unsigned char)*s < 0x20)
			fprintf(f, "%%%02X", (unsigned char)*s);
		else
			fputc(*s, f);
	}
}

/* The report's own folder, absolute, with a final '/', so that plots below
 * it are linked relatively and the Markdown can move with them. */
static void report_dir(const char *path, char *out, size_t sz)
{
	char copy[PATH_MAX], real[PATH_MAX];
	char *slash;

	snprintf(copy, sizeof(copy), "%s", path);
	slash = strrchr(copy, '/');
	if (slash)
		*slash = '\0';
	if (!realpath(slash ? (copy[0] ? copy : "/") : ".", real))
		real[0] = '\0';
	snprintf(out, sz, "%s/", real);
}

int report_write_markdown(const struct doc *d, const char *path, bench_error *err)
{
	FILE *f = fopen(path, "w");
	char base[PATH_MAX + 1];
	int failed, e;

	if (!f)
		return bench_fail(err, errno, "%s", path);
	report_dir(path, base, sizeof(base));
	for (size_t i = 0; i < d->n; i++) {
		const struct block *b = &d->b[i];

		switch (b->kind) {
		case BLOCK_HEADING:
			fprintf(f, "%.*s ", b->level, "######");
			md_escape(f, b->cells[0]);
			fputs("\n\n", f);
			break;
		case BLOCK_PARA:
			md_escape(f, b->cells[0]);
			fputs("\n\n", f);
			break;
		case BLOCK_BULLETS:
			for (size_t k = 0; k < b->ncells; k++) {
				fputs("- ", f);
				md_escape(f, b->cells[k]);
				fputc('\n', f);
			}
			fputc('\n', f);
			break;
		case BLOCK_TABLE:
			for (size_t k = 0; k < b->ncells; k++) {
				size_t col = k % b->ncols;

				fputs(col == 0 ? "| " : " | ", f);
				md_escape(f, b->cells[k]);
				if (col + 1 == b->ncols) {
					fputs(" |\n", f);
					if (k + 1 == b->ncols) {
						for (size_t c = 0; c < b->ncols; c++)
							fputs(c == 0 ? "|---" : "|---", f);
						fputs("|\n", f);
					}
				}
			}
			if (b->ncols && b->ncells % b->ncols)
				fputs(" |\n", f);
			fputc('\n', f);
			break;
		case BLOCK_PLOT:
			fputs("![", f);
			md_escape(f, b->cells[0]);
			fputs("](", f);
			md_url(f, base[1] && strncmp(b->cells[2], base, strlen(base)) == 0 ? b->cells[2] + strlen(base)
											     : b->cells[2]);
			fputs(")\n\n", f);
			break;
		}
	}
	failed = ferror(f);
	e = errno;
	if (fclose(f) != 0 && !failed)
		failed = 1, e = errno;
	return failed ? bench_fail(err, e ? e : EIO, "writing %s", path) : 0;
}
