/* clone3(2) with CLONE_VM and a stack of the caller's: what glibc's clone()
 * does for clone(2), for the flags only clone3 has (CLONE_INTO_CGROUP).
 * glibc 2.36 exports no clone3 wrapper, and a plain syscall() cannot be
 * used: the child would return from it on a stack that has no frame. */
#ifndef BENCH_CLONE_VM_H
#define BENCH_CLONE_VM_H

#include <linux/sched.h>
#include <sys/types.h>

/* Starts a child that runs fn(arg) on args->stack and exits with its
 * value; returns the child's pid in the parent, or -1 with errno (ENOSYS
 * where this architecture or kernel has no clone3). */
pid_t clone3_vm(struct clone_args *args, int (*fn)(void *), void *arg);

#endif
