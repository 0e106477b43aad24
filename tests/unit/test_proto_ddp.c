/* DDP: header bytes, the 1440-byte split, push on the last packet, sequence
 * numbers 1..15, channel order, brightness scaling, encoder -> fw_ddp. */
#include "proto_golden.h"

#include "proto/ddp.h"
#include "fw_ddp.h"

static uint8_t out[1 << 20];

static void *
open_board(struct ls_board *b, const char *order)
{
	char err[256];
	void *s;

	b->pixel_order = (char *)(uintptr_t)order;
	s = proto_ddp_ops.init(b, err, sizeof err);
	assert_non_null(s);
	return s;
}

static void
test_header_golden(void **st)
{
	struct ls_board b = tg_board("strip", 2, 1, LS_FMT_RGB888, "ddp");
	struct render_canvas *c = render_canvas_new(2, 1, LS_FMT_RGB888);
	struct proto_image im;
	struct proto_batch batch;
	void *s = open_board(&b, NULL), *g = open_board(&b, "grb");

	(void)st;
	render_canvas_set(c, 0, 0, 0x102030);
	render_canvas_set(c, 1, 0, 0xA5B6C7);
	im = tg_image(c);
	proto_batch_init(&batch, out, sizeof out);
	assert_int_equal(proto_ddp_ops.encode_frame(s, &im, &batch), 0);
	assert_int_equal(batch.npkts, 1);
	tg_expect_hex(batch.buf, batch.len[0], "41 01 0B 01 00 00 00 00 00 06 10 20 30 A5 B6 C7");
	proto_batch_init(&batch, out, sizeof out);
	assert_int_equal(proto_ddp_ops.encode_frame(g, &im, &batch), 0);
	tg_expect_hex(batch.buf, batch.len[0], "41 01 0B 01 00 00 00 00 00 06 20 10 30 B6 A5 C7");
	/* The pure packet function agrees. */
	assert_int_equal(proto_ddp_packet(1, 1, 0, batch.buf + 10, 6, out + 4096, 64), 16);
	assert_memory_equal(out + 4096, batch.buf, 16);
	assert_int_equal(proto_ddp_packet(16, 0, 0, NULL, 0, out, 64), -1);
	assert_int_equal(proto_ddp_packet(1, 0, 0, out, 1441, out + 8192, 4096), -1);
	proto_ddp_ops.fini(s);
	proto_ddp_ops.fini(g);
	render_canvas_free(c);
}

static void
test_split_push_and_sequence(void **st)
{
	struct ls_board b = tg_board("wall", 481, 1, LS_FMT_RGB888, "ddp");
	struct render_canvas *c = tg_pattern(481, 1, LS_FMT_RGB888);
	struct proto_image im = tg_image(c);
	struct proto_batch batch;
	void *s = open_board(&b, NULL);
	const uint8_t *p0, *p1;

	(void)st;
	proto_batch_init(&batch, out, sizeof out);
	assert_int_equal(proto_ddp_ops.encode_frame(s, &im, &batch), 0);
	assert_int_equal(batch.npkts, 2);
	p0 = batch.buf + batch.off[0];
	p1 = batch.buf + batch.off[1];
	assert_int_equal(batch.len[0], 10 + 1440);
	assert_int_equal(batch.len[1], 10 + 3);
	tg_expect_hex(p0, 10, "40 01 0B 01 00 00 00 00 05 A0");   /* no push */
	tg_expect_hex(p1, 10, "41 02 0B 01 00 00 05 A0 00 03");   /* push, offset 1440 */
	assert_memory_equal(p0 + 10, c->data, 1440);
	assert_memory_equal(p1 + 10, c->data + 1440, 3);
	/* Sequence numbers run 1..15 and wrap to 1, never 0. */
	for (int f = 0; f < 7; f++) {
		proto_batch_init(&batch, out, sizeof out);
		assert_int_equal(proto_ddp_ops.encode_frame(s, &im, &batch), 0);
	}
	assert_int_equal(batch.buf[batch.off[0] + 1], 15);
	assert_int_equal(batch.buf[batch.off[1] + 1], 1);
	assert_true(batch.used <= proto_ddp_ops.max_frame_bytes(481, 1, LS_FMT_RGB888));
	proto_ddp_ops.fini(s);
	render_canvas_free(c);
}

/* A receiver (WLED, ledboard) drops packets 1..4 behind its last push; 0 is
 * never checked. */
static void
test_decoder_drops_stragglers(void **st)
{
	uint8_t px[3] = { 0 }, ord[3] = { 0, 1, 2 }, pkt[13], rgb[3] = { 5, 6, 7 };
	struct fw_rgb_canvas fc = { 1, 1, FW_RGB_888, 3, px };
	struct fw_ddp d;

	(void)st;
	fw_ddp_init(&d, ord);
	for (int last = 1; last <= 15; last++)
		for (int seq = 0; seq <= 15; seq++) {
			int behind = seq && ((last - seq + 15) % 15 >= 1 && (last - seq + 15) % 15 <= 4);

			fw_ddp_init(&d, ord);
			assert_int_equal(proto_ddp_packet((uint8_t)last, 1, 0, rgb, 3, pkt, sizeof pkt), 13);
			assert_int_equal(fw_ddp_decode(&d, pkt, 13, &fc), FW_DDP_SHOW);
			assert_int_equal(proto_ddp_packet((uint8_t)seq, 1, 0, rgb, 3, pkt, sizeof pkt), 13);
			assert_int_equal(fw_ddp_decode(&d, pkt, 13, &fc), behind ? FW_DDP_IGNORED : FW_DDP_SHOW);
			assert_int_equal(d.dropped, (unsigned long)behind);
		}
}

/* A new sender's first frame is shown whatever push number the receiver
 * last took from an earlier sender (every one of 1..15), for frames of one
 * to four packets: the frame goes out twice, the copies apart. */
static void
test_session_first_frame_always_shown(void **st)
{
	static const int widths[] = { 5, 479, 959, 1439, 1919 };
	struct proto_session ses = { { 7 } };

	(void)st;
	for (size_t wi = 0; wi < sizeof widths / sizeof widths[0]; wi++) {
		int w = widths[wi];
		struct ls_board b = tg_board("new", w, 1, LS_FMT_RGB888, "ddp");
		struct render_canvas *c = tg_pattern(w, 1, LS_FMT_RGB888), *got = render_canvas_new(w, 1, LS_FMT_RGB888);
		struct proto_image im = tg_image(c);
		struct fw_rgb_canvas fc = { w, 1, FW_RGB_888, got->stride, got->data };
		struct proto_batch batch;
		uint8_t ord[3] = { 0, 1, 2 }, pkt[13], rgb[3] = { 0 };
		struct fw_ddp d;

		for (int last = 0; last <= 15; last++) {
			void *s = open_board(&b, NULL);
			int shown = 0;

			proto_ddp_ops.session(s, &ses);
			proto_batch_init(&batch, out, sizeof out);
			assert_int_equal(proto_ddp_ops.encode_frame(s, &im, &batch), 0);
			assert_true(batch.used <= proto_ddp_ops.max_frame_bytes(w, 1, LS_FMT_RGB888));
			fw_ddp_init(&d, ord);
			memset(got->data, 0, render_canvas_size(got));
			if (last) {   /* what an earlier sender left: a push numbered `last` */
				proto_ddp_packet((uint8_t)last, 1, 0, rgb, 3, pkt, sizeof pkt);
				assert_int_equal(fw_ddp_decode(&d, pkt, 13, &fc), FW_DDP_SHOW);
			}
			for (size_t i = 0; i < batch.npkts; i++)
				if (fw_ddp_decode(&d, batch.buf + batch.off[i], batch.len[i], &fc) == FW_DDP_SHOW &&
				    render_canvas_equal(c, got))
					shown = 1;
			if (!shown)
				fail_msg("%d-pixel frame not shown after a push numbered %d", w, last);
			/* and the next frame of the session goes out once */
			proto_batch_init(&batch, out, sizeof out);
			assert_int_equal(proto_ddp_ops.encode_frame(s, &im, &batch), 0);
			assert_int_equal(batch.npkts, (size_t)(w * 3 + 1439) / 1440);
			proto_ddp_ops.fini(s);
		}
		render_canvas_free(c);
		render_canvas_free(got);
	}
}

static void
test_brightness_scales(void **st)
{
	struct ls_board b = tg_board("dim", 1, 1, LS_FMT_RGB888, "ddp");
	struct render_canvas *c = render_canvas_new(1, 1, LS_FMT_RGB888);
	struct proto_image im;
	struct proto_batch batch;
	void *s = open_board(&b, NULL);

	(void)st;
	render_canvas_set(c, 0, 0, 0xFF8000);
	im = tg_image(c);
	assert_int_equal(proto_ddp_ops.encode_brightness(s, 50, &batch), 0);
	proto_batch_init(&batch, out, sizeof out);
	assert_int_equal(proto_ddp_ops.encode_frame(s, &im, &batch), 0);
	tg_expect_hex(batch.buf + 10, 3, "7F 40 00");   /* 255 * 128 / 256 */
	assert_int_equal(proto_ddp_ops.encode_brightness(s, 101, &batch), -1);
	proto_ddp_ops.fini(s);
	render_canvas_free(c);
}

static void
round_trip(enum ls_format f, int w, int h, const char *order)
{
	struct ls_board b = tg_board("rt", w, h, f, "ddp");
	struct render_canvas *c = tg_pattern(w, h, f), *got = render_canvas_new(w, h, f);
	struct proto_image im = tg_image(c);
	struct fw_rgb_canvas fc = { w, h, (int)f, got->stride, got->data };
	struct proto_batch batch;
	struct fw_ddp d;
	uint8_t ord[3];
	void *s = open_board(&b, order);

	assert_int_equal(fw_rgb_order_parse(order, ord), 0);
	fw_ddp_init(&d, ord);
	proto_batch_init(&batch, out, sizeof out);
	assert_int_equal(proto_ddp_ops.encode_frame(s, &im, &batch), 0);
	for (size_t i = 0; i < batch.npkts; i++)
		assert_int_equal(fw_ddp_decode(&d, batch.buf + batch.off[i], batch.len[i], &fc),
		    i + 1 == batch.npkts ? FW_DDP_SHOW : FW_DDP_DATA);
	assert_true(render_canvas_equal(c, got));
	proto_ddp_ops.fini(s);
	render_canvas_free(c);
	render_canvas_free(got);
}

static void
test_round_trip_every_format(void **st)
{
	(void)st;
	round_trip(LS_FMT_MONO, 64, 16, NULL);
	round_trip(LS_FMT_REDGREEN, 33, 9, "grb");
	round_trip(LS_FMT_RGB565, 100, 20, "bgr");
	round_trip(LS_FMT_RGB888, 128, 64, "rbg");
}

/* A pixel split across two packets still arrives whole; bad headers are counted. */
static void
test_decoder_edges(void **st)
{
	uint8_t px[6] = { 0 }, ord[3] = { 0, 1, 2 };
	struct fw_rgb_canvas fc = { 2, 1, FW_RGB_888, 6, px };
	struct fw_ddp d;
	uint8_t a[14] = { 0x40, 1, 0x0B, 1, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4 };
	uint8_t b[12] = { 0x41, 2, 0x0B, 1, 0, 0, 0, 4, 0, 2, 5, 6 };
	uint8_t q[10] = { 0x43, 0, 0x0B, 251, 0, 0, 0, 0, 0, 0 };

	(void)st;
	fw_ddp_init(&d, ord);
	assert_int_equal(fw_ddp_decode(&d, a, sizeof a, &fc), FW_DDP_DATA);
	assert_int_equal(fw_ddp_decode(&d, b, sizeof b, &fc), FW_DDP_SHOW);
	tg_expect_hex(px, 6, "01 02 03 04 05 06");
	assert_int_equal(fw_ddp_decode(&d, q, sizeof q, &fc), FW_DDP_IGNORED);
	b[9] = 40;                                /* longer than the datagram */
	assert_int_equal(fw_ddp_decode(&d, b, sizeof b, &fc), FW_DDP_BAD);
	b[0] = 0x81;                              /* version 2 */
	assert_int_equal(fw_ddp_decode(&d, b, sizeof b, &fc), FW_DDP_BAD);
	assert_int_equal(d.bad, 2);
}

/* proto_pixel_run (issue 20: a row at a time, the canvas bytes copied
 * when they are the wire's) gives what proto_pixel_get and _put give for
 * every pixel: every format, channel order and brightness, from any pixel,
 * past the end too. */
static void
test_pixel_run_matches_per_pixel(void **unused)
{
	static const char *orders[] = { "rgb", "grb", "bgr" };
	static const unsigned scales[] = { 256, 128, 0 };
	static uint8_t img[13 * 5 * 3], got[3 * 80], want[3 * 80];

	(void)unused;
	for (size_t i = 0; i < sizeof img; i++)
		img[i] = (uint8_t)(i * 37 + (i >> 3) * 11);
	for (int f = 0; f < 4; f++)
		for (size_t o = 0; o < 3; o++)
			for (size_t sc = 0; sc < 3; sc++) {
				struct proto_pixel_order ord;
				struct proto_image im = { 13, 5, (enum ls_format)f,
					f == LS_FMT_MONO ? 2 : f == LS_FMT_REDGREEN ? 4 : f == LS_FMT_RGB565 ? 26 : 39, img };

				assert_int_equal(proto_pixel_order_parse(orders[o], &ord), 0);
				for (size_t start = 0; start < 70; start += 7) {
					size_t n = 80 - start > 30 ? 30 : 80 - start;

					proto_pixel_run(&im, start, n, &ord, scales[sc], got);
					for (size_t i = 0; i < n; i++) {
						size_t p = start + i;
						proto_pixel_put(&ord, p < 65 ? proto_pixel_get(&im, (int)(p % 13), (int)(p / 13)) : 0,
						    scales[sc], want + 3 * i);
					}
					assert_memory_equal(got, want, 3 * n);
				}
			}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_golden),
		cmocka_unit_test(test_split_push_and_sequence),
		cmocka_unit_test(test_decoder_drops_stragglers),
		cmocka_unit_test(test_session_first_frame_always_shown),
		cmocka_unit_test(test_brightness_scales),
		cmocka_unit_test(test_round_trip_every_format),
		cmocka_unit_test(test_decoder_edges),
		cmocka_unit_test(test_pixel_run_matches_per_pixel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
