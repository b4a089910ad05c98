/* The "notes" array of a results document: sentences every reader of the
 * figures must see.  Kept below the runners so that a runner can add its
 * own (the vm runner's "this is emulation") without knowing the harness. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "json_notes.h"

void results_meta_note(json_t *meta, const char *fmt, ...)
{
	char text[512];
	json_t *notes, *n;
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	notes = json_object_get(meta, "notes");
	if (!json_is_array(notes)) {
		notes = json_array();
		if (json_object_set_new(meta, "notes", notes) < 0)
			return;
	}
	json_array_foreach(notes, i, n)
		if (json_is_string(n) && strcmp(json_string_value(n), text) == 0)
			return;
	json_array_append_new(notes, json_string(text));
}

void results_meta_not_measured(json_t *meta, const char *runner, const char *why)
{
	json_t *skipped = json_object_get(meta, "not_measured");

	if (!json_is_object(skipped)) {
		skipped = json_object();
		if (json_object_set_new(meta, "not_measured", skipped) < 0)
			return;
	}
	json_object_set_new(skipped, runner, json_string(why));
	results_meta_note(meta, "%s: not measured: %s", runner, why);
}
