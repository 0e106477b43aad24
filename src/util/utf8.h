/*
 * utf8.h — cutting UTF-8 text to a length without cutting a character: a
 * value copied into a fixed field, an audit entry kept short, a name fitted
 * to a width.  A cut inside a character leaves bytes that are not UTF-8,
 * which a page, a terminal or a CSV reader shows as garbage.
 */
#ifndef LEDSIGN_UTF8_H
#define LEDSIGN_UTF8_H

#include <stddef.h>

/* The length of the longest prefix of s (NUL-terminated) of at most max
 * bytes that does not end inside a UTF-8 character. */
size_t ls_utf8_prefix(const char *s, size_t max);

#endif
