/*
 * render/image.c — posters: PNG decoding (libpng), scaling by area
 * averaging in linear light, dithering for mono and red-green boards.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <png.h>

#include "render/render.h"
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


/* 16-bit sRGB to 16-bit linear: the 8-bit table (entry i is sRGB i * 257),
 * interpolated in between. */
static uint16_t
lin16(unsigned v)
{
	unsigned q = v / 257, r = v % 257;
	unsigned a = s2l[q], b = s2l[q < 255 ? q + 1 : 255];

	return (uint16_t)(a + (b - a) * r / 257);
}

struct png_src {
	const uint8_t *buf;
	size_t len, off;
	char  *err;
	size_t errlen;
};

static void
png_read_mem(png_structp png, png_bytep out, png_size_t n)
{
	struct png_src *s = png_get_io_ptr(png);

	if (n > s->len - s->off)
		png_error(png, "the file ends early (truncated)");
	memcpy(out, s->buf + s->off, n);
	s->off += n;
}

static void
png_fail(png_structp png, png_const_charp msg)
{
	struct png_src *s = png_get_error_ptr(png);

	snprintf(s->err, s->errlen, "not a valid PNG: %s; save the picture again as PNG", msg);
	png_longjmp(png, 1);
}

static void
png_warn(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

/* Known ancillary chunks the decoder has no use for (we keep IHDR, PLTE,
 * tRNS, IDAT, IEND): colour management, text and metadata. */
static const png_byte unused_chunks[] =
    "bKGD\0cHRM\0eXIf\0gAMA\0hIST\0iCCP\0iTXt\0oFFs\0pCAL\0pHYs\0sBIT\0"
    "sCAL\0sPLT\0sRGB\0sTER\0tEXt\0tIME\0zTXt";

/* Decode into *out, or with out NULL only verify: every row inflated,
 * unfiltered and CRC-checked through one row buffer, nothing converted or
 * kept (what check and a reload need, at a fraction of the memory).
 * 0, or -1 with err. */
static int
png_decode(const uint8_t *buf, size_t len, size_t max_pixels, struct render_image **out, int *ow, int *oh,
    char *err, size_t errlen)
{
	struct png_src src = { buf, len, 0, err, errlen };
	png_structp png = NULL;
	png_infop info = NULL;
	struct render_image *volatile img = NULL;
	uint8_t *volatile raw = NULL;
	png_bytep *volatile rows = NULL;
	png_uint_32 w, h;
	int depth, ctype, bpc;
	size_t rowbytes;

	int passes;

	pthread_once(&tables_once, tables_init);
	if (len < 8 || png_sig_cmp(buf, 0, 8) != 0) {
		snprintf(err, errlen, "not a PNG file (the signature is wrong); convert the poster to PNG");
		return -1;
	}
	png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &src, png_fail, png_warn);
	if (png == NULL || (info = png_create_info_struct(png)) == NULL) {
		png_destroy_read_struct(&png, NULL, NULL);
		snprintf(err, errlen, "out of memory decoding PNG");
		return -1;
	}
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_read_struct(&png, &info, NULL);
		free(rows);
		free(raw);
		render_image_free(img);
		return -1;
	}
	png_set_read_fn(png, &src, png_read_mem);
	/* A poster costs its pixels and nothing more.  libpng would allocate
	 * whatever length a chunk claims before reading it (a 126-byte file
	 * asked for 2 GB), so: the ancillary chunks we do not use are skipped
	 * unread (read in small pieces for the CRC, never buffered), what we do
	 * read (PLTE, tRNS) is capped, and so are dimensions and chunk count. */
	png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, NULL, 0);
	png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, unused_chunks,
	    (int)(sizeof unused_chunks / 5));
	png_set_chunk_malloc_max(png, RENDER_PNG_CHUNK_MAX);
	png_set_chunk_cache_max(png, 128);
	png_set_user_limits(png, RENDER_MAX_SIDE * 16, RENDER_MAX_SIDE * 16);
	png_read_info(png, info);
	png_get_IHDR(png, info, &w, &h, &depth, &ctype, NULL, NULL, NULL);
	if ((size_t)w * h > max_pixels) {
		snprintf(err, errlen, "the image is %ux%u = %zu pixels, more than the limit of %zu; scale it down first",
		    (unsigned)w, (unsigned)h, (size_t)w * h, max_pixels);
		png_longjmp(png, 1);
	}
	/* Every colour type and depth becomes RGBA at 8 or 16 bits. */
	if (ctype == PNG_COLOR_TYPE_PALETTE)
		png_set_palette_to_rgb(png);
	if (ctype == PNG_COLOR_TYPE_GRAY && depth < 8)
		png_set_expand_gray_1_2_4_to_8(png);
	if (png_get_valid(png, info, PNG_INFO_tRNS))
		png_set_tRNS_to_alpha(png);
	if (ctype == PNG_COLOR_TYPE_GRAY || ctype == PNG_COLOR_TYPE_GRAY_ALPHA)
		png_set_gray_to_rgb(png);
	if (!(ctype & PNG_COLOR_MASK_ALPHA) && !png_get_valid(png, info, PNG_INFO_tRNS))
		png_set_add_alpha(png, depth == 16 ? 0xffff : 0xff, PNG_FILLER_AFTER);
	passes = png_set_interlace_handling(png);
	png_read_update_info(png, info);
	bpc = png_get_bit_depth(png, info) == 16 ? 2 : 1;
	rowbytes = png_get_rowbytes(png, info);
	if (rowbytes != (size_t)w * 4 * (size_t)bpc || png_get_channels(png, info) != 4) {
		snprintf(err, errlen, "unsupported PNG layout after conversion");
		png_longjmp(png, 1);
	}
	if (out == NULL) {
		if ((raw = malloc(rowbytes)) == NULL) {
			snprintf(err, errlen, "out of memory for a %ux%u image", (unsigned)w, (unsigned)h);
			png_longjmp(png, 1);
		}
		for (int pass = 0; pass < passes; pass++)
			for (png_uint_32 y = 0; y < h; y++)
				png_read_row(png, raw, NULL);
		png_read_end(png, NULL);
		png_destroy_read_struct(&png, &info, NULL);
		free(raw);
		*ow = (int)w;
		*oh = (int)h;
		return 0;
	}
	img = calloc(1, sizeof *img);
	raw = malloc(rowbytes * h);
	rows = malloc(h * sizeof *rows);
	if (img == NULL || raw == NULL || rows == NULL ||
	    (img->px = malloc((size_t)w * h * 4 * sizeof *img->px)) == NULL) {
		snprintf(err, errlen, "out of memory for a %ux%u image", (unsigned)w, (unsigned)h);
		png_longjmp(png, 1);
	}
	for (png_uint_32 y = 0; y < h; y++)
		rows[y] = raw + (size_t)y * rowbytes;
	png_read_image(png, rows);
	png_read_end(png, NULL);
	img->w = (int)w;
	img->h = (int)h;
	/* to linear light, alpha premultiplied, so averaging is physically right */
	for (size_t i = 0; i < (size_t)w * h; i++) {
		const uint8_t *p = raw + i * 4 * (size_t)bpc;
		unsigned c[4];
		for (int k = 0; k < 4; k++)
			c[k] = bpc == 2 ? (unsigned)p[2 * k] << 8 | p[2 * k + 1] : p[k] * 257u;
		for (int k = 0; k < 3; k++)
			img->px[i * 4 + k] = (uint16_t)(((uint32_t)lin16(c[k]) * c[3] + 32767) / 65535);
		img->px[i * 4 + 3] = (uint16_t)c[3];
	}
	png_destroy_read_struct(&png, &info, NULL);
	free(rows);
	free(raw);
	*out = img;
	*ow = img->w;
	*oh = img->h;
	return 0;
}

int
render_png_verify(const uint8_t *buf, size_t len, size_t max_pixels, int *w, int *h, char *err, size_t errlen)
{
	return png_decode(buf, len, max_pixels, NULL, w, h, err, errlen);
}

struct render_image *
render_png_decode(const uint8_t *buf, size_t len, size_t max_pixels, char *err, size_t errlen)
{
	struct render_image *img = NULL;
	int w, h;

	return png_decode(buf, len, max_pixels, &img, &w, &h, err, errlen) == 0 ? img : NULL;
}

/* Box-filter weights: destination cell d covers source [x0 + d*f, x0 + (d+1)*f). */
struct span {
	int    first, n;      /* source index range */
	size_t w0;            /* index into the weights array */
};

static float *
spans_make(int dn, double x0, double f, int sn, struct span *sp)
{
	size_t cap = (size_t)dn * ((size_t)ceil(f) + 2), used = 0;
	float *wt = malloc(cap * sizeof *wt);

	if (wt == NULL)
		return NULL;
	for (int d = 0; d < dn; d++) {
		double a = x0 + d * f, b = a + f, sum = 0;
		int i0 = (int)floor(a), i1 = (int)ceil(b);
		if (i0 < 0) i0 = 0;
		if (i1 > sn) i1 = sn;
		if (i1 <= i0) { i1 = i0 + 1; if (i1 > sn) { i1 = sn; i0 = sn - 1; } }
		sp[d].first = i0;
		sp[d].n = i1 - i0;
		sp[d].w0 = used;
		for (int i = i0; i < i1; i++) {
			double lo = a > i ? a : i, hi = b < i + 1 ? b : i + 1;
			double wv = hi > lo ? hi - lo : 0;
			wt[used + (size_t)(i - i0)] = (float)wv;
			sum += wv;
		}
		for (int i = 0; i < sp[d].n; i++)
			wt[used + (size_t)i] = sum > 0 ? (float)(wt[used + (size_t)i] / sum) : 1.0f / (float)sp[d].n;
		used += (size_t)sp[d].n;
	}
	return wt;
}

/* Area-average the source window (sx0, sy0, sw, sh) of img into dw x dh
 * linear premultiplied RGBA floats (0..1). */
static float *
resample(const struct render_image *img, double sx0, double sy0, double sw, double sh, int dw, int dh)
{
	struct span *xs = malloc((size_t)dw * sizeof *xs), *ys = malloc((size_t)dh * sizeof *ys);
	float *xw = NULL, *yw = NULL, *acc = NULL, *out = NULL;

	if (xs == NULL || ys == NULL)
		goto done;
	xw = spans_make(dw, sx0, sw / dw, img->w, xs);
	yw = spans_make(dh, sy0, sh / dh, img->h, ys);
	acc = malloc((size_t)img->w * 4 * sizeof *acc);
	out = malloc((size_t)dw * (size_t)dh * 4 * sizeof *out);
	if (xw == NULL || yw == NULL || acc == NULL || out == NULL) {
		free(out);
		out = NULL;
		goto done;
	}
	for (int dy = 0; dy < dh; dy++) {
		/* rows first: the weighted sum of the source rows under this output row */
		memset(acc, 0, (size_t)img->w * 4 * sizeof *acc);
		for (int k = 0; k < ys[dy].n; k++) {
			float wv = yw[ys[dy].w0 + (size_t)k];
			const uint16_t *row = img->px + (size_t)(ys[dy].first + k) * (size_t)img->w * 4;
			for (int i = 0; i < img->w * 4; i++)
				acc[i] += wv * row[i];
		}
		for (int dx = 0; dx < dw; dx++) {
			float v[4] = { 0, 0, 0, 0 };
			for (int k = 0; k < xs[dx].n; k++) {
				float wv = xw[xs[dx].w0 + (size_t)k];
				const float *a = acc + (size_t)(xs[dx].first + k) * 4;
				for (int c = 0; c < 4; c++)
					v[c] += wv * a[c];
			}
			for (int c = 0; c < 4; c++)
				out[((size_t)dy * dw + dx) * 4 + c] = v[c] / 65535.0f;
		}
	}
done:
	free(xs);
	free(ys);
	free(xw);
	free(yw);
	free(acc);
	return out;
}

static uint8_t
to_srgb(float l)
{
	if (l <= 0)
		return 0;
	if (l >= 1)
		return 255;
	return l2s[(unsigned)(l * 65535.0f) >> 4];
}

/* Put linear RGB floats into the canvas at (ox, oy): directly for RGB
 * formats; for mono and red-green by Floyd-Steinberg error diffusion in
 * linear light (serpentine), so the average light an area gives off
 * matches the picture. */
static void
put_pixels(struct render_canvas *c, const float *rgb, int dw, int dh, int ox, int oy)
{
	if (c->format == LS_FMT_RGB888 || c->format == LS_FMT_RGB565) {
		for (int y = 0; y < dh; y++)
			for (int x = 0; x < dw; x++) {
				const float *p = rgb + ((size_t)y * dw + x) * 3;
				render_canvas_set(c, ox + x, oy + y,
				    (ls_rgb)to_srgb(p[0]) << 16 | (ls_rgb)to_srgb(p[1]) << 8 | to_srgb(p[2]));
			}
		return;
	}
	int nch = c->format == LS_FMT_MONO ? 1 : 2;
	float *err = calloc((size_t)(dw + 2) * 2 * (size_t)nch, sizeof *err);
	if (err == NULL)
		return;
	for (int y = 0; y < dh; y++) {
		float *cur = err + (size_t)(y & 1) * (size_t)(dw + 2) * (size_t)nch;
		float *nxt = err + (size_t)((y + 1) & 1) * (size_t)(dw + 2) * (size_t)nch;
		int dir = (y & 1) ? -1 : 1;
		memset(nxt, 0, (size_t)(dw + 2) * (size_t)nch * sizeof *nxt);
		for (int i = 0; i < dw; i++) {
			int x = dir > 0 ? i : dw - 1 - i;
			const float *p = rgb + ((size_t)y * dw + x) * 3;
			float want[2];
			int bit[2];
			if (nch == 1)
				want[0] = 0.2126f * p[0] + 0.7152f * p[1] + 0.0722f * p[2];
			else {
				want[0] = p[0] + p[2] * 0.5f;
				want[1] = p[1] + p[2] * 0.5f;
			}
			for (int k = 0; k < nch; k++) {
				float v = want[k] + cur[(size_t)(x + 1) * nch + k];
				bit[k] = v >= 0.5f;
				float e = v - (bit[k] ? 1.0f : 0.0f);
				cur[(size_t)(x + 1 + dir) * nch + k] += e * 7 / 16;
				nxt[(size_t)(x + 1 - dir) * nch + k] += e * 3 / 16;
				nxt[(size_t)(x + 1) * nch + k] += e * 5 / 16;
				nxt[(size_t)(x + 1 + dir) * nch + k] += e * 1 / 16;
			}
			ls_rgb col = nch == 1 ? (bit[0] ? 0xffffff : 0) :
			    (bit[0] ? 0xff0000u : 0) | (bit[1] ? 0x00ff00u : 0);
			render_canvas_set(c, ox + x, oy + y, col);
		}
	}
	free(err);
}

int
render_draw_image(struct render_canvas *c, const struct render_image *img, enum ls_fit fit,
    enum ls_halign align, enum ls_valign valign, ls_rgb background, char *err, size_t errlen)
{
	double sx0 = 0, sy0 = 0, sw = img->w, sh = img->h;
	int dw = c->width, dh = c->height, ox = 0, oy = 0;
	float *px, *rgb, bg[3];

	if (fit == LS_FIT_FIT) {
		double s = (double)c->width / img->w < (double)c->height / img->h ?
		    (double)c->width / img->w : (double)c->height / img->h;
		dw = (int)lround(img->w * s);
		dh = (int)lround(img->h * s);
		if (dw < 1) dw = 1;
		if (dh < 1) dh = 1;
		if (dw > c->width) dw = c->width;
		if (dh > c->height) dh = c->height;
		ox = align == LS_ALIGN_LEFT ? 0 : align == LS_ALIGN_RIGHT ? c->width - dw : (c->width - dw) / 2;
		oy = valign == LS_VALIGN_TOP ? 0 : valign == LS_VALIGN_BOTTOM ? c->height - dh : (c->height - dh) / 2;
	} else if (fit == LS_FIT_FILL) {
		/* cover the board; crop the source, keeping the aligned edge */
		double s = (double)c->width / img->w > (double)c->height / img->h ?
		    (double)c->width / img->w : (double)c->height / img->h;
		sw = c->width / s;
		sh = c->height / s;
		sx0 = align == LS_ALIGN_LEFT ? 0 : align == LS_ALIGN_RIGHT ? img->w - sw : (img->w - sw) / 2;
		sy0 = valign == LS_VALIGN_TOP ? 0 : valign == LS_VALIGN_BOTTOM ? img->h - sh : (img->h - sh) / 2;
	}
	if ((px = resample(img, sx0, sy0, sw, sh, dw, dh)) == NULL) {
		snprintf(err, errlen, "out of memory scaling the image");
		return -1;
	}
	for (int k = 0; k < 3; k++)
		bg[k] = render_srgb_to_lin((uint8_t)(background >> (16 - 8 * k))) / 65535.0f;
	/* composite over the background; reuse the buffer as RGB */
	rgb = px;
	for (size_t i = 0; i < (size_t)dw * dh; i++) {
		float a = px[i * 4 + 3];
		for (int k = 0; k < 3; k++)
			rgb[i * 3 + k] = px[i * 4 + k] + bg[k] * (1 - a);
	}
	put_pixels(c, rgb, dw, dh, ox, oy);
	free(px);
	return 0;
}

/* Read the PNG file at path and decode it (into *img) or only verify it
 * (img NULL) under the poster limits; 0 or -1 with err naming the file. */
static int
png_load(const char *path, struct render_image **img, int *w, int *h, struct stat *seen, char *err, size_t errlen)
{
	int rc = -1;
	FILE *fp;
	uint8_t *buf = NULL;
	long len = -1;
	size_t n = 0;

	err[0] = '\0';
	/* non-blocking and regular files only: a FIFO or a device named as a
	 * poster must not stop a reload (or a frame) on the event loop */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	if (fd < 0) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s is not a regular file; name a PNG file", path);
		close(fd);
		return -1;
	}
	if (seen != NULL)
		*seen = st;
	if ((fp = fdopen(fd, "rb")) == NULL) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (fseek(fp, 0, SEEK_END) == 0)
		len = ftell(fp);
	if (len < 0 || fseek(fp, 0, SEEK_SET) != 0)
		snprintf(err, errlen, "cannot read %s", path);
	else if ((size_t)len > RENDER_MAX_IMAGE_FILE)
		snprintf(err, errlen, "%s is %ld bytes, more than the %zu MiB a poster file may have; "
		    "save it smaller", path, len, RENDER_MAX_IMAGE_FILE >> 20);
	else if ((buf = malloc((size_t)len + 1)) == NULL)
		snprintf(err, errlen, "out of memory reading %s", path);
	else if ((n = fread(buf, 1, (size_t)len, fp)) != (size_t)len)
		snprintf(err, errlen, "cannot read %s: short read", path);
	fclose(fp);
	if (err[0] == '\0') {
		char derr[400] = "";
		if ((rc = png_decode(buf, n, RENDER_MAX_IMAGE_PIXELS, img, w, h, derr, sizeof derr)) != 0)
			snprintf(err, errlen, "%s: %s", path, derr);
	}
	free(buf);
	return rc;
}

int
render_png_check(const char *path, int *w, int *h, char *err, size_t errlen)
{
	int iw, ih;

	if (png_load(path, NULL, &iw, &ih, NULL, err, errlen) != 0)
		return -1;
	if (w != NULL)
		*w = iw;
	if (h != NULL)
		*h = ih;
	return 0;
}

/* Whether the file a cache slot was read from is still the same file with
 * the same bytes.  Staff replace posters in place: a picture saved again, or
 * broken, must be seen on its next turn rather than whenever the slot
 * happens to be evicted.  Looked at no more than once a second per slot, so
 * a scrolling poster does not cost a stat() a frame. */
static time_t
image_second(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
	return now.tv_sec != 0 ? now.tv_sec : 1;   /* 0 is "never looked" */
}

static int
image_unchanged(struct render_icache *c, const char *path)
{
	time_t now = image_second();
	struct stat st;

	if (c->checked != 0 && now - c->checked < 1)
		return 1;
	c->checked = now;
	if (stat(path, &st) != 0)
		return c->st.st_ino == 0;      /* missing then and now */
	return st.st_dev == c->st.st_dev && st.st_ino == c->st.st_ino && st.st_size == c->st.st_size &&
	    st.st_mtim.tv_sec == c->st.st_mtim.tv_sec && st.st_mtim.tv_nsec == c->st.st_mtim.tv_nsec;
}

static struct render_icache *
image_load(struct render_ctx *ctx, const char *path)
{
	struct render_icache *slot = &ctx->ic[0];
	char err[512] = "";

	for (size_t i = 0; i < RENDER_IMAGE_CACHE; i++) {
		struct render_icache *c = &ctx->ic[i];
		if (c->path != NULL && strcmp(c->path, path) == 0) {
			if (image_unchanged(c, path)) {
				c->used = ++ctx->tick;
				return c;
			}
			slot = c;              /* read it again, in the same slot */
			break;
		}
		if (c->used < slot->used)
			slot = c;
	}
	free(slot->path);
	free(slot->err);
	render_image_free(slot->img);
	render_canvas_free(slot->strip);
	memset(slot, 0, sizeof *slot);
	{
		int w, h;
		struct render_image *img = NULL;
		if (png_load(path, &img, &w, &h, &slot->st, err, sizeof err) == 0)
			slot->img = img;
	}
	slot->checked = image_second();
	slot->path = strdup(path);
	if (slot->img == NULL)
		slot->err = strdup(err);
	slot->used = ++ctx->tick;
	return slot;
}

/* A scrolling poster: scaled to the board's height (scroll-left) or width
 * (scroll-up) keeping its aspect ratio, quantised (and dithered) once into a
 * strip in the board's format, and shown through the board as a window.
 * Dithering the strip, not each frame, keeps the dot pattern moving with the
 * picture instead of shimmering. */
static int
draw_scrolling(struct render_icache *ic, const struct ls_content *item, double t, struct render_canvas *out,
    char *err, size_t errlen)
{
	const struct render_image *img = ic->img;
	int left = item->effect == LS_FX_SCROLL_LEFT;
	int sw, sh, ox = 0, oy = 0;

	if (left) {
		sh = out->height;
		sw = (int)lround((double)img->w * sh / img->h);
	} else {
		sw = out->width;
		sh = (int)lround((double)img->h * sw / img->w);
	}
	if (sw < 1) sw = 1;
	if (sh < 1) sh = 1;
	if (sw > RENDER_MAX_SIDE) sw = RENDER_MAX_SIDE;
	if (sh > RENDER_MAX_SIDE) sh = RENDER_MAX_SIDE;
	if (ic->strip == NULL || ic->strip->width != sw || ic->strip->height != sh ||
	    ic->strip->format != out->format || ic->strip_bg != item->background) {
		render_canvas_free(ic->strip);
		if ((ic->strip = render_canvas_new(sw, sh, out->format)) == NULL) {
			snprintf(err, errlen, "item %s: out of memory scaling the poster", item->name ? item->name : "?");
			return -1;
		}
		ic->strip_bg = item->background;
		if (render_draw_image(ic->strip, img, LS_FIT_STRETCH, LS_ALIGN_CENTER, LS_VALIGN_MIDDLE,
		        item->background, err, errlen) != 0) {
			render_canvas_free(ic->strip);
			ic->strip = NULL;
			return -1;
		}
	}
	if (left)
		ox = render_scroll_pos(t, item->speed, out->width, sw);
	else
		oy = render_scroll_pos(t, item->speed, out->height, sh);
	for (int y = 0; y < sh; y++) {
		if (y + oy < 0 || y + oy >= out->height)
			continue;
		for (int x = 0; x < sw; x++)
			if (x + ox >= 0 && x + ox < out->width)
				render_canvas_set(out, x + ox, y + oy, render_canvas_get(ic->strip, x, y));
	}
	return 0;
}

int
render_image_item(struct render_ctx *ctx, const struct ls_content *item, double t, struct render_canvas *out,
    char *err, size_t errlen)
{
	char *path = render_config_path(ctx->cfg, item->image);
	struct render_icache *ic;

	if (path == NULL) {
		snprintf(err, errlen, "item %s: out of memory", item->name ? item->name : "?");
		return -1;
	}
	ic = image_load(ctx, path);
	free(path);
	if (ic->img == NULL) {
		snprintf(err, errlen, "item %s: %s", item->name ? item->name : "?",
		    ic->err != NULL ? ic->err : "out of memory");
		return -1;
	}
	if (item->effect == LS_FX_SCROLL_LEFT || item->effect == LS_FX_SCROLL_UP)
		return draw_scrolling(ic, item, t, out, err, errlen);
	return render_draw_image(out, ic->img, item->fit, item->align, item->valign, item->background, err, errlen);
}
