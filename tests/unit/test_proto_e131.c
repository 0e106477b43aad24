/* E1.31: every byte of a packet, CID, source name, universes of 170 pixels,
 * sequence per universe, multicast groups, encoder -> fw_e131. */
#include "proto_golden.h"

#include "proto/e131.h"
#include "fw_e131.h"

static uint8_t out[1 << 20];

static void
test_packet_golden(void **st)
{
	struct proto_e131_source src = { { 0 }, "ledsign", 100 };
	const uint8_t slots[3] = { 0x11, 0x22, 0x33 };
	ssize_t n;

	(void)st;
	for (int i = 0; i < 16; i++)
		src.cid[i] = (uint8_t)i;
	n = proto_e131_packet(&src, 1, 0, 0, slots, 3, out, sizeof out);
	assert_int_equal(n, 129);
	tg_expect_hex(out, (size_t)n,
	    "00 10 00 00 41 53 43 2D 45 31 2E 31 37 00 00 00"   /* preamble, ACN id */
	    "70 71 00 00 00 04"                                 /* root: 110 + 3, data */
	    "00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F"   /* CID */
	    "70 5B 00 00 00 02"                                 /* framing: 88 + 3 */
	    "6C 65 64 73 69 67 6E 00 00 00 00 00 00 00 00 00"   /* source name, 64 bytes */
	    "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
	    "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
	    "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
	    "64 00 00 00 00 00 01"                              /* priority, sync, seq, options, universe */
	    "70 0E 02 A1 00 00 00 01 00 04 00"                  /* DMP: 11 + 3, count 4, start code */
	    "11 22 33");
	assert_int_equal(proto_e131_packet(&src, 0, 0, 0, slots, 3, out, sizeof out), -1);
	assert_int_equal(proto_e131_packet(&src, 64000, 0, 0, slots, 3, out, sizeof out), -1);
	assert_int_equal(proto_e131_packet(&src, 1, 0, 0, slots, 0, out, sizeof out), -1);
}

static void
test_cid_and_groups(void **st)
{
	uint8_t a[16], b[16], c[16];
	char buf[32];

	(void)st;
	proto_e131_cid("gate", a);
	proto_e131_cid("gate", b);
	proto_e131_cid("hall", c);
	assert_memory_equal(a, b, 16);
	assert_memory_not_equal(a, c, 16);
	assert_int_equal(a[6] >> 4, 8);           /* UUID version 8 */
	assert_int_equal(a[8] >> 6, 2);           /* RFC variant */
	assert_int_equal(proto_e131_group(1), 0xEFFF0001u);
	assert_int_equal(proto_e131_group(0x1234), 0xEFFF1234u);
	assert_int_equal(proto_e131_group_str(63999, buf, sizeof buf), 15);
	assert_string_equal(buf, "239.255.249.255");
	assert_int_equal(proto_e131_group_str(1, buf, 4), -1);
}

static void
test_universes_and_sequences(void **st)
{
	struct ls_board b = tg_board("gate", 171, 1, LS_FMT_RGB888, "e131");
	struct render_canvas *c = tg_pattern(171, 1, LS_FMT_RGB888);
	struct proto_image im = tg_image(c);
	struct proto_batch batch;
	char err[256];
	void *s;
	uint8_t cid[16];

	(void)st;
	b.universe = 7;
	assert_non_null(s = proto_e131_ops.init(&b, err, sizeof err));
	for (int f = 0; f < 3; f++) {
		proto_batch_init(&batch, out, sizeof out);
		assert_int_equal(proto_e131_ops.encode_frame(s, &im, &batch), 0);
	}
	assert_int_equal(batch.npkts, 2);
	assert_int_equal(batch.len[0], 126 + 510);
	assert_int_equal(batch.len[1], 126 + 3);
	for (int i = 0; i < 2; i++) {
		const uint8_t *p = batch.buf + batch.off[i];

		assert_int_equal(p[113] << 8 | p[114], 7 + i);   /* universe */
		assert_int_equal(p[111], 2);                      /* third frame, per universe */
		assert_string_equal((const char *)p + 44, "ledsign gate");
		proto_e131_cid("gate", cid);
		assert_memory_equal(p + 22, cid, 16);
	}
	assert_memory_equal(batch.buf + batch.off[1] + 126, c->data + 510, 3);
	assert_true(batch.used <= proto_e131_ops.max_frame_bytes(171, 1, LS_FMT_RGB888));
	proto_e131_ops.fini(s);
	/* A board that would run past universe 63999 is refused with a reason. */
	b.universe = 63999;
	assert_null(proto_e131_ops.init(&b, err, sizeof err));
	assert_non_null(strstr(err, "board gate"));
	b.universe = 1;
	b.pixel_order = "rgx";
	assert_null(proto_e131_ops.init(&b, err, sizeof err));
	assert_non_null(strstr(err, "pixel_order"));
	render_canvas_free(c);
}

static void
round_trip(enum ls_format f, int w, int h, const char *order, int universe)
{
	struct ls_board b = tg_board("rt", w, h, f, "e131");
	struct render_canvas *c = tg_pattern(w, h, f), *got = render_canvas_new(w, h, f);
	struct proto_image im = tg_image(c);
	struct fw_rgb_canvas fc = { w, h, (int)f, got->stride, got->data };
	struct proto_batch batch;
	struct fw_e131 d;
	uint8_t ord[3];
	char err[256];
	void *s;

	b.pixel_order = (char *)(uintptr_t)order;
	b.universe = universe;
	assert_non_null(s = proto_e131_ops.init(&b, err, sizeof err));
	assert_int_equal(fw_rgb_order_parse(order, ord), 0);
	fw_e131_init(&d, (uint16_t)(universe ? universe : 1), ord);
	proto_batch_init(&batch, out, sizeof out);
	assert_int_equal(proto_e131_ops.encode_frame(s, &im, &batch), 0);
	for (size_t i = 0; i < batch.npkts; i++)
		assert_int_equal(fw_e131_decode(&d, batch.buf + batch.off[i], batch.len[i], &fc),
		    i + 1 == batch.npkts ? FW_E131_SHOW : FW_E131_DATA);
	assert_true(render_canvas_equal(c, got));
	proto_e131_ops.fini(s);
	render_canvas_free(c);
	render_canvas_free(got);
}

static void
test_round_trip_every_format(void **st)
{
	(void)st;
	round_trip(LS_FMT_MONO, 64, 16, NULL, 0);
	round_trip(LS_FMT_REDGREEN, 33, 9, "grb", 5);
	round_trip(LS_FMT_RGB565, 100, 20, "bgr", 300);
	round_trip(LS_FMT_RGB888, 128, 64, "brg", 1);
}

/* Receivers drop preview data, other start codes and stale sequence numbers. */
static void
test_decoder_drops(void **st)
{
	struct proto_e131_source src = { { 1 }, "t", 100 };
	uint8_t px[3] = { 0 }, ord[3] = { 0, 1, 2 }, slots[3] = { 9, 8, 7 };
	struct fw_rgb_canvas fc = { 1, 1, FW_RGB_888, 3, px };
	struct fw_e131 d;
	ssize_t n;

	(void)st;
	fw_e131_init(&d, 1, ord);
	n = proto_e131_packet(&src, 1, 10, PROTO_E131_PREVIEW, slots, 3, out, sizeof out);
	assert_int_equal(fw_e131_decode(&d, out, (size_t)n, &fc), FW_E131_IGNORED);
	n = proto_e131_packet(&src, 1, 10, 0, slots, 3, out, sizeof out);
	out[125] = 0xDD;
	assert_int_equal(fw_e131_decode(&d, out, (size_t)n, &fc), FW_E131_IGNORED);
	out[125] = 0;
	assert_int_equal(fw_e131_decode(&d, out, (size_t)n, &fc), FW_E131_SHOW);
	tg_expect_hex(px, 3, "09 08 07");
	n = proto_e131_packet(&src, 1, 9, 0, slots, 3, out, sizeof out);   /* one behind */
	assert_int_equal(fw_e131_decode(&d, out, (size_t)n, &fc), FW_E131_IGNORED);
	assert_int_equal(d.dropped, 1);
	n = proto_e131_packet(&src, 2, 11, 0, slots, 3, out, sizeof out);  /* not our universe */
	assert_int_equal(fw_e131_decode(&d, out, (size_t)n, &fc), FW_E131_IGNORED);
	out[17] ^= 1;                                                      /* root length wrong */
	assert_int_equal(fw_e131_decode(&d, out, (size_t)n, &fc), FW_E131_BAD);
}

/* A session: a CID of its own per process and board, the first frame twice
 * (1 then 129), then 130...; a stop is three terminated packets per universe;
 * a multicast board sends each universe to its group. */
static void
test_session_stop_multicast(void **st)
{
	struct ls_board b = tg_board("hall", 200, 1, LS_FMT_RGB888, "e131");
	struct render_canvas *c = tg_pattern(200, 1, LS_FMT_RGB888);
	struct proto_image im = tg_image(c);
	struct proto_batch batch;
	struct proto_session a = { { 1, 2, 3 } }, a2 = { { 1, 2, 4 } };
	uint8_t stable[16], cid1[16], cid2[16];
	char err[256];
	void *s;

	(void)st;
	proto_e131_cid("hall", stable);
	assert_non_null(s = proto_e131_ops.init(&b, err, sizeof err));
	proto_batch_init(&batch, out, sizeof out);
	assert_int_equal(proto_e131_ops.encode_stop(s, &batch), 0);
	assert_int_equal(batch.npkts, 0);                  /* nothing sent yet: nothing to stop */
	proto_e131_ops.session(s, &a);
	proto_batch_init(&batch, out, sizeof out);
	assert_int_equal(proto_e131_ops.encode_frame(s, &im, &batch), 0);
	assert_int_equal(batch.npkts, 4);                  /* 2 universes, twice */
	assert_true(batch.used <= proto_e131_ops.max_frame_bytes(200, 1, LS_FMT_RGB888));
	assert_int_equal(batch.any_dest, 0);               /* unicast */
	memcpy(cid1, batch.buf + batch.off[0] + 22, 16);
	assert_memory_not_equal(cid1, stable, 16);
	for (int i = 0; i < 4; i++) {
		const uint8_t *p = batch.buf + batch.off[i];

		assert_int_equal(p[113] << 8 | p[114], 1 + i % 2);
		assert_int_equal(p[111], i < 2 ? 1 : 129);
		assert_int_equal(p[112], 0);
		assert_memory_equal(p + 22, cid1, 16);
	}
	proto_batch_init(&batch, out, sizeof out);
	assert_int_equal(proto_e131_ops.encode_frame(s, &im, &batch), 0);
	assert_int_equal(batch.npkts, 2);
	assert_int_equal(batch.buf[batch.off[0] + 111], 130);
	proto_batch_init(&batch, out, sizeof out);
	assert_int_equal(proto_e131_ops.encode_stop(s, &batch), 0);
	assert_int_equal(batch.npkts, 6);
	assert_true(batch.used <= proto_e131_ops.max_frame_bytes(200, 1, LS_FMT_RGB888));
	for (int i = 0; i < 6; i++) {
		const uint8_t *p = batch.buf + batch.off[i];

		assert_int_equal(p[112], PROTO_E131_TERMINATED);
		assert_int_equal(p[111], 131 + i / 2);
		assert_int_equal(batch.len[i], i % 2 ? 126 + 90 : 126 + 510);
	}
	/* the same process and board: the same CID; another process: another */
	proto_e131_ops.session(s, &a);
	proto_batch_init(&batch, out, sizeof out);
	assert_int_equal(proto_e131_ops.encode_frame(s, &im, &batch), 0);
	assert_memory_equal(batch.buf + batch.off[0] + 22, cid1, 16);
	assert_int_equal(batch.buf[batch.off[0] + 111], 1);
	proto_e131_ops.session(s, &a2);
	proto_batch_init(&batch, out, sizeof out);
	assert_int_equal(proto_e131_ops.encode_frame(s, &im, &batch), 0);
	memcpy(cid2, batch.buf + batch.off[0] + 22, 16);
	assert_memory_not_equal(cid1, cid2, 16);
	proto_e131_ops.fini(s);

	/* multicast: universe 1's group as the address, each universe to its own */
	b.address = "udp:239.255.0.1:5568";
	assert_non_null(s = proto_e131_ops.init(&b, err, sizeof err));
	proto_batch_init(&batch, out, sizeof out);
	assert_int_equal(proto_e131_ops.encode_frame(s, &im, &batch), 0);
	assert_int_equal(batch.any_dest, 1);
	assert_int_equal(batch.dest[0], 0xEFFF0001u);
	assert_int_equal(batch.dest[1], 0xEFFF0002u);
	proto_e131_ops.fini(s);
	/* a group that is not the first universe's cannot reach the board */
	b.universe = 5;
	assert_null(proto_e131_ops.init(&b, err, sizeof err));
	assert_non_null(strstr(err, "239.255.0.5"));
	b.address = "udp:239.1.2.3";
	assert_null(proto_e131_ops.init(&b, err, sizeof err));
	b.address = "udp:239.255.0.5";
	assert_non_null(s = proto_e131_ops.init(&b, err, sizeof err));
	proto_e131_ops.fini(s);
	render_canvas_free(c);
}

/* The board side tells sources apart by CID: each has its own numbers; a
 * source stops with Stream_Terminated or is lost after 2.5 s of silence. */
static void
test_decoder_sources(void **st)
{
	struct proto_e131_source a = { { 0xA }, "a", 100 }, b = { { 0xB }, "b", 100 };
	uint8_t px[3] = { 0 }, ord[3] = { 0, 1, 2 }, one[3] = { 1, 1, 1 }, two[3] = { 2, 2, 2 };
	struct fw_rgb_canvas fc = { 1, 1, FW_RGB_888, 3, px };
	struct fw_e131 d;
	ssize_t n;

	(void)st;
	fw_e131_init(&d, 1, ord);
	fw_e131_expire(&d, 1000);
	n = proto_e131_packet(&a, 1, 50, 0, one, 3, out, sizeof out);
	assert_int_equal(fw_e131_decode(&d, out, (size_t)n, &fc), FW_E131_SHOW);
	/* another source starting low is not "behind" the first one */
	n = proto_e131_packet(&b, 1, 45, 0, two, 3, out, sizeof out);
	assert_int_equal(fw_e131_decode(&d, out, (size_t)n, &fc), FW_E131_SHOW);
	tg_expect_hex(px, 3, "02 02 02");
	assert_int_equal(fw_e131_sources(&d), 2);
	/* but within one source, 0..19 behind is dropped, 20 behind is not */
	n = proto_e131_packet(&a, 1, 50, 0, two, 3, out, sizeof out);
	assert_int_equal(fw_e131_decode(&d, out, (size_t)n, &fc), FW_E131_IGNORED);
	n = proto_e131_packet(&a, 1, 31, 0, two, 3, out, sizeof out);
	assert_int_equal(fw_e131_decode(&d, out, (size_t)n, &fc), FW_E131_IGNORED);
	n = proto_e131_packet(&a, 1, 30, 0, one, 3, out, sizeof out);
	assert_int_equal(fw_e131_decode(&d, out, (size_t)n, &fc), FW_E131_SHOW);
	assert_int_equal(d.dropped, 2);
	/* b stops: forgotten at once, its later packets start a new source */
	n = proto_e131_packet(&b, 1, 46, PROTO_E131_TERMINATED, two, 3, out, sizeof out);
	assert_int_equal(fw_e131_decode(&d, out, (size_t)n, &fc), FW_E131_TERMINATED);
	tg_expect_hex(px, 3, "01 01 01");                 /* terminated data is not shown */
	assert_int_equal(fw_e131_sources(&d), 1);
	assert_int_equal(fw_e131_decode(&d, out, (size_t)n, &fc), FW_E131_IGNORED);
	/* a is silent for 2.5 s: lost */
	assert_int_equal(fw_e131_expire(&d, 1000 + FW_E131_LOSS_MS), 0);
	assert_int_equal(fw_e131_expire(&d, 1001 + FW_E131_LOSS_MS), 1);
	assert_int_equal(fw_e131_sources(&d), 0);
	assert_int_equal(d.lost, 1);
	/* and when it comes back, its numbers start over */
	n = proto_e131_packet(&a, 1, 25, 0, two, 3, out, sizeof out);
	assert_int_equal(fw_e131_decode(&d, out, (size_t)n, &fc), FW_E131_SHOW);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_packet_golden),
		cmocka_unit_test(test_cid_and_groups),
		cmocka_unit_test(test_universes_and_sequences),
		cmocka_unit_test(test_session_stop_multicast),
		cmocka_unit_test(test_decoder_sources),
		cmocka_unit_test(test_round_trip_every_format),
		cmocka_unit_test(test_decoder_drops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
