/*
 * layout_bench — frames per second of a composed layout against one item on
 * the whole board, built and run by bench/layout.sh.
 *
 *   layout_bench CONFIG BOARD LAYOUT ITEM "YYYY-MM-DD HH:MM"
 *
 * Prints "<layout fps> <item fps>": the layout's areas as the schedule has
 * them at that time (as an all-day rule), and ITEM on the whole board, each
 * advanced 1/30 s of effect time per frame, as the controller would.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

#include "config/config.h"
#include "render/render.h"
#include "schedule/schedule.h"

int
main(int argc, char **argv)
{
	struct ls_diag d = { 0 };
	struct ls_config *cfg;
	const struct ls_board *b;
	const struct ls_layout *lo;
	const struct ls_content *it;
	struct render_ctx *ctx;
	struct render_canvas *cv;
	struct sched *s;
	struct sched_result r;
	struct render_area_show shows[LS_LAYOUT_MAX_AREAS];
	char err[512];
	double fps[2], at;
	struct tm tm = { 0 };

	if (argc != 6 || (cfg = ls_config_load(argv[1], &d)) == NULL) {
		ls_diag_print(&d, stderr);
		fprintf(stderr, "usage: layout_bench CONFIG BOARD LAYOUT ITEM \"YYYY-MM-DD HH:MM\"\n");
		return 2;
	}
	b = ls_config_board(cfg, argv[2]);
	lo = ls_config_layout(cfg, argv[3]);
	it = ls_config_content(cfg, argv[4]);
	if (!b || !lo || !it || !strptime(argv[5], "%Y-%m-%d %H:%M", &tm)) {
		fprintf(stderr, "layout_bench: no such board, layout or item, or a bad time\n");
		return 2;
	}
	at = (double)timegm(&tm) - 8 * 3600;   /* the sample is in Asia/Shanghai */
	if ((ctx = render_ctx_new(cfg, &d)) == NULL || (s = sched_new(cfg, err, sizeof err)) == NULL) {
		ls_diag_print(&d, stderr);
		return 1;
	}
	cv = render_canvas_new(b->width, b->height, b->format);
	sched_layout_at(s, lo, NAN, at, &r);
	for (int k = 0; k < 2; k++) {
		long frames = 0;
		double t0 = bench_now(), t1;
		do {
			for (int i = 0; i < 100; i++, frames++) {
				double dt = frames / 30.0;
				if (k == 0) {
					for (size_t a = 0; a < r.nareas; a++) {
						shows[a].content = r.areas[a].content;
						shows[a].t = at - r.areas[a].item_start + dt;
					}
					if (render_compose(ctx, b, lo, shows, at + dt, cv, err, sizeof err) != 0) {
						fprintf(stderr, "layout_bench: %s\n", err);
						return 1;
					}
				} else if (render_item(ctx, b, it, at + dt, dt, cv, err, sizeof err) != 0) {
					fprintf(stderr, "layout_bench: %s\n", err);
					return 1;
				}
			}
			t1 = bench_now();
		} while (t1 - t0 < 1.5);
		fps[k] = frames / (t1 - t0);
	}
	printf("%.0f %.0f\n", fps[0], fps[1]);
	render_canvas_free(cv);
	sched_free(s);
	render_ctx_free(ctx);
	ls_config_free(cfg);
	return 0;
}
