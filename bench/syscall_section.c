/* What bench report says of syscall: a row per call and runner with its
 * ratio to the host, and one call's cost in each kind of runner.  (The run
 * itself draws its conclusions in syscall_report.c.)  Runners are found by
 * what they are (the results' runner_caps), never by name. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness/stats.h"
#include "syscall.h"

void syscall_section_table(struct doc *d, const struct results *res)
{
	const char *baseline = results_runner_with(res, "baseline", NULL);
	char a[32], b[32], c[32];

	doc_table(d, 6, "call", "runner", "batches", "median (ns per call)", "p95 (ns)", "ratio to host");
	for (size_t i = 0; i < res->nseries; i++) {
		const struct series *s = &res->series[i];
		json_t *ratio = json_object_get(s->extra, "ratio_to_host");
		double host = results_median(res, baseline, s->metric);
		struct stats st;

		if (strncmp(s->metric, "syscall.", 8) != 0 || s->n == 0)
			continue;
		st = *series_stats(s);
		doc_cell(d, "%s", s->metric + 8);
		doc_cell(d, "%s", s->runner);
		doc_cell(d, "%zu", s->n);
		doc_cell(d, "%s", report_num(a, sizeof(a), st.median));
		doc_cell(d, "%s", report_num(b, sizeof(b), st.p95));
		if (json_is_number(ratio))
			doc_cell(d, "%sx", report_num(c, sizeof(c), json_number_value(ratio)));
		else if (!isnan(host) && host > 0.0)
			doc_cell(d, "%sx", report_num(c, sizeof(c), st.median / host));
		else
			doc_cell(d, "–");
	}
}

void syscall_section_summary(struct doc *d, const struct report_folder *f, const char *host)
{
	static const char *const calls[] = { "syscall.gethostname", "syscall.uname", "syscall.getpid" };
	const char *baseline, *container, *vm;
	char a[32], b[32], x[32];

	if (!f) {
		doc_bullet(d, "System calls: not measured on %s ('bench run syscall').", host);
		return;
	}
	baseline = results_runner_with(&f->res, "baseline", NULL);
	container = results_runner_with(&f->res, "namespaces", "guest_kernel");
	vm = results_runner_with(&f->res, "guest_kernel", NULL);
	for (size_t i = 0; i < 3; i++) {
		double h = results_median(&f->res, baseline, calls[i]);
		double c = results_median(&f->res, container, calls[i]);
		double v = results_median(&f->res, vm, calls[i]);

		if (isnan(h))
			continue;
		doc_bullet(d, "System calls on %s: %s took %s ns on the host, %s ns in a container, %s ns in a VM.", host,
			   calls[i] + 8, report_num(a, sizeof(a), h), report_num(b, sizeof(b), c),
			   report_num(x, sizeof(x), v));
		return;
	}
	doc_bullet(d, "System calls on %s: the run holds no host figure to compare with.", host);
}
