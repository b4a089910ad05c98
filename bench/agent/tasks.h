/* The agent's tasks: what a workload does once started. */
#ifndef BENCH_AGENT_TASKS_H
#define BENCH_AGENT_TASKS_H

/* Every task writes its records to out and returns the agent's exit status.
 * in is where an idle agent may be told to stop (-1 when nothing is). */
struct task_ctx {
	int out;
	int in;
	int argc;          /* the task's own arguments, after its name */
	char **argv;
};

/* The READY record every task sends once it can be measured: the agent's
 * own view of pid, hostname, kernel, clocks and namespaces.  0 or -1. */
int agent_ready(int out, const char *task);

int task_ready(struct task_ctx *ctx);
int task_idle(struct task_ctx *ctx);
int task_syscall(struct task_ctx *ctx);
int task_probe(struct task_ctx *ctx);
int task_victim(struct task_ctx *ctx);
int task_aggressor(struct task_ctx *ctx);
int task_cpu(struct task_ctx *ctx);
int task_memory(struct task_ctx *ctx);
int task_network(struct task_ctx *ctx);
int task_storage(struct task_ctx *ctx);

/* Runs the task called name; an unknown name is an ERROR record and 2. */
int task_run(const char *name, struct task_ctx *ctx);

#endif
