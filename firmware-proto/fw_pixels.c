/* fw_pixels.c — per-LED access to the board pixel layouts (see fw_pixels.h). */
#include <string.h>

#include "fw_pixels.h"

uint32_t
fw_pix_stride(uint8_t format, uint32_t width)
{
	switch (format) {
	case FW_PIX_MONO:     return (width + 7) / 8;
	case FW_PIX_REDGREEN: return (width + 3) / 4;
	case FW_PIX_RGB565:   return width * 2;
	case FW_PIX_RGB888:   return width * 3;
	default:              return 0;
	}
}

unsigned
fw_pix_bits(uint8_t format)
{
	static const unsigned bits[FW_PIX_COUNT] = { 1, 2, 16, 24 };

	return format < FW_PIX_COUNT ? bits[format] : 0;
}

uint32_t
fw_pix_get(const uint8_t *buf, uint32_t stride, uint8_t format, uint32_t x, uint32_t y)
{
	const uint8_t *row = buf + (size_t)y * stride;

	switch (format) {
	case FW_PIX_MONO:     return (row[x >> 3] >> (7 - (x & 7))) & 1u;
	case FW_PIX_REDGREEN: return (row[x >> 2] >> (6 - 2 * (x & 3))) & 3u;
	case FW_PIX_RGB565:   return row[2 * x] | (uint32_t)row[2 * x + 1] << 8;
	case FW_PIX_RGB888:
		return (uint32_t)row[3 * x] << 16 | (uint32_t)row[3 * x + 1] << 8 | row[3 * x + 2];
	default:              return 0;
	}
}

void
fw_pix_set(uint8_t *buf, uint32_t stride, uint8_t format, uint32_t x, uint32_t y, uint32_t v)
{
	uint8_t *row = buf + (size_t)y * stride;
	unsigned sh;

	switch (format) {
	case FW_PIX_MONO:
		sh = 7 - (x & 7);
		row[x >> 3] = (uint8_t)((row[x >> 3] & ~(1u << sh)) | ((v & 1u) << sh));
		break;
	case FW_PIX_REDGREEN:
		sh = 6 - 2 * (x & 3);
		row[x >> 2] = (uint8_t)((row[x >> 2] & ~(3u << sh)) | ((v & 3u) << sh));
		break;
	case FW_PIX_RGB565:
		row[2 * x] = (uint8_t)v;
		row[2 * x + 1] = (uint8_t)(v >> 8);
		break;
	case FW_PIX_RGB888:
		row[3 * x] = (uint8_t)(v >> 16);
		row[3 * x + 1] = (uint8_t)(v >> 8);
		row[3 * x + 2] = (uint8_t)v;
		break;
	default:
		break;
	}
}

uint32_t
fw_pix_rgb(uint8_t format, uint32_t v)
{
	uint32_t r, g, b;

	switch (format) {
	case FW_PIX_MONO:
		return v ? 0xFFFFFFu : 0;
	case FW_PIX_REDGREEN:
		return (v & 2u ? 0xFF0000u : 0) | (v & 1u ? 0x00FF00u : 0);
	case FW_PIX_RGB565:
		r = (v >> 11) & 31u;
		g = (v >> 5) & 63u;
		b = v & 31u;
		r = (r << 3) | (r >> 2);
		g = (g << 2) | (g >> 4);
		b = (b << 3) | (b >> 2);
		return r << 16 | g << 8 | b;
	case FW_PIX_RGB888:
		return v & 0xFFFFFFu;
	default:
		return 0;
	}
}

void
fw_pix_window(uint8_t *dst, uint32_t w, uint32_t h, const uint8_t *src,
    uint32_t sw, uint32_t sh, uint8_t format, int32_t ox, int32_t oy)
{
	uint32_t dstride = fw_pix_stride(format, w), sstride = fw_pix_stride(format, sw);
	unsigned bits = fw_pix_bits(format);

	memset(dst, 0, (size_t)dstride * h);
	for (uint32_t y = 0; y < h; y++) {
		int64_t sy = (int64_t)y + oy;

		if (sy < 0 || sy >= (int64_t)sh)
			continue;
		/* Whole-byte formats at a byte-aligned offset copy a row run at once. */
		if (bits >= 8) {
			int64_t x0 = ox < 0 ? -(int64_t)ox : 0;
			int64_t x1 = (int64_t)sw - ox;
			if (x1 > (int64_t)w)
				x1 = w;
			if (x1 > x0)
				memcpy(dst + (size_t)y * dstride + (size_t)x0 * (bits / 8),
				    src + (size_t)sy * sstride + (size_t)(x0 + ox) * (bits / 8),
				    (size_t)(x1 - x0) * (bits / 8));
			continue;
		}
		/* Sub-byte LEDs: move the row's bits a byte at a time. */
		{
			const uint8_t *srow = src + (size_t)sy * sstride;
			uint8_t *drow = dst + (size_t)y * dstride;
			int64_t sbits = (int64_t)sw * bits, dbits = (int64_t)w * bits;
			int64_t shift = (int64_t)ox * bits;

			for (uint32_t j = 0; j < dstride; j++) {
				int64_t s0 = (int64_t)j * 8 + shift;   /* source bit of this byte's msb */
				unsigned v = 0;

				if (s0 + 8 <= 0 || s0 >= sbits)
					continue;
				if (s0 >= 0 && (s0 & 7) == 0) {
					v = srow[s0 >> 3];
				} else {
					/* two source bytes around s0, bits outside the row read 0 */
					int64_t b0 = s0 >= 0 ? s0 >> 3 : -((-s0 + 7) >> 3);
					unsigned r = (unsigned)(s0 - b0 * 8);
					unsigned hi = b0 >= 0 && b0 * 8 < sbits ? srow[b0] : 0;
					unsigned lo = b0 + 1 >= 0 && (b0 + 1) * 8 < sbits ? srow[b0 + 1] : 0;
					v = ((hi << 8 | lo) >> (8 - r)) & 0xFFu;
				}
				/* clear source bits past the end of the source row */
				if (s0 + 8 > sbits)
					v &= 0xFFu << (unsigned)(s0 + 8 - sbits) & 0xFFu;
				/* clear what lies left of the source row (s0 < 0) */
				if (s0 < 0)
					v &= 0xFFu >> (unsigned)(-s0);
				/* and the destination's padding bits */
				if ((int64_t)j * 8 + 8 > dbits)
					v &= 0xFFu << (unsigned)((int64_t)j * 8 + 8 - dbits) & 0xFFu;
				drow[j] = (uint8_t)v;
			}
		}
	}
}

const char *
fw_pix_name(uint8_t format)
{
	static const char *const names[FW_PIX_COUNT] = { "mono", "red-green", "rgb565", "rgb888" };

	return format < FW_PIX_COUNT ? names[format] : "unknown";
}

int
fw_pix_parse(const char *name)
{
	for (uint8_t f = 0; f < FW_PIX_COUNT; f++)
		if (strcmp(fw_pix_name(f), name) == 0)
			return f;
	return -1;
}
