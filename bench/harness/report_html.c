/* The report as one self-contained HTML file: the style inline, every plot
 * inlined as SVG (never linked), every string from the results escaped.
 *
 * An SVG comes from a results folder, which anyone may have edited: it is
 * inlined only when it holds no script, event handler, foreign object or
 * external reference; otherwise the report says so in its place. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "report_model.h"

/* gnuplot's plots are tens to hundreds of KiB. */
#define SVG_MAX_BYTES (16u << 20)

static const char style[] =
	"body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2em auto;max-width:1240px;"
	"padding:0 1em;color:#222;line-height:1.45}"
	"h1{font-size:1.8em;border-bottom:2px solid #4c72b0;padding-bottom:.2em}"
	"h2{font-size:1.4em;margin-top:2em;border-bottom:1px solid #ccc}"
	"h3{font-size:1.1em;margin-top:1.5em}"
	"table{border-collapse:collapse;margin:1em 0;font-size:.9em}"
	"th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}"
	"th{background:#eef2f8}tr:nth-child(even) td{background:#fafafa}"
	"figure{margin:1em 0}figure svg{width:100%;height:auto;border:1px solid #ddd}"
	"figcaption{font-size:.85em;color:#555}"
	".missing{color:#a33}";

static void html_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

/* Reads a file whole (bounded); NULL with *err. */
static char *read_all(const char *path, bench_error *err)
{
	FILE *f = fopen(path, "r");
	struct stat st;
	char *buf;
	size_t n;

	if (!f) {
		bench_fail(err, errno, "%s", path);
		return NULL;
	}
	if (fstat(fileno(f), &st) != 0 || st.st_size < 0 || (size_t)st.st_size > SVG_MAX_BYTES) {
		fclose(f);
		bench_fail(err, EFBIG, "%s: not a plot bench drew (over %u MiB)", path, SVG_MAX_BYTES >> 20);
		return NULL;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		fclose(f);
		bench_fail(err, ENOMEM, "%s", path);
		return NULL;
	}
	n = fread(buf, 1, (size_t)st.st_size, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Does s hold an attribute named on...= (an event handler)? */
static bool has_event_attribute(const char *s)
{
	for (const char *p = s; (p = strpbrk(p, " \t\r\n")) != NULL; p++) {
		const char *q = p + 1;

		if (tolower((unsigned char)q[0]) != 'o' || tolower((unsigned char)q[1]) != 'n')
			continue;
		q += 2;
		while (isalpha((unsigned char)*q))
			q++;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q == '=' && q > p + 3)
			return true;
	}
	return false;
}

char *report_svg_inline(const char *svg, const char *prefix, bench_error *err)
{
	static const char *const banned[] = { "<script", "<foreignobject", "javascript:", "<iframe", "<object",
					      "<embed", "<image", "<a ", "href='http", "href=\"http", "href='//",
					      "href=\"//", "data:", "<!entity", "<style", "@import" };
	/* What refers to an id, and the id itself: each gets the prefix. */
	static const char *const refs[] = { "id='", "id=\"", "href='#", "href=\"#", "url(#" };
	const char *start = strstr(svg, "<svg");
	size_t plen = strlen(prefix), cap, len = 0;
	char *out;

	if (!start)
		return bench_fail(err, 0, "not an SVG file"), NULL;
	for (size_t i = 0; i < sizeof(banned) / sizeof(banned[0]); i++)
		if (strcasestr(start, banned[i]))
			return bench_fail(err, 0, "the SVG holds '%s', which a report does not inline", banned[i]), NULL;
	if (has_event_attribute(start))
		return bench_fail(err, 0, "the SVG holds an event handler, which a report does not inline"), NULL;
	/* Every reference grows by the prefix; count them first. */
	cap = strlen(start) + 1;
	for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]); i++)
		for (const char *p = start; (p = strstr(p, refs[i])) != NULL; p += strlen(refs[i]))
			cap += plen;
	out = malloc(cap);
	if (!out)
		return bench_fail(err, ENOMEM, "inlining an SVG"), NULL;
	for (const char *p = start; *p;) {
		size_t matched = 0;

		for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]) && !matched; i++)
			if (strncmp(p, refs[i], strlen(refs[i])) == 0)
				matched = strlen(refs[i]);
		if (matched) {
			memcpy(out + len, p, matched);
			len += matched;
			memcpy(out + len, prefix, plen);
			len += plen;
			p += matched;
		} else {
			out[len++] = *p++;
		}
	}
	out[len] = '\0';
	return out;
}

static void plot(FILE *f, const struct block *b, unsigned index)
{
	bench_error err = { 0 };
	char prefix[32], *svg = read_all(b->cells[1], &err), *inl = NULL;

	snprintf(prefix, sizeof(prefix), "p%u-", index);
	if (svg)
		inl = report_svg_inline(svg, prefix, &err);
	fputs("<figure>\n", f);
	if (inl) {
		fputs(inl, f);
	} else {
		fputs("<p class=\"missing\">Plot not shown: ", f);
		html_text(f, b->cells[1]);
		fputs(": ", f);
		html_text(f, err.msg);
		fputs("</p>", f);
	}
	fputs("\n<figcaption>", f);
	html_text(f, b->cells[0]);
	fputs("</figcaption>\n</figure>\n", f);
	free(inl);
	free(svg);
}

int report_write_html(const struct doc *d, const char *path, bench_error *err)
{
	FILE *f = fopen(path, "w");
	const char *title = d->n && d->b[0].kind == BLOCK_HEADING ? d->b[0].cells[0] : "bench report";
	unsigned nplot = 0;
	int failed, e;

	if (!f)
		return bench_fail(err, errno, "%s", path);
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
	      f);
	html_text(f, title);
	fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n", style);
	for (size_t i = 0; i < d->n; i++) {
		const struct block *b = &d->b[i];

		switch (b->kind) {
		case BLOCK_HEADING:
			fprintf(f, "<h%d>", b->level);
			html_text(f, b->cells[0]);
			fprintf(f, "</h%d>\n", b->level);
			break;
		case BLOCK_PARA:
			fputs("<p>", f);
			html_text(f, b->cells[0]);
			fputs("</p>\n", f);
			break;
		case BLOCK_BULLETS:
			fputs("<ul>\n", f);
			for (size_t k = 0; k < b->ncells; k++) {
				fputs("<li>", f);
				html_text(f, b->cells[k]);
				fputs("</li>\n", f);
			}
			fputs("</ul>\n", f);
			break;
		case BLOCK_TABLE:
			fputs("<table>\n", f);
			for (size_t k = 0; k < b->ncells; k++) {
				size_t col = k % b->ncols;
				const char *cell = k < b->ncols ? "th" : "td";

				if (col == 0)
					fputs("<tr>", f);
				fprintf(f, "<%s>", cell);
				html_text(f, b->cells[k]);
				fprintf(f, "</%s>", cell);
				if (col + 1 == b->ncols)
					fputs("</tr>\n", f);
			}
			if (b->ncols && b->ncells % b->ncols)
				fputs("</tr>\n", f);
			fputs("</table>\n", f);
			break;
		case BLOCK_PLOT:
			plot(f, b, nplot++);
			break;
		}
	}
	fputs("</body>\n</html>\n", f);
	failed = ferror(f);
	e = errno;
	if (fclose(f) != 0 && !failed)
		failed = 1, e = errno;
	return failed ? bench_fail(err, e ? e : EIO, "writing %s", path) : 0;
}
