/* Links through rtnetlink with libmnl: each request is sent with
 * NLM_F_ACK and its answer read before the next, so every failure comes
 * back with the kernel's own errno. */
#include <net/if.h> /* before the linux/ headers, which then leave out its names */
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "link.h"

#define NL_BUF 8192

struct mnl_socket *net_link_open(int pid, bench_error *err)
{
	struct mnl_socket *nl;
	int self = -1, target = -1;

	if (pid > 0) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
		self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
		target = open(path, O_RDONLY | O_CLOEXEC);
		if (self < 0 || target < 0 || setns(target, CLONE_NEWNET) != 0) {
			bench_fail(err, errno, "entering the network namespace of process %d", pid);
			if (self >= 0)
				close(self);
			if (target >= 0)
				close(target);
			return NULL;
		}
	}
	/* The socket stays in the namespace it was made in. */
	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (nl && mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		mnl_socket_close(nl);
		nl = NULL;
	}
	if (!nl)
		bench_fail(err, errno, "netlink socket");
	if (pid > 0) {
		if (setns(self, CLONE_NEWNET) != 0) {
			/* This thread would stay in the container's namespace. */
			abort();
		}
		close(self);
		close(target);
	}
	return nl;
}

void net_link_close(struct mnl_socket *nl)
{
	if (nl)
		mnl_socket_close(nl);
}

/* Sends the request in buf and reads the kernel's acknowledgement. */
static int talk(struct mnl_socket *nl, struct nlmsghdr *nlh, const char *what, const char *name, bench_error *err)
{
	char buf[NL_BUF];
	unsigned seq = (unsigned)time(NULL) ^ (unsigned)nlh->nlmsg_type;
	ssize_t n;

	nlh->nlmsg_seq = seq;
	nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return bench_fail(err, errno, "netlink: %s %s", what, name);
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n < 0 || mnl_cb_run(buf, (size_t)n, seq, mnl_socket_get_portid(nl), NULL, NULL) < 0)
		return bench_fail(err, errno, "netlink: %s %s", what, name);
	return 0;
}

static struct nlmsghdr *link_msg(char *buf, uint16_t type, uint16_t flags, const char *name)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	if (name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nlh;
}

static int check_name(const char *name, bench_error *err)
{
	if (!name[0] || strlen(name) >= IFNAMSIZ)
		return bench_fail(err, 0, "network: link name '%.32s' is not 1 to %d characters", name, IFNAMSIZ - 1);
	return 0;
}

static int set_alias(struct mnl_socket *nl, const char *name, const char *alias, bench_error *err)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, 0, name);

	mnl_attr_put_strz(nlh, IFLA_IFALIAS, alias);
	return talk(nl, nlh, "naming", name, err);
}

int net_link_delete(struct mnl_socket *nl, const char *name, bench_error *err);

/* The alias of a link just made (the kernel ignores IFLA_IFALIAS in the
 * request that creates a link); one that cannot be named is removed, or
 * cleanup could never find it. */
static int made_named(struct mnl_socket *nl, int made, const char *name, const char *alias, bench_error *err)
{
	bench_error ignored;

	if (made < 0)
		return -1;
	if (set_alias(nl, name, alias, err) == 0)
		return 0;
	net_link_delete(nl, name, &ignored);
	return -1;
}

int net_link_veth(struct mnl_socket *nl, const char *name, const char *peer_name, int peer_pid, const char *alias,
		  bench_error *err)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh;
	struct nlattr *linkinfo, *data, *peer;
	struct ifinfomsg *pifm;

	if (check_name(name, err) < 0 || check_name(peer_name, err) < 0)
		return -1;
	nlh = link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, name);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	pifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*pifm));
	memset(pifm, 0, sizeof(*pifm));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer_name);
	if (peer_pid > 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_PID, (uint32_t)peer_pid);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
	return made_named(nl, talk(nl, nlh, "creating veth", name, err), name, alias, err);
}

int net_link_bridge(struct mnl_socket *nl, const char *name, const char *alias, bench_error *err)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh;
	struct nlattr *linkinfo;

	if (check_name(name, err) < 0)
		return -1;
	nlh = link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, name);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	mnl_attr_nest_end(nlh, linkinfo);
	return made_named(nl, talk(nl, nlh, "creating bridge", name, err), name, alias, err);
}

int net_link_tap(struct mnl_socket *nl, const char *name, const char *alias, bench_error *err)
{
	struct ifreq ifr = { 0 };
	int fd;

	if (check_name(name, err) < 0)
		return -1;
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return bench_fail(err, errno, "network: open /dev/net/tun");
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	if (ioctl(fd, TUNSETIFF, &ifr) != 0 || ioctl(fd, TUNSETPERSIST, 1) != 0) {
		int e = errno;

		close(fd);
		return bench_fail(err, e, "network: creating tap %s", name);
	}
	close(fd);
	return set_alias(nl, name, alias, err);
}

int net_link_master(struct mnl_socket *nl, const char *name, const char *bridge, bench_error *err)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh;
	unsigned idx = if_nametoindex(bridge);

	if (!idx)
		return bench_fail(err, errno, "network: no bridge %s", bridge);
	nlh = link_msg(buf, RTM_NEWLINK, 0, name);
	mnl_attr_put_u32(nlh, IFLA_MASTER, idx);
	return talk(nl, nlh, "enslaving", name, err);
}

int net_link_up(struct mnl_socket *nl, const char *name, bench_error *err)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, 0, name);
	struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

	ifm->ifi_change = IFF_UP;
	ifm->ifi_flags = IFF_UP;
	return talk(nl, nlh, "bringing up", name, err);
}

/* The index of name in nl's namespace (which need not be this thread's). */
static int link_index(struct mnl_socket *nl, const char *name, int *index, unsigned *mtu, bench_error *err)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = link_msg(buf, RTM_GETLINK, 0, name);
	unsigned seq = (unsigned)time(NULL) + 7u;
	ssize_t n;
	struct nlmsghdr *ans;
	struct ifinfomsg *ifm;
	struct nlattr *attr;

	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return bench_fail(err, errno, "netlink: looking up %s", name);
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	ans = (struct nlmsghdr *)buf;
	if (n < (ssize_t)sizeof(*ans) || !mnl_nlmsg_ok(ans, (int)n))
		return bench_fail(err, errno, "netlink: looking up %s", name);
	if (ans->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = mnl_nlmsg_get_payload(ans);

		return bench_fail(err, -e->error, "netlink: looking up %s", name);
	}
	if (ans->nlmsg_type != RTM_NEWLINK)
		return bench_fail(err, 0, "netlink: looking up %s: unexpected answer", name);
	ifm = mnl_nlmsg_get_payload(ans);
	*index = ifm->ifi_index;
	if (mtu) {
		*mtu = 0;
		mnl_attr_for_each(attr, ans, sizeof(*ifm))
			if (mnl_attr_get_type(attr) == IFLA_MTU && mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
				*mtu = mnl_attr_get_u32(attr);
	}
	return 0;
}

int net_link_addr_up(struct mnl_socket *nl, const char *name, uint32_t addr, unsigned prefix, bench_error *err)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	int index;

	if (link_index(nl, name, &index, NULL, err) < 0)
		return -1;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (unsigned char)prefix;
	ifa->ifa_scope = RT_SCOPE_LINK;
	ifa->ifa_index = (unsigned)index;
	mnl_attr_put_u32(nlh, IFA_LOCAL, addr);
	mnl_attr_put_u32(nlh, IFA_ADDRESS, addr);
	if (talk(nl, nlh, "addressing", name, err) < 0)
		return -1;
	return net_link_up(nl, name, err);
}

int net_link_delete(struct mnl_socket *nl, const char *name, bench_error *err)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = link_msg(buf, RTM_DELLINK, 0, name);
	bench_error ignored;

	if (talk(nl, nlh, "removing", name, &ignored) == 0 || ignored.errnum == ENODEV)
		return 0;
	*err = ignored;
	return -1;
}

unsigned net_link_mtu(struct mnl_socket *nl, const char *name)
{
	bench_error ignored;
	int index;
	unsigned mtu = 0;

	if (link_index(nl, name, &index, &mtu, &ignored) < 0)
		return 0;
	return mtu;
}

struct each_ctx {
	const char *prefix;
	void (*fn)(void *ctx, const char *name, const char *alias);
	void *ctx;
	char (*found)[2][IFALIASZ];
	size_t n, max;
};

static int each_link(const struct nlmsghdr *nlh, void *data)
{
	struct each_ctx *c = data;
	const char *name = NULL, *alias = NULL;
	struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct ifinfomsg)) {
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
			continue;
		if (mnl_attr_get_type(attr) == IFLA_IFNAME)
			name = mnl_attr_get_str(attr);
		else if (mnl_attr_get_type(attr) == IFLA_IFALIAS)
			alias = mnl_attr_get_str(attr);
	}
	if (name && alias && strncmp(alias, c->prefix, strlen(c->prefix)) == 0 && c->n < c->max) {
		snprintf(c->found[c->n][0], IFALIASZ, "%s", name);
		snprintf(c->found[c->n][1], IFALIASZ, "%s", alias);
		c->n++;
	}
	return MNL_CB_OK;
}

int net_link_each_aliased(struct mnl_socket *nl, const char *prefix,
			  void (*fn)(void *ctx, const char *name, const char *alias), void *ctx, bench_error *err)
{
	char buf[32768]; /* at least MNL_SOCKET_BUFFER_SIZE: a dump comes in pages */
	struct nlmsghdr *nlh = link_msg(buf, RTM_GETLINK, NLM_F_DUMP, NULL);
	struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	unsigned seq = (unsigned)time(NULL) + 11u;
	struct each_ctx c = { .prefix = prefix, .fn = fn, .ctx = ctx, .max = 1024 };
	ssize_t n;
	int rc;

	(void)ifm;
	c.found = calloc(c.max, sizeof(*c.found));
	if (!c.found)
		return bench_fail(err, errno, "network: calloc");
	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		free(c.found);
		return bench_fail(err, errno, "netlink: listing links");
	}
	do {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		rc = n < 0 ? -1 : mnl_cb_run(buf, (size_t)n, seq, mnl_socket_get_portid(nl), each_link, &c);
	} while (rc > 0);
	if (rc < 0) {
		free(c.found);
		return bench_fail(err, errno, "netlink: listing links");
	}
	/* Called after the dump, so that fn may change the links. */
	for (size_t i = 0; i < c.n; i++)
		fn(ctx, c.found[i][0], c.found[i][1]);
	free(c.found);
	return 0;
}
