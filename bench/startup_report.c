/* What bench report says of startup: a row per runner, and how much sooner
 * a container is ready than a VM.  Runners are found by what they are (the
 * results' runner_caps), never by name. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness/stats.h"
#include "startup.h"

/* The string at key of o, or "unknown" (results are untrusted). */
static const char *str_or_unknown(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) && json_string_length(v) > 0 ? json_string_value(v) : "unknown";
}

/* One line per runner that booted a guest kernel (meta guest_kernels, from
 * the runners' describe): which kernel, and how much of the start was the
 * guest kernel's own uptime at READY (CLOCK_BOOTTIME, counted from early in
 * its boot) against the host's work before it (starting the VM, firmware,
 * loading and unpacking the kernel). */
static void kernel_bullets(struct doc *d, const struct results *res)
{
	json_t *kernels = json_object_get(res->meta, "guest_kernels");
	const char *runners[16];
	size_t n = report_runners(res, runners, 16);
	char r[32], u[32], h[32], sha[16];

	if (!json_is_object(kernels))
		return;
	for (size_t i = 0; i < n; i++) {
		json_t *k = json_object_get(kernels, runners[i]);
		double ready = results_median(res, runners[i], "ready");
		double up = results_median(res, runners[i], "guest_uptime");

		if (!json_is_object(k))
			continue;
		snprintf(sha, sizeof(sha), "%.12s", str_or_unknown(k, "sha256"));
		doc_bullet(d,
			   "%s booted the %s guest kernel %s (sha256 %s…): ready in %s ms (median); the guest "
			   "kernel's own uptime at READY was %s ms (median), so about %s ms went before the kernel's "
			   "clock started: the host's work (starting the VM, firmware, loading and unpacking the "
			   "kernel).",
			   runners[i], str_or_unknown(k, "kind"), str_or_unknown(k, "release"), sha,
			   report_num(r, sizeof(r), ready), report_num(u, sizeof(u), up),
			   report_num(h, sizeof(h), isnan(ready) || isnan(up) ? NAN : ready - up));
	}
}

void startup_report_table(struct doc *d, const struct results *res)
{
	const char *runners[16];
	size_t n = report_runners(res, runners, 16);
	double vm = results_median(res, results_runner_with(res, "guest_kernel", NULL), "ready");
	char a[32], b[32], c[32];

	doc_table(d, 6, "runner", "runs", "launch to READY, median (ms)", "p95 (ms)", "launch to gone, median (ms)",
		  "VM start time / this runner's");
	for (size_t i = 0; i < n; i++) {
		const struct series *s = results_find(res, runners[i], "ready");
		struct stats st;

		if (!s || s->n == 0)
			continue;
		st = *series_stats(s);
		doc_cell(d, "%s", runners[i]);
		doc_cell(d, "%zu", s->n);
		doc_cell(d, "%s", report_num(a, sizeof(a), st.median));
		doc_cell(d, "%s", report_num(b, sizeof(b), st.p95));
		doc_cell(d, "%s", report_num(c, sizeof(c), results_median(res, runners[i], "gone")));
		if (!isnan(vm) && st.median > 0.0)
			doc_cell(d, "%sx", report_num(a, sizeof(a), vm / st.median));
		else
			doc_cell(d, "–");
	}
	kernel_bullets(d, res);
}

/* One line per runner that started its tasks through a container daemon
 * (its phases say so: task_create and task_start; containerd), with the
 * image's preparation, done once per run.  Returns how many. */
static int daemon_bullets(struct doc *d, const struct results *res)
{
	const char *runners[16];
	size_t n = report_runners(res, runners, 16);
	json_t *prep = json_object_get(res->meta, "containerd_prepare_ms");
	char r[32], b[32], c[32], s[32], del[32], pr[32];
	int lines = 0;

	for (size_t i = 0; i < n; i++) {
		if (!results_find(res, runners[i], "phase.task_create") ||
		    !results_find(res, runners[i], "phase.task_start"))
			continue;
		doc_bullet(d,
			   "%s: ready in %s ms (median): bench writes the spec (%s ms); the task's creation (%s ms: "
			   "the client's own start, the daemon's container record, its runc v2 shim, runc create); "
			   "the task's start until the agent says READY (%s ms). Stopping it until task and container "
			   "were deleted took %s ms. The image, built by bench and imported, was mounted once per run "
			   "(%s ms, in no sample). This is the path the kubelet takes through CRI, minus the kubelet, "
			   "the pause container and CNI networking, which were not measured.",
			   runners[i], report_num(r, sizeof(r), results_median(res, runners[i], "ready")),
			   report_num(b, sizeof(b), results_median(res, runners[i], "phase.spec")),
			   report_num(c, sizeof(c), results_median(res, runners[i], "phase.task_create")),
			   report_num(s, sizeof(s), results_median(res, runners[i], "phase.task_start")),
			   report_num(del, sizeof(del), results_median(res, runners[i], "delete")),
			   report_num(pr, sizeof(pr), json_is_number(prep) ? json_number_value(prep) : NAN));
		lines++;
	}
	return lines;
}

/* One line per runner that went through an OCI runtime's lifecycle (its
 * phases say so: create and start, or run and exit for --oci-lifecycle
 * run), phase by phase.  Returns how many. */
static int runtime_bullets(struct doc *d, const struct results *res)
{
	const char *runners[16];
	size_t n = report_runners(res, runners, 16);
	char r[32], b[32], c[32], s[32], y[32], del[32];
	int lines = 0;

	for (size_t i = 0; i < n; i++) {
		if (results_find(res, runners[i], "phase.run") && results_find(res, runners[i], "exit")) {
			doc_bullet(d,
				   "%s: ready in %s ms (median) with one `run` call (--oci-lifecycle run): bench "
				   "writes the bundle's config.json (%s ms); the runtime's `run` creates and starts "
				   "the container until the agent says READY (%s ms), and ends with it, deleting "
				   "the container, %s ms later.",
				   runners[i], report_num(r, sizeof(r), results_median(res, runners[i], "ready")),
				   report_num(b, sizeof(b), results_median(res, runners[i], "phase.bundle")),
				   report_num(c, sizeof(c), results_median(res, runners[i], "phase.run")),
				   report_num(del, sizeof(del), results_median(res, runners[i], "exit")));
			lines++;
			continue;
		}
		if (!results_find(res, runners[i], "phase.create") || !results_find(res, runners[i], "phase.start"))
			continue;
		doc_bullet(d,
			   "%s: ready in %s ms (median): bench writes the bundle's config.json (%s ms); the runtime's "
			   "`create` builds the container and leaves it stopped before exec (%s ms: its own process "
			   "start, namespaces, cgroup, mounts, state files); `start` lets it exec the agent (%s ms); "
			   "the agent then says READY (%s ms). Its `delete` took %s ms more.",
			   runners[i], report_num(r, sizeof(r), results_median(res, runners[i], "ready")),
			   report_num(b, sizeof(b), results_median(res, runners[i], "phase.bundle")),
			   report_num(c, sizeof(c), results_median(res, runners[i], "phase.create")),
			   report_num(s, sizeof(s), results_median(res, runners[i], "phase.start")),
			   report_num(y, sizeof(y), results_median(res, runners[i], "phase.ready")),
			   report_num(del, sizeof(del), results_median(res, runners[i], "delete")));
		lines++;
	}
	return lines + daemon_bullets(d, res);
}

void startup_report_summary(struct doc *d, const struct report_folder *f, const char *host)
{
	const char *container, *vm, *baseline;
	const struct series *c, *v, *h;
	char a[32], b[32], x[32], p[32];

	if (!f) {
		doc_bullet(d, "Start-up: not measured on %s ('bench run startup').", host);
		return;
	}
	container = results_runner_with(&f->res, "namespaces", "guest_kernel");
	vm = results_runner_with(&f->res, "guest_kernel", NULL);
	baseline = results_runner_with(&f->res, "baseline", NULL);
	c = results_find(&f->res, container, "ready");
	v = results_find(&f->res, vm, "ready");
	h = results_find(&f->res, baseline, "ready");
	if (c && v && c->n && v->n) {
		double cm = results_median(&f->res, container, "ready"), vm_ms = results_median(&f->res, vm, "ready");

		doc_bullet(d,
			   "Start-up on host %s: a container was ready in %s ms (median of %zu), a VM in %s ms (median of %zu): "
			   "containers started %s times faster%s%s%s.",
			   host, report_num(a, sizeof(a), cm), c->n, report_num(b, sizeof(b), vm_ms), v->n,
			   report_num(x, sizeof(x), cm > 0.0 ? vm_ms / cm : NAN), h && h->n ? "; a plain process took " : "",
			   h && h->n ? report_num(p, sizeof(p), results_median(&f->res, baseline, "ready")) : "",
			   h && h->n ? " ms" : "");
		runtime_bullets(d, &f->res);
	} else if (!runtime_bullets(d, &f->res)) {
		/* Words for the reader, not runner names: the kind that is missing. */
		doc_bullet(d, "Start-up on %s: the run lacks the %s runner, so there is no comparison.", host,
			   c && c->n ? "vm" : "container");
	}
}
