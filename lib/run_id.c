#include "run_id.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The boot time and the start time of a process are each rounded to the
 * second (and clock steps move the former): allow this much. */
#define START_SLACK_S 2

void run_id_make(char *out, size_t outsz)
{
	snprintf(out, outsz, "%ld-%lx", (long)getpid(), (unsigned long)time(NULL));
}

void run_id_object_name(const char *run_id, unsigned seq, char *out, size_t outsz)
{
	snprintf(out, outsz, RUN_ID_PREFIX "%s-%u", run_id, seq);
}

/* Parses "<pid>-<hex>" ending at '\0' or '-'; digits only, no sign, no
 * blanks (strtol would take those). */
static bool parse_run_id(const char *p, long *pid, unsigned long long *start)
{
	size_t nd = strspn(p, "0123456789"), nh;
	char num[24];

	if (nd == 0 || nd >= 10 || p[nd] != '-')
		return false;
	memcpy(num, p, nd);
	num[nd] = '\0';
	*pid = strtol(num, NULL, 10);
	p += nd + 1;
	nh = strspn(p, "0123456789abcdef");
	if (nh == 0 || nh > 16 || (p[nh] != '\0' && p[nh] != '-'))
		return false;
	memcpy(num, p, nh);
	num[nh] = '\0';
	*start = strtoull(num, NULL, 16);
	return *pid > 0;
}

static long long boot_time(void)
{
	char line[256];
	long long btime = -1;
	FILE *f = fopen("/proc/stat", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "btime %lld", &btime) == 1)
			break;
	fclose(f);
	return btime;
}

/* When the process began, in seconds since the epoch; -1 when there is no
 * such process, -2 when it cannot be told. */
static long long process_start(long pid)
{
	char path[64], buf[1024], *p;
	unsigned long long ticks;
	long long btime;
	long hz = sysconf(_SC_CLK_TCK);
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT || errno == ESRCH ? -1 : -2;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* comm, field 2, may hold anything: fields are counted after its ')'. */
	p = strrchr(buf, ')');
	if (!p)
		return -2;
	p++;
	/* starttime is field 22: 20 fields after comm. */
	for (int field = 3; field < 22; field++) {
		while (*p == ' ')
			p++;
		p += strcspn(p, " ");
	}
	if (sscanf(p, " %llu", &ticks) != 1 || hz <= 0)
		return -2;
	btime = boot_time();
	if (btime < 0)
		return -2;
	return btime + (long long)(ticks / (unsigned long long)hz);
}

enum run_owner run_id_owner(const char *run_id)
{
	long pid;
	unsigned long long began;
	long long started;

	if (!parse_run_id(run_id, &pid, &began))
		return RUN_OWNER_UNKNOWN;
	started = process_start(pid);
	if (started == -1)
		return RUN_OWNER_DEAD;
	if (started == -2)
		return RUN_OWNER_ALIVE; /* cannot tell: keep */
	/* A process that began after the run did holds a reused pid. */
	return started > (long long)began + START_SLACK_S ? RUN_OWNER_DEAD : RUN_OWNER_ALIVE;
}

bool run_id_owner_alive(const char *name)
{
	if (strncmp(name, RUN_ID_PREFIX, strlen(RUN_ID_PREFIX)) != 0)
		return true;
	return run_id_owner(name + strlen(RUN_ID_PREFIX)) != RUN_OWNER_DEAD;
}
