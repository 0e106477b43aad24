/* The sample campaign (content/campaign-week.cfg): every printable character
 * of every content item is drawn by some installed font, and every item
 * renders on every board. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "config/config.h"
#include "render/render.h"
#include "render/render_int.h"

#define SAMPLE "content/campaign-week.cfg"
#define NOW 1694484000.0

static void
test_no_missing_glyphs(void **state)
{
	struct ls_diag d = { 0 };
	struct ls_config *cfg = ls_config_load(SAMPLE, &d);
	struct render_ctx *ctx;
	size_t chars = 0;

	(void)state;
	assert_non_null(cfg);
	ctx = render_ctx_new(cfg, &d);
	assert_non_null(ctx);
	ls_diag_clear(&d);
	assert_int_equal(render_check_glyphs(ctx, cfg, &d), 0);
	if (d.n)
		fail_msg("%s", d.v[0].text);
	for (size_t i = 0; i < cfg->ncontent; i++) {
		const struct ls_content *c = &cfg->content[i];
		char err[256];
		char *text;
		struct render_font *f;

		if (c->text == NULL)
			continue;
		f = render_font_get(ctx, c->font, err, sizeof err);
		assert_non_null(f);
		text = render_fields_expand(ctx, c->text, NOW, err, sizeof err);
		assert_non_null(text);
		/* at a strike size and an outline size, mono and grey */
		for (int k = 0; k < 4; k++) {
			struct render_layout *l = render_layout_text(ctx, f, text, k < 2 ? 16 : 24,
			    k % 2 ? RENDER_AA_GREY : RENDER_AA_MONO, RENDER_WRAP_NONE, 0, 0);
			assert_non_null(l);
			if (l->missing)
				fail_msg("item %s: %zu characters missing from every font", c->name, l->missing);
			/* every non-space character has ink */
			for (size_t g = 0; g < l->ng; g++)
				chars += render_layout_glyph(ctx, l, g)->w > 0;
		}
		free(text);
	}
	assert_true(chars > 100);
	render_ctx_free(ctx);
	ls_config_free(cfg);
	ls_diag_clear(&d);
}

static void
test_every_item_on_every_board(void **state)
{
	struct ls_diag d = { 0 };
	struct ls_config *cfg = ls_config_load(SAMPLE, &d);
	struct render_ctx *ctx = render_ctx_new(cfg, &d);

	(void)state;
	assert_non_null(ctx);
	for (size_t b = 0; b < cfg->nboards; b++) {
		const struct ls_board *bd = &cfg->boards[b];
		struct render_canvas *cv = render_canvas_new(bd->width, bd->height, bd->format);
		for (size_t i = 0; i < cfg->ncontent; i++) {
			char err[512];
			if (render_item(ctx, bd, &cfg->content[i], NOW, 0.0, cv, err, sizeof err) != 0)
				fail_msg("%s on %s: %s", cfg->content[i].name, bd->name, err);
			if (!render_canvas_lit(cv))
				fail_msg("%s on %s is dark", cfg->content[i].name, bd->name);
		}
		render_canvas_free(cv);
	}
	render_ctx_free(ctx);
	ls_config_free(cfg);
	ls_diag_clear(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_missing_glyphs),
		cmocka_unit_test(test_every_item_on_every_board),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
