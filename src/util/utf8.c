/* utf8.c — UTF-8 text cut on character boundaries (utf8.h). */
#include "util/utf8.h"

#include <string.h>

size_t
ls_utf8_prefix(const char *s, size_t max)
{
	size_t n = strnlen(s, max + 1);

	if (n <= max)
		return n;
	/* s[max] is the first byte left out: step back while it continues a character */
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}
