/* The data files of a plot and the folder gnuplot draws in, none of them
 * ever reached through a symlink (plot_files.h). */
#include "plot_files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plot.h"

/* Tries of a fresh name before giving up: only a folder full of our own
 * leftovers, or someone racing us, takes more than one. */
#define FRESH_TRIES 100

/* ---- data files ----------------------------------------------------------- */

/* A data file being written: stdio on top (fopencookie), so the plot
 * functions fprintf into it, and on close the rename into place. */
struct data_file {
	int dirfd, fd;
	int error;                 /* errno of the first failed write */
	char tmp[NAME_MAX + 1], name[NAME_MAX + 1];
};

static ssize_t data_write(void *cookie, const char *buf, size_t size)
{
	struct data_file *df = cookie;
	size_t done = 0;

	while (done < size) {
		ssize_t n = write(df->fd, buf + done, size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			df->error = n < 0 ? errno : EIO;
			errno = df->error;
			return 0; /* fopencookie: 0 is the failure */
		}
		done += (size_t)n;
	}
	return (ssize_t)done;
}

/* A file written whole takes its name; one that failed is removed. */
static int data_close(void *cookie)
{
	struct data_file *df = cookie;
	int e = df->error;

	if (close(df->fd) != 0 && !e)
		e = errno;
	if (!e && renameat(df->dirfd, df->tmp, df->dirfd, df->name) != 0)
		e = errno;
	if (e)
		unlinkat(df->dirfd, df->tmp, 0);
	close(df->dirfd);
	free(df);
	errno = e;
	return e ? -1 : 0;
}

/* Creates .<name>.<pid>-<n>, a name nobody else has (O_EXCL) and that is
 * not a symlink (O_NOFOLLOW); its fd, or -1 with errno. */
static int create_fresh(int dirfd, const char *name, char *tmp, size_t tmpsz)
{
	for (int i = 0; i < FRESH_TRIES; i++) {
		int n = snprintf(tmp, tmpsz, ".%s.%ld-%d", name, (long)getpid(), i), fd;

		if (n < 0 || (size_t)n >= tmpsz) {
			errno = ENAMETOOLONG;
			return -1;
		}
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	errno = EEXIST;
	return -1;
}

FILE *plot_data_open(const char *dir, const char *name, char *path, size_t pathsz, bench_error *err)
{
	static const cookie_io_functions_t io = { .write = data_write, .close = data_close };
	int n = snprintf(path, pathsz, "%s/%s", dir, name);
	struct data_file *df;
	FILE *f;

	if (n < 0 || (size_t)n >= pathsz || strlen(name) >= sizeof(df->name)) {
		bench_fail(err, ENAMETOOLONG, "%s/%s", dir, name);
		return NULL;
	}
	df = calloc(1, sizeof(*df));
	if (!df) {
		bench_fail(err, ENOMEM, "%s", path);
		return NULL;
	}
	snprintf(df->name, sizeof(df->name), "%s", name);
	/* The folder itself is the one the user named (or the run made):
	 * followed as given; what is inside it is not. */
	df->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (df->dirfd < 0) {
		bench_fail(err, errno, "%s", dir);
		free(df);
		return NULL;
	}
	df->fd = create_fresh(df->dirfd, name, df->tmp, sizeof(df->tmp));
	if (df->fd < 0) {
		bench_fail(err, errno, "creating %s", path);
		close(df->dirfd);
		free(df);
		return NULL;
	}
	f = fopencookie(df, "w", io);
	if (!f) {
		bench_fail(err, errno ? errno : ENOMEM, "%s", path);
		df->error = ECANCELED;
		data_close(df);
		return NULL;
	}
	errno = 0;
	return f;
}

int plot_data_close(FILE *f, const char *path, bench_error *err)
{
	int failed = ferror(f), e = errno;

	if (fclose(f) != 0 && !failed) {
		failed = 1;
		e = errno;
	}
	return failed ? bench_fail(err, e ? e : EIO, "writing %s", path) : 0;
}

/* ---- gnuplot's folder ----------------------------------------------------- */

int plot_stage_open(struct plot_stage *st, const char *dir, bench_error *err)
{
	st->fd = -1;
	st->name[0] = '\0';
	st->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (st->dirfd < 0)
		return bench_fail(err, errno, "%s", dir);
	for (int i = 0; i < FRESH_TRIES; i++) {
		snprintf(st->name, sizeof(st->name), ".plot-%ld-%d", (long)getpid(), i);
		if (mkdirat(st->dirfd, st->name, 0700) == 0)
			break;
		if (errno != EEXIST || i + 1 == FRESH_TRIES) {
			int e = errno;

			st->name[0] = '\0';
			plot_stage_close(st);
			return bench_fail(err, e, "creating a folder for gnuplot in %s", dir);
		}
	}
	st->fd = openat(st->dirfd, st->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (st->fd < 0) {
		int e = errno;

		plot_stage_close(st);
		return bench_fail(err, e, "%s/%s", dir, st->name);
	}
	return 0;
}

int plot_stage_publish(struct plot_stage *st, const char *name, bench_error *err)
{
	struct stat sb;

	/* gnuplot wrote it, but only a plain file is moved. */
	if (fstatat(st->fd, name, &sb, AT_SYMLINK_NOFOLLOW) != 0)
		return bench_fail(err, errno, "gnuplot drew no %s", name);
	if (!S_ISREG(sb.st_mode))
		return bench_fail(err, 0, "gnuplot's %s is not a file", name);
	if (renameat(st->fd, name, st->dirfd, name) != 0)
		return bench_fail(err, errno, "moving %s into the results folder", name);
	return 0;
}

void plot_stage_close(struct plot_stage *st)
{
	if (st->fd >= 0) {
		int fd = dup(st->fd);
		DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
		struct dirent *de;

		if (!d && fd >= 0)
			close(fd);
		while (d && (de = readdir(d)) != NULL)
			if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
				unlinkat(st->fd, de->d_name, 0);
		if (d)
			closedir(d);
		close(st->fd);
		st->fd = -1;
	}
	if (st->dirfd >= 0) {
		if (st->name[0])
			unlinkat(st->dirfd, st->name, AT_REMOVEDIR);
		close(st->dirfd);
		st->dirfd = -1;
	}
}
