/* Which kernel the VM runners boot (--guest-kernel): Debian's cloud kernel
 * that scripts/setup.sh caches ("distro", the default), the minimal one that
 * `make guest-kernel` builds ("minimal"), or any bzImage the user names (a
 * path: kind "file").  Whichever it is, the results record its kind, its
 * release string and the sha256 of its bytes. */
#ifndef BENCH_VM_GUEST_KERNEL_H
#define BENCH_VM_GUEST_KERNEL_H

#include <stddef.h>

#include "../lib/error.h"
#include "kernel_cache.h"

#define GUEST_KERNEL_DISTRO "distro"
#define GUEST_KERNEL_MINIMAL "minimal"
#define GUEST_KERNEL_FILE "file"

/* Fills k for choice (NULL: distro): found, checked (a bzImage of a sane
 * size, never read through a symbolic link) and hashed.  A path that is a
 * symbolic link, not a bzImage or missing fails with one line naming it
 * (usage errors: the user's typo). */
int guest_kernel_find(const char *choice, const char *cache_dir, struct guest_kernel *k, bench_error *err);

/* What --guest-kernel checks when it is parsed: distro and minimal are
 * found when a VM runner prepares (they may not be built yet); a path is
 * checked at once, so a typo fails before anything runs. */
int guest_kernel_check_choice(const char *choice, bench_error *err);

/* The release string ("6.1.0-57-cloud-amd64") of a bzImage from the first
 * len bytes of it (untrusted: bounds-checked; the boot protocol's
 * kernel_version pointer at 0x20e, plus 0x200, to a NUL-terminated text
 * whose first word is the release).  0, or -1 when it names none that is
 * made of release characters and fits outsz. */
int bzimage_release(const unsigned char *img, size_t len, char *out, size_t outsz);

/* How many bytes of a bzImage bzimage_release may need. */
#define BZIMAGE_RELEASE_SPAN (0x10200u + 128u)

#endif
