#include "host_leash.h"
#include "runner.h"

#include <string.h>
#include <unistd.h>

bool host_leash_layout(struct cg_layout *out)
{
	struct cg_layout found;
	bench_error ignored = { 0 };

	memset(out, 0, sizeof(*out));
	if (geteuid() != 0 || cg_detect(&found, &ignored) < 0 || !found.v2_mount[0])
		return false;
	out->version = 2;
	memcpy(out->v2_mount, found.v2_mount, sizeof(found.v2_mount));
	return true;
}

int host_leash_cleanup_stale(bool all, bench_error *err)
{
	struct cg_layout leash, found;
	bench_error ignored = { 0 };

	if (!host_leash_layout(&leash))
		return 0;
	/* Where the containers use the same v2 hierarchy, their cleanup
	 * covers these folders too. */
	if (cg_detect(&found, &ignored) == 0 && found.version == 2 &&
	    strcmp(found.v2_mount, leash.v2_mount) == 0)
		return 0;
	return cg_cleanup_stale(&leash, all, err);
}

int host_cleanup(bool all, struct runner_cleanup_counts *removed, bench_error *err)
{
	int n = host_leash_cleanup_stale(all, err);

	if (n < 0)
		return -1;
	runner_cleanup_add(removed, "cgroups", (unsigned)n);
	return 0;
}
