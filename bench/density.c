/* bench run density: what an idle instance costs the host (memory,
 * processes, threads), how start and teardown scale when N instances are
 * launched at once, and from these how many instances of each kind fit in
 * this machine and in a host described on the command line. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/benchmark.h"
#include "harness/progress.h"
#include "harness/run_output.h"
#include "harness/schedule.h"
#include "harness/session.h"
#include "startup.h"
#include "harness/stats.h"
#include "harness/suite.h"
#include "density.h"

#define DEFAULT_RESERVE_GIB 1.0
#define DEFAULT_VCPU_RATIO 4.0
#define DEFAULT_CONTAINER_CPU 0.1
/* A guess at a VM's footprint for the default storm size: QEMU's own
 * overhead comes on top of the guest's memory. */
#define QEMU_OVERHEAD_GUESS_MIB 64.0
#define CONTAINER_GUESS_MIB 16.0

struct density_opts {
	unsigned storm_max, storm_max_vm;   /* 0: fitted to this machine */
	double host_memory_gib, host_cpus;  /* 0: no target host */
	double reserve_gib, vcpu_ratio, container_cpu;
};

static int parse_positive(const char *what, const char *value, double max, double *out, bench_error *err)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(value, &end);
	if (errno || end == value || *end || !(v > 0.0) || v > max)
		return bench_fail_usage(err, "--%s: '%s' is not a number above 0 and at most %g", what, value, max);
	*out = v;
	return 0;
}

static int parse_count(const char *what, const char *value, unsigned max, unsigned *out, bench_error *err)
{
	double v = 0.0;

	if (parse_positive(what, value, max, &v, err) < 0)
		return -1;
	if (v != floor(v))
		return bench_fail_usage(err, "--%s: '%s' is not a whole number", what, value);
	*out = (unsigned)v;
	return 0;
}

static int set_storm_max(void *ctx, const char *v, bench_error *err)
{
	return parse_count("storm-max", v, 1024, &((struct density_opts *)ctx)->storm_max, err);
}

static int set_storm_max_vm(void *ctx, const char *v, bench_error *err)
{
	return parse_count("storm-max-vm", v, 64, &((struct density_opts *)ctx)->storm_max_vm, err);
}

static int set_host_memory(void *ctx, const char *v, bench_error *err)
{
	return parse_positive("host-memory", v, 1 << 20, &((struct density_opts *)ctx)->host_memory_gib, err);
}

static int set_host_cpus(void *ctx, const char *v, bench_error *err)
{
	return parse_positive("host-cpus", v, 1 << 16, &((struct density_opts *)ctx)->host_cpus, err);
}

static int set_reserve(void *ctx, const char *v, bench_error *err)
{
	/* 0 is a fair answer here: nothing reserved. */
	if (strcmp(v, "0") == 0) {
		((struct density_opts *)ctx)->reserve_gib = 0.0;
		return 0;
	}
	return parse_positive("host-reserve", v, 1 << 20, &((struct density_opts *)ctx)->reserve_gib, err);
}

static int set_vcpu_ratio(void *ctx, const char *v, bench_error *err)
{
	return parse_positive("vcpu-ratio", v, 64, &((struct density_opts *)ctx)->vcpu_ratio, err);
}

static int set_container_cpu(void *ctx, const char *v, bench_error *err)
{
	return parse_positive("container-cpu", v, 1024, &((struct density_opts *)ctx)->container_cpu, err);
}

static const struct bench_option density_options[] = {
	{ "storm-max", "N", "largest launch storm of containers and host processes (default: fitted)",
	  set_storm_max },
	{ "storm-max-vm", "N", "largest launch storm of VMs (default: fitted, 2 per CPU)", set_storm_max_vm },
	{ "host-memory", "GiB", "also fit instances into a host of this memory (e.g. a vSphere host)",
	  set_host_memory },
	{ "host-cpus", "N", "and this many physical CPUs (default: this machine's)", set_host_cpus },
	{ "host-reserve", "GiB", "memory a host keeps for itself (default 1)", set_reserve },
	{ "vcpu-ratio", "R", "vCPUs per physical CPU allowed for VMs (default 4)", set_vcpu_ratio },
	{ "container-cpu", "C", "CPU request per container, in CPUs (default 0.1)", set_container_cpu },
	{ NULL, NULL, NULL, NULL },
};

/* A runner whose instances are guests, each with its memory set aside. */
static bool is_vm(const struct runner_ops *ops)
{
	return runner_has(ops, RUNNER_CAP_GUEST_KERNEL);
}

/* Records one storm: its total times, with the instance count alongside. */
static int record_storm(struct results *res, const char *runner, const struct storm_result *sr, bench_error *err)
{
	const char *what[2] = { "ready", "gone" };
	double v[2] = { sr->ready_ms, sr->gone_ms };

	for (int i = 0; i < 2; i++) {
		char metric[48];
		struct series *s;

		snprintf(metric, sizeof(metric), "storm.%u.%s", sr->n, what[i]);
		s = results_series(res, runner, metric, "ms", err);
		if (!s || series_add(s, v[i], err) < 0)
			return -1;
		if (!s->extra)
			s->extra = json_object();
		json_object_set_new(s->extra, "instances", json_integer(sr->n));
	}
	return 0;
}

/* Every storm of one runner, warm-ups first (their figures are dropped). */
static int run_runner(const struct run_options *opts, const struct density_opts *d, const struct runner_ops *ops,
		      const struct run_config *cfg, uint64_t mem_avail_mib, unsigned *seq, struct results *res,
		      bench_error *err)
{
	struct runner r = { .ops = ops, .cfg = cfg };
	unsigned sizes[DENSITY_STORMS_MAX], max;
	int nsizes, repeats, warmup, rc = 0;
	size_t total = 0;
	struct progress bar;

	if (is_vm(ops))
		max = d->storm_max_vm ? d->storm_max_vm
				      : density_default_storm_max(true, mem_avail_mib, cfg->ncpus,
								  cfg->memory_mib + QEMU_OVERHEAD_GUESS_MIB);
	else
		max = d->storm_max ? d->storm_max
				   : density_default_storm_max(false, mem_avail_mib, cfg->ncpus, CONTAINER_GUESS_MIB);
	nsizes = density_storm_sizes(max, sizes, DENSITY_STORMS_MAX);
	/* Storms of VMs take seconds each: one of each size by default. */
	repeats = opts->runs > 0 ? opts->runs : (ops->default_runs ? 1 : 3);
	warmup = opts->warmup >= 0 ? opts->warmup : 1;
	for (int i = 0; i < nsizes; i++)
		total += sizes[i];
	if (ops->prepare(&r, err) < 0)
		return -1;
	if (r.remote)
		results_meta_note(res->meta,
				  "density: %s: PSS, RSS, processes and the host's MemAvailable fall per instance are not "
				  "measurable over a remote connection (%s): its instances run on another machine (the "
				  "storms' times are measured as usual)",
				  ops->name, r.remote);
	results_record_runner_caps(res, ops);
	if (ops->describe)
		ops->describe(&r, res->meta);
	progress_start(&bar, ops->name, (size_t)warmup + total * (size_t)repeats, !opts->quiet);
	for (int w = 0; w < warmup && rc == 0; w++) {
		struct results scratch;
		struct storm_result sr;

		results_init(&scratch, "density");
		rc = density_storm(&r, 1, (*seq)++, &scratch, &sr, err);
		results_free(&scratch);
		if (rc == 0)
			progress_tick(&bar, sr.ready_ms);
	}
	for (int i = 0; i < nsizes && rc == 0; i++)
		for (int k = 0; k < repeats && rc == 0; k++) {
			struct storm_result sr;

			rc = density_storm(&r, sizes[i], *seq, res, &sr, err);
			*seq += sizes[i];
			if (rc == 0)
				rc = record_storm(res, ops->name, &sr, err);
			for (unsigned t = 0; t < sizes[i] && rc == 0; t++)
				progress_tick(&bar, sr.ready_ms / sizes[i]);
		}
	progress_done(&bar);
	runner_finish(&r);
	return rc;
}

static double meta_number(const json_t *meta, const char *key)
{
	json_t *v = json_object_get(meta, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

static json_t *host_json(const char *name, const struct density_host *h)
{
	return json_pack("{s:s, s:f, s:f, s:f, s:f}", "name", name, "memory_mib", h->memory_mib, "reserve_mib",
			 h->reserve_mib, "cpus", h->cpus, "vcpu_ratio", h->vcpu_ratio);
}

/* The capacity table: each runner's planning figures and how many fit in
 * each host, into the results' "density" extra and as notes. */
static int capacity(struct results *res, const struct density_opts *d, const struct run_config *cfg,
		    bench_error *err)
{
	struct density_host hosts[2];
	const char *host_names[2] = { "this machine", "target host" };
	int nhosts = 1;
	json_t *doc = json_object(), *jhosts = json_array(), *jrunners = json_array();
	double mem_total = meta_number(res->meta, "mem_total_mib");
	double cpus = meta_number(res->meta, "online_cpus");
	const char *seen[OPTIONS_RUNNERS_MAX];
	int nseen = 0;

	if (!doc || !jhosts || !jrunners) {
		json_decref(doc), json_decref(jhosts), json_decref(jrunners);
		return bench_fail(err, ENOMEM, "density: capacity");
	}
	json_object_set_new(doc, "hosts", jhosts);
	json_object_set_new(doc, "runners", jrunners);
	json_object_set_new(res->extra, "density", doc);
	hosts[0] = (struct density_host){ .memory_mib = isnan(mem_total) ? 0.0 : mem_total,
					  .reserve_mib = d->reserve_gib * 1024.0,
					  .cpus = isnan(cpus) ? 1.0 : cpus,
					  .vcpu_ratio = d->vcpu_ratio };
	if (d->host_memory_gib > 0.0) {
		hosts[1] = hosts[0];
		hosts[1].memory_mib = d->host_memory_gib * 1024.0;
		if (d->host_cpus > 0.0)
			hosts[1].cpus = d->host_cpus;
		nhosts = 2;
	}
	for (int h = 0; h < nhosts; h++)
		json_array_append_new(jhosts, host_json(host_names[h], &hosts[h]));

	for (size_t i = 0; i < res->nseries; i++) {
		const char *runner = res->series[i].runner;
		bool vm = results_runner_has(res, runner, "guest_kernel"), ctr = results_runner_has(res, runner, "cgroup"),
		     dup = false;
		double pss = results_median(res, runner, "mem.pss"), rss = results_median(res, runner, "mem.rss");
		double cg = results_median(res, runner, "mem.cgroup"), measured = pss;
		double guest = vm ? meta_number(res->meta, "memory_mib") : NAN;
		double vcpus = vm ? meta_number(res->meta, "vcpus") : NAN;
		struct density_need need;
		const char *basis = "PSS of the agent";
		json_t *jr, *jfits;

		for (int k = 0; k < nseen; k++)
			dup |= strcmp(seen[k], runner) == 0;
		if (dup || isnan(pss) || nseen == OPTIONS_RUNNERS_MAX)
			continue;
		seen[nseen++] = runner;
		if (ctr) {
			measured = isnan(cg) || pss > cg ? pss : cg;
			basis = "the larger of its cgroup's memory use and the PSS of its processes";
		}
		if (vm) {
			if (isnan(guest))
				guest = cfg->memory_mib;
			basis = "the guest memory configured or the QEMU process's PSS, whichever is larger";
		}
		need = (struct density_need){
			.memory_mib = density_planning_memory(vm, measured, guest, pss),
			.cpus = vm ? (isnan(vcpus) ? (cfg->ncpus ? cfg->ncpus : 1) : vcpus) : d->container_cpu,
			.vm = vm,
		};
		jfits = json_array();
		jr = json_pack("{s:s, s:f, s:s, s:f, s:f, s:f, s:o}", "runner", runner, "memory_mib", need.memory_mib,
			       "memory_basis", basis, "pss_mib", pss, "rss_mib", rss, "cpus", need.cpus, "fit", jfits);
		if (!jr)
			return bench_fail(err, ENOMEM, "density: capacity");
		if (!isnan(cg))
			json_object_set_new(jr, "cgroup_mib", json_real(cg));
		if (vm)
			json_object_set_new(jr, "guest_mib", json_real(guest));
		json_array_append_new(jrunners, jr);
		for (int h = 0; h < nhosts; h++) {
			struct density_fit fit;

			if (density_fit(&hosts[h], &need, &fit, err) < 0)
				return bench_error_prefix(err, "%s", runner);
			json_array_append_new(jfits, json_pack("{s:s, s:I, s:I, s:I, s:s}", "host", host_names[h],
							       "by_memory", (json_int_t)fit.by_memory, "by_cpu",
							       (json_int_t)fit.by_cpu, "fit", (json_int_t)fit.fit,
							       "limit", fit.limit));
			results_meta_note(res->meta,
					  "density: %s needs %.3g MiB and %.2g CPU per idle instance; %s (%.0f GiB, "
					  "%.0f CPUs) fits %ld (memory allows %ld, CPUs %ld)",
					  runner, need.memory_mib, need.cpus, host_names[h],
					  hosts[h].memory_mib / 1024.0, hosts[h].cpus, fit.fit, fit.by_memory, fit.by_cpu);
		}
	}
	return 0;
}

/* The options' set() take this as a struct density_opts: it comes first. */
struct density_cmd {
	struct density_opts d;
	uint64_t mem_avail_mib;     /* MemAvailable before the first storm */
	struct run_config cfg;      /* every runner's, from the options */
};

static void init_density(void *ctx)
{
	((struct density_cmd *)ctx)->d = (struct density_opts){ .reserve_gib = DEFAULT_RESERVE_GIB,
								.vcpu_ratio = DEFAULT_VCPU_RATIO,
								.container_cpu = DEFAULT_CONTAINER_CPU };
}

static int prepare_density(void *ctx, struct run_options *o, bench_error *err)
{
	struct density_cmd *c = ctx;

	(void)o;
	if (c->d.host_cpus > 0.0 && !(c->d.host_memory_gib > 0.0))
		return bench_fail_usage(err, "--host-cpus needs --host-memory (the target host's size)");
	if (density_mem_available_kib(&c->mem_avail_mib, err) < 0) {
		err->exit_code = BENCH_EXIT_FAIL;
		return -1;
	}
	c->mem_avail_mib /= 1024;
	return 0;
}

static int run_density(void *ctx, const struct run_options *o, struct session *ss, bench_error *err)
{
	struct density_cmd *c = ctx;
	unsigned seq = 0;
	int rc = 0;

	c->cfg = run_config_from_options(o, ss->agent, ss->run_id, NULL);
	for (int i = 0; i < o->nrunners && rc == 0; i++) {
		const struct runner_ops *ops = runner_find(o->runners[i]);

		rc = ops ? run_runner(o, &c->d, ops, &c->cfg, c->mem_avail_mib, &seq, &ss->res, err)
			 : bench_fail_usage(err, "unknown runner '%s'", o->runners[i]);
	}
	return rc;
}

static bool finish_density(void *ctx, const struct run_options *o, struct session *ss,
			   struct run_output_hooks *hooks)
{
	struct density_cmd *c = ctx;
	bench_error err = { 0 };

	(void)o, (void)hooks;
	return run_output_has_samples(&ss->res) &&
	       session_check(ss, capacity(&ss->res, &c->d, &c->cfg, &err), &err) == 0;
}

/* Every storm of every runner, each instance a start (a storm's starts
 * overlap, but on a small host they queue for the same CPUs), and the
 * idle measurement. */
static double density_estimate(const struct density_cmd *c, const struct run_options *o)
{
	uint64_t avail_kib = 0;
	bench_error ignored;
	unsigned cpus = o->ncpus ? o->ncpus : (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	double s = 5;

	if (density_mem_available_kib(&avail_kib, &ignored) < 0)
		avail_kib = 1024 * 1024;
	for (int i = 0; i < o->nrunners; i++) {
		const struct runner_ops *ops = runner_find(o->runners[i]);
		unsigned sizes[DENSITY_STORMS_MAX], max, total = 0;
		int n, repeats, warmup = o->warmup >= 0 ? o->warmup : 1;

		if (!ops)
			continue;
		if (is_vm(ops))
			max = c->d.storm_max_vm ? c->d.storm_max_vm
						: density_default_storm_max(true, avail_kib / 1024, cpus,
									    o->memory_mib + QEMU_OVERHEAD_GUESS_MIB);
		else
			max = c->d.storm_max ? c->d.storm_max
					     : density_default_storm_max(false, avail_kib / 1024, cpus, CONTAINER_GUESS_MIB);
		n = density_storm_sizes(max, sizes, DENSITY_STORMS_MAX);
		repeats = o->runs > 0 ? o->runs : (ops->default_runs ? 1 : 3);
		for (int k = 0; k < n; k++)
			total += sizes[k];
		s += (warmup + (double)total * repeats) * suite_start_s(ops->name);
	}
	return s;
}

/* Smaller storms first (a VM storm of 2 still shows them queueing), then
 * one of each size. */
static double fit_density(void *ctx, struct run_options *o, double budget_s)
{
	struct density_cmd *c = ctx;
	bool runs_free = o->runs < 0;

	if (budget_s <= 0 || density_estimate(c, o) <= budget_s)
		return density_estimate(c, o);
	if (!c->d.storm_max_vm)
		c->d.storm_max_vm = 2;
	if (density_estimate(c, o) > budget_s && runs_free)
		o->runs = 1;
	for (unsigned m = 32; m >= 4 && !c->d.storm_max && density_estimate(c, o) > budget_s; m /= 2)
		c->d.storm_max = m;
	return density_estimate(c, o);
}

const struct benchmark benchmark_density = {
	.name = "density",
	.summary = "memory and processes per idle instance, launch storms, instances per host",
	.help = "What an idle agent costs the host in each runner (memory: PSS and RSS of its\n"
		"processes, a container's cgroup memory, a VM's guest memory; processes and\n"
		"threads), launch storms of 1, 2, 4 ... instances at once (time until all are\n"
		"READY and until all are gone), and how many instances fit in this machine and\n"
		"in a host given by --host-memory and --host-cpus.  --runs is the number of\n"
		"storms of each size (default 3; 1 for VMs).\n\n",
	.options = density_options,
	.ctx_size = sizeof(struct density_cmd),
	.init = init_density,
	.prepare = prepare_density,
	.run = run_density,
	.finish = finish_density,
	.plot = plot_density,
	/* Its storms' metrics end in ready and gone, as startup's do. */
	.legend = STARTUP_LEGEND,
	.report_table = density_report_table,
	.report_summary = density_report_summary,
	.summary_rank = 20,
	.fit_budget = fit_density,
	.fleet_metrics = "mem.host,mem.pss,proc.processes",
};
