/* The vm runner: the agent as the /init of a KVM or QEMU/TCG guest started
 * through libvirt, by direct kernel boot of the cached guest kernel with an
 * initramfs holding only the agent.
 *
 * Console transport: a unix socket chardev (<serial type='unix'>, mode
 * bind), not virDomainOpenConsole's virStream.  Reasons:
 *   - the bytes go QEMU -> socket -> us.  A virStream relays them through
 *     libvirtd and the RPC socket: one more hop inside what is timed.
 *   - a virStream with VIR_STREAM_NONBLOCK only returns what the client
 *     library has already taken off its RPC socket, which it does only from
 *     a registered libvirt event loop (virEventRegisterDefaultImpl before
 *     connecting, process-wide); the socket is a plain fd that poll() and
 *     the harness's line reader handle as they do a container's stdout.
 *   - the pty behind virDomainOpenConsole: QEMU 7.2's pty backend drops
 *     output while it believes nobody holds the other end and rechecks that
 *     once a second, a risk for "first byte" timestamps.
 * No byte is lost either way: the domain is created paused, we connect to
 * the socket (libvirt has bound it and passed it to QEMU), then resume.
 * A remote URI (vm_remote.h) cannot reach that socket, nor this host's
 * kernel cache: there the console is a pty read through the libvirt stream
 * and the kernel and initramfs are volumes uploaded to that host.
 *
 * Phases of one start (host clock unless said):
 *   create           launch -> virDomainCreateXML returned (QEMU up, paused)
 *   resume           -> console connected and virDomainResume returned
 *   firmware_kernel  -> first console byte: firmware, kernel load and
 *                    decompression, up to the kernel's first early-console
 *                    line (earlycon on the command line makes the kernel
 *                    print from its start; "quiet" keeps it to ~12 lines)
 *   boot             -> READY read: the kernel's boot and the agent
 * and one measure that overlaps them (not stacked with the phases):
 *   guest_uptime     the guest kernel's CLOCK_BOOTTIME at READY (READY's
 *                    boot_ns): the kernel's own view of its boot, so kernel
 *                    time and host-side overhead can be told apart
 *   modules          a guest with devices (a disk, a NIC): the time its
 *                    /init took to load their drivers' modules (READY's
 *                    modules_ns), part of boot; absent where none were
 *                    loaded (no device, or drivers built in) */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../lib/clock.h"
#include "../lib/interrupt.h"
#include "../lib/json_notes.h"
#include "../lib/run_id.h"
#include "record_stream.h"
#include "runner.h"
#include "../vm/accel.h"
#include "../vm/cpu_model.h"
#include "../vm/domain_xml.h"
#include "../vm/guest_cmdline.h"
#include "../vm/guest_modules.h"
#include "../vm/initramfs.h"
#include "../vm/kernel_cache.h"
#include "../net/instance.h"
#include "runner_hooks.h"
#include "vm_guest.h"
#include "vm_restore.h"
#include "vm_remote.h"

#define VM_DEFAULT_URI "qemu:///system"
/* A disk (agent_task.disk): the guest's first virtio disk, with the host's
 * page cache bypassed and Linux native AIO (what cache=none pairs with on
 * every QEMU; io_uring is not in every build). */
#define VM_GUEST_DISK "/dev/vda"
#define VM_DISK_IO "native"

struct vm_runner {
	virConnectPtr conn;
	char uri[256];
	struct vm_guest g;              /* the guest, as the qemu runner's */
	char sock_dir[128];
	unsigned long libvirt_version;  /* of libvirtd, major * 1e6 + minor * 1e3 + micro */
	unsigned long qemu_version;     /* 0 when unknown */
	char machine[8];                /* "pc" or "q35" */
	/* Per set of guest drivers (enum guest_driver bits, the index): the
	 * modules to load (found in prepare, or why not) and the initramfs
	 * that carries them, made by the first launch that needs them
	 * (launches run one at a time). */
	struct guest_modules modules[4];
	char modules_err[4][256];
	char initrd_modules[4][4096];
	struct vm_restore restore;      /* --vm-start restore (vm_restore.h) */
	const char *boot_name;          /* the domain's name instead of the
					   run's, for the guest to be saved */
	struct vm_remote remote;        /* a remote URI: its volumes */
};

struct vm_instance {
	virDomainPtr dom;
	int con;                  /* the console socket, -1 when not connected */
	struct vm_console_stream *cs; /* a remote URI: con's stream bridge */
	char name[128];
	char sock[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct record_stream rs;  /* over con: first byte and READY times */
	uint64_t t_resumed_ns;
	struct net_plan net;      /* its tap, when run_config.net asks for one */
	bool net_made;
	bool restored;            /* brought back from the saved guest */
};

static void vm_silent_error(void *opaque, virErrorPtr e)
{
	(void)opaque;
	(void)e;
}

/* bench_fail with libvirt's last error appended. */
static int __attribute__((format(printf, 2, 3))) vm_fail_virt(bench_error *err, const char *fmt, ...)
{
	char ctx[300];
	va_list ap;
	const char *msg = virGetLastErrorMessage();

	va_start(ap, fmt);
	vsnprintf(ctx, sizeof(ctx), fmt, ap);
	va_end(ap);
	return bench_fail(err, 0, "vm: %s: %s", ctx, msg && *msg ? msg : "unknown libvirt error");
}

static int vm_restore_boot(struct runner *r, const char *name, bench_error *err);

static int prepare(struct runner *r, bench_error *err)
{
	const struct run_config *cfg = r->cfg;
	struct vm_runner *v;

	if (!cfg->run_id || !*cfg->run_id)
		return bench_fail(err, 0, "vm: no run id (it names the domains)");
	v = calloc(1, sizeof(*v));
	if (!v)
		return bench_fail(err, errno, "vm: calloc");
	r->priv = v;

	/* libvirt prints every error on stderr by default; ours go in *err. */
	virSetErrorFunc(NULL, vm_silent_error);

	snprintf(v->uri, sizeof(v->uri), "%s", cfg->libvirt_uri ? cfg->libvirt_uri : VM_DEFAULT_URI);
	/* Before the connection: its console streams need the event loop. */
	if (vm_uri_is_remote(v->uri) && vm_remote_begin(&v->remote, err) < 0)
		return -1;

	/* libvirt builds a PCI controller for every domain, which microvm
	 * has not: it refuses such a domain ("No PCI buses available"). */
	if (cfg->vm_machine && strcmp(cfg->vm_machine, "pc") != 0 && strcmp(cfg->vm_machine, "q35") != 0)
		return bench_fail_usage(err, "vm: --vm-machine %.20s cannot work through libvirt: it gives every "
					"domain a PCI controller, which %.20s lacks (\"No PCI buses available\"); use the "
					"qemu runner for it", cfg->vm_machine, cfg->vm_machine);
	snprintf(v->machine, sizeof(v->machine), "%s", cfg->vm_machine ? cfg->vm_machine : "pc");
	if (vm_guest_accel(cfg, &v->g, err) < 0 || vm_guest_load(cfg, "vm", &v->g, err) < 0)
		return -1;
	/* What a guest with devices would load: told in describe, refused
	 * only by a launch that needs it. */
	for (unsigned d = 1; d < sizeof(v->modules) / sizeof(v->modules[0]); d++) {
		bench_error merr = { 0 };

		if (guest_modules_resolve(&v->g.kernel, d, &v->modules[d], &merr) < 0)
			snprintf(v->modules_err[d], sizeof(v->modules_err[d]), "%.255s", merr.msg);
	}

	/* The console sockets' folder (vm_cleanup_stale tells leftovers). */
	if (vm_guest_run_dir(cfg->run_id, "vm", "vm", "console socket folder", v->sock_dir, sizeof(v->sock_dir),
			     err) < 0)
		return -1;

	v->conn = virConnectOpen(v->uri);
	if (!v->conn)
		return vm_fail_virt(err, "cannot connect to libvirt at %s (is libvirtd running? 'make setup' starts it)",
				    v->uri);
	if (virConnectGetLibVersion(v->conn, &v->libvirt_version) < 0)
		v->libvirt_version = 0;
	if (virConnectGetVersion(v->conn, &v->qemu_version) < 0)
		v->qemu_version = 0;
	if (v->remote.on) {
		if (vm_remote_upload(&v->remote, v->conn, &v->g, cfg->run_id, err) < 0)
			return -1;
		r->remote = v->uri;
	}
	/* The saved image is a file in this host's cache, which a libvirt
	 * on another host cannot open. */
	if (v->remote.on && cfg->vm_start && strcmp(cfg->vm_start, "restore") == 0)
		return bench_fail_usage(err, "vm: --vm-start restore reads a saved guest from this host's cache; "
					"a remote libvirt (%.200s) cannot open it: use --vm-start cold", v->uri);
	/* That the figures are TCG emulation, not virtualisation overhead, is
	 * a note of the results (vm_describe): the summary prints it. */
	return vm_restore_prepare(r, &v->restore, v->conn, &v->g, v->machine, vm_restore_boot, err);
}

static void vm_finish(struct runner *r);

static int vm_prepare(struct runner *r, bench_error *err)
{
	if (prepare(r, err) == 0)
		return 0;
	vm_finish(r); /* a failed prepare leaves nothing behind */
	return -1;
}

/* The guest drivers an instance's devices need (enum guest_driver). */
static unsigned instance_drivers(const struct instance *in)
{
	unsigned d = 0;

	if (in->task.disk)
		d |= GUEST_DRIVER_BLK;
	if (in->runner && in->runner->cfg->net && in->runner->cfg->net->mode != NET_NONE)
		d |= GUEST_DRIVER_NET;
	return d;
}

/* The initramfs for an instance: the agent's alone, or, for a guest with
 * devices whose drivers the kernel has as modules, one that also carries
 * them; *mods gets the modules /init must load. */
static int instance_initrd(struct vm_runner *v, const char *agent_path, unsigned drivers, const char **initrd,
			   const struct guest_modules **mods, bench_error *err)
{
	static const struct guest_modules none;
	char sha[INITRAMFS_SHA256_HEX];

	*initrd = v->g.initrd;
	*mods = &none;
	if (drivers == 0)
		return 0;
	if (drivers >= sizeof(v->modules) / sizeof(v->modules[0]))
		return bench_fail(err, EINVAL, "vm: unknown guest drivers %#x", drivers);
	if (v->modules_err[drivers][0])
		return bench_fail(err, 0, "vm: %s", v->modules_err[drivers]);
	if (!v->initrd_modules[drivers][0]) {
		struct guest_modules *m = &v->modules[drivers];

		if (initramfs_get_modules(agent_path, vm_cache_dir(), m->names,
					  (const char (*)[4200])m->paths, m->n, v->initrd_modules[drivers],
					  sizeof(v->initrd_modules[drivers]), sha, err) < 0)
			return bench_error_prefix(err, "vm");
	}
	*initrd = v->initrd_modules[drivers];
	*mods = &v->modules[drivers];
	return 0;
}

/* The instance's tap (and bridge), made before the domain that opens it;
 * the guest's address goes to the agent as one more argument. */
static int vm_network(struct runner *r, struct instance *in, struct vm_instance *vi, char *cmdline, size_t len,
		      bench_error *err)
{
	const struct net_config *net = r->cfg->net;
	char addr[16];
	size_t used = strlen(cmdline);

	if (!net || net->mode == NET_NONE)
		return 0;
	if (net->mode != NET_TAP && net->mode != NET_TAP_BRIDGE)
		return bench_fail_usage(err, "vm: network mode %s is not one a VM has", net_mode_name(net->mode));
	if (net_plan_make(net, r->cfg->run_id, in->seq, &vi->net, err) < 0 ||
	    net_instance_up(&vi->net, 0, net->port, err) < 0)
		return bench_error_prefix(err, "vm");
	vi->net_made = true;
	net_addr_str(vi->net.inst_addr, addr, sizeof(addr));
	if ((size_t)snprintf(cmdline + used, len - used, " " BENCH_CMDLINE_ARG "%d=--net=%s/%u",
			     in->task.nargs + (in->task.disk ? 1 : 0), addr, vi->net.prefix) >= len - used)
		return bench_fail_usage(err, "vm: the task's arguments do not fit on a kernel command line");
	return 0;
}

static int vm_launch_restored(struct runner *r, struct instance *in, bench_error *err);

static int vm_launch(struct runner *r, struct instance *in, bench_error *err)
{
	struct vm_runner *v = r->priv;
	struct vm_instance *vi;
	struct vm_domain_spec spec;
	char cmdline[1024];
	char *xml;
	uint64_t t_created;
	const char *initrd;
	const struct guest_modules *mods;

	in->t_launch_ns = clock_now_ns();
	if (v->restore.on)
		return vm_launch_restored(r, in, err);
	vi = calloc(1, sizeof(*vi));
	if (!vi)
		return bench_fail(err, errno, "vm: calloc");
	vi->con = -1;
	in->priv = vi;
	if (v->remote.on && vm_remote_check_instance(in, err) < 0)
		return -1;

	if (v->boot_name)
		snprintf(vi->name, sizeof(vi->name), "%s", v->boot_name);
	else
		run_id_object_name(r->cfg->run_id, in->seq, vi->name, sizeof(vi->name));
	if ((size_t)snprintf(vi->sock, sizeof(vi->sock), "%s/%u.sock", v->sock_dir, in->seq) >= sizeof(vi->sock))
		return bench_fail(err, ENAMETOOLONG, "vm: console socket path");
	if (vm_guest_cmdline(in->task.name, in->task.args, in->task.nargs, in->seq, cmdline, sizeof(cmdline), err) < 0)
		return bench_error_prefix(err, "vm");
	{
		size_t len = strlen(cmdline);

		if (instance_initrd(v, r->cfg->agent_path, instance_drivers(in), &initrd, &mods, err) < 0)
			return -1;
		/* The disk is the guest's first virtio disk; its drivers load
		 * first (bench.modules=). */
		if (in->task.disk)
			len += (size_t)snprintf(cmdline + len, sizeof(cmdline) - len, " " BENCH_CMDLINE_ARG "%d=disk=%s",
						in->task.nargs, VM_GUEST_DISK);
		if (len >= sizeof(cmdline) || guest_modules_cmdline(mods, cmdline, sizeof(cmdline), &len) < 0)
			return bench_fail_usage(err, "vm: the task's arguments do not fit on a kernel command line");
	}

	if (vm_network(r, in, vi, cmdline, sizeof(cmdline), err) < 0)
		return -1;
	spec = (struct vm_domain_spec){
		.name = vi->name,
		.memory_mib = v->g.memory_mib,
		.vcpus = v->g.ncpus,
		.cpus = v->g.cpus,
		.ncpus = v->g.ncpus,
		.kernel = v->remote.on ? v->remote.kernel.path : v->g.kernel.path,
		.initrd = v->remote.on ? v->remote.initrd.path : initrd,
		.cmdline = cmdline,
		.accel = v->g.accel,
		.console_socket = v->remote.on ? NULL : vi->sock,
		.run_id = r->cfg->run_id,
		.controller = vm_machine_id(),
		.machine = v->machine,
		.disk = in->task.disk,
		.disk_io = VM_DISK_IO,
		.tap = vi->net_made ? vi->net.host_if : NULL,
		.vhost = access("/dev/vhost-net", R_OK | W_OK) == 0,
	};
	xml = vm_domain_xml(&spec, err);
	if (!xml)
		return -1;
	/* Paused, so that the console is connected before the guest's first
	 * byte; auto-destroyed when our connection closes, so that nothing
	 * survives a SIGKILLed harness. */
	vi->dom = virDomainCreateXML(v->conn, xml, VIR_DOMAIN_START_AUTODESTROY | VIR_DOMAIN_START_PAUSED);
	free(xml);
	if (!vi->dom)
		return vm_fail_virt(err, "creating domain %s", vi->name);
	t_created = clock_now_ns();
	instance_add_phase(in, "create", t_created - in->t_launch_ns);

	if ((v->remote.on ? vm_remote_console(v->conn, vi->dom, vi->name, &vi->cs, &vi->con, &vi->rs, err)
			  : vm_guest_console_connect("vm", vi->name, vi->sock, &vi->con, &vi->rs, err)) < 0)
		return -1;
	if (virDomainResume(vi->dom) < 0)
		return vm_fail_virt(err, "resuming domain %s", vi->name);
	vi->t_resumed_ns = clock_now_ns();
	instance_add_phase(in, "resume", vi->t_resumed_ns - t_created);
	return 0;
}

/* The QEMU process of a domain, as the host sees it: what a VM shows of
 * itself in the host's process table.  libvirt's system instance keeps
 * its pid in /run/libvirt/qemu/<name>.pid; 0 where that is not readable
 * (a session URI).  Read after READY, outside every timed phase. */
static pid_t qemu_pid(const char *name)
{
	char path[160], buf[32];
	ssize_t n;
	long pid;
	char *end;
	int fd;

	snprintf(path, sizeof(path), "/run/libvirt/qemu/%s.pid", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	pid = strtol(buf, &end, 10);
	return pid > 1 && (*end == '\0' || *end == '\n') ? (pid_t)pid : 0;
}

static int vm_wait_answer(struct runner *r, struct instance *in, bench_error *err);

static int vm_wait_ready(struct runner *r, struct instance *in, bench_error *err)
{
	struct vm_instance *vi = in->priv;
	uint64_t boot_ns;

	if (!vi || vi->con < 0)
		return bench_fail(err, 0, "vm: wait_ready without a launched guest");
	if (vi->restored)
		return vm_wait_answer(r, in, err);
	if (vm_guest_read_ready("vm", vi->name, vi->con, &vi->rs, in, vm_guest_timeout_ms(r->cfg), err) < 0 ||
	    vm_guest_boot_phases("vm", vi->name, in, &vi->rs, vi->t_resumed_ns, &boot_ns, err) < 0)
		return -1;
	if (record_get(&in->ready, "modules_ns")) {
		uint64_t mod_ns;

		if (record_get_u64(&in->ready, "modules_ns", &mod_ns, err) < 0)
			return bench_error_prefix(err, "vm");
		if (mod_ns > boot_ns)
			return bench_fail(err, 0, "vm: guest %s took %" PRIu64 " ns to load modules, longer than "
					  "its %" PRIu64 " ns of uptime", vi->name, mod_ns, boot_ns);
		instance_add_measure(in, "modules", mod_ns);
	}
	/* A remote guest's QEMU is in another host's process table. */
	in->host_pid = r->remote ? 0 : qemu_pid(vi->name);
	return 0;
}

static int vm_collect(struct runner *r, struct instance *in, struct agent_record *rec, int timeout_ms,
		      bench_error *err)
{
	struct vm_instance *vi = in->priv;

	(void)r;
	if (!vi || vi->con < 0)
		return bench_fail(err, 0, "vm: collect without a launched guest");
	return vm_guest_collect("vm", vi->name, vi->con, &vi->rs, rec, timeout_ms, err);
}

/* 1 while the domain runs, 0 once it is gone, -1 on another error. */
static int domain_alive(virDomainPtr dom)
{
	int a = virDomainIsActive(dom);

	if (a >= 0)
		return a;
	return virGetLastErrorCode() == VIR_ERR_NO_DOMAIN ? 0 : -1;
}

static int vm_stop(struct runner *r, struct instance *in, bench_error *err)
{
	struct vm_instance *vi = in->priv;
	int timeout_ms = vm_guest_timeout_ms(r->cfg);
	uint64_t deadline = clock_now_ns() + (uint64_t)timeout_ms * 1000000u;
	bool timed_out;
	int alive;

	if (!vi || !vi->dom)
		return 0;
	/* A ready agent powers the guest off by itself: that is timed too.
	 * Any other guest is told to stop (vm_guest_tell_stop). */
	if (vi->con >= 0 && (vi->restored || !task_ends_by_itself(&in->task)) &&
	    vm_guest_tell_stop("vm", vi->name, vi->con, &vi->rs, err) < 0)
		return -1;
	/* QEMU closes the console when it exits. */
	if (vm_guest_console_drain("vm", vi->name, vi->con, &vi->rs, deadline, timeout_ms, &timed_out, err) < 0) {
		if (timed_out)
			virDomainShutdown(vi->dom);
		return -1;
	}
	/* Then until libvirt has torn the domain down. */
	while ((alive = domain_alive(vi->dom)) == 1) {
		struct timespec ts = { 0, 1000000 };

		if (interrupt_check(err) < 0)
			return -1;
		if (clock_now_ns() >= deadline)
			return bench_fail(err, 0, "vm: domain %s still exists %d ms after stop", vi->name,
					  timeout_ms);
		nanosleep(&ts, NULL);
	}
	if (alive < 0)
		return vm_fail_virt(err, "waiting for domain %s to end", vi->name);
	in->t_gone_ns = clock_now_ns();
	return 0;
}

static void vm_destroy(struct runner *r, struct instance *in)
{
	struct vm_instance *vi = in->priv;

	(void)r;
	if (!vi)
		return;
	if (vi->cs)
		vm_console_stream_close(vi->cs); /* and con, its end */
	else if (vi->con >= 0)
		close(vi->con);
	if (vi->dom) {
		if (domain_alive(vi->dom) != 0)
			virDomainDestroy(vi->dom);
		virDomainFree(vi->dom);
	}
	/* libvirt removes the socket with the domain; this is for a domain
	 * that never started. */
	if (vi->sock[0])
		unlink(vi->sock);
	/* After the domain, which held the tap open. */
	if (vi->net_made)
		net_instance_down(&vi->net);
	free(vi);
	in->priv = NULL;
}

static void vm_finish(struct runner *r)
{
	struct vm_runner *v = r->priv;

	if (!v)
		return;
	vm_restore_free(&v->restore);
	if (v->conn)
		virConnectClose(v->conn);
	vm_remote_end(&v->remote);
	r->remote = NULL;
	if (v->sock_dir[0])
		rmdir(v->sock_dir);
	free(v);
	r->priv = NULL;
}

static void version_string(unsigned long v, char *out, size_t outsz)
{
	snprintf(out, outsz, "%lu.%lu.%lu", v / 1000000, v / 1000 % 1000, v % 1000);
}

/* Whether the virtio drivers came built in or as modules that /init
 * loaded (the "modules" measure), per set of drivers used. */
static json_t *drivers_json(const struct vm_runner *v)
{
	static const char *const sets[] = { "", "blk", "net", "blk+net" };
	json_t *d = json_object();

	for (unsigned i = 1; i < sizeof(v->modules) / sizeof(v->modules[0]); i++) {
		json_t *set, *names;

		set = json_object();
		if (v->modules_err[i][0]) {
			json_object_set_new(set, "unavailable", json_string(v->modules_err[i]));
			json_object_set_new(d, sets[i], set);
			continue;
		}
		names = json_array();
		for (unsigned j = 0; j < v->modules[i].n; j++)
			json_array_append_new(names, json_string(v->modules[i].names[j]));
		json_object_set_new(set, "kind", json_string(guest_modules_kind(&v->modules[i])));
		json_object_set_new(set, "loaded_by_init", names);
		json_object_set_new(set, "built_in", json_integer(v->modules[i].builtin));
		json_object_set_new(d, sets[i], set);
	}
	return d;
}

static void vm_describe(struct runner *r, void *json_object)
{
	struct vm_runner *v = r->priv;
	json_t *o = json_object;
	char ver[32];

	if (!o || !v)
		return;
	vm_guest_describe_boot("vm", &v->g, o);
	json_object_set_new(o, "machine", json_string(v->machine));
	vm_guest_describe_cpu(&v->g, o);
	json_object_set_new(o, "console", json_string("unix socket chardev"));
	vm_remote_describe(&v->remote, v->uri, o);
	json_object_set_new(o, "kernel_cmdline", json_string(VM_CMDLINE_BASE));
	json_object_set_new(o, "libvirt_uri", json_string(v->uri));
	json_object_set_new(o, "guest_drivers", drivers_json(v));
	vm_restore_describe(&v->restore, o);
	if (r->cfg->net && r->cfg->net->mode != NET_NONE)
		json_object_set_new(o, "nic", json_string(access("/dev/vhost-net", R_OK | W_OK) == 0
								  ? "virtio-net on a tap, vhost-net"
								  : "virtio-net on a tap, QEMU's own backend (no "
								    "/dev/vhost-net)"));
	json_object_set_new(o, "disk", json_string("virtio-blk, raw, cache=none, io=" VM_DISK_IO " (when given one)"));
	if (v->libvirt_version) {
		version_string(v->libvirt_version, ver, sizeof(ver));
		json_object_set_new(o, "libvirt_version", json_string(ver));
	}
	if (v->qemu_version) {
		version_string(v->qemu_version, ver, sizeof(ver));
		json_object_set_new(o, "qemu_version", json_string(ver));
	}
}

/* ---- --vm-start restore (vm_restore.h) ---------------------------------- */

/* The guest to be saved: booted cold as name, to its idle agent, and left
 * running (auto-destroyed with the connection) for vm_restore_prepare to
 * save; the instance's own state goes. */
static int vm_restore_boot(struct runner *r, const char *name, bench_error *err)
{
	struct vm_runner *v = r->priv;
	struct instance in;
	struct vm_instance *vi;
	int rc;

	vm_guest_saved_instance(&in, r);
	v->boot_name = name;
	rc = vm_launch(r, &in, err) == 0 && vm_wait_ready(r, &in, err) == 0 ? 0 : -1;
	v->boot_name = NULL;
	vi = in.priv;
	if (rc < 0 || !vi) {
		vm_destroy(r, &in);
		return -1;
	}
	if (vi->con >= 0)
		close(vi->con);
	virDomainFree(vi->dom);
	free(vi);
	return 0;
}

/* Phases of a restored start (host clock):
 *   restore  launch -> virDomainRestoreFlags returned: QEMU started, its
 *            guest read back from the image, paused (libvirt does both in
 *            one call: no create phase of its own)
 *   resume   -> console connected and virDomainResume returned
 *   answer   -> READY: the agent, told RESTORED on its console, answers */
static int vm_launch_restored(struct runner *r, struct instance *in, bench_error *err)
{
	struct vm_runner *v = r->priv;
	struct vm_instance *vi;
	uint64_t t_restored;

	if ((strcmp(in->task.name, BENCH_TASK_READY) != 0 && strcmp(in->task.name, BENCH_TASK_IDLE) != 0) ||
	    instance_drivers(in) != 0)
		return bench_fail_usage(err, "vm: --vm-start restore brings back an idle agent without a disk or a "
					"network: it serves the tasks ready and idle, not %.40s%s", in->task.name,
					instance_drivers(in) ? " with devices" : "");
	vi = calloc(1, sizeof(*vi));
	if (!vi)
		return bench_fail(err, errno, "vm: calloc");
	vi->con = -1;
	in->priv = vi;
	snprintf(vi->name, sizeof(vi->name), "%s", v->restore.name);
	if ((size_t)snprintf(vi->sock, sizeof(vi->sock), "%s/%u.sock", v->sock_dir, in->seq) >= sizeof(vi->sock))
		return bench_fail(err, ENAMETOOLONG, "vm: console socket path");
	vi->dom = vm_restore_domain(&v->restore, v->conn, r->cfg->run_id, vi->sock, err);
	if (!vi->dom)
		return -1;
	vi->restored = true;
	t_restored = clock_now_ns();
	instance_add_phase(in, "restore", t_restored - in->t_launch_ns);
	if (vm_guest_console_connect("vm", vi->name, vi->sock, &vi->con, &vi->rs, err) < 0)
		return -1;
	if (virDomainResume(vi->dom) < 0)
		return vm_fail_virt(err, "resuming domain %s", vi->name);
	vi->t_resumed_ns = clock_now_ns();
	instance_add_phase(in, "resume", vi->t_resumed_ns - t_restored);
	if (send(vi->con, BENCH_PROTO_RESTORED_LINE, strlen(BENCH_PROTO_RESTORED_LINE), MSG_NOSIGNAL) !=
	    (ssize_t)strlen(BENCH_PROTO_RESTORED_LINE))
		return bench_fail(err, errno, "vm: telling the restored guest %s", vi->name);
	return 0;
}

/* A restored guest's READY: its kernel has been up since the saved boot,
 * so there is no boot to split, only how long the agent took to answer. */
static int vm_wait_answer(struct runner *r, struct instance *in, bench_error *err)
{
	struct vm_instance *vi = in->priv;

	if (vm_guest_read_ready("vm", vi->name, vi->con, &vi->rs, in, vm_guest_timeout_ms(r->cfg), err) < 0)
		return -1;
	instance_add_phase(in, "answer", in->t_ready_ns - vi->t_resumed_ns);
	in->host_pid = qemu_pid(vi->name);
	return 0;
}

static const enum net_mode vm_net_modes[] = { NET_TAP, NET_TAP_BRIDGE, NET_NONE };

const struct runner_ops vm_runner_ops = {
	.name = "vm",
	.needs_root = true,
	.summary = "the agent as /init of a libvirt QEMU guest (KVM, or TCG emulation where KVM cannot boot)",
	.caps = RUNNER_CAP_GUEST_KERNEL | RUNNER_CAP_LIMITS | RUNNER_CAP_DISK | RUNNER_CAP_NETWORK,
	.net_modes = vm_net_modes,
	.default_runs = 5,
	.prepare = vm_prepare,
	.launch = vm_launch,
	.wait_ready = vm_wait_ready,
	.collect = vm_collect,
	.stop = vm_stop,
	.destroy = vm_destroy,
	.finish = vm_finish,
	.describe = vm_describe,
	.doctor = vm_doctor_checks,
	.cleanup = vm_cleanup,
	.cleanup_libvirt = vm_cleanup_libvirt,
};
