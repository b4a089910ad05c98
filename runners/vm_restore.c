/* The vm runner's saved guest (vm_restore.h). */
#include "vm_restore.h"

#include <errno.h>
#include <jansson.h>
#include <libvirt/virterror.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/json_notes.h"
#include "../lib/run_id.h"
#include "../vm/cpu_model.h"
#include "../vm/initramfs.h"
#include "../vm/qemu_process.h"
#include "../vm/restore_xml.h"
#include "../vm/snapshot_cache.h"

static int fail_virt(bench_error *err, const char *what, const char *name)
{
	const char *msg = virGetLastErrorMessage();

	return bench_fail(err, 0, "vm: %s %s: %s", what, name, msg && *msg ? msg : "unknown libvirt error");
}

/* Everything that went into the image, as text (its sha256 names it):
 * libvirt's and QEMU's versions and QEMU's binary, the guest (its kernel by sha256:
 * a kernel rebuilt in place keeps its path and release), the machine,
 * the pinning and the saved guest's command line. */
static void restore_key(virConnectPtr conn, const struct vm_guest *g, const char *machine, char *key, size_t sz)
{
	unsigned long lv = 0, qv = 0;
	char qemu[4096] = "", cmdline[512] = "", cpus[1024] = "";
	struct stat st = { 0 };
	bench_error ignored = { 0 };
	size_t len = 0;

	virConnectGetLibVersion(conn, &lv);
	virConnectGetVersion(conn, &qv);
	if (qemu_binary_find(qemu, sizeof(qemu), &ignored) == 0)
		stat(qemu, &st);
	if (vm_guest_saved_cmdline(cmdline, sizeof(cmdline), &ignored) < 0)
		cmdline[0] = '\0';
	for (unsigned i = 0; i < g->ncpus && len < sizeof(cpus) - 8; i++)
		len += (size_t)snprintf(cpus + len, sizeof(cpus) - len, "%s%u", i ? "," : "", g->cpus[i]);
	snprintf(key, sz,
		 "bench snapshot libvirt 1\nlibvirt %lu qemu %lu %s %lld %lld\nkernel %s %s %s\ninitrd %s agent %s\n"
		 "machine %s\naccel %s\ncpu %s\nvcpus %u pinned %s\nmemory %u\ncmdline %s\n",
		 lv, qv, qemu, (long long)st.st_size, (long long)st.st_mtime, g->kernel.path, g->kernel.release,
		 g->kernel.sha256,
		 g->initrd, g->agent_sha256, machine, accel_name(g->accel), vm_cpu_model_name(g->accel), g->ncpus,
		 cpus, g->memory_mib, cmdline);
}

/* Boots the guest as name and saves it, paused, to tmp. */
static int make(struct runner *r, struct vm_restore *s, virConnectPtr conn, const char *tmp,
		int (*boot)(struct runner *r, const char *name, bench_error *err), bench_error *err)
{
	virDomainPtr dom;
	int rc;

	if (boot(r, s->name, err) < 0)
		return -1;
	dom = virDomainLookupByName(conn, s->name);
	if (!dom)
		return fail_virt(err, "finding the booted guest", s->name);
	/* The page cache is kept (no BYPASS_CACHE): every restore reads it. */
	rc = virDomainSaveFlags(dom, tmp, NULL, VIR_DOMAIN_SAVE_PAUSED);
	if (rc < 0) {
		fail_virt(err, "saving", s->name);
		virDomainDestroy(dom);
	}
	virDomainFree(dom);
	return rc < 0 ? -1 : 0;
}

int vm_restore_prepare(struct runner *r, struct vm_restore *s, virConnectPtr conn, const struct vm_guest *g,
		       const char *machine, int (*boot)(struct runner *r, const char *name, bench_error *err),
		       bench_error *err)
{
	const char *start = r->cfg->vm_start;
	char key[16384], tmp[600], hex[INITRAMFS_SHA256_HEX];

	if (!start || strcmp(start, "cold") == 0)
		return 0;
	if (strcmp(start, "restore") != 0)
		return bench_fail_usage(err, "--vm-start: '%.20s' is not one of cold, restore", start);
	restore_key(conn, g, machine, key, sizeof(key));
	initramfs_sha256_hex(key, strlen(key), hex);
	snprintf(s->name, sizeof(s->name), RUN_ID_PREFIX "restore-%.16s", hex);
	if (snapshot_paths(key, "libvirt", r->cfg->run_id, s->image, sizeof(s->image), tmp, sizeof(tmp), err) < 0)
		return bench_error_prefix(err, "vm");
	if (snapshot_check(s->image, s->refused, sizeof(s->refused)) == 1) {
		s->xml = virDomainSaveImageGetXMLDesc(conn, s->image, 0);
		if (s->xml) {
			s->on = true;
			return 0;
		}
		/* Its digest matches, but libvirt cannot read it (written by
		 * another libvirt?): saved again. */
		snprintf(s->refused, sizeof(s->refused), "saved guest %s: libvirt cannot read it (%.200s): saved again",
			 s->image, virGetLastErrorMessage());
		unlink(s->image);
	}
	if (make(r, s, conn, tmp, boot, err) < 0) {
		unlink(tmp);
		return bench_error_prefix(err, "vm: saving the guest for --vm-start restore");
	}
	if (snapshot_seal(tmp, s->image, err) < 0) {
		unlink(tmp);
		return bench_error_prefix(err, "vm");
	}
	s->made = true;
	s->xml = virDomainSaveImageGetXMLDesc(conn, s->image, 0);
	if (!s->xml)
		return fail_virt(err, "reading the domain of", s->image);
	s->on = true;
	return 0;
}

virDomainPtr vm_restore_domain(const struct vm_restore *s, virConnectPtr conn, const char *run_id, const char *sock,
			       bench_error *err)
{
	char *xml = vm_restore_xml(s->xml, run_id, sock, err);
	virDomainPtr dom;
	int rc;

	if (!xml)
		return bench_error_prefix(err, "vm: %s", s->image), NULL;
	/* Paused, so that the console is connected before the guest runs. */
	rc = virDomainRestoreFlags(conn, s->image, xml, VIR_DOMAIN_SAVE_PAUSED);
	free(xml);
	if (rc < 0) {
		bench_error e2 = { 0 };

		fail_virt(err, "restoring", s->name);
		dom = virDomainLookupByName(conn, s->name);
		if (dom) {
			/* Not ours to remove: another run's, or one cleanup
			 * will judge. */
			virDomainFree(dom);
			bench_fail(&e2, 0, "vm: restoring %s: a domain of that name already runs (another run "
				   "restoring the same saved guest, or one `bench cleanup` removes)", s->name);
			*err = e2;
		}
		return NULL;
	}
	dom = virDomainLookupByName(conn, s->name);
	if (!dom)
		return fail_virt(err, "finding the restored guest", s->name), NULL;
	return dom;
}

void vm_restore_describe(const struct vm_restore *s, void *json_object)
{
	json_t *o = json_object;

	json_object_set_new(o, "vm_start", json_string(s->on ? "restore" : "cold"));
	if (s->on) {
		json_object_set_new(o, "vm_snapshot", json_string(s->image));
		json_object_set_new(o, "vm_snapshot_made", json_boolean(s->made));
		json_object_set_new(o, "vm_snapshot_domain", json_string(s->name));
	}
	if (s->refused[0])
		results_meta_note(o, "vm: %s", s->refused);
}

void vm_restore_free(struct vm_restore *s)
{
	free(s->xml);
	s->xml = NULL;
}
