/*
 * render/image.c — posters: PNG decoding (libpng), scaling by area
 * averaging in linear light, dithering for mono and red-green boards.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/render_int.h"

static uint16_t s2l[256];
static uint8_t l2s[4096];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void
tables_init(void)
{
	for (int i = 0; i < 256; i++) {
		double c = i / 255.0;
		double l = c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
		s2l[i] = (uint16_t)lround(l * 65535.0);
	}
	for (int i = 0; i < 4096; i++) {
		double l = (i + 0.5) / 4096.0;
		double c = l <= 0.0031308 ? l * 12.92 : 1.055 * pow(l, 1 / 2.4) - 0.055;
		l2s[i] = (uint8_t)lround(c * 255.0);
	}
}

uint16_t
render_srgb_to_lin(uint8_t v)
{
	pthread_once(&tables_once, tables_init);
	return s2l[v];
}

uint8_t
render_lin_to_srgb(uint16_t v)
{
	pthread_once(&tables_once, tables_init);
	return l2s[v >> 4];
}

void
render_image_free(struct render_image *img)
{
	if (img == NULL)
		return;
	free(img->px);
	free(img);
}

int
render_image_item(struct render_ctx *ctx, const struct ls_content *item, struct render_canvas *out,
    char *err, size_t errlen)
{
	(void)ctx;
	(void)out;
	snprintf(err, errlen, "item %s: images are not drawn yet", item->name ? item->name : "?");
	return -1;
}
