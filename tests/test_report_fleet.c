/* bench report across hosts: each host's median side by side with the
 * median across hosts and its range; hosts of different VM accelerators
 * never pooled; the summary says how many hosts, which differ, and whether
 * the conclusion holds on all; host names (labels) from folders escaped. */
#include <ftw.h>
#include <jansson.h>
#include <limits.h>

#include "../bench/benchmarks.h"
#include "../bench/harness/report_model.h"
#include "helpers.h"

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st, (void)type, (void)ftw;
	return remove(path);
}

/* A startup folder of host (its label; hostname "same" for all, as on a
 * fleet of clones) whose container and VM were ready in container_ms and
 * vm_ms. */
static void host_folder(const char *root, const char *label, const char *accel, double container_ms, double vm_ms,
			char *out, size_t sz)
{
	static int seq;
	char path[PATH_MAX + 64], name[64];
	json_t *meta = json_pack("{s:s, s:s, s:s, s:s, s:s}", "hostname", "same", "host_label", label, "cpu_model",
				 "Test CPU", "started_utc", "2026-11-29T10:00:00Z", "accel", accel);
	json_t *doc;

	json_object_set_new(meta, "runner_caps",
			    json_pack("{s:[s], s:[s, s], s:[s]}", "host", "baseline", "container", "cgroup", "namespaces",
				      "vm", "guest_kernel"));
	doc = json_pack("{s:s, s:o, s:[{s:s, s:s, s:s, s:[f, f, f]}, {s:s, s:s, s:s, s:[f, f, f]}, "
			"{s:s, s:s, s:s, s:[f, f, f]}]}",
			"benchmark", "startup", "meta", meta, "results", "runner", "host", "metric", "ready", "unit", "ms", "samples",
			0.3, 0.3, 0.3, "runner", "container", "metric", "ready", "unit", "ms", "samples", container_ms, container_ms,
			container_ms, "runner", "vm", "metric", "ready", "unit", "ms", "samples", vm_ms, vm_ms, vm_ms);
	snprintf(name, sizeof(name), "h%d", seq++);
	snprintf(out, sz, "%s/%s", root, name);
	cr_assert_eq(mkdir(out, 0755), 0);
	snprintf(out + strlen(out), sz - strlen(out), "/2026-11-29T10-00-00Z-startup");
	cr_assert_eq(mkdir(out, 0755), 0);
	snprintf(path, sizeof(path), "%s/results.json", out);
	cr_assert_eq(json_dump_file(doc, path, 0), 0);
	json_decref(doc);
	/* The host's folder, as fleet/<host>/ holds it. */
	*strrchr(out, '/') = '\0';
}

static char *report_of(const char *root, char **dirs, int n, char **html)
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

static char *temp_root(char *buf)
{
	strcpy(buf, "/tmp/bench-fleet-XXXXXX");
	cr_assert_not_null(mkdtemp(buf));
	return buf;
}

Test(report_fleet, hosts_side_by_side_with_median_and_range)
{
	char root[32], d[3][PATH_MAX], *md;
	char *argv[3] = { d[0], d[1], d[2] };

	temp_root(root);
	host_folder(root, "node-a", "tcg", 2.0, 2000, d[0], sizeof(d[0]));
	host_folder(root, "node-b", "tcg", 4.0, 3000, d[1], sizeof(d[1]));
	host_folder(root, "node-c", "tcg", 9.0, 2500, d[2], sizeof(d[2]));
	md = report_of(root, argv, 3, NULL);
	cr_expect(strstr(md, "## Across hosts"), "%s", md);
	cr_expect(strstr(md, "| runner | metric | node-a | node-b | node-c | median across hosts | range | unit |"), "%s",
		  md);
	cr_expect(strstr(md, "| container | ready | 2 | 4 | 9 | 4 | 2 to 9 | ms |"), "%s", md);
	cr_expect(strstr(md, "| vm | ready | 2000 | 3000 | 2500 | 2500 | 2000 to 3000 | ms |"), "%s", md);
	cr_expect(strstr(md, "### Across 3 hosts"), "%s", md);
	cr_expect(strstr(md, "holds on all 3 hosts"), "%s", md);
	free(md);
	nftw(root, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

Test(report_fleet, a_host_where_the_conclusion_differs_is_named)
{
	char root[32], d[3][PATH_MAX], *md;
	char *argv[3] = { d[0], d[1], d[2] };

	temp_root(root);
	host_folder(root, "node-a", "tcg", 2.0, 2000, d[0], sizeof(d[0]));
	host_folder(root, "node-b", "tcg", 3.0, 2000, d[1], sizeof(d[1]));
	/* A container slower than the VM here. */
	host_folder(root, "odd-one", "tcg", 5000, 2000, d[2], sizeof(d[2]));
	md = report_of(root, argv, 3, NULL);
	cr_expect(strstr(md, "host \\< container \\< vm on 2 of 3 hosts; it does not hold on odd-one (host \\< vm \\< container)"),
		  "%s", md);
	free(md);
	nftw(root, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

Test(report_fleet, kvm_and_tcg_hosts_are_never_pooled)
{
	char root[32], d[3][PATH_MAX], *md;
	char *argv[3] = { d[0], d[1], d[2] };

	temp_root(root);
	host_folder(root, "kvm-1", "kvm", 2.0, 300, d[0], sizeof(d[0]));
	host_folder(root, "tcg-1", "tcg", 2.0, 2000, d[1], sizeof(d[1]));
	host_folder(root, "tcg-2", "tcg", 2.0, 4000, d[2], sizeof(d[2]));
	md = report_of(root, argv, 3, NULL);
	cr_expect(strstr(md, "differ in their VM accelerator"), "%s", md);
	/* Two tables: the TCG hosts' median is theirs alone (3000), never
	 * 2000 (the median of all three). */
	cr_expect(strstr(md, "| runner | metric | kvm-1 | median across hosts | range | unit |"), "%s", md);
	cr_expect(strstr(md, "| runner | metric | tcg-1 | tcg-2 | median across hosts | range | unit |"), "%s", md);
	cr_expect(strstr(md, "| vm | ready | 2000 | 4000 | 3000 | 2000 to 4000 | ms |"), "%s", md);
	cr_expect_null(strstr(md, "| vm | ready | 300 | 2000 | 4000 |"), "%s", md);
	free(md);
	nftw(root, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* Is needle in md without a backslash before it? */
static bool unescaped(const char *md, const char *needle)
{
	for (const char *p = md; (p = strstr(p, needle)) != NULL; p++)
		if (p == md || p[-1] != '\\')
			return true;
	return false;
}

Test(report_fleet, host_labels_from_folders_are_escaped)
{
	char root[32], d[2][PATH_MAX], *md, *html;
	char *argv[2] = { d[0], d[1] };

	temp_root(root);
	host_folder(root, "<img src=x onerror=alert(1)>|x", "tcg", 2.0, 2000, d[0], sizeof(d[0]));
	host_folder(root, "plain", "tcg", 3.0, 2000, d[1], sizeof(d[1]));
	md = report_of(root, argv, 2, &html);
	cr_expect_null(strstr(html, "<img src=x"), "a host label became HTML");
	cr_expect_not(unescaped(md, "<img src=x"), "a host label became HTML in the Markdown:\n%s", md);
	cr_expect_not(unescaped(md, "|x"), "a host label broke a table row:\n%s", md);
	free(md);
	free(html);
	nftw(root, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

Test(report_fleet, one_host_has_no_fleet_section)
{
	char root[32], d[1][PATH_MAX], *md;
	char *argv[1] = { d[0] };

	temp_root(root);
	host_folder(root, "alone", "tcg", 2.0, 2000, d[0], sizeof(d[0]));
	md = report_of(root, argv, 1, NULL);
	cr_expect_null(strstr(md, "Across hosts"), "%s", md);
	free(md);
	nftw(root, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}
