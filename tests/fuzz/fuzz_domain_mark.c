/* libFuzzer target: the bench mark in a domain's metadata, as `bench
 * cleanup` reads it (vm_mark_attr in vm/cleanup.c) to judge whether a
 * domain is a dead run's.  The metadata comes from libvirt, so from
 * whoever else can define a domain there: untrusted.
 *
 * Input: the metadata's bytes.  Besides the sanitizers, it checks the
 * promise: a value found is non-empty, fits its buffer, and holds only the
 * characters asked for. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../vm/cleanup.h"

#define CHECK(cond)                                                                             \
	do {                                                                                    \
		if (!(cond)) {                                                                  \
			fprintf(stderr, "fuzz_domain_mark: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                                \
		}                                                                               \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const hex = "0123456789abcdef";
	char *xml = malloc(size + 1), id[64], controller[40];

	if (!xml)
		return 0;
	memcpy(xml, data, size);
	xml[size] = '\0';
	if (vm_mark_attr(xml, "id", "0123456789abcdef-", id, sizeof(id))) {
		size_t n = strlen(id);

		CHECK(n > 0 && n < sizeof(id) && strspn(id, "0123456789abcdef-") == n);
	}
	if (vm_mark_attr(xml, "controller", hex, controller, sizeof(controller))) {
		size_t n = strlen(controller);

		CHECK(n > 0 && n < sizeof(controller) && strspn(controller, hex) == n);
	}
	free(xml);
	return 0;
}
