/*
 * proto/lsp.c — host side of LSP: compression, packets, and a pure ARQ.
 *
 * The ARQ is a state machine with no clock and no I/O: encode_frame queues a
 * frame, poll(now) says which packets to (re)send, input() digests replies.
 * Frames go out as a window of FRAME chunks; the board applies chunks in
 * order and acknowledges each, so a lost or damaged chunk is resent after a
 * timeout (or at once on a NACK) and the board ignores copies of chunks it
 * already has.  Sessions start with INFO_REQ, which tells us the board's
 * size, format, buffer and capabilities, and resets its duplicate
 * detection.  Only what the board offers is sent; what it refuses anyway
 * (NACK UNSUPPORTED) is left out from then on, with a note for the log.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/lsp.h"

#define LSP_WINDOW_NET     8        /* packets in flight on TCP/UDP */
#define LSP_WINDOW_SERIAL  2        /* on a serial line: keep the line busy, no more */
#define LSP_MAX_TRIES      12       /* sends of one packet before giving up */
#define LSP_RTO_MIN_MS     40
#define LSP_RTO_MAX_MS     2000
#define LSP_RTO_INIT_MS    150
#define LSP_SHIFT_MAX      16       /* DELTA searches shifts up to this many LEDs */

enum { PK_UNSENT, PK_SENT, PK_ACKED };

struct lsp_pkt {
	size_t   off, len;          /* in st->q.buf */
	uint64_t sent_ms;
	uint64_t done_ms;           /* when its last byte is off the line (serial: behind those before it) */
	uint32_t sent_serial;       /* s->sends when last (re)sent: orders sends within one poll */
	uint32_t chunk_off;         /* FRAME: where its data sits in the encoded stream */
	uint16_t frame_id;
	uint8_t  seq, type;
	uint8_t  state, resend, barrier, timed, retried;
	uint8_t  slot;              /* FRAME into a page slot (a stored image), not a live frame */
	uint8_t  last_nack;         /* FW_LSP_E_* of the last NACK for it, 0 = none */
	uint32_t nack_detail;
	unsigned tries, nacked;     /* sends; sends answered by NACK */
};

struct lsp_state {
	char     name[64];          /* board name, for messages */
	int      width, height;
	enum ls_format format;
	size_t   stride, fbytes;
	uint8_t  seq;
	uint16_t frame_id;
	uint8_t *cur, *prev;        /* the frame in flight; the frame the board shows */
	int      prev_valid;
	uint16_t prev_id;
	uint8_t *work;              /* compression scratch */
	struct proto_lsp_hint hint; /* the last frames' shift and CTX size (proto_lsp_compress_hint) */
	/* the queue of packets in flight */
	struct proto_batch q;
	uint8_t *qbuf;
	size_t   qcap;
	struct lsp_pkt *pk;
	size_t   npk, pkmax;
	size_t   window;
	unsigned baud;              /* serial line speed, 0 on a network */
	uint64_t line_free;         /* serial: when the line has sent everything handed to it (ms) */
	unsigned srtt_ms;
	uint64_t rtt_sent;          /* line-done time of a packet acknowledged since the last poll */
	int      rtt_pending;
	int      status;            /* PROTO_TX_* */
	int      session;           /* INFO_REQ answered */
	int      frame_queued;
	size_t   frame_wire;        /* bytes of the queued frame's packets */
	struct proto_lsp_coding how;/* how the queued frame is coded ... */
	const uint8_t *coded;       /* ... and the coded bytes (in work) */
	uint16_t max_payload;
	uint16_t caps;              /* FW_LSP_CAP_* used: the board's, less what it refused */
	unsigned deny;              /* encodings and variants the board refused (proto_lsp_compress bits) */
	uint32_t sends;             /* packets sent, first sends and resends */
	char     err[256];
	char     note[512];         /* for the caller's log, once */
	char     note_out[512];     /* the note as last handed out */
	struct fw_lsp_framer rx;
	struct proto_lsp_stats st;
};

/* ---- pure coding ------------------------------------------------------ */

static size_t
lsp_rle_cap(size_t n)
{
	return n + n / FW_LSP_RLE_MAXLIT + 16;
}

size_t
proto_lsp_work_size(size_t n)
{
	/* best and trial codings, the packed frame, an XOR plane, its column-order copy, a CTX model */
	return 2 * lsp_rle_cap(n) + 3 * n + sizeof(struct fw_lsp_ctx_model);
}

static uint8_t
lsp_format(enum ls_format f)
{
	switch (f) {
	case LS_FMT_MONO:     return FW_PIX_MONO;
	case LS_FMT_REDGREEN: return FW_PIX_REDGREEN;
	case LS_FMT_RGB565:   return FW_PIX_RGB565;
	case LS_FMT_RGB888:   return FW_PIX_RGB888;
	}
	return FW_PIX_COUNT;
}

/* LZMA-style range encoder over the CTX model: the mirror of ctx_feed in fw_lsp.c. */
struct lsp_rc {
	uint64_t low;
	uint32_t range;
	uint8_t  cache;
	uint64_t cache_size;
	uint8_t *out;
	size_t   n, cap;
	int      full;
};

static void
lsp_rc_shift(struct lsp_rc *rc)
{
	if ((uint32_t)rc->low < 0xFF000000u || (rc->low >> 32) != 0) {
		uint8_t carry = (uint8_t)(rc->low >> 32), tmp = rc->cache;
		do {
			if (rc->n < rc->cap)
				rc->out[rc->n++] = (uint8_t)(tmp + carry);
			else
				rc->full = 1;
			tmp = 0xFF;
		} while (--rc->cache_size != 0);
		rc->cache = (uint8_t)(rc->low >> 24);
	}
	rc->cache_size++;
	rc->low = (rc->low & 0x00FFFFFFu) << 8;
}

/* CTX-code a packed bitmap; the length, or 0 when it would not fit in cap. */
static size_t
lsp_ctx_encode(struct fw_lsp_ctx_model *model, const uint8_t *frame, size_t stride, uint32_t w, uint32_t h,
    unsigned bpp, unsigned tmpl, uint8_t *out, size_t cap)
{
	struct lsp_rc rc = { 0, 0xFFFFFFFFu, 0, 1, out, 0, cap, 0 };
	uint32_t wbits = w * bpp;

	fw_lsp_ctx_reset(model);
	for (uint32_t y = 0; y < h && !rc.full; y++)
		for (uint32_t i = 0; i < wbits && !rc.full; i++) {
			uint32_t slot;
			unsigned bit = (frame[(size_t)y * stride + (i >> 3)] >> (7 - (i & 7))) & 1u;
			uint32_t bound = (rc.range >> FW_LSP_CTX_PROB_BITS) *
			    fw_lsp_ctx_predict(model, frame, (uint32_t)stride, wbits, (uint8_t)bpp, tmpl, i, y, &slot);

			if (bit == 0) {
				rc.range = bound;
			} else {
				rc.low += bound;
				rc.range -= bound;
			}
			fw_lsp_ctx_learn(model, slot, bit);
			while (rc.range < FW_LSP_CTX_TOP) {
				rc.range <<= 8;
				lsp_rc_shift(&rc);
			}
		}
	for (int k = 0; k < 5; k++)
		lsp_rc_shift(&rc);
	return rc.full ? 0 : rc.n;
}

/* The work areas of proto_lsp_compress. */
struct lsp_work {
	uint8_t *best, *trial, *frame, *plane, *cols;
	size_t   n, stride, h;
};

/* RLE-code `plane` in row order and in column order; keep whichever beats the best so far. */
static void
lsp_try(struct lsp_work *w, unsigned allowed, uint8_t enc, int dx, int dy, struct proto_lsp_coding *how)
{
	for (int columns = 0; columns < 2 - !!(allowed & PROTO_LSP_NO_COLUMNS(enc)); columns++) {
		const uint8_t *src = w->plane;
		size_t len;

		if (columns) {
			/* read in row order, write in column order: the loop the
			 * compiler makes fastest (3x fewer instructions than reading
			 * down the columns) */
			size_t hh = w->h, st = w->stride;
			for (size_t y = 0; y < hh; y++) {
				const uint8_t *r = w->plane + y * st;
				uint8_t *c = w->cols + y;
				for (size_t x = 0; x < st; x++)
					c[x * hh] = r[x];
			}
			src = w->cols;
		}
		len = fw_lsp_rle(src, w->n, w->trial, how->bytes);
		if (len == 0 || len >= how->bytes)
			continue;
		memcpy(w->best, w->trial, len);
		how->bytes = len;
		how->encoding = (uint8_t)(enc | (columns ? FW_LSP_ENC_COLUMNS : 0));
		how->dx = (int8_t)dx;
		how->dy = (int8_t)dy;
	}
}

/* RLE and ROWXOR of w->frame, each kept when it beats how. */
static void
lsp_plain(struct lsp_work *w, unsigned allowed, struct proto_lsp_coding *how)
{
	size_t n = w->n, stride = w->stride;

	if (allowed & (1u << FW_LSP_ENC_RLE)) {
		memcpy(w->plane, w->frame, n);
		lsp_try(w, allowed, FW_LSP_ENC_RLE, 0, 0, how);
	}
	if (allowed & (1u << FW_LSP_ENC_ROWXOR)) {
		/* Vertical strokes repeat from row to row: XOR with the row above zeroes them. */
		memcpy(w->plane, w->frame, stride);
		for (size_t i = stride; i < n; i++)
			w->plane[i] = w->frame[i] ^ w->frame[i - stride];
		lsp_try(w, allowed, FW_LSP_ENC_ROWXOR, 0, 0, how);
	}
}

/* Bytes of the rows y = 0, step, 2*step, ... of `frame` that differ from
 * `prev` moved by (dx, dy), counting no further than `limit`: a shift's
 * score, not a size.  Only the sampled rows are moved (into `row`). */
static size_t
lsp_shift_score(const uint8_t *frame, const uint8_t *prev, uint8_t fmt, uint32_t w, uint32_t h, size_t stride,
    int dx, int dy, uint32_t step, size_t limit, uint8_t *row)
{
	size_t changed = 0;

	for (uint32_t y = 0; y < h && changed < limit; y += step) {
		const uint8_t *f = frame + (size_t)y * stride, *r = row;
		int64_t sy = (int64_t)y + dy;

		if (sy < 0 || sy >= (int64_t)h)
			memset(row, 0, stride);
		else if (dx == 0)
			r = prev + (size_t)sy * stride;     /* a row as it is: no copy */
		else
			fw_pix_window(row, w, 1, prev + (size_t)sy * stride, w, 1, fmt, dx, 0);
		for (size_t i = 0; i < stride; i++)
			changed += r[i] != f[i];
	}
	return changed;
}

int
proto_lsp_compress(const struct proto_image *img, const uint8_t *prev, unsigned allowed,
    uint8_t *work, const uint8_t **out, struct proto_lsp_coding *how)
{
	return proto_lsp_compress_hint(img, prev, allowed, NULL, work, out, how);
}

int
proto_lsp_compress_hint(const struct proto_image *img, const uint8_t *prev, unsigned allowed,
    struct proto_lsp_hint *hint, uint8_t *work, const uint8_t **out, struct proto_lsp_coding *how)
{
	uint8_t fmt = lsp_format(img->format);
	uint32_t w = (uint32_t)img->width, h = (uint32_t)img->height;
	size_t stride = fw_pix_stride(fmt, w);
	size_t n = stride * h, cap = lsp_rle_cap(n);
	struct lsp_work wk;
	int delta_won = 0, delta_first;

	wk.best = work;
	wk.trial = work + cap;
	wk.frame = work + 2 * cap;
	wk.plane = wk.frame + n;
	wk.cols = wk.plane + n;
	wk.n = n;
	wk.stride = stride;
	wk.h = h;
	for (uint32_t y = 0; y < h; y++)
		memcpy(wk.frame + (size_t)y * stride, img->data + (size_t)y * img->stride, stride);
	/* RAW always fits; everything else has to beat it. */
	memcpy(wk.best, wk.frame, n);
	how->encoding = FW_LSP_ENC_RAW;
	how->dx = how->dy = 0;
	how->bytes = n;
	*out = wk.best;
	/* With a hint that the last frame went as a delta, the delta is tried
	 * first: RLE and ROWXOR then give up as soon as they are no smaller. */
	delta_first = hint != NULL && hint->valid && prev != NULL && (allowed & (1u << FW_LSP_ENC_DELTA));
	if (!delta_first)
		lsp_plain(&wk, allowed, how);
	if (prev != NULL && (allowed & (1u << FW_LSP_ENC_DELTA))) {
		/* The reference is the board's picture moved by (dx, dy): a scroll
		 * step then leaves only the newly uncovered edge to send.  Shifts
		 * are scored by their count of changed bytes in every row of small
		 * frames, every 4th of tall ones (cheap, and only those rows are
		 * moved); only the best few are RLE-coded.  With a hint, the last
		 * frame's shift and its neighbours are scored first, and one that
		 * changes at most an eighth of the sampled bytes is taken without
		 * scoring the other shifts (a scroll goes on as it went). */
		enum { KEEP = 3 };
		int cand[KEEP][2];
		size_t score[KEEP];
		int ncand = 0;
		uint32_t step = h >= 16 ? 4 : 1;
		size_t sampled = (size_t)((h + step - 1) / step) * stride;
		uint8_t *row = wk.plane;   /* scratch until the candidates are coded */
		int hinted = 0;

		if (hint != NULL && hint->valid) {
			int hx = hint->dx, hy = hint->dy;
			size_t good = sampled / 8;

			for (int k = 0; k < 5; k++) {
				/* the hint, then one and two LEDs either side along its axis */
				int o = k == 0 ? 0 : k == 1 ? 1 : k == 2 ? -1 : k == 3 ? 2 : -2;
				int dx = hy == 0 ? hx + o : 0, dy = hy == 0 ? 0 : hy + o;
				size_t sc;

				if (abs(dx) > LSP_SHIFT_MAX || abs(dy) > LSP_SHIFT_MAX ||
				    (uint32_t)abs(dx) >= w || (uint32_t)abs(dy) >= h)
					continue;
				sc = lsp_shift_score(wk.frame, prev, fmt, w, h, stride, dx, dy, step,
				    ncand ? score[0] : (size_t)-1, row);
				if (ncand == 0 || sc < score[0]) {
					score[0] = sc;
					cand[0][0] = dx;
					cand[0][1] = dy;
					ncand = 1;
				}
				if (score[0] == 0)
					break;
			}
			hinted = ncand == 1 && score[0] <= good;
			if (!hinted)
				ncand = 0;
		}
		for (int k = 0; k <= 4 * LSP_SHIFT_MAX && !hinted; k++) {
			int d = k == 0 ? 0 : (k - 1) % LSP_SHIFT_MAX + 1;
			int sign = ((k - 1) / LSP_SHIFT_MAX) % 2 ? -1 : 1;
			int dx = 0, dy = 0, at;
			size_t changed;

			if (k > 0 && k <= 2 * LSP_SHIFT_MAX)
				dx = sign * d;
			else if (k > 2 * LSP_SHIFT_MAX)
				dy = sign * d;
			if ((uint32_t)abs(dx) >= w || (uint32_t)abs(dy) >= h)
				continue;
			/* a shift scoring no better than the worst kept one is not kept:
			 * stop counting there (same choice as counting it all) */
			changed = lsp_shift_score(wk.frame, prev, fmt, w, h, stride, dx, dy, step,
			    ncand == KEEP ? score[KEEP - 1] : (size_t)-1, row);
			/* insert into the best KEEP, smallest first */
			for (at = ncand; at > 0 && score[at - 1] > changed; at--)
				if (at < KEEP) {
					score[at] = score[at - 1];
					cand[at][0] = cand[at - 1][0];
					cand[at][1] = cand[at - 1][1];
				}
			if (at < KEEP) {
				score[at] = changed;
				cand[at][0] = dx;
				cand[at][1] = dy;
				if (ncand < KEEP)
					ncand++;
			}
		}
		for (int c = 0; c < ncand; c++) {
			fw_pix_window(wk.plane, w, h, prev, w, h, fmt, cand[c][0], cand[c][1]);
			for (size_t i = 0; i < n; i++)
				wk.plane[i] ^= wk.frame[i];
			lsp_try(&wk, allowed, FW_LSP_ENC_DELTA, cand[c][0], cand[c][1], how);
		}
	}
	if (delta_first)
		lsp_plain(&wk, allowed, how);
	delta_won = FW_LSP_ENC_BASE(how->encoding) == FW_LSP_ENC_DELTA;
	if (hint != NULL) {
		hint->valid = delta_won;
		hint->dx = delta_won ? how->dx : 0;
		hint->dy = delta_won ? how->dy : 0;
	}
	/* CTX last: with the best so far as its budget it gives up early
	 * (a row at a time) when a delta already won.  With a hint, not even
	 * that when the last frames' CTX size (or the budget it went over) is
	 * no smaller than the best so far: the text under a scroll is the same
	 * text, so CTX would lose again; it is tried again every
	 * PROTO_LSP_CTX_RECHECK frames in case the picture changed. */
	if ((allowed & (1u << FW_LSP_ENC_CTX)) && fw_pix_bits(fmt) <= 2) {
		size_t floor = (size_t)-1;

		if (hint != NULL && hint->ctx_floor != 0 && how->bytes <= hint->ctx_floor &&
		    hint->ctx_skips < PROTO_LSP_CTX_RECHECK) {
			hint->ctx_skips++;
			return 0;
		}
		/* Bitmaps of text: model each LED from its neighbours, code arithmetically. */
		for (unsigned t = 0; t < FW_LSP_CTX_TEMPLATES; t++) {
			/* template 2 is for mono only; on mono, template 1 is never
			 * the smallest of the three in the sample content: skip it */
			if ((t == 2 && fw_pix_bits(fmt) == 2) || (t == 1 && fw_pix_bits(fmt) == 1) ||
			    (allowed & PROTO_LSP_NO_TEMPLATE(t)))
				continue;
			size_t budget = how->bytes;
			size_t len = lsp_ctx_encode((struct fw_lsp_ctx_model *)(void *)(wk.cols + n), wk.frame,
			    stride, w, h, fw_pix_bits(fmt), t, wk.trial, budget);
			size_t need = len ? len : budget;   /* it needed more than the budget */

			if (need < floor)
				floor = need;
			if (len == 0 || len >= how->bytes)
				continue;
			memcpy(wk.best, wk.trial, len);
			how->bytes = len;
			how->encoding = (uint8_t)(FW_LSP_ENC_CTX | t << 5);
			how->dx = how->dy = 0;
		}
		if (hint != NULL) {
			hint->ctx_floor = floor == (size_t)-1 ? 0 : floor;
			hint->ctx_skips = 0;
		}
	}
	return 0;
}

int
proto_lsp_packetize(const struct proto_image *img, const struct proto_lsp_coding *how,
    const uint8_t *data, uint16_t frame_id, uint16_t base_id, uint8_t slot, uint8_t *seq,
    size_t max_payload, uint8_t flags, struct proto_batch *out)
{
	uint8_t head[FW_LSP_FRAME_MAXHDR];
	size_t hlen, per, off = 0;
	uint8_t ff = 0;
	int delta = FW_LSP_ENC_BASE(how->encoding) == FW_LSP_ENC_DELTA;

	if (max_payload > FW_LSP_MAX_PAYLOAD)
		max_payload = FW_LSP_MAX_PAYLOAD;
	if (how->bytes > FW_LSP_MAX_TOTAL || max_payload <= FW_LSP_FRAME_MAXHDR)
		return -1;
	if (slot != FW_LSP_SLOT_LIVE)
		ff |= FW_LSP_FF_SLOT | FW_LSP_FF_GEOMETRY;
	hlen = FW_LSP_FRAME_HEAD + (ff & FW_LSP_FF_SLOT ? 6 : 0) + (delta ? 4 : 0);
	if (hlen + how->bytes > max_payload) {
		ff |= FW_LSP_FF_CHUNKED;
		hlen += 6;
	}
	per = max_payload - hlen;
	do {
		size_t k = how->bytes - off > per ? per : how->bytes - off;
		uint8_t *p = proto_batch_reserve(out, FW_LSP_OVERHEAD + hlen + k);
		size_t h = FW_LSP_FRAME_HEAD;

		if (p == NULL)
			return -1;
		fw_lsp_put16(head, frame_id);
		head[2] = how->encoding;
		head[3] = ff;
		if (ff & FW_LSP_FF_CHUNKED) {
			head[h++] = (uint8_t)how->bytes;
			head[h++] = (uint8_t)(how->bytes >> 8);
			head[h++] = (uint8_t)(how->bytes >> 16);
			head[h++] = (uint8_t)off;
			head[h++] = (uint8_t)(off >> 8);
			head[h++] = (uint8_t)(off >> 16);
		}
		if (ff & FW_LSP_FF_SLOT)
			head[h++] = slot;
		if (ff & FW_LSP_FF_GEOMETRY) {
			head[h++] = lsp_format(img->format);
			fw_lsp_put16(head + h, (uint16_t)img->width);
			fw_lsp_put16(head + h + 2, (uint16_t)img->height);
			h += 4;
		}
		if (delta) {
			fw_lsp_put16(head + h, base_id);
			head[h + 2] = (uint8_t)how->dx;
			head[h + 3] = (uint8_t)how->dy;
			h += 4;
		}
		memcpy(p + FW_LSP_HDR_LEN, head, h);
		memcpy(p + FW_LSP_HDR_LEN + h, data + off, k);
		proto_batch_commit(out, fw_lsp_pack(p, FW_LSP_OVERHEAD + h + k, FW_LSP_FRAME, flags, (*seq)++,
		    NULL, h + k));
		off += k;
	} while (off < how->bytes);
	return 0;
}

/* Where a FRAME packet's data sits in its frame's encoded stream. */
static uint32_t
lsp_chunk_offset(const uint8_t *payload)
{
	if (!(payload[3] & FW_LSP_FF_CHUNKED))
		return 0;
	return payload[7] | (uint32_t)payload[8] << 8 | (uint32_t)payload[9] << 16;
}

int
proto_lsp_encode_page(uint8_t seq, int loop, const struct proto_lsp_page_entry *e, size_t n,
    struct proto_batch *out)
{
	size_t len = 2 + n * FW_LSP_PAGE_ENTRY;
	uint8_t *p;

	if (n > FW_LSP_PAGE_MAX || (p = proto_batch_reserve(out, FW_LSP_OVERHEAD + len)) == NULL)
		return -1;
	p[FW_LSP_HDR_LEN] = loop ? FW_LSP_PAGE_LOOP : 0;
	p[FW_LSP_HDR_LEN + 1] = (uint8_t)n;
	for (size_t i = 0; i < n; i++) {
		uint8_t *q = p + FW_LSP_HDR_LEN + 2 + i * FW_LSP_PAGE_ENTRY;
		q[0] = e[i].slot;
		q[1] = e[i].effect;
		fw_lsp_put16(q + 2, e[i].duration_ms);
		fw_lsp_put16(q + 4, e[i].param);
	}
	proto_batch_commit(out, fw_lsp_pack(p, FW_LSP_OVERHEAD + len, FW_LSP_PAGE, FW_LSP_F_ACKREQ,
	    seq, NULL, len));
	return 0;
}

/* ---- the queue of packets in flight ----------------------------------- */

static void lsp_fail(struct lsp_state *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
lsp_fail(struct lsp_state *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->err, sizeof s->err, fmt, ap);
	va_end(ap);
	s->status = PROTO_TX_FAILED;
}

/* Drop the packets for which keep() says no, compacting the buffer. */
static void
lsp_queue_filter(struct lsp_state *s, int (*keep)(const struct lsp_state *, const struct lsp_pkt *))
{
	size_t j = 0, used = 0;

	for (size_t i = 0; i < s->npk; i++) {
		struct lsp_pkt p = s->pk[i];

		if (!keep(s, &p))
			continue;
		memmove(s->qbuf + used, s->qbuf + p.off, p.len);
		p.off = used;
		used += p.len;
		s->pk[j++] = p;
	}
	s->npk = j;
	s->q.used = used;
	s->q.npkts = 0;
}

/* What a newer live frame leaves in the queue: settings, messages and
 * stored images (a programme upload goes on under live frames). */
static int
lsp_keep_unacked_nonframe(const struct lsp_state *s, const struct lsp_pkt *p)
{
	(void)s;
	return p->state != PK_ACKED && (p->type != FW_LSP_FRAME || p->slot);
}

/* The capability a message needs, 0 for those every board takes. */
static uint16_t
lsp_type_cap(uint8_t type)
{
	switch (type) {
	case FW_LSP_BRIGHTNESS: return FW_LSP_CAP_BRIGHTNESS;
	case FW_LSP_POWER:      return FW_LSP_CAP_POWER;
	case FW_LSP_CLOCK:      return FW_LSP_CAP_CLOCK;
	case FW_LSP_PAGE:       return FW_LSP_CAP_PAGE;
	case FW_LSP_PROGRAMME:
	case FW_LSP_RESUME:
	case FW_LSP_HOLD:       return FW_LSP_CAP_PROGRAMME;
	default:                return 0;
	}
}

static int
lsp_keep_offered(const struct lsp_state *s, const struct lsp_pkt *p)
{
	uint16_t need = lsp_type_cap(p->type);

	return p->state != PK_ACKED && (need == 0 || (s->caps & need));
}

/* Record the packets just committed to s->q (from index `first` of the batch). */
static int
lsp_queue_adopt(struct lsp_state *s, size_t first, int barrier)
{
	for (size_t i = first; i < s->q.npkts; i++) {
		struct lsp_pkt *p;
		const uint8_t *b = s->qbuf + s->q.off[i];

		if (s->npk >= s->pkmax)
			return -1;
		p = &s->pk[s->npk++];
		memset(p, 0, sizeof *p);
		p->off = s->q.off[i];
		p->len = s->q.len[i];
		p->seq = b[5];
		p->type = b[3];
		p->barrier = (uint8_t)barrier;
		if (p->type == FW_LSP_FRAME) {
			p->frame_id = fw_lsp_get16(b + FW_LSP_HDR_LEN);
			p->chunk_off = lsp_chunk_offset(b + FW_LSP_HDR_LEN);
			p->slot = (b[FW_LSP_HDR_LEN + 3] & FW_LSP_FF_SLOT) != 0;
		}
	}
	return 0;
}

/* Point the batch at the end of the queue's buffer so new packets land after the old. */
static void
lsp_queue_open(struct lsp_state *s)
{
	size_t used = s->q.used;

	proto_batch_init(&s->q, s->qbuf, s->qcap);
	s->q.used = used;
}

static int
lsp_queue_msg(struct lsp_state *s, uint8_t type, const uint8_t *payload, size_t len, int barrier)
{
	uint8_t *p;

	lsp_queue_open(s);
	if ((p = proto_batch_reserve(&s->q, FW_LSP_OVERHEAD + len)) == NULL)
		return -1;
	/* seq 0 for now: a packet gets its seq when it is first sent (lsp_emit) */
	proto_batch_commit(&s->q, fw_lsp_pack(p, FW_LSP_OVERHEAD + len, type, FW_LSP_F_ACKREQ,
	    0, payload, len));
	if (lsp_queue_adopt(s, 0, barrier) < 0)
		return -1;
	if (s->status != PROTO_TX_FAILED)
		s->status = PROTO_TX_BUSY;
	return 0;
}

/* Queue the coded frame (s->how, s->coded) as packets of the current size. */
static int
lsp_queue_coded(struct lsp_state *s)
{
	struct proto_image img = { s->width, s->height, s->format, s->stride, s->cur };
	uint8_t seq = 0;     /* stamped when each packet is first sent */

	lsp_queue_open(s);
	if (proto_lsp_packetize(&img, &s->how, s->coded, s->frame_id,
	    FW_LSP_ENC_BASE(s->how.encoding) == FW_LSP_ENC_DELTA ? s->prev_id : 0, FW_LSP_SLOT_LIVE, &seq,
	    s->max_payload, FW_LSP_F_ACKREQ, &s->q) < 0 || lsp_queue_adopt(s, 0, 0) < 0) {
		lsp_fail(s, "frame does not fit the send queue (%zu bytes coded)", s->how.bytes);
		return -1;
	}
	s->frame_queued = 1;
	s->frame_wire = 0;
	for (size_t i = 0; i < s->npk; i++)
		if (s->pk[i].type == FW_LSP_FRAME && !s->pk[i].slot)
			s->frame_wire += s->pk[i].len;
	s->st.frame_bytes_wire += s->frame_wire;
	s->status = PROTO_TX_BUSY;
	return 0;
}

/* The encodings (proto_lsp_compress bits) the board takes: what it offers
 * in INFO (RAW and CTX every board decodes), less what it refused. */
static unsigned
lsp_allowed(const struct lsp_state *s, int allow_delta)
{
	unsigned a = (1u << FW_LSP_ENC_RAW) | (1u << FW_LSP_ENC_CTX);

	if (s->caps & FW_LSP_CAP_RLE)
		a |= 1u << FW_LSP_ENC_RLE;
	if (s->caps & FW_LSP_CAP_ROWXOR)
		a |= 1u << FW_LSP_ENC_ROWXOR;
	if ((s->caps & FW_LSP_CAP_DELTA) && allow_delta && s->prev_valid)
		a |= 1u << FW_LSP_ENC_DELTA;
	return (a | s->deny) & ~(s->deny & 0xFFu);
}

/* May encoding byte `enc` go to the board? */
static int
lsp_enc_allowed(const struct lsp_state *s, uint8_t enc)
{
	unsigned a = lsp_allowed(s, 1), base = FW_LSP_ENC_BASE(enc);

	return (a & (1u << base)) && !((enc & FW_LSP_ENC_COLUMNS) && (a & PROTO_LSP_NO_COLUMNS(base))) &&
	    !(base == FW_LSP_ENC_CTX && (a & PROTO_LSP_NO_TEMPLATE(FW_LSP_ENC_TEMPLATE(enc))));
}

/* The last codings, for boards that code the same frame against the same
 * picture (issue 20: boards of one size showing one item, or one alert, in
 * step): proto_lsp_compress_hint is a function of the two frames, what the
 * board takes and its hint, so a board whose all four equal an earlier
 * one's gets that coding copied instead of searched again.  One memo per
 * thread, not locked: the daemon's workers (docs/daemon.md) each code their
 * own boards, and one that exits releases its memo (proto_lsp_memo_release).
 * Frames up to LSP_MEMO_MAX bytes; LSP_MEMO entries, least recently used out. */
#define LSP_MEMO     8
#define LSP_MEMO_MAX 65536
struct lsp_memo {
	int      w, h;
	enum ls_format format;
	unsigned allowed;
	int      has_prev;
	struct proto_lsp_hint hin, hout;
	struct proto_lsp_coding how;
	size_t   fbytes, cap;
	uint8_t *buf;             /* cur, prev (fbytes each), then the coded bytes */
	unsigned long used;
};
static _Thread_local struct lsp_memo lsp_memo[LSP_MEMO];
static _Thread_local unsigned long lsp_memo_tick, lsp_memo_hit_count;

static int
lsp_hint_eq(const struct proto_lsp_hint *a, const struct proto_lsp_hint *b)
{
	return a->valid == b->valid && a->dx == b->dx && a->dy == b->dy && a->ctx_floor == b->ctx_floor &&
	    a->ctx_skips == b->ctx_skips;
}

unsigned long
proto_lsp_memo_hits(void)
{
	return lsp_memo_hit_count;
}

void
proto_lsp_memo_release(void)
{
	for (size_t i = 0; i < LSP_MEMO; i++) {
		free(lsp_memo[i].buf);
		memset(&lsp_memo[i], 0, sizeof lsp_memo[i]);
	}
}

/* Code s->cur as the board allows (a delta against what it shows when allow_delta). */
static void
lsp_code(struct lsp_state *s, int allow_delta)
{
	struct proto_image img = { s->width, s->height, s->format, s->stride, s->cur };
	unsigned allowed = lsp_allowed(s, allow_delta);
	const uint8_t *prev = allowed & (1u << FW_LSP_ENC_DELTA) ? s->prev : NULL;
	size_t n = s->fbytes;
	struct lsp_memo *slot = &lsp_memo[0];
	struct proto_lsp_hint hin;

	if (!(allowed & (1u << FW_LSP_ENC_DELTA)))
		s->hint.valid = 0;
	hin = s->hint;
	for (size_t i = 0; n <= LSP_MEMO_MAX && i < LSP_MEMO; i++) {
		struct lsp_memo *m = &lsp_memo[i];

		if (m->buf != NULL && m->fbytes == n && m->w == s->width && m->h == s->height && m->format == s->format &&
		    m->allowed == allowed && m->has_prev == (prev != NULL) && lsp_hint_eq(&m->hin, &hin) &&
		    memcmp(m->buf, s->cur, n) == 0 && (prev == NULL || memcmp(m->buf + n, prev, n) == 0)) {
			memcpy(s->work, m->buf + 2 * n, m->how.bytes);
			s->coded = s->work;
			s->how = m->how;
			s->hint = m->hout;
			m->used = ++lsp_memo_tick;
			lsp_memo_hit_count++;
			return;
		}
		if (m->used < slot->used)
			slot = m;
	}
	proto_lsp_compress_hint(&img, prev, allowed, &s->hint, s->work, &s->coded, &s->how);
	if (n > LSP_MEMO_MAX)
		return;
	if (slot->cap < 2 * n + s->how.bytes) {
		uint8_t *nb = realloc(slot->buf, 2 * n + lsp_rle_cap(n));

		if (nb == NULL)
			return;
		slot->buf = nb;
		slot->cap = 2 * n + lsp_rle_cap(n);
	}
	memcpy(slot->buf, s->cur, n);
	if (prev != NULL)
		memcpy(slot->buf + n, prev, n);
	memcpy(slot->buf + 2 * n, s->coded, s->how.bytes);
	slot->fbytes = n;
	slot->w = s->width;
	slot->h = s->height;
	slot->format = s->format;
	slot->allowed = allowed;
	slot->has_prev = prev != NULL;
	slot->hin = hin;
	slot->hout = s->hint;
	slot->how = s->how;
	slot->used = ++lsp_memo_tick;
}

/* Code s->cur and queue its packets, as a delta against what the board shows when allowed. */
static int
lsp_queue_frame(struct lsp_state *s, int allow_delta)
{
	lsp_code(s, allow_delta);
	s->frame_id++;
	s->st.frames++;
	s->st.frame_bytes_raw += s->fbytes;
	s->st.frame_bytes_coded += s->how.bytes;
	s->st.last = s->how;
	return lsp_queue_coded(s);
}

/* Packet p has had its sends: say what the board did with them. */
static void
lsp_give_up(struct lsp_state *s, const struct lsp_pkt *p)
{
	const char *type = fw_lsp_type_name(p->type);

	if (p->nacked == 0)
		lsp_fail(s, "no answer after %u sends of %s (seq %u)", p->tries, type, p->seq);
	else if (p->nacked >= p->tries)
		lsp_fail(s, "the board refused all %u sends of %s (seq %u), the last with NACK %s (detail %lu)",
		    p->tries, type, p->seq, fw_lsp_error_name(p->last_nack), (unsigned long)p->nack_detail);
	else
		lsp_fail(s, "no acknowledgement after %u sends of %s (seq %u): %u unanswered, %u refused, "
		    "the last with NACK %s", p->tries, type, p->seq, p->tries - p->nacked, p->nacked,
		    fw_lsp_error_name(p->last_nack));
}

/* Packet p goes to the link at `now`: when is it off the line?  On a
 * serial line bytes leave at the baud rate (10 bits a byte, 8N1) after
 * those handed over before them; a network takes them at once. */
static void
lsp_line(struct lsp_state *s, struct lsp_pkt *p, uint64_t now)
{
	p->sent_ms = now;
	p->done_ms = now;
	if (s->baud) {
		uint64_t start = s->line_free > now ? s->line_free : now;

		p->done_ms = start + ((uint64_t)p->len * 10000u + s->baud - 1) / s->baud;
		s->line_free = p->done_ms;
	}
}

/* Copy up to `window` in-flight packets (unsent ones, and due resends) into out. */
static void
lsp_emit(struct lsp_state *s, uint64_t now, int timed, struct proto_batch *out, uint64_t *wake)
{
	size_t inflight = 0;
	int blocked = 0;

	for (size_t i = 0; i < s->npk; i++) {
		struct lsp_pkt *p = &s->pk[i];
		uint64_t rto;
		int send = 0;
		uint8_t *dst;

		if (p->state == PK_ACKED)
			continue;
		if (p->state == PK_SENT) {
			inflight++;
			if (!p->timed && timed) {
				lsp_line(s, p, now);
				p->timed = 1;
			}
			rto = (uint64_t)s->srtt_ms * 2 + 20;
			if (rto < LSP_RTO_MIN_MS) rto = LSP_RTO_MIN_MS;
			/* on a serial line, a quarter of the time the packet held the
			 * line at least: when the line really finished is known no better
			 * than the wake-ups of both ends on a busy machine, and a
			 * needless resend of 1 KiB costs a second at 9600 baud */
			if (s->baud && (p->done_ms - p->sent_ms) / 4 > rto)
				rto = (p->done_ms - p->sent_ms) / 4;
			rto <<= p->tries > 4 ? 3 : p->tries - 1;
			if (rto > LSP_RTO_MAX_MS) rto = LSP_RTO_MAX_MS;
			/* counted from when its last byte left: on a serial line
			 * that is behind every byte sent before it, acknowledged
			 * or not (they held the line all the same) */
			if (p->resend || (p->timed && now >= p->done_ms + rto)) {
				if (p->tries >= LSP_MAX_TRIES) {
					lsp_give_up(s, p);
					return;
				}
				send = 2;      /* a retransmission */
			} else if (p->timed && wake && (*wake == 0 || p->done_ms + rto < *wake)) {
				*wake = p->done_ms + rto;
			}
		} else if (!blocked && inflight < s->window) {
			send = 1;
			inflight++;
		}
		if (p->barrier && p->state != PK_ACKED)
			blocked = 1;
		if (!send)
			continue;
		if ((dst = proto_batch_reserve(out, p->len)) == NULL)
			return;            /* the caller's batch is full: the rest next time */
		if (send == 1 && p->tries == 0) {
			/* A packet's seq is given when it first goes out, so packets
			 * dropped unsent (a frame superseded, cut again for the board's
			 * payload size) leave no gap; a resend keeps it. */
			uint8_t *h = s->qbuf + p->off;

			p->seq = h[5] = s->seq++;
			fw_lsp_put16(h + 8, fw_lsp_crc16(FW_LSP_CRC_INIT, h, 8));
		}
		memcpy(dst, s->qbuf + p->off, p->len);
		proto_batch_commit(out, p->len);
		if (send == 2) {
			p->retried = 1;
			s->st.retransmits++;
		}
		p->state = PK_SENT;
		p->tries++;
		p->sent_serial = ++s->sends;
		p->resend = 0;
		p->timed = (uint8_t)timed;
		if (timed)
			lsp_line(s, p, now);
		s->st.packets++;
		s->st.bytes_out += p->len;
		if (timed && wake) {
			uint64_t due = now + LSP_RTO_MIN_MS;
			if (*wake == 0 || due < *wake)
				*wake = due;
		}
	}
}

/* INFO_REQ, first in the queue: nothing behind it goes before the answer. */
static int
lsp_queue_hello(struct lsp_state *s)
{
	uint8_t p[3] = { FW_LSP_VERSION, FW_LSP_CAP_ALL & 0xFF, (uint8_t)(FW_LSP_CAP_ALL >> 8) };

	return lsp_queue_msg(s, FW_LSP_INFO_REQ, p, sizeof p, 1);
}

/* ---- ops -------------------------------------------------------------- */

static int
lsp_supports(enum ls_format f)
{
	return lsp_format(f) < FW_PIX_COUNT;
}

static size_t
lsp_max_frame_bytes(int width, int height, enum ls_format f)
{
	size_t n = fw_pix_stride(lsp_format(f), (uint32_t)width) * (size_t)height;
	size_t per = FW_LSP_MIN_PAYLOAD - FW_LSP_FRAME_MAXHDR;
	size_t npk = n / per + 1;

	/* the frame, every chunk's overhead, and room for the session and settings messages */
	return n + npk * (FW_LSP_OVERHEAD + FW_LSP_FRAME_MAXHDR) + 16 * (FW_LSP_OVERHEAD + 64);
}

static void
lsp_fini(void *state)
{
	struct lsp_state *s = state;

	if (s == NULL)
		return;
	free(s->cur);
	free(s->prev);
	free(s->work);
	free(s->qbuf);
	free(s->pk);
	free(s);
}

static void *
lsp_init(const struct ls_board *b, char *err, size_t errlen)
{
	struct lsp_state *s;
	const char *addr = b->address ? b->address : "";

	if (!lsp_supports(b->format) || b->width <= 0 || b->height <= 0 ||
	    b->width > 65535 || b->height > 65535) {
		snprintf(err, errlen, "board %s: lsp cannot carry a %dx%d %s board", b->name,
		    b->width, b->height, fw_pix_name(lsp_format(b->format)));
		return NULL;
	}
	if ((s = calloc(1, sizeof *s)) == NULL)
		goto nomem;
	snprintf(s->name, sizeof s->name, "%s", b->name ? b->name : "?");
	s->width = b->width;
	s->height = b->height;
	s->format = b->format;
	s->stride = fw_pix_stride(lsp_format(b->format), (uint32_t)b->width);
	s->fbytes = s->stride * (size_t)b->height;
	s->qcap = 2 * lsp_max_frame_bytes(b->width, b->height, b->format);
	s->pkmax = s->qcap / FW_LSP_OVERHEAD + 1;
	s->cur = calloc(1, s->fbytes);
	s->prev = calloc(1, s->fbytes);
	s->work = malloc(proto_lsp_work_size(s->fbytes));
	s->qbuf = malloc(s->qcap);
	s->pk = calloc(s->pkmax, sizeof *s->pk);
	if (s->cur == NULL || s->prev == NULL || s->work == NULL || s->qbuf == NULL || s->pk == NULL)
		goto nomem;
	proto_batch_init(&s->q, s->qbuf, s->qcap);
	if (strncmp(addr, "tcp:", 4) == 0 || strncmp(addr, "udp:", 4) == 0) {
		s->window = LSP_WINDOW_NET;
	} else {
		s->window = LSP_WINDOW_SERIAL;
		s->baud = b->serial.baud > 0 ? (unsigned)b->serial.baud : 57600u;
	}
	s->srtt_ms = LSP_RTO_INIT_MS / 2;
	s->max_payload = FW_LSP_MIN_PAYLOAD;
	/* Until INFO says otherwise; nothing but INFO_REQ goes out before it. */
	s->caps = FW_LSP_CAP_ALL;
	/* A fresh frame id per run: a board must not take our first frame for
	 * a copy of the last one another run sent (INFO_REQ also resets it). */
	s->frame_id = (uint16_t)((uintptr_t)s >> 4);
	fw_lsp_framer_reset(&s->rx);
	/* The session starts at once: the first poll sends INFO_REQ, so its
	 * round trip overlaps with rendering and coding the first frame. */
	if (lsp_queue_hello(s) < 0)
		goto nomem;
	return s;
nomem:
	snprintf(err, errlen, "board %s: out of memory for the lsp encoder", b->name);
	lsp_fini(s);
	return NULL;
}

/* After a failure, new work tries again: a board that stopped answering may
 * be back, and what is still queued (INFO_REQ, settings) gets its full
 * count of sends again. */
static void
lsp_retry_failed(struct lsp_state *s)
{
	if (s->status == PROTO_TX_FAILED) {
		for (size_t i = 0; i < s->npk; i++)
			if (s->pk[i].state == PK_SENT) {
				s->pk[i].state = PK_UNSENT;
				s->pk[i].tries = s->pk[i].nacked = 0;
				s->pk[i].retried = 0;
			}
	}
	if (s->status == PROTO_TX_FAILED || s->status == PROTO_TX_DONE)
		s->status = PROTO_TX_IDLE;
	s->err[0] = '\0';
}

static int
lsp_encode_frame(void *state, const struct proto_image *img, struct proto_batch *out)
{
	struct lsp_state *s = state;

	if (img->width != s->width || img->height != s->height || img->format != s->format) {
		lsp_fail(s, "frame is %dx%d %s but the board is %dx%d %s", img->width, img->height,
		    fw_pix_name(lsp_format(img->format)), s->width, s->height, fw_pix_name(lsp_format(s->format)));
		return -1;
	}
	for (int y = 0; y < s->height; y++)
		memcpy(s->cur + (size_t)y * s->stride, img->data + (size_t)y * img->stride, s->stride);
	lsp_retry_failed(s);
	/* A newer frame supersedes one still in flight; settings stay queued. */
	lsp_queue_filter(s, lsp_keep_unacked_nonframe);
	if (!s->session && (s->npk == 0 || s->pk[0].type != FW_LSP_INFO_REQ) && lsp_queue_hello(s) < 0)
		return -1;
	if (lsp_queue_frame(s, 1) < 0)
		return -1;
	lsp_emit(s, 0, 0, out, NULL);
	return s->status == PROTO_TX_FAILED ? -1 : 0;
}

static int
lsp_poll(void *state, uint64_t now_ms, struct proto_batch *out, uint64_t *wake_ms)
{
	struct lsp_state *s = state;

	*wake_ms = 0;
	if (s->rtt_pending) {
		uint64_t sample = now_ms > s->rtt_sent ? now_ms - s->rtt_sent : 0;
		s->srtt_ms = (unsigned)((7 * (uint64_t)s->srtt_ms + sample) / 8);
		s->rtt_pending = 0;
	}
	if (s->status == PROTO_TX_DONE) {
		s->status = PROTO_TX_IDLE;
		return PROTO_TX_DONE;
	}
	if (s->status != PROTO_TX_BUSY)
		return s->status;
	lsp_emit(s, now_ms, 1, out, wake_ms);
	if (s->status == PROTO_TX_BUSY && *wake_ms == 0)
		*wake_ms = now_ms + LSP_RTO_MIN_MS;
	return s->status;
}

static const char *
lsp_error(void *state)
{
	struct lsp_state *s = state;

	return s->err[0] ? s->err : NULL;
}

static struct lsp_pkt *
lsp_find(struct lsp_state *s, uint8_t seq)
{
	for (size_t i = 0; i < s->npk; i++)
		if (s->pk[i].seq == seq && s->pk[i].state == PK_SENT)
			return &s->pk[i];
	return NULL;
}

/* A packet was answered: maybe the whole queue is. */
static void
lsp_acked(struct lsp_state *s, struct lsp_pkt *p)
{
	int frame_left = 0, any_left = 0;

	p->state = PK_ACKED;
	if (p->type == FW_LSP_FRAME && !p->slot)
		s->st.frame_bytes_acked += p->len;
	/* Karn: only packets sent once give a round-trip sample; it is taken
	 * at the next poll, the first moment we know the time again. */
	/* (from the end of its transmission: the round trip is the board's
	 * turnaround and answer, not the line time, which lsp_line adds) */
	if (!p->retried && p->timed && (!s->rtt_pending || p->done_ms < s->rtt_sent))
		s->rtt_sent = p->done_ms, s->rtt_pending = 1;
	for (size_t i = 0; i < s->npk; i++) {
		if (s->pk[i].state == PK_ACKED)
			continue;
		any_left = 1;
		if (s->pk[i].type == FW_LSP_FRAME && !s->pk[i].slot)
			frame_left = 1;
	}
	if (s->frame_queued && !frame_left && p->type == FW_LSP_FRAME && !p->slot) {
		/* every chunk is in: the board shows this frame now */
		memcpy(s->prev, s->cur, s->fbytes);
		s->prev_valid = 1;
		s->prev_id = s->frame_id;
		s->frame_queued = 0;
		s->st.frames_acked++;
	}
	if (!any_left) {
		s->npk = 0;
		s->q.used = 0;
		if (s->status == PROTO_TX_BUSY)
			s->status = PROTO_TX_DONE;
	}
}

static const char *
lsp_nack_advice(uint8_t err)
{
	switch (err) {
	case FW_LSP_E_GEOMETRY:
		return "the board's size or pixel format differs from the config — check width, height and format";
	case FW_LSP_E_UNSUPPORTED:
		return "the board does not implement this — update its firmware";
	case FW_LSP_E_NOMEM:
		return "the board's memory is too small for this";
	case FW_LSP_E_RANGE:
		return "a value is out of the board's range";
	default:
		return "this is a bug in ledsign or the board firmware";
	}
}

static void
lsp_on_info(struct lsp_state *s, const uint8_t *p, size_t n, struct lsp_pkt *req)
{
	uint16_t w, h, maxp;
	size_t fl;

	if (n < FW_LSP_INFO_LEN)
		return;
	w = fw_lsp_get16(p + 2);
	h = fw_lsp_get16(p + 4);
	maxp = fw_lsp_get16(p + 6);
	s->st.info_known = 1;
	s->st.board_max_payload = maxp;
	s->st.board_caps = fw_lsp_get16(p + 8);
	fl = p[23] <= FW_LSP_FW_NAME_MAX && FW_LSP_INFO_LEN + p[23] <= n ? p[23] : 0;
	memcpy(s->st.board_fw, p + FW_LSP_INFO_LEN, fl);
	s->st.board_fw[fl] = '\0';
	s->st.board_version = p[0];
	s->st.board_page_slots = p[10];
	s->st.board_page_bytes = fw_lsp_get32(p + 12);
	s->st.board_minor = 0;
	s->st.board_prog_version = 0;
	s->st.board_mode = -1;
	if ((fw_lsp_get16(p + 8) & FW_LSP_CAP_PROGRAMME) && FW_LSP_INFO_LEN + (size_t)fl + FW_LSP_INFO_EXT <= n &&
	    fl == p[23]) {
		/* 1.1: what the board holds and plays */
		const uint8_t *x = p + FW_LSP_INFO_LEN + fl;

		s->st.board_minor = x[0];
		s->st.board_prog_version = fw_lsp_get32(x + 1);
		s->st.board_mode = x[5];
	}
	if (w != s->width || h != s->height || p[1] != lsp_format(s->format)) {
		lsp_fail(s, "the board reports %ux%u %s but the config says %dx%d %s — fix width, height "
		    "and format of board %s", w, h, fw_pix_name(p[1]), s->width, s->height,
		    fw_pix_name(lsp_format(s->format)), s->name);
		return;
	}
	if (p[0] < FW_LSP_VERSION) {
		lsp_fail(s, "board %s speaks LSP version %u, older than any ledsign speaks (%u)", s->name, p[0],
		    FW_LSP_VERSION);
		return;
	}
	/* Answered first: the filters below move the queue's entries, req with them. */
	s->session = 1;
	if (req)
		lsp_acked(s, req);
	/* Only what the board offers, for the rest of the session. */
	s->caps = s->st.board_caps & FW_LSP_CAP_ALL;
	s->st.caps_used = s->caps;
	lsp_queue_filter(s, lsp_keep_offered);
	if (maxp > FW_LSP_MAX_PAYLOAD)
		maxp = FW_LSP_MAX_PAYLOAD;
	{
		int unsent = 1, resize = maxp >= FW_LSP_MIN_PAYLOAD && maxp != s->max_payload;

		if (resize)
			s->max_payload = maxp;   /* bigger chunks when the board takes them */
		for (size_t i = 0; i < s->npk; i++)
			if (s->pk[i].type == FW_LSP_FRAME && s->pk[i].state != PK_UNSENT)
				unsent = 0;
		if (s->frame_queued && unsent && (resize || !lsp_enc_allowed(s, s->how.encoding))) {
			/* Nothing of the frame has gone yet: code it as the board
			 * decodes and cut it in the board's size. */
			s->st.frame_bytes_wire -= s->frame_wire;
			s->st.frame_bytes_coded -= s->how.bytes;
			lsp_queue_filter(s, lsp_keep_unacked_nonframe);
			if (!lsp_enc_allowed(s, s->how.encoding))
				lsp_code(s, 1);
			s->st.frame_bytes_coded += s->how.bytes;
			s->st.last = s->how;
			lsp_queue_coded(s);
		}
	}
	if (s->npk == 0 && s->status == PROTO_TX_BUSY)
		s->status = PROTO_TX_DONE;   /* everything queued was dropped as not offered */
}

static void lsp_note(struct lsp_state *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Keep a line for the caller's log (proto_ops.note); several before it reads them are joined. */
static void
lsp_note(struct lsp_state *s, const char *fmt, ...)
{
	size_t n = strlen(s->note);
	va_list ap;

	if (n > 0 && n + 2 < sizeof s->note) {
		memcpy(s->note + n, "; ", 3);
		n += 2;
	}
	va_start(ap, fmt);
	vsnprintf(s->note + n, sizeof s->note - n, fmt, ap);
	va_end(ap);
}

/* NACK UNSUPPORTED: stop using what the board refused, say so once, carry on. */
static void
lsp_unsupported(struct lsp_state *s, struct lsp_pkt *pk, uint32_t version)
{
	uint16_t cap = lsp_type_cap(pk->type);

	if (pk->type == FW_LSP_FRAME && pk->slot) {
		lsp_fail(s, "the board refused a stored image (NACK unsupported, board version %lu)",
		    (unsigned long)version);
		return;
	}
	if (pk->type == FW_LSP_FRAME) {
		uint8_t enc = s->qbuf[pk->off + FW_LSP_HDR_LEN + 2], base = FW_LSP_ENC_BASE(enc);

		if (base == FW_LSP_ENC_RAW && !(enc & FW_LSP_ENC_COLUMNS)) {
			lsp_fail(s, "the board refused a raw frame (NACK unsupported, board version %lu) — every "
			    "LSP board must take raw frames: update its firmware", (unsigned long)version);
			return;
		}
		if (base == FW_LSP_ENC_CTX)
			s->deny |= PROTO_LSP_NO_TEMPLATE(FW_LSP_ENC_TEMPLATE(enc));
		else if (enc & FW_LSP_ENC_COLUMNS)
			s->deny |= PROTO_LSP_NO_COLUMNS(base);
		else
			s->deny |= 1u << base;
		lsp_note(s, "the board refuses %s frames (NACK unsupported): sending it frames coded otherwise",
		    fw_lsp_encoding_name(enc));
		/* the same picture again, coded without it, under a new id */
		lsp_queue_filter(s, lsp_keep_unacked_nonframe);
		lsp_queue_frame(s, 1);
		return;
	}
	if (cap == 0) {
		lsp_fail(s, "the board refused %s (NACK unsupported, board version %lu) — update its firmware",
		    fw_lsp_type_name(pk->type), (unsigned long)version);
		return;
	}
	s->caps &= (uint16_t)~cap;
	s->st.caps_used = s->caps;
	lsp_note(s, "the board refuses %s although its INFO offers it (NACK unsupported): not sent again",
	    fw_lsp_type_name(pk->type));
	/* answered, if not as hoped: the queue moves on */
	lsp_acked(s, pk);
	lsp_queue_filter(s, lsp_keep_offered);
	if (s->npk == 0 && s->status == PROTO_TX_BUSY)
		s->status = PROTO_TX_DONE;
}

static void
lsp_on_nack(struct lsp_state *s, const uint8_t *p, size_t n, struct lsp_pkt *pk)
{
	uint8_t err;
	uint32_t detail;

	s->st.nacks++;
	if (n < 6 || pk == NULL)
		return;
	err = p[1];
	detail = fw_lsp_get32(p + 2);
	pk->last_nack = err;
	pk->nack_detail = detail;
	pk->nacked++;
	switch (err) {
	case FW_LSP_E_CRC:
		pk->resend = 1;
		break;
	case FW_LSP_E_ORDER:
		/* The board wants the chunk at `detail` first: resend it and this
		 * one.  Every chunk behind a lost one is NACKed for the same gap;
		 * the missing chunk is resent only if it has not gone out again
		 * since this one was sent (once per gap, not once per NACK). */
		pk->resend = 1;
		for (size_t i = 0; i < s->npk; i++)
			if (s->pk[i].type == FW_LSP_FRAME && s->pk[i].frame_id == pk->frame_id &&
			    s->pk[i].chunk_off == detail && &s->pk[i] != pk &&
			    (s->pk[i].state != PK_SENT || s->pk[i].sent_serial < pk->sent_serial)) {
				s->pk[i].resend = 1;
				if (s->pk[i].state == PK_ACKED)
					s->pk[i].state = PK_SENT;
			}
		break;
	case FW_LSP_E_UNSUPPORTED:
		lsp_unsupported(s, pk, detail);
		break;
	case FW_LSP_E_NOBASE:
	case FW_LSP_E_DATA:
		/* The board lost the picture we coded against: send the frame whole. */
		if (pk->type != FW_LSP_FRAME)
			break;
		if (pk->slot) {
			lsp_fail(s, "the board could not store an image: NACK %s", fw_lsp_error_name(err));
			break;
		}
		s->prev_valid = 0;
		lsp_queue_filter(s, lsp_keep_unacked_nonframe);
		if (err == FW_LSP_E_DATA && FW_LSP_ENC_BASE(s->st.last.encoding) == FW_LSP_ENC_RAW) {
			lsp_fail(s, "the board could not decode a raw frame (%s)", lsp_nack_advice(err));
			break;
		}
		lsp_queue_frame(s, 0);
		break;
	default:
		lsp_fail(s, "the board rejected %s: %s (%s)", fw_lsp_type_name(p[0]),
		    fw_lsp_error_name(err), lsp_nack_advice(err));
		break;
	}
}

static enum proto_reply
lsp_input(void *state, const uint8_t *buf, size_t len, size_t *consumed)
{
	struct lsp_state *s = state;
	unsigned long garbage0 = s->rx.garbage + s->rx.bad_header;

	for (size_t i = 0; i < len; i++) {
		enum fw_lsp_rx r = fw_lsp_framer_feed(&s->rx, buf[i]);
		const uint8_t *p = s->rx.payload;
		uint8_t type = fw_lsp_framer_type(&s->rx);
		struct lsp_pkt *pk;

		if (r == FW_LSP_RX_NONE)
			continue;
		*consumed = i + 1;
		s->st.bytes_in += i + 1;
		s->st.garbage += s->rx.garbage + s->rx.bad_header - garbage0;
		if (r != FW_LSP_RX_PACKET || !(fw_lsp_framer_flags(&s->rx) & FW_LSP_F_REPLY))
			return PROTO_REPLY_GARBAGE;
		pk = lsp_find(s, fw_lsp_framer_seq(&s->rx));
		switch (type) {
		case FW_LSP_ACK:
			s->st.acks++;
			if (pk && s->rx.len >= 1 && p[0] == pk->type)
				lsp_acked(s, pk);
			return PROTO_REPLY_ACK;
		case FW_LSP_NACK:
			if (pk && s->rx.len >= 1 && p[0] == pk->type)
				lsp_on_nack(s, p, s->rx.len, pk);
			return PROTO_REPLY_NACK;
		case FW_LSP_INFO:
			lsp_on_info(s, p, s->rx.len, pk && pk->type == FW_LSP_INFO_REQ ? pk : NULL);
			return PROTO_REPLY_INFO;
		default:
			return PROTO_REPLY_GARBAGE;
		}
	}
	*consumed = len;
	s->st.bytes_in += len;
	if (s->rx.garbage + s->rx.bad_header != garbage0) {
		s->st.garbage += s->rx.garbage + s->rx.bad_header - garbage0;
		return PROTO_REPLY_GARBAGE;
	}
	return PROTO_REPLY_NONE;
}

/* A board that does not offer BRIGHTNESS gets none: an empty batch, as for
 * protocols without the message. */
static int
lsp_encode_brightness(void *state, int percent, struct proto_batch *out)
{
	struct lsp_state *s = state;

	if (percent < 0 || proto_lsp_queue_setting(s, FW_LSP_BRIGHTNESS, (unsigned)percent) < 0)
		return -1;
	lsp_emit(s, 0, 0, out, NULL);
	return 0;
}

static int
lsp_encode_power(void *state, int on, struct proto_batch *out)
{
	struct lsp_state *s = state;

	if (proto_lsp_queue_setting(s, FW_LSP_POWER, on ? 1u : 0u) != 0)
		return -1;
	lsp_emit(s, 0, 0, out, NULL);
	return 0;
}

static int
lsp_offers(void *state, int feature)
{
	const struct lsp_state *s = state;
	uint16_t cap = feature == PROTO_FEAT_BRIGHTNESS ? FW_LSP_CAP_BRIGHTNESS :
	    feature == PROTO_FEAT_POWER ? FW_LSP_CAP_POWER : 0;

	if (cap == 0)
		return 0;
	if (!s->session)
		return (s->caps & cap) ? -1 : 0;
	return (s->caps & cap) != 0;
}

static const char *
lsp_note_take(void *state)
{
	struct lsp_state *s = state;

	if (s->note[0] == '\0')
		return NULL;
	/* the caller copies it before the next call; the buffer empties for the next note */
	memcpy(s->note_out, s->note, sizeof s->note_out);
	s->note[0] = '\0';
	return s->note_out;
}

int
proto_lsp_queue_setting(void *state, uint8_t type, unsigned value)
{
	struct lsp_state *s = state;
	uint8_t v = (uint8_t)value;

	if ((type == FW_LSP_BRIGHTNESS && value > 100) || (type == FW_LSP_POWER && value > 1) ||
	    (type != FW_LSP_BRIGHTNESS && type != FW_LSP_POWER))
		return -1;
	if (!(s->caps & lsp_type_cap(type)))
		return 1;
	return lsp_queue_msg(s, type, &v, 1, 0);
}

int
proto_lsp_queue_clock(void *state, int64_t unix_s, int utc_offset_min)
{
	struct lsp_state *s = state;
	uint8_t p[10];

	if (!(s->caps & FW_LSP_CAP_CLOCK))
		return 1;
	fw_lsp_put32(p, (uint32_t)((uint64_t)unix_s & 0xFFFFFFFFu));
	fw_lsp_put32(p + 4, (uint32_t)((uint64_t)unix_s >> 32));
	fw_lsp_put16(p + 8, (uint16_t)(int16_t)utc_offset_min);
	return lsp_queue_msg(s, FW_LSP_CLOCK, p, sizeof p, 0);
}

int
proto_lsp_reserve(void *state, size_t coded, int width, int height)
{
	struct lsp_state *s = state;
	size_t per = FW_LSP_MIN_PAYLOAD - FW_LSP_FRAME_MAXHDR, npk = coded / per + 1;
	size_t need = s->q.used + coded + npk * (FW_LSP_OVERHEAD + FW_LSP_FRAME_MAXHDR) +
	    lsp_max_frame_bytes(width > s->width ? width : s->width, height > s->height ? height : s->height, s->format);
	size_t pkneed = s->npk + npk + need / FW_LSP_OVERHEAD + 1;

	if (need > s->qcap) {
		uint8_t *nb = realloc(s->qbuf, need);
		size_t used = s->q.used, np = s->q.npkts;

		if (nb == NULL)
			return -1;
		s->qbuf = nb;
		s->qcap = need;
		proto_batch_init(&s->q, s->qbuf, s->qcap);
		s->q.used = used;
		s->q.npkts = np;
	}
	if (pkneed > s->pkmax) {
		struct lsp_pkt *np = realloc(s->pk, pkneed * sizeof *np);

		if (np == NULL)
			return -1;
		s->pk = np;
		s->pkmax = pkneed;
	}
	return 0;
}

int
proto_lsp_queue_slot(void *state, const struct proto_image *img, const struct proto_lsp_coding *how,
    const uint8_t *coded, uint8_t slot)
{
	struct lsp_state *s = state;
	uint8_t seq = 0;     /* stamped when each packet is first sent */

	if (!(s->caps & FW_LSP_CAP_PAGE) || slot == FW_LSP_SLOT_LIVE || FW_LSP_ENC_BASE(how->encoding) == FW_LSP_ENC_DELTA)
		return 1;
	if (proto_lsp_reserve(s, how->bytes, img->width, img->height) < 0)
		return -1;
	lsp_queue_open(s);
	/* its own id: the board must not take it for a copy of the live frame before */
	s->frame_id++;
	if (proto_lsp_packetize(img, how, coded, s->frame_id, 0, slot, &seq, s->max_payload, FW_LSP_F_ACKREQ,
	    &s->q) < 0 || lsp_queue_adopt(s, 0, 0) < 0)
		return -1;
	if (s->status != PROTO_TX_FAILED)
		s->status = PROTO_TX_BUSY;
	return 0;
}

size_t
proto_lsp_programme_encode(uint32_t version, uint16_t hold, const struct fw_lsp_prog_entry *e, size_t ne,
    const struct fw_lsp_prog_seg *g, size_t ng, uint8_t *out, size_t cap)
{
	size_t len = FW_LSP_PROG_HEAD + ne * FW_LSP_PROG_ENTRY + ng * FW_LSP_PROG_SEG;

	if (ne > FW_LSP_PROG_ENTRIES || ng > FW_LSP_PROG_SEGS || len > cap)
		return 0;
	fw_lsp_put32(out, version);
	fw_lsp_put16(out + 4, hold);
	out[6] = (uint8_t)ne;
	out[7] = (uint8_t)ng;
	for (size_t i = 0; i < ne; i++) {
		uint8_t *q = out + FW_LSP_PROG_HEAD + i * FW_LSP_PROG_ENTRY;

		q[0] = e[i].slot;
		q[1] = e[i].effect;
		fw_lsp_put16(q + 2, e[i].param);
		fw_lsp_put32(q + 4, e[i].duration_ms);
	}
	for (size_t i = 0; i < ng; i++) {
		uint8_t *q = out + FW_LSP_PROG_HEAD + ne * FW_LSP_PROG_ENTRY + i * FW_LSP_PROG_SEG;

		fw_lsp_put32(q, g[i].start);
		fw_lsp_put32(q + 4, g[i].end);
		fw_lsp_put32(q + 8, g[i].anchor);
		q[12] = g[i].first;
		q[13] = g[i].count;
	}
	return len;
}

int
proto_lsp_queue_msg(void *state, uint8_t type, const uint8_t *payload, size_t len)
{
	struct lsp_state *s = state;
	uint16_t need = lsp_type_cap(type);

	if (type != FW_LSP_PROGRAMME && type != FW_LSP_RESUME && type != FW_LSP_HOLD && type != FW_LSP_PING)
		return -1;
	if (len > s->max_payload)
		return -1;
	if (need && !(s->caps & need))
		return 1;
	if (type == FW_LSP_RESUME)
		s->prev_valid = 0;     /* the board will show its programme: no base for a delta */
	lsp_retry_failed(s);
	return lsp_queue_msg(s, type, payload, len, 0);
}

int
proto_lsp_failed(void *state)
{
	const struct lsp_state *s = state;

	return s->status == PROTO_TX_FAILED;
}

int
proto_lsp_idle(void *state)
{
	const struct lsp_state *s = state;

	return s->session && (s->npk == 0 || s->status == PROTO_TX_FAILED);
}

void
proto_lsp_get_stats(void *state, struct proto_lsp_stats *out)
{
	const struct lsp_state *s = state;

	*out = s->st;
}

static uint64_t
lsp_frames_acked(void *state)
{
	const struct lsp_state *s = state;

	return s->st.frames_acked;
}

const struct proto_ops proto_lsp_ops = {
	.name = "lsp",
	.supports = lsp_supports,
	.init = lsp_init,
	.fini = lsp_fini,
	.encode_frame = lsp_encode_frame,
	.encode_brightness = lsp_encode_brightness,
	.input = lsp_input,
	.max_frame_bytes = lsp_max_frame_bytes,
	.wants_ack = 1,
	.default_port = 7001,
	.poll = lsp_poll,
	.error = lsp_error,
	.encode_power = lsp_encode_power,
	.offers = lsp_offers,
	.note = lsp_note_take,
	.frames_acked = lsp_frames_acked,
};
