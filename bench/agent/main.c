/* bench-agent: the one workload every runner starts.
 *
 * Static (musl) so that the same bytes run on the host, in a container whose
 * root file system holds nothing else, and as a VM's /init.  It writes
 * protocol records (bench/agent_protocol.h) to standard output and nothing
 * else; diagnostics, if any, go to standard error.
 *
 *   bench-agent ready           announce READY and exit
 *   bench-agent idle            announce READY, wait for SIGTERM or "STOP"
 *   /init (no arguments, PID 1) a VM's init: the task is on the kernel
 *                               command line (bench.task=...) */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tasks.h"
#include "vm_init.h"

static void usage(FILE *out)
{
	fputs("usage: bench-agent TASK [ARGS...]\n"
	      "tasks: ready (announce READY, exit), idle (announce READY, wait for SIGTERM or STOP)\n"
	      "As PID 1 without arguments it is a VM's /init and reads bench.task= from the kernel command line.\n",
	      out);
}

int main(int argc, char **argv)
{
	struct task_ctx ctx = { .out = 1, .in = 0 };

	if (argc < 2) {
		if (getpid() == 1)
			vm_init_main();
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	ctx.argc = argc - 2;
	ctx.argv = argv + 2;
	return task_run(argv[1], &ctx);
}
