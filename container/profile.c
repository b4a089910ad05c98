#include "profile.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../lib/hardened_rules.h"

static int build_filter(struct container_profile *p, bench_error *err)
{
	const struct hardened_rules *r = hardened_rules();
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int fd = -1, rc;
	struct stat st;
	void *buf = NULL;

	if (!ctx)
		return bench_fail(err, 0, "container: seccomp_init failed");
	for (size_t i = 0; i < r->n_denied; i++) {
		int nr = seccomp_syscall_resolve_name(r->denied_syscalls[i]);

		/* Calls this architecture does not have are skipped. */
		if (nr == __NR_SCMP_ERROR || nr < 0)
			continue;
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
		if (rc < 0 && rc != -EEXIST)
			goto fail_rc;
	}
	for (size_t i = 0; i < r->n_clone_ns_flags; i++) {
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
				      SCMP_A0(SCMP_CMP_MASKED_EQ, r->clone_ns_flags[i], r->clone_ns_flags[i]));
		if (rc < 0)
			goto fail_rc;
	}
	/* clone3 passes its flags in memory a filter cannot read: ENOSYS
	 * makes the C library fall back to clone, as Docker does. */
	rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	if (rc < 0)
		goto fail_rc;
	fd = memfd_create("bench-seccomp", MFD_CLOEXEC);
	if (fd < 0) {
		seccomp_release(ctx);
		return bench_fail(err, errno, "container: memfd for the seccomp filter");
	}
	rc = seccomp_export_bpf(ctx, fd);
	seccomp_release(ctx);
	ctx = NULL;
	if (rc < 0) {
		close(fd);
		return bench_fail(err, -rc, "container: exporting the seccomp filter");
	}
	if (fstat(fd, &st) != 0 || st.st_size <= 0 || st.st_size % (off_t)sizeof(struct sock_filter) != 0 ||
	    st.st_size / (off_t)sizeof(struct sock_filter) > BPF_MAXINSNS || !(buf = malloc((size_t)st.st_size)) ||
	    pread(fd, buf, (size_t)st.st_size, 0) != st.st_size) {
		int e = errno;

		free(buf);
		close(fd);
		return bench_fail(err, e, "container: reading the seccomp filter back");
	}
	close(fd);
	p->prog.filter = buf;
	p->prog.len = (unsigned short)(st.st_size / (off_t)sizeof(struct sock_filter));
	return 0;
fail_rc:
	seccomp_release(ctx);
	return bench_fail(err, -rc, "container: building the seccomp filter");
}

int profile_prepare(struct container_profile *p, const char *name, bench_error *err)
{
	memset(p, 0, sizeof(*p));
	if (!name || strcmp(name, "plain") == 0)
		return 0;
	if (strcmp(name, "hardened") != 0)
		return bench_fail_usage(err, "container: unknown profile '%s' (plain or hardened)", name);
	p->hardened = true;
	for (size_t i = 0; i < hardened_rules()->n_caps_kept; i++)
		p->caps_keep |= 1ull << hardened_rules()->caps_kept[i].nr;
	return build_filter(p, err);
}

void profile_release(struct container_profile *p)
{
	free(p->prog.filter);
	memset(p, 0, sizeof(*p));
}

/* ---- in the child: raw system calls only -------------------------------- */

static int mask_path(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return errno == ENOENT ? 0 : -1;
	if (S_ISDIR(st.st_mode))
		return mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0,nr_inodes=1");
	return mount("/dev/null", path, NULL, MS_BIND, NULL);
}

static int readonly_path(const char *path)
{
	if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) != 0)
		return errno == ENOENT ? 0 : -1;
	return mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
}

static int drop_caps(uint64_t keep)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[2];

	for (int c = 0; c <= CAP_LAST_CAP; c++)
		if (!(keep & (1ull << c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) != 0 && errno != EINVAL)
			return -1;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
		return -1;
	for (int i = 0; i < 2; i++) {
		data[i].effective = data[i].permitted = data[i].inheritable = (uint32_t)(keep >> (32 * i));
	}
	return (int)syscall(SYS_capset, &hdr, data);
}

int profile_apply(const struct container_profile *p, int *step)
{
	if (!p || !p->hardened)
		return 0;
	/* hardened_rules() only returns a pointer to constant data: safe here. */
	const struct hardened_rules *r = hardened_rules();

	*step = PROFILE_STEP_MASK;
	for (size_t i = 0; i < r->n_masked; i++)
		if (mask_path(r->masked_paths[i]) != 0)
			return -1;
	*step = PROFILE_STEP_READONLY;
	for (size_t i = 0; i < r->n_readonly; i++)
		if (readonly_path(r->readonly_paths[i]) != 0)
			return -1;
	*step = PROFILE_STEP_CAPS;
	if (drop_caps(p->caps_keep) != 0)
		return -1;
	*step = PROFILE_STEP_NNP;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -1;
	*step = PROFILE_STEP_SECCOMP;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &p->prog, 0, 0) != 0)
		return -1;
	return 0;
}
