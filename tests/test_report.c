/* bench report: from recorded results folders (one host, two hosts, a
 * benchmark missing, a corrupt folder), the escaping of what folders hold,
 * plots embedded as images only, and the HTML as headless Chromium renders it. */
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <limits.h>
#include <nettle/base64.h>
#include <png.h>
#include <sys/wait.h>

#include "../bench/benchmarks.h"
#include "../bench/harness/plot.h"
#include "../bench/harness/report_model.h"
#include "helpers.h"

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st, (void)type, (void)ftw;
	return remove(path);
}

static void rm_tree(const char *dir)
{
	nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/* ---- recorded folders ----------------------------------------------------- */

static json_t *meta(const char *host, const char *started, const char *accel)
{
	json_t *m = json_pack("{s:s, s:s, s:s, s:{s:i, s:i, s:i, s:i, s:s}, s:i, s:i, s:s, s:s}", "hostname", host,
			      "cpu_model", "Test CPU", "kernel", "6.1.0-test #1", "topology", "packages", 1, "cores", 2,
			      "pus", 2, "numa_nodes", 1, "summary", "1 package, 2 cores, 2 PUs", "online_cpus", 2,
			      "mem_total_mib", 24000, "started_utc", started, "command_line", "bench run test");

	if (accel)
		json_object_set_new(m, "accel", json_string(accel));
	/* What each runner is, as today's runners record it. */
	json_object_set_new(m, "runner_caps",
			    json_pack("{s:[s, s], s:[s, s, s, s], s:[s]}", "host", "baseline", "host_pids", "container",
				      "host_pids", "cgroup", "profiles", "namespaces", "vm", "guest_kernel"));
	return m;
}

static json_t *result(const char *runner, const char *metric, const char *unit, double a, double b, double c)
{
	return json_pack("{s:s, s:s, s:s, s:[f, f, f]}", "runner", runner, "metric", metric, "unit", unit, "samples",
			 a, b, c);
}

/* Writes doc as <root>/<name>/results.json and draws its plots; the
 * folder's path goes to out. */
static void write_folder(const char *root, const char *name, json_t *doc, char *out, size_t sz)
{
	char path[PATH_MAX + 64];
	struct results res;
	bench_error err;

	snprintf(out, sz, "%s/%s", root, name);
	cr_assert_eq(mkdir(out, 0755), 0, "%s", out);
	snprintf(path, sizeof(path), "%s/results.json", out);
	cr_assert_eq(json_dump_file(doc, path, JSON_INDENT(1)), 0);
	json_decref(doc);
	/* Plots, as a run would have drawn them (none without gnuplot). */
	cr_assert_eq(results_load(&res, out, &err), 0, "%s", err.msg);
	cr_assert_geq(plot_draw(benchmark_find(benchmark_table, res.benchmark), &res, out, &err), 0, "%s", err.msg);
	results_free(&res);
}

static void startup_folder(const char *root, const char *name, const char *host, char *out, size_t sz)
{
	json_t *doc = json_pack("{s:s, s:o, s:[o, o, o, o]}", "benchmark", "startup", "meta",
				meta(host, "2026-11-29T10:00:00Z", "tcg"), "results",
				result("host", "ready", "ms", 0.3, 0.25, 0.35), result("container", "ready", "ms", 2.0, 2.2, 1.9),
				result("vm", "ready", "ms", 2000, 2100, 1900), result("vm", "gone", "ms", 2300, 2400, 2200));

	write_folder(root, name, doc, out, sz);
}

static void syscall_folder(const char *root, char *out, size_t sz)
{
	json_t *c = result("container", "syscall.gethostname", "ns", 120, 125, 118);
	json_t *doc;

	json_object_set_new(c, "ratio_to_host", json_real(1.02));
	doc = json_pack("{s:s, s:o, s:[o, o, o]}", "benchmark", "syscall", "meta",
			meta("alpha", "2026-11-29T10:01:00Z", "tcg"), "results",
			result("host", "syscall.gethostname", "ns", 118, 119, 117), c,
			result("vm", "syscall.gethostname", "ns", 900, 950, 980));
	write_folder(root, "2026-11-29T10-01-00Z-syscall", doc, out, sz);
}

static json_t *verdict(const char *runner, const char *profile, const char *channel, const char *v)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "runner", runner, "profile", profile, "channel", channel,
			 "verdict", v, "inside", "x", "host", "y");
}

static void isolation_folder(const char *root, char *out, size_t sz)
{
	json_t *doc = json_pack(
		"{s:s, s:o, s:[], s:[o, o, o, o, o, o, o, o]}", "benchmark", "isolation", "meta",
		meta("alpha", "2026-11-29T10:02:00Z", NULL), "results", "isolation",
		verdict("host", "plain", "hostname", "leaks"), verdict("host", "plain", "kernel_release", "leaks"),
		verdict("container", "plain", "hostname", "isolated"), verdict("container", "plain", "kernel_release", "leaks"),
		verdict("container", "plain", "proc_sched_debug", "leaks"),
		verdict("container", "hardened", "proc_sched_debug", "unavailable"),
		verdict("container", "hardened", "kernel_release", "leaks"), verdict("vm", "plain", "kernel_release", "isolated"));

	write_folder(root, "2026-11-29T10-02-00Z-isolation", doc, out, sz);
}

static void density_folder(const char *root, char *out, size_t sz)
{
	json_t *extra = json_pack(
		"{s:[{s:s, s:f, s:f, s:f, s:f}], s:[{s:s, s:f, s:s, s:f, s:f, s:f, s:[{s:s, s:i, s:i, s:i, s:s}]}, "
		"{s:s, s:f, s:s, s:f, s:f, s:f, s:[{s:s, s:i, s:i, s:i, s:s}]}]}",
		"hosts", "name", "this machine", "memory_mib", 24000.0, "reserve_mib", 1024.0, "cpus", 2.0, "vcpu_ratio",
		4.0, "runners", "runner", "container", "memory_mib", 0.5, "memory_basis", "cgroup", "pss_mib", 0.03,
		"rss_mib", 0.1, "cpus", 0.1, "fit", "host", "this machine", "by_memory", 45000, "by_cpu", 20, "fit", 20,
		"limit", "cpu", "runner", "vm", "memory_mib", 256.0, "memory_basis", "guest", "pss_mib", 200.0, "rss_mib",
		216.0, "cpus", 2.0, "fit", "host", "this machine", "by_memory", 89, "by_cpu", 4, "fit", 4, "limit", "cpu");
	json_t *doc = json_pack("{s:s, s:o, s:[o, o, o, o, o, o], s:o}", "benchmark", "density", "meta",
				meta("alpha", "2026-11-29T10:03:00Z", "tcg"), "results",
				result("container", "mem.pss", "MiB", 0.03, 0.03, 0.03),
				result("container", "mem.cgroup", "MiB", 0.5, 0.5, 0.5),
				result("container", "storm.4.ready", "ms", 20, 22, 21),
				result("vm", "mem.pss", "MiB", 200, 201, 199), result("vm", "storm.2.ready", "ms", 5000, 5100, 4900),
				result("vm", "storm.2.gone", "ms", 300, 310, 290), "density", extra);

	write_folder(root, "2026-11-29T10-03-00Z-density", doc, out, sz);
}

/* Builds the report of dirs into <root>/report.{md,html}; returns the Markdown. */
static char *report_of(const char *root, char *const *dirs, int n, char **html)
{
	struct report_input in;
	struct doc d = { 0 };
	bench_error err = { 0 };
	char md[PATH_MAX], ht[PATH_MAX];

	snprintf(md, sizeof(md), "%s/report.md", root);
	snprintf(ht, sizeof(ht), "%s/report.html", root);
	cr_assert_eq(report_load(&in, dirs, n, "/nonexistent", &err), 0, "%s", err.msg);
	cr_assert_eq(report_build(&d, &in, benchmark_table, &err), 0, "%s", err.msg);
	cr_assert_eq(report_write_markdown(&d, md, &err), 0, "%s", err.msg);
	cr_assert_eq(report_write_html(&d, ht, &err), 0, "%s", err.msg);
	doc_free(&d);
	report_input_free(&in);
	if (html)
		*html = test_read_file(ht, NULL);
	return test_read_file(md, NULL);
}

/* How many benchmarks the report knows: every row of the table. */
static unsigned table_size(void)
{
	unsigned n = 0;

	for (const struct benchmark *const *t = benchmark_table; *t; t++)
		n++;
	return n;
}

static char *temp_root(char *buf)
{
	strcpy(buf, "/tmp/bench-report-XXXXXX");
	cr_assert_not_null(mkdtemp(buf));
	return buf;
}

Test(report, one_host_every_benchmark)
{
	char root[32], dirs[4][PATH_MAX + 64], *md, *html;
	char *argv[4] = { dirs[0], dirs[1], dirs[2], dirs[3] };

	temp_root(root);
	startup_folder(root, "2026-11-29T10-00-00Z-startup", "alpha", dirs[0], sizeof(dirs[0]));
	syscall_folder(root, dirs[1], sizeof(dirs[1]));
	isolation_folder(root, dirs[2], sizeof(dirs[2]));
	density_folder(root, dirs[3], sizeof(dirs[3]));
	md = report_of(root, argv, 4, &html);
	cr_expect(strstr(md, "## Summary for a vSphere administrator"), "%s", md);
	/* 2000 ms / 2.0 ms: the speed-up is worked out, not invented. */
	cr_expect(strstr(md, "containers started 1000 times faster"), "%s", md);
	cr_expect(strstr(md, "20 idle containers fit"), "%s", md);
	cr_expect(strstr(md, "4 idle VMs fit"), "%s", md);
	/* The leaking channels are named, per profile. */
	cr_expect(strstr(md, "kernel\\_release, proc\\_sched\\_debug"), "%s", md);
	cr_expect(strstr(md, "Caveat, accelerator: the VMs ran under QEMU's TCG emulation"));
	/* Four folders given: the table's other benchmarks are said to be missing. */
	cr_expect_eq(count(md, "Not measured: no results folder given holds a run of"), table_size() - 4, "%s", md);
	cr_expect(strstr(md, "| 1.02x |"), "the syscall ratio given in the results is used");
	cr_expect_eq(count(html, "<h2>Benchmark: "), table_size());
	free(md);
	free(html);
	rm_tree(root);
}

Test(report, two_hosts)
{
	char root[32], dirs[2][PATH_MAX + 64], *md;
	char *argv[2] = { dirs[0], dirs[1] };

	temp_root(root);
	startup_folder(root, "2026-11-29T10-00-00Z-startup", "alpha", dirs[0], sizeof(dirs[0]));
	startup_folder(root, "2026-11-29T10-00-00Z-startup-2", "beta", dirs[1], sizeof(dirs[1]));
	md = report_of(root, argv, 2, NULL);
	cr_expect(strstr(md, "### Host alpha"), "%s", md);
	cr_expect(strstr(md, "### Host beta"), "%s", md);
	cr_expect(strstr(md, "| alpha | Test CPU"));
	cr_expect(strstr(md, "| beta | Test CPU"));
	cr_expect(strstr(md, "2 hosts"));
	free(md);
	rm_tree(root);
}

Test(report, missing_benchmarks_are_stated)
{
	char root[32], dir[PATH_MAX + 64], *md;
	char *argv[1] = { dir };

	temp_root(root);
	startup_folder(root, "2026-11-29T10-00-00Z-startup", "alpha", dir, sizeof(dir));
	md = report_of(root, argv, 1, NULL);
	cr_expect_eq(count(md, "Not measured: no results folder given holds a run of"), table_size() - 1, "%s", md);
	cr_expect(strstr(md, "Isolation: not measured on alpha"));
	cr_expect(strstr(md, "Memory per instance and instances per host: not measured"));
	cr_expect_null(strstr(md, "idle containers fit"), "no density figure is invented");
	free(md);
	rm_tree(root);
}

Test(report, a_folder_of_folders_takes_the_newest_of_each)
{
	char root[32], dir[PATH_MAX + 64], *md;
	char *argv[1] = { root };

	temp_root(root);
	startup_folder(root, "2026-11-29T09-00-00Z-startup", "old-run", dir, sizeof(dir));
	startup_folder(root, "2026-11-29T10-00-00Z-startup", "new-run", dir, sizeof(dir));
	md = report_of(root, argv, 1, NULL);
	cr_expect(strstr(md, "new-run"));
	cr_expect_null(strstr(md, "old-run"));
	free(md);
	rm_tree(root);
}

Test(report, everything_from_a_folder_is_escaped)
{
	char root[32], dir[PATH_MAX + 64], *md, *html;
	char *argv[1] = { dir };

	temp_root(root);
	startup_folder(root, "2026-11-29T10-00-00Z-startup", "<script>alert(1)</script>|*x*", dir, sizeof(dir));
	md = report_of(root, argv, 1, &html);
	cr_expect_null(strstr(html, "<script>"), "a host name became markup");
	cr_expect(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	cr_expect_null(strstr(md, "<script>"));
	cr_expect(strstr(md, "\\|\\*x\\*"), "%s", md);
	free(md);
	free(html);
	rm_tree(root);
}

/* bench report as a user runs it, with stderr kept. */
static int run_report(const char *const *args, char *errbuf, size_t sz)
{
	const char *bin = getenv("BENCH_BIN");
	char err_path[] = "/tmp/bench-report-err-XXXXXX";
	const char *argv[16] = { bin, "report" };
	int fd, st, n = 2;
	FILE *f;
	pid_t pid;

	if (!bin || access(bin, X_OK) != 0)
		cr_skip_test("BENCH_BIN is not set to the built bench (run through 'make test')");
	for (; *args && n < 15; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	fd = mkstemp(err_path);
	cr_assert_geq(fd, 0);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(fd, 2);
		execv(bin, (char *const *)argv);
		_exit(98);
	}
	waitpid(pid, &st, 0);
	f = fdopen(fd, "r");
	rewind(f);
	errbuf[fread(errbuf, 1, sz - 1, f)] = '\0';
	fclose(f);
	unlink(err_path);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

Test(report, a_corrupt_folder_is_a_clear_error)
{
	char root[32], good[PATH_MAX + 64], bad[PATH_MAX + 64], path[PATH_MAX + 80], out[PATH_MAX], errbuf[2048];
	char *argv[2] = { good, bad };
	struct report_input in;
	bench_error err = { 0 };
	FILE *f;

	temp_root(root);
	startup_folder(root, "2026-11-29T10-00-00Z-startup", "alpha", good, sizeof(good));
	snprintf(bad, sizeof(bad), "%s/2026-11-29T11-00-00Z-startup", root);
	cr_assert_eq(mkdir(bad, 0755), 0);
	snprintf(path, sizeof(path), "%s/results.json", bad);
	f = fopen(path, "w");
	fputs("{\"benchmark\": \"startup\", \"results\": [", f);
	fclose(f);
	cr_expect_eq(report_load(&in, argv, 2, "/nonexistent", &err), -1);
	cr_expect(strstr(err.msg, bad), "the message names the folder: %s", err.msg);
	cr_expect_null(strchr(err.msg, '\n'));

	snprintf(out, sizeof(out), "%s/out", root);
	{
		const char *args[] = { "--out", out, good, bad, NULL };

		cr_expect_eq(run_report(args, errbuf, sizeof(errbuf)), 1);
		cr_expect_eq(count(errbuf, "\n"), 1u, "one line: %s", errbuf);
		cr_expect_eq(strncmp(errbuf, "bench: ", 7), 0, "%s", errbuf);
		snprintf(path, sizeof(path), "%s.html", out);
		cr_expect_neq(access(path, F_OK), 0, "no half report is written");
	}
	{
		/* A results.json that is JSON but not bench's. */
		const char *args[] = { "--out", out, bad, NULL };

		f = fopen(path, "w");
		fclose(f);
		snprintf(path, sizeof(path), "%s/results.json", bad);
		f = fopen(path, "w");
		fputs("[1, 2, 3]\n", f);
		fclose(f);
		cr_expect_eq(run_report(args, errbuf, sizeof(errbuf)), 1);
		cr_expect_eq(count(errbuf, "\n"), 1u, "one line: %s", errbuf);
	}
	rm_tree(root);
}

/* A startup folder whose startup.svg was replaced by svg; its HTML report. */
static char *report_with_svg(char *root, const char *svg)
{
	char dir[PATH_MAX + 64], path[PATH_MAX + 80], *argv[1] = { dir }, *page;
	FILE *f;

	temp_root(root);
	startup_folder(root, "2026-11-29T10-00-00Z-startup", "alpha", dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/startup.svg", dir);
	unlink(path);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(svg, f);
	fclose(f);
	free(report_of(root, argv, 1, &page));
	return page;
}

/* Whatever an SVG holds reaches the page only as the bytes of an image. */
Test(report, a_hostile_svg_is_only_ever_an_image)
{
	static const char svg[] = "<svg/onload=alert(document.domain)><g\x0conclick=alert(5)></g><a\nhref=\"java&#115;"
				  "cript:alert(6)\"><text>x</text></a></svg>";
	char root[32], *page, *b64, *end;
	uint8_t decoded[sizeof(svg)];
	struct base64_decode_ctx ctx;
	size_t dlen = sizeof(decoded);

	page = report_with_svg(root, svg);
	cr_expect(!strstr(page, "onload"), "the SVG's markup reached the page");
	cr_expect(!strstr(page, "onclick"));
	cr_expect(!strstr(page, "java&#115;cript"));
	cr_expect(!strstr(page, "<svg"));
	cr_expect(strstr(page, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"),
		  "no policy that forbids scripts");
	/* The image is the file, byte for byte. */
	b64 = strstr(page, "src=\"data:image/svg+xml;base64,");
	cr_assert_not_null(b64, "%s", page);
	b64 += strlen("src=\"data:image/svg+xml;base64,");
	end = strchr(b64, '"');
	cr_assert_not_null(end);
	base64_decode_init(&ctx);
	cr_assert(base64_decode_update(&ctx, &dlen, decoded, (size_t)(end - b64), b64));
	cr_assert(base64_decode_final(&ctx));
	cr_expect_eq(dlen, strlen(svg));
	cr_expect_eq(memcmp(decoded, svg, strlen(svg)), 0);
	free(page);
	rm_tree(root);
}

/* A symlinked plot is not read: its target may be anything. */
Test(report, a_symlinked_svg_is_not_read)
{
	char root[32], dir[PATH_MAX + 64], path[PATH_MAX + 80], secret[64], *argv[1] = { dir }, *page;
	FILE *f;

	temp_root(root);
	startup_folder(root, "2026-11-29T10-00-00Z-startup", "alpha", dir, sizeof(dir));
	snprintf(secret, sizeof(secret), "%s/elsewhere.svg", root);
	f = fopen(secret, "w");
	cr_assert_not_null(f);
	fputs("<svg><text>not in this folder</text></svg>", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/startup.svg", dir);
	unlink(path);
	cr_assert_eq(symlink(secret, path), 0);
	free(report_of(root, argv, 1, &page));
	cr_expect(!strstr(page, "not in this folder"), "a symlink's target was inlined");
	cr_expect(!strstr(page, "data:image/svg+xml;base64,"), "a symlink's target was embedded");
	cr_expect(strstr(page, "class=\"missing\""));
	free(page);
	rm_tree(root);
}

/* ---- rendering -------------------------------------------------------------- */

static const char *find_chromium(void)
{
	static const char *const paths[] = { "/usr/bin/chromium", "/usr/bin/chromium-browser" };

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (access(paths[i], X_OK) == 0)
			return paths[i];
	return NULL;
}

/* Runs bench with args, output thrown away; its exit status. */
static int run_quiet(const char *const *args)
{
	const char *bin = getenv("BENCH_BIN");
	const char *argv[24] = { bin };
	int n = 1, st;
	pid_t pid;

	for (; *args && n < 23; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(null, 2);
		execv(bin, (char *const *)argv);
		_exit(98);
	}
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Headless Chromium screenshots html into png; its exit status. */
static int screenshot(const char *chromium, const char *html, const char *png, const char *profile)
{
	char url[PATH_MAX + 16], shot[PATH_MAX + 32], data[PATH_MAX + 32];
	int st;
	pid_t pid;

	snprintf(url, sizeof(url), "file://%s", html);
	snprintf(shot, sizeof(shot), "--screenshot=%s", png);
	snprintf(data, sizeof(data), "--user-data-dir=%s", profile);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(null, 2);
		/* Bounded: a Chromium that hangs is killed. */
		alarm(120);
		execl(chromium, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		      "--no-first-run", "--disable-background-networking", "--disable-component-update",
		      "--disable-sync", data, shot, "--window-size=1280,2000", url, (char *)NULL);
		_exit(98);
	}
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Headless Chromium's DOM of html after loading it, into out; its exit status. */
static int dump_dom(const char *chromium, const char *html, const char *out, const char *profile)
{
	char url[PATH_MAX + 16], data[PATH_MAX + 32];
	int st;
	pid_t pid;

	snprintf(url, sizeof(url), "file://%s", html);
	snprintf(data, sizeof(data), "--user-data-dir=%s", profile);
	pid = fork();
	if (pid == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644), null = open("/dev/null", O_WRONLY);

		dup2(fd, 1);
		dup2(null, 2);
		alarm(120);
		execl(chromium, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		      "--no-first-run", "--disable-background-networking", "--disable-component-update",
		      "--disable-sync", data, "--virtual-time-budget=2000", "--dump-dom", url, (char *)NULL);
		_exit(98);
	}
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* SVGs whose handlers would retitle the page: after Chromium loaded the
 * report, the title is still the report's own. */
Test(report, no_script_in_a_plot_runs_in_chromium)
{
	static const char svg[] = "<svg/onload=\"document.title='PW'+'NED1'\" xmlns=\"http://www.w3.org/2000/svg\">"
				  "<animate/onbegin=\"document.title='PW'+'NED2'\" attributeName=\"x\" dur=\"1s\"/>"
				  "<rect width=\"10\" height=\"10\"/></svg>";
	const char *chromium = find_chromium();
	char root[32], html[PATH_MAX], dom[PATH_MAX], profile[PATH_MAX], *page, *text;

	if (!chromium)
		cr_skip_test("chromium is not installed (apt-get install chromium): the check needs a browser");
	page = report_with_svg(root, svg);
	free(page);
	snprintf(html, sizeof(html), "%s/report.html", root);
	snprintf(dom, sizeof(dom), "%s/dom.html", root);
	snprintf(profile, sizeof(profile), "%s/chromium-profile", root);
	cr_assert_eq(mkdir(profile, 0700), 0);
	cr_assert_eq(dump_dom(chromium, html, dom, profile), 0, "chromium failed");
	text = test_read_file(dom, NULL);
	cr_assert(strstr(text, "</html>"), "chromium dumped no page: %s", text);
	cr_expect(!strstr(text, "PWNED"), "a script in the SVG ran");
	cr_expect(strstr(text, "<title>"), "%.300s", text);
	free(text);
	rm_tree(root);
}

Test(report, renders_in_headless_chromium)
{
	const char *chromium = find_chromium();
	char root[32], dirs[2][PATH_MAX + 64], html[PATH_MAX], png_path[PATH_MAX], profile[PATH_MAX];
	char *argv[2] = { dirs[0], dirs[1] }, *md, *page;
	size_t svgs = 0, nonwhite = 0, colours = 0;
	png_image img;
	png_bytep px;
	static bool seen[1 << 12];

	if (!chromium)
		cr_skip_test("chromium is not installed (apt-get install chromium): the rendering check needs it");
	if (access("/usr/bin/gnuplot", X_OK) != 0)
		cr_skip_test("gnuplot is not installed: there would be no plot to check");
	temp_root(root);
	/* A real startup folder, measured now (the host runner needs no root),
	 * and a recorded density folder. */
	{
		const char *args[] = { "run", "startup", "-r", "host", "-n", "5", "-w", "0", "-q", "-o", root, NULL };

		if (!getenv("BENCH_BIN") || !getenv("BENCH_AGENT"))
			cr_skip_test("BENCH_BIN and BENCH_AGENT are not set (run through 'make test')");
		cr_assert_eq(run_quiet(args), 0, "bench run startup failed");
		snprintf(dirs[0], sizeof(dirs[0]), "%s/latest", root);
	}
	density_folder(root, dirs[1], sizeof(dirs[1]));
	md = report_of(root, argv, 2, &page);
	/* Every plot of both folders is inlined. */
	for (int i = 0; i < 2; i++) {
		DIR *d = opendir(dirs[i]);
		struct dirent *de;

		while (d && (de = readdir(d)) != NULL)
			svgs += strlen(de->d_name) > 4 && strcmp(de->d_name + strlen(de->d_name) - 4, ".svg") == 0;
		if (d)
			closedir(d);
	}
	cr_expect_eq(svgs, 2u, "startup.svg and density.svg");
	cr_expect_eq(count(page, " src=\"data:image/svg+xml;base64,"), svgs, "every plot embedded once");
	cr_expect_eq(count(page, "<img"), svgs, "self-contained: nothing linked");
	cr_expect_eq(count(page, "class=\"missing\""), 0u);

	snprintf(html, sizeof(html), "%s/report.html", root);
	snprintf(png_path, sizeof(png_path), "%s/shot.png", root);
	snprintf(profile, sizeof(profile), "%s/chromium-profile", root);
	cr_assert_eq(mkdir(profile, 0700), 0);
	cr_assert_eq(screenshot(chromium, html, png_path, profile), 0, "chromium failed");

	/* Decoded with libpng: the page must show more than a blank sheet. */
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	cr_assert(png_image_begin_read_from_file(&img, png_path), "not a PNG: %s", img.message);
	img.format = PNG_FORMAT_RGB;
	px = malloc(PNG_IMAGE_SIZE(img));
	cr_assert_not_null(px);
	cr_assert(png_image_finish_read(&img, NULL, px, 0, NULL), "%s", img.message);
	cr_expect_eq(img.width, 1280u);
	for (size_t i = 0; i < (size_t)img.width * img.height; i++) {
		png_bytep p = px + 3 * i;
		unsigned key = (unsigned)(p[0] >> 4) << 8 | (unsigned)(p[1] >> 4) << 4 | (unsigned)(p[2] >> 4);

		nonwhite += p[0] < 240 || p[1] < 240 || p[2] < 240;
		if (!seen[key]) {
			seen[key] = true;
			colours++;
		}
	}
	free(px);
	/* Text, tables and coloured plots: some percent of the page is ink,
	 * in many colours (the plots' palettes). */
	cr_expect_gt(nonwhite, (size_t)img.width * img.height / 50, "the page is blank: %zu dark pixels", nonwhite);
	cr_expect_gt(colours, 20u, "only %zu colours: the plots did not render", colours);
	free(md);
	free(page);
	rm_tree(root);
}
