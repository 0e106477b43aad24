/*
 * sched_plan.c — the week plan grid and its printable PNG.
 *
 * The PNG is meant for paper: one A4-landscape panel per board at 150 dpi
 * (the pHYs chunk says so, so a printer scales it to the page), white
 * background, one column per day, one band per hour, a colour per rule with
 * its name written where it starts, and a strip showing brightness.
 * Text is drawn with FreeType (a CJK-capable face found via fontconfig), so
 * Chinese rule and playlist names print too.
 */
#include "schedule/sched_plan.h"

#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
sched_plan_fill(struct sched_plan *p, const struct ls_config *cfg, const struct ls_board *board,
    ls_day first)
{
	p->cfg = cfg;
	p->board = board;
	p->first = first;
	for (int d = 0; d < SCHED_PLAN_DAYS; d++)
		for (int m = 0; m < SCHED_PLAN_MIN; m++) {
			struct sched_slot sl;
			struct sched_plan_cell *c = &p->cells[d][m];
			sched_slot_at(cfg, board, first + d, m, &sl);
			c->state = (uint8_t)sl.state;
			/* Brightness only matters while something plays; keeping it
			 * out of dark cells keeps runs of "off" whole. */
			c->brightness = sl.state != SCHED_PLAY ? 0
			    : (uint8_t)(sl.brightness < 0 ? 0 : sl.brightness > 100 ? 100 : sl.brightness);
			c->rotating = sl.state == SCHED_PLAY && sl.ntied > 1;
			c->bright_who = (int16_t)(sl.state == SCHED_PLAY && sl.bright_rule
			    ? sl.bright_rule - cfg->rules : -1);
			if (sl.rule)
				c->who = (int16_t)(sl.rule - cfg->rules);
			else
				c->who = sl.fallback ? SCHED_PLAN_FALLBACK : SCHED_PLAN_BLANK;
		}
}

const char *
sched_plan_who_name(const struct sched_plan *p, int who, char *buf, size_t len)
{
	if (who >= 0)
		snprintf(buf, len, "%s", p->cfg->rules[who].name ? p->cfg->rules[who].name : "?");
	else if (who == SCHED_PLAN_FALLBACK)
		snprintf(buf, len, "fallback");
	else
		snprintf(buf, len, "nothing");
	return buf;
}

/* ---- drawing ---- */

struct img {
	int w, h;
	uint8_t *px;   /* RGB */
};

struct pen {
	FT_Library lib;
	FT_Face face;
	FcConfig *fc;   /* our own fontconfig instance: no global state kept or leaked */
};

static void
fill(struct img *im, int x, int y, int w, int h, uint32_t rgb)
{
	if (x < 0) { w += x; x = 0; }
	if (y < 0) { h += y; y = 0; }
	if (x + w > im->w) w = im->w - x;
	if (y + h > im->h) h = im->h - y;
	for (int j = 0; j < h; j++) {
		uint8_t *p = im->px + ((size_t)(y + j) * im->w + x) * 3;
		for (int i = 0; i < w; i++, p += 3) {
			p[0] = (uint8_t)(rgb >> 16);
			p[1] = (uint8_t)(rgb >> 8);
			p[2] = (uint8_t)rgb;
		}
	}
}

static void
blend(struct img *im, int x, int y, uint32_t rgb, int a)
{
	if (x < 0 || y < 0 || x >= im->w || y >= im->h || a <= 0)
		return;
	uint8_t *p = im->px + ((size_t)y * im->w + x) * 3;
	int c[3] = { (int)(rgb >> 16) & 255, (int)(rgb >> 8) & 255, (int)rgb & 255 };
	for (int k = 0; k < 3; k++)
		p[k] = (uint8_t)((p[k] * (255 - a) + c[k] * a) / 255);
}

/* Next code point of UTF-8 text; invalid bytes become U+FFFD. */
static uint32_t
utf8_next(const char **s)
{
	const unsigned char *p = (const unsigned char *)*s;
	uint32_t c = *p++;
	int n = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
	if (c >= 0x80 && n == 0) {
		*s = (const char *)p;
		return 0xfffd;
	}
	if (n)
		c &= 0x3f >> n;
	for (int i = 0; i < n; i++) {
		if ((*p & 0xc0) != 0x80) {
			*s = (const char *)p;
			return 0xfffd;
		}
		c = c << 6 | (*p++ & 0x3f);
	}
	*s = (const char *)p;
	return c;
}

/* Draw (or with im NULL, measure) text at baseline y; stops before max_w. */
static int
text(struct pen *pen, struct img *im, int x, int y, const char *s, int size, uint32_t rgb, int max_w)
{
	int pen_x = 0;
	if (!pen->face || !s)
		return 0;
	FT_Set_Pixel_Sizes(pen->face, 0, (FT_UInt)size);
	while (*s) {
		uint32_t cp = utf8_next(&s);
		if (FT_Load_Char(pen->face, cp, FT_LOAD_RENDER) != 0)
			continue;
		FT_GlyphSlot g = pen->face->glyph;
		int adv = (int)(g->advance.x >> 6);
		if (max_w > 0 && pen_x + adv > max_w)
			break;
		if (im) {
			const FT_Bitmap *bm = &g->bitmap;
			for (unsigned r = 0; r < bm->rows; r++)
				for (unsigned c = 0; c < bm->width; c++) {
					int a = bm->pixel_mode == FT_PIXEL_MODE_MONO
					    ? ((bm->buffer[r * bm->pitch + c / 8] >> (7 - c % 8)) & 1) * 255
					    : bm->buffer[r * bm->pitch + c];
					blend(im, x + pen_x + g->bitmap_left + (int)c, y - g->bitmap_top + (int)r, rgb, a);
				}
		}
		pen_x += adv;
	}
	return pen_x;
}

static int
pen_open(struct pen *pen, char *err, size_t errlen)
{
	static const char *const families[] = { "Noto Sans CJK SC", "WenQuanYi Zen Hei", "sans-serif" };
	memset(pen, 0, sizeof *pen);
	if (FT_Init_FreeType(&pen->lib) != 0) {
		snprintf(err, errlen, "cannot start FreeType");
		return -1;
	}
	if (!(pen->fc = FcInitLoadConfigAndFonts())) {
		snprintf(err, errlen, "cannot start fontconfig");
		FT_Done_FreeType(pen->lib);
		return -1;
	}
	for (size_t i = 0; i < sizeof families / sizeof families[0] && !pen->face; i++) {
		FcPattern *pat = FcNameParse((const FcChar8 *)families[i]);
		FcResult res;
		if (!pat)
			continue;
		FcPatternAddString(pat, FC_LANG, (const FcChar8 *)"zh-cn");
		FcConfigSubstitute(pen->fc, pat, FcMatchPattern);
		FcDefaultSubstitute(pat);
		FcPattern *m = FcFontMatch(pen->fc, pat, &res);
		FcChar8 *file = NULL;
		int index = 0;
		if (m && FcPatternGetString(m, FC_FILE, 0, &file) == FcResultMatch) {
			FcPatternGetInteger(m, FC_INDEX, 0, &index);
			if (FT_New_Face(pen->lib, (const char *)file, index, &pen->face) != 0)
				pen->face = NULL;
		}
		if (m)
			FcPatternDestroy(m);
		FcPatternDestroy(pat);
	}
	if (!pen->face) {
		snprintf(err, errlen, "no font found for the plan (install fonts-noto-cjk)");
		FT_Done_FreeType(pen->lib);
		FcConfigDestroy(pen->fc);
		return -1;
	}
	return 0;
}

static void
pen_close(struct pen *pen)
{
	if (pen->face)
		FT_Done_Face(pen->face);
	if (pen->lib)
		FT_Done_FreeType(pen->lib);
	if (pen->fc)
		FcConfigDestroy(pen->fc);
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
dark(uint32_t rgb)
{
	int r = (int)(rgb >> 16) & 255, g = (int)(rgb >> 8) & 255, b = (int)rgb & 255;
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

#define PW 1754         /* A4 landscape at 150 dpi */
#define PH_MIN 1240
#define MARGIN 50
#define HOUR_COL 80
#define ROW_H 34
#define GRID_Y 215
#define STRIP_W 12

static int
same_run(const struct sched_plan_cell *a, const struct sched_plan_cell *b)
{
	return a->who == b->who && a->state == b->state && a->brightness == b->brightness;
}

static void
cell_label(const struct sched_plan *p, const struct sched_plan_cell *c, char *buf, size_t len)
{
	char name[96];
	const struct ls_config *cfg = p->cfg;
	const char *bri = "";
	char btxt[16] = "";
	if (c->state == SCHED_PLAY && c->brightness != p->board->brightness) {
		snprintf(btxt, sizeof btxt, " %d%%", c->brightness);
		bri = btxt;
	}
	if (c->state == SCHED_BLANK)
		snprintf(buf, len, "(nothing)");
	else if (c->who == SCHED_PLAN_FALLBACK)
		snprintf(buf, len, "fallback%s", bri);
	else if (c->state == SCHED_OFF)
		snprintf(buf, len, "off");
	else if (c->state == SCHED_POWER_OFF)
		snprintf(buf, len, "power off");
	else
		snprintf(buf, len, "%s%s%s", sched_plan_who_name(p, c->who, name, sizeof name), bri,
		    c->rotating ? " (takes turns)" : "");
	(void)cfg;
}

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
draw_panel(struct pen *pen, struct img *im, int top, const struct sched_plan *p, const char *zone)
{
	const struct ls_board *b = p->board;
	char buf[512], d1[11], d2[11];
	int colw = (PW - 2 * MARGIN - HOUR_COL) / SCHED_PLAN_DAYS;
	int gx = MARGIN + HOUR_COL, gy = top + GRID_Y;
	struct legend lg;
	lg.n = legend_entries(p, lg.who, 64);
	legend_colours(p, &lg);

	snprintf(buf, sizeof buf, "%s", b->name);
	int tw = text(pen, im, MARGIN, top + 80, buf, 40, C_TEXT, 0);
	snprintf(buf, sizeof buf, "%dx%d %s · %s · %s", b->width, b->height, ls_format_name(b->format),
	    b->protocol ? b->protocol : "?", b->address ? b->address : "?");
	text(pen, im, MARGIN + tw + 24, top + 80, buf, 22, 0x555555, 0);
	sched_fmt_day(p->first, d1);
	sched_fmt_day(p->first + SCHED_PLAN_DAYS - 1, d2);
	snprintf(buf, sizeof buf, "Week plan %s to %s · times are local (%s) · %s", d1, d2, zone,
	    p->cfg->path ? p->cfg->path : "");
	text(pen, im, MARGIN, top + 125, buf, 22, 0x333333, PW - 2 * MARGIN);

	/* Day headers. */
	for (int d = 0; d < SCHED_PLAN_DAYS; d++) {
		int y, mo, dd;
		ls_day day = p->first + d;
		tz_civil_from_days(day, &y, &mo, &dd);
		snprintf(buf, sizeof buf, "%s %s %d-%02d", wdays[tz_weekday(day)], wdays_zh[tz_weekday(day)],
		    mo, dd);
		int w = text(pen, NULL, 0, 0, buf, 22, 0, 0);
		text(pen, im, gx + d * colw + (colw - w) / 2, gy - 14, buf, 22, C_TEXT, colw);
	}
	/* Cells, one pixel row at a time: ROW_H rows per hour. */
	for (int d = 0; d < SCHED_PLAN_DAYS; d++) {
		int x = gx + d * colw;
		for (int yy = 0; yy < 24 * ROW_H; yy++) {
			int m = yy * 60 / ROW_H;
			const struct sched_plan_cell *c = &p->cells[d][m];
			fill(im, x + 1, gy + yy, colw - STRIP_W - 3, 1, cell_colour(&lg, c));
			if (c->state == SCHED_PLAY)
				fill(im, x + colw - STRIP_W - 1, gy + yy, STRIP_W, 1, bright_colour(c->brightness));
			else if (c->state == SCHED_BLANK && ((yy + x) / 6) % 2 == 0)
				fill(im, x + 1, gy + yy, colw - STRIP_W - 3, 1, 0xf3c6c6);
		}
	}
	/* Grid lines: every hour, heavier every six. */
	for (int h = 0; h <= 24; h++) {
		int y = gy + h * ROW_H;
		fill(im, gx, y, colw * SCHED_PLAN_DAYS, h % 6 == 0 ? 2 : 1, h % 6 == 0 ? 0x7a7a7a : C_GRID);
		if (h < 24) {
			snprintf(buf, sizeof buf, "%02d:00", h);
			text(pen, im, MARGIN, y + 20, buf, 18, 0x333333, 0);
		}
	}
	for (int d = 0; d <= SCHED_PLAN_DAYS; d++)
		fill(im, gx + d * colw, gy, 2, 24 * ROW_H + 1, 0x7a7a7a);
	/* Labels where each run starts. */
	for (int d = 0; d < SCHED_PLAN_DAYS; d++) {
		int m = 0;
		while (m < SCHED_PLAN_MIN) {
			int e = m + 1;
			while (e < SCHED_PLAN_MIN && same_run(&p->cells[d][m], &p->cells[d][e]))
				e++;
			const struct sched_plan_cell *c = &p->cells[d][m];
			int y0 = gy + m * ROW_H / 60, y1 = gy + e * ROW_H / 60;
			int size = 19;   /* about 9 pt at 150 dpi */
			if (y1 - y0 >= size + 2) {
				char from[6], to[6];
				uint32_t col = dark(cell_colour(&lg, c)) ? 0xffffff : C_TEXT;
				cell_label(p, c, buf, sizeof buf);
				text(pen, im, gx + d * colw + 6, y0 + size + 1, buf, size, col, colw - STRIP_W - 12);
				if (y1 - y0 >= 2 * size + 6) {
					sched_fmt_minute(m, from);
					sched_fmt_minute(e, to);
					char span[32];
					snprintf(span, sizeof span, "%s–%s", from, to);
					text(pen, im, gx + d * colw + 6, y0 + 2 * size + 5, span, 16,
					    dark(cell_colour(&lg, c)) ? 0xdddddd : 0x444444, colw - STRIP_W - 12);
				}
			}
			m = e;
		}
	}
	/* Legend. */
	const int *who = lg.who;
	int n = lg.n;
	int ly = gy + 24 * ROW_H + 40;
	text(pen, im, MARGIN, ly, "Legend", 22, C_TEXT, 0);
	text(pen, im, MARGIN + 110, ly, "right-hand strip: brightness (deeper amber = brighter); "
	    "hatched: on but nothing to show", 18, 0x444444, 0);
	ly += 12;
	int lcolw = (PW - 2 * MARGIN) / 2;
	for (int i = 0; i < n; i++) {
		int lx = MARGIN + (i % 2) * lcolw, y = ly + (i / 2) * 30;
		struct sched_plan_cell c = { .who = (int16_t)who[i], .state = SCHED_PLAY };
		int dims = who[i] >= 0 && p->cfg->rules[who[i]].kind == LS_RULE_PLAY &&
		    !p->cfg->rules[who[i]].playlist && !p->cfg->rules[who[i]].layout;
		if (who[i] == SCHED_PLAN_BLANK)
			c.state = SCHED_BLANK;
		else if (who[i] >= 0 && p->cfg->rules[who[i]].kind == LS_RULE_OFF)
			c.state = SCHED_OFF;
		else if (who[i] >= 0 && p->cfg->rules[who[i]].kind == LS_RULE_POWER_OFF)
			c.state = SCHED_POWER_OFF;
		fill(im, lx, y + 6, 22, 22, 0x7a7a7a);
		fill(im, lx + 1, y + 7, 20, 20, dims ? bright_colour(p->cfg->rules[who[i]].brightness)
		    : who[i] == SCHED_PLAN_BLANK ? 0xf3c6c6 : cell_colour(&lg, &c));
		rule_summary(p, who[i], buf, sizeof buf);
		text(pen, im, lx + 32, y + 24, buf, 18, C_TEXT, lcolw - 40);
	}
}

static int
panel_height(const struct sched_plan *p)
{
	int who[64];
	int n = legend_entries(p, who, 64);
	int h = GRID_Y + 24 * ROW_H + 40 + 12 + ((n + 1) / 2) * 30 + 50;
	return h < PH_MIN ? PH_MIN : h;
}

/* Encode im as an RGB PNG to fp; 0 or -1.  Kept apart so that nothing
 * setjmp could clobber lives in this frame. */
static int
write_png(FILE *fp, const struct img *im)
{
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
	png_set_IHDR(png, info, (png_uint_32)im->w, (png_uint_32)im->h, 8, PNG_COLOR_TYPE_RGB,
	    PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_set_pHYs(png, info, 5906, 5906, PNG_RESOLUTION_METER);   /* 150 dpi */
	/* Large flat areas: the "up" filter alone compresses them as well as
	 * libpng's adaptive choice, at a fraction of the time. */
	png_set_filter(png, 0, PNG_FILTER_UP);
	png_set_compression_level(png, 6);
	png_write_info(png, info);
	for (int y = 0; y < im->h; y++)
		png_write_row(png, im->px + (size_t)y * im->w * 3);
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	return 0;
}

int
sched_plan_png(const struct sched_plan *plans, size_t n, const char *zone, const char *path,
    char *err, size_t errlen)
{
	struct pen pen;
	struct img im = { 0 };
	FILE *fp = NULL;
	int rc = -1;

	if (n == 0) {
		snprintf(err, errlen, "no board to draw");
		return -1;
	}
	if (pen_open(&pen, err, errlen) < 0)
		return -1;
	im.w = PW;
	for (size_t i = 0; i < n; i++)
		im.h += panel_height(&plans[i]);
	im.px = malloc((size_t)im.w * im.h * 3);
	if (!im.px) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	memset(im.px, 0xff, (size_t)im.w * im.h * 3);
	int top = 0;
	for (size_t i = 0; i < n; i++) {
		draw_panel(&pen, &im, top, &plans[i], zone);
		top += panel_height(&plans[i]);
		if (i + 1 < n)   /* a dashed cut line between panels */
			for (int x = MARGIN; x < PW - MARGIN; x += 16)
				fill(&im, x, top - 1, 8, 1, 0xaaaaaa);
	}
	fp = fopen(path, "wb");
	if (!fp) {
		snprintf(err, errlen, "cannot write %s: %m", path);
		goto fail;
	}
	if (write_png(fp, &im) < 0) {
		snprintf(err, errlen, "cannot write %s: PNG encoding failed", path);
		goto fail;
	}
	if (fflush(fp) != 0 || ferror(fp)) {
		snprintf(err, errlen, "cannot write %s: %m", path);
		goto fail;
	}
	rc = 0;
fail:
	if (fp && fclose(fp) != 0 && rc == 0) {
		snprintf(err, errlen, "cannot write %s: %m", path);
		rc = -1;
	}
	free(im.px);
	pen_close(&pen);
	return rc;
}
