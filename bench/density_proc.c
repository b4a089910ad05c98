/* What an instance costs the host, read from /proc: the memory of its
 * processes (smaps_rollup), and how many processes and threads it has.
 *
 * A container's processes name themselves (comm), so /proc/PID/stat is
 * parsed as untrusted text. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "density.h"

#define PROC_TEXT_MAX 8192

/* The number after "Key:" at the start of a line, in kB. */
static int line_kib(const char *line, const char *key, uint64_t *out)
{
	size_t klen = strlen(key);
	char *end;
	unsigned long long v;

	if (strncmp(line, key, klen) != 0 || line[klen] != ':')
		return 0;
	line += klen + 1;
	while (*line == ' ' || *line == '\t')
		line++;
	if (!isdigit((unsigned char)*line))
		return 0;
	errno = 0;
	v = strtoull(line, &end, 10);
	if (errno || strncmp(end, " kB", 3) != 0)
		return 0;
	*out = v;
	return 1;
}

int density_parse_smaps(const char *text, struct proc_mem *out, bench_error *err)
{
	bool rss = false, pss = false;

	out->rss_kib = out->pss_kib = 0;
	for (const char *line = text; line && *line;) {
		const char *nl = strchr(line, '\n');
		uint64_t v;

		if (line_kib(line, "Rss", &v)) {
			out->rss_kib += v;
			rss = true;
		} else if (line_kib(line, "Pss", &v)) {
			out->pss_kib += v;
			pss = true;
		}
		line = nl ? nl + 1 : NULL;
	}
	if (!rss || !pss)
		return bench_fail(err, 0, "smaps: no Rss or Pss line");
	return 0;
}

int density_parse_stat(const char *text, pid_t *ppid, unsigned *threads, bench_error *err)
{
	/* pid (comm) state ppid pgrp session tty_nr tpgid flags minflt
	 * cminflt majflt cmajflt utime stime cutime cstime priority nice
	 * num_threads ...: after ')' come state (field 3) ... num_threads
	 * (field 20). */
	const char *p = strrchr(text, ')');
	long long v[18];
	char state;

	if (!p || sscanf(p + 1, " %c %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld",
			 &state, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9], &v[10], &v[11],
			 &v[12], &v[13], &v[14], &v[15], &v[16]) != 18)
		return bench_fail(err, 0, "/proc stat line: malformed");
	if (v[0] < 0 || v[16] < 1 || v[16] > 1000000)
		return bench_fail(err, 0, "/proc stat line: implausible ppid or thread count");
	*ppid = (pid_t)v[0];
	*threads = (unsigned)v[16];
	return 0;
}

/* Reads a small /proc file whole; -1 with errno (ENOENT: the process is gone). */
static int read_text(const char *path, char *buf, size_t sz)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, sz - 1, f);
	buf[n] = '\0';
	fclose(f);
	return 0;
}

int proc_table_load(struct proc_table *t, bench_error *err)
{
	DIR *d = opendir("/proc");
	struct dirent *de;

	memset(t, 0, sizeof(*t));
	if (!d)
		return bench_fail(err, errno, "/proc");
	while ((de = readdir(d)) != NULL) {
		char path[64], text[1024];
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		pid_t ppid = 0;
		unsigned threads = 0;
		bench_error ignored;

		if (*end || pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
		/* A process that ended meanwhile, or a line we cannot read,
		 * is simply not in the table. */
		if (read_text(path, text, sizeof(text)) < 0 ||
		    density_parse_stat(text, &ppid, &threads, &ignored) < 0)
			continue;
		if (t->n == t->cap) {
			size_t cap = t->cap ? t->cap * 2 : 512;
			pid_t *p1 = realloc(t->pid, cap * sizeof(*p1));
			pid_t *p2 = p1 ? realloc(t->ppid, cap * sizeof(*p2)) : NULL;
			unsigned *p3 = p2 ? realloc(t->threads, cap * sizeof(*p3)) : NULL;

			if (p1)
				t->pid = p1;
			if (p2)
				t->ppid = p2;
			if (!p3) {
				closedir(d);
				proc_table_free(t);
				return bench_fail(err, ENOMEM, "reading /proc");
			}
			t->threads = p3;
			t->cap = cap;
		}
		t->pid[t->n] = (pid_t)pid;
		t->ppid[t->n] = ppid;
		t->threads[t->n] = threads;
		t->n++;
	}
	closedir(d);
	return 0;
}

void proc_table_free(struct proc_table *t)
{
	free(t->pid);
	free(t->ppid);
	free(t->threads);
	memset(t, 0, sizeof(*t));
}

/* Is pid root or below it?  Walks up the parents, bounded by the table's
 * size so that a cycle (pid reuse between reads) cannot loop. */
static bool in_tree(const struct proc_table *t, size_t i, pid_t root)
{
	pid_t pid = t->pid[i];

	for (size_t hops = 0; hops <= t->n; hops++) {
		pid_t parent = 0;

		if (pid == root)
			return true;
		for (size_t k = 0; k < t->n; k++)
			if (t->pid[k] == pid) {
				parent = t->ppid[k];
				break;
			}
		if (parent <= 1)
			return false;
		pid = parent;
	}
	return false;
}

int proc_tree_usage(const struct proc_table *t, pid_t root, struct proc_usage *out, bench_error *err)
{
	memset(out, 0, sizeof(*out));
	if (root <= 0)
		return bench_fail(err, 0, "the instance has no process on the host to measure");
	for (size_t i = 0; i < t->n; i++) {
		char path[64];
		char *text;
		struct proc_mem m;

		if (!in_tree(t, i, root))
			continue;
		text = malloc(PROC_TEXT_MAX);
		if (!text)
			return bench_fail(err, ENOMEM, "reading /proc");
		snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int)t->pid[i]);
		if (read_text(path, text, PROC_TEXT_MAX) < 0) {
			int e = errno;

			free(text);
			if (e == ENOENT || e == ESRCH)
				continue; /* ended since the table was read */
			return bench_fail(err, e, "%s", path);
		}
		if (density_parse_smaps(text, &m, err) < 0) {
			free(text);
			return bench_error_prefix(err, "%s", path);
		}
		free(text);
		out->mem.rss_kib += m.rss_kib;
		out->mem.pss_kib += m.pss_kib;
		out->processes++;
		out->threads += t->threads[i];
	}
	if (out->processes == 0)
		return bench_fail(err, 0, "process %d is gone: nothing to measure", (int)root);
	return 0;
}

int density_mem_available_kib(uint64_t *out, bench_error *err)
{
	char text[4096];
	const char *p;
	unsigned long long kib;

	if (read_text("/proc/meminfo", text, sizeof(text)) < 0)
		return bench_fail(err, errno, "/proc/meminfo");
	p = strstr(text, "MemAvailable:");
	if (!p || sscanf(p, "MemAvailable: %llu kB", &kib) != 1)
		return bench_fail(err, 0, "/proc/meminfo: no MemAvailable");
	*out = kib;
	return 0;
}
