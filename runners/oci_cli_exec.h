/* Running one command of an OCI runtime's CLI: fork and exec (never a
 * shell), with the stdio the caller gives, optionally in a private mount
 * namespace with the cgroup2 mount detached (crun on a hybrid host), and
 * waited for with a deadline.  Plus the small parsers of what a runtime
 * leaves behind (its pid file, its stderr), which are untrusted input. */
#ifndef BENCH_OCI_CLI_EXEC_H
#define BENCH_OCI_CLI_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../lib/error.h"
#include "../lib/process.h"

#define OCI_CMD_ARGS_MAX 24

struct oci_cmd {
	const char *argv[OCI_CMD_ARGS_MAX + 1]; /* argv[0]: an absolute path */
	int argc;
	int stdin_fd, stdout_fd, stderr_fd;     /* become 0, 1, 2 */
	int mntns_fd;                           /* run in this mount namespace
						   (oci_private_mntns); -1: bench's */
};

/* A mount namespace of bench's own, private, with the mount at hide
 * detached (crun on a hybrid host: the cgroup2 mount), made once and kept
 * by its fd, so each command only joins it (setns) instead of paying for
 * an unshare and an unmount.  Returns the fd (close-on-exec), or -1 and
 * *err. */
int oci_private_mntns(const char *hide, bench_error *err);

/* Appends one argument (ignored past OCI_CMD_ARGS_MAX). */
void oci_cmd_arg(struct oci_cmd *c, const char *arg);

/* Starts it and returns at once: *ch tracks the runtime's process (child_wait,
 * child_kill).  `<runtime> run` is started so: it lasts as long as the
 * container.  0, or -1 with *err. */
int oci_cmd_spawn(const struct oci_cmd *c, struct child *ch, bench_error *err);

/* Runs it and waits until it exits or the deadline passes (then it is
 * killed).  0 with *status (a wait status), or -1 with *err. */
int oci_cmd_run(const struct oci_cmd *c, uint64_t deadline_ns, int *status, bench_error *err);

/* The pid in a runtime's --pid-file text: decimal digits, an optional
 * newline, 1 .. INT_MAX.  -1 with *err otherwise. */
int oci_parse_pid(const char *text, size_t len, pid_t *pid, bench_error *err);

/* The last non-empty line of a runtime's stderr text, as one printable
 * line (control bytes and non-ASCII become '?', cut to outsz - 1); "" when
 * there is none. */
void oci_last_line(const char *text, size_t len, char *out, size_t outsz);

/* Reads at most the last maxlen bytes of a file (never through a link)
 * into buf (NUL-terminated); returns the length, or -1. */
ssize_t oci_read_tail(const char *path, char *buf, size_t maxlen);

#endif
