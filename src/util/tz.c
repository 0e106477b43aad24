/*
 * tz.c — TZif (RFC 8536) reader and POSIX TZ rule evaluation.
 *
 * Why our own reader: see tz.h.  The file is untrusted input; every count
 * is bounded and every read is checked against the buffer length.
 */
#include "util/tz.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Real zone files have a few hundred transitions; these bounds only stop a
 * corrupt file from asking for absurd allocations. */
#define TZ_MAX_TIMES 4096
#define TZ_MAX_TYPES 256
#define TZ_MAX_FILE  (256 * 1024)
/* Instants are clamped to about +-31000 years so that no arithmetic below
 * can overflow, whatever a caller passes. */
#define TZ_T_MAX     1000000000000LL

static int64_t
clamp_t(int64_t t)
{
	return t > TZ_T_MAX ? TZ_T_MAX : t < -TZ_T_MAX ? -TZ_T_MAX : t;
}

/* One rule date of a POSIX TZ string: Jn, n or Mm.w.d, plus a time. */
struct tz_rdate {
	char kind;        /* 'J' (1..365, no Feb 29), 'D' (0..365), 'M' */
	int  n, m, w, d;
	int  secs;        /* local time of the change, may be negative or > 24 h */
};

struct tz_posix {
	int has;          /* a footer rule is present */
	int std_off;      /* seconds east of UTC */
	int has_dst;
	int dst_off;
	struct tz_rdate start, end;
};

struct tz {
	char    *name;
	size_t   ntimes;
	int64_t *times;   /* ascending UTC instants */
	uint8_t *idx;     /* type index in force from times[i] */
	size_t   ntypes;
	int32_t *off;     /* per type: seconds east of UTC */
	uint8_t *dst;     /* per type */
	struct tz_posix posix;
};

static int64_t
floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

int
tz_is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Howard Hinnant's days_from_civil: exact for the whole proleptic calendar. */
int32_t
tz_days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int era = (int)floordiv(y, 400);
	int yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + doe - 719468);
}

void
tz_civil_from_days(int32_t z, int *y, int *m, int *d)
{
	int64_t zz = (int64_t)z + 719468;
	int64_t era = floordiv(zz, 146097);
	int64_t doe = zz - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int dd = (int)(doy - (153 * mp + 2) / 5 + 1);
	int mm = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (mm <= 2));
	*m = mm;
	*d = dd;
}

int
tz_weekday(int32_t day)
{
	/* 1970-01-01 was a Thursday. */
	int64_t w = ((int64_t)day + 4) % 7;
	return (int)(w < 0 ? w + 7 : w);
}

/* ---- POSIX TZ string (the TZif footer) ---- */

static const char *
posix_name(const char *p)
{
	if (*p == '<') {
		const char *q = strchr(p, '>');
		return q ? q + 1 : NULL;
	}
	const char *s = p;
	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
		p++;
	return p - s >= 3 ? p : NULL;
}

/* [+-]hh[:mm[:ss]], hours up to `maxh`. */
static const char *
posix_hms(const char *p, int maxh, int *out)
{
	int sign = 1, h = 0, m = 0, s = 0, nd = 0;
	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	while (*p >= '0' && *p <= '9' && nd < 3) {
		h = h * 10 + (*p++ - '0');
		nd++;
	}
	if (nd == 0 || h > maxh)
		return NULL;
	if (*p == ':') {
		p++;
		if (!(p[0] >= '0' && p[0] <= '5' && p[1] >= '0' && p[1] <= '9'))
			return NULL;
		m = (p[0] - '0') * 10 + (p[1] - '0');
		p += 2;
		if (*p == ':') {
			p++;
			if (!(p[0] >= '0' && p[0] <= '5' && p[1] >= '0' && p[1] <= '9'))
				return NULL;
			s = (p[0] - '0') * 10 + (p[1] - '0');
			p += 2;
		}
	}
	*out = sign * (h * 3600 + m * 60 + s);
	return p;
}

static const char *
posix_num(const char *p, int lo, int hi, int *out)
{
	int v = 0, nd = 0;
	while (*p >= '0' && *p <= '9' && nd < 4) {
		v = v * 10 + (*p++ - '0');
		nd++;
	}
	if (nd == 0 || v < lo || v > hi)
		return NULL;
	*out = v;
	return p;
}

static const char *
posix_rdate(const char *p, struct tz_rdate *r)
{
	memset(r, 0, sizeof *r);
	if (*p == 'J') {
		r->kind = 'J';
		p = posix_num(p + 1, 1, 365, &r->n);
	} else if (*p == 'M') {
		r->kind = 'M';
		p = posix_num(p + 1, 1, 12, &r->m);
		if (p && *p == '.')
			p = posix_num(p + 1, 1, 5, &r->w);
		else
			p = NULL;
		if (p && *p == '.')
			p = posix_num(p + 1, 0, 6, &r->d);
		else
			p = NULL;
	} else {
		r->kind = 'D';
		p = posix_num(p, 0, 365, &r->n);
	}
	if (!p)
		return NULL;
	r->secs = 2 * 3600;
	if (*p == '/')
		p = posix_hms(p + 1, 167, &r->secs);   /* RFC 8536 allows -167..167 h */
	return p;
}

static int
posix_parse(const char *s, struct tz_posix *tp)
{
	int v;
	memset(tp, 0, sizeof *tp);
	if (*s == '\0')
		return 0;               /* empty footer: no rule */
	const char *p = posix_name(s);
	if (!p || !(p = posix_hms(p, 24, &v)))
		return -1;
	tp->has = 1;
	tp->std_off = -v;          /* POSIX offsets are west-positive */
	if (*p == '\0')
		return 0;
	if (!(p = posix_name(p)))
		return -1;
	tp->has_dst = 1;
	tp->dst_off = tp->std_off + 3600;
	if (*p && *p != ',') {
		if (!(p = posix_hms(p, 24, &v)))
			return -1;
		tp->dst_off = -v;
	}
	if (*p == '\0') {
		/* No rule: POSIX leaves it to the implementation; use the US
		 * rule as glibc does. */
		tp->start = (struct tz_rdate){ 'M', 0, 3, 2, 0, 7200 };
		tp->end = (struct tz_rdate){ 'M', 0, 11, 1, 0, 7200 };
		return 0;
	}
	if (*p != ',' || !(p = posix_rdate(p + 1, &tp->start)))
		return -1;
	if (*p != ',' || !(p = posix_rdate(p + 1, &tp->end)))
		return -1;
	return *p == '\0' ? 0 : -1;
}

/* Local day (days since epoch) of a rule date in `year`. */
static int32_t
rdate_day(const struct tz_rdate *r, int year)
{
	int32_t jan1 = tz_days_from_civil(year, 1, 1);
	switch (r->kind) {
	case 'J': {
		int n = r->n;   /* 1..365, Feb 29 never counted */
		if (tz_is_leap(year) && n >= 60)
			n++;
		return jan1 + n - 1;
	}
	case 'D':
		return jan1 + r->n;
	default: {
		int32_t first = tz_days_from_civil(year, r->m, 1);
		int32_t d = first + ((r->d - tz_weekday(first)) + 7) % 7;
		d += 7 * (r->w - 1);
		int ny = r->m == 12 ? year + 1 : year, nm = r->m == 12 ? 1 : r->m + 1;
		int32_t next = tz_days_from_civil(ny, nm, 1);
		while (d >= next)       /* week 5 = the last such weekday */
			d -= 7;
		return d;
	}
	}
}

static int
posix_offset(const struct tz_posix *tp, int64_t t, int *isdst)
{
	*isdst = 0;
	if (!tp->has_dst)
		return tp->std_off;
	int y, m, d;
	tz_civil_from_days((int32_t)floordiv(t + tp->std_off, 86400), &y, &m, &d);
	/* The start time is given in standard time, the end in DST. */
	int64_t start = (int64_t)rdate_day(&tp->start, y) * 86400 + tp->start.secs - tp->std_off;
	int64_t end = (int64_t)rdate_day(&tp->end, y) * 86400 + tp->end.secs - tp->dst_off;
	int in;
	if (start < end)
		in = t >= start && t < end;
	else   /* southern hemisphere: DST spans the new year */
		in = !(t >= end && t < start);
	*isdst = in;
	return in ? tp->dst_off : tp->std_off;
}

/* ---- TZif ---- */

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t
be64(const uint8_t *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct tzif_hdr {
	int version;
	uint32_t isut, isstd, leap, time, type, chars;
};

static int
read_hdr(const uint8_t *p, size_t len, struct tzif_hdr *h)
{
	if (len < 44 || memcmp(p, "TZif", 4) != 0)
		return -1;
	h->version = p[4] == 0 ? 1 : p[4] - '0';
	if (h->version < 1 || h->version > 9)
		return -1;
	h->isut = be32(p + 20);
	h->isstd = be32(p + 24);
	h->leap = be32(p + 28);
	h->time = be32(p + 32);
	h->type = be32(p + 36);
	h->chars = be32(p + 40);
	if (h->time > TZ_MAX_TIMES || h->type == 0 || h->type > TZ_MAX_TYPES ||
	    h->chars > 4096 || h->leap > 4096 ||
	    (h->isut != 0 && h->isut != h->type) || (h->isstd != 0 && h->isstd != h->type))
		return -1;
	return 0;
}

static size_t
block_len(const struct tzif_hdr *h, int tsize)
{
	return (size_t)h->time * tsize + h->time + (size_t)h->type * 6 + h->chars +
	    (size_t)h->leap * (tsize + 4) + h->isstd + h->isut;
}

static void
seterr(char *err, size_t errlen, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", msg);
}

struct tz *
tz_parse(const uint8_t *buf, size_t len, char *err, size_t errlen)
{
	struct tzif_hdr h;
	struct tz *z = NULL;
	const uint8_t *p = buf;
	size_t rest = len;
	int tsize = 4;

	if (read_hdr(p, rest, &h) < 0)
		goto bad;
	if (h.version >= 2) {
		/* Skip the 32-bit block; the 64-bit one follows with its own header. */
		size_t skip = 44 + block_len(&h, 4);
		if (skip > rest)
			goto bad;
		p += skip;
		rest -= skip;
		if (read_hdr(p, rest, &h) < 0)
			goto bad;
		tsize = 8;
	}
	p += 44;
	rest -= 44;
	size_t need = block_len(&h, tsize);
	if (need > rest)
		goto bad;

	z = calloc(1, sizeof *z);
	if (!z)
		goto nomem;
	z->ntimes = h.time;
	z->ntypes = h.type;
	z->times = calloc(h.time ? h.time : 1, sizeof *z->times);
	z->idx = calloc(h.time ? h.time : 1, 1);
	z->off = calloc(h.type, sizeof *z->off);
	z->dst = calloc(h.type, 1);
	if (!z->times || !z->idx || !z->off || !z->dst)
		goto nomem;
	const uint8_t *q = p;
	for (size_t i = 0; i < h.time; i++, q += tsize) {
		z->times[i] = tsize == 8 ? be64(q) : (int32_t)be32(q);
		if (i > 0 && z->times[i] <= z->times[i - 1])
			goto bad;
	}
	for (size_t i = 0; i < h.time; i++, q++) {
		if (*q >= h.type)
			goto bad;
		z->idx[i] = *q;
	}
	for (size_t i = 0; i < h.type; i++, q += 6) {
		int32_t off = (int32_t)be32(q);
		/* RFC 8536: -2^31 is invalid; real offsets are within a day. */
		if (off <= -89999 || off >= 93600 || q[4] > 1 || q[5] >= h.chars + (h.chars == 0))
			goto bad;
		z->off[i] = off;
		z->dst[i] = q[4];
	}
	p += need;
	rest -= need;

	if (h.version >= 2) {
		/* Footer: "\n" POSIX-TZ "\n". */
		char footer[128];
		if (rest < 2 || p[0] != '\n')
			goto bad;
		const uint8_t *nl = memchr(p + 1, '\n', rest - 1);
		size_t fl = nl ? (size_t)(nl - p - 1) : 0;
		if (!nl || fl >= sizeof footer)
			goto bad;
		memcpy(footer, p + 1, fl);
		footer[fl] = '\0';
		if (posix_parse(footer, &z->posix) < 0)
			goto bad;
	}
	z->name = strdup("(tzif)");
	if (!z->name)
		goto nomem;
	return z;
bad:
	tz_free(z);
	seterr(err, errlen, "not a valid TZif time zone file");
	return NULL;
nomem:
	tz_free(z);
	seterr(err, errlen, "out of memory");
	return NULL;
}

struct tz *
tz_fixed(int offset)
{
	struct tz *z = calloc(1, sizeof *z);
	char name[32];
	if (!z)
		return NULL;
	z->ntypes = 1;
	z->off = calloc(1, sizeof *z->off);
	z->dst = calloc(1, 1);
	snprintf(name, sizeof name, "UTC%+d", offset);
	z->name = strdup(name);
	z->times = NULL;
	if (!z->off || !z->dst || !z->name) {
		tz_free(z);
		return NULL;
	}
	z->off[0] = offset;
	return z;
}

static int
safe_name(const char *n)
{
	if (!n || !*n || n[0] == '/' || strlen(n) > 200)
		return 0;
	for (const char *p = n; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/_-+.", *p)))
			return 0;
		if (p[0] == '.' && (p == n || p[-1] == '/'))
			return 0;   /* no "..", no hidden files */
	}
	return 1;
}

struct tz *
tz_load(const char *name, char *err, size_t errlen)
{
	char path[512];
	uint8_t *buf = NULL;
	FILE *f = NULL;
	struct tz *z = NULL;

	if (!safe_name(name)) {
		if (err && errlen)
			snprintf(err, errlen, "time zone \"%s\": not a valid zone name "
			    "(use an IANA name such as \"Asia/Shanghai\")", name ? name : "");
		return NULL;
	}
	const char *dir = getenv("TZDIR");
	if (!dir || !*dir)
		dir = "/usr/share/zoneinfo";
	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f) {
		if (strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0) {
			z = tz_fixed(0);
			goto named;
		}
		if (err && errlen)
			snprintf(err, errlen, "time zone \"%s\": cannot read %s: %s "
			    "(is the tzdata package installed?)", name, path, strerror(errno));
		return NULL;
	}
	buf = malloc(TZ_MAX_FILE);
	if (!buf) {
		fclose(f);
		seterr(err, errlen, "out of memory");
		return NULL;
	}
	size_t n = fread(buf, 1, TZ_MAX_FILE, f);
	fclose(f);
	char perr[128];
	z = tz_parse(buf, n, perr, sizeof perr);
	free(buf);
	if (!z) {
		if (err && errlen)
			snprintf(err, errlen, "time zone \"%s\": %s: %s", name, path, perr);
		return NULL;
	}
named:
	if (!z) {
		seterr(err, errlen, "out of memory");
		return NULL;
	}
	free(z->name);
	z->name = strdup(name);
	if (!z->name) {
		tz_free(z);
		seterr(err, errlen, "out of memory");
		return NULL;
	}
	return z;
}

void
tz_free(struct tz *z)
{
	if (!z)
		return;
	free(z->name);
	free(z->times);
	free(z->idx);
	free(z->off);
	free(z->dst);
	free(z);
}

const char *
tz_name(const struct tz *z)
{
	return z && z->name ? z->name : "?";
}

int
tz_offset(const struct tz *z, int64_t t, int *isdst)
{
	int dummy;
	if (!isdst)
		isdst = &dummy;
	t = clamp_t(t);
	if (z->ntimes == 0 || t < z->times[0]) {
		if (z->ntimes == 0 && z->posix.has)
			return posix_offset(&z->posix, t, isdst);
		/* Before the first transition: type 0 (RFC 8536 3.2). */
		*isdst = z->dst[0];
		return z->off[0];
	}
	if (t >= z->times[z->ntimes - 1] && z->posix.has)
		return posix_offset(&z->posix, t, isdst);
	/* Last transition at or before t. */
	size_t lo = 0, hi = z->ntimes;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (z->times[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	*isdst = z->dst[z->idx[lo]];
	return z->off[z->idx[lo]];
}

void
tz_to_civil(const struct tz *z, int64_t t, struct tz_civil *c)
{
	int dst;
	t = clamp_t(t);
	int off = tz_offset(z, t, &dst);
	int64_t local = t + off;
	int64_t day = floordiv(local, 86400);
	int sod = (int)(local - day * 86400);
	c->day = (int32_t)day;
	tz_civil_from_days(c->day, &c->year, &c->month, &c->mday);
	c->hour = sod / 3600;
	c->min = sod / 60 % 60;
	c->sec = sod % 60;
	c->wday = tz_weekday(c->day);
	c->offset = off;
	c->isdst = dst;
}

int64_t
tz_from_local(const struct tz *z, int32_t day, int sec_of_day)
{
	int64_t local = clamp_t((int64_t)day * 86400 + sec_of_day);
	/* Offsets in force a day either side bracket any transition nearby
	 * (zones never change twice within two days). */
	int before = tz_offset(z, local - 86400 - 14 * 3600, NULL);
	int after = tz_offset(z, local + 86400 + 14 * 3600, NULL);
	int64_t t1 = local - before, t2 = local - after;
	int ok1 = tz_offset(z, t1, NULL) == before;
	int ok2 = tz_offset(z, t2, NULL) == after;
	if (ok1 && ok2)
		return t1 < t2 ? t1 : t2;
	if (ok1)
		return t1;
	if (ok2)
		return t2;
	return t1;   /* in a gap: read with the earlier offset */
}
