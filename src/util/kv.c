/*
 * kv.c — key=value records with percent-encoded values (see kv.h).
 */
#include "util/kv.h"
#include "util/diag.h"
#include "util/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
must_escape(unsigned char c)
{
	return c <= 0x20 || c == 0x7f || c == '%' || c == '=';
}

int
kv_put(char *buf, size_t cap, size_t *len, const char *key, const char *value)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = *len, klen = strlen(key);

	if (cap == 0 || n >= cap)
		return -1;
	/* room for separator, key, '=' and NUL */
	if (n + (n > 0) + klen + 2 > cap)
		goto full;
	if (n > 0)
		buf[n++] = ' ';
	memcpy(buf + n, key, klen);
	n += klen;
	buf[n++] = '=';
	for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
		if (must_escape(*p)) {
			if (n + 4 > cap)
				goto full;
			buf[n++] = '%';
			buf[n++] = hex[*p >> 4];
			buf[n++] = hex[*p & 15];
		} else {
			if (n + 2 > cap)
				goto full;
			buf[n++] = (char)*p;
		}
	}
	buf[n] = '\0';
	*len = n;
	return 0;
full:
	buf[*len] = '\0';
	return -1;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
kv_next(const char **cursor, char *key, size_t keycap, char *val, size_t valcap,
    char *err, size_t errlen)
{
	const char *p = *cursor;
	size_t k = 0, v = 0;

	while (*p == ' ')
		p++;
	if (*p == '\0' || *p == '\n' || (*p == '\r' && (p[1] == '\n' || p[1] == '\0'))) {
		*cursor = p;
		return 0;
	}
	while ((*p >= 'a' && *p <= 'z') || *p == '_') {
		if (k + 1 >= keycap) {
			ls_errf(err, errlen, "key too long");
			return -1;
		}
		key[k++] = *p++;
	}
	key[k] = '\0';
	if (k == 0 || *p != '=') {
		ls_errf(err, errlen, "expected key=value at \"%.20s\"", p);
		return -1;
	}
	p++;
	while (*p != '\0' && *p != ' ' && *p != '\n' && *p != '\r') {
		int c = (unsigned char)*p;
		if (c == '%') {
			int hi = hexval((unsigned char)p[1]), lo = hi < 0 ? -1 : hexval((unsigned char)p[2]);
			if (hi < 0 || lo < 0) {
				ls_errf(err, errlen, "bad %%-escape in value of %s", key);
				return -1;
			}
			c = hi * 16 + lo;
			if (c == 0) {
				ls_errf(err, errlen, "NUL byte in value of %s", key);
				return -1;
			}
			p += 3;
		} else if (c < 0x20 || c == 0x7f) {
			ls_errf(err, errlen, "control character in value of %s", key);
			return -1;
		} else {
			p++;
		}
		if (v + 1 >= valcap) {
			ls_errf(err, errlen, "value of %s too long", key);
			return -1;
		}
		val[v++] = (char)c;
	}
	val[v] = '\0';
	*cursor = p;
	return 1;
}

int
kv_num(const char *s, long long *out)
{
	long long v = 0;

	if (*s == '\0')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (0x7fffffffffffffffLL - (*s - '0')) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return 0;
}

int
kv_get(const char *record, const char *key, char *val, size_t valcap)
{
	const char *cur = record;
	char k[32], err[64], *tmp;
	size_t n;
	int r, rc = -1;

	if (valcap == 0)
		return -1;
	/* a decoded value is never longer than its encoded form */
	n = strlen(record) + 1;
	if ((tmp = malloc(n)) == NULL)
		return -1;
	while ((r = kv_next(&cur, k, sizeof k, tmp, n, err, sizeof err)) > 0) {
		if (strcmp(k, key) == 0) {
			/* cut, when it must be, between characters */
			size_t m = ls_utf8_prefix(tmp, valcap - 1);

			memcpy(val, tmp, m);
			val[m] = '\0';
			rc = 0;
			break;
		}
	}
	free(tmp);
	return rc;
}
