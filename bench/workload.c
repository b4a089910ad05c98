/* The shared driver of the workload benchmarks: see workload.h. */
#include "workload.h"

#include <hwloc.h>
#include <math.h>
#include <string.h>

#include "../lib/json_notes.h"
#include "harness/schedule.h"
#include "harness/stats.h"
#include "harness/suite.h"
#include "host_ratio.h"

/* Agent runs and batches: a runner that starts in seconds (a VM: its
 * default_runs) gets fewer of both; --quick fewer still. */
#define RUNS_FAST 3
#define RUNS_SLOW 2
#define BATCHES_FAST 10
#define BATCHES_SLOW 5
#define BATCHES_QUICK 3
#define TARGET_MS 10

/* ---- options ------------------------------------------------------------ */

int workload_parse_count(const char *opt, const char *value, unsigned long long max, unsigned long long *out,
			 bench_error *err)
{
	char *end;

	if (*value < '0' || *value > '9')
		return bench_fail_usage(err, "%s: '%s' is not a whole number", opt, value);
	*out = strtoull(value, &end, 10);
	if (*end || *out == 0 || *out > max)
		return bench_fail_usage(err, "%s: '%s' is not a number from 1 to %llu", opt, value, max);
	return 0;
}

static int set_batches(void *ctx, const char *value, bench_error *err)
{
	unsigned long long v = 0;

	if (workload_parse_count("--batches", value, WORKLOAD_BATCHES_MAX, &v, err) < 0)
		return -1;
	((struct workload_bench *)ctx)->batches = (unsigned)v;
	return 0;
}

static int set_target(void *ctx, const char *value, bench_error *err)
{
	unsigned long long v = 0;

	if (workload_parse_count("--target-ms", value, 10000, &v, err) < 0)
		return -1;
	((struct workload_bench *)ctx)->target_ms = (unsigned)v;
	return 0;
}

static int set_quick(void *ctx, const char *value, bench_error *err)
{
	(void)value;
	(void)err;
	((struct workload_bench *)ctx)->quick = true;
	return 0;
}

const struct bench_option workload_options[] = {
	{ "batches", "N", "timed batches per kernel and agent run (default 10; 5 on a runner that starts slowly)",
	  set_batches },
	{ "target-ms", "N", "a batch's length in ms, at least one repetition (default 10)", set_target },
	{ "quick", NULL, "a first look: one agent run and 3 batches per runner", set_quick },
	{ NULL, NULL, NULL, NULL },
};

/* ---- the processing unit ------------------------------------------------ */

int workload_first_pu(const char *cpus, unsigned *pu, bench_error *err)
{
	hwloc_topology_t topo;
	hwloc_bitmap_t set;
	hwloc_obj_t obj = NULL;
	int rc = -1;

	if (hwloc_topology_init(&topo) != 0)
		return bench_fail(err, 0, "hwloc: cannot initialise the topology");
	set = hwloc_bitmap_alloc();
	if (!set || hwloc_topology_load(topo) != 0) {
		bench_fail(err, 0, "hwloc: cannot load this machine's topology");
		goto out;
	}
	if (cpus[0] && hwloc_bitmap_list_sscanf(set, cpus) != 0) {
		bench_fail_usage(err, "--cpus: '%s' is not a CPU list", cpus);
		goto out;
	}
	if (!cpus[0])
		hwloc_bitmap_copy(set, hwloc_topology_get_allowed_cpuset(topo));
	obj = hwloc_get_next_obj_covering_cpuset_by_type(topo, set, HWLOC_OBJ_PU, NULL);
	if (!obj) {
		bench_fail(err, 0, "hwloc: no processing unit in '%s'", cpus[0] ? cpus : "the allowed set");
		goto out;
	}
	*pu = obj->os_index;
	rc = 0;
out:
	if (set)
		hwloc_bitmap_free(set);
	hwloc_topology_destroy(topo);
	return rc;
}

int workload_prepare(struct workload_bench *w, struct run_options *o, bench_error *err)
{
	w->timeout_ms = o->timeout_ms;
	if (o->warmup < 0)
		o->warmup = 0; /* the agent warms up each kernel itself */
	return workload_first_pu(o->cpus, &w->pu, err);
}

/* ---- collecting --------------------------------------------------------- */

static int add_batches(struct workload_bench *w, const char *runner, const struct workload_batches *b,
		       struct results *res, bench_error *err)
{
	char metric[48];
	struct series *s;

	workload_metric(w->prefix, b, metric, sizeof(metric));
	s = results_series(res, runner, metric, workload_unit_names[workload_kernel_units[b->kernel]], err);
	if (!s)
		return -1;
	for (int k = 0; k < b->n; k++)
		if (series_add(s, b->figure[k], err) < 0)
			return -1;
	return 0;
}

static int collect(void *ctx, struct runner *r, struct instance *in, bool measured, struct results *res,
		   bench_error *err)
{
	struct workload_bench *w = ctx;
	struct workload_runner_info *info = &w->info[w->ninfo - 1];
	const char *kernel = record_get(&in->ready, "kernel");

	workload_runner_info_next_instance(info);
	if (kernel)
		snprintf(info->kernel, sizeof(info->kernel), "%.64s", kernel);
	for (;;) {
		struct agent_record rec;
		struct workload_data data;
		int st;

		if (r->ops->collect(r, in, &rec, w->timeout_ms, err) < 0)
			return bench_error_prefix(err, "%s: collecting the batches", w->prefix);
		st = workload_data_apply(info, w->runner_batches, &rec, &data, err);
		if (st < 0)
			return bench_error_prefix(err, "%s", r->ops->name);
		if (st == 1)
			break;
		if (data.kind == WORKLOAD_DATA_BATCH && measured && add_batches(w, r->ops->name, &data.batch, res, err) < 0)
			return -1;
	}
	/* The cgroup is still there until destroy: what its CPU quota did to
	 * the multi-threaded kernels, summed over the instance's life. */
	if (r->ops->cgroup_cpu_throttled && runner_has(r->ops, RUNNER_CAP_CGROUP)) {
		uint64_t periods = 0, usec = 0;
		bench_error ignore = { 0 };

		if (r->ops->cgroup_cpu_throttled(r, in, &periods, &usec, &ignore) == 0) {
			info->have_throttle = true;
			info->nr_throttled += periods;
			info->throttled_usec += usec;
		}
	}
	return 0;
}

/* The task's arguments for one runner, one word each for a VM's kernel
 * command line: a guest numbers its vCPUs from 0, the others get --cpus. */
static void task_args(struct workload_bench *w, const struct run_options *o, const struct runner_ops *ops,
		      struct schedule *s)
{
	int n = 0;

	if (runner_has(ops, RUNNER_CAP_GUEST_KERNEL))
		snprintf(w->args[n++], sizeof(w->args[0]), "--threads=%u", o->ncpus ? o->ncpus : 1);
	else if (o->cpus[0])
		snprintf(w->args[n++], sizeof(w->args[0]), "--cpus=%s", o->cpus);
	else
		snprintf(w->args[n++], sizeof(w->args[0]), "--cpus=%u", w->pu);
	snprintf(w->args[n++], sizeof(w->args[0]), "--batches=%u", w->runner_batches);
	snprintf(w->args[n++], sizeof(w->args[0]), "--target-ms=%u", w->target_ms ? w->target_ms : TARGET_MS);
	for (int i = 0; i < n; i++)
		s->task_args[i] = w->args[i];
	for (int i = 0; i < w->nsize_args; i++)
		s->task_args[n++] = w->size_args[i];
	s->task_nargs = n;
}

int workload_run(struct workload_bench *w, const struct run_options *o, struct session *ss, bench_error *err)
{
	json_object_set_new(ss->res.meta, "first_pu", json_integer(w->pu));
	for (int i = 0; i < o->nrunners; i++) {
		const struct runner_ops *ops = runner_find(o->runners[i]);
		bool slow = ops && ops->default_runs != 0;
		struct run_options one = *o;
		struct schedule s = {
			.opts = &one, .agent_path = ss->agent, .run_id = ss->run_id, .task = w->task,
			.res = &ss->res, .after_ready = collect, .ctx = w,
		};
		struct workload_runner_info *info = &w->info[w->ninfo++];

		if (!ops)
			return bench_fail(err, 0, "no runner '%s'", o->runners[i]);
		memset(info, 0, sizeof(*info));
		snprintf(info->runner, sizeof(info->runner), "%s", o->runners[i]);
		one.runners[0] = o->runners[i];
		one.nrunners = 1;
		if (one.runs < 0)
			one.runs = w->quick ? 1 : slow ? RUNS_SLOW : RUNS_FAST;
		w->runner_batches = w->batches ? w->batches : w->quick ? BATCHES_QUICK : slow ? BATCHES_SLOW : BATCHES_FAST;
		task_args(w, o, ops, &s);
		if (schedule_run(&s, err) < 0)
			return -1;
	}
	return 0;
}

/* ---- bench run all ------------------------------------------------------ */

static double estimate(const struct workload_bench *w, const struct run_options *o, const struct workload_cost *c)
{
	unsigned variants = c->kernels_both * (o->ncpus > 1 ? 2 : 1) + c->kernels_one;
	double target_s = (w->target_ms ? w->target_ms : TARGET_MS) / 1e3, total = 0;

	for (int i = 0; i < o->nrunners; i++) {
		const struct runner_ops *ops = runner_find(o->runners[i]);
		bool slow = ops && ops->default_runs != 0;
		int runs = o->runs > 0 ? o->runs : w->quick ? 1 : slow ? RUNS_SLOW : RUNS_FAST;
		unsigned batches = w->batches ? w->batches : w->quick ? BATCHES_QUICK : slow ? BATCHES_SLOW : BATCHES_FAST;
		double one;

		if (!ops)
			continue;
		/* Each kernel: a warm-up repetition and the growing ones, about
		 * one batch more; under TCG each repetition outlasts a batch. */
		if (suite_emulated(ops->name))
			one = c->emulated_setup_s + (batches + 2) * c->emulated_round_s;
		else
			one = 0.2 + (batches + 1) * (variants * target_s + c->native_round_extra_s);
		total += (runs + (o->warmup > 0 ? o->warmup : 0)) * (suite_start_s(ops->name) + one);
	}
	return total;
}

double workload_fit_budget(struct workload_bench *w, struct run_options *o, double budget_s,
			   const struct workload_cost *c)
{
	/* The defaults, then fewer runs and batches, at last --quick's. */
	static const struct {
		int runs;
		unsigned batches;
	} steps[] = { { -1, 0 }, { 2, 5 }, { 1, 5 }, { 1, BATCHES_QUICK } };
	bool runs_free = o->runs < 0;

	for (size_t i = 0; budget_s > 0 && i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (runs_free)
			o->runs = steps[i].runs;
		w->batches = steps[i].batches;
		if (estimate(w, o, c) <= budget_s)
			break;
	}
	return estimate(w, o, c);
}

/* ---- conclusions -------------------------------------------------------- */

/* The host's own model name and the same few flags the agent reports. */
static void host_cpu(char *model, size_t msz, char *flags, size_t fsz)
{
	static const char *const names[] = { "sse4_2", "aes", "avx", "fma", "avx2", "avx512f", "sha_ni", "hypervisor" };
	char line[4096];
	FILE *f = fopen("/proc/cpuinfo", "re");

	snprintf(model, msz, "unknown");
	flags[0] = '\0';
	while (f && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (!colon)
			continue;
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "model name", 10) == 0 && strcmp(model, "unknown") == 0)
			snprintf(model, msz, "%s", colon + 2);
		if (strncmp(line, "flags", 5) == 0 && !flags[0]) {
			/* A space after the last flag, so each is matched whole. */
			if (strlen(line) + 1 < sizeof(line))
				memcpy(line + strlen(line), " ", 2);
			for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
				char word[32];

				snprintf(word, sizeof(word), " %s ", names[i]);
				if (strstr(colon, word))
					snprintf(flags + strlen(flags), fsz - strlen(flags), "%s%s", flags[0] ? "," : "",
						 names[i]);
			}
			if (!flags[0])
				snprintf(flags, fsz, "none");
		}
	}
	if (f)
		fclose(f);
}

static void host_thp(char *buf, size_t sz)
{
	char text[128] = "";
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "re");
	char *l, *r;

	snprintf(buf, sz, "unreadable");
	if (!f)
		return;
	if (fgets(text, sizeof(text), f) && (l = strchr(text, '[')) && (r = strchr(l, ']')) && r > l + 1)
		snprintf(buf, sz, "%.*s", (int)(r - l - 1), l + 1);
	fclose(f);
}

static void explain(struct results *res, const struct workload_runner_info *ri, const char *host_flags,
		    const char *host_thp)
{
	const char *accel = json_string_value(json_object_get(res->meta, "accel"));
	bool guest = results_runner_has(res, ri->runner, "guest_kernel");

	if (!ri->have_info && !ri->kernel[0])
		return;
	if (results_runner_has(res, ri->runner, "baseline"))
		results_meta_note(res->meta,
				  "%s: a plain process on the host (%s), every thread pinned to its CPU; the figures "
				  "the others are divided by.",
				  ri->runner, ri->info.model);
	else if (results_runner_has(res, ri->runner, "namespaces"))
		results_meta_note(res->meta,
				  "%s: the host's CPU and kernel behind namespaces and a cgroup: the same instructions "
				  "on the same cores, so ratios near 1 are expected; a CPU quota (cpu.max) that "
				  "throttles shows as nr_throttled above 0.",
				  ri->runner);
	else if (guest && accel && strcmp(accel, "tcg") == 0)
		results_meta_note(res->meta,
				  "%s (TCG): QEMU translates every guest instruction in software, so these figures are "
				  "EMULATION, not virtualisation, and say nothing about KVM or ESXi; the guest's CPU "
				  "model is '%s' with flags %s (the host's: %s).",
				  ri->runner, ri->info.model, ri->info.flags, host_flags);
	else if (guest)
		results_meta_note(res->meta,
				  "%s (%s): each vCPU is a host thread; the guest sees CPU '%s' with flags %s (the "
				  "host's: %s): a flag the VM's CPU model hides changes which code runs; memory "
				  "accesses that miss the TLB walk nested page tables.",
				  ri->runner, accel ? accel : "accelerator unknown", ri->info.model, ri->info.flags,
				  host_flags);
	if (ri->skipped[0])
		results_meta_note(res->meta, "%s: not run: %s", ri->runner, ri->skipped);
	if (ri->have_info && strcmp(ri->info.thp, "unreadable") == 0 && !guest)
		results_meta_note(res->meta,
				  "%s: transparent huge pages cannot be read inside (no /sys); it shares the host's "
				  "kernel, whose setting is '%s'.",
				  ri->runner, host_thp);
	else if (ri->have_info)
		results_meta_note(res->meta, "%s: transparent huge pages '%s' as the workload reads them (the host: '%s').",
				  ri->runner, ri->info.thp, host_thp);
	if (ri->have_info && !ri->info.pinned)
		results_meta_note(res->meta, "%s: the agent's threads could not be pinned to their CPUs", ri->runner);
	if (ri->have_throttle && ri->nr_throttled > 0)
		results_meta_note(res->meta,
				  "%s: the cgroup's CPU quota throttled the workload %llu times, %.3f s in all: the "
				  "multi-threaded figures are held down by cpu.max, not by the CPU.",
				  ri->runner, (unsigned long long)ri->nr_throttled, (double)ri->throttled_usec / 1e6);
}

bool workload_finish(struct workload_bench *w, const struct run_options *o, struct session *ss,
		     struct run_output_hooks *hooks)
{
	json_t *meta = json_object(), *runners = json_object(), *host = json_object();
	char prefix[40], model[128], flags[160], thp[32];
	bench_error err = { 0 };

	(void)o;
	if (!run_output_has_samples(&ss->res) || !meta || !runners || !host) {
		json_decref(meta);
		json_decref(runners);
		json_decref(host);
		return run_output_has_samples(&ss->res);
	}
	snprintf(prefix, sizeof(prefix), "%s.", w->prefix);
	session_check(ss, host_ratios(&ss->res, prefix, &err), &err);
	host_cpu(model, sizeof(model), flags, sizeof(flags));
	host_thp(thp, sizeof(thp));
	json_object_set_new(host, "model", json_string(model));
	json_object_set_new(host, "flags", json_string(flags));
	json_object_set_new(host, "thp", json_string(thp));
	json_object_set_new(meta, "host", host);
	json_object_set_new(meta, "ratio_ci", json_string("percentile bootstrap of the ratio of medians, 2000 "
							 "resamples, fixed seed"));
	for (int i = 0; i < w->ninfo; i++) {
		const struct workload_runner_info *ri = &w->info[i];
		json_t *r = json_object();

		if (!r)
			continue;
		json_object_set_new(r, "kernel", json_string(ri->kernel));
		if (ri->have_info || ri->info.model[0]) {
			json_object_set_new(r, "model", json_string(ri->info.model));
			json_object_set_new(r, "flags", json_string(ri->info.flags));
			json_object_set_new(r, "thp", json_string(ri->info.thp));
			json_object_set_new(r, "threads", json_integer(ri->info.threads));
			json_object_set_new(r, "pinned", json_boolean(ri->info.pinned));
		}
		if (ri->skipped[0])
			json_object_set_new(r, "skipped", json_string(ri->skipped));
		if (ri->have_throttle) {
			json_object_set_new(r, "nr_throttled", json_integer((json_int_t)ri->nr_throttled));
			json_object_set_new(r, "throttled_usec", json_integer((json_int_t)ri->throttled_usec));
		}
		json_object_set_new(runners, ri->runner, r);
		explain(&ss->res, ri, flags, thp);
	}
	json_object_set_new(meta, "runners", runners);
	json_object_set_new(ss->res.meta, w->prefix, meta);
	hooks->ctx = &ss->res;
	return true;
}

void workload_print(const struct results *res, const char *prefix, FILE *out)
{
	const char *runners[OPTIONS_RUNNERS_MAX];
	size_t plen = strlen(prefix);
	int nrunners = 0;

	for (size_t i = 0; i < res->nseries && nrunners < OPTIONS_RUNNERS_MAX; i++) {
		int seen = 0;

		for (int r = 0; r < nrunners; r++)
			seen |= strcmp(runners[r], res->series[i].runner) == 0;
		if (!seen && strncmp(res->series[i].metric, prefix, plen) == 0)
			runners[nrunners++] = res->series[i].runner;
	}
	if (nrunners == 0)
		return;
	fputs("\nMedian per kernel (ratio to host [95% CI])\n", out);
	fprintf(out, "  %-22s %-8s", "kernel", "unit");
	for (int r = 0; r < nrunners; r++)
		fprintf(out, " %-30s", runners[r]);
	fputc('\n', out);
	/* One row per metric, in the order the first runner measured them. */
	for (size_t i = 0; i < res->nseries; i++) {
		const struct series *first = &res->series[i];
		bool earlier = false;

		if (strncmp(first->metric, prefix, plen) != 0)
			continue;
		for (size_t k = 0; k < i; k++)
			earlier |= strcmp(res->series[k].metric, first->metric) == 0;
		if (earlier)
			continue;
		fprintf(out, "  %-22s %-8s", first->metric + plen, first->unit);
		for (int r = 0; r < nrunners; r++) {
			const struct series *s = results_find(res, runners[r], first->metric);
			json_t *lo = s ? json_object_get(s->extra, "ratio_ci95_lo") : NULL;
			json_t *hi = s ? json_object_get(s->extra, "ratio_ci95_hi") : NULL;
			json_t *ratio = s ? json_object_get(s->extra, "ratio_to_host") : NULL;
			char cell[64];

			if (!s || s->n == 0) {
				fprintf(out, " %-30s", "-");
				continue;
			}
			if (lo && hi && ratio)
				snprintf(cell, sizeof(cell), "%.4g (%.2fx [%.2f, %.2f])", series_stats(s)->median,
					 json_real_value(ratio), json_real_value(lo), json_real_value(hi));
			else
				snprintf(cell, sizeof(cell), "%.4g", series_stats(s)->median);
			fprintf(out, " %-30s", cell);
		}
		fputc('\n', out);
	}
}
