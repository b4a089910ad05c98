#include "tsc.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>

static bool cpuinfo_has_constant_tsc(void)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	char line[8192];
	bool found = false;

	while (f && !found && fgets(line, sizeof(line), f))
		found = strncmp(line, "flags", 5) == 0 && strstr(line, " constant_tsc") != NULL;
	if (f)
		fclose(f);
	return found;
}

static unsigned long long mono_raw_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

long vm_host_tsc_khz(bench_error *err)
{
	unsigned long long t0, t1, c0, c1;
	struct timespec pause = { 0, 20000000 };

	if (!cpuinfo_has_constant_tsc())
		return bench_fail(err, 0, "the host's TSC has no constant rate (no constant_tsc in /proc/cpuinfo)");
	t0 = mono_raw_ns();
	c0 = __rdtsc();
	nanosleep(&pause, NULL);
	t1 = mono_raw_ns();
	c1 = __rdtsc();
	if (t1 <= t0 || c1 <= c0)
		return bench_fail(err, 0, "the host's TSC did not advance");
	return (long)((c1 - c0) * 1000000ull / (t1 - t0));
}
#else
long vm_host_tsc_khz(bench_error *err)
{
	return bench_fail(err, 0, "no TSC on this architecture");
}
#endif
