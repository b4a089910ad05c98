/* Names of what a run leaves on the system while it runs (cgroups, libvirt
 * domains, folders): "bench-<pid>-<start>-<seq>".  The pid of the bench
 * process and the time the run began, in every name, are what let `bench
 * cleanup` tell an interrupted run's leftovers from a run that is still
 * going (and from a later process that was given the same pid). */
#ifndef BENCH_RUN_ID_H
#define BENCH_RUN_ID_H

#include <stdbool.h>
#include <stddef.h>

#define RUN_ID_PREFIX "bench-"

/* "<pid>-<seconds since the epoch, hex>" for this process. */
void run_id_make(char *out, size_t outsz);

/* name = "bench-<run id>-<seq>" */
void run_id_object_name(const char *run_id, unsigned seq, char *out, size_t outsz);

enum run_owner {
	RUN_OWNER_UNKNOWN, /* not a run id bench makes: never a leftover */
	RUN_OWNER_ALIVE,   /* the bench process that made it still runs */
	RUN_OWNER_DEAD,    /* its pid runs nothing, or a process that began
			      after the run did (the pid was reused) */
};

/* Of a run id "<pid>-<hex>", followed by nothing or by "-...". */
enum run_owner run_id_owner(const char *run_id);

/* For a name "bench-<run id>[-...]": false only when its run is known to be
 * over (RUN_OWNER_DEAD).  A name not of that form is not bench's to judge:
 * true. */
bool run_id_owner_alive(const char *name);

#endif
