/* The agent's OCI image (oci_image.h): libarchive writes the layer and the
 * layout archive, nettle hashes the blobs, jansson writes the JSON. */
#include "oci_image.h"
#include "oci_spec.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MEDIA_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MEDIA_CONFIG "application/vnd.oci.image.config.v1+json"
#define MEDIA_LAYER "application/vnd.oci.image.layer.v1.tar"
/* The agent is a static binary of a few hundred KiB; anything far larger
 * is not the agent. */
#define AGENT_MAX (64u << 20)

/* The mount points of the spec (oci_spec.c), which runc cannot make on a
 * read-only root; nothing else, as in bench's container. */
static const char *const mount_points[] = { "dev", "proc", OCI_DISK_DIR + 1 };

struct blob {
	unsigned char *data;
	size_t len;
	char digest[OCI_DIGEST_LEN + 1];
};

static void blob_digest(struct blob *b)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char d[SHA256_DIGEST_SIZE];
	struct sha256_ctx ctx;

	sha256_init(&ctx);
	sha256_update(&ctx, b->len, b->data);
	sha256_digest(&ctx, sizeof(d), d);
	memcpy(b->digest, "sha256:", 7);
	for (size_t i = 0; i < sizeof(d); i++) {
		b->digest[7 + 2 * i] = hex[d[i] >> 4];
		b->digest[7 + 2 * i + 1] = hex[d[i] & 15];
	}
	b->digest[OCI_DIGEST_LEN] = '\0';
}

static int read_agent(const char *path, struct blob *out, bench_error *err)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t got = 0;

	if (fd < 0)
		return bench_fail(err, errno, "%s", path);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 || (uint64_t)st.st_size > AGENT_MAX) {
		close(fd);
		return bench_fail(err, 0, "%s: not a regular file of at most %u MiB", path, AGENT_MAX >> 20);
	}
	out->len = (size_t)st.st_size;
	out->data = malloc(out->len);
	if (!out->data) {
		close(fd);
		return bench_fail(err, errno, "malloc");
	}
	while (got < out->len) {
		ssize_t n = read(fd, out->data + got, out->len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : 0;

			close(fd);
			return bench_fail(err, e, "reading %s%s", path, e ? "" : ": it shrank");
		}
		got += (size_t)n;
	}
	close(fd);
	return 0;
}

/* One entry with fixed owner and time, so the digest depends only on the
 * content. */
static int tar_add(struct archive *a, const char *name, mode_t type, unsigned perm, const void *data, size_t len,
		   bench_error *err)
{
	struct archive_entry *e = archive_entry_new();
	int rc = 0;

	if (!e)
		return bench_fail(err, ENOMEM, "archive_entry_new");
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, perm);
	archive_entry_set_size(e, (la_int64_t)len);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	archive_entry_set_mtime(e, 0, 0);
	if (archive_write_header(a, e) != ARCHIVE_OK ||
	    (len && archive_write_data(a, data, len) != (la_ssize_t)len))
		rc = bench_fail(err, 0, "archive %s: %s", name, archive_error_string(a));
	archive_entry_free(e);
	return rc;
}

/* The layer: the agent and the mount points, a plain tar in memory. */
static int layer_build(const struct blob *agent, const char *agent_in_image, struct blob *layer, bench_error *err)
{
	struct archive *a = archive_write_new();
	size_t cap = agent->len + (64u << 10), used = 0;
	int rc = -1;

	if (!a)
		return bench_fail(err, ENOMEM, "archive_write_new");
	layer->data = malloc(cap);
	if (!layer->data) {
		archive_write_free(a);
		return bench_fail(err, errno, "malloc");
	}
	if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    archive_write_open_memory(a, layer->data, cap, &used) != ARCHIVE_OK) {
		bench_fail(err, 0, "layer archive: %s", archive_error_string(a));
		goto out;
	}
	for (size_t i = 0; i < sizeof(mount_points) / sizeof(mount_points[0]); i++)
		if (tar_add(a, mount_points[i], AE_IFDIR, 0755, NULL, 0, err) < 0)
			goto out;
	while (*agent_in_image == '/')
		agent_in_image++;
	if (tar_add(a, agent_in_image, AE_IFREG, 0755, agent->data, agent->len, err) < 0)
		goto out;
	if (archive_write_close(a) != ARCHIVE_OK) {
		bench_fail(err, 0, "layer archive: %s", archive_error_string(a));
		goto out;
	}
	layer->len = used;
	blob_digest(layer);
	rc = 0;
out:
	archive_write_free(a);
	return rc;
}

static json_t *descriptor(const char *media, const struct blob *b)
{
	return json_pack("{s:s, s:s, s:I}", "mediaType", media, "digest", b->digest, "size", (json_int_t)b->len);
}

/* Serialises j (taken) into a blob; sorted keys: the same image, the same
 * digest. */
static int json_blob(json_t *j, struct blob *b, bench_error *err)
{
	char *s;

	if (!j)
		return bench_fail(err, ENOMEM, "building the image's JSON");
	s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	if (!s)
		return bench_fail(err, ENOMEM, "json_dumps");
	b->data = (unsigned char *)s;
	b->len = strlen(s);
	blob_digest(b);
	return 0;
}

static int write_blob(struct archive *a, const struct blob *b, bench_error *err)
{
	char name[32 + OCI_DIGEST_LEN];

	snprintf(name, sizeof(name), "blobs/sha256/%s", b->digest + 7);
	return tar_add(a, name, AE_IFREG, 0644, b->data, b->len, err);
}

int oci_image_write(const char *agent_path, const char *agent_in_image, const char *ref, int out_fd,
		    struct oci_image *img, bench_error *err)
{
	struct blob agent = { 0 }, layer = { 0 }, config = { 0 }, manifest = { 0 }, index = { 0 };
	static const char layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
	struct archive *a = NULL;
	int rc = -1;

	if (read_agent(agent_path, &agent, err) < 0 || layer_build(&agent, agent_in_image, &layer, err) < 0)
		goto out;
	if (json_blob(json_pack("{s:s, s:s, s:{s:[s]}, s:{s:s, s:[s]}}", "architecture", "amd64", "os", "linux",
				"config", "Entrypoint", agent_in_image, "rootfs", "type", "layers", "diff_ids",
				layer.digest),
		      &config, err) < 0)
		goto out;
	if (json_blob(json_pack("{s:i, s:s, s:o, s:[o]}", "schemaVersion", 2, "mediaType", MEDIA_MANIFEST, "config",
				descriptor(MEDIA_CONFIG, &config), "layers", descriptor(MEDIA_LAYER, &layer)),
		      &manifest, err) < 0)
		goto out;
	/* Both names: containerd reads io.containerd.image.name, other tools
	 * the OCI one. */
	if (json_blob(json_pack("{s:i, s:[{s:s, s:s, s:I, s:{s:s, s:s}}]}", "schemaVersion", 2, "manifests",
				"mediaType", MEDIA_MANIFEST, "digest", manifest.digest, "size",
				(json_int_t)manifest.len, "annotations", "io.containerd.image.name", ref,
				"org.opencontainers.image.ref.name", ref),
		      &index, err) < 0)
		goto out;

	a = archive_write_new();
	if (!a) {
		bench_fail(err, ENOMEM, "archive_write_new");
		goto out;
	}
	if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK || archive_write_open_fd(a, out_fd) != ARCHIVE_OK) {
		bench_fail(err, 0, "image archive: %s", archive_error_string(a));
		goto out;
	}
	if (tar_add(a, "oci-layout", AE_IFREG, 0644, layout, strlen(layout), err) < 0 ||
	    tar_add(a, "index.json", AE_IFREG, 0644, index.data, index.len, err) < 0 ||
	    write_blob(a, &manifest, err) < 0 || write_blob(a, &config, err) < 0 || write_blob(a, &layer, err) < 0)
		goto out;
	if (archive_write_close(a) != ARCHIVE_OK) {
		bench_fail(err, 0, "image archive: %s", archive_error_string(a));
		goto out;
	}
	memcpy(img->manifest_digest, manifest.digest, sizeof(img->manifest_digest));
	memcpy(img->layer_digest, layer.digest, sizeof(img->layer_digest));
	memcpy(img->config_digest, config.digest, sizeof(img->config_digest));
	rc = 0;
out:
	if (a)
		archive_write_free(a);
	free(agent.data);
	free(layer.data);
	free(config.data);
	free(manifest.data);
	free(index.data);
	return rc;
}
