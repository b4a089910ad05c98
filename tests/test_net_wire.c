/* lib/net_wire.h: the client's socket options, where only a
 * request/response connection gets TCP_NODELAY and the streams keep Nagle,
 * as iperf3 does and as bench's own server sends the down stream (every
 * connection had TCP_NODELAY before, and the up stream measured 1.5-1.6
 * times iperf3's figure over the same veth: bench/network_compare.sh); and
 * the pattern list bench passes to the agent. */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../lib/net_wire.h"

/* A connected client socket on the loopback: options on a socket that
 * never connected could differ from the agent's case. */
static int connected_client(int *lfd, int *afd)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int c;

	*lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cr_assert_geq(*lfd, 0);
	cr_assert_eq(bind(*lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(listen(*lfd, 1), 0);
	cr_assert_eq(getsockname(*lfd, (struct sockaddr *)&sa, &len), 0);
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cr_assert_geq(c, 0);
	cr_assert_eq(connect(c, (struct sockaddr *)&sa, sizeof(sa)), 0);
	*afd = accept4(*lfd, NULL, NULL, SOCK_CLOEXEC);
	cr_assert_geq(*afd, 0);
	return c;
}

static int nodelay_after(unsigned op)
{
	int lfd, afd, c = connected_client(&lfd, &afd), v = -1;
	socklen_t len = sizeof(v);

	cr_assert_eq(net_wire_client_options(c, op), 0);
	cr_assert_eq(getsockopt(c, IPPROTO_TCP, TCP_NODELAY, &v, &len), 0);
	close(c);
	close(afd);
	close(lfd);
	return v;
}

Test(network, only_request_response_connections_set_tcp_nodelay)
{
	cr_expect_neq(nodelay_after(NET_WIRE_RR), 0, "a transaction must not wait for an ACK");
	cr_expect_eq(nodelay_after(NET_WIRE_SINK), 0, "the up stream keeps Nagle, as iperf3 does");
	cr_expect_eq(nodelay_after(NET_WIRE_SOURCE), 0, "the down stream keeps Nagle, as iperf3 -R does");
}

/* The pattern list bench passes to the agent reads back as the same mask,
 * and what either side would refuse is refused. */
Test(network, a_pattern_list_reads_back_and_bad_lists_are_refused)
{
	static const char *const bad[] = { "", "rr1,", ",up", "rr1,,up", "RR1", "rr", "up down", "rr2000" };
	char list[64];
	unsigned mask, back;

	for (mask = 1; mask <= NET_WIRE_ALL_PATTERNS; mask++) {
		net_wire_patterns_format(mask, list, sizeof(list));
		cr_assert_eq(net_wire_patterns_parse(list, &back), 0, "'%s' refused", list);
		cr_expect_eq(back, mask, "'%s' read back as %#x, not %#x", list, back, mask);
	}
	cr_expect_eq(net_wire_patterns_parse("down,rr1,down", &mask), 0);
	cr_expect_eq(mask, 1u << NET_WIRE_DOWN | 1u << NET_WIRE_RR1);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(net_wire_patterns_parse(bad[i], &mask), -1, "'%s' was taken", bad[i]);
}
