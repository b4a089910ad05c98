/* Which cgroup hierarchy holds which controller: parsed from mountinfo, so
 * that v1, v2 and hybrid hosts are told apart at run time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"

static const char *const controller_names[CG_NCONTROLLERS] = { "cpu", "cpuset", "memory", "pids" };

const char *cg_controller_name(enum cg_controller c)
{
	return c < CG_NCONTROLLERS ? controller_names[c] : "?";
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape_path(const char *in, size_t n, char *out, size_t outsz)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 1 < outsz; i++) {
		if (in[i] == '\\' && i + 3 < n && in[i + 1] >= '0' && in[i + 1] <= '3') {
			out[o++] = (char)((in[i + 1] - '0') * 64 + (in[i + 2] - '0') * 8 + (in[i + 3] - '0'));
			i += 3;
		} else {
			out[o++] = in[i];
		}
	}
	out[o] = '\0';
}

/* Mount options are comma-separated; cgroup.controllers is space-separated
 * and ends in a newline, which must end the last word like any separator. */
static bool is_list_separator(char c)
{
	return c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* True when the list holds word as a whole word. */
static bool list_has(const char *list, size_t n, const char *word)
{
	size_t wl = strlen(word);
	size_t i = 0;

	while (i < n) {
		size_t j = i;

		while (j < n && !is_list_separator(list[j]))
			j++;
		if (j - i == wl && memcmp(list + i, word, wl) == 0)
			return true;
		i = j + 1;
	}
	return false;
}

/* Splits one mountinfo line into its mount point, its root, the file
 * system type and the super-block options. */
static int split_line(const char *line, size_t len, char *mnt, size_t mntsz, const char **root, size_t *rootlen,
		      const char **fstype, size_t *fslen, const char **opts, size_t *optslen)
{
	const char *f[6];
	size_t fl[6];
	const char *p = line, *end = line + len, *sep;
	int i;

	for (i = 0; i < 5 && p < end; i++) {
		const char *sp = memchr(p, ' ', (size_t)(end - p));

		f[i] = p;
		fl[i] = sp ? (size_t)(sp - p) : (size_t)(end - p);
		p = sp ? sp + 1 : end;
	}
	if (i < 5)
		return -1;
	/* Optional fields follow the mount options, up to a lone "-". */
	sep = NULL;
	for (const char *q = p; q + 3 <= end; q++)
		if (memcmp(q, " - ", 3) == 0) {
			sep = q + 3;
			break;
		}
	if (!sep)
		return -1;
	*root = f[3];
	*rootlen = fl[3];
	unescape_path(f[4], fl[4], mnt, mntsz);
	*fstype = sep;
	{
		const char *sp = memchr(sep, ' ', (size_t)(end - sep));
		if (!sp)
			return -1;
		*fslen = (size_t)(sp - sep);
		sp = memchr(sp + 1, ' ', (size_t)(end - sp - 1)); /* skip the source */
		if (!sp)
			return -1;
		*opts = sp + 1;
		*optslen = (size_t)(end - sp - 1);
	}
	return 0;
}

int cg_layout_parse(const char *mountinfo, const char *v2_controllers, struct cg_layout *out, bench_error *err)
{
	const char *line = mountinfo;
	unsigned v1 = 0, v2 = 0;

	memset(out, 0, sizeof(*out));
	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char mnt[PATH_MAX];
		const char *root, *fstype, *opts;
		size_t rootlen, fslen, optslen;

		if (split_line(line, len, mnt, sizeof(mnt), &root, &rootlen, &fstype, &fslen, &opts, &optslen) == 0) {
			if (fslen == 7 && memcmp(fstype, "cgroup2", 7) == 0 && !out->v2_mount[0]) {
				snprintf(out->v2_mount, sizeof(out->v2_mount), "%s", mnt);
			} else if (fslen == 6 && memcmp(fstype, "cgroup", 6) == 0) {
				if (list_has(opts, optslen, "freezer") && !out->v1_freezer[0])
					snprintf(out->v1_freezer, sizeof(out->v1_freezer), "%s", mnt);
				for (int c = 0; c < CG_NCONTROLLERS; c++)
					if (list_has(opts, optslen, controller_names[c]) && !out->v1_mount[c][0]) {
						snprintf(out->v1_mount[c], sizeof(out->v1_mount[c]), "%s", mnt);
						v1 |= 1u << c;
					}
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	if (out->v2_mount[0] && v2_controllers)
		for (int c = 0; c < CG_NCONTROLLERS; c++)
			if (list_has(v2_controllers, strlen(v2_controllers), controller_names[c]))
				v2 |= 1u << c;
	/* A controller is in one hierarchy at a time: when v1 holds any of
	 * ours, v1 it is (hybrid hosts); else v2 if it is mounted. */
	if (v1) {
		out->version = 1;
		out->available = v1;
	} else if (out->v2_mount[0]) {
		out->version = 2;
		out->available = v2;
	} else {
		return bench_fail(err, 0, "no cgroup file system is mounted (neither v1 nor v2)");
	}
	return 0;
}

static char *read_text(const char *path, size_t max)
{
	FILE *f = fopen(path, "re");
	char *buf;
	size_t n;

	if (!f)
		return NULL;
	buf = malloc(max + 1);
	if (!buf) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, max, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

void cg_each_mount(void (*fn)(const char *mnt, void *arg), void *arg)
{
	char *mountinfo = read_text("/proc/self/mountinfo", 1 << 20);

	for (const char *line = mountinfo; line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char mnt[PATH_MAX];
		const char *root, *fstype, *opts;
		size_t rootlen, fslen, optslen;

		if (split_line(line, len, mnt, sizeof(mnt), &root, &rootlen, &fstype, &fslen, &opts, &optslen) == 0 &&
		    ((fslen == 6 && memcmp(fstype, "cgroup", 6) == 0) || (fslen == 7 && memcmp(fstype, "cgroup2", 7) == 0)))
			fn(mnt, arg);
		line = nl ? nl + 1 : NULL;
	}
	free(mountinfo);
}

int cg_detect(struct cg_layout *out, bench_error *err)
{
	char *mountinfo = read_text("/proc/self/mountinfo", 1 << 20);
	char *controllers = NULL;
	struct cg_layout probe;
	int rc;

	if (!mountinfo)
		return bench_fail(err, 0, "cannot read /proc/self/mountinfo");
	/* First pass finds the v2 mount; its controllers decide the rest. */
	rc = cg_layout_parse(mountinfo, NULL, &probe, err);
	if (rc == 0 && probe.v2_mount[0]) {
		char path[PATH_MAX + 32];

		snprintf(path, sizeof(path), "%s/cgroup.controllers", probe.v2_mount);
		controllers = read_text(path, 4096);
	}
	if (rc == 0)
		rc = cg_layout_parse(mountinfo, controllers ? controllers : "", out, err);
	free(mountinfo);
	free(controllers);
	return rc;
}

const char *cg_layout_describe(const struct cg_layout *l)
{
	if (l->version == 2)
		return "v2";
	if (l->version == 1 && l->v2_mount[0])
		return "v1 (hybrid: v2 mounted without controllers)";
	return l->version == 1 ? "v1" : "none";
}

const char *cg_detect_describe(void)
{
	struct cg_layout layout = { 0 };
	bench_error err;

	return cg_detect(&layout, &err) == 0 ? cg_layout_describe(&layout) : NULL;
}
