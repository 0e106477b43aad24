/*
 * render_bench — frames per second of render_item for the theme slogan,
 * built and run by bench/render.sh.
 *
 *   render_bench W H FORMAT SIZE [cold|warm [FRAMES]]
 *
 * Prints "<fps> <font file> <face index>" on one line: the file and index of
 * the face the renderer used, so the Pillow and ImageMagick runs can load
 * exactly the same one.  "cold"
 * empties the glyph and layout caches before every frame (shaping and
 * rasterising each time).  FRAMES renders exactly that many frames instead
 * of as many as fit in 1.5 s (for callgrind: `valgrind --tool=callgrind
 * --toggle-collect=bench_frames`).  With LEDSIGN_BENCH_PNG set, the first
 * frame is also written there as a raw PNG (one pixel per LED).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

#include "render/render.h"
#include "render/render_int.h"

/* n frames; not inlined, so callgrind can count just these */
__attribute__((noinline)) static void
bench_frames(struct render_ctx *ctx, const struct ls_board *b, const struct ls_content *c,
    struct render_canvas *cv, int cold, long n)
{
	char err[256];

	for (long i = 0; i < n; i++) {
		if (cold)
			render_glyph_cache_flush(ctx);
		render_item(ctx, b, c, 0, 0, cv, err, sizeof err);
	}
}

int
main(int argc, char **argv)
{
	struct ls_config cfg = { .timezone = (char *)"Asia/Shanghai" };
	struct ls_diag d = { 0 };
	struct ls_board b = { .name = (char *)"bench" };
	struct ls_content c = { .name = (char *)"theme", .text = (char *)BENCH_SLOGAN, .color = 0xff0000,
		.align = LS_ALIGN_CENTER, .valign = LS_VALIGN_MIDDLE };
	struct render_ctx *ctx;
	struct render_canvas *cv;
	char err[256];
	long frames = 0, fixed = 0;
	double t0, t1;
	int cold;

	if (argc < 5 || ls_format_parse(argv[3], &b.format) != 0) {
		fprintf(stderr, "usage: render_bench W H FORMAT SIZE [cold|warm [FRAMES]]\n");
		return 2;
	}
	b.width = atoi(argv[1]);
	b.height = atoi(argv[2]);
	c.size = atoi(argv[4]);
	cold = argc > 5 && strcmp(argv[5], "cold") == 0;
	if (argc > 6)
		fixed = atol(argv[6]);
	if ((ctx = render_ctx_new(&cfg, &d)) == NULL) {
		ls_diag_print(&d, stderr);
		return 1;
	}
	cv = render_canvas_new(b.width, b.height, b.format);
	if (render_item(ctx, &b, &c, 0, 0, cv, err, sizeof err) != 0) {
		fprintf(stderr, "render_bench: %s\n", err);
		return 1;
	}
	if (getenv("LEDSIGN_BENCH_PNG") != NULL &&
	    render_png_write_raw(cv, getenv("LEDSIGN_BENCH_PNG"), err, sizeof err) != 0) {
		fprintf(stderr, "render_bench: %s\n", err);
		return 1;
	}
	t0 = bench_now();
	if (fixed > 0) {
		bench_frames(ctx, &b, &c, cv, cold, fixed);
		frames = fixed;
		t1 = bench_now();
	} else
		do {
			bench_frames(ctx, &b, &c, cv, cold, 200);
			frames += 200;
			t1 = bench_now();
		} while (t1 - t0 < 1.5);
	{
		/* the face that drew the first glyph */
		struct render_face *fc = NULL;
		for (size_t i = 0; i < ctx->nfaces; i++)
			if (ctx->faces[i]->px == c.size)
				fc = ctx->faces[i];
		printf("%.0f %s %ld\n", frames / (t1 - t0), fc ? fc->file : "?", fc ? (long)fc->ft->face_index : 0L);
	}
	render_canvas_free(cv);
	render_ctx_free(ctx);
	return 0;
}
