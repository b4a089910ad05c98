/* One probe of a runner: the agent's readings of every channel, the host's
 * readings of the same channels at the same moment, a burst of host
 * activity between the agent's two reads of the counters, and what the host
 * sees of the workload meanwhile. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../lib/clock.h"
#include "isolation.h"

/* ---- markers ------------------------------------------------------------ */

int iso_markers_plant(struct iso_markers *m, const char *run_id, bench_error *err)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1 };
	struct stat st;
	char line[96];
	int fd;

	memset(m, 0, sizeof(*m));
	m->lock_fd = -1;
	/* A word only this run writes, in characters a kernel command line
	 * takes. */
	snprintf(m->kmsg, sizeof(m->kmsg), "benchmark-%s", run_id);
	fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		int n = snprintf(line, sizeof(line), "<6>bench isolation probe: %s\n", m->kmsg);

		if (write(fd, line, (size_t)n) != n)
			m->kmsg[0] = '\0';
		close(fd);
	} else {
		m->kmsg[0] = '\0';
	}
	/* A POSIX lock on a memfd: nothing on disk to clean up, and it goes
	 * with the process. */
	m->lock_fd = memfd_create("bench-isolation-lock", MFD_CLOEXEC);
	if (m->lock_fd < 0)
		return bench_fail(err, errno, "isolation: memfd_create");
	if (ftruncate(m->lock_fd, 1) != 0 || fcntl(m->lock_fd, F_SETLK, &fl) != 0 || fstat(m->lock_fd, &st) != 0) {
		bench_fail(err, errno, "isolation: locking a memfd");
		iso_markers_remove(m);
		return -1;
	}
	snprintf(m->lock, sizeof(m->lock), "%02x:%02x:%lu", major(st.st_dev), minor(st.st_dev),
		 (unsigned long)st.st_ino);
	return 0;
}

void iso_markers_remove(struct iso_markers *m)
{
	if (m->lock_fd >= 0)
		close(m->lock_fd);
	m->lock_fd = -1;
}

/* ---- the host's burst ------------------------------------------------------ */

static void sleep_us(long us)
{
	struct timespec ts = { .tv_sec = us / 1000000, .tv_nsec = (us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}

/* Runs in a child of the harness: forks (the fork counter), a ping-pong
 * with a grandchild on another CPU (context switches, wake-up IPIs) and
 * short sleeps (timer events). */
static __attribute__((noreturn)) void burst_child(int ms)
{
	uint64_t deadline = clock_now_ns() + (uint64_t)ms * 1000000u;
	int to[2], from[2];
	pid_t echo;
	char c = 'x';

	for (int i = 0; i < 200; i++) {
		pid_t p = fork();

		if (p == 0)
			_exit(0);
		if (p > 0)
			waitpid(p, NULL, 0);
	}
	if (pipe(to) != 0 || pipe(from) != 0)
		_exit(1);
	echo = fork();
	if (echo == 0) {
		cpu_set_t set;
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		CPU_ZERO(&set);
		CPU_SET(n > 1 ? (int)n - 1 : 0, &set);
		sched_setaffinity(0, sizeof(set), &set);
		close(to[1]);
		close(from[0]);
		while (read(to[0], &c, 1) == 1)
			if (write(from[1], &c, 1) != 1)
				break;
		_exit(0);
	}
	close(to[0]);
	close(from[1]);
	for (unsigned i = 0; echo > 0 && clock_now_ns() < deadline; i++) {
		if (write(to[1], &c, 1) != 1 || read(from[0], &c, 1) != 1)
			break;
		if (i % 4 == 0)
			sleep_us(20);
	}
	close(to[1]);
	close(from[0]);
	if (echo > 0)
		waitpid(echo, NULL, 0);
	_exit(0);
}

int iso_host_burst(int ms, bench_error *err)
{
	uint64_t deadline = clock_now_ns() + (uint64_t)(ms + 5000) * 1000000u;
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return bench_fail(err, errno, "isolation: fork for the host burst");
	if (pid == 0)
		burst_child(ms);
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			return bench_fail(err, errno, "isolation: waiting for the host burst");
		if (clock_now_ns() > deadline) {
			/* The burst's own children die with it (pipes close). */
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return bench_fail(err, 0, "isolation: the host burst did not end in time");
		}
		sleep_us(2000);
	}
	return 0;
}

/* ---- the probe -------------------------------------------------------------- */

static int channel_index(const char *name)
{
	for (int ch = 0; name && ch < PC_COUNT; ch++)
		if (strcmp(probe_channel_names[ch], name) == 0)
			return ch;
	return -1;
}

/* A DATA record of the agent into a reading: every field is bounded. */
static int parse_reading(const struct agent_record *rec, struct iso_reading *rd, bench_error *err)
{
	const char *v = record_get(rec, "v");
	uint64_t num;

	memset(rd, 0, sizeof(*rd));
	rd->present = true;
	snprintf(rd->pv.v, sizeof(rd->pv.v), "%s", v ? v : "");
	if (record_get(rec, "n")) {
		if (record_get_u64(rec, "n", &num, err) < 0)
			return -1;
		rd->pv.has_n = 1;
		rd->pv.n = num;
	}
	if (record_get(rec, "c")) {
		if (record_get_u64(rec, "c", &num, err) < 0)
			return -1;
		rd->pv.has_counter = 1;
		rd->pv.counter = num;
	}
	if (record_get(rec, "err")) {
		if (record_get_u64(rec, "err", &num, err) < 0)
			return -1;
		rd->pv.err = num == 0 ? 0 : num > 4095 ? 4095 : (int)num;
	}
	return 0;
}

static void read_host(struct iso_probe_result *p, const struct iso_markers *m, int slot, bool counters_only)
{
	struct probe_markers pm = { m->kmsg, m->lock };

	for (int ch = 0; ch < PC_COUNT; ch++) {
		if (counters_only && !probe_channel_has_counter(ch))
			continue;
		p->obs[ch].host[slot].present = true;
		probe_read_channel(ch, &pm, &p->obs[ch].host[slot].pv);
	}
}

/* The agent paused: read the host, look at the workload, burst. */
static int on_sync(struct iso_run *run, struct iso_probe_result *p, struct runner *r, struct instance *in,
		   bench_error *err)
{
	bench_error hverr = { 0 };

	read_host(p, &run->markers, 0, false);
	/* The host's name for the workload's cgroup, not for bench's own: the
	 * runner may put its workload in a cgroup of its own. */
	if (runner_has(r->ops, RUNNER_CAP_HOST_PIDS) && in->host_pid > 0) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)in->host_pid);
		memset(&p->obs[PC_CGROUP].host[0].pv, 0, sizeof(p->obs[PC_CGROUP].host[0].pv));
		probe_read_cgroup(&p->obs[PC_CGROUP].host[0].pv, path);
	}
	/* This host's /proc knows nothing of a workload on another machine. */
	p->hv_remote = r->remote != NULL;
	p->hv_ok = !p->hv_remote && iso_hostview_collect(r->ops->name, in->host_pid, &p->hv, &hverr) == 0;
	if (iso_host_burst(run->burst_ms, err) < 0)
		return -1;
	read_host(p, &run->markers, 1, true);
	return 0;
}

int iso_probe_after_ready(void *ctx, struct runner *r, struct instance *in, bool measured, struct results *res,
			  bench_error *err)
{
	struct iso_run *run = ctx;
	struct iso_probe_result *p;
	struct agent_record rec;
	bool synced = false;
	int timeout = r->cfg->timeout_ms > 0 ? r->cfg->timeout_ms : 60000;

	if (!measured)
		return 0;
	if (r->remote)
		results_meta_note(res->meta,
				  "isolation: %s ran on another machine (%s): what the host sees of it is not measurable "
				  "over a remote connection, and each channel's host side was read on this machine, not "
				  "on that one",
				  r->ops->name, r->remote);
	if (run->nprobes >= ISO_PROBES_MAX)
		return bench_fail(err, 0, "isolation: more than %d probes", ISO_PROBES_MAX);
	p = &run->probes[run->nprobes];
	memset(p, 0, sizeof(*p));
	snprintf(p->runner, sizeof(p->runner), "%s", r->ops->name);
	snprintf(p->profile, sizeof(p->profile), "%s",
		 runner_has(r->ops, RUNNER_CAP_PROFILES) ? (run->profile ? run->profile : "plain") : "none");
	/* Each channel at most twice, the sync and DONE: more is not the
	 * agent we built. */
	for (int nrec = 0;; nrec++) {
		int ch;

		if (nrec > 2 * PC_COUNT + 4)
			return bench_fail(err, 0, "isolation: %s: the probe sent too many records", r->ops->name);
		if (r->ops->collect(r, in, &rec, timeout + run->pause_ms, err) < 0)
			return bench_error_prefix(err, "isolation: probe");
		if (strcmp(rec.type, BENCH_REC_DONE) == 0)
			break;
		if (strcmp(rec.type, BENCH_REC_ERROR) == 0)
			return bench_fail(err, 0, "isolation: %s: the probe failed: %s", r->ops->name,
					  record_get(&rec, "msg") ? record_get(&rec, "msg") : "(no message)");
		if (strcmp(rec.type, BENCH_REC_DATA) != 0)
			return bench_fail(err, 0, "isolation: %s: unexpected %s record from the probe", r->ops->name,
					  rec.type);
		if (record_get(&rec, "sync")) {
			if (synced)
				return bench_fail(err, 0, "isolation: %s: the probe synchronised twice", r->ops->name);
			synced = true;
			if (on_sync(run, p, r, in, err) < 0)
				return -1;
			continue;
		}
		ch = channel_index(record_get(&rec, "ch"));
		if (ch < 0)
			return bench_fail(err, 0, "isolation: %s: the probe reported an unknown channel", r->ops->name);
		if (parse_reading(&rec, &p->obs[ch].inside[synced ? 1 : 0], err) < 0)
			return bench_error_prefix(err, "isolation: %s: channel %s", r->ops->name,
						  probe_channel_names[ch]);
	}
	if (!synced)
		return bench_fail(err, 0, "isolation: %s: the probe ended without its pause", r->ops->name);
	run->cx.same_kernel = iso_same_kernel(p->obs);
	for (int ch = 0; ch < PC_COUNT; ch++)
		p->verdict[ch] = iso_decide(ch, &p->obs[ch], &run->cx, p->why[ch], sizeof(p->why[ch]));
	run->nprobes++;
	return 0;
}
