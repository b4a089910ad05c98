/* bench run startup's parts, for its descriptor (startup.c). */
#ifndef BENCH_STARTUP_H
#define BENCH_STARTUP_H

#include "harness/report_model.h"
#include "harness/results.h"

/* What startup's metrics mean; density's storms use the same names. */
#define STARTUP_LEGEND                                                                                       \
	"`ready` is launch to READY, `gone` is launch to everything torn down, "                           \
	"`phase.*` are the steps of start-up.  For the OCI runtimes (crun, runc, runsc): "             \
	"`phase.bundle` is bench writing the container's config.json, `phase.create` the runtime's "       \
	"`create` (its own process until the container exists, stopped before exec: namespaces, cgroup, "  \
	"mounts, its state), `phase.start` its `start` (until the agent execs), `phase.ready` exec to "    \
	"READY, and `delete` (inside `gone`) the runtime's `delete`.  "

/* plots/startup.gp: launch to READY per runner, and the phases. */
int plot_startup(const struct results *res, const char *dir, bench_error *err);

/* bench report: the table of one folder, and the summary's line. */
void startup_report_table(struct doc *d, const struct results *res);
void startup_report_summary(struct doc *d, const struct report_folder *f, const char *host);

#endif
