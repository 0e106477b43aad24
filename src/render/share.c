/*
 * render/share.c — render once, show on many boards (issue 20).
 *
 * Boards that show the same item at the same size and pixel format at the
 * same moment (the player gives every board the same effect time within a
 * frame period) get the same pixels: the first board's render_item is kept
 * and copied to the others.  A few entries, least recently used out; they
 * belong to the render context, so a reload starts empty.  Items are
 * compared by value (every field render_item reads, strings by content),
 * not by address: an alert look is built per board, and boards of one size
 * showing one alert share its renders; a look rebuilt in the same place
 * with another text is never taken for the old one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/render.h"
#include "render/render_int.h"

struct render_share_entry {
	struct ls_content copy;      /* the item's fields when it was rendered, strings left out */
	char  *text, *image, *font;  /* and its strings (NULL as in the item) */
	int    w, h;
	enum ls_format format;
	double now, t;
	int    rc;
	char   err[256];
	uint8_t *data;
	size_t bytes;
	unsigned long used;
};

struct render_share {
	struct render_share_entry e[RENDER_SHARE_SLOTS];
	unsigned long tick;
	struct render_share_stats st;
};

void
render_share_free(struct render_share *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < RENDER_SHARE_SLOTS; i++) {
		free(s->e[i].data);
		free(s->e[i].text);
		free(s->e[i].image);
		free(s->e[i].font);
	}
	free(s);
}

/* The item's fields without its strings and its name (which render_item
 * uses only in messages). */
static void
share_fields(const struct ls_content *item, struct ls_content *out)
{
	memcpy(out, item, sizeof *out);
	out->name = out->text = out->image = out->font = NULL;
	out->line = 0;
}

static int
share_streq(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

/* Keep a copy of string s in *dst; 0, or -1 out of memory. */
static int
share_keep(char **dst, const char *s)
{
	free(*dst);
	*dst = s ? strdup(s) : NULL;
	return s && !*dst ? -1 : 0;
}

static int
share_match(const struct render_share_entry *e, const struct ls_content *item, const struct render_canvas *out,
    double now, double t)
{
	struct ls_content f;

	if (e->w != out->width || e->h != out->height || e->format != out->format || e->now != now || e->t != t)
		return 0;
	share_fields(item, &f);
	return memcmp(&e->copy, &f, sizeof f) == 0 && share_streq(e->text, item->text) &&
	    share_streq(e->image, item->image) && share_streq(e->font, item->font);
}

int
render_item_shared(struct render_ctx *ctx, const struct ls_board *board, const struct ls_content *item,
    double now, double t, struct render_canvas *out, char *err, size_t errlen)
{
	struct render_share *s = ctx->share;
	struct render_share_entry *slot;
	size_t bytes = out->stride * (size_t)out->height;
	int rc;

	if (s == NULL && (s = ctx->share = calloc(1, sizeof *s)) == NULL)
		return render_item(ctx, board, item, now, t, out, err, errlen);
	slot = &s->e[0];
	for (size_t i = 0; i < RENDER_SHARE_SLOTS; i++) {
		struct render_share_entry *e = &s->e[i];

		if (e->data != NULL && share_match(e, item, out, now, t) && e->bytes == bytes) {
			e->used = ++s->tick;
			s->st.hits++;
			memcpy(out->data, e->data, bytes);
			if (e->rc != 0 && err != NULL && errlen > 0)
				snprintf(err, errlen, "%s", e->err);
			return e->rc;
		}
		if (e->used < slot->used)
			slot = e;
	}
	s->st.renders++;
	rc = render_item(ctx, board, item, now, t, out, err, errlen);
	/* keep it for the next boards (when memory allows; else just not shared) */
	if (slot->bytes != bytes) {
		uint8_t *nd = realloc(slot->data, bytes);

		if (nd == NULL)
			return rc;
		slot->data = nd;
		slot->bytes = bytes;
	}
	if (share_keep(&slot->text, item->text) < 0 || share_keep(&slot->image, item->image) < 0 ||
	    share_keep(&slot->font, item->font) < 0) {
		free(slot->data);
		slot->data = NULL;
		slot->bytes = 0;
		slot->used = 0;
		return rc;
	}
	memcpy(slot->data, out->data, bytes);
	share_fields(item, &slot->copy);
	slot->w = out->width;
	slot->h = out->height;
	slot->format = out->format;
	slot->now = now;
	slot->t = t;
	slot->rc = rc;
	snprintf(slot->err, sizeof slot->err, "%s", rc != 0 && err ? err : "");
	slot->used = ++s->tick;
	return rc;
}

void
render_share_stats(const struct render_ctx *ctx, struct render_share_stats *st)
{
	memset(st, 0, sizeof *st);
	if (ctx != NULL && ctx->share != NULL)
		*st = ctx->share->st;
}
