/* libFuzzer target: from loaded results to the report (bench/harness/
 * report*.c): the document is built, then rendered as Markdown and HTML.
 *
 * Input: a results.json, or a JSON array of up to 8 of them (several
 * folders, several hosts: what the summary compares).  Each "folder" is a
 * private temporary folder, made once, holding one small plot, so that the
 * plot paths run too (each plot is embedded as an image); the outputs are
 * written there and read back.
 *
 * Besides the sanitizers, it checks that no string from the results turns
 * into markup: the HTML holds no <script, whatever the input. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../bench/benchmarks.h"
#include "../../bench/harness/report_model.h"

#define CHECK(cond)                                                                     \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "fuzz_report: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                        \
		}                                                                       \
	} while (0)

#define FOLDERS_MAX 8

static char tmpdir[64] = "";
static char md_path[128], html_path[128], svg_path[128];

static void remove_tmpdir(void)
{
	unlink(md_path);
	unlink(html_path);
	unlink(svg_path);
	rmdir(tmpdir);
}

static void setup_once(void)
{
	static const char svg[] = "<?xml version=\"1.0\"?>\n<svg width=\"10\" height=\"10\" "
				  "xmlns=\"http://www.w3.org/2000/svg\"><defs><clipPath id='c'><rect "
				  "width='1' height='1'/></clipPath></defs><g clip-path='url(#c)'><text>t</text>"
				  "</g></svg>\n";
	const char *base = getenv("TMPDIR");
	FILE *f;

	snprintf(tmpdir, sizeof(tmpdir), "%.40s/bench-fuzz.XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(tmpdir))
		abort();
	snprintf(md_path, sizeof(md_path), "%s/report.md", tmpdir);
	snprintf(html_path, sizeof(html_path), "%s/report.html", tmpdir);
	snprintf(svg_path, sizeof(svg_path), "%s/startup.svg", tmpdir);
	atexit(remove_tmpdir);
	f = fopen(svg_path, "w");
	if (!f || fputs(svg, f) == EOF || fclose(f) != 0)
		abort();
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t n = 0;

	CHECK(f != NULL);
	CHECK(getdelim(&buf, &n, '\0', f) >= 0 || feof(f));
	fclose(f);
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct report_folder folders[FOLDERS_MAX];
	struct report_input in = { .f = folders, .n = 0 };
	struct doc d = { 0 };
	bench_error err = { 0 };
	json_error_t jerr;
	json_t *doc, *item;
	size_t i;

	if (!tmpdir[0])
		setup_once();
	doc = json_loadb((const char *)data, size, 0, &jerr);
	if (!doc)
		return 0;
	memset(folders, 0, sizeof(folders));
	if (json_is_array(doc)) {
		json_array_foreach(doc, i, item) {
			if (in.n == FOLDERS_MAX || results_from_json(&folders[in.n].res, item, "results.json", &err) < 0)
				break;
			in.n++;
		}
	} else if (results_from_json(&folders[0].res, doc, "results.json", &err) == 0) {
		in.n = 1;
	}
	json_decref(doc);
	for (i = 0; i < in.n; i++) {
		snprintf(folders[i].dir, sizeof(folders[i].dir), "%s", tmpdir);
		report_folder_describe(&folders[i]);
	}

	if (in.n > 0 && report_build(&d, &in, benchmark_table, &err) == 0) {
		char *html;

		CHECK(report_write_markdown(&d, md_path, &err) == 0);
		CHECK(report_write_html(&d, html_path, &err) == 0);
		html = slurp(html_path);
		CHECK(html && strcasestr(html, "<script") == NULL);
		free(html);
	}
	doc_free(&d);
	for (i = 0; i < in.n; i++)
		results_free(&folders[i].res);
	return 0;
}
