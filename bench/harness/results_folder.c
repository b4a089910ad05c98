/* The results folder of a run: <root>/<UTC time>-<benchmark>/, the
 * <root>/latest link to it, and everything saved into it. */
#include "results.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "exporters.h"
#include "plot.h"

/* Gives up on suffixes after this: something else is wrong. */
#define MAX_SUFFIX 1000

/* mkdir -p: every missing component of path, mode 0755. */
static int mkdir_p(const char *path, bench_error *err)
{
	char buf[4096], shown[BENCH_SHORT_MAX];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(buf))
		return bench_fail(err, ENAMETOOLONG, "results folder '%s'", bench_short(shown, path));
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;

		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return bench_fail(err, errno, "creating %s", buf);
		*p = saved;
		if (saved == '\0')
			break;
	}
	{
		struct stat st;

		if (stat(path, &st) < 0)
			return bench_fail(err, errno, "%s", path);
		if (!S_ISDIR(st.st_mode))
			return bench_fail(err, ENOTDIR, "%s", path);
	}
	return 0;
}

/* Points <root>/latest at name (relative, so the tree can move) without a
 * moment in which it is missing: a new link under a temporary name is
 * renamed over the old one. */
static int point_latest(const char *root, const char *name, bench_error *err)
{
	char tmp[4096], latest[4096], shown[BENCH_SHORT_MAX];

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.latest.%ld", root, (long)getpid()) >= sizeof(tmp) ||
	    (size_t)snprintf(latest, sizeof(latest), "%s/latest", root) >= sizeof(latest))
		return bench_fail(err, ENAMETOOLONG, "%s/latest", bench_short(shown, root));
	unlink(tmp); /* left by a crash of an earlier process with our pid */
	if (symlink(name, tmp) < 0)
		return bench_fail(err, errno, "creating %s", tmp);
	if (rename(tmp, latest) < 0) {
		int e = errno;

		unlink(tmp);
		return bench_fail(err, e, "replacing %s (a real folder in the way?)", latest);
	}
	return 0;
}

int results_folder_create(const char *root, const char *benchmark, char *dir, size_t dirsz,
			  bench_error *err)
{
	char stamp[32], name[128], shown[BENCH_SHORT_MAX];
	struct tm tm;
	time_t now = time(NULL);

	if (!gmtime_r(&now, &tm) || strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H-%M-%SZ", &tm) == 0)
		return bench_fail(err, 0, "formatting the current time");
	if (strchr(benchmark, '/') || !*benchmark)
		return bench_fail(err, 0, "benchmark name '%s' cannot name a folder", benchmark);
	if (mkdir_p(root, err) < 0)
		return -1;
	for (int i = 1; i <= MAX_SUFFIX; i++) {
		int n = i == 1 ? snprintf(name, sizeof(name), "%s-%s", stamp, benchmark)
			       : snprintf(name, sizeof(name), "%s-%s-%d", stamp, benchmark, i);

		if (n < 0 || (size_t)n >= sizeof(name))
			return bench_fail(err, ENAMETOOLONG, "results folder for %s", benchmark);
		n = snprintf(dir, dirsz, "%s/%s", root, name);
		if (n < 0 || (size_t)n >= dirsz)
			return bench_fail(err, ENAMETOOLONG, "%s/%s", bench_short(shown, root), name);
		if (mkdir(dir, 0755) == 0)
			return point_latest(root, name, err);
		if (errno != EEXIST)
			return bench_fail(err, errno, "creating %s", dir);
	}
	return bench_fail(err, EEXIST, "%s/%s-%s: too many folders of the same second", root,
			  stamp, benchmark);
}

static int join(char *out, size_t sz, const char *dir, const char *file, bench_error *err)
{
	char shown[BENCH_SHORT_MAX];
	int n = snprintf(out, sz, "%s/%s", dir, file);

	if (n < 0 || (size_t)n >= sz)
		return bench_fail(err, ENAMETOOLONG, "%s/%s", bench_short(shown, dir), file);
	return 0;
}

int results_save(const struct results *res, const char *dir, bench_error *err)
{
	char path[4096];
	int rc;

	for (const struct exporter *x = exporters; x->write; x++)
		if (x->folder_file && (join(path, sizeof(path), dir, x->folder_file, err) < 0 ||
				       x->write(res, path, err) < 0))
			return -1;
	if (!res->bench)
		return 0;
	rc = plot_draw(res->bench, res, dir, err);
	if (rc < 0)
		return -1;
	return rc == PLOT_NO_GNUPLOT ? PLOT_NO_GNUPLOT : 0;
}
