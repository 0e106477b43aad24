/*
 * buf.c — growing a NUL-terminated text buffer (buf.h).
 */
#include "util/buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int
ls_buf_reserve(char **p, size_t len, size_t *cap, size_t more)
{
	size_t ncap;
	char *np;

	if (more > SIZE_MAX / 2 - len - 1)
		return -1;
	if (len + more + 1 <= *cap)
		return 0;
	ncap = *cap ? *cap : 256;
	while (ncap < len + more + 1)
		ncap *= 2;
	if ((np = realloc(*p, ncap)) == NULL)
		return -1;
	*p = np;
	*cap = ncap;
	return 0;
}

int
ls_buf_append(char **p, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (ls_buf_reserve(p, *len, cap, n) < 0)
		return -1;
	memcpy(*p + *len, s, n);
	*len += n;
	(*p)[*len] = '\0';
	return 0;
}
