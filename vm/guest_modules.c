#include "guest_modules.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "../lib/agent_protocol.h"

/* Every module bench may load, in load order (modinfo's depends: virtio
 * needs virtio_ring; virtio_pci the two pci libraries and virtio;
 * virtio_blk and virtio_net need virtio; net_failover needs failover),
 * with the config symbol that builds it and the drivers that need it.
 * optional: a library that a kernel may leave out without losing the
 * driver (virtio_pci needs the legacy one only where the kernel builds
 * legacy virtio 0.9 support; the minimal kernel, vm/guest-kernel.config,
 * does not). */
static const struct {
	const char *name;
	const char *config;
	unsigned drivers;
	bool optional;
} all_modules[GUEST_MODULES_MAX] = {
	{ "virtio_ring", "CONFIG_VIRTIO", GUEST_DRIVER_BLK | GUEST_DRIVER_NET, false },
	{ "virtio", "CONFIG_VIRTIO", GUEST_DRIVER_BLK | GUEST_DRIVER_NET, false },
	{ "virtio_pci_legacy_dev", "CONFIG_VIRTIO_PCI_LIB_LEGACY", GUEST_DRIVER_BLK | GUEST_DRIVER_NET, true },
	{ "virtio_pci_modern_dev", "CONFIG_VIRTIO_PCI_LIB", GUEST_DRIVER_BLK | GUEST_DRIVER_NET, false },
	{ "virtio_pci", "CONFIG_VIRTIO_PCI", GUEST_DRIVER_BLK | GUEST_DRIVER_NET, false },
	{ "virtio_blk", "CONFIG_VIRTIO_BLK", GUEST_DRIVER_BLK, false },
	{ "failover", "CONFIG_FAILOVER", GUEST_DRIVER_NET, false },
	{ "net_failover", "CONFIG_NET_FAILOVER", GUEST_DRIVER_NET, false },
	{ "virtio_net", "CONFIG_VIRTIO_NET", GUEST_DRIVER_NET, false },
};

/* The folder of the cached kernel's files: k->path's folder. */
static int kernel_dir(const struct guest_kernel *k, char *out, size_t outsz)
{
	const char *slash = strrchr(k->path, '/');
	size_t n = slash ? (size_t)(slash - k->path) : 0;

	if (!slash || n >= outsz)
		return -1;
	memcpy(out, k->path, n);
	out[n] = '\0';
	return 0;
}

/* 'm', 'y' or 'n' for symbol in the config file f ('?' when f is NULL). */
static char config_value(FILE *f, const char *symbol)
{
	char line[256];
	size_t len = strlen(symbol);

	if (!f)
		return '?';
	rewind(f);
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, symbol, len) == 0 && line[len] == '=')
			return line[len + 1] == 'm' ? 'm' : line[len + 1] == 'y' ? 'y' : 'n';
	return 'n';
}

int guest_modules_resolve(const struct guest_kernel *k, unsigned drivers, struct guest_modules *m,
			  bench_error *err)
{
	char dir[4096], path[4200];
	FILE *config;

	memset(m, 0, sizeof(*m));
	if (drivers == 0)
		return 0;
	if (kernel_dir(k, dir, sizeof(dir)) != 0)
		return bench_fail(err, ENAMETOOLONG, "guest kernel path %s", k->path);
	snprintf(path, sizeof(path), "%s/config", dir);
	config = fopen(path, "re");
	for (size_t i = 0; i < GUEST_MODULES_MAX; i++) {
		struct stat st;
		char v;

		if (!(all_modules[i].drivers & drivers))
			continue;
		v = config_value(config, all_modules[i].config);
		if (v == 'y') {
			m->builtin++;
			continue;
		}
		if (v == 'n' && all_modules[i].optional)
			continue;
		if (v == 'n') {
			if (config)
				fclose(config);
			return bench_fail(err, 0, "guest kernel %s is built without %s (its config says so)",
					  k->release, all_modules[i].config);
		}
		snprintf(m->paths[m->n], sizeof(m->paths[m->n]), "%s/modules/%s.ko", dir, all_modules[i].name);
		/* lstat: the cache is bench's, but a link is not what setup made. */
		if (lstat(m->paths[m->n], &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
			if (v == '?') { /* no config: a module the cache lacks is taken as built in */
				m->builtin++;
				continue;
			}
			if (config)
				fclose(config);
			return bench_fail(err, 0, "guest kernel module %s not found (the kernel builds it as a module): "
					  "run 'make setup'", m->paths[m->n]);
		}
		m->names[m->n++] = all_modules[i].name;
	}
	if (config)
		fclose(config);
	return 0;
}

const char *guest_modules_kind(const struct guest_modules *m)
{
	return m->n > 0 ? "modules" : "built-in";
}

int guest_modules_cmdline(const struct guest_modules *m, char *out, size_t outsz, size_t *len)
{
	if (*len >= outsz)
		return -1;
	for (unsigned i = 0; i < m->n; i++) {
		int w = snprintf(out + *len, outsz - *len, "%s%s", i == 0 ? " " BENCH_CMDLINE_MODULES : ",",
				 m->names[i]);

		if (w < 0 || (size_t)w >= outsz - *len)
			return -1;
		*len += (size_t)w;
	}
	return 0;
}
