/* Art-Net: ArtDmx and ArtSync bytes, port-addresses, even lengths, sequence
 * numbers, encoder -> fw_artnet. */
#include "proto_golden.h"

#include "proto/artnet.h"
#include "fw_artnet.h"

static uint8_t out[1 << 20];

static void
test_dmx_and_sync_golden(void **st)
{
	const uint8_t data[3] = { 0xAA, 0xBB, 0xCC };
	ssize_t n;

	(void)st;
	/* Port-address 0x0123: net 1, sub-net 2, universe 3; 3 channels padded to 4. */
	n = proto_artnet_dmx(1, 0, 0x0123, data, 3, out, sizeof out);
	tg_expect_hex(out, (size_t)n, "41 72 74 2D 4E 65 74 00 00 50 00 0E 01 00 23 01 00 04 "
	    "AA BB CC 00");
	n = proto_artnet_dmx(200, 2, 0x7FFF, data, 2, out, sizeof out);
	tg_expect_hex(out, (size_t)n, "41 72 74 2D 4E 65 74 00 00 50 00 0E C8 02 FF 7F 00 02 AA BB");
	n = proto_artnet_sync(out, sizeof out);
	tg_expect_hex(out, (size_t)n, "41 72 74 2D 4E 65 74 00 00 52 00 0E 00 00");
	assert_int_equal(proto_artnet_dmx(1, 0, 0x8000, data, 3, out, sizeof out), -1);
	assert_int_equal(proto_artnet_dmx(1, 0, 0, data, 0, out, sizeof out), -1);
}

static void
test_frames_and_sequence(void **st)
{
	struct ls_board b = tg_board("hall", 200, 1, LS_FMT_RGB888, "artnet");
	struct render_canvas *c = tg_pattern(200, 1, LS_FMT_RGB888);
	struct proto_image im = tg_image(c);
	struct proto_batch batch;
	char err[256];
	void *s;

	(void)st;
	b.universe = 0x0F;                        /* sub-net 0, universe 15: next is sub-net 1 */
	assert_non_null(s = proto_artnet_ops.init(&b, err, sizeof err));
	for (int f = 0; f < 256; f++) {
		proto_batch_init(&batch, out, sizeof out);
		assert_int_equal(proto_artnet_ops.encode_frame(s, &im, &batch), 0);
	}
	assert_int_equal(batch.npkts, 2);
	assert_int_equal(batch.len[0], 18 + 510);
	assert_int_equal(batch.len[1], 18 + 90);  /* 30 pixels, already even */
	assert_int_equal(batch.buf[batch.off[0] + 12], 1);     /* 256th frame wrapped past 255 */
	assert_int_equal(batch.buf[batch.off[0] + 14], 0x0F);
	assert_int_equal(batch.buf[batch.off[1] + 14], 0x10);
	assert_int_equal(batch.buf[batch.off[1] + 15], 0x00);
	assert_memory_equal(batch.buf + batch.off[1] + 18, c->data + 510, 90);
	assert_true(batch.used <= proto_artnet_ops.max_frame_bytes(200, 1, LS_FMT_RGB888));
	proto_artnet_ops.fini(s);
	b.universe = 0x7FFF;
	assert_null(proto_artnet_ops.init(&b, err, sizeof err));
	assert_non_null(strstr(err, "board hall"));
	render_canvas_free(c);
}

static void
round_trip(enum ls_format f, int w, int h, const char *order, int universe)
{
	struct ls_board b = tg_board("rt", w, h, f, "artnet");
	struct render_canvas *c = tg_pattern(w, h, f), *got = render_canvas_new(w, h, f);
	struct proto_image im = tg_image(c);
	struct fw_rgb_canvas fc = { w, h, (int)f, got->stride, got->data };
	struct proto_batch batch;
	struct fw_artnet d;
	uint8_t ord[3];
	char err[256];
	void *s;

	b.pixel_order = (char *)(uintptr_t)order;
	b.universe = universe;
	assert_non_null(s = proto_artnet_ops.init(&b, err, sizeof err));
	assert_int_equal(fw_rgb_order_parse(order, ord), 0);
	fw_artnet_init(&d, (uint16_t)universe, ord);
	proto_batch_init(&batch, out, sizeof out);
	assert_int_equal(proto_artnet_ops.encode_frame(s, &im, &batch), 0);
	for (size_t i = 0; i < batch.npkts; i++)
		assert_int_equal(fw_artnet_decode(&d, batch.buf + batch.off[i], batch.len[i], &fc),
		    i + 1 == batch.npkts ? FW_ARTNET_SHOW : FW_ARTNET_DATA);
	assert_true(render_canvas_equal(c, got));
	proto_artnet_ops.fini(s);
	render_canvas_free(c);
	render_canvas_free(got);
}

static void
test_round_trip_every_format(void **st)
{
	(void)st;
	round_trip(LS_FMT_MONO, 64, 16, NULL, 0);
	round_trip(LS_FMT_REDGREEN, 33, 9, "grb", 17);
	round_trip(LS_FMT_RGB565, 100, 20, "bgr", 0x100);
	round_trip(LS_FMT_RGB888, 128, 64, "brg", 3);
}

/* After an ArtSync, only ArtSync shows; other opcodes are ignored. */
static void
test_decoder_sync_mode(void **st)
{
	uint8_t px[3] = { 0 }, ord[3] = { 0, 1, 2 }, data[3] = { 1, 2, 3 }, sync[14];
	struct fw_rgb_canvas fc = { 1, 1, FW_RGB_888, 3, px };
	struct fw_artnet d;
	ssize_t n;
	uint8_t poll[14] = { 'A', 'r', 't', '-', 'N', 'e', 't', 0, 0x00, 0x20, 0, 14, 0, 0 };

	(void)st;
	fw_artnet_init(&d, 0, ord);
	proto_artnet_sync(sync, sizeof sync);
	n = proto_artnet_dmx(1, 0, 0, data, 3, out, sizeof out);
	assert_int_equal(fw_artnet_decode(&d, out, (size_t)n, &fc), FW_ARTNET_SHOW);
	assert_int_equal(fw_artnet_decode(&d, sync, 14, &fc), FW_ARTNET_IGNORED);
	assert_int_equal(fw_artnet_decode(&d, out, (size_t)n, &fc), FW_ARTNET_DATA);
	assert_int_equal(fw_artnet_decode(&d, sync, 14, &fc), FW_ARTNET_SHOW);
	assert_int_equal(fw_artnet_decode(&d, poll, 14, &fc), FW_ARTNET_IGNORED);
	out[17] = 3;                              /* odd length */
	assert_int_equal(fw_artnet_decode(&d, out, (size_t)n, &fc), FW_ARTNET_BAD);
	tg_expect_hex(px, 3, "01 02 03");
}

/* artnet_sync = true: an ArtSync closes every frame, and the board shows on it. */
static void
test_artsync_option(void **st)
{
	struct ls_board b = tg_board("sync", 200, 1, LS_FMT_RGB888, "artnet");
	struct render_canvas *c = tg_pattern(200, 1, LS_FMT_RGB888), *got = render_canvas_new(200, 1, LS_FMT_RGB888);
	struct proto_image im = tg_image(c);
	struct fw_rgb_canvas fc = { 200, 1, FW_RGB_888, got->stride, got->data };
	struct proto_batch batch;
	struct fw_artnet d;
	uint8_t ord[3] = { 0, 1, 2 };
	char err[256];
	void *s;

	(void)st;
	b.artnet_sync = 1;
	assert_non_null(s = proto_artnet_ops.init(&b, err, sizeof err));
	fw_artnet_init(&d, 0, ord);
	for (int f = 0; f < 2; f++) {
		proto_batch_init(&batch, out, sizeof out);
		assert_int_equal(proto_artnet_ops.encode_frame(s, &im, &batch), 0);
		assert_int_equal(batch.npkts, 3);
		tg_expect_hex(batch.buf + batch.off[2], batch.len[2], "41 72 74 2D 4E 65 74 00 00 52 00 0E 00 00");
		assert_true(batch.used <= proto_artnet_ops.max_frame_bytes(200, 1, LS_FMT_RGB888));
		for (size_t i = 0; i < batch.npkts; i++) {
			int r = fw_artnet_decode(&d, batch.buf + batch.off[i], batch.len[i], &fc);

			/* Before the first ArtSync the node shows on the last universe;
			 * from then on only ArtSync shows. */
			static const int want[2][3] = {
				{ FW_ARTNET_DATA, FW_ARTNET_SHOW, FW_ARTNET_IGNORED },
				{ FW_ARTNET_DATA, FW_ARTNET_DATA, FW_ARTNET_SHOW },
			};
			assert_int_equal(r, want[f][i]);
		}
	}
	assert_true(render_canvas_equal(c, got));
	proto_artnet_ops.fini(s);
	render_canvas_free(c);
	render_canvas_free(got);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dmx_and_sync_golden),
		cmocka_unit_test(test_frames_and_sequence),
		cmocka_unit_test(test_round_trip_every_format),
		cmocka_unit_test(test_decoder_sync_mode),
		cmocka_unit_test(test_artsync_option),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
