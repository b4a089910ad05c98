/* libFuzzer target: what bench reads back from an OCI runtime
 * (runners/oci_cli_exec.c): its --pid-file text and its stderr's last line.
 *
 * Input: one selector byte (even: pid file, odd: stderr), then the bytes the
 * runtime wrote.  Besides the sanitizers, it checks the promises: a pid
 * taken is 1 .. INT_MAX and the text was only digits and a newline; a last
 * line is printable ASCII, NUL-terminated within its buffer. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../runners/oci_cli_exec.h"

#define CHECK(cond)                                                                        \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "fuzz_oci_cli: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                           \
		}                                                                          \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text;

	if (size < 1)
		return 0;
	text = (const char *)data + 1;
	size--;
	if (data[0] % 2 == 0) {
		bench_error err = { 0 };
		pid_t pid = 0;

		if (oci_parse_pid(text, size, &pid, &err) == 0) {
			CHECK(pid >= 1);
			for (size_t i = 0; i < size; i++)
				CHECK((text[i] >= '0' && text[i] <= '9') || (text[i] == '\n' && i == size - 1));
		} else {
			CHECK(err.msg[0] != '\0');
		}
	} else {
		char line[64];
		size_t n;

		memset(line, 'x', sizeof(line));
		oci_last_line(text, size, line, sizeof(line));
		n = strnlen(line, sizeof(line));
		CHECK(n < sizeof(line));
		for (size_t i = 0; i < n; i++)
			CHECK(line[i] >= 0x20 && line[i] < 0x7f);
	}
	return 0;
}
