/* The agent as a VM's /init: the kernel starts it with no task argument. */
#ifndef BENCH_AGENT_VM_INIT_H
#define BENCH_AGENT_VM_INIT_H

/* Mounts what the tasks read, takes task and hostname from the kernel
 * command line, runs the task with the console as its channel, then powers
 * the guest off (ACPI: the domain ends).  Never returns. */
void vm_init_main(void) __attribute__((noreturn));

/* Finds "key" (e.g. "bench.task=") in a kernel command line and copies its
 * value; returns 0, or -1 when missing or too long. */
int cmdline_value(const char *cmdline, const char *key, char *out, unsigned outsz);

#endif
