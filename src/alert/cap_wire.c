/*
 * cap_wire.c — encode and decode the parser child's requests and replies
 * (cap_wire.h).  Integers are little-endian whatever the host.
 */
#include "alert/cap_wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/diag.h"

enum {
	T_STATUS = 1,   /* u32: 0 parsed, 1 parser error */
	T_ERROR,        /* string: the parser's error */
	T_ACTION,       /* u32: enum cap_action */
	T_REASON,       /* string */
	T_ID,           /* string */
	T_TEXT,         /* string */
	T_LEVEL,        /* u32: enum alert_level */
	T_BOARD,        /* string, repeated */
	T_GROUP,        /* string, repeated */
	T_START,        /* i64 */
	T_EXPIRES,      /* i64 */
	T_CREATED,      /* i64 */
	T_SOURCE,       /* string */
	T_REF,          /* string, repeated */
	T_COUNT
};

/* Longest value per tag; 0 for integers (their exact sizes are below). */
static const size_t str_max[T_COUNT] = {
	[T_ERROR] = CAP_WIRE_ERR_MAX,
	[T_REASON] = sizeof ((struct cap_result *)0)->reason - 1,
	[T_ID] = ALERT_ID_MAX,
	[T_TEXT] = ALERT_TEXT_MAX,
	[T_BOARD] = ALERT_NAME_MAX,
	[T_GROUP] = ALERT_NAME_MAX,
	[T_SOURCE] = CAP_WIRE_ERR_MAX,
	[T_REF] = ALERT_ID_MAX,
};

static void
put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void
put64(uint8_t *p, long long v)
{
	uint64_t u = (uint64_t)v;

	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(u >> (8 * i));
}

static long long
get64(const uint8_t *p)
{
	uint64_t u = 0;

	for (int i = 0; i < 8; i++)
		u |= (uint64_t)p[i] << (8 * i);
	return (long long)u;
}

int
cap_wire_encode_request(uint8_t hdr[CAP_WIRE_REQ_HDR], const char *name, size_t *namelen,
    size_t doclen, long long now)
{
	size_t n = name ? strlen(name) : 0;

	if (doclen > CAP_DOC_MAX)
		return -1;
	if (n > CAP_WIRE_NAME_MAX)
		n = CAP_WIRE_NAME_MAX;
	put32(hdr, (uint32_t)n);
	put32(hdr + 4, (uint32_t)doclen);
	put64(hdr + 8, now);
	*namelen = n;
	return 0;
}

int
cap_wire_decode_request(const uint8_t hdr[CAP_WIRE_REQ_HDR], size_t *namelen, size_t *doclen,
    long long *now, char *err, size_t errlen)
{
	uint32_t n = get32(hdr), d = get32(hdr + 4);

	if (n > CAP_WIRE_NAME_MAX || d > CAP_DOC_MAX) {
		ls_errf(err, errlen, "request with name length %u / document length %u over the limits",
		    (unsigned)n, (unsigned)d);
		return -1;
	}
	*namelen = n;
	*doclen = d;
	*now = get64(hdr + 8);
	return 0;
}

/* The encoder's cursor: counts past cap so the caller learns the size. */
struct wbuf {
	uint8_t *p;
	size_t cap, len;
	int bad;
};

static void
w_field(struct wbuf *w, int tag, const void *v, size_t n)
{
	if (w->len + 5 + n <= w->cap) {
		w->p[w->len] = (uint8_t)tag;
		put32(w->p + w->len + 1, (uint32_t)n);
		if (n)
			memcpy(w->p + w->len + 5, v, n);
	}
	w->len += 5 + n;
}

static void
w_u32(struct wbuf *w, int tag, uint32_t v)
{
	uint8_t b[4];

	put32(b, v);
	w_field(w, tag, b, 4);
}

static void
w_i64(struct wbuf *w, int tag, long long v)
{
	uint8_t b[8];

	put64(b, v);
	w_field(w, tag, b, 8);
}

static void
w_str(struct wbuf *w, int tag, const char *s)
{
	size_t n = strlen(s);

	if (n > str_max[tag])
		w->bad = 1;
	else
		w_field(w, tag, s, n);
}

ssize_t
cap_wire_encode_reply(int rc, const struct cap_result *r, const char *err, uint8_t *buf, size_t cap)
{
	struct wbuf w = { buf, cap, CAP_WIRE_REPLY_HDR, 0 };
	const struct alert *a = &r->alert;

	if (rc < 0) {
		char e[CAP_WIRE_ERR_MAX + 1];

		/* the parser's message cut to what the decoder takes */
		snprintf(e, sizeof e, "%s", err ? err : "");
		w_u32(&w, T_STATUS, 1);
		w_str(&w, T_ERROR, e);
	} else {
		w_u32(&w, T_STATUS, 0);
		w_u32(&w, T_ACTION, (uint32_t)r->action);
		w_str(&w, T_REASON, r->reason);
		w_str(&w, T_ID, a->id);
		if (a->text)
			w_str(&w, T_TEXT, a->text);
		w_u32(&w, T_LEVEL, (uint32_t)a->level);
		if (a->boards.n > ALERT_TARGETS_MAX || a->groups.n > ALERT_TARGETS_MAX ||
		    r->refs.n > CAP_WIRE_REFS_MAX)
			return -1;
		for (size_t i = 0; i < a->boards.n; i++)
			w_str(&w, T_BOARD, a->boards.v[i]);
		for (size_t i = 0; i < a->groups.n; i++)
			w_str(&w, T_GROUP, a->groups.v[i]);
		w_i64(&w, T_START, a->start);
		w_i64(&w, T_EXPIRES, a->expires);
		w_i64(&w, T_CREATED, a->created);
		if (a->source)
			w_str(&w, T_SOURCE, a->source);
		for (size_t i = 0; i < r->refs.n; i++)
			w_str(&w, T_REF, r->refs.v[i]);
	}
	if (w.bad || w.len - CAP_WIRE_REPLY_HDR > CAP_WIRE_REPLY_MAX)
		return -1;
	if (w.len <= cap)
		put32(buf, (uint32_t)(w.len - CAP_WIRE_REPLY_HDR));
	return (ssize_t)w.len;
}

int
cap_wire_reply_len(const uint8_t hdr[CAP_WIRE_REPLY_HDR], size_t *len, char *err, size_t errlen)
{
	uint32_t n = get32(hdr);

	if (n > CAP_WIRE_REPLY_MAX) {
		ls_errf(err, errlen, "reply of %u bytes announced, more than %u", (unsigned)n, (unsigned)CAP_WIRE_REPLY_MAX);
		return -1;
	}
	*len = n;
	return 0;
}

/* Copy a string value of n bytes into a fresh NUL-terminated string. */
static char *
dup_value(const uint8_t *v, size_t n)
{
	char *s = malloc(n + 1);

	if (s == NULL)
		return NULL;
	memcpy(s, v, n);
	s[n] = '\0';
	return s;
}

static int
list_add(struct ls_strlist *l, const uint8_t *v, size_t n)
{
	char **nv = realloc(l->v, (l->n + 1) * sizeof *nv);

	if (nv == NULL)
		return -1;
	l->v = nv;
	if ((l->v[l->n] = dup_value(v, n)) == NULL)
		return -1;
	l->n++;
	return 0;
}

int
cap_wire_decode_reply(const uint8_t *body, size_t len, struct cap_result *out, int *parse_rc,
    char *perr, size_t perrlen, char *err, size_t errlen)
{
	unsigned seen[T_COUNT] = { 0 };
	struct alert *a = &out->alert;
	size_t off = 0;
	uint32_t status = 1;

	memset(out, 0, sizeof *out);
	if (perrlen)
		perr[0] = '\0';
	while (off < len) {
		const uint8_t *v;
		uint32_t n;
		int tag, repeat;

		if (len - off < 5) {
			ls_errf(err, errlen, "field header cut at byte %zu", off);
			goto fail;
		}
		tag = body[off];
		n = get32(body + off + 1);
		off += 5;
		if (n > len - off) {
			ls_errf(err, errlen, "field %d announces %u bytes, %zu left", tag, (unsigned)n, len - off);
			goto fail;
		}
		v = body + off;
		off += n;
		if (tag < 1 || tag >= T_COUNT) {
			ls_errf(err, errlen, "unknown field %d", tag);
			goto fail;
		}
		repeat = tag == T_BOARD || tag == T_GROUP || tag == T_REF;
		if (seen[tag]++ && !repeat) {
			ls_errf(err, errlen, "field %d twice", tag);
			goto fail;
		}
		if (str_max[tag]) {
			if (n > str_max[tag] || memchr(v, '\0', n)) {
				ls_errf(err, errlen, "field %d: %u bytes (at most %zu, no NUL)", tag, (unsigned)n, str_max[tag]);
				goto fail;
			}
		} else if (n != (tag == T_START || tag == T_EXPIRES || tag == T_CREATED ? 8u : 4u)) {
			ls_errf(err, errlen, "field %d: %u bytes, not an integer", tag, (unsigned)n);
			goto fail;
		}
		switch (tag) {
		case T_STATUS:
			if ((status = get32(v)) > 1) {
				ls_errf(err, errlen, "status %u", (unsigned)status);
				goto fail;
			}
			break;
		case T_ERROR:
			if (perrlen) {
				size_t k = n < perrlen - 1 ? n : perrlen - 1;
				memcpy(perr, v, k);
				perr[k] = '\0';
			}
			break;
		case T_ACTION:
			if (get32(v) > CAP_IGNORED) {
				ls_errf(err, errlen, "action %u", (unsigned)get32(v));
				goto fail;
			}
			out->action = (enum cap_action)get32(v);
			break;
		case T_REASON:
			memcpy(out->reason, v, n);
			out->reason[n] = '\0';
			break;
		case T_ID:
			memcpy(a->id, v, n);
			a->id[n] = '\0';
			break;
		case T_TEXT:
			if ((a->text = dup_value(v, n)) == NULL)
				goto oom;
			break;
		case T_LEVEL:
			if (get32(v) > ALERT_EMERGENCY) {
				ls_errf(err, errlen, "level %u", (unsigned)get32(v));
				goto fail;
			}
			a->level = (enum alert_level)get32(v);
			break;
		case T_BOARD:
		case T_GROUP:
			if (seen[tag] > ALERT_TARGETS_MAX) {
				ls_errf(err, errlen, "more than %d targets", ALERT_TARGETS_MAX);
				goto fail;
			}
			if (list_add(tag == T_BOARD ? &a->boards : &a->groups, v, n) < 0)
				goto oom;
			break;
		case T_REF:
			if (seen[tag] > CAP_WIRE_REFS_MAX) {
				ls_errf(err, errlen, "more than %d references", CAP_WIRE_REFS_MAX);
				goto fail;
			}
			if (list_add(&out->refs, v, n) < 0)
				goto oom;
			break;
		case T_START:
			a->start = get64(v);
			break;
		case T_EXPIRES:
			a->expires = get64(v);
			break;
		case T_CREATED:
			a->created = get64(v);
			break;
		case T_SOURCE:
			if ((a->source = dup_value(v, n)) == NULL)
				goto oom;
			break;
		}
	}
	if (!seen[T_STATUS] || (status == 1) != (seen[T_ERROR] == 1) ||
	    (status == 0 && (!seen[T_ACTION] || !seen[T_LEVEL] || !seen[T_START]))) {
		ls_errf(err, errlen, "fields missing for status %u", (unsigned)status);
		goto fail;
	}
	if (status == 1) {
		cap_result_clear(out);
		*parse_rc = -1;
		return 0;
	}
	/* what the store will be asked to keep must be an alert it would take */
	if (out->action == CAP_ALERT || out->action == CAP_UPDATE) {
		if (alert_validate(a, err, errlen) < 0)
			goto fail;
	}
	for (size_t i = 0; i < out->refs.n; i++)
		if (!alert_id_valid(out->refs.v[i])) {
			ls_errf(err, errlen, "reference %zu is not an alert id", i + 1);
			goto fail;
		}
	*parse_rc = 0;
	return 0;
oom:
	ls_errf(err, errlen, "out of memory");
fail:
	cap_result_clear(out);
	return -1;
}
