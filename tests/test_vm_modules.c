/* A guest with a device: the virtio modules the kernel cache keeps, the
 * initramfs that carries them, and a real guest that loads them and sees
 * its virtio disk (TCG here: one boot, about 3 s). */
#include <criterion/criterion.h>

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <jansson.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/agent_protocol.h"
#include "../lib/run_id.h"
#include "../runners/runner.h"
#include "../vm/domain_xml.h"
#include "../vm/guest_modules.h"
#include "../vm/initramfs.h"
#include "../vm/kernel_cache.h"
#include "helpers.h"

extern const struct runner_ops vm_runner_ops;

static void silent(void *opaque, virErrorPtr e)
{
	(void)opaque;
	(void)e;
}

/* The cached kernel, or a skip saying what is missing. */
static void need_kernel(struct guest_kernel *k)
{
	bench_error err = { 0 };

	if (kernel_cache_find(vm_cache_dir(), k, &err) != 0)
		cr_skip_test("vm: %s", err.msg);
}

Test(vm_modules, disk_drivers_in_dependency_order)
{
	struct guest_kernel k;
	struct guest_modules m;
	bench_error err = { 0 };
	char line[512] = "x";
	size_t len = 1;

	need_kernel(&k);
	cr_assert_eq(guest_modules_resolve(&k, GUEST_DRIVER_BLK, &m, &err), 0, "%s", err.msg);
	if (m.n == 0)
		cr_skip_test("vm: this kernel has virtio-blk built in");
	/* Debian's cloud kernel: every one a module, each after what it needs. */
	cr_assert_eq(m.n + m.builtin, 6);
	cr_expect_str_eq(m.names[0], "virtio_ring");
	cr_expect_str_eq(m.names[m.n - 1], "virtio_blk");
	cr_expect_str_eq(guest_modules_kind(&m), "modules");
	cr_assert_eq(guest_modules_cmdline(&m, line, sizeof(line), &len), 0);
	cr_expect(strstr(line, "x " BENCH_CMDLINE_MODULES "virtio_ring,virtio,") == line, "%s", line);

	cr_assert_eq(guest_modules_resolve(&k, GUEST_DRIVER_NET, &m, &err), 0, "%s", err.msg);
	cr_expect_eq(m.n + m.builtin, 8);
	cr_assert_eq(guest_modules_resolve(&k, 0, &m, &err), 0, "%s", err.msg);
	cr_expect_eq(m.n, 0, "no device, no module");
	len = 1;
	cr_assert_eq(guest_modules_cmdline(&m, line, sizeof(line), &len), 0);
	cr_expect_eq(len, 1);
}

Test(vm_modules, initramfs_carries_them)
{
	struct guest_kernel k;
	struct guest_modules m;
	bench_error err = { 0 };
	char dir[] = "/tmp/bench-test-modules.XXXXXX";
	char path[4096], sha[INITRAMFS_SHA256_HEX];
	struct archive *a;
	struct archive_entry *e;
	unsigned found = 0;

	need_kernel(&k);
	cr_assert_eq(guest_modules_resolve(&k, GUEST_DRIVER_BLK, &m, &err), 0, "%s", err.msg);
	if (m.n == 0)
		cr_skip_test("vm: this kernel has virtio-blk built in");
	cr_assert_not_null(mkdtemp(dir));
	cr_assert_eq(initramfs_get_modules(test_agent(), dir, m.names, (const char (*)[4200])m.paths, m.n, path,
					   sizeof(path), sha, &err),
		     0, "%s", err.msg);
	a = archive_read_new();
	archive_read_support_format_cpio(a);
	cr_assert_eq(archive_read_open_filename(a, path, 4096), ARCHIVE_OK);
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);

		for (unsigned i = 0; i < m.n; i++) {
			char want[128];

			snprintf(want, sizeof(want), "%s/%s.ko", BENCH_GUEST_MODULES_DIR + 1, m.names[i]);
			if (strcmp(name, want) == 0) {
				cr_expect_gt(archive_entry_size(e), 1000);
				found++;
			}
		}
	}
	archive_read_free(a);
	cr_expect_eq(found, m.n);
	unlink(path);
	snprintf(path, sizeof(path), "%s/initramfs", dir);
	rmdir(path);
	rmdir(dir);
}

Test(vm_modules, xml_disk_is_raw_uncached)
{
	unsigned cpu = 0;
	struct vm_domain_spec spec = { .name = "n", .memory_mib = 64, .vcpus = 1, .cpus = &cpu, .ncpus = 1,
				       .kernel = "/k", .initrd = "/i", .cmdline = "c", .disk = "/d/s'x.img" };
	bench_error err = { 0 };
	char *xml = vm_domain_xml(&spec, &err);

	cr_assert_not_null(xml, "%s", err.msg);
	cr_expect_not_null(strstr(xml, "<driver name='qemu' type='raw' cache='none' io='native'/>"), "%s", xml);
	cr_expect_not_null(strstr(xml, "<source file='/d/s&apos;x.img'/>"), "%s", xml);
	cr_expect_not_null(strstr(xml, "<target dev='vda' bus='virtio'/>"), "%s", xml);
	free(xml);
	spec.disk = NULL;
	xml = vm_domain_xml(&spec, &err);
	cr_assert_not_null(xml);
	cr_expect_null(strstr(xml, "<disk"), "no disk asked for, none given");
	free(xml);
}

/* One boot: a guest given a disk loads its drivers (the "modules"
 * measure) before READY, and its storage task sees the disk. */
Test(vm_modules, guest_loads_them_with_a_disk)
{
	char run_id[64], disk[] = "/var/tmp/bench-test-disk.XXXXXX";
	struct run_config cfg;
	struct runner r;
	struct instance in;
	bench_error err = { 0 };
	struct guest_kernel k;
	virConnectPtr c;
	json_t *meta = json_object();
	int fd, found = -1;
	bool seen_disk = false;

	if (geteuid() != 0)
		cr_skip_test("vm: needs root (qemu:///system)");
	need_kernel(&k);
	virSetErrorFunc(NULL, silent);
	c = virConnectOpen("qemu:///system");
	if (!c)
		cr_skip_test("vm: libvirtd not reachable");
	virConnectClose(c);

	fd = mkstemp(disk);
	cr_assert_geq(fd, 0);
	cr_assert_eq(ftruncate(fd, 16 << 20), 0);
	close(fd);
	chmod(disk, 0644);
	run_id_make(run_id, sizeof(run_id));
	cfg = (struct run_config){ .agent_path = test_agent(), .run_id = run_id, .memory_mib = 256,
				   .timeout_ms = 60000, .accel = "auto" };
	r = (struct runner){ .ops = &vm_runner_ops, .cfg = &cfg };
	cr_assert_eq(vm_runner_ops.prepare(&r, &err), 0, "%s", err.msg);
	/* The storage task reads the disk the guest sees: its size must be
	 * the file's. */
	instance_init(&in, &r, 0, BENCH_TASK_STORAGE);
	in.task.args[in.task.nargs++] = "patterns=seqread";
	in.task.args[in.task.nargs++] = "ramp_ms=0";
	in.task.args[in.task.nargs++] = "run_ms=100";
	in.task.disk = disk;
	cr_assert_eq(vm_runner_ops.launch(&r, &in, &err), 0, "%s", err.msg);
	cr_assert_eq(vm_runner_ops.wait_ready(&r, &in, &err), 0, "%s", err.msg);
	for (;;) {
		struct agent_record rec;

		cr_assert_eq(vm_runner_ops.collect(&r, &in, &rec, 60000, &err), 0, "%s", err.msg);
		cr_assert_str_neq(rec.type, BENCH_REC_ERROR, "%s", record_get(&rec, "msg"));
		if (strcmp(rec.type, BENCH_REC_DONE) == 0)
			break;
		if (strcmp(record_get(&rec, "kind"), "disk") == 0) {
			cr_expect_str_eq(record_get(&rec, "path"), "/dev/vda");
			cr_expect_str_eq(record_get(&rec, "bytes"), "16777216", "the guest's disk is not the file");
			seen_disk = true;
		}
	}
	cr_expect(seen_disk, "the guest reported no disk");
	cr_expect_eq(vm_runner_ops.stop(&r, &in, &err), 0, "%s", err.msg);
	vm_runner_ops.destroy(&r, &in);
	for (int i = 0; i < in.nmeasures; i++)
		if (strcmp(in.measures[i].name, "modules") == 0)
			found = i;
	cr_assert_geq(found, 0, "no 'modules' measure: the guest loaded nothing");
	cr_expect_gt(in.measures[found].ns, 0);
	cr_expect_str_eq(record_get(&in.ready, "modules"), "6");
	vm_runner_ops.describe(&r, meta);
	cr_expect_str_eq(json_string_value(json_object_get(json_object_get(json_object_get(meta, "guest_drivers"),
									    "blk"),
							   "kind")),
			 "modules");
	cr_expect_eq(json_array_size(json_object_get(json_object_get(json_object_get(meta, "guest_drivers"), "blk"),
						     "loaded_by_init")),
		     6);
	fprintf(stderr, "vm_modules: 6 modules loaded in %.1f ms (TCG: emulation)\n",
		(double)in.measures[found].ns / 1e6);
	json_decref(meta);
	vm_runner_ops.finish(&r);
	unlink(disk);
}
