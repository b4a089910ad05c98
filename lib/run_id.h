/* Names of what a run leaves on the system while it runs (cgroups, libvirt
 * domains, folders): "bench-<pid>-<start>-<seq>".  The pid of the bench
 * process in every name is what lets `bench cleanup` tell an interrupted
 * run's leftovers from a run that is still going. */
#ifndef BENCH_RUN_ID_H
#define BENCH_RUN_ID_H

#include <stdbool.h>
#include <stddef.h>

#define RUN_ID_PREFIX "bench-"

/* "<pid>-<seconds since the epoch, hex>" for this process. */
void run_id_make(char *out, size_t outsz);

/* name = "bench-<run id>-<seq>" */
void run_id_object_name(const char *run_id, unsigned seq, char *out, size_t outsz);

/* For a name made as above: true when the bench process that made it still
 * runs (so its objects are not leftovers).  False for names not of that
 * form, and for a pid now held by another program. */
bool run_id_owner_alive(const char *name);

#endif
