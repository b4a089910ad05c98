/* The SHA-256 of a file, to record exactly which binary a run measured. */
#ifndef BENCH_SHA256_FILE_H
#define BENCH_SHA256_FILE_H

#include "error.h"

/* Fills out with 64 lowercase hex digits and a NUL; 0, or -1 and *err. */
int sha256_file_hex(const char *path, char out[65], bench_error *err);

/* The same for an open file, read from its start (what names it in an
 * error); fd stays open. */
int sha256_fd_hex(int fd, const char *what, char out[65], bench_error *err);

#endif
