/* The vm runner: its domain XML, its initramfs, its kernel cache, and real
 * guests through libvirt (TCG here; each boot takes about 2 s). */
#include <criterion/criterion.h>

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <jansson.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../lib/clock.h"
#include "../lib/run_id.h"
#include "../runners/runner.h"
#include "../vm/accel.h"
#include "../vm/cleanup.h"
#include "../vm/domain_xml.h"
#include "../vm/initramfs.h"
#include "../vm/kernel_cache.h"
#include "helpers.h"

extern const struct runner_ops vm_runner_ops;

/* ---- domain XML ---------------------------------------------------------- */

static char *xml_for(const char *name, const char *cmdline, const char *cpulist, unsigned vcpus)
{
	static unsigned cpus[VM_CPUS_MAX];
	bench_error err = { 0 };
	int n = 0;
	char *xml;

	if (cpulist) {
		n = vm_cpulist_parse(cpulist, cpus, VM_CPUS_MAX, &err);
		cr_assert_geq(n, 0, "%s", err.msg);
	}
	struct vm_domain_spec spec = {
		.name = name,
		.memory_mib = 384,
		.vcpus = vcpus,
		.cpus = cpus,
		.ncpus = (unsigned)n,
		.kernel = "/cache/kernel/vmlinuz",
		.initrd = "/cache/initramfs/x.cpio",
		.cmdline = cmdline,
		.accel = VM_ACCEL_TCG,
		.console_socket = "/tmp/bench-1-2-vm.x/0.sock",
	};
	xml = vm_domain_xml(&spec, &err);
	cr_assert_not_null(xml, "%s", err.msg);
	return xml;
}

Test(vm_xml, escapes_hostile_strings)
{
	char *xml = xml_for("bench-<x>&\"'y", "a=1 </cmdline><disk type='file'/> b='&'", NULL, 1);

	cr_expect(strstr(xml, "<name>bench-&lt;x&gt;&amp;&quot;&apos;y</name>") != NULL, "%s", xml);
	cr_expect(strstr(xml, "<cmdline>a=1 &lt;/cmdline&gt;&lt;disk type=&apos;file&apos;/&gt; b=&apos;&amp;&apos;</cmdline>") !=
			  NULL,
		  "%s", xml);
	cr_expect_null(strstr(xml, "<disk"), "injected element in %s", xml);
	/* Exactly one of each element that was attacked. */
	cr_expect_eq(strstr(strstr(xml, "</cmdline>") + 1, "</cmdline>"), NULL);
	free(xml);
}

/* bench's mark on every domain it makes: what `bench cleanup` looks for. */
Test(vm_xml, carries_the_run_mark)
{
	bench_error err = { 0 };
	struct vm_domain_spec spec = {
		.name = "bench-12-ab-0", .memory_mib = 256, .vcpus = 1, .kernel = "k", .initrd = "i",
		.cmdline = "c", .accel = VM_ACCEL_TCG, .run_id = "12-ab",
	};
	char *xml = vm_domain_xml(&spec, &err);

	cr_assert_not_null(xml, "%s", err.msg);
	cr_expect(strstr(xml, "<metadata><bench:run xmlns:bench='" VM_BENCH_MARK_NS "' id='12-ab'/></metadata>") !=
			  NULL,
		  "%s", xml);
	free(xml);
	spec.run_id = NULL;
	xml = vm_domain_xml(&spec, &err);
	cr_assert_not_null(xml, "%s", err.msg);
	cr_expect_null(strstr(xml, "<metadata>"), "%s", xml);
	free(xml);
}

Test(vm_xml, refuses_control_characters)
{
	bench_error err = { 0 };
	struct vm_domain_spec spec = {
		.name = "bench-a\x01", .memory_mib = 256, .vcpus = 1, .kernel = "k", .initrd = "i",
		.cmdline = "c", .accel = VM_ACCEL_TCG,
	};

	cr_expect_null(vm_domain_xml(&spec, &err));
	cr_expect(strstr(err.msg, "name") != NULL, "%s", err.msg);
	spec.name = NULL;
	cr_expect_null(vm_domain_xml(&spec, &err));
}

Test(vm_xml, pinning_memory_vcpus)
{
	char *xml = xml_for("bench-1-2-0", "console=ttyS0", "0-1", 2);

	cr_expect(strstr(xml, "<memory unit='MiB'>384</memory>") != NULL, "%s", xml);
	cr_expect(strstr(xml, "<vcpu placement='static'>2</vcpu>") != NULL, "%s", xml);
	cr_expect(strstr(xml, "<vcpupin vcpu='0' cpuset='0'/>") != NULL, "%s", xml);
	cr_expect(strstr(xml, "<vcpupin vcpu='1' cpuset='1'/>") != NULL, "%s", xml);
	cr_expect(strstr(xml, "<emulatorpin cpuset='0,1'/>") != NULL, "%s", xml);
	cr_expect(strstr(xml, "<domain type='qemu'>") != NULL, "TCG is type qemu: %s", xml);
	free(xml);

	/* No cpu list: no pinning at all. */
	xml = xml_for("bench-1-2-0", "console=ttyS0", NULL, 1);
	cr_expect_null(strstr(xml, "<cputune>"));
	free(xml);
}

Test(vm_xml, only_what_is_needed)
{
	char *xml = xml_for("bench-1-2-0", "console=ttyS0", "0", 1);
	static const char *const absent[] = { "<disk", "<interface", "<graphics", "<video", "<sound", "<input" };

	for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
		cr_expect_null(strstr(xml, absent[i]), "%s in %s", absent[i], xml);
	cr_expect(strstr(xml, "<controller type='usb' model='none'/>") != NULL);
	cr_expect(strstr(xml, "<memballoon model='none'/>") != NULL);
	cr_expect(strstr(xml, "machine='pc'") != NULL);
	cr_expect(strstr(xml, "<acpi/>") != NULL);
	cr_expect(strstr(xml, "<on_poweroff>destroy</on_poweroff>") != NULL);
	cr_expect(strstr(xml, "<on_reboot>destroy</on_reboot>") != NULL);
	cr_expect(strstr(xml, "<on_crash>destroy</on_crash>") != NULL);
	cr_expect(strstr(xml, "<serial type='unix'>") != NULL);
	cr_expect(strstr(xml, "<source mode='bind' path='/tmp/bench-1-2-vm.x/0.sock'/>") != NULL);
	free(xml);
}

Test(vm_xml, kvm_type)
{
	bench_error err = { 0 };
	struct vm_domain_spec spec = {
		.name = "n", .memory_mib = 256, .vcpus = 1, .kernel = "k", .initrd = "i", .cmdline = "c",
		.accel = VM_ACCEL_KVM,
	};
	char *xml = vm_domain_xml(&spec, &err);

	cr_assert_not_null(xml, "%s", err.msg);
	cr_expect(strstr(xml, "<domain type='kvm'>") != NULL);
	cr_expect(strstr(xml, "<serial type='pty'>") != NULL);
	cr_expect(strstr(xml, "<cpu mode='host-passthrough' check='none'>") != NULL, "%s", xml);
	free(xml);
}

/* The guest CPU is explicit and the same as the qemu runner's -cpu -smp. */
Test(vm_xml, cpu_model_and_topology)
{
	char *xml = xml_for("bench-1-2-0", "console=ttyS0", "0-1", 2);

	cr_expect(strstr(xml, "<model fallback='forbid'>qemu64</model>") != NULL, "TCG: a named model: %s", xml);
	cr_expect(strstr(xml, "<topology sockets='1' dies='1' cores='2' threads='1'/>") != NULL, "%s", xml);
	free(xml);
}

Test(vm_xml, cpulist)
{
	unsigned c[8];
	bench_error err = { 0 };

	cr_assert_eq(vm_cpulist_parse("0,2-3", c, 8, &err), 3);
	cr_expect(c[0] == 0 && c[1] == 2 && c[2] == 3);
	cr_assert_eq(vm_cpulist_parse("1\n", c, 8, &err), 1);
	cr_expect_eq(c[0], 1);
	cr_expect_eq(vm_cpulist_parse("3-1", c, 8, &err), -1);
	cr_expect_eq(vm_cpulist_parse("a", c, 8, &err), -1);
	cr_expect_eq(vm_cpulist_parse("", c, 8, &err), -1);
	cr_expect_eq(vm_cpulist_parse("0-9", c, 8, &err), -1);
	cr_expect_eq(vm_cpulist_parse("1,", c, 8, &err), 1);
}

/* ---- initramfs ----------------------------------------------------------- */

static char *temp_dir(void)
{
	char *d = strdup("/tmp/vmtest.XXXXXX");

	cr_assert_not_null(mkdtemp(d));
	return d;
}

static void write_file(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	cr_assert_geq(fd, 0, "%s", path);
	cr_assert_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void rm_rf(const char *dir)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", dir);
	cr_expect_eq(system(cmd), 0);
}

/* Reads the archive back; checks every entry and returns /init's bytes. */
static void check_archive(const char *path, const void *agent, size_t len)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	bool init = false, dev = false, proc = false, console = false;
	int n = 0;

	archive_read_support_format_cpio(a);
	archive_read_support_filter_none(a);
	cr_assert_eq(archive_read_open_filename(a, path, 16384), ARCHIVE_OK, "%s", archive_error_string(a));
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);

		n++;
		cr_expect_eq(archive_format(a), ARCHIVE_FORMAT_CPIO_SVR4_NOCRC, "newc: %s", archive_format_name(a));
		cr_expect_eq(archive_filter_code(a, 0), ARCHIVE_FILTER_NONE, "uncompressed");
		if (strcmp(name, "init") == 0) {
			char *buf = malloc(len + 1);
			la_ssize_t got;

			cr_assert_not_null(buf);
			cr_expect_eq(archive_entry_filetype(e), AE_IFREG);
			cr_expect_eq(archive_entry_perm(e), 0755);
			cr_expect_eq(archive_entry_size(e), (la_int64_t)len);
			got = archive_read_data(a, buf, len + 1);
			cr_expect_eq(got, (la_ssize_t)len);
			cr_expect_eq(memcmp(buf, agent, len), 0, "/init is not the agent's exact bytes");
			free(buf);
			init = true;
		} else if (strcmp(name, "dev") == 0) {
			dev = archive_entry_filetype(e) == AE_IFDIR;
		} else if (strcmp(name, "proc") == 0) {
			proc = archive_entry_filetype(e) == AE_IFDIR;
		} else if (strcmp(name, "dev/console") == 0) {
			console = archive_entry_filetype(e) == AE_IFCHR && archive_entry_rdevmajor(e) == 5 &&
				  archive_entry_rdevminor(e) == 1;
		}
	}
	archive_read_free(a);
	cr_expect(init && dev && proc && console, "init %d dev %d proc %d console %d", init, dev, proc, console);
	cr_expect_eq(n, 4, "only /init, /dev, /proc, /dev/console");
}

Test(vm_initramfs, holds_the_agent)
{
	const char *agent_env = getenv("BENCH_AGENT");
	char *dir = temp_dir();
	char agent_path[4200], path[4200], sha[INITRAMFS_SHA256_HEX], sha2[INITRAMFS_SHA256_HEX];
	char cache[4200];
	char *agent;
	size_t len;
	struct stat st1, st2;
	bench_error err = { 0 };

	if (agent_env && access(agent_env, R_OK) == 0) {
		snprintf(agent_path, sizeof(agent_path), "%s", agent_env);
	} else {
		/* Any bytes do; include a NUL and high bytes. */
		static const char fake[] = "\x7f" "ELF\0fake agent\xff\n";

		snprintf(agent_path, sizeof(agent_path), "%s/agent", dir);
		write_file(agent_path, fake, sizeof(fake), 0755);
	}
	agent = test_read_file(agent_path, &len);
	snprintf(cache, sizeof(cache), "%s/cache", dir);

	cr_assert_eq(initramfs_get(agent_path, cache, path, sizeof(path), sha, &err), 0, "%s", err.msg);
	{
		char want[4400];

		initramfs_sha256_hex(agent, len, sha2);
		cr_expect_str_eq(sha, sha2);
		snprintf(want, sizeof(want), "%s/initramfs/%s.cpio", cache, sha);
		cr_expect_str_eq(path, want, "the cache file is named after the agent's hash");
	}
	check_archive(path, agent, len);
	cr_assert_eq(stat(path, &st1), 0);
	cr_expect_eq(st1.st_mode & 0777, 0644, "QEMU runs as another user and must read it");

	/* Cached: the same file, not rebuilt. */
	cr_assert_eq(initramfs_get(agent_path, cache, path, sizeof(path), sha2, &err), 0, "%s", err.msg);
	cr_assert_eq(stat(path, &st2), 0);
	cr_expect_eq(st1.st_ino, st2.st_ino);
	cr_expect_eq(st1.st_mtim.tv_nsec, st2.st_mtim.tv_nsec);

	/* A changed agent gets its own archive. */
	{
		char other[4200], path2[4200];
		static const char bytes[] = "another agent";

		snprintf(other, sizeof(other), "%s/agent2", dir);
		write_file(other, bytes, sizeof(bytes) - 1, 0755);
		cr_assert_eq(initramfs_get(other, cache, path2, sizeof(path2), sha2, &err), 0, "%s", err.msg);
		cr_expect_str_neq(path, path2);
		cr_expect_str_neq(sha, sha2);
		check_archive(path2, bytes, sizeof(bytes) - 1);
	}

	/* No temporary files are left next to the archives. */
	{
		char cmd[4400];

		snprintf(cmd, sizeof(cmd), "test $(ls -A '%s/initramfs' | wc -l) -eq 2", cache);
		cr_expect_eq(system(cmd), 0, "only the two archives in the cache");
	}
	free(agent);
	rm_rf(dir);
	free(dir);
}

Test(vm_initramfs, missing_agent)
{
	char path[4200], sha[INITRAMFS_SHA256_HEX];
	bench_error err = { 0 };

	cr_expect_eq(initramfs_get("/nonexistent/agent", "/tmp", path, sizeof(path), sha, &err), -1);
	cr_expect(strstr(err.msg, "/nonexistent/agent") != NULL, "%s", err.msg);
}

Test(vm_initramfs, kernel_cache_checks)
{
	char *dir = temp_dir();
	char p[4200];
	struct guest_kernel k;
	bench_error err = { 0 };
	char *big;
	const size_t big_len = (1u << 20) + 4096;

	cr_expect_eq(kernel_cache_find(dir, &k, &err), -1);
	cr_expect(strstr(err.msg, "guest kernel not found in") != NULL && strstr(err.msg, "make setup") != NULL,
		  "%s", err.msg);

	snprintf(p, sizeof(p), "%s/kernel", dir);
	cr_assert_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/kernel/6.1.0-test", dir);
	cr_assert_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/kernel/current", dir);
	cr_assert_eq(symlink("6.1.0-test", p), 0);
	snprintf(p, sizeof(p), "%s/kernel/current/release", dir);
	write_file(p, "6.1.0-test\n", 11, 0644);

	/* Truncated. */
	snprintf(p, sizeof(p), "%s/kernel/current/vmlinuz", dir);
	write_file(p, "HdrS", 4, 0644);
	cr_expect_eq(kernel_cache_find(dir, &k, &err), -1);
	cr_expect(strstr(err.msg, "too small") != NULL, "%s", err.msg);

	/* Big enough but not a bzImage. */
	big = calloc(1, big_len);
	cr_assert_not_null(big);
	write_file(p, big, big_len, 0644);
	cr_expect_eq(kernel_cache_find(dir, &k, &err), -1);
	cr_expect(strstr(err.msg, "HdrS") != NULL, "%s", err.msg);

	/* A bzImage. */
	memcpy(big + 0x202, "HdrS", 4);
	write_file(p, big, big_len, 0644);
	cr_expect_eq(kernel_cache_find(dir, &k, &err), 0, "%s", err.msg);
	cr_expect_str_eq(k.release, "6.1.0-test");
	cr_expect(strstr(k.path, "/kernel/6.1.0-test/vmlinuz") != NULL, "%s", k.path);
	free(big);
	rm_rf(dir);
	free(dir);
}

/* ---- real guests ----------------------------------------------------------- */

/* Skips the test unless a guest can really be booted here. */
static void need_libvirt(void)
{
	test_need_guest("vm");
}

/* Names of the domains of the bench process pid (bench-<pid>-...) that
 * exist now, joined by spaces.  Other runs on this host are not ours to
 * judge. */
static void bench_domains(char *out, size_t outsz, pid_t pid)
{
	char prefix[32];
	virConnectPtr c = virConnectOpen("qemu:///system");
	virDomainPtr *doms = NULL;
	int n;

	out[0] = '\0';
	snprintf(prefix, sizeof(prefix), RUN_ID_PREFIX "%d-", (int)pid);
	cr_assert_not_null(c);
	n = virConnectListAllDomains(c, &doms, 0);
	cr_assert_geq(n, 0);
	for (int i = 0; i < n; i++) {
		const char *name = virDomainGetName(doms[i]);

		if (name && strncmp(name, prefix, strlen(prefix)) == 0) {
			strncat(out, name, outsz - strlen(out) - 1);
			strncat(out, " ", outsz - strlen(out) - 1);
		}
		virDomainFree(doms[i]);
	}
	free(doms);
	virConnectClose(c);
}

static void expect_no_bench_domains(void)
{
	char names[1024];

	bench_domains(names, sizeof(names), getpid());
	cr_expect_str_eq(names, "", "domains left over: %s", names);
}

struct vm_fixture {
	char run_id[64];
	struct run_config cfg;
	struct runner r;
	struct instance in;
	bench_error err;
};

static void fixture_prepare(struct vm_fixture *f, int timeout_ms)
{
	memset(f, 0, sizeof(*f));
	run_id_make(f->run_id, sizeof(f->run_id));
	f->cfg = (struct run_config){
		.agent_path = getenv("BENCH_AGENT"),
		.run_id = f->run_id,
		.cpus = "",
		.memory_mib = 256,
		.timeout_ms = timeout_ms,
		.accel = "auto",
	};
	f->r = (struct runner){ .ops = &vm_runner_ops, .cfg = &f->cfg };
	cr_assert_eq(vm_runner_ops.prepare(&f->r, &f->err), 0, "%s", f->err.msg);
}

static double ms(uint64_t ns)
{
	return ns_to_ms(ns);
}

Test(vm, boots_to_ready)
{
	struct vm_fixture f;
	struct utsname host;
	json_t *meta = json_object();
	const char *hostname, *kernel;
	char agent_sha[INITRAMFS_SHA256_HEX];

	need_libvirt();
	fixture_prepare(&f, 30000);
	instance_init(&f.in, &f.r, 0, "ready");
	cr_assert_eq(vm_runner_ops.launch(&f.r, &f.in, &f.err), 0, "%s", f.err.msg);
	cr_assert_eq(vm_runner_ops.wait_ready(&f.r, &f.in, &f.err), 0, "%s", f.err.msg);
	cr_assert_eq(vm_runner_ops.stop(&f.r, &f.in, &f.err), 0, "%s", f.err.msg);
	vm_runner_ops.destroy(&f.r, &f.in);
	vm_runner_ops.destroy(&f.r, &f.in); /* idempotent */

	cr_assert_eq(uname(&host), 0);
	hostname = record_get(&f.in.ready, "hostname");
	kernel = record_get(&f.in.ready, "kernel");
	cr_assert_not_null(hostname);
	cr_assert_not_null(kernel);
	cr_expect_str_eq(hostname, "bench-vm-0");
	cr_expect_str_neq(hostname, host.nodename, "the guest has its own hostname");
	cr_expect_str_neq(kernel, host.release, "the guest runs its own kernel");
	cr_expect_str_eq(record_get(&f.in.ready, "pid"), "1", "the agent is the guest's init");
	/* From the host, a VM is one QEMU process, not the agent. */
	cr_expect_gt(f.in.host_pid, 1, "no QEMU pid for the domain");
	cr_expect_gt(f.in.t_ready_ns, f.in.t_launch_ns);
	cr_expect_geq(f.in.t_gone_ns, f.in.t_ready_ns);
	cr_expect_eq(f.in.nphases, 4);
	cr_expect_eq(f.in.nmeasures, 1);
	cr_expect_str_eq(f.in.measures[0].name, "guest_uptime");

	vm_runner_ops.describe(&f.r, meta);
	cr_expect_str_eq(json_string_value(json_object_get(meta, "guest_kernel")), kernel);
	{
		/* Whatever this host can do: auto must have chosen it. */
		struct accel_facts facts;
		enum vm_accel expected;
		bench_error aerr = { 0 };

		accel_probe(&facts);
		cr_assert_eq(accel_choose("auto", &facts, &expected, &aerr), 0);
		cr_expect_str_eq(json_string_value(json_object_get(meta, "accel")), accel_name(expected));
	}
	cr_expect_str_eq(json_string_value(json_object_get(meta, "libvirt_uri")), "qemu:///system");
	cr_expect_not_null(json_object_get(meta, "libvirt_version"));
	{
		/* The guest's /init is the very file the other runners start. */
		size_t len;
		char *bytes = test_read_file(getenv("BENCH_AGENT"), &len);

		initramfs_sha256_hex(bytes, len, agent_sha);
		free(bytes);
		cr_expect_str_eq(json_string_value(json_object_get(meta, "agent_sha256")), agent_sha);
	}
	json_decref(meta);

	fprintf(stderr, "vm: READY %.1f ms after launch, gone %.1f ms after READY;",
		ms(f.in.t_ready_ns - f.in.t_launch_ns), ms(f.in.t_gone_ns - f.in.t_ready_ns));
	for (int i = 0; i < f.in.nphases; i++)
		fprintf(stderr, " %s %.1f", f.in.phases[i].name, ms(f.in.phases[i].ns));
	fprintf(stderr, " (ms)\n");

	vm_runner_ops.finish(&f.r);
	vm_runner_ops.finish(&f.r);
	expect_no_bench_domains();
}

Test(vm, idle_guest_stops_on_stop_line)
{
	struct vm_fixture f;
	virConnectPtr c;
	char name[128];

	need_libvirt();
	fixture_prepare(&f, 30000);
	instance_init(&f.in, &f.r, 3, "idle");
	cr_assert_eq(vm_runner_ops.launch(&f.r, &f.in, &f.err), 0, "%s", f.err.msg);
	cr_assert_eq(vm_runner_ops.wait_ready(&f.r, &f.in, &f.err), 0, "%s", f.err.msg);
	cr_expect_str_eq(record_get(&f.in.ready, "task"), "idle");
	/* Still there: an idle agent waits to be told. */
	run_id_object_name(f.run_id, 3, name, sizeof(name));
	c = virConnectOpen("qemu:///system");
	cr_assert_not_null(c);
	{
		virDomainPtr d = virDomainLookupByName(c, name);

		cr_expect_not_null(d, "domain %s should still run", name);
		if (d)
			virDomainFree(d);
	}
	cr_assert_eq(vm_runner_ops.stop(&f.r, &f.in, &f.err), 0, "%s", f.err.msg);
	{
		virDomainPtr d = virDomainLookupByName(c, name);

		cr_expect_null(d, "domain %s should be gone after stop", name);
		if (d)
			virDomainFree(d);
	}
	virConnectClose(c);
	vm_runner_ops.destroy(&f.r, &f.in);
	vm_runner_ops.finish(&f.r);
	expect_no_bench_domains();
}

Test(vm, silent_guest_times_out_and_is_destroyed)
{
	struct vm_fixture f;
	uint64_t t0;

	need_libvirt();
	/* A boot takes ~2 s here: within 600 ms the guest says nothing. */
	fixture_prepare(&f, 600);
	instance_init(&f.in, &f.r, 1, "ready");
	t0 = clock_now_ns();
	cr_assert_eq(vm_runner_ops.launch(&f.r, &f.in, &f.err), 0, "%s", f.err.msg);
	cr_expect_eq(vm_runner_ops.wait_ready(&f.r, &f.in, &f.err), -1);
	cr_expect_eq(strncmp(f.err.msg, "vm: no READY within 600 ms", 26), 0, "%s", f.err.msg);
	cr_expect_lt(clock_now_ns() - t0, 5000000000ull, "the timeout is kept");
	vm_runner_ops.destroy(&f.r, &f.in);
	expect_no_bench_domains();
	vm_runner_ops.finish(&f.r);
}

Test(vm, killed_harness_leaves_no_domain)
{
	pid_t pid;
	int status;
	char names[1024];
	uint64_t deadline;

	need_libvirt();
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		/* No cr_assert here: this process is not the test. */
		static struct vm_fixture f;

		run_id_make(f.run_id, sizeof(f.run_id));
		f.cfg = (struct run_config){
			.agent_path = getenv("BENCH_AGENT"), .run_id = f.run_id, .memory_mib = 256,
			.timeout_ms = 30000, .accel = "auto",
		};
		f.r = (struct runner){ .ops = &vm_runner_ops, .cfg = &f.cfg };
		instance_init(&f.in, &f.r, 2, "idle");
		if (vm_runner_ops.prepare(&f.r, &f.err) != 0 || vm_runner_ops.launch(&f.r, &f.in, &f.err) != 0)
			_exit(1);
		for (;;)
			pause();
	}
	/* Wait until its domain exists, then SIGKILL it. */
	deadline = clock_now_ns() + 20000000000ull;
	do {
		struct timespec ts = { 0, 20000000 };

		bench_domains(names, sizeof(names), pid);
		if (names[0] || waitpid(pid, &status, WNOHANG) == pid)
			break;
		nanosleep(&ts, NULL);
	} while (clock_now_ns() < deadline);
	cr_assert_neq(names[0], '\0', "the child's domain never appeared");
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	/* libvirtd sees the connection close and destroys the domain. */
	deadline = clock_now_ns() + 10000000000ull;
	do {
		struct timespec ts = { 0, 20000000 };

		bench_domains(names, sizeof(names), pid);
		if (!names[0])
			break;
		nanosleep(&ts, NULL);
	} while (clock_now_ns() < deadline);
	cr_expect_str_eq(names, "", "an auto-destroy domain survived its harness: %s", names);
	{
		bench_error err = { 0 };
		unsigned folders = 0;
		char cmd[128];

		/* The socket folder of the killed run is a leftover, and counted. */
		cr_expect_geq(vm_cleanup_stale(NULL, false, &folders, &err), 0, "%s", err.msg);
		cr_expect_geq(folders, 1, "the killed run's socket folder was not counted");
		snprintf(cmd, sizeof(cmd), "! ls -d /tmp/" RUN_ID_PREFIX "%ld-*-vm.* 2>/dev/null", (long)pid);
		cr_expect_eq(system(cmd), 0, "vm_cleanup_stale left the killed run's socket folder");
	}
}
