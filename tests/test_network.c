/* bench run network's links: every container mode runs and leaves no link
 * or NAT table; the OCI runtimes and containerd get a veth too; a run killed with SIGKILL leaves them, and `bench cleanup`
 * removes them; a failure half-way through making an instance's network,
 * and an agent that fails during the run, leave nothing. */
#include <criterion/criterion.h>

#include <jansson.h>
#include <libmnl/libmnl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "../lib/run_id.h"
#include "../net/instance.h"
#include "../net/link.h"
#include "../net/nat.h"
#include "../runners/containerd_ctr.h"
#include "cli_run.h"

struct count_ctx {
	unsigned n;
};

static void count_one(void *ctx, const char *name, const char *alias)
{
	(void)alias;
	fprintf(stderr, "network link %s is there\n", name);
	((struct count_ctx *)ctx)->n++;
}

/* Links whose alias starts with prefix. */
static unsigned links_of(const char *prefix)
{
	bench_error err = { 0 };
	struct mnl_socket *nl = net_link_open(0, &err);
	struct count_ctx c = { 0 };

	cr_assert_not_null(nl, "%s", err.msg);
	cr_assert_eq(net_link_each_aliased(nl, prefix, count_one, &c, &err), 0, "%s", err.msg);
	net_link_close(nl);
	return c.n;
}

static int nat_tables_of(const char *prefix)
{
	bench_error err = { 0 };
	int n = net_nat_count(prefix, &err);

	cr_assert_geq(n, 0, "%s", err.msg);
	return n;
}

static const char *const small[] = { "--rr", "50", "--batches", "2", "--stream-ms", "20", "--runs", "1",
				     "--warmup", "0", "--quiet", NULL };

static void args_with(const char **args, const char *const *head, char *dir)
{
	int k = 0;

	for (; *head; head++)
		args[k++] = *head;
	args[k++] = "--out";
	args[k++] = temp_dir(dir);
	for (const char *const *o = small; *o; o++)
		args[k++] = *o;
	args[k] = NULL;
}

/* Whether results.json holds a series of runner (NULL: any) whose metric
 * starts with prefix. */
static bool has_series(json_t *doc, const char *runner, const char *prefix)
{
	size_t i;
	json_t *item;

	json_array_foreach(json_object_get(doc, "results"), i, item)
		if ((!runner || strcmp(json_string_value(json_object_get(item, "runner")), runner) == 0) &&
		    strncmp(json_string_value(json_object_get(item, "metric")), prefix, strlen(prefix)) == 0)
			return true;
	return false;
}

/* Runs `bench head... --out dir` with the small settings (it must pass)
 * and returns its results.json. */
static json_t *run_small(const char *const *head, char *dir, struct cli_run *r)
{
	const char *args[40];
	char path[PATH_MAX];
	json_t *doc;

	test_agent();
	args_with(args, head, dir);
	run_bench(r, NULL, args);
	cr_assert_eq(r->status, 0, "exit %d: %s", r->status, r->err);
	snprintf(path, sizeof(path), "%s/latest/results.json", dir);
	doc = json_load_file(path, 0, NULL);
	cr_assert_not_null(doc, "no %s", path);
	return doc;
}

Test(network, every_container_mode_runs_and_leaves_nothing, .timeout = 120)
{
	static const char *const head[] = { "run", "network", "--runners", "container", "--modes",
					    "veth,bridge,bridge-nat,host", NULL };
	static const char *const modes[] = { "veth", "bridge", "bridge-nat", "host" };
	char dir[64], path[PATH_MAX], prefix[32];
	struct cli_run r;
	json_t *doc, *meta;

	SKIP_UNLESS_ROOT();
	doc = run_small(head, dir, &r);
	for (size_t m = 0; m < 4; m++) {
		char metric[48];

		snprintf(metric, sizeof(metric), "rr1.%s.tps", modes[m]);
		cr_expect(has_series(doc, NULL, metric), "no %s series", metric);
	}
	json_decref(doc);
	snprintf(path, sizeof(path), "%s/latest/meta.json", dir);
	meta = json_load_file(path, 0, NULL);
	cr_assert_not_null(meta);
	cr_expect_eq(json_array_size(json_object_get(meta, "network")), 4, "a layout per mode in meta.json");
	json_decref(meta);
	snprintf(prefix, sizeof(prefix), RUN_ID_PREFIX "%d-", (int)r.pid);
	cr_expect_eq(links_of(prefix), 0, "run %s left links", prefix);
	cr_expect_eq(nat_tables_of(prefix), 0, "run %s left a NAT table", prefix);
	expect_nothing_left(r.pid);
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* --patterns runs those and no other, on the link and the instance's
 * loopback alike, and the figure is drawn without the empty panel. */
Test(network, only_the_patterns_asked_for_run, .timeout = 60)
{
	static const char *const head[] = { "run", "network", "--runners", "container", "--modes", "veth",
					    "--patterns", "up,rr200", NULL };
	char dir[64], path[PATH_MAX];
	struct cli_run r;
	json_t *doc;

	SKIP_UNLESS_ROOT();
	doc = run_small(head, dir, &r);
	cr_expect(has_series(doc, NULL, "up.veth."), "no up series on the link");
	cr_expect(has_series(doc, NULL, "up.lo."), "no up series on the loopback");
	cr_expect(has_series(doc, NULL, "rr200.veth."), "no rr200 series");
	cr_expect(!has_series(doc, NULL, "rr1."), "rr1 ran, not asked for");
	cr_expect(!has_series(doc, NULL, "down."), "down ran, not asked for");
	json_decref(doc);
	snprintf(path, sizeof(path), "%s/latest/network.png", dir);
	cr_expect_eq(access(path, F_OK), 0, "no figure: %s", r.err);
	expect_nothing_left(r.pid);
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Skips unless crun, runc and runsc are installed and a containerd
 * answers (make setup installs them and starts it). */
static void need_runtimes(void)
{
	static const char *const bins[] = { "/usr/bin/crun", "/usr/sbin/runc", "/usr/bin/runsc" };
	bench_error err = { 0 };

	for (size_t i = 0; i < sizeof(bins) / sizeof(bins[0]); i++)
		if (access(bins[i], X_OK) != 0)
			cr_skip_test("%s is not installed (make setup)", bins[i]);
	if (ctr_installed(&err) < 0 || ctr_daemon_check(ctr_socket(), &err) < 0)
		cr_skip_test("%s", err.msg);
}

/* The runtimes Kubernetes uses get the same veth, made into the namespace
 * each one made (after crun's and runc's create, after containerd's task
 * creation), and leave no link; runsc is said not to be measured. */
Test(network, oci_runtimes_get_a_veth_and_leave_nothing, .timeout = 180)
{
	static const char *const runtimes[] = { "crun", "runc", "containerd" };
	static const char *const head[] = { "run", "network", "--runners", "crun,runc,containerd,runsc", "--modes",
					    "veth", "--patterns", "rr1", NULL };
	char dir[64], path[PATH_MAX], prefix[32];
	struct cli_run r;
	json_t *doc, *meta;

	SKIP_UNLESS_ROOT();
	need_runtimes();
	doc = run_small(head, dir, &r);
	for (size_t i = 0; i < sizeof(runtimes) / sizeof(runtimes[0]); i++)
		cr_expect(has_series(doc, runtimes[i], "rr1.veth.tps"), "no rr1 over a veth for %s", runtimes[i]);
	json_decref(doc);
	snprintf(path, sizeof(path), "%s/latest/meta.json", dir);
	meta = json_load_file(path, 0, NULL);
	cr_assert_not_null(meta);
	cr_expect_not_null(json_object_get(json_object_get(meta, "not_measured"), "runsc"), "runsc not said");
	json_decref(meta);
	snprintf(prefix, sizeof(prefix), RUN_ID_PREFIX "%d-", (int)r.pid);
	cr_expect_eq(links_of(prefix), 0, "run %s left links", prefix);
	expect_nothing_left(r.pid);
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

Test(network, cleanup_removes_the_links_and_nat_of_a_killed_run, .timeout = 120)
{
	/* Long enough streams that the kill lands while the links are up. */
	static const char *const head[] = { "run", "network", "--runners", "container", "--modes", "bridge-nat",
					    "--stream-ms", "5000", "--batches", "20", "--quiet", NULL };
	static const char *const clean[] = { "cleanup", NULL };
	struct cli_opts kill9 = { .signal_after_ms = 2500, .signal = SIGKILL };
	const char *args[40];
	char dir[64], prefix[32];
	struct cli_run r, c;
	unsigned before;
	int k = 0;

	SKIP_UNLESS_ROOT();
	test_agent();
	for (const char *const *h = head; *h; h++)
		args[k++] = *h;
	args[k++] = "--out";
	args[k++] = temp_dir(dir);
	args[k] = NULL;
	run_bench(&r, &kill9, args);
	cr_assert_eq(r.status, 128 + SIGKILL, "exit %d: %s", r.status, r.err);
	snprintf(prefix, sizeof(prefix), RUN_ID_PREFIX "%d-", (int)r.pid);
	before = links_of(prefix);
	/* The bridge at least outlives bench (the veth goes with the
	 * container's namespace once its processes are gone). */
	cr_expect_geq(before, 1, "the killed run had no link up: the test proves nothing");
	cr_expect_eq(nat_tables_of(prefix), 1, "the killed run had no NAT table");
	run_bench(&c, NULL, clean);
	cr_expect_eq(c.status, 0, "bench cleanup: exit %d: %s", c.status, c.err);
	cr_expect_not_null(strstr(c.out, "network links removed: "), "%s", c.out);
	cr_expect_not_null(strstr(c.out, "NAT tables removed: "), "%s", c.out);
	cr_expect_eq(links_of(prefix), 0, "links of %s left after cleanup", prefix);
	cr_expect_eq(nat_tables_of(prefix), 0, "the NAT table of %s is left after cleanup", prefix);
	expect_nothing_left(r.pid);
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* A process in a network namespace of its own, as a container's init. */
static pid_t netns_child(void)
{
	int sync[2];
	char c;
	pid_t pid;

	cr_assert_eq(pipe(sync), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		if (unshare(CLONE_NEWNET) != 0)
			_exit(1);
		if (write(sync[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(sync[1]);
	cr_assert_eq(read(sync[0], &c, 1), 1, "the child could not make a network namespace");
	close(sync[0]);
	return pid;
}

Test(network, a_failure_half_way_leaves_nothing)
{
	struct net_config cfg = { .mode = NET_BRIDGE_NAT, .port = 5000, .nat_port = 5001 };
	struct net_plan p;
	bench_error err = { 0 };
	struct mnl_socket *nl;
	char run_id[64], prefix[64];
	pid_t child;

	SKIP_UNLESS_ROOT();
	child = netns_child();
	run_id_make(run_id, sizeof(run_id));
	cr_assert_eq(net_plan_make(&cfg, run_id, 7, &p, &err), 0, "%s", err.msg);
	/* The bridge's name is taken (by a link of this run, so that it is
	 * removed below whatever happens): the veth is made, the bridge is
	 * not, and what was made must go. */
	nl = net_link_open(0, &err);
	cr_assert_not_null(nl, "%s", err.msg);
	cr_assert_eq(net_link_bridge(nl, p.bridge, p.alias, &err), 0, "%s", err.msg);
	cr_expect_eq(net_instance_up(&p, child, 5000, &err), -1, "made a bridge whose name was taken");
	cr_expect_not_null(strstr(err.msg, "creating bridge"), "it failed elsewhere: %s", err.msg);
	cr_expect_eq(links_of(p.alias), 1, "more than the squatter is left: %s", err.msg);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	cr_expect_eq(net_link_delete(nl, p.bridge, &err), 0);
	net_link_close(nl);
	snprintf(prefix, sizeof(prefix), "%s", p.alias);
	cr_expect_eq(links_of(prefix), 0);
}

Test(network, an_agent_that_fails_leaves_nothing, .timeout = 60)
{
	static const char *const head[] = { "run", "network", "--runners", "container", "--modes",
					    "bridge-nat", NULL };
	char fixture[PATH_MAX], dir[64], prefix[32];
	struct cli_opts o = { 0 };
	const char *args[40];
	struct cli_run r;

	SKIP_UNLESS_ROOT();
	/* Says READY and then exits: the run fails after the links are up. */
	o.agent = test_fixture("agent_crash", fixture, sizeof(fixture));
	args_with(args, head, dir);
	run_bench(&r, &o, args);
	cr_expect_neq(r.status, 0, "a crashing agent passed: %s", r.err);
	snprintf(prefix, sizeof(prefix), RUN_ID_PREFIX "%d-", (int)r.pid);
	cr_expect_eq(links_of(prefix), 0, "run %s left links", prefix);
	cr_expect_eq(nat_tables_of(prefix), 0, "run %s left a NAT table", prefix);
	expect_nothing_left(r.pid);
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}
