#include "run_output.h"

#include <limits.h>
#include <stdio.h>

bool run_output_has_samples(const struct results *res)
{
	for (size_t i = 0; i < res->nseries; i++)
		if (res->series[i].n > 0)
			return true;
	return false;
}

int run_output_write(const struct run_options *o, const struct results *res, const struct run_output_hooks *hooks,
		     bench_error *err)
{
	static const struct run_output_hooks none;
	char dir[PATH_MAX];
	bench_error e2;
	int rc = 0;

	if (!hooks)
		hooks = &none;
	if (results_folder_create(o->out_dir, res->benchmark, dir, sizeof(dir), err) < 0)
		return -1;
	if (results_save(res, dir, err) < 0)
		rc = -1;
	/* Each file is tried even when another failed: a full disk for one
	 * path should not lose the others.  The first failure is reported. */
	if (hooks->write_files && hooks->write_files(hooks->ctx, dir, rc < 0 ? &e2 : err) < 0)
		rc = -1;
	if (o->export_json && results_write_json(res, o->export_json, rc < 0 ? &e2 : err) < 0)
		rc = -1;
	if (o->export_csv && results_write_csv(res, o->export_csv, rc < 0 ? &e2 : err) < 0)
		rc = -1;
	if (o->export_markdown && (results_write_markdown(res, o->export_markdown, rc < 0 ? &e2 : err) < 0 ||
				   (hooks->append_markdown &&
				    hooks->append_markdown(hooks->ctx, o->export_markdown, rc < 0 ? &e2 : err) < 0)))
		rc = -1;
	if (!o->quiet) {
		results_print_summary(res, stdout);
		if (hooks->print)
			hooks->print(hooks->ctx, stdout);
	}
	/* stdout may be a file (fully buffered) and stderr the same file:
	 * the summary first, then the line that says where it all went. */
	fflush(stdout);
	fprintf(stderr, "bench: results in %s\n", dir);
	return rc;
}
