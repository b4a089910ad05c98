/* What bench's "hardened" profile takes away, as data: the one list that
 * both bench's own container (container/profile.c, which applies it with
 * raw system calls) and the OCI bundles (oci/oci_spec.c, which writes it
 * into config.json for runc, crun, runsc and containerd) read, so that
 * every runtime is hardened exactly alike.  It follows what mainstream
 * runtimes do by default: runc's masked and read-only /proc paths,
 * Docker's fourteen capabilities and the calls Docker's seccomp profile
 * refuses to a container without extra capabilities. */
#ifndef BENCH_HARDENED_RULES_H
#define BENCH_HARDENED_RULES_H

#include <stddef.h>

struct hardened_cap {
	int nr;              /* CAP_x */
	const char *name;    /* "CAP_x", as OCI writes it */
};

struct hardened_rules {
	const char *const *masked_paths;        /* covered: empty tmpfs or /dev/null */
	size_t n_masked;
	const char *const *readonly_paths;      /* bind-mounted read-only */
	size_t n_readonly;
	const struct hardened_cap *caps_kept;   /* every other capability is dropped */
	size_t n_caps_kept;
	const char *const *denied_syscalls;     /* EPERM; names this architecture lacks are skipped */
	size_t n_denied;
	const unsigned long *clone_ns_flags;    /* clone with any of these: EPERM */
	size_t n_clone_ns_flags;
	/* clone3 gets ENOSYS (its flags are in memory a filter cannot read:
	 * the C library then falls back to clone, as with Docker). */
};

const struct hardened_rules *hardened_rules(void);

/* Every capability this kernel's headers know, 0 .. CAP_LAST_CAP, with its
 * name (the plain profile keeps them all, as bench's plain container does). */
const struct hardened_cap *hardened_all_caps(size_t *n);

#endif
