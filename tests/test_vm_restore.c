/* --vm-start restore for the vm runner (runners/vm_restore.h): the saved
 * domain XML made fit for a restore, the saved-guest cache refusing a
 * damaged image, and real restores through libvirt (TCG here). */
#include <criterion/criterion.h>

#include <jansson.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../lib/clock.h"
#include "../lib/run_id.h"
#include "../runners/runner.h"
#include "../vm/cleanup.h"
#include "../vm/initramfs.h"
#include "../vm/kernel_cache.h"
#include "../vm/restore_xml.h"
#include "../vm/snapshot_cache.h"
#include "helpers.h"

extern const struct runner_ops vm_runner_ops;

/* ---- the saved domain's XML ------------------------------------------------ */

/* What libvirt 9.0's virDomainSaveImageGetXMLDesc gives for bench's
 * domain, cut down. */
static const char saved_xml[] =
	"<domain type='qemu'>\n  <name>bench-restore-0123456789abcdef</name>\n"
	"  <uuid>bd808af8-3b24-4c61-9c30-d120a98e9077</uuid>\n"
	"  <metadata>\n    <bench:run xmlns:bench=\"https://bench.invalid/ns/run/1\" id=\"11-aa\"/>\n  </metadata>\n"
	"  <devices>\n    <serial type='unix'>\n      <source mode='bind' path='/tmp/bench-11-aa-vm.Q/0.sock'/>\n"
	"      <target type='isa-serial' port='0'/>\n    </serial>\n    <console type='unix'>\n"
	"      <source mode='bind' path='/tmp/bench-11-aa-vm.Q/0.sock'/>\n    </console>\n  </devices>\n</domain>\n";

Test(vm_restore_xml, new_console_and_mark_same_name_and_uuid)
{
	bench_error err = { 0 };
	char path[128];
	char *x;

	cr_assert_eq(vm_restore_xml_console(saved_xml, path, sizeof(path), &err), 0, "%s", err.msg);
	cr_expect_str_eq(path, "/tmp/bench-11-aa-vm.Q/0.sock");
	x = vm_restore_xml(saved_xml, "22-bb", "/tmp/bench-22-bb-vm.R/3.sock", &err);
	cr_assert_not_null(x, "%s", err.msg);
	cr_expect_null(strstr(x, "0.sock"), "the saved console path is still there:\n%s", x);
	cr_expect_null(strstr(x, "11-aa"), "the saving run's mark is still there:\n%s", x);
	/* Both <serial> and libvirt's <console> alias. */
	cr_expect_not_null(strstr(strstr(x, "/tmp/bench-22-bb-vm.R/3.sock") + 1, "/tmp/bench-22-bb-vm.R/3.sock"), "%s", x);
	cr_expect_not_null(strstr(x, "id='22-bb'/></metadata>"), "%s", x);
	cr_expect_not_null(strstr(x, "<name>bench-restore-0123456789abcdef</name>"), "libvirt refuses a new name");
	cr_expect_not_null(strstr(x, "<uuid>bd808af8-3b24-4c61-9c30-d120a98e9077</uuid>"), "nor a new UUID");
	free(x);
}

Test(vm_restore_xml, refuses_what_is_not_a_saved_bench_domain)
{
	bench_error err = { 0 };
	char path[16];

	cr_expect_null(vm_restore_xml("<domain><metadata></metadata><devices/></domain>", "1-a", "/s", &err));
	cr_expect_not_null(strstr(err.msg, "no unix socket console"), "%s", err.msg);
	cr_expect_null(vm_restore_xml("<domain><serial type='unix'><source path='/a'/></serial></domain>", "1-a", "/s",
				      &err));
	cr_expect_not_null(strstr(err.msg, "metadata"), "%s", err.msg);
	/* A <serial> inside the old metadata is no console. */
	cr_expect_null(vm_restore_xml("<metadata><serial type='unix'><source path='/a'/></serial></metadata>", "1-a",
				      "/s", &err));
	cr_expect_not_null(strstr(err.msg, "no unix socket console"), "%s", err.msg);
	cr_expect_eq(vm_restore_xml_console(saved_xml, path, sizeof(path), &err), -1, "a path longer than out");
	cr_expect_eq(vm_restore_xml_console("<serial type='unix'><source path='/a<b'/></serial>", path, sizeof(path),
					    &err), -1);
	{
		char *x = vm_restore_xml(saved_xml, "1-a", "/tmp/x'/><evil", &err);

		cr_assert_not_null(x, "%s", err.msg);
		cr_expect_null(strstr(x, "<evil"), "the attribute was broken out of:\n%s", x);
		cr_expect_not_null(strstr(x, "path='/tmp/x&apos;/&gt;&lt;evil'"), "%s", x);
		free(x);
	}
	cr_expect_null(vm_restore_xml(saved_xml, "1-a\x01", "/s", &err), "a control character in the mark");
}

/* ---- the cache refuses a damaged image ------------------------------------ */

static void write_file(const char *path, const char *s, size_t n)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f, "%s", path);
	cr_assert_eq(fwrite(s, 1, n, f), n);
	fclose(f);
}

Test(vm_snapshot, damaged_images_are_refused_in_one_line)
{
	char dir[] = "/tmp/bench-test-snapck-XXXXXX", path[600], tmp[600], why[900], rec[700];
	static const char image[] = "QEMU image bytes, more of them than a truncation leaves";
	bench_error err = { 0 };

	cr_assert_not_null(mkdtemp(dir));
	setenv("BENCH_CACHE_DIR", dir, 1);
	cr_assert_eq(snapshot_paths("key", "libvirt", "1-1", path, sizeof(path), tmp, sizeof(tmp), &err), 0, "%s", err.msg);
	cr_expect_not_null(strstr(path, ".libvirt"), "%s", path);
	cr_expect_eq(snapshot_paths("key", "vmware", "1-1", path, sizeof(path), tmp, sizeof(tmp), &err), -1);
	cr_assert_eq(snapshot_paths("key", "libvirt", "1-1", path, sizeof(path), tmp, sizeof(tmp), &err), 0);
	cr_expect_eq(snapshot_check(path, why, sizeof(why)), 0, "no image yet");

	/* Sealed: used. */
	write_file(tmp, image, sizeof(image));
	cr_assert_eq(snapshot_seal(tmp, path, &err), 0, "%s", err.msg);
	cr_expect_neq(access(tmp, F_OK), 0);
	cr_expect_eq(snapshot_check(path, why, sizeof(why)), 1);

	/* Truncated: refused, removed with its record, said in one line. */
	cr_assert_eq(truncate(path, 10), 0);
	cr_expect_eq(snapshot_check(path, why, sizeof(why)), -1);
	cr_expect_not_null(strstr(why, "truncated"), "%s", why);
	cr_expect_null(strchr(why, '\n'), "%s", why);
	cr_expect_neq(access(path, F_OK), 0, "a refused image stays");
	snprintf(rec, sizeof(rec), "%s.sha256", path);
	cr_expect_neq(access(rec, F_OK), 0, "a refused image's record stays");

	/* One byte changed, same size: refused. */
	write_file(tmp, image, sizeof(image));
	cr_assert_eq(snapshot_seal(tmp, path, &err), 0, "%s", err.msg);
	{
		char bad[sizeof(image)];

		memcpy(bad, image, sizeof(image));
		bad[3] ^= 1;
		write_file(path, bad, sizeof(bad));
	}
	cr_expect_eq(snapshot_check(path, why, sizeof(why)), -1);
	cr_expect_not_null(strstr(why, "digest"), "%s", why);

	/* An image without a record (a crash between the two): refused. */
	write_file(path, image, sizeof(image));
	cr_expect_eq(snapshot_check(path, why, sizeof(why)), -1);
	cr_expect_not_null(strstr(why, "no valid record"), "%s", why);

	/* --all takes images of both kinds and their records. */
	write_file(tmp, image, sizeof(image));
	cr_assert_eq(snapshot_seal(tmp, path, &err), 0, "%s", err.msg);
	cr_expect_eq(snapshot_cleanup(true), 1);
	cr_expect_neq(access(path, F_OK), 0);
	cr_expect_neq(access(rec, F_OK), 0);
	snprintf(rec, sizeof(rec), "%s/snapshot", dir);
	cr_expect_eq(rmdir(rec), 0, "the snapshot folder is not empty");
	rmdir(dir);
	unsetenv("BENCH_CACHE_DIR");
}

/* ---- real restores ------------------------------------------------------- */

static void need_libvirt(void)
{
	test_need_guest("vm restore");
}

/* True while a domain called name exists. */
static bool domain_exists(const char *name)
{
	virConnectPtr c = virConnectOpen("qemu:///system");
	virDomainPtr d;

	cr_assert_not_null(c);
	d = virDomainLookupByName(c, name);
	if (d)
		virDomainFree(d);
	virConnectClose(c);
	return d != NULL;
}

struct fx {
	char run_id[64];
	struct run_config cfg;
	struct runner r;
	struct instance in;
	bench_error err;
	json_t *meta;
};

static void fx_prepare(struct fx *f)
{
	memset(f, 0, sizeof(*f));
	run_id_make(f->run_id, sizeof(f->run_id));
	f->cfg = (struct run_config){ .agent_path = getenv("BENCH_AGENT"), .run_id = f->run_id, .cpus = "",
				      .memory_mib = 256, .timeout_ms = 60000, .accel = "auto", .vm_start = "restore" };
	f->r = (struct runner){ .ops = &vm_runner_ops, .cfg = &f->cfg };
	cr_assert_eq(vm_runner_ops.prepare(&f->r, &f->err), 0, "%s", f->err.msg);
	f->meta = json_object();
	vm_runner_ops.describe(&f->r, f->meta);
}

static void fx_finish(struct fx *f)
{
	json_decref(f->meta);
	vm_runner_ops.finish(&f->r);
}

/* One restore: READY with its phases; the domain goes at stop. */
static void one_restore(struct fx *f, unsigned seq)
{
	const char *name = json_string_value(json_object_get(f->meta, "vm_snapshot_domain"));

	instance_init(&f->in, &f->r, seq, "ready");
	cr_assert_eq(vm_runner_ops.launch(&f->r, &f->in, &f->err), 0, "%s", f->err.msg);
	cr_assert_eq(vm_runner_ops.wait_ready(&f->r, &f->in, &f->err), 0, "%s", f->err.msg);
	cr_expect_str_eq(record_get(&f->in.ready, "pid"), "1");
	cr_assert_eq(f->in.nphases, 3);
	cr_expect_str_eq(f->in.phases[0].name, "restore");
	cr_expect_str_eq(f->in.phases[1].name, "resume");
	cr_expect_str_eq(f->in.phases[2].name, "answer");
	fprintf(stderr, "vm: restore %u: READY %.0f ms after launch (restore %.0f, resume %.1f, answer %.0f ms)\n", seq,
		ns_to_ms(f->in.t_ready_ns - f->in.t_launch_ns), ns_to_ms(f->in.phases[0].ns),
		ns_to_ms(f->in.phases[1].ns), ns_to_ms(f->in.phases[2].ns));
	cr_assert_eq(vm_runner_ops.stop(&f->r, &f->in, &f->err), 0, "%s", f->err.msg);
	vm_runner_ops.destroy(&f->r, &f->in);
	cr_expect(!domain_exists(name), "%s outlived its stop", name);
}

/* Twice from one image: each restore is a fresh guest that answers. */
Test(vm_restore, reaches_ready_and_answers, .timeout = 300)
{
	struct fx f;

	need_libvirt();
	fx_prepare(&f);
	cr_expect_str_eq(json_string_value(json_object_get(f.meta, "vm_start")), "restore");
	cr_expect_eq(access(json_string_value(json_object_get(f.meta, "vm_snapshot")), R_OK), 0);
	one_restore(&f, 0);
	one_restore(&f, 1);
	fx_finish(&f);
}

/* A damaged image in the cache is refused, in one line of the results'
 * notes, and saved again; the new one restores. */
Test(vm_restore, damaged_image_is_refused_and_saved_again, .timeout = 300)
{
	struct fx f;
	char image[600];
	json_t *notes;
	const char *note;

	need_libvirt();
	fx_prepare(&f);
	snprintf(image, sizeof(image), "%s", json_string_value(json_object_get(f.meta, "vm_snapshot")));
	fx_finish(&f);
	cr_assert_eq(truncate(image, 4096), 0);

	fx_prepare(&f);
	cr_expect(json_is_true(json_object_get(f.meta, "vm_snapshot_made")), "the damaged image was used");
	notes = json_object_get(f.meta, "notes");
	note = json_string_value(json_array_get(notes, json_array_size(notes) - 1));
	cr_assert_not_null(note, "no note says the image was refused");
	cr_expect_not_null(strstr(note, "truncated"), "%s", note);
	cr_expect_null(strchr(note, '\n'), "%s", note);
	one_restore(&f, 0);
	fx_finish(&f);
}

/* A harness SIGKILLed while it restores: its guest (not auto-destroyed)
 * and its console folder go with `bench cleanup`'s vm part. */
Test(vm_restore, sigkill_during_restore_leaves_nothing_after_cleanup, .timeout = 300)
{
	struct fx f;
	char name[64], cmd[160];
	pid_t pid;
	int status;
	bench_error err = { 0 };
	unsigned folders = 0;
	uint64_t deadline;
	bool seen = false;
	pid_t gone = 0;

	need_libvirt();
	fx_prepare(&f); /* the image, made here if it is not cached */
	snprintf(name, sizeof(name), "%s", json_string_value(json_object_get(f.meta, "vm_snapshot_domain")));
	fx_finish(&f);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		static struct fx c;

		run_id_make(c.run_id, sizeof(c.run_id));
		c.cfg = (struct run_config){ .agent_path = getenv("BENCH_AGENT"), .run_id = c.run_id, .cpus = "",
					     .memory_mib = 256, .timeout_ms = 60000, .accel = "auto",
					     .vm_start = "restore" };
		c.r = (struct runner){ .ops = &vm_runner_ops, .cfg = &c.cfg };
		instance_init(&c.in, &c.r, 0, "ready");
		if (vm_runner_ops.prepare(&c.r, &c.err) != 0 || vm_runner_ops.launch(&c.r, &c.in, &c.err) != 0)
			_exit(1);
		for (;;)
			pause();
	}
	/* Killed as soon as its restored domain exists (mid-restore or just
	 * after). */
	deadline = clock_now_ns() + 60000000000ull;
	while (!(seen = domain_exists(name)) && clock_now_ns() < deadline &&
	       (gone = waitpid(pid, &status, WNOHANG)) == 0) {
		struct timespec ts = { 0, 5000000 };

		nanosleep(&ts, NULL);
	}
	if (gone == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	cr_assert(seen, "the child's restored domain never appeared (child %s %d)",
		  WIFEXITED(status) ? "exited" : "killed", WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	cr_expect_geq(vm_cleanup_stale(NULL, false, &folders, &err), 0, "%s", err.msg);
	snapshot_cleanup(false);
	cr_expect(!domain_exists(name), "the killed run's restored domain %s survived bench cleanup", name);
	snprintf(cmd, sizeof(cmd), "! ls -d /tmp/" RUN_ID_PREFIX "%ld-*-vm.* 2>/dev/null", (long)pid);
	cr_expect_eq(system(cmd), 0, "the killed run's socket folder survived bench cleanup");
	snprintf(cmd, sizeof(cmd), "! ls %s/snapshot/*." RUN_ID_PREFIX "%ld-* 2>/dev/null", vm_cache_dir(), (long)pid);
	cr_expect_eq(system(cmd), 0, "a half-written image of the killed run survived bench cleanup");
}
