/* Collecting the run's metadata (meta.h). */
#include "meta.h"

#include <errno.h>
#include <hwloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "../../lib/sha256_file.h"

#ifndef BENCH_GIT_REV
#define BENCH_GIT_REV "unknown"
#endif

/* json_object_set_new that remembers a failure instead of checking each. */
static void set(json_t *obj, const char *key, json_t *value, int *failed)
{
	if (!value || json_object_set_new(obj, key, value) < 0)
		*failed = 1;
}

/* A JSON string even from bytes that are not UTF-8 (a hostname, an
 * argument): those bytes become '?'.  NULL only without memory. */
static json_t *text(const char *s)
{
	json_t *j = json_string(s);
	char *copy;

	if (j || !s)
		return j;
	copy = strdup(s);
	if (!copy)
		return NULL;
	for (char *p = copy; *p; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	j = json_string(copy);
	free(copy);
	return j;
}

static json_t *string_or_null(const char *s)
{
	return s ? text(s) : json_null();
}

/* The first "model name" of /proc/cpuinfo, trimmed; "unknown" without. */
static void cpu_model(char *out, size_t sz)
{
	char line[512];
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(out, sz, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) != 0 || !colon)
			continue;
		colon += 1 + strspn(colon + 1, " \t");
		colon[strcspn(colon, "\n")] = '\0';
		snprintf(out, sz, "%s", colon);
		break;
	}
	fclose(f);
}

static long mem_total_mib(void)
{
	char line[256];
	long kib = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemTotal: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib < 0 ? -1 : kib / 1024;
}

static const char *plural(int n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* hwloc's view of the machine; null when hwloc cannot load it (the rest of
 * the metadata is still worth having). */
static json_t *topology(void)
{
	hwloc_topology_t topo;
	int packages, cores, pus, numa;
	char summary[128];

	if (hwloc_topology_init(&topo) < 0)
		return json_null();
	if (hwloc_topology_load(topo) < 0) {
		hwloc_topology_destroy(topo);
		return json_null();
	}
	packages = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PACKAGE);
	cores = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
	pus = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
	numa = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE);
	hwloc_topology_destroy(topo);
	snprintf(summary, sizeof(summary), "%d %s, %d %s, %d %s", packages,
		 plural(packages, "package", "packages"), cores, plural(cores, "core", "cores"), pus,
		 plural(pus, "PU", "PUs"));
	return json_pack("{s:i, s:i, s:i, s:i, s:s}", "packages", packages, "cores", cores, "pus",
			 pus, "numa_nodes", numa, "summary", summary);
}

static int needs_quotes(const char *s)
{
	return *s == '\0' || strpbrk(s, " \t\n'\"\\$`") != NULL;
}

char *meta_command_line(int argc, char **argv)
{
	size_t len = 1;
	char *out, *p;

	for (int i = 0; i < argc; i++)
		len += 4 * strlen(argv[i]) + 3; /* worst case: every byte a quote */
	out = malloc(len);
	if (!out)
		return NULL;
	p = out;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (i)
			*p++ = ' ';
		if (!needs_quotes(a)) {
			p = stpcpy(p, a);
			continue;
		}
		/* '...' with each ' written as '\'' */
		*p++ = '\'';
		for (; *a; a++) {
			if (*a == '\'')
				p = stpcpy(p, "'\\''");
			else
				*p++ = *a;
		}
		*p++ = '\'';
	}
	*p = '\0';
	return out;
}

int meta_collect(json_t *meta, int argc, char **argv, const char *agent_path,
		 const char *cgroup_version, bench_error *err)
{
	char host[256] = "unknown", kernel[2 * sizeof(((struct utsname *)0)->release) + 2];
	char model[256], started[32], hash[65];
	struct utsname u;
	time_t now = time(NULL);
	struct tm tm;
	char *cmd;
	long online = sysconf(_SC_NPROCESSORS_ONLN), mib = mem_total_mib();
	int failed = 0;

	if (!json_is_object(meta))
		return bench_fail(err, 0, "metadata: not a JSON object");
	if (gethostname(host, sizeof(host)) < 0)
		snprintf(host, sizeof(host), "unknown");
	host[sizeof(host) - 1] = '\0';
	if (uname(&u) < 0)
		return bench_fail(err, errno, "uname");
	snprintf(kernel, sizeof(kernel), "%s %s", u.release, u.version);
	cpu_model(model, sizeof(model));
	if (!gmtime_r(&now, &tm) || strftime(started, sizeof(started), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(started, sizeof(started), "unknown");

	set(meta, "hostname", text(host), &failed);
	set(meta, "kernel", text(kernel), &failed);
	set(meta, "arch", text(u.machine), &failed);
	set(meta, "cpu_model", text(model), &failed);
	set(meta, "topology", topology(), &failed);
	set(meta, "online_cpus", online > 0 ? json_integer(online) : json_null(), &failed);
	set(meta, "mem_total_mib", mib >= 0 ? json_integer(mib) : json_null(), &failed);
	set(meta, "cgroup_version", string_or_null(cgroup_version), &failed);
	set(meta, "agent_path", string_or_null(agent_path), &failed);
	if (agent_path) {
		if (sha256_file_hex(agent_path, hash, err) < 0)
			return bench_error_prefix(err, "hashing the agent");
		set(meta, "agent_sha256", json_string(hash), &failed);
	} else {
		set(meta, "agent_sha256", json_null(), &failed);
	}
	set(meta, "git_revision", json_string(BENCH_GIT_REV), &failed);
	cmd = meta_command_line(argc, argv);
	set(meta, "command_line", cmd ? text(cmd) : NULL, &failed);
	free(cmd);
	set(meta, "started_utc", json_string(started), &failed);
	set(meta, "bench_version", json_string(BENCH_VERSION), &failed);
	if (failed)
		return bench_fail(err, ENOMEM, "collecting the metadata");
	return 0;
}
