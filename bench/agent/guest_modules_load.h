/* A VM's /init loading the kernel modules its devices need, before its
 * task: bench.modules=a,b,c on the kernel command line names them, in
 * load order, and the initramfs holds them as /lib/modules/<name>.ko. */
#ifndef BENCH_AGENT_GUEST_MODULES_LOAD_H
#define BENCH_AGENT_GUEST_MODULES_LOAD_H

/* What the loading took, for READY (modules=, modules_ns=): loaded == 0
 * when nothing was asked for, and READY then says nothing of it. */
struct modules_loaded {
	unsigned loaded;
	unsigned long long ns; /* CLOCK_BOOTTIME, all of them */
};
extern struct modules_loaded agent_modules_loaded;

/* Loads every module of list ("a,b,c") with finit_module, in order; a
 * module already there (built in, or loaded) is fine.  Returns 0, or -1
 * with why in msg. */
int guest_modules_load(const char *list, char *msg, unsigned msgsz);

#endif
