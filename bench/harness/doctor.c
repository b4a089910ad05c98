/* `bench doctor`: a table of small checks, each printing exactly one line:
 * the harness's own (root, gnuplot, the agent) around each runner's
 * (runner_ops.doctor). */
#include "doctor.h"
#include "agent_path.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/error.h"
#include "../../runners/runner.h"

/* --- root ----------------------------------------------------------------- */

static void check_root(const void *arg, struct runner_check_result *r)
{
	uid_t euid = geteuid();

	(void)arg;
	if (euid == 0) {
		runner_check_set(r, RUNNER_CHECK_OK, "running as root");
		return;
	}
	runner_check_set(r, RUNNER_CHECK_FAIL, "running as uid %u: containers, cgroups and libvirt's system instance need root",
	    (unsigned)euid);
	runner_check_fix(r, "sudo bench doctor");
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

static void check_gnuplot(const void *arg, struct runner_check_result *r)
{
	char found[PATH_MAX];

	(void)arg;
	if (on_path("gnuplot", found, sizeof(found))) {
		runner_check_set(r, RUNNER_CHECK_OK, "%s", found);
		return;
	}
	runner_check_set(r, RUNNER_CHECK_WARN, "not on PATH: runs work, plots are not drawn");
	runner_check_fix(r, "apt-get install --no-install-recommends gnuplot-nox");
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

static void check_agent(const void *arg, struct runner_check_result *r)
{
	char path[PATH_MAX];
	bench_error err = { 0 };
	int st;

	(void)arg;
	if (agent_locate(path, sizeof(path), &err) < 0) {
		runner_check_set(r, RUNNER_CHECK_FAIL, "%s", err.msg);
		runner_check_fix(r, "make all (in the source tree; make install puts it in <prefix>/libexec/bench)");
		return;
	}
	st = elf_is_static(path);
	if (st == 1) {
		runner_check_set(r, RUNNER_CHECK_OK, "%s (static)", path);
		return;
	}
	runner_check_set(r, RUNNER_CHECK_FAIL, "%s is %s: the agent must be one static binary", path,
	    st == 0 ? "dynamically linked" : "not a 64-bit ELF executable");
	runner_check_fix(r, "make clean all (builds bin/bench-agent with musl-gcc -static)");
}

/* --- the table ------------------------------------------------------------ */

static const struct runner_check first[] = {
	{ "root", check_root, NULL },
};

static const struct runner_check last[] = {
	{ "gnuplot", check_gnuplot, NULL },
	{ "agent", check_agent, NULL },
};

#define NFIRST (sizeof(first) / sizeof(first[0]))
#define NLAST (sizeof(last) / sizeof(last[0]))

/* Check i: the harness's first, then each runner's in the table's order,
 * then the harness's last; NULL past the end. */
static const struct runner_check *check_at(size_t i)
{
	if (i < NFIRST)
		return &first[i];
	i -= NFIRST;
	for (const struct runner_ops *const *r = runner_table; *r; r++)
		for (const struct runner_check *c = (*r)->doctor; c && c->name; c++)
			if (i-- == 0)
				return c;
	return i < NLAST ? &last[i] : NULL;
}

size_t doctor_check_count(void)
{
	size_t n = 0;

	while (check_at(n))
		n++;
	return n;
}

const char *doctor_check_name(size_t i)
{
	const struct runner_check *c = check_at(i);

	return c ? c->name : NULL;
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
	for (size_t i = 0; check_at(i); i++) {
		const struct runner_check *c = check_at(i);
		struct runner_check_result r = { .level = RUNNER_CHECK_FAIL };

		c->run(c->arg, &r);
		one_line(r.detail);
		one_line(r.fix);
		printf("%-4s %s: %s", label[r.level], c->name, r.detail);
		if (r.level != RUNNER_CHECK_OK && r.fix[0])
			printf(" -- fix: %s", r.fix);
		putchar('\n');
		fflush(stdout);
		if (r.level == RUNNER_CHECK_FAIL)
			failed = 1;
	}
	return failed ? BENCH_EXIT_FAIL : BENCH_EXIT_OK;
}
