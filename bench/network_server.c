/* bench's end of `bench run network`: the server the agent's client talks
 * to, on the host side of the instance's link. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../lib/net_wire.h"
#include "network.h"

static void *serve(void *arg)
{
	struct network_server *s = arg;
	char *buf = malloc(NET_WIRE_STREAM_BUF);

	while (buf && !s->stop) {
		struct pollfd p = { .fd = s->fd, .events = POLLIN };
		int c;

		if (poll(&p, 1, 100) <= 0)
			continue;
		c = accept4(s->fd, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0)
			continue;
		net_wire_serve(c, buf, &s->stop);
		close(c);
		s->served++;
	}
	free(buf);
	return NULL;
}

static int bound_socket(uint32_t addr, uint16_t port, int *fd, bench_error *err)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(addr) };
	int one = 1;

	*fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (*fd < 0)
		return bench_fail(err, errno, "network: socket");
	if (setsockopt(*fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(*fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		char a[16];
		int e = errno;

		net_addr_str(addr, a, sizeof(a));
		close(*fd);
		*fd = -1;
		return bench_fail(err, e, "network: binding %s:%u", a, port);
	}
	return 0;
}

int network_port_reserve(int *fd, uint16_t *port, bench_error *err)
{
	struct sockaddr_in sa = { 0 };
	socklen_t len = sizeof(sa);

	if (bound_socket(0, 0, fd, err) < 0)
		return -1;
	if (getsockname(*fd, (struct sockaddr *)&sa, &len) != 0) {
		close(*fd);
		*fd = -1;
		return bench_fail(err, errno, "network: getsockname");
	}
	*port = ntohs(sa.sin_port);
	return 0;
}

int network_server_start(struct network_server *s, uint32_t addr, uint16_t port, bench_error *err)
{
	int e;

	memset(s, 0, sizeof(*s));
	if (bound_socket(addr, port, &s->fd, err) < 0)
		return -1;
	if (listen(s->fd, 4) != 0) {
		e = errno;
		close(s->fd);
		return bench_fail(err, e, "network: listen");
	}
	e = pthread_create(&s->thread, NULL, serve, s);
	if (e != 0) {
		close(s->fd);
		return bench_fail(err, e, "network: starting the server thread");
	}
	s->running = true;
	return 0;
}

void network_server_stop(struct network_server *s)
{
	if (!s->running)
		return;
	s->stop = 1;
	pthread_join(s->thread, NULL);
	close(s->fd);
	s->running = false;
}
