/*
 * render/render.c — the context, render_item (layout choice, auto-fit,
 * paging and effects as pure functions of t) and the raw PNG writer.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hb.h>
#include <png.h>

#include "render/render.h"
#include "render/render_int.h"

struct render_ctx *
render_ctx_new(const struct ls_config *cfg, struct ls_diag *diag)
{
	struct render_ctx *ctx;
	char err[512];

	if ((ctx = calloc(1, sizeof *ctx)) == NULL) {
		if (diag != NULL)
			ls_diag_add(diag, LS_DIAG_ERROR, NULL, 0, "render: out of memory");
		return NULL;
	}
	ctx->cfg = cfg;
	/* HarfBuzz makes its default language (which shaping guesses from) on
	 * first use; make it here, on the thread that makes contexts, so the
	 * daemon's worker threads (docs/daemon.md) only ever read it */
	(void)hb_language_get_default();
	if (FT_Init_FreeType(&ctx->ft) != 0) {
		free(ctx);
		if (diag != NULL)
			ls_diag_add(diag, LS_DIAG_ERROR, NULL, 0, "render: cannot initialise FreeType");
		return NULL;
	}
	if (!FcInit()) {
		FT_Done_FreeType(ctx->ft);
		free(ctx);
		if (diag != NULL)
			ls_diag_add(diag, LS_DIAG_ERROR, NULL, 0, "render: cannot initialise fontconfig");
		return NULL;
	}
	/* The default font must exist; other fonts are checked when first used
	 * (and by render_check_glyphs). */
	if (render_font_get(ctx, NULL, err, sizeof err) == NULL) {
		if (diag != NULL)
			ls_diag_add(diag, LS_DIAG_ERROR, cfg != NULL ? cfg->path : NULL, 0, "%s", err);
		render_ctx_free(ctx);
		return NULL;
	}
	return ctx;
}

void
render_ctx_free(struct render_ctx *ctx)
{
	if (ctx == NULL)
		return;
	render_fonts_free(ctx);
	for (size_t i = 0; i < RENDER_FIT_CACHE; i++)
		free(ctx->fc[i].text);
	for (size_t i = 0; i < RENDER_IMAGE_CACHE; i++) {
		free(ctx->ic[i].path);
		free(ctx->ic[i].err);
		render_image_free(ctx->ic[i].img);
		render_canvas_free(ctx->ic[i].strip);
	}
	render_zone_free(ctx);
	render_share_free(ctx->share);
	free(ctx->cov);
	FT_Done_FreeType(ctx->ft);
	render_fontfiles_close(ctx);
	free(ctx);
}

/* How a text is fitted: wrapped in a box (static, flash, scroll-up) or on one line (scroll-left). */
enum fit_mode { FIT_BOX, FIT_LINE };

static int
block_height(const struct render_layout *l, size_t nlines)
{
	if (nlines == 0)
		return 0;
	return (int)nlines * l->line_h + (int)(nlines - 1) * l->spacing;
}

static int
fits(struct render_ctx *ctx, struct render_font *f, const char *text, int size, enum render_aa aa,
    int w, int h, int spacing)
{
	struct render_layout *l = render_layout_text(ctx, f, text, size, aa, RENDER_WRAP_WIDTH, w, spacing);

	if (l == NULL)
		return 0;
	return !l->forced && l->split == 0 && l->width <= w && block_height(l, l->nlines) <= h;
}

/* 1 when the text pages at `size` without breaking a word, number or date. */
static int
pages_whole(struct render_ctx *ctx, struct render_font *f, const char *text, int size, enum render_aa aa,
    int w, int spacing)
{
	struct render_layout *l = render_layout_text(ctx, f, text, size, aa, RENDER_WRAP_WIDTH, w, spacing);

	return l != NULL && !l->forced && l->split == 0;
}

/* The size for an item whose size is 0 (auto-fit): the largest that fits
 * the board on one screen without breaking a word; when even RENDER_MIN_FIT
 * does not, the text is paged: half the board's height (two lines a page)
 * or, on boards too low for that, its whole height, or the largest size
 * below that down to RENDER_MIN_FIT at which no page breaks a word, number
 * or date (a 64x16 board shows 2023-09-12 whole at 12 px, not 2023-09- /
 * 12 at 16).  One-line effects take the board height. */
static int
auto_size(struct render_ctx *ctx, struct render_font *f, const char *text, enum render_aa aa,
    int w, int h, int spacing, enum fit_mode mode)
{
	struct render_fcache *slot = &ctx->fc[0];
	int hi = h < RENDER_MAX_SIZE ? h : RENDER_MAX_SIZE, lo = RENDER_MIN_FIT, best = 0;

	if (mode == FIT_LINE || hi <= lo)
		return hi > 0 ? hi : 1;
	for (size_t i = 0; i < RENDER_FIT_CACHE; i++) {
		struct render_fcache *c = &ctx->fc[i];
		if (c->text != NULL && c->font == f && c->aa == (int)aa && c->w == w && c->h == h &&
		    c->spacing == spacing && c->mode == (int)mode && strcmp(c->text, text) == 0) {
			c->used = ++ctx->tick;
			return c->size;
		}
		if (c->used < slot->used)
			slot = c;
	}
	/* fitting is monotonic enough in size for a binary search */
	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		if (fits(ctx, f, text, mid, aa, w, h, spacing)) {
			best = mid;
			lo = mid + 1;
		} else
			hi = mid - 1;
	}
	if (best == 0) {
		/* too long for one screen at any readable size: page (or scroll)
		 * two lines at a time when the board is tall enough for that */
		int top = h / 2 >= RENDER_MIN_FIT ? h / 2 : h;
		if (top > RENDER_MAX_SIZE)
			top = RENDER_MAX_SIZE;
		best = top;
		for (int sz = top; sz >= RENDER_MIN_FIT; sz--)
			if (pages_whole(ctx, f, text, sz, aa, w, spacing)) {
				best = sz;
				break;
			}
	}
	free(slot->text);
	if ((slot->text = strdup(text)) != NULL) {
		slot->font = f;
		slot->aa = (int)aa;
		slot->w = w;
		slot->h = h;
		slot->spacing = spacing;
		slot->mode = (int)mode;
		slot->size = best;
		slot->used = ++ctx->tick;
	}
	return best;
}

static int
valign_y(enum ls_valign v, int box, int block)
{
	switch (v) {
	case LS_VALIGN_TOP:    return 0;
	case LS_VALIGN_BOTTOM: return box - block;
	default:               return (box - block) / 2;
	}
}

/* Where scrolled text starts at time t: at t = 0 the text begins at the
 * top-left (so the first frame reads from the start), moves out at `speed`
 * px/s, and re-enters from the far edge; `box` is the board's extent and
 * `len` the text's along the scroll.  Computed from t alone (never
 * accumulated frame by frame), so any frame rate gives the same positions
 * and a slow scroll stays smooth. */
int
render_scroll_pos(double t, double speed, int box, int len)
{
	double period = (double)box + len, d;

	if (period <= 0)
		return 0;
	if (!(speed > 0))
		speed = 20;
	d = floor(fmod(t * speed + box, period));
	if (d < 0)
		d += period;
	return box - (int)d;
}

/* Seconds each page of paged text stays up: the item's turn shared between
 * its pages (10 s, the schedule's default turn, when the item sets none). */
static double
page_seconds(const struct ls_content *item, size_t npages)
{
	double s = (item->duration > 0 ? item->duration : 10.0) / (double)npages;

	return s < 1.0 ? 1.0 : s;
}

/* The font, size and layout of a text item on a w x h canvas. */
static int
text_layout(struct render_ctx *ctx, const struct ls_content *item, enum render_aa aa, const char *text,
    int w, int h, struct render_layout **lo, int *spacing_out, char *err, size_t errlen)
{
	struct render_font *f;
	struct render_layout *l;
	int size, spacing = item->line_spacing;
	enum fit_mode mode = item->effect == LS_FX_SCROLL_LEFT ? FIT_LINE : FIT_BOX;
	char ferr[512];

	if (spacing < 0 || spacing > h)
		spacing = 0;
	if ((f = render_font_get(ctx, item->font, ferr, sizeof ferr)) == NULL) {
		snprintf(err, errlen, "item %s: %s", item->name ? item->name : "?", ferr);
		return -1;
	}
	size = item->size > 0 ? item->size : auto_size(ctx, f, text, aa, w, h, spacing, mode);
	if (size > RENDER_MAX_SIZE)
		size = RENDER_MAX_SIZE;
	l = render_layout_text(ctx, f, text, size, aa,
	    mode == FIT_LINE ? RENDER_WRAP_NONE : RENDER_WRAP_WIDTH, w, spacing);
	if (l == NULL) {
		snprintf(err, errlen, "item %s: cannot lay out the text with font %s at %d px (out of memory or unreadable font)",
		    item->name ? item->name : "?", f->primary_desc, size);
		return -1;
	}
	*lo = l;
	*spacing_out = spacing;
	return 0;
}

/* Lines a page of static or flashing text holds. */
static size_t
lines_per_page(const struct render_layout *l, int h, int spacing)
{
	size_t per = (size_t)((h + spacing) / (l->line_h + spacing));

	return per == 0 ? 1 : per;
}

static int
draw_text(struct render_ctx *ctx, const struct ls_board *board, const struct ls_content *item,
    const struct render_paint *paint, const char *text, double t, struct render_canvas *out,
    char *err, size_t errlen)
{
	struct render_layout *l;
	int w = out->width, h = out->height, spacing;

	(void)board;
	if (text_layout(ctx, item, paint->aa, text, w, h, &l, &spacing, err, errlen) != 0)
		return -1;
	switch (item->effect) {
	case LS_FX_SCROLL_LEFT: {
		int x = render_scroll_pos(t, item->speed, w, l->width);
		int y = valign_y(item->valign, h, l->line_h);
		render_draw_layout(ctx, out, paint, l, 0, l->nlines, x, y, l->width, LS_ALIGN_LEFT);
		break;
	}
	case LS_FX_SCROLL_UP: {
		int bh = block_height(l, l->nlines);
		int y = render_scroll_pos(t, item->speed, h, bh);
		render_draw_layout(ctx, out, paint, l, 0, l->nlines, 0, y, w, item->align);
		break;
	}
	default: {
		/* static and flash: as many lines as fit make a page */
		size_t per = lines_per_page(l, h, spacing);
		size_t npages, page;

		npages = (l->nlines + per - 1) / per;
		if (npages == 0)
			npages = 1;
		page = npages > 1 ? (size_t)fmod(floor(t / page_seconds(item, npages)), (double)npages) : 0;
		size_t first = page * per, n = l->nlines - first < per ? l->nlines - first : per;
		render_draw_layout(ctx, out, paint, l, first, n, 0, valign_y(item->valign, h, block_height(l, n)),
		    w, item->align);
		break;
	}
	}
	return 0;
}

/* Append UTF-8 of cps[s..e) to buf (bounded). */
static void
cat_cps(char *buf, size_t len, const uint32_t *cps, size_t s, size_t e)
{
	size_t k = strlen(buf);

	for (size_t i = s; i < e && k + 5 < len; i++) {
		uint32_t c = cps[i];
		if (c < 0x80) buf[k++] = (char)c;
		else if (c < 0x800) { buf[k++] = (char)(0xc0 | c >> 6); buf[k++] = (char)(0x80 | (c & 0x3f)); }
		else if (c < 0x10000) {
			buf[k++] = (char)(0xe0 | c >> 12); buf[k++] = (char)(0x80 | (c >> 6 & 0x3f));
			buf[k++] = (char)(0x80 | (c & 0x3f));
		} else {
			buf[k++] = (char)(0xf0 | c >> 18); buf[k++] = (char)(0x80 | (c >> 12 & 0x3f));
			buf[k++] = (char)(0x80 | (c >> 6 & 0x3f)); buf[k++] = (char)(0x80 | (c & 0x3f));
		}
	}
	buf[k] = '\0';
}

int
render_text_plan(struct render_ctx *ctx, const struct ls_board *board, const struct ls_content *item,
    double now, struct render_text_plan *out, char *err, size_t errlen)
{
	struct render_layout *l;
	enum render_aa aa = (board->format == LS_FMT_MONO || board->format == LS_FMT_REDGREEN) ?
	    RENDER_AA_MONO : RENDER_AA_GREY;
	char *text = NULL;
	const char *shown = item->text;
	int spacing, rc = -1;
	uint32_t *cps = NULL;

	memset(out, 0, sizeof *out);
	if (item->text == NULL || item->text[0] == '\0')
		return 0;
	if (strchr(item->text, '{') != NULL) {
		if ((text = render_fields_expand(ctx, item->text, now, err, errlen)) == NULL)
			return -1;
		shown = text;
	}
	if (text_layout(ctx, item, aa, shown, board->width, board->height, &l, &spacing, err, errlen) != 0)
		goto out;
	out->size = l->size;
	out->auto_fit = item->size <= 0;
	out->lines = (int)l->nlines;
	out->width = l->width;
	out->forced = l->forced;
	out->split = l->split;
	switch (item->effect) {
	case LS_FX_SCROLL_LEFT:
		out->how = RENDER_SHOW_SCROLL_LEFT;
		out->pages = 1;
		break;
	case LS_FX_SCROLL_UP:
		out->how = RENDER_SHOW_SCROLL_UP;
		out->pages = 1;
		break;
	default: {
		size_t per = lines_per_page(l, board->height, spacing);
		out->how = RENDER_SHOW_PAGES;
		out->lines_per_page = (int)per;
		out->pages = (int)((l->nlines + per - 1) / per);
		if (out->pages == 0)
			out->pages = 1;
		break;
	}
	}
	/* the text as lines, " / " between them, for the report */
	render_utf8_decode(shown, &cps);
	if (cps == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < l->nlines; i++) {
		const struct render_line *ln = &l->lines[i];
		if (i > 0)
			cat_cps(out->shown, sizeof out->shown, (const uint32_t *)U" / ", 0, 3);
		cat_cps(out->shown, sizeof out->shown, cps, ln->cp, ln->cp + ln->ncp);
		if ((ln->brk == RENDER_BRK_FORCED || ln->brk == RENDER_BRK_VETO || ln->brk == RENDER_BRK_SPLIT) &&
		    out->broken[0] == '\0' && i + 1 < l->nlines) {
			const struct render_line *nx = &l->lines[i + 1];
			size_t s = ln->cp + ln->ncp > ln->cp + 4 ? ln->cp + ln->ncp - 4 : ln->cp;
			if (s < ln->cp)
				s = ln->cp;
			cat_cps(out->broken, sizeof out->broken, cps, s, ln->cp + ln->ncp);
			cat_cps(out->broken, sizeof out->broken, (const uint32_t *)U"|", 0, 1);
			cat_cps(out->broken, sizeof out->broken, cps, nx->cp, nx->cp + (nx->ncp < 4 ? nx->ncp : 4));
		}
	}
	rc = 0;
out:
	free(cps);
	free(text);
	return rc;
}

int
render_item(struct render_ctx *ctx, const struct ls_board *board, const struct ls_content *item,
    double now, double t, struct render_canvas *out, char *err, size_t errlen)
{
	struct render_paint paint;
	char *text;
	int rc = 0, use_cov;
	size_t npx = (size_t)out->width * (size_t)out->height;

	render_paint_init(ctx, &paint, out->format, item->color, item->background);
	if (item->effect == LS_FX_FLASH) {
		double hz = item->flash_hz > 0 ? item->flash_hz : 1.0;
		double ph = t * hz - floor(t * hz);
		if (ph >= 0.5) {
			render_fill_background(out, &paint);
			return 0;        /* the dark half of each flash period */
		}
	}
	/* RGB text on a plain background goes through a coverage buffer: one
	 * pass then writes every pixel from a blend table (background included) */
	use_cov = paint.aa == RENDER_AA_GREY && item->image == NULL && item->text != NULL && item->text[0] != '\0';
	if (use_cov && ctx->covcap < npx) {
		uint8_t *nc = realloc(ctx->cov, npx);
		if (nc == NULL)
			use_cov = 0;
		else {
			ctx->cov = nc;
			ctx->covcap = npx;
		}
	}
	if (use_cov) {
		memset(ctx->cov, 0, npx);
		paint.cov = ctx->cov;
	} else
		render_fill_background(out, &paint);
	if (item->image != NULL && render_image_item(ctx, item, t, out, err, errlen) != 0)
		return -1;
	if (item->text == NULL || item->text[0] == '\0')
		return 0;
	if (strchr(item->text, '{') == NULL)
		text = NULL;         /* no live fields: draw the text as it is */
	else if ((text = render_fields_expand(ctx, item->text, now, err, errlen)) == NULL) {
		char tmp[512];
		snprintf(tmp, sizeof tmp, "item %s: %s", item->name ? item->name : "?", err);
		snprintf(err, errlen, "%s", tmp);
		if (use_cov)
			render_fill_background(out, &paint);
		return -1;
	}
	rc = draw_text(ctx, board, item, &paint, text != NULL ? text : item->text, t, out, err, errlen);
	if (use_cov) {
		if (rc == 0)
			render_cov_resolve(out, &paint);
		else
			render_fill_background(out, &paint);
	}
	free(text);
	return rc;
}

struct png_err {
	char  *buf;
	size_t len;
};

static void
png_write_error(png_structp png, png_const_charp msg)
{
	struct png_err *e = png_get_error_ptr(png);

	snprintf(e->buf, e->len, "%s", msg);
	png_longjmp(png, 1);
}

static void
png_write_warning(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

int
render_png_write_rgb(const uint8_t *rgb, int w, int h, const char *path, char *err, size_t errlen)
{
	FILE *volatile fp = NULL;
	png_structp png = NULL;
	png_infop info = NULL;
	char msg[256] = "";
	struct png_err e = { msg, sizeof msg };

	if ((fp = fopen(path, "wb")) == NULL) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &e, png_write_error, png_write_warning);
	if (png == NULL || (info = png_create_info_struct(png)) == NULL)
		goto fail;
	if (setjmp(png_jmpbuf(png)))
		goto fail;
	png_init_io(png, fp);
	png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB,
	    PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (int y = 0; y < h; y++)
		png_write_row(png, rgb + (size_t)y * (size_t)w * 3);
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	if (fclose(fp) != 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
fail:
	png_destroy_write_struct(&png, &info);
	fclose(fp);
	snprintf(err, errlen, "cannot write %s: %s", path, msg[0] ? msg : "out of memory");
	return -1;
}

int
render_png_write_raw(const struct render_canvas *c, const char *path, char *err, size_t errlen)
{
	uint8_t *rgb = malloc((size_t)c->width * (size_t)c->height * 3);
	int rc;

	if (rgb == NULL) {
		snprintf(err, errlen, "cannot write %s: out of memory", path);
		return -1;
	}
	for (int y = 0; y < c->height; y++)
		for (int x = 0; x < c->width; x++) {
			ls_rgb v = render_canvas_get(c, x, y);
			uint8_t *p = rgb + ((size_t)y * (size_t)c->width + (size_t)x) * 3;
			p[0] = (uint8_t)(v >> 16);
			p[1] = (uint8_t)(v >> 8);
			p[2] = (uint8_t)v;
		}
	rc = render_png_write_rgb(rgb, c->width, c->height, path, err, errlen);
	free(rgb);
	return rc;
}
