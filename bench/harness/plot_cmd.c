/* bench plot DIR: draws a results folder's plots again, from its
 * results.json (after a template changed, or where gnuplot was missing). */
#include <stdio.h>
#include <string.h>

#include "../../lib/interrupt.h"
#include "plot.h"
#include "plot_cmd.h"

int cmd_plot(int argc, char **argv, const struct benchmark *const *table)
{
	struct results res;
	bench_error err = { 0 };
	int rc;

	if (argc != 2 || argv[1][0] == '-') {
		bool help = argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0);

		fprintf(help ? stdout : stderr, "%susage: bench plot DIR (a results folder)\n", help ? "" : "bench: ");
		return help ? 0 : BENCH_EXIT_USAGE;
	}
	if (results_load(&res, argv[1], &err) < 0) {
		bench_error_print(&err);
		return BENCH_EXIT_FAIL;
	}
	/* Ctrl-C ends gnuplot and removes its folder: exit 130. */
	interrupt_install();
	res.bench = benchmark_find(table, res.benchmark);
	rc = res.bench ? plot_draw(res.bench, &res, argv[1], &err)
		       : bench_fail(&err, 0, "no plot named '%s'", res.benchmark);
	results_free(&res);
	if (rc < 0) {
		bench_error_print(&err);
		return err.exit_code ? err.exit_code : BENCH_EXIT_FAIL;
	}
	if (rc == PLOT_NO_GNUPLOT) {
		fprintf(stderr, "bench: gnuplot not found: plots not drawn (apt-get install gnuplot-nox)\n");
		return BENCH_EXIT_FAIL;
	}
	printf("plots drawn in %s\n", argv[1]);
	return 0;
}
