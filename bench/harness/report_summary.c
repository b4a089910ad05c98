/* The summary at the top of the report, for a vSphere administrator who
 * must decide whether workloads move from VMs to containers on Kubernetes:
 * start-up, memory and instances per host, isolation gained and lost, and
 * the caveats without which the figures mislead.  Host by host, from the
 * newest folder of each benchmark; a benchmark not measured is said to be. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report_model.h"
#include "stats.h"

static double num_of(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

static void startup(struct doc *d, const struct report_input *in, const char *host)
{
	const struct report_folder *f = report_latest(in, "startup", host);
	const struct series *c, *v, *h;
	char a[32], b[32], x[32], p[32];

	if (!f) {
		doc_bullet(d, "Start-up: not measured on %s ('bench run startup').", host);
		return;
	}
	c = results_find(&f->res, "container", "ready");
	v = results_find(&f->res, "vm", "ready");
	h = results_find(&f->res, "host", "ready");
	if (c && v && c->n && v->n) {
		double cm = results_median(&f->res, "container", "ready"), vm = results_median(&f->res, "vm", "ready");

		doc_bullet(d,
			   "Start-up on host %s: a container was ready in %s ms (median of %zu), a VM in %s ms (median of %zu): "
			   "containers started %s times faster%s%s%s.",
			   host, report_num(a, sizeof(a), cm), c->n, report_num(b, sizeof(b), vm), v->n,
			   report_num(x, sizeof(x), cm > 0.0 ? vm / cm : NAN), h && h->n ? "; a plain process took " : "",
			   h && h->n ? report_num(p, sizeof(p), results_median(&f->res, "host", "ready")) : "",
			   h && h->n ? " ms" : "");
	} else {
		doc_bullet(d, "Start-up on %s: the run lacks the %s runner, so there is no comparison.", host,
			   c && c->n ? "vm" : "container");
	}
}

/* A runner's entry in the density capacity table. */
static json_t *density_runner(const struct report_folder *f, const char *runner)
{
	json_t *list = json_object_get(json_object_get(f->res.extra, "density"), "runners"), *r;
	size_t i;

	json_array_foreach(list, i, r) {
		const char *name = json_string_value(json_object_get(r, "runner"));

		if (name && strcmp(name, runner) == 0)
			return r;
	}
	return NULL;
}

static void density(struct doc *d, const struct report_input *in, const char *host)
{
	const struct report_folder *f = report_latest(in, "density", host);
	json_t *c, *v, *fit;
	size_t i;
	char a[32], b[32], x[32], y[32];

	if (!f) {
		doc_bullet(d, "Memory per instance and instances per host: not measured on %s ('bench run density').",
			   host);
		return;
	}
	c = density_runner(f, "container");
	v = density_runner(f, "vm");
	if (c && v) {
		double fall = results_median(&f->res, "container", "mem.host");

		doc_bullet(d,
			   "Memory on host %s: an idle container cost %s MiB (its cgroup), an idle VM is planned at %s MiB "
			   "(its guest memory; the QEMU process held %s MiB): about %s times more per instance.",
			   host, report_num(a, sizeof(a), num_of(c, "memory_mib")),
			   report_num(b, sizeof(b), num_of(v, "memory_mib")), report_num(x, sizeof(x), num_of(v, "pss_mib")),
			   report_num(y, sizeof(y), num_of(v, "memory_mib") / num_of(c, "memory_mib")));
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
				   host, hname ? hname : "?", report_num(a, sizeof(a), num_of(fit, "fit")),
				   k ? "VMs" : "containers", limit ? limit : "?",
				   report_num(b, sizeof(b), num_of(fit, "by_memory")),
				   report_num(x, sizeof(x), num_of(fit, "by_cpu")));
		}
	}
	/* The largest storm of each. */
	for (int k = 0; k < 2; k++) {
		const char *runner = k ? "vm" : "container";
		unsigned best = 0;
		double ready = NAN;

		for (size_t s = 0; s < f->res.nseries; s++) {
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

/* Channels with a verdict of leaks or host_coupled for runner/profile, as
 * a comma-separated list into buf; returns how many. */
static int leaking(json_t *list, const char *runner, const char *profile, char *buf, size_t sz)
{
	json_t *rec;
	size_t i, len = 0;
	int n = 0;

	buf[0] = '\0';
	json_array_foreach(list, i, rec) {
		const char *r = json_string_value(json_object_get(rec, "runner"));
		const char *p = json_string_value(json_object_get(rec, "profile"));
		const char *ch = json_string_value(json_object_get(rec, "channel"));
		const char *v = json_string_value(json_object_get(rec, "verdict"));

		if (!r || !ch || !v || strcmp(r, runner) != 0 || (profile && (!p || strcmp(p, profile) != 0)))
			continue;
		if (strcmp(v, "leaks") != 0 && strcmp(v, "host_coupled") != 0)
			continue;
		if (len < sz)
			len += (size_t)snprintf(buf + len, sz - len, "%s%s", n ? ", " : "", ch);
		n++;
	}
	return n;
}

static void isolation(struct doc *d, const struct report_input *in, const char *host)
{
	const struct report_folder *f = report_latest(in, "isolation", host);
	json_t *list = f ? json_object_get(f->res.extra, "isolation") : NULL;
	static const char *const profiles[] = { "plain", "hardened" };
	char buf[1024];
	bool any = false;

	if (!f || !json_is_array(list)) {
		doc_bullet(d, "Isolation: not measured on %s ('bench run isolation').", host);
		return;
	}
	for (size_t p = 0; p < 2; p++) {
		int n = leaking(list, "container", profiles[p], buf, sizeof(buf));

		if (n > 0)
			doc_bullet(d, "Isolation lost with containers (%s profile, %s): %d channels show the host's "
				      "value or move with host activity: %s. They share the host's kernel.",
				   profiles[p], host, n, buf);
		any |= n > 0;
	}
	if (!any && leaking(list, "container", NULL, buf, sizeof(buf)) > 0) {
		doc_bullet(d, "Isolation lost with containers (%s): %s.", host, buf);
		any = true;
	}
	{
		int n = leaking(list, "vm", NULL, buf, sizeof(buf));

		doc_bullet(d, "Isolation with VMs (%s): %s%s%s", host,
			   n ? "these channels still showed the host's value: " : "no channel showed the host's value",
			   n ? buf : "", n ? "." : ": the guest has its own kernel.");
	}
	if (!any)
		doc_bullet(d, "Containers (%s): no leaking channel recorded.", host);
}

static void syscall(struct doc *d, const struct report_input *in, const char *host)
{
	const struct report_folder *f = report_latest(in, "syscall", host);
	static const char *const calls[] = { "syscall.gethostname", "syscall.uname", "syscall.getpid" };
	char a[32], b[32], x[32];

	if (!f) {
		doc_bullet(d, "System calls: not measured on %s ('bench run syscall').", host);
		return;
	}
	for (size_t i = 0; i < 3; i++) {
		double h = results_median(&f->res, "host", calls[i]);
		double c = results_median(&f->res, "container", calls[i]);
		double v = results_median(&f->res, "vm", calls[i]);

		if (isnan(h))
			continue;
		doc_bullet(d, "System calls on %s: %s took %s ns on the host, %s ns in a container, %s ns in a VM.", host,
			   calls[i] + 8, report_num(a, sizeof(a), h), report_num(b, sizeof(b), c),
			   report_num(x, sizeof(x), v));
		return;
	}
	doc_bullet(d, "System calls on %s: the run holds no host figure to compare with.", host);
}

/* Noise and sample sizes over every folder. */
static void caveats(struct doc *d, const struct report_input *in)
{
	bool tcg = false, kvm = false;
	size_t noisy = 0, small = 0, total = 0;
	char names[512] = "";

	for (size_t i = 0; i < in->n; i++) {
		const char *accel = json_string_value(json_object_get(in->f[i].res.meta, "accel"));

		tcg |= accel && strcmp(accel, "tcg") == 0;
		kvm |= accel && strcmp(accel, "kvm") == 0;
		for (size_t k = 0; k < in->f[i].res.nseries; k++) {
			const struct series *s = &in->f[i].res.series[k];
			struct stats st;

			st = *series_stats(s);
			total++;
			if (s->n < 5)
				small++;
			if (st.mean > 0.0 && st.stddev / st.mean > 0.25) {
				if (noisy < 5)
					snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s %s %s",
						 noisy ? ", " : "", in->f[i].res.benchmark, s->runner, s->metric);
				noisy++;
			}
		}
	}
	if (tcg)
		doc_bullet(d, "Caveat, accelerator: the VMs ran under QEMU's TCG emulation (this host exposes no hardware "
			      "virtualisation). Their start-up and system-call figures measure emulation and overstate "
			      "what ESXi or KVM would cost; their memory figures hold.");
	else if (kvm)
		doc_bullet(d, "Caveat, accelerator: the VMs ran under KVM (hardware virtualisation), comparable with "
			      "a production hypervisor, though not ESXi itself.");
	else
		doc_bullet(d, "Caveat, accelerator: no VM run is among these folders.");
	doc_bullet(d, "Caveat, noise: %zu of %zu series spread widely (coefficient of variation above 25%%)%s%s%s. "
		      "Other work on the machine moves such figures; medians are quoted for that reason.",
		   noisy, total, noisy ? ", e.g. " : "", names, noisy > 5 ? ", ..." : "");
	doc_bullet(d, "Caveat, sample sizes: %zu of %zu series have fewer than 5 samples (VM runs and launch storms "
		      "are few because each takes seconds); treat those figures as indications.",
		   small, total);
	doc_bullet(d, "Caveat, scope: bench's containers are bare (namespaces and cgroups, no container runtime "
		      "shim, pause container, kubelet or image layers), and its workload is a tiny idle program. "
		      "Kubernetes adds per-pod and per-node overhead not measured here; a real workload's own memory "
		      "adds to both sides alike, and a VM also carries its guest operating system.");
}

void report_summary(struct doc *d, const struct report_input *in)
{
	const char *hosts[64];
	size_t nhosts = report_hosts(in, hosts, 64);

	doc_heading(d, 2, "Summary for a vSphere administrator");
	for (size_t h = 0; h < nhosts; h++) {
		if (nhosts > 1)
			doc_heading(d, 3, "Host %s", hosts[h]);
		startup(d, in, hosts[h]);
		density(d, in, hosts[h]);
		syscall(d, in, hosts[h]);
		isolation(d, in, hosts[h]);
	}
	if (nhosts > 1)
		doc_heading(d, 3, "Caveats");
	caveats(d, in);
}
