/*
 * render/fields.c — live fields in text ({date} {time} {weekday}
 * {countdown:YYYY-MM-DD}) and local time in the config's timezone.
 *
 * Local time comes from tz.h (the zone's TZif file read by us) rather than
 * from setenv("TZ") + localtime_r: TZ is process-global state, the daemon
 * renders for many boards while other code may call localtime, and the
 * config's zone need not be the machine's.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "render/render.h"
#include "render/render_int.h"
#include "util/tz.h"

/* The config's zone, loaded on first use and kept in the context. */
static int
load_zone(struct render_ctx *ctx, char *err, size_t errlen)
{
	const char *name = ctx->cfg != NULL && ctx->cfg->timezone != NULL ? ctx->cfg->timezone : "Asia/Shanghai";
	char terr[256];

	if (ctx->zone != NULL)
		return 0;
	if ((ctx->zone = tz_load(name, terr, sizeof terr)) == NULL) {
		snprintf(err, errlen, "timezone \"%s\": %s", name, terr);
		return -1;
	}
	return 0;
}

void
render_zone_free(struct render_ctx *ctx)
{
	tz_free(ctx->zone);
	ctx->zone = NULL;
}

int
render_localtime(struct render_ctx *ctx, long long t, struct tm *out, char *err, size_t errlen)
{
	struct tz_civil c;

	if (load_zone(ctx, err, errlen) != 0)
		return -1;
	tz_to_civil(ctx->zone, (int64_t)t, &c);
	memset(out, 0, sizeof *out);
	out->tm_year = c.year - 1900;
	out->tm_mon = c.month - 1;
	out->tm_mday = c.mday;
	out->tm_hour = c.hour;
	out->tm_min = c.min;
	out->tm_sec = c.sec;
	out->tm_wday = c.wday;
	out->tm_yday = (int)(c.day - tz_days_from_civil(c.year, 1, 1));
	out->tm_isdst = c.isdst;
	out->tm_gmtoff = c.offset;
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
			int32_t target = tz_days_from_civil(y, m, d);
			int cy, cm, cd;
			tz_civil_from_days(target, &cy, &cm, &cd);
			if (cy != y || cm != m || cd != d) {
				snprintf(err, errlen, "no such date in {%.*s}", (int)flen, open + 1);
				goto fail;
			}
			long long today = tz_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
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
