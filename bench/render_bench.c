/*
 * render_bench — frames per second of render_item for the theme slogan,
 * built and run by bench/render.sh.
 *
 *   render_bench W H FORMAT SIZE [cold]
 *
 * Prints "<fps> <font file> <face index>" on one line: the file and index of
 * the face the renderer used, so the Pillow and ImageMagick runs can load
 * exactly the same one.  "cold" empties the glyph and layout caches before
 * every frame (shaping and rasterising each time), for comparison.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

#include "render/render.h"
#include "render/render_int.h"


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
	long frames = 0;
	double t0, t1;
	int cold;

	if (argc < 5 || ls_format_parse(argv[3], &b.format) != 0) {
		fprintf(stderr, "usage: render_bench W H FORMAT SIZE [cold]\n");
		return 2;
	}
	b.width = atoi(argv[1]);
	b.height = atoi(argv[2]);
	c.size = atoi(argv[4]);
	cold = argc > 5 && strcmp(argv[5], "cold") == 0;
	if ((ctx = render_ctx_new(&cfg, &d)) == NULL) {
		ls_diag_print(&d, stderr);
		return 1;
	}
	cv = render_canvas_new(b.width, b.height, b.format);
	if (render_item(ctx, &b, &c, 0, 0, cv, err, sizeof err) != 0) {
		fprintf(stderr, "render_bench: %s\n", err);
		return 1;
	}
	t0 = bench_now();
	do {
		for (int i = 0; i < 200; i++) {
			if (cold)
				render_glyph_cache_flush(ctx);
			render_item(ctx, &b, &c, 0, 0, cv, err, sizeof err);
		}
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
