/* bench run memory: how fast memory answers on the host, in a container
 * and in a VM: STREAM's four kernels (GB/s) over arrays several times the
 * last-level cache, GUPS-like random updates over a table larger than it,
 * and a dependent pointer chase from 16 KiB to 4x the LLC (ns per access).
 * The sizes come from this host's LLC (hwloc) and stay within --memory, the
 * same for every runner so that the figures compare; the shared driver is
 * workload.c. */
#include <hwloc.h>
#include <stdio.h>
#include <string.h>

#include "cpu_memory.h"
#include "memory_plan.h"
#include "workload.h"

struct memory_bench {
	struct workload_bench w;
	struct memory_plan plan;
};

/* The first data cache hwloc knows at one of levels (0 when none). */
static uint64_t cache_bytes(hwloc_topology_t topo, const hwloc_obj_type_t *levels, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		hwloc_obj_t o = hwloc_get_obj_by_type(topo, levels[i], 0);

		if (o && o->attr && o->attr->cache.size)
			return o->attr->cache.size;
	}
	return 0;
}

/* The largest data cache hwloc knows here, and L2 (0 when not reported). */
static void cache_sizes(uint64_t *llc, uint64_t *l2)
{
	static const hwloc_obj_type_t levels[] = { HWLOC_OBJ_L5CACHE, HWLOC_OBJ_L4CACHE, HWLOC_OBJ_L3CACHE,
						   HWLOC_OBJ_L2CACHE, HWLOC_OBJ_L1CACHE };
	static const hwloc_obj_type_t level2[] = { HWLOC_OBJ_L2CACHE };
	hwloc_topology_t topo;

	*llc = *l2 = 0;
	if (hwloc_topology_init(&topo) != 0)
		return;
	if (hwloc_topology_load(topo) == 0) {
		*llc = cache_bytes(topo, levels, sizeof(levels) / sizeof(levels[0]));
		*l2 = cache_bytes(topo, level2, 1);
	}
	hwloc_topology_destroy(topo);
}

/* MemAvailable in MiB, 0 when it cannot be read. */
static uint64_t mem_available_mib(void)
{
	FILE *f = fopen("/proc/meminfo", "re");
	char line[128];
	unsigned long long kib = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kib) == 1)
			break;
	fclose(f);
	return kib >> 10;
}

static int plan_memory(struct memory_plan *plan, const struct run_options *o, bench_error *err)
{
	uint64_t llc, l2;

	cache_sizes(&llc, &l2);
	if (memory_plan_make(plan, llc, l2, o->memory_mib, o->memory_given, mem_available_mib()) < 0)
		return bench_fail_usage(err, "memory: --memory %u MiB leaves under 1 MiB for the arrays", o->memory_mib);
	return 0;
}

static void init_memory(void *ctx)
{
	struct memory_bench *b = ctx;

	b->w.task = BENCH_TASK_MEMORY;
	b->w.prefix = "memory";
}

static int prepare_memory(void *ctx, struct run_options *o, bench_error *err)
{
	struct memory_bench *b = ctx;
	struct memory_plan *p = &b->plan;

	if (plan_memory(p, o, err) < 0)
		return -1;
	/* Every runner gets it: the container's limit, the VM's guest. */
	o->memory_mib = p->memory_mib;
	snprintf(b->w.size_args[0], sizeof(b->w.size_args[0]), "--array-bytes=%llu", (unsigned long long)p->array);
	snprintf(b->w.size_args[1], sizeof(b->w.size_args[1]), "--gups-bytes=%llu", (unsigned long long)p->gups);
	snprintf(b->w.size_args[2], sizeof(b->w.size_args[2]), "--chase-max=%llu", (unsigned long long)p->chase);
	b->w.nsize_args = 3;
	return workload_prepare(&b->w, o, err);
}

static int run_memory(void *ctx, const struct run_options *o, struct session *ss, bench_error *err)
{
	struct memory_bench *b = ctx;
	const struct memory_plan *p = &b->plan;
	json_t *sizes = json_object();

	json_object_set_new(sizes, "llc_bytes", json_integer((json_int_t)p->llc));
	json_object_set_new(sizes, "l2_bytes", json_integer((json_int_t)p->l2));
	json_object_set_new(sizes, "array_bytes", json_integer((json_int_t)p->array));
	json_object_set_new(sizes, "gups_bytes", json_integer((json_int_t)p->gups));
	json_object_set_new(sizes, "chase_max_bytes", json_integer((json_int_t)p->chase));
	json_object_set_new(sizes, "chase_target_bytes", json_integer((json_int_t)p->chase_target));
	json_object_set_new(sizes, "chase_reaches_4x_llc", json_boolean(!p->chase_short));
	if (p->chase_short)
		json_object_set_new(sizes, "chase_short_why", json_string(p->why));
	json_object_set_new(sizes, "memory_mib", json_integer(p->memory_mib));
	json_object_set_new(sizes, "memory_raised", json_boolean(p->memory_raised));
	json_object_set_new(sizes, "capped_by_memory", json_boolean(p->arrays_capped));
	json_object_set_new(ss->res.meta, "memory_sizes", sizes);
	if (p->memory_raised)
		results_meta_note(ss->res.meta,
				  "--memory was not given: it is %u MiB here (for every runner: the container's limit, "
				  "the VM's guest memory), so that the pointer chase reaches 4x the last-level cache "
				  "(%llu MiB, hwloc).",
				  p->memory_mib, (unsigned long long)(p->llc >> 20));
	if (p->chase_short)
		results_meta_note(ss->res.meta,
				  "The pointer chase ends at %llu MiB, short of 4x the last-level cache (%llu MiB): %s.",
				  (unsigned long long)(p->chase >> 20), (unsigned long long)(p->chase_target >> 20),
				  p->why);
	if (p->arrays_capped)
		results_meta_note(ss->res.meta,
				  "The last-level cache is %llu MiB (hwloc), so STREAM's arrays (a quarter of --memory "
				  "%u MiB as given, for the time a TCG guest takes) are %llu MiB each and GUPS's table "
				  "%llu MiB: part of what they measure may be cache.  Raise --memory for larger arrays.",
				  (unsigned long long)(p->llc >> 20), o->memory_given ? o->memory_mib : OPTIONS_DEFAULT_MEMORY_MIB,
				  (unsigned long long)(p->array >> 20), (unsigned long long)(p->gups >> 20));
	return workload_run(&b->w, o, ss, err);
}

static void print_memory(void *ctx, FILE *out)
{
	workload_print(ctx, "memory.", out);
}

static bool finish_memory(void *ctx, const struct run_options *o, struct session *ss,
			  struct run_output_hooks *hooks)
{
	struct memory_bench *b = ctx;

	if (!workload_finish(&b->w, o, ss, hooks))
		return false;
	hooks->print = print_memory;
	return true;
}

/* Measured on a 2-core host with a 2-vCPU TCG guest: a STREAM kernel over
 * its arrays takes 10 to 230 ms a repetition there, GUPS 0.1 to 0.4 s, so a
 * batch of every kernel lasts about 4.5 s, and building the chase's rings
 * and the arrays about 5 s.  Elsewhere a batch lasts 10 ms, but the chase's
 * beyond the LLC (32768 dependent loads of 0.4 to 1 us: 13 to 33 ms), about
 * 50 ms more in all.  The chase runs one kernel per working set, 16 KiB
 * doubling to the plan's largest (memory_plan.h).  Each size's ring is
 * built once per run, a shuffle of every line: under TCG that set-up grows
 * with the largest size, so the 5 s measured with a 64 MiB chase are
 * scaled by it (an overestimate: the arrays' part stays the same). */
static double fit_memory(void *ctx, struct run_options *o, double budget_s)
{
	struct memory_plan plan;
	bench_error ignored = { 0 };
	struct workload_cost cost = {
		.kernels_both = 5, .kernels_one = 0, .emulated_round_s = 4.5, .emulated_setup_s = 5.0,
		.native_round_extra_s = 0.05,
	};

	if (plan_memory(&plan, o, &ignored) < 0)
		plan.chase = MEMORY_CHASE_MIN;
	for (uint64_t b = MEMORY_CHASE_MIN; b <= plan.chase; b *= 2)
		cost.kernels_one++;
	if (plan.chase > (64ull << 20))
		cost.emulated_setup_s *= (double)plan.chase / (double)(64ull << 20);
	return workload_fit_budget(&((struct memory_bench *)ctx)->w, o, budget_s, &cost);
}

const struct benchmark benchmark_memory = {
	.name = "memory",
	.summary = "memory bandwidth, latency and random updates on the host, in a container and in a VM",
	.help = "Memory kernels timed in batches inside the agent: STREAM's copy, scale, add\n"
		"and triad (GB/s) over three arrays sized from the last-level cache (hwloc),\n"
		"within a quarter of --memory, on one thread and on one thread per CPU;\n"
		"GUPS-like random updates (million updates/s) over a table as large; and a\n"
		"dependent pointer chase from 16 KiB doubling to 4x the LLC (ns per access).\n"
		"Without --memory, --memory is raised so that the chase reaches 4x the LLC\n"
		"(within half of MemAvailable); where it cannot, the results say why.\n"
		"Transparent huge pages as each workload sees them are recorded.  Default: 3\n"
		"agent runs of 10 batches per runner (2 of 5 where a runner starts slowly).\n\n",
	.options = workload_options,
	.ctx_size = sizeof(struct memory_bench),
	.init = init_memory,
	.prepare = prepare_memory,
	.run = run_memory,
	.finish = finish_memory,
	.plot = plot_memory,
	.legend = "`memory.<copy|scale|add|triad>.1t` is one thread's bandwidth in GB/s (bytes read and written, "
		  "as STREAM counts them), `.all` one thread per CPU together; `memory.gups.*` million random "
		  "updates per second; `memory.chase.<N>KiB` the ns of one dependent load over a working set of N "
		  "KiB.  ",
	.report_table = cpu_memory_section_table,
	.report_summary = memory_section_summary,
	.summary_rank = 36,
	.fit_budget = fit_memory,
};
