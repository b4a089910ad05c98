/* The runners compiled into bench, in the order `bench run` uses by default.
 * A new runner is added here and nowhere else. */
#include <string.h>

#include "runner.h"

extern const struct runner_ops host_runner_ops;
extern const struct runner_ops container_runner_ops;
extern const struct runner_ops vm_runner_ops;
extern const struct runner_ops qemu_runner_ops;
extern const struct runner_ops crun_runner_ops;
extern const struct runner_ops runc_runner_ops;
extern const struct runner_ops runsc_runner_ops;
extern const struct runner_ops containerd_runner_ops;

const struct runner_ops *const runner_table[] = {
	&host_runner_ops,
	&container_runner_ops,
	&crun_runner_ops,
	&runc_runner_ops,
	&containerd_runner_ops,
	&runsc_runner_ops,
	&vm_runner_ops,
	&qemu_runner_ops,
	NULL,
};

const struct runner_ops *runner_find(const char *name)
{
	for (const struct runner_ops *const *r = runner_table; *r; r++)
		if (strcmp((*r)->name, name) == 0)
			return *r;
	return NULL;
}
