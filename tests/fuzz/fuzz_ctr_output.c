/* libFuzzer target: what bench reads of ctr's and runc's own output
 * (runners/containerd_ctr.c): the last line of a stderr, the names of a
 * `ctr ... list --quiet`, the version in `ctr version` / `runc --version`.
 *
 * Input: the bytes a ctr wrote.  Besides the sanitizers, it checks the
 * promises: a last line and a version are printable ASCII within their
 * buffer, and every name handed out is a plausible object name. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../runners/containerd_ctr.h"

#define CHECK(cond)                                                                          \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "fuzz_ctr_output: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                             \
		}                                                                            \
	} while (0)

static void printable(const char *s, size_t max)
{
	size_t n = strlen(s);

	CHECK(n < max);
	for (size_t i = 0; i < n; i++)
		CHECK(s[i] >= 0x20 && s[i] < 0x7f);
}

static void check_name(const char *name, void *arg)
{
	size_t n = strlen(name);

	(*(unsigned *)arg)++;
	CHECK(n > 0 && n < 256);
	for (size_t i = 0; i < n; i++)
		CHECK((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
		      (name[i] >= '0' && name[i] <= '9') || strchr("._-:/@+", name[i]));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	char line[64], tiny[2], version[32];
	unsigned names = 0;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	ctr_last_line(text, size, line, sizeof(line));
	printable(line, sizeof(line));
	ctr_last_line(text, size, tiny, sizeof(tiny));
	printable(tiny, sizeof(tiny));
	/* The C string: text up to its first NUL, as ctr_call hands it on. */
	ctr_each_name(text, check_name, &names);
	CHECK(names <= size);
	ctr_version_after(text, "Server:", "Version:", version, sizeof(version));
	printable(version, sizeof(version));
	ctr_version_after(text, NULL, "runc version", version, sizeof(version));
	printable(version, sizeof(version));
	free(text);
	return 0;
}
