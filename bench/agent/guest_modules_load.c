#include "guest_modules_load.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../../lib/agent_protocol.h"
#include "agent_util.h"

struct modules_loaded agent_modules_loaded;

static int load_one(const char *name, char *msg, unsigned msgsz)
{
	char path[128];
	int fd, rc, e;

	/* Names come from our own command line, but stay inside the folder. */
	if (!*name || strchr(name, '/') || strlen(name) > 64) {
		snprintf(msg, msgsz, "bad module name '%.64s' in " BENCH_CMDLINE_MODULES, name);
		return -1;
	}
	snprintf(path, sizeof(path), BENCH_GUEST_MODULES_DIR "/%s.ko", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(msg, msgsz, "module %s: %s", path, strerror(errno));
		return -1;
	}
	rc = (int)syscall(SYS_finit_module, fd, "", 0);
	e = errno;
	close(fd);
	if (rc != 0 && e != EEXIST) {
		snprintf(msg, msgsz, "finit_module %s: %s", path, strerror(e));
		return -1;
	}
	return 0;
}

int guest_modules_load(const char *list, char *msg, unsigned msgsz)
{
	unsigned long long t0 = util_clock_ns(CLOCK_BOOTTIME);
	const char *p = list;

	while (*p) {
		char name[72];
		size_t n = strcspn(p, ",");

		if (n >= sizeof(name)) {
			snprintf(msg, msgsz, "module name too long in " BENCH_CMDLINE_MODULES);
			return -1;
		}
		memcpy(name, p, n);
		name[n] = '\0';
		if (load_one(name, msg, msgsz) != 0)
			return -1;
		agent_modules_loaded.loaded++;
		p += n;
		if (*p == ',')
			p++;
	}
	agent_modules_loaded.ns = util_clock_ns(CLOCK_BOOTTIME) - t0;
	return 0;
}
