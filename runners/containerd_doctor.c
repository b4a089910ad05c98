/* The containerd runner's part of `bench doctor`: ctr, the daemon, the
 * runc v2 shim and runc. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "containerd_ctr.h"
#include "runner_hooks.h"

static void check_ctr(const void *arg, struct runner_check_result *r)
{
	bench_error err = { 0 };

	(void)arg;
	if (ctr_installed(&err) < 0) {
		runner_check_set(r, RUNNER_CHECK_FAIL, "%s", err.msg);
		runner_check_fix(r, "apt-get install " CTR_PACKAGE " (or: make setup)");
		return;
	}
	runner_check_set(r, RUNNER_CHECK_OK, "ctr found");
}

static void check_daemon(const void *arg, struct runner_check_result *r)
{
	static const char *const version[] = { "version", NULL };
	const char *sock = ctr_socket();
	bench_error err = { 0 };
	char out[2048], line[128];

	(void)arg;
	if (ctr_installed(&err) < 0 || ctr_daemon_check(sock, &err) < 0 ||
	    ctr_call(sock, version, -1, out, sizeof(out), 15000, &err) < 0) {
		runner_check_set(r, RUNNER_CHECK_FAIL, "%s", err.msg);
		if (geteuid() != 0)
			runner_check_fix(r, "sudo bench doctor");
		else
			runner_check_fix(r, "make setup (starts bench's containerd on " CTR_BENCH_SOCKET ")");
		return;
	}
	ctr_version_after(out, "Server:", "Version:", line, sizeof(line));
	runner_check_set(r, RUNNER_CHECK_OK, "containerd %s answers on %s", line[0] ? line : "(version unknown)",
			 sock);
}

/* A program containerd needs on PATH, asked for its version. */
struct tool {
	const char *prog;
	const char *version_flag;
	const char *package;
};

static void check_tool(const void *arg, struct runner_check_result *r)
{
	const struct tool *t = arg;
	const char *const version[] = { t->version_flag, NULL };
	bench_error err = { 0 };
	char out[1024], line[256];

	if (tool_call(t->prog, version, out, sizeof(out), 15000, &err) < 0) {
		runner_check_set(r, RUNNER_CHECK_FAIL, "%s", err.msg);
		runner_check_fix(r, "apt-get install %s (or: make setup)", t->package);
		return;
	}
	/* "runc version 1.1.5", or the shim's "Version:  1.6.20" line */
	ctr_version_after(out, NULL, "Version:", line, sizeof(line));
	if (!line[0])
		ctr_version_after(out, NULL, "version", line, sizeof(line));
	runner_check_set(r, RUNNER_CHECK_OK, "%s %s", t->prog, line[0] ? line : "(version unknown)");
}

static const struct tool shim = { "containerd-shim-runc-v2", "-v", CTR_PACKAGE };
static const struct tool runc = { "runc", "--version", "runc" };

const struct runner_check containerd_doctor_checks[] = {
	{ "ctr", check_ctr, NULL },
	{ "containerd", check_daemon, NULL },
	{ "runc v2 shim", check_tool, &shim },
	{ "runc", check_tool, &runc },
	{ NULL, NULL, NULL },
};
