/*
 * proto_golden.h — helpers for the protocol unit tests: hex strings, golden
 * files under tests/golden/proto/, test canvases.  Set LEDSIGN_UPDATE_GOLDEN=1
 * to rewrite a golden file after a deliberate change (then review the diff).
 */
#ifndef LEDSIGN_TEST_PROTO_GOLDEN_H
#define LEDSIGN_TEST_PROTO_GOLDEN_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "render/canvas.h"
#include "proto/proto.h"

/* Parse "A5 a5 00..." (spaces and newlines ignored) into out; returns length. */
static inline size_t
tg_hex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	unsigned v;

	while (*s) {
		if (*s == ' ' || *s == '\n' || *s == '\t') {
			s++;
			continue;
		}
		assert_true(sscanf(s, "%2x", &v) == 1);
		assert_true(n < cap);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

static inline void
tg_dump(FILE *f, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02X%s", p[i], (i % 16 == 15 || i + 1 == n) ? "\n" : " ");
}

/* Compare bytes with a hex string, printing both on a mismatch. */
static inline void
tg_expect_hex(const uint8_t *got, size_t n, const char *hex)
{
	static uint8_t want[1 << 16];
	size_t m = tg_hex(hex, want, sizeof want);

	if (m != n || memcmp(got, want, n) != 0) {
		fprintf(stderr, "want (%zu bytes):\n", m);
		tg_dump(stderr, want, m);
		fprintf(stderr, "got (%zu bytes):\n", n);
		tg_dump(stderr, got, n);
		fail_msg("bytes differ from the golden value");
	}
}

/* Compare bytes with tests/golden/proto/NAME (hex text). */
static inline void
tg_expect_file(const uint8_t *got, size_t n, const char *name)
{
	char path[256], *text;
	FILE *f;
	long len;

	snprintf(path, sizeof path, "tests/golden/proto/%s", name);
	if (getenv("LEDSIGN_UPDATE_GOLDEN") != NULL) {
		assert_non_null(f = fopen(path, "w"));
		tg_dump(f, got, n);
		fclose(f);
		return;
	}
	if ((f = fopen(path, "r")) == NULL)
		fail_msg("%s missing: run with LEDSIGN_UPDATE_GOLDEN=1 once and review it", path);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	assert_non_null(text = calloc(1, (size_t)len + 1));
	assert_int_equal(fread(text, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	tg_expect_hex(got, n, text);
	free(text);
}

/* A deterministic test picture: every LED a different-ish colour, some off. */
static inline struct render_canvas *
tg_pattern(int w, int h, enum ls_format f)
{
	struct render_canvas *c = render_canvas_new(w, h, f);

	assert_non_null(c);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			uint32_t v = (uint32_t)(x * 2654435761u ^ y * 40503u ^ (uint32_t)(x * y));
			ls_rgb rgb = ((v >> 3) & 7) == 0 ? 0 : (v * 2246822519u) & 0xffffff;

			render_canvas_set(c, x, y, rgb);
		}
	return c;
}

static inline struct proto_image
tg_image(const struct render_canvas *c)
{
	struct proto_image im = { c->width, c->height, c->format, c->stride, c->data };

	return im;
}

static inline struct ls_board
tg_board(const char *name, int w, int h, enum ls_format f, const char *protocol)
{
	struct ls_board b;

	memset(&b, 0, sizeof b);
	b.name = (char *)(uintptr_t)name;
	b.width = w;
	b.height = h;
	b.format = f;
	b.protocol = (char *)(uintptr_t)protocol;
	b.brightness = 100;
	return b;
}


#endif
