/*
 * pngcmp A.png B.png — exit 0 when both PNGs have the same size and the same
 * RGB pixels (metadata and encoding may differ), 1 otherwise with the first
 * differing pixel, 2 on a read error.  Also: pngcmp --lit A.png exits 0 when
 * any pixel is not black, and pngcmp --size A.png prints WxH.
 */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char *
load(const char *path, png_image *img)
{
	unsigned char *buf;

	memset(img, 0, sizeof *img);
	img->version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(img, path)) {
		fprintf(stderr, "pngcmp: %s: %s\n", path, img->message);
		return NULL;
	}
	img->format = PNG_FORMAT_RGB;
	buf = malloc(PNG_IMAGE_SIZE(*img));
	if (buf == NULL || !png_image_finish_read(img, NULL, buf, 0, NULL)) {
		fprintf(stderr, "pngcmp: %s: %s\n", path, img->message);
		free(buf);
		return NULL;
	}
	return buf;
}

int
main(int argc, char **argv)
{
	png_image a, b;
	unsigned char *pa, *pb;

	if (argc == 3 && (strcmp(argv[1], "--lit") == 0 || strcmp(argv[1], "--size") == 0)) {
		size_t n;
		int lit = 0;
		if ((pa = load(argv[2], &a)) == NULL)
			return 2;
		if (argv[1][2] == 's') {
			printf("%ux%u\n", a.width, a.height);
			free(pa);
			return 0;
		}
		n = PNG_IMAGE_SIZE(a);
		for (size_t i = 0; i < n; i++)
			lit |= pa[i] != 0;
		free(pa);
		return lit ? 0 : 1;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: pngcmp A.png B.png | --lit A.png | --size A.png\n");
		return 2;
	}
	if ((pa = load(argv[1], &a)) == NULL || (pb = load(argv[2], &b)) == NULL)
		return 2;
	if (a.width != b.width || a.height != b.height) {
		fprintf(stderr, "pngcmp: sizes differ: %ux%u vs %ux%u\n", a.width, a.height, b.width, b.height);
		return 1;
	}
	for (unsigned y = 0; y < a.height; y++)
		for (unsigned x = 0; x < a.width; x++) {
			size_t i = 3 * ((size_t)y * a.width + x);
			if (memcmp(pa + i, pb + i, 3) != 0) {
				fprintf(stderr, "pngcmp: first difference at (%u,%u): %02x%02x%02x vs %02x%02x%02x\n", x, y,
				    pa[i], pa[i + 1], pa[i + 2], pb[i], pb[i + 1], pb[i + 2]);
				return 1;
			}
		}
	free(pa);
	free(pb);
	return 0;
}
