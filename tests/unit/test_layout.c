/*
 * Screen areas (layouts): the config's checks with their lines, the
 * schedule's per-area positions, bit-exact composition in every pixel
 * format, and golden images of a three-area layout (clock strip, scrolling
 * slogan, poster) in mono, red-green, RGB565 and RGB888.
 *
 * To accept new goldens after a deliberate change, look at the images and
 * run:  UPDATE_GOLDEN=1 build/tests/test_layout
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <png.h>

#include "config/config.h"
#include "render/render.h"
#include "schedule/schedule.h"

#define GOLDEN "tests/golden/render/"
#define NOW 1694484000.0       /* 2023-09-12 10:00 Asia/Shanghai, a Tuesday */

#define CONFIG_FIXTURE_TMP "/tmp/ledsign-layout-XXXXXX"
#include "config_fixture.h"
#include "golden.h"

static int
has(const struct ls_diag *d, enum ls_diag_level lv, int line, const char *needle)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].level == lv && d->v[i].line == line && strstr(d->v[i].text, needle))
			return 1;
	return 0;
}

static void
dump(const struct ls_diag *d)
{
	for (size_t i = 0; i < d->n; i++)
		print_message("  %d: %s\n", d->v[i].line, d->v[i].text);
}

/* The three-area layout of the goldens, on four 128x32 boards, one per
 * format; the poster path is filled in (it is relative to the checkout). */
static const char three_cfg[] =
    "timezone = \"Asia/Shanghai\";\n"                                                          /* 1 */
    "boards = (\n"                                                                             /* 2 */
    "  { name = \"m\"; width = 128; height = 32; format = \"mono\"; address = \"tcp:127.0.0.1:1\"; },\n"
    "  { name = \"rg\"; width = 128; height = 32; format = \"red-green\"; address = \"tcp:127.0.0.1:1\"; },\n"
    "  { name = \"c565\"; width = 128; height = 32; format = \"rgb565\"; address = \"tcp:127.0.0.1:1\"; },\n"
    "  { name = \"c888\"; width = 128; height = 32; format = \"rgb888\"; address = \"tcp:127.0.0.1:1\"; },\n"
    "  { name = \"small\"; width = 64; height = 16; format = \"mono\"; address = \"tcp:127.0.0.1:1\"; }\n"
    ");\n"                                                                                     /* 8 */
    "content = (\n"                                                                            /* 9 */
    "  { name = \"clock\"; text = \"{date} {time}\"; color = \"green\"; duration = 60.0; },\n"   /* 10 */
    "  { name = \"slogan\"; text = \"网络安全为人民,网络安全靠人民\"; effect = \"scroll-left\"; speed = 32.0; color = \"yellow\"; background = \"#000040\"; duration = 20.0; },\n"
    "  { name = \"share\"; text = \"共享网络文明\"; color = \"red\"; duration = 5.0; },\n"      /* 12 */
    "  { name = \"poster\"; image = \"%s\"; fit = \"fill\"; duration = 30.0; },\n"               /* 13 */
    "  { name = \"lunch\"; text = \"午餐\"; duration = 10.0; }\n"                               /* 14 */
    ");\n"
    "playlists = (\n"
    "  { name = \"clock\"; items = [\"clock\"]; },\n"                                           /* 17 */
    "  { name = \"slogans\"; items = [\"slogan\", \"share\"]; },\n"                              /* 18 */
    "  { name = \"posters\"; items = ( \"poster\", { item = \"lunch\"; hours = \"11:30-12:30\"; } ); },\n"
    "  { name = \"noon\"; items = ( { item = \"lunch\"; hours = \"11:30-12:30\"; } ); },\n"     /* 20 */
    "  { name = \"plain\"; items = [\"share\"]; }\n"                                            /* 21 */
    ");\n"
    "layouts = (\n"                                                                            /* 23 */
    "  { name = \"three\"; width = 128; height = 32;\n"                                         /* 24 */
    "    areas = (\n"                                                                          /* 25 */
    "      { name = \"clock\"; x = 0; y = 0; width = 128; height = 12; playlist = \"clock\"; },\n"   /* 26 */
    "      { name = \"slogan\"; x = 0; y = 12; width = 80; height = 20; playlist = \"slogans\"; },\n" /* 27 */
    "      { name = \"poster\"; x = 80; y = 12; width = 48; height = 20; playlist = \"posters\"; },\n" /* 28 */
    "      { name = \"noon\"; x = 0; y = 0; width = 1; height = 1; playlist = \"noon\"; }\n"      /* 29 */
    "    ); }\n"
    ");\n"
    "schedule = (\n"                                                                           /* 32 */
    "  { name = \"split\"; layout = \"three\"; boards = [\"m\", \"rg\", \"c565\", \"c888\"]; hours = \"09:00-17:00\"; },\n" /* 33 */
    "  { name = \"plain\"; playlist = \"plain\"; boards = [\"all\"]; priority = -1; }\n"         /* 34 */
    ");\n";

static struct ls_config *
load_three(struct ls_diag *d)
{
	char cwd[512], poster[700], *text;
	struct ls_config *c;

	assert_non_null(getcwd(cwd, sizeof cwd));
	snprintf(poster, sizeof poster, "%s/" GOLDEN "poster.png", cwd);
	assert_true(asprintf(&text, three_cfg, poster) > 0);
	c = load_text(text, d);
	free(text);
	if (c == NULL)
		dump(d);
	return c;
}

/* ---- config ---- */

static void
test_config_layout(void **state)
{
	struct ls_diag d = { 0 };
	struct ls_config *c = load_three(&d);

	(void)state;
	assert_non_null(c);
	assert_int_equal(c->nlayouts, 1);
	const struct ls_layout *lo = ls_config_layout(c, "three");
	assert_non_null(lo);
	assert_int_equal(lo->nareas, 4);
	assert_string_equal(lo->areas[1].name, "slogan");
	assert_int_equal(lo->areas[2].x, 80);
	assert_int_equal(lo->areas[2].line, 28);
	assert_string_equal(c->rules[0].layout, "three");
	/* the 1x1 "noon" area sits over the clock strip: a warning at its line */
	assert_true(has(&d, LS_DIAG_WARNING, 29, "areas \"clock\" (line 26) and \"noon\" overlap in 1x1 LEDs at 0,0"));
	unlink(path);
	ls_diag_clear(&d);
	ls_config_free(c);
}

#define B64 "boards = ( { name = \"b\"; width = 64; height = 16; format = \"mono\"; address = \"tcp:127.0.0.1:1\"; groups = [\"g\"]; },\n" \
            "  { name = \"w\"; width = 96; height = 16; format = \"mono\"; address = \"tcp:127.0.0.1:1\"; groups = [\"g\"]; } );\n" \
            "content = ( { name = \"x\"; text = \"安全\"; } );\n" \
            "playlists = ( { name = \"p\"; items = [\"x\"]; } );\n"

static void
test_config_errors(void **state)
{
	struct ls_diag d = { 0 };
	struct ls_config *c;

	(void)state;
	c = load_text(B64
	    "layouts = ( { name = \"l\"; width = 64; height = 16; areas = (\n"          /* 5 */
	    "  { x = 0; y = 0; width = 40; height = 16; playlist = \"p\"; },\n"         /* 6 */
	    "  { name = \"r\"; x = 40; y = 0; width = 30; height = 16; playlist = \"p\"; },\n"  /* 7: 6 past the right */
	    "  { name = \"b\"; x = 0; y = 8; width = 8; height = 9; playlist = \"p\"; },\n"     /* 8: 1 past the bottom */
	    "  { name = \"q\"; x = 0; y = 0; width = 8; height = 8; playlist = \"nope\"; },\n"  /* 9 */
	    "  { name = \"z\"; x = 0; y = 0; wdth = 8; height = 8; playlist = \"p\"; }\n"       /* 10 */
	    "); } );\n"
	    "schedule = ( { layout = \"l\"; boards = [\"g\"]; },\n"                     /* 12 */
	    "  { layout = \"none\"; boards = [\"b\"]; },\n"                              /* 13 */
	    "  { layout = \"l\"; playlist = \"p\"; boards = [\"b\"]; },\n"               /* 14 */
	    "  { kind = \"off\"; layout = \"l\"; boards = [\"b\"]; } );\n", &d);         /* 15 */
	assert_null(c);
	if (!has(&d, LS_DIAG_ERROR, 7, "area \"r\" (30x16 at 40,0) leaves the 64x16 layout by 6 LEDs at the right; make it smaller or move it left"))
		dump(&d), fail();
	assert_true(has(&d, LS_DIAG_ERROR, 8, "leaves the 64x16 layout by 1 LED at the bottom; make it smaller or move it up"));
	assert_true(has(&d, LS_DIAG_ERROR, 9, "layout \"l\" area \"q\": playlist \"nope\" does not exist"));
	assert_true(has(&d, LS_DIAG_ERROR, 10, "unknown setting \"wdth\"; did you mean \"width\"?"));
	assert_true(has(&d, LS_DIAG_ERROR, 12, "layout \"l\" is for 64x16 boards but board \"w\" is 96x16"));
	assert_false(has(&d, LS_DIAG_ERROR, 12, "board \"b\""));
	assert_true(has(&d, LS_DIAG_ERROR, 13, "layout \"none\" does not exist"));
	assert_true(has(&d, LS_DIAG_ERROR, 14, "give \"playlist\" or \"layout\", not both"));
	assert_true(has(&d, LS_DIAG_ERROR, 15, "shows nothing; remove \"layout\""));
	/* the first area got a name to be reported by */
	assert_true(has(&d, LS_DIAG_WARNING, 8, "areas \"area#1\" (line 6) and \"b\" overlap"));
	unlink(path);
	ls_diag_clear(&d);

	c = load_text(B64 "layouts = ( { name = \"l\"; width = 64; height = 16; areas = ( ); } );\n", &d);
	assert_null(c);
	assert_true(has(&d, LS_DIAG_ERROR, 5, "areas has 0 entries; a layout has 1 to 16 areas"));
	unlink(path);
	ls_diag_clear(&d);
}

/* ---- schedule ---- */

static void
test_schedule_areas(void **state)
{
	struct ls_diag d = { 0 };
	struct ls_config *c = load_three(&d);
	struct sched *s;
	struct sched_result r;
	char err[256];
	double nine = NOW - 3600;   /* 09:00, when the rule's window opens */

	(void)state;
	assert_non_null(c);
	assert_non_null(s = sched_new(c, err, sizeof err));
	/* 10:00 on a 128x32 board: the layout, each area on its own cycle from 09:00 */
	sched_at(s, ls_config_board(c, "c888"), NOW, &r);
	assert_int_equal(r.slot.state, SCHED_PLAY);
	assert_ptr_equal(r.layout, ls_config_layout(c, "three"));
	assert_ptr_equal(r.slot.layout, r.layout);
	assert_null(r.content);
	assert_null(r.playlist);
	assert_string_equal(r.rule->name, "split");
	assert_int_equal(r.nareas, 4);
	/* clock: one 60 s item, so it started at 10:00 sharp */
	assert_string_equal(r.areas[0].content->name, "clock");
	assert_true(r.areas[0].item_start == NOW);
	/* slogans: 25 s cycle; 3600 s = 144 cycles, so the slogan starts at 10:00 */
	assert_string_equal(r.areas[1].content->name, "slogan");
	assert_true(r.areas[1].item_start == NOW);
	/* posters: only the poster outside 11:30-12:30: 30 s cycle */
	assert_string_equal(r.areas[2].content->name, "poster");
	/* noon: nothing before 11:30, so the area is dark */
	assert_int_equal(r.areas[3].entry, -1);
	assert_null(r.areas[3].content);
	/* the next change is the first item change among the areas: the slogan at +20 s */
	assert_true(r.next_change == NOW + 20);

	sched_at(s, ls_config_board(c, "c888"), NOW + 22, &r);
	assert_string_equal(r.areas[1].content->name, "share");
	assert_true(r.areas[1].item_start == NOW + 20);
	assert_string_equal(r.areas[0].content->name, "clock");

	/* at noon the lunch item joins the posters and the noon area lights */
	sched_at(s, ls_config_board(c, "m"), nine + 3 * 3600 + 5, &r);
	assert_non_null(r.areas[3].content);
	assert_string_equal(r.areas[3].content->name, "lunch");

	/* the small board is not in the rule: its playlist */
	sched_at(s, ls_config_board(c, "small"), NOW, &r);
	assert_null(r.layout);
	assert_string_equal(r.content->name, "share");
	/* after 17:00 the layout's window is closed */
	sched_at(s, ls_config_board(c, "m"), nine + 8 * 3600 + 1, &r);
	assert_null(r.layout);
	assert_string_equal(r.playlist->name, "plain");

	/* a layout on its own, from an anchor */
	sched_layout_at(s, ls_config_layout(c, "three"), NOW - 3.5, NOW, &r);
	assert_int_equal(r.nareas, 4);
	assert_string_equal(r.areas[1].content->name, "slogan");
	assert_true(r.areas[1].item_start == NOW - 3.5);
	assert_true(r.next_change == NOW + 16.5);

	/* check: nothing about the layout rule; it does show things */
	assert_int_equal(sched_check(c, &d), 0);
	sched_free(s);
	unlink(path);
	ls_diag_clear(&d);
	ls_config_free(c);
}

/* Equal priority: a layout takes turns with a playlist, its turn as long as its longest area cycle. */
static void
test_schedule_rotation(void **state)
{
	struct ls_diag d = { 0 };
	struct ls_config *c;
	struct sched *s;
	struct sched_result r;
	char err[256];
	double mid = 1694448000.0;   /* 2023-09-12 00:00 Asia/Shanghai */

	(void)state;
	c = load_text("timezone = \"Asia/Shanghai\";\n"
	    "boards = ( { name = \"b\"; width = 64; height = 16; format = \"mono\"; address = \"tcp:127.0.0.1:1\"; } );\n"
	    "content = ( { name = \"a\"; text = \"甲\"; duration = 10.0; }, { name = \"b\"; text = \"乙\"; duration = 40.0; },\n"
	    "  { name = \"c\"; text = \"丙\"; duration = 5.0; } );\n"
	    "playlists = ( { name = \"pa\"; items = [\"a\"]; }, { name = \"pb\"; items = [\"b\"]; }, { name = \"pc\"; items = [\"c\"]; } );\n"
	    "layouts = ( { name = \"l\"; width = 64; height = 16; areas = (\n"
	    "  { x = 0; y = 0; width = 32; height = 16; playlist = \"pa\"; },\n"
	    "  { x = 32; y = 0; width = 32; height = 16; playlist = \"pb\"; } ); } );\n"
	    "schedule = ( { layout = \"l\"; boards = [\"b\"]; }, { playlist = \"pc\"; boards = [\"b\"]; } );\n", &d);
	if (c == NULL)
		dump(&d);
	assert_non_null(c);
	assert_non_null(s = sched_new(c, err, sizeof err));
	/* cycle: the layout 40 s (its longest area), then pc 5 s */
	sched_at(s, &c->boards[0], mid + 15, &r);
	assert_non_null(r.layout);
	assert_string_equal(r.areas[0].content->name, "a");   /* second turn of a, from +10 */
	assert_true(r.areas[0].item_start == mid + 10);
	assert_true(r.next_change == mid + 20);
	sched_at(s, &c->boards[0], mid + 42, &r);
	assert_null(r.layout);
	assert_string_equal(r.content->name, "c");
	sched_at(s, &c->boards[0], mid + 46, &r);
	assert_non_null(r.layout);
	assert_true(r.areas[1].item_start == mid + 45);
	sched_free(s);
	unlink(path);
	ls_diag_clear(&d);
	ls_config_free(c);
}

/* ---- composition ---- */

static struct render_canvas *
compose_three(struct render_ctx *ctx, const struct ls_config *c, const char *board, struct sched_result *r)
{
	const struct ls_board *b = ls_config_board(c, board);
	struct render_area_show shows[LS_LAYOUT_MAX_AREAS];
	struct render_canvas *cv = render_canvas_new(b->width, b->height, b->format);
	char err[512];

	assert_non_null(cv);
	for (size_t i = 0; i < r->nareas; i++) {
		shows[i].content = r->areas[i].content;
		shows[i].t = NOW - r->areas[i].item_start;
	}
	if (render_compose(ctx, b, r->layout, shows, NOW, cv, err, sizeof err) != 0)
		fail_msg("%s", err);
	return cv;
}

/* The three-area layout with its renderer and schedule, and what the
 * schedule shows at 10:00:03.5 ... drawn at NOW with the slogan 3.5 s in. */
struct three {
	struct ls_diag d;
	struct ls_config *c;
	struct render_ctx *ctx;
	struct sched *s;
	struct sched_result r;
};

static void
three_open(struct three *t)
{
	char err[512];

	memset(t, 0, sizeof *t);
	assert_non_null(t->c = load_three(&t->d));
	assert_non_null(t->ctx = render_ctx_new(t->c, &t->d));
	assert_non_null(t->s = sched_new(t->c, err, sizeof err));
	sched_layout_at(t->s, ls_config_layout(t->c, "three"), NOW - 3.5, NOW, &t->r);
}

static void
three_close(struct three *t)
{
	sched_free(t->s);
	render_ctx_free(t->ctx);
	unlink(path);
	ls_diag_clear(&t->d);
	ls_config_free(t->c);
}

/* Every LED of the board is the LED of the area's own rendering, or dark
 * outside the areas: composition adds nothing and converts nothing. */
static void
test_compose_exact(void **state)
{
	static const char *const boards[] = { "m", "rg", "c565", "c888" };
	struct three t;
	char err[512];

	(void)state;
	three_open(&t);
	for (size_t k = 0; k < 4; k++) {
		const struct ls_board *b = ls_config_board(t.c, boards[k]);
		struct render_canvas *cv = compose_three(t.ctx, t.c, boards[k], &t.r);
		int covered[32][128] = { { 0 } };

		for (size_t i = 0; i < 3; i++) {
			const struct ls_area *a = &t.r.layout->areas[i];
			struct ls_board ab = *b;
			struct render_canvas *ac = render_canvas_new(a->width, a->height, b->format);

			ab.width = a->width;
			ab.height = a->height;
			assert_int_equal(render_item(t.ctx, &ab, t.r.areas[i].content, NOW, NOW - t.r.areas[i].item_start, ac,
			    err, sizeof err), 0);
			assert_true(render_canvas_lit(ac));
			for (int y = 0; y < a->height; y++)
				for (int x = 0; x < a->width; x++) {
					covered[a->y + y][a->x + x] = 1;
					if (render_canvas_get(cv, a->x + x, a->y + y) != render_canvas_get(ac, x, y))
						fail_msg("%s: area %s LED %d,%d differs", boards[k], a->name, x, y);
				}
			render_canvas_free(ac);
		}
		for (int y = 0; y < 32; y++)
			for (int x = 0; x < 128; x++)
				if (!covered[y][x] && render_canvas_get(cv, x, y) != 0)
					fail_msg("%s: LED %d,%d outside the areas is lit", boards[k], x, y);
		render_canvas_free(cv);
	}
	three_close(&t);
}

/* Blit at odd offsets in the packed formats, with clipping on every side. */
static void
test_blit(void **state)
{
	static const enum ls_format fmts[] = { LS_FMT_MONO, LS_FMT_REDGREEN, LS_FMT_RGB565, LS_FMT_RGB888 };
	static const int at[][2] = { { 3, 1 }, { -2, -1 }, { 9, 5 }, { 0, 0 } };

	(void)state;
	for (size_t f = 0; f < 4; f++)
	for (size_t p = 0; p < 4; p++) {
		struct render_canvas *dst = render_canvas_new(13, 7, fmts[f]), *src = render_canvas_new(6, 4, fmts[f]);
		struct render_canvas *want = render_canvas_new(13, 7, fmts[f]);
		int dx = at[p][0], dy = at[p][1];

		for (int y = 0; y < 7; y++)
			for (int x = 0; x < 13; x++) {
				ls_rgb v = (x * 7 + y * 3) % 4 == 0 ? 0xff0000 : (x + y) % 3 == 0 ? 0x00ff00 : 0;
				render_canvas_set(dst, x, y, v);
				render_canvas_set(want, x, y, v);
			}
		for (int y = 0; y < 4; y++)
			for (int x = 0; x < 6; x++) {
				ls_rgb v = (x + 2 * y) % 3 == 0 ? 0xffffff : (x + y) % 2 ? 0xff0000 : 0;
				render_canvas_set(src, x, y, v);
				render_canvas_set(want, dx + x, dy + y, v);
			}
		render_canvas_blit(dst, dx, dy, src);
		if (!render_canvas_equal(dst, want))
			fail_msg("format %zu at %d,%d", f, dx, dy);
		render_canvas_free(dst);
		render_canvas_free(src);
		render_canvas_free(want);
	}
}

static void
test_goldens(void **state)
{
	static const char *const boards[] = { "m", "rg", "c565", "c888" };
	static const char *const names[] = { "layout-three-mono", "layout-three-redgreen", "layout-three-rgb565",
		"layout-three-rgb888" };
	struct three t;
	int bad = 0;

	(void)state;
	three_open(&t);
	for (size_t k = 0; k < 4; k++) {
		struct render_canvas *cv = compose_three(t.ctx, t.c, boards[k], &t.r);
		char gp[256];

		/* each board is 128x32, as is its golden */
		assert_int_equal(cv->width, 128);
		assert_int_equal(cv->height, 32);
		snprintf(gp, sizeof gp, GOLDEN "%s.png", names[k]);
		bad += golden_compare(cv, gp, names[k]);
		render_canvas_free(cv);
	}
	assert_int_equal(bad, 0);
	three_close(&t);
}

/* check: areas too small for their items' text, at the area's line. */
static void
test_check_small(void **state)
{
	struct ls_diag d = { 0 };
	struct ls_config *c;
	struct render_ctx *ctx;

	(void)state;
	c = load_text("timezone = \"Asia/Shanghai\";\n"
	    "boards = ( { name = \"b\"; width = 64; height = 32; format = \"mono\"; address = \"tcp:127.0.0.1:1\"; } );\n"
	    "content = ( { name = \"big\"; text = \"安全\"; size = 16; }, { name = \"fit\"; text = \"安全\"; } );\n"
	    "playlists = ( { name = \"p\"; items = [\"big\"]; }, { name = \"q\"; items = [\"fit\"]; } );\n"
	    "layouts = ( { name = \"l\"; width = 64; height = 32; areas = (\n"
	    "  { name = \"low\"; x = 0; y = 0; width = 64; height = 10; playlist = \"p\"; },\n"    /* 6 */
	    "  { name = \"tiny\"; x = 0; y = 10; width = 64; height = 8; playlist = \"q\"; },\n"   /* 7 */
	    "  { name = \"thin\"; x = 0; y = 18; width = 10; height = 14; playlist = \"q\"; },\n"  /* 8 */
	    "  { name = \"ok\"; x = 10; y = 18; width = 54; height = 14; playlist = \"q\"; } ); } );\n"
	    "schedule = ( { layout = \"l\"; boards = [\"b\"]; } );\n", &d);
	if (c == NULL)
		dump(&d);
	assert_non_null(c);
	assert_non_null(ctx = render_ctx_new(c, &d));
	assert_int_equal(render_check_layouts(ctx, c, &d), 3);
	assert_true(has(&d, LS_DIAG_WARNING, 6, "area \"low\" is 10 LEDs high but item \"big\" (line 3) has size 16"));
	assert_true(has(&d, LS_DIAG_WARNING, 7, "area \"tiny\" is 8 LEDs high, too low for the text of item \"fit\""));
	assert_true(has(&d, LS_DIAG_WARNING, 8, "area \"thin\" is 10 LEDs wide, narrower than one 14-LED character"));
	render_ctx_free(ctx);
	unlink(path);
	ls_diag_clear(&d);
	ls_config_free(c);
}

/* The staff file's items are named where they are: a legibility warning
 * about one is at its own file and line (it was at the main file's, with
 * the staff file's line number), and an area's warning names the item's
 * file too, not a line of the layout's file it is not on. */
static void
test_check_staff_items(void **state)
{
	struct ls_diag d = { 0 };
	struct ls_config *c;
	struct render_ctx *ctx;
	char sp[64] = "/tmp/ledsign-layout-XXXXXX.staff.cfg", text[1024], want[128];
	int fd, at_staff = 0, at_main = 0;
	FILE *fp;

	(void)state;
	assert_true((fd = mkstemps(sp, 10)) >= 0);
	assert_non_null(fp = fdopen(fd, "w"));
	fputs("content = ( { name = \"big\"; text = \"Supercalifragilistic\"; size = 16; } );\n"
	    "playlists = ( { name = \"p\"; items = [\"big\"]; } );\n"
	    "schedule = ( { playlist = \"p\"; boards = [\"b\"]; } );\n", fp);
	fclose(fp);
	snprintf(text, sizeof text, "timezone = \"Asia/Shanghai\";\n"
	    "boards = ( { name = \"b\"; width = 32; height = 16; format = \"mono\"; address = \"tcp:127.0.0.1:1\"; },\n"
	    "           { name = \"c\"; width = 64; height = 32; format = \"mono\"; address = \"tcp:127.0.0.1:1\"; } );\n"
	    "layouts = ( { name = \"l\"; width = 64; height = 32; areas = (\n"
	    "  { name = \"low\"; x = 0; y = 0; width = 64; height = 10; playlist = \"p\"; } ); } );\n"
	    "@include \"%s\"\n", strrchr(sp, '/') + 1);
	c = load_text(text, &d);
	if (c == NULL)
		dump(&d);
	assert_non_null(c);
	assert_non_null(ctx = render_ctx_new(c, &d));
	assert_true(render_check_legibility(ctx, c, NOW, &d) > 0);
	for (size_t i = 0; i < d.n; i++)
		if (strstr(d.v[i].text, "content \"big\" on board \"b\"")) {
			at_staff += d.v[i].file && strcmp(d.v[i].file, sp) == 0 && d.v[i].line == 1;
			at_main += d.v[i].file && strcmp(d.v[i].file, path) == 0;
		}
	assert_true(at_staff > 0);
	assert_int_equal(at_main, 0);
	assert_int_equal(render_check_layouts(ctx, c, &d), 1);
	snprintf(want, sizeof want, "item \"big\" (%s:1) has size 16", sp);
	assert_true(has(&d, LS_DIAG_WARNING, 5, want));
	render_ctx_free(ctx);
	unlink(path);
	unlink(sp);
	ls_diag_clear(&d);
	ls_config_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_layout),
		cmocka_unit_test(test_check_staff_items),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_schedule_areas),
		cmocka_unit_test(test_schedule_rotation),
		cmocka_unit_test(test_blit),
		cmocka_unit_test(test_compose_exact),
		cmocka_unit_test(test_goldens),
		cmocka_unit_test(test_check_small),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
