/* The domain XML a libvirt save image carries, made fit for one more
 * restore.  libvirt keeps the saved domain's name and UUID (it refuses a
 * restore that changes either: "Target domain name ... does not match
 * source"), so every restore of one image is the same domain; what may
 * change, and must, per restore: the console socket's path (one per
 * instance) and bench's mark, the run id that `bench cleanup` judges the
 * domain by (vm/domain_xml.h). */
#ifndef BENCH_VM_RESTORE_XML_H
#define BENCH_VM_RESTORE_XML_H

#include <stddef.h>

#include "../lib/error.h"

/* The path of the saved domain's unix serial console into out; the XML is
 * read as untrusted (bounded, one serial console of type unix expected). */
int vm_restore_xml_console(const char *saved, char *out, size_t outsz, bench_error *err);

/* saved with every occurrence of its console path replaced by
 * console_socket and its <metadata> by bench's mark for run_id; a malloc'd
 * string, or NULL with *err. */
char *vm_restore_xml(const char *saved, const char *run_id, const char *console_socket, bench_error *err);

#endif
