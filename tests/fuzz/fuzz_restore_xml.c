/* libFuzzer target: the domain XML a libvirt save image carries, as the
 * vm runner's --vm-start restore rewrites it (vm/restore_xml.c).
 *
 * Input: the XML bytes.  Besides the sanitizers, it checks the promises:
 * a console path found is non-empty, within its buffer and free of the
 * characters that would break out of its attribute; a rewritten XML's
 * console is the new path, and its mark the run's. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../vm/restore_xml.h"

#define CHECK(cond)                                                                            \
	do {                                                                                   \
		if (!(cond)) {                                                                 \
			fprintf(stderr, "fuzz_restore_xml: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                               \
		}                                                                              \
	} while (0)

#define NEW_SOCK "/tmp/bench-9-ff-vm.Z/7.sock"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *xml = malloc(size + 1), path[128];
	bench_error err = { 0 };
	char *out;

	if (!xml)
		return 0;
	memcpy(xml, data, size);
	xml[size] = '\0';
	if (vm_restore_xml_console(xml, path, sizeof(path), &err) == 0) {
		size_t n = strlen(path);

		CHECK(n > 0 && n < sizeof(path));
		CHECK(strpbrk(path, "'<>&\n") == NULL);
	}
	out = vm_restore_xml(xml, "9-ff", NEW_SOCK, &err);
	if (out) {
		/* The console the restore will have is the new one, and
		 * the mark is the run's. */
		CHECK(vm_restore_xml_console(out, path, sizeof(path), &err) == 0);
		CHECK(strcmp(path, NEW_SOCK) == 0);
		CHECK(strstr(out, "id='9-ff'/></metadata>") != NULL);
		free(out);
	}
	free(xml);
	return 0;
}
