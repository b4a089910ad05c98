#include "cleanup.h"

#include <dirent.h>
#include <fcntl.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/run_id.h"
#include "domain_xml.h"
#include "remote_volume.h"

static void silent(void *opaque, virErrorPtr e)
{
	(void)opaque;
	(void)e;
}

/* A run's objects go when its owner is known to be dead, or with --all
 * when it still runs; never when the run id does not parse. */
static bool run_is_over(const char *run_id, bool all)
{
	enum run_owner o = run_id_owner(run_id);

	return o == RUN_OWNER_DEAD || (all && o == RUN_OWNER_ALIVE);
}

/* "bench-<pid>-<hex>-<kind>.XXXXXX", exactly what vm_runner.c ("vm") and
 * qemu_runner.c ("qemu") make. */
static bool is_socket_dir_name(const char *n, const char *kind)
{
	size_t klen = strlen(kind);
	const char *p = n + strlen(RUN_ID_PREFIX);
	size_t digits;

	if (strncmp(n, RUN_ID_PREFIX, strlen(RUN_ID_PREFIX)) != 0)
		return false;
	digits = strspn(p, "0123456789");
	if (digits == 0 || p[digits] != '-')
		return false;
	p += digits + 1;
	digits = strspn(p, "0123456789abcdef");
	if (digits == 0 || p[digits] != '-' || strncmp(p + digits + 1, kind, klen) != 0 || p[digits + 1 + klen] != '.')
		return false;
	return strlen(p + digits + 2 + klen) == 6;
}

/* Empties and removes one socket folder, never following a link: the
 * folder is opened O_NOFOLLOW and its entries unlinked relative to it.
 * True when it is gone. */
static bool remove_socket_dir(int parent, const char *name)
{
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *sub;
	struct dirent *s;

	if (fd < 0)
		return false;
	sub = fdopendir(fd);
	if (!sub) {
		close(fd);
		return false;
	}
	while ((s = readdir(sub)) != NULL)
		if (strcmp(s->d_name, ".") != 0 && strcmp(s->d_name, "..") != 0)
			unlinkat(fd, s->d_name, 0);
	closedir(sub);
	return unlinkat(parent, name, AT_REMOVEDIR) == 0;
}

unsigned vm_cleanup_folders(const char *kind, bool all)
{
	const char *tmp = getenv("TMPDIR");
	const char *dirs[] = { tmp && *tmp ? tmp : "/tmp", "/tmp" };
	unsigned removed = 0;

	for (size_t d = 0; d < 2; d++) {
		DIR *dir;
		struct dirent *e;

		if (d == 1 && strcmp(dirs[0], dirs[1]) == 0)
			break;
		dir = opendir(dirs[d]);
		if (!dir)
			continue;
		while ((e = readdir(dir)) != NULL) {
			if (!is_socket_dir_name(e->d_name, kind) ||
			    !run_is_over(e->d_name + strlen(RUN_ID_PREFIX), all))
				continue;
			if (remove_socket_dir(dirfd(dir), e->d_name))
				removed++;
		}
		closedir(dir);
	}
	return removed;
}

/* The value of attr ("id", "controller") in a domain's bench mark, into
 * out; false when it has none.  The metadata is the domain's, so
 * untrusted: bounded and checked. */
bool vm_mark_attr(const char *xml, const char *attr, const char *charset, char *out, size_t outsz)
{
	char key[24];
	const char *p;
	size_t n;

	snprintf(key, sizeof(key), " %s=", attr);
	p = strstr(xml, key);
	if (!p)
		return false;
	p += strlen(key);
	if (*p != '"' && *p != '\'')
		return false;
	n = strspn(p + 1, charset);
	if (n == 0 || n >= outsz || p[1 + n] != *p)
		return false;
	memcpy(out, p + 1, n);
	out[n] = '\0';
	return true;
}

/* A transient domain bench marked, named for its run, whose run is over,
 * and that this machine may judge: its run id names this machine's
 * processes (the mark's controller is this machine), or, for a mark
 * without one, the connection is this host's own. */
static bool is_leftover_domain(virDomainPtr dom, bool all, bool remote)
{
	const char *name = virDomainGetName(dom), *me = vm_machine_id();
	char id[64], controller[40];
	size_t plen = strlen(RUN_ID_PREFIX);
	char *xml;
	bool has_id, has_controller;

	if (!name || virDomainIsPersistent(dom) != 0)
		return false;
	xml = virDomainGetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT, VM_BENCH_MARK_NS, 0);
	if (!xml)
		return false;
	has_id = vm_mark_attr(xml, "id", "0123456789abcdef-", id, sizeof(id));
	has_controller = vm_mark_attr(xml, "controller", "0123456789abcdef", controller, sizeof(controller));
	free(xml);
	if (!has_id)
		return false;
	if (has_controller ? !me || strcmp(controller, me) != 0 : remote)
		return false;
	if (strncmp(name, RUN_ID_PREFIX, plen) != 0)
		return false;
	/* A restored guest keeps the saved domain's name,
	 * bench-restore-<16 hex> (runners/vm_restore.h); its mark is the
	 * run's that restored it. */
	if (strncmp(name + plen, "restore-", 8) == 0)
		return strlen(name + plen + 8) == 16 && strspn(name + plen + 8, "0123456789abcdef") == 16 &&
		       run_is_over(id, all);
	if (strncmp(name + plen, id, strlen(id)) != 0 || name[plen + strlen(id)] != '-')
		return false;
	return run_is_over(id, all);
}

/* The leftover domains at conn: how many went, or -1 with *err. */
static int cleanup_domains(virConnectPtr conn, const char *uri, bool all, bool remote, bench_error *err)
{
	virDomainPtr *doms = NULL;
	int n, removed = 0, failed = 0;
	char first_failure[200] = "";

	n = virConnectListAllDomains(conn, &doms, VIR_CONNECT_LIST_DOMAINS_TRANSIENT);
	if (n < 0)
		return bench_fail(err, 0, "vm cleanup: listing domains at %s: %s", uri, virGetLastErrorMessage());
	for (int i = 0; i < n; i++) {
		if (is_leftover_domain(doms[i], all, remote)) {
			if (virDomainDestroy(doms[i]) == 0 || virGetLastErrorCode() == VIR_ERR_NO_DOMAIN)
				removed++;
			else if (failed++ == 0)
				snprintf(first_failure, sizeof(first_failure), "%s: %s", virDomainGetName(doms[i]),
					 virGetLastErrorMessage());
		}
		virDomainFree(doms[i]);
	}
	free(doms);
	if (failed)
		return bench_fail(err, 0, "vm cleanup: %d domain(s) could not be removed (%s)", failed,
				  first_failure);
	return removed;
}

static virConnectPtr connect_to(const char *uri, bench_error *err)
{
	virConnectPtr conn;

	virSetErrorFunc(NULL, silent);
	conn = virConnectOpen(uri);
	if (!conn)
		bench_fail(err, 0, "vm cleanup: cannot connect to libvirt at %s: %s", uri, virGetLastErrorMessage());
	return conn;
}

int vm_cleanup_stale(const char *uri, bool all, unsigned *folders, bench_error *err)
{
	virConnectPtr conn;
	unsigned nfolders;
	int n;

	if (!uri)
		uri = "qemu:///system";
	/* The folders do not need libvirt. */
	nfolders = vm_cleanup_folders("vm", all);
	if (folders)
		*folders += nfolders;
	conn = connect_to(uri, err);
	if (!conn)
		return -1;
	n = cleanup_domains(conn, uri, all, false, err);
	virConnectClose(conn);
	return n;
}

int vm_cleanup_at(const char *uri, bool remote, bool all, unsigned *volumes, bench_error *err)
{
	virConnectPtr conn = connect_to(uri, err);
	int n, v;

	*volumes = 0;
	if (!conn)
		return -1;
	n = cleanup_domains(conn, uri, all, remote, err);
	if (n >= 0) {
		v = remote_volume_cleanup(conn, all, err);
		if (v < 0)
			n = bench_error_prefix(err, "vm cleanup at %s", uri);
		else
			*volumes = (unsigned)v;
	}
	virConnectClose(conn);
	return n;
}
