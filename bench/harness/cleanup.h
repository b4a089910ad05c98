#ifndef BENCH_CLEANUP_H
#define BENCH_CLEANUP_H

#include <stdbool.h>

#include "../../lib/error.h"

#include <stddef.h>

#include "../../runners/runner.h"

int cmd_cleanup(int argc, char **argv);

/* Each runner named in runners (NULL: every runner) removes what runs of
 * it that are over left behind (all: also runs still going), and, with a
 * libvirt_uri (NULL: none), what they left there.  Adds what went to
 * *removed; -1 with the first failure in *err, after every runner had its
 * turn. */
int cleanup_dead_runs(const char *const *runners, int nrunners, const char *libvirt_uri, bool all,
		      struct runner_cleanup_counts *removed, bench_error *err);

/* "2 cgroups, 1 run folders" for what was removed; "" when nothing. */
void cleanup_describe(const struct runner_cleanup_counts *removed, char *buf, size_t sz);

#endif
