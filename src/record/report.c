/* report.c — proof-of-play reports as CSV or a PNG chart (see report.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cairo.h>

#include "record/record.h"
#include "record/report.h"
#include "util/tz.h"

struct report {
	double from, to;
	const struct tz *tz;
	struct report_row *rows;
	size_t nrows, rcap;
	int    dirty;                 /* rows not sorted and merged since the last add */
	struct report_alert *alerts;
	size_t nalerts, acap;
	int    oom;
	double seen_lo, seen_hi;      /* what the data covers (0: nothing yet) */
	/* during report_add_file */
	const char *prefix;
	const struct record_sum *cur;
};

struct report *
report_new(double from, double to, const struct tz *tz)
{
	struct report *r = calloc(1, sizeof *r);

	if (!r)
		return NULL;
	r->from = from;
	r->to = to;
	r->tz = tz;
	return r;
}

void
report_free(struct report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nrows; i++) {
		free(r->rows[i].key);
		free(r->rows[i].item);
	}
	for (size_t i = 0; i < r->nalerts; i++) {
		struct report_alert *a = &r->alerts[i];

		free(a->where); free(a->event); free(a->id); free(a->level); free(a->targets);
	}
	free(r->rows);
	free(r->alerts);
	free(r);
}

static char *
report_join(const char *prefix, const char *name)
{
	size_t n = (prefix ? strlen(prefix) + 1 : 0) + strlen(name) + 1;
	char *s = malloc(n);

	if (s)
		snprintf(s, n, "%s%s%s", prefix ? prefix : "", prefix ? "/" : "", name);
	return s;
}

static void
report_seen(struct report *r, double t)
{
	if (t <= 0)
		return;
	if (r->seen_lo == 0 || t < r->seen_lo)
		r->seen_lo = t;
	if (t > r->seen_hi)
		r->seen_hi = t;
}

/* report_key_add for the play being read */
static void
report_add_key(struct report *r, const char *key)
{
	const struct record_sum *m = r->cur;
	struct report_row *w;

	if (r->nrows == r->rcap) {
		size_t nc = r->rcap ? r->rcap * 2 : 64;
		struct report_row *np = realloc(r->rows, nc * sizeof *np);

		if (!np) {
			r->oom = 1;
			return;
		}
		r->rows = np;
		r->rcap = nc;
	}
	w = &r->rows[r->nrows];
	w->key = report_join(r->prefix, key);
	w->item = strdup(m->item);
	if (!w->key || !w->item) {
		free(w->key);
		free(w->item);
		r->oom = 1;
		return;
	}
	w->seconds = m->seconds;
	w->frames = m->frames;
	w->plays = m->plays;
	r->nrows++;
	report_seen(r, m->first);
	report_seen(r, m->last);
	r->dirty = 1;
}

struct report_read {
	struct report *r;
	report_keys_fn keys;
	void *arg;
};

static int
report_sum_cb(void *arg, const struct record_sum *m)
{
	struct report_read *rd = arg;

	rd->r->cur = m;
	if (rd->keys)
		rd->keys(rd->arg, rd->r, m->board, report_add_key);
	else
		report_add_key(rd->r, m->board);
	return rd->r->oom;
}

static int
report_alert_cb(void *arg, const struct record_alert *a)
{
	struct report_read *rd = arg;
	struct report *r = rd->r;
	struct report_alert *w;

	if (r->nalerts == r->acap) {
		size_t nc = r->acap ? r->acap * 2 : 32;
		struct report_alert *np = realloc(r->alerts, nc * sizeof *np);

		if (!np)
			return r->oom = 1;
		r->alerts = np;
		r->acap = nc;
	}
	w = &r->alerts[r->nalerts];
	w->time = a->time;
	report_seen(r, a->time);
	w->where = strdup(r->prefix ? r->prefix : "");
	w->event = strdup(a->event);
	w->id = strdup(a->id);
	w->level = strdup(a->level);
	w->targets = strdup(a->targets);
	r->nalerts++;
	if (!w->where || !w->event || !w->id || !w->level || !w->targets)
		r->oom = 1;
	return r->oom;
}

int
report_add_file(struct report *r, const char *path, const char *prefix, report_keys_fn keys, void *arg,
    char *err, size_t errlen)
{
	struct report_read rd = { r, keys, arg };
	int rc;

	r->prefix = prefix;
	rc = record_read(path, r->from, r->to, report_sum_cb, report_alert_cb, &rd, err, errlen);
	r->prefix = NULL;
	r->cur = NULL;
	if (rc == 0 && r->oom) {
		snprintf(err, errlen, "out of memory reading %s", path);
		rc = -1;
	}
	return rc;
}

int
report_add_row(struct report *r, const char *key, const char *item, double seconds, uint64_t frames, uint64_t plays)
{
	struct record_sum m = { key, item, seconds, frames, plays, 0, 0 };
	const char *prefix = r->prefix;

	r->prefix = NULL;
	r->cur = &m;
	report_add_key(r, key);
	r->cur = NULL;
	r->prefix = prefix;
	return r->oom ? -1 : 0;
}

int
report_add_alert(struct report *r, const char *where, double time, const char *event, const char *id,
    const char *level, const char *targets)
{
	struct record_alert a = { time, event, id, level, targets };
	struct report_read rd = { r, NULL, NULL };
	const char *prefix = r->prefix;
	int rc;

	r->prefix = where;
	rc = report_alert_cb(&rd, &a);
	r->prefix = prefix;
	r->dirty = 1;
	return rc ? -1 : 0;
}

static int
report_cmp_row(const void *a, const void *b)
{
	const struct report_row *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c ? c : strcmp(x->item, y->item);
}

static int
report_cmp_alert(const void *a, const void *b)
{
	const struct report_alert *x = a, *y = b;
	int c = (x->time > y->time) - (x->time < y->time);

	return c ? c : strcmp(x->where, y->where);
}

/* Sort rows and merge those of one key and item (a board in a group
 * twice, or plays of one board added from several files). */
static void
report_settle(const struct report *cr)
{
	struct report *r = (struct report *)cr;
	size_t o = 0;

	if (!r->dirty)
		return;
	qsort(r->rows, r->nrows, sizeof *r->rows, report_cmp_row);
	for (size_t i = 0; i < r->nrows; i++) {
		if (o > 0 && report_cmp_row(&r->rows[o - 1], &r->rows[i]) == 0) {
			r->rows[o - 1].seconds += r->rows[i].seconds;
			r->rows[o - 1].frames += r->rows[i].frames;
			r->rows[o - 1].plays += r->rows[i].plays;
			free(r->rows[i].key);
			free(r->rows[i].item);
			continue;
		}
		r->rows[o++] = r->rows[i];
	}
	r->nrows = o;
	qsort(r->alerts, r->nalerts, sizeof *r->alerts, report_cmp_alert);
	r->dirty = 0;
}

size_t report_nrows(const struct report *r) { report_settle(r); return r->nrows; }
const struct report_row *report_row(const struct report *r, size_t i) { report_settle(r); return &r->rows[i]; }
size_t report_nalerts(const struct report *r) { report_settle(r); return r->nalerts; }
const struct report_alert *report_alert(const struct report *r, size_t i) { report_settle(r); return &r->alerts[i]; }

void
report_totals(const struct report *r, double *seconds, uint64_t *frames)
{
	*seconds = 0;
	*frames = 0;
	for (size_t i = 0; i < r->nrows; i++) {
		*seconds += r->rows[i].seconds;
		*frames += r->rows[i].frames;
	}
}

static void
report_time(const struct report *r, double t, char *buf, size_t len)
{
	struct tz_civil c;
	struct tz *utc = NULL;
	const struct tz *z = r->tz;

	if (!z)
		z = utc = tz_fixed(0);
	if (!z) {
		snprintf(buf, len, "%.0f", t);
		return;
	}
	tz_to_civil(z, (int64_t)floor(t), &c);
	snprintf(buf, len, "%04d-%02d-%02d %02d:%02d:%02d", c.year, c.month, c.mday, c.hour, c.min, c.sec);
	tz_free(utc);
}

/* One CSV field: quoted when it holds a comma, quote or line break (RFC 4180). */
static void
report_csv_field(FILE *f, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static int
report_write_csv(const struct report *r, FILE *f, const char *key_title)
{
	char when[32];

	report_csv_field(f, key_title);
	fputs(",item,hours,seconds,frames,plays\n", f);
	for (size_t i = 0; i < report_nrows(r); i++) {
		const struct report_row *w = report_row(r, i);

		report_csv_field(f, w->key);
		fputc(',', f);
		report_csv_field(f, w->item);
		fprintf(f, ",%.6f,%.3f,%llu,%llu\n", w->seconds / 3600.0, w->seconds, (unsigned long long)w->frames,
		    (unsigned long long)w->plays);
	}
	/* the alert timeline, a second table after one empty line */
	fputs("\ntime,where,alert,event,level,targets\n", f);
	for (size_t i = 0; i < report_nalerts(r); i++) {
		const struct report_alert *a = report_alert(r, i);

		report_time(r, a->time, when, sizeof when);
		fprintf(f, "%s,", when);
		report_csv_field(f, a->where);
		fputc(',', f);
		report_csv_field(f, a->id);
		fprintf(f, ",%s,%s,", a->event, a->level);
		report_csv_field(f, a->targets);
		fputc('\n', f);
	}
	return ferror(f) ? -1 : 0;
}

/* ---- the PNG chart ---- */

#define PNG_W 1200
#define PNG_ROW 24
#define PNG_LEFT 260
#define PNG_RIGHT 140
#define PNG_FONT "Noto Sans CJK SC"

static void
report_colour(size_t i, double *rgb)
{
	/* a qualitative palette that prints and reads on a projector */
	static const double pal[][3] = {
		{ .12, .47, .71 }, { 1, .5, .05 }, { .17, .63, .17 }, { .84, .15, .16 }, { .58, .4, .74 },
		{ .55, .34, .29 }, { .89, .47, .76 }, { .5, .5, .5 }, { .74, .74, .13 }, { .09, .75, .81 },
	};
	memcpy(rgb, pal[i % 10], 3 * sizeof *rgb);
}

static void
report_text(cairo_t *cr, double x, double y, double size, const char *s)
{
	cairo_set_font_size(cr, size);
	cairo_move_to(cr, x, y);
	cairo_show_text(cr, s);
}

/* Distinct items in order of first appearance (their colours). */
static size_t
report_item_index(const char **items, size_t *n, const char *item)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp(items[i], item) == 0)
			return i;
	items[*n] = item;
	return (*n)++;
}

/* The alerts as spans: raised to cleared/expired (or the period's end). */
struct report_span {
	const struct report_alert *a;
	double start, end;
	const char *how;
};

static int
report_write_png(const struct report *r, const char *path, const char *key_title, char *err, size_t errlen)
{
	size_t nrows = report_nrows(r), nkeys = 0, nitems = 0, nspans = 0;
	const char **keys = calloc(nrows + 1, sizeof *keys), **items = calloc(nrows + 1, sizeof *items);
	double *tot = calloc(nrows + 1, sizeof *tot), maxh = 0, rgb[3], lo = r->from, hi = r->to;
	struct report_span *spans = calloc(report_nalerts(r) + 1, sizeof *spans);
	cairo_surface_t *sf = NULL;
	cairo_t *cr = NULL;
	char buf[512], a[32], b[32];
	int h, y, rc = -1;

	if (!keys || !items || !tot || !spans) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < nrows; i++) {
		const struct report_row *w = report_row(r, i);

		if (nkeys == 0 || strcmp(keys[nkeys - 1], w->key) != 0)
			keys[nkeys++] = w->key;
		tot[nkeys - 1] += w->seconds / 3600.0;
		report_item_index(items, &nitems, w->item);
	}
	for (size_t k = 0; k < nkeys; k++)
		if (tot[k] > maxh)
			maxh = tot[k];
	for (size_t i = 0; i < report_nalerts(r); i++) {
		const struct report_alert *al = report_alert(r, i);
		size_t j;

		if (strcmp(al->event, "raised") == 0) {
			for (j = 0; j < nspans; j++)
				if (spans[j].end == r->to && strcmp(spans[j].a->id, al->id) == 0 &&
				    strcmp(spans[j].a->where, al->where) == 0)
					break;
			if (j < nspans)
				continue;   /* raised again (updated): the span goes on */
			spans[nspans].a = al;
			spans[nspans].start = al->time;
			spans[nspans].end = r->to;
			spans[nspans].how = "still up";
			nspans++;
		} else {
			for (j = 0; j < nspans; j++)
				if (spans[j].end == r->to && strcmp(spans[j].a->id, al->id) == 0 &&
				    strcmp(spans[j].a->where, al->where) == 0) {
					spans[j].end = al->time;
					spans[j].how = al->event;
					break;
				}
			if (j == nspans) {  /* raised before the period */
				spans[nspans].a = al;
				spans[nspans].start = r->from;
				spans[nspans].end = al->time;
				spans[nspans].how = al->event;
				nspans++;
			}
		}
	}
	/* the axis and the title: the period, or what the data covers of it
	 * (a report "from the beginning" starts in 1970) */
	if (r->seen_lo > 0) {
		if (r->seen_lo > lo)
			lo = r->seen_lo;
		if (r->seen_hi < hi && r->seen_hi > lo)
			hi = r->seen_hi;
	}
	if (hi <= lo)
		hi = lo + 1;
	h = 90 + (int)(nkeys ? nkeys : 1) * PNG_ROW + 40 + (int)((nitems + 3) / 4) * 22 + 70 +
	    (int)(nspans ? nspans : 1) * PNG_ROW + 40;
	sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, PNG_W, h);
	cr = cairo_create(sf);
	if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
		snprintf(err, errlen, "cannot draw a %dx%d chart: %s", PNG_W, h, cairo_status_to_string(cairo_status(cr)));
		goto out;
	}
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_select_font_face(cr, PNG_FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_source_rgb(cr, 0, 0, 0);
	report_time(r, lo, a, sizeof a);
	report_time(r, hi, b, sizeof b);
	snprintf(buf, sizeof buf, "Proof of play: hours shown per item and %s, %s to %s", key_title, a, b);
	report_text(cr, 20, 36, 20, buf);
	y = 70;
	for (size_t k = 0; k < nkeys; k++, y += PNG_ROW) {
		double x = PNG_LEFT, scale = maxh > 0 ? (PNG_W - PNG_LEFT - PNG_RIGHT) / maxh : 0;

		cairo_set_source_rgb(cr, 0, 0, 0);
		report_text(cr, 20, y + 16, 14, keys[k]);
		for (size_t i = 0; i < nrows; i++) {
			const struct report_row *w = report_row(r, i);
			double wd = w->seconds / 3600.0 * scale;

			if (strcmp(w->key, keys[k]) != 0)
				continue;
			report_colour(report_item_index(items, &nitems, w->item), rgb);
			cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
			cairo_rectangle(cr, x, y + 3, wd, PNG_ROW - 6);
			cairo_fill(cr);
			x += wd;
		}
		cairo_set_source_rgb(cr, 0, 0, 0);
		if (tot[k] >= 1)
			snprintf(buf, sizeof buf, "%.2f h", tot[k]);
		else if (tot[k] * 60 >= 1)
			snprintf(buf, sizeof buf, "%.1f min", tot[k] * 60);
		else
			snprintf(buf, sizeof buf, "%.0f s", tot[k] * 3600);
		report_text(cr, x + 8, y + 16, 14, buf);
	}
	if (nkeys == 0) {
		report_text(cr, 20, y + 16, 14, "nothing was shown in this period");
		y += PNG_ROW;
	}
	y += 20;
	for (size_t i = 0; i < nitems; i++) {
		int x = 20 + (int)(i % 4) * 290, yy = y + (int)(i / 4) * 22;

		report_colour(i, rgb);
		cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
		cairo_rectangle(cr, x, yy, 16, 16);
		cairo_fill(cr);
		cairo_set_source_rgb(cr, 0, 0, 0);
		report_text(cr, x + 22, yy + 13, 13, items[i]);
	}
	y += (int)((nitems + 3) / 4) * 22 + 40;
	cairo_set_source_rgb(cr, 0, 0, 0);
	report_text(cr, 20, y, 18, "Alert timeline");
	y += 16;
	for (size_t i = 0; i < nspans; i++, y += PNG_ROW) {
		const struct report_span *s = &spans[i];
		double span = hi - lo, w = PNG_W - PNG_LEFT - PNG_RIGHT;
		double st = s->start < lo ? lo : s->start, en = s->end > hi ? hi : s->end;
		double x0 = PNG_LEFT + (st - lo) / span * w;
		double x1 = PNG_LEFT + (en - lo) / span * w;
		int emerg = strcmp(s->a->level, "emergency") == 0, warn = strcmp(s->a->level, "warning") == 0;

		cairo_set_source_rgb(cr, 0, 0, 0);
		snprintf(buf, sizeof buf, "%s%s%s (%s)", s->a->where, s->a->where[0] ? ": " : "", s->a->id, s->a->level);
		report_text(cr, 20, y + 16, 13, buf);
		cairo_set_source_rgb(cr, emerg ? .84 : warn ? 1 : .12, emerg ? .15 : warn ? .6 : .47, emerg ? .16 : warn ? 0 : .71);
		cairo_rectangle(cr, x0, y + 4, x1 - x0 < 2 ? 2 : x1 - x0, PNG_ROW - 8);
		cairo_fill(cr);
		cairo_set_source_rgb(cr, 0, 0, 0);
		report_time(r, s->start, a, sizeof a);
		snprintf(buf, sizeof buf, "from %s, %s", a + 11, s->how);
		report_text(cr, (x1 + 6 > PNG_W - PNG_RIGHT ? PNG_W - PNG_RIGHT : x1) + 6, y + 16, 12, buf);
	}
	if (nspans == 0)
		report_text(cr, 20, y + 16, 14, "no alerts in this period");
	cairo_surface_flush(sf);
	if (cairo_surface_write_to_png(sf, path) != CAIRO_STATUS_SUCCESS) {
		snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno ? errno : EIO));
		goto out;
	}
	rc = 0;
out:
	if (cr)
		cairo_destroy(cr);
	if (sf)
		cairo_surface_destroy(sf);
	free(keys);
	free(items);
	free(tot);
	free(spans);
	return rc;
}

static int
report_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

int
report_write(const struct report *r, const char *path, const char *key_title, char *err, size_t errlen)
{
	FILE *f;
	int rc;

	if (report_ends_with(path, ".png"))
		return report_write_png(r, path, key_title, err, errlen);
	if (strcmp(path, "-") != 0 && !report_ends_with(path, ".csv")) {
		snprintf(err, errlen, "%s: say .csv or .png at the end of the output's name", path);
		return -1;
	}
	f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = report_write_csv(r, f, key_title);
	if (f != stdout ? fclose(f) != 0 : fflush(f) != 0)
		rc = -1;
	if (rc < 0)
		snprintf(err, errlen, "%s: write failed: %s", path, strerror(errno));
	return rc;
}
