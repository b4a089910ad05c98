/* bench report: not written yet (see the issue that adds it). */
#include <stdio.h>

#include "error.h"
#include "report.h"

int cmd_report(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "bench: report is not built yet\n");
	return BENCH_EXIT_FAIL;
}
