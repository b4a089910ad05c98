/* The vm runner on a remote libvirt host, over loopback: a test-only sshd on
 * 127.0.0.1 (tests/fixtures/remote_sshd.sh) makes this machine's libvirtd a
 * qemu+ssh:// host.  The local side's guest kernel cache is a copy in a
 * folder of the test's own and the remote side's pool is another, so the
 * test can see that the domain names only the pool's volumes: nothing is
 * shared but the connection.  TCG here: each boot takes a few seconds. */
#include <criterion/criterion.h>

#include <errno.h>
#include <jansson.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/clock.h"
#include "../lib/run_id.h"
#include "../runners/runner.h"
#include "../runners/vm_remote.h"
#include "../vm/cleanup.h"
#include "../vm/domain_xml.h"
#include "../vm/kernel_cache.h"
#include "cli_run.h"
#include "helpers.h"

extern const struct runner_ops vm_runner_ops;

Test(vm_remote, which_uris_are_remote)
{
	static const char *const remote[] = {
		"qemu+ssh://root@host/system", "qemu+ssh://root@127.0.0.1:2222/system?command=/x/ssh",
		"qemu+tcp://127.0.0.1/system", "qemu+tls://host.example/system", "qemu://host/system",
		"qemu+ssh:///system", "qemu+libssh2://h/system", "QEMU+TCP:///system",
	};
	static const char *const local[] = {
		"qemu:///system", "qemu:///session", "qemu+unix:///system", "test:///default", "qemu",
	};

	for (size_t i = 0; i < sizeof(remote) / sizeof(remote[0]); i++)
		cr_expect(vm_uri_is_remote(remote[i]), "%s should count as remote", remote[i]);
	for (size_t i = 0; i < sizeof(local) / sizeof(local[0]); i++)
		cr_expect(!vm_uri_is_remote(local[i]), "%s should count as local", local[i]);
}

/* ---- the loopback "remote" host -------------------------------------------- */

struct remote_host {
	char dir[64];        /* the test's folder: sshd/, local-cache/, pool/ */
	char sshd_dir[96];
	char uri[640];
	char pool[64];
	char pool_dir[96];
	char local_cache[96];
};

static int run_cmd(const char *cmd, char *out, size_t outsz)
{
	FILE *p = popen(cmd, "r");
	size_t n = 0;

	if (!p)
		return -1;
	if (out) {
		n = fread(out, 1, outsz - 1, p);
		out[n] = '\0';
		out[strcspn(out, "\n")] = '\0';
	} else {
		char buf[256];

		while (fread(buf, 1, sizeof(buf), p) > 0)
			;
	}
	return pclose(p);
}

static void copy_file(const char *from, const char *to)
{
	size_t len;
	char *bytes = test_read_file(from, &len);
	FILE *f = fopen(to, "we");

	cr_assert_not_null(bytes, "%s", from);
	cr_assert_not_null(f, "%s: %s", to, strerror(errno));
	cr_assert_eq(fwrite(bytes, 1, len, f), len);
	cr_assert_eq(fclose(f), 0);
	free(bytes);
}

/* Removes the test's pool and its volumes, through libvirt. */
static void pool_remove(const char *name)
{
	virConnectPtr c = virConnectOpen("qemu:///system");
	virStoragePoolPtr p = c ? virStoragePoolLookupByName(c, name) : NULL;

	if (p) {
		virStorageVolPtr *vols = NULL;
		int n = virStoragePoolListAllVolumes(p, &vols, 0);

		for (int i = 0; i < n; i++) {
			virStorageVolDelete(vols[i], 0);
			virStorageVolFree(vols[i]);
		}
		free(vols);
		virStoragePoolDestroy(p);
		virStoragePoolUndefine(p);
		virStoragePoolFree(p);
	}
	if (c)
		virConnectClose(c);
}

static void host_stop(struct remote_host *h)
{
	char cmd[512];

	if (!h->dir[0])
		return;
	snprintf(cmd, sizeof(cmd), "%s/tests/fixtures/remote_sshd.sh stop %s 2>/dev/null", BENCH_TEST_ROOT,
		 h->sshd_dir);
	run_cmd(cmd, NULL, 0);
	pool_remove(h->pool);
	snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", h->dir);
	run_cmd(cmd, NULL, 0);
	unsetenv("BENCH_CACHE_DIR");
	unsetenv("BENCH_REMOTE_POOL");
	unsetenv("BENCH_REMOTE_POOL_DIR");
	h->dir[0] = '\0';
}

/* Skips the test, saying why, unless a guest can boot here and sshd can
 * make this host a remote one; then the kernel's copy, the pool's name and
 * folder are in the environment for the runner. */
static void host_start(struct remote_host *h)
{
	struct guest_kernel k;
	bench_error err = { 0 };
	char cmd[512], out[600], path[200];
	int st;

	memset(h, 0, sizeof(*h));
	test_need_guest("vm_remote");
	cr_assert_eq(kernel_cache_find(vm_cache_dir(), &k, &err), 0, "%s", err.msg);

	snprintf(h->dir, sizeof(h->dir), "/tmp/bench-remote-test-XXXXXX");
	cr_assert_not_null(mkdtemp(h->dir));
	/* QEMU runs as libvirt's user: it must reach the pool's volumes. */
	cr_assert_eq(chmod(h->dir, 0755), 0);
	snprintf(h->sshd_dir, sizeof(h->sshd_dir), "%s/sshd", h->dir);
	snprintf(h->pool_dir, sizeof(h->pool_dir), "%s/pool", h->dir);
	snprintf(h->local_cache, sizeof(h->local_cache), "%s/local-cache", h->dir);
	snprintf(h->pool, sizeof(h->pool), "bench-test-%d", (int)getpid());
	cr_assert_eq(mkdir(h->sshd_dir, 0700), 0);
	snprintf(cmd, sizeof(cmd), "%s/tests/fixtures/remote_sshd.sh start %s 2>&1", BENCH_TEST_ROOT, h->sshd_dir);
	st = run_cmd(cmd, out, sizeof(out));
	if (st != 0) {
		host_stop(h);
		if (WIFEXITED(st) && WEXITSTATUS(st) == 2)
			cr_skip_test("vm_remote: %s", out);
		cr_assert_fail("vm_remote: the test's sshd did not start: %s", out);
	}
	cr_assert(strncmp(out, "qemu+ssh://root@127.0.0.1:", 26) == 0, "not a URI: %s", out);
	snprintf(h->uri, sizeof(h->uri), "%s", out);

	/* The local side's cache: a copy of the kernel only. */
	snprintf(path, sizeof(path), "%s/kernel", h->local_cache);
	cr_assert_eq(mkdir(h->local_cache, 0755), 0);
	cr_assert_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/kernel/current", h->local_cache);
	cr_assert_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/kernel/current/vmlinuz", h->local_cache);
	copy_file(k.path, path);
	{
		char rel[200];
		FILE *f;

		snprintf(rel, sizeof(rel), "%s/kernel/current/release", h->local_cache);
		f = fopen(rel, "we");
		cr_assert_not_null(f);
		fprintf(f, "%s\n", k.release);
		fclose(f);
	}
	setenv("BENCH_CACHE_DIR", h->local_cache, 1);
	setenv("BENCH_REMOTE_POOL", h->pool, 1);
	setenv("BENCH_REMOTE_POOL_DIR", h->pool_dir, 1);
}

/* Each test runs in a process of its own: its host is stopped by .fini,
 * also after a failed assertion. */
static struct remote_host the_host;

static void host_fini(void)
{
	host_stop(&the_host);
}

struct remote_fixture {
	char run_id[64];
	struct run_config cfg;
	struct runner r;
	struct instance in;
	bench_error err;
	json_t *meta;
};

static void fixture_prepare(struct remote_fixture *f, const struct remote_host *h, int timeout_ms)
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
		.libvirt_uri = h->uri,
	};
	f->r = (struct runner){ .ops = &vm_runner_ops, .cfg = &f->cfg };
	cr_assert_eq(vm_runner_ops.prepare(&f->r, &f->err), 0, "%s", f->err.msg);
	f->meta = json_object();
	vm_runner_ops.describe(&f->r, f->meta);
}

static const char *volume_field(json_t *meta, const char *which, const char *field)
{
	return json_string_value(json_object_get(json_object_get(json_object_get(meta, "remote_volumes"), which), field));
}

/* The running domain's XML, read from this host's own libvirtd. */
static char *domain_xml_of(const char *run_id, unsigned seq)
{
	char name[128];
	virConnectPtr c = virConnectOpen("qemu:///system");
	virDomainPtr d;
	char *xml;

	cr_assert_not_null(c);
	run_id_object_name(run_id, seq, name, sizeof(name));
	d = virDomainLookupByName(c, name);
	cr_assert_not_null(d, "domain %s not found", name);
	xml = virDomainGetXMLDesc(d, 0);
	virDomainFree(d);
	virConnectClose(c);
	cr_assert_not_null(xml);
	return xml;
}

/* The text of the first <tag>...</tag> in xml. */
static void element(const char *xml, const char *tag, char *out, size_t outsz)
{
	char open[32], close[32];
	const char *a, *b;

	snprintf(open, sizeof(open), "<%s>", tag);
	snprintf(close, sizeof(close), "</%s>", tag);
	a = strstr(xml, open);
	b = a ? strstr(a, close) : NULL;
	cr_assert(a && b, "no <%s> in %s", tag, xml);
	a += strlen(open);
	snprintf(out, outsz, "%.*s", (int)(b - a), a);
}

Test(vm_remote, boots_over_ssh_with_nothing_shared, .timeout = 300, .fini = host_fini)
{
	struct remote_host *hp = &the_host;
	struct remote_fixture f;
	char *xml, kernel[300], initrd[300], kept[300];
	const char *kpath, *ipath;

	host_start(hp);
	fixture_prepare(&f, hp, 60000);
	cr_expect_str_eq(volume_field(f.meta, "kernel", "cache"), "uploaded");
	cr_expect_str_eq(volume_field(f.meta, "initramfs", "cache"), "uploaded");
	kpath = volume_field(f.meta, "kernel", "path");
	ipath = volume_field(f.meta, "initramfs", "path");
	cr_assert(kpath && strncmp(kpath, hp->pool_dir, strlen(hp->pool_dir)) == 0, "kernel at %s", kpath);
	cr_assert(ipath && strncmp(ipath, hp->pool_dir, strlen(hp->pool_dir)) == 0, "initramfs at %s", ipath);
	snprintf(kept, sizeof(kept), "%s", kpath);
	cr_expect_str_eq(json_string_value(json_object_get(f.meta, "console")),
			 "libvirt stream (virDomainOpenConsole on a pty)");
	cr_expect_not_null(f.r.remote, "the runner does not say its guests are remote");

	instance_init(&f.in, &f.r, 0, "ready");
	cr_assert_eq(vm_runner_ops.launch(&f.r, &f.in, &f.err), 0, "%s", f.err.msg);
	/* What the remote QEMU was told to read: the pool's volumes only,
	 * and a pty for its console, no socket on this side. */
	xml = domain_xml_of(f.run_id, 0);
	element(xml, "kernel", kernel, sizeof(kernel));
	element(xml, "initrd", initrd, sizeof(initrd));
	cr_expect_str_eq(kernel, kpath);
	cr_expect_str_eq(initrd, ipath);
	cr_expect_null(strstr(xml, hp->local_cache), "the domain names the local cache: %s", xml);
	cr_expect_null(strstr(xml, "/var/cache/bench"), "the domain names the default cache: %s", xml);
	cr_expect_null(strstr(xml, "type='unix'"), "a unix socket console: %s", xml);
	cr_expect_not_null(strstr(xml, "<serial type='pty'>"), "no pty console: %s", xml);
	free(xml);

	cr_assert_eq(vm_runner_ops.wait_ready(&f.r, &f.in, &f.err), 0, "%s", f.err.msg);
	cr_expect_str_eq(record_get(&f.in.ready, "hostname"), "bench-vm-0");
	cr_expect_str_eq(record_get(&f.in.ready, "pid"), "1");
	cr_expect_eq(f.in.host_pid, 0, "a remote guest's QEMU has no pid on this host");
	cr_expect_eq(f.in.nphases, 4);
	cr_assert_eq(vm_runner_ops.stop(&f.r, &f.in, &f.err), 0, "%s", f.err.msg);
	cr_expect_geq(f.in.t_gone_ns, f.in.t_ready_ns);
	vm_runner_ops.destroy(&f.r, &f.in);
	vm_runner_ops.finish(&f.r);
	cr_expect_null(f.r.remote);
	json_decref(f.meta);

	/* The second run finds both in the pool. */
	fixture_prepare(&f, hp, 60000);
	cr_expect_str_eq(volume_field(f.meta, "kernel", "cache"), "hit");
	cr_expect_str_eq(volume_field(f.meta, "initramfs", "cache"), "hit");
	cr_expect_str_eq(volume_field(f.meta, "kernel", "path"), kept);
	vm_runner_ops.finish(&f.r);
	json_decref(f.meta);
	host_stop(hp);
}

Test(vm_remote, silent_guest_times_out_over_the_stream, .timeout = 300, .fini = host_fini)
{
	struct remote_host *hp = &the_host;
	struct remote_fixture f;
	uint64_t t0;

	host_start(hp);
	/* A boot takes seconds here: within 600 ms the guest says nothing. */
	fixture_prepare(&f, hp, 600);
	instance_init(&f.in, &f.r, 1, "ready");
	t0 = clock_now_ns();
	cr_assert_eq(vm_runner_ops.launch(&f.r, &f.in, &f.err), 0, "%s", f.err.msg);
	cr_expect_eq(vm_runner_ops.wait_ready(&f.r, &f.in, &f.err), -1);
	cr_expect_eq(strncmp(f.err.msg, "vm: no READY within 600 ms", 26), 0, "%s", f.err.msg);
	cr_expect_lt(clock_now_ns() - t0, 8000000000ull, "the timeout is kept");
	vm_runner_ops.destroy(&f.r, &f.in);
	vm_runner_ops.finish(&f.r);
	json_decref(f.meta);
	host_stop(hp);
}

/* A guest on a remote host has no disk nor tap of this host's. */
Test(vm_remote, refuses_a_disk, .timeout = 300, .fini = host_fini)
{
	struct remote_host *hp = &the_host;
	struct remote_fixture f;

	host_start(hp);
	fixture_prepare(&f, hp, 600);
	instance_init(&f.in, &f.r, 2, "ready");
	f.in.task.disk = "/nonexistent";
	cr_expect_eq(vm_runner_ops.launch(&f.r, &f.in, &f.err), -1);
	cr_expect(strstr(f.err.msg, "cannot have a disk") != NULL, "%s", f.err.msg);
	vm_runner_ops.destroy(&f.r, &f.in);
	vm_runner_ops.finish(&f.r);
	json_decref(f.meta);
	host_stop(hp);
}

/* ---- bench cleanup --libvirt-uri ------------------------------------------ */

static pid_t dead_pid(void)
{
	pid_t pid = fork();
	int st;

	cr_assert_geq(pid, 0);
	if (pid == 0)
		_exit(0);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	return pid;
}

static virStorageVolPtr make_volume(virStoragePoolPtr p, const char *name)
{
	char xml[400];
	virStorageVolPtr v;

	snprintf(xml, sizeof(xml),
		 "<volume><name>%s</name><capacity unit='bytes'>4096</capacity><target><format type='raw'/></target>"
		 "</volume>",
		 name);
	v = virStorageVolCreateXML(p, xml, 0);
	cr_assert_not_null(v, "creating %s: %s", name, virGetLastErrorMessage());
	return v;
}

static bool volume_exists(virStoragePoolPtr p, const char *name)
{
	virStorageVolPtr v = virStorageVolLookupByName(p, name);

	if (v)
		virStorageVolFree(v);
	return v != NULL;
}

/* A paused, auto-destroyed domain with bench's mark over conn. */
static virDomainPtr marked_domain(virConnectPtr c, const char *run_id, unsigned seq, const char *controller)
{
	struct guest_kernel k;
	bench_error err = { 0 };
	char name[128], *xml;
	virDomainPtr d;
	struct vm_domain_spec spec;

	cr_assert_eq(kernel_cache_find(vm_cache_dir(), &k, &err), 0, "%s", err.msg);
	run_id_object_name(run_id, seq, name, sizeof(name));
	spec = (struct vm_domain_spec){
		.name = name, .memory_mib = 64, .vcpus = 1, .kernel = k.path, .initrd = k.path,
		.cmdline = "quiet", .accel = VM_ACCEL_TCG, .run_id = run_id, .controller = controller,
	};
	xml = vm_domain_xml(&spec, &err);
	cr_assert_not_null(xml, "%s", err.msg);
	d = virDomainCreateXML(c, xml, VIR_DOMAIN_START_PAUSED | VIR_DOMAIN_START_AUTODESTROY);
	free(xml);
	cr_assert_not_null(d, "creating %s: %s", name, virGetLastErrorMessage());
	return d;
}

static bool domain_exists(virConnectPtr c, const char *run_id, unsigned seq)
{
	char name[128];
	virDomainPtr d;

	run_id_object_name(run_id, seq, name, sizeof(name));
	d = virDomainLookupByName(c, name);
	if (d)
		virDomainFree(d);
	return d != NULL;
}

Test(vm_remote, cleanup_takes_cut_short_uploads_and_own_domains_only, .timeout = 300, .fini = host_fini)
{
	static const char *args[] = { "cleanup", "--libvirt-uri", NULL, NULL };
	struct remote_host *hp = &the_host;
	struct remote_fixture f;
	struct cli_run r;
	char dead[64], live[64], dead_part[128], live_part[128], cached[128];
	virConnectPtr c;
	virStoragePoolPtr p;
	const char *me = vm_machine_id();
	unsigned nvols = 0;
	bench_error err = { 0 };

	host_start(hp);
	/* A prepare makes the pool (and uploads the cache). */
	fixture_prepare(&f, hp, 600);
	snprintf(cached, sizeof(cached), "%s", volume_field(f.meta, "kernel", "volume"));
	vm_runner_ops.finish(&f.r);
	json_decref(f.meta);

	snprintf(dead, sizeof(dead), "%ld-%lx", (long)dead_pid(), (unsigned long)time(NULL));
	run_id_make(live, sizeof(live));
	snprintf(dead_part, sizeof(dead_part), RUN_ID_PREFIX "%s-part-vmlinuz", dead);
	snprintf(live_part, sizeof(live_part), RUN_ID_PREFIX "%s-part-vmlinuz", live);
	c = virConnectOpen(hp->uri);
	cr_assert_not_null(c, "%s: %s", hp->uri, virGetLastErrorMessage());
	p = virStoragePoolLookupByName(c, hp->pool);
	cr_assert_not_null(p);
	virStorageVolFree(make_volume(p, dead_part));
	virStorageVolFree(make_volume(p, live_part));
	/* Domains of a dead run: marked as this machine's, as another
	 * machine's, and with no controller (made on that host itself). */
	virDomainFree(marked_domain(c, dead, 0, me));
	virDomainFree(marked_domain(c, dead, 1, "0123456789abcdef0123456789abcdef"));
	virDomainFree(marked_domain(c, dead, 2, NULL));

	/* Over the remote connection alone (`bench cleanup` would also
	 * reach this loopback host's libvirtd as its own). */
	cr_expect_eq(vm_cleanup_at(hp->uri, true, false, &nvols, &err), me ? 1 : 0, "%s", err.msg);
	cr_expect_eq(nvols, 1);
	cr_expect(!volume_exists(p, dead_part), "a dead run's cut-short upload survived");
	cr_expect(volume_exists(p, live_part), "a live run's upload was removed");
	cr_expect(volume_exists(p, cached), "the cache was removed");
	if (me)
		cr_expect(!domain_exists(c, dead, 0), "this machine's dead run's domain survived");
	cr_expect(domain_exists(c, dead, 1), "another machine's domain was judged by this one's processes");
	cr_expect(domain_exists(c, dead, 2), "a domain without a controller was judged over a remote connection");

	/* The command: another cut-short upload goes, and it says so. */
	virStorageVolFree(make_volume(p, dead_part));
	args[2] = hp->uri;
	run_bench(&r, NULL, args);
	cr_expect_eq(r.status, 0, "bench cleanup failed: %s", r.err);
	cr_expect(strstr(r.out, "upload leftovers removed: 1") != NULL, "%s", r.out);
	cr_expect(!volume_exists(p, dead_part), "a dead run's cut-short upload survived bench cleanup");
	cr_expect(volume_exists(p, cached), "bench cleanup removed the cache");
	virStoragePoolFree(p);
	virConnectClose(c); /* auto-destroys what is left */
	host_stop(hp);
}

/* ---- host-side figures ----------------------------------------------------- */

/* density on a remote host: its storms are timed, but no PSS, RSS, process
 * count nor MemAvailable fall of this host is given for guests that run
 * on another machine, and the results say why. */
Test(vm_remote, density_says_host_figures_are_not_measurable, .timeout = 300, .fini = host_fini)
{
	struct remote_host *hp = &the_host;
	char out[1200], path[1300];
	const char *args[] = { "run", "density", "--runners", "vm", "--libvirt-uri", NULL, "--storm-max-vm", "1",
			       "--runs", "1", "--warmup", "0", "--quiet", "--out", out, NULL };
	struct cli_run r;
	json_error_t jerr;
	json_t *doc, *item, *notes;
	size_t i;
	bool storm = false, host_side = false, said = false;

	host_start(hp);
	args[5] = hp->uri;
	snprintf(out, sizeof(out), "%s/results", hp->dir);
	cr_assert_eq(mkdir(out, 0755), 0);
	run_bench(&r, NULL, args);
	cr_assert_eq(r.status, 0, "bench run density over %s: exit %d: %s", hp->uri, r.status, r.err);
	snprintf(path, sizeof(path), "%s/latest/results.json", out);
	doc = json_load_file(path, 0, &jerr);
	cr_assert_not_null(doc, "%s: %s", path, jerr.text);
	json_array_foreach(json_object_get(doc, "results"), i, item) {
		const char *m = json_string_value(json_object_get(item, "metric"));

		if (!m)
			continue;
		storm |= strncmp(m, "storm.", 6) == 0;
		host_side |= strncmp(m, "mem.", 4) == 0 || strncmp(m, "proc.", 5) == 0;
	}
	notes = json_object_get(json_object_get(doc, "meta"), "notes");
	json_array_foreach(notes, i, item)
		said |= json_is_string(item) && strstr(json_string_value(item), "density: vm: PSS, RSS") &&
			strstr(json_string_value(item), "not measurable over a remote connection");
	cr_expect(storm, "no storm figures");
	cr_expect(!host_side, "host-side figures were taken for guests on another machine");
	cr_expect(said, "the results do not say why the host-side figures are missing");
	json_decref(doc);
}
