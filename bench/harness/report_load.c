/* Which results folders a report is made of, read back and checked. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report_model.h"

#define REPORT_FOLDERS_MAX 256

static bool has_results(const char *dir)
{
	char path[PATH_MAX + 16];
	struct stat st;

	snprintf(path, sizeof(path), "%s/results.json", dir);
	return stat(path, &st) == 0;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

void report_folder_describe(struct report_folder *f)
{
	/* A fleet's hosts may share a hostname: the label their run was
	 * given (bench run all --host-label) keeps them apart. */
	const char *label = json_string_value(json_object_get(f->res.meta, "host_label"));
	const char *host = label && *label ? label : json_string_value(json_object_get(f->res.meta, "hostname"));
	const char *started = json_string_value(json_object_get(f->res.meta, "started_utc"));

	f->host = host && *host ? host : "unknown host";
	f->started = started ? started : "";
}

static int add_folder(struct report_input *in, const char *dir, bench_error *err)
{
	struct report_folder *f;

	if (in->n == REPORT_FOLDERS_MAX)
		return bench_fail(err, 0, "report: more than %d results folders", REPORT_FOLDERS_MAX);
	if (strlen(dir) >= sizeof(in->f[0].dir))
		return bench_fail(err, ENAMETOOLONG, "report: %s", dir);
	f = &in->f[in->n];
	memset(f, 0, sizeof(*f));
	/* Absolute, so that the report can link its plots from anywhere. */
	if (!realpath(dir, f->dir))
		return bench_fail(err, errno, "report: %s", dir);
	if (results_load(&f->res, dir, err) < 0)
		return bench_error_prefix(err, "report: %s is not a readable results folder", dir);
	in->n++;
	report_folder_describe(f);
	return 0;
}

/* A results folder found under a root: its name (which sorts by time) and
 * its path. */
struct found {
	char *name, *path;
};

static int cmp_found(const void *a, const void *b)
{
	return strcmp(((const struct found *)a)->name, ((const struct found *)b)->name);
}

struct found_list {
	struct found *v;
	size_t n, cap;
};

static int found_add(struct found_list *l, const char *name, const char *path, bench_error *err)
{
	if (l->n == l->cap) {
		struct found *p = realloc(l->v, (l->cap = l->cap ? l->cap * 2 : 32) * sizeof(*p));

		if (!p)
			return bench_fail(err, ENOMEM, "report");
		l->v = p;
	}
	if (!l->v)
		return bench_fail(err, ENOMEM, "report");
	l->v[l->n].name = strdup(name);
	l->v[l->n].path = strdup(path);
	if (!l->v[l->n].name || !l->v[l->n].path) {
		free(l->v[l->n].name);
		free(l->v[l->n].path);
		return bench_fail(err, ENOMEM, "report");
	}
	l->n++;
	return 0;
}

/* The results folders directly in root and, one level down, in the suite
 * folders of `bench run all` (which hold results folders themselves). */
static int scan(struct found_list *l, const char *root, bool descend, bench_error *err)
{
	DIR *d = opendir(root);
	struct dirent *de;
	int rc = 0;

	if (!d)
		return bench_fail(err, errno, "report: %s", root);
	while (rc == 0 && (de = readdir(d)) != NULL) {
		char path[PATH_MAX];

		if (de->d_name[0] == '.' || strcmp(de->d_name, "latest") == 0)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", root, de->d_name) >= sizeof(path) || !is_dir(path))
			continue;
		if (has_results(path))
			rc = found_add(l, de->d_name, path, err);
		else if (descend)
			rc = scan(l, path, false, err);
	}
	closedir(d);
	return rc;
}

/* Is dir one of the folders already taken (results/latest beside the
 * folder it points at)? */
static bool taken(const struct report_input *in, const char *dir);

/* The newest folder of each benchmark under root (folder names sort by
 * time), by the "-<benchmark>" suffix of the name; "latest" is skipped. */
static int add_root(struct report_input *in, const char *root, bench_error *err)
{
	struct found_list l = { 0 };
	int rc, added = 0;

	rc = scan(&l, root, true, err);
	if (rc == 0 && l.n)
		qsort(l.v, l.n, sizeof(*l.v), cmp_found);
	/* Newest first; a benchmark already taken is skipped. */
	for (size_t i = l.n; rc == 0 && i-- > 0;) {
		const char *name = l.v[i].name, *dash = strrchr(name, '-');
		bool newer_seen = false;

		/* "...Z-startup" or "...Z-startup-2": the benchmark is the
		 * word after the time. */
		const char *z = strstr(name, "Z-");
		char bench[64];

		if (!dash)
			continue;
		snprintf(bench, sizeof(bench), "%s", z ? z + 2 : dash + 1);
		bench[strcspn(bench, "-")] = '\0';
		for (size_t k = i + 1; k < l.n; k++) {
			const char *z2 = strstr(l.v[k].name, "Z-");
			size_t blen = strlen(bench);

			if (z2 && strncmp(z2 + 2, bench, blen) == 0 && (z2[2 + blen] == '\0' || z2[2 + blen] == '-'))
				newer_seen = true;
		}
		if (!newer_seen) {
			added++;
			/* The same folder through another root (results/latest
			 * and the suite folder it points at) counts once. */
			if (!taken(in, l.v[i].path))
				rc = add_folder(in, l.v[i].path, err);
		}
	}
	for (size_t i = 0; i < l.n; i++) {
		free(l.v[i].name);
		free(l.v[i].path);
	}
	free(l.v);
	if (rc == 0 && added == 0)
		return bench_fail(err, 0, "report: %s holds no results.json and no results folders (run 'bench run startup' first)", root);
	return rc;
}

/* Adds "name (why)" to the list of what was skipped, shortened. */
static void skip(struct report_input *in, const char *name, const char *why)
{
	char shown[BENCH_SHORT_MAX];
	size_t len = strlen(in->skipped);

	if (len + 8 >= sizeof(in->skipped))
		return;
	snprintf(in->skipped + len, sizeof(in->skipped) - len, "%s%s (%s)", len ? ", " : "", bench_short(shown, name),
		 why);
	if (strlen(in->skipped) == sizeof(in->skipped) - 1)
		memcpy(in->skipped + sizeof(in->skipped) - 4, "...", 4);
}

static bool taken(const struct report_input *in, const char *dir)
{
	char real[PATH_MAX];

	if (!realpath(dir, real))
		return false;
	for (size_t i = 0; i < in->n; i++)
		if (strcmp(in->f[i].dir, real) == 0)
			return true;
	return false;
}

/* Does dir hold results folders (whose names end with a benchmark), or,
 * when descend, suite folders that hold them? */
static bool holds_results(const char *dir, bool descend)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	bool found = false;

	if (!d)
		return false;
	while (!found && (de = readdir(d)) != NULL) {
		char path[PATH_MAX];

		if (de->d_name[0] == '.' || strcmp(de->d_name, "latest") == 0)
			continue;
		found = (size_t)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) < sizeof(path) &&
			is_dir(path) && (has_results(path) || (descend && holds_results(path, false)));
	}
	closedir(d);
	return found;
}

int report_load(struct report_input *in, char *const *dirs, int ndirs, const char *default_root, bench_error *err)
{
	memset(in, 0, sizeof(*in));
	in->f = calloc(REPORT_FOLDERS_MAX, sizeof(*in->f));
	if (!in->f)
		return bench_fail(err, ENOMEM, "report");
	if (ndirs == 0) {
		if (add_root(in, default_root, err) < 0)
			goto fail;
		return 0;
	}
	for (int i = 0; i < ndirs; i++) {
		/* A results folder, or a folder holding them (another host's
		 * results/, say); anything else, as the shell's expansion of
		 * results/<star> also names results/README.md, is skipped. */
		int rc = 0;

		if (is_dir(dirs[i]) && has_results(dirs[i]) && taken(in, dirs[i]))
			skip(in, dirs[i], "already included");
		else if (is_dir(dirs[i]) && has_results(dirs[i]))
			rc = add_folder(in, dirs[i], err);
		else if (is_dir(dirs[i]) && holds_results(dirs[i], true))
			rc = add_root(in, dirs[i], err);
		else if (access(dirs[i], F_OK) != 0)
			rc = bench_fail(err, errno, "report: %s", dirs[i]);
		else
			skip(in, dirs[i], "not a results folder");
		if (rc < 0)
			goto fail;
	}
	if (in->n == 0) {
		bench_fail(err, 0, "report: none of the arguments is a results folder or a folder of them (skipped: %s)",
			   in->skipped);
		goto fail;
	}
	return 0;
fail:
	report_input_free(in);
	return -1;
}

void report_input_free(struct report_input *in)
{
	for (size_t i = 0; i < in->n; i++)
		results_free(&in->f[i].res);
	free(in->f);
	memset(in, 0, sizeof(*in));
}
