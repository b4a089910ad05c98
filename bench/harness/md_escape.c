#include "md_escape.h"

#include <string.h>

void md_escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (strchr("\\`*_[]<>|#!", *s))
			fputc('\\', f);
		if (c == '\n' || c == '\r' || c == '\t')
			fputc(' ', f);
		else if (c < 0x20 || c == 0x7f)
			fputc('?', f);
		else
			fputc(*s, f);
	}
}
