/* The fleet run (deploy/ansible/bench.yml) end to end, against two
 * inventory hosts on this machine (ansible_connection=local, each with its
 * own install folder and results): `make dist`, the playbook (install from
 * the tarball, make setup, build, `bench run all`, fetch into
 * fleet/<host>/), then `bench report fleet/<star>` with a column per host.
 * Bounded: the suite is `--quick --only startup` on the host and container
 * runners, and the hosts build without optimisation (the pipeline is what is
 * tested, not the figures).  Its wall time is printed. */
#include <criterion/criterion.h>

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "../lib/clock.h"
#include "helpers.h"

#ifndef BENCH_TEST_ROOT
#define BENCH_TEST_ROOT "."
#endif

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st, (void)type, (void)ftw;
	return remove(path);
}

/* Runs argv with stdout and stderr into log; its exit status. */
static int run_logged(char *const *argv, const char *log)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);

		dup2(fd, 1);
		dup2(fd, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	cr_assert_gt(pid, 0);
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void tail_of(const char *log, char *out, size_t sz)
{
	FILE *f = fopen(log, "re");
	long len;
	size_t n = 0;

	out[0] = '\0';
	if (!f)
		return;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, len > (long)sz - 1 ? len - (long)sz + 1 : 0, SEEK_SET);
	n = fread(out, 1, sz - 1, f);
	out[n] = '\0';
	fclose(f);
}

Test(fleet, two_local_hosts_one_report_with_a_column_each, .timeout = 900)
{
	const char *bin = getenv("BENCH_BIN");
	char root[] = "/tmp/bench-fleet-XXXXXX", path[PATH_MAX], log[PATH_MAX], tarball[PATH_MAX], fleet[PATH_MAX];
	char dist_arg[PATH_MAX + 8], tarball_arg[PATH_MAX + 32], fleet_arg[PATH_MAX + 32], playbook[PATH_MAX];
	char md_path[PATH_MAX + 8];
	char tmp_env[PATH_MAX + 32], rtmp_env[PATH_MAX + 32], tail[2048], base[PATH_MAX], a[PATH_MAX + 8], b[PATH_MAX + 8];
	uint64_t t0;
	FILE *f;
	char *md;
	int rc;

	SKIP_UNLESS_ROOT();
	if (!bin)
		cr_skip_test("BENCH_BIN is not set (run through 'make test')");
	if (access("/usr/bin/ansible-playbook", X_OK) != 0)
		cr_skip_test("ansible-playbook is missing (make setup installs ansible)");
	cr_assert_not_null(mkdtemp(root));
	snprintf(log, sizeof(log), "%s/log", root);
	snprintf(tarball, sizeof(tarball), "%s/bench.tar.gz", root);
	snprintf(fleet, sizeof(fleet), "%s/fleet", root);
	snprintf(playbook, sizeof(playbook), "%s/deploy/ansible/bench.yml", BENCH_TEST_ROOT);

	/* Two hosts, each with its own install folder and results. */
	snprintf(path, sizeof(path), "%s/inventory.ini", root);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fprintf(f,
		"[bench]\n"
		"node-a bench_dir=%s/node-a\n"
		"node-b bench_dir=%s/node-b\n"
		"[bench:vars]\n"
		"ansible_connection=local\n"
		"ansible_python_interpreter=/usr/bin/python3\n",
		root, root);
	fclose(f);

	t0 = clock_now_ns();
	snprintf(dist_arg, sizeof(dist_arg), "DIST=%s", tarball);
	{
		char *argv[] = { "make", "-s", "-C", BENCH_TEST_ROOT, "dist", dist_arg, NULL };

		rc = run_logged(argv, log);
		tail_of(log, tail, sizeof(tail));
		cr_assert_eq(rc, 0, "make dist: %s", tail);
	}
	snprintf(tarball_arg, sizeof(tarball_arg), "bench_tarball=%s", tarball);
	snprintf(fleet_arg, sizeof(fleet_arg), "bench_fleet_dir=%s", fleet);
	snprintf(tmp_env, sizeof(tmp_env), "%s/.ansible-local", root);
	snprintf(rtmp_env, sizeof(rtmp_env), "%s/.ansible-remote", root);
	setenv("ANSIBLE_LOCAL_TEMP", tmp_env, 1);
	setenv("ANSIBLE_REMOTE_TEMP", rtmp_env, 1);
	setenv("ANSIBLE_NOCOLOR", "1", 1);
	setenv("ANSIBLE_RETRY_FILES_ENABLED", "0", 1);
	{
		char *argv[] = { "ansible-playbook", "-i", path, playbook, "-e", tarball_arg, "-e", fleet_arg,
				 "-e", "bench_options='--quick --only startup --runners host,container --runs 3'",
				 "-e", "{\"bench_make_env\": {\"CFLAGS\": \"-O0\"}}", NULL };

		rc = run_logged(argv, log);
		tail_of(log, tail, sizeof(tail));
		cr_assert_eq(rc, 0, "ansible-playbook: %s", tail);
	}
	/* The control node's command, as the README gives it. */
	snprintf(a, sizeof(a), "%s/node-a", fleet);
	snprintf(b, sizeof(b), "%s/node-b", fleet);
	snprintf(base, sizeof(base), "%s/report", root);
	{
		char *argv[] = { (char *)bin, "report", "--out", base, a, b, NULL };

		rc = run_logged(argv, log);
		tail_of(log, tail, sizeof(tail));
		cr_assert_eq(rc, 0, "bench report: %s", tail);
	}
	fprintf(stderr, "fleet: make dist, the playbook on 2 hosts and the report took %.0f s\n",
		(clock_now_ns() - t0) / 1e9);
	snprintf(md_path, sizeof(md_path), "%s.md", base);
	md = test_read_file(md_path, NULL);
	cr_assert_not_null(md);
	cr_expect(strstr(md, "### Across 2 hosts"), "%s", md);
	cr_expect(strstr(md, "| runner | metric | node-a | node-b | median across hosts | range | unit |"), "%s", md);
	cr_expect(strstr(md, "| container | ready |"), "%s", md);
	free(md);
	nftw(root, rm_entry, 32, FTW_DEPTH | FTW_PHYS);
}
