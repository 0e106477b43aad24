/*
 * longtext_bench — how long the largest text `check` allows (4096 bytes,
 * LS_CONFIG_TEXT_MAX) takes to render, built and run by bench/longtext.sh.
 *
 *   longtext_bench W H FORMAT same|distinct [SIZE]
 *
 * The text is "{time} " and then Chinese: the 16 characters of the campaign
 * theme over and over ("same"), or 1363 different characters ("distinct",
 * the worst case: every one shaped and rasterised at every size auto-fit
 * tries).  SIZE 0 (the default) is auto-fit.  Prints, in milliseconds:
 * the first frame on a fresh context, and a frame a minute later (the
 * {time} field changed, so the text is laid out again, glyphs warm); then
 * the text's length in bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

#include "config/config.h"
#include "render/render.h"

static void
put_utf8(char *p, unsigned cp)
{
	p[0] = (char)(0xe0 | cp >> 12);
	p[1] = (char)(0x80 | (cp >> 6 & 63));
	p[2] = (char)(0x80 | (cp & 63));
}

int
main(int argc, char **argv)
{
	static const char theme[] = "网络安全为人民，网络安全靠人民。";
	struct ls_config cfg = { .timezone = (char *)"Asia/Shanghai" };
	struct ls_diag d = { 0 };
	struct ls_board b = { .name = (char *)"bench" };
	struct ls_content c = { .name = (char *)"long", .color = 0xffbf00, .align = LS_ALIGN_CENTER,
		.valign = LS_VALIGN_MIDDLE, .duration = 60 };
	char text[LS_CONFIG_TEXT_MAX + 1], err[256];
	struct render_ctx *ctx;
	struct render_canvas *cv;
	size_t n;
	double t0, t1, t2;
	unsigned seed = 1;

	if (argc < 5 || ls_format_parse(argv[3], &b.format) != 0) {
		fprintf(stderr, "usage: longtext_bench W H FORMAT same|distinct [SIZE]\n");
		return 2;
	}
	b.width = atoi(argv[1]);
	b.height = atoi(argv[2]);
	c.size = argc > 5 ? atoi(argv[5]) : 0;
	strcpy(text, "{time} ");
	n = strlen(text);
	for (size_t k = 0; n + 3 <= LS_CONFIG_TEXT_MAX; k++, n += 3) {
		if (strcmp(argv[4], "same") == 0)
			memcpy(text + n, theme + (k * 3) % (sizeof theme - 1), 3);
		else {
			seed = seed * 1103515245u + 12345u;
			put_utf8(text + n, 0x4e00 + (seed >> 8) % 0x51a6);   /* CJK Unified Ideographs */
		}
	}
	text[n] = '\0';
	c.text = text;
	t0 = bench_now();
	if ((ctx = render_ctx_new(&cfg, &d)) == NULL) {
		ls_diag_print(&d, stderr);
		return 1;
	}
	cv = render_canvas_new(b.width, b.height, b.format);
	t1 = bench_now();
	if (render_item(ctx, &b, &c, 1694484000.0, 0, cv, err, sizeof err) != 0) {
		fprintf(stderr, "longtext_bench: %s\n", err);
		return 1;
	}
	t2 = bench_now();
	double first = (t2 - t1) * 1e3;
	t1 = bench_now();
	if (render_item(ctx, &b, &c, 1694484060.0, 60, cv, err, sizeof err) != 0) {
		fprintf(stderr, "longtext_bench: %s\n", err);
		return 1;
	}
	t2 = bench_now();
	printf("%.1f %.1f %zu\n", first, (t2 - t1) * 1e3, n);
	(void)t0;
	render_canvas_free(cv);
	render_ctx_free(ctx);
	return 0;
}
