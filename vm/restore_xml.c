#include "restore_xml.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain_xml.h"

/* The saved XML is libvirt's own formatting of bench's domain: single
 * quotes around attribute values (virBufferEscapeString), one <serial
 * type='unix'>, one <metadata> element. */
#define SERIAL_TAG "<serial type='unix'>"
#define PATH_ATTR "path='"
#define SAVED_XML_MAX (1u << 20)

int vm_restore_xml_console(const char *saved, char *out, size_t outsz, bench_error *err)
{
	const char *serial, *end, *p;
	size_t n;

	if (strnlen(saved, SAVED_XML_MAX) >= SAVED_XML_MAX)
		return bench_fail(err, 0, "saved domain XML is larger than %u bytes", SAVED_XML_MAX);
	serial = strstr(saved, SERIAL_TAG);
	end = serial ? strstr(serial, "</serial>") : NULL;
	p = serial ? strstr(serial, PATH_ATTR) : NULL;
	if (!serial || !end || !p || p > end)
		return bench_fail(err, 0, "saved domain XML has no unix socket console");
	p += strlen(PATH_ATTR);
	n = strcspn(p, "'<>&\n");
	if (p[n] != '\'' || n == 0 || n >= outsz)
		return bench_fail(err, 0, "saved domain XML: its console path is malformed or too long");
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

/* Appends n bytes of s to the buffer *b of capacity *cap (at *len). */
static bool put(char **b, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (!*b || *len + n + 1 > *cap) {
		size_t c = *cap ? *cap : 4096;
		char *nb;

		while (*len + n + 1 > c)
			c *= 2;
		nb = realloc(*b, c);
		if (!nb)
			return false;
		*b = nb;
		*cap = c;
	}
	memcpy(*b + *len, s, n);
	*len += n;
	(*b)[*len] = '\0';
	return true;
}

char *vm_restore_xml(const char *saved, const char *run_id, const char *console_socket, bench_error *err)
{
	char old_path[128], old_attr[160], new_attr[400], mark[300], esc[260];
	const char *p, *meta, *meta_end, *a;
	char *out = NULL;
	size_t len = 0, cap = 0, elen = 0;
	bool ok;

	if (strnlen(saved, SAVED_XML_MAX) >= SAVED_XML_MAX)
		return bench_fail(err, 0, "saved domain XML is larger than %u bytes", SAVED_XML_MAX), NULL;
	meta = strstr(saved, "<metadata>");
	meta_end = meta ? strstr(meta, "</metadata>") : NULL;
	if (!meta_end)
		return bench_fail(err, 0, "saved domain XML has no <metadata> (not a domain bench saved)"), NULL;
	meta_end += strlen("</metadata>");
	if (vm_xml_escape(console_socket, esc, sizeof(esc), &elen) < 0 ||
	    (size_t)snprintf(new_attr, sizeof(new_attr), PATH_ATTR "%s'", esc) >= sizeof(new_attr))
		return bench_fail(err, ENAMETOOLONG, "console socket path"), NULL;
	elen = 0;
	if (vm_xml_escape(run_id, esc, sizeof(esc), &elen) < 0 ||
	    (size_t)snprintf(mark, sizeof(mark),
			     "<metadata><" VM_BENCH_MARK_PREFIX ":run xmlns:" VM_BENCH_MARK_PREFIX "='" VM_BENCH_MARK_NS
			     "' id='%s'/></metadata>", esc) >= sizeof(mark))
		return bench_fail(err, EINVAL, "run id"), NULL;
	/* Up to the metadata, the mark, then the rest: the console is looked
	 * for in that, so that one inside the old metadata is no console. */
	ok = put(&out, &len, &cap, saved, (size_t)(meta - saved)) && put(&out, &len, &cap, mark, strlen(mark)) &&
	     put(&out, &len, &cap, meta_end, strlen(meta_end));
	if (!ok) {
		free(out);
		return bench_fail(err, ENOMEM, "saved domain XML"), NULL;
	}
	if (vm_restore_xml_console(out, old_path, sizeof(old_path), err) < 0) {
		free(out);
		return NULL;
	}
	snprintf(old_attr, sizeof(old_attr), PATH_ATTR "%s'", old_path);
	/* The console's path replaced wherever it is (the <serial> and
	 * libvirt's <console>); the mark holds no path= to match. */
	for (p = out; ok && (a = strstr(p, old_attr)) != NULL;) {
		char *rest = strdup(a + strlen(old_attr));
		size_t at = (size_t)(a - out);

		len = at;
		ok = rest && put(&out, &len, &cap, new_attr, strlen(new_attr)) &&
		     put(&out, &len, &cap, rest, strlen(rest));
		p = out + at + strlen(new_attr);
		free(rest);
	}
	if (!ok) {
		free(out);
		return bench_fail(err, ENOMEM, "saved domain XML"), NULL;
	}
	return out;
}
