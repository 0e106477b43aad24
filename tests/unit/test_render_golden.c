/*
 * Golden images for render/: every format, alignment, line-breaking rule,
 * strike/outline choice, dither and effect, compared bit for bit with
 * tests/golden/render/NAME.png (one PNG pixel per LED, canonical colours).
 *
 * To accept new output after a deliberate change, look at the images and
 * run:  UPDATE_GOLDEN=1 build/tests/test_render_golden
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <png.h>

#include "render/render.h"
#include "render/render_int.h"

#define DIR "tests/golden/render/"
#define NOW 1694484000.0       /* 2023-09-12 10:00 Asia/Shanghai, a Tuesday */
#define SLOGAN "网络安全为人民,网络安全靠人民"

struct gcase {
	const char *name;
	int w, h;
	enum ls_format fmt;
	const char *text, *image, *font;
	int size;
	enum ls_effect fx;
	char al, va;               /* 'l' 'c' 'r', 't' 'm' 'b'; 0 = centre, middle */
	enum ls_fit fit;
	ls_rgb color, bg;
	double t, speed;
	int spacing;
};

#define C(...) { __VA_ARGS__ }
static const struct gcase cases[] = {
	/* one per format: the slogan, auto-fit */
	C(.name = "fmt-mono", .w = 128, .h = 32, .fmt = LS_FMT_MONO, .text = SLOGAN, .color = 0xff0000),
	C(.name = "fmt-redgreen", .w = 128, .h = 32, .fmt = LS_FMT_REDGREEN, .text = SLOGAN, .color = 0xffbf00),
	C(.name = "fmt-rgb565", .w = 192, .h = 64, .fmt = LS_FMT_RGB565, .text = SLOGAN, .color = 0x40c0ff, .bg = 0x102040),
	C(.name = "fmt-rgb888", .w = 192, .h = 64, .fmt = LS_FMT_RGB888, .text = SLOGAN, .color = 0xffd700, .bg = 0x800000),
	/* alignment: 3 x 3 */
	C(.name = "align-left-top", .w = 96, .h = 32, .fmt = LS_FMT_MONO, .text = "安全 LED", .size = 12, .al = 'l', .va = 't'),
	C(.name = "align-center-top", .w = 96, .h = 32, .fmt = LS_FMT_MONO, .text = "安全 LED", .size = 12, .al = 'c', .va = 't'),
	C(.name = "align-right-top", .w = 96, .h = 32, .fmt = LS_FMT_MONO, .text = "安全 LED", .size = 12, .al = 'r', .va = 't'),
	C(.name = "align-left-middle", .w = 96, .h = 32, .fmt = LS_FMT_MONO, .text = "安全 LED", .size = 12, .al = 'l', .va = 'm'),
	C(.name = "align-center-middle", .w = 96, .h = 32, .fmt = LS_FMT_MONO, .text = "安全 LED", .size = 12, .al = 'c', .va = 'm'),
	C(.name = "align-right-middle", .w = 96, .h = 32, .fmt = LS_FMT_MONO, .text = "安全 LED", .size = 12, .al = 'r', .va = 'm'),
	C(.name = "align-left-bottom", .w = 96, .h = 32, .fmt = LS_FMT_MONO, .text = "安全 LED", .size = 12, .al = 'l', .va = 'b'),
	C(.name = "align-center-bottom", .w = 96, .h = 32, .fmt = LS_FMT_MONO, .text = "安全 LED", .size = 12, .al = 'c', .va = 'b'),
	C(.name = "align-right-bottom", .w = 96, .h = 32, .fmt = LS_FMT_MONO, .text = "安全 LED", .size = 12, .al = 'r', .va = 'b'),
	C(.name = "line-spacing", .w = 64, .h = 40, .fmt = LS_FMT_MONO, .text = "网络安全\n人民", .size = 16, .spacing = 4),
	/* line breaking: 4 ideographs per 64 px line at 16 px */
	C(.name = "break-no-start", .w = 64, .h = 48, .fmt = LS_FMT_MONO, .text = "网络安全，靠人民。", .size = 16, .va = 't'),
	C(.name = "break-no-end", .w = 64, .h = 48, .fmt = LS_FMT_MONO, .text = "网络安《全法》好", .size = 16, .va = 't'),
	C(.name = "break-mixed-latin", .w = 96, .h = 48, .fmt = LS_FMT_MONO, .text = "保护 privacy 从你我做起", .size = 16, .va = 't'),
	C(.name = "break-newline", .w = 96, .h = 32, .fmt = LS_FMT_MONO, .text = "网络\n安全", .size = 16),
	C(.name = "autofit-long", .w = 128, .h = 32, .fmt = LS_FMT_MONO, .text = "保护个人信息 从你我做起 数据安全法 保障数据安全"),
	C(.name = "paging-page2", .w = 64, .h = 16, .fmt = LS_FMT_MONO, .text = "网络安全为人民网络安全靠人民", .size = 16, .t = 3.5),
	/* strike or outline */
	C(.name = "strike-mono-16", .w = 64, .h = 16, .fmt = LS_FMT_MONO, .text = "人民安全", .size = 16),
	C(.name = "strike-mono-12", .w = 64, .h = 16, .fmt = LS_FMT_MONO, .text = "人民安全", .size = 12),
	C(.name = "outline-mono-17", .w = 72, .h = 17, .fmt = LS_FMT_MONO, .text = "人民安全", .size = 17),
	C(.name = "outline-mono-24", .w = 96, .h = 24, .fmt = LS_FMT_MONO, .text = "人民安全", .size = 24),
	C(.name = "grey-rgb-20", .w = 80, .h = 20, .fmt = LS_FMT_RGB888, .text = "人民安全", .size = 20),
	C(.name = "strike-rgb-16", .w = 64, .h = 16, .fmt = LS_FMT_RGB888, .text = "人民安全", .size = 16, .color = 0x00ff80),
	C(.name = "file-font", .w = 64, .h = 16, .fmt = LS_FMT_MONO, .text = "人民ab", .size = 16,
	    .font = "/usr/share/fonts/opentype/unifont/unifont.otf"),
	/* images and dithering */
	C(.name = "poster-mono-fit", .w = 64, .h = 32, .fmt = LS_FMT_MONO, .image = DIR "poster.png", .fit = LS_FIT_FIT),
	C(.name = "poster-redgreen-fill", .w = 64, .h = 16, .fmt = LS_FMT_REDGREEN, .image = DIR "poster.png", .fit = LS_FIT_FILL),
	C(.name = "poster-rgb565-stretch", .w = 48, .h = 48, .fmt = LS_FMT_RGB565, .image = DIR "poster.png", .fit = LS_FIT_STRETCH),
	C(.name = "poster-rgb888-fit", .w = 64, .h = 48, .fmt = LS_FMT_RGB888, .image = DIR "poster.png", .fit = LS_FIT_FIT, .bg = 0x202020),
	C(.name = "poster-text", .w = 64, .h = 32, .fmt = LS_FMT_RGB888, .image = DIR "poster.png", .fit = LS_FIT_FILL, .text = "安全", .size = 16),
	C(.name = "poster-scroll-left", .w = 64, .h = 16, .fmt = LS_FMT_REDGREEN, .image = DIR "poster.png", .fx = LS_FX_SCROLL_LEFT, .speed = 16, .t = 1.0),
	C(.name = "poster-scroll-up", .w = 32, .h = 24, .fmt = LS_FMT_RGB565, .image = DIR "poster.png", .fx = LS_FX_SCROLL_UP, .speed = 10, .t = 0.5),
	/* effects */
	C(.name = "scroll-left-0", .w = 64, .h = 16, .fmt = LS_FMT_MONO, .text = SLOGAN, .fx = LS_FX_SCROLL_LEFT, .speed = 32, .t = 0),
	C(.name = "scroll-left-1.25", .w = 64, .h = 16, .fmt = LS_FMT_MONO, .text = SLOGAN, .fx = LS_FX_SCROLL_LEFT, .speed = 32, .t = 1.25),
	C(.name = "scroll-left-wrap", .w = 64, .h = 16, .fmt = LS_FMT_MONO, .text = SLOGAN, .fx = LS_FX_SCROLL_LEFT, .speed = 32, .t = 8.0),
	C(.name = "scroll-up-0.7", .w = 64, .h = 32, .fmt = LS_FMT_REDGREEN, .text = SLOGAN, .size = 16, .fx = LS_FX_SCROLL_UP, .speed = 20, .t = 0.7, .color = 0x00ff00),
	C(.name = "flash-on", .w = 64, .h = 16, .fmt = LS_FMT_MONO, .text = "注意安全", .fx = LS_FX_FLASH, .t = 0.2),
	C(.name = "flash-off", .w = 64, .h = 16, .fmt = LS_FMT_MONO, .text = "注意安全", .fx = LS_FX_FLASH, .t = 0.7, .bg = 0x000000),
	/* live fields at NOW */
	C(.name = "fields", .w = 160, .h = 32, .fmt = LS_FMT_MONO, .text = "{date} {weekday}\n{time} 还有{countdown:2023-09-17}天", .size = 16),
};

#include "render_fixture.h"
#include "golden.h"

static struct render_canvas *
render_case(const struct gcase *g)
{
	struct ls_board b = { .name = (char *)"golden", .width = g->w, .height = g->h, .format = g->fmt };
	struct ls_content c = {
		.name = (char *)g->name, .text = (char *)g->text, .image = (char *)g->image, .font = (char *)g->font,
		.size = g->size, .effect = g->fx, .speed = g->speed > 0 ? g->speed : 32, .flash_hz = 1,
		.align = g->al == 'l' ? LS_ALIGN_LEFT : g->al == 'r' ? LS_ALIGN_RIGHT : LS_ALIGN_CENTER,
		.valign = g->va == 't' ? LS_VALIGN_TOP : g->va == 'b' ? LS_VALIGN_BOTTOM : LS_VALIGN_MIDDLE,
		.fit = g->fit, .line_spacing = g->spacing,
		.color = g->color ? g->color : 0xffffff, .background = g->bg,
	};
	struct render_canvas *cv = render_canvas_new(g->w, g->h, g->fmt);
	char err[512] = "";

	assert_non_null(cv);
	if (render_item(ctx, &b, &c, NOW, g->t, cv, err, sizeof err) != 0)
		fail_msg("%s: %s", g->name, err);
	return cv;
}

static void
test_goldens(void **state)
{
	int bad = 0;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct gcase *g = &cases[i];
		struct render_canvas *cv = render_case(g);
		char path[256];

		snprintf(path, sizeof path, DIR "%s.png", g->name);
		bad += golden_compare(cv, path, g->name);
		render_canvas_free(cv);
	}
	assert_int_equal(bad, 0);
}

/* The goldens are only worth something if they are not blank. */
static void
test_goldens_lit(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct render_canvas *cv = render_case(&cases[i]);
		if (strcmp(cases[i].name, "flash-off") == 0)
			assert_false(render_canvas_lit(cv));
		else if (!render_canvas_lit(cv))
			fail_msg("%s renders blank", cases[i].name);
		render_canvas_free(cv);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_goldens),
		cmocka_unit_test(test_goldens_lit),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
