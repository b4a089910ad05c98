/* The vm runner's glue for a remote libvirt host (vm_remote.h). */
#include "vm_remote.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../lib/json_notes.h"
#include "../net/instance.h"

bool vm_uri_is_remote(const char *uri)
{
	static const char *const network[] = { "ssh", "libssh", "libssh2", "tcp", "tls", "ext" };
	const char *sep = strstr(uri, "://"), *plus;

	if (!sep)
		return false;
	/* qemu://host/system: TLS to that host. */
	if (sep[3] != '/' && sep[3] != '\0')
		return true;
	plus = memchr(uri, '+', (size_t)(sep - uri));
	if (!plus)
		return false;
	for (size_t i = 0; i < sizeof(network) / sizeof(network[0]); i++)
		if ((size_t)(sep - plus - 1) == strlen(network[i]) && strncasecmp(plus + 1, network[i], strlen(network[i])) == 0)
			return true;
	return false;
}

int vm_remote_begin(struct vm_remote *rm, bench_error *err)
{
	if (vm_console_events_start(err) < 0)
		return bench_error_prefix(err, "vm");
	rm->on = true;
	return 0;
}

int vm_remote_upload(struct vm_remote *rm, virConnectPtr conn, const struct vm_guest *g, const char *run_id,
		     bench_error *err)
{
	if (remote_volume_put(conn, "vmlinuz", g->kernel.path, run_id, &rm->kernel, err) < 0 ||
	    remote_volume_put(conn, "initramfs", g->initrd, run_id, &rm->initrd, err) < 0)
		return bench_error_prefix(err, "vm");
	return 0;
}

int vm_remote_check_instance(const struct instance *in, bench_error *err)
{
	const struct net_config *net = in->runner ? in->runner->cfg->net : NULL;

	if (in->task.disk)
		return bench_fail_usage(err, "vm: a guest on a remote libvirt host cannot have a disk: bench's "
					"scratch file is on this host");
	if (net && net->mode != NET_NONE)
		return bench_fail_usage(err, "vm: a guest on a remote libvirt host cannot have a network link: "
					"bench's taps are made on this host");
	return 0;
}

int vm_remote_console(virConnectPtr conn, virDomainPtr dom, const char *name, struct vm_console_stream **cs,
		      int *con, struct record_stream *rs, bench_error *err)
{
	*cs = vm_console_stream_open(conn, dom, con, err);
	if (!*cs)
		return bench_error_prefix(err, "vm: the console of %s", name);
	record_stream_init(rs, *con, CHANNEL_CONSOLE);
	return 0;
}

void vm_remote_end(struct vm_remote *rm)
{
	if (rm->on)
		vm_console_events_stop();
	rm->on = false;
}

static json_t *volume_json(const struct remote_volume *v)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:I, s:s}", "volume", v->name, "path", v->path, "sha256", v->sha256,
			      "bytes", (json_int_t)v->bytes, "cache", v->uploaded ? "uploaded" : "hit");

	if (o && v->uploaded)
		json_object_set_new(o, "upload_ms", json_real((double)v->upload_ns / 1e6));
	return o;
}

void vm_remote_describe(const struct vm_remote *rm, const char *uri, void *meta)
{
	json_t *o = meta, *vols;
	double up_ms = (double)(rm->kernel.upload_ns + rm->initrd.upload_ns) / 1e6;

	if (!rm->kernel.name[0])
		return;
	json_object_set_new(o, "console", json_string("libvirt stream (virDomainOpenConsole on a pty)"));
	json_object_set_new(o, "remote_host", json_true());
	vols = json_object();
	json_object_set_new(vols, "pool", json_string(remote_pool_name()));
	json_object_set_new(vols, "kernel", volume_json(&rm->kernel));
	json_object_set_new(vols, "initramfs", volume_json(&rm->initrd));
	json_object_set_new(o, "remote_volumes", vols);
	results_meta_note(o,
			  "vm: guests on the remote libvirt host %s; console read through libvirt's stream, whose "
			  "relay through libvirtd and the connection is inside the timed phases; kernel and "
			  "initramfs %s (pool %s, upload %.0f ms, outside every timed phase)",
			  uri,
			  rm->kernel.uploaded || rm->initrd.uploaded ? "uploaded this run" : "found in the host's cache",
			  remote_pool_name(), up_ms);
	results_meta_note(o,
			  "vm: host-side figures (PSS, RSS, processes, the host's memory, its view of the workload) "
			  "are not measurable over a remote connection");
}
