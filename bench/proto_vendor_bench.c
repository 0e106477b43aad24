/* Encode (host) and decode (board) speed of the vendor protocols on a
 * 128x64 board, mono and rgb888: one BENCH line per protocol, format and side. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

#include "fw_artnet.h"
#include "fw_bx.h"
#include "fw_ddp.h"
#include "fw_e131.h"
#include "proto/proto.h"
#include "render/canvas.h"

int
main(void)
{
	static uint8_t buf[1 << 22], work[1 << 17], fb[128 * 64 * 3], reply[64];
	static const char *const protos[] = { "onbon-bx", "ddp", "e131", "artnet" };
	static const enum ls_format fmts[] = { LS_FMT_MONO, LS_FMT_RGB888 };
	const int w = 128, h = 64, n = 3000;

	for (int f = 0; f < 2; f++)
		for (int i = 0; i < 4; i++) {
			struct render_canvas *c = render_canvas_new(w, h, fmts[f]);
			const struct proto_ops *o = proto_find(protos[i]);
			struct proto_image im;
			struct proto_batch bt;
			struct ls_board b;
			struct fw_rgb_canvas fc = { w, h, (int)fmts[f], c->stride, fb };
			static const uint8_t ord[3] = { 0, 1, 2 };
			const char *fn = fmts[f] == LS_FMT_MONO ? "mono" : "rgb888";
			char err[256];
			double t0, enc, dec;
			void *s;

			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++)
					render_canvas_set(c, x, y, (ls_rgb)((unsigned)(x * y) * 2654435761u) & 0xffffff);
			memset(&b, 0, sizeof b);
			b.name = "bench";
			b.width = w;
			b.height = h;
			b.format = fmts[f];
			b.brightness = 100;
			if ((s = o->init(&b, err, sizeof err)) == NULL) {
				fprintf(stderr, "%s\n", err);
				return 1;
			}
			im = (struct proto_image){ w, h, fmts[f], c->stride, c->data };
			t0 = bench_now();
			for (int k = 0; k < n; k++) {
				proto_batch_init(&bt, buf, sizeof buf);
				o->encode_frame(s, &im, &bt);
			}
			enc = n / (bench_now() - t0);
			t0 = bench_now();
			for (int k = 0; k < n; k++) {
				struct fw_bx bx;
				struct fw_ddp dd;
				struct fw_e131 e1;
				struct fw_artnet an;

				if (i == 0)
					fw_bx_init(&bx, work, sizeof work, fmts[f] == LS_FMT_MONO ? FW_BX_5E : FW_BX_6Q, 1);
				fw_ddp_init(&dd, ord);
				fw_e131_init(&e1, 1, ord);
				fw_artnet_init(&an, 0, ord);
				for (size_t p = 0; p < bt.npkts; p++) {
					const uint8_t *pk = bt.buf + bt.off[p];
					size_t len = bt.len[p], used, rl;

					if (i == 0)
						fw_bx_feed(&bx, pk, len, &used, &fc, reply, sizeof reply, &rl);
					else if (i == 1)
						fw_ddp_decode(&dd, pk, len, &fc);
					else if (i == 2)
						fw_e131_decode(&e1, pk, len, &fc);
					else
						fw_artnet_decode(&an, pk, len, &fc);
				}
			}
			dec = n / (bench_now() - t0);
			if (memcmp(fb, c->data, render_canvas_size(c)) != 0) {
				fprintf(stderr, "%s %s: decoded frame differs\n", protos[i], fn);
				return 1;
			}
			printf("BENCH proto-%s-%s-encode-fps %.0f fps\n", protos[i], fn, enc);
			printf("BENCH proto-%s-%s-decode-fps %.0f fps\n", protos[i], fn, dec);
			printf("BENCH proto-%s-%s-frame-bytes %zu bytes\n", protos[i], fn, bt.used);
			o->fini(s);
			render_canvas_free(c);
		}
	return 0;
}
