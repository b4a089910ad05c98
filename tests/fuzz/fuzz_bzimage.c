/* libFuzzer target: the release string bench reads from a bzImage's header
 * (vm/guest_kernel.c bzimage_release), for --guest-kernel PATH: any file
 * a user names.
 *
 * Input: the first bytes of a file.  Besides the sanitizers, it checks the
 * promises: a release that is found is non-empty, fits its buffer and is
 * made of release characters only; one that is not found leaves "". */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../vm/guest_kernel.h"

#define CHECK(cond)                                                                        \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "fuzz_bzimage: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                           \
		}                                                                          \
	} while (0)

static void check(const uint8_t *data, size_t size, size_t outsz)
{
	char out[128];
	int rc = bzimage_release(data, size, out, outsz);
	size_t n = strlen(out);

	CHECK(n < outsz);
	if (rc != 0) {
		CHECK(n == 0);
		return;
	}
	CHECK(n > 0);
	for (size_t i = 0; i < n; i++)
		CHECK(strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_+~", out[i]) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy, so that ASan sees any read past the end. */
	uint8_t *copy = malloc(size ? size : 1);

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	check(copy, size, 128);
	check(copy, size, 8);
	check(copy, size, 1);
	free(copy);
	return 0;
}
