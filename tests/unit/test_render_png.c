/* Unit tests for render/image.c: PNG of every colour type, bit depth and
 * interlace; corrupt and truncated files; the pixel limit; fit / fill /
 * stretch; area averaging in linear light; dithering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <png.h>
#include <sys/wait.h>
#include <unistd.h>

#include "render/render.h"
#include "render/render_int.h"

struct mem {
	uint8_t *p;
	size_t n, cap;
};

static void
mem_write(png_structp png, png_bytep d, png_size_t n)
{
	struct mem *m = png_get_io_ptr(png);

	if (m->n + n > m->cap) {
		m->cap = (m->n + n) * 2;
		m->p = realloc(m->p, m->cap);
	}
	memcpy(m->p + m->n, d, n);
	m->n += n;
}

static void
mem_flush(png_structp png)
{
	(void)png;
}

#define W 13
#define H 7

/* The test picture, as 16-bit RGBA, for a given colour type: each pixel a
 * function of its position, chosen to be exactly representable at `depth`. */
static void
sample(int ctype, int depth, int x, int y, unsigned rgba[4])
{
	unsigned levels = depth >= 8 ? 256 : 1u << depth;
	unsigned v = (unsigned)(x * 7 + y * 3) % levels;
	unsigned v16 = depth == 16 ? ((unsigned)(x * 5003 + y * 911) & 0xffff) : v * 65535 / (levels - 1);

	switch (ctype) {
	case PNG_COLOR_TYPE_GRAY:
		rgba[0] = rgba[1] = rgba[2] = v16;
		rgba[3] = 65535;
		break;
	case PNG_COLOR_TYPE_GRAY_ALPHA:
		rgba[0] = rgba[1] = rgba[2] = v16;
		rgba[3] = depth == 16 ? 65535 - v16 / 2 : (255 - v) * 257;
		break;
	case PNG_COLOR_TYPE_PALETTE: {
		unsigned i = (unsigned)(x + y) % levels;
		rgba[0] = (i * 40 % 256) * 257;
		rgba[1] = (255 - i * 17 % 256) * 257;
		rgba[2] = (i * 90 % 256) * 257;
		rgba[3] = i == 1 ? 0 : i == 2 ? 128 * 257 : 65535;   /* tRNS for two entries */
		break;
	}
	case PNG_COLOR_TYPE_RGB:
	case PNG_COLOR_TYPE_RGB_ALPHA:
		if (depth == 16) {
			rgba[0] = (unsigned)(x * 5003) & 0xffff;
			rgba[1] = (unsigned)(y * 9001) & 0xffff;
			rgba[2] = (unsigned)(x * y * 1234) & 0xffff;
		} else {
			rgba[0] = (unsigned)(x * 19 % 256) * 257;
			rgba[1] = (unsigned)(y * 37 % 256) * 257;
			rgba[2] = (unsigned)((x + y) * 11 % 256) * 257;
		}
		rgba[3] = ctype == PNG_COLOR_TYPE_RGB ? 65535 : depth == 16 ? (unsigned)(x * 3001 + 7) & 0xffff :
		    (unsigned)((x * 41 + y) % 256) * 257;
		break;
	}
}

static struct mem
make_png(int ctype, int depth, int interlace)
{
	struct mem m = { 0 };
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png_create_info_struct(png);
	int ch = ctype == PNG_COLOR_TYPE_GRAY || ctype == PNG_COLOR_TYPE_PALETTE ? 1 :
	    ctype == PNG_COLOR_TYPE_GRAY_ALPHA ? 2 : ctype == PNG_COLOR_TYPE_RGB ? 3 : 4;
	size_t rowbytes = ((size_t)W * ch * depth + 7) / 8;
	png_bytep rows[H];

	assert_int_equal(setjmp(png_jmpbuf(png)), 0);
	png_set_write_fn(png, &m, mem_write, mem_flush);
	png_set_IHDR(png, info, W, H, depth, ctype, interlace ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
	    PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	if (ctype == PNG_COLOR_TYPE_PALETTE) {
		png_color pal[256];
		png_byte trns[256];
		int n = 1 << depth;
		for (int i = 0; i < n; i++) {
			unsigned rgba[4];
			/* entry i is what sample() gives for x + y = i */
			sample(ctype, depth, i, 0, rgba);
			pal[i].red = (png_byte)(rgba[0] >> 8);
			pal[i].green = (png_byte)(rgba[1] >> 8);
			pal[i].blue = (png_byte)(rgba[2] >> 8);
			trns[i] = (png_byte)(rgba[3] >> 8);
		}
		png_set_PLTE(png, info, pal, n);
		png_set_tRNS(png, info, trns, n, NULL);
	}
	png_write_info(png, info);
	for (int y = 0; y < H; y++) {
		rows[y] = calloc(1, rowbytes);
		for (int x = 0; x < W; x++) {
			unsigned rgba[4], vals[4];
			int nv = 0;
			sample(ctype, depth, x, y, rgba);
			if (ctype == PNG_COLOR_TYPE_PALETTE)
				vals[nv++] = (unsigned)(x + y) % (1u << depth);
			else if (ctype == PNG_COLOR_TYPE_GRAY || ctype == PNG_COLOR_TYPE_GRAY_ALPHA) {
				vals[nv++] = depth == 16 ? rgba[0] : rgba[0] * ((1u << (depth > 8 ? 8 : depth)) - 1) / 65535;
				if (ctype == PNG_COLOR_TYPE_GRAY_ALPHA)
					vals[nv++] = depth == 16 ? rgba[3] : rgba[3] >> 8;
			} else {
				for (int k = 0; k < 3; k++)
					vals[nv++] = depth == 16 ? rgba[k] : rgba[k] >> 8;
				if (ctype == PNG_COLOR_TYPE_RGB_ALPHA)
					vals[nv++] = depth == 16 ? rgba[3] : rgba[3] >> 8;
			}
			for (int k = 0; k < nv; k++) {
				size_t bit = ((size_t)x * ch + k) * depth;
				if (depth == 16) {
					rows[y][bit / 8] = (png_byte)(vals[k] >> 8);
					rows[y][bit / 8 + 1] = (png_byte)vals[k];
				} else if (depth == 8)
					rows[y][bit / 8] = (png_byte)vals[k];
				else
					rows[y][bit / 8] |= (png_byte)(vals[k] << (8 - depth - bit % 8));
			}
		}
	}
	png_write_image(png, rows);
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	for (int y = 0; y < H; y++)
		free(rows[y]);
	return m;
}

static unsigned
expect_lin(unsigned v16)
{
	/* independent of the decoder's tables: the sRGB formula itself */
	double c = v16 / 65535.0;
	double l = c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
	return (unsigned)(l * 65535.0 + 0.5);
}

static void
check_type(int ctype, int depth, int interlace)
{
	struct mem m = make_png(ctype, depth, interlace);
	char err[256] = "";
	struct render_image *img = render_png_decode(m.p, m.n, 1 << 20, err, sizeof err);

	if (img == NULL)
		fail_msg("type %d depth %d interlace %d: %s", ctype, depth, interlace, err);
	assert_int_equal(img->w, W);
	assert_int_equal(img->h, H);
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++) {
			unsigned rgba[4];
			const uint16_t *p = img->px + ((size_t)y * W + x) * 4;
			sample(ctype, depth, x, y, rgba);
			assert_in_range(p[3], rgba[3] > 300 ? rgba[3] - 300 : 0, rgba[3] + 300);
			for (int k = 0; k < 3; k++) {
				unsigned want = (unsigned)((double)expect_lin(rgba[k]) * rgba[3] / 65535.0);
				if ((unsigned)p[k] + 400 < want || p[k] > want + 400)
					fail_msg("type %d depth %d il %d at %d,%d ch %d: got %u want %u",
					    ctype, depth, interlace, x, y, k, p[k], want);
			}
		}
	render_image_free(img);
	free(m.p);
}

static void
test_every_type(void **state)
{
	static const struct { int ctype, depths[5]; } types[] = {
		{ PNG_COLOR_TYPE_GRAY, { 1, 2, 4, 8, 16 } },
		{ PNG_COLOR_TYPE_GRAY_ALPHA, { 8, 16 } },
		{ PNG_COLOR_TYPE_PALETTE, { 1, 2, 4, 8 } },
		{ PNG_COLOR_TYPE_RGB, { 8, 16 } },
		{ PNG_COLOR_TYPE_RGB_ALPHA, { 8, 16 } },
	};

	(void)state;
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		for (int k = 0; k < 5 && types[i].depths[k]; k++)
			for (int il = 0; il < 2; il++)
				check_type(types[i].ctype, types[i].depths[k], il);
}

static void
test_truncated_and_corrupt(void **state)
{
	struct mem m = make_png(PNG_COLOR_TYPE_RGB_ALPHA, 8, 1);
	char err[256];
	uint32_t seed = 12345;

	(void)state;
	for (size_t n = 0; n < m.n; n++) {
		err[0] = '\0';
		struct render_image *img = render_png_decode(m.p, n, 1 << 20, err, sizeof err);
		if (img != NULL)
			fail_msg("a PNG cut to %zu of %zu bytes decoded", n, m.n);
		assert_true(err[0] != '\0');
	}
	/* flipped bytes: any result but a crash; a failure always says why */
	for (int i = 0; i < 2000; i++) {
		uint8_t *copy = malloc(m.n);
		memcpy(copy, m.p, m.n);
		for (int k = 0; k < 3; k++) {
			seed = seed * 1103515245 + 12345;
			copy[(seed >> 8) % m.n] ^= (uint8_t)(1 + (seed >> 20) % 255);
		}
		err[0] = '\0';
		struct render_image *img = render_png_decode(copy, m.n, 1 << 20, err, sizeof err);
		if (img == NULL)
			assert_true(err[0] != '\0');
		render_image_free(img);
		free(copy);
	}
	assert_null(render_png_decode((const uint8_t *)"GIF89a....", 10, 1 << 20, err, sizeof err));
	assert_non_null(strstr(err, "not a PNG"));
	free(m.p);
}

static void
test_pixel_limit(void **state)
{
	struct mem m = make_png(PNG_COLOR_TYPE_GRAY, 8, 0);
	char err[256];

	(void)state;
	assert_null(render_png_decode(m.p, m.n, W * H - 1, err, sizeof err));
	assert_non_null(strstr(err, "13x7"));
	assert_non_null(strstr(err, "limit"));
	free(m.p);
}



/* render_png_check (what check and a reload use) reads every row through
 * one row buffer: it accepts what the decoder accepts, interlaced or not,
 * and refuses a file cut anywhere. */
static void
test_check_file(void **state)
{
	char path[] = "/tmp/ledsign-pngcheck-XXXXXX", err[512];

	(void)state;
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	for (int il = 0; il < 2; il++) {
		struct mem m = make_png(PNG_COLOR_TYPE_PALETTE, 4, il);
		int w = 0, h = 0;
		for (size_t n = m.n; n > 0; n = n > 40 ? n - 7 : n - 1) {
			FILE *fp = fopen(path, "wb");
			assert_non_null(fp);
			assert_int_equal(fwrite(m.p, 1, n, fp), n);
			fclose(fp);
			err[0] = '\0';
			int rc = render_png_check(path, &w, &h, err, sizeof err);
			if (n == m.n) {
				if (rc != 0)
					fail_msg("interlace %d: a good file refused: %s", il, err);
				assert_int_equal(w, W);
				assert_int_equal(h, H);
			} else {
				if (rc == 0)
					fail_msg("interlace %d: a file cut to %zu of %zu bytes passed", il, n, m.n);
				assert_non_null(strstr(err, path));
			}
		}
		free(m.p);
	}
	unlink(path);
}

/* VmPeak of this process in KiB: the most address space it ever mapped. */
static long
vm_peak_kib(void)
{
	FILE *fp = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;

	if (fp == NULL)
		return -1;
	while (fgets(line, sizeof line, fp))
		if (sscanf(line, "VmPeak: %ld kB", &v) == 1)
			break;
	fclose(fp);
	return v;
}

/* Decode buf in a child process; returns by how many KiB the child's peak
 * address space grew (libpng maps a huge chunk buffer even if it never
 * touches it, so the peak shows what RSS does not). */
static long
decode_peak_growth(const uint8_t *buf, size_t len, char *err, size_t errlen)
{
	int fd[2];
	pid_t pid;
	struct { long grew; char err[256]; } r = { -1, "" };

	assert_int_equal(pipe(fd), 0);
	if ((pid = fork()) == 0) {
		long before = vm_peak_kib();
		struct render_image *img = render_png_decode(buf, len, 1 << 20, r.err, sizeof r.err);
		r.grew = vm_peak_kib() - before;
		render_image_free(img);
		if (write(fd[1], &r, sizeof r) != (ssize_t)sizeof r)
			_exit(2);
		_exit(0);
	}
	assert_true(pid > 0);
	close(fd[1]);
	assert_int_equal(read(fd[0], &r, sizeof r), (ssize_t)sizeof r);
	close(fd[0]);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	snprintf(err, errlen, "%s", r.err);
	return r.grew;
}

/* 126 bytes found by fuzz_png: a tEXt chunk that claims 2,113,929,253 bytes,
 * which libpng allocated before reading any of it. */
static const char bomb_b64[] =
    "iVBORw0KGgoAAAANSUhEUgAAAAkAAAAFEAAAAADiqEX0AAAABGdBTUEAALGPBNQvRH4AACV0RVh0ZGF0ZTpjcmVhdMbHACBlAAB3"
    "AAANSUhEUgAAAAkAAAAFEAAAAADiqEX0AAAABGdBTUEAALGPDasxzQgAAC5JREFjZGD4";

static size_t
b64_decode(const char *s, uint8_t *out)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint32_t acc = 0;
	int bits = 0;
	size_t n = 0;

	for (; *s && *s != '='; s++) {
		const char *q = strchr(tab, *s);
		acc = acc << 6 | (uint32_t)(q - tab);
		if ((bits += 6) >= 8) {
			bits -= 8;
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	return n;
}

/* CRC-32 as PNG chunks use it (ISO 3309), bit by bit: slow and obviously right. */
static uint32_t
png_crc(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
	}
	return c ^ 0xffffffffu;
}

/* A chunk that claims gigabytes must cost no more than the pixel limit:
 * the ancillary chunks we do not use are skipped unread, and the ones we
 * read are capped. */
static void
test_chunk_bomb_memory(void **state)
{
	uint8_t bomb[200];
	size_t n = b64_decode(bomb_b64, bomb);
	char err[256];
	long grew;

	(void)state;
	assert_int_equal(n, 126);
	grew = decode_peak_growth(bomb, n, err, sizeof err);
	if (grew > 64 * 1024)
		fail_msg("decoding a 126-byte PNG mapped %ld MiB more (%s)", grew / 1024, err);
	assert_true(err[0] != '\0');

	/* an honest PNG with a 4 MB text comment still decodes, without the comment costing anything */
	struct mem m = make_png(PNG_COLOR_TYPE_RGB, 8, 0);
	size_t tlen = 4u << 20, at = 33;   /* after the signature and IHDR */
	uint8_t *big = malloc(m.n + tlen + 12);
	memcpy(big, m.p, at);
	big[at] = (uint8_t)(tlen >> 24); big[at + 1] = (uint8_t)(tlen >> 16);
	big[at + 2] = (uint8_t)(tlen >> 8); big[at + 3] = (uint8_t)tlen;
	memcpy(big + at + 4, "tEXt", 4);
	memset(big + at + 8, 'a', tlen);
	memcpy(big + at + 8, "Comment", 8);
	uint32_t crc = png_crc(big + at + 4, tlen + 4);
	big[at + 8 + tlen] = (uint8_t)(crc >> 24); big[at + 9 + tlen] = (uint8_t)(crc >> 16);
	big[at + 10 + tlen] = (uint8_t)(crc >> 8); big[at + 11 + tlen] = (uint8_t)crc;
	memcpy(big + at + 12 + tlen, m.p + at, m.n - at);
	struct render_image *img = render_png_decode(big, m.n + tlen + 12, 1 << 20, err, sizeof err);
	if (img == NULL)
		fail_msg("a PNG with a long tEXt comment did not decode: %s", err);
	assert_int_equal(img->w, W);
	render_image_free(img);
	free(big);
	free(m.p);
}

/* The poster cache notices a file replaced in place (issue 13 #9, seen in
 * CI by test 63): a poster broken after it was first shown fails on its next
 * turn, and one saved again shows again, whichever way the cache was used
 * between.  Before, a cached decode hid the change until evicted. */
static void
write_file(const char *path, const uint8_t *p, size_t n)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(p, 1, n, fp), n);
	fclose(fp);
}

static void
test_cache_sees_replaced_file(void **state)
{
	char path[] = "/tmp/ledsign-pngcache-XXXXXX", err[512];
	static struct ls_config cfg = { .timezone = (char *)"Asia/Shanghai" };
	struct ls_diag d = { 0 };
	struct render_ctx *ctx = render_ctx_new(&cfg, &d);
	struct render_canvas *c = render_canvas_new(W, H, LS_FMT_RGB888);
	struct mem m = make_png(PNG_COLOR_TYPE_RGB, 8, 0);
	struct ls_content item = { .name = (char *)"later", .image = path, .fit = LS_FIT_STRETCH };

	(void)state;
	assert_non_null(ctx);
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	write_file(path, m.p, m.n);
	if (render_image_item(ctx, &item, 0, c, err, sizeof err) != 0)
		fail_msg("a good poster failed: %s", err);
	/* broken in place (the same inode, fewer bytes) */
	write_file(path, m.p, m.n / 2);
	usleep(1100 * 1000);    /* the cache looks at the file at most once a second */
	err[0] = '\0';
	assert_int_equal(render_image_item(ctx, &item, 1, c, err, sizeof err), -1);
	assert_non_null(strstr(err, "truncated"));
	/* saved again: shown again */
	write_file(path, m.p, m.n);
	usleep(1100 * 1000);
	if (render_image_item(ctx, &item, 2, c, err, sizeof err) != 0)
		fail_msg("the poster saved again still fails: %s", err);
	unlink(path);
	free(m.p);
	render_canvas_free(c);
	render_ctx_free(ctx);
	ls_diag_clear(&d);
}

static struct render_image *
image(int w, int h, const ls_rgb *px, const uint8_t *alpha)
{
	struct render_image *img = calloc(1, sizeof *img);

	img->w = w;
	img->h = h;
	img->px = malloc((size_t)w * h * 4 * sizeof *img->px);
	for (int i = 0; i < w * h; i++) {
		unsigned a = alpha ? alpha[i] * 257u : 65535;
		for (int k = 0; k < 3; k++)
			img->px[i * 4 + k] = (uint16_t)(render_srgb_to_lin((uint8_t)(px[i] >> (16 - 8 * k))) * a / 65535);
		img->px[i * 4 + 3] = (uint16_t)a;
	}
	return img;
}

static void
test_linear_average(void **state)
{
	/* black and white averaged in linear light is sRGB 188, not 128 */
	ls_rgb px[2] = { 0x000000, 0xffffff };
	struct render_image *img = image(2, 1, px, NULL);
	struct render_canvas *c = render_canvas_new(1, 1, LS_FMT_RGB888);
	char err[128];
	ls_rgb v;

	(void)state;
	assert_int_equal(render_draw_image(c, img, LS_FIT_STRETCH, LS_ALIGN_CENTER, LS_VALIGN_MIDDLE, 0, err, sizeof err), 0);
	v = render_canvas_get(c, 0, 0);
	assert_in_range(v >> 16, 186, 189);
	assert_int_equal(v >> 16, v & 0xff);
	render_canvas_free(c);
	render_image_free(img);
}

static void
test_fit_fill_stretch(void **state)
{
	/* 4x2: left half red, right half blue */
	ls_rgb px[8] = { 0xff0000, 0xff0000, 0x0000ff, 0x0000ff, 0xff0000, 0xff0000, 0x0000ff, 0x0000ff };
	struct render_image *img = image(4, 2, px, NULL);
	struct render_canvas *c = render_canvas_new(8, 8, LS_FMT_RGB888);
	char err[128];

	(void)state;
	/* fit: 8x4, centred vertically, background above and below */
	render_canvas_clear(c);
	assert_int_equal(render_draw_image(c, img, LS_FIT_FIT, LS_ALIGN_CENTER, LS_VALIGN_MIDDLE, 0x00ff00, err, sizeof err), 0);
	assert_int_equal(render_canvas_get(c, 0, 1), 0);          /* untouched: the caller's background fill */
	assert_int_equal(render_canvas_get(c, 0, 2), 0xff0000);
	assert_int_equal(render_canvas_get(c, 7, 5), 0x0000ff);
	assert_int_equal(render_canvas_get(c, 0, 6), 0);
	/* fit, top aligned */
	render_canvas_clear(c);
	render_draw_image(c, img, LS_FIT_FIT, LS_ALIGN_CENTER, LS_VALIGN_TOP, 0, err, sizeof err);
	assert_int_equal(render_canvas_get(c, 0, 0), 0xff0000);
	assert_int_equal(render_canvas_get(c, 0, 4), 0);
	/* fill: covers everything, cropping the sides: centre column boundary stays in the middle */
	render_canvas_clear(c);
	render_draw_image(c, img, LS_FIT_FILL, LS_ALIGN_CENTER, LS_VALIGN_MIDDLE, 0, err, sizeof err);
	assert_int_equal(render_canvas_get(c, 0, 0), 0xff0000);
	assert_int_equal(render_canvas_get(c, 3, 7), 0xff0000);
	assert_int_equal(render_canvas_get(c, 4, 0), 0x0000ff);
	/* fill, left aligned: only the red half shows */
	render_canvas_clear(c);
	render_draw_image(c, img, LS_FIT_FILL, LS_ALIGN_LEFT, LS_VALIGN_MIDDLE, 0, err, sizeof err);
	assert_int_equal(render_canvas_get(c, 7, 7), 0xff0000);
	/* stretch: every pixel */
	render_canvas_clear(c);
	render_draw_image(c, img, LS_FIT_STRETCH, LS_ALIGN_CENTER, LS_VALIGN_MIDDLE, 0, err, sizeof err);
	assert_int_equal(render_canvas_get(c, 0, 7), 0xff0000);
	assert_int_equal(render_canvas_get(c, 7, 0), 0x0000ff);
	render_canvas_free(c);
	render_image_free(img);
}

static void
test_alpha_over_background(void **state)
{
	ls_rgb px[1] = { 0xffffff };
	uint8_t a[1] = { 0 };
	struct render_image *img = image(1, 1, px, a);
	struct render_canvas *c = render_canvas_new(2, 2, LS_FMT_RGB888);
	char err[128];

	(void)state;
	render_draw_image(c, img, LS_FIT_STRETCH, LS_ALIGN_CENTER, LS_VALIGN_MIDDLE, 0x336699, err, sizeof err);
	assert_int_equal(render_canvas_get(c, 1, 1), 0x336699);
	render_canvas_free(c);
	render_image_free(img);
}

static void
test_dither_density(void **state)
{
	/* sRGB 188 is half the light: about half the LEDs lit, in both mono and red-green */
	ls_rgb px[1] = { 0xbcbcbc };
	struct render_image *img = image(1, 1, px, NULL);
	struct render_canvas *m = render_canvas_new(64, 32, LS_FMT_MONO);
	struct render_canvas *rg = render_canvas_new(64, 32, LS_FMT_REDGREEN);
	char err[128];
	int lit = 0, red = 0, green = 0;

	(void)state;
	render_draw_image(m, img, LS_FIT_STRETCH, LS_ALIGN_CENTER, LS_VALIGN_MIDDLE, 0, err, sizeof err);
	/* grey has blue, which counts half to red and half to green */
	render_draw_image(rg, img, LS_FIT_STRETCH, LS_ALIGN_CENTER, LS_VALIGN_MIDDLE, 0, err, sizeof err);
	for (int y = 0; y < 32; y++)
		for (int x = 0; x < 64; x++) {
			lit += render_canvas_get(m, x, y) != 0;
			red += (render_canvas_get(rg, x, y) & 0xff0000) != 0;
			green += (render_canvas_get(rg, x, y) & 0x00ff00) != 0;
		}
	assert_in_range(lit, 2048 * 45 / 100, 2048 * 55 / 100);
	assert_in_range(red, 2048 * 65 / 100, 2048 * 85 / 100);
	assert_in_range(green, 2048 * 65 / 100, 2048 * 85 / 100);
	render_canvas_free(m);
	render_canvas_free(rg);
	render_image_free(img);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_type),
		cmocka_unit_test(test_truncated_and_corrupt),
		cmocka_unit_test(test_pixel_limit),
		cmocka_unit_test(test_chunk_bomb_memory),
		cmocka_unit_test(test_check_file),
		cmocka_unit_test(test_cache_sees_replaced_file),
		cmocka_unit_test(test_linear_average),
		cmocka_unit_test(test_fit_fill_stretch),
		cmocka_unit_test(test_alpha_over_background),
		cmocka_unit_test(test_dither_density),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
