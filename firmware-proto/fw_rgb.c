/* fw_rgb.c — quantising RGB into the board's canvas formats. */
#include "fw_rgb.h"

size_t
fw_rgb_stride(int format, int width)
{
	size_t w = width > 0 ? (size_t)width : 0;

	switch (format) {
	case FW_RGB_MONO:     return (w + 7) / 8;
	case FW_RGB_REDGREEN: return (w + 3) / 4;
	case FW_RGB_565:      return w * 2;
	case FW_RGB_888:      return w * 3;
	default:              return 0;
	}
}

void
fw_rgb_set(struct fw_rgb_canvas *c, int x, int y, unsigned r, unsigned g, unsigned b)
{
	uint8_t *row;

	if (x < 0 || y < 0 || x >= c->width || y >= c->height)
		return;
	r &= 0xff;
	g &= 0xff;
	b &= 0xff;
	row = c->data + (size_t)y * c->stride;
	switch (c->format) {
	case FW_RGB_MONO: {
		/* The same Rec. 601 luma threshold as the host. */
		uint8_t bit = (uint8_t)(0x80u >> (x & 7));

		if ((r * 299 + g * 587 + b * 114) / 1000 >= 128)
			row[x >> 3] |= bit;
		else
			row[x >> 3] &= (uint8_t)~bit;
		break;
	}
	case FW_RGB_REDGREEN: {
		unsigned shift = 6 - 2 * (unsigned)(x & 3), bits = 0;

		if (r + b / 2 >= 128)
			bits |= 2;
		if (g + b / 2 >= 128)
			bits |= 1;
		row[x >> 2] = (uint8_t)((row[x >> 2] & ~(3u << shift)) | (bits << shift));
		break;
	}
	case FW_RGB_565: {
		unsigned v = ((r >> 3) << 11) | ((g >> 2) << 5) | (b >> 3);

		row[2 * x] = (uint8_t)(v & 0xff);
		row[2 * x + 1] = (uint8_t)(v >> 8);
		break;
	}
	case FW_RGB_888:
		row[3 * x] = (uint8_t)r;
		row[3 * x + 1] = (uint8_t)g;
		row[3 * x + 2] = (uint8_t)b;
		break;
	default:
		break;
	}
}

int
fw_rgb_order_parse(const char *name, uint8_t order[3])
{
	unsigned seen = 0;
	int i;

	if (name == 0)
		name = "rgb";
	for (i = 0; i < 3; i++) {
		int ch;

		switch (name[i]) {
		case 'r': case 'R': ch = 0; break;
		case 'g': case 'G': ch = 1; break;
		case 'b': case 'B': ch = 2; break;
		default: return -1;
		}
		if (seen & (1u << ch))
			return -1;
		seen |= 1u << ch;
		order[i] = (uint8_t)ch;
	}
	return name[3] == '\0' ? 0 : -1;
}

void
fw_rgb_set_index(struct fw_rgb_canvas *c, long index, const uint8_t order[3],
    const uint8_t wire[3])
{
	unsigned rgb[3];
	int i;

	if (index < 0 || c->width <= 0 || index >= (long)c->width * c->height)
		return;
	for (i = 0; i < 3; i++)
		rgb[order[i]] = wire[i];
	fw_rgb_set(c, (int)(index % c->width), (int)(index / c->width), rgb[0], rgb[1], rgb[2]);
}
