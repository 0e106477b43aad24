/*
 * render/canvas.c — pixel storage in each board format, and the one
 * RGB-to-format conversion every renderer goes through.
 */
#include <stdlib.h>
#include <string.h>

#include "render/canvas.h"

size_t
render_stride(enum ls_format f, int width)
{
	switch (f) {
	case LS_FMT_MONO:     return ((size_t)width + 7) / 8;
	case LS_FMT_REDGREEN: return ((size_t)width + 3) / 4;
	case LS_FMT_RGB565:   return (size_t)width * 2;
	case LS_FMT_RGB888:   return (size_t)width * 3;
	}
	return 0;
}

struct render_canvas *
render_canvas_new(int width, int height, enum ls_format f)
{
	struct render_canvas *c;

	if (width <= 0 || height <= 0 || width > RENDER_MAX_SIDE || height > RENDER_MAX_SIDE)
		return NULL;
	if ((c = calloc(1, sizeof *c)) == NULL)
		return NULL;
	c->width = width;
	c->height = height;
	c->format = f;
	c->stride = render_stride(f, width);
	if ((c->data = calloc(c->stride, (size_t)height)) == NULL) {
		free(c);
		return NULL;
	}
	return c;
}

void
render_canvas_free(struct render_canvas *c)
{
	if (c == NULL)
		return;
	free(c->data);
	free(c);
}

struct render_canvas *
render_canvas_dup(const struct render_canvas *src)
{
	struct render_canvas *c = render_canvas_new(src->width, src->height, src->format);

	if (c != NULL)
		memcpy(c->data, src->data, render_canvas_size(src));
	return c;
}

size_t
render_canvas_size(const struct render_canvas *c)
{
	return c->stride * (size_t)c->height;
}

void
render_canvas_clear(struct render_canvas *c)
{
	memset(c->data, 0, render_canvas_size(c));
}

/* Perceived brightness, 0..255, integer Rec. 601 weights. */
static unsigned
luma(ls_rgb c)
{
	unsigned r = (c >> 16) & 0xff, g = (c >> 8) & 0xff, b = c & 0xff;

	return (r * 299 + g * 587 + b * 114) / 1000;
}

/* A red-green LED lights red for reddish colours, green for greenish, both
 * for yellows and whites; dark colours stay off.  The threshold of 128 per
 * channel (blue counting towards both, at half weight) keeps white text white-ish (amber). */
static unsigned
redgreen_bits(ls_rgb c)
{
	unsigned r = (c >> 16) & 0xff, g = (c >> 8) & 0xff, b = c & 0xff;
	unsigned bits = 0;

	if (r + b / 2 >= 128)
		bits |= 2;
	if (g + b / 2 >= 128)
		bits |= 1;
	return bits;
}

void
render_canvas_set(struct render_canvas *c, int x, int y, ls_rgb rgb)
{
	uint8_t *row;

	if (x < 0 || y < 0 || x >= c->width || y >= c->height)
		return;
	row = c->data + (size_t)y * c->stride;
	switch (c->format) {
	case LS_FMT_MONO: {
		uint8_t bit = (uint8_t)(0x80u >> (x & 7));
		if (luma(rgb) >= 128)
			row[x >> 3] |= bit;
		else
			row[x >> 3] &= (uint8_t)~bit;
		break;
	}
	case LS_FMT_REDGREEN: {
		unsigned shift = 6 - 2 * (unsigned)(x & 3);
		row[x >> 2] = (uint8_t)((row[x >> 2] & ~(3u << shift)) | (redgreen_bits(rgb) << shift));
		break;
	}
	case LS_FMT_RGB565: {
		unsigned r = (rgb >> 16) & 0xff, g = (rgb >> 8) & 0xff, b = rgb & 0xff;
		unsigned v = ((r >> 3) << 11) | ((g >> 2) << 5) | (b >> 3);
		row[2 * x] = (uint8_t)(v & 0xff);
		row[2 * x + 1] = (uint8_t)(v >> 8);
		break;
	}
	case LS_FMT_RGB888:
		row[3 * x] = (uint8_t)(rgb >> 16);
		row[3 * x + 1] = (uint8_t)(rgb >> 8);
		row[3 * x + 2] = (uint8_t)rgb;
		break;
	}
}

ls_rgb
render_canvas_get(const struct render_canvas *c, int x, int y)
{
	const uint8_t *row;

	if (x < 0 || y < 0 || x >= c->width || y >= c->height)
		return 0;
	row = c->data + (size_t)y * c->stride;
	switch (c->format) {
	case LS_FMT_MONO:
		return (row[x >> 3] & (0x80u >> (x & 7))) ? 0xffffff : 0;
	case LS_FMT_REDGREEN: {
		unsigned bits = (row[x >> 2] >> (6 - 2 * (x & 3))) & 3;
		return (bits & 2 ? 0xff0000u : 0) | (bits & 1 ? 0x00ff00u : 0);
	}
	case LS_FMT_RGB565: {
		unsigned v = row[2 * x] | (unsigned)row[2 * x + 1] << 8;
		unsigned r = (v >> 11) & 31, g = (v >> 5) & 63, b = v & 31;
		r = (r << 3) | (r >> 2);
		g = (g << 2) | (g >> 4);
		b = (b << 3) | (b >> 2);
		return (r << 16) | (g << 8) | b;
	}
	case LS_FMT_RGB888:
		return (ls_rgb)row[3 * x] << 16 | (ls_rgb)row[3 * x + 1] << 8 | row[3 * x + 2];
	}
	return 0;
}

ls_rgb
render_quantize(enum ls_format f, ls_rgb rgb)
{
	struct render_canvas one = { 1, 1, f, render_stride(f, 1), NULL };
	uint8_t buf[4] = { 0 };

	one.data = buf;
	render_canvas_set(&one, 0, 0, rgb);
	return render_canvas_get(&one, 0, 0);
}

void
render_canvas_fill(struct render_canvas *c, int x, int y, int w, int h, ls_rgb rgb)
{
	int x1 = x + w, y1 = y + h;

	if (x < 0) x = 0;
	if (y < 0) y = 0;
	if (x1 > c->width) x1 = c->width;
	if (y1 > c->height) y1 = c->height;
	for (int yy = y; yy < y1; yy++)
		for (int xx = x; xx < x1; xx++)
			render_canvas_set(c, xx, yy, rgb);
}

int
render_canvas_equal(const struct render_canvas *a, const struct render_canvas *b)
{
	return a->width == b->width && a->height == b->height && a->format == b->format &&
	    memcmp(a->data, b->data, render_canvas_size(a)) == 0;
}

int
render_canvas_lit(const struct render_canvas *c)
{
	size_t n = render_canvas_size(c);

	for (size_t i = 0; i < n; i++)
		if (c->data[i])
			return 1;
	return 0;
}

void
render_canvas_blit(struct render_canvas *dst, int x, int y, const struct render_canvas *src)
{
	int sx0 = x < 0 ? -x : 0, sy0 = y < 0 ? -y : 0;
	int sx1 = src->width, sy1 = src->height;

	if (dst->format != src->format)
		return;
	if (x + sx1 > dst->width)
		sx1 = dst->width - x;
	if (y + sy1 > dst->height)
		sy1 = dst->height - y;
	if (sx0 >= sx1 || sy0 >= sy1)
		return;
	for (int sy = sy0; sy < sy1; sy++) {
		const uint8_t *s = src->data + (size_t)sy * src->stride;
		uint8_t *d = dst->data + (size_t)(y + sy) * dst->stride;

		switch (src->format) {
		case LS_FMT_RGB565:
		case LS_FMT_RGB888: {
			size_t bpp = src->format == LS_FMT_RGB565 ? 2 : 3;
			memcpy(d + (size_t)(x + sx0) * bpp, s + (size_t)sx0 * bpp, (size_t)(sx1 - sx0) * bpp);
			break;
		}
		case LS_FMT_MONO:
			/* bits at any offset: one LED at a time (areas are small and
			 * this runs once per frame) */
			for (int sx = sx0; sx < sx1; sx++) {
				int dx = x + sx;
				uint8_t bit = (uint8_t)(0x80u >> (dx & 7));
				if (s[sx >> 3] & (0x80u >> (sx & 7)))
					d[dx >> 3] |= bit;
				else
					d[dx >> 3] &= (uint8_t)~bit;
			}
			break;
		case LS_FMT_REDGREEN:
			for (int sx = sx0; sx < sx1; sx++) {
				int dx = x + sx;
				unsigned v = (s[sx >> 2] >> (6 - 2 * (unsigned)(sx & 3))) & 3u;
				unsigned shift = 6 - 2 * (unsigned)(dx & 3);
				d[dx >> 2] = (uint8_t)((d[dx >> 2] & ~(3u << shift)) | (v << shift));
			}
			break;
		}
	}
}
