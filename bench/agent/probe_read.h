/* The isolation channels and how to read one: shared, header-only, by the
 * agent's probe task (inside a workload) and by the harness (on the host),
 * so that both sides read a channel the same way and cannot disagree on
 * what "the same value" means (as agent_protocol.h shares the encoder).
 *
 * Every reader fills a struct probe_value: a short printable summary (the
 * evidence), and where the channel has them a number to compare (n) and a
 * host-wide counter that moves with activity (counter).  A channel that
 * cannot be read gets err = errno; an empty file (a path masked with
 * /dev/null) gets ENODATA.  Static buffers: one reader at a time. */
#ifndef BENCH_AGENT_PROBE_READ_H
#define BENCH_AGENT_PROBE_READ_H

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

enum probe_channel {
	PC_HOSTNAME, PC_KERNEL_RELEASE, PC_KERNEL_VERSION, PC_BOOT_ID, PC_UPTIME, PC_CLOCK_BOOTTIME,
	PC_MEM_TOTAL, PC_CPU_COUNT, PC_CPU_ONLINE, PC_CPU_AFFINITY, PC_LOADAVG, PC_PROC_STAT,
	PC_PROC_INTERRUPTS, PC_PROC_SCHED_DEBUG, PC_PROC_TIMER_LIST, PC_PROC_LOCKS, PC_PROC_MODULES,
	PC_KALLSYMS, PC_MOUNTINFO, PC_NET_INTERFACES, PC_KERNEL_LOG, PC_PID_COUNT, PC_CAPABILITIES,
	PC_SECCOMP, PC_DEVICES, PC_CGROUP, PC_COUNT
};

static const char *const probe_channel_names[PC_COUNT] = {
	"hostname", "kernel_release", "kernel_version", "boot_id", "uptime", "clock_boottime",
	"mem_total", "cpu_count", "cpu_online", "cpu_affinity", "loadavg", "proc_stat",
	"proc_interrupts", "proc_sched_debug", "proc_timer_list", "proc_locks", "proc_modules",
	"kallsyms", "mountinfo", "net_interfaces", "kernel_log", "pid_count", "capabilities",
	"seccomp", "devices", "cgroup",
};

/* Room for a value: well under the protocol's 255 bytes, even escaped
 * values fit a 512-byte line with the other fields. */
#define PROBE_VALUE_MAX 120

struct probe_value {
	int err;                      /* 0, or why the channel could not be read */
	char v[PROBE_VALUE_MAX + 1];  /* the value, abbreviated */
	int has_n, has_counter;
	unsigned long long n;         /* the comparable number, if any */
	unsigned long long counter;   /* a counter that moves with activity */
};

/* What the harness plants on the host for the marker channels. */
struct probe_markers {
	const char *kmsg;   /* a word written into the host's kernel log */
	const char *lock;   /* "maj:min:inode" of a POSIX lock the host holds */
};

/* Channels read a second time, after the host's burst of activity. */
static inline int probe_channel_has_counter(int ch)
{
	return ch == PC_PROC_STAT || ch == PC_PROC_INTERRUPTS || ch == PC_PROC_SCHED_DEBUG ||
	       ch == PC_PROC_TIMER_LIST;
}

/* The file read whole, up to the buffer's size (bigger files are cut). */
static char probe_buf[256 * 1024];

static inline long probe_read_file(const char *path, size_t limit)
{
	size_t len = 0, cap = limit && limit < sizeof(probe_buf) ? limit : sizeof(probe_buf) - 1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while (len < cap) {
		ssize_t n = read(fd, probe_buf + len, cap - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			return -e;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	probe_buf[len] = '\0';
	return (long)len;
}

static inline unsigned long long probe_fnv(unsigned long long h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

#define PROBE_FNV_INIT 14695981039346656037ull

/* The value after "key" at the start of a line of probe_buf, or NULL. */
static inline const char *probe_line_value(const char *key)
{
	size_t klen = strlen(key);

	for (const char *p = probe_buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, key, klen) == 0)
			return p + klen;
	return NULL;
}

static inline void probe_set(struct probe_value *pv, const char *v)
{
	snprintf(pv->v, sizeof(pv->v), "%.*s", PROBE_VALUE_MAX, v);
	pv->v[strcspn(pv->v, "\n")] = '\0';
}

/* Reads the whole file; 0, or -1 with pv->err (ENODATA when empty). */
static inline int probe_file(struct probe_value *pv, const char *path, size_t limit)
{
	long n = probe_read_file(path, limit);

	if (n < 0)
		pv->err = (int)-n;
	else if (n == 0)
		pv->err = ENODATA;
	return pv->err ? -1 : 0;
}

/* Sums every number that follows `key` on a line ("  .nr_events : 12"). */
static inline unsigned long long probe_sum_key(const char *key)
{
	unsigned long long sum = 0;
	size_t klen = strlen(key);

	for (const char *p = strstr(probe_buf, key); p; p = strstr(p + klen, key)) {
		const char *q = p + klen;

		while (*q == ' ' || *q == ':' || *q == '\t')
			q++;
		sum += strtoull(q, NULL, 10);
	}
	return sum;
}

static inline void probe_interrupts(struct probe_value *pv)
{
	unsigned long long hash = PROBE_FNV_INIT, sum = 0;
	int lines = 0;
	const char *p = strchr(probe_buf, '\n'); /* the CPU header */

	while (p && *++p) {
		const char *colon = strchr(p, ':'), *eol = strchr(p, '\n');
		const char *q;

		if (!eol)
			eol = p + strlen(p);
		if (!colon || colon > eol)
			break;
		/* The IRQ names say which hardware the kernel drives. */
		hash = probe_fnv(hash, p, (size_t)(colon - p));
		lines++;
		for (q = colon + 1; q < eol;) {
			char *end;
			unsigned long long v;

			while (q < eol && *q == ' ')
				q++;
			if (q >= eol || !isdigit((unsigned char)*q))
				break;
			v = strtoull(q, &end, 10);
			sum += v;
			q = end;
		}
		p = *eol ? eol : NULL;
	}
	pv->has_n = pv->has_counter = 1;
	pv->n = hash;
	pv->counter = sum;
	snprintf(pv->v, sizeof(pv->v), "irqs=%d sum=%llu", lines, sum);
}

/* Lines of a file whose first field (up to a separator) feeds a hash: the
 * names of modules, interfaces, mounts. */
static inline int probe_name_list(struct probe_value *pv, int skip_lines, const char *sep)
{
	unsigned long long hash = PROBE_FNV_INIT;
	size_t used = 0;
	int count = 0, line = 0;

	pv->v[0] = '\0';
	for (char *p = probe_buf; p && *p; line++) {
		char *eol = strchr(p, '\n');
		size_t n;

		if (eol)
			*eol = '\0';
		if (line >= skip_lines) {
			while (*p == ' ')
				p++;
			n = strcspn(p, sep);
			if (n > 0) {
				hash = probe_fnv(hash, p, n);
				count++;
				if (used + n + 2 < sizeof(pv->v)) {
					used += (size_t)snprintf(pv->v + used, sizeof(pv->v) - used, "%s%.*s",
								 used ? "," : "", (int)n, p);
				}
			}
		}
		p = eol ? eol + 1 : NULL;
	}
	pv->has_n = 1;
	pv->n = hash;
	return count;
}

static inline void probe_mountinfo(struct probe_value *pv)
{
	unsigned long long hash = PROBE_FNV_INIT;
	char root[80] = "?";
	int count = 0;

	for (char *p = probe_buf; p && *p;) {
		char *eol = strchr(p, '\n');
		char f_root[256], f_point[256];

		if (eol)
			*eol = '\0';
		/* id parent maj:min root mount-point ... */
		if (sscanf(p, "%*s %*s %*s %255s %255s", f_root, f_point) == 2) {
			hash = probe_fnv(hash, f_point, strlen(f_point));
			hash = probe_fnv(hash, f_root, strlen(f_root));
			if (strcmp(f_point, "/") == 0)
				snprintf(root, sizeof(root), "%.79s", f_root);
			count++;
		}
		p = eol ? eol + 1 : NULL;
	}
	pv->has_n = 1;
	pv->n = hash;
	snprintf(pv->v, sizeof(pv->v), "root=%s mounts=%d", root, count);
}

static inline void probe_count_dir(struct probe_value *pv, const char *path, int devices)
{
	unsigned long long hash = PROBE_FNV_INIT;
	DIR *d = opendir(path);
	struct dirent *de;
	int count = 0;

	if (!d) {
		pv->err = errno;
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (devices ? (de->d_type != DT_CHR && de->d_type != DT_BLK)
			    : !isdigit((unsigned char)de->d_name[0]))
			continue;
		/* Order-independent: readdir's order is the file system's. */
		hash += probe_fnv(PROBE_FNV_INIT, de->d_name, strlen(de->d_name));
		count++;
	}
	closedir(d);
	pv->has_n = 1;
	pv->n = devices ? hash : (unsigned long long)count;
	snprintf(pv->v, sizeof(pv->v), devices ? "nodes=%d" : "%d", count);
}

static inline void probe_kallsyms(struct probe_value *pv)
{
	if (probe_file(pv, "/proc/kallsyms", 8192) < 0)
		return;
	for (char *p = probe_buf; p && *p;) {
		char *eol = strchr(p, '\n');
		unsigned long long addr;
		char type, sym[64];

		if (eol)
			*eol = '\0';
		if (sscanf(p, "%llx %c %63s", &addr, &type, sym) == 3 && addr != 0) {
			pv->has_n = 1;
			pv->n = addr;
			snprintf(pv->v, sizeof(pv->v), "%llx %s", addr, sym);
			return;
		}
		p = eol ? eol + 1 : NULL;
	}
	/* Every address zero: the kernel hides them from this reader. */
	pv->err = EACCES;
	probe_set(pv, "addresses hidden");
}

static inline void probe_kernel_log(struct probe_value *pv, const char *marker)
{
	int n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, probe_buf, (int)sizeof(probe_buf) - 1);

	if (n < 0) {
		pv->err = errno;
		return;
	}
	probe_buf[n] = '\0';
	pv->has_n = 1;
	if (marker && *marker && strlen(marker) < 64) {
		char pattern[96];

		/* The line the harness wrote, not the marker alone: a guest's
		 * log holds its kernel command line, which carries it. */
		snprintf(pattern, sizeof(pattern), "probe: %s", marker);
		pv->n = strstr(probe_buf, pattern) ? 1 : 0;
	}
	snprintf(pv->v, sizeof(pv->v), "marker=%s bytes=%d", pv->n ? "found" : "absent", n);
}

static inline void probe_status_field(struct probe_value *pv, const char *key)
{
	const char *v;

	if (probe_file(pv, "/proc/self/status", 0) < 0)
		return;
	v = probe_line_value(key);
	if (!v) {
		pv->err = ENOENT;
		return;
	}
	while (*v == '\t' || *v == ' ')
		v++;
	probe_set(pv, v);
	pv->has_n = 1;
	pv->n = strtoull(v, NULL, 16);
}

/* Reads one channel.  markers may be NULL. */
/* The cgroup channel: a process's cgroup paths as /proc/<pid>/cgroup names
 * them.  The agent reads its own; the harness reads the same file of the
 * workload from the host, so "leaks" means the workload sees the host's
 * names for its cgroups (no cgroup namespace), whatever cgroup it is in. */
static inline void probe_read_cgroup(struct probe_value *pv, const char *path)
{
	if (probe_file(pv, path, 0) == 0) {
		pv->has_n = 1;
		pv->n = probe_fnv(PROBE_FNV_INIT, probe_buf, strlen(probe_buf));
		for (char *p = probe_buf; *p; p++)
			if (*p == '\n')
				*p = ';';
		snprintf(pv->v, sizeof(pv->v), "%.*s", PROBE_VALUE_MAX, probe_buf);
	}
}

static inline void probe_read_channel(int ch, const struct probe_markers *markers, struct probe_value *pv)
{
	struct utsname uts;
	struct timespec ts;
	const char *v;

	memset(pv, 0, sizeof(*pv));
	switch (ch) {
	case PC_HOSTNAME:
	case PC_KERNEL_RELEASE:
	case PC_KERNEL_VERSION:
		if (uname(&uts) != 0) {
			pv->err = errno;
			break;
		}
		probe_set(pv, ch == PC_HOSTNAME ? uts.nodename : ch == PC_KERNEL_RELEASE ? uts.release : uts.version);
		break;
	case PC_BOOT_ID:
		if (probe_file(pv, "/proc/sys/kernel/random/boot_id", 0) == 0)
			probe_set(pv, probe_buf);
		break;
	case PC_UPTIME:
		if (probe_file(pv, "/proc/uptime", 0) == 0) {
			pv->v[0] = '\0';
			pv->has_n = 1;
			pv->n = (unsigned long long)(strtod(probe_buf, NULL) * 1000.0);
			snprintf(pv->v, sizeof(pv->v), "%.*s s", (int)strcspn(probe_buf, " \n"), probe_buf);
		}
		break;
	case PC_CLOCK_BOOTTIME:
		if (clock_gettime(CLOCK_BOOTTIME, &ts) != 0) {
			pv->err = errno;
			break;
		}
		pv->has_n = 1;
		pv->n = (unsigned long long)ts.tv_sec * 1000ull + (unsigned long long)ts.tv_nsec / 1000000ull;
		snprintf(pv->v, sizeof(pv->v), "%llu.%03llu s", pv->n / 1000, pv->n % 1000);
		break;
	case PC_MEM_TOTAL:
		if (probe_file(pv, "/proc/meminfo", 0) == 0 && (v = probe_line_value("MemTotal:")) != NULL) {
			pv->has_n = 1;
			pv->n = strtoull(v, NULL, 10);
			snprintf(pv->v, sizeof(pv->v), "%llu MiB", pv->n / 1024);
		} else if (!pv->err) {
			pv->err = ENOENT;
		}
		break;
	case PC_CPU_COUNT:
	case PC_CPU_ONLINE:
		if (probe_file(pv, ch == PC_CPU_COUNT ? "/proc/cpuinfo" : "/proc/stat", 0) == 0) {
			const char *key = ch == PC_CPU_COUNT ? "processor" : "cpu";
			size_t klen = strlen(key);

			for (const char *p = probe_buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
				if (strncmp(p, key, klen) == 0 && (ch == PC_CPU_COUNT || isdigit((unsigned char)p[klen])))
					pv->n++;
			pv->has_n = 1;
			snprintf(pv->v, sizeof(pv->v), "%llu", pv->n);
		}
		break;
	case PC_CPU_AFFINITY: {
		cpu_set_t set;

		if (sched_getaffinity(0, sizeof(set), &set) != 0) {
			pv->err = errno;
			break;
		}
		pv->has_n = 1;
		pv->n = (unsigned long long)CPU_COUNT(&set);
		snprintf(pv->v, sizeof(pv->v), "%llu", pv->n);
		break;
	}
	case PC_LOADAVG:
		if (probe_file(pv, "/proc/loadavg", 0) == 0) {
			char a[16], b[16], c[16], t[32];

			if (sscanf(probe_buf, "%15s %15s %15s %31s", a, b, c, t) != 4) {
				pv->err = EINVAL;
				break;
			}
			snprintf(pv->v, sizeof(pv->v), "%s %s %s", a, b, c);
			pv->has_n = 1;
			pv->n = strchr(t, '/') ? strtoull(strchr(t, '/') + 1, NULL, 10) : 0;
		}
		break;
	case PC_PROC_STAT:
		if (probe_file(pv, "/proc/stat", 0) == 0) {
			const char *bt = probe_line_value("btime "), *pr = probe_line_value("processes ");

			pv->has_n = pv->has_counter = 1;
			pv->n = bt ? strtoull(bt, NULL, 10) : 0;
			pv->counter = pr ? strtoull(pr, NULL, 10) : 0;
			snprintf(pv->v, sizeof(pv->v), "btime=%llu forks=%llu", pv->n, pv->counter);
		}
		break;
	case PC_PROC_INTERRUPTS:
		if (probe_file(pv, "/proc/interrupts", 0) == 0)
			probe_interrupts(pv);
		break;
	case PC_PROC_SCHED_DEBUG:
		if (probe_file(pv, "/proc/sched_debug", 0) == 0) {
			pv->has_n = pv->has_counter = 1;
			pv->n = probe_fnv(PROBE_FNV_INIT, probe_buf, strcspn(probe_buf, "\n"));
			pv->counter = probe_sum_key(".nr_switches");
			snprintf(pv->v, sizeof(pv->v), "switches=%llu", pv->counter);
		}
		break;
	case PC_PROC_TIMER_LIST:
		if (probe_file(pv, "/proc/timer_list", 0) == 0) {
			const char *now = strstr(probe_buf, "now at ");

			pv->has_n = pv->has_counter = 1;
			/* The kernel's monotonic clock, in ms. */
			pv->n = now ? strtoull(now + 7, NULL, 10) / 1000000ull : 0;
			pv->counter = probe_sum_key(".nr_events");
			snprintf(pv->v, sizeof(pv->v), "now=%llums events=%llu", pv->n, pv->counter);
		}
		break;
	case PC_PROC_LOCKS: {
		long n = probe_read_file("/proc/locks", 0);
		int lines = 0;

		if (n < 0) {
			pv->err = (int)-n;
			break;
		}
		for (const char *p = probe_buf; *p; p++)
			lines += *p == '\n';
		pv->has_n = 1;
		if (markers && markers->lock && *markers->lock && strlen(markers->lock) < 60) {
			char pattern[64];

			/* Spaces around it: inode 12 is not inode 123. */
			snprintf(pattern, sizeof(pattern), " %s ", markers->lock);
			pv->n = strstr(probe_buf, pattern) ? 1 : 0;
		}
		snprintf(pv->v, sizeof(pv->v), "marker=%s locks=%d", pv->n ? "found" : "absent", lines);
		break;
	}
	case PC_PROC_MODULES:
		if (probe_file(pv, "/proc/modules", 0) == 0)
			probe_name_list(pv, 0, " ");
		break;
	case PC_KALLSYMS:
		probe_kallsyms(pv);
		break;
	case PC_MOUNTINFO:
		if (probe_file(pv, "/proc/self/mountinfo", 0) == 0)
			probe_mountinfo(pv);
		break;
	case PC_NET_INTERFACES:
		if (probe_file(pv, "/proc/net/dev", 0) == 0)
			probe_name_list(pv, 2, ":");
		break;
	case PC_KERNEL_LOG:
		probe_kernel_log(pv, markers ? markers->kmsg : NULL);
		break;
	case PC_PID_COUNT:
		probe_count_dir(pv, "/proc", 0);
		break;
	case PC_CAPABILITIES:
		probe_status_field(pv, "CapEff:");
		break;
	case PC_SECCOMP:
		if (probe_file(pv, "/proc/self/status", 0) == 0) {
			const char *s = probe_line_value("Seccomp:"), *nnp = probe_line_value("NoNewPrivs:");

			pv->has_n = 1;
			pv->n = (s ? strtoull(s, NULL, 10) : 9) * 10 + (nnp ? strtoull(nnp, NULL, 10) : 9);
			snprintf(pv->v, sizeof(pv->v), "seccomp=%d nnp=%d", s ? atoi(s) : -1, nnp ? atoi(nnp) : -1);
		}
		break;
	case PC_DEVICES:
		probe_count_dir(pv, "/dev", 1);
		break;
	case PC_CGROUP:
		probe_read_cgroup(pv, "/proc/self/cgroup");
		break;
	default:
		pv->err = EINVAL;
	}
	if (pv->err && !pv->v[0])
		snprintf(pv->v, sizeof(pv->v), "%.*s", PROBE_VALUE_MAX, strerror(pv->err));
}

#endif
