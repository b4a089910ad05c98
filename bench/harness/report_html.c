/* The report as one self-contained HTML file: the style inline, every plot
 * embedded as an image (never linked), every string from the results escaped.
 *
 * An SVG comes from a results folder, which anyone may have edited.  No list
 * of what is dangerous in it could be complete, so none is kept: a plot is
 * only ever an <img> of a data: URI, which browsers never script, and the
 * page's Content-Security-Policy forbids every script and every fetch. */
#include <errno.h>
#include <fcntl.h>
#include <nettle/base64.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report_model.h"

/* gnuplot's plots are tens to hundreds of KiB. */
#define PLOT_MAX_BYTES (16u << 20)

/* No script, no fetch: images only from data: URIs, the inline style. */
static const char csp[] = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
			  "base-uri 'none'; form-action 'none'";

static const char style[] =
	"body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2em auto;max-width:1240px;"
	"padding:0 1em;color:#222;line-height:1.45}"
	"h1{font-size:1.8em;border-bottom:2px solid #4c72b0;padding-bottom:.2em}"
	"h2{font-size:1.4em;margin-top:2em;border-bottom:1px solid #ccc}"
	"h3{font-size:1.1em;margin-top:1.5em}"
	"table{border-collapse:collapse;margin:1em 0;font-size:.9em}"
	"th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}"
	"th{background:#eef2f8}tr:nth-child(even) td{background:#fafafa}"
	"figure{margin:1em 0}figure img{width:100%;height:auto;border:1px solid #ddd}"
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

/* Reads a plot whole (bounded); NULL with *err.  A symlink is refused: it
 * could point anywhere, and its target would end up in the report. */
static uint8_t *read_plot(const char *path, size_t *len, bench_error *err)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	uint8_t *buf;
	size_t n = 0;

	if (fd < 0)
		return bench_fail(err, errno, "%s", path), NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 0 || (size_t)st.st_size > PLOT_MAX_BYTES) {
		close(fd);
		return bench_fail(err, 0, "not a plot bench drew (a regular file up to %u MiB)", PLOT_MAX_BYTES >> 20), NULL;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return bench_fail(err, ENOMEM, "%s", path), NULL;
	}
	while (n < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + n, (size_t)st.st_size - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	*len = n;
	return buf;
}

/* A plot as an <img> whose source is the file itself, base64 in a data:
 * URI.  A browser never runs script in an SVG it shows as an image, nor
 * fetches anything it refers to: nothing in the file needs inspecting. */
static void plot(FILE *f, const struct block *b)
{
	bench_error err = { 0 };
	size_t len = 0;
	uint8_t *svg = read_plot(b->cells[1], &len, &err);
	char *b64 = svg ? malloc(BASE64_ENCODE_RAW_LENGTH(len) + 1) : NULL;

	fputs("<figure>\n", f);
	if (b64) {
		base64_encode_raw(b64, len, svg);
		b64[BASE64_ENCODE_RAW_LENGTH(len)] = '\0';
		fputs("<img alt=\"", f);
		html_text(f, b->cells[0]);
		fprintf(f, "\" src=\"data:image/svg+xml;base64,%s\">", b64);
	} else {
		if (svg)
			bench_fail(&err, ENOMEM, "%s", b->cells[1]);
		fputs("<p class=\"missing\">Plot not shown: ", f);
		html_text(f, b->cells[1]);
		fputs(": ", f);
		html_text(f, err.msg);
		fputs("</p>", f);
	}
	fputs("\n<figcaption>", f);
	html_text(f, b->cells[0]);
	fputs("</figcaption>\n</figure>\n", f);
	free(b64);
	free(svg);
}

int report_write_html(const struct doc *d, const char *path, bench_error *err)
{
	FILE *f = fopen(path, "w");
	const char *title = d->n && d->b[0].kind == BLOCK_HEADING ? d->b[0].cells[0] : "bench report";
	int failed, e;

	if (!f)
		return bench_fail(err, errno, "%s", path);
	fprintf(f,
		"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<meta http-equiv=\"Content-Security-Policy\" content=\"%s\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
		csp);
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
			plot(f, b);
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
