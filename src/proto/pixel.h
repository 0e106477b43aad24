/*
 * proto/pixel.h — reading a proto_image pixel by pixel, for the encoders
 * that send RGB (DDP, E1.31, Art-Net) rather than the canvas bytes.
 *
 * The colour returned is the canonical colour of render/canvas.h (mono lit
 * = white, red-green = FF0000/00FF00/FFFF00, rgb565 widened by bit
 * replication), so a board that quantises it back into its own format gets
 * exactly the canvas the preview shows.  proto/ must not include render/,
 * so the layouts are read here from the contract, not from canvas.c.
 */
#ifndef LEDSIGN_PROTO_PIXEL_H
#define LEDSIGN_PROTO_PIXEL_H

#include <stdint.h>
#include "proto/proto.h"

/* Canonical 0xRRGGBB of pixel (x, y); 0 outside the image. */
ls_rgb proto_pixel_get(const struct proto_image *, int x, int y);

/* Channel order on the wire: order[i] is the source channel (0 R, 1 G, 2 B)
 * sent in position i.  "rgb" -> {0,1,2}, "grb" -> {1,0,2}. */
struct proto_pixel_order {
	uint8_t order[3];
};

/* Parse "rgb", "grb", "brg", ... (any case); NULL means rgb.  0, or -1 when
 * the name is not a permutation of r, g, b. */
int proto_pixel_order_parse(const char *name, struct proto_pixel_order *out);

/* Write the three wire bytes of `rgb`, scaled by `scale` (0..256, 256 = full). */
void proto_pixel_put(const struct proto_pixel_order *, ls_rgb rgb, unsigned scale, uint8_t out[3]);

/* n pixels of im from pixel number pix (row-major), as proto_pixel_put
 * would write each, into out (3 n bytes): what DDP, E1.31 and Art-Net send.
 * Pixels past the end of the image are black. */
void proto_pixel_run(const struct proto_image *im, size_t pix, size_t n, const struct proto_pixel_order *o,
    unsigned scale, uint8_t *out);
/* Brightness percent (0..100) as a scale factor for proto_pixel_put. */
unsigned proto_pixel_scale(int percent);

/* encode_brightness for protocols with no brightness message (DDP, E1.31,
 * Art-Net): they scale the pixels of the following frames instead, so
 * nothing is sent.  Sets *scale; 0, or -1 when percent is not 0..100. */
int proto_pixel_brightness(unsigned *scale, int percent);

#endif
