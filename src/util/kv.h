/*
 * kv.h — the key=value text form shared by the alert files and the control
 * socket.
 *
 * A record is space-separated key=value pairs on one line.  Keys are
 * [a-z_]+.  Values are percent-encoded: every byte below 0x21, 0x7f, '%' and
 * '=' becomes %XX, so values never contain spaces or newlines.  Pure: no
 * I/O; only kv_get allocates (a scratch buffer, freed before it returns).
 */
#ifndef LEDSIGN_KV_H
#define LEDSIGN_KV_H

#include <stddef.h>

/* Append " key=ESCAPED(value)" (no leading space when *len == 0) to buf.
 * Returns 0, or -1 when it would not fit (buf is left NUL-terminated at the
 * old *len). */
int kv_put(char *buf, size_t cap, size_t *len, const char *key, const char *value);
/* Take the next pair from *cursor: key and decoded value are written
 * NUL-terminated into the caller's buffers.  Returns 1 for a pair, 0 at the
 * end of the record (end of string, or a newline), -1 on a malformed pair
 * (err says why).  A decoded NUL byte or a raw control character is an error. */
int kv_next(const char **cursor, char *key, size_t keycap, char *val, size_t valcap,
    char *err, size_t errlen);
/* A value as a strict decimal: digits only, no sign, no spaces, fits in a
 * long long.  0, or -1 (and *out untouched). */
int kv_num(const char *s, long long *out);
/* Decoded value of the first `key` in a record, cut to fit valcap (between
 * UTF-8 characters, util/utf8.h).
 * 0, or -1 when absent, malformed before it, or out of memory. */
int kv_get(const char *record, const char *key, char *val, size_t valcap);

#endif
