#include "cleanup.h"

#include <dirent.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/run_id.h"

static void silent(void *opaque, virErrorPtr e)
{
	(void)opaque;
	(void)e;
}

static bool is_leftover(const char *name, bool all)
{
	if (strncmp(name, RUN_ID_PREFIX, strlen(RUN_ID_PREFIX)) != 0)
		return false;
	return all || !run_id_owner_alive(name);
}

/* "bench-<pid>-<hex>-vm.XXXXXX", exactly what vm_runner.c makes. */
static bool is_socket_dir_name(const char *n)
{
	const char *p = n + strlen(RUN_ID_PREFIX);
	size_t digits;

	if (strncmp(n, RUN_ID_PREFIX, strlen(RUN_ID_PREFIX)) != 0)
		return false;
	digits = strspn(p, "0123456789");
	if (digits == 0 || p[digits] != '-')
		return false;
	p += digits + 1;
	digits = strspn(p, "0123456789abcdef");
	if (digits == 0 || strncmp(p + digits, "-vm.", 4) != 0)
		return false;
	return strlen(p + digits + 4) == 6;
}

/* Empties and removes $TMPDIR/bench-<run id>-vm.XXXXXX folders. */
static void cleanup_socket_dirs(bool all)
{
	const char *tmp = getenv("TMPDIR");
	const char *dirs[] = { tmp && *tmp ? tmp : "/tmp", "/tmp" };

	for (size_t d = 0; d < 2; d++) {
		DIR *dir;
		struct dirent *e;

		if (d == 1 && strcmp(dirs[0], dirs[1]) == 0)
			break;
		dir = opendir(dirs[d]);
		if (!dir)
			continue;
		while ((e = readdir(dir)) != NULL) {
			char path[4096];
			DIR *sub;
			struct dirent *s;

			if (!is_socket_dir_name(e->d_name) || !is_leftover(e->d_name, all))
				continue;
			snprintf(path, sizeof(path), "%s/%s", dirs[d], e->d_name);
			sub = opendir(path);
			if (!sub)
				continue;
			while ((s = readdir(sub)) != NULL) {
				char f[4400];

				if (strcmp(s->d_name, ".") == 0 || strcmp(s->d_name, "..") == 0)
					continue;
				snprintf(f, sizeof(f), "%s/%s", path, s->d_name);
				unlink(f);
			}
			closedir(sub);
			rmdir(path);
		}
		closedir(dir);
	}
}

int vm_cleanup_stale(const char *uri, bool all, bench_error *err)
{
	virConnectPtr conn;
	virDomainPtr *doms = NULL;
	int n, removed = 0, failed = 0;
	char first_failure[200] = "";

	virSetErrorFunc(NULL, silent);
	if (!uri)
		uri = "qemu:///system";
	conn = virConnectOpen(uri);
	if (!conn)
		return bench_fail(err, 0, "vm cleanup: cannot connect to libvirt at %s: %s", uri,
				  virGetLastErrorMessage());
	n = virConnectListAllDomains(conn, &doms, 0);
	if (n < 0) {
		bench_fail(err, 0, "vm cleanup: listing domains at %s: %s", uri, virGetLastErrorMessage());
		virConnectClose(conn);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		const char *name = virDomainGetName(doms[i]);
		bool ok = true;

		if (name && is_leftover(name, all)) {
			if (virDomainIsActive(doms[i]) == 1 && virDomainDestroy(doms[i]) < 0 &&
			    virGetLastErrorCode() != VIR_ERR_NO_DOMAIN)
				ok = false;
			if (ok && virDomainIsPersistent(doms[i]) == 1 &&
			    virDomainUndefineFlags(doms[i], VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
								VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA |
								VIR_DOMAIN_UNDEFINE_NVRAM) < 0 &&
			    virGetLastErrorCode() != VIR_ERR_NO_DOMAIN)
				ok = false;
			if (ok) {
				removed++;
			} else if (failed++ == 0) {
				snprintf(first_failure, sizeof(first_failure), "%s: %s", name,
					 virGetLastErrorMessage());
			}
		}
		virDomainFree(doms[i]);
	}
	free(doms);
	virConnectClose(conn);
	cleanup_socket_dirs(all);
	if (failed)
		return bench_fail(err, 0, "vm cleanup: %d domain(s) could not be removed (%s)", failed,
				  first_failure);
	return removed;
}
