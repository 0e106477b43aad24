/* test_lsp.c — LSP: CRC, golden bytes, framer resync, RLE, codecs, and the ARQ over a lossy link. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fw_lsp.h"
#include "proto/lsp.h"

/* A deterministic generator, so failures reproduce. */
static uint32_t rng_state = 12345;
static uint32_t
rng(void)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return rng_state >> 8;
}

static void
test_crc_check_value(void **unused)
{
	(void)unused;
	assert_int_equal(fw_lsp_crc16(FW_LSP_CRC_INIT, (const uint8_t *)"123456789", 9), 0x29B1);
	assert_int_equal(FW_LSP_CRC_CHECK, 0x29B1);
	/* byte-wise and block-wise agree */
	uint16_t c = FW_LSP_CRC_INIT;
	for (const char *p = "123456789"; *p; p++)
		c = fw_lsp_crc16_byte(c, (uint8_t)*p);
	assert_int_equal(c, 0x29B1);
}

/* An 8x2 mono frame, raw, frame id 0x0102, seq 7: bytes computed by an
 * independent bit-serial CRC (Python) and written down by hand in docs/protocol.md. */
static const uint8_t golden_frame[] = {
	0x4c, 0x53, 0x01, 0x10, 0x01, 0x07, 0x06, 0x00, 0x34, 0xfc,   /* header */
	0x02, 0x01, 0x00, 0x00, 0xa5, 0x3c,                           /* id 0x0102, raw, no flags, pixels */
	0x55, 0x3a,                                                   /* payload CRC */
};

static void
test_golden_frame(void **unused)
{
	static const uint8_t pix[2] = { 0xA5, 0x3C };
	struct proto_image img = { 8, 2, LS_FMT_MONO, 1, pix };
	struct proto_lsp_coding how = { FW_LSP_ENC_RAW, 0, 0, 2 };
	uint8_t buf[256], seq = 7;
	struct proto_batch b;

	proto_batch_init(&b, buf, sizeof buf);
	assert_int_equal(proto_lsp_packetize(&img, &how, pix, 0x0102, 0, FW_LSP_SLOT_LIVE, &seq,
	    FW_LSP_MIN_PAYLOAD, FW_LSP_F_ACKREQ, &b), 0);
	assert_int_equal(b.npkts, 1);
	assert_int_equal(seq, 8);
	assert_int_equal(b.len[0], sizeof golden_frame);
	assert_memory_equal(buf, golden_frame, sizeof golden_frame);
}

/* A board for tests: 64x16 of any format, with page memory. */
struct tboard {
	struct fw_lsp_board b;
	uint8_t fb[2][64 * 16 * 3];
	uint8_t page[64 * 1024];
};

static void
tboard_init(struct tboard *t, int w, int h, uint8_t fmt)
{
	struct fw_lsp_board_config cfg;

	memset(&cfg, 0, sizeof cfg);
	cfg.width = (uint16_t)w;
	cfg.height = (uint16_t)h;
	cfg.format = fmt;
	cfg.fb[0] = t->fb[0];
	cfg.fb[1] = t->fb[1];
	cfg.page_mem = t->page;
	cfg.page_bytes = sizeof t->page;
	cfg.page_slots = 4;
	cfg.fw_name = "unit";
	assert_int_equal(fw_lsp_board_init(&t->b, &cfg), 0);
}

static unsigned
tboard_feed(struct tboard *t, const uint8_t *p, size_t n)
{
	unsigned ev = 0;

	for (size_t i = 0; i < n; i++)
		ev |= fw_lsp_board_feed(&t->b, p[i]);
	return ev;
}

static void
test_golden_decodes(void **unused)
{
	static struct tboard t;
	unsigned ev;

	(void)unused;
	tboard_init(&t, 8, 2, FW_PIX_MONO);
	ev = tboard_feed(&t, golden_frame, sizeof golden_frame);
	assert_true(ev & FW_LSP_EV_SHOW);
	assert_true(ev & FW_LSP_EV_REPLY);
	assert_int_equal(fw_lsp_board_front(&t.b)[0], 0xA5);
	assert_int_equal(fw_lsp_board_front(&t.b)[1], 0x3C);
	/* the reply is an ACK of a FRAME with the same seq */
	assert_int_equal(t.b.reply[3], FW_LSP_ACK);
	assert_int_equal(t.b.reply[4], FW_LSP_F_REPLY);
	assert_int_equal(t.b.reply[5], 7);
	assert_int_equal(t.b.reply[FW_LSP_HDR_LEN], FW_LSP_FRAME);
	/* the same packet again is a duplicate: acknowledged, not shown again */
	ev = tboard_feed(&t, golden_frame, sizeof golden_frame);
	assert_false(ev & FW_LSP_EV_SHOW);
	assert_true(ev & FW_LSP_EV_REPLY);
	assert_true(t.b.last.duplicate);
}

static void
test_resync_after_garbage(void **unused)
{
	static struct tboard t;
	uint8_t stream[512];
	size_t n = 0;
	unsigned ev = 0;

	(void)unused;
	tboard_init(&t, 8, 2, FW_PIX_MONO);
	/* noise, a lone sync, a header whose CRC is wrong that hides a real
	 * packet start inside it, then the real packet */
	for (int i = 0; i < 100; i++)
		stream[n++] = (uint8_t)rng();
	stream[n++] = 'L';
	stream[n++] = 'S';
	stream[n++] = 'L';
	stream[n++] = 0x01;
	stream[n++] = 'L';
	memcpy(stream + n, golden_frame, sizeof golden_frame);
	n += sizeof golden_frame;
	ev = tboard_feed(&t, stream, n);
	assert_true(ev & FW_LSP_EV_SHOW);
	assert_int_equal(fw_lsp_board_front(&t.b)[0], 0xA5);
	assert_true(t.b.rx.garbage > 0);

	/* a damaged payload with a good header is NACKed (crc), then the next packet is fine */
	{
		uint8_t bad[sizeof golden_frame];
		static struct tboard u;

		tboard_init(&u, 8, 2, FW_PIX_MONO);
		memcpy(bad, golden_frame, sizeof bad);
		bad[FW_LSP_HDR_LEN + 4] ^= 0x10;   /* a pixel byte */
		ev = tboard_feed(&u, bad, sizeof bad);
		assert_false(ev & FW_LSP_EV_SHOW);
		assert_int_equal(u.b.reply[3], FW_LSP_NACK);
		assert_int_equal(u.b.reply[FW_LSP_HDR_LEN + 1], FW_LSP_E_CRC);
		ev = tboard_feed(&u, golden_frame, sizeof golden_frame);
		assert_true(ev & FW_LSP_EV_SHOW);
	}
}

static void
test_rle_round_trip(void **unused)
{
	static uint8_t in[5000], enc[5000 + 5000 / 128 + 16], out[5000];

	(void)unused;
	for (int round = 0; round < 200; round++) {
		size_t n = rng() % sizeof in, e, o = 0;
		struct fw_lsp_unrle u;
		int runny = round % 3;

		for (size_t i = 0; i < n; i++)
			in[i] = runny == 0 ? (uint8_t)rng() : runny == 1 ? (uint8_t)(rng() % 3 == 0 ? rng() : 0)
			    : (uint8_t)((i / (1 + rng() % 300)) & 1);
		e = fw_lsp_rle(in, n, enc, sizeof enc);
		assert_true(e > 0 || n == 0);
		assert_true(e <= n + n / 128 + 1);
		fw_lsp_unrle_reset(&u);
		for (size_t i = 0; i < e; i++) {
			uint8_t v;
			unsigned k = fw_lsp_unrle_feed(&u, enc[i], &v);
			assert_true(o + k <= n);
			memset(out + o, v, k);
			o += k;
		}
		assert_int_equal(o, n);
		assert_memory_equal(in, out, n);
		/* too small a buffer is reported, never overrun */
		if (e > 4)
			assert_int_equal(fw_lsp_rle(in, n, enc, e - 1), 0);
	}
}

/* Draw a few bars and a diagonal: stroke-like content. */
static void
draw(uint8_t *buf, int w, int h, uint8_t fmt, int shift)
{
	uint32_t stride = fw_pix_stride(fmt, (uint32_t)w);
	uint32_t on = fmt == FW_PIX_MONO ? 1 : fmt == FW_PIX_REDGREEN ? 2 : 0xF81F;

	memset(buf, 0, (size_t)stride * (size_t)h);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			int X = x + shift;
			if ((X % 11 < 3) || (y == h / 2 && X % 23 < 15) || ((X + y) % 17 == 0))
				fw_pix_set(buf, stride, fmt, (uint32_t)x, (uint32_t)y, on);
		}
}

static void
test_codecs_decode_on_board(void **unused)
{
	static struct tboard t;
	static uint8_t a[64 * 16 * 3], bimg[64 * 16 * 3], pkts[16384];
	static uint8_t work[5 * (64 * 16 * 3 + 200) + sizeof(struct fw_lsp_ctx_model)];
	uint8_t seq = 0;
	unsigned used[FW_LSP_ENC_COUNT] = { 0 }, cols = 0;

	(void)unused;
	for (uint8_t fmt = 0; fmt < FW_PIX_COUNT; fmt++) {
		uint32_t stride = fw_pix_stride(fmt, 64);
		struct proto_image ia = { 64, 16, (enum ls_format)fmt, stride, a };
		struct proto_image ib = { 64, 16, (enum ls_format)fmt, stride, bimg };

		assert_true(proto_lsp_work_size(stride * 16) <= sizeof work);
		tboard_init(&t, 64, 16, fmt);
		draw(a, 64, 16, fmt, 0);
		draw(bimg, 64, 16, fmt, 3);    /* a scroll step of 3 LEDs */
		for (unsigned enc = 0; enc < FW_LSP_ENC_COUNT; enc++) {
			const uint8_t *data;
			struct proto_lsp_coding how;
			struct proto_batch pb;
			unsigned ev = 0;
			uint16_t id = (uint16_t)(100 + fmt * 10 + enc);

			/* show a first, then code b with only this encoding allowed */
			proto_lsp_compress(&ia, NULL, 0, work, &data, &how);
			proto_batch_init(&pb, pkts, sizeof pkts);
			assert_int_equal(proto_lsp_packetize(&ia, &how, data, (uint16_t)(id + 1000), 0,
			    FW_LSP_SLOT_LIVE, &seq, 300, FW_LSP_F_ACKREQ, &pb), 0);
			ev = tboard_feed(&t, pkts, pb.used);
			assert_true(ev & FW_LSP_EV_SHOW);
			proto_lsp_compress(&ib, a, 1u << enc, work, &data, &how);
			if (enc == FW_LSP_ENC_CTX && fmt <= FW_PIX_REDGREEN)
				assert_int_equal(FW_LSP_ENC_BASE(how.encoding), FW_LSP_ENC_CTX);
			/* an encoding that does not beat RAW falls back to it */
			assert_true(FW_LSP_ENC_BASE(how.encoding) == enc || how.encoding == FW_LSP_ENC_RAW);
			used[FW_LSP_ENC_BASE(how.encoding)]++;
			cols += (how.encoding & FW_LSP_ENC_COLUMNS) != 0;
			if (enc == FW_LSP_ENC_DELTA) {
				assert_int_equal(how.dx, 3);   /* b(x) = a(x + 3) */
				assert_true(how.bytes < stride * 16 / 4);
			}
			proto_batch_init(&pb, pkts, sizeof pkts);
			assert_int_equal(proto_lsp_packetize(&ib, &how, data, id, (uint16_t)(id + 1000),
			    FW_LSP_SLOT_LIVE, &seq, 100, FW_LSP_F_ACKREQ, &pb), 0);
			ev = tboard_feed(&t, pkts, pb.used);
			assert_true(ev & FW_LSP_EV_SHOW);
			assert_int_equal(t.b.last.error, 0);
			assert_memory_equal(fw_lsp_board_front(&t.b), bimg, stride * 16);
		}
	}
	for (unsigned enc = 0; enc < FW_LSP_ENC_COUNT; enc++)
		assert_true(used[enc] > 0);   /* every decoder path was exercised */
	assert_true(cols > 0);
}

/* Issue 20: the hinted search (the daemon's) against the full one, over a
 * scroll that changes speed and then direction: every frame decodes to the
 * picture on the board, the shift found is the scroll's, and the coding is
 * never much larger than the full search's. */
static void
draw_xy(uint8_t *buf, int w, int h, uint8_t fmt, int sx, int sy)
{
	uint32_t stride = fw_pix_stride(fmt, (uint32_t)w);
	uint32_t on = fmt == FW_PIX_MONO ? 1 : fmt == FW_PIX_REDGREEN ? 2 : 0xF81F;

	memset(buf, 0, (size_t)stride * (size_t)h);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			int X = x + sx, Y = y + sy;
			if ((X % 11 < 3 && Y % 7 != 3) || (Y % 9 == 4 && X % 23 < 15) || ((X + Y) % 17 == 0))
				fw_pix_set(buf, stride, fmt, (uint32_t)x, (uint32_t)y, on);
		}
}

static void
test_hint_follows_scroll(void **unused)
{
	static struct tboard t;
	static uint8_t cur[64 * 16 * 3], prev[64 * 16 * 3], pkts[32768];
	static uint8_t work[5 * (64 * 16 * 3 + 200) + sizeof(struct fw_lsp_ctx_model)];
	/* per frame: LEDs moved left, rows moved up */
	static const int steps[][2] = { { 1, 0 }, { 1, 0 }, { 1, 0 }, { 2, 0 }, { 3, 0 }, { 3, 0 }, { 9, 0 },
		{ 9, 0 }, { 0, 0 }, { 0, 2 }, { 0, 2 }, { 0, 3 }, { 4, 0 }, { 1, 0 } };
	uint8_t seq = 0;

	(void)unused;
	for (uint8_t fmt = 0; fmt < FW_PIX_COUNT; fmt++) {
		uint32_t stride = fw_pix_stride(fmt, 64);
		struct proto_lsp_hint hint = { 0 };
		int sx = 0, sy = 0;
		uint16_t id = 1;
		size_t hinted_total = 0, full_total = 0;

		tboard_init(&t, 64, 16, fmt);
		for (size_t f = 0; f <= sizeof steps / sizeof steps[0]; f++) {
			struct proto_image img = { 64, 16, (enum ls_format)fmt, stride, cur };
			struct proto_lsp_coding how, full;
			const uint8_t *data;
			struct proto_batch pb;
			unsigned ev;

			if (f > 0) {
				sx += steps[f - 1][0];
				sy += steps[f - 1][1];
			}
			draw_xy(cur, 64, 16, fmt, sx, sy);
			proto_lsp_compress(&img, f ? prev : NULL, 0xFF, work, &data, &full);
			proto_lsp_compress_hint(&img, f ? prev : NULL, 0xFF, &hint, work, &data, &how);
			if (f > 0 && FW_LSP_ENC_BASE(how.encoding) == FW_LSP_ENC_DELTA && steps[f - 1][0] + steps[f - 1][1] > 0) {
				/* b(x, y) = a(x + sx, y + sy): the shift is the step */
				assert_int_equal(how.dx, steps[f - 1][0]);
				assert_int_equal(how.dy, steps[f - 1][1]);
			}
			if (f > 0)
				assert_int_equal(FW_LSP_ENC_BASE(how.encoding), FW_LSP_ENC_DELTA);
			assert_true(how.bytes <= full.bytes + full.bytes / 4 + 4);
			hinted_total += how.bytes;
			full_total += full.bytes;
			proto_batch_init(&pb, pkts, sizeof pkts);
			assert_int_equal(proto_lsp_packetize(&img, &how, data, id, (uint16_t)(id - 1), FW_LSP_SLOT_LIVE,
			    &seq, 1000, FW_LSP_F_ACKREQ, &pb), 0);
			ev = tboard_feed(&t, pkts, pb.used);
			assert_true(ev & FW_LSP_EV_SHOW);
			assert_int_equal(t.b.last.error, 0);
			assert_memory_equal(fw_lsp_board_front(&t.b), cur, stride * 16);
			memcpy(prev, cur, stride * 16);
			id++;
		}
		/* over the whole scroll the hint costs at most a few per cent */
		assert_true(hinted_total <= full_total + full_total / 20);
	}
}

/* The whole host ARQ against a board over a link that drops and corrupts. */
struct link {
	double drop, corrupt;
	unsigned long lost, damaged;
};

static int
chance(double p)
{
	return (double)(rng() % 1000000) < p * 1000000.0;
}

static void
link_carry(struct link *l, const uint8_t *p, size_t n, uint8_t *to, size_t *ton)
{
	if (chance(l->drop)) {
		l->lost++;
		return;
	}
	memcpy(to + *ton, p, n);
	if (chance(l->corrupt)) {
		to[*ton + rng() % n] ^= (uint8_t)(1u << (rng() % 8));
		l->damaged++;
	}
	*ton += n;
}

static void
run_arq(double drop, double corrupt, uint8_t fmt, int frames)
{
	static struct tboard t;
	static uint8_t img[64 * 16 * 3], out[65536], back[65536];
	struct ls_board board;
	struct link l = { drop, corrupt, 0, 0 };
	char err[200];
	void *st;
	const struct proto_ops *ops = proto_find("lsp");
	uint32_t stride = fw_pix_stride(fmt, 64);
	uint64_t now = 1000;
	struct proto_lsp_stats stats;

	assert_non_null(ops);
	assert_non_null(ops->poll);
	memset(&board, 0, sizeof board);
	board.name = "unit";
	board.width = 64;
	board.height = 16;
	board.format = (enum ls_format)fmt;
	board.address = "udp:127.0.0.1:9";
	st = ops->init(&board, err, sizeof err);
	assert_non_null(st);
	tboard_init(&t, 64, 16, fmt);

	for (int f = 0; f < frames; f++) {
		struct proto_image pi = { 64, 16, (enum ls_format)fmt, stride, img };
		struct proto_batch b;
		int r = PROTO_TX_BUSY, rounds = 0;

		draw(img, 64, 16, fmt, f % 5 == 4 ? 1000 + f : f);   /* scroll steps and jumps */
		proto_batch_init(&b, out, sizeof out);
		assert_int_equal(ops->encode_frame(st, &pi, &b), 0);
		for (;;) {
			size_t nback = 0;
			uint64_t wake;

			/* deliver: one datagram per packet, replies back the same way */
			for (size_t i = 0; i < b.npkts; i++) {
				uint8_t pkt[2048];
				size_t pn = 0;
				link_carry(&l, out + b.off[i], b.len[i], pkt, &pn);
				fw_lsp_framer_reset(&t.b.rx);
				for (size_t k = 0; k < pn; k++) {
					unsigned ev = fw_lsp_board_feed(&t.b, pkt[k]);
					if (ev & FW_LSP_EV_REPLY)
						link_carry(&l, t.b.reply, t.b.reply_len, back, &nback);
				}
			}
			for (size_t off = 0; off < nback;) {
				size_t used = 0;
				ops->input(st, back + off, nback - off, &used);
				assert_true(used > 0);
				off += used;
			}
			proto_batch_init(&b, out, sizeof out);
			r = ops->poll(st, now, &b, &wake);
			if (r == PROTO_TX_DONE || r == PROTO_TX_FAILED)
				break;
			if (b.npkts == 0) {
				assert_true(wake > now);
				now = wake;
			}
			assert_true(++rounds < 10000);
		}
		assert_int_equal(r, PROTO_TX_DONE);
		assert_memory_equal(fw_lsp_board_front(&t.b), img, stride * 16);
	}
	proto_lsp_get_stats(st, &stats);
	if (drop > 0)
		assert_true(stats.retransmits > 0);
	assert_true(stats.info_known);
	ops->fini(st);
}

/* Issue 20, encode once: two boards of one size shown the same frames in
 * step code each frame once between them (the second copies the first's
 * coding: same frame, same picture on the board, same hint), and both show
 * every frame exactly. */
static void
test_memo_two_boards(void **unused)
{
	static struct tboard t[2];
	static uint8_t img[64 * 16 * 3], out[65536], back[65536];
	const struct proto_ops *ops = proto_find("lsp");
	struct ls_board board;
	char err[200];
	void *st[2];
	uint64_t now = 1000;
	unsigned long hits0 = proto_lsp_memo_hits();
	uint32_t stride = fw_pix_stride(FW_PIX_MONO, 64);

	(void)unused;
	memset(&board, 0, sizeof board);
	board.name = "unit";
	board.width = 64;
	board.height = 16;
	board.format = LS_FMT_MONO;
	board.address = "udp:127.0.0.1:9";
	for (int k = 0; k < 2; k++) {
		st[k] = ops->init(&board, err, sizeof err);
		assert_non_null(st[k]);
		tboard_init(&t[k], 64, 16, FW_PIX_MONO);
	}
	for (int f = 0; f < 12; f++) {
		draw(img, 64, 16, FW_PIX_MONO, f);
		for (int k = 0; k < 2; k++) {
			struct proto_image pi = { 64, 16, LS_FMT_MONO, stride, img };
			struct proto_batch b;
			int r, rounds = 0;

			proto_batch_init(&b, out, sizeof out);
			assert_int_equal(ops->encode_frame(st[k], &pi, &b), 0);
			for (;;) {
				size_t nback = 0;
				uint64_t wake;

				for (size_t i = 0; i < b.npkts; i++) {
					fw_lsp_framer_reset(&t[k].b.rx);
					for (size_t j = 0; j < b.len[i]; j++)
						if (fw_lsp_board_feed(&t[k].b, out[b.off[i] + j]) & FW_LSP_EV_REPLY) {
							memcpy(back + nback, t[k].b.reply, t[k].b.reply_len);
							nback += t[k].b.reply_len;
						}
				}
				for (size_t off = 0; off < nback;) {
					size_t used = 0;
					ops->input(st[k], back + off, nback - off, &used);
					assert_true(used > 0);
					off += used;
				}
				proto_batch_init(&b, out, sizeof out);
				r = ops->poll(st[k], now, &b, &wake);
				if (r == PROTO_TX_DONE || r == PROTO_TX_FAILED)
					break;
				if (b.npkts == 0)
					now = wake;
				assert_true(++rounds < 1000);
			}
			assert_int_equal(r, PROTO_TX_DONE);
			assert_memory_equal(fw_lsp_board_front(&t[k].b), img, stride * 16);
		}
	}
	/* the second board's codings came from the first's (the session's first
	 * frames may differ: INFO may arrive with the frame) */
	assert_true(proto_lsp_memo_hits() - hits0 >= 10);
	for (int k = 0; k < 2; k++)
		ops->fini(st[k]);
}

static void
test_arq_clean(void **unused)
{
	(void)unused;
	for (uint8_t fmt = 0; fmt < FW_PIX_COUNT; fmt++)
		run_arq(0, 0, fmt, 12);
}

static void
test_arq_lossy(void **unused)
{
	(void)unused;
	for (uint8_t fmt = 0; fmt < FW_PIX_COUNT; fmt++)
		run_arq(0.10, 0.01, fmt, 40);
	run_arq(0.30, 0.05, FW_PIX_RGB888, 20);
}

static void
test_board_rejects(void **unused)
{
	static struct tboard t;
	uint8_t pkt[64];
	size_t n;
	uint8_t v;

	(void)unused;
	tboard_init(&t, 8, 2, FW_PIX_MONO);
	/* wrong geometry */
	{
		uint8_t f[] = { 1, 0, FW_LSP_ENC_RAW, FW_LSP_FF_GEOMETRY, FW_PIX_MONO, 16, 0, 2, 0, 1, 2, 3, 4 };
		n = fw_lsp_pack(pkt, sizeof pkt, FW_LSP_FRAME, FW_LSP_F_ACKREQ, 9, f, sizeof f);
		tboard_feed(&t, pkt, n);
		assert_int_equal(t.b.reply[3], FW_LSP_NACK);
		assert_int_equal(t.b.reply[FW_LSP_HDR_LEN + 1], FW_LSP_E_GEOMETRY);
	}
	/* brightness out of range, then in range */
	v = 101;
	n = fw_lsp_pack(pkt, sizeof pkt, FW_LSP_BRIGHTNESS, FW_LSP_F_ACKREQ, 10, &v, 1);
	tboard_feed(&t, pkt, n);
	assert_int_equal(t.b.reply[FW_LSP_HDR_LEN + 1], FW_LSP_E_RANGE);
	v = 40;
	n = fw_lsp_pack(pkt, sizeof pkt, FW_LSP_BRIGHTNESS, FW_LSP_F_ACKREQ, 11, &v, 1);
	assert_true(tboard_feed(&t, pkt, n) & FW_LSP_EV_SETTING);
	assert_int_equal(t.b.brightness, 40);
	/* unknown type */
	n = fw_lsp_pack(pkt, sizeof pkt, 0x55, FW_LSP_F_ACKREQ, 12, NULL, 0);
	tboard_feed(&t, pkt, n);
	assert_int_equal(t.b.reply[FW_LSP_HDR_LEN + 1], FW_LSP_E_TYPE);
	/* a delta against a frame the board does not show */
	{
		uint8_t f[] = { 2, 0, FW_LSP_ENC_DELTA, 0, 0x77, 0, 0, 0, 0x81, 0x00 };
		n = fw_lsp_pack(pkt, sizeof pkt, FW_LSP_FRAME, FW_LSP_F_ACKREQ, 13, f, sizeof f);
		tboard_feed(&t, pkt, n);
		assert_int_equal(t.b.reply[FW_LSP_HDR_LEN + 1], FW_LSP_E_NOBASE);
	}
	/* RLE data that overflows the frame (a run of 8 into 2 bytes) */
	{
		uint8_t f[] = { 3, 0, FW_LSP_ENC_RLE, 0, 0x85, 0xFF };
		n = fw_lsp_pack(pkt, sizeof pkt, FW_LSP_FRAME, FW_LSP_F_ACKREQ, 14, f, sizeof f);
		tboard_feed(&t, pkt, n);
		assert_int_equal(t.b.reply[FW_LSP_HDR_LEN + 1], FW_LSP_E_DATA);
	}
	/* too short a frame head, and unknown flags */
	{
		uint8_t f[] = { 4, 0, FW_LSP_ENC_RAW, 0x80, 1, 2 };
		n = fw_lsp_pack(pkt, sizeof pkt, FW_LSP_FRAME, FW_LSP_F_ACKREQ, 15, f, 3);
		tboard_feed(&t, pkt, n);
		assert_int_equal(t.b.reply[FW_LSP_HDR_LEN + 1], FW_LSP_E_LENGTH);
		n = fw_lsp_pack(pkt, sizeof pkt, FW_LSP_FRAME, FW_LSP_F_ACKREQ, 16, f, sizeof f);
		tboard_feed(&t, pkt, n);
		assert_int_equal(t.b.reply[FW_LSP_HDR_LEN + 1], FW_LSP_E_UNSUPPORTED);
	}
	/* an INFO_REQ is answered with the geometry */
	n = fw_lsp_pack(pkt, sizeof pkt, FW_LSP_INFO_REQ, FW_LSP_F_ACKREQ, 15, NULL, 0);
	tboard_feed(&t, pkt, n);
	assert_int_equal(t.b.reply[3], FW_LSP_INFO);
	assert_int_equal(fw_lsp_get16(t.b.reply + FW_LSP_HDR_LEN + 2), 8);
	assert_int_equal(fw_lsp_get16(t.b.reply + FW_LSP_HDR_LEN + 4), 2);
}


/* Pages: frames stored in slots, then played by the board's own clock. */
static void
test_page_playback(void **unused)
{
	static struct tboard t;
	static uint8_t a[2 * 4], strip[6 * 4], pkts[4096], work[65536];
	const uint8_t *data;
	struct proto_lsp_coding how;
	struct proto_batch pb;
	uint8_t seq = 1;
	struct proto_lsp_page_entry e[2] = {
		{ 0, FW_LSP_FX_NONE, 100, 0 },
		{ 1, FW_LSP_FX_SCROLL_LEFT, 480, 100 },   /* 100 LEDs/s */
	};
	unsigned ev;

	(void)unused;
	tboard_init(&t, 16, 4, FW_PIX_MONO);
	for (int i = 0; i < 8; i++)
		a[i] = (uint8_t)(0x11 * (i + 1));
	for (int i = 0; i < 24; i++)
		strip[i] = (uint8_t)(i * 37 + 5);
	struct proto_image ia = { 16, 4, LS_FMT_MONO, 2, a };
	struct proto_image is = { 48, 4, LS_FMT_MONO, 6, strip };

	proto_batch_init(&pb, pkts, sizeof pkts);
	proto_lsp_compress(&ia, NULL, 0xFF, work, &data, &how);
	assert_int_equal(proto_lsp_packetize(&ia, &how, data, 500, 0, 0, &seq, 256, FW_LSP_F_ACKREQ, &pb), 0);
	proto_lsp_compress(&is, NULL, 0xFF & ~(1u << FW_LSP_ENC_DELTA), work, &data, &how);
	assert_int_equal(proto_lsp_packetize(&is, &how, data, 501, 0, 1, &seq, 256, FW_LSP_F_ACKREQ, &pb), 0);
	ev = tboard_feed(&t, pkts, pb.used);
	assert_false(ev & FW_LSP_EV_SHOW);          /* stored, not shown */
	assert_true(t.b.slots[0].ready && t.b.slots[1].ready);
	assert_int_equal(t.b.slots[1].width, 48);

	fw_lsp_board_tick(&t.b, 1000);
	proto_batch_init(&pb, pkts, sizeof pkts);
	assert_int_equal(proto_lsp_encode_page(seq++, 1, e, 2, &pb), 0);
	ev = tboard_feed(&t, pkts, pb.used);
	assert_true(ev & FW_LSP_EV_SHOW);
	assert_int_equal(t.b.reply[3], FW_LSP_ACK);
	assert_memory_equal(fw_lsp_board_front(&t.b), a, 8);
	fw_lsp_board_tick(&t.b, 1099);
	assert_memory_equal(fw_lsp_board_front(&t.b), a, 8);

	/* 160 ms into the scroll: moved 16 LEDs, so the strip's first 16 columns fill the board */
	fw_lsp_board_tick(&t.b, 1100 + 160);
	for (int y = 0; y < 4; y++)
		assert_memory_equal(fw_lsp_board_front(&t.b) + 2 * y, strip + 6 * y, 2);
	/* 240 ms: moved 24, the window starts 8 LEDs (one byte) into the strip */
	fw_lsp_board_tick(&t.b, 1100 + 240);
	for (int y = 0; y < 4; y++)
		assert_memory_equal(fw_lsp_board_front(&t.b) + 2 * y, strip + 6 * y + 1, 2);
	/* looping: after 100 + 480 ms the first entry again */
	fw_lsp_board_tick(&t.b, 1000 + 580 + 10);
	assert_memory_equal(fw_lsp_board_front(&t.b), a, 8);
	/* a live frame ends playback */
	proto_batch_init(&pb, pkts, sizeof pkts);
	proto_lsp_compress(&is, NULL, 0, work, &data, &how);   /* any 16x4 picture: reuse a */
	proto_lsp_compress(&ia, NULL, 0, work, &data, &how);
	assert_int_equal(proto_lsp_packetize(&ia, &how, data, 502, 0, FW_LSP_SLOT_LIVE, &seq, 256,
	    FW_LSP_F_ACKREQ, &pb), 0);
	tboard_feed(&t, pkts, pb.used);
	assert_false(t.b.page_playing);
	assert_int_equal(fw_lsp_board_tick(&t.b, 5000), 0);
	/* a page naming an empty slot is refused */
	e[0].slot = 3;
	proto_batch_init(&pb, pkts, sizeof pkts);
	assert_int_equal(proto_lsp_encode_page(seq++, 0, e, 1, &pb), 0);
	tboard_feed(&t, pkts, pb.used);
	assert_int_equal(t.b.reply[FW_LSP_HDR_LEN + 1], FW_LSP_E_RANGE);
}


/* Send one message of `type` with `payload` to the test board; the reply type. */
static uint8_t
tboard_msg(struct tboard *t, uint8_t type, const uint8_t *payload, size_t len, uint8_t *seq)
{
	uint8_t pk[FW_LSP_MAX_PAYLOAD + FW_LSP_OVERHEAD];
	size_t n = fw_lsp_pack(pk, sizeof pk, type, FW_LSP_F_ACKREQ, (*seq)++, payload, len);

	t->b.reply_len = 0;
	tboard_feed(t, pk, n);
	return t->b.reply_len ? t->b.reply[3] : 0;
}

/* docs/protocol.md §10.1: a programme plays its segments on the board's
 * clock, loops its entries from the anchor, goes dark in a count-0 segment,
 * gives way to live frames and comes back on RESUME or after the hold. */
static void
test_programme_playback(void **unused)
{
	static struct tboard t;
	static uint8_t a[8], bb[8], live[8], strip[6 * 4], pkts[4096], work[65536], msg[256];
	const uint8_t *data;
	struct proto_lsp_coding how;
	struct proto_batch pb;
	uint8_t seq = 1, clk[10], zero[8] = { 0 };
	struct fw_lsp_prog_entry e[3] = {
		{ 0, FW_LSP_FX_NONE, 0, 2000 },
		{ 1, FW_LSP_FX_NONE, 0, 3000 },
		{ 2, FW_LSP_FX_SCROLL_LEFT_LOOP, 10, 10000 },   /* 10 LEDs/s */
	};
	const uint32_t T0 = 1000000000u;
	struct fw_lsp_prog_seg g[3] = {
		{ T0, T0 + 10, T0, 0, 2 },          /* A 2 s, B 3 s, A, B */
		{ T0 + 10, T0 + 20, T0 + 10, 0, 0 },/* dark */
		{ T0 + 20, T0 + 40, T0 + 20, 2, 1 },/* the strip going round */
	};
	size_t n;

	(void)unused;
	tboard_init(&t, 16, 4, FW_PIX_MONO);
	for (int i = 0; i < 8; i++) {
		a[i] = (uint8_t)(0x11 * (i + 1));
		bb[i] = (uint8_t)(0xF0 ^ i);
		live[i] = (uint8_t)(0x81 + i);
	}
	for (int i = 0; i < 24; i++)
		strip[i] = (uint8_t)(i * 37 + 5);
	struct proto_image ia = { 16, 4, LS_FMT_MONO, 2, a }, ib = { 16, 4, LS_FMT_MONO, 2, bb };
	struct proto_image is = { 48, 4, LS_FMT_MONO, 6, strip }, il = { 16, 4, LS_FMT_MONO, 2, live };

	fw_lsp_board_tick(&t.b, 0);
	proto_batch_init(&pb, pkts, sizeof pkts);
	proto_lsp_compress(&ia, NULL, 0xFF, work, &data, &how);
	assert_int_equal(proto_lsp_packetize(&ia, &how, data, 600, 0, 0, &seq, 256, FW_LSP_F_ACKREQ, &pb), 0);
	proto_lsp_compress(&ib, NULL, 0xFF, work, &data, &how);
	assert_int_equal(proto_lsp_packetize(&ib, &how, data, 601, 0, 1, &seq, 256, FW_LSP_F_ACKREQ, &pb), 0);
	proto_lsp_compress(&is, NULL, 0xFF & ~(1u << FW_LSP_ENC_DELTA), work, &data, &how);
	assert_int_equal(proto_lsp_packetize(&is, &how, data, 602, 0, 2, &seq, 256, FW_LSP_F_ACKREQ, &pb), 0);
	tboard_feed(&t, pkts, pb.used);
	assert_true(t.b.slots[0].ready && t.b.slots[1].ready && t.b.slots[2].ready);

	/* refused, nothing applied: a slot not stored, a bad length */
	e[0].slot = 3;
	n = proto_lsp_programme_encode(7, 3000, e, 3, g, 3, msg, sizeof msg);
	assert_int_equal(n, 8 + 3 * 8 + 3 * 14);
	assert_int_equal(tboard_msg(&t, FW_LSP_PROGRAMME, msg, n, &seq), FW_LSP_NACK);
	assert_int_equal(t.b.reply[FW_LSP_HDR_LEN + 1], FW_LSP_E_RANGE);
	assert_int_equal(t.b.prog_version, 0);
	e[0].slot = 0;
	n = proto_lsp_programme_encode(7, 3000, e, 3, g, 3, msg, sizeof msg);
	assert_int_equal(tboard_msg(&t, FW_LSP_PROGRAMME, msg, n - 1, &seq), FW_LSP_NACK);
	assert_int_equal(t.b.reply[FW_LSP_HDR_LEN + 1], FW_LSP_E_LENGTH);

	/* stored, but no clock yet: nothing plays */
	assert_int_equal(tboard_msg(&t, FW_LSP_PROGRAMME, msg, n, &seq), FW_LSP_ACK);
	assert_int_equal(t.b.prog_version, 7);
	assert_memory_equal(fw_lsp_board_front(&t.b), zero, 8);
	/* the clock: T0 + 1.5 s at board ms 100 */
	fw_lsp_board_tick(&t.b, 100);
	fw_lsp_put32(clk, T0);
	fw_lsp_put32(clk + 4, 0);
	fw_lsp_put16(clk + 8, 480);
	assert_int_equal(tboard_msg(&t, FW_LSP_CLOCK, clk, sizeof clk, &seq), FW_LSP_ACK);
	fw_lsp_board_tick(&t.b, 100 + 1500);
	assert_int_equal(fw_lsp_board_mode(&t.b), FW_LSP_MODE_PROGRAMME);
	assert_memory_equal(fw_lsp_board_front(&t.b), a, 8);
	fw_lsp_board_tick(&t.b, 100 + 2000);                  /* 2 s: B */
	assert_memory_equal(fw_lsp_board_front(&t.b), bb, 8);
	fw_lsp_board_tick(&t.b, 100 + 5000);                  /* 5 s: A again (the loop) */
	assert_memory_equal(fw_lsp_board_front(&t.b), a, 8);
	fw_lsp_board_tick(&t.b, 100 + 7500);                  /* 7.5 s: B */
	assert_memory_equal(fw_lsp_board_front(&t.b), bb, 8);
	fw_lsp_board_tick(&t.b, 100 + 10000);                 /* the dark segment */
	assert_memory_equal(fw_lsp_board_front(&t.b), zero, 8);
	/* the strip: at t = 0 its left edge at the board's left edge ... */
	fw_lsp_board_tick(&t.b, 100 + 20000);
	for (int y = 0; y < 4; y++)
		assert_memory_equal(fw_lsp_board_front(&t.b) + 2 * y, strip + 6 * y, 2);
	/* ... 0.8 s later moved 8 LEDs: the window one byte into the strip */
	assert_true(fw_lsp_board_wake(&t.b, 100 + 20000) <= 100);
	fw_lsp_board_tick(&t.b, 100 + 20800);
	for (int y = 0; y < 4; y++)
		assert_memory_equal(fw_lsp_board_front(&t.b) + 2 * y, strip + 6 * y + 1, 2);
	/* ... and round: after (16 + 48) / 10 = 6.4 s at the start again */
	fw_lsp_board_tick(&t.b, 100 + 26400);
	for (int y = 0; y < 4; y++)
		assert_memory_equal(fw_lsp_board_front(&t.b) + 2 * y, strip + 6 * y, 2);

	/* a live frame wins at once; the programme comes back after the hold ... */
	proto_batch_init(&pb, pkts, sizeof pkts);
	proto_lsp_compress(&il, NULL, 0, work, &data, &how);
	assert_int_equal(proto_lsp_packetize(&il, &how, data, 603, 0, FW_LSP_SLOT_LIVE, &seq, 256,
	    FW_LSP_F_ACKREQ, &pb), 0);
	fw_lsp_board_tick(&t.b, 100 + 27000);
	tboard_feed(&t, pkts, pb.used);
	assert_memory_equal(fw_lsp_board_front(&t.b), live, 8);
	assert_int_equal(fw_lsp_board_mode(&t.b), FW_LSP_MODE_LIVE);
	fw_lsp_board_tick(&t.b, 100 + 29900);                 /* 2.9 s of silence: still live */
	assert_memory_equal(fw_lsp_board_front(&t.b), live, 8);
	fw_lsp_board_tick(&t.b, 100 + 30000);                 /* 3 s: the board plays on by itself */
	assert_int_equal(fw_lsp_board_mode(&t.b), FW_LSP_MODE_PROGRAMME);
	/* 10 s into the strip's segment: its 10 s entry starts again, the strip at the left edge */
	for (int y = 0; y < 4; y++)
		assert_memory_equal(fw_lsp_board_front(&t.b) + 2 * y, strip + 6 * y, 2);
	/* ... or at once on RESUME, with the programme's picture and no dark one between */
	proto_batch_init(&pb, pkts, sizeof pkts);
	proto_lsp_compress(&il, NULL, 0, work, &data, &how);
	assert_int_equal(proto_lsp_packetize(&il, &how, data, 604, 0, FW_LSP_SLOT_LIVE, &seq, 256,
	    FW_LSP_F_ACKREQ, &pb), 0);
	tboard_feed(&t, pkts, pb.used);
	assert_memory_equal(fw_lsp_board_front(&t.b), live, 8);
	fw_lsp_board_tick(&t.b, 100 + 30800);
	assert_int_equal(tboard_msg(&t, FW_LSP_RESUME, NULL, 0, &seq), FW_LSP_ACK);
	assert_int_equal(fw_lsp_board_mode(&t.b), FW_LSP_MODE_PROGRAMME);
	/* 0.8 s into the entry: moved 8, the window one byte into the strip */
	for (int y = 0; y < 4; y++)
		assert_memory_equal(fw_lsp_board_front(&t.b) + 2 * y, strip + 6 * y + 1, 2);
	/* storing slot 0 again clears the programme (the picture stays) */
	proto_batch_init(&pb, pkts, sizeof pkts);
	proto_lsp_compress(&ia, NULL, 0xFF, work, &data, &how);
	assert_int_equal(proto_lsp_packetize(&ia, &how, data, 605, 0, 0, &seq, 256, FW_LSP_F_ACKREQ, &pb), 0);
	tboard_feed(&t, pkts, pb.used);
	assert_int_equal(t.b.prog_version, 0);
	for (int y = 0; y < 4; y++)
		assert_memory_equal(fw_lsp_board_front(&t.b) + 2 * y, strip + 6 * y + 1, 2);
}

/* docs/protocol.md §6 and §10: what a board leaves out it refuses; page rules. */
static void
test_board_caps_and_page_rules(void **unused)
{
	static struct tboard t;
	static uint8_t pkts[4096], work[65536];
	static uint8_t a[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct proto_image ia = { 16, 4, LS_FMT_MONO, 2, a };
	struct proto_lsp_page_entry e = { 1, FW_LSP_FX_FLASH, 1000, 1001 };
	struct proto_lsp_coding how;
	struct proto_batch pb;
	const uint8_t *data;
	uint8_t pkt[64], v = 50, seq = 1;
	size_t n;

	(void)unused;
	tboard_init(&t, 16, 4, FW_PIX_MONO);
	t.b.cfg.caps_off = FW_LSP_CAP_BRIGHTNESS | FW_LSP_CAP_ROWXOR;
	n = fw_lsp_pack(pkt, sizeof pkt, FW_LSP_INFO_REQ, FW_LSP_F_ACKREQ, 1, NULL, 0);
	tboard_feed(&t, pkt, n);
	assert_int_equal(fw_lsp_get16(t.b.reply + FW_LSP_HDR_LEN + 8),
	    FW_LSP_CAP_ALL & ~(FW_LSP_CAP_BRIGHTNESS | FW_LSP_CAP_ROWXOR));
	n = fw_lsp_pack(pkt, sizeof pkt, FW_LSP_BRIGHTNESS, FW_LSP_F_ACKREQ, 2, &v, 1);
	tboard_feed(&t, pkt, n);
	assert_int_equal(t.b.reply[FW_LSP_HDR_LEN + 1], FW_LSP_E_UNSUPPORTED);
	assert_int_equal(t.b.brightness, 100);
	{
		uint8_t f[] = { 9, 0, FW_LSP_ENC_ROWXOR, 0, 0x87, 0x00 };
		n = fw_lsp_pack(pkt, sizeof pkt, FW_LSP_FRAME, FW_LSP_F_ACKREQ, 3, f, sizeof f);
		tboard_feed(&t, pkt, n);
		assert_int_equal(t.b.reply[FW_LSP_HDR_LEN + 1], FW_LSP_E_UNSUPPORTED);
	}
	/* store slot 0 and play it: FLASH above 100 Hz is out of range, at 100 Hz fine */
	proto_batch_init(&pb, pkts, sizeof pkts);
	proto_lsp_compress(&ia, NULL, 0, work, &data, &how);
	assert_int_equal(proto_lsp_packetize(&ia, &how, data, 600, 0, 0, &seq, 256, FW_LSP_F_ACKREQ, &pb), 0);
	assert_int_equal(proto_lsp_packetize(&ia, &how, data, 602, 0, 1, &seq, 256, FW_LSP_F_ACKREQ, &pb), 0);
	tboard_feed(&t, pkts, pb.used);
	assert_true(t.b.slots[0].ready && t.b.slots[1].ready);
	proto_batch_init(&pb, pkts, sizeof pkts);
	assert_int_equal(proto_lsp_encode_page(seq++, 1, &e, 1, &pb), 0);
	tboard_feed(&t, pkts, pb.used);
	assert_int_equal(t.b.reply[FW_LSP_HDR_LEN + 1], FW_LSP_E_RANGE);
	assert_false(t.b.page_playing);
	e.param = 1000;
	proto_batch_init(&pb, pkts, sizeof pkts);
	assert_int_equal(proto_lsp_encode_page(seq++, 1, &e, 1, &pb), 0);
	tboard_feed(&t, pkts, pb.used);
	assert_int_equal(t.b.reply[3], FW_LSP_ACK);
	assert_true(t.b.page_playing);
	/* rewriting a slot the page plays (not slot 0, which frees them all) stops playback */
	a[0] = 0xEE;
	proto_batch_init(&pb, pkts, sizeof pkts);
	proto_lsp_compress(&ia, NULL, 0, work, &data, &how);
	assert_int_equal(proto_lsp_packetize(&ia, &how, data, 601, 0, 1, &seq, 256, FW_LSP_F_ACKREQ, &pb), 0);
	tboard_feed(&t, pkts, pb.used);
	assert_false(t.b.page_playing);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc_check_value),
		cmocka_unit_test(test_golden_frame),
		cmocka_unit_test(test_golden_decodes),
		cmocka_unit_test(test_resync_after_garbage),
		cmocka_unit_test(test_rle_round_trip),
		cmocka_unit_test(test_codecs_decode_on_board),
		cmocka_unit_test(test_hint_follows_scroll),
		cmocka_unit_test(test_board_rejects),
		cmocka_unit_test(test_memo_two_boards),
		cmocka_unit_test(test_arq_clean),
		cmocka_unit_test(test_arq_lossy),
		cmocka_unit_test(test_page_playback),
		cmocka_unit_test(test_programme_playback),
		cmocka_unit_test(test_board_caps_and_page_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
