/* `bench cleanup` and `bench doctor` for the OCI CLI runtimes
 * (oci_cli_runner.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../container/cgroup.h"
#include "../lib/clock.h"
#include "../lib/process_sweep.h"
#include "../lib/run_id.h"
#include "../oci/oci_spec.h"
#include "oci_cli_exec.h"
#include "oci_cli_paths.h"
#include "oci_cli_runner.h"

static const char *base_dir(void)
{
	const char *b = getenv("BENCH_RUN_DIR");

	return b && *b ? b : "/run/bench";
}

static bool find_binary(const char *name, char *out, size_t outsz)
{
	const char *path = getenv("PATH");
	char dirs[4096];

	snprintf(dirs, sizeof(dirs), "%s", path && *path ? path : "/usr/sbin:/usr/bin:/sbin:/bin");
	for (char *save = NULL, *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save))
		if ((size_t)snprintf(out, outsz, "%s/%s", d, name) < outsz && access(out, X_OK) == 0)
			return true;
	return false;
}

/* A container id bench made: "bench-" and then [0-9a-f-] only. */
static bool is_bench_id(const char *s)
{
	if (strncmp(s, RUN_ID_PREFIX, strlen(RUN_ID_PREFIX)) != 0 || strlen(s) > 60)
		return false;
	for (const char *p = s + strlen(RUN_ID_PREFIX); *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') || *p == '-'))
			return false;
	return true;
}

/* `<runtime> --root <state> delete --force <id>`: kills what runs in it and
 * removes the runtime's own state and cgroups. */
static bool delete_container(const struct oci_cli_runtime *rt, const char *bin, int mntns, const char *state,
			     const char *id)
{
	struct oci_cmd c = { 0 };
	bench_error ignored = { 0 };
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC), status = -1;

	if (devnull < 0)
		return false;
	c.stdin_fd = c.stdout_fd = c.stderr_fd = devnull;
	c.mntns_fd = mntns;
	oci_cmd_arg(&c, bin);
	oci_cmd_arg(&c, "--root");
	oci_cmd_arg(&c, state);
	oci_cmd_arg(&c, "delete");
	oci_cmd_arg(&c, "--force");
	oci_cmd_arg(&c, id);
	(void)rt;
	(void)oci_cmd_run(&c, clock_now_ns() + 20000000000ull, &status, &ignored);
	close(devnull);
	return status == 0;
}

static unsigned clean_run_folder(const struct oci_cli_runtime *rt, const char *bin, int mntns, const char *dir)
{
	char state[PATH_MAX + 320], bundles[PATH_MAX + 320];
	struct dirent *de;
	unsigned n = 0;
	DIR *d;

	snprintf(state, sizeof(state), "%s/state", dir);
	snprintf(bundles, sizeof(bundles), "%s/bundles", dir);
	d = opendir(bundles);
	while (d && (de = readdir(d)) != NULL) {
		if (!is_bench_id(de->d_name))
			continue;
		if (bin[0])
			n += delete_container(rt, bin, mntns, state, de->d_name);
		oci_cli_cgroup_remove(rt->name, de->d_name);
	}
	if (d)
		closedir(d);
	/* A sandbox whose create a SIGKILL cut off is one the runtime's delete
	 * no longer knows; its processes still name the run's folder. */
	{
		char needle[PATH_MAX + 320];

		snprintf(needle, sizeof(needle), "%s/", dir);
		process_sweep(needle);
	}
	oci_tree_remove(dir);
	return n;
}

int oci_cli_cleanup(const struct oci_cli_runtime *rt, bool all, struct runner_cleanup_counts *removed,
		    bench_error *err)
{
	char prefix[64], bin[PATH_MAX] = "", dir[PATH_MAX + 300];
	int mntns = -1;
	struct cg_layout layout;
	bench_error ignored = { 0 };
	unsigned containers = 0, folders = 0, cgroups = 0;
	struct dirent *de;
	DIR *d = opendir(base_dir());

	(void)err;
	if (!d)
		return 0;
	memset(&layout, 0, sizeof(layout));
	if (cg_detect(&layout, &ignored) == 0 && layout.version == 1 && layout.v2_mount[0] && rt->hide_unified_on_hybrid)
		mntns = oci_private_mntns(layout.v2_mount, &ignored);
	if (!find_binary(rt->binary, bin, sizeof(bin)))
		bin[0] = '\0';
	oci_cli_folder_prefix(rt->name, prefix, sizeof(prefix));
	while ((de = readdir(d)) != NULL) {
		struct stat st;

		if (strncmp(de->d_name, prefix, strlen(prefix)) != 0)
			continue;
		if (!all && run_id_owner_alive(de->d_name + strlen(prefix)))
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", base_dir(), de->d_name);
		if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
			continue;
		containers += clean_run_folder(rt, bin, mntns, dir);
		folders++;
	}
	closedir(d);
	if (mntns >= 0)
		close(mntns);
	rmdir(base_dir()); /* only when no other run uses it */
	cgroups = oci_cli_cgroup_remove_dead(rt->name, all);
	oci_cli_cgroup_remove(rt->name, NULL);
	runner_cleanup_add(removed, "containers", containers);
	runner_cleanup_add(removed, "cgroups", cgroups);
	runner_cleanup_add(removed, "run folders", folders);
	return 0;
}

void oci_cli_doctor_binary(const void *arg, struct runner_check_result *res)
{
	const struct oci_cli_runtime *rt = arg;
	char bin[PATH_MAX];

	if (!find_binary(rt->binary, bin, sizeof(bin))) {
		runner_check_set(res, RUNNER_CHECK_FAIL, "%s is not installed (package %s)", rt->binary, rt->package);
		runner_check_fix(res, "apt-get install -y %s", rt->package);
		return;
	}
	runner_check_set(res, RUNNER_CHECK_OK, "%s", bin);
}
