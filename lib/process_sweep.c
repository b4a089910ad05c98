/* Finding the processes a dead run left running when the tool that made
 * them cannot remove them any more (a runtime's sandbox whose state was
 * cut off half-way by a SIGKILL): by what their command line names, with
 * every process below them. */
#include "process_sweep.h"
#include "clock.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SWEEP_MAX 4096

struct proc_entry {
	pid_t pid, ppid;
	bool marked;
};

/* The command line with its NULs as spaces; "" when unreadable. */
static void read_cmdline(pid_t pid, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return;
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	buf[n] = '\0';
}

static pid_t read_ppid(pid_t pid)
{
	char path[64], buf[512], *close_paren;
	ssize_t n;
	int fd, ppid;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* The name in parentheses may hold anything: parse after its end. */
	close_paren = strrchr(buf, ')');
	if (!close_paren || sscanf(close_paren + 1, " %*c %d", &ppid) != 1)
		return 0;
	return (pid_t)ppid;
}

/* Every process into procs (at most SWEEP_MAX), those whose command line
 * names needle and all below them marked; how many there are. */
static size_t mark_tree(const char *needle, struct proc_entry *procs)
{
	char cmdline[4096];
	size_t n = 0;
	bool grew = true;
	struct dirent *de;
	DIR *d = opendir("/proc");

	while (d && (de = readdir(d)) != NULL && n < SWEEP_MAX) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);

		if (*end || pid <= 1 || pid == getpid())
			continue;
		read_cmdline((pid_t)pid, cmdline, sizeof(cmdline));
		procs[n++] = (struct proc_entry){ (pid_t)pid, read_ppid((pid_t)pid), strstr(cmdline, needle) != NULL };
	}
	if (d)
		closedir(d);
	/* Everything below a marked process goes with it. */
	while (grew) {
		grew = false;
		for (size_t i = 0; i < n; i++)
			for (size_t j = 0; j < n && !procs[i].marked; j++)
				if (procs[j].marked && procs[i].ppid == procs[j].pid)
					procs[i].marked = grew = true;
	}
	return n;
}

/* How many processes are marked; SIGKILLed first when kill_them. */
static unsigned marked(const char *needle, bool kill_them)
{
	struct proc_entry *procs;
	unsigned count = 0;
	size_t n;

	if (!needle || !*needle)
		return 0;
	procs = calloc(SWEEP_MAX, sizeof(*procs));
	if (!procs)
		return 0;
	n = mark_tree(needle, procs);
	for (size_t i = 0; i < n; i++)
		if (procs[i].marked && (!kill_them || kill(procs[i].pid, SIGKILL) == 0))
			count++;
	free(procs);
	return count;
}

unsigned process_sweep(const char *needle)
{
	return marked(needle, true);
}

unsigned process_sweep_after(const char *needle, unsigned grace_ms)
{
	uint64_t deadline = clock_now_ns() + (uint64_t)grace_ms * 1000000u;

	/* One walk of /proc a look: none left is the common case, and then
	 * nothing more is read. */
	while (marked(needle, false) > 0) {
		struct timespec pause = { 0, 10 * 1000000L };

		if (clock_now_ns() >= deadline)
			return marked(needle, true);
		nanosleep(&pause, NULL);
	}
	return 0;
}
