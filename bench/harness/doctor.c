/* `bench doctor`: a table of small checks, each printing exactly one line. */
#include "doctor.h"
#include "agent_path.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "../../container/cgroup.h"
#include "../../vm/accel.h"
#include "../../lib/error.h"

#define DEFAULT_CACHE_DIR "/var/cache/bench"
#define LIBVIRT_URI "qemu:///system"

enum level { LVL_OK, LVL_WARN, LVL_FAIL };

struct result {
	enum level level;
	char detail[640];
	char fix[512];
};

struct check {
	const char *name;
	void (*run)(const void *arg, struct result *r);
	const void *arg;
};

static void set(struct result *r, enum level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set(struct result *r, enum level level, const char *fmt, ...)
{
	va_list ap;

	r->level = level;
	va_start(ap, fmt);
	vsnprintf(r->detail, sizeof(r->detail), fmt, ap);
	va_end(ap);
}

static void set_fix(struct result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_fix(struct result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->fix, sizeof(r->fix), fmt, ap);
	va_end(ap);
}

/* --- root ----------------------------------------------------------------- */

static void check_root(const void *arg, struct result *r)
{
	uid_t euid = geteuid();

	(void)arg;
	if (euid == 0) {
		set(r, LVL_OK, "running as root");
		return;
	}
	set(r, LVL_FAIL, "running as uid %u: containers, cgroups and libvirt's system instance need root",
	    (unsigned)euid);
	set_fix(r, "sudo bench doctor");
}

/* --- namespaces ----------------------------------------------------------- */

struct ns_type {
	int flag;
	const char *flag_name;
	const char *config;   /* kernel option that provides it */
	const char *sysctl;   /* user.max_*_namespaces */
	bool required;        /* does the container runner need it? */
};

static const struct ns_type ns_uts = { CLONE_NEWUTS, "CLONE_NEWUTS", "CONFIG_UTS_NS",
				       "user.max_uts_namespaces", true };
static const struct ns_type ns_pid = { CLONE_NEWPID, "CLONE_NEWPID", "CONFIG_PID_NS",
				       "user.max_pid_namespaces", true };
static const struct ns_type ns_mnt = { CLONE_NEWNS, "CLONE_NEWNS", "CONFIG_NAMESPACES",
				       "user.max_mnt_namespaces", true };
static const struct ns_type ns_ipc = { CLONE_NEWIPC, "CLONE_NEWIPC", "CONFIG_IPC_NS",
				       "user.max_ipc_namespaces", true };
static const struct ns_type ns_net = { CLONE_NEWNET, "CLONE_NEWNET", "CONFIG_NET_NS",
				       "user.max_net_namespaces", true };
static const struct ns_type ns_cgroup = { CLONE_NEWCGROUP, "CLONE_NEWCGROUP", "CONFIG_CGROUPS",
					  "user.max_cgroup_namespaces", true };
/* Root containers do without a user namespace. */
static const struct ns_type ns_user = { CLONE_NEWUSER, "CLONE_NEWUSER", "CONFIG_USER_NS",
					"user.max_user_namespaces", false };

/* Tries unshare(flag) in a throw-away child, so this process keeps its own
 * namespaces; the namespace goes when the child exits.  Returns 0 or the
 * child's errno. */
static int try_unshare(int flag)
{
	int status;
	pid_t pid, w;

	fflush(NULL); /* nothing buffered is duplicated into the child */
	pid = fork();
	if (pid < 0)
		return errno;
	if (pid == 0)
		_exit(unshare(flag) == 0 ? 0 : (errno > 0 && errno < 256 ? errno : 255));
	do
		w = waitpid(pid, &status, 0);
	while (w < 0 && errno == EINTR);
	if (w < 0)
		return errno;
	if (!WIFEXITED(status))
		return ECHILD;
	return WEXITSTATUS(status);
}

static void check_namespace(const void *arg, struct result *r)
{
	const struct ns_type *ns = arg;
	enum level bad = ns->required ? LVL_FAIL : LVL_WARN;
	int e = try_unshare(ns->flag);

	if (e == 0) {
		set(r, LVL_OK, "unshare(%s) works", ns->flag_name);
		return;
	}
	set(r, bad, "unshare(%s) failed: %s%s", ns->flag_name, strerror(e),
	    ns->required ? "" : " (only needed for rootless containers)");
	switch (e) {
	case EPERM:
		if (geteuid() != 0)
			set_fix(r, "sudo bench doctor");
		else
			set_fix(r, "run bench on the host itself, not inside a restricted container "
				   "(or start that container with --privileged)");
		break;
	case EINVAL:
		set_fix(r, "boot a kernel with %s=y (see: grep %s /boot/config-$(uname -r))", ns->config,
			ns->config);
		break;
	case ENOSPC:
	case EUSERS:
		set_fix(r, "sysctl -w %s=15000", ns->sysctl);
		break;
	default:
		set_fix(r, "check dmesg and %s in /boot/config-$(uname -r)", ns->config);
		break;
	}
}

/* --- cgroups -------------------------------------------------------------- */

static void append(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void append(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

static void check_cgroups(const void *arg, struct result *r)
{
	static struct cg_layout layout; /* large: off the stack */
	bench_error err = { 0 };
	char have[128] = "", missing[128] = "";

	(void)arg;
	memset(&layout, 0, sizeof(layout));
	if (cg_detect(&layout, &err) < 0 || layout.version == 0) {
		set(r, LVL_FAIL, "no usable cgroup hierarchy: %s",
		    err.msg[0] ? err.msg : "neither v1 controllers nor a v2 mount");
		set_fix(r, "mount -t cgroup2 none /sys/fs/cgroup");
		return;
	}
	for (int c = 0; c < CG_NCONTROLLERS; c++) {
		const char *name = cg_controller_name((enum cg_controller)c);

		if (layout.available & (1u << c)) {
			append(have, sizeof(have), "%s%s", have[0] ? " " : "", name);
			continue;
		}
		append(missing, sizeof(missing), "%s%s", missing[0] ? " " : "", name);
		if (layout.version == 2)
			append(r->fix, sizeof(r->fix), "%secho +%s > %s/cgroup.subtree_control",
			       r->fix[0] ? " && " : "", name, layout.v2_mount);
		else
			append(r->fix, sizeof(r->fix),
			       "%smkdir -p /sys/fs/cgroup/%s && mount -t cgroup -o %s cgroup /sys/fs/cgroup/%s",
			       r->fix[0] ? " && " : "", name, name, name);
	}
	if (missing[0])
		set(r, LVL_FAIL, "v%d, controllers %s; missing %s", layout.version,
		    have[0] ? have : "(none)", missing);
	else
		set(r, LVL_OK, "v%d, controllers %s", layout.version, have);
}

/* --- libvirt -------------------------------------------------------------- */

static void quiet_libvirt(void *userdata, virErrorPtr error)
{
	(void)userdata;
	(void)error;
}

static void check_libvirtd(const void *arg, struct result *r)
{
	virConnectPtr conn;

	(void)arg;
	virSetErrorFunc(NULL, quiet_libvirt);
	conn = virConnectOpen(LIBVIRT_URI);
	if (!conn) {
		const char *msg = virGetLastErrorMessage();

		set(r, LVL_FAIL, "%s does not answer: %s", LIBVIRT_URI, msg ? msg : "unknown error");
		if (geteuid() != 0)
			set_fix(r, "sudo bench doctor");
		else
			set_fix(r, "make setup (or: virtlogd -d && libvirtd -d)");
	} else {
		unsigned long v = 0;

		if (virConnectGetLibVersion(conn, &v) == 0)
			set(r, LVL_OK, "%s answers (libvirt %lu.%lu.%lu)", LIBVIRT_URI, v / 1000000,
			    v / 1000 % 1000, v % 1000);
		else
			set(r, LVL_OK, "%s answers", LIBVIRT_URI);
		virConnectClose(conn);
	}
	virResetLastError();
	virSetErrorFunc(NULL, NULL);
}

/* --- /dev/kvm and the accelerator ----------------------------------------- */

static void check_dev_kvm(const void *arg, struct result *r)
{
	struct stat st;
	const struct group *gr;
	char gname[64];
	unsigned mode;

	(void)arg;
	if (stat("/dev/kvm", &st) < 0) {
		set(r, LVL_WARN, "absent (%s): VMs can only use TCG emulation", strerror(errno));
		set_fix(r, "modprobe kvm_intel || modprobe kvm_amd");
		return;
	}
	if (!S_ISCHR(st.st_mode)) {
		set(r, LVL_FAIL, "exists but is not a character device");
		set_fix(r, "rm /dev/kvm && mknod -m 0660 /dev/kvm c 10 232 && chgrp kvm /dev/kvm");
		return;
	}
	gr = getgrgid(st.st_gid);
	if (gr)
		snprintf(gname, sizeof(gname), "%s", gr->gr_name);
	else
		snprintf(gname, sizeof(gname), "%u", (unsigned)st.st_gid);
	mode = st.st_mode & 07777;
	if (strcmp(gname, "kvm") == 0 && mode == 0660) {
		set(r, LVL_OK, "group kvm, mode 0660");
		return;
	}
	/* Not fatal, but libvirt then re-probes QEMU (~40 s) on every start. */
	set(r, LVL_WARN, "group %s, mode %04o (want kvm, 0660): libvirt re-probes QEMU on every VM start",
	    gname, mode);
	set_fix(r, "chgrp kvm /dev/kvm && chmod 0660 /dev/kvm (or: make setup)");
}

static void check_accel(const void *arg, struct result *r)
{
	struct accel_facts facts;
	enum vm_accel a;
	bench_error err = { 0 };

	(void)arg;
	accel_probe(&facts);
	if (accel_choose("auto", &facts, &a, &err) < 0) {
		set(r, LVL_FAIL, "%s", err.msg);
		set_fix(r, "bench run startup --accel tcg");
		return;
	}
	if (a == VM_ACCEL_KVM) {
		set(r, LVL_OK, "kvm (%s)", facts.why);
		return;
	}
	set(r, LVL_WARN,
	    "tcg (%s). VMs will run under TCG emulation: figures are emulation, not virtualisation overhead",
	    facts.why);
	set_fix(r, "on vSphere, power the VM off and enable \"Expose hardware assisted virtualization "
		   "to the guest OS\" (vhv.enable = TRUE)");
}

/* --- tools and files ------------------------------------------------------ */

static bool on_path(const char *prog, char *found, size_t len)
{
	const char *path = getenv("PATH");

	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");

		if (n > 0 && n < PATH_MAX) {
			int w = snprintf(found, len, "%.*s/%s", (int)n, path, prog);

			if (w > 0 && (size_t)w < len && access(found, X_OK) == 0)
				return true;
		}
		path += n;
		if (*path == ':')
			path++;
	}
	return false;
}

static void check_gnuplot(const void *arg, struct result *r)
{
	char found[PATH_MAX];

	(void)arg;
	if (on_path("gnuplot", found, sizeof(found))) {
		set(r, LVL_OK, "%s", found);
		return;
	}
	set(r, LVL_WARN, "not on PATH: runs work, plots are not drawn");
	set_fix(r, "apt-get install --no-install-recommends gnuplot-nox");
}

/* 1 when the ELF file has no program interpreter (static), 0 when it has
 * one, -1 when it is not a readable 64-bit ELF file. */
static int elf_is_static(const char *path)
{
	Elf64_Ehdr eh;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret = -1;

	if (fd < 0)
		return -1;
	if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_phentsize != sizeof(Elf64_Phdr))
		goto out;
	ret = 1;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + (Elf64_Off)i * sizeof(ph))) !=
		    (ssize_t)sizeof(ph)) {
			ret = -1;
			break;
		}
		if (ph.p_type == PT_INTERP) {
			ret = 0;
			break;
		}
	}
out:
	close(fd);
	return ret;
}

static void check_agent(const void *arg, struct result *r)
{
	char path[PATH_MAX];
	bench_error err = { 0 };
	int st;

	(void)arg;
	if (agent_locate(path, sizeof(path), &err) < 0) {
		set(r, LVL_FAIL, "%s", err.msg);
		set_fix(r, "make all (in the source tree; make install puts it in <prefix>/libexec/bench)");
		return;
	}
	st = elf_is_static(path);
	if (st == 1) {
		set(r, LVL_OK, "%s (static)", path);
		return;
	}
	set(r, LVL_FAIL, "%s is %s: the agent must be one static binary", path,
	    st == 0 ? "dynamically linked" : "not a 64-bit ELF executable");
	set_fix(r, "make clean all (builds bin/bench-agent with musl-gcc -static)");
}

static void check_kernel(const void *arg, struct result *r)
{
	const char *cache = getenv("BENCH_CACHE_DIR");
	char path[PATH_MAX], relpath[PATH_MAX], release[128] = "";
	struct stat st;
	FILE *f;

	(void)arg;
	if (!cache || !*cache)
		cache = DEFAULT_CACHE_DIR;
	snprintf(path, sizeof(path), "%s/kernel/current/vmlinuz", cache);
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
		set(r, LVL_FAIL, "%s missing: the vm runner cannot boot a guest", path);
		set_fix(r, "make setup");
		return;
	}
	snprintf(relpath, sizeof(relpath), "%s/kernel/current/release", cache);
	f = fopen(relpath, "re");
	if (f) {
		if (fgets(release, sizeof(release), f))
			release[strcspn(release, "\r\n")] = '\0';
		fclose(f);
	}
	set(r, LVL_OK, "%s (%s, %lld MiB)", path, release[0] ? release : "release unknown",
	    (long long)st.st_size >> 20);
}

/* --- the table ------------------------------------------------------------ */

static const struct check checks[] = {
	{ "root", check_root, NULL },
	{ "namespace uts", check_namespace, &ns_uts },
	{ "namespace pid", check_namespace, &ns_pid },
	{ "namespace mnt", check_namespace, &ns_mnt },
	{ "namespace ipc", check_namespace, &ns_ipc },
	{ "namespace net", check_namespace, &ns_net },
	{ "namespace cgroup", check_namespace, &ns_cgroup },
	{ "namespace user", check_namespace, &ns_user },
	{ "cgroups", check_cgroups, NULL },
	{ "libvirtd", check_libvirtd, NULL },
	{ "/dev/kvm", check_dev_kvm, NULL },
	{ "accelerator", check_accel, NULL },
	{ "gnuplot", check_gnuplot, NULL },
	{ "agent", check_agent, NULL },
	{ "guest kernel", check_kernel, NULL },
};

#define NCHECKS (sizeof(checks) / sizeof(checks[0]))

size_t doctor_check_count(void)
{
	return NCHECKS;
}

const char *doctor_check_name(size_t i)
{
	return i < NCHECKS ? checks[i].name : NULL;
}

/* Messages may quote libvirt's or the kernel's text: keep them on one line. */
static void one_line(char *s)
{
	for (; *s; s++)
		if (*s == '\n' || *s == '\r')
			*s = ' ';
}

static void usage(FILE *out)
{
	fputs("usage: bench doctor\n"
	      "\n"
	      "Checks that this host can run bench: root, namespaces, cgroups, libvirtd,\n"
	      "/dev/kvm and the VM accelerator, gnuplot, the agent and the guest kernel.\n"
	      "Prints one line per check (ok, warn or FAIL, with a fix for the latter);\n"
	      "exits 0 when nothing FAILed, 1 otherwise.\n",
	      out);
}

int cmd_doctor(int argc, char **argv)
{
	static const char *const label[] = { "ok", "warn", "FAIL" };
	int failed = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return BENCH_EXIT_OK;
		}
		fprintf(stderr, "bench doctor: unknown argument '%s' (see: bench doctor --help)\n", argv[i]);
		return BENCH_EXIT_USAGE;
	}
	for (size_t i = 0; i < NCHECKS; i++) {
		struct result r = { .level = LVL_FAIL };

		checks[i].run(checks[i].arg, &r);
		one_line(r.detail);
		one_line(r.fix);
		printf("%-4s %s: %s", label[r.level], checks[i].name, r.detail);
		if (r.level != LVL_OK && r.fix[0])
			printf(" -- fix: %s", r.fix);
		putchar('\n');
		fflush(stdout);
		if (r.level == LVL_FAIL)
			failed = 1;
	}
	return failed ? BENCH_EXIT_FAIL : BENCH_EXIT_OK;
}
