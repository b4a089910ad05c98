#include "guest_cmdline.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../lib/agent_protocol.h"

/* Arguments may also hold the characters of option values ("--calls=a,b",
 * "1.5"). */
static bool cmdline_word_ok(const char *s, bool argument)
{
	if (!s || !*s || strlen(s) > 63)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' ||
		      (argument && ((*s >= 'A' && *s <= 'Z') || *s == '.' || *s == ',' || *s == '=' ||
				    *s == ':' || *s == '+'))))
			return false;
	return true;
}

int vm_guest_cmdline(const char *task, const char *const *args, int nargs, unsigned seq, char *out, size_t outsz,
		     bench_error *err)
{
	size_t len;

	if (!cmdline_word_ok(task, false))
		return bench_fail_usage(err, "task name '%.64s' cannot go on a kernel command line", task ? task : "");
	for (int i = 0; i < nargs; i++)
		if (!cmdline_word_ok(args[i], true))
			return bench_fail_usage(err, "task argument '%.64s' cannot go on a kernel command line",
						args[i] ? args[i] : "");
	len = (size_t)snprintf(out, outsz, VM_CMDLINE_BASE " %s%s %sbench-vm-%u", BENCH_CMDLINE_TASK, task,
			       BENCH_CMDLINE_HOSTNAME, seq);
	/* bench.arg0=... bench.arg1=...: one kernel parameter each. */
	for (int i = 0; i < nargs && len < outsz; i++)
		len += (size_t)snprintf(out + len, outsz - len, " " BENCH_CMDLINE_ARG "%d=%s", i, args[i]);
	if (len >= outsz)
		return bench_fail_usage(err, "the task's arguments do not fit on a kernel command line");
	return 0;
}
