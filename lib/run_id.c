#include "run_id.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void run_id_make(char *out, size_t outsz)
{
	snprintf(out, outsz, "%ld-%lx", (long)getpid(), (unsigned long)time(NULL));
}

void run_id_object_name(const char *run_id, unsigned seq, char *out, size_t outsz)
{
	snprintf(out, outsz, RUN_ID_PREFIX "%s-%u", run_id, seq);
}

bool run_id_owner_alive(const char *name)
{
	char path[64], comm[32] = "";
	const char *p;
	char *end;
	long pid;
	FILE *f;

	if (strncmp(name, RUN_ID_PREFIX, strlen(RUN_ID_PREFIX)) != 0)
		return false;
	p = name + strlen(RUN_ID_PREFIX);
	pid = strtol(p, &end, 10);
	if (end == p || *end != '-' || pid <= 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = '\0';
	fclose(f);
	/* A recycled pid belongs to some other program: not ours. */
	return strncmp(comm, "bench", 5) == 0;
}
