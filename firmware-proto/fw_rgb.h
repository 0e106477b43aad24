/*
 * fw_rgb.h — the board's pixel buffer for the vendor decoders (Onbon BX,
 * DDP, E1.31, Art-Net), in the canvas layouts of ledsign's render/canvas.h:
 *   mono       1 bit per LED, leftmost in the most significant bit, 1 = lit
 *   red-green  2 bits per LED, 4 per byte, leftmost in bits 7..6, high = red
 *   rgb565     2 bytes per LED, little-endian RRRRRGGG GGGBBBBB
 *   rgb888     3 bytes per LED: R, G, B
 * Rows are `stride` bytes, top row first.  C99, no allocation.
 */
#ifndef FW_RGB_H
#define FW_RGB_H

#include <stddef.h>
#include <stdint.h>

enum fw_rgb_format { FW_RGB_MONO, FW_RGB_REDGREEN, FW_RGB_565, FW_RGB_888 };

struct fw_rgb_canvas {
	int      width, height;
	int      format;              /* enum fw_rgb_format */
	size_t   stride;
	uint8_t *data;
};

/* Bytes per row for a format and width (0 for a bad format). */
size_t fw_rgb_stride(int format, int width);

/* Set LED (x, y) from 8-bit R, G, B, quantised exactly as ledsign quantises
 * colours into the canvas (so a canonical colour comes back unchanged).
 * Coordinates outside the canvas are ignored. */
void fw_rgb_set(struct fw_rgb_canvas *, int x, int y, unsigned r, unsigned g, unsigned b);

/* Channel order on the wire, as in ledsign's config: "rgb", "grb", ...;
 * order[i] is the colour channel (0 R, 1 G, 2 B) in wire position i.
 * 0, or -1 for a string that is not an order of r, g and b. */
int fw_rgb_order_parse(const char *name, uint8_t order[3]);

/* Set LED number `index` (row-major from the top left) from three wire bytes. */
void fw_rgb_set_index(struct fw_rgb_canvas *, long index, const uint8_t order[3],
    const uint8_t wire[3]);

#endif
