/*
 * render/strip.c — the whole line of a scroll-left text as one image, for
 * boards that scroll it themselves (LSP 1.1 programmes, daemon/programme.c).
 *
 * render_item draws the board's window onto the line at time t; the strip
 * is that line entire, drawn by the same layout and paint, so the window
 * a board cuts out of it at offset x is the frame render_item makes when
 * the line stands at -x.  The caller checks that by sampling (a strip that
 * does not reproduce the frames is streamed instead).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/render.h"
#include "render/render_int.h"

struct render_canvas *
render_strip(struct render_ctx *ctx, const struct ls_board *board, const struct ls_content *item,
    char *err, size_t errlen)
{
	struct render_paint paint;
	struct render_font *f;
	struct render_layout *l;
	struct render_canvas *strip;
	int h = board->height, size, y;
	char ferr[512];

	if (item->effect != LS_FX_SCROLL_LEFT || item->image != NULL || item->text == NULL ||
	    item->text[0] == '\0' || strchr(item->text, '{') != NULL) {
		snprintf(err, errlen, "item %s: only a fixed text that scrolls left makes a strip",
		    item->name ? item->name : "?");
		return NULL;
	}
	if ((f = render_font_get(ctx, item->font, ferr, sizeof ferr)) == NULL) {
		snprintf(err, errlen, "item %s: %s", item->name ? item->name : "?", ferr);
		return NULL;
	}
	/* as draw_text sizes a one-line effect: the item's size, else the board's height */
	size = item->size > 0 ? item->size : h < RENDER_MAX_SIZE ? (h > 0 ? h : 1) : RENDER_MAX_SIZE;
	if (size > RENDER_MAX_SIZE)
		size = RENDER_MAX_SIZE;
	render_paint_init(ctx, &paint, board->format, item->color, item->background);
	l = render_layout_text(ctx, f, item->text, size, paint.aa, RENDER_WRAP_NONE, board->width,
	    item->line_spacing < 0 || item->line_spacing > h ? 0 : item->line_spacing);
	if (l == NULL || l->width <= 0 || l->width > 65535) {
		snprintf(err, errlen, "item %s: cannot lay out the text as one line", item->name ? item->name : "?");
		return NULL;
	}
	if ((strip = render_canvas_new(l->width, h, board->format)) == NULL) {
		snprintf(err, errlen, "item %s: out of memory for a %dx%d strip", item->name ? item->name : "?",
		    l->width, h);
		return NULL;
	}
	switch (item->valign) {
	case LS_VALIGN_TOP:    y = 0; break;
	case LS_VALIGN_BOTTOM: y = h - l->line_h; break;
	default:               y = (h - l->line_h) / 2; break;
	}
	if (paint.aa == RENDER_AA_GREY) {
		/* RGB: through a coverage buffer, as render_item does */
		paint.cov = calloc((size_t)l->width * (size_t)h, 1);
		if (paint.cov == NULL) {
			render_canvas_free(strip);
			snprintf(err, errlen, "item %s: out of memory", item->name ? item->name : "?");
			return NULL;
		}
	} else {
		render_fill_background(strip, &paint);
	}
	render_draw_layout(ctx, strip, &paint, l, 0, l->nlines, 0, y, l->width, LS_ALIGN_LEFT);
	if (paint.cov) {
		render_cov_resolve(strip, &paint);
		free(paint.cov);
	}
	return strip;
}
