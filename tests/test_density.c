/* bench run density: the arithmetic, the /proc parsers (hostile text
 * included), the plot's data files, and one small real run. */
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <sys/wait.h>

#include "../bench/density.h"
#include "../bench/harness/plot.h"
#include "helpers.h"

Test(density, storm_sizes_double_up_to_the_limit)
{
	unsigned s[DENSITY_STORMS_MAX];
	int n;

	n = density_storm_sizes(8, s, DENSITY_STORMS_MAX);
	cr_assert_eq(n, 4);
	cr_expect(s[0] == 1 && s[1] == 2 && s[2] == 4 && s[3] == 8);
	/* A limit that is not a power of two is the last size. */
	n = density_storm_sizes(6, s, DENSITY_STORMS_MAX);
	cr_assert_eq(n, 4);
	cr_expect(s[2] == 4 && s[3] == 6);
	cr_expect_eq(density_storm_sizes(1, s, DENSITY_STORMS_MAX), 1);
	cr_expect_eq(s[0], 1u);
	cr_expect_eq(density_storm_sizes(0, s, DENSITY_STORMS_MAX), 0);
	cr_expect_eq(density_storm_sizes(1000, s, 3), 3, "the table's size bounds it");
	n = density_storm_sizes(4096, s, DENSITY_STORMS_MAX);
	cr_expect_eq(s[n - 1], 4096u);
}

Test(density, default_storms_fit_cores_and_memory)
{
	/* Plenty of memory: cores decide. */
	cr_expect_eq(density_default_storm_max(true, 24 * 1024, 2, 320), 4u);
	cr_expect_eq(density_default_storm_max(false, 24 * 1024, 2, 16), 32u);
	cr_expect_eq(density_default_storm_max(false, 24 * 1024, 8, 16), 64u, "containers stop at 64");
	/* Little memory: half of it decides (1000 MiB / 2 / 320 = 1.56). */
	cr_expect_eq(density_default_storm_max(true, 1000, 2, 320), 1u);
	/* Never zero, even where nothing fits. */
	cr_expect_eq(density_default_storm_max(true, 100, 2, 320), 1u);
}

Test(density, fit_is_the_smaller_of_memory_and_cpu)
{
	struct density_host h = { .memory_mib = 512 * 1024, .reserve_mib = 2048, .cpus = 64, .vcpu_ratio = 4 };
	struct density_need vm = { .memory_mib = 4096, .cpus = 2, .vm = true };
	struct density_need ctr = { .memory_mib = 50, .cpus = 0.1, .vm = false };
	struct density_fit f;
	bench_error err;

	cr_assert_eq(density_fit(&h, &vm, &f, &err), 0, "%s", err.msg);
	/* (524288 - 2048) / 4096 = 127.5 -> 127; 64 * 4 / 2 = 128 */
	cr_expect_eq(f.by_memory, 127);
	cr_expect_eq(f.by_cpu, 128);
	cr_expect_eq(f.fit, 127);
	cr_expect_str_eq(f.limit, "memory");

	cr_assert_eq(density_fit(&h, &ctr, &f, &err), 0, "%s", err.msg);
	/* Requests are not overcommitted: 64 / 0.1 = 640, exactly. */
	cr_expect_eq(f.by_cpu, 640);
	cr_expect_eq(f.by_memory, 10444);
	cr_expect_eq(f.fit, 640);
	cr_expect_str_eq(f.limit, "cpu");

	/* A reserve larger than the host leaves nothing. */
	h.reserve_mib = h.memory_mib * 2;
	cr_assert_eq(density_fit(&h, &ctr, &f, &err), 0);
	cr_expect_eq(f.fit, 0);
}

Test(density, fit_refuses_nonsense)
{
	struct density_host h = { .memory_mib = 1024, .reserve_mib = 0, .cpus = 2, .vcpu_ratio = 1 };
	struct density_need n = { .memory_mib = 0, .cpus = 1 };
	struct density_fit f;
	bench_error err;

	cr_expect_eq(density_fit(&h, &n, &f, &err), -1);
	n.memory_mib = NAN;
	cr_expect_eq(density_fit(&h, &n, &f, &err), -1);
	n.memory_mib = 10;
	h.cpus = 0;
	cr_expect_eq(density_fit(&h, &n, &f, &err), -1);
}

Test(density, a_vm_is_planned_with_its_guest_memory)
{
	cr_expect_float_eq(density_planning_memory(true, 0, 256, 200), 256, 1e-9);
	cr_expect_float_eq(density_planning_memory(true, 0, 256, 300), 300, 1e-9, "QEMU's overhead on top");
	cr_expect_float_eq(density_planning_memory(false, 1.5, 0, 0), 1.5, 1e-9);
}

Test(density, smaps_rollup_is_parsed)
{
	static const char text[] = "55d0c0a00000-7ffd1a7fe000 ---p 00000000 00:00 0                          [rollup]\n"
				   "Rss:                 112 kB\n"
				   "Pss:                  26 kB\n"
				   "Pss_Anon:             12 kB\n"
				   "Shared_Clean:         84 kB\n";
	struct proc_mem m;
	bench_error err;

	cr_assert_eq(density_parse_smaps(text, &m, &err), 0, "%s", err.msg);
	cr_expect_eq(m.rss_kib, 112u);
	cr_expect_eq(m.pss_kib, 26u, "Pss_Anon is not Pss");
	cr_expect_eq(density_parse_smaps("Rss: 12 kB\n", &m, &err), -1, "no Pss");
	cr_expect_eq(density_parse_smaps("", &m, &err), -1);
	cr_expect_eq(density_parse_smaps("Rss: -5 kB\nPss: x kB\n", &m, &err), -1);
}

Test(density, stat_lines_with_hostile_names)
{
	pid_t ppid;
	unsigned threads;
	bench_error err;
	/* A workload may call itself ") S 1 2 3" to confuse a naive parser. */
	static const char hostile[] = "4242 (evil) S 1 2 3 ) R 77 4242 4242 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 "
				      "3 0 12345 1000 10 18446744073709551615";

	cr_assert_eq(density_parse_stat(hostile, &ppid, &threads, &err), 0, "%s", err.msg);
	cr_expect_eq(ppid, 77);
	cr_expect_eq(threads, 3u);
	cr_expect_eq(density_parse_stat("4242 (x) S", &ppid, &threads, &err), -1);
	cr_expect_eq(density_parse_stat("no parenthesis at all", &ppid, &threads, &err), -1);
	cr_expect_eq(density_parse_stat("1 (x) R 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 0 0", &ppid, &threads, &err), -1,
		     "zero threads is not a process");
}

Test(density, this_process_is_its_own_tree)
{
	struct proc_table t;
	struct proc_usage u;
	bench_error err;

	cr_assert_eq(proc_table_load(&t, &err), 0, "%s", err.msg);
	cr_assert_eq(proc_tree_usage(&t, getpid(), &u, &err), 0, "%s", err.msg);
	cr_expect_geq(u.processes, 1u);
	cr_expect_geq(u.threads, 1u);
	cr_expect_gt(u.mem.rss_kib, 0u);
	cr_expect_geq(u.mem.rss_kib, u.mem.pss_kib, "PSS never exceeds RSS");
	cr_expect_eq(proc_tree_usage(&t, 0, &u, &err), -1);
	proc_table_free(&t);
}

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st, (void)type, (void)ftw;
	return remove(path);
}

Test(density, plot_data_files_and_drawing)
{
	struct results res;
	bench_error err;
	char dir[] = "/tmp/bench-density-plot-XXXXXX", path[PATH_MAX], line[256];
	static const char *const runners[] = { "host", "container", "vm" };
	FILE *f;
	int rc, rows = 0;

	cr_assert_not_null(mkdtemp(dir));
	results_init(&res, "density");
	json_object_set_new(res.meta, "hostname", json_string("planner's host"));
	for (int r = 0; r < 3; r++) {
		struct series *s = results_series(&res, runners[r], "mem.pss", "MiB", &err);

		cr_assert_not_null(s);
		cr_assert_eq(series_add(s, r == 2 ? 200.0 : 0.03 * (r + 1), &err), 0);
		for (unsigned n = 1; n <= (r == 2 ? 2u : 4u); n *= 2) {
			char metric[48];

			snprintf(metric, sizeof(metric), "storm.%u.ready", n);
			s = results_series(&res, runners[r], metric, "ms", &err);
			cr_assert_eq(series_add(s, 2.0 * n * (r + 1), &err), 0);
			snprintf(metric, sizeof(metric), "storm.%u.gone", n);
			s = results_series(&res, runners[r], metric, "ms", &err);
			cr_assert_eq(series_add(s, 1.0 * n, &err), 0);
		}
	}
	rc = plot_density(&res, dir, &err);
	cr_assert(rc == PLOT_DRAWN || rc == PLOT_NO_GNUPLOT, "%s", err.msg);
	snprintf(path, sizeof(path), "%s/memory.dat", dir);
	f = fopen(path, "r");
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f))
		rows += line[0] != '#';
	fclose(f);
	cr_expect_eq(rows, 3, "one row per runner");
	snprintf(path, sizeof(path), "%s/storm-vm.dat", dir);
	f = fopen(path, "r");
	cr_assert_not_null(f);
	rows = 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned n;
		double ready, gone, per_ready, per_gone;

		if (line[0] == '#')
			continue;
		cr_assert_eq(sscanf(line, "%u %lf %lf %lf %lf", &n, &ready, &gone, &per_ready, &per_gone), 5, "%s", line);
		cr_expect_float_eq(per_ready, ready / n, 1e-9);
		rows++;
	}
	fclose(f);
	cr_expect_eq(rows, 2);
	if (rc == PLOT_DRAWN) {
		snprintf(path, sizeof(path), "%s/density.svg", dir);
		cr_expect_eq(access(path, R_OK), 0, "gnuplot drew no SVG");
		snprintf(path, sizeof(path), "%s/density.png", dir);
		cr_expect_eq(access(path, R_OK), 0, "gnuplot drew no PNG");
	}
	results_free(&res);
	nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* A small real run: host and container, storms of 1 and 2, one each. */
Test(density, real_run_on_host_and_container)
{
	const char *bin = getenv("BENCH_BIN");
	char dir[] = "/tmp/bench-density-run-XXXXXX", json[PATH_MAX + 32];
	json_t *doc, *list, *item, *fits;
	json_error_t jerr;
	size_t i;
	int st, found = 0;
	pid_t pid;

	SKIP_UNLESS_ROOT();
	test_agent();
	if (!bin || access(bin, X_OK) != 0)
		cr_skip_test("BENCH_BIN is not set to the built bench (run through 'make test')");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(json, sizeof(json), "%s/out.json", dir);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		execl(bin, bin, "run", "density", "-r", "host,container", "--storm-max", "2", "-n", "1", "-w", "0", "-q",
		      "-o", dir, "--export-json", json, "--host-memory", "64", (char *)NULL);
		_exit(98);
	}
	cr_assert_gt(pid, 0);
	waitpid(pid, &st, 0);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "bench run density failed");
	doc = json_load_file(json, 0, &jerr);
	cr_assert_not_null(doc, "%s", jerr.text);
	list = json_object_get(doc, "results");
	json_array_foreach(list, i, item) {
		const char *runner = json_string_value(json_object_get(item, "runner"));
		const char *metric = json_string_value(json_object_get(item, "metric"));
		double median = json_number_value(json_object_get(item, "median"));

		if (strcmp(metric, "mem.pss") == 0 || strcmp(metric, "mem.rss") == 0 ||
		    strcmp(metric, "mem.cgroup") == 0 || strcmp(metric, "storm.2.ready") == 0) {
			cr_expect(median > 0.0 && isfinite(median), "%s %s: %g", runner, metric, median);
			found++;
		}
		if (strcmp(metric, "proc.processes") == 0)
			cr_expect_eq(median, 1.0, "%s: an idle agent is one process", runner);
	}
	/* pss, rss, storm.2.ready for both; cgroup for the container. */
	cr_expect_eq(found, 7);
	fits = json_object_get(json_object_get(doc, "density"), "runners");
	cr_expect_eq(json_array_size(fits), 2);
	json_array_foreach(fits, i, item)
		cr_expect_eq(json_array_size(json_object_get(item, "fit")), 2, "this machine and the 64 GiB host");
	json_decref(doc);
	{
		char needle[32];

		snprintf(needle, sizeof(needle), "bench-%d-", (int)pid);
		cr_expect_eq(test_leftovers(needle), 0);
	}
	nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}
