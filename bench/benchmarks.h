/* The benchmarks bench knows, as git knows its subcommands: a table of
 * descriptors (harness/benchmark.h), which main() hands to `bench run`,
 * `bench plot` and `bench report`. */
#ifndef BENCH_BENCHMARKS_H
#define BENCH_BENCHMARKS_H

#include "harness/benchmark.h"

/* In the order `bench run --help` lists them and the report shows them;
 * NULL-terminated. */
extern const struct benchmark *const benchmark_table[];

#endif
