/* dmsg.c — the district's payloads (see dmsg.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "district/dmsg.h"
#include "util/kv.h"
#include "util/strlist.h"
#include "util/utf8.h"


void
dmsg_copy(char *d, size_t cap, const char *s)
{
	size_t n = ls_utf8_prefix(s, cap - 1);

	memcpy(d, s, n);
	d[n] = '\0';
}

int
dmsg_name_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= 64 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

int
dmsg_list_has(const char *list, const char *name)
{
	return list[0] == '\0' || ls_strlist_csv_has(list, name);
}

int
dmsg_header(const char *buf, size_t len, char *kind, size_t kindcap, const char **rest)
{
	size_t v = strlen(DMSG_VERSION), k;
	const char *p;

	if (len < v + 2 || memcmp(buf, DMSG_VERSION " ", v + 1) != 0)
		return -1;
	p = buf + v + 1;
	for (k = 0; p + k < buf + len && p[k] >= 'a' && p[k] <= 'z'; k++)
		;
	if (k == 0 || k >= kindcap)
		return -1;
	memcpy(kind, p, k);
	kind[k] = '\0';
	p += k;
	if (p < buf + len && *p == ' ')
		p++;
	*rest = p;
	return 0;
}

/* ---- bundles ---- */

int
dmsg_bundle_name_ok(const char *name)
{
	const char *base;
	size_t n;

	if (strcmp(name, DMSG_BUNDLE_CONFIG) == 0)
		return 1;
	if (strncmp(name, "posters/", 8) != 0)
		return 0;
	base = name + 8;
	n = strlen(base);
	return n > 0 && n <= DMSG_NAME_MAX && base[0] != '.' &&
	    strspn(base, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

/* The line at *p (up to '\n', within end) copied NUL-terminated into line;
 * *p moves past the newline.  0, or -1 when there is none or it is too long. */
static int
dmsg_line(const uint8_t **p, const uint8_t *end, char *line, size_t cap)
{
	const uint8_t *nl = memchr(*p, '\n', (size_t)(end - *p));
	size_t n;

	if (!nl)
		return -1;
	n = (size_t)(nl - *p);
	if (n >= cap || memchr(*p, '\0', n))
		return -1;
	memcpy(line, *p, n);
	line[n] = '\0';
	*p = nl + 1;
	return 0;
}

int
dmsg_bundle_parse(const uint8_t *buf, size_t len, struct dmsg_bundle *out, char *err, size_t errlen)
{
	const uint8_t *p = buf, *end = buf + len;
	char line[1024], kind[16], key[32], val[256], e2[128];
	const char *rest, *cur;
	long long files = -1;
	int r, configs = 0;

	memset(out, 0, sizeof *out);
	out->version = -1;
	if (len > DMSG_BUNDLE_MAX) {
		snprintf(err, errlen, "bundle of %zu bytes is over the limit of %d", len, DMSG_BUNDLE_MAX);
		return -1;
	}
	if (dmsg_line(&p, end, line, sizeof line) < 0 || dmsg_header(line, strlen(line), kind, sizeof kind, &rest) < 0 ||
	    strcmp(kind, "bundle") != 0) {
		snprintf(err, errlen, "not a %s bundle (its first line must be \"%s bundle version=N files=N\")",
		    DMSG_VERSION, DMSG_VERSION);
		return -1;
	}
	cur = rest;
	while ((r = kv_next(&cur, key, sizeof key, val, sizeof val, e2, sizeof e2)) > 0) {
		if (strcmp(key, "version") == 0) {
			if (kv_num(val, &out->version) < 0 || out->version < 1) {
				snprintf(err, errlen, "bundle version \"%.40s\" is not a number from 1 up", val);
				return -1;
			}
		} else if (strcmp(key, "files") == 0) {
			if (kv_num(val, &files) < 0 || files < 1 || files > DMSG_BUNDLE_FILES) {
				snprintf(err, errlen, "bundle files \"%.40s\": 1..%d", val, DMSG_BUNDLE_FILES);
				return -1;
			}
		} else if (strcmp(key, "label") == 0) {
			dmsg_copy(out->label, sizeof out->label, val);
		}
		/* other keys: from a later minor version, ignored */
	}
	if (r < 0 || out->version < 1 || files < 1) {
		snprintf(err, errlen, "bundle header: %s", r < 0 ? e2 : "needs version= and files=");
		return -1;
	}
	for (long long i = 0; i < files; i++) {
		struct dmsg_file *f = &out->files[out->nfiles];
		long long size = -1;
		char name[DMSG_NAME_MAX + 16] = "";

		if (dmsg_line(&p, end, line, sizeof line) < 0 || strncmp(line, "file ", 5) != 0) {
			snprintf(err, errlen, "bundle: file %lld of %lld: no \"file name=... size=...\" line", i + 1, files);
			return -1;
		}
		cur = line + 5;
		while ((r = kv_next(&cur, key, sizeof key, val, sizeof val, e2, sizeof e2)) > 0) {
			if (strcmp(key, "name") == 0 && strlen(val) < sizeof name)
				dmsg_copy(name, sizeof name, val);
			else if (strcmp(key, "size") == 0 && kv_num(val, &size) < 0)
				size = -1;
		}
		if (r < 0 || !dmsg_bundle_name_ok(name)) {
			snprintf(err, errlen, "bundle: file %lld: name \"%.120s\" is not %s or posters/NAME "
			    "(letters, digits, . _ -)", i + 1, name, DMSG_BUNDLE_CONFIG);
			return -1;
		}
		if (size < 0 || (unsigned long long)size > (unsigned long long)(end - p) ||
		    (unsigned long long)size + 1 > (unsigned long long)(end - p) || p[size] != '\n') {
			snprintf(err, errlen, "bundle: file %s: size %lld does not match the bytes that follow", name, size);
			return -1;
		}
		for (size_t j = 0; j < out->nfiles; j++)
			if (strcmp(out->files[j].name, name) == 0) {
				snprintf(err, errlen, "bundle: file %s is in it twice", name);
				return -1;
			}
		if (strcmp(name, DMSG_BUNDLE_CONFIG) == 0)
			configs++;
		dmsg_copy(f->name, sizeof f->name, name);
		f->data = p;
		f->len = (size_t)size;
		out->nfiles++;
		p += size + 1;
	}
	if (p != end) {
		snprintf(err, errlen, "bundle: %zu bytes after the last file", (size_t)(end - p));
		return -1;
	}
	if (configs != 1) {
		snprintf(err, errlen, "bundle has no %s (the content, playlists and schedule)", DMSG_BUNDLE_CONFIG);
		return -1;
	}
	return 0;
}

size_t
dmsg_bundle_size(const struct dmsg_bundle *b)
{
	size_t n = 512 + 3 * strlen(b->label);

	for (size_t i = 0; i < b->nfiles; i++)
		n += 64 + 3 * strlen(b->files[i].name) + b->files[i].len;
	return n;
}

long
dmsg_bundle_encode(const struct dmsg_bundle *b, uint8_t *buf, size_t cap)
{
	char line[1024], num[32];
	size_t used = 0, ll;

	snprintf(line, sizeof line, "%s bundle", DMSG_VERSION);
	ll = strlen(line);
	snprintf(num, sizeof num, "%lld", b->version);
	if (kv_put(line, sizeof line, &ll, "version", num) < 0)
		return -1;
	snprintf(num, sizeof num, "%zu", b->nfiles);
	if (kv_put(line, sizeof line, &ll, "files", num) < 0 ||
	    (b->label[0] && kv_put(line, sizeof line, &ll, "label", b->label) < 0))
		return -1;
	if (ll + 1 > cap)
		return -1;
	memcpy(buf, line, ll);
	buf[ll] = '\n';
	used = ll + 1;
	for (size_t i = 0; i < b->nfiles; i++) {
		const struct dmsg_file *f = &b->files[i];

		if (!dmsg_bundle_name_ok(f->name))
			return -1;
		snprintf(line, sizeof line, "file");
		ll = 4;
		snprintf(num, sizeof num, "%zu", f->len);
		if (kv_put(line, sizeof line, &ll, "name", f->name) < 0 || kv_put(line, sizeof line, &ll, "size", num) < 0)
			return -1;
		/* kv_put puts no space before the first pair of a non-empty line */
		if (cap - used < ll + 2 + f->len + 1)
			return -1;
		memcpy(buf + used, line, ll);
		used += ll;
		buf[used++] = '\n';
		if (f->len)
			memcpy(buf + used, f->data, f->len);
		used += f->len;
		buf[used++] = '\n';
	}
	return (long)used;
}

/* ---- alerts ---- */

int
dmsg_alert_encode(const struct dmsg_alert *m, char *buf, size_t cap)
{
	char num[32];
	size_t len;
	int n;

	n = snprintf(buf, cap, "%s alert", DMSG_VERSION);
	if (n < 0 || (size_t)n >= cap)
		return -1;
	len = (size_t)n;
	snprintf(num, sizeof num, "%lld", m->time);
	if (kv_put(buf, cap, &len, "state", m->cleared ? "cleared" : "raised") < 0 ||
	    kv_put(buf, cap, &len, "id", m->id) < 0 || kv_put(buf, cap, &len, "time", num) < 0 ||
	    (m->schools[0] && kv_put(buf, cap, &len, "schools", m->schools) < 0) ||
	    (!m->cleared && m->cap && kv_put(buf, cap, &len, "cap", "1") < 0))
		return -1;
	if (!m->cleared && m->cap) {
		if (len + 1 + m->caplen + 1 > cap)
			return -1;
		buf[len++] = '\n';
		memcpy(buf + len, m->cap, m->caplen);
		len += m->caplen;
		buf[len] = '\0';
	} else if (!m->cleared) {
		if (len + 2 > cap)
			return -1;
		buf[len++] = '\n';
		buf[len] = '\0';
		n = alert_format(&m->a, buf + len, cap - len);
		if (n < 0)
			return -1;
		len += (size_t)n;
	}
	return (int)len;
}

int
dmsg_alert_parse(const char *buf, size_t len, struct dmsg_alert *m, char *err, size_t errlen)
{
	char kind[16], key[32], val[1024], e2[256], *copy = NULL;
	const char *rest, *cur, *nl;
	int r, have_state = 0, is_cap = 0;

	memset(m, 0, sizeof *m);
	if (len > DMSG_MSG_MAX || memchr(buf, '\0', len)) {
		snprintf(err, errlen, "alert message of %zu bytes: too long or holds a NUL", len);
		return -1;
	}
	if ((copy = malloc(len + 1)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memcpy(copy, buf, len);
	copy[len] = '\0';
	if (dmsg_header(copy, len, kind, sizeof kind, &rest) < 0 || strcmp(kind, "alert") != 0) {
		snprintf(err, errlen, "not a %s alert message", DMSG_VERSION);
		goto fail;
	}
	cur = rest;
	while ((r = kv_next(&cur, key, sizeof key, val, sizeof val, e2, sizeof e2)) > 0) {
		if (strcmp(key, "state") == 0) {
			if (strcmp(val, "raised") != 0 && strcmp(val, "cleared") != 0) {
				snprintf(err, errlen, "alert state \"%.40s\": raised or cleared", val);
				goto fail;
			}
			m->cleared = val[0] == 'c';
			have_state = 1;
		} else if (strcmp(key, "id") == 0) {
			if (!alert_id_valid(val)) {
				snprintf(err, errlen, "bad alert id \"%.100s\"", val);
				goto fail;
			}
			dmsg_copy(m->id, sizeof m->id, val);
		} else if (strcmp(key, "time") == 0) {
			if (kv_num(val, &m->time) < 0) {
				snprintf(err, errlen, "bad time \"%.40s\"", val);
				goto fail;
			}
		} else if (strcmp(key, "cap") == 0) {
			is_cap = strcmp(val, "1") == 0;
		} else if (strcmp(key, "schools") == 0) {
			if (strlen(val) >= sizeof m->schools) {
				snprintf(err, errlen, "schools list too long");
				goto fail;
			}
			dmsg_copy(m->schools, sizeof m->schools, val);
		}
	}
	if (r < 0 || !have_state || !m->id[0]) {
		snprintf(err, errlen, "alert header: %s", r < 0 ? e2 : "needs state= and id=");
		goto fail;
	}
	if (!m->cleared) {
		nl = strchr(rest, '\n');
		if (!nl) {
			snprintf(err, errlen, "raised alert %s carries no alert record", m->id);
			goto fail;
		}
		if (is_cap) {
			/* the school's controller parses it (its CAP parser process, its cap_areas) */
			m->caplen = len - (size_t)(nl + 1 - copy);
			if (m->caplen == 0 || m->caplen > 1024 * 1024 || (m->cap = strdup(nl + 1)) == NULL) {
				snprintf(err, errlen, "CAP alert %s: empty, over 1 MiB, or out of memory", m->id);
				goto fail;
			}
			free(copy);
			return 0;
		}
		/* the same parser and checks as an alert file or request */
		if (alert_parse(nl + 1, &m->a, e2, sizeof e2) < 0 || alert_validate(&m->a, e2, sizeof e2) < 0) {
			snprintf(err, errlen, "alert %s: %s", m->id, e2);
			alert_clear(&m->a);
			goto fail;
		}
		if (strcmp(m->a.id, m->id) != 0) {
			snprintf(err, errlen, "alert %s: its record says id %s", m->id, m->a.id);
			alert_clear(&m->a);
			goto fail;
		}
	}
	free(copy);
	return 0;
fail:
	free(copy);
	return -1;
}
