/* Unit tests for render/: text into every format, layout, fields, the raw PNG writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <png.h>

#include "render/render.h"
#include "render/render_int.h"

/* 2023-09-12 10:00 Asia/Shanghai (a Tuesday) */
#define NOW 1694484000.0

#include "render_fixture.h"

static struct ls_board
board(int w, int h, enum ls_format f)
{
	struct ls_board b = { .name = (char *)"b", .width = w, .height = h, .format = f, .color = 0xff0000 };
	return b;
}

static struct ls_content
item(const char *text)
{
	struct ls_content c = { .name = (char *)"t", .text = (char *)text, .color = 0xffffff,
		.align = LS_ALIGN_CENTER, .valign = LS_VALIGN_MIDDLE, .speed = 32, .flash_hz = 1 };
	return c;
}

/* Bounding box of lit LEDs; returns 0 when none. */
static int
ink(const struct render_canvas *c, int *x0, int *y0, int *x1, int *y1)
{
	int any = 0;

	*x0 = *y0 = 1 << 30;
	*x1 = *y1 = -1;
	for (int y = 0; y < c->height; y++)
		for (int x = 0; x < c->width; x++)
			if (render_canvas_get(c, x, y) != 0) {
				any = 1;
				if (x < *x0) *x0 = x;
				if (y < *y0) *y0 = y;
				if (x > *x1) *x1 = x;
				if (y > *y1) *y1 = y;
			}
	return any;
}

static struct render_canvas *
draw(const struct ls_content *c, int w, int h, enum ls_format f, double t)
{
	struct ls_board b = board(w, h, f);
	struct render_canvas *cv = render_canvas_new(w, h, f);
	char err[256] = "";
	int rc;

	assert_non_null(cv);
	rc = render_item(ctx, &b, c, NOW, t, cv, err, sizeof err);
	if (rc != 0)
		fail_msg("render_item: %s", err);
	return cv;
}

static void
test_text_every_format(void **state)
{
	static const enum ls_format fmts[] = { LS_FMT_MONO, LS_FMT_REDGREEN, LS_FMT_RGB565, LS_FMT_RGB888 };
	struct ls_content c = item("网络安全");

	(void)state;
	c.size = 16;
	for (size_t i = 0; i < 4; i++) {
		struct render_canvas *cv = draw(&c, 96, 16, fmts[i], 0);
		int x0, y0, x1, y1;
		assert_true(ink(cv, &x0, &y0, &x1, &y1));
		/* four 16 px ideographs, centred: 16 px of margin each side, give or take the side bearings */
		assert_in_range(x0, 14, 19);
		assert_in_range(95 - x1, 14, 19);
		assert_true(y0 >= 0 && y1 <= 15);
		render_canvas_free(cv);
	}
}

static void
test_mono_colour_visible(void **state)
{
	/* a red item on a mono board still lights LEDs (red's luma is below half) */
	struct ls_content c = item("安全");
	struct render_canvas *cv;
	int x0, y0, x1, y1;

	(void)state;
	c.color = 0xff0000;
	cv = draw(&c, 32, 16, LS_FMT_MONO, 0);
	assert_true(ink(cv, &x0, &y0, &x1, &y1));
	render_canvas_free(cv);
	cv = draw(&c, 32, 16, LS_FMT_REDGREEN, 0);
	assert_int_equal(render_canvas_get(cv, x0 + 1, 7) | 0xff0000, 0xff0000);
	render_canvas_free(cv);
}

static void
test_alignment(void **state)
{
	struct ls_content c = item("安全");
	struct render_canvas *l, *r;
	int lx0, ly0, lx1, ly1, rx0, ry0, rx1, ry1;

	(void)state;
	c.size = 12;
	c.align = LS_ALIGN_LEFT;
	c.valign = LS_VALIGN_TOP;
	l = draw(&c, 64, 32, LS_FMT_MONO, 0);
	c.align = LS_ALIGN_RIGHT;
	c.valign = LS_VALIGN_BOTTOM;
	r = draw(&c, 64, 32, LS_FMT_MONO, 0);
	assert_true(ink(l, &lx0, &ly0, &lx1, &ly1));
	assert_true(ink(r, &rx0, &ry0, &rx1, &ry1));
	assert_true(lx0 <= 2);
	assert_true(rx1 >= 61);
	assert_true(ly0 <= 3);
	assert_true(ry1 >= 28);
	/* the same glyphs, shifted */
	assert_int_equal(lx1 - lx0, rx1 - rx0);
	assert_int_equal(ly1 - ly0, ry1 - ry0);
	render_canvas_free(l);
	render_canvas_free(r);
}

static void
test_background(void **state)
{
	struct ls_content c = item("");
	struct render_canvas *cv;

	(void)state;
	c.background = 0x0000ff;
	cv = draw(&c, 5, 3, LS_FMT_RGB888, 0);
	for (int y = 0; y < 3; y++)
		for (int x = 0; x < 5; x++)
			assert_int_equal(render_canvas_get(cv, x, y), 0x0000ff);
	render_canvas_free(cv);
}

static void
test_png_write_raw(void **state)
{
	struct ls_content c = item("民");
	struct render_canvas *cv;
	char path[] = "/tmp/ledsign-render-XXXXXX", err[256];
	png_image img;
	uint8_t *buf;
	int fd;

	(void)state;
	c.color = 0xffff00;
	cv = draw(&c, 20, 16, LS_FMT_REDGREEN, 0);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(render_png_write_raw(cv, path, err, sizeof err), 0);
	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	assert_true(png_image_begin_read_from_file(&img, path));
	assert_int_equal(img.width, 20);
	assert_int_equal(img.height, 16);
	img.format = PNG_FORMAT_RGB;
	buf = malloc(PNG_IMAGE_SIZE(img));
	assert_true(png_image_finish_read(&img, NULL, buf, 0, NULL));
	for (int y = 0; y < 16; y++)
		for (int x = 0; x < 20; x++) {
			const uint8_t *p = buf + (y * 20 + x) * 3;
			assert_int_equal((ls_rgb)p[0] << 16 | p[1] << 8 | p[2], render_canvas_get(cv, x, y));
		}
	free(buf);
	unlink(path);
	assert_int_equal(render_png_write_raw(cv, "/nonexistent/dir/x.png", err, sizeof err), -1);
	assert_non_null(strstr(err, "/nonexistent/dir/x.png"));
	render_canvas_free(cv);
}

/* Code points of a laid-out line can't be seen directly; re-derive the lines
 * by running the breaker on text where each character has a distinct glyph
 * and checking, over many widths, that no line starts with a closing mark
 * or ends with an opening one. */
static void
test_line_break_rules(void **state)
{
	static const char *texts[] = {
		"网络安全，靠人民。“网络”（安全）《法》！？；：、好",
		"他说：“保护个人信息，从你我做起！”然后……走了。",
		"【通知】本周（9月11日—17日）为网络安全宣传周。",
		"Mixed 中文 and English, with (brackets) 和「引号」。",
	};
	struct render_font *f;
	char err[256];

	(void)state;
	f = render_font_get(ctx, NULL, err, sizeof err);
	assert_non_null(f);
	for (size_t ti = 0; ti < sizeof texts / sizeof texts[0]; ti++) {
		uint32_t *cps;
		size_t n = render_utf8_decode(texts[ti], &cps);
		for (int w = 40; w <= 200; w += 4) {
			struct render_layout *l = render_layout_text(ctx, f, texts[ti], 16, RENDER_AA_MONO,
			    RENDER_WRAP_WIDTH, w, 0);
			size_t k = 0;
			assert_non_null(l);
			/* map glyphs back to code points: every code point here is one
			 * glyph, except spaces at line ends, which are dropped */
			for (size_t li = 0; li < l->nlines; li++) {
				const struct render_line *ln = &l->lines[li];
				while (k < n && cps[k] == ' ')
					k++;
				if (ln->n == 0)
					continue;
				uint32_t first = cps[k], last;
				k += ln->n;
				last = cps[k - 1];
				if (!l->forced) {
					if (li > 0 && render_no_start(first))
						fail_msg("\"%s\" at %d px: line %zu starts with U+%04X", texts[ti], w, li, first);
					if (li + 1 < l->nlines && render_no_end(last))
						fail_msg("\"%s\" at %d px: line %zu ends with U+%04X", texts[ti], w, li, last);
				}
				assert_true(ln->width <= w || ln->n == 1 || l->forced);
			}
		}
		free(cps);
	}
}

static void
test_break_rules_table(void **state)
{
	(void)state;
	/* the rules of the issue, both ways round */
	static const uint32_t no_start[] = { 0xff0c, 0x3002, 0xff01, 0xff1f, 0xff1b, 0xff1a, 0x3001, 0xff09, 0x300b, 0x300d, 0x300f, ',', '.' };
	static const uint32_t no_end[] = { 0xff08, 0x300a, 0x300c, 0x300e, '(' };
	for (size_t i = 0; i < sizeof no_start / sizeof no_start[0]; i++) {
		assert_true(render_no_start(no_start[i]));
		assert_false(render_break_ok(0x5b89, no_start[i]));
	}
	for (size_t i = 0; i < sizeof no_end / sizeof no_end[0]; i++) {
		assert_true(render_no_end(no_end[i]));
		assert_false(render_break_ok(no_end[i], 0x5b89));
	}
	assert_true(render_break_ok(0x5b89, 0x5168));   /* 安|全 */
	assert_false(render_break_ok('a', 'b'));         /* inside a word */
	assert_true(render_break_ok(' ', 'b'));
	assert_true(render_break_ok('a', 0x5b89));       /* Latin|CJK */
}

static const struct render_glyph *
first_glyph(int size, enum render_aa aa, const char *font)
{
	char err[256];
	struct render_font *f = render_font_get(ctx, font, err, sizeof err);
	struct render_layout *l;

	assert_non_null(f);
	l = render_layout_text(ctx, f, "安", size, aa, RENDER_WRAP_NONE, 0, 0);
	assert_non_null(l);
	assert_int_equal(l->ng, 1);
	return render_layout_glyph(ctx, l, 0);
}

static void
test_strike_or_outline(void **state)
{
	(void)state;
	/* WenQuanYi Zen Hei: 12-16 px come from the Sharp face's bitmap strikes */
	for (int px = 12; px <= 16; px++) {
		assert_int_equal(first_glyph(px, RENDER_AA_MONO, NULL)->src, RENDER_SRC_STRIKE);
		assert_int_equal(first_glyph(px, RENDER_AA_GREY, NULL)->src, RENDER_SRC_STRIKE);
	}
	assert_int_equal(first_glyph(11, RENDER_AA_MONO, NULL)->src, RENDER_SRC_MONO_OUTLINE);
	assert_int_equal(first_glyph(17, RENDER_AA_MONO, NULL)->src, RENDER_SRC_MONO_OUTLINE);
	assert_int_equal(first_glyph(32, RENDER_AA_MONO, NULL)->src, RENDER_SRC_MONO_OUTLINE);
	assert_int_equal(first_glyph(17, RENDER_AA_GREY, NULL)->src, RENDER_SRC_GREY_OUTLINE);
	/* a font without strikes never gets them */
	assert_int_equal(first_glyph(16, RENDER_AA_MONO, "Noto Sans CJK SC")->src, RENDER_SRC_MONO_OUTLINE);
	assert_int_equal(first_glyph(16, RENDER_AA_GREY, "Noto Sans CJK SC")->src, RENDER_SRC_GREY_OUTLINE);
	/* mono glyphs are hard-edged; grey ones have intermediate coverage */
	{
		const struct render_glyph *g = first_glyph(24, RENDER_AA_MONO, NULL);
		int grey = 0, lit = 0;
		/* kept as bits, nothing else (an eighth of the memory) */
		assert_null(g->cov);
		assert_non_null(g->bits);
		for (int y = 0; y < g->h; y++)
			for (int x = 0; x < g->w; x++)
				lit += g->bits[y * ((g->w + 7) / 8) + x / 8] >> (7 - x % 8) & 1;
		assert_true(lit > 10 && lit < g->w * g->h);
		g = first_glyph(24, RENDER_AA_GREY, NULL);
		assert_null(g->bits);
		grey = 0;
		for (int i = 0; i < g->w * g->h; i++)
			grey += g->cov[i] != 0 && g->cov[i] != 255;
		assert_true(grey > 10);
	}
}

static void
test_fallback_and_missing(void **state)
{
	char err[256];
	struct render_font *f = render_font_get(ctx, NULL, err, sizeof err);
	struct render_layout *l;
	struct ls_config c2 = cfg;
	struct ls_content items[2];
	struct ls_diag d = { 0 };

	(void)state;
	/* Devanagari is not in WenQuanYi: a later font of the chain draws it */
	assert_true(render_font_pick(ctx, f, 0x5b89) == 0);
	assert_true(render_font_pick(ctx, f, 0x0915) > 0);
	l = render_layout_text(ctx, f, "安全 क", 16, RENDER_AA_MONO, RENDER_WRAP_NONE, 0, 0);
	assert_int_equal(l->missing, 0);
	/* a private-use plane character is in no font */
	l = render_layout_text(ctx, f, "安\xf4\x8f\xbf\xbd", 16, RENDER_AA_MONO, RENDER_WRAP_NONE, 0, 0);
	assert_int_equal(l->missing, 1);
	/* and check warns about it, with the item's line */
	items[0] = item("网络安全 क");
	items[0].line = 7;
	items[1] = item("坏\xf4\x8f\xbf\xbd");
	items[1].name = (char *)"bad";
	items[1].line = 9;
	c2.path = (char *)"x.cfg";
	c2.content = items;
	c2.ncontent = 2;
	assert_int_equal(render_check_glyphs(ctx, &c2, &d), 1);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.v[0].line, 9);
	assert_int_equal(d.v[0].level, LS_DIAG_WARNING);
	assert_non_null(strstr(d.v[0].text, "U+10FFFD"));
	ls_diag_clear(&d);
	/* a mistyped field warns; an impossible countdown date is an error */
	items[0] = item("{tme} {time}");
	items[0].line = 3;
	items[1] = item("{countdown:2023-13-01}");
	items[1].line = 4;
	assert_int_equal(render_check_glyphs(ctx, &c2, &d), 0);
	assert_int_equal(d.n, 2);
	assert_int_equal(d.v[0].line, 3);
	assert_non_null(strstr(d.v[0].text, "{tme}"));
	assert_int_equal(d.v[1].line, 4);
	assert_int_equal(d.v[1].level, LS_DIAG_ERROR);
	ls_diag_clear(&d);
}

/* Effects are pure functions of t. */
/* A mono board draws hard-edged glyphs from their bits (a shift and an OR
 * per byte); a red-green board from their coverage, pixel by pixel.  Both
 * must light the same LEDs, at every scroll position (every bit phase, the
 * text entering and leaving at both edges, cut at the top and bottom), and
 * dark text on a lit mono board must be exactly the complement. */
static void
test_mono_bits_match_coverage(void **state)
{
	static const int sizes[] = { 16, 13, 20 };   /* strike, strike, mono outline */
	struct ls_content c = item("网络安全为人民,网络安全靠人民");

	(void)state;
	c.effect = LS_FX_SCROLL_LEFT;
	c.speed = 32;
	for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
		c.size = sizes[si];
		for (int k = 0; k < 61 + 15 * sizes[si]; k += 3) {
			double t = k / 32.0;
			struct render_canvas *m, *rg, *inv;
			long lit = 0;

			c.color = 0xffffff;
			c.background = 0;
			m = draw(&c, 61, 13, LS_FMT_MONO, t);
			rg = draw(&c, 61, 13, LS_FMT_REDGREEN, t);
			c.color = 0;
			c.background = 0xffffff;
			inv = draw(&c, 61, 13, LS_FMT_MONO, t);
			for (int y = 0; y < 13; y++)
				for (int x = 0; x < 61; x++) {
					int on = render_canvas_get(m, x, y) != 0;
					if (on != (render_canvas_get(rg, x, y) != 0) ||
					    on == (render_canvas_get(inv, x, y) != 0))
						fail_msg("size %d, t %g: LED %d,%d differs", c.size, t, x, y);
					lit += on;
				}
			/* the padding bits of each row stay 0 */
			for (int y = 0; y < 13; y++) {
				assert_int_equal(m->data[(size_t)y * m->stride + m->stride - 1] & 0x07, 0);
				assert_int_equal(inv->data[(size_t)y * inv->stride + inv->stride - 1] & 0x07, 0);
			}
			if (k > 0 && k < 61)
				assert_true(lit > 0);
			render_canvas_free(m);
			render_canvas_free(rg);
			render_canvas_free(inv);
		}
	}
}

static void
test_scroll_is_function_of_t(void **state)
{
	struct ls_content c = item("网络安全为人民,网络安全靠人民");
	struct render_canvas *a, *b, *a2;

	(void)state;
	c.effect = LS_FX_SCROLL_LEFT;
	c.speed = 32;
	a = draw(&c, 64, 16, LS_FMT_MONO, 0.5);
	b = draw(&c, 64, 16, LS_FMT_MONO, 0.75);   /* 8 px further */
	a2 = draw(&c, 64, 16, LS_FMT_MONO, 0.5);
	assert_true(render_canvas_equal(a, a2));
	for (int y = 0; y < 16; y++)
		for (int x = 0; x < 56; x++)
			assert_int_equal(render_canvas_get(b, x, y), render_canvas_get(a, x + 8, y));
	/* sub-second: 1/32 s moves one LED */
	render_canvas_free(b);
	b = draw(&c, 64, 16, LS_FMT_MONO, 0.5 + 1.0 / 32);
	for (int y = 0; y < 16; y++)
		for (int x = 0; x < 63; x++)
			assert_int_equal(render_canvas_get(b, x, y), render_canvas_get(a, x + 1, y));
	render_canvas_free(a);
	render_canvas_free(b);
	render_canvas_free(a2);

	c.effect = LS_FX_SCROLL_UP;
	c.size = 16;
	a = draw(&c, 64, 32, LS_FMT_MONO, 0.25);
	b = draw(&c, 64, 32, LS_FMT_MONO, 0.5);     /* 8 px further up */
	for (int y = 0; y < 24; y++)
		for (int x = 0; x < 64; x++)
			assert_int_equal(render_canvas_get(b, x, y), render_canvas_get(a, x, y + 8));
	render_canvas_free(a);
	render_canvas_free(b);

	c.effect = LS_FX_FLASH;
	c.flash_hz = 2;
	a = draw(&c, 64, 16, LS_FMT_MONO, 0.1);
	b = draw(&c, 64, 16, LS_FMT_MONO, 0.3);
	assert_true(render_canvas_lit(a));
	assert_false(render_canvas_lit(b));
	render_canvas_free(a);
	render_canvas_free(b);
}

static void
test_fields(void **state)
{
	char err[256];
	char *s;
	struct tm tm;

	(void)state;
	s = render_fields_expand(ctx, "{date} {time} {weekday} {countdown:2023-09-17} {unknown} {countdown:2023-09-01}",
	    NOW, err, sizeof err);
	assert_non_null(s);
	assert_string_equal(s, "2023-09-12 10:00 星期二 5 {unknown} 0");
	free(s);
	assert_null(render_fields_expand(ctx, "{countdown:2023-02-30}", NOW, err, sizeof err));
	assert_non_null(strstr(err, "2023-02-30"));
	/* local time in the config's zone, without touching TZ */
	assert_int_equal(render_localtime(ctx, 1694484000, &tm, err, sizeof err), 0);
	assert_int_equal(tm.tm_hour, 10);
	assert_int_equal(tm.tm_wday, 2);
	/* 16:30 UTC on 2023-09-11 is already the 12th in Shanghai */
	assert_int_equal(render_localtime(ctx, 1694449800, &tm, err, sizeof err), 0);
	assert_int_equal(tm.tm_mday, 12);
	assert_int_equal(tm.tm_hour, 0);
	assert_int_equal(tm.tm_min, 30);
}

static void
test_timezone_rules(void **state)
{
	/* a zone with daylight saving, read from its TZif file, across years past its transitions table */
	struct ls_config c2 = { .timezone = (char *)"Europe/Berlin" };
	struct ls_config c3 = { .timezone = (char *)"No/Such_Zone" };
	struct ls_diag d = { 0 };
	struct render_ctx *x = render_ctx_new(&c2, &d), *y = render_ctx_new(&c3, &d);
	struct tm tm;
	char err[256];

	(void)state;
	assert_non_null(x);
	/* 2023-07-01 12:00 UTC = 14:00 CEST; 2023-12-01 12:00 UTC = 13:00 CET */
	assert_int_equal(render_localtime(x, 1688212800, &tm, err, sizeof err), 0);
	assert_int_equal(tm.tm_hour, 14);
	assert_int_equal(render_localtime(x, 1701432000, &tm, err, sizeof err), 0);
	assert_int_equal(tm.tm_hour, 13);
	/* 2100-07-01 12:00 UTC: beyond any table, from the POSIX rule */
	assert_int_equal(render_localtime(x, 4118040000LL, &tm, err, sizeof err), 0);
	assert_int_equal(tm.tm_hour, 14);
	assert_int_equal(render_localtime(y, 0, &tm, err, sizeof err), -1);
	assert_non_null(strstr(err, "No/Such_Zone"));
	render_ctx_free(x);
	render_ctx_free(y);
	ls_diag_clear(&d);
}

/* `fonts` entries map a name to a family or to a file relative to the config. */
static void
test_font_entries(void **state)
{
	struct ls_font fonts[2] = {
		{ .name = (char *)"body", .family = (char *)"Noto Sans CJK SC" },
		{ .name = (char *)"uni", .file = (char *)"unifont/unifont.otf" },
	};
	struct ls_config c2 = { .path = (char *)"/usr/share/fonts/opentype/campaign.cfg",
		.timezone = (char *)"Asia/Shanghai", .fonts = fonts, .nfonts = 2 };
	struct ls_diag d = { 0 };
	struct render_ctx *x = render_ctx_new(&c2, &d);
	struct render_font *f;
	char err[256];

	(void)state;
	assert_non_null(x);
	f = render_font_get(x, "body", err, sizeof err);
	assert_non_null(f);
	assert_non_null(strstr(f->v[0].file, "NotoSansCJK"));
	assert_true(f->primary_found);
	f = render_font_get(x, "uni", err, sizeof err);
	assert_non_null(f);
	assert_string_equal(f->v[0].file, "/usr/share/fonts/opentype/unifont/unifont.otf");
	assert_true(f->n > 1);                      /* with Chinese fallbacks behind it */
	assert_null(render_font_get(x, "/no/such/font.ttf", err, sizeof err));
	assert_non_null(strstr(err, "/no/such/font.ttf"));
	f = render_font_get(x, "No Such Family", err, sizeof err);
	assert_non_null(f);                         /* fontconfig substitutes... */
	assert_false(f->primary_found);             /* ...and says so */
	render_ctx_free(x);
	ls_diag_clear(&d);

	/* a font file that became a FIFO after the check is refused, not
	 * opened and waited on (the alarm ends the test if it blocks) */
	char dir[] = "/tmp/ledsign-fontfifo-XXXXXX", fifo[64];
	assert_non_null(mkdtemp(dir));
	snprintf(fifo, sizeof fifo, "%s/font.ttf", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	x = render_ctx_new(&c2, &d);
	assert_non_null(x);
	alarm(10);
	assert_null(render_font_get(x, fifo, err, sizeof err));
	alarm(0);
	assert_non_null(strstr(err, fifo));
	render_ctx_free(x);
	ls_diag_clear(&d);
	unlink(fifo);
	rmdir(dir);
}

static void
test_preview_dots(void **state)
{
	struct ls_content c = item("安");
	struct ls_board b = board(16, 16, LS_FMT_MONO);
	struct render_canvas *cv;
	uint8_t *img;
	int w, h, pitch, lit = 0, dark = 0;

	(void)state;
	c.size = 16;
	cv = draw(&c, 16, 16, LS_FMT_MONO, 0);
	pitch = render_preview_pitch(cv);
	assert_int_equal(pitch, 12);
	img = render_preview_dots(cv, &b, 0, &w, &h);
	assert_non_null(img);
	assert_int_equal(w, 16 * pitch);
	assert_int_equal(h, 16 * pitch);
	/* the centre of each LED is the board's colour when lit, dim grey when not;
	 * the corners between LEDs are the dark panel */
	for (int y = 0; y < 16; y++)
		for (int x = 0; x < 16; x++) {
			const uint8_t *p = img + (((size_t)y * pitch + pitch / 2) * w + (size_t)x * pitch + pitch / 2) * 3;
			const uint8_t *q = img + (((size_t)y * pitch) * w + (size_t)x * pitch) * 3;
			if (render_canvas_get(cv, x, y)) {
				assert_true(p[0] == 0xff && p[1] == 0 && p[2] == 0);
				lit++;
			} else {
				assert_true(p[0] == p[1] && p[1] == p[2] && p[0] > q[0]);
				dark++;
			}
			assert_true(q[0] < 0x20);
		}
	assert_true(lit > 20 && dark > 20);
	free(img);
	render_canvas_free(cv);
}


/* CPU seconds of one wrapped layout of `bytes` of text (a fresh width each
 * call, so the layout cache cannot answer). */
static double
layout_cpu(struct render_font *f, size_t bytes, int width)
{
	static const char unit[] = "网络安全 safe ";   /* 17 bytes */
	char *text = malloc(bytes + sizeof unit);
	struct timespec a, b;
	size_t n = 0;

	while (n < bytes) {
		memcpy(text + n, unit, sizeof unit - 1);
		n += sizeof unit - 1;
	}
	text[n] = '\0';
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
	struct render_layout *l = render_layout_text(ctx, f, text, 16, RENDER_AA_MONO, RENDER_WRAP_WIDTH, width, 0);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
	assert_non_null(l);
	assert_true(l->nlines > bytes / 64);
	free(text);
	return (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
}

/* Layout is linear in the text: four times the text, about four times the
 * work (it was quadratic: each line scanned every glyph of the paragraph,
 * 32 KiB took 0.5 s and 128 KiB 5.6 s).  CPU time, best of three, so a busy
 * machine does not count; quadratic gives 16, linear 4, the bound is 8. */
static void
test_layout_linear(void **state)
{
	struct render_font *f;
	char err[256];
	double small = 1e9, large = 1e9;

	(void)state;
	f = render_font_get(ctx, NULL, err, sizeof err);
	assert_non_null(f);
	layout_cpu(f, 4096, 63);           /* glyphs rasterised once, outside the timing */
	for (int i = 0; i < 3; i++) {
		double t = layout_cpu(f, 16384, 64 + i);
		if (t < small)
			small = t;
		t = layout_cpu(f, 65536, 64 + i);
		if (t < large)
			large = t;
	}
	if (large > 8 * small + 0.002)
		fail_msg("layout of 64 KiB took %.4f s, of 16 KiB %.4f s: ratio %.1f, not linear",
		    large, small, large / small);
}

/* Issue 20, render once: the second board of the same size and format at
 * the same times gets the first one's pixels without a render; another
 * size, another time or another text (even in the same struct, as a
 * rebuilt alert look is) is drawn afresh, and every copy equals a render. */
static void
test_render_shared(void **state)
{
	struct ls_content c = item("网络安全为人民,网络安全靠人民");
	struct ls_board b = board(64, 16, LS_FMT_MONO), b2 = board(96, 16, LS_FMT_MONO);
	struct render_canvas *x = render_canvas_new(64, 16, LS_FMT_MONO), *y = render_canvas_new(64, 16, LS_FMT_MONO);
	struct render_canvas *z = render_canvas_new(96, 16, LS_FMT_MONO), *ref;
	struct render_share_stats s0, s1;
	char err[256];

	(void)state;
	c.effect = LS_FX_SCROLL_LEFT;
	render_share_stats(ctx, &s0);
	assert_int_equal(render_item_shared(ctx, &b, &c, NOW, 1.0, x, err, sizeof err), 0);
	assert_int_equal(render_item_shared(ctx, &b, &c, NOW, 1.0, y, err, sizeof err), 0);
	render_share_stats(ctx, &s1);
	assert_int_equal(s1.renders - s0.renders, 1);
	assert_int_equal(s1.hits - s0.hits, 1);
	ref = draw(&c, 64, 16, LS_FMT_MONO, 1.0);
	assert_true(render_canvas_equal(x, ref));
	assert_true(render_canvas_equal(y, ref));
	render_canvas_free(ref);
	/* another size; another time */
	assert_int_equal(render_item_shared(ctx, &b2, &c, NOW, 1.0, z, err, sizeof err), 0);
	assert_int_equal(render_item_shared(ctx, &b, &c, NOW, 1.25, y, err, sizeof err), 0);
	render_share_stats(ctx, &s0);
	assert_int_equal(s0.renders - s1.renders, 2);
	ref = draw(&c, 64, 16, LS_FMT_MONO, 1.25);
	assert_true(render_canvas_equal(y, ref));
	render_canvas_free(ref);
	/* the same struct with another text */
	c.text = (char *)"网络安全靠人民";
	assert_int_equal(render_item_shared(ctx, &b, &c, NOW, 1.0, y, err, sizeof err), 0);
	render_share_stats(ctx, &s1);
	assert_int_equal(s1.renders - s0.renders, 1);
	ref = draw(&c, 64, 16, LS_FMT_MONO, 1.0);
	assert_true(render_canvas_equal(y, ref));
	assert_false(render_canvas_equal(x, y));
	render_canvas_free(ref);
	/* an equal item elsewhere (an alert look of another board) shares */
	{
		char text[64];
		struct ls_content c2 = c;

		snprintf(text, sizeof text, "%s", c.text);
		c2.text = text;
		c2.name = (char *)"alert:x";
		assert_int_equal(render_item_shared(ctx, &b, &c2, NOW, 1.0, x, err, sizeof err), 0);
		render_share_stats(ctx, &s0);
		assert_int_equal(s0.renders, s1.renders);
		assert_true(render_canvas_equal(x, y));
	}
	render_canvas_free(x);
	render_canvas_free(y);
	render_canvas_free(z);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_every_format),
		cmocka_unit_test(test_mono_colour_visible),
		cmocka_unit_test(test_alignment),
		cmocka_unit_test(test_background),
		cmocka_unit_test(test_png_write_raw),
		cmocka_unit_test(test_line_break_rules),
		cmocka_unit_test(test_break_rules_table),
		cmocka_unit_test(test_strike_or_outline),
		cmocka_unit_test(test_fallback_and_missing),
		cmocka_unit_test(test_scroll_is_function_of_t),
		cmocka_unit_test(test_mono_bits_match_coverage),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_timezone_rules),
		cmocka_unit_test(test_preview_dots),
		cmocka_unit_test(test_font_entries),
		cmocka_unit_test(test_layout_linear),
		cmocka_unit_test(test_render_shared),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
