/* What bench report says of density: memory and processes per idle
 * instance, the launch storms and the instances per host of each folder,
 * and in the summary what a container and a VM cost and how many fit.
 * Runners are found by what they are (the results' runner_caps), never by
 * name. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "density.h"
#include "harness/report_model.h"

static double extra_num(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

void density_report_table(struct doc *d, const struct results *res)
{
	json_t *dens = json_object_get(res->extra, "density");
	json_t *hosts = json_object_get(dens, "hosts"), *list = json_object_get(dens, "runners"), *r, *h;
	const char *runners[16];
	size_t n = report_runners(res, runners, 16), i, k;
	char a[32], b[32], c[32], e[32];

	doc_table(d, 8, "runner", "PSS (MiB)", "RSS (MiB)", "cgroup memory (MiB)", "host MemAvailable fall (MiB)",
		  "processes", "threads", "idle instances measured");
	for (i = 0; i < n; i++) {
		const struct series *s = results_find(res, runners[i], "mem.pss");

		if (!s)
			continue;
		doc_cell(d, "%s", runners[i]);
		doc_cell(d, "%s", report_num(a, sizeof(a), results_median(res, runners[i], "mem.pss")));
		doc_cell(d, "%s", report_num(b, sizeof(b), results_median(res, runners[i], "mem.rss")));
		doc_cell(d, "%s", report_num(c, sizeof(c), results_median(res, runners[i], "mem.cgroup")));
		doc_cell(d, "%s", report_num(c, sizeof(c), results_median(res, runners[i], "mem.host")));
		doc_cell(d, "%s", report_num(e, sizeof(e), results_median(res, runners[i], "proc.processes")));
		doc_cell(d, "%s", report_num(a, sizeof(a), results_median(res, runners[i], "proc.threads")));
		doc_cell(d, "%zu", s->n);
	}
	doc_para(d, "Medians per idle instance. PSS shares pages among instances; the fall of the host's "
		    "MemAvailable (per instance, one figure per storm) also counts kernel objects such as namespaces "
		    "and the runner's own processes, but moves with anything else running on the host.");
	doc_para(d, "Launch storms: N idle instances started at once; time from the first launch until all are "
		    "READY, and from the stop until all are gone (medians of the storms of each size).");
	doc_table(d, 6, "runner", "instances", "to all READY (ms)", "per instance (ms)", "to all gone (ms)",
		  "per instance (ms)");
	for (i = 0; i < n; i++)
		for (unsigned size = 1; size <= 4096; size++) {
			char metric[48];
			double ready, gone;

			snprintf(metric, sizeof(metric), "storm.%u.ready", size);
			ready = results_median(res, runners[i], metric);
			if (isnan(ready))
				continue;
			snprintf(metric, sizeof(metric), "storm.%u.gone", size);
			gone = results_median(res, runners[i], metric);
			doc_cell(d, "%s", runners[i]);
			doc_cell(d, "%u", size);
			doc_cell(d, "%s", report_num(a, sizeof(a), ready));
			doc_cell(d, "%s", report_num(b, sizeof(b), ready / size));
			doc_cell(d, "%s", report_num(c, sizeof(c), gone));
			doc_cell(d, "%s", report_num(e, sizeof(e), gone / size));
		}
	if (!json_is_array(list) || json_array_size(list) == 0)
		return;
	doc_para(d, "Instances per host: memory per instance as planned (see the basis), CPUs per instance (a VM's "
		    "vCPUs, overcommitted by the vCPU ratio; a container's CPU request, not overcommitted), and how "
		    "many fit.");
	json_array_foreach(hosts, k, h) {
		const char *hname = json_string_value(json_object_get(h, "name"));

		doc_bullet(d, "%s: %s GiB of memory (%s GiB kept for the host), %s CPUs, vCPU ratio %s",
			   hname ? hname : "?", report_num(a, sizeof(a), extra_num(h, "memory_mib") / 1024.0),
			   report_num(b, sizeof(b), extra_num(h, "reserve_mib") / 1024.0),
			   report_num(c, sizeof(c), extra_num(h, "cpus")), report_num(e, sizeof(e), extra_num(h, "vcpu_ratio")));
	}
	doc_table(d, 6, "runner", "MiB per instance", "CPUs per instance", "host", "fit (memory / CPU bound)",
		  "basis");
	json_array_foreach(list, i, r) {
		json_t *fits = json_object_get(r, "fit"), *fit;

		json_array_foreach(fits, k, fit) {
			const char *name = json_string_value(json_object_get(r, "runner"));
			const char *host = json_string_value(json_object_get(fit, "host"));
			const char *limit = json_string_value(json_object_get(fit, "limit"));
			const char *basis = json_string_value(json_object_get(r, "memory_basis"));

			doc_cell(d, "%s", name ? name : "?");
			doc_cell(d, "%s", report_num(a, sizeof(a), extra_num(r, "memory_mib")));
			doc_cell(d, "%s", report_num(b, sizeof(b), extra_num(r, "cpus")));
			doc_cell(d, "%s", host ? host : "?");
			doc_cell(d, "%s (%s / %s; %s-bound)", report_num(c, sizeof(c), extra_num(fit, "fit")),
				 report_num(e, sizeof(e), extra_num(fit, "by_memory")),
				 report_num(a, sizeof(a), extra_num(fit, "by_cpu")), limit ? limit : "?");
			doc_cell(d, "%s", basis ? basis : "");
		}
	}
}

/* A runner's entry in the density capacity table. */
static json_t *density_runner(const struct report_folder *f, const char *runner)
{
	json_t *list = json_object_get(json_object_get(f->res.extra, "density"), "runners"), *r;
	size_t i;

	if (!runner)
		return NULL;
	json_array_foreach(list, i, r) {
		const char *name = json_string_value(json_object_get(r, "runner"));

		if (name && strcmp(name, runner) == 0)
			return r;
	}
	return NULL;
}

void density_report_summary(struct doc *d, const struct report_folder *f, const char *host)
{
	const char *container, *vm;
	json_t *c, *v, *fit;
	size_t i;
	char a[32], b[32], x[32], y[32];

	if (!f) {
		doc_bullet(d, "Memory per instance and instances per host: not measured on %s ('bench run density').",
			   host);
		return;
	}
	container = results_runner_with(&f->res, "namespaces", "guest_kernel");
	vm = results_runner_with(&f->res, "guest_kernel", NULL);
	c = density_runner(f, container);
	v = density_runner(f, vm);
	if (c && v) {
		double fall = results_median(&f->res, container, "mem.host");

		doc_bullet(d,
			   "Memory on host %s: an idle container cost %s MiB (its cgroup), an idle VM is planned at %s MiB "
			   "(its guest memory; the QEMU process held %s MiB): about %s times more per instance.",
			   host, report_num(a, sizeof(a), extra_num(c, "memory_mib")),
			   report_num(b, sizeof(b), extra_num(v, "memory_mib")), report_num(x, sizeof(x), extra_num(v, "pss_mib")),
			   report_num(y, sizeof(y), extra_num(v, "memory_mib") / extra_num(c, "memory_mib")));
		if (fall == 0.0)
			doc_bullet(d, "The host's available memory fell by too little per container to see against its "
				      "other activity (median over the storms).");
		else if (!isnan(fall))
			doc_bullet(d, "Counting what the kernel spends for a container too (namespaces and the like), the "
				      "host's available memory fell by %s MiB per container (median over the storms; noisy).",
				   report_num(a, sizeof(a), fall));
	}
	for (int k = 0; k < 2; k++) {
		json_t *r = k ? v : c;

		if (!r)
			continue;
		json_array_foreach(json_object_get(r, "fit"), i, fit) {
			const char *hname = json_string_value(json_object_get(fit, "host"));
			const char *limit = json_string_value(json_object_get(fit, "limit"));

			doc_bullet(d, "Instances per host (host %s, %s): %s idle %s fit, bound by %s (memory allows %s, CPUs %s).",
				   host, hname ? hname : "?", report_num(a, sizeof(a), extra_num(fit, "fit")),
				   k ? "VMs" : "containers", limit ? limit : "?",
				   report_num(b, sizeof(b), extra_num(fit, "by_memory")),
				   report_num(x, sizeof(x), extra_num(fit, "by_cpu")));
		}
	}
	/* The largest storm of each. */
	for (int k = 0; k < 2; k++) {
		const char *runner = k ? vm : container;
		unsigned best = 0;
		double ready = NAN;

		for (size_t s = 0; runner && s < f->res.nseries; s++) {
			unsigned n;
			char tail[8];

			if (strcmp(f->res.series[s].runner, runner) != 0 ||
			    sscanf(f->res.series[s].metric, "storm.%u.%7s", &n, tail) != 2 || strcmp(tail, "ready") != 0)
				continue;
			if (n > best) {
				best = n;
				ready = results_median(&f->res, runner, f->res.series[s].metric);
			}
		}
		if (best)
			doc_bullet(d, "Launch storm on host %s: %u %s started at once were all ready after %s ms (%s ms each).",
				   host, best, k ? "VMs" : "containers", report_num(a, sizeof(a), ready),
				   report_num(b, sizeof(b), ready / best));
	}
}
