#include "workload_exit.h"

#include <sys/wait.h>

#include "../lib/process.h"

int workload_end_check(const struct workload_end *e, bench_error *err)
{
	char how[96];

	if (WIFEXITED(e->status) && WEXITSTATUS(e->status) == 0) {
		if (e->asked_to_stop || e->task_over)
			return 0;
		return bench_fail(err, 0, "workload exited (status 0) before it was told to stop, "
				  "with its task not over");
	}
	if (WIFSIGNALED(e->status) && e->asked_to_stop && e->stop_signal != 0 && WTERMSIG(e->status) == e->stop_signal)
		return 0;
	child_status_describe(e->status, how, sizeof(how));
	return bench_fail(err, 0, "workload %s%s", how, e->asked_to_stop ? "" : " before it was told to stop");
}
