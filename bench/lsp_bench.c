/*
 * lsp_bench — CPU time of proto_lsp_compress on a scrolling text, built and
 * run by bench/encode.sh (and under callgrind by hand).
 *
 *   lsp_bench W H FORMAT [STEP_PX] [FRAMES] [REPEAT] [nohint]
 *
 * Renders FRAMES frames of the theme slogan scrolling left STEP_PX LEDs a
 * frame (1 at 30 fps and 32 px/s; an overloaded daemon takes larger steps),
 * then codes each against the one before as the daemon does (every
 * encoding allowed, with one proto_lsp_hint as the daemon keeps per board;
 * "nohint": plain proto_lsp_compress), REPEAT times.  Prints
 *   <µs per frame> <coded bytes per frame> <raw bytes per frame> <RAW RLE ROWXOR DELTA CTX counts>
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

#include "proto/lsp.h"
#include "render/render.h"


int
main(int argc, char **argv)
{
	struct ls_config cfg = { .timezone = (char *)"Asia/Shanghai" };
	struct ls_diag d = { 0 };
	struct ls_board b = { .name = (char *)"bench" };
	struct ls_content c = { .name = (char *)"theme", .text = (char *)BENCH_SLOGAN, .color = 0xff0000,
		.align = LS_ALIGN_CENTER, .valign = LS_VALIGN_MIDDLE, .effect = LS_FX_SCROLL_LEFT, .speed = 32.0 };
	struct render_ctx *ctx;
	struct render_canvas *cv;
	char err[256];
	int step, nframes, repeat, nohint;
	uint8_t **frames, *work;
	size_t fbytes, coded = 0;
	unsigned used[FW_LSP_ENC_COUNT] = { 0 };
	double t0, t1;

	if (argc < 4 || ls_format_parse(argv[3], &b.format) != 0) {
		fprintf(stderr, "usage: lsp_bench W H FORMAT [STEP_PX] [FRAMES] [REPEAT]\n");
		return 2;
	}
	b.width = atoi(argv[1]);
	b.height = atoi(argv[2]);
	step = argc > 4 ? atoi(argv[4]) : 1;
	nframes = argc > 5 ? atoi(argv[5]) : 300;
	repeat = argc > 6 ? atoi(argv[6]) : 3;
	nohint = argc > 7 && strcmp(argv[7], "nohint") == 0;
	if ((ctx = render_ctx_new(&cfg, &d)) == NULL) {
		ls_diag_print(&d, stderr);
		return 1;
	}
	cv = render_canvas_new(b.width, b.height, b.format);
	fbytes = cv->stride * (size_t)b.height;
	frames = calloc((size_t)nframes, sizeof *frames);
	work = malloc(proto_lsp_work_size(fbytes));
	for (int i = 0; i < nframes; i++) {
		/* 2 s in, so the text has entered the board */
		if (render_item(ctx, &b, &c, 0, 2.0 + i * step / c.speed, cv, err, sizeof err) != 0) {
			fprintf(stderr, "lsp_bench: %s\n", err);
			return 1;
		}
		frames[i] = malloc(fbytes);
		memcpy(frames[i], cv->data, fbytes);
	}
	t0 = bench_cpu_now();
	for (int r = 0; r < repeat; r++) {
		struct proto_lsp_hint hint = { 0 };

		for (int i = 0; i < nframes; i++) {
			struct proto_image img = { b.width, b.height, b.format, cv->stride, frames[i] };
			struct proto_lsp_coding how;
			const uint8_t *out;

			proto_lsp_compress_hint(&img, i > 0 ? frames[i - 1] : NULL, 0xFF, nohint ? NULL : &hint,
			    work, &out, &how);
			if (r == 0) {
				coded += how.bytes;
				used[FW_LSP_ENC_BASE(how.encoding)]++;
			}
		}
	}
	t1 = bench_cpu_now();
	printf("%.1f %.1f %zu", (t1 - t0) * 1e6 / ((double)nframes * repeat), (double)coded / nframes, fbytes);
	for (unsigned e = 0; e < FW_LSP_ENC_COUNT; e++)
		printf(" %u", used[e]);
	printf("\n");
	for (int i = 0; i < nframes; i++)
		free(frames[i]);
	free(frames);
	free(work);
	render_canvas_free(cv);
	render_ctx_free(ctx);
	return 0;
}
