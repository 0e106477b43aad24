/*
 * render/preview.c — an image that looks like the board: round LEDs on a
 * dark panel, scaled up.  Made from a finished canvas, so it shows exactly
 * the LEDs the board lights.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/render.h"

#define PANEL   0x0c0c0cu   /* the board's face between LEDs */
#define UNLIT   0x262626u   /* an LED that is off still shows as a dim dot */

int
render_preview_pitch(const struct render_canvas *c)
{
	int s = 1536 / (c->width > 0 ? c->width : 1);

	if (s > 12)
		s = 12;
	if (s < 3)
		s = 3;
	return s;
}

static ls_rgb
led_colour(const struct render_canvas *c, const struct ls_board *b, int x, int y)
{
	ls_rgb v = render_canvas_get(c, x, y);

	ls_rgb out = 0;
	unsigned peak;

	if (v == 0)
		return UNLIT;
	if (c->format == LS_FMT_MONO)
		return b != NULL && b->color != 0 ? b->color : 0xff0000;
	/* a dimly lit LED still shows its unlit body: add the light to it,
	 * so faint pixels never look darker than dark ones */
	peak = (v >> 16 & 0xff) > (v >> 8 & 0xff) ? (v >> 16 & 0xff) : (v >> 8 & 0xff);
	if ((v & 0xff) > peak)
		peak = v & 0xff;
	for (int k = 16; k >= 0; k -= 8) {
		unsigned lv = v >> k & 0xff, un = UNLIT >> k & 0xff;
		unsigned o = lv + un * (255 - peak) / 255;
		out |= (o > 255 ? 255 : o) << k;
	}
	return out;
}

uint8_t *
render_preview_dots(const struct render_canvas *c, const struct ls_board *b, int pitch, int *w, int *h)
{
	int s = pitch > 0 ? pitch : render_preview_pitch(c);
	size_t ow = (size_t)c->width * (size_t)s, oh = (size_t)c->height * (size_t)s;
	uint8_t *out, *mask;
	double r = s * 0.42, cx = s / 2.0;

	if ((out = malloc(ow * oh * 3)) == NULL)
		return NULL;
	if ((mask = malloc((size_t)s * (size_t)s)) == NULL) {
		free(out);
		return NULL;
	}
	/* disc coverage, 4x4 supersampled, so dots have soft edges */
	for (int y = 0; y < s; y++)
		for (int x = 0; x < s; x++) {
			int n = 0;
			for (int sy = 0; sy < 4; sy++)
				for (int sx = 0; sx < 4; sx++) {
					double dx = x + (sx + 0.5) / 4 - cx, dy = y + (sy + 0.5) / 4 - cx;
					n += dx * dx + dy * dy <= r * r;
				}
			mask[y * s + x] = (uint8_t)(n * 255 / 16);
		}
	for (int ly = 0; ly < c->height; ly++)
		for (int lx = 0; lx < c->width; lx++) {
			ls_rgb col = led_colour(c, b, lx, ly);
			for (int y = 0; y < s; y++) {
				uint8_t *p = out + (((size_t)ly * s + y) * ow + (size_t)lx * s) * 3;
				for (int x = 0; x < s; x++, p += 3) {
					unsigned a = mask[y * s + x];
					for (int k = 0; k < 3; k++) {
						unsigned fg = (col >> (16 - 8 * k)) & 0xff, bg = (PANEL >> (16 - 8 * k)) & 0xff;
						p[k] = (uint8_t)((fg * a + bg * (255 - a) + 127) / 255);
					}
				}
			}
		}
	free(mask);
	*w = (int)ow;
	*h = (int)oh;
	return out;
}

int
render_png_write_preview(const struct render_canvas *c, const struct ls_board *b, const char *path,
    char *err, size_t errlen)
{
	int w, h, rc;
	uint8_t *rgb = render_preview_dots(c, b, 0, &w, &h);

	if (rgb == NULL) {
		snprintf(err, errlen, "cannot write %s: out of memory", path);
		return -1;
	}
	rc = render_png_write_rgb(rgb, w, h, path, err, errlen);
	free(rgb);
	return rc;
}

#define SITE_WIDTH   960   /* the widest board's LED look, pixels */
#define SITE_MARGIN  8
#define SITE_LABEL   16    /* a board's name above it */

int
render_site_pitch(const struct ls_board *const *boards, size_t n)
{
	int wmax = 1, s;

	for (size_t i = 0; i < n; i++)
		if (boards[i]->width > wmax)
			wmax = boards[i]->width;
	s = SITE_WIDTH / wmax;
	return s < 2 ? 2 : s > 12 ? 12 : s;
}

uint8_t *
render_site_picture(struct render_ctx *ctx, const struct ls_board *const *boards,
    struct render_canvas *const *cv, size_t n, int pitch, int *w, int *h)
{
	int W = 0, H = SITE_MARGIN, y;
	uint8_t *out;
	struct render_canvas *label = NULL;

	for (size_t i = 0; i < n; i++) {
		if (boards[i]->width * pitch > W)
			W = boards[i]->width * pitch;
		H += SITE_LABEL + boards[i]->height * pitch + SITE_MARGIN;
	}
	W += 2 * SITE_MARGIN;
	if ((out = malloc((size_t)W * (size_t)H * 3)) == NULL)
		return NULL;
	memset(out, 0, (size_t)W * (size_t)H * 3);
	label = render_canvas_new(W - 2 * SITE_MARGIN, SITE_LABEL, LS_FMT_RGB888);
	y = SITE_MARGIN;
	for (size_t i = 0; i < n; i++) {
		const struct ls_board *b = boards[i];
		int bw, bh;
		uint8_t *dots;
		char text[160], err[256];

		/* the board's name and size, drawn by the renderer itself */
		snprintf(text, sizeof text, "%s  %dx%d %s", b->name, b->width, b->height, ls_format_name(b->format));
		if (label != NULL) {
			struct ls_content c = { .name = (char *)"label", .text = text, .size = 12, .color = 0xb0b0b0,
			    .background = 0, .align = LS_ALIGN_LEFT, .valign = LS_VALIGN_MIDDLE };
			if (render_item(ctx, b, &c, 0, 0, label, err, sizeof err) == 0)
				for (int ly = 0; ly < SITE_LABEL; ly++)
					for (int lx = 0; lx < label->width; lx++) {
						ls_rgb v = render_canvas_get(label, lx, ly);
						uint8_t *p = out + (((size_t)(y + ly)) * (size_t)W + (size_t)(SITE_MARGIN + lx)) * 3;
						p[0] = (uint8_t)(v >> 16);
						p[1] = (uint8_t)(v >> 8);
						p[2] = (uint8_t)v;
					}
		}
		y += SITE_LABEL;
		if ((dots = render_preview_dots(cv[i], b, pitch, &bw, &bh)) == NULL) {
			free(out);
			render_canvas_free(label);
			return NULL;
		}
		for (int r = 0; r < bh; r++)
			memcpy(out + ((size_t)(y + r) * (size_t)W + SITE_MARGIN) * 3, dots + (size_t)r * (size_t)bw * 3,
			    (size_t)bw * 3);
		free(dots);
		y += bh + SITE_MARGIN;
	}
	render_canvas_free(label);
	*w = W;
	*h = H;
	return out;
}
