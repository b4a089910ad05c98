/* The files of a run: the results folder and the exports, from the one
 * exporters table; nothing here prints (run_output_print.c does). */
#include "run_output.h"

#include "exporters.h"
#include "plot.h"

bool run_output_has_samples(const struct results *res)
{
	for (size_t i = 0; i < res->nseries; i++)
		if (res->series[i].n > 0)
			return true;
	return false;
}

bool run_output_print_after(struct results *res, void (*print)(void *res, FILE *out),
			    struct run_output_hooks *hooks)
{
	if (!run_output_has_samples(res))
		return false;
	hooks->ctx = res;
	hooks->print = print;
	return true;
}

int run_output_save(const struct run_options *o, const struct results *res, const struct run_output_hooks *hooks,
		    struct run_output_saved *saved, bench_error *err)
{
	static const struct run_output_hooks none;
	bench_error e2;
	int rc = 0, saved_rc;

	if (!hooks)
		hooks = &none;
	saved->dir[0] = '\0';
	saved->plots_missing = false;
	if (results_folder_create(o->out_dir, res->benchmark, saved->dir, sizeof(saved->dir), err) < 0) {
		saved->dir[0] = '\0';
		return -1;
	}
	saved_rc = results_save(res, saved->dir, err);
	if (saved_rc < 0)
		rc = -1;
	saved->plots_missing = saved_rc == PLOT_NO_GNUPLOT;
	/* Each file is tried even when another failed: a full disk for one
	 * path should not lose the others.  The first failure is reported. */
	if (hooks->write_files && hooks->write_files(hooks->ctx, saved->dir, rc < 0 ? &e2 : err) < 0)
		rc = -1;
	for (const struct exporter *x = exporters; x->write; x++) {
		const char *path = x->dest ? x->dest(o) : NULL;

		if (!path)
			continue;
		if (x->write(res, path, rc < 0 ? &e2 : err) < 0 ||
		    (x->benchmark_markdown && hooks->append_markdown &&
		     hooks->append_markdown(hooks->ctx, path, rc < 0 ? &e2 : err) < 0))
			rc = -1;
	}
	return rc;
}
