/* proto/pixel.c — canonical colours out of a proto_image, channel orders. */
#include <ctype.h>
#include <string.h>

#include "proto/pixel.h"

ls_rgb
proto_pixel_get(const struct proto_image *im, int x, int y)
{
	const uint8_t *row;

	if (x < 0 || y < 0 || x >= im->width || y >= im->height)
		return 0;
	row = im->data + (size_t)y * im->stride;
	switch (im->format) {
	case LS_FMT_MONO:
		return (row[x >> 3] & (0x80u >> (x & 7))) ? 0xffffffu : 0;
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
		return (ls_rgb)(r << 16 | g << 8 | b);
	}
	case LS_FMT_RGB888:
		return (ls_rgb)row[3 * x] << 16 | (ls_rgb)row[3 * x + 1] << 8 | row[3 * x + 2];
	}
	return 0;
}

int
proto_pixel_order_parse(const char *name, struct proto_pixel_order *out)
{
	unsigned seen = 0;

	if (name == NULL)
		name = "rgb";
	if (strlen(name) != 3)
		return -1;
	for (int i = 0; i < 3; i++) {
		int c = tolower((unsigned char)name[i]), ch;

		if (c == 'r')
			ch = 0;
		else if (c == 'g')
			ch = 1;
		else if (c == 'b')
			ch = 2;
		else
			return -1;
		if (seen & (1u << ch))
			return -1;
		seen |= 1u << ch;
		out->order[i] = (uint8_t)ch;
	}
	return 0;
}

void
proto_pixel_put(const struct proto_pixel_order *o, ls_rgb rgb, unsigned scale, uint8_t out[3])
{
	unsigned ch[3] = { (rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff };

	for (int i = 0; i < 3; i++)
		out[i] = (uint8_t)(scale >= 256 ? ch[o->order[i]] : (ch[o->order[i]] * scale) >> 8);
}

unsigned
proto_pixel_scale(int percent)
{
	if (percent <= 0)
		return 0;
	if (percent >= 100)
		return 256;
	return (unsigned)(percent * 256 + 50) / 100;
}

int
proto_pixel_brightness(unsigned *scale, int percent)
{
	if (percent < 0 || percent > 100)
		return -1;
	*scale = proto_pixel_scale(percent);
	return 0;
}

/* One pixel of row `row` (format f) at x as r, g, b. */
static inline void
pixel_rgb(const uint8_t *row, enum ls_format f, size_t x, unsigned ch[3])
{
	switch (f) {
	case LS_FMT_MONO: {
		unsigned v = (row[x >> 3] & (0x80u >> (x & 7))) ? 0xffu : 0;
		ch[0] = ch[1] = ch[2] = v;
		return;
	}
	case LS_FMT_REDGREEN: {
		unsigned bits = (row[x >> 2] >> (6 - 2 * (x & 3))) & 3;
		ch[0] = bits & 2 ? 0xffu : 0;
		ch[1] = bits & 1 ? 0xffu : 0;
		ch[2] = 0;
		return;
	}
	case LS_FMT_RGB565: {
		unsigned v = row[2 * x] | (unsigned)row[2 * x + 1] << 8;
		unsigned r = (v >> 11) & 31, g = (v >> 5) & 63, b = v & 31;
		ch[0] = (r << 3) | (r >> 2);
		ch[1] = (g << 2) | (g >> 4);
		ch[2] = (b << 3) | (b >> 2);
		return;
	}
	case LS_FMT_RGB888:
		ch[0] = row[3 * x];
		ch[1] = row[3 * x + 1];
		ch[2] = row[3 * x + 2];
		return;
	}
	ch[0] = ch[1] = ch[2] = 0;
}

void
proto_pixel_run(const struct proto_image *im, size_t pix, size_t n, const struct proto_pixel_order *o,
    unsigned scale, uint8_t *out)
{
	size_t w = (size_t)im->width;
	size_t y = w ? pix / w : 0, x = w ? pix % w : 0;
	int identity = o->order[0] == 0 && o->order[1] == 1 && o->order[2] == 2;

	while (n > 0 && y < (size_t)im->height) {
		const uint8_t *row = im->data + y * im->stride;
		size_t k = w - x < n ? w - x : n;

		if (im->format == LS_FMT_RGB888 && identity && scale >= 256) {
			/* the canvas bytes are the wire bytes */
			memcpy(out, row + 3 * x, 3 * k);
			out += 3 * k;
		} else {
			for (size_t i = x; i < x + k; i++, out += 3) {
				unsigned ch[3];

				pixel_rgb(row, im->format, i, ch);
				for (int c = 0; c < 3; c++)
					out[c] = (uint8_t)(scale >= 256 ? ch[o->order[c]] : (ch[o->order[c]] * scale) >> 8);
			}
		}
		n -= k;
		x = 0;
		y++;
	}
	/* past the last row: black, as proto_pixel_get gives */
	memset(out, 0, 3 * n);
}
