/* The cpu and memory tasks' records as the harness reads them: a batch
 * becomes the right figure, and malformed or hostile values (out of range,
 * unknown, repeated, out of order, non-numeric) are refused with a reason; and the memory
 * benchmark's sizes (memory_plan). */
#include <math.h>
#include <string.h>

#include "../bench/memory_plan.h"
#include "../bench/workload_data.h"
#include "helpers.h"

static void parse_line(const char *line, struct agent_record *rec)
{
	bench_error err = { 0 };

	cr_assert_eq(record_parse(line, strlen(line), rec, &err), RECORD_OK, "%s: %s", line, err.msg);
}

static const char *const INFO =
	"BENCH/1 DATA kind=info model=Some%20CPU flags=sse4_2,avx2 thp=madvise threads=2 pinned=1";

Test(workload_data, a_batch_becomes_its_figure)
{
	struct agent_record rec;
	struct workload_data d;
	bench_error err = { 0 };
	char metric[48];

	parse_line("BENCH/1 DATA kind=batch kernel=triad threads=2 size=300 work=3000000000 first=0 e0=1000000000 "
		   "e1=2000000000",
		   &rec);
	cr_assert_eq(workload_data_parse(&rec, &d, &err), 0, "%s", err.msg);
	cr_expect_eq(d.kind, WORKLOAD_DATA_BATCH);
	cr_expect_eq(d.batch.n, 2);
	cr_expect_float_eq(d.batch.figure[0], 3.0, 1e-12);   /* GB/s */
	cr_expect_float_eq(d.batch.figure[1], 1.5, 1e-12);
	workload_metric("memory", &d.batch, metric, sizeof(metric));
	cr_expect_str_eq(metric, "memory.triad.all");
	/* The chase is ns per access, named by its working set. */
	parse_line("BENCH/1 DATA kind=batch kernel=chase threads=1 size=32768 work=1000 first=0 e0=5000", &rec);
	cr_assert_eq(workload_data_parse(&rec, &d, &err), 0, "%s", err.msg);
	cr_expect_float_eq(d.batch.figure[0], 5.0, 1e-12);
	workload_metric("memory", &d.batch, metric, sizeof(metric));
	cr_expect_str_eq(metric, "memory.chase.32KiB");
	parse_line(INFO, &rec);
	cr_assert_eq(workload_data_parse(&rec, &d, &err), 0, "%s", err.msg);
	cr_expect_str_eq(d.info.model, "Some CPU");
	cr_expect_str_eq(d.info.thp, "madvise");
	cr_expect_eq(d.info.threads, 2);
}

Test(workload_data, malformed_values_are_refused)
{
	static const struct {
		const char *line, *why;
	} bad[] = {
		{ "BENCH/1 DATA kind=batch kernel=triad threads=1 size=8 work=8 first=0 e0=-5", "e0" },
		{ "BENCH/1 DATA kind=batch kernel=triad threads=1 size=8 work=8 first=0 e0=0", "out of range" },
		{ "BENCH/1 DATA kind=batch kernel=triad threads=1 size=8 work=8 first=0 e0=1e9", "e0" },
		{ "BENCH/1 DATA kind=batch kernel=triad threads=1 size=8 work=0 first=0 e0=5", "out of range" },
		{ "BENCH/1 DATA kind=batch kernel=triad threads=1 size=8 work=99999999999999999999 first=0 e0=5", "work" },
		{ "BENCH/1 DATA kind=batch kernel=triad threads=0 size=8 work=8 first=0 e0=5", "out of range" },
		{ "BENCH/1 DATA kind=batch kernel=triad threads=9999 size=8 work=8 first=0 e0=5", "out of range" },
		{ "BENCH/1 DATA kind=batch kernel=triad threads=1 size=8 work=8 first=999 e0=5 e1=5", "past" },
		{ "BENCH/1 DATA kind=batch kernel=triad threads=1 size=8 work=8 first=0 e1=5", "e0 is missing" },
		{ "BENCH/1 DATA kind=batch kernel=triad threads=1 size=8 work=8 first=0 e01=5", "unknown field" },
		{ "BENCH/1 DATA kind=batch kernel=triad threads=1 size=8 work=8 first=0 e16=5", "unknown field" },
		{ "BENCH/1 DATA kind=batch kernel=triad threads=1 size=8 work=8 first=0", "no batch" },
		{ "BENCH/1 DATA kind=batch kernel=rm%20-rf threads=1 size=8 work=8 first=0 e0=5", "unknown kernel" },
		{ "BENCH/1 DATA kind=batch threads=1 size=8 work=8 first=0 e0=5", "no kernel" },
		{ "BENCH/1 DATA kind=batch kernel=triad kernel=copy threads=1 size=8 work=8 first=0 e0=5", "twice" },
		{ "BENCH/1 DATA kind=info model=x flags=y thp=z threads=2 pinned=2", "out of range" },
		{ "BENCH/1 DATA kind=info model=x flags=y threads=2 pinned=1", "missing" },
		{ "BENCH/1 DATA kind=info model=x flags=y thp=z threads=2 pinned=1 evil=1", "unknown field" },
		{ "BENCH/1 DATA kind=info model=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx flags=y "
		  "thp=z threads=2 pinned=1",
		  "too long" },
		{ "BENCH/1 DATA kind=skip kernel=nope why=x", "no known kernel" },
		{ "BENCH/1 DATA kind=other", "unknown kind" },
		{ "BENCH/1 DATA size=1", "no kind" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct agent_record rec;
		struct workload_data d;
		bench_error err = { 0 };

		parse_line(bad[i].line, &rec);
		cr_expect_eq(workload_data_parse(&rec, &d, &err), -1, "accepted: %s", bad[i].line);
		cr_expect(strstr(err.msg, bad[i].why) != NULL, "%s: '%s' does not say '%s'", bad[i].line, err.msg,
			  bad[i].why);
	}
}

Test(workload_data, records_out_of_place_are_refused)
{
	struct workload_runner_info info;
	struct agent_record rec;
	struct workload_data d;
	bench_error err = { 0 };

	memset(&info, 0, sizeof(info));
	/* Batches before the info record. */
	parse_line("BENCH/1 DATA kind=batch kernel=copy threads=1 size=8 work=8 first=0 e0=5", &rec);
	cr_expect_eq(workload_data_apply(&info, 2, &rec, &d, &err), -1);
	parse_line(INFO, &rec);
	cr_assert_eq(workload_data_apply(&info, 2, &rec, &d, &err), 0, "%s", err.msg);
	cr_expect_eq(workload_data_apply(&info, 2, &rec, &d, &err), -1, "a second info record was taken");
	/* A thread count the agent does not run. */
	parse_line("BENCH/1 DATA kind=batch kernel=copy threads=3 size=8 work=8 first=0 e0=5", &rec);
	cr_expect_eq(workload_data_apply(&info, 2, &rec, &d, &err), -1);
	/* In order, then past the number asked for, then a gap. */
	parse_line("BENCH/1 DATA kind=batch kernel=copy threads=2 size=8 work=8 first=0 e0=5", &rec);
	cr_expect_eq(workload_data_apply(&info, 2, &rec, &d, &err), 0, "%s", err.msg);
	parse_line("BENCH/1 DATA kind=batch kernel=copy threads=2 size=8 work=8 first=1 e0=5 e1=5", &rec);
	cr_expect_eq(workload_data_apply(&info, 2, &rec, &d, &err), -1);
	/* DONE before every batch arrived. */
	parse_line("BENCH/1 DONE task=memory", &rec);
	cr_expect_eq(workload_data_apply(&info, 2, &rec, &d, &err), -1);
	parse_line("BENCH/1 DATA kind=batch kernel=copy threads=2 size=8 work=8 first=1 e0=5", &rec);
	cr_expect_eq(workload_data_apply(&info, 2, &rec, &d, &err), 0, "%s", err.msg);
	parse_line("BENCH/1 DONE task=memory", &rec);
	cr_expect_eq(workload_data_apply(&info, 2, &rec, &d, &err), 1, "%s", err.msg);
	parse_line("BENCH/1 ERROR msg=boom", &rec);
	cr_expect_eq(workload_data_apply(&info, 2, &rec, &d, &err), -1);
	cr_expect(strstr(err.msg, "boom") != NULL);
}

/* bench run memory's sizes (memory_plan.h): the chase reaches 4x the LLC
 * when --memory is left to bench and the host can hold it; otherwise it
 * stops short and says which limit stopped it, never silently. */
Test(memory_plan, the_chase_reaches_4x_the_llc_by_default)
{
	struct memory_plan p;

	/* This host's hwloc figure of the issue: a 508 MiB L3. */
	cr_assert_eq(memory_plan_make(&p, 508ull << 20, 1ull << 20, 256, false, 23000), 0);
	cr_expect_eq(p.chase_target, 2048ull << 20);
	cr_expect_eq(p.chase, p.chase_target);
	cr_expect_not(p.chase_short);
	cr_expect(p.memory_raised);
	/* The ring and its shuffle order (9/8) plus the headroom fit. */
	cr_expect_geq((uint64_t)p.memory_mib << 20, p.chase + p.chase / 8 + ((uint64_t)MEMORY_HEADROOM_MIB << 20));
	cr_expect_leq(p.memory_mib, 23000 / 2);
	/* STREAM keeps the quarter of the default --memory (TCG's time). */
	cr_expect_eq(p.array, (64ull << 20) / 3 / 4096 * 4096);
	cr_expect(p.arrays_capped);
	cr_expect_eq(p.why[0], '\0');
}

Test(memory_plan, a_small_llc_needs_no_more_memory)
{
	struct memory_plan p;

	cr_assert_eq(memory_plan_make(&p, 8ull << 20, 512ull << 10, 256, false, 23000), 0);
	cr_expect_eq(p.chase, 32ull << 20);
	cr_expect_not(p.chase_short);
	cr_expect_not(p.memory_raised);
	cr_expect_eq(p.memory_mib, 256);
}

Test(memory_plan, half_of_memavailable_caps_it_and_says_so)
{
	struct memory_plan p;

	cr_assert_eq(memory_plan_make(&p, 508ull << 20, 0, 256, false, 2000), 0);
	cr_expect_eq(p.memory_mib, 1000);
	cr_expect(p.chase_short);
	cr_expect_lt(p.chase, p.chase_target);
	cr_expect_leq(p.chase + p.chase / 8, (1000ull - MEMORY_HEADROOM_MIB) << 20);
	cr_expect_not_null(strstr(p.why, "half of this host's available memory"), "%s", p.why);
	cr_expect_not_null(strstr(p.why, "needs --memory 2560"), "%s", p.why);
}

Test(memory_plan, a_given_memory_is_kept_and_the_shortfall_named)
{
	struct memory_plan p;

	cr_assert_eq(memory_plan_make(&p, 508ull << 20, 0, 512, true, 23000), 0);
	cr_expect_eq(p.memory_mib, 512);
	cr_expect_not(p.memory_raised);
	cr_expect(p.chase_short);
	cr_expect_eq(p.chase, 128ull << 20);
	cr_expect_not_null(strstr(p.why, "--memory 512 MiB holds a chase of 128 MiB"), "%s", p.why);
	/* Too little for the arrays at all: refused. */
	cr_expect_eq(memory_plan_make(&p, 508ull << 20, 0, 2, true, 23000), -1);
}

Test(memory_plan, no_llc_known_is_said)
{
	struct memory_plan p;

	cr_assert_eq(memory_plan_make(&p, 0, 0, 16, true, 0), 0);
	cr_expect(p.chase_short);
	cr_expect_not_null(strstr(p.why, "no last-level cache"), "%s", p.why);
}
