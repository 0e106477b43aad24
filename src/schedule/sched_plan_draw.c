/*
 * sched_plan_draw.c — the week plan's printable pages (the grid itself is
 * sched_plan.c).
 *
 * Meant for paper: one A4-landscape page per board, drawn once with cairo
 * onto either a PDF surface (vector, one page per board, text selectable)
 * or an image surface at 150 dpi written as one PNG per board (with a pHYs
 * chunk saying 150 dpi, so a printer scales it to the page).  White
 * background, one column per day, one band per hour, a colour per rule,
 * and a strip showing brightness.  Each block of one rule is labelled with
 * its name and its true window (a brightness change inside it does not cut
 * it short), short blocks too; a label too long for its column shrinks,
 * then shortens the name, never the brightness ("40%") or the times.
 * Text goes through cairo's fontconfig/FreeType backend with a CJK-capable
 * family, so Chinese rule and playlist names print too.
 */
#include "schedule/sched_plan.h"
#include "util/utf8.h"

#include <cairo.h>
#include <cairo-pdf.h>
#include <errno.h>
#include <fontconfig/fontconfig.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- drawing ---- */

struct pen {
	cairo_t *cr;
	char family[128];          /* a CJK-capable family fontconfig has */
};

static void
rgb(cairo_t *cr, uint32_t c)
{
	cairo_set_source_rgb(cr, (c >> 16 & 255) / 255.0, (c >> 8 & 255) / 255.0, (c & 255) / 255.0);
}

static void
fill(struct pen *pen, double x, double y, double w, double h, uint32_t c)
{
	rgb(pen->cr, c);
	cairo_rectangle(pen->cr, x, y, w, h);
	cairo_fill(pen->cr);
}

static double
text_w(struct pen *pen, const char *s, double size)
{
	cairo_text_extents_t ex;

	cairo_set_font_size(pen->cr, size);
	cairo_text_extents(pen->cr, s, &ex);
	return ex.x_advance;
}

/* Draw text with its baseline at y; returns its width. */
static double
text(struct pen *pen, double x, double y, const char *s, double size, uint32_t c)
{
	double w = text_w(pen, s, size);

	rgb(pen->cr, c);
	cairo_move_to(pen->cr, x, y);
	cairo_show_text(pen->cr, s);
	return w;
}

/* `name` then `tail` into buf so that it is at most max_w wide: at `size`,
 * else smaller down to `min`, else with the name cut short and "…" (never
 * the tail: a brightness or a time).  Returns the size to draw at. */
static double
fit(struct pen *pen, const char *name, const char *tail, double size, double min, double max_w, char *buf,
    size_t len)
{
	size_t nl = strlen(name);

	for (double sz = size; sz >= min; sz -= 1) {
		snprintf(buf, len, "%s%s", name, tail);
		if (text_w(pen, buf, sz) <= max_w)
			return sz;
	}
	while (nl > 0) {
		nl = ls_utf8_prefix(name, nl - 1);   /* whole UTF-8 characters only */
		snprintf(buf, len, "%.*s…%s", (int)nl, name, tail);
		if (text_w(pen, buf, min) <= max_w)
			return min;
	}
	snprintf(buf, len, "%s", tail[0] == ' ' ? tail + 1 : tail);
	return min;
}

/* Light colours that print well and tell rules apart, most distinct first.
 * No amber or yellow: those are the brightness strip's.  Colours are given
 * per panel in legend order, so neighbours in a plan never look alike. */
static const uint32_t palette[] = {
	0x9ecae1, 0xa1d99b, 0xfa9fb5, 0xbcbddc, 0x99d8c9, 0xd9d9a0,
	0xfcbba1, 0x9ebcda, 0xe0c8f0, 0xc7e9c0,
};
#define C_FALLBACK  0xe4e4e4
#define C_OFF       0x595959
#define C_POWER_OFF 0x262626
#define C_BLANK     0xffffff
#define C_GRID      0xbdbdbd
#define C_TEXT      0x1a1a1a

/* The panel's legend: which owners appear, in order; their colours follow it. */
struct legend {
	int who[64];
	uint32_t colour[64];   /* for play rules; others have fixed colours */
	int n;
};

static void
legend_colours(const struct sched_plan *p, struct legend *lg)
{
	int k = 0;
	for (int i = 0; i < lg->n; i++) {
		int w = lg->who[i];
		lg->colour[i] = C_FALLBACK;
		if (w >= 0 && p->cfg->rules[w].kind == LS_RULE_PLAY && (p->cfg->rules[w].playlist || p->cfg->rules[w].layout))
			lg->colour[i] = palette[k++ % (int)(sizeof palette / sizeof palette[0])];
	}
}

static uint32_t
cell_colour(const struct legend *lg, const struct sched_plan_cell *c)
{
	switch (c->state) {
	case SCHED_OFF: return C_OFF;
	case SCHED_POWER_OFF: return C_POWER_OFF;
	case SCHED_BLANK: return C_BLANK;
	default: break;
	}
	if (c->who < 0)
		return C_FALLBACK;
	for (int i = 0; i < lg->n; i++)
		if (lg->who[i] == c->who)
			return lg->colour[i];
	return palette[c->who % (int)(sizeof palette / sizeof palette[0])];
}

static int
dark(uint32_t c)
{
	int r = (int)(c >> 16) & 255, g = (int)(c >> 8) & 255, b = (int)c & 255;
	return r * 299 + g * 587 + b * 114 < 128000;
}

/* Amber, paler as brightness falls. */
static uint32_t
bright_colour(int b)
{
	int r = 255, g = 255 - (255 - 0xa0) * b / 100, bl = 255 - 255 * b / 100;
	return (uint32_t)(r << 16 | g << 8 | bl);
}

static const char *const wdays[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static const char *const wdays_zh[] = { "周日", "周一", "周二", "周三", "周四", "周五", "周六" };

/* The page, in pixels at 150 dpi (a PDF page is the same drawing scaled to points). */
#define PW 1754         /* A4 landscape: 297 x 210 mm */
#define PH 1240
#define MARGIN 50
#define HOUR_COL 80
#define GRID_Y 190
#define STRIP_W 12
#define LEGEND_ROW 28
#define LABEL_SIZE 19   /* about 9 pt */
#define SMALL_SIZE 12   /* about 6 pt: the smallest label */

static int
legend_entries(const struct sched_plan *p, int *who, int cap)
{
	int n = 0;
	int seen_fb = 0, seen_blank = 0;
	char *used = calloc(p->cfg->nrules + 1, 1);
	if (!used)
		return 0;
	for (int d = 0; d < SCHED_PLAN_DAYS; d++)
		for (int m = 0; m < SCHED_PLAN_MIN; m++) {
			int w = p->cells[d][m].who;
			if (p->cells[d][m].bright_who >= 0)
				used[p->cells[d][m].bright_who] = 1;
			if (w >= 0)
				used[w] = 1;
			else if (w == SCHED_PLAN_FALLBACK)
				seen_fb = 1;
			else
				seen_blank = 1;
		}
	for (size_t i = 0; i < p->cfg->nrules && n < cap; i++)
		if (used[i])
			who[n++] = (int)i;
	if (seen_fb && n < cap)
		who[n++] = SCHED_PLAN_FALLBACK;
	if (seen_blank && n < cap)
		who[n++] = SCHED_PLAN_BLANK;
	free(used);
	return n;
}

static void
rule_summary(const struct sched_plan *p, int who, char *buf, size_t len)
{
	const struct ls_config *cfg = p->cfg;
	if (who == SCHED_PLAN_FALLBACK) {
		snprintf(buf, len, "fallback — playlist \"%s\", when no rule applies", cfg->fallback);
		return;
	}
	if (who == SCHED_PLAN_BLANK) {
		snprintf(buf, len, "nothing to show (board on, blank)");
		return;
	}
	const struct ls_rule *r = &cfg->rules[who];
	char what[96], hrs[32] = "all day", a[6], b[6];
	if (r->kind == LS_RULE_OFF)
		snprintf(what, sizeof what, "board off");
	else if (r->kind == LS_RULE_POWER_OFF)
		snprintf(what, sizeof what, "power off");
	else if (r->playlist)
		snprintf(what, sizeof what, "playlist \"%s\"", r->playlist);
	else if (r->layout)
		snprintf(what, sizeof what, "layout \"%s\" (areas)", r->layout);
	else
		snprintf(what, sizeof what, "dims only");
	if (r->start_min >= 0) {
		sched_fmt_minute(r->start_min, a);
		sched_fmt_minute(r->end_min < 0 ? 1440 : r->end_min, b);
		snprintf(hrs, sizeof hrs, "%s–%s", a, b);
	}
	char bri[40] = "";
	if (r->brightness >= 0)
		snprintf(bri, sizeof bri, ", brightness %d%%", r->brightness);
	snprintf(buf, len, "%s — %s, %s, priority %d%s (line %d)", r->name, what, hrs, r->priority, bri,
	    r->line);
}

static void
draw_page(struct pen *pen, const struct sched_plan *p, const char *zone)
{
	const struct ls_board *b = p->board;
	char buf[512], d1[11], d2[11];
	double colw = (PW - 2 * MARGIN - HOUR_COL) / (double)SCHED_PLAN_DAYS;
	double gx = MARGIN + HOUR_COL, gy = GRID_Y;
	struct legend lg;
	struct sched_plan_block blocks[SCHED_PLAN_MIN];
	int lrows;
	double row_h, lw = colw - STRIP_W - 12;

	lg.n = legend_entries(p, lg.who, 64);
	legend_colours(p, &lg);
	/* hours get what the legend leaves of the page (34 px, 1 pt a minute and a bit, when it can) */
	lrows = (lg.n + 1) / 2;
	row_h = (PH - MARGIN - GRID_Y - 52 - lrows * LEGEND_ROW) / 24.0;
	if (row_h > 34)
		row_h = 34;
	if (row_h < 12)
		row_h = 12;

	fill(pen, 0, 0, PW, PH, 0xffffff);
	snprintf(buf, sizeof buf, "%s", b->name);
	double tw = text(pen, MARGIN, 90, buf, 40, C_TEXT);
	snprintf(buf, sizeof buf, "%dx%d %s · %s · %s", b->width, b->height, ls_format_name(b->format),
	    b->protocol ? b->protocol : "?", b->address ? b->address : "?");
	text(pen, MARGIN + tw + 24, 90, buf, 22, 0x555555);
	sched_fmt_day(p->first, d1);
	sched_fmt_day(p->first + SCHED_PLAN_DAYS - 1, d2);
	{
		char sub[512];
		snprintf(sub, sizeof sub, "Week plan %s to %s · times are local (%s) · %s", d1, d2, zone,
		    p->cfg->path ? p->cfg->path : "");
		double sz = fit(pen, sub, "", 22, 12, PW - 2 * MARGIN, buf, sizeof buf);
		text(pen, MARGIN, 130, buf, sz, 0x333333);
	}

	/* Day headers. */
	for (int d = 0; d < SCHED_PLAN_DAYS; d++) {
		int y, mo, dd;
		ls_day day = p->first + d;
		tz_civil_from_days(day, &y, &mo, &dd);
		snprintf(buf, sizeof buf, "%s %s %d-%02d", wdays[tz_weekday(day)], wdays_zh[tz_weekday(day)], mo, dd);
		double w = text_w(pen, buf, 22);
		text(pen, gx + d * colw + (colw - w) / 2, gy - 14, buf, 22, C_TEXT);
	}
	/* Cells and the brightness strip, one rectangle per run. */
	for (int d = 0; d < SCHED_PLAN_DAYS; d++) {
		double x = gx + d * colw;
		int m = 0;
		while (m < SCHED_PLAN_MIN) {
			const struct sched_plan_cell *c = &p->cells[d][m];
			int e = m + 1;
			while (e < SCHED_PLAN_MIN && p->cells[d][e].who == c->who && p->cells[d][e].state == c->state &&
			    p->cells[d][e].brightness == c->brightness && p->cells[d][e].rotating == c->rotating)
				e++;
			double y0 = gy + m * row_h / 60, y1 = gy + e * row_h / 60;
			fill(pen, x + 1, y0, colw - STRIP_W - 3, y1 - y0, cell_colour(&lg, c));
			if (c->state == SCHED_PLAY)
				fill(pen, x + colw - STRIP_W - 1, y0, STRIP_W, y1 - y0, bright_colour(c->brightness));
			else if (c->state == SCHED_BLANK)   /* hatched: on, nothing to show */
				for (double yy = y0; yy < y1; yy += 12)
					fill(pen, x + 1, yy, colw - STRIP_W - 3, yy + 6 < y1 ? 6 : y1 - yy, 0xf3c6c6);
			m = e;
		}
	}
	/* Grid lines: every hour, heavier every six. */
	for (int h = 0; h <= 24; h++) {
		double y = gy + h * row_h;
		fill(pen, gx, y, colw * SCHED_PLAN_DAYS, h % 6 == 0 ? 2 : 1, h % 6 == 0 ? 0x7a7a7a : C_GRID);
		if (h < 24) {
			snprintf(buf, sizeof buf, "%02d:00", h);
			text(pen, MARGIN, y + (row_h < 20 ? row_h - 2 : 20), buf, row_h < 20 ? row_h - 2 : 18, 0x333333);
		}
	}
	for (int d = 0; d <= SCHED_PLAN_DAYS; d++)
		fill(pen, gx + d * colw, gy, 2, 24 * row_h + 1, 0x7a7a7a);
	/* A label for each block of one rule: its name and true window. */
	for (int d = 0; d < SCHED_PLAN_DAYS; d++) {
		size_t nb = sched_plan_blocks(p, d, blocks, SCHED_PLAN_MIN);
		double x = gx + d * colw + 6;
		for (size_t i = 0; i < nb; i++) {
			const struct sched_plan_block *bk = &blocks[i];
			double y0 = gy + bk->from * row_h / 60, h = (bk->to - bk->from) * row_h / 60, sz;
			uint32_t bg = cell_colour(&lg, &bk->cell);
			uint32_t fg = dark(bg) ? 0xffffff : C_TEXT, fg2 = dark(bg) ? 0xdddddd : 0x444444;
			char tail[64];
			snprintf(tail, sizeof tail, "%s%s", bk->bright[0] ? " " : "", bk->bright);
			if (h >= 2 * LABEL_SIZE + 6) {
				/* name (and brightness) on one line, the window below, the brightness change after */
				int two = strchr(bk->bright, ' ') != NULL;    /* "40% from 18:30" gets its own line */
				sz = fit(pen, bk->name, two ? "" : tail, LABEL_SIZE, SMALL_SIZE, lw, buf, sizeof buf);
				text(pen, x, y0 + LABEL_SIZE + 1, buf, sz, fg);
				/* the window, and where the brightness changes inside it */
				char w2[64];
				snprintf(w2, sizeof w2, "%s%s%s", bk->window, two ? " · " : "", two ? bk->bright : "");
				double s2 = fit(pen, "", w2, 16, SMALL_SIZE - 2, lw, buf, sizeof buf);
				text(pen, x, y0 + 2 * LABEL_SIZE + 5, buf, s2, fg2);
			} else {
				/* a short block: one line, name, brightness and window, as large as
				 * its height allows; under SMALL_SIZE on a white tab over its top */
				char t2[96];
				snprintf(t2, sizeof t2, "%s %s", tail, bk->window);
				sz = h - 2 < LABEL_SIZE ? h - 2 : LABEL_SIZE;
				if (sz >= SMALL_SIZE) {
					sz = fit(pen, bk->name, t2, sz, SMALL_SIZE, lw, buf, sizeof buf);
					text(pen, x, y0 + sz, buf, sz, fg);
				} else {
					sz = fit(pen, bk->name, t2, SMALL_SIZE, SMALL_SIZE - 2, lw, buf, sizeof buf);
					double w = text_w(pen, buf, sz);
					fill(pen, x - 3, y0, w + 6, sz + 4, 0xffffff);
					fill(pen, x - 3, y0, 2, sz + 4, bg == C_BLANK ? 0x7a7a7a : bg);
					text(pen, x, y0 + sz, buf, sz, C_TEXT);
				}
			}
		}
	}
	/* Legend. */
	double ly = gy + 24 * row_h + 36;
	text(pen, MARGIN, ly, "Legend", 22, C_TEXT);
	text(pen, MARGIN + 110, ly, "right-hand strip: brightness (deeper amber = brighter); "
	    "hatched: on but nothing to show", 18, 0x444444);
	ly += 10;
	double lcolw = (PW - 2 * MARGIN) / 2.0;
	for (int i = 0; i < lg.n; i++) {
		double lx = MARGIN + (i % 2) * lcolw, y = ly + (i / 2) * LEGEND_ROW;
		struct sched_plan_cell c = { .who = (int16_t)lg.who[i], .state = SCHED_PLAY };
		int w = lg.who[i];
		int dims = w >= 0 && p->cfg->rules[w].kind == LS_RULE_PLAY && !p->cfg->rules[w].playlist &&
		    !p->cfg->rules[w].layout;
		if (w == SCHED_PLAN_BLANK)
			c.state = SCHED_BLANK;
		else if (w >= 0 && p->cfg->rules[w].kind == LS_RULE_OFF)
			c.state = SCHED_OFF;
		else if (w >= 0 && p->cfg->rules[w].kind == LS_RULE_POWER_OFF)
			c.state = SCHED_POWER_OFF;
		fill(pen, lx, y + 4, 22, 22, 0x7a7a7a);
		fill(pen, lx + 1, y + 5, 20, 20, dims ? bright_colour(p->cfg->rules[w].brightness)
		    : w == SCHED_PLAN_BLANK ? 0xf3c6c6 : cell_colour(&lg, &c));
		char sum[512];
		rule_summary(p, w, sum, sizeof sum);
		double sz = fit(pen, sum, "", 18, SMALL_SIZE, lcolw - 40, buf, sizeof buf);
		text(pen, lx + 32, y + 21, buf, sz, C_TEXT);
	}
}

/* A CJK-capable family name fontconfig has, for cairo's font selection. */
static int
pick_family(char *out, size_t len, char *err, size_t errlen)
{
	static const char *const families[] = { "Noto Sans CJK SC", "WenQuanYi Zen Hei", "sans-serif" };
	FcConfig *fc = FcInitLoadConfigAndFonts();   /* our own instance: nothing global kept */
	int found = 0;

	if (fc == NULL) {
		snprintf(err, errlen, "cannot start fontconfig");
		return -1;
	}
	for (size_t i = 0; i < sizeof families / sizeof families[0] && !found; i++) {
		FcPattern *pat = FcNameParse((const FcChar8 *)families[i]), *m;
		FcResult res;
		FcChar8 *fam = NULL;
		FcLangResult lr;
		if (!pat)
			continue;
		FcPatternAddString(pat, FC_LANG, (const FcChar8 *)"zh-cn");
		FcConfigSubstitute(fc, pat, FcMatchPattern);
		FcDefaultSubstitute(pat);
		m = FcFontMatch(fc, pat, &res);
		if (m && FcPatternGetString(m, FC_FAMILY, 0, &fam) == FcResultMatch) {
			FcLangSet *ls = NULL;
			lr = FcLangDifferentLang;
			if (FcPatternGetLangSet(m, FC_LANG, 0, &ls) == FcResultMatch)
				lr = FcLangSetHasLang(ls, (const FcChar8 *)"zh-cn");
			if (lr != FcLangDifferentLang || i + 1 == sizeof families / sizeof families[0]) {
				snprintf(out, len, "%s", (const char *)fam);
				found = 1;
			}
		}
		if (m)
			FcPatternDestroy(m);
		FcPatternDestroy(pat);
	}
	FcConfigDestroy(fc);
	if (!found) {
		snprintf(err, errlen, "no font found for the plan (install fonts-noto-cjk)");
		return -1;
	}
	return 0;
}

/* Encode a cairo RGB24 image as a PNG to fp with a 150 dpi pHYs; 0 or -1.
 * Kept apart so that nothing setjmp could clobber lives in this frame. */
static int
write_png(FILE *fp, cairo_surface_t *sf, uint8_t *row)
{
	const uint8_t *data = cairo_image_surface_get_data(sf);
	int stride = cairo_image_surface_get_stride(sf);
	int w = cairo_image_surface_get_width(sf), h = cairo_image_surface_get_height(sf);
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png ? png_create_info_struct(png) : NULL;

	if (!png || !info) {
		png_destroy_write_struct(&png, NULL);
		return -1;
	}
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		return -1;
	}
	png_init_io(png, fp);
	png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB,
	    PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_set_pHYs(png, info, 5906, 5906, PNG_RESOLUTION_METER);   /* 150 dpi */
	/* Large flat areas: the "up" filter alone compresses them as well as
	 * libpng's adaptive choice, at a fraction of the time. */
	png_set_filter(png, 0, PNG_FILTER_UP);
	png_set_compression_level(png, 6);
	png_write_info(png, info);
	for (int y = 0; y < h; y++) {
		const uint32_t *src = (const uint32_t *)(const void *)(data + (size_t)y * (size_t)stride);
		for (int x = 0; x < w; x++) {
			row[3 * x] = (uint8_t)(src[x] >> 16);
			row[3 * x + 1] = (uint8_t)(src[x] >> 8);
			row[3 * x + 2] = (uint8_t)src[x];
		}
		png_write_row(png, row);
	}
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	return 0;
}

static int
ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && strcmp(s + a - b, suf) == 0;
}

void
sched_plan_page_path(const char *path, const char *board, char *buf, size_t len)
{
	size_t n = strlen(path);

	if (ends_with(path, ".png"))
		n -= 4;
	snprintf(buf, len, "%.*s-%s.png", (int)n, path, board);
}

int
sched_plan_draw(const struct sched_plan *plans, size_t n, const char *zone, const char *path,
    char *err, size_t errlen)
{
	struct pen pen = { NULL, "" };
	cairo_surface_t *sf = NULL;
	int pdf = ends_with(path, ".pdf") || ends_with(path, ".PDF"), rc = -1;
	uint8_t *row = NULL;
	char page[4096];

	if (n == 0) {
		snprintf(err, errlen, "no board to draw");
		return -1;
	}
	if (pick_family(pen.family, sizeof pen.family, err, errlen) < 0)
		return -1;
	if (pdf) {
		/* A4 landscape in points; the drawing's 150-dpi pixels scaled to it */
		sf = cairo_pdf_surface_create(path, PW * 72.0 / 150, PH * 72.0 / 150);
		if (cairo_surface_status(sf) != CAIRO_STATUS_SUCCESS) {
			snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno ? errno : EIO));
			goto out;
		}
		cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE, "ledsign week plan");
		cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATOR, "ledsign schedule --week");
	} else if ((row = malloc(PW * 3)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (!pdf) {
			sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, PW, PH);
			if (cairo_surface_status(sf) != CAIRO_STATUS_SUCCESS) {
				snprintf(err, errlen, "out of memory for a %dx%d page", PW, PH);
				goto out;
			}
		}
		pen.cr = cairo_create(sf);
		if (pdf)
			cairo_scale(pen.cr, 72.0 / 150, 72.0 / 150);
		cairo_select_font_face(pen.cr, pen.family, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
		draw_page(&pen, &plans[i], zone);
		if (pdf)
			cairo_show_page(pen.cr);
		if (cairo_status(pen.cr) != CAIRO_STATUS_SUCCESS) {
			snprintf(err, errlen, "cannot draw the plan of %s: %s", plans[i].board->name,
			    cairo_status_to_string(cairo_status(pen.cr)));
			goto out;
		}
		cairo_destroy(pen.cr);
		pen.cr = NULL;
		if (!pdf) {
			FILE *fp;
			cairo_surface_flush(sf);
			sched_plan_page_path(path, plans[i].board->name, page, sizeof page);
			if ((fp = fopen(page, "wb")) == NULL) {
				snprintf(err, errlen, "cannot write %s: %s", page, strerror(errno));
				goto out;
			}
			if (write_png(fp, sf, row) < 0 || fflush(fp) != 0 || ferror(fp)) {
				snprintf(err, errlen, "cannot write %s: %s", page, errno ? strerror(errno) : "PNG encoding failed");
				fclose(fp);
				goto out;
			}
			if (fclose(fp) != 0) {
				snprintf(err, errlen, "cannot write %s: %s", page, strerror(errno));
				goto out;
			}
			cairo_surface_destroy(sf);
			sf = NULL;
		}
	}
	if (pdf) {
		cairo_surface_finish(sf);
		if (cairo_surface_status(sf) != CAIRO_STATUS_SUCCESS) {
			snprintf(err, errlen, "cannot write %s: %s", path, cairo_status_to_string(cairo_surface_status(sf)));
			goto out;
		}
	}
	rc = 0;
out:
	if (pen.cr != NULL)
		cairo_destroy(pen.cr);
	cairo_surface_destroy(sf);
	free(row);
	if (rc != 0 && pdf)
		unlink(path);
	return rc;
}
