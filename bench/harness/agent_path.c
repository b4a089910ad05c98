#include "agent_path.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int exe_dir(char *out, size_t outsz)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	char *slash;

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	snprintf(out, outsz, "%s", buf);
	return 0;
}

int agent_locate(char *out, size_t outsz, bench_error *err)
{
	char dir[PATH_MAX], cand[3][PATH_MAX + 64];
	const char *env = getenv("BENCH_AGENT");
	int n = 0;

	if (env && *env)
		snprintf(cand[n++], sizeof(cand[0]), "%s", env);
	if (exe_dir(dir, sizeof(dir)) == 0) {
		snprintf(cand[n++], sizeof(cand[0]), "%s/bench-agent", dir);
		snprintf(cand[n++], sizeof(cand[0]), "%s/../libexec/bench/bench-agent", dir);
	}
	for (int i = 0; i < n; i++) {
		if (access(cand[i], X_OK) == 0) {
			/* An absolute, clean path: it goes into the results. */
			if (!realpath(cand[i], out))
				snprintf(out, outsz, "%s", cand[i]);
			(void)outsz;
			return 0;
		}
		if (env && i == 0)
			return bench_fail(err, errno, "BENCH_AGENT=%s", env);
	}
	return bench_fail(err, 0, "bench-agent not found beside %s or in ../libexec/bench: run 'make'",
			  n ? dir : "the bench program");
}
