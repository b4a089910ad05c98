#ifndef BENCH_CLEANUP_H
#define BENCH_CLEANUP_H

#include <stdbool.h>

#include "../../lib/error.h"

int cmd_cleanup(int argc, char **argv);

#endif
