/*
 * test_lsp_host.c — the LSP host (proto_lsp_ops) against the reference board
 * (fw_lsp.c), packet by packet: what it sends to a board that offers less,
 * what it does after NACK UNSUPPORTED, POWER, consecutive sequence numbers,
 * one resend per gap after NACK ORDER, and what it says when it gives up.
 *
 * The link is a loop in this file: each packet the host hands out is one
 * datagram to the board; each reply goes back to the host on its own, with
 * a poll after it, as replies arrive one by one on a real link.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fw_lsp.h"
#include "proto/lsp.h"

#define W 64
#define H 16
#define MAXLOG 4096

/* A packet as it went to the board. */
struct sent {
	uint8_t type, seq, enc;
	uint16_t frame_id;
	uint32_t chunk_off;
};

struct rig {
	struct fw_lsp_board b;
	uint8_t fb[2][W * H * 3];
	uint8_t page[64 * 1024];
	const struct proto_ops *ops;
	void *st;
	uint64_t now;
	/* faults: what the board's INFO claims beyond what it has; the FRAME
	 * chunk (by offset) to lose once; damage every packet's payload */
	uint16_t claim_caps;
	long lose_chunk;
	int damage_all;
	/* what was sent */
	struct sent log[MAXLOG];
	size_t nlog;
	unsigned long nacks_seen[16];
};

static void
rig_init(struct rig *r, uint8_t fmt, uint16_t caps_off, const char *address)
{
	struct fw_lsp_board_config cfg;
	struct ls_board board;
	char err[200];

	memset(r, 0, sizeof *r);
	memset(&cfg, 0, sizeof cfg);
	cfg.width = W;
	cfg.height = H;
	cfg.format = fmt;
	cfg.fb[0] = r->fb[0];
	cfg.fb[1] = r->fb[1];
	cfg.page_mem = r->page;
	cfg.page_bytes = sizeof r->page;
	cfg.page_slots = 4;
	cfg.fw_name = "unit";
	cfg.caps_off = caps_off;
	assert_int_equal(fw_lsp_board_init(&r->b, &cfg), 0);
	memset(&board, 0, sizeof board);
	board.name = "unit";
	board.width = W;
	board.height = H;
	board.format = (enum ls_format)fmt;
	board.address = (char *)(uintptr_t)address;   /* init only reads it */
	r->ops = proto_find("lsp");
	assert_non_null(r->ops);
	r->st = r->ops->init(&board, err, sizeof err);
	assert_non_null(r->st);
	r->now = 1000;
	r->lose_chunk = -1;
}

static void
rig_fini(struct rig *r)
{
	r->ops->fini(r->st);
}

/* The board's reply, with INFO's caps rewritten to claim what it has not. */
static void
rig_reply(struct rig *r, uint8_t *out, size_t *n)
{
	memcpy(out, r->b.reply, r->b.reply_len);
	*n = r->b.reply_len;
	if (r->claim_caps && out[3] == FW_LSP_INFO) {
		uint16_t len = fw_lsp_get16(out + 6);
		uint8_t *p = out + FW_LSP_HDR_LEN;

		fw_lsp_put16(p + 8, (uint16_t)(fw_lsp_get16(p + 8) | r->claim_caps));
		fw_lsp_put16(p + len, fw_lsp_crc16(FW_LSP_CRC_INIT, p, len));
	}
	if (out[3] == FW_LSP_NACK && out[FW_LSP_HDR_LEN + 1] < 16)
		r->nacks_seen[out[FW_LSP_HDR_LEN + 1]]++;
}

/* One packet to the board; its reply (if any) into out. */
static void
rig_carry(struct rig *r, const uint8_t *pkt, size_t n, uint8_t *out, size_t *outn)
{
	uint8_t copy[2048];
	struct sent *s = &r->log[r->nlog < MAXLOG ? r->nlog++ : MAXLOG - 1];

	*outn = 0;
	memset(s, 0, sizeof *s);
	s->type = pkt[3];
	s->seq = pkt[5];
	if (s->type == FW_LSP_FRAME) {
		const uint8_t *p = pkt + FW_LSP_HDR_LEN;
		s->frame_id = fw_lsp_get16(p);
		s->enc = p[2];
		s->chunk_off = (p[3] & FW_LSP_FF_CHUNKED) ? (uint32_t)(p[7] | p[8] << 8 | p[9] << 16) : 0;
		if ((long)s->chunk_off == r->lose_chunk) {
			r->lose_chunk = -1;
			return;
		}
	}
	assert_true(n <= sizeof copy);
	memcpy(copy, pkt, n);
	if (r->damage_all && n > FW_LSP_OVERHEAD)
		copy[FW_LSP_HDR_LEN] ^= 0x01;
	fw_lsp_framer_reset(&r->b.rx);
	for (size_t i = 0; i < n; i++)
		if (fw_lsp_board_feed(&r->b, copy[i]) & FW_LSP_EV_REPLY)
			rig_reply(r, out, outn);
}

/* Deliver `b` and whatever the host sends after it until it is done or gives up. */
static int
rig_run(struct rig *r, struct proto_batch *first)
{
	static uint8_t queue[1 << 18], next[1 << 16];
	size_t qn = 0, qh = 0;
	int status = PROTO_TX_BUSY;

	for (size_t i = 0; i < first->npkts; i++) {
		memcpy(queue + qn, first->buf + first->off[i], first->len[i]);
		qn += first->len[i];
	}
	for (int rounds = 0; rounds < 100000; rounds++) {
		struct proto_batch b;
		uint64_t wake;

		if (qh < qn) {
			/* the next packet in the queue: its length from its header */
			size_t len = FW_LSP_OVERHEAD + fw_lsp_get16(queue + qh + 6);
			uint8_t rep[512];
			size_t rn, used;

			rig_carry(r, queue + qh, len, rep, &rn);
			qh += len;
			if (rn > 0)
				assert_int_equal(r->ops->input(r->st, rep, rn, &used), rep[3] == FW_LSP_ACK ?
				    PROTO_REPLY_ACK : rep[3] == FW_LSP_NACK ? PROTO_REPLY_NACK : PROTO_REPLY_INFO);
		}
		proto_batch_init(&b, next, sizeof next);
		status = r->ops->poll(r->st, r->now, &b, &wake);
		for (size_t i = 0; i < b.npkts; i++) {
			assert_true(qn + b.len[i] <= sizeof queue);
			memcpy(queue + qn, next + b.off[i], b.len[i]);
			qn += b.len[i];
		}
		if (status == PROTO_TX_DONE || status == PROTO_TX_FAILED || status == PROTO_TX_IDLE)
			return status;
		if (qh == qn) {
			assert_true(wake > r->now);
			r->now = wake;
		}
	}
	fail_msg("the host never finished");
	return status;
}

/* A picture in which every row repeats the one above, shifted by k: ROWXOR wins it. */
static void
draw(uint8_t *img, uint8_t fmt, int k)
{
	size_t stride = fw_pix_stride(fmt, W);

	for (int y = 0; y < H; y++)
		for (size_t i = 0; i < stride; i++)
			img[y * stride + i] = (uint8_t)((i * 7 + (size_t)k) * 37u ^ (y & 1 ? 0xF0 : 0));
}

static int
rig_frame(struct rig *r, const uint8_t *img, uint8_t fmt)
{
	static uint8_t out[1 << 16];
	struct proto_image pi = { W, H, (enum ls_format)fmt, fw_pix_stride(fmt, W), img };
	struct proto_batch b;

	proto_batch_init(&b, out, sizeof out);
	assert_int_equal(r->ops->encode_frame(r->st, &pi, &b), 0);
	return rig_run(r, &b);
}

static int
rig_setting(struct rig *r, int power, int value)
{
	static uint8_t out[4096];
	struct proto_batch b;
	int rc;

	proto_batch_init(&b, out, sizeof out);
	if (power && r->ops->encode_power == NULL)
		fail_msg("lsp has no POWER message for a power-off rule");
	rc = power ? r->ops->encode_power(r->st, value, &b) : r->ops->encode_brightness(r->st, value, &b);
	if (rc < 0)
		return -1;
	return rig_run(r, &b);
}

static const char *
rig_note(struct rig *r)
{
	return r->ops->note ? r->ops->note(r->st) : NULL;
}

static int
rig_offers(struct rig *r, int feature)
{
	if (r->ops->offers == NULL)
		fail_msg("lsp cannot say what the board offers");
	return r->ops->offers(r->st, feature);
}

/* Item 7: a board that offers only RLE gets RLE, RAW or CTX frames, and no
 * BRIGHTNESS or POWER, even those asked for before its INFO came. */
static void
test_only_what_the_board_offers(void **unused)
{
	static struct rig r;
	static uint8_t img[W * H * 3];
	struct proto_lsp_stats st;

	(void)unused;
	rig_init(&r, FW_PIX_RGB565, FW_LSP_CAP_ALL & ~FW_LSP_CAP_RLE, "tcp:127.0.0.1:9");
	/* before INFO: queued behind INFO_REQ, dropped when INFO comes */
	assert_int_equal(rig_setting(&r, 0, 40), PROTO_TX_DONE);
	for (int f = 0; f < 6; f++) {
		draw(img, FW_PIX_RGB565, f % 2);
		assert_int_equal(rig_frame(&r, img, FW_PIX_RGB565), PROTO_TX_DONE);
		assert_memory_equal(fw_lsp_board_front(&r.b), img, W * 2 * H);
	}
	assert_int_equal(rig_offers(&r, PROTO_FEAT_BRIGHTNESS), 0);
	assert_int_equal(rig_offers(&r, PROTO_FEAT_POWER), 0);
	/* after INFO: refused at once, nothing queued */
	assert_int_equal(rig_setting(&r, 1, 0), -1);
	assert_int_equal(rig_setting(&r, 0, 30), PROTO_TX_IDLE);
	for (size_t i = 0; i < r.nlog; i++) {
		assert_true(r.log[i].type == FW_LSP_INFO_REQ || r.log[i].type == FW_LSP_FRAME);
		if (r.log[i].type == FW_LSP_FRAME)
			assert_true(FW_LSP_ENC_BASE(r.log[i].enc) == FW_LSP_ENC_RLE ||
			    r.log[i].enc == FW_LSP_ENC_RAW);
	}
	proto_lsp_get_stats(r.st, &st);
	assert_int_equal(st.nacks, 0);
	assert_int_equal(r.b.brightness, 100);
	rig_fini(&r);
}

/* Item 8: a board whose INFO offers ROWXOR, DELTA and BRIGHTNESS but that
 * refuses them: one NACK UNSUPPORTED each, one note each, then frames
 * coded without them; not one refusal per frame. */
static void
test_unsupported_is_dropped(void **unused)
{
	static struct rig r;
	static uint8_t img[W * H * 3];
	const char *note;
	int notes = 0;
	unsigned long refused_by_10 = 0;

	(void)unused;
	rig_init(&r, FW_PIX_RGB565, FW_LSP_CAP_ROWXOR | FW_LSP_CAP_DELTA | FW_LSP_CAP_BRIGHTNESS,
	    "tcp:127.0.0.1:9");
	r.claim_caps = FW_LSP_CAP_ROWXOR | FW_LSP_CAP_DELTA | FW_LSP_CAP_BRIGHTNESS;
	for (int f = 0; f < 20; f++) {
		draw(img, FW_PIX_RGB565, f % 3);
		assert_int_equal(rig_frame(&r, img, FW_PIX_RGB565), PROTO_TX_DONE);
		assert_memory_equal(fw_lsp_board_front(&r.b), img, W * 2 * H);
		if ((note = rig_note(&r)) != NULL) {
			assert_non_null(strstr(note, "unsupported"));
			notes++;
		}
		if (f == 10) {
			assert_int_equal(rig_setting(&r, 0, 50), PROTO_TX_DONE);
			refused_by_10 = r.nacks_seen[FW_LSP_E_UNSUPPORTED];
		}
		if ((note = rig_note(&r)) != NULL) {
			assert_non_null(strstr(note, "BRIGHTNESS"));
			notes++;
		}
	}
	/* rowxor, delta in column and in row order, brightness: each refused
	 * once (every chunk of a refused frame is NACKed, but one is enough) */
	assert_true(notes >= 3 && notes <= 6);
	assert_int_equal(r.nacks_seen[FW_LSP_E_UNSUPPORTED], refused_by_10);
	assert_int_equal(rig_offers(&r, PROTO_FEAT_BRIGHTNESS), 0);
	assert_int_equal(rig_setting(&r, 0, 60), PROTO_TX_IDLE);    /* not sent again */
	rig_fini(&r);
}

/* Item 9: POWER 0 and 1 reach a board that offers POWER. */
static void
test_power(void **unused)
{
	static struct rig r;
	static uint8_t img[W * H / 8];

	(void)unused;
	rig_init(&r, FW_PIX_MONO, 0, "tcp:127.0.0.1:9");
	assert_int_equal(rig_offers(&r, PROTO_FEAT_POWER), -1);   /* not known before INFO */
	draw(img, FW_PIX_MONO, 0);
	assert_int_equal(rig_frame(&r, img, FW_PIX_MONO), PROTO_TX_DONE);
	assert_int_equal(rig_offers(&r, PROTO_FEAT_POWER), 1);
	assert_int_equal(rig_setting(&r, 1, 0), PROTO_TX_DONE);
	assert_int_equal(r.b.power, 0);
	assert_memory_equal(fw_lsp_board_front(&r.b), img, sizeof img);   /* the picture is kept */
	assert_int_equal(rig_setting(&r, 1, 1), PROTO_TX_DONE);
	assert_int_equal(r.b.power, 1);
	rig_fini(&r);
}

/* Item 11: seq goes 0, 1, 2... on the wire, also when the first frame is
 * cut again for the board's bigger payload, and across chunked frames. */
static void
test_seq_consecutive(void **unused)
{
	static struct rig r;
	static uint8_t img[W * H * 3];
	int seen[256] = { 0 };
	uint8_t expect = 0;

	(void)unused;
	rig_init(&r, FW_PIX_RGB888, 0, "udp:127.0.0.1:9");
	for (int f = 0; f < 4; f++) {
		for (size_t i = 0; i < sizeof img; i++)
			img[i] = (uint8_t)(i * 2654435761u >> (8 + f));   /* noise: RAW, chunked */
		assert_int_equal(rig_frame(&r, img, FW_PIX_RGB888), PROTO_TX_DONE);
	}
	assert_true(r.nlog > 10);
	for (size_t i = 0; i < r.nlog; i++) {
		if (seen[r.log[i].seq])
			continue;       /* a resend keeps its seq */
		seen[r.log[i].seq] = 1;
		if (r.log[i].seq != expect)
			fail_msg("packet %zu went out with seq %u, expected %u", i, r.log[i].seq, expect);
		expect++;
	}
	rig_fini(&r);
}

/* Item 11: a chunk lost in a window of 8: every chunk behind it is NACKed
 * ORDER, and the lost one is resent once, not once per NACK. */
static void
test_order_one_resend_per_gap(void **unused)
{
	static struct rig r;
	static uint8_t img[W * H * 3];
	int copies = 0;
	uint32_t lost = 0;
	struct proto_lsp_stats st;

	(void)unused;
	rig_init(&r, FW_PIX_RGB888, 0, "udp:127.0.0.1:9");
	for (size_t i = 0; i < sizeof img; i++)
		img[i] = (uint8_t)(i * 2654435761u >> 9);
	/* a first frame to learn the board's payload size: chunks of 1004 bytes */
	assert_int_equal(rig_frame(&r, img, FW_PIX_RGB888), PROTO_TX_DONE);
	for (size_t i = 0; i < sizeof img; i++)      /* other noise: RAW again, no delta */
		img[i] = (uint8_t)(i * 2246822519u >> 11);
	for (size_t i = 0; i < r.nlog; i++)
		if (r.log[i].type == FW_LSP_FRAME && r.log[i].chunk_off > 0) {
			lost = r.log[i].chunk_off;    /* the second chunk's offset */
			break;
		}
	assert_true(lost > 0);
	r.lose_chunk = lost;
	r.nlog = 0;
	assert_int_equal(rig_frame(&r, img, FW_PIX_RGB888), PROTO_TX_DONE);
	assert_memory_equal(fw_lsp_board_front(&r.b), img, sizeof img);
	assert_true(r.nacks_seen[FW_LSP_E_ORDER] >= 2);
	for (size_t i = 0; i < r.nlog; i++)
		if (r.log[i].type == FW_LSP_FRAME && r.log[i].chunk_off == lost)
			copies++;
	assert_int_equal(copies, 2);       /* the lost one and one resend */
	proto_lsp_get_stats(r.st, &st);
	/* the lost chunk and each chunk NACKed behind it, once */
	assert_int_equal(st.retransmits, 1 + r.nacks_seen[FW_LSP_E_ORDER]);
	rig_fini(&r);
}

/* Item 11: a board that NACKs every send: 12 sends, and the message says what the NACK was. */
static void
test_give_up_names_the_nack(void **unused)
{
	static struct rig r;
	static uint8_t img[W * H / 8];
	size_t frames = 0;
	const char *e;

	(void)unused;
	rig_init(&r, FW_PIX_MONO, 0, "udp:127.0.0.1:9");
	draw(img, FW_PIX_MONO, 0);
	assert_int_equal(rig_frame(&r, img, FW_PIX_MONO), PROTO_TX_DONE);
	r.damage_all = 1;
	r.nlog = 0;
	img[0] ^= 0xFF;
	assert_int_equal(rig_frame(&r, img, FW_PIX_MONO), PROTO_TX_FAILED);
	for (size_t i = 0; i < r.nlog; i++)
		frames += r.log[i].type == FW_LSP_FRAME;
	assert_int_equal(frames, 12);
	e = r.ops->error(r.st);
	assert_non_null(e);
	if (strstr(e, "12") == NULL || strstr(e, "NACK crc") == NULL)
		fail_msg("give-up message: %s", e);
	assert_null(strstr(e, "no answer"));
	rig_fini(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_only_what_the_board_offers),
		cmocka_unit_test(test_unsupported_is_dropped),
		cmocka_unit_test(test_power),
		cmocka_unit_test(test_seq_consecutive),
		cmocka_unit_test(test_order_one_resend_per_gap),
		cmocka_unit_test(test_give_up_names_the_nack),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
