/*
 * fw_pixels.h — the pixel layouts a board receives, stated for the board side.
 *
 * Identical to src/render/canvas.h (the host's canvas), so what the host
 * renders is byte for byte what a board stores.  Rows top to bottom, each
 * row `stride` bytes (fw_pix_stride):
 *   FW_PIX_MONO      1 bit per LED, leftmost LED in the most significant
 *                    bit, 1 = lit; row padded with 0 bits.
 *   FW_PIX_REDGREEN  2 bits per LED, 4 LEDs per byte, leftmost in bits 7..6;
 *                    of the pair the high bit is red, the low bit green
 *                    (both = amber); row padded with 0 bits.
 *   FW_PIX_RGB565    2 bytes per LED, little-endian, RRRRRGGG GGGBBBBB.
 *   FW_PIX_RGB888    3 bytes per LED: R, G, B.
 * Canonical colours (what ledboard's PNGs show): mono lit = FFFFFF;
 * red-green red/green/amber = FF0000/00FF00/FFFF00; rgb565 widened by bit
 * replication (r5 -> r5<<3 | r5>>2, g6 -> g6<<2 | g6>>4); rgb888 as stored.
 * The numeric values of FW_PIX_* are the wire values of the LSP format byte.
 */
#ifndef FW_PIXELS_H
#define FW_PIXELS_H

#include <stddef.h>
#include <stdint.h>

enum fw_pix_format {
	FW_PIX_MONO = 0,
	FW_PIX_REDGREEN = 1,
	FW_PIX_RGB565 = 2,
	FW_PIX_RGB888 = 3,
	FW_PIX_COUNT
};

/* Bytes per row; 0 for an unknown format. */
uint32_t fw_pix_stride(uint8_t format, uint32_t width);
/* Bits per LED (1, 2, 16, 24); 0 for an unknown format. */
unsigned fw_pix_bits(uint8_t format);
/* The stored value of one LED (0..1, 0..3, 0..0xFFFF, 0..0xFFFFFF). */
uint32_t fw_pix_get(const uint8_t *buf, uint32_t stride, uint8_t format, uint32_t x, uint32_t y);
void     fw_pix_set(uint8_t *buf, uint32_t stride, uint8_t format, uint32_t x, uint32_t y, uint32_t v);
/* The canonical 0xRRGGBB colour of a stored value. */
uint32_t fw_pix_rgb(uint8_t format, uint32_t v);
/* Copy a w x h window of src (sw x sh) whose top-left is at (ox, oy) into
 * dst (w x h); LEDs outside src are off.  dst and src must not overlap. */
void fw_pix_window(uint8_t *dst, uint32_t w, uint32_t h, const uint8_t *src,
    uint32_t sw, uint32_t sh, uint8_t format, int32_t ox, int32_t oy);
/* Name as in the ledsign config ("mono", "red-green", "rgb565", "rgb888"); parse returns -1 if unknown. */
const char *fw_pix_name(uint8_t format);
int fw_pix_parse(const char *name);

#endif
