/* Onbon BX: link layer, vendor-published frames, dynamic areas for every
 * graphic card, font-card text, replies, and the encoder -> fw_bx round trip. */
#include "proto_golden.h"

#include "proto/onbon_bx.h"
#include "fw_bx.h"

static uint8_t out[1 << 20];

static void
test_crc_check_value(void **st)
{
	(void)st;
	assert_int_equal(proto_bx_crc16(0, (const uint8_t *)"123456789", 9), 0xBB3D);
	assert_int_equal(fw_bx_crc16(0, (const uint8_t *)"123456789", 9), 0xBB3D);
}

/* The ping of the vendor's BX-5E/6E dynamic-area manuals, byte for byte. */
static void
test_graphic_ping_vendor_frame(void **st)
{
	ssize_t n = proto_bx_encode_ping(PROTO_BX_DST_ANY, out, sizeof out);

	(void)st;
	assert_true(n > 0);
	tg_expect_hex(out, (size_t)n, "A5 A5 A5 A5 A5 A5 A5 A5 FE FF 00 80 F0 00 FE FF 00 00 00 00 "
	    "05 00 00 00 01 A2 00 00 00 C6 86 5A");
}

/* Font-card frames published with an open-source BX-5K encoder. */
static void
test_font_card_published_frames(void **st)
{
	ssize_t n;

	(void)st;
	n = proto_bx_encode_font_cmd(0x0001, 0xFE, 0xA2, 0x00, NULL, 0, out, sizeof out);
	tg_expect_hex(out, (size_t)n, "A5 A5 A5 A5 A5 A5 A5 A5 01 00 00 80 00 00 00 00 00 00 FE 02 "
	    "05 00 A2 00 01 00 00 68 F8 5A");
	n = proto_bx_encode_font_cmd(0x0001, 0xFE, 0xA1, 0x02, NULL, 0, out, sizeof out);
	tg_expect_hex(out, (size_t)n, "A5 A5 A5 A5 A5 A5 A5 A5 01 00 00 80 00 00 00 00 00 00 FE 02 "
	    "05 00 A1 02 01 00 00 2D 40 5A");
	n = proto_bx_encode_font_cmd(0x0001, 0xFE, 0xA3, 0x10, NULL, 0, out, sizeof out);
	tg_expect_hex(out, (size_t)n, "A5 A5 A5 A5 A5 A5 A5 A5 01 00 00 80 00 00 00 00 00 00 FE 02 "
	    "05 00 A3 10 01 00 00 51 F8 5A");
}

/* "欢迎光临" on a 128x32 BX-6K: the example frame of the vendor's 5K/6K manual. */
static void
test_font_card_text_vendor_example(void **st)
{
	struct proto_bx_text t;
	uint8_t gbk[64];
	ssize_t g, n;

	(void)st;
	g = proto_bx_text_gbk("欢迎光临", gbk, sizeof gbk);
	assert_int_equal(g, 8);
	proto_bx_text_defaults(&t);
	t.w = 128;
	t.h = 32;
	t.text = gbk;
	t.len = (size_t)g;
	n = proto_bx_encode_text(&t, out, sizeof out);
	tg_expect_hex(out, (size_t)n, "a5 a5 a5 a5 a5 a5 a5 a5 fe ff 00 80 00 00 00 00 00 00 fe 02 "
	    "2c 00 a3 06 01 00 00 00 01 23 00 00 00 80 00 00 80 80 20 00 00 00 00 0a 00 00 00 00 02 "
	    "01 01 00 02 0a 08 00 00 00 bb b6 d3 ad b9 e2 c1 d9 3c 49 5a");
}

static void
test_font_card_text_5k_units(void **st)
{
	struct proto_bx_text t;
	uint8_t pkt[256];
	size_t used;
	ssize_t n, m;

	(void)st;
	proto_bx_text_defaults(&t);
	t.card = PROTO_BX_5K;
	t.x = 16;
	t.w = 64;
	t.h = 16;
	t.text = (const uint8_t *)"Hi";
	t.len = 2;
	n = proto_bx_encode_text(&t, out, sizeof out);
	assert_true(n > 0);
	m = proto_bx_unframe(out, (size_t)n, &used, pkt, sizeof pkt);
	assert_int_equal(m, 14 + 9 + 27 + 2);
	/* X and width count bytes of 8 LEDs on 5th-generation font cards. */
	assert_int_equal(pkt[14 + 9 + 1] | pkt[14 + 9 + 2] << 8, 2);
	assert_int_equal(pkt[14 + 9 + 5] | pkt[14 + 9 + 6] << 8, 8);
	t.x = 3;                      /* not a multiple of 8 */
	assert_int_equal(proto_bx_encode_text(&t, out, sizeof out), -1);
	t.x = 0;
	t.card = PROTO_BX_5E;         /* not a font card */
	assert_int_equal(proto_bx_encode_text(&t, out, sizeof out), -1);
}

static void
test_escaping_round_trip(void **st)
{
	const uint8_t pkt[] = { 0xA5, 0x5A, 0xA6, 0x5B, 0x00, 0xA5, 0xA5, 0x12 };
	uint8_t back[32];
	size_t used;
	ssize_t n, m;

	(void)st;
	n = proto_bx_frame(pkt, sizeof pkt, out, sizeof out);
	assert_true(n > 0);
	for (ssize_t i = 8; i < n - 1; i++)
		assert_true(out[i] != 0xA5 && out[i] != 0x5A);
	tg_expect_hex(out, 12, "A5 A5 A5 A5 A5 A5 A5 A5 A6 02 5B 02");
	m = proto_bx_unframe(out, (size_t)n, &used, back, sizeof back);
	assert_int_equal(m, sizeof pkt);
	assert_int_equal(used, (size_t)n);
	assert_memory_equal(back, pkt, sizeof pkt);
	/* A flipped bit fails the CRC; a cut frame asks for more. */
	out[9] ^= 0x40;
	assert_int_equal(proto_bx_unframe(out, (size_t)n, &used, back, sizeof back), -1);
	out[9] ^= 0x40;
	assert_int_equal(proto_bx_unframe(out, (size_t)n - 1, &used, back, sizeof back), 0);
	/* Noise before the start bytes is skipped. */
	memmove(out + 3, out, (size_t)n);
	out[0] = 0x11; out[1] = 0x5A; out[2] = 0x22;
	assert_int_equal(proto_bx_unframe(out, (size_t)n + 3, &used, back, sizeof back), sizeof pkt);
}

/* A 10x2 mono area on a BX-5E, every field spelled out from the 5th-gen manual. */
static void
test_area_5e_mono_fields(void **st)
{
	struct render_canvas *c = render_canvas_new(10, 2, LS_FMT_MONO);
	struct proto_image im;
	struct proto_bx_area a = { .card = PROTO_BX_5E, .dst = 0x0001, .area_id = 0, .y0 = 0, .rows = 2 };
	uint8_t pkt[256], want[512];
	size_t plen;
	ssize_t n, w;

	(void)st;
	render_canvas_set(c, 0, 0, 0xffffff);
	render_canvas_set(c, 9, 0, 0xffffff);
	render_canvas_fill(c, 0, 1, 10, 1, 0xffffff);
	im = tg_image(c);
	n = proto_bx_encode_area(&a, &im, out, sizeof out);
	plen = tg_hex(
	    "01 00 00 80 F0 00 FE FF 00 00 00 00 36 00 00 00"  /* header, DataLen 54 */
	    "01 A7 00 00 00 2D 00 00 00"                       /* RtnReq, A7 00, AreaDataLen 45 */
	    "00 00 00 00 00 00 00 01 00 00 00 00"              /* id, run, timeout, rel, imme */
	    "10 00 00 00 00 0A 00 02 00 00 01 00"              /* type, x y w h, frame, pages */
	    "11 00 00 00 00 01 00 00 E8 03 01 0A 00 00 00 00 00" /* page header */
	    "7F BF 00 3F",                                     /* 0 = lit, padded with 1s */
	    pkt, sizeof pkt);
	w = proto_bx_frame(pkt, plen, want, sizeof want);
	assert_int_equal(n, w);
	assert_memory_equal(out, want, (size_t)w);
	render_canvas_free(c);
}

/* Regression goldens for the other bitmap layouts (reviewed by hand once). */
static void
test_area_goldens(void **st)
{
	static const struct {
		enum proto_bx_card card;
		enum ls_format fmt;
		int w, h;
		const char *file;
	} cases[] = {
		{ PROTO_BX_5E, LS_FMT_REDGREEN, 12, 3, "bx-5e-redgreen-12x3.hex" },
		{ PROTO_BX_6E, LS_FMT_REDGREEN, 40, 2, "bx-6e-redgreen-40x2.hex" },
		{ PROTO_BX_6E, LS_FMT_MONO, 33, 2, "bx-6e-mono-33x2.hex" },
		{ PROTO_BX_5Q, LS_FMT_RGB565, 4, 2, "bx-5q-rgb565-4x2.hex" },
		{ PROTO_BX_6Q, LS_FMT_RGB888, 4, 2, "bx-6q-rgb888-4x2.hex" },
	};

	(void)st;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct render_canvas *c = tg_pattern(cases[i].w, cases[i].h, cases[i].fmt);
		struct proto_image im = tg_image(c);
		struct proto_bx_area a = { .card = cases[i].card, .dst = PROTO_BX_DST_ANY,
		    .area_id = 1, .y0 = 0, .rows = cases[i].h };
		ssize_t n = proto_bx_encode_area(&a, &im, out, sizeof out);

		assert_true(n > 0);
		tg_expect_file(out, (size_t)n, cases[i].file);
		render_canvas_free(c);
	}
}

/* A 5E two-colour byte pair: red plane byte then green plane byte per 8 LEDs. */
static void
test_area_5e_redgreen_interleave(void **st)
{
	struct render_canvas *c = render_canvas_new(8, 1, LS_FMT_REDGREEN);
	struct proto_image im;
	struct proto_bx_area a = { .card = PROTO_BX_5E, .dst = 1, .area_id = 0, .y0 = 0, .rows = 1 };
	uint8_t pkt[256];
	size_t used;
	ssize_t n, m;

	(void)st;
	render_canvas_set(c, 0, 0, 0xff0000);     /* red */
	render_canvas_set(c, 1, 0, 0x00ff00);     /* green */
	render_canvas_set(c, 2, 0, 0xffff00);     /* amber: both */
	im = tg_image(c);
	n = proto_bx_encode_area(&a, &im, out, sizeof out);
	m = proto_bx_unframe(out, (size_t)n, &used, pkt, sizeof pkt);
	assert_true(m > 2);
	assert_int_equal(pkt[m - 2], 0x5F);       /* red: LEDs 0 and 2 on -> 0101 1111 */
	assert_int_equal(pkt[m - 1], 0x9F);       /* green: LEDs 1 and 2 on -> 1001 1111 */
	render_canvas_free(c);
}

static void
test_brightness_frame(void **st)
{
	uint8_t pkt[128];
	size_t used;
	ssize_t n, m;

	(void)st;
	n = proto_bx_encode_brightness(PROTO_BX_DST_ANY, 60, out, sizeof out);
	m = proto_bx_unframe(out, (size_t)n, &used, pkt, sizeof pkt);
	assert_int_equal(m, 16 + 3 + 2 + 49);
	assert_int_equal(pkt[17], 0xA2);
	assert_int_equal(pkt[18], 0x07);
	assert_int_equal(pkt[19] | pkt[20] << 8, 49);
	assert_int_equal(pkt[21], 0);             /* manual */
	for (int i = 0; i < 48; i++)
		assert_int_equal(pkt[22 + i], 9);     /* 60 % of 15 */
	assert_int_equal(proto_bx_encode_brightness(1, 101, out, sizeof out), -1);
}

static int
fw_format(enum ls_format f)
{
	return (int)f;                /* the same order on both sides */
}

/* Encode a frame through the ops table, decode it with fw_bx, compare canvases;
 * the board's ACK goes back through ops->input. */
static void
round_trip(const char *card, enum ls_format f, int w, int h, int fwcard, size_t want_pkts)
{
	static uint8_t work[200 * 1024], reply[256];
	struct ls_board b = tg_board("gate", w, h, f, "onbon-bx");
	struct render_canvas *c = tg_pattern(w, h, f), *got = render_canvas_new(w, h, f);
	struct proto_image im = tg_image(c);
	struct proto_batch batch;
	struct fw_rgb_canvas fc = { w, h, fw_format(f), got->stride, got->data };
	struct fw_bx dec;
	char err[256];
	void *s;
	int shows = 0;

	b.card = (char *)(uintptr_t)card;
	s = proto_onbon_bx_ops.init(&b, err, sizeof err);
	assert_non_null(s);
	proto_batch_init(&batch, out, sizeof out);
	assert_int_equal(proto_onbon_bx_ops.encode_frame(s, &im, &batch), 0);
	assert_int_equal(batch.npkts, want_pkts);
	assert_true(batch.used <= proto_onbon_bx_ops.max_frame_bytes(w, h, f));
	fw_bx_init(&dec, work, sizeof work, fwcard, 1);
	for (size_t i = 0; i < batch.npkts; i++) {
		const uint8_t *p = batch.buf + batch.off[i];
		size_t left = batch.len[i], used, rl;

		while (left > 0) {
			int r = fw_bx_feed(&dec, p, left, &used, &fc, reply, sizeof reply, &rl);

			if (r == FW_BX_BAD)
				fail_msg("%s %dx%d: fw_bx rejected packet %zu", card ? card : "default", w, h, i);
			if (r == FW_BX_SHOW) {
				size_t consumed;

				shows++;
				assert_true(rl > 0);
				assert_int_equal(proto_onbon_bx_ops.input(s, reply, rl, &consumed),
				    PROTO_REPLY_ACK);
				assert_int_equal(consumed, rl);
			}
			p += used;
			left -= used;
		}
	}
	assert_int_equal(shows, (int)want_pkts);
	assert_true(render_canvas_equal(c, got));
	proto_onbon_bx_ops.fini(s);
	render_canvas_free(c);
	render_canvas_free(got);
}

static void
test_round_trip_every_card(void **st)
{
	(void)st;
	round_trip("bx-5e", LS_FMT_MONO, 37, 9, FW_BX_5E, 1);
	round_trip("bx-5e", LS_FMT_REDGREEN, 64, 16, FW_BX_5E, 1);
	round_trip("bx-6e", LS_FMT_MONO, 50, 7, FW_BX_6E, 1);
	round_trip("bx-6e", LS_FMT_REDGREEN, 96, 32, FW_BX_6E, 1);
	round_trip("bx-5q", LS_FMT_RGB565, 31, 5, FW_BX_5Q, 1);
	round_trip(NULL, LS_FMT_RGB888, 64, 32, FW_BX_6Q, 1);
	/* 200x120 RGB888 is 72000 bytes: two dynamic areas of at most 63 KiB. */
	round_trip("6q", LS_FMT_RGB888, 200, 120, FW_BX_6Q, 2);
}

/* Unframe what an encoder wrote (CRC checked) and compare the packet with
 * bytes built by hand. */
static void
expect_packet(const uint8_t *frame, ssize_t n, const char *hex)
{
	static uint8_t pkt[1 << 16];
	size_t used;
	ssize_t m;

	assert_true(n > 0);
	m = proto_bx_unframe(frame, (size_t)n, &used, pkt, sizeof pkt);
	assert_true(m > 0);
	assert_int_equal(used, (size_t)n);
	tg_expect_hex(pkt, (size_t)m, hex);
}

/* A 2x1 RGB888 area on a BX-6Q, built by hand from the field table of the
 * 6th-generation manual (5.4.1): AreaDataLen counts AreaId .. the page's
 * DataLen (63 bytes), not the bitmap, which comes after all parameters
 * (as the bx06 message XML and the vendor's 6Q Java encoder do). */
#define BX6Q_HEAD(datalen, reserved) \
    "FE FF 00 80 F0 00 FE FF 00 00 00 00 " datalen " 00 00 00"  /* header */ \
    "01 A7 00 " reserved                                         /* RtnReq, A7 00, Reserved */ \
    "01 00 3F 00 00 00"                                          /* AreaNum 1, AreaDataLen 63 */ \
    "00 00 00 00 00 00 00 01 00 00 00 00"      /* id, run, timeout, RelateAll, RelateNum, ImmePlay, res */ \
    "10 00 00 00 00 02 00 01 00 00"            /* AreaType, x, y, w 2, h 1, AreaFFlag */
#define BX6Q_PAGE(transp, validlen, bitmaplen) \
    "00 " transp " 00 00 00 00 00 00 00"       /* BackGround, Transparency, AreaEqual, Sound, res 5 */ \
    "01 00 1A 00 00 00"                        /* PageNum 1, PageDataLen 26 */ \
    "00 01 00 00 E8 03 01 " validlen           /* style, static, clear, speed, stay 10 s, repeat, ValidLen */ \
    "00 00 00 00 00 00 00 00 00"               /* reserved 9 */ \
    "00 00 00 00 " bitmaplen " 00 00 00"       /* DataOffset 0, DataLen */

static struct render_canvas *
canvas_2x1(enum ls_format f, uint32_t left, uint32_t right)
{
	struct render_canvas *c = render_canvas_new(2, 1, f);

	render_canvas_set(c, 0, 0, left);
	render_canvas_set(c, 1, 0, right);
	return c;
}

static void
test_area_6th_gen_vendor_layout(void **st)
{
	struct render_canvas *c = canvas_2x1(LS_FMT_RGB888, 0xff0000, 0x123456);
	struct proto_image im = tg_image(c);
	struct proto_bx_area a = { .card = PROTO_BX_6Q, .dst = PROTO_BX_DST_ANY, .rows = 1 };

	(void)st;
	expect_packet(out, proto_bx_encode_area(&a, &im, out, sizeof out),
	    BX6Q_HEAD("50", "00 00") BX6Q_PAGE("00", "02 00", "06") "FF 00 00 12 34 56");
	render_canvas_free(c);
}

/* Feed one hand-built packet to a fw_bx board; the result of fw_bx_feed. */
static int
board_takes(struct fw_bx *dec, const char *hex, struct fw_rgb_canvas *fc)
{
	static uint8_t pkt[4096], frame[8192], reply[64];
	size_t plen = tg_hex(hex, pkt, sizeof pkt), used, rl;
	ssize_t n = proto_bx_frame(pkt, plen, frame, sizeof frame);

	return fw_bx_feed(dec, frame, (size_t)n, &used, fc, reply, sizeof reply, &rl);
}

/* ledboard's decoder reads the vendor's 6th-generation layout, and refuses
 * the one ledsign sent before (AreaDataLen = 63 + bitmap), as a card
 * would misread it. */
static void
test_fw_bx_6th_gen_area_data_len(void **st)
{
	static uint8_t work[4096];
	struct render_canvas *got = render_canvas_new(2, 1, LS_FMT_RGB888);
	struct fw_rgb_canvas fc = { 2, 1, FW_RGB_888, got->stride, got->data };
	struct render_canvas *want = canvas_2x1(LS_FMT_RGB888, 0xff0000, 0x123456);
	struct fw_bx dec;
	const char *old = "FE FF 00 80 F0 00 FE FF 00 00 00 00 50 00 00 00 01 A7 00 00 00 01 00 45 00 00 00"
	    "00 00 00 00 00 00 00 01 00 00 00 00 10 00 00 00 00 02 00 01 00 00"
	    BX6Q_PAGE("00", "02 00", "06") "FF 00 00 12 34 56";

	(void)st;
	fw_bx_init(&dec, work, sizeof work, FW_BX_6Q, 1);
	assert_int_equal(board_takes(&dec, BX6Q_HEAD("50", "00 00") BX6Q_PAGE("00", "02 00", "06")
	    "FF 00 00 12 34 56", &fc), FW_BX_SHOW);
	assert_true(render_canvas_equal(want, got));
	assert_int_equal(board_takes(&dec, old, &fc), FW_BX_BAD);
	render_canvas_free(got);
	render_canvas_free(want);
}

/* RGB565: a 5Q stores the value low byte first, a 6Q in 565 display mode
 * high byte first (the bx05 and bx06 ImageBinary classes). */
static void
test_area_rgb565_byte_order(void **st)
{
	/* red F800, blue 001F */
	struct render_canvas *c = canvas_2x1(LS_FMT_RGB565, 0xff0000, 0x0000ff);
	struct proto_image im = tg_image(c);
	struct proto_bx_area q6 = { .card = PROTO_BX_6Q, .dst = PROTO_BX_DST_ANY, .rows = 1 };
	struct proto_bx_area q5 = { .card = PROTO_BX_5Q, .dst = PROTO_BX_DST_ANY, .rows = 1 };
	static uint8_t work[4096];
	struct render_canvas *got = render_canvas_new(2, 1, LS_FMT_RGB565);
	struct fw_rgb_canvas fc = { 2, 1, FW_RGB_565, got->stride, got->data };
	struct fw_bx dec;
	uint8_t pkt[256];
	size_t used;
	ssize_t n, m;

	(void)st;
	expect_packet(out, proto_bx_encode_area(&q6, &im, out, sizeof out),
	    BX6Q_HEAD("4E", "00 00") BX6Q_PAGE("00", "02 00", "04") "F8 00 00 1F");
	n = proto_bx_encode_area(&q5, &im, out, sizeof out);
	m = proto_bx_unframe(out, (size_t)n, &used, pkt, sizeof pkt);
	assert_true(m > 4);
	tg_expect_hex(pkt + m - 4, 4, "00 F8 1F 00");
	/* The board side reads each the card's way; a 6Q set to the other order
	 * shows red as dark blue. */
	fw_bx_init(&dec, work, sizeof work, FW_BX_6Q, 1);
	assert_int_equal(dec.rgb565_high_first, 1);
	assert_int_equal(board_takes(&dec, BX6Q_HEAD("4E", "00 00") BX6Q_PAGE("00", "02 00", "04")
	    "F8 00 00 1F", &fc), FW_BX_SHOW);
	assert_true(render_canvas_equal(c, got));
	dec.rgb565_high_first = 0;
	assert_int_equal(board_takes(&dec, BX6Q_HEAD("4E", "00 00") BX6Q_PAGE("00", "02 00", "04")
	    "F8 00 00 1F", &fc), FW_BX_SHOW);
	assert_int_equal(got->data[0] | got->data[1] << 8, 0x00F8);
	render_canvas_free(c);
	render_canvas_free(got);
}

/* Where the manual and the SDK differ, the board's settings choose; the
 * defaults are the manual's. */
static void
test_area_manual_or_sdk_fields(void **st)
{
	struct render_canvas *c = canvas_2x1(LS_FMT_RGB888, 0xff0000, 0x123456);
	struct render_canvas *m = canvas_2x1(LS_FMT_MONO, 0xffffff, 0);
	struct proto_image im = tg_image(c), mm = tg_image(m);
	struct proto_bx_area a = { .card = PROTO_BX_6Q, .dst = PROTO_BX_DST_ANY, .rows = 1,
	    .transparency = 101, .cmd_len_sdk = 1 };
	struct proto_bx_area e5 = { .card = PROTO_BX_5E, .dst = 1, .rows = 1 };

	(void)st;
	/* bx06: 2 + (63 + 4) + 6 bitmap bytes = 75 = 0x4B */
	expect_packet(out, proto_bx_encode_area(&a, &im, out, sizeof out),
	    BX6Q_HEAD("50", "4B 00") BX6Q_PAGE("65", "02 00", "06") "FF 00 00 12 34 56");
	a.transparency = 103;
	assert_int_equal(proto_bx_encode_area(&a, &im, out, sizeof out), -1);
	/* 5th gen: manual AreaType 0x10 and Reserved 0; the bx05 SDK 0x00 and 4 + body */
	expect_packet(out, proto_bx_encode_area(&e5, &mm, out, sizeof out),
	    "01 00 00 80 F0 00 FE FF 00 00 00 00 33 00 00 00 01 A7 00 00 00 2A 00 00 00"
	    "00 00 00 00 00 00 00 01 00 00 00 00 10 00 00 00 00 02 00 01 00 00 01 00"
	    "0E 00 00 00 00 01 00 00 E8 03 01 02 00 00 00 00 00 7F");
	e5.area_type_sdk = 1;
	e5.cmd_len_sdk = 1;
	expect_packet(out, proto_bx_encode_area(&e5, &mm, out, sizeof out),
	    "01 00 00 80 F0 00 FE FF 00 00 00 00 33 00 00 00 01 A7 00 2E 00 2A 00 00 00"
	    "00 00 00 00 00 00 00 01 00 00 00 00 00 00 00 00 00 02 00 01 00 00 01 00"
	    "0E 00 00 00 00 01 00 00 E8 03 01 02 00 00 00 00 00 7F");
	render_canvas_free(c);
	render_canvas_free(m);
}

/* The board's bx_* settings reach the wire through the ops table, and the
 * simulated card reports what it got. */
static void
test_board_settings_reach_the_card(void **st)
{
	static uint8_t work[8192], reply[64];
	struct ls_board b = tg_board("hall", 8, 2, LS_FMT_RGB888, "onbon-bx");
	struct render_canvas *c = tg_pattern(8, 2, LS_FMT_RGB888);
	struct render_canvas *got = render_canvas_new(8, 2, LS_FMT_RGB888);
	struct fw_rgb_canvas fc = { 8, 2, FW_RGB_888, got->stride, got->data };
	struct proto_image im = tg_image(c);
	struct proto_batch batch;
	struct fw_bx dec;
	char err[256];
	size_t used, rl;
	void *s;

	(void)st;
	b.bx_transparency = 101;
	b.bx_cmd_reserved = 1;
	assert_non_null(s = proto_onbon_bx_ops.init(&b, err, sizeof err));
	proto_batch_init(&batch, out, sizeof out);
	assert_int_equal(proto_onbon_bx_ops.encode_frame(s, &im, &batch), 0);
	fw_bx_init(&dec, work, sizeof work, FW_BX_6Q, 1);
	assert_int_equal(fw_bx_feed(&dec, batch.buf, batch.len[0], &used, &fc, reply, sizeof reply, &rl),
	    FW_BX_SHOW);
	assert_int_equal(dec.last_transparency, 101);
	assert_int_equal(dec.last_cmd_reserved, 2 + 63 + 4 + 8 * 2 * 3);
	assert_int_equal(dec.last_area_type, 0x10);
	assert_true(render_canvas_equal(c, got));
	proto_onbon_bx_ops.fini(s);
	b.bx_transparency = 103;
	assert_null(proto_onbon_bx_ops.init(&b, err, sizeof err));
	assert_non_null(strstr(err, "bx_transparency"));
	render_canvas_free(c);
	render_canvas_free(got);
}

/* The 5Q has no serial port and the 6Q is Ethernet only: refused, with what to use. */
static void
test_serial_refused_for_5q_6q(void **st)
{
	struct ls_board b = tg_board("hall", 32, 16, LS_FMT_RGB565, "onbon-bx");
	char err[512];
	void *s;

	(void)st;
	b.address = "serial:/dev/ttyUSB0";
	b.card = "bx-5q";
	assert_null(proto_onbon_bx_ops.init(&b, err, sizeof err));
	assert_non_null(strstr(err, "board hall: bx-5q has no serial port"));
	assert_non_null(strstr(err, "tcp:HOST"));
	b.card = "bx-6q";
	assert_null(proto_onbon_bx_ops.init(&b, err, sizeof err));
	assert_non_null(strstr(err, "board hall: bx-6q has no serial port (the 6Q is Ethernet only)"));
	b.card = "bx-5e";
	b.format = LS_FMT_MONO;
	assert_non_null(s = proto_onbon_bx_ops.init(&b, err, sizeof err));
	proto_onbon_bx_ops.fini(s);
	b.card = "bx-6q";
	b.format = LS_FMT_RGB565;
	b.address = "tcp:10.0.0.5";
	assert_non_null(s = proto_onbon_bx_ops.init(&b, err, sizeof err));
	proto_onbon_bx_ops.fini(s);
}

/* A 5Q takes 1 KiB packets: a frame is split into dynamic areas of at most
 * that, and a board that needs more than the card's 4 areas is refused. */
static void
test_5q_packet_limit(void **st)
{
	struct ls_board b = tg_board("hall", 32, 16, LS_FMT_RGB565, "onbon-bx");
	struct render_canvas *c = tg_pattern(32, 16, LS_FMT_RGB565);
	struct proto_image im = tg_image(c);
	struct proto_batch batch;
	uint8_t pkt[2048];
	char err[512];
	void *s;

	(void)st;
	b.card = "bx-5q";
	assert_non_null(s = proto_onbon_bx_ops.init(&b, err, sizeof err));
	proto_batch_init(&batch, out, sizeof out);
	assert_int_equal(proto_onbon_bx_ops.encode_frame(s, &im, &batch), 0);
	assert_int_equal(batch.npkts, 2);             /* 1024 bytes of bitmap: two areas */
	for (size_t i = 0; i < batch.npkts; i++) {
		size_t used;
		ssize_t m = proto_bx_unframe(batch.buf + batch.off[i], batch.len[i], &used, pkt, sizeof pkt);

		assert_true(m > 0);
		assert_true((size_t)m + 2 <= 1024);   /* header + data + CRC */
	}
	proto_onbon_bx_ops.fini(s);
	round_trip("bx-5q", LS_FMT_RGB565, 32, 16, FW_BX_5Q, 2);
	/* 64x32 is 4096 bytes: more than 4 areas of 1 KiB */
	b.width = 64;
	b.height = 32;
	assert_null(proto_onbon_bx_ops.init(&b, err, sizeof err));
	assert_non_null(strstr(err, "board hall: 64x32 rgb565 is too large for bx-5q"));
	assert_non_null(strstr(err, "1006 bytes of data per packet"));
	assert_non_null(strstr(err, "bx-6q"));
	/* The same board on a 6Q in 565 mode is one packet. */
	b.card = "bx-6q";
	assert_non_null(s = proto_onbon_bx_ops.init(&b, err, sizeof err));
	proto_onbon_bx_ops.fini(s);
	round_trip("bx-6q", LS_FMT_RGB565, 64, 32, FW_BX_6Q, 1);
	render_canvas_free(c);
}

/* A3 06 ProcessMode: the vendor's default 0 (keep the area), 1 on request. */
static void
test_font_card_process_mode(void **st)
{
	struct proto_bx_text t;
	uint8_t pkt[256];
	size_t used;
	ssize_t n;

	(void)st;
	proto_bx_text_defaults(&t);
	assert_int_equal(t.process_mode, 0);
	t.w = 64;
	t.h = 16;
	t.text = (const uint8_t *)"A";
	t.len = 1;
	t.process_mode = 1;
	n = proto_bx_encode_text(&t, out, sizeof out);
	assert_true(proto_bx_unframe(out, (size_t)n, &used, pkt, sizeof pkt) > 0);
	assert_int_equal(pkt[14 + 3], 0x01);
	t.process_mode = 2;
	assert_int_equal(proto_bx_encode_text(&t, out, sizeof out), -1);
}

static void
test_init_errors_name_the_board(void **st)
{
	struct ls_board b = tg_board("hall", 64, 16, LS_FMT_MONO, "onbon-bx");
	char err[256];

	(void)st;
	b.card = "bx-6k";
	assert_null(proto_onbon_bx_ops.init(&b, err, sizeof err));
	assert_non_null(strstr(err, "board hall"));
	assert_non_null(strstr(err, "font card"));
	b.card = "bx-6q";
	assert_null(proto_onbon_bx_ops.init(&b, err, sizeof err));
	assert_non_null(strstr(err, "rgb888"));
	b.card = "bx-9z";
	assert_null(proto_onbon_bx_ops.init(&b, err, sizeof err));
	assert_non_null(strstr(err, "unknown"));
	b.card = NULL;
	b.width = 4096;
	b.height = 4096;
	b.format = LS_FMT_RGB888;
	assert_null(proto_onbon_bx_ops.init(&b, err, sizeof err));
	assert_non_null(strstr(err, "too large"));
}

static void
test_input_replies(void **st)
{
	struct ls_board b = tg_board("x", 8, 8, LS_FMT_MONO, "onbon-bx");
	char err[128];
	void *s = proto_onbon_bx_ops.init(&b, err, sizeof err);
	uint8_t pkt[25] = { 0x00, 0x80, 0xFE, 0xFF, 0xF0, 0, 0xFE, 0xFF, 0, 0, 0, 0, 9, 0, 0, 0,
	    0x00, 0xA0, 0x01, 0x01, 0x00, 0x05, 0x00, 0x00, 0x00 };
	size_t used;
	ssize_t n;

	(void)st;
	n = proto_bx_frame(pkt, sizeof pkt, out, sizeof out);
	/* Fed a byte at a time: nothing until the end byte, then a NACK. */
	for (ssize_t i = 0; i < n - 1; i++)
		assert_int_equal(proto_onbon_bx_ops.input(s, out + i, 1, &used), PROTO_REPLY_NONE);
	assert_int_equal(proto_onbon_bx_ops.input(s, out + n - 1, 1, &used), PROTO_REPLY_NACK);
	/* Noise, then a frame with a bad CRC. */
	assert_int_equal(proto_onbon_bx_ops.input(s, (const uint8_t *)"zz", 2, &used),
	    PROTO_REPLY_GARBAGE);
	out[20] ^= 1;
	assert_int_equal(proto_onbon_bx_ops.input(s, out, (size_t)n, &used), PROTO_REPLY_GARBAGE);
	assert_int_equal(used, (size_t)n);
	proto_onbon_bx_ops.fini(s);
}

/* ledsign send waits for the card: poll says DONE after every area's ACK,
 * resends what is unanswered, gives up after six tries, and names a NACK. */
static void
test_poll_delivery(void **st)
{
	static uint8_t work[200 * 1024], reply[64], rx[256];
	struct ls_board b = tg_board("gate", 200, 120, LS_FMT_RGB888, "onbon-bx");
	struct render_canvas *c = tg_pattern(200, 120, LS_FMT_RGB888);
	struct render_canvas *got = render_canvas_new(200, 120, LS_FMT_RGB888);
	struct fw_rgb_canvas fc = { 200, 120, FW_RGB_888, got->stride, got->data };
	struct proto_image im = tg_image(c);
	struct proto_batch batch, again;
	struct fw_bx dec;
	uint64_t wake = 0;
	char err[256];
	size_t used, rl;
	void *s;

	(void)st;
	assert_non_null(s = proto_onbon_bx_ops.init(&b, err, sizeof err));
	assert_int_equal(proto_onbon_bx_ops.poll(s, 0, &again, &wake), PROTO_TX_IDLE);
	proto_batch_init(&batch, out, sizeof out);
	assert_int_equal(proto_onbon_bx_ops.encode_frame(s, &im, &batch), 0);
	assert_int_equal(batch.npkts, 2);
	proto_batch_init(&again, out + batch.used, sizeof out - batch.used);
	assert_int_equal(proto_onbon_bx_ops.poll(s, 100, &again, &wake), PROTO_TX_BUSY);
	assert_int_equal(again.npkts, 0);
	assert_int_equal(wake, 1100);
	/* The first area arrives and is acknowledged; the second is lost. */
	fw_bx_init(&dec, work, sizeof work, FW_BX_6Q, 1);
	assert_int_equal(fw_bx_feed(&dec, batch.buf, batch.len[0], &used, &fc, reply, sizeof reply, &rl),
	    FW_BX_SHOW);
	assert_int_equal(proto_onbon_bx_ops.input(s, reply, rl, &used), PROTO_REPLY_ACK);
	assert_int_equal(proto_onbon_bx_ops.poll(s, 1100, &again, &wake), PROTO_TX_BUSY);
	assert_int_equal(again.npkts, 1);         /* only the unanswered area again */
	assert_memory_equal(again.buf + again.off[0], batch.buf + batch.off[1], batch.len[1]);
	assert_int_equal(fw_bx_feed(&dec, again.buf + again.off[0], again.len[0], &used, &fc,
	    reply, sizeof reply, &rl), FW_BX_SHOW);
	assert_int_equal(proto_onbon_bx_ops.input(s, reply, rl, &used), PROTO_REPLY_ACK);
	assert_int_equal(proto_onbon_bx_ops.poll(s, 1200, &again, &wake), PROTO_TX_DONE);
	assert_int_equal(proto_onbon_bx_ops.poll(s, 1300, &again, &wake), PROTO_TX_IDLE);
	assert_true(render_canvas_equal(c, got));
	assert_null(proto_onbon_bx_ops.error(s));
	/* Nobody answers: six tries, then a reason. */
	proto_batch_init(&batch, out, sizeof out);
	assert_int_equal(proto_onbon_bx_ops.encode_frame(s, &im, &batch), 0);
	for (uint64_t t = 0, n = 0; n < 10; n++, t += 1000) {
		int r;

		proto_batch_init(&again, out + batch.used, sizeof out - batch.used);
		r = proto_onbon_bx_ops.poll(s, t, &again, &wake);
		if (r == PROTO_TX_FAILED)
			break;
		assert_int_equal(r, PROTO_TX_BUSY);
		assert_true(n < 6);
	}
	assert_non_null(strstr(proto_onbon_bx_ops.error(s), "after 6 tries"));
	/* A NACK is named from the card's error register. */
	proto_batch_init(&batch, out, sizeof out);
	assert_int_equal(proto_onbon_bx_ops.encode_frame(s, &im, &batch), 0);
	{
		uint8_t nack[25] = { 0x00, 0x80, 0xFE, 0xFF, 0xF0, 0, 0xFE, 0xFF, 0, 0, 0, 0, 9, 0, 0, 0,
		    0x00, 0xA0, 0x01, 0x01, 0x00, 18, 0x00, 0x00, 0x00 };
		ssize_t n = proto_bx_frame(nack, sizeof nack, rx, sizeof rx);

		assert_int_equal(proto_onbon_bx_ops.input(s, rx, (size_t)n, &used), PROTO_REPLY_NACK);
	}
	assert_int_equal(proto_onbon_bx_ops.poll(s, 0, &again, &wake), PROTO_TX_FAILED);
	assert_non_null(strstr(proto_onbon_bx_ops.error(s), "error 18 (screen parameters"));
	proto_onbon_bx_ops.fini(s);
	render_canvas_free(c);
	render_canvas_free(got);
}

/* An ACK for a brightness command does not count as the frame's ACK. */
static void
test_poll_matches_answers(void **st)
{
	struct ls_board b = tg_board("gate", 16, 8, LS_FMT_MONO, "onbon-bx");
	struct render_canvas *c = tg_pattern(16, 8, LS_FMT_MONO);
	struct proto_image im = tg_image(c);
	uint8_t ack[25] = { 0x00, 0x80, 0xFE, 0xFF, 0xF0, 0, 0xFE, 0xFF, 0, 0, 0, 0, 9, 0, 0, 0,
	    0x00, 0xA0, 0x00, 0, 0, 0, 0, 0, 0 }, rx[128];
	struct proto_batch batch;
	uint64_t wake;
	size_t used, n;
	char err[128];
	void *s;

	(void)st;
	n = (size_t)proto_bx_frame(ack, sizeof ack, rx, sizeof rx);
	assert_non_null(s = proto_onbon_bx_ops.init(&b, err, sizeof err));
	proto_batch_init(&batch, out, sizeof out);
	assert_int_equal(proto_onbon_bx_ops.encode_brightness(s, 50, &batch), 0);
	assert_int_equal(proto_onbon_bx_ops.encode_frame(s, &im, &batch), 0);
	assert_int_equal(batch.npkts, 2);
	assert_int_equal(proto_onbon_bx_ops.input(s, rx, n, &used), PROTO_REPLY_ACK);
	assert_int_equal(proto_onbon_bx_ops.poll(s, 0, &batch, &wake), PROTO_TX_BUSY);
	assert_int_equal(proto_onbon_bx_ops.input(s, rx, n, &used), PROTO_REPLY_ACK);
	assert_int_equal(proto_onbon_bx_ops.poll(s, 10, &batch, &wake), PROTO_TX_DONE);
	/* The brightness answer is lost: the frame is resent and the next answer settles it. */
	proto_batch_init(&batch, out, sizeof out);
	assert_int_equal(proto_onbon_bx_ops.encode_brightness(s, 80, &batch), 0);
	assert_int_equal(proto_onbon_bx_ops.encode_frame(s, &im, &batch), 0);
	assert_int_equal(proto_onbon_bx_ops.poll(s, 0, &batch, &wake), PROTO_TX_BUSY);
	assert_int_equal(proto_onbon_bx_ops.input(s, rx, n, &used), PROTO_REPLY_ACK);  /* taken as the brightness one */
	assert_int_equal(proto_onbon_bx_ops.poll(s, 500, &batch, &wake), PROTO_TX_BUSY);
	proto_batch_init(&batch, out, sizeof out);
	assert_int_equal(proto_onbon_bx_ops.poll(s, 1000, &batch, &wake), PROTO_TX_BUSY);
	assert_int_equal(batch.npkts, 1);           /* resent */
	assert_int_equal(proto_onbon_bx_ops.input(s, rx, n, &used), PROTO_REPLY_ACK);
	assert_int_equal(proto_onbon_bx_ops.poll(s, 1100, &batch, &wake), PROTO_TX_DONE);
	proto_onbon_bx_ops.fini(s);
	render_canvas_free(c);
}

/* Onbon cards listen on TCP 5005 but UDP 5007: an address without a port gets the right one. */
static void
test_default_ports(void **state)
{
	const struct proto_ops *ops = proto_find("onbon-bx");

	(void)state;
	assert_non_null(ops);
	assert_int_equal(proto_default_port(ops, "tcp:10.0.0.5"), 5005);
	assert_int_equal(proto_default_port(ops, "udp:10.0.0.5"), 5007);
	assert_int_equal(proto_default_port(proto_find("lsp"), "udp:10.0.0.5"),
	    proto_find("lsp")->default_port);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc_check_value),
		cmocka_unit_test(test_graphic_ping_vendor_frame),
		cmocka_unit_test(test_font_card_published_frames),
		cmocka_unit_test(test_font_card_text_vendor_example),
		cmocka_unit_test(test_font_card_text_5k_units),
		cmocka_unit_test(test_escaping_round_trip),
		cmocka_unit_test(test_area_5e_mono_fields),
		cmocka_unit_test(test_area_goldens),
		cmocka_unit_test(test_area_5e_redgreen_interleave),
		cmocka_unit_test(test_brightness_frame),
		cmocka_unit_test(test_round_trip_every_card),
		cmocka_unit_test(test_init_errors_name_the_board),
		cmocka_unit_test(test_input_replies),
		cmocka_unit_test(test_poll_delivery),
		cmocka_unit_test(test_poll_matches_answers),
		cmocka_unit_test(test_default_ports),
		cmocka_unit_test(test_area_6th_gen_vendor_layout),
		cmocka_unit_test(test_fw_bx_6th_gen_area_data_len),
		cmocka_unit_test(test_area_rgb565_byte_order),
		cmocka_unit_test(test_area_manual_or_sdk_fields),
		cmocka_unit_test(test_board_settings_reach_the_card),
		cmocka_unit_test(test_serial_refused_for_5q_6q),
		cmocka_unit_test(test_5q_packet_limit),
		cmocka_unit_test(test_font_card_process_mode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
