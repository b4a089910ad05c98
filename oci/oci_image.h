/* A local OCI image of the agent, built by bench itself (never pulled):
 * one uncompressed layer holding the agent and the empty mount points a
 * read-only root needs, its config and manifest, in an OCI image layout
 * archive (oci-layout, index.json, blobs/sha256/...) that `ctr image
 * import` takes.  The layer's files have fixed owners and times, so the
 * same agent always gives the same digests. */
#ifndef BENCH_OCI_IMAGE_H
#define BENCH_OCI_IMAGE_H

#include "../lib/error.h"

/* "sha256:" and 64 hex digits. */
#define OCI_DIGEST_LEN (7 + 64)

struct oci_image {
	char manifest_digest[OCI_DIGEST_LEN + 1];
	char layer_digest[OCI_DIGEST_LEN + 1];   /* also the layer's diff id */
	char config_digest[OCI_DIGEST_LEN + 1];
};

/* Writes the archive of an image named ref (a full reference such as
 * "bench.local/agent:<run id>"), whose layer holds agent_path at
 * agent_in_image, to out_fd, and fills *img.  0, or -1 with *err. */
int oci_image_write(const char *agent_path, const char *agent_in_image, const char *ref, int out_fd,
		    struct oci_image *img, bench_error *err);

#endif
