/* The verdict on one channel: does the workload see its own value
 * (isolated), the host's (leaks), a host-wide counter that moves with the
 * host's activity (host_coupled), or nothing (unavailable)?  Pure functions
 * of recorded readings, so that the tests can feed them values. */
#include <stdio.h>
#include <string.h>

#include "isolation.h"

enum compare {
	CMP_VALUE,        /* the printed values are equal */
	CMP_NUMBER,       /* the numbers (hashes, counts) are equal */
	CMP_NEAR_MS,      /* two clocks within tol ms of each other */
	CMP_NEAR_SHARE,   /* within tol percent (and at least 5 apart) */
	CMP_MARKER,       /* the host's marker is visible inside (n = 1) */
	CMP_MOUNTS,       /* the same mount table, or a host path as root */
	CMP_SAME_KERNEL,  /* equal values of the same kernel (privileges) */
};

static const struct {
	enum compare cmp;
	double tol;
	unsigned long long burst_min; /* the host burst must move the counter this much */
} specs[PC_COUNT] = {
	[PC_HOSTNAME] = { CMP_VALUE, 0, 0 },
	[PC_KERNEL_RELEASE] = { CMP_VALUE, 0, 0 },
	[PC_KERNEL_VERSION] = { CMP_VALUE, 0, 0 },
	[PC_BOOT_ID] = { CMP_VALUE, 0, 0 },
	/* Two reads a moment apart: tolerances cover the harness's latency
	 * and a guest that booted seconds ago stays far outside them. */
	[PC_UPTIME] = { CMP_NEAR_MS, 2000, 0 },
	[PC_CLOCK_BOOTTIME] = { CMP_NEAR_MS, 2000, 0 },
	[PC_MEM_TOTAL] = { CMP_NEAR_SHARE, 1, 0 },
	[PC_CPU_COUNT] = { CMP_NUMBER, 0, 0 },
	[PC_CPU_ONLINE] = { CMP_NUMBER, 0, 0 },
	[PC_CPU_AFFINITY] = { CMP_NUMBER, 0, 0 },
	[PC_LOADAVG] = { CMP_VALUE, 0, 0 },
	[PC_PROC_STAT] = { CMP_NUMBER, 0, 100 },
	[PC_PROC_INTERRUPTS] = { CMP_NUMBER, 0, 500 },
	[PC_PROC_SCHED_DEBUG] = { CMP_NUMBER, 0, 1000 },
	[PC_PROC_TIMER_LIST] = { CMP_NEAR_MS, 2000, 500 },
	[PC_PROC_LOCKS] = { CMP_MARKER, 0, 0 },
	[PC_PROC_MODULES] = { CMP_NUMBER, 0, 0 },
	[PC_KALLSYMS] = { CMP_NUMBER, 0, 0 },
	[PC_MOUNTINFO] = { CMP_MOUNTS, 0, 0 },
	[PC_NET_INTERFACES] = { CMP_NUMBER, 0, 0 },
	[PC_KERNEL_LOG] = { CMP_MARKER, 0, 0 },
	[PC_PID_COUNT] = { CMP_NEAR_SHARE, 10, 0 },
	[PC_CAPABILITIES] = { CMP_SAME_KERNEL, 0, 0 },
	[PC_SECCOMP] = { CMP_SAME_KERNEL, 0, 0 },
	[PC_DEVICES] = { CMP_NUMBER, 0, 0 },
	[PC_CGROUP] = { CMP_NUMBER, 0, 0 },
};

const char *iso_verdict_name(enum iso_verdict v)
{
	static const char *const names[ISO_NVERDICTS] = { "isolated", "leaks", "host_coupled", "unavailable" };

	return v >= 0 && v < ISO_NVERDICTS ? names[v] : "?";
}

static bool readable(const struct iso_reading *r)
{
	return r->present && r->pv.err == 0;
}

static unsigned long long absdiff(unsigned long long a, unsigned long long b)
{
	return a > b ? a - b : b - a;
}

/* Did the inside counter move at least half as much as the host's burst
 * moved it?  The inside reads bracket the host's, so a shared counter
 * moves at least as much inside. */
static bool coupled(int ch, const struct iso_channel_obs *o, char *why, size_t whysz)
{
	unsigned long long dh, dv;

	if (!specs[ch].burst_min || !readable(&o->inside[0]) || !readable(&o->inside[1]) ||
	    !readable(&o->host[0]) || !readable(&o->host[1]))
		return false;
	if (!o->inside[0].pv.has_counter || !o->inside[1].pv.has_counter || !o->host[0].pv.has_counter ||
	    !o->host[1].pv.has_counter)
		return false;
	if (o->host[1].pv.counter < o->host[0].pv.counter || o->inside[1].pv.counter < o->inside[0].pv.counter)
		return false;
	dh = o->host[1].pv.counter - o->host[0].pv.counter;
	dv = o->inside[1].pv.counter - o->inside[0].pv.counter;
	if (dh < specs[ch].burst_min || dv * 2 < dh)
		return false;
	snprintf(why, whysz, "moved +%llu with the host's +%llu", dv, dh);
	return true;
}

static bool same_value(int ch, const struct probe_value *in, const struct probe_value *host,
		       const struct iso_context *cx)
{
	unsigned long long tol;

	switch (specs[ch].cmp) {
	case CMP_VALUE:
		return strcmp(in->v, host->v) == 0;
	case CMP_NUMBER:
		return in->has_n && host->has_n && in->n == host->n;
	case CMP_NEAR_MS:
		return in->has_n && host->has_n && (double)absdiff(in->n, host->n) <= specs[ch].tol;
	case CMP_NEAR_SHARE:
		if (!in->has_n || !host->has_n)
			return false;
		tol = (unsigned long long)((double)host->n * specs[ch].tol / 100.0);
		if (ch == PC_PID_COUNT && tol < 5)
			tol = 5;
		return absdiff(in->n, host->n) <= tol;
	case CMP_MARKER:
		return in->has_n && in->n == 1;
	case CMP_MOUNTS:
		/* The root of "/" naming a host directory leaks the host's
		 * layout even when the table is the workload's own. */
		return (in->has_n && host->has_n && in->n == host->n) ||
		       (strncmp(in->v, "root=", 5) == 0 && strncmp(in->v, "root=/ ", 7) != 0 &&
			strncmp(in->v, "root=? ", 7) != 0);
	case CMP_SAME_KERNEL:
		return cx->same_kernel && strcmp(in->v, host->v) == 0;
	}
	return false;
}

enum iso_verdict iso_decide(int ch, const struct iso_channel_obs *o, const struct iso_context *cx, char *why,
			    size_t whysz)
{
	const struct probe_value *in = &o->inside[0].pv, *host = &o->host[0].pv;

	if (ch < 0 || ch >= PC_COUNT) {
		snprintf(why, whysz, "unknown channel");
		return ISO_UNAVAILABLE;
	}
	if (!o->inside[0].present) {
		snprintf(why, whysz, "not reported");
		return ISO_UNAVAILABLE;
	}
	if (in->err) {
		snprintf(why, whysz, "unreadable inside");
		return ISO_UNAVAILABLE;
	}
	if (!readable(&o->host[0])) {
		snprintf(why, whysz, "unreadable on the host");
		return ISO_UNAVAILABLE;
	}
	if (specs[ch].cmp == CMP_MARKER && !(host->has_n && host->n == 1)) {
		snprintf(why, whysz, "the host does not see its own marker");
		return ISO_UNAVAILABLE;
	}
	if (coupled(ch, o, why, whysz))
		return ISO_HOST_COUPLED;
	if (same_value(ch, in, host, cx)) {
		snprintf(why, whysz, specs[ch].cmp == CMP_MARKER ? "the host's marker is visible" : "the host's value");
		if ((ch == PC_CPU_COUNT || ch == PC_CPU_ONLINE || ch == PC_CPU_AFFINITY) && cx->cpus_given &&
		    in->n == cx->cpus_given)
			snprintf(why, whysz, "the host's value, also the CPUs given");
		return ISO_LEAKS;
	}
	snprintf(why, whysz, "its own value");
	if (ch == PC_MEM_TOTAL && cx->mem_limit_kib && in->has_n && in->n <= cx->mem_limit_kib)
		snprintf(why, whysz, "its own value, within the limit given");
	return ISO_ISOLATED;
}

bool iso_same_kernel(const struct iso_channel_obs obs[PC_COUNT])
{
	const struct iso_channel_obs *b = &obs[PC_BOOT_ID], *v = &obs[PC_KERNEL_VERSION], *u = &obs[PC_UPTIME];

	if (readable(&b->inside[0]) && readable(&b->host[0]))
		return strcmp(b->inside[0].pv.v, b->host[0].pv.v) == 0;
	return readable(&v->inside[0]) && readable(&v->host[0]) && strcmp(v->inside[0].pv.v, v->host[0].pv.v) == 0 &&
	       readable(&u->inside[0]) && readable(&u->host[0]) && absdiff(u->inside[0].pv.n, u->host[0].pv.n) <= 2000;
}

int iso_control_check(const struct iso_probe_result *p, char *msg, size_t msgsz)
{
	size_t used = 0;
	int bad = 0;

	msg[0] = '\0';
	for (int ch = 0; ch < PC_COUNT; ch++) {
		const struct iso_channel_obs *o = &p->obs[ch];

		/* Channels the host itself cannot read prove nothing. */
		if (!readable(&o->host[0]) || (specs[ch].cmp == CMP_MARKER && o->host[0].pv.n != 1))
			continue;
		if (p->verdict[ch] == ISO_LEAKS || p->verdict[ch] == ISO_HOST_COUPLED)
			continue;
		bad++;
		if (used < msgsz)
			used += (size_t)snprintf(msg + used, msgsz - used, "%s%s (%s)", bad > 1 ? ", " : "",
						 probe_channel_names[ch], iso_verdict_name(p->verdict[ch]));
	}
	return bad;
}

void iso_runner_label(const char *runner, const char *profile, char *out, size_t outsz)
{
	if (profile && strcmp(profile, "hardened") == 0)
		snprintf(out, outsz, "%s-hardened", runner);
	else
		snprintf(out, outsz, "%s", runner);
}
