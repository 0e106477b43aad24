/*
 * render/compose.c — screen areas: a layout's areas drawn into one board
 * picture, and what `check` says about areas too small for their text.
 *
 * Each area is rendered by render_item into a canvas of the area's size in
 * the board's own format, exactly as a board of that size would get it, and
 * copied into the board canvas with render_canvas_blit (bits, not colours:
 * no second conversion).  So a layout's preview, what `send` and the
 * controller put on the wire, and what the board (or ledboard) shows are
 * the same bytes, as for a single item.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/render.h"
#include "render/render_int.h"

int
render_compose(struct render_ctx *ctx, const struct ls_board *board, const struct ls_layout *lo,
    const struct render_area_show *shows, double now, struct render_canvas *out, char *err, size_t errlen)
{
	int rc = 0;

	render_canvas_clear(out);
	for (size_t i = 0; i < lo->nareas; i++) {
		const struct ls_area *a = &lo->areas[i];
		struct ls_board ab = *board;
		struct render_canvas *cv;
		char aerr[512];

		if (shows[i].content == NULL || a->x >= out->width || a->y >= out->height)
			continue;
		if ((cv = render_canvas_new(a->width, a->height, out->format)) == NULL) {
			if (rc == 0)
				snprintf(err, errlen, "layout %s area %s: cannot make a %dx%d canvas", lo->name, a->name,
				    a->width, a->height);
			rc = -1;
			continue;
		}
		/* the item sees a board of the area's size (auto-fit, paging, scrolling) */
		ab.width = a->width;
		ab.height = a->height;
		if (render_item(ctx, &ab, shows[i].content, now, shows[i].t, cv, aerr, sizeof aerr) != 0) {
			if (rc == 0)
				snprintf(err, errlen, "layout %s area %s: %s", lo->name, a->name, aerr);
			rc = -1;
		} else
			render_canvas_blit(out, a->x, a->y, cv);
		render_canvas_free(cv);
	}
	return rc;
}

/* The text height an item gets in an area: its size, or what auto-fit can
 * at most choose there. */
static int
text_px(const struct ls_content *c, const struct ls_area *a)
{
	if (c->size > 0)
		return c->size;
	return a->height < RENDER_MAX_SIZE ? a->height : RENDER_MAX_SIZE;
}

/* How a message at the layout's line names an item's place: "line N", or
 * "FILE:N" when the item is in another file (the staff file). */
static void
item_at(const struct ls_config *cfg, const struct ls_content *c, char *buf, size_t len)
{
	const char *f = LS_FILE(cfg, c);

	if (f != NULL && cfg->path != NULL && strcmp(f, cfg->path) != 0)
		snprintf(buf, len, "%s:%d", f, c->line);
	else
		snprintf(buf, len, "line %d", c->line);
}

size_t
render_check_layouts(struct render_ctx *ctx, const struct ls_config *cfg, struct ls_diag *diag)
{
	size_t n = 0;

	(void)ctx;
	for (size_t l = 0; l < cfg->nlayouts; l++) {
		const struct ls_layout *lo = &cfg->layouts[l];
		for (size_t i = 0; i < lo->nareas; i++) {
			const struct ls_area *a = &lo->areas[i];
			const struct ls_playlist *pl = ls_config_playlist(cfg, a->playlist);

			for (size_t j = 0; pl != NULL && j < pl->nentries; j++) {
				const struct ls_content *c = ls_config_content(cfg, pl->entries[j].item);
				char at[300];
				int px;

				if (c == NULL || c->text == NULL || c->text[0] == '\0')
					continue;
				px = text_px(c, a);
				item_at(cfg, c, at, sizeof at);
				if (c->size > 0 && c->size > a->height) {
					ls_diag_add(diag, LS_DIAG_WARNING, cfg->path, a->line,
					    "layout \"%s\" area \"%s\" is %d LEDs high but item \"%s\" (%s) has size %d: "
					    "its text is cut off; make the area at least %d high, or give the item a smaller "
					    "size (0 fits it to the area)", lo->name, a->name, a->height, c->name, at,
					    c->size, c->size);
					n++;
				} else if (c->size == 0 && a->height < RENDER_MIN_FIT) {
					ls_diag_add(diag, LS_DIAG_WARNING, cfg->path, a->line,
					    "layout \"%s\" area \"%s\" is %d LEDs high, too low for the text of item \"%s\" "
					    "(%s): auto-fit goes down to %d; make the area at least %d high",
					    lo->name, a->name, a->height, c->name, at, RENDER_MIN_FIT, RENDER_MIN_FIT);
					n++;
				} else if (a->width < px) {
					ls_diag_add(diag, LS_DIAG_WARNING, cfg->path, a->line,
					    "layout \"%s\" area \"%s\" is %d LEDs wide, narrower than one %d-LED character of "
					    "item \"%s\" (%s): make the area at least %d wide", lo->name, a->name,
					    a->width, px, c->name, at, px);
					n++;
				}
			}
		}
	}
	return n;
}
