/* The network benchmark's wire protocol, shared by its two ends so they
 * cannot disagree: bench's server on the host side (bench/network_server.c)
 * and the agent, which is the client and, for the loopback baseline, also
 * its own server.
 *
 * The client opens one TCP connection per pattern and sends a header:
 *
 *     "BNW1" op(1) 0(1) req(2) resp(2) 0(2) max_ms(4), integers big-endian
 *
 *   op RR:     then req bytes at a time; the server answers each with resp
 *              bytes, until end-of-file;
 *   op SINK:   the client sends until end-of-file; the server reads;
 *   op SOURCE: the server sends until the client closes.
 *
 * The server serves each connection at most max_ms (at most
 * NET_WIRE_MAX_MS), with a receive and send time-out of a second, so no
 * loop of either end runs unbounded, whatever the other end does. */
#ifndef BENCH_NET_WIRE_H
#define BENCH_NET_WIRE_H

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define NET_WIRE_MAGIC "BNW1"
#define NET_WIRE_HEADER 16
#define NET_WIRE_RR 1
#define NET_WIRE_SINK 2
#define NET_WIRE_SOURCE 3
#define NET_WIRE_MSG_MAX 4096        /* largest RR request or response */
#define NET_WIRE_MAX_MS 120000u      /* longest a connection is served */
#define NET_WIRE_STREAM_BUF (128u * 1024u)

struct net_wire_header {
	unsigned op, req, resp;
	uint32_t max_ms;
};

static inline void net_wire_encode(const struct net_wire_header *h, unsigned char out[NET_WIRE_HEADER])
{
	memset(out, 0, NET_WIRE_HEADER);
	memcpy(out, NET_WIRE_MAGIC, 4);
	out[4] = (unsigned char)h->op;
	out[6] = (unsigned char)(h->req >> 8);
	out[7] = (unsigned char)h->req;
	out[8] = (unsigned char)(h->resp >> 8);
	out[9] = (unsigned char)h->resp;
	for (int i = 0; i < 4; i++)
		out[12 + i] = (unsigned char)(h->max_ms >> (24 - 8 * i));
}

/* 0, or -1 when the header is not one this side would send. */
static inline int net_wire_decode(const unsigned char in[NET_WIRE_HEADER], struct net_wire_header *h)
{
	if (memcmp(in, NET_WIRE_MAGIC, 4) != 0 || in[4] < NET_WIRE_RR || in[4] > NET_WIRE_SOURCE)
		return -1;
	h->op = in[4];
	h->req = (unsigned)in[6] << 8 | in[7];
	h->resp = (unsigned)in[8] << 8 | in[9];
	h->max_ms = (uint32_t)in[12] << 24 | (uint32_t)in[13] << 16 | (uint32_t)in[14] << 8 | in[15];
	if (h->op == NET_WIRE_RR && (h->req == 0 || h->resp == 0 || h->req > NET_WIRE_MSG_MAX ||
				     h->resp > NET_WIRE_MSG_MAX))
		return -1;
	if (h->max_ms == 0 || h->max_ms > NET_WIRE_MAX_MS)
		h->max_ms = NET_WIRE_MAX_MS;
	return 0;
}

/* The client's socket options for a connection of op, set once it is
 * connected.  TCP_NODELAY for request/response only: a transaction must
 * not wait for the previous one's ACK.  A stream keeps Nagle, as iperf3
 * does by default (-N turns it off) and as bench's server sends the down
 * stream: with TCP_NODELAY the up stream carried 1.6 times as much as
 * iperf3 over the same veth (each 128 KiB write's tail leaves at once
 * instead of joining the next write), so up and down, and bench and
 * iperf3, measured two different senders. */
static inline int net_wire_client_options(int fd, unsigned op)
{
	int one = 1;

	if (op != NET_WIRE_RR)
		return 0;
	return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* The patterns a run may ask for (bench run network --patterns, the
 * agent's --patterns=), by the names its records carry, in the order the
 * agent runs them; one bit each in a mask. */
enum net_wire_pattern { NET_WIRE_RR1, NET_WIRE_RR200, NET_WIRE_UP, NET_WIRE_DOWN, NET_WIRE_NPATTERNS };
#define NET_WIRE_ALL_PATTERNS ((1u << NET_WIRE_NPATTERNS) - 1u)

static inline const char *net_wire_pattern_name(unsigned p)
{
	static const char *const names[NET_WIRE_NPATTERNS] = { "rr1", "rr200", "up", "down" };

	return p < NET_WIRE_NPATTERNS ? names[p] : NULL;
}

/* The pattern called name[0..len), or -1. */
static inline int net_wire_pattern_find(const char *name, size_t len)
{
	for (unsigned p = 0; p < NET_WIRE_NPATTERNS; p++)
		if (strlen(net_wire_pattern_name(p)) == len && memcmp(name, net_wire_pattern_name(p), len) == 0)
			return (int)p;
	return -1;
}

/* "rr1,up" into a mask: -1 for an empty list or an unknown name. */
static inline int net_wire_patterns_parse(const char *list, unsigned *mask)
{
	*mask = 0;
	for (const char *s = list;; s++) {
		size_t len = strcspn(s, ",");
		int p = net_wire_pattern_find(s, len);

		if (p < 0)
			return -1;
		*mask |= 1u << p;
		s += len;
		if (!*s)
			return 0;
	}
}

/* A mask as "rr1,up" (what net_wire_patterns_parse reads back). */
static inline void net_wire_patterns_format(unsigned mask, char *out, size_t len)
{
	size_t used = 0;

	if (len)
		out[0] = '\0';
	for (unsigned p = 0; p < NET_WIRE_NPATTERNS; p++) {
		const char *name = net_wire_pattern_name(p);

		if (!(mask & 1u << p) || used + strlen(name) + 2 > len)
			continue;
		used += (size_t)snprintf(out + used, len - used, "%s%s", used ? "," : "", name);
	}
}

static inline uint64_t net_wire_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Reads exactly n bytes: 1, 0 at end-of-file, -1 on an error or time-out. */
static inline int net_wire_read_full(int fd, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, (char *)buf + got, n - got);

		if (r == 0)
			return 0;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		got += (size_t)r;
	}
	return 1;
}

static inline int net_wire_write_full(int fd, const void *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		ssize_t w = send(fd, (const char *)buf + done, n - done, MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		done += (size_t)w;
	}
	return 0;
}

static inline void net_wire_timeouts(int fd, int seconds)
{
	struct timeval tv = { .tv_sec = seconds };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* Serves one accepted connection until the client is done, max_ms has
 * passed, or stop (may be NULL) becomes non-zero.  buf holds at least
 * NET_WIRE_STREAM_BUF bytes.  Returns the bytes moved, or -1 on a bad
 * header. */
static inline long long net_wire_serve(int fd, char *buf, const volatile int *stop)
{
	unsigned char hdr[NET_WIRE_HEADER];
	struct net_wire_header h;
	uint64_t end;
	long long moved = 0;

	net_wire_timeouts(fd, 1);
	if (net_wire_read_full(fd, hdr, sizeof(hdr)) != 1 || net_wire_decode(hdr, &h) < 0)
		return -1;
	end = net_wire_now_ns() + (uint64_t)h.max_ms * 1000000u;
	memset(buf, 'b', NET_WIRE_STREAM_BUF);
	while (net_wire_now_ns() < end && !(stop && *stop)) {
		if (h.op == NET_WIRE_RR) {
			if (net_wire_read_full(fd, buf, h.req) != 1 || net_wire_write_full(fd, buf, h.resp) < 0)
				break;
			moved += h.req + h.resp;
		} else if (h.op == NET_WIRE_SINK) {
			ssize_t r = read(fd, buf, NET_WIRE_STREAM_BUF);

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			moved += r;
		} else {
			if (net_wire_write_full(fd, buf, NET_WIRE_STREAM_BUF) < 0)
				break;
			moved += NET_WIRE_STREAM_BUF;
		}
	}
	return moved;
}

#endif
