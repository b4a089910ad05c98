#include "workload_exit.h"

#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../container/cgroup.h"
#include "../lib/clock.h"
#include "../lib/process.h"
#include "runner.h"

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

int workload_stop(struct instance *in, struct child *first, struct cgroup *cg, bool saw_done, int timeout_ms,
		  bench_error *err)
{
	struct workload_end end = { .task_over = task_may_end_by_itself(&in->task) || saw_done };

	/* A ready agent ends by itself: its exit is part of what is timed. */
	if (first->pid > 0 && !task_ends_by_itself(&in->task) && !child_has_exited(first)) {
		end.asked_to_stop = true;
		end.stop_signal = SIGTERM;
		syscall(SYS_pidfd_send_signal, first->pidfd, SIGTERM, NULL, 0);
	}
	if (child_wait(first, clock_now_ns() + (uint64_t)timeout_ms * 1000000u, err) < 0)
		return bench_error_prefix(err, "stopping the workload");
	end.status = first->status;
	if (cg && cg_destroy(cg, err) < 0)
		return -1;
	in->t_gone_ns = clock_now_ns();
	return workload_end_check(&end, err);
}
