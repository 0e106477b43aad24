/* Unit tests for render/: text into every format, layout, fields, the raw PNG writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <png.h>

#include "render/render.h"
#include "render/render_int.h"

/* 2023-09-12 10:00 Asia/Shanghai (a Tuesday) */
#define NOW 1694484000.0

static struct ls_config cfg = { .timezone = (char *)"Asia/Shanghai" };
static struct render_ctx *ctx;

static int
setup(void **state)
{
	struct ls_diag d = { 0 };

	(void)state;
	ctx = render_ctx_new(&cfg, &d);
	ls_diag_clear(&d);
	return ctx == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	render_ctx_free(ctx);
	return 0;
}

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_every_format),
		cmocka_unit_test(test_mono_colour_visible),
		cmocka_unit_test(test_alignment),
		cmocka_unit_test(test_background),
		cmocka_unit_test(test_png_write_raw),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
