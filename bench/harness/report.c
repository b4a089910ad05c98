/* bench report [DIR ...]: one Markdown and one self-contained HTML file from
 * results folders, for the people who decide (see report_model.h for the
 * parts). */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "../../lib/error.h"
#include "report.h"
#include "report_model.h"

#define DEFAULT_ROOT "results"
#define DEFAULT_OUT "results/report"

static void usage(FILE *out)
{
	fputs("usage: bench report [--out BASE] [DIR ...]\n"
	      "\n"
	      "Builds a report from results folders: BASE.md (Markdown, plots linked as PNG) and\n"
	      "BASE.html (self-contained: plots embedded as SVG images), with the machines, a table and the\n"
	      "plots of each benchmark, and a summary for a vSphere administrator deciding on\n"
	      "Kubernetes.  A benchmark none of the folders holds is reported as not measured.\n"
	      "\n"
	      "  DIR              a results folder, or a folder of them (e.g. another host's\n"
	      "                   results/), of which the newest of each benchmark is taken;\n"
	      "                   folders from several hosts make one report (default: the\n"
	      "                   newest folder of each benchmark in " DEFAULT_ROOT "/)\n"
	      "  -o, --out BASE   where to write (default " DEFAULT_OUT ": " DEFAULT_OUT ".md and\n"
	      "                   " DEFAULT_OUT ".html); a trailing .md or .html is dropped\n"
	      "  -h, --help       this text\n",
	      out);
}

int cmd_report(int argc, char **argv, const struct benchmark *const *table)
{
	static const struct option longopts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char base[PATH_MAX], md[PATH_MAX + 8], html[PATH_MAX + 8];
	bench_error err = { 0 };
	int c, rc = 0;

	snprintf(base, sizeof(base), "%s", DEFAULT_OUT);
	/* Options anywhere (`bench report DIR --out X`): getopt moves the
	 * folders after them; optind = 0 starts it afresh. */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': {
			size_t len = strlen(optarg);

			if (len == 0 || len >= sizeof(base)) {
				char shown[BENCH_SHORT_MAX];

				fprintf(stderr, "bench: report: --out '%s': %s\n", bench_short(shown, optarg),
					len ? "the name is too long" : "needs a file name");
				return BENCH_EXIT_USAGE;
			}
			snprintf(base, sizeof(base), "%s", optarg);
			if (len > 3 && strcmp(base + len - 3, ".md") == 0)
				base[len - 3] = '\0';
			else if (len > 5 && strcmp(base + len - 5, ".html") == 0)
				base[len - 5] = '\0';
			break;
		}
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			fprintf(stderr, "bench: report: %s needs a value\n", argv[optind - 1]);
			return BENCH_EXIT_USAGE;
		default: {
			char shown[BENCH_SHORT_MAX];

			if (optopt > ' ' && optopt < 0x7f && strncmp(argv[optind - 1], "--", 2) != 0)
				snprintf(shown, sizeof(shown), "-%c", optopt);
			else
				bench_short(shown, argv[optind - 1]);
			/* No raw byte reaches the terminal. */
			for (char *p = shown; *p; p++)
				if ((unsigned char)*p < 0x20 || *p == 0x7f)
					*p = '?';
			fprintf(stderr, "bench: report: unknown option '%s' (see 'bench report --help')\n", shown);
			return BENCH_EXIT_USAGE;
		}
		}
	}
	snprintf(md, sizeof(md), "%s.md", base);
	snprintf(html, sizeof(html), "%s.html", base);

	{
		char skipped[sizeof(((struct report_input *)0)->skipped)];
		size_t n = 0;

		if (report_make(argv + optind, argc - optind, base, table, skipped, sizeof(skipped), &n, &err) < 0) {
			if (skipped[0])
				fprintf(stderr, "bench: report: skipped what is not a results folder: %s\n", skipped);
			bench_error_print(&err);
			return BENCH_EXIT_FAIL;
		}
		if (skipped[0])
			fprintf(stderr, "bench: report: skipped what is not a results folder: %s\n", skipped);
		printf("report: %s and %s (%zu results folder%s)\n", md, html, n, n == 1 ? "" : "s");
	}
	return rc;
}

int report_make(char *const *dirs, int ndirs, const char *base, const struct benchmark *const *table, char *skipped,
		size_t skipped_sz, size_t *nfolders, bench_error *err)
{
	char md[PATH_MAX + 8], html[PATH_MAX + 8];
	struct report_input in;
	struct doc d = { 0 };
	int rc = 0;

	skipped[0] = '\0';
	snprintf(md, sizeof(md), "%s.md", base);
	snprintf(html, sizeof(html), "%s.html", base);
	if (report_load(&in, dirs, ndirs, DEFAULT_ROOT, err) < 0)
		return -1;
	snprintf(skipped, skipped_sz, "%s", in.skipped);
	*nfolders = in.n;
	if (report_build(&d, &in, table, err) < 0 || report_write_markdown(&d, md, err) < 0 ||
	    report_write_html(&d, html, err) < 0)
		rc = -1;
	doc_free(&d);
	report_input_free(&in);
	return rc;
}
