/* What the integration tests share: skipping with a reason, the real agent,
 * and the checks that nothing was left behind. */
#ifndef BENCH_TEST_HELPERS_H
#define BENCH_TEST_HELPERS_H

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../container/cgroup.h"
#include "../vm/initramfs.h"
#include "../vm/kernel_cache.h"

#define SKIP_UNLESS_ROOT()                                                                      \
	do {                                                                                    \
		if (geteuid() != 0)                                                              \
			cr_skip_test("needs root (namespaces, cgroups and mounts)");             \
	} while (0)

/* The agent built by `make` (BENCH_AGENT, set by `make test`). */
static inline const char *test_agent(void)
{
	const char *a = getenv("BENCH_AGENT");

	if (!a || access(a, X_OK) != 0)
		cr_skip_test("BENCH_AGENT is not set to the built agent (run through 'make test')");
	return a;
}

/* A misbehaving workload from tests/fixtures, built by `make test`. */
static inline const char *test_fixture(const char *name, char *buf, size_t len)
{
	const char *dir = getenv("BENCH_FIXTURES");

	if (!dir)
		cr_skip_test("BENCH_FIXTURES is not set (run through 'make test')");
	snprintf(buf, len, "%s/%s", dir, name);
	if (access(buf, X_OK) != 0)
		cr_skip_test("fixture %s not built", buf);
	return buf;
}

/* Cgroup folders under dir, and one level below (a run's parent holds its
 * containers), whose names mention needle; each is told on stderr when tell. */
static inline int test_cgroup_leftovers(const char *dir, const char *needle, int depth, bool tell)
{
	char path[1024];
	struct dirent *de;
	int found = 0;
	DIR *d = opendir(dir);

	while (d && (de = readdir(d)) != NULL) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= sizeof(path))
			continue;
		if (strstr(de->d_name, needle)) {
			if (tell)
				fprintf(stderr, "left behind: cgroup %s\n", path);
			found++;
		} else if (depth > 0) {
			found += test_cgroup_leftovers(path, needle, depth - 1, tell);
		}
	}
	if (d)
		closedir(d);
	return found;
}

struct cgroup_leftovers {
	const char *needle;
	bool tell;
	int found;
};

static inline void cgroup_leftovers_in(const char *mnt, void *arg)
{
	struct cgroup_leftovers *c = arg;

	c->found += test_cgroup_leftovers(mnt, c->needle, 1, c->tell);
}

/* How many cgroup folders, mounts and run folders mention needle; each
 * one is told on stderr when tell. */
static inline int test_leftovers_told(const char *needle, bool tell)
{
	struct cgroup_leftovers c = { needle, tell, 0 };
	char line[4096];
	int found;
	FILE *f;

	/* Every cgroup hierarchy, named ones too (runc makes a container's
	 * cgroup in name=systemd on a hybrid host), two levels down: bench.slice
	 * and the runtimes' parents (bench-containerd) hold the run's. */
	cg_each_mount(cgroup_leftovers_in, &c);
	found = c.found;
	f = fopen("/proc/self/mountinfo", "re");
	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, needle)) {
			if (tell)
				fprintf(stderr, "left behind: mount %s", line);
			found++;
		}
	if (f)
		fclose(f);
	{
		DIR *d = opendir("/run/bench");
		struct dirent *de;

		while (d && (de = readdir(d)) != NULL)
			if (strstr(de->d_name, needle)) {
				if (tell)
					fprintf(stderr, "left behind: /run/bench/%s\n", de->d_name);
				found++;
			}
		if (d)
			closedir(d);
	}
	return found;
}

static inline int test_leftovers(const char *needle)
{
	return test_leftovers_told(needle, true);
}

static inline void test_virt_silent(void *opaque, virErrorPtr e)
{
	(void)opaque;
	(void)e;
}

/* Skips the test, saying why ("who: ..."), unless a guest can really be
 * booted here: root, the agent, a cached kernel, a reachable libvirtd. */
static inline void test_need_guest(const char *who)
{
	struct guest_kernel k;
	bench_error err = { 0 };
	virConnectPtr c;
	const char *agent = getenv("BENCH_AGENT");

	if (geteuid() != 0)
		cr_skip_test("%s: needs root (qemu:///system)", who);
	if (!agent || access(agent, X_OK) != 0)
		cr_skip_test("%s: BENCH_AGENT is not set to the agent binary (run through 'make test')", who);
	if (kernel_cache_find(vm_cache_dir(), &k, &err) != 0)
		cr_skip_test("%s: %s", who, err.msg);
	virSetErrorFunc(NULL, test_virt_silent);
	c = virConnectOpen("qemu:///system");
	if (!c)
		cr_skip_test("%s: libvirtd not reachable: %s", who, virGetLastErrorMessage());
	virConnectClose(c);
}

/* How many libvirt domains (qemu:///system) have needle in their name; 0
 * where libvirtd cannot be reached (then no run made one either). */
static inline int test_leftover_domains(const char *needle, bool tell)
{
	virConnectPtr c;
	virDomainPtr *doms = NULL;
	int n, found = 0;

	virSetErrorFunc(NULL, test_virt_silent);
	c = virConnectOpen("qemu:///system");
	if (!c)
		return 0;
	n = virConnectListAllDomains(c, &doms, 0);
	for (int i = 0; i < n; i++) {
		const char *name = virDomainGetName(doms[i]);

		if (name && strstr(name, needle)) {
			if (tell)
				fprintf(stderr, "left behind: libvirt domain %s\n", name);
			found++;
		}
		virDomainFree(doms[i]);
	}
	free(doms);
	virConnectClose(c);
	return found;
}

/* The first len bytes of a /proc file, NULs turned into spaces. */
static inline void test_proc_text(const char *pid, const char *file, char *buf, size_t len)
{
	char path[300];
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/%s", pid, file);
	f = fopen(path, "re");
	if (f) {
		n = fread(buf, 1, len - 1, f);
		fclose(f);
	}
	for (size_t i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	buf[n] = '\0';
}

/* Live processes of a run: a command line (QEMU's -name) or a cgroup (the
 * agents of the host and container runners) that mentions needle, or, when
 * agent is given, the agent itself (a host agent without a cgroup).
 * Zombies are not counted: they are gone but for their exit status. */
static inline int test_leftover_processes(const char *needle, const char *agent, bool tell)
{
	char agent_real[PATH_MAX] = "", exe[PATH_MAX], text[8192];
	DIR *d = opendir("/proc");
	struct dirent *de;
	int found = 0;

	if (agent && !realpath(agent, agent_real))
		agent_real[0] = '\0';
	while (d && (de = readdir(d)) != NULL) {
		ssize_t n;
		const char *state;
		bool ours;

		if (strspn(de->d_name, "0123456789") != strlen(de->d_name) || atoi(de->d_name) == getpid())
			continue;
		test_proc_text(de->d_name, "stat", text, sizeof(text));
		state = strrchr(text, ')');
		if (!state || state[1] == '\0' || state[2] == 'Z')
			continue;
		test_proc_text(de->d_name, "cmdline", text, sizeof(text));
		ours = strstr(text, needle) != NULL;
		if (!ours) {
			test_proc_text(de->d_name, "cgroup", text, sizeof(text));
			ours = strstr(text, needle) != NULL;
		}
		if (!ours && agent_real[0]) {
			snprintf(exe, sizeof(exe), "/proc/%s/exe", de->d_name);
			n = readlink(exe, text, sizeof(text) - 1);
			text[n > 0 ? n : 0] = '\0';
			ours = strcmp(text, agent_real) == 0;
		}
		if (ours) {
			test_proc_text(de->d_name, "cmdline", text, sizeof(text));
			if (tell)
				fprintf(stderr, "left behind: process %s: %.200s\n", de->d_name, text);
			found++;
		}
	}
	if (d)
		closedir(d);
	return found;
}

/* Scratch entries of a run in /tmp and $TMPDIR (the vm runner's console
 * socket folders): names that begin with needle. */
static inline int test_leftover_scratch(const char *needle, bool tell)
{
	const char *tmp = getenv("TMPDIR");
	const char *dirs[] = { "/tmp", tmp && *tmp && strcmp(tmp, "/tmp") != 0 ? tmp : NULL };
	int found = 0;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		DIR *d = dirs[i] ? opendir(dirs[i]) : NULL;
		struct dirent *de;

		while (d && (de = readdir(d)) != NULL)
			if (strncmp(de->d_name, needle, strlen(needle)) == 0) {
				if (tell)
					fprintf(stderr, "left behind: %s/%s\n", dirs[i], de->d_name);
				found++;
			}
		if (d)
			closedir(d);
	}
	return found;
}

/* Everything above: cgroups, mounts, run folders, domains, processes and
 * scratch files of the run named by needle ("bench-<pid>-"). */
static inline int test_leftovers_of_run(const char *needle, const char *agent, bool tell)
{
	return test_leftovers_told(needle, tell) + test_leftover_domains(needle, tell) +
	       test_leftover_processes(needle, agent, tell) + test_leftover_scratch(needle, tell);
}

/* A whole file, NUL-terminated, malloc'd (the test fails if it cannot be
 * read); its length in *len when len is not NULL. */
static inline char *test_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	cr_assert_not_null(f, "%s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	cr_assert_geq(n, 0, "%s", path);
	buf = malloc((size_t)n + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n, "%s", path);
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = (size_t)n;
	return buf;
}

static inline bool test_pid_gone(pid_t pid)
{
	return pid > 0 && kill(pid, 0) != 0 && errno == ESRCH;
}

#endif
