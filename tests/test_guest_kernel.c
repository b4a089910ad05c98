/* --guest-kernel distro|minimal|PATH: the bzImage header's release, the
 * option's checks (a path that is missing, a symbolic link, not a kernel),
 * the minimal kernel in a cache, its drivers built in, and real boots of
 * the minimal kernel that `make guest-kernel` builds (skipped with the
 * reason when it was not built). */
#include <criterion/criterion.h>

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../bench/benchmarks.h"
#include "../bench/harness/options.h"
#include "../bench/harness/report_model.h"
#include "../lib/clock.h"
#include "../lib/run_id.h"
#include "../lib/sha256_file.h"
#include "../runners/runner.h"
#include "../vm/guest_kernel.h"
#include "../vm/guest_modules.h"
#include "../vm/initramfs.h"
#include "../vm/qemu_process.h"
#include "cli_run.h"

extern const struct runner_ops qemu_runner_ops;
extern const struct runner_ops vm_runner_ops;

/* ---- a fake bzImage ---------------------------------------------------------- */

#define FAKE_LEN ((1u << 20) + 0x4000u)
#define FAKE_VERSION_AT 0x3000u

/* A buffer that passes every check of a bzImage: big enough, HdrS, boot
 * protocol 2.15, and version (may be NULL: none) where kernel_version
 * points. */
static unsigned char *fake_bzimage(const char *version)
{
	unsigned char *b = calloc(1, FAKE_LEN);

	cr_assert_not_null(b);
	memcpy(b + 0x202, "HdrS", 4);
	b[0x206] = 0x0f;
	b[0x207] = 0x02;
	if (version) {
		unsigned ptr = FAKE_VERSION_AT - 0x200;

		b[0x20e] = (unsigned char)(ptr & 0xff);
		b[0x20f] = (unsigned char)(ptr >> 8);
		memcpy(b + FAKE_VERSION_AT, version, strlen(version) + 1);
	}
	return b;
}

static void put_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	cr_assert_geq(fd, 0, "%s: %s", path, strerror(errno));
	cr_assert_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static char *scratch_dir(void)
{
	char *d = strdup("/tmp/bench-gk.XXXXXX");

	cr_assert_not_null(mkdtemp(d));
	return d;
}

static void remove_tree(char *dir)
{
	nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

/* ---- the header's release ------------------------------------------------------ */

Test(bzimage_release, reads_the_first_word_of_the_version)
{
	unsigned char *b = fake_bzimage("6.1.192-bench-minimal (bench@bench) #1 SMP");
	char rel[128];

	cr_expect_eq(bzimage_release(b, FAKE_LEN, rel, sizeof(rel)), 0);
	cr_expect_str_eq(rel, "6.1.192-bench-minimal");
	/* A text that is only the release, NUL-terminated. */
	memcpy(b + FAKE_VERSION_AT, "6.1.0-57-cloud-amd64", 21);
	cr_expect_eq(bzimage_release(b, FAKE_LEN, rel, sizeof(rel)), 0);
	cr_expect_str_eq(rel, "6.1.0-57-cloud-amd64");
	free(b);
}

Test(bzimage_release, refuses_what_it_cannot_trust)
{
	unsigned char *b = fake_bzimage("6.1.0 x");
	char rel[128], tiny[4];

	/* The text runs to the end of what was read. */
	cr_expect_eq(bzimage_release(b, FAKE_VERSION_AT + 3, rel, sizeof(rel)), -1);
	cr_expect_str_eq(rel, "");
	/* Too long for the buffer: nothing half-written is left. */
	cr_expect_eq(bzimage_release(b, FAKE_LEN, tiny, sizeof(tiny)), -1);
	cr_expect_str_eq(tiny, "");
	/* A control byte after the word. */
	b[FAKE_VERSION_AT + 5] = '\n';
	cr_expect_eq(bzimage_release(b, FAKE_LEN, rel, sizeof(rel)), -1);
	b[FAKE_VERSION_AT + 5] = ' ';
	/* No word at all. */
	b[FAKE_VERSION_AT] = ' ';
	cr_expect_eq(bzimage_release(b, FAKE_LEN, rel, sizeof(rel)), -1);
	b[FAKE_VERSION_AT] = '6';
	/* A pointer past the end of what was read. */
	b[0x20e] = 0xff;
	b[0x20f] = 0xff;
	cr_expect_eq(bzimage_release(b, FAKE_LEN, rel, sizeof(rel)), -1);
	/* No pointer. */
	b[0x20e] = 0;
	b[0x20f] = 0;
	cr_expect_eq(bzimage_release(b, FAKE_LEN, rel, sizeof(rel)), -1);
	/* A boot protocol older than the field, and no magic. */
	b[0x20e] = 0x00;
	b[0x20f] = 0x2e;
	b[0x207] = 0x01;
	cr_expect_eq(bzimage_release(b, FAKE_LEN, rel, sizeof(rel)), -1);
	b[0x207] = 0x02;
	cr_expect_eq(bzimage_release(b, FAKE_LEN, rel, sizeof(rel)), 0);
	memcpy(b + 0x202, "HdrX", 4);
	cr_expect_eq(bzimage_release(b, FAKE_LEN, rel, sizeof(rel)), -1);
	/* Too short to hold the header. */
	cr_expect_eq(bzimage_release(b, 0x100, rel, sizeof(rel)), -1);
	free(b);
}

/* ---- the option -------------------------------------------------------------------- */

static int parse_kernel(const char *value, struct run_options *o, bench_error *err)
{
	const char *argv[] = { "startup", "--guest-kernel", value };

	return run_options_parse(3, (char **)argv, o, NULL, NULL, err);
}

Test(guest_kernel_option, distro_minimal_and_a_bzimage_are_taken)
{
	char *dir = scratch_dir();
	char path[256];
	unsigned char *b = fake_bzimage("6.1.0-test (t@t) #1");
	struct run_options o;
	bench_error err = { 0 };
	const char *argv[] = { "startup" };

	cr_assert_eq(run_options_parse(1, (char **)argv, &o, NULL, NULL, &err), 0, "%s", err.msg);
	cr_expect_null(o.guest_kernel, "the default is the distro kernel");
	cr_expect_eq(parse_kernel("distro", &o, &err), 0, "%s", err.msg);
	cr_expect_str_eq(o.guest_kernel, "distro");
	/* minimal is looked for when a VM runner prepares: it may not be built. */
	cr_expect_eq(parse_kernel("minimal", &o, &err), 0, "%s", err.msg);
	cr_expect_str_eq(o.guest_kernel, "minimal");
	snprintf(path, sizeof(path), "%s/bzImage", dir);
	put_file(path, b, FAKE_LEN);
	cr_expect_eq(parse_kernel(path, &o, &err), 0, "%s", err.msg);
	cr_expect_str_eq(o.guest_kernel, path);
	free(b);
	remove_tree(dir);
}

Test(guest_kernel_option, a_bad_path_is_one_line_and_a_usage_error)
{
	char *dir = scratch_dir();
	char kernel[256], link[256], small[256], zeros[256], missing[256], nodir[256];
	unsigned char *b = fake_bzimage("6.1.0-test");
	unsigned char *z = calloc(1, FAKE_LEN);
	struct {
		const char *value;
		const char *says;
	} cases[] = {
		{ link, "symbolic link" },
		{ small, "too small" },
		{ zeros, "not a bzImage" },
		{ missing, "No such file" },
		{ nodir, "No such file" },
		{ dir, "not a regular file" },
		{ "/tmp/", "names a folder" },
		{ "", "give distro, minimal or the path" },
		{ "minimal2", "No such file" },
	};

	cr_assert_not_null(z);
	snprintf(kernel, sizeof(kernel), "%s/bzImage", dir);
	put_file(kernel, b, FAKE_LEN);
	snprintf(link, sizeof(link), "%s/vmlinuz", dir);
	cr_assert_eq(symlink(kernel, link), 0);
	snprintf(small, sizeof(small), "%s/small", dir);
	put_file(small, "HdrS", 4);
	snprintf(zeros, sizeof(zeros), "%s/zeros", dir);
	put_file(zeros, z, FAKE_LEN);
	snprintf(missing, sizeof(missing), "%s/missing", dir);
	snprintf(nodir, sizeof(nodir), "%s/no/such/bzImage", dir);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct run_options o;
		bench_error err = { 0 };

		cr_expect_eq(parse_kernel(cases[i].value, &o, &err), -1, "accepted '%s'", cases[i].value);
		cr_expect_eq(err.exit_code, BENCH_EXIT_USAGE, "'%s': exit code %d", cases[i].value, err.exit_code);
		cr_expect_not_null(strstr(err.msg, cases[i].says), "'%s': '%s'", cases[i].value, err.msg);
		cr_expect_null(strchr(err.msg, '\n'));
	}
	free(z);
	free(b);
	remove_tree(dir);
}

/* As a user sees it: one line on stderr and exit status 2, before anything
 * runs. */
Test(guest_kernel_option, the_command_line_refuses_a_symlink_with_one_line)
{
	char *dir = scratch_dir();
	char kernel[256], link[256];
	unsigned char *b = fake_bzimage("6.1.0-test");
	struct cli_run r;
	const char *args[] = { "run", "startup", "--runners", "host", "--runs", "1", "--guest-kernel", link, NULL };

	snprintf(kernel, sizeof(kernel), "%s/bzImage", dir);
	put_file(kernel, b, FAKE_LEN);
	snprintf(link, sizeof(link), "%s/vmlinuz", dir);
	cr_assert_eq(symlink(kernel, link), 0);
	run_bench(&r, NULL, args);
	cr_expect_eq(r.status, 2, "exit status %d: %s", r.status, r.err);
	cr_expect_eq(r.err_lines, 1, "stderr: %s", r.err);
	cr_expect_not_null(strstr(r.err, "symbolic link"), "%s", r.err);
	free(b);
	remove_tree(dir);
}

/* ---- finding it ------------------------------------------------------------------- */

/* A cache with a minimal kernel as scripts/guest-kernel.sh leaves it:
 * kernel/minimal -> minimal-<key>/{vmlinuz,release,config}. */
static void fake_minimal_cache(const char *dir, const char *config)
{
	char p[512];
	unsigned char *b = fake_bzimage("6.1.192-bench-minimal (b@b) #1");

	snprintf(p, sizeof(p), "%s/kernel", dir);
	cr_assert_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/kernel/minimal-0123456789abcdef", dir);
	cr_assert_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/kernel/minimal", dir);
	cr_assert_eq(symlink("minimal-0123456789abcdef", p), 0);
	snprintf(p, sizeof(p), "%s/kernel/minimal/vmlinuz", dir);
	put_file(p, b, FAKE_LEN);
	snprintf(p, sizeof(p), "%s/kernel/minimal/release", dir);
	put_file(p, "6.1.192-bench-minimal\n", 22);
	snprintf(p, sizeof(p), "%s/kernel/minimal/config", dir);
	put_file(p, config, strlen(config));
	free(b);
}

static const char minimal_config[] = "CONFIG_VIRTIO=y\n"
				     "# CONFIG_VIRTIO_PCI_LIB_LEGACY is not set\n"
				     "CONFIG_VIRTIO_PCI_LIB=y\n"
				     "CONFIG_VIRTIO_PCI=y\n"
				     "CONFIG_VIRTIO_BLK=y\n"
				     "CONFIG_FAILOVER=y\n"
				     "CONFIG_NET_FAILOVER=y\n"
				     "CONFIG_VIRTIO_NET=y\n"
				     "# CONFIG_MODULES is not set\n";

Test(guest_kernel_find, minimal_from_the_cache_with_kind_release_and_sha256)
{
	char *dir = scratch_dir();
	char sha[65];
	struct guest_kernel k;
	bench_error err = { 0 };

	cr_expect_eq(guest_kernel_find("minimal", dir, &k, &err), -1);
	cr_expect_not_null(strstr(err.msg, "make guest-kernel"), "%s", err.msg);
	fake_minimal_cache(dir, minimal_config);
	cr_assert_eq(guest_kernel_find("minimal", dir, &k, &err), 0, "%s", err.msg);
	cr_expect_str_eq(k.kind, "minimal");
	cr_expect_str_eq(k.release, "6.1.192-bench-minimal");
	cr_expect_not_null(strstr(k.path, "/kernel/minimal-0123456789abcdef/vmlinuz"), "%s", k.path);
	cr_assert_eq(sha256_file_hex(k.path, sha, &err), 0, "%s", err.msg);
	cr_expect_str_eq(k.sha256, sha);
	/* The distro kernel is another folder of the same cache. */
	cr_expect_eq(guest_kernel_find(NULL, dir, &k, &err), -1);
	cr_expect_not_null(strstr(err.msg, "make setup"), "%s", err.msg);
	remove_tree(dir);
}

Test(guest_kernel_find, a_path_is_made_absolute_and_named_by_its_header)
{
	char *dir = scratch_dir();
	char p[256], cwd[4096], sha[65];
	unsigned char *b = fake_bzimage("6.1.0-mine+ (me@here) #7");
	struct guest_kernel k;
	bench_error err = { 0 };

	snprintf(p, sizeof(p), "%s/bzImage", dir);
	put_file(p, b, FAKE_LEN);
	cr_assert_not_null(getcwd(cwd, sizeof(cwd)));
	cr_assert_eq(chdir(dir), 0);
	cr_expect_eq(guest_kernel_find("bzImage", "/nonexistent-cache", &k, &err), 0, "%s", err.msg);
	cr_assert_eq(chdir(cwd), 0);
	cr_expect_str_eq(k.kind, "file");
	cr_expect_str_eq(k.release, "6.1.0-mine+");
	cr_expect_eq(k.path[0], '/', "%s", k.path);
	cr_expect_not_null(strstr(k.path, "/bzImage"), "%s", k.path);
	cr_assert_eq(sha256_file_hex(p, sha, &err), 0, "%s", err.msg);
	cr_expect_str_eq(k.sha256, sha);
	/* A header without a version: recorded as unknown, not refused. */
	free(b);
	b = fake_bzimage(NULL);
	put_file(p, b, FAKE_LEN);
	cr_expect_eq(guest_kernel_find(p, "/nonexistent-cache", &k, &err), 0, "%s", err.msg);
	cr_expect_str_eq(k.release, "unknown");
	free(b);
	remove_tree(dir);
}

/* The minimal kernel builds its drivers in: /init loads no module, and the
 * legacy virtio-pci library it leaves out is not missed. */
Test(guest_kernel_find, the_minimal_kernel_needs_no_module)
{
	char *dir = scratch_dir();
	struct guest_kernel k;
	struct guest_modules m;
	bench_error err = { 0 };

	fake_minimal_cache(dir, minimal_config);
	cr_assert_eq(guest_kernel_find("minimal", dir, &k, &err), 0, "%s", err.msg);
	cr_expect_eq(guest_modules_resolve(&k, GUEST_DRIVER_BLK | GUEST_DRIVER_NET, &m, &err), 0, "%s", err.msg);
	cr_expect_eq(m.n, 0);
	cr_expect_eq(m.builtin, 8);
	cr_expect_str_eq(guest_modules_kind(&m), "built-in");
	remove_tree(dir);

	/* A driver the kernel lacks is still refused. */
	dir = scratch_dir();
	fake_minimal_cache(dir, "CONFIG_VIRTIO=y\nCONFIG_VIRTIO_PCI_LIB=y\nCONFIG_VIRTIO_PCI=y\n");
	cr_assert_eq(guest_kernel_find("minimal", dir, &k, &err), 0, "%s", err.msg);
	cr_expect_eq(guest_modules_resolve(&k, GUEST_DRIVER_BLK, &m, &err), -1);
	cr_expect_not_null(strstr(err.msg, "CONFIG_VIRTIO_BLK"), "%s", err.msg);
	remove_tree(dir);
}

/* What `make guest-kernel` built, when it did: the config holds what the
 * fragment asked for. */
Test(guest_kernel_find, the_built_minimal_kernel_is_what_the_fragment_says)
{
	struct guest_kernel k;
	struct guest_modules m;
	bench_error err = { 0 };
	char path[4200];
	size_t len = 0;
	char *config;

	if (guest_kernel_find("minimal", vm_cache_dir(), &k, &err) != 0)
		cr_skip_test("no minimal kernel: %s", err.msg);
	fprintf(stderr, "guest_kernel: minimal kernel %s (%s, sha256 %.12s)\n", k.path, k.release, k.sha256);
	snprintf(path, sizeof(path), "%.*s/config", (int)(strrchr(k.path, '/') - k.path), k.path);
	config = test_read_file(path, &len);
	cr_assert_not_null(config, "%s", path);
	cr_expect_not_null(strstr(config, "# CONFIG_MODULES is not set"));
	cr_expect_not_null(strstr(config, "CONFIG_VIRTIO_MMIO=y"));
	cr_expect_not_null(strstr(config, "CONFIG_SERIAL_8250_CONSOLE=y"));
	cr_expect_not_null(strstr(config, "CONFIG_BLK_DEV_INITRD=y"));
	cr_expect_null(strstr(config, "CONFIG_RD_GZIP=y"), "the initramfs is uncompressed");
	free(config);
	cr_expect_eq(guest_modules_resolve(&k, GUEST_DRIVER_BLK | GUEST_DRIVER_NET, &m, &err), 0, "%s", err.msg);
	cr_expect_eq(m.n, 0, "the minimal kernel loads no module");
}

/* ---- the report ------------------------------------------------------------------------- */

/* bench report says, per VM runner, which kernel it booted and how much of
 * its start was the kernel's own uptime; a runner without a kernel gets no
 * such line. */
Test(guest_kernel_report, a_line_per_vm_runner_with_its_kernel)
{
	char *root = scratch_dir();
	char dir[512], path[600], md[600];
	char *dirs[1] = { dir };
	json_t *meta = json_pack("{s:s, s:s, s:{s:[s], s:[s]}, s:{s:{s:s, s:s, s:s}}}", "hostname", "alpha",
				 "started_utc", "2026-12-07T06:00:00Z", "runner_caps", "host", "baseline", "qemu",
				 "guest_kernel", "guest_kernels", "qemu", "kind", "minimal", "release",
				 "6.1.192-bench-minimal", "sha256", "f1d312f51a15989515f6f02c311966fc37eba0ea");
	json_t *doc = json_pack("{s:s, s:o, s:[{s:s, s:s, s:s, s:[f, f, f]}, {s:s, s:s, s:s, s:[f, f, f]}, "
				"{s:s, s:s, s:s, s:[f, f, f]}]}",
				"benchmark", "startup", "meta", meta, "results", "runner", "host", "metric", "ready", "unit",
				"ms", "samples", 0.3, 0.3, 0.3, "runner", "qemu", "metric", "ready", "unit", "ms", "samples",
				1000.0, 990.0, 1010.0, "runner", "qemu", "metric", "guest_uptime", "unit", "ms", "samples",
				600.0, 610.0, 590.0);
	struct report_input in;
	struct doc d = { 0 };
	bench_error err = { 0 };
	char *text;

	snprintf(dir, sizeof(dir), "%s/2026-12-07T06-00-00Z-startup", root);
	cr_assert_eq(mkdir(dir, 0755), 0);
	snprintf(path, sizeof(path), "%s/results.json", dir);
	cr_assert_eq(json_dump_file(doc, path, 0), 0);
	json_decref(doc);
	cr_assert_eq(report_load(&in, dirs, 1, "/nonexistent", &err), 0, "%s", err.msg);
	cr_assert_eq(report_build(&d, &in, benchmark_table, &err), 0, "%s", err.msg);
	snprintf(md, sizeof(md), "%s/report.md", root);
	cr_assert_eq(report_write_markdown(&d, md, &err), 0, "%s", err.msg);
	doc_free(&d);
	report_input_free(&in);
	text = test_read_file(md, NULL);
	cr_assert_not_null(text);
	cr_expect_not_null(strstr(text, "qemu booted the minimal guest kernel 6.1.192-bench-minimal (sha256 f1d312f51a15…)"),
			   "%s", text);
	cr_expect_not_null(strstr(text, "uptime at READY was 600 ms"), "%s", text);
	cr_expect_not_null(strstr(text, "about 400 ms went before"), "%s", text);
	cr_expect_null(strstr(text, "host booted"), "the host runner booted no kernel");
	free(text);
	remove_tree(root);
}

/* ---- real boots of the minimal kernel ---------------------------------------------- */

static void need_minimal(struct guest_kernel *k)
{
	bench_error err = { 0 };
	char path[4096];
	const char *agent = getenv("BENCH_AGENT");

	if (!agent || access(agent, X_OK) != 0)
		cr_skip_test("BENCH_AGENT is not set to the agent binary (run through 'make test')");
	if (guest_kernel_find("minimal", vm_cache_dir(), k, &err) != 0)
		cr_skip_test("no minimal kernel ('make guest-kernel' builds it): %s", err.msg);
	if (qemu_binary_find(path, sizeof(path), &err) != 0)
		cr_skip_test("%s", err.msg);
	fprintf(stderr, "guest_kernel_boot: minimal kernel %s (%s)\n", k->path, k->release);
}

/* One start of ops with the minimal kernel on machine: READY from a guest
 * whose kernel is the minimal one, and the results' meta saying so. */
static void boot_minimal(const struct runner_ops *ops, const char *machine)
{
	struct guest_kernel k;
	char run_id[64], needle[32];
	struct run_config cfg;
	struct runner r;
	struct instance in;
	bench_error err = { 0 };
	json_t *meta = json_object(), *per;
	uint64_t up = 0;

	need_minimal(&k);
	run_id_make(run_id, sizeof(run_id));
	cfg = (struct run_config){
		.agent_path = getenv("BENCH_AGENT"), .run_id = run_id, .cpus = "", .memory_mib = 256,
		.timeout_ms = 90000, .accel = "auto", .vm_machine = machine, .guest_kernel = "minimal",
	};
	r = (struct runner){ .ops = ops, .cfg = &cfg };
	if (ops->prepare(&r, &err) != 0) {
		if (strstr(err.msg, "cannot work under TCG here"))
			cr_skip_test("%s", err.msg);
		cr_assert_fail("prepare: %s", err.msg);
	}
	instance_init(&in, &r, 0, "ready");
	cr_assert_eq(ops->launch(&r, &in, &err), 0, "%s", err.msg);
	cr_assert_eq(ops->wait_ready(&r, &in, &err), 0, "%s", err.msg);
	cr_expect_str_eq(record_get(&in.ready, "kernel"), k.release, "the guest runs the minimal kernel");
	cr_expect_str_eq(record_get(&in.ready, "pid"), "1");
	cr_assert_eq(ops->stop(&r, &in, &err), 0, "%s", err.msg);
	runner_destroy(&r, &in);
	for (int i = 0; i < in.nmeasures; i++)
		if (strcmp(in.measures[i].name, "guest_uptime") == 0)
			up = in.measures[i].ns;
	cr_expect_gt(up, 0, "the guest's uptime at READY");
	fprintf(stderr, "guest_kernel_boot: %s on %s: READY %.0f ms after launch, guest uptime %.0f ms\n",
		ops->name, machine, ns_to_ms(in.t_ready_ns - in.t_launch_ns), ns_to_ms(up));
	ops->describe(&r, meta);
	cr_expect_str_eq(json_string_value(json_object_get(meta, "guest_kernel_kind")), "minimal");
	per = json_object_get(json_object_get(meta, "guest_kernels"), ops->name);
	cr_expect_str_eq(json_string_value(json_object_get(per, "release")), k.release);
	cr_expect_str_eq(json_string_value(json_object_get(per, "sha256")), k.sha256);
	json_decref(meta);
	runner_finish(&r);
	snprintf(needle, sizeof(needle), RUN_ID_PREFIX "%d-", (int)getpid());
	cr_expect_eq(test_leftover_processes(needle, NULL, true) + test_leftover_scratch(needle, true), 0,
		     "the %s runner left something of %s", ops->name, needle);
}

Test(guest_kernel_boot, qemu_pc, .timeout = 150)
{
	boot_minimal(&qemu_runner_ops, "pc");
}

Test(guest_kernel_boot, qemu_q35, .timeout = 150)
{
	boot_minimal(&qemu_runner_ops, "q35");
}

Test(guest_kernel_boot, qemu_microvm, .timeout = 150)
{
	boot_minimal(&qemu_runner_ops, "microvm");
}

Test(guest_kernel_boot, vm_pc, .timeout = 150)
{
	virConnectPtr c;

	if (geteuid() != 0)
		cr_skip_test("vm: needs root (qemu:///system)");
	virSetErrorFunc(NULL, test_virt_silent);
	c = virConnectOpen("qemu:///system");
	if (!c)
		cr_skip_test("vm: libvirtd not reachable: %s", virGetLastErrorMessage());
	virConnectClose(c);
	boot_minimal(&vm_runner_ops, "pc");
}
