/* A local file uploaded into a storage pool of a remote libvirt host and
 * cached there by sha256 (remote_volume.h). */
#include "remote_volume.h"

#include <errno.h>
#include <fcntl.h>
#include <libvirt/virterror.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/clock.h"
#include "../lib/interrupt.h"
#include "../lib/run_id.h"
#include "../lib/sha256_file.h"
#include "domain_xml.h"

#define PART_TAG "-part-"

static const char *libvirt_msg(void)
{
	const char *m = virGetLastErrorMessage();

	return m && *m ? m : "unknown libvirt error";
}

const char *remote_pool_name(void)
{
	const char *p = getenv("BENCH_REMOTE_POOL");

	return p && *p ? p : REMOTE_POOL_DEFAULT;
}

const char *remote_pool_dir(void)
{
	const char *p = getenv("BENCH_REMOTE_POOL_DIR");

	return p && *p ? p : REMOTE_POOL_DIR_DEFAULT;
}

/* The dir pool's XML, its name and folder escaped. */
static int pool_xml(const char *name, const char *dir, char *out, size_t outsz, bench_error *err)
{
	size_t len = 0;

	len += (size_t)snprintf(out, outsz, "<pool type='dir'><name>");
	if (len >= outsz || vm_xml_escape(name, out, outsz, &len) < 0)
		return bench_fail_usage(err, "BENCH_REMOTE_POOL '%.60s' cannot be a pool name", name);
	len += (size_t)snprintf(out + len, outsz - len, "</name><target><path>");
	if (len >= outsz || vm_xml_escape(dir, out, outsz, &len) < 0)
		return bench_fail_usage(err, "BENCH_REMOTE_POOL_DIR '%.60s' cannot be a pool folder", dir);
	len += (size_t)snprintf(out + len, outsz - len,
				"</path><permissions><mode>0755</mode></permissions></target></pool>");
	if (len >= outsz)
		return bench_fail_usage(err, "BENCH_REMOTE_POOL_DIR: too long");
	return 0;
}

/* The pool into *pool, defined, built and started when it is not there;
 * create false: *pool NULL when it does not exist.  0, or -1 with *err. */
static int pool_get(virConnectPtr conn, bool create, virStoragePoolPtr *pool, bench_error *err)
{
	const char *name = remote_pool_name(), *dir = remote_pool_dir();
	virStoragePoolPtr p = virStoragePoolLookupByName(conn, name);
	char xml[1200];

	*pool = NULL;
	if (!p) {
		if (virGetLastErrorCode() != VIR_ERR_NO_STORAGE_POOL)
			return bench_fail(err, 0, "looking up storage pool %s: %s", name, libvirt_msg());
		if (!create)
			return 0;
		if (dir[0] != '/')
			return bench_fail_usage(err, "BENCH_REMOTE_POOL_DIR '%.60s' is not an absolute path", dir);
		if (pool_xml(name, dir, xml, sizeof(xml), err) < 0)
			return -1;
		p = virStoragePoolDefineXML(conn, xml, 0);
		if (!p)
			return bench_fail(err, 0, "defining storage pool %s at %s: %s", name, dir, libvirt_msg());
		/* mkdir -p of its folder; an existing folder is kept. */
		if (virStoragePoolBuild(p, 0) < 0) {
			bench_fail(err, 0, "building storage pool %s at %s: %s", name, dir, libvirt_msg());
			virStoragePoolUndefine(p);
			virStoragePoolFree(p);
			return -1;
		}
	}
	if (virStoragePoolIsActive(p) != 1 && virStoragePoolCreate(p, 0) < 0) {
		bench_fail(err, 0, "starting storage pool %s: %s", name, libvirt_msg());
		virStoragePoolFree(p);
		return -1;
	}
	*pool = p;
	return 0;
}

static int vol_xml(const char *name, unsigned long long bytes, char *out, size_t outsz)
{
	size_t len = (size_t)snprintf(out, outsz, "<volume><name>");

	if (len >= outsz || vm_xml_escape(name, out, outsz, &len) < 0)
		return -1;
	len += (size_t)snprintf(out + len, outsz - len,
				"</name><capacity unit='bytes'>%llu</capacity><target><format type='raw'/>"
				"<permissions><mode>0644</mode></permissions></target></volume>",
				bytes);
	return len < outsz ? 0 : -1;
}

/* Sends the file's bytes into the upload stream; -1 with *err (a Ctrl-C
 * too).  The caller aborts the stream on failure. */
static int send_file(virStreamPtr st, int fd, unsigned long long bytes, const char *path, bench_error *err)
{
	enum { CHUNK = 256 * 1024 };
	char *buf = malloc(CHUNK);
	unsigned long long sent = 0;
	int rc = 0;

	if (!buf)
		return bench_fail(err, ENOMEM, "uploading %s", path);
	while (sent < bytes && rc == 0) {
		ssize_t n = read(fd, buf, CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = bench_fail(err, errno, "reading %s", path);
		} else if (n == 0) {
			rc = bench_fail(err, 0, "%s shrank while it was uploaded", path);
		} else if ((rc = interrupt_check(err)) == 0) {
			for (ssize_t off = 0; off < n && rc == 0;) {
				int w = virStreamSend(st, buf + off, (size_t)(n - off));

				if (w < 0)
					rc = bench_fail(err, 0, "uploading %s: %s", path, libvirt_msg());
				else
					off += w;
			}
			sent += (unsigned long long)n;
		}
	}
	free(buf);
	return rc;
}

/* Uploads into a temporary volume, copies that to final_name in the pool,
 * deletes the temporary one; *vol: the final volume. */
static int upload(virConnectPtr conn, virStoragePoolPtr pool, const char *what, const char *local_path,
		  unsigned long long bytes, const char *final_name, const char *run_id, virStorageVolPtr *vol,
		  bench_error *err)
{
	char tmp_name[160], xml[600];
	virStorageVolPtr tmp;
	virStreamPtr st;
	int fd, rc = -1;

	if ((size_t)snprintf(tmp_name, sizeof(tmp_name), RUN_ID_PREFIX "%s" PART_TAG "%s", run_id, what) >=
		    sizeof(tmp_name) ||
	    vol_xml(tmp_name, bytes, xml, sizeof(xml)) < 0)
		return bench_fail(err, ENAMETOOLONG, "volume name for %s", what);
	fd = open(local_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return bench_fail(err, errno, "%s", local_path);
	tmp = virStorageVolCreateXML(pool, xml, 0);
	if (!tmp) {
		close(fd);
		return bench_fail(err, 0, "creating volume %s: %s", tmp_name, libvirt_msg());
	}
	st = virStreamNew(conn, 0);
	if (!st) {
		bench_fail(err, 0, "a stream for %s: %s", tmp_name, libvirt_msg());
	} else if (virStorageVolUpload(tmp, st, 0, bytes, 0) < 0) {
		bench_fail(err, 0, "uploading %s: %s", tmp_name, libvirt_msg());
		virStreamAbort(st);
	} else if (send_file(st, fd, bytes, local_path, err) < 0) {
		virStreamAbort(st);
	} else if (virStreamFinish(st) < 0) {
		bench_fail(err, 0, "finishing the upload of %s: %s", tmp_name, libvirt_msg());
	} else if (vol_xml(final_name, bytes, xml, sizeof(xml)) < 0) {
		bench_fail(err, ENAMETOOLONG, "volume name %s", final_name);
	} else {
		/* The copy makes final_name with O_EXCL: two runs racing for it
		 * get one copy, and the loser finds it. */
		*vol = virStorageVolCreateXMLFrom(pool, xml, tmp, 0);
		if (*vol)
			rc = 0;
		else if ((*vol = virStorageVolLookupByName(pool, final_name)) != NULL)
			rc = 0;
		else
			bench_fail(err, 0, "copying %s to %s: %s", tmp_name, final_name, libvirt_msg());
	}
	if (st)
		virStreamFree(st);
	close(fd);
	/* Never left behind, whatever happened. */
	virStorageVolDelete(tmp, 0);
	virStorageVolFree(tmp);
	return rc;
}

int remote_volume_put(virConnectPtr conn, const char *what, const char *local_path, const char *run_id,
		      struct remote_volume *out, bench_error *err)
{
	virStoragePoolPtr pool;
	virStorageVolPtr vol;
	struct stat sb;
	char *path;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (strspn(what, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(what) || !*what)
		return bench_fail(err, EINVAL, "volume kind '%.40s'", what);
	if (stat(local_path, &sb) < 0)
		return bench_fail(err, errno, "%s", local_path);
	if (!S_ISREG(sb.st_mode) || sb.st_size <= 0)
		return bench_fail(err, 0, "%s is not a file with something in it", local_path);
	out->bytes = (unsigned long long)sb.st_size;
	if (sha256_file_hex(local_path, out->sha256, err) < 0)
		return -1;
	snprintf(out->name, sizeof(out->name), "%s-%s", what, out->sha256);
	if (pool_get(conn, true, &pool, err) < 0)
		return bench_error_prefix(err, "putting %s on the libvirt host", local_path);
	vol = virStorageVolLookupByName(pool, out->name);
	if (vol) {
		virStorageVolInfo info;

		/* The name only ever appears complete; a wrong size is a file
		 * changed on that host behind libvirt's back: uploaded again. */
		if (virStorageVolGetInfo(vol, &info) < 0 || info.capacity != out->bytes) {
			virStorageVolDelete(vol, 0);
			virStorageVolFree(vol);
			vol = NULL;
		}
	} else if (virGetLastErrorCode() != VIR_ERR_NO_STORAGE_VOL) {
		bench_fail(err, 0, "looking up volume %s: %s", out->name, libvirt_msg());
		goto out;
	}
	if (!vol) {
		uint64_t t0 = clock_now_ns();

		if (upload(conn, pool, what, local_path, out->bytes, out->name, run_id, &vol, err) < 0)
			goto out;
		out->uploaded = true;
		out->upload_ns = clock_now_ns() - t0;
	}
	path = virStorageVolGetPath(vol);
	if (!path) {
		bench_fail(err, 0, "the path of volume %s: %s", out->name, libvirt_msg());
	} else {
		if ((size_t)snprintf(out->path, sizeof(out->path), "%s", path) < sizeof(out->path))
			rc = 0;
		else
			bench_fail(err, ENAMETOOLONG, "the path of volume %s", out->name);
		free(path);
	}
	virStorageVolFree(vol);
out:
	virStoragePoolFree(pool);
	return rc < 0 ? bench_error_prefix(err, "putting %s on the libvirt host", local_path) : 0;
}

/* "bench-<run id>-part-<what>" of a run that is over. */
static bool is_stale_part(const char *name, bool all)
{
	const char *id = name + strlen(RUN_ID_PREFIX), *tag;
	enum run_owner o;

	if (strncmp(name, RUN_ID_PREFIX, strlen(RUN_ID_PREFIX)) != 0 || !(tag = strstr(id, PART_TAG)))
		return false;
	/* Exactly what upload() names: a run id, the tag, a kind. */
	tag += strlen(PART_TAG);
	if (!*tag || strspn(tag, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(tag) ||
	    strspn(id, "0123456789abcdef-") != (size_t)(tag - id) - strlen(PART_TAG) + 1)
		return false;
	o = run_id_owner(id);
	return o == RUN_OWNER_DEAD || (all && o == RUN_OWNER_ALIVE);
}

int remote_volume_cleanup(virConnectPtr conn, bool all, bench_error *err)
{
	virStoragePoolPtr pool;
	virStorageVolPtr *vols = NULL;
	int n, removed = 0;

	if (pool_get(conn, false, &pool, err) < 0)
		return -1;
	if (!pool)
		return 0;
	if (virStoragePoolIsActive(pool) != 1 || virStoragePoolRefresh(pool, 0) < 0) {
		virStoragePoolFree(pool);
		return 0;
	}
	n = virStoragePoolListAllVolumes(pool, &vols, 0);
	if (n < 0) {
		bench_fail(err, 0, "listing volumes of pool %s: %s", remote_pool_name(), libvirt_msg());
		virStoragePoolFree(pool);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		const char *name = virStorageVolGetName(vols[i]);

		if (name && is_stale_part(name, all) && virStorageVolDelete(vols[i], 0) == 0)
			removed++;
		virStorageVolFree(vols[i]);
	}
	free(vols);
	virStoragePoolFree(pool);
	return removed;
}
