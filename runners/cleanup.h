#ifndef BENCH_CLEANUP_H
#define BENCH_CLEANUP_H

#include <stdbool.h>

#include "error.h"

int cmd_cleanup(int argc, char **argv);

#endif
