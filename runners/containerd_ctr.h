/* ctr, containerd's own client, as the containerd runner, its doctor and
 * its cleanup start it: posix_spawn (no shell), in a process group of its
 * own, on the socket of the containerd bench uses and in bench's
 * namespace, its stderr kept in a memory file so that a failure says ctr's
 * own last line. */
#ifndef BENCH_CONTAINERD_CTR_H
#define BENCH_CONTAINERD_CTR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lib/error.h"
#include "../lib/process.h"

/* The containerd namespace every bench object lives in; names in it also
 * carry the run id (lib/run_id.h). */
#define CTR_NAMESPACE "bench"
/* Where `make setup` starts bench's own containerd, and the system's. */
#define CTR_BENCH_SOCKET "/run/bench/containerd/containerd.sock"
#define CTR_SYSTEM_SOCKET "/run/containerd/containerd.sock"
#define CTR_PACKAGE "containerd"
#define CTR_ARGS_MAX 24

/* The socket to use: $BENCH_CONTAINERD_SOCK, else bench's when it exists,
 * else the system's when it exists, else bench's. */
const char *ctr_socket(void);

/* 0 when something accepts a connection on sock, else -1 with *err in one
 * line that says how to start containerd. */
int ctr_daemon_check(const char *sock, bench_error *err);

/* 0 when ctr is on PATH, else -1 with *err naming the package. */
int ctr_installed(bench_error *err);

struct ctr_proc {
	struct child ch;
	int errfd;        /* memfd holding ctr's stderr; -1 when none */
};

/* Starts `ctr -a <socket> -n bench args...` (args NULL-terminated) with
 * in_fd and out_fd as its stdin and stdout.  0, or -1 with *err. */
int ctr_start(struct ctr_proc *p, const char *sock, const char *const *args, int in_fd, int out_fd,
	      bench_error *err);

/* Waits for it (deadline on clock_now_ns()'s scale) and fills *status
 * with its wait status.  -1 with *err on timeout or Ctrl-C (it still runs
 * then). */
int ctr_wait(struct ctr_proc *p, uint64_t deadline_ns, int *status, bench_error *err);

/* Kills it if it still runs, reaps it, closes its stderr.  Idempotent. */
void ctr_release(struct ctr_proc *p);

/* The last non-empty line of its stderr so far, printable ASCII only and
 * cut to len ("" when none). */
void ctr_stderr_tail(const struct ctr_proc *p, char *buf, size_t len);

/* The last non-empty line of text[0..n) into buf: bytes outside printable
 * ASCII become '?', and it is cut to len.  Pure (fuzzed). */
void ctr_last_line(const char *text, size_t n, char *buf, size_t len);

/* Runs ctr to the end: stdin in_fd (-1: /dev/null), stdout into out (NUL-terminated,
 * cut to outlen; out may be NULL), within timeout_ms.  A non-zero exit
 * fails with ctr's last stderr line.  0, or -1 with *err. */
int ctr_call(const char *sock, const char *const *args, int in_fd, char *out, size_t outlen, int timeout_ms,
	     bench_error *err);

/* As ctr_call, for another program on PATH (runc --version): argv[0] is
 * prog, args the rest. */
int tool_call(const char *prog, const char *const *args, char *out, size_t outlen, int timeout_ms, bench_error *err);

/* The word after the first key ("Version:") that follows after (NULL:
 * from the start) in text: printable ASCII, cut to len; "" when none.
 * Pure (fuzzed). */
void ctr_version_after(const char *text, const char *after, const char *key, char *out, size_t len);

/* Calls fn for each line of out that is a plausible object name (1-255
 * bytes of letters, digits and ._-:/@+); the others are skipped.  fn may
 * modify nothing in out.  Pure (fuzzed). */
void ctr_each_name(const char *out, void (*fn)(const char *name, void *arg), void *arg);

#endif
