/* The one table of what a run's results are written to, and the check,
 * before measuring, that every destination can be written. */
#include "exporters.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int write_meta(const struct results *res, const char *path, bench_error *err)
{
	json_t *meta = res->meta ? json_incref(res->meta) : json_object();
	int rc;

	if (!meta)
		return bench_fail(err, ENOMEM, "saving meta.json");
	rc = results_dump_json(meta, path, err);
	json_decref(meta);
	return rc;
}

static const char *export_json(const struct run_options *o)
{
	return o->export_json;
}

static const char *export_csv(const struct run_options *o)
{
	return o->export_csv;
}

static const char *export_markdown(const struct run_options *o)
{
	return o->export_markdown;
}

const struct exporter exporters[] = {
	{ "meta.json", NULL, NULL, write_meta, false },
	{ "results.json", "--export-json", export_json, results_write_json, false },
	{ "samples.csv", "--export-csv", export_csv, results_write_csv, false },
	{ "summary.md", "--export-markdown", export_markdown, results_write_markdown, true },
	{ NULL, NULL, NULL, NULL, false },
};

/* A folder that can take new entries. */
static int writable_dir(const char *opt, const char *what, const char *dir, bench_error *err)
{
	char shown[BENCH_SHORT_MAX];
	struct stat st;

	if (stat(dir, &st) < 0)
		return bench_fail(err, errno, "%s: %s '%s'", opt, what, bench_short(shown, dir));
	if (!S_ISDIR(st.st_mode))
		return bench_fail(err, ENOTDIR, "%s: %s '%s'", opt, what, bench_short(shown, dir));
	if (access(dir, W_OK | X_OK) < 0)
		return bench_fail(err, errno, "%s: %s '%s'", opt, what, bench_short(shown, dir));
	return 0;
}

/* The folder part of path ("." when there is none), or -1 when it is too long. */
static int parent_of(const char *path, char *out, size_t outsz)
{
	const char *slash = strrchr(path, '/');
	size_t len;

	if (!slash)
		return snprintf(out, outsz, ".") < 0 ? -1 : 0;
	len = slash == path ? 1 : (size_t)(slash - path);
	if (len >= outsz)
		return -1;
	memcpy(out, path, len);
	out[len] = '\0';
	return 0;
}

/* The results folder is made with its missing parents: the nearest one
 * that exists must take new entries. */
static int check_out_dir(const char *out_dir, bench_error *err)
{
	char dir[PATH_MAX], shown[BENCH_SHORT_MAX];
	struct stat st;
	size_t len = strlen(out_dir);

	if (len == 0)
		return bench_fail_usage(err, "--out: the folder name is empty");
	if (len >= sizeof(dir))
		return bench_fail(err, ENAMETOOLONG, "--out '%s'", bench_short(shown, out_dir));
	memcpy(dir, out_dir, len + 1);
	while (stat(dir, &st) < 0) {
		char *slash;

		if (errno != ENOENT)
			return bench_fail(err, errno, "--out '%s'", bench_short(shown, dir));
		/* Trailing slashes name the same folder. */
		while (len > 1 && dir[len - 1] == '/')
			dir[--len] = '\0';
		slash = strrchr(dir, '/');
		if (!slash) {
			memcpy(dir, ".", 2);
		} else {
			slash[slash == dir ? 1 : 0] = '\0';
		}
		len = strlen(dir);
	}
	return writable_dir("--out", "folder", dir, err);
}

int exporters_check_dests(const struct run_options *o, bench_error *err)
{
	if (check_out_dir(o->out_dir, err) < 0)
		return -1;
	for (const struct exporter *x = exporters; x->write; x++) {
		const char *path = x->dest ? x->dest(o) : NULL;
		char dir[PATH_MAX], shown[BENCH_SHORT_MAX];
		struct stat st;

		if (!path)
			continue;
		if (!*path)
			return bench_fail_usage(err, "%s: the file name is empty", x->option);
		if (strlen(path) >= PATH_MAX || parent_of(path, dir, sizeof(dir)) < 0)
			return bench_fail(err, ENAMETOOLONG, "%s '%s'", x->option, bench_short(shown, path));
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			return bench_fail(err, EISDIR, "%s '%s'", x->option, bench_short(shown, path));
		if (writable_dir(x->option, "the folder of", dir, err) < 0)
			return -1;
	}
	return 0;
}
