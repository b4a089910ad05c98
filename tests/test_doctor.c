/* bench doctor: one line per check, in the documented format. */
#include <criterion/criterion.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../bench/harness/doctor.h"

/* Runs cmd_doctor with fd 1 sent to a temporary file; returns what it
 * printed (malloc'd) and its status in *status. */
static char *run_doctor_captured(int argc, char **argv, int *status)
{
	FILE *tmp = tmpfile();
	int saved;
	long len;
	char *out;

	cr_assert_not_null(tmp);
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	cr_assert_geq(saved, 0);
	cr_assert_geq(dup2(fileno(tmp), STDOUT_FILENO), 0);
	*status = cmd_doctor(argc, argv);
	fflush(stdout);
	cr_assert_geq(dup2(saved, STDOUT_FILENO), 0);
	close(saved);

	cr_assert_eq(fseek(tmp, 0, SEEK_END), 0);
	len = ftell(tmp);
	cr_assert_geq(len, 0);
	rewind(tmp);
	out = calloc(1, (size_t)len + 1);
	cr_assert_not_null(out);
	cr_assert_eq(fread(out, 1, (size_t)len, tmp), (size_t)len);
	fclose(tmp);
	return out;
}

Test(doctor, one_line_per_check)
{
	char *argv[] = { "doctor", NULL };
	size_t n = doctor_check_count(), i = 0;
	const char *root_line = NULL;
	bool any_fail = false;
	int status;
	char *out = run_doctor_captured(1, argv, &status);
	char *save = NULL;

	cr_assert_gt(n, 0);
	for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save), i++) {
		const char *name = doctor_check_name(i);
		const char *rest;

		cr_assert_lt(i, n, "more lines than checks; extra line: %s", line);
		cr_assert(strncmp(line, "ok   ", 5) == 0 || strncmp(line, "warn ", 5) == 0 ||
				  strncmp(line, "FAIL ", 5) == 0,
			  "line %zu does not start with ok/warn/FAIL: %s", i, line);
		rest = line + 5;
		cr_assert(strncmp(rest, name, strlen(name)) == 0 && strncmp(rest + strlen(name), ": ", 2) == 0,
			  "line %zu should be check '%s': %s", i, name, line);
		if (strncmp(line, "FAIL ", 5) == 0) {
			any_fail = true;
			cr_assert_not_null(strstr(line, " -- fix: "), "FAIL without a fix: %s", line);
		}
		if (strcmp(name, "root") == 0)
			root_line = line;
	}
	cr_assert_eq(i, n, "%zu lines for %zu checks", i, n);
	cr_assert_eq(status, any_fail ? 1 : 0, "status %d with%s a FAIL line", status,
		     any_fail ? "" : "out");
	cr_assert_not_null(root_line, "no root check");

	if (geteuid() != 0) {
		free(out);
		cr_skip_test("needs root");
	}
	cr_assert(strncmp(root_line, "ok   root: ", 11) == 0, "as root: %s", root_line);
	free(out);
}
