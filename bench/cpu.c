/* bench run cpu: how fast the same compute runs on the host, in a
 * container and in a VM: software SHA-256 and CRC-32C, CRC-32C with the
 * crc32 instruction where the (virtual) CPU offers it, and a blocked double
 * matrix multiply in and out of the core's caches, each on one thread and
 * on one thread per CPU of --cpus.  The shared driver is workload.c. */
#include <string.h>

#include "cpu_memory.h"
#include "workload.h"

/* The hash buffer fits the L1 cache; the small matrices (3 x 64^2 doubles,
 * 96 KiB) the L2; the large ones (3 x 256^2, 1.5 MiB) no core's L2 here. */
#define HASH_BYTES 32768u
#define DGEMM_SMALL 64u
#define DGEMM_LARGE 256u

struct cpu_bench {
	struct workload_bench w;
};

static void init_cpu(void *ctx)
{
	struct cpu_bench *b = ctx;

	b->w.task = BENCH_TASK_CPU;
	b->w.prefix = "cpu";
}

static int prepare_cpu(void *ctx, struct run_options *o, bench_error *err)
{
	struct cpu_bench *b = ctx;

	snprintf(b->w.size_args[0], sizeof(b->w.size_args[0]), "--hash-bytes=%u", HASH_BYTES);
	snprintf(b->w.size_args[1], sizeof(b->w.size_args[1]), "--dgemm-small=%u", DGEMM_SMALL);
	snprintf(b->w.size_args[2], sizeof(b->w.size_args[2]), "--dgemm-large=%u", DGEMM_LARGE);
	b->w.nsize_args = 3;
	return workload_prepare(&b->w, o, err);
}

static int run_cpu(void *ctx, const struct run_options *o, struct session *ss, bench_error *err)
{
	struct cpu_bench *b = ctx;
	json_t *sizes = json_object();

	json_object_set_new(sizes, "hash_bytes", json_integer(HASH_BYTES));
	json_object_set_new(sizes, "dgemm_small_n", json_integer(DGEMM_SMALL));
	json_object_set_new(sizes, "dgemm_large_n", json_integer(DGEMM_LARGE));
	json_object_set_new(ss->res.meta, "cpu_sizes", sizes);
	return workload_run(&b->w, o, ss, err);
}

static void print_cpu(void *ctx, FILE *out)
{
	workload_print(ctx, "cpu.", out);
}

static bool finish_cpu(void *ctx, const struct run_options *o, struct session *ss, struct run_output_hooks *hooks)
{
	struct cpu_bench *b = ctx;

	if (!workload_finish(&b->w, o, ss, hooks))
		return false;
	hooks->print = print_cpu;
	return true;
}

/* Measured on a 2-core host with a 2-vCPU TCG guest: one repetition of the
 * order-256 dgemm takes about 0.2 s on one vCPU and 2 s on both, so a
 * batch of every kernel lasts about 2.5 s there; 10 ms anywhere else. */
static const struct workload_cost cpu_cost = {
	.kernels_both = 5, .kernels_one = 0, .emulated_round_s = 2.5, .emulated_setup_s = 1.0,
};

static double fit_cpu(void *ctx, struct run_options *o, double budget_s)
{
	return workload_fit_budget(&((struct cpu_bench *)ctx)->w, o, budget_s, &cpu_cost);
}

const struct benchmark benchmark_cpu = {
	.name = "cpu",
	.summary = "how fast the same compute runs on the host, in a container and in a VM",
	.help = "Compute kernels timed in batches inside the agent, on one thread (the first\n"
		"CPU of --cpus) and on one thread per CPU: software SHA-256 and CRC-32C over a\n"
		"32 KiB buffer (GB/s), CRC-32C with SSE4.2's crc32 instruction where the CPU\n"
		"the workload sees has it, and a blocked double matrix multiply of order 64\n"
		"(in cache) and 256 (out of the core's L2) in GFLOP/s.  The CPU model and flags\n"
		"each workload sees are recorded beside the host's.  Default: 3 agent runs of\n"
		"10 batches per runner (2 of 5 where a runner starts slowly: a VM).\n\n",
	.options = workload_options,
	.ctx_size = sizeof(struct cpu_bench),
	.init = init_cpu,
	.prepare = prepare_cpu,
	.run = run_cpu,
	.finish = finish_cpu,
	.plot = plot_cpu,
	.legend = "`cpu.<kernel>.1t` is one thread's rate, `.all` that of one thread per CPU together (GB/s for "
		  "the hashes, GFLOP/s for dgemm); each sample is one timed batch.  ",
	.report_table = cpu_memory_section_table,
	.report_summary = cpu_section_summary,
	.summary_rank = 34,
	.fit_budget = fit_cpu,
};
