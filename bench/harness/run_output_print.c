/* The driver's output step: the one place below the cmd_* functions that
 * writes to the terminal, after the files are saved (scripts/check-no-print.sh
 * allows it by name). */
#include <stdio.h>

#include "run_output.h"

int run_output_write(const struct run_options *o, const struct results *res, const struct run_output_hooks *hooks,
		     bench_error *err)
{
	struct run_output_saved saved;
	int rc = run_output_save(o, res, hooks, &saved, err);

	if (!saved.dir[0])
		return rc;
	if (!o->quiet) {
		results_print_summary(res, stdout);
		if (hooks && hooks->print)
			hooks->print(hooks->ctx, stdout);
	}
	/* stdout may be a file (fully buffered) and stderr the same file:
	 * the summary first, then the lines that say where it all went. */
	fflush(stdout);
	if (saved.plots_missing)
		fprintf(stderr, "bench: gnuplot not found: plots not drawn; data kept in %s (apt-get install gnuplot-nox)\n",
			saved.dir);
	fprintf(stderr, "bench: results in %s\n", saved.dir);
	return rc;
}
