/* A canvas against its golden PNG, for the unit tests with golden images:
 * with UPDATE_GOLDEN=1 the canvas is written as the golden instead.
 * Include once per test file, after cmocka.h, png.h and render/render.h. */
#ifndef LEDSIGN_TEST_GOLDEN_H
#define LEDSIGN_TEST_GOLDEN_H

/* 0 when cv is the golden PNG at golden, LED for LED (or it was written), else 1
 * after saying what differs; a differing render is kept as
 * /tmp/ledsign-golden-NAME.png to look at. */
static int
golden_compare(const struct render_canvas *cv, const char *golden, const char *name)
{
	int update = getenv("UPDATE_GOLDEN") != NULL && strcmp(getenv("UPDATE_GOLDEN"), "1") == 0;
	char out[256], err[512];
	png_image img;
	uint8_t *buf;
	int diff = 0, fx = -1, fy = -1;

	if (update) {
		if (render_png_write_raw(cv, golden, err, sizeof err) != 0)
			fail_msg("%s", err);
		return 0;
	}
	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&img, golden)) {
		print_error("%s: missing golden (%s); look at the output and run UPDATE_GOLDEN=1\n", golden, img.message);
		return 1;
	}
	img.format = PNG_FORMAT_RGB;
	buf = malloc(PNG_IMAGE_SIZE(img));
	assert_non_null(buf);
	assert_true(png_image_finish_read(&img, NULL, buf, 0, NULL));
	if ((int)img.width != cv->width || (int)img.height != cv->height) {
		print_error("%s: golden is %ux%u, render is %dx%d\n", name, img.width, img.height, cv->width, cv->height);
		free(buf);
		return 1;
	}
	for (int y = 0; y < cv->height; y++)
		for (int x = 0; x < cv->width; x++) {
			const uint8_t *p = buf + ((size_t)y * (size_t)cv->width + (size_t)x) * 3;
			if (((ls_rgb)p[0] << 16 | (ls_rgb)p[1] << 8 | p[2]) != render_canvas_get(cv, x, y) && diff++ == 0) {
				fx = x;
				fy = y;
			}
		}
	free(buf);
	if (diff == 0)
		return 0;
	snprintf(out, sizeof out, "/tmp/ledsign-golden-%s.png", name);
	render_png_write_raw(cv, out, err, sizeof err);
	print_error("%s: %d LEDs differ from the golden, first at %d,%d (output in %s)\n", name, diff, fx, fy, out);
	return 1;
}

#endif
