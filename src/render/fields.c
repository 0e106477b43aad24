/*
 * render/fields.c — live fields in text ({date} {time} {weekday}
 * {countdown:YYYY-MM-DD}) and local time in the config's timezone.
 *
 * Local time comes from reading the zone's TZif file ourselves rather than
 * from setenv("TZ") + localtime_r: TZ is process-global state, the daemon
 * renders for many boards while other code may call localtime, and the
 * config's zone need not be the machine's.  A TZif file is a sorted list of
 * transitions plus a POSIX TZ rule for times after the last one; both are
 * small to interpret.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "render/render.h"
#include "render/render_int.h"

struct render_zone {
	long long *trans;       /* transition times, ascending */
	uint8_t   *idx;         /* type index for each transition */
	size_t     ntrans;
	int32_t   *utoff;       /* seconds east of UTC per type */
	uint8_t   *isdst;
	size_t     ntypes;
	/* POSIX rule for times after the last transition */
	int        has_rule;    /* 0 none: keep the last type */
	int32_t    std_off, dst_off;   /* seconds east of UTC */
	int        dst;         /* 1 when the rule has daylight saving */
	int        r_month[2], r_week[2], r_wday[2];   /* Mm.w.d start [0] and end [1] */
	int32_t    r_time[2];   /* seconds after local midnight */
};

static void
zone_free(struct render_zone *z)
{
	if (z == NULL)
		return;
	free(z->trans);
	free(z->idx);
	free(z->utoff);
	free(z->isdst);
	free(z);
}

void
render_zone_free(struct render_ctx *ctx)
{
	zone_free(ctx->zone);
	ctx->zone = NULL;
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* [+-]hh[:mm[:ss]] -> seconds; POSIX offsets are west-positive. */
static const char *
parse_hms(const char *s, int32_t *out)
{
	int sign = 1, h = 0, m = 0, sec = 0;

	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	if (!isdigit((unsigned char)*s))
		return NULL;
	while (isdigit((unsigned char)*s))
		h = h * 10 + (*s++ - '0');
	if (*s == ':') {
		s++;
		while (isdigit((unsigned char)*s))
			m = m * 10 + (*s++ - '0');
		if (*s == ':') {
			s++;
			while (isdigit((unsigned char)*s))
				sec = sec * 10 + (*s++ - '0');
		}
	}
	if (h > 167 || m > 59 || sec > 59)
		return NULL;
	*out = sign * (h * 3600 + m * 60 + sec);
	return s;
}

static const char *
skip_name(const char *s)
{
	if (*s == '<') {
		while (*s && *s != '>')
			s++;
		return *s ? s + 1 : NULL;
	}
	if (!isalpha((unsigned char)*s))
		return NULL;
	while (isalpha((unsigned char)*s))
		s++;
	return s;
}

static const char *
parse_mrule(const char *s, int *mon, int *week, int *wday, int32_t *tm)
{
	if (*s++ != 'M')
		return NULL;
	*mon = (int)strtol(s, (char **)&s, 10);
	if (*s++ != '.')
		return NULL;
	*week = (int)strtol(s, (char **)&s, 10);
	if (*s++ != '.')
		return NULL;
	*wday = (int)strtol(s, (char **)&s, 10);
	if (*mon < 1 || *mon > 12 || *week < 1 || *week > 5 || *wday < 0 || *wday > 6)
		return NULL;
	*tm = 7200;
	if (*s == '/' && (s = parse_hms(s + 1, tm)) == NULL)
		return NULL;
	return s;
}

/* The footer rule, e.g. "CST-8" or "CET-1CEST,M3.5.0,M10.5.0/3".  Rules
 * not of the M form leave has_rule 0 (the last transition then holds). */
static void
parse_rule(struct render_zone *z, const char *s)
{
	int32_t off;

	if ((s = skip_name(s)) == NULL || (s = parse_hms(s, &off)) == NULL)
		return;
	z->std_off = -off;
	if (*s == '\0') {
		z->has_rule = 1;
		return;
	}
	if ((s = skip_name(s)) == NULL)
		return;
	z->dst_off = z->std_off + 3600;
	if (*s != ',' && *s != '\0') {
		if ((s = parse_hms(s, &off)) == NULL)
			return;
		z->dst_off = -off;
	}
	if (*s++ != ',')
		return;
	if ((s = parse_mrule(s, &z->r_month[0], &z->r_week[0], &z->r_wday[0], &z->r_time[0])) == NULL || *s++ != ',')
		return;
	if ((s = parse_mrule(s, &z->r_month[1], &z->r_week[1], &z->r_wday[1], &z->r_time[1])) == NULL)
		return;
	z->dst = 1;
	z->has_rule = 1;
}

/* Parse a TZif file (version 2 or later: the 64-bit section and footer). */
static struct render_zone *
zone_parse(const uint8_t *b, size_t n)
{
	struct render_zone *z;
	const uint8_t *p;
	uint32_t cnt[6];
	size_t v1len, need;

	if (n < 44 || memcmp(b, "TZif", 4) != 0 || b[4] < '2')
		return NULL;
	for (int i = 0; i < 6; i++)
		cnt[i] = be32(b + 20 + 4 * i);
	/* isutcnt isstdcnt leapcnt timecnt typecnt charcnt */
	v1len = 44 + (size_t)cnt[3] * 5 + (size_t)cnt[4] * 6 + cnt[5] + (size_t)cnt[2] * 8 + cnt[1] + cnt[0];
	if (v1len + 44 > n)
		return NULL;
	p = b + v1len;
	if (memcmp(p, "TZif", 4) != 0)
		return NULL;
	for (int i = 0; i < 6; i++)
		cnt[i] = be32(p + 20 + 4 * i);
	if (cnt[4] == 0 || cnt[4] > 256 || cnt[3] > 100000)
		return NULL;
	need = 44 + (size_t)cnt[3] * 9 + (size_t)cnt[4] * 6 + cnt[5] + (size_t)cnt[2] * 12 + cnt[1] + cnt[0];
	if (v1len + need > n)
		return NULL;
	if ((z = calloc(1, sizeof *z)) == NULL)
		return NULL;
	z->ntrans = cnt[3];
	z->ntypes = cnt[4];
	z->trans = calloc(z->ntrans + 1, sizeof *z->trans);
	z->idx = calloc(z->ntrans + 1, 1);
	z->utoff = calloc(z->ntypes, sizeof *z->utoff);
	z->isdst = calloc(z->ntypes, 1);
	if (z->trans == NULL || z->idx == NULL || z->utoff == NULL || z->isdst == NULL) {
		zone_free(z);
		return NULL;
	}
	p += 44;
	for (size_t i = 0; i < z->ntrans; i++, p += 8)
		z->trans[i] = (long long)((uint64_t)be32(p) << 32 | be32(p + 4));
	for (size_t i = 0; i < z->ntrans; i++, p++) {
		if (*p >= z->ntypes) {
			zone_free(z);
			return NULL;
		}
		z->idx[i] = *p;
	}
	for (size_t i = 0; i < z->ntypes; i++, p += 6) {
		z->utoff[i] = (int32_t)be32(p);
		z->isdst[i] = p[4];
	}
	p += cnt[5] + (size_t)cnt[2] * 12 + cnt[1] + cnt[0];
	/* footer: "\nRULE\n" */
	if ((size_t)(p - b) < n && *p == '\n') {
		char rule[128];
		size_t k = 0;
		p++;
		while ((size_t)(p - b) < n && *p != '\n' && k + 1 < sizeof rule)
			rule[k++] = (char)*p++;
		rule[k] = '\0';
		if (k > 0)
			parse_rule(z, rule);
	}
	return z;
}

static int
load_zone(struct render_ctx *ctx, char *err, size_t errlen)
{
	const char *name = ctx->cfg != NULL && ctx->cfg->timezone != NULL ? ctx->cfg->timezone : "Asia/Shanghai";
	char path[512];
	FILE *fp;
	uint8_t *buf = NULL;
	size_t n = 0;
	long len;

	if (ctx->zone != NULL)
		return 0;
	if (strstr(name, "..") != NULL || name[0] == '/') {
		snprintf(err, errlen, "timezone \"%s\" is not an IANA zone name such as Asia/Shanghai", name);
		return -1;
	}
	snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", name);
	if ((fp = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "timezone \"%s\" not found in /usr/share/zoneinfo (install tzdata, or fix the name)", name);
		return -1;
	}
	if (fseek(fp, 0, SEEK_END) == 0 && (len = ftell(fp)) > 0 && len < (1 << 20) &&
	    fseek(fp, 0, SEEK_SET) == 0 && (buf = malloc((size_t)len)) != NULL)
		n = fread(buf, 1, (size_t)len, fp);
	fclose(fp);
	ctx->zone = buf != NULL ? zone_parse(buf, n) : NULL;
	free(buf);
	if (ctx->zone == NULL) {
		snprintf(err, errlen, "timezone file %s is not a TZif file this program can read", path);
		return -1;
	}
	return 0;
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static long long
days_from_civil(long long y, int m, int d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	long long yoe = y - era * 400;
	long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(long long z, int *y, int *m, int *d)
{
	z += 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	long long doe = z - era * 146097;
	long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* Local-midnight day of the w-th weekday d of month m in year y (w = 5: last). */
static long long
rule_day(int y, int m, int w, int wd)
{
	long long first = days_from_civil(y, m, 1);
	int fwd = (int)(((first % 7) + 11) % 7);      /* 1970-01-01 was a Thursday (4) */
	long long day = first + (wd - fwd + 7) % 7 + 7LL * (w - 1);
	long long next = m == 12 ? days_from_civil(y + 1, 1, 1) : days_from_civil(y, m + 1, 1);

	while (day >= next)
		day -= 7;
	return day;
}

static int32_t
zone_offset(const struct render_zone *z, long long t)
{
	size_t lo = 0, hi = z->ntrans;

	if (z->ntrans == 0 || t < z->trans[0]) {
		for (size_t i = 0; i < z->ntypes; i++)
			if (!z->isdst[i])
				return z->utoff[i];
		return z->utoff[0];
	}
	if (t >= z->trans[z->ntrans - 1] && z->has_rule) {
		if (!z->dst)
			return z->std_off;
		int y, m, d;
		civil_from_days((t + z->std_off) / 86400 - ((t + z->std_off) % 86400 < 0), &y, &m, &d);
		/* start: given in standard time; end: given in daylight time */
		long long s = rule_day(y, z->r_month[0], z->r_week[0], z->r_wday[0]) * 86400 + z->r_time[0] - z->std_off;
		long long e = rule_day(y, z->r_month[1], z->r_week[1], z->r_wday[1]) * 86400 + z->r_time[1] - z->dst_off;
		int in = s < e ? (t >= s && t < e) : !(t >= e && t < s);
		return in ? z->dst_off : z->std_off;
	}
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (z->trans[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return z->utoff[z->idx[lo]];
}

int
render_localtime(struct render_ctx *ctx, long long t, struct tm *out, char *err, size_t errlen)
{
	long long lt, days, secs;
	int y, m, d;

	if (load_zone(ctx, err, errlen) != 0)
		return -1;
	lt = t + zone_offset(ctx->zone, t);
	days = lt / 86400;
	secs = lt % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	memset(out, 0, sizeof *out);
	out->tm_year = y - 1900;
	out->tm_mon = m - 1;
	out->tm_mday = d;
	out->tm_hour = (int)(secs / 3600);
	out->tm_min = (int)(secs / 60 % 60);
	out->tm_sec = (int)(secs % 60);
	out->tm_wday = (int)(((days % 7) + 11) % 7);
	out->tm_yday = (int)(days - days_from_civil(y, 1, 1));
	return 0;
}

struct sbuf {
	char  *p;
	size_t n, cap;
};

static int
sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t nc = (b->n + n + 1) * 2;
		char *np = realloc(b->p, nc);
		if (np == NULL)
			return -1;
		b->p = np;
		b->cap = nc;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
	return 0;
}

static const char *const weekday_zh[7] = {
	"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六",
};

char *
render_fields_expand(struct render_ctx *ctx, const char *text, double now, char *err, size_t errlen)
{
	struct sbuf b = { 0 };
	const char *p = text;
	struct tm tm;
	int have_tm = 0;

	if (sb_add(&b, "", 0) != 0)
		goto nomem;
	while (*p) {
		const char *open = strchr(p, '{'), *close;
		char val[64];
		size_t flen;

		if (open == NULL || (close = strchr(open, '}')) == NULL) {
			if (sb_add(&b, p, strlen(p)) != 0)
				goto nomem;
			break;
		}
		if (sb_add(&b, p, (size_t)(open - p)) != 0)
			goto nomem;
		flen = (size_t)(close - open - 1);
		if (!have_tm) {
			if (render_localtime(ctx, (long long)floor(now), &tm, err, errlen) != 0)
				goto fail;
			have_tm = 1;
		}
		if (flen == 4 && memcmp(open + 1, "date", 4) == 0)
			snprintf(val, sizeof val, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
		else if (flen == 4 && memcmp(open + 1, "time", 4) == 0)
			snprintf(val, sizeof val, "%02d:%02d", tm.tm_hour, tm.tm_min);
		else if (flen == 7 && memcmp(open + 1, "weekday", 7) == 0)
			snprintf(val, sizeof val, "%s", weekday_zh[tm.tm_wday]);
		else if (flen == 20 && memcmp(open + 1, "countdown:", 10) == 0) {
			int y, m, d;
			char tail;
			char date[11];
			memcpy(date, open + 11, 10);
			date[10] = '\0';
			if (sscanf(date, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 || d < 1 || d > 31) {
				snprintf(err, errlen, "bad date in {%.*s}: write {countdown:YYYY-MM-DD}", (int)flen, open + 1);
				goto fail;
			}
			long long target = days_from_civil(y, m, d);
			int cy, cm, cd;
			civil_from_days(target, &cy, &cm, &cd);
			if (cy != y || cm != m || cd != d) {
				snprintf(err, errlen, "no such date in {%.*s}", (int)flen, open + 1);
				goto fail;
			}
			long long today = days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
			long long left = target - today;
			snprintf(val, sizeof val, "%lld", left > 0 ? left : 0);
		} else {
			/* not a field we know: keep the text as written */
			if (sb_add(&b, open, (size_t)(close - open + 1)) != 0)
				goto nomem;
			p = close + 1;
			continue;
		}
		if (sb_add(&b, val, strlen(val)) != 0)
			goto nomem;
		p = close + 1;
	}
	return b.p;
nomem:
	snprintf(err, errlen, "out of memory expanding fields");
fail:
	free(b.p);
	return NULL;
}
