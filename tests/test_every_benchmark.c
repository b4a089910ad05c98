/* Every benchmark of the table, end to end, with every runner of the
 * table, through the sanitized bench: the one test that sees a benchmark's
 * whole path (options, session, each runner's life cycle, output, plots)
 * under ASan and UBSan.  Each runs once, no warm-up, with its own smallest
 * options, so that the whole takes about a minute and a half on two cores
 * (the VM boots are TCG guests). */
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <jansson.h>
#include <limits.h>

#include "../bench/benchmarks.h"
#include "../lib/run_id.h"
#include "../runners/runner.h"
#include "cli_run.h"

/* The options that keep each benchmark short but still whole: every
 * phase, every channel and at least one of each kind of measurement.  A
 * benchmark without a row runs with the common ones only; give it a row
 * when its defaults take long. */
static const struct {
	const char *benchmark;
	const char *options[16];
} small[] = {
	{ "startup", { NULL } },
	{ "syscall", { "--batches", "5", NULL } },
	/* Two windows is the least; one victim beside one aggressor. */
	{ "isolation", { "--noisy-windows", "2", "--noisy-window-ms", "50", "--noisy-vm-window-ms", "200",
			 "--victims", "cpu", "--aggressors", "cpu", "--probe-pause-ms", "100", NULL } },
	/* Storms of 1 and 2; a VM storm of one. */
	{ "density", { "--storm-max", "2", "--storm-max-vm", "1", NULL } },
	{ "cpu", { "--batches", "2", "--target-ms", "2", NULL } },
	{ "memory", { "--batches", "2", "--target-ms", "2", "--memory", "128", NULL } },
	/* Every mode of every runner, a few transactions and short streams. */
	{ "network", { "--rr", "50", "--batches", "2", "--stream-ms", "20", NULL } },
	/* A small file, every pattern for a moment. */
	{ "storage", { "--scratch-size", "8", "--ramp-ms", "20", "--duration-ms", "150", NULL } },
};

static void silent(void *opaque, virErrorPtr e)
{
	(void)opaque;
	(void)e;
}

/* The runners that can run here, joined by commas into list.  A runner
 * is left out only when what it needs from this host and cannot bring
 * itself (a daemon, a guest kernel: its doctor checks of those names)
 * is missing; why goes into why_out. */
static void usable_runners(char *list, size_t len, char *why_out, size_t why_len, bool *guests)
{
	list[0] = why_out[0] = '\0';
	*guests = false;
	virSetErrorFunc(NULL, silent);
	for (const struct runner_ops *const *r = runner_table; *r; r++) {
		char why[1024] = "";

		for (const struct runner_check *c = (*r)->doctor; c && c->name; c++) {
			struct runner_check_result res = { 0 };

			if (strcmp(c->name, "libvirtd") != 0 && strcmp(c->name, "guest kernel") != 0)
				continue;
			c->run(c->arg, &res);
			if (res.level == RUNNER_CHECK_FAIL && !why[0])
				snprintf(why, sizeof(why), "%s runner not run: %s: %s; ", (*r)->name, c->name,
					 res.detail);
		}
		if (why[0]) {
			strncat(why_out, why, why_len - strlen(why_out) - 1);
			continue;
		}
		if (list[0])
			strncat(list, ",", len - strlen(list) - 1);
		strncat(list, (*r)->name, len - strlen(list) - 1);
		*guests |= runner_has(*r, RUNNER_CAP_GUEST_KERNEL);
	}
}

/* libvirt domains of the bench process pid (bench-<pid>-...). */
static int domains_left(pid_t pid)
{
	char prefix[32];
	virConnectPtr c = virConnectOpen("qemu:///system");
	virDomainPtr *doms = NULL;
	int n, found = 0;

	snprintf(prefix, sizeof(prefix), RUN_ID_PREFIX "%d-", (int)pid);
	cr_assert_not_null(c, "libvirtd: %s", virGetLastErrorMessage());
	n = virConnectListAllDomains(c, &doms, 0);
	cr_assert_geq(n, 0);
	for (int i = 0; i < n; i++) {
		const char *name = virDomainGetName(doms[i]);

		if (name && strncmp(name, prefix, strlen(prefix)) == 0) {
			fprintf(stderr, "left behind: domain %s\n", name);
			found++;
		}
		virDomainFree(doms[i]);
	}
	free(doms);
	virConnectClose(c);
	return found;
}

/* memory (run with --memory 128 here): the chase reached 4x the LLC, or
 * the results say, in the sizes and in a note, how far it got and why. */
static void expect_chase_reach(json_t *meta)
{
	json_t *sizes = json_object_get(meta, "memory_sizes"), *note;
	bool said = false;
	size_t i;

	cr_assert(json_is_boolean(json_object_get(sizes, "chase_reaches_4x_llc")), "memory: no chase_reaches_4x_llc");
	if (json_is_true(json_object_get(sizes, "chase_reaches_4x_llc")))
		return;
	cr_expect(json_string_length(json_object_get(sizes, "chase_short_why")) > 0, "memory: the chase's shortfall "
											 "has no reason");
	json_array_foreach(json_object_get(meta, "notes"), i, note)
		said |= json_is_string(note) && strstr(json_string_value(note), "short of 4x the last-level cache");
	cr_expect(said, "memory: no note says the chase stopped short of 4x the LLC");
}

/* results.json of the folder the run wrote: its benchmark, and at least
 * one series of each runner in list. */
static void expect_results(const char *dir, const char *name, const char *list)
{
	char path[PATH_MAX], runners[256], *save = NULL;
	json_error_t jerr;
	json_t *doc, *results;

	snprintf(path, sizeof(path), "%s/latest/results.json", dir);
	doc = json_load_file(path, 0, &jerr);
	cr_assert_not_null(doc, "%s: no results: %s", name, jerr.text);
	cr_expect_str_eq(json_string_value(json_object_get(doc, "benchmark")), name);
	results = json_object_get(doc, "results");
	cr_expect(json_is_array(results) && json_array_size(results) > 0, "%s: no series", name);
	snprintf(runners, sizeof(runners), "%s", list);
	for (char *runner = strtok_r(runners, ",", &save); runner; runner = strtok_r(NULL, ",", &save)) {
		size_t i;
		json_t *item;
		bool seen = false;

		/* A runner the benchmark said, with its reason, it cannot measure. */
		if (json_is_string(json_object_get(json_object_get(json_object_get(doc, "meta"), "not_measured"), runner)))
			continue;

		json_array_foreach(results, i, item) {
			const char *r = json_string_value(json_object_get(item, "runner"));

			seen |= r && strcmp(r, runner) == 0;
		}
		cr_expect(seen, "%s: no series of runner %s", name, runner);
	}
	if (strcmp(name, "memory") == 0)
		expect_chase_reach(json_object_get(doc, "meta"));
	json_decref(doc);
}

Test(every_benchmark, runs_clean_with_every_runner)
{
	char list[256], why[2048];
	bool guests;
	size_t n = 0;

	SKIP_UNLESS_ROOT();
	test_agent();
	usable_runners(list, sizeof(list), why, sizeof(why), &guests);
	cr_assert(list[0], "no runner can run here: %s", why);
	for (const struct benchmark *const *t = benchmark_table; *t; t++, n++) {
		const char *name = (*t)->name;
		const char *args[40] = { "run", name, "--runners", list, "--runs", "1", "--warmup", "0", "--quiet",
					 "--out" };
		int k = 10;
		char dir[64];
		struct cli_run r;

		args[k++] = temp_dir(dir);
		for (size_t i = 0; i < sizeof(small) / sizeof(small[0]); i++)
			if (strcmp(small[i].benchmark, name) == 0)
				for (const char *const *o = small[i].options; *o && k < 39; o++)
					args[k++] = *o;
		args[k] = NULL;
		run_bench(&r, NULL, args);
		cr_expect_eq(r.status, 0, "bench run %s --runners %s: exit %d: %s", name, list, r.status, r.err);
		cr_expect_null(strstr(r.err, "ERROR: AddressSanitizer"), "%s: %s", name, r.err);
		cr_expect_null(strstr(r.err, "ERROR: LeakSanitizer"), "%s: %s", name, r.err);
		cr_expect_null(strstr(r.err, "runtime error:"), "%s: %s", name, r.err);
		expect_results(dir, name, list);
		expect_nothing_left(r.pid);
		if (guests)
			cr_expect_eq(domains_left(r.pid), 0, "%s left libvirt domains behind", name);
		nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	}
	cr_expect_geq(n, 4u);
	/* Only now, so that the other runners were still tested (a failure
	 * above outranks the skip). */
	if (why[0])
		cr_skip_test("%s(the other runners ran every benchmark)", why);
}
