/* `bench doctor`: checks that this host can run every runner, one line per
 * check on stdout:
 *
 *     ok   <check>: <detail>
 *     warn <check>: <detail> -- fix: <command>     (non-fatal)
 *     FAIL <check>: <detail> -- fix: <command>
 *
 * Read-only: it changes nothing on the host and leaves nothing behind. */
#ifndef BENCH_DOCTOR_H
#define BENCH_DOCTOR_H

#include <stddef.h>

/* git-style subcommand: argv[0] is "doctor".  Returns 0 when no check
 * FAILed, 1 when one did, 2 on a usage error. */
int cmd_doctor(int argc, char **argv);

/* The checks, in the order cmd_doctor prints them (for tests). */
size_t doctor_check_count(void);
const char *doctor_check_name(size_t i);

#endif
