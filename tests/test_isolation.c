/* bench run isolation: the verdict logic on recorded values, and real
 * probes of the host (the positive control) and of containers. */
#include <ftw.h>
#include <limits.h>
#include <sys/wait.h>

#include "../bench/isolation.h"
#include "../container/cgroup.h"
#include "../lib/clock.h"
#include "../lib/run_id.h"
#include "../bench/harness/schedule.h"
#include "cli_run.h"
#include "helpers.h"

extern const struct runner_ops host_runner_ops;
extern const struct runner_ops container_runner_ops;

static void reading(struct iso_reading *r, const char *v, unsigned long long n, unsigned long long c)
{
	memset(r, 0, sizeof(*r));
	r->present = true;
	snprintf(r->pv.v, sizeof(r->pv.v), "%s", v);
	r->pv.has_n = 1;
	r->pv.n = n;
	r->pv.has_counter = c != 0;
	r->pv.counter = c;
}

/* The values in isolation.md are the workload's own words: a hostile one
 * must stay text, in its own table cell, on its own row. */
Test(isolation_report, workload_values_cannot_become_markdown)
{
	static const char *const hostile[] = {
		"a|b", "`code`", "<script>alert(1)</script>", "line1\nline2", "[x](javascript:alert(1))", "x\033[2Jy",
	};
	static struct iso_run run;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	memset(&run, 0, sizeof(run));
	run.nprobes = 1;
	snprintf(run.probes[0].runner, sizeof(run.probes[0].runner), "container");
	snprintf(run.probes[0].profile, sizeof(run.probes[0].profile), "none");
	for (int ch = 0; ch < PC_COUNT; ch++) {
		const char *v = hostile[ch % (sizeof(hostile) / sizeof(hostile[0]))];

		reading(&run.probes[0].obs[ch].inside[0], v, 0, 0);
		reading(&run.probes[0].obs[ch].host[0], v, 0, 0);
	}
	run.probes[0].hv_ok = true;
	snprintf(run.probes[0].hv.what, sizeof(run.probes[0].hv.what), "x|<b>y");
	f = open_memstream(&buf, &len);
	cr_assert_not_null(f);
	iso_print_matrix(&run, f, true);
	iso_print_hostview(&run, f, true);
	fclose(f);
	/* No tag and no link: each '<' and each ']' before '(' is escaped. */
	for (const char *p = strchr(buf, '<'); p; p = strchr(p + 1, '<'))
		cr_expect(p > buf && p[-1] == '\\', "raw '<' at %td: %s", p - buf, buf);
	for (const char *p = strstr(buf, "]("); p; p = strstr(p + 1, "]("))
		cr_expect(p > buf && p[-1] == '\\', "a link at %td: %s", p - buf, buf);
	cr_expect_null(strstr(buf, "line1\n"), "%s", buf);
	cr_expect_null(strchr(buf, '\033'), "a raw escape byte: %s", buf);
	/* No raw backtick from a value: a code span could swallow the cell's end. */
	cr_expect_null(strstr(buf, "`code`"), "%s", buf);
	/* Every row has the header's cells: no '|' from a value split one. */
	{
		int header = -1;

		for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
			int cells = 0;

			for (const char *p = line; *p; p++)
				cells += *p == '|' && (p == line || p[-1] != '\\');
			if (strncmp(line, "| channel", 9) == 0 || strncmp(line, "| runner", 8) == 0)
				header = cells;
			else if (line[0] == '|')
				cr_expect_eq(cells, header, "a row of %d cells under a header of %d: %s", cells, header,
					     line);
		}
	}
	free(buf);
}

Test(isolation_verdict, recorded_values)
{
	struct iso_channel_obs o;
	struct iso_context cx = { .same_kernel = true };
	char why[64];

	memset(&o, 0, sizeof(o));
	reading(&o.inside[0], "bench-ctr-0", 0, 0);
	reading(&o.host[0], "myhost", 0, 0);
	cr_expect_eq(iso_decide(PC_HOSTNAME, &o, &cx, why, sizeof(why)), ISO_ISOLATED);
	reading(&o.inside[0], "myhost", 0, 0);
	cr_expect_eq(iso_decide(PC_HOSTNAME, &o, &cx, why, sizeof(why)), ISO_LEAKS);

	/* A counter that moved with the host's burst is host-coupled; one
	 * that did not, on another kernel, is isolated. */
	memset(&o, 0, sizeof(o));
	reading(&o.inside[0], "", 1, 1000);
	reading(&o.host[0], "", 1, 1010);
	reading(&o.host[1], "", 1, 1310);
	reading(&o.inside[1], "", 1, 1320);
	cr_expect_eq(iso_decide(PC_PROC_STAT, &o, &cx, why, sizeof(why)), ISO_HOST_COUPLED);
	reading(&o.inside[0], "", 2, 50);
	reading(&o.inside[1], "", 2, 52);
	cr_expect_eq(iso_decide(PC_PROC_STAT, &o, &cx, why, sizeof(why)), ISO_ISOLATED);

	/* Unreadable inside, or not reported at all. */
	o.inside[0].pv.err = EACCES;
	cr_expect_eq(iso_decide(PC_PROC_STAT, &o, &cx, why, sizeof(why)), ISO_UNAVAILABLE);
	memset(&o.inside[0], 0, sizeof(o.inside[0]));
	cr_expect_eq(iso_decide(PC_PROC_STAT, &o, &cx, why, sizeof(why)), ISO_UNAVAILABLE);

	/* Clocks: near is the host's, far is a guest's own. */
	memset(&o, 0, sizeof(o));
	reading(&o.inside[0], "", 5000000, 0);
	reading(&o.host[0], "", 5000300, 0);
	cr_expect_eq(iso_decide(PC_UPTIME, &o, &cx, why, sizeof(why)), ISO_LEAKS);
	reading(&o.inside[0], "", 3000, 0);
	cr_expect_eq(iso_decide(PC_UPTIME, &o, &cx, why, sizeof(why)), ISO_ISOLATED);

	/* Equal privileges of another kernel are not the host's. */
	memset(&o, 0, sizeof(o));
	reading(&o.inside[0], "000001ffffffffff", 1, 0);
	reading(&o.host[0], "000001ffffffffff", 1, 0);
	cr_expect_eq(iso_decide(PC_CAPABILITIES, &o, &cx, why, sizeof(why)), ISO_LEAKS);
	cx.same_kernel = false;
	cr_expect_eq(iso_decide(PC_CAPABILITIES, &o, &cx, why, sizeof(why)), ISO_ISOLATED);
}

static char run_id[64];

static void probe(const struct runner_ops *ops, const char *profile, struct iso_run *run)
{
	struct run_options opts = { .nrunners = 1, .runs = 1, .warmup = 0, .memory_mib = 64, .pids_max = 16,
				    .timeout_ms = 10000, .quiet = true };
	struct results res;
	bench_error err = { 0 };
	char lock[64], marker[64], pause[] = "pause=300";
	struct schedule s = { .opts = &opts, .agent_path = test_agent(), .run_id = run_id, .profile = profile,
			      .task = BENCH_TASK_PROBE, .after_ready = iso_probe_after_ready, .ctx = run };

	run_id_make(run_id, sizeof(run_id));
	opts.runners[0] = ops->name;
	snprintf(opts.cpus, sizeof(opts.cpus), "0");
	opts.ncpus = 1;
	cr_assert_eq(iso_markers_plant(&run->markers, run_id, &err), 0, "%s", err.msg);
	run->pause_ms = 300;
	run->burst_ms = 120;
	snprintf(lock, sizeof(lock), "lock=%s", run->markers.lock);
	s.task_args[s.task_nargs++] = pause;
	s.task_args[s.task_nargs++] = lock;
	snprintf(marker, sizeof(marker), "marker=%s", run->markers.kmsg);
	if (run->markers.kmsg[0])
		s.task_args[s.task_nargs++] = marker;
	results_init(&res, "isolation");
	s.res = &res;
	cr_assert_eq(schedule_run(&s, &err), 0, "%s", err.msg);
	results_free(&res);
	iso_markers_remove(&run->markers);
	cr_assert_eq(run->nprobes, 1);
	cr_expect_eq(test_leftovers(run_id), 0);
}

static struct iso_run run;

Test(isolation, host_is_the_positive_control)
{
	char msg[256];

	memset(&run, 0, sizeof(run));
	probe(&host_runner_ops, NULL, &run);
	cr_expect_eq(iso_control_check(&run.probes[0], msg, sizeof(msg)), 0, "did not leak on the host: %s", msg);
	cr_expect_eq(run.probes[0].verdict[PC_HOSTNAME], ISO_LEAKS);
	cr_expect_eq(run.probes[0].hv.processes, 1);
}

Test(isolation, container_hostname_isolated_kernel_leaks)
{
	SKIP_UNLESS_ROOT();
	memset(&run, 0, sizeof(run));
	probe(&container_runner_ops, "plain", &run);
	cr_expect_eq(run.probes[0].verdict[PC_HOSTNAME], ISO_ISOLATED);
	cr_expect_eq(run.probes[0].verdict[PC_KERNEL_RELEASE], ISO_LEAKS);
	cr_expect_eq(run.probes[0].verdict[PC_PID_COUNT], ISO_ISOLATED);
	cr_expect(run.probes[0].hv_ok);
	cr_expect_geq(run.probes[0].hv.processes, 1);
}

Test(isolation, hardened_masks_and_drops)
{
	SKIP_UNLESS_ROOT();
	memset(&run, 0, sizeof(run));
	probe(&container_runner_ops, "hardened", &run);
	/* /proc/timer_list is masked with /dev/null: readable on the host,
	 * empty inside. */
	if (run.probes[0].obs[PC_PROC_TIMER_LIST].host[0].pv.err == 0)
		cr_expect_eq(run.probes[0].verdict[PC_PROC_TIMER_LIST], ISO_UNAVAILABLE);
	cr_expect_eq(run.probes[0].verdict[PC_SECCOMP], ISO_ISOLATED);
	cr_expect_str_eq(run.probes[0].obs[PC_SECCOMP].inside[0].pv.v, "seccomp=2 nnp=1");
	cr_expect_eq(run.probes[0].verdict[PC_CAPABILITIES], ISO_ISOLATED);
}

/* The fork bomb in a container with pids.max 16 asks for 1000 processes
 * and gets fewer than 16. */
Test(isolation, fork_bomb_stays_in_its_pids_limit)
{
	struct run_config cfg = { .agent_path = test_agent(), .run_id = run_id, .cpus = "0", .ncpus = 1,
				  .memory_mib = 64, .pids_max = 16, .timeout_ms = 10000 };
	struct runner r = { .ops = &container_runner_ops, .cfg = &cfg };
	struct instance in;
	struct agent_record rec;
	bench_error err = { 0 };
	uint64_t forked = 0, e = 0;

	SKIP_UNLESS_ROOT();
	run_id_make(run_id, sizeof(run_id));
	cr_assert_eq(r.ops->prepare(&r, &err), 0, "%s", err.msg);
	instance_init(&in, &r, 0, BENCH_TASK_AGGRESSOR);
	in.task.args[0] = "fork";
	in.task.args[1] = "max_ms=1500";
	in.task.args[2] = "procs=1000";
	in.task.nargs = 3;
	cr_assert_eq(r.ops->launch(&r, &in, &err), 0, "%s", err.msg);
	cr_assert_eq(r.ops->wait_ready(&r, &in, &err), 0, "%s", err.msg);
	cr_assert_eq(r.ops->collect(&r, &in, &rec, 10000, &err), 0, "%s", err.msg);
	cr_assert_str_eq(rec.type, BENCH_REC_DATA);
	cr_assert_eq(record_get_u64(&rec, "forked", &forked, &err), 0);
	cr_assert_eq(record_get_u64(&rec, "errno", &e, &err), 0);
	cr_expect_lt(forked, 16, "the bomb made %llu processes past pids.max 16", (unsigned long long)forked);
	cr_expect_gt(forked, 4, "the bomb hardly forked (%llu)", (unsigned long long)forked);
	cr_expect_eq(e, EAGAIN, "fork failed with errno %llu, not EAGAIN", (unsigned long long)e);
	cr_expect_eq(r.ops->stop(&r, &in, &err), 0, "%s", err.msg);
	r.ops->destroy(&r, &in);
	r.ops->finish(&r);
	cr_expect(test_pid_gone(in.host_pid));
	cr_expect_eq(test_leftovers(run_id), 0);
}

/* ---- the program as a user runs it -------------------------------------- */

/* The verdict the export gives (runner, profile, channel), or NULL. */
static const char *exported_verdict(json_t *list, const char *runner, const char *profile, const char *channel)
{
	size_t i;
	json_t *rec;

	json_array_foreach(list, i, rec) {
		const char *r = json_string_value(json_object_get(rec, "runner"));
		const char *p = json_string_value(json_object_get(rec, "profile"));
		const char *c = json_string_value(json_object_get(rec, "channel"));

		if (r && p && c && strcmp(r, runner) == 0 && strcmp(p, profile) == 0 && strcmp(c, channel) == 0)
			return json_string_value(json_object_get(rec, "verdict"));
	}
	return NULL;
}

/* bench run isolation end to end: exit 0, only "bench: " lines on stderr,
 * the export's "isolation" list with the hostname verdicts, no one-sample
 * warnings for the verdict counts, the plots redrawn by `bench plot`, and
 * nothing left behind. */
Test(isolation, cli_run_exports_the_verdicts)
{
	char dir[] = "/tmp/bench-iso-res-XXXXXX", json_path[PATH_MAX], latest[PATH_MAX + 16], needle[32];
	struct cli_run *r = calloc(1, sizeof(*r));
	json_error_t jerr;
	json_t *doc, *list;
	const char *v;
	pid_t run_pid;

	SKIP_UNLESS_ROOT();
	cr_assert_not_null(r);
	cr_assert_not_null(mkdtemp(dir));
	snprintf(json_path, sizeof(json_path), "%s/export.json", dir);
	{
		const char *args[] = { "run", "isolation", "--runners", "host,container", "--skip-noisy", "--runs", "1",
				       "--probe-pause-ms", "300", "--out", dir, "--export-json", json_path, NULL };

		run_bench(r, NULL, args);
	}
	run_pid = r->pid;
	cr_expect_eq(r->status, 0, "exit %d; stderr: %s", r->status, r->err);
	for (const char *line = r->err; *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : "")
		cr_expect_eq(strncmp(line, "bench: ", 7), 0, "a stray line on stderr: %.80s", line);
	cr_expect(strstr(r->err, "bench: results in "), "stderr does not name the results: %s", r->err);
	cr_expect_null(strstr(r->out, "only 1 sample"), "the summary warns about counts: %s", r->out);
	cr_expect_not_null(strstr(r->out, "hostname"), "no matrix on stdout: %s", r->out);

	doc = json_load_file(json_path, 0, &jerr);
	cr_assert_not_null(doc, "%s: %s", json_path, jerr.text);
	list = json_object_get(doc, "isolation");
	cr_assert(json_is_array(list), "the export has no isolation list");
	cr_expect_eq(json_array_size(list) % PC_COUNT, 0);
	v = exported_verdict(list, "host", "none", "hostname");
	cr_expect(v && strcmp(v, "leaks") == 0, "host hostname: %s", v ? v : "(missing)");
	v = exported_verdict(list, "container", "plain", "hostname");
	cr_expect(v && strcmp(v, "isolated") == 0, "container/plain hostname: %s", v ? v : "(missing)");
	v = exported_verdict(list, "container", "hardened", "hostname");
	cr_expect(v && strcmp(v, "isolated") == 0, "container/hardened hostname: %s", v ? v : "(missing)");
	cr_expect(json_is_array(json_object_get(doc, "verdict_counts")));
	/* Without the noisy neighbour nothing is sampled. */
	cr_expect_eq(json_array_size(json_object_get(doc, "results")), 0);
	json_decref(doc);

	/* bench plot redraws the heatmap from the folder alone. */
	snprintf(latest, sizeof(latest), "%s/latest", dir);
	{
		const char *args[] = { "plot", latest, NULL };
		char png[PATH_MAX + 32];

		snprintf(png, sizeof(png), "%s/isolation.png", latest);
		unlink(png);
		run_bench(r, NULL, args);
		if (r->status == 0)
			cr_expect_eq(access(png, R_OK), 0, "bench plot drew no %s", png);
		else
			cr_expect_not_null(strstr(r->err, "gnuplot not found"), "bench plot: exit %d: %s", r->status,
					   r->err);
	}

	snprintf(needle, sizeof(needle), "bench-%d-", (int)run_pid);
	cr_expect_eq(test_leftovers(needle), 0, "run %s left something behind", needle);
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(r);
}
