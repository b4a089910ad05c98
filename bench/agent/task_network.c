/* The network task: the client of `bench run network`.
 *
 *   bench-agent network --server=peer|A.B.C.D --port=N [--rr=N] [--batches=N]
 *                       [--stream-ms=N] [--loopback=0|1] [--wait-ms=N]
 *                       [--net=A.B.C.D/P] [--patterns=LIST]
 *
 * --net (a VM's agent): gives eth0 that address first.  "peer" is the
 * host's end of the instance's /30 on eth0 (its first usable address),
 * which the harness may address only after the agent started: the agent
 * waits for it, --wait-ms at most.  For each path (the instance's own
 * loopback, against a server this agent forks, when --loopback=1; then the
 * link to bench's server) it runs the four patterns, or those --patterns
 * names, over the wire protocol of lib/net_wire.h, each on a connection of
 * its own:
 *   rr1    1-byte request, 1-byte response (netperf TCP_RR)
 *   rr200  100-byte request, 200-byte response
 *   up     this side sends (iperf3's default direction)
 *   down   the server sends (iperf3 -R)
 * RR patterns: a warm-up of a tenth, then --batches batches of --rr
 * transactions (each batch also stops after RR_BATCH_MS), one DATA record
 * per batch (count, time, p50, p99) and the whole pattern's latency as 100
 * evenly spaced quantiles (kind=cdf).  Streams: one unmeasured interval,
 * then --batches intervals of --stream-ms, one DATA record each with the
 * bytes the receiving side got (down: read here; up: acknowledged by the
 * server's TCP).  Only RR connections set TCP_NODELAY
 * (net_wire_client_options). */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#include "../../lib/agent_protocol.h"
#include "../../lib/net_wire.h"
#include "emit.h"
#include "tasks.h"

#define RR_BATCH_MS 3000u
#define CDF_POINTS 100
#define CDF_PER_RECORD 20
#define BATCHES_MAX 1000u
#define RR_MAX 1000000u

struct net_args {
	char server[32];
	unsigned port, rr, batches, stream_ms, wait_ms;
	unsigned patterns; /* a mask of enum net_wire_pattern */
	int loopback;
	char net[32];
};

static int parse_u(const char *s, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int parse_args(int argc, char **argv, struct net_args *a, char *msg, size_t msgsz)
{
	unsigned lo = 1;

	memset(a, 0, sizeof(*a));
	a->rr = 2000;
	a->batches = 5;
	a->stream_ms = 200;
	a->wait_ms = 10000;
	a->patterns = NET_WIRE_ALL_PATTERNS;
	for (int i = 0; i < argc; i++) {
		const char *s = argv[i];
		int bad = 0;

		if (strncmp(s, "--server=", 9) == 0)
			bad = strlen(s + 9) >= sizeof(a->server) || !s[9] ||
			      !memcpy(a->server, s + 9, strlen(s + 9) + 1);
		else if (strncmp(s, "--net=", 6) == 0)
			bad = strlen(s + 6) >= sizeof(a->net) || !memcpy(a->net, s + 6, strlen(s + 6) + 1);
		else if (strncmp(s, "--port=", 7) == 0)
			bad = parse_u(s + 7, 65535, &a->port) || a->port == 0;
		else if (strncmp(s, "--rr=", 5) == 0)
			bad = parse_u(s + 5, RR_MAX, &a->rr) || a->rr == 0;
		else if (strncmp(s, "--batches=", 10) == 0)
			bad = parse_u(s + 10, BATCHES_MAX, &a->batches) || a->batches == 0;
		else if (strncmp(s, "--stream-ms=", 12) == 0)
			bad = parse_u(s + 12, 10000, &a->stream_ms) || a->stream_ms == 0;
		else if (strncmp(s, "--wait-ms=", 10) == 0)
			bad = parse_u(s + 10, 60000, &a->wait_ms);
		else if (strncmp(s, "--patterns=", 11) == 0)
			bad = net_wire_patterns_parse(s + 11, &a->patterns);
		else if (strncmp(s, "--loopback=", 11) == 0)
			bad = parse_u(s + 11, 1, &lo);
		else
			bad = 1;
		if (bad) {
			snprintf(msg, msgsz, "network: bad argument '%.64s'", s);
			return -1;
		}
	}
	a->loopback = (int)lo;
	if (!a->server[0] || !a->port) {
		snprintf(msg, msgsz, "network: --server and --port are needed");
		return -1;
	}
	return 0;
}

/* ---- interfaces (ioctl: the agent has no tools) -------------------------- */

static int if_up(int s, const char *name)
{
	struct ifreq ifr = { 0 };

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) != 0)
		return -1;
	if (ifr.ifr_flags & IFF_UP)
		return 0;
	ifr.ifr_flags |= IFF_UP;
	return ioctl(s, SIOCSIFFLAGS, &ifr);
}

/* --net=A.B.C.D/P on eth0 (a VM, whose agent is /init). */
static int configure_eth0(int s, const char *spec, char *msg, size_t msgsz)
{
	char addr[32], *slash;
	unsigned prefix = 0;
	struct ifreq ifr = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;

	snprintf(addr, sizeof(addr), "%s", spec);
	slash = strchr(addr, '/');
	if (!slash || parse_u(slash + 1, 32, &prefix) < 0 || prefix == 0) {
		snprintf(msg, msgsz, "network: --net=%.32s is not A.B.C.D/P", spec);
		return -1;
	}
	*slash = '\0';
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "eth0");
	sin->sin_family = AF_INET;
	if (inet_pton(AF_INET, addr, &sin->sin_addr) != 1) {
		snprintf(msg, msgsz, "network: --net=%.32s is not A.B.C.D/P", spec);
		return -1;
	}
	if (ioctl(s, SIOCSIFADDR, &ifr) != 0)
		goto fail;
	sin->sin_addr.s_addr = htonl(~0u << (32 - prefix));
	if (ioctl(s, SIOCSIFNETMASK, &ifr) != 0 || if_up(s, "eth0") != 0)
		goto fail;
	return 0;
fail:
	snprintf(msg, msgsz, "network: configuring eth0: %s", strerror(errno));
	return -1;
}

/* The first usable address of eth0's subnet, once eth0 has one. */
static int peer_of_eth0(int s, unsigned wait_ms, struct in_addr *peer, unsigned *mtu)
{
	uint64_t end = net_wire_now_ns() + (uint64_t)wait_ms * 1000000u;

	for (;;) {
		struct ifreq a = { 0 }, m = { 0 };

		snprintf(a.ifr_name, sizeof(a.ifr_name), "eth0");
		snprintf(m.ifr_name, sizeof(m.ifr_name), "eth0");
		if (ioctl(s, SIOCGIFADDR, &a) == 0 && ioctl(s, SIOCGIFNETMASK, &m) == 0) {
			uint32_t ad = ntohl(((struct sockaddr_in *)&a.ifr_addr)->sin_addr.s_addr);
			uint32_t mk = ntohl(((struct sockaddr_in *)&m.ifr_netmask)->sin_addr.s_addr);

			peer->s_addr = htonl((ad & mk) + 1u);
			if (ioctl(s, SIOCGIFMTU, &m) == 0)
				*mtu = (unsigned)m.ifr_mtu;
			return 0;
		}
		if (net_wire_now_ns() >= end)
			return -1;
		usleep(10000);
	}
}

/* ---- the client ---------------------------------------------------------- */

static int dial(struct in_addr addr, unsigned port, unsigned wait_ms, const struct net_wire_header *h)
{
	uint64_t end = net_wire_now_ns() + (uint64_t)wait_ms * 1000000u;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr = addr };
	unsigned char hdr[NET_WIRE_HEADER];

	for (;;) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd < 0)
			return -1;
		net_wire_timeouts(fd, 5);
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			net_wire_client_options(fd, h->op);
			net_wire_encode(h, hdr);
			if (net_wire_write_full(fd, hdr, sizeof(hdr)) == 0)
				return fd;
		}
		close(fd);
		/* The link or the server may not be there yet. */
		if (net_wire_now_ns() >= end)
			return -1;
		usleep(20000);
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t quantile(const uint64_t *sorted, size_t n, double q)
{
	size_t i = (size_t)(q * (double)(n - 1) + 0.5);

	return sorted[i < n ? i : n - 1];
}

static void emit_head(struct emit *e, const char *kind, const char *path, const char *pattern)
{
	emit_begin(e, BENCH_REC_DATA);
	emit_str(e, "kind", kind);
	emit_str(e, "path", path);
	emit_str(e, "pattern", pattern);
}

static int run_rr(int out, const struct net_args *a, struct in_addr addr, unsigned port, const char *path,
		  const char *pattern, unsigned req, unsigned resp, char *msg, size_t msgsz)
{
	struct net_wire_header h = { NET_WIRE_RR, req, resp,
				     (a->batches + 1) * RR_BATCH_MS + 2000u };
	size_t cap = (size_t)a->batches * a->rr, total = 0;
	uint64_t *lat = calloc(cap, sizeof(*lat)), *sorted = calloc(a->rr, sizeof(*sorted));
	char buf[NET_WIRE_MSG_MAX];
	int fd = -1, rc = -1;
	unsigned warm = a->rr / 10 + 1;

	memset(buf, 'a', sizeof(buf));
	if (!lat || !sorted) {
		snprintf(msg, msgsz, "network: out of memory");
		goto out;
	}
	fd = dial(addr, port, a->wait_ms, &h);
	if (fd < 0) {
		snprintf(msg, msgsz, "network: %s %s: cannot reach the server: %s", path, pattern, strerror(errno));
		goto out;
	}
	for (unsigned i = 0; i < warm; i++)
		if (net_wire_write_full(fd, buf, req) < 0 || net_wire_read_full(fd, buf, resp) != 1)
			goto broken;
	for (unsigned b = 0; b < a->batches; b++) {
		uint64_t t0 = net_wire_now_ns(), end = t0 + (uint64_t)RR_BATCH_MS * 1000000u, t = t0;
		size_t n = 0;
		struct emit e;

		while (n < a->rr && t < end) {
			uint64_t s = t;

			if (net_wire_write_full(fd, buf, req) < 0 || net_wire_read_full(fd, buf, resp) != 1)
				goto broken;
			t = net_wire_now_ns();
			lat[total + n++] = t - s;
		}
		memcpy(sorted, lat + total, n * sizeof(*sorted));
		qsort(sorted, n, sizeof(*sorted), cmp_u64);
		emit_head(&e, "rr", path, pattern);
		emit_u64(&e, "batch", b);
		emit_u64(&e, "n", n);
		emit_u64(&e, "ns", t - t0);
		emit_u64(&e, "p50", quantile(sorted, n, 0.50));
		emit_u64(&e, "p99", quantile(sorted, n, 0.99));
		if (emit_end(&e, out) != 0)
			goto out;
		total += n;
	}
	qsort(lat, total, sizeof(*lat), cmp_u64);
	for (unsigned first = 0; first < CDF_POINTS; first += CDF_PER_RECORD) {
		struct emit e;

		emit_head(&e, "cdf", path, pattern);
		emit_u64(&e, "first", first);
		for (unsigned k = first; k < first + CDF_PER_RECORD; k++) {
			char key[8];

			snprintf(key, sizeof(key), "q%u", k - first);
			emit_u64(&e, key, quantile(lat, total, (k + 0.5) / CDF_POINTS));
		}
		if (emit_end(&e, out) != 0)
			goto out;
	}
	rc = 0;
	goto out;
broken:
	snprintf(msg, msgsz, "network: %s %s: the connection broke: %s", path, pattern,
		 errno ? strerror(errno) : "end of file");
out:
	if (fd >= 0)
		close(fd);
	free(lat);
	free(sorted);
	return rc;
}

/* The kernel's struct tcp_info (include/uapi/linux/tcp.h) as far as
 * tcpi_bytes_acked (4.1), written out: glibc's <netinet/tcp.h> stops before
 * it, and the agent carries no kernel headers. */
struct tcp_info_head {
	uint8_t state_to_wscale[8];
	uint32_t rto_to_total_retrans[24];
	uint64_t pacing_rate, max_pacing_rate, bytes_acked;
};
_Static_assert(offsetof(struct tcp_info_head, bytes_acked) == 120, "tcpi_bytes_acked is at 120");

/* The bytes of fd's connection that the other side's TCP acknowledged,
 * that is, received: -1 where the kernel's TCP_INFO is too old to say. */
static int bytes_acked(int fd, uint64_t *acked)
{
	struct tcp_info_head ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0 || len < sizeof(ti))
		return -1;
	*acked = ti.bytes_acked;
	return 0;
}

static int run_stream(int out, const struct net_args *a, struct in_addr addr, unsigned port, const char *path,
		      int up, char *msg, size_t msgsz)
{
	struct net_wire_header h = { up ? NET_WIRE_SINK : NET_WIRE_SOURCE, 0, 0,
				     (a->batches + 1) * a->stream_ms + 2000u };
	char *buf = malloc(NET_WIRE_STREAM_BUF);
	const char *pattern = up ? "up" : "down";
	int fd = -1, rc = -1;

	if (!buf) {
		snprintf(msg, msgsz, "network: out of memory");
		return -1;
	}
	memset(buf, 'u', NET_WIRE_STREAM_BUF);
	fd = dial(addr, port, a->wait_ms, &h);
	if (fd < 0) {
		snprintf(msg, msgsz, "network: %s %s: cannot reach the server: %s", path, pattern, strerror(errno));
		free(buf);
		return -1;
	}
	/* Interval 0 fills the buffers on the way and is not reported. */
	for (unsigned b = 0; b <= a->batches; b++) {
		uint64_t t0 = net_wire_now_ns(), end = t0 + (uint64_t)a->stream_ms * 1000000u, t = t0;
		uint64_t acked0 = 0, acked1 = 0;
		unsigned long long bytes = 0;
		int by_ack = up && bytes_acked(fd, &acked0) == 0;
		struct emit e;

		while (t < end) {
			ssize_t n = up ? send(fd, buf, NET_WIRE_STREAM_BUF, MSG_NOSIGNAL)
				       : read(fd, buf, NET_WIRE_STREAM_BUF);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				snprintf(msg, msgsz, "network: %s %s: the connection broke: %s", path, pattern,
					 n < 0 ? strerror(errno) : "end of file");
				goto out;
			}
			bytes += (unsigned long long)n;
			t = net_wire_now_ns();
		}
		if (b == 0)
			continue;
		/* Sending, what the receiver got in the interval, as a reader
		 * counts it (iperf3's sum_received), rather than what entered
		 * the send buffer; where TCP_INFO cannot say, the latter,
		 * the same in the steady state of a full buffer. */
		if (by_ack && bytes_acked(fd, &acked1) == 0 && acked1 >= acked0)
			bytes = acked1 - acked0;
		emit_head(&e, "stream", path, pattern);
		emit_u64(&e, "batch", b - 1);
		emit_u64(&e, "bytes", bytes);
		emit_u64(&e, "ns", t - t0);
		if (emit_end(&e, out) != 0)
			goto out;
	}
	rc = 0;
out:
	close(fd);
	free(buf);
	return rc;
}

static int run_path(int out, const struct net_args *a, struct in_addr addr, unsigned port, const char *path,
		    char *msg, size_t msgsz)
{
	unsigned want = a->patterns;

	if (((want & 1u << NET_WIRE_RR1) && run_rr(out, a, addr, port, path, "rr1", 1, 1, msg, msgsz) < 0) ||
	    ((want & 1u << NET_WIRE_RR200) && run_rr(out, a, addr, port, path, "rr200", 100, 200, msg, msgsz) < 0) ||
	    ((want & 1u << NET_WIRE_UP) && run_stream(out, a, addr, port, path, 1, msg, msgsz) < 0) ||
	    ((want & 1u << NET_WIRE_DOWN) && run_stream(out, a, addr, port, path, 0, msg, msgsz) < 0))
		return -1;
	return 0;
}

/* The loopback baseline's server: a child of this agent on 127.0.0.1,
 * serving one connection at a time until its parent is gone or its time
 * is up. */
static pid_t loopback_server(unsigned max_ms, unsigned *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	pid_t parent = getpid(), pid;

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, 4) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*port = ntohs(sa.sin_port);
	pid = fork();
	if (pid == 0) {
		uint64_t end = net_wire_now_ns() + (uint64_t)max_ms * 1000000u;
		char *buf = malloc(NET_WIRE_STREAM_BUF);

		while (buf && net_wire_now_ns() < end && getppid() == parent) {
			struct pollfd p = { .fd = fd, .events = POLLIN };
			int c;

			if (poll(&p, 1, 100) <= 0)
				continue;
			c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
			if (c < 0)
				continue;
			net_wire_serve(c, buf, NULL);
			close(c);
		}
		_exit(0);
	}
	close(fd);
	return pid;
}

int task_network(struct task_ctx *ctx)
{
	struct net_args a;
	char msg[200];
	struct in_addr server = { 0 }, lo = { .s_addr = htonl(INADDR_LOOPBACK) };
	unsigned mtu = 0, lport = 0;
	pid_t srv = -1;
	int s, rc = 1;
	struct emit e;

	if (parse_args(ctx->argc, ctx->argv, &a, msg, sizeof(msg)) < 0) {
		emit_error(ctx->out, msg);
		return 2;
	}
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0 || (a.net[0] && configure_eth0(s, a.net, msg, sizeof(msg)) < 0)) {
		emit_error(ctx->out, s < 0 ? "network: socket" : msg);
		return 1;
	}
	/* A container's or a VM's own loopback starts down. */
	if (if_up(s, "lo") != 0 && a.loopback) {
		snprintf(msg, sizeof(msg), "network: cannot bring up lo: %s", strerror(errno));
		emit_error(ctx->out, msg);
		goto out;
	}
	if (agent_ready(ctx->out, BENCH_TASK_NETWORK) != 0)
		goto out;
	if (strcmp(a.server, "peer") == 0) {
		if (peer_of_eth0(s, a.wait_ms, &server, &mtu) < 0) {
			emit_error(ctx->out, "network: eth0 got no address in time");
			goto out;
		}
	} else if (inet_pton(AF_INET, a.server, &server) != 1) {
		emit_error(ctx->out, "network: --server is not an IPv4 address");
		goto out;
	}
	emit_begin(&e, BENCH_REC_DATA);
	emit_str(&e, "kind", "setup");
	emit_str(&e, "server", inet_ntoa(server));
	emit_u64(&e, "port", a.port);
	emit_u64(&e, "mtu", mtu);
	emit_u64(&e, "loopback", (unsigned long long)a.loopback);
	if (emit_end(&e, ctx->out) != 0)
		goto out;
	if (a.loopback) {
		srv = loopback_server(4 * ((a.batches + 1) * RR_BATCH_MS + 2000u), &lport);
		if (srv < 0) {
			emit_error(ctx->out, "network: cannot start the loopback server");
			goto out;
		}
		if (run_path(ctx->out, &a, lo, lport, "lo", msg, sizeof(msg)) < 0) {
			emit_error(ctx->out, msg);
			goto out;
		}
	}
	if (run_path(ctx->out, &a, server, a.port, "link", msg, sizeof(msg)) < 0) {
		emit_error(ctx->out, msg);
		goto out;
	}
	emit_begin(&e, BENCH_REC_DONE);
	emit_str(&e, "task", BENCH_TASK_NETWORK);
	rc = emit_end(&e, ctx->out) != 0;
out:
	if (srv > 0) {
		kill(srv, SIGKILL);
		waitpid(srv, NULL, 0);
	}
	close(s);
	return rc;
}
