/*
 * render/draw.c — putting laid-out glyphs into a canvas.
 *
 * Colours are mapped to what the board can show once per item
 * (render_paint_init), so the per-pixel work is a bit set on mono and
 * red-green boards and a linear-light blend on RGB boards.
 */
#include <string.h>

#include "render/render_int.h"

static unsigned
luma(ls_rgb c)
{
	return (((c >> 16) & 0xff) * 299 + ((c >> 8) & 0xff) * 587 + (c & 0xff) * 114) / 1000;
}

/* Text on a mono or red-green board must stay visible whatever colour the
 * config asks for: a mono board lights the text (or, when the background is
 * the brighter colour, the background); a red-green board takes the nearest
 * of red, green and amber. */
void
render_paint_init(struct render_ctx *ctx, struct render_paint *p, enum ls_format f, ls_rgb color, ls_rgb background)
{
	p->aa = (f == LS_FMT_MONO || f == LS_FMT_REDGREEN) ? RENDER_AA_MONO : RENDER_AA_GREY;
	switch (f) {
	case LS_FMT_MONO:
		if (luma(background) >= 128 && luma(background) > luma(color)) {
			p->bg = 0xffffff;
			p->fg = 0;
		} else {
			p->bg = 0;
			p->fg = 0xffffff;
		}
		break;
	case LS_FMT_REDGREEN:
		p->fg = render_quantize(f, color);
		p->bg = render_quantize(f, background);
		if (p->fg == 0 || p->fg == p->bg) {
			unsigned r = (color >> 16) & 0xff, g = (color >> 8) & 0xff;
			ls_rgb want = r > g * 2 ? 0xff0000 : g > r * 2 ? 0x00ff00 : 0xffff00;
			p->fg = want != p->bg ? want : 0;
		}
		break;
	default:
		p->fg = render_quantize(f, color);
		p->bg = render_quantize(f, background);
		break;
	}
	for (int k = 0; k < 3; k++) {
		p->fg_lin[k] = render_srgb_to_lin((uint8_t)(p->fg >> (16 - 8 * k)));
		p->bg_rgb[k] = (uint8_t)(p->bg >> (16 - 8 * k));
	}
	p->mix = NULL;
	p->cov = NULL;
	if (p->aa == RENDER_AA_GREY) {
		if (!ctx->mix_valid || ctx->mix_fg != p->fg || ctx->mix_bg != p->bg) {
			uint16_t bl[3];
			for (int k = 0; k < 3; k++)
				bl[k] = render_srgb_to_lin(p->bg_rgb[k]);
			for (unsigned a = 0; a < 256; a++)
				for (int k = 0; k < 3; k++)
					ctx->mix[a][k] = render_lin_to_srgb((uint16_t)((bl[k] * (255 - a) + p->fg_lin[k] * a + 127) / 255));
			ctx->mix_fg = p->fg;
			ctx->mix_bg = p->bg;
			ctx->mix_valid = 1;
		}
		p->mix = (const uint8_t (*)[3])ctx->mix;
	}
}

void
render_fill_background(struct render_canvas *c, const struct render_paint *p)
{
	render_canvas_clear(c);
	if (p->bg == 0)
		return;
	/* one row through the conversion path, then copies (padding bits stay 0) */
	render_canvas_fill(c, 0, 0, c->width, 1, p->bg);
	for (int y = 1; y < c->height; y++)
		memcpy(c->data + (size_t)y * c->stride, c->data, c->stride);
}

/* fg over whatever is at d (slow path: d is not the plain background) */
/* 16 bytes at once (GCC and Clang vector extension): the compiler does not
 * vectorise the max loop by itself at -O2. */
typedef uint8_t render_v16 __attribute__((vector_size(16)));

static inline void
blend_px(uint8_t *d, unsigned a, const uint16_t fl[3])
{
	for (int k = 0; k < 3; k++) {
		unsigned bl = render_srgb_to_lin(d[k]);
		unsigned v = (bl * (255 - a) + fl[k] * a + 127) / 255;
		d[k] = render_lin_to_srgb((uint16_t)v);
	}
}

/* A hard-edged glyph's bits into a mono canvas, columns [gx0, gx1) and rows
 * [gy0, gy1) of it, with its top-left at (x, y): each byte of the glyph is
 * shifted into the two canvas bytes it straddles.  Lit text sets bits, dark
 * text (on a lit background) clears them. */
static void
blit_bits_mono(struct render_canvas *c, const struct render_glyph *g, int x, int y,
    int gx0, int gy0, int gx1, int gy1, int lit)
{
	size_t bpr = ((size_t)g->w + 7) / 8;
	int b0 = gx0 >> 3, b1 = (gx1 - 1) >> 3;

	if (gx0 == 0 && gx1 == g->w && x >= 0) {
		/* not clipped across: each glyph byte goes to the canvas byte it
		 * starts in and carries its low bits into the next (the bits past
		 * the glyph's width are 0, so nothing reaches a row's padding) */
		unsigned s = (unsigned)x & 7;
		size_t d0 = (size_t)x >> 3;

		if (bpr <= 3 && d0 + 4 <= c->stride) {
			/* up to 24 px wide, with 4 canvas bytes to spare: one row is
			 * one shift of a 32-bit word and four byte ORs, no branches */
			for (int gy = gy0; gy < gy1; gy++) {
				const uint8_t *src = g->bits + (size_t)gy * bpr;
				uint8_t *row = c->data + (size_t)(y + gy) * c->stride + d0;
				uint32_t v = (uint32_t)src[0] << 24;

				if (bpr > 1)
					v |= (uint32_t)src[1] << 16;
				if (bpr > 2)
					v |= (uint32_t)src[2] << 8;
				v >>= s;
				if (lit) {
					row[0] |= (uint8_t)(v >> 24);
					row[1] |= (uint8_t)(v >> 16);
					row[2] |= (uint8_t)(v >> 8);
					row[3] |= (uint8_t)v;
				} else {
					row[0] &= (uint8_t)~(v >> 24);
					row[1] &= (uint8_t)~(v >> 16);
					row[2] &= (uint8_t)~(v >> 8);
					row[3] &= (uint8_t)~v;
				}
			}
			return;
		}
		for (int gy = gy0; gy < gy1; gy++) {
			const uint8_t *src = g->bits + (size_t)gy * bpr;
			uint8_t *row = c->data + (size_t)(y + gy) * c->stride + d0;
			unsigned carry = 0;
			size_t i;

			for (i = 0; i < bpr; i++) {
				unsigned v = carry | src[i] >> s;
				carry = (src[i] << (8 - s)) & 0xff;
				if (lit)
					row[i] |= (uint8_t)v;
				else
					row[i] &= (uint8_t)~v;
			}
			if (carry != 0) {
				if (lit)
					row[i] |= (uint8_t)carry;
				else
					row[i] &= (uint8_t)~carry;
			}
		}
		return;
	}
	for (int gy = gy0; gy < gy1; gy++) {
		const uint8_t *src = g->bits + (size_t)gy * bpr;
		uint8_t *row = c->data + (size_t)(y + gy) * c->stride;

		for (int b = b0; b <= b1; b++) {
			unsigned v = src[b];
			/* the clip: columns before gx0 and from gx1 on are not drawn,
			 * so no bit lands left of the canvas or in a row's padding */
			if (8 * b < gx0)
				v &= 0xffu >> (gx0 - 8 * b);
			if (8 * b + 8 > gx1)
				v &= 0xffu << (8 * b + 8 - gx1);
			v &= 0xff;
			if (v == 0)
				continue;
			/* canvas column of the byte's top bit, + 8 so that it is not
			 * negative (it is at least -7: the clip keeps column 0 on) */
			unsigned at = (unsigned)(x + 8 * b + 8);
			unsigned w = v << (8 - (at & 7));       /* 16 bits: two canvas bytes */
			size_t db = at / 8;                     /* the second of them, + 1 */
			if (lit) {
				if (db >= 1 && (w >> 8) != 0)
					row[db - 1] |= (uint8_t)(w >> 8);
				if ((w & 0xff) != 0)
					row[db] |= (uint8_t)w;
			} else {
				if (db >= 1 && (w >> 8) != 0)
					row[db - 1] &= (uint8_t)~(w >> 8);
				if ((w & 0xff) != 0)
					row[db] &= (uint8_t)~w;
			}
		}
	}
}

/* Row gy of a glyph as coverage: its own, or its bits spread into buf
 * (red-green boards draw hard-edged glyphs pixel by pixel). */
static const uint8_t *
glyph_row(const struct render_glyph *g, int gy, uint8_t *buf)
{
	if (g->cov != NULL)
		return g->cov + (size_t)gy * g->w;
	for (int x = 0; x < g->w; x++)
		buf[x] = (g->bits[(size_t)gy * (((size_t)g->w + 7) / 8) + (size_t)(x >> 3)] & (0x80u >> (x & 7))) ? 255 : 0;
	return buf;
}

/* One glyph at (x, y) = top-left of its bitmap, clipped to the clip box. */
static void
blit(struct render_canvas *c, const struct render_paint *p, const struct render_glyph *g,
    int x, int y, int cx0, int cy0, int cx1, int cy1)
{
	int gx0 = 0, gy0 = 0, gx1 = g->w, gy1 = g->h;
	uint8_t fgb[3] = { (uint8_t)(p->fg >> 16), (uint8_t)(p->fg >> 8), (uint8_t)p->fg };
	const uint16_t *fl = p->fg_lin;
	uint8_t rowcov[4096];      /* one row of a glyph kept as bits, as coverage */

	if (x < cx0) gx0 = cx0 - x;
	if (y < cy0) gy0 = cy0 - y;
	if (x + gx1 > cx1) gx1 = cx1 - x;
	if (y + gy1 > cy1) gy1 = cy1 - y;
	if (gx0 >= gx1 || gy0 >= gy1)
		return;
	if (g->bits != NULL && c->format == LS_FMT_MONO && p->cov == NULL) {
		blit_bits_mono(c, g, x, y, gx0, gy0, gx1, gy1, p->fg != 0);
		return;
	}
	if (p->cov != NULL) {
		/* coverage only: max() keeps overlapping glyph edges right, and the
		 * loop has no branches the compiler cannot vectorise */
		for (int gy = gy0; gy < gy1; gy++) {
			const uint8_t *src = glyph_row(g, gy, rowcov);
			uint8_t *dst = p->cov + (size_t)(y + gy) * (size_t)c->width;
			int gx = gx0;
			for (; gx + 16 <= gx1; gx += 16) {
				render_v16 a, b, m;
				memcpy(&a, src + gx, 16);
				memcpy(&b, dst + x + gx, 16);
				m = (render_v16)(a > b);
				b = (a & m) | (b & ~m);
				memcpy(dst + x + gx, &b, 16);
			}
			for (; gx < gx1; gx++)
				dst[x + gx] = src[gx] > dst[x + gx] ? src[gx] : dst[x + gx];
		}
		return;
	}
	for (int gy = gy0; gy < gy1; gy++) {
		const uint8_t *cov = glyph_row(g, gy, rowcov);
		uint8_t *row = c->data + (size_t)(y + gy) * c->stride;
		switch (c->format) {
		case LS_FMT_MONO:
			for (int gx = gx0; gx < gx1; gx++) {
				if (cov[gx] < 128)
					continue;
				int px = x + gx;
				if (p->fg)
					row[px >> 3] |= (uint8_t)(0x80u >> (px & 7));
				else
					row[px >> 3] &= (uint8_t)~(0x80u >> (px & 7));
			}
			break;
		case LS_FMT_REDGREEN: {
			unsigned bits = (p->fg & 0xff0000 ? 2u : 0) | (p->fg & 0x00ff00 ? 1u : 0);
			for (int gx = gx0; gx < gx1; gx++) {
				if (cov[gx] < 128)
					continue;
				int px = x + gx;
				unsigned sh = 6 - 2 * (unsigned)(px & 3);
				row[px >> 2] = (uint8_t)((row[px >> 2] & ~(3u << sh)) | bits << sh);
			}
			break;
		}
		case LS_FMT_RGB888:
			for (int gx = gx0; gx < gx1; gx++) {
				unsigned a = cov[gx];
				uint8_t *d = row + 3 * (x + gx);
				if (a == 0)
					continue;
				if (a == 255)
					memcpy(d, fgb, 3);
				else if (d[0] == p->bg_rgb[0] && d[1] == p->bg_rgb[1] && d[2] == p->bg_rgb[2])
					memcpy(d, p->mix[a], 3);
				else
					blend_px(d, a, fl);
			}
			break;
		case LS_FMT_RGB565:
			for (int gx = gx0; gx < gx1; gx++) {
				unsigned a = cov[gx];
				if (a == 0)
					continue;
				if (a == 255) {
					render_canvas_set(c, x + gx, y + gy, p->fg);
				} else {
					ls_rgb cur = render_canvas_get(c, x + gx, y + gy);
					uint8_t d[3] = { (uint8_t)(cur >> 16), (uint8_t)(cur >> 8), (uint8_t)cur };
					blend_px(d, a, fl);
					render_canvas_set(c, x + gx, y + gy, (ls_rgb)d[0] << 16 | (ls_rgb)d[1] << 8 | d[2]);
				}
			}
			break;
		}
	}
}

void
render_cov_resolve(struct render_canvas *c, const struct render_paint *p)
{
	uint16_t m565[256];
	uint8_t m32[256][4];
	uint8_t bg8[24], bg565[16];

	for (int a = 0; a < 256; a++) {
		unsigned r = p->mix[a][0], g = p->mix[a][1], b = p->mix[a][2];
		m565[a] = (uint16_t)((r >> 3) << 11 | (g >> 2) << 5 | (b >> 3));
		memcpy(m32[a], p->mix[a], 3);
		m32[a][3] = 0;
	}
	for (int i = 0; i < 8; i++) {
		memcpy(bg8 + 3 * i, p->mix[0], 3);
		bg565[2 * i] = (uint8_t)m565[0];
		bg565[2 * i + 1] = (uint8_t)(m565[0] >> 8);
	}
	/* eight pixels at a time: most of a board is background */
	for (int y = 0; y < c->height; y++) {
		const uint8_t *cv = p->cov + (size_t)y * (size_t)c->width;
		uint8_t *row = c->data + (size_t)y * c->stride;
		int x = 0;
		if (c->format == LS_FMT_RGB888) {
			/* whole 4-byte stores, each overlapping the next pixel, which is
			 * written after it; the row's last pixel gets exactly 3 bytes */
			for (; x + 8 < c->width; x += 8) {
				uint64_t w;
				memcpy(&w, cv + x, 8);
				if (w == 0)
					memcpy(row + 3 * x, bg8, 24);
				else
					for (int i = x; i < x + 8; i++)
						memcpy(row + 3 * i, &m32[cv[i]], 4);
			}
			for (; x < c->width; x++)
				memcpy(row + 3 * x, p->mix[cv[x]], 3);
		} else if (c->format == LS_FMT_RGB565) {
			for (; x + 8 <= c->width; x += 8) {
				uint64_t w;
				memcpy(&w, cv + x, 8);
				if (w == 0)
					memcpy(row + 2 * x, bg565, 16);
				else
					for (int i = x; i < x + 8; i++) {
						row[2 * i] = (uint8_t)m565[cv[i]];
						row[2 * i + 1] = (uint8_t)(m565[cv[i]] >> 8);
					}
			}
			for (; x < c->width; x++) {
				row[2 * x] = (uint8_t)m565[cv[x]];
				row[2 * x + 1] = (uint8_t)(m565[cv[x]] >> 8);
			}
		}
	}
}

/* Draw lines [first, first + nlines) of a layout with the first line's box
 * top at y0; lines are aligned within [x0, x0 + width). */
void
render_draw_layout(struct render_ctx *ctx, struct render_canvas *c, const struct render_paint *p, struct render_layout *l,
    size_t first, size_t nlines, int x0, int y0, int width, enum ls_halign align)
{
	int y = y0;

	for (size_t i = first; i < first + nlines && i < l->nlines; i++) {
		const struct render_line *ln = &l->lines[i];
		int lx = x0;

		if (align == LS_ALIGN_CENTER)
			lx = x0 + (width - ln->width) / 2;
		else if (align == LS_ALIGN_RIGHT)
			lx = x0 + width - ln->width;
		if (y < c->height && y + l->line_h > 0) {
			for (size_t k = ln->first; k < ln->first + ln->n; k++) {
				/* far outside the board: not even rasterised (a glyph's
				 * ink stays within a few ems of its pen position) */
				int px = lx + l->g[k].x;
				if (px >= c->width + 2 * l->size || px < -4 * l->size)
					continue;
				const struct render_glyph *g = render_layout_glyph(ctx, l, k);
				int gx = px + g->left;
				if (g->w == 0 || gx >= c->width || gx + g->w <= 0)
					continue;
				blit(c, p, g, gx, y + l->baseline - g->top, 0, 0, c->width, c->height);
			}
		}
		y += l->line_h + l->spacing;
	}
}
