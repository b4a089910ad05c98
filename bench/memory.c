/* bench run memory: how fast memory answers on the host, in a container
 * and in a VM: STREAM's four kernels (GB/s) over arrays several times the
 * last-level cache, GUPS-like random updates over a table larger than it,
 * and a dependent pointer chase from 16 KiB to 4x the LLC (ns per access).
 * The sizes come from this host's LLC (hwloc) and stay within --memory, the
 * same for every runner so that the figures compare; the shared driver is
 * workload.c. */
#include <hwloc.h>
#include <string.h>

#include "cpu_memory.h"
#include "workload.h"

/* Everything the agent allocates at once stays within this share of
 * --memory: a VM's kernel and a container's page cache need the rest. */
#define MEMORY_SHARE_DIV 4
#define CHASE_MIN 16384ull

struct memory_bench {
	struct workload_bench w;
	uint64_t llc, array, gups, chase;
	bool capped;
};

/* The largest data cache hwloc knows here (0 when none is reported). */
static uint64_t llc_bytes(void)
{
	static const hwloc_obj_type_t levels[] = { HWLOC_OBJ_L5CACHE, HWLOC_OBJ_L4CACHE, HWLOC_OBJ_L3CACHE,
						   HWLOC_OBJ_L2CACHE, HWLOC_OBJ_L1CACHE };
	hwloc_topology_t topo;
	uint64_t size = 0;

	if (hwloc_topology_init(&topo) != 0)
		return 0;
	if (hwloc_topology_load(topo) == 0)
		for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]) && !size; i++) {
			hwloc_obj_t o = hwloc_get_obj_by_type(topo, levels[i], 0);

			if (o && o->attr)
				size = o->attr->cache.size;
		}
	hwloc_topology_destroy(topo);
	return size;
}

static uint64_t pow2_below(uint64_t v)
{
	uint64_t p = 1;

	while (p * 2 <= v)
		p *= 2;
	return p;
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
	uint64_t budget = ((uint64_t)o->memory_mib << 20) / MEMORY_SHARE_DIV, want;

	b->llc = llc_bytes();
	want = b->llc ? 4 * b->llc : 64ull << 20;
	b->capped = want > budget;
	if (b->capped)
		want = budget;
	if (want < (1ull << 20))
		return bench_fail_usage(err, "memory: --memory %u MiB leaves under 1 MiB for the arrays", o->memory_mib);
	/* Three STREAM arrays share the budget; GUPS and the chase have it
	 * alone (they run one after the other). */
	b->array = want / 3 / 4096 * 4096;
	b->gups = pow2_below(want);
	b->chase = CHASE_MIN;
	while (b->chase * 2 <= want)
		b->chase *= 2;
	snprintf(b->w.size_args[0], sizeof(b->w.size_args[0]), "--array-bytes=%llu", (unsigned long long)b->array);
	snprintf(b->w.size_args[1], sizeof(b->w.size_args[1]), "--gups-bytes=%llu", (unsigned long long)b->gups);
	snprintf(b->w.size_args[2], sizeof(b->w.size_args[2]), "--chase-max=%llu", (unsigned long long)b->chase);
	b->w.nsize_args = 3;
	return workload_prepare(&b->w, o, err);
}

static int run_memory(void *ctx, const struct run_options *o, struct session *ss, bench_error *err)
{
	struct memory_bench *b = ctx;
	json_t *sizes = json_object();

	json_object_set_new(sizes, "llc_bytes", json_integer((json_int_t)b->llc));
	json_object_set_new(sizes, "array_bytes", json_integer((json_int_t)b->array));
	json_object_set_new(sizes, "gups_bytes", json_integer((json_int_t)b->gups));
	json_object_set_new(sizes, "chase_max_bytes", json_integer((json_int_t)b->chase));
	json_object_set_new(sizes, "capped_by_memory", json_boolean(b->capped));
	json_object_set_new(ss->res.meta, "memory_sizes", sizes);
	if (b->capped)
		results_meta_note(ss->res.meta,
				  "The last-level cache is %llu MiB (hwloc), so 4x it does not fit in a quarter of "
				  "--memory (%u MiB): the arrays are %llu MiB each and the chase ends at %llu MiB, "
				  "so part of what is measured may be cache.  Raise --memory for larger arrays.",
				  (unsigned long long)(b->llc >> 20), o->memory_mib,
				  (unsigned long long)(b->array >> 20), (unsigned long long)(b->chase >> 20));
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
 * doubling to a quarter of --memory. */
static double fit_memory(void *ctx, struct run_options *o, double budget_s)
{
	struct workload_cost cost = {
		.kernels_both = 5, .kernels_one = 0, .emulated_round_s = 4.5, .emulated_setup_s = 5.0,
		.native_round_extra_s = 0.05,
	};

	for (uint64_t b = CHASE_MIN; b <= ((uint64_t)o->memory_mib << 20) / MEMORY_SHARE_DIV; b *= 2)
		cost.kernels_one++;
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
