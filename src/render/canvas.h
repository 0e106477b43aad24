/*
 * render/canvas.h — a board-sized pixel buffer in the board's own format.
 *
 * The bytes in `data` are exactly what goes to the board (before any
 * protocol's own repacking), so a preview of a canvas is bit for bit what
 * the board shows.  Layouts, row by row from the top, rows `stride` bytes:
 *   mono       1 bit per LED, leftmost LED in the most significant bit,
 *              1 = lit; row padded with 0 bits.
 *   red-green  2 bits per LED, 4 LEDs per byte, leftmost in bits 7..6;
 *              of the pair, the high bit is red, the low bit green
 *              (both = amber); row padded with 0 bits.
 *   rgb565     2 bytes per LED, little-endian, RRRRRGGG GGGBBBBB.
 *   rgb888     3 bytes per LED: R, G, B.
 * The canonical colour of a pixel (what raw previews and ledboard write):
 * mono lit = white; red-green red, green, amber = FF0000, 00FF00, FFFF00;
 * rgb565 widened by bit replication; rgb888 as stored.
 * firmware-proto/fw_pixels.h states the same layouts for the board side.
 */
#ifndef LEDSIGN_RENDER_CANVAS_H
#define LEDSIGN_RENDER_CANVAS_H

#include <stddef.h>
#include <stdint.h>
#include "config/model.h"

struct render_canvas {
	int            width, height;
	enum ls_format format;
	size_t         stride;   /* bytes per row */
	uint8_t       *data;     /* stride * height bytes, owned by the canvas */
};

/* Limits that keep a typo in a config from allocating gigabytes. */
#define RENDER_MAX_SIDE 4096

/* A new canvas, all LEDs off; NULL on bad size or out of memory.  Free with render_canvas_free. */
struct render_canvas *render_canvas_new(int width, int height, enum ls_format);
void   render_canvas_free(struct render_canvas *);
struct render_canvas *render_canvas_dup(const struct render_canvas *);
void   render_canvas_clear(struct render_canvas *);
size_t render_canvas_size(const struct render_canvas *);   /* stride * height */
/* Bytes per row for a format and width. */
size_t render_stride(enum ls_format, int width);

/* Set one LED from an RGB colour: the one conversion path into every format.
 * Out-of-range coordinates are ignored. */
void   render_canvas_set(struct render_canvas *, int x, int y, ls_rgb);
/* The canonical colour of one LED (see above); 0 outside the canvas. */
ls_rgb render_canvas_get(const struct render_canvas *, int x, int y);
/* The value an RGB colour becomes in a format, as canonical RGB
 * (what render_canvas_set followed by render_canvas_get would give). */
ls_rgb render_quantize(enum ls_format, ls_rgb);
/* Fill a rectangle (clipped). */
void   render_canvas_fill(struct render_canvas *, int x, int y, int w, int h, ls_rgb);
/* Copy `src` into `dst` with its top-left LED at x, y (clipped to dst), bit
 * for bit: the formats must be the same (nothing is copied otherwise).
 * This is how a layout's areas become one board picture. */
void   render_canvas_blit(struct render_canvas *dst, int x, int y, const struct render_canvas *src);
/* 1 when the two canvases have the same size, format and bytes. */
int    render_canvas_equal(const struct render_canvas *, const struct render_canvas *);
/* 1 when any LED is not off. */
int    render_canvas_lit(const struct render_canvas *);

#endif
