/* What the host sees of a workload in its own /proc: the workload's
 * processes and threads, and whether their environment, memory maps and
 * open files can be read.  A container's processes are all there, with
 * host PIDs (those in its PID namespace); of a VM the host sees only the
 * QEMU process, never the guest's processes. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "isolation.h"

static bool ns_of(pid_t pid, char *out, size_t outsz)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
	n = readlink(path, out, outsz - 1);
	if (n <= 0)
		return false;
	out[n] = '\0';
	return true;
}

static int count_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static bool can_read(pid_t pid, const char *file)
{
	char path[64], c;
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, &c, 1);
	close(fd);
	return n >= 0;
}

static void add_process(struct iso_hostview *hv, pid_t pid)
{
	char path[64];
	int n;

	hv->processes++;
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	n = count_entries(path);
	hv->threads += n > 0 ? n : 1;
	hv->environ_readable += can_read(pid, "environ");
	hv->maps_readable += can_read(pid, "maps");
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	n = count_entries(path);
	if (n >= 0) {
		hv->fds_readable++;
		hv->fds += n;
	}
}

int iso_hostview_collect(const char *runner, pid_t host_pid, struct iso_hostview *hv, bench_error *err)
{
	const struct runner_ops *ops;
	char want[64], have[64];
	DIR *d;
	struct dirent *de;

	memset(hv, 0, sizeof(*hv));
	if (host_pid <= 0)
		return bench_fail(err, 0, "isolation: %s: no host pid for the workload", runner);
	ops = runner_find(runner);
	/* Only a workload behind namespaces has processes of its own the host
	 * can list; a guest is one QEMU process to the host. */
	if (!runner_has(ops, RUNNER_CAP_NAMESPACES)) {
		snprintf(hv->what, sizeof(hv->what), "%s",
			 runner_has(ops, RUNNER_CAP_GUEST_KERNEL)  ? "the QEMU process only"
			 : runner_has(ops, RUNNER_CAP_USER_KERNEL) ? "the gVisor sandbox process only"
								   : "the agent process");
		add_process(hv, host_pid);
		return 0;
	}
	snprintf(hv->what, sizeof(hv->what), "every process in its PID namespace");
	if (!ns_of(host_pid, want, sizeof(want)))
		return bench_fail(err, errno, "isolation: the container's PID namespace");
	d = opendir("/proc");
	if (!d)
		return bench_fail(err, errno, "isolation: /proc");
	while ((de = readdir(d)) != NULL) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);

		if (*end || pid <= 0)
			continue;
		if (ns_of((pid_t)pid, have, sizeof(have)) && strcmp(have, want) == 0)
			add_process(hv, (pid_t)pid);
	}
	closedir(d);
	return 0;
}
