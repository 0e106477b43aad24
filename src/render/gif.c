/*
 * render/gif.c — animated GIF previews (giflib).
 *
 * Frames come in as whole RGB pictures at a fixed rate; what is written is
 * smaller: a frame identical to the one before only lengthens that one's
 * delay (so a static page costs one frame however long it stands), and
 * otherwise only the rectangle that changed is stored, with the pixels in
 * it that did not change made transparent (long runs of one index, which
 * LZW packs tightly).  Each stored frame has its own colour table: the
 * exact colours when there are at most 255 of them (LED boards have few:
 * mono and red-green previews always, RGB text mostly), else giflib's
 * median-cut GifQuantizeBuffer.  Delays are whole centiseconds; frame i of
 * a rate of fps starts at round(100 i / fps) cs, so 30 fps alternates 3 and
 * 4 cs and stays exact over the whole animation.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gif_lib.h>

#include "render/render.h"

struct render_gif {
	GifFileType *g;
	char *path;
	int w, h;
	uint8_t *prev;            /* the last frame written, as given (a quantised frame is
	                             compared as it came, so a poster standing still is
	                             not rewritten every frame) */
	uint8_t *pend;            /* the frame waiting for its delay to be known */
	int have_pend;
	long pend_start, pend_end;  /* centiseconds */
	int first;                /* no frame written yet */
	size_t frames;            /* frames written */
	char *err;                /* first error, owned */
};

static void
gif_fail(struct render_gif *o, const char *what, int code)
{
	if (o->err != NULL)
		return;
	size_t n = strlen(o->path) + strlen(what) + 128;
	if ((o->err = malloc(n)) != NULL)
		snprintf(o->err, n, "cannot write %s: %s: %s", o->path, what,
		    code ? GifErrorString(code) : "out of memory");
}

struct render_gif *
render_gif_new(const char *path, int w, int h, char *err, size_t errlen)
{
	struct render_gif *o;
	int e = 0, fd;

	if (w <= 0 || h <= 0 || w > 65535 || h > 65535) {
		snprintf(err, errlen, "cannot write %s: a GIF is at most 65535x65535, not %dx%d", path, w, h);
		return NULL;
	}
	if ((o = calloc(1, sizeof *o)) == NULL || (o->path = strdup(path)) == NULL ||
	    (o->prev = malloc((size_t)w * (size_t)h * 3)) == NULL ||
	    (o->pend = malloc((size_t)w * (size_t)h * 3)) == NULL) {
		snprintf(err, errlen, "cannot write %s: out of memory", path);
		goto fail;
	}
	o->w = w;
	o->h = h;
	o->first = 1;
	/* opened here rather than by EGifOpenFileName, which makes files 0600 */
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) < 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		goto fail;
	}
	if ((o->g = EGifOpenFileHandle(fd, &e)) == NULL) {
		close(fd);
		unlink(path);
		snprintf(err, errlen, "cannot write %s: %s", path, GifErrorString(e));
		goto fail;
	}
	EGifSetGifVersion(o->g, true);
	if (EGifPutScreenDesc(o->g, w, h, 8, 0, NULL) != GIF_OK) {
		snprintf(err, errlen, "cannot write %s: %s", path, GifErrorString(o->g->Error));
		goto fail;
	}
	/* loop for ever (the NETSCAPE2.0 application extension) */
	{
		static const uint8_t loop[3] = { 1, 0, 0 };
		if (EGifPutExtensionLeader(o->g, APPLICATION_EXT_FUNC_CODE) != GIF_OK ||
		    EGifPutExtensionBlock(o->g, 11, "NETSCAPE2.0") != GIF_OK ||
		    EGifPutExtensionBlock(o->g, 3, loop) != GIF_OK ||
		    EGifPutExtensionTrailer(o->g) != GIF_OK) {
			snprintf(err, errlen, "cannot write %s: %s", path, GifErrorString(o->g->Error));
			goto fail;
		}
	}
	return o;
fail:
	if (o != NULL) {
		if (o->g != NULL) {
			EGifCloseFile(o->g, &e);
			unlink(path);
		}
		free(o->path);
		free(o->prev);
		free(o->pend);
		free(o);
	}
	return NULL;
}

/* Colour of pixel i of an RGB buffer as 0xRRGGBB. */
static uint32_t
px(const uint8_t *p, size_t i)
{
	return (uint32_t)p[3 * i] << 16 | (uint32_t)p[3 * i + 1] << 8 | p[3 * i + 2];
}

/* Write the pending frame with its delay. */
static int
flush_pending(struct render_gif *o)
{
	int x0 = o->w, y0 = o->h, x1 = -1, y1 = -1, rw, rh, ncol = 0, trans = -1, mapsize;
	uint32_t *keys = NULL;
	uint8_t *vals = NULL, *idx = NULL, *r = NULL, *gch = NULL, *b = NULL;
	GifColorType cmap[256];
	ColorMapObject *map = NULL;
	size_t hcap = 1024;
	long delay = o->pend_end - o->pend_start;
	int rc = -1;

	if (!o->have_pend)
		return 0;
	/* the changed rectangle (all of it for the first frame) */
	if (o->first) {
		x0 = y0 = 0;
		x1 = o->w - 1;
		y1 = o->h - 1;
	} else
		for (int y = 0; y < o->h; y++)
			for (int x = 0; x < o->w; x++) {
				size_t i = (size_t)y * (size_t)o->w + (size_t)x;
				if (px(o->pend, i) != px(o->prev, i)) {
					if (x < x0) x0 = x;
					if (x > x1) x1 = x;
					if (y < y0) y0 = y;
					if (y > y1) y1 = y;
				}
			}
	if (x1 < 0) {              /* nothing changed after all: keep a 1x1 frame for the delay */
		x0 = x1 = y0 = y1 = 0;
	}
	rw = x1 - x0 + 1;
	rh = y1 - y0 + 1;
	if ((idx = malloc((size_t)rw * (size_t)rh)) == NULL || (keys = malloc(hcap * sizeof *keys)) == NULL ||
	    (vals = malloc(hcap)) == NULL) {
		gif_fail(o, "frame", 0);
		goto out;
	}
	memset(keys, 0xff, hcap * sizeof *keys);
	/* exact colours: index 0 is "unchanged" (transparent) after the first frame */
	if (!o->first) {
		trans = 0;
		ncol = 1;
		cmap[0].Red = cmap[0].Green = cmap[0].Blue = 0;
	}
	for (int y = y0; y <= y1 && ncol <= 256; y++)
		for (int x = x0; x <= x1; x++) {
			size_t i = (size_t)y * (size_t)o->w + (size_t)x, h;
			uint32_t c = px(o->pend, i);
			uint8_t *dst = &idx[(size_t)(y - y0) * (size_t)rw + (size_t)(x - x0)];
			if (trans >= 0 && c == px(o->prev, i) && !(x1 == x0 && y1 == y0)) {
				*dst = (uint8_t)trans;
				continue;
			}
			for (h = (c * 2654435761u) & (hcap - 1); keys[h] != UINT32_MAX && keys[h] != c; h = (h + 1) & (hcap - 1))
				;
			if (keys[h] == UINT32_MAX) {
				if (ncol == 256) {
					ncol = 257;      /* too many: quantise instead */
					break;
				}
				keys[h] = c;
				vals[h] = (uint8_t)ncol;
				cmap[ncol].Red = (GifByteType)(c >> 16);
				cmap[ncol].Green = (GifByteType)(c >> 8);
				cmap[ncol].Blue = (GifByteType)c;
				ncol++;
			}
			*dst = vals[h];
		}
	if (ncol > 256) {
		/* more than 256 colours in the rectangle: giflib's median cut over it,
		 * unchanged pixels still transparent */
		size_t n = (size_t)rw * (size_t)rh;
		int size = o->first ? 256 : 255;   /* after the first frame, 255 is "unchanged" */
		if ((r = malloc(n)) == NULL || (gch = malloc(n)) == NULL || (b = malloc(n)) == NULL) {
			gif_fail(o, "frame", 0);
			goto out;
		}
		for (int y = y0; y <= y1; y++)
			for (int x = x0; x <= x1; x++) {
				const uint8_t *p = o->pend + 3 * ((size_t)y * (size_t)o->w + (size_t)x);
				size_t k = (size_t)(y - y0) * (size_t)rw + (size_t)(x - x0);
				r[k] = p[0];
				gch[k] = p[1];
				b[k] = p[2];
			}
		if (GifQuantizeBuffer((unsigned)rw, (unsigned)rh, &size, r, gch, b, idx, cmap) != GIF_OK) {
			gif_fail(o, "quantising a frame", D_GIF_ERR_NOT_ENOUGH_MEM);
			goto out;
		}
		ncol = size;
		trans = -1;
		if (!o->first) {
			trans = 255;
			ncol = 256;
			for (int y = y0; y <= y1; y++)
				for (int x = x0; x <= x1; x++) {
					size_t i = (size_t)y * (size_t)o->w + (size_t)x;
					if (px(o->pend, i) == px(o->prev, i))
						idx[(size_t)(y - y0) * (size_t)rw + (size_t)(x - x0)] = 255;
				}
		}
	}
	for (mapsize = 2; mapsize < ncol; mapsize *= 2)
		;
	for (int k = ncol; k < mapsize; k++)
		cmap[k].Red = cmap[k].Green = cmap[k].Blue = 0;
	if ((map = GifMakeMapObject(mapsize, cmap)) == NULL) {
		gif_fail(o, "frame", 0);
		goto out;
	}
	{
		GraphicsControlBlock gcb = { DISPOSE_DO_NOT, false, (int)(delay > 65535 ? 65535 : delay), trans };
		GifByteType ext[4];
		size_t len = EGifGCBToExtension(&gcb, ext);
		if (EGifPutExtension(o->g, GRAPHICS_EXT_FUNC_CODE, (int)len, ext) != GIF_OK ||
		    EGifPutImageDesc(o->g, x0, y0, rw, rh, false, map) != GIF_OK) {
			gif_fail(o, "frame", o->g->Error);
			goto out;
		}
		for (int y = 0; y < rh; y++)
			if (EGifPutLine(o->g, idx + (size_t)y * (size_t)rw, rw) != GIF_OK) {
				gif_fail(o, "frame", o->g->Error);
				goto out;
			}
	}
	memcpy(o->prev, o->pend, (size_t)o->w * (size_t)o->h * 3);
	o->first = 0;
	o->frames++;
	o->have_pend = 0;
	rc = 0;
out:
	GifFreeMapObject(map);
	free(keys);
	free(vals);
	free(idx);
	free(r);
	free(gch);
	free(b);
	return rc;
}

int
render_gif_add(struct render_gif *o, const uint8_t *rgb, long start_cs, long end_cs)
{
	size_t n = (size_t)o->w * (size_t)o->h * 3;

	if (o->err != NULL)
		return -1;
	if (end_cs <= start_cs)
		return 0;            /* shorter than a centisecond: never seen */
	if (o->have_pend && memcmp(o->pend, rgb, n) == 0) {
		o->pend_end = end_cs;      /* the same picture: it just stays longer */
		return 0;
	}
	if (flush_pending(o) != 0)
		return -1;
	memcpy(o->pend, rgb, n);
	o->pend_start = start_cs;
	o->pend_end = end_cs;
	o->have_pend = 1;
	return 0;
}

size_t
render_gif_frames(const struct render_gif *o)
{
	return o->frames + (size_t)o->have_pend;
}

int
render_gif_close(struct render_gif *o, char *err, size_t errlen)
{
	int rc, e = 0;

	if (o == NULL)
		return 0;
	if (o->err == NULL)
		flush_pending(o);
	if (EGifCloseFile(o->g, &e) != GIF_OK && o->err == NULL)
		gif_fail(o, "closing", e);
	rc = o->err == NULL ? 0 : -1;
	if (rc != 0) {
		snprintf(err, errlen, "%s", o->err);
		unlink(o->path);
	}
	free(o->err);
	free(o->path);
	free(o->prev);
	free(o->pend);
	free(o);
	return rc;
}
