/* What the integration tests share: skipping with a reason, the real agent,
 * and the checks that nothing was left behind. */
#ifndef BENCH_TEST_HELPERS_H
#define BENCH_TEST_HELPERS_H

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
 * containers), whose names mention needle; each is told on stderr. */
static inline int test_cgroup_leftovers(const char *dir, const char *needle, int depth)
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
			fprintf(stderr, "left behind: cgroup %s\n", path);
			found++;
		} else if (depth > 0) {
			found += test_cgroup_leftovers(path, needle, depth - 1);
		}
	}
	if (d)
		closedir(d);
	return found;
}

/* How many cgroup folders, mounts and run folders mention needle. */
static inline int test_leftovers(const char *needle)
{
	static const char *const hierarchies[] = { "cpu", "cpuset", "memory", "pids", "freezer", "unified", "" };
	char path[512], line[4096];
	int found = 0;
	FILE *f;

	for (size_t i = 0; i < sizeof(hierarchies) / sizeof(hierarchies[0]); i++) {
		snprintf(path, sizeof(path), "/sys/fs/cgroup/%s/bench.slice", hierarchies[i]);
		found += test_cgroup_leftovers(path, needle, 1);
	}
	f = fopen("/proc/self/mountinfo", "re");
	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, needle)) {
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
				fprintf(stderr, "left behind: /run/bench/%s\n", de->d_name);
				found++;
			}
		if (d)
			closedir(d);
	}
	return found;
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
