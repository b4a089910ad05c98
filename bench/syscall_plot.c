/* The syscall plots: not written yet. */
#include "../runners/plot.h"

int plot_syscall(const struct results *res, const char *dir, bench_error *err)
{
	(void)res;
	(void)dir;
	(void)err;
	return PLOT_NOTHING;
}
