/*
 * fw_lsp.c — LSP board side: CRC, framer, RLE, and the board state machine.
 *
 * Written for a small microcontroller: C99, no malloc, no I/O, no floating
 * point, every length checked against the fixed buffer it lands in.
 * docs/protocol.md is the specification this implements.
 */
#include <string.h>

#include "fw_lsp.h"

/* ---- CRC-16/IBM-3740 -------------------------------------------------- */

/* Nibble-wide table: 32 bytes of flash instead of 512, two lookups a byte. */
static const uint16_t crc_nibble[16] = {
	0x0000, 0x1021, 0x2042, 0x3063, 0x4084, 0x50A5, 0x60C6, 0x70E7,
	0x8108, 0x9129, 0xA14A, 0xB16B, 0xC18C, 0xD1AD, 0xE1CE, 0xF1EF,
};

uint16_t
fw_lsp_crc16_byte(uint16_t crc, uint8_t b)
{
	crc = (uint16_t)((crc << 4) ^ crc_nibble[((crc >> 12) ^ (b >> 4)) & 0x0F]);
	crc = (uint16_t)((crc << 4) ^ crc_nibble[((crc >> 12) ^ (b & 0x0F)) & 0x0F]);
	return crc;
}

uint16_t
fw_lsp_crc16(uint16_t crc, const uint8_t *p, size_t n)
{
	while (n--)
		crc = fw_lsp_crc16_byte(crc, *p++);
	return crc;
}

uint16_t
fw_lsp_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

uint32_t
fw_lsp_get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void
fw_lsp_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

void
fw_lsp_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

size_t
fw_lsp_pack(uint8_t *out, size_t cap, uint8_t type, uint8_t flags, uint8_t seq,
    const uint8_t *payload, size_t len)
{
	if (len > FW_LSP_MAX_PAYLOAD || cap < FW_LSP_OVERHEAD || len > cap - FW_LSP_OVERHEAD)
		return 0;
	if (payload != NULL)
		memmove(out + FW_LSP_HDR_LEN, payload, len);
	out[0] = FW_LSP_SYNC0;
	out[1] = FW_LSP_SYNC1;
	out[2] = FW_LSP_VERSION;
	out[3] = type;
	out[4] = flags;
	out[5] = seq;
	fw_lsp_put16(out + 6, (uint16_t)len);
	fw_lsp_put16(out + 8, fw_lsp_crc16(FW_LSP_CRC_INIT, out, 8));
	fw_lsp_put16(out + FW_LSP_HDR_LEN + len, fw_lsp_crc16(FW_LSP_CRC_INIT, out + FW_LSP_HDR_LEN, len));
	return len + FW_LSP_OVERHEAD;
}

/* ---- framer ----------------------------------------------------------- */

void
fw_lsp_framer_reset(struct fw_lsp_framer *f)
{
	f->hlen = 0;
	f->len = 0;
	f->pos = 0;
	f->skip = 0;
}

/* After a header with a bad CRC, the real header may start inside it: keep
 * the bytes from the next 'L' that could still begin "LS". */
static void
framer_resync(struct fw_lsp_framer *f)
{
	uint16_t i;

	for (i = 1; i < f->hlen; i++) {
		if (f->hdr[i] != FW_LSP_SYNC0)
			continue;
		if (i + 1 == f->hlen || f->hdr[i + 1] == FW_LSP_SYNC1)
			break;
	}
	f->garbage += i;
	memmove(f->hdr, f->hdr + i, (size_t)(f->hlen - i));
	f->hlen = (uint16_t)(f->hlen - i);
}

enum fw_lsp_rx
fw_lsp_framer_feed(struct fw_lsp_framer *f, uint8_t b)
{
	if (f->hlen < FW_LSP_HDR_LEN) {
		if (f->hlen == 0 && b != FW_LSP_SYNC0) {
			f->garbage++;
			return FW_LSP_RX_NONE;
		}
		if (f->hlen == 1 && b != FW_LSP_SYNC1) {
			f->garbage++;
			f->hlen = (b == FW_LSP_SYNC0);
			return FW_LSP_RX_NONE;
		}
		f->hdr[f->hlen++] = b;
		if (f->hlen < FW_LSP_HDR_LEN)
			return FW_LSP_RX_NONE;
		if (fw_lsp_crc16(FW_LSP_CRC_INIT, f->hdr, 8) != fw_lsp_get16(f->hdr + 8)) {
			f->bad_header++;
			framer_resync(f);
			return FW_LSP_RX_NONE;
		}
		f->len = fw_lsp_get16(f->hdr + 6);
		f->pos = 0;
		f->crc = FW_LSP_CRC_INIT;
		f->skip = f->len > FW_LSP_RX_PAYLOAD;
		return FW_LSP_RX_NONE;
	}
	if (f->pos < f->len) {
		if (!f->skip)
			f->payload[f->pos] = b;
		f->crc = fw_lsp_crc16_byte(f->crc, b);
		f->pos++;
		return FW_LSP_RX_NONE;
	}
	f->crcbuf[f->pos - f->len] = b;
	f->pos++;
	if (f->pos < f->len + FW_LSP_CRC_LEN)
		return FW_LSP_RX_NONE;
	f->hlen = 0;
	if (f->skip) {
		f->bad_payload++;
		return FW_LSP_RX_TOOLONG;
	}
	if (fw_lsp_get16(f->crcbuf) != f->crc) {
		f->bad_payload++;
		return FW_LSP_RX_BADCRC;
	}
	f->packets++;
	return FW_LSP_RX_PACKET;
}

/* ---- RLE -------------------------------------------------------------- */

void
fw_lsp_unrle_reset(struct fw_lsp_unrle *u)
{
	u->state = 0;
	u->left = 0;
}

unsigned
fw_lsp_unrle_feed(struct fw_lsp_unrle *u, uint8_t in, uint8_t *out)
{
	unsigned n;

	switch (u->state) {
	case 0:
		if (in < 0x80) {
			u->state = 1;
			u->left = (uint8_t)(in + 1);
		} else {
			u->state = 2;
			u->left = (uint8_t)(in - 0x80);
		}
		return 0;
	case 1:
		*out = in;
		if (--u->left == 0)
			u->state = 0;
		return 1;
	default:
		*out = in;
		n = u->left + FW_LSP_RLE_MINRUN;
		u->state = 0;
		return n;
	}
}

size_t
fw_lsp_rle(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	size_t i = 0, o = 0, lit = 0;   /* lit: start of a pending literal */

	while (i < n) {
		size_t r = 1;

		while (i + r < n && in[i + r] == in[i] && r < FW_LSP_RLE_MAXRUN)
			r++;
		if (r < FW_LSP_RLE_MINRUN && i - lit + r <= FW_LSP_RLE_MAXLIT) {
			i += r;
			if (i - lit < FW_LSP_RLE_MAXLIT && i < n)
				continue;
		}
		/* flush the literal [lit, i) */
		while (lit < i) {
			size_t k = i - lit > FW_LSP_RLE_MAXLIT ? FW_LSP_RLE_MAXLIT : i - lit;
			if (o + 1 + k > cap)
				return 0;
			out[o++] = (uint8_t)(k - 1);
			memcpy(out + o, in + lit, k);
			o += k;
			lit += k;
		}
		if (r >= FW_LSP_RLE_MINRUN && i < n) {
			if (o + 2 > cap)
				return 0;
			out[o++] = (uint8_t)(0x80 + r - FW_LSP_RLE_MINRUN);
			out[o++] = in[i];
			i += r;
			lit = i;
		}
	}
	return o;
}

/* ---- CTX -------------------------------------------------------------- */

/* Neighbours (dx in LEDs, dy in rows), most significant context bit first. */
static const int8_t ctx_nb[10][2] = {
	{ -1, 0 }, { -2, 0 }, { -1, -1 }, { 0, -1 }, { 1, -1 }, { 0, -2 }, { -2, -1 }, { 2, -1 },
	{ -3, 0 }, { -1, -2 },
};
static const int8_t ctx_small_nb[4][2] = { { -1, 0 }, { 0, -1 }, { -1, -1 }, { 1, -1 } };
static const uint8_t ctx_len[FW_LSP_CTX_TEMPLATES] = { 6, 8, 10 };

static unsigned
ctx_bits(const int8_t (*nb)[2], unsigned n, const uint8_t *buf, uint32_t stride, uint32_t w_bits,
    uint8_t bpp, uint32_t i, uint32_t y)
{
	unsigned ctx = 0;

	for (unsigned k = 0; k < n; k++) {
		int64_t xi = (int64_t)i + (int64_t)nb[k][0] * bpp;
		int64_t yy = (int64_t)y + nb[k][1];
		unsigned bit = 0;

		if (xi >= 0 && xi < (int64_t)w_bits && yy >= 0)
			bit = (buf[(size_t)yy * stride + (size_t)(xi >> 3)] >> (7 - (xi & 7))) & 1u;
		ctx = ctx << 1 | bit;
	}
	if (bpp == 2) {
		/* which channel, and the bit just before: for green the red of the
		 * same LED, which for amber, yellow and white text is the same */
		ctx |= (i & 1u) << n;
		if (i > 0)
			ctx |= (unsigned)((buf[(size_t)y * stride + ((i - 1) >> 3)] >> (7 - ((i - 1) & 7))) & 1u) << (n + 1);
	}
	return ctx;
}

static unsigned
ctx_p0(const uint8_t n[2])
{
	/* Krichevsky-Trofimov: (n0 + 1/2) / (n0 + n1 + 1) */
	uint32_t p = ((2u * n[0] + 1u) << FW_LSP_CTX_PROB_BITS) / (2u * (n[0] + n[1]) + 2u);

	return p < 1 ? 1 : p > 4095 ? 4095 : p;
}

static void
ctx_count(uint8_t n[2], unsigned bit)
{
	if (n[0] + n[1] >= 255) {      /* halve before either overflows */
		n[0] = (uint8_t)((n[0] + 1) / 2);
		n[1] = (uint8_t)((n[1] + 1) / 2);
	}
	n[bit]++;
}

void
fw_lsp_ctx_reset(struct fw_lsp_ctx_model *m)
{
	memset(m, 0, sizeof *m);
}

unsigned
fw_lsp_ctx_predict(const struct fw_lsp_ctx_model *m, const uint8_t *buf, uint32_t stride,
    uint32_t w_bits, uint8_t bpp, unsigned tmpl, uint32_t i, uint32_t y, uint32_t *slot)
{
	unsigned big = ctx_bits(ctx_nb, ctx_len[tmpl], buf, stride, w_bits, bpp, i, y), small = 0;

	if (tmpl == 2)
		small = ctx_bits(ctx_small_nb, 4, buf, stride, w_bits, bpp, i, y);
	*slot = (uint32_t)big << 8 | small;
	if (tmpl == 2 && m->big[big][0] + m->big[big][1] < 2)
		return ctx_p0(m->small[small]);
	return ctx_p0(m->big[big]);
}

void
fw_lsp_ctx_learn(struct fw_lsp_ctx_model *m, uint32_t slot, unsigned bit)
{
	ctx_count(m->big[slot >> 8], bit);
	ctx_count(m->small[slot & 0xFFu], bit);
}

/* ---- board ------------------------------------------------------------ */

const char *
fw_lsp_type_name(uint8_t type)
{
	switch (type) {
	case FW_LSP_PING:       return "PING";
	case FW_LSP_INFO_REQ:   return "INFO_REQ";
	case FW_LSP_FRAME:      return "FRAME";
	case FW_LSP_PAGE:       return "PAGE";
	case FW_LSP_BRIGHTNESS: return "BRIGHTNESS";
	case FW_LSP_POWER:      return "POWER";
	case FW_LSP_CLOCK:      return "CLOCK";
	case FW_LSP_PROGRAMME:  return "PROGRAMME";
	case FW_LSP_RESUME:     return "RESUME";
	case FW_LSP_HOLD:       return "HOLD";
	case FW_LSP_ACK:        return "ACK";
	case FW_LSP_NACK:       return "NACK";
	case FW_LSP_INFO:       return "INFO";
	default:                return "UNKNOWN";
	}
}

const char *
fw_lsp_error_name(uint8_t err)
{
	static const char *const names[] = {
		"ok", "crc", "type", "length", "geometry", "order", "data",
		"nobase", "unsupported", "range", "nomem",
	};

	return err < sizeof names / sizeof names[0] ? names[err] : "unknown";
}

const char *
fw_lsp_encoding_name(uint8_t enc)
{
	static const char *const names[2][FW_LSP_ENC_COUNT] = {
		{ "raw", "rle", "rowxor", "delta", "ctx" },
		{ "raw/col", "rle/col", "rowxor/col", "delta/col", "ctx" },
	};
	static const char *const ctx_names[FW_LSP_CTX_TEMPLATES] = { "ctx6", "ctx8", "ctx10" };

	if (FW_LSP_ENC_BASE(enc) == FW_LSP_ENC_CTX)
		return FW_LSP_ENC_TEMPLATE(enc) < FW_LSP_CTX_TEMPLATES ? ctx_names[FW_LSP_ENC_TEMPLATE(enc)] : "unknown";
	if (FW_LSP_ENC_BASE(enc) >= FW_LSP_ENC_COUNT || (enc & ~(FW_LSP_ENC_COLUMNS | 0x0Fu)))
		return "unknown";
	return names[(enc & FW_LSP_ENC_COLUMNS) != 0][FW_LSP_ENC_BASE(enc)];
}

int
fw_lsp_board_init(struct fw_lsp_board *b, const struct fw_lsp_board_config *cfg)
{
	memset(b, 0, sizeof *b);
	if (cfg->width == 0 || cfg->height == 0 || cfg->format >= FW_PIX_COUNT ||
	    cfg->fb[0] == NULL || cfg->fb[1] == NULL || cfg->page_slots > FW_LSP_SLOTS)
		return -1;
	b->cfg = *cfg;
	if (b->cfg.page_mem == NULL) {
		b->cfg.page_bytes = 0;
		b->cfg.page_slots = 0;
	}
	b->fb_bytes = fw_pix_stride(cfg->format, cfg->width) * cfg->height;
	memset(cfg->fb[0], 0, b->fb_bytes);
	memset(cfg->fb[1], 0, b->fb_bytes);
	b->brightness = 100;
	b->power = 1;
	b->prog_entry = -1;
	fw_lsp_framer_reset(&b->rx);
	return 0;
}

void
fw_lsp_board_reset_link(struct fw_lsp_board *b)
{
	fw_lsp_framer_reset(&b->rx);
	b->in_active = 0;
	b->in_done = 0;
}

const uint8_t *
fw_lsp_board_front(const struct fw_lsp_board *b)
{
	return b->cfg.fb[b->front];
}

static unsigned
reply(struct fw_lsp_board *b, uint8_t type, const uint8_t *payload, size_t len)
{
	b->reply_len = (uint16_t)fw_lsp_pack(b->reply, sizeof b->reply, type, FW_LSP_F_REPLY,
	    fw_lsp_framer_seq(&b->rx), payload, len);
	return b->reply_len ? FW_LSP_EV_REPLY : 0;
}

/* Acknowledge the packet in the framer, if its sender asked. */
static unsigned
ack(struct fw_lsp_board *b)
{
	uint8_t t = fw_lsp_framer_type(&b->rx);

	if (!(fw_lsp_framer_flags(&b->rx) & FW_LSP_F_ACKREQ))
		return 0;
	return reply(b, FW_LSP_ACK, &t, 1);
}

static unsigned
nack(struct fw_lsp_board *b, uint8_t err, uint32_t detail)
{
	uint8_t p[6];

	b->last.error = err;
	if (!(fw_lsp_framer_flags(&b->rx) & FW_LSP_F_ACKREQ))
		return 0;
	p[0] = fw_lsp_framer_type(&b->rx);
	p[1] = err;
	fw_lsp_put32(p + 2, detail);
	return reply(b, FW_LSP_NACK, p, sizeof p);
}

uint16_t
fw_lsp_board_caps(const struct fw_lsp_board *b)
{
	uint16_t caps = FW_LSP_CAP_ALL;

	if (b->cfg.page_slots == 0)
		caps &= (uint16_t)~(FW_LSP_CAP_PAGE | FW_LSP_CAP_PROGRAMME);
	return (uint16_t)(caps & ~b->cfg.caps_off);
}

/* Does the board offer capability `cap`? */
static int
has_cap(const struct fw_lsp_board *b, uint16_t cap)
{
	return (fw_lsp_board_caps(b) & cap) != 0;
}

static unsigned
handle_info_req(struct fw_lsp_board *b)
{
	uint8_t p[FW_LSP_INFO_LEN + FW_LSP_FW_NAME_MAX + FW_LSP_INFO_EXT];
	size_t n = 0;
	uint16_t caps = fw_lsp_board_caps(b);
	/* A new host session: frame ids start again, so forget the last one. */
	b->in_active = 0;
	b->in_done = 0;
	memset(p, 0, sizeof p);
	p[0] = FW_LSP_VERSION;
	p[1] = b->cfg.format;
	fw_lsp_put16(p + 2, b->cfg.width);
	fw_lsp_put16(p + 4, b->cfg.height);
	fw_lsp_put16(p + 6, FW_LSP_RX_PAYLOAD);
	fw_lsp_put16(p + 8, caps);
	p[10] = b->cfg.page_slots;
	p[11] = b->brightness;
	fw_lsp_put32(p + 12, b->cfg.page_bytes);
	fw_lsp_put32(p + 16, b->fb_bytes);
	p[20] = b->power;
	if (b->cfg.fw_name != NULL)
		while (n < FW_LSP_FW_NAME_MAX && b->cfg.fw_name[n] != '\0')
			n++;
	p[23] = (uint8_t)n;
	if (n > 0)   /* fw_name may be NULL: memcpy must not see it even for 0 bytes */
		memcpy(p + FW_LSP_INFO_LEN, b->cfg.fw_name, n);
	n += FW_LSP_INFO_LEN;
	if (caps & FW_LSP_CAP_PROGRAMME) {
		/* 1.1 appends: a host of 1.0 reads the name by its length and stops */
		p[n] = FW_LSP_MINOR;
		fw_lsp_put32(p + n + 1, b->prog_version);
		p[n + 5] = fw_lsp_board_mode(b);
		n += FW_LSP_INFO_EXT;
	}
	return reply(b, FW_LSP_INFO, p, n);
}

/* Place one decoded byte of the incoming frame.  -1 when it overflows. */
static int
frame_emit(struct fw_lsp_board *b, uint8_t v, unsigned count)
{
	uint8_t *d = b->in_dst;
	uint8_t base = FW_LSP_ENC_BASE(b->in_enc);
	int columns = (b->in_enc & FW_LSP_ENC_COLUMNS) != 0;

	if (count > b->in_size - b->in_out)
		return -1;
	while (count--) {
		uint32_t i, above;   /* where the byte goes; is there a row above it */

		if (columns) {
			i = b->in_row * b->in_stride + b->in_col;
			above = b->in_row > 0;
			if (++b->in_row == b->in_h) {
				b->in_row = 0;
				b->in_col++;
			}
		} else {
			i = b->in_out;
			above = i >= b->in_stride;
		}
		b->in_out++;
		switch (base) {
		case FW_LSP_ENC_ROWXOR:
			d[i] = above ? (uint8_t)(v ^ d[i - b->in_stride]) : v;
			break;
		case FW_LSP_ENC_DELTA:
			d[i] ^= v;   /* d already holds the shifted base frame */
			break;
		default:
			d[i] = v;
			break;
		}
	}
	return 0;
}

/* Feed one byte of a CTX stream: decode every bit it makes decidable. */
static int
ctx_feed(struct fw_lsp_board *b, uint8_t v)
{
	uint8_t *d = b->in_dst;
	unsigned tmpl = FW_LSP_ENC_TEMPLATE(b->in_enc);

	if (b->rc_init > 0) {
		b->rc_code = b->rc_code << 8 | v;
		if (--b->rc_init > 0)
			return 0;
	} else {
		if (b->in_out >= b->in_size)
			return 0;          /* the encoder's flush bytes: nothing left to decode */
		b->rc_code = b->rc_code << 8 | v;
		b->rc_range <<= 8;
	}
	/* Normalisation is done before each bit, so a bit waits for its byte. */
	while (b->in_out < b->in_size && b->rc_range >= FW_LSP_CTX_TOP) {
		uint32_t y = b->in_out / b->in_wbits, i = b->in_out % b->in_wbits;
		uint32_t slot;
		uint32_t bound = (b->rc_range >> FW_LSP_CTX_PROB_BITS) *
		    fw_lsp_ctx_predict(&b->ctx, d, b->in_stride, b->in_wbits, b->in_bpp, tmpl, i, y, &slot);
		unsigned bit;
		uint8_t *byte = d + (size_t)y * b->in_stride + (i >> 3);

		if (b->rc_code < bound) {
			b->rc_range = bound;
			bit = 0;
		} else {
			b->rc_code -= bound;
			b->rc_range -= bound;
			bit = 1;
		}
		fw_lsp_ctx_learn(&b->ctx, slot, bit);
		if (bit)
			*byte |= (uint8_t)(0x80u >> (i & 7));
		b->in_out++;
	}
	return 0;
}

/* Claim page memory for slot s (w x h); 0 or an error code. */
static uint8_t
slot_claim(struct fw_lsp_board *b, uint8_t s, uint32_t bytes, uint16_t w, uint16_t h)
{
	struct fw_lsp_slot *sl = &b->slots[s];

	if (s == 0) {          /* storing slot 0 starts a new page: free them all */
		memset(b->slots, 0, sizeof b->slots);
		b->page_used = 0;
		b->page_playing = 0;
		b->prog_version = 0;   /* and the programme that showed them */
	}
	/* A programme that shows this slot ends (the picture stays). */
	for (unsigned i = 0; b->prog_version != 0 && i < b->prog_nentries; i++)
		if (b->prog[i].slot == s)
			b->prog_version = 0;
	/* Rewriting a slot the page plays stops playback (the picture stays):
	 * it must not show a half-written image. */
	for (unsigned i = 0; b->page_playing && i < b->page_count; i++)
		if (b->page[i].slot == s)
			b->page_playing = 0;
	if (sl->data == NULL || sl->bytes != bytes) {
		if (bytes > b->cfg.page_bytes - b->page_used)
			return FW_LSP_E_NOMEM;
		sl->data = b->cfg.page_mem + b->page_used;
		b->page_used += bytes;
	}
	sl->bytes = bytes;
	sl->width = w;
	sl->height = h;
	sl->ready = 0;
	return FW_LSP_E_OK;
}

/* Can the board decode encoding byte `enc` into format `fmt`?  COLUMNS only
 * with RLE, ROWXOR and DELTA; template bits only with CTX; bit 7 never. */
static int
enc_supported(const struct fw_lsp_board *b, uint8_t enc, uint8_t fmt)
{
	static const uint16_t need[FW_LSP_ENC_COUNT] = {
		0, FW_LSP_CAP_RLE, FW_LSP_CAP_ROWXOR, FW_LSP_CAP_DELTA, 0,
	};
	uint8_t base = FW_LSP_ENC_BASE(enc);

	if (base >= FW_LSP_ENC_COUNT || (enc & 0x80u) || (need[base] && !has_cap(b, need[base])))
		return 0;
	if (base == FW_LSP_ENC_CTX)
		return !(enc & FW_LSP_ENC_COLUMNS) && FW_LSP_ENC_TEMPLATE(enc) < FW_LSP_CTX_TEMPLATES &&
		    fw_pix_bits(fmt) <= 2 && !(fw_pix_bits(fmt) == 2 && FW_LSP_ENC_TEMPLATE(enc) == 2);
	if (FW_LSP_ENC_TEMPLATE(enc) != 0)
		return 0;
	return base != FW_LSP_ENC_RAW || !(enc & FW_LSP_ENC_COLUMNS);
}

static unsigned
handle_frame(struct fw_lsp_board *b, const uint8_t *p, uint16_t n)
{
	uint16_t id, base = 0, w, h;
	uint8_t enc, flags, fmt, slot = FW_LSP_SLOT_LIVE, err;
	int8_t dx = 0, dy = 0;
	uint32_t total = 0, off = 0, dn, stride, size, pos = FW_LSP_FRAME_HEAD;
	unsigned ev = 0;

	if (n < FW_LSP_FRAME_HEAD)
		return nack(b, FW_LSP_E_LENGTH, 0);
	id = fw_lsp_get16(p);
	enc = p[2];
	flags = p[3];
	fmt = b->cfg.format;
	w = b->cfg.width;
	h = b->cfg.height;
	if (flags & ~FW_LSP_FF_ALL)
		return nack(b, FW_LSP_E_UNSUPPORTED, FW_LSP_VERSION);
	if (flags & FW_LSP_FF_CHUNKED) {
		if (n < pos + 6)
			return nack(b, FW_LSP_E_LENGTH, 0);
		total = p[pos] | (uint32_t)p[pos + 1] << 8 | (uint32_t)p[pos + 2] << 16;
		off = p[pos + 3] | (uint32_t)p[pos + 4] << 8 | (uint32_t)p[pos + 5] << 16;
		pos += 6;
	}
	if (flags & FW_LSP_FF_SLOT) {
		if (n < pos + 1 || !(flags & FW_LSP_FF_GEOMETRY))
			return nack(b, FW_LSP_E_LENGTH, 0);
		slot = p[pos++];
	}
	if (flags & FW_LSP_FF_GEOMETRY) {
		if (n < pos + 5)
			return nack(b, FW_LSP_E_LENGTH, 0);
		fmt = p[pos];
		w = fw_lsp_get16(p + pos + 1);
		h = fw_lsp_get16(p + pos + 3);
		pos += 5;
	}
	if (FW_LSP_ENC_BASE(enc) == FW_LSP_ENC_DELTA) {
		if (n < pos + 4)
			return nack(b, FW_LSP_E_LENGTH, 0);
		base = fw_lsp_get16(p + pos);
		dx = (int8_t)p[pos + 2];
		dy = (int8_t)p[pos + 3];
		pos += 4;
	}
	dn = (uint32_t)n - pos;
	if (!(flags & FW_LSP_FF_CHUNKED))
		total = dn;
	p += pos;          /* from here on p is the chunk's data */
	b->last.frame_id = id;
	b->last.encoding = enc;
	b->last.slot = slot;
	b->last.offset = off;
	b->last.chunk = dn;
	b->last.total = total;

	if (!enc_supported(b, enc, fmt) || (slot != FW_LSP_SLOT_LIVE && !has_cap(b, FW_LSP_CAP_PAGE)))
		return nack(b, FW_LSP_E_UNSUPPORTED, FW_LSP_VERSION);
	/* GEOMETRY's detail is the board's own size: width | height << 16 */
	if (fmt != b->cfg.format || w == 0 || h == 0 ||
	    (slot == FW_LSP_SLOT_LIVE && (w != b->cfg.width || h != b->cfg.height)))
		return nack(b, FW_LSP_E_GEOMETRY, b->cfg.width | (uint32_t)b->cfg.height << 16);
	if (slot != FW_LSP_SLOT_LIVE && slot >= b->cfg.page_slots)
		return nack(b, FW_LSP_E_RANGE, b->cfg.page_slots);
	if (off > total || dn > total - off)
		return nack(b, FW_LSP_E_LENGTH, 0);

	/* Retransmissions of what was already applied are acknowledged, not re-applied. */
	if (b->in_done && id == b->in_id) {
		b->last.duplicate = 1;
		return ack(b);
	}
	if (off == 0 && !(b->in_active && id == b->in_id && b->in_next > 0)) {
		stride = fw_pix_stride(fmt, w);
		size = stride * h;
		if (h != 0 && size / h != stride)
			return nack(b, FW_LSP_E_GEOMETRY, 0);
		b->in_active = 0;
		b->in_done = 0;
		if (slot == FW_LSP_SLOT_LIVE) {
			b->in_dst = b->cfg.fb[b->front ^ 1];
		} else {
			if (FW_LSP_ENC_BASE(enc) == FW_LSP_ENC_DELTA)
				return nack(b, FW_LSP_E_UNSUPPORTED, FW_LSP_VERSION);
			if ((err = slot_claim(b, slot, size, w, h)) != FW_LSP_E_OK)
				return nack(b, err, b->cfg.page_bytes);
			b->in_dst = b->slots[slot].data;
		}
		if (FW_LSP_ENC_BASE(enc) == FW_LSP_ENC_DELTA) {
			if (!b->front_valid || base != b->front_id)
				return nack(b, FW_LSP_E_NOBASE, b->front_valid ? b->front_id : 0xFFFFFFFFu);
			fw_pix_window(b->in_dst, w, h, b->cfg.fb[b->front], w, h, fmt, dx, dy);
		}
		b->in_active = 1;
		b->in_id = id;
		b->in_enc = enc;
		b->in_slot = slot;
		b->in_base = base;
		b->in_dx = dx;
		b->in_dy = dy;
		b->in_w = w;
		b->in_total = total;
		b->in_next = 0;
		b->in_out = 0;
		b->in_size = size;
		b->in_stride = stride;
		b->in_h = h;
		b->in_row = 0;
		b->in_col = 0;
		fw_lsp_unrle_reset(&b->unrle);
		if (FW_LSP_ENC_BASE(enc) == FW_LSP_ENC_CTX) {
			/* bits, not bytes, are counted; padding bits stay 0 */
			b->in_bpp = (uint8_t)fw_pix_bits(fmt);
			b->in_wbits = (uint32_t)w * b->in_bpp;
			b->in_size = b->in_wbits * h;
			b->rc_range = 0xFFFFFFFFu;
			b->rc_code = 0;
			b->rc_init = 5;
			fw_lsp_ctx_reset(&b->ctx);
			memset(b->in_dst, 0, size);
		}
	} else if (!b->in_active || id != b->in_id) {
		return nack(b, FW_LSP_E_ORDER, 0);
	} else if (enc != b->in_enc || total != b->in_total || slot != b->in_slot || base != b->in_base ||
	    dx != b->in_dx || dy != b->in_dy || w != b->in_w || h != b->in_h) {
		/* Not the frame begun under this id: start again from offset 0. */
		b->in_active = 0;
		return nack(b, FW_LSP_E_ORDER, 0);
	} else if (off + dn <= b->in_next) {
		b->last.duplicate = 1;
		return ack(b);
	} else if (off != b->in_next) {
		return nack(b, FW_LSP_E_ORDER, b->in_next);
	}

	for (uint32_t i = 0; i < dn; i++) {
		uint8_t v = p[i];
		unsigned cnt = 1;

		if (FW_LSP_ENC_BASE(b->in_enc) == FW_LSP_ENC_CTX) {
			ctx_feed(b, v);
			continue;
		}
		if (b->in_enc != FW_LSP_ENC_RAW)
			cnt = fw_lsp_unrle_feed(&b->unrle, v, &v);
		if (cnt && frame_emit(b, v, cnt) < 0) {
			b->in_active = 0;
			return nack(b, FW_LSP_E_DATA, b->in_out);
		}
	}
	b->in_next += dn;
	if (b->in_next < b->in_total)
		return ack(b);
	b->in_active = 0;
	if (b->in_out != b->in_size || b->unrle.state != 0 ||
	    (FW_LSP_ENC_BASE(b->in_enc) == FW_LSP_ENC_CTX && b->rc_init != 0))
		return nack(b, FW_LSP_E_DATA, b->in_out);
	b->in_done = 1;
	b->last.completed = 1;
	if (b->in_slot == FW_LSP_SLOT_LIVE) {
		b->front ^= 1;
		b->front_id = b->in_id;
		b->front_valid = 1;
		b->page_playing = 0;   /* a live frame takes over from page playback */
		b->live = 1;           /* ... and from the programme, until RESUME or the hold */
		ev |= FW_LSP_EV_SHOW;
	} else {
		b->slots[b->in_slot].ready = 1;
	}
	return ev | ack(b);
}

uint32_t
fw_lsp_entry_render(uint8_t *dst, uint16_t w, uint16_t h, uint8_t format, const uint8_t *img,
    uint16_t iw, uint16_t ih, uint8_t effect, uint16_t param, uint32_t t)
{
	int32_t ox = 0, oy = 0;
	uint32_t moved = param ? (uint32_t)(((uint64_t)t * param) / 1000u) : 0, next = 0xFFFFFFFFu;

	switch (effect) {
	case FW_LSP_FX_SCROLL_LEFT:
		ox = (int32_t)moved - (int32_t)w;
		break;
	case FW_LSP_FX_SCROLL_UP:
		oy = (int32_t)moved - (int32_t)h;
		break;
	case FW_LSP_FX_SCROLL_LEFT_LOOP:
		ox = (int32_t)((moved + w) % ((uint32_t)w + iw)) - (int32_t)w;
		break;
	case FW_LSP_FX_SCROLL_UP_LOOP:
		oy = (int32_t)((moved + h) % ((uint32_t)h + ih)) - (int32_t)h;
		break;
	default:
		break;
	}
	if (effect != FW_LSP_FX_NONE && effect != FW_LSP_FX_FLASH && param > 0)
		/* the next LED of movement */
		next = (uint32_t)((((uint64_t)moved + 1u) * 1000u + param - 1u) / param) - t;
	/* FLASH: a period of floor(10000 / param) ms, dark from floor(period / 2) on */
	if (effect == FW_LSP_FX_FLASH && param > 0 && param <= FW_LSP_FLASH_MAX) {
		uint32_t period = 10000u / param, at = t % period;

		next = at < period / 2 ? period / 2 - at : period - at;
		if (at >= period / 2) {
			memset(dst, 0, fw_pix_stride(format, w) * h);
			return next;
		}
	}
	fw_pix_window(dst, w, h, img, iw, ih, format, ox, oy);
	return next;
}

/* Put the back buffer up when it differs from what shows. */
static unsigned
show_back(struct fw_lsp_board *b)
{
	if (memcmp(b->cfg.fb[b->front ^ 1], b->cfg.fb[b->front], b->fb_bytes) == 0)
		return 0;
	b->front ^= 1;
	b->front_valid = 0;     /* a page or programme picture is no base for deltas */
	return FW_LSP_EV_SHOW;
}

static unsigned prog_tick(struct fw_lsp_board *, uint32_t now_ms);

/* Draw the current page entry at time t (ms into it) into the back buffer and show it. */
static unsigned
page_render(struct fw_lsp_board *b, uint32_t t)
{
	const struct fw_lsp_page_entry *e = &b->page[b->page_pos];
	const struct fw_lsp_slot *s = &b->slots[e->slot];

	fw_lsp_entry_render(b->cfg.fb[b->front ^ 1], b->cfg.width, b->cfg.height, b->cfg.format, s->data,
	    s->width, s->height, e->effect, e->param, t);
	return show_back(b);
}

int64_t
fw_lsp_board_clock_ms(const struct fw_lsp_board *b, uint32_t now_ms)
{
	if (!b->clock_valid)
		return 0;
	return b->clock_s * 1000 + (int64_t)(uint32_t)(now_ms - b->clock_at_ms);
}

uint8_t
fw_lsp_board_mode(const struct fw_lsp_board *b)
{
	if (b->page_playing)
		return FW_LSP_MODE_PAGE;
	return b->prog_version != 0 && !b->live ? FW_LSP_MODE_PROGRAMME : FW_LSP_MODE_LIVE;
}

uint32_t
fw_lsp_board_wake(const struct fw_lsp_board *b, uint32_t now_ms)
{
	uint32_t d = b->wake_ms - now_ms;

	if (fw_lsp_board_mode(b) != FW_LSP_MODE_PROGRAMME || !b->clock_valid)
		return b->page_playing ? 20u : 0xFFFFFFFFu;
	return d > 0x7FFFFFFFu ? 0 : d;   /* (already due) */
}

/* Show what the programme plays now: the segment in force, the entry at
 * its loop position, the effect at its time into the entry. */
static unsigned
prog_render(struct fw_lsp_board *b)
{
	int64_t now = fw_lsp_board_clock_ms(b, b->now_ms), pos, cycle = 0, until;
	const struct fw_lsp_prog_seg *g = NULL;
	uint8_t *dst = b->cfg.fb[b->front ^ 1];
	uint32_t next;
	uint8_t i;

	b->wake_ms = b->now_ms + 1000u;   /* nothing in force: look again in a second */
	for (i = 0; i < b->prog_nsegs; i++)
		if (now >= (int64_t)b->seg[i].start * 1000 && now < (int64_t)b->seg[i].end * 1000) {
			g = &b->seg[i];
			break;
		}
	if (g == NULL)
		return 0;              /* no segment: the picture stays */
	until = (int64_t)g->end * 1000 - now;
	if (g->count == 0) {
		b->prog_entry = -2;
		memset(dst, 0, b->fb_bytes);
		b->wake_ms = b->now_ms + (uint32_t)(until < 1000 ? until : 1000);
		return show_back(b);
	}
	for (i = 0; i < g->count; i++)
		cycle += b->prog[g->first + i].duration_ms;
	pos = (now - (int64_t)g->anchor * 1000) % cycle;
	if (pos < 0)
		pos += cycle;
	for (i = 0; i + 1 < g->count && pos >= (int64_t)b->prog[g->first + i].duration_ms; i++)
		pos -= b->prog[g->first + i].duration_ms;
	{
		const struct fw_lsp_prog_entry *e = &b->prog[g->first + i];
		int64_t left = (int64_t)e->duration_ms - pos;

		if (left < until)
			until = left;
		b->prog_entry = g->first + i;
		if (e->slot == FW_LSP_PROG_HOST) {
			/* the host's own content: what shows stays */
			b->wake_ms = b->now_ms + (uint32_t)(until < 1000 ? until : 1000);
			return 0;
		}
		next = fw_lsp_entry_render(dst, b->cfg.width, b->cfg.height, b->cfg.format, b->slots[e->slot].data,
		    b->slots[e->slot].width, b->slots[e->slot].height, e->effect, e->param, (uint32_t)pos);
		if ((int64_t)next > until)
			next = (uint32_t)until;
		if (next > 1000u)
			next = 1000u;
		b->wake_ms = b->now_ms + (next ? next : 1u);
	}
	return show_back(b);
}

/* PROGRAMME: every field checked before anything is applied. */
static unsigned
handle_programme(struct fw_lsp_board *b, const uint8_t *p, uint16_t n)
{
	uint8_t ne, ns, i;
	uint32_t version;

	if (n < FW_LSP_PROG_HEAD)
		return nack(b, FW_LSP_E_LENGTH, 0);
	ne = p[6];
	ns = p[7];
	if (n != FW_LSP_PROG_HEAD + (uint32_t)ne * FW_LSP_PROG_ENTRY + (uint32_t)ns * FW_LSP_PROG_SEG)
		return nack(b, FW_LSP_E_LENGTH, 0);
	if (ne > FW_LSP_PROG_ENTRIES)
		return nack(b, FW_LSP_E_RANGE, FW_LSP_PROG_ENTRIES);
	if (ns > FW_LSP_PROG_SEGS)
		return nack(b, FW_LSP_E_RANGE, FW_LSP_PROG_SEGS);
	version = fw_lsp_get32(p);
	for (i = 0; i < ne; i++) {
		const uint8_t *e = p + FW_LSP_PROG_HEAD + (uint32_t)i * FW_LSP_PROG_ENTRY;
		uint16_t param = fw_lsp_get16(e + 2);

		if ((e[0] != FW_LSP_PROG_HOST && (e[0] >= b->cfg.page_slots || !b->slots[e[0]].ready)) ||
		    e[1] > FW_LSP_FX_SCROLL_UP_LOOP || (e[1] != FW_LSP_FX_NONE && param == 0) ||
		    (e[1] == FW_LSP_FX_FLASH && param > FW_LSP_FLASH_MAX) || fw_lsp_get32(e + 4) == 0)
			return nack(b, FW_LSP_E_RANGE, i);
	}
	for (i = 0; i < ns; i++) {
		const uint8_t *g = p + FW_LSP_PROG_HEAD + (uint32_t)ne * FW_LSP_PROG_ENTRY + (uint32_t)i * FW_LSP_PROG_SEG;

		if (fw_lsp_get32(g + 4) <= fw_lsp_get32(g) || (uint32_t)g[12] + g[13] > ne)
			return nack(b, FW_LSP_E_RANGE, (uint32_t)ne + i);
	}
	for (i = 0; i < ne; i++) {
		const uint8_t *e = p + FW_LSP_PROG_HEAD + (uint32_t)i * FW_LSP_PROG_ENTRY;

		b->prog[i].slot = e[0];
		b->prog[i].effect = e[1];
		b->prog[i].param = fw_lsp_get16(e + 2);
		b->prog[i].duration_ms = fw_lsp_get32(e + 4);
	}
	for (i = 0; i < ns; i++) {
		const uint8_t *g = p + FW_LSP_PROG_HEAD + (uint32_t)ne * FW_LSP_PROG_ENTRY + (uint32_t)i * FW_LSP_PROG_SEG;

		b->seg[i].start = fw_lsp_get32(g);
		b->seg[i].end = fw_lsp_get32(g + 4);
		b->seg[i].anchor = fw_lsp_get32(g + 8);
		b->seg[i].first = g[12];
		b->seg[i].count = g[13];
	}
	b->prog_version = version;
	b->prog_hold = fw_lsp_get16(p + 4);
	b->prog_nentries = ne;
	b->prog_nsegs = ns;
	b->wake_ms = b->now_ms;
	return (fw_lsp_board_mode(b) == FW_LSP_MODE_PROGRAMME && b->clock_valid ? prog_render(b) : 0) | ack(b);
}

static unsigned
handle_page(struct fw_lsp_board *b, const uint8_t *p, uint16_t n)
{
	uint8_t count;

	if (n < 2 || n != 2u + (uint16_t)p[1] * FW_LSP_PAGE_ENTRY)
		return nack(b, FW_LSP_E_LENGTH, 0);
	count = p[1];
	if (count > FW_LSP_PAGE_MAX)
		return nack(b, FW_LSP_E_RANGE, FW_LSP_PAGE_MAX);
	for (uint8_t i = 0; i < count; i++) {
		const uint8_t *e = p + 2 + i * FW_LSP_PAGE_ENTRY;

		uint16_t param = fw_lsp_get16(e + 4);

		/* SCROLL_* need a speed, FLASH a rate of 0.1..100 Hz (a period of 100 s..10 ms) */
		if (e[0] >= b->cfg.page_slots || !b->slots[e[0]].ready || e[1] > FW_LSP_FX_FLASH ||
		    (e[1] != FW_LSP_FX_NONE && param == 0) || (e[1] == FW_LSP_FX_FLASH && param > FW_LSP_FLASH_MAX))
			return nack(b, FW_LSP_E_RANGE, i);
	}
	b->page_flags = p[0];
	b->page_count = count;
	for (uint8_t i = 0; i < count; i++) {
		const uint8_t *e = p + 2 + i * FW_LSP_PAGE_ENTRY;

		b->page[i].slot = e[0];
		b->page[i].effect = e[1];
		b->page[i].duration_ms = fw_lsp_get16(e + 2);
		b->page[i].param = fw_lsp_get16(e + 4);
	}
	b->page_pos = 0;
	b->page_playing = count > 0;
	b->page_t0 = b->now_ms;
	return (b->page_playing ? page_render(b, 0) : 0) | ack(b);
}

unsigned
fw_lsp_board_tick(struct fw_lsp_board *b, uint32_t now_ms)
{
	unsigned ev = 0;
	uint32_t t;

	b->now_ms = now_ms;
	if (!b->page_playing)
		return prog_tick(b, now_ms);
	t = now_ms - b->page_t0;
	/* Skip over entries that are over; a long stall must not spin forever. */
	for (unsigned guard = 0; t >= b->page[b->page_pos].duration_ms && guard < 256; guard++) {
		if (b->page_pos + 1 >= b->page_count && !(b->page_flags & FW_LSP_PAGE_LOOP)) {
			b->page_playing = 0;   /* the last picture stays up */
			return ev;
		}
		b->page_t0 += b->page[b->page_pos].duration_ms;
		t -= b->page[b->page_pos].duration_ms;
		b->page_pos = (uint8_t)((b->page_pos + 1) % b->page_count);
	}
	if (t >= b->page[b->page_pos].duration_ms) {    /* guard hit: resynchronise */
		b->page_t0 = now_ms;
		t = 0;
	}
	return ev | page_render(b, t);
}

/* The programme: back to it when the host has been silent for the hold,
 * then the picture it plays now (only when it can change). */
static unsigned
prog_tick(struct fw_lsp_board *b, uint32_t now_ms)
{
	if (b->prog_version == 0 || !b->clock_valid || b->page_playing)
		return 0;
	if (b->live) {
		if (b->prog_hold == 0 || (uint32_t)(now_ms - b->rx_ms) < b->prog_hold)
			return 0;
		b->live = 0;           /* the host went quiet: the board plays on by itself */
		b->wake_ms = now_ms;
	}
	if ((int32_t)(now_ms - b->wake_ms) < 0)
		return 0;
	return prog_render(b);
}

static unsigned
handle_packet(struct fw_lsp_board *b)
{
	const uint8_t *p = b->rx.payload;
	uint16_t n = b->rx.len;
	uint8_t type = fw_lsp_framer_type(&b->rx);
	uint8_t e;

	if (fw_lsp_framer_flags(&b->rx) & FW_LSP_F_REPLY)
		return 0;      /* another board's answer on a shared line */
	b->rx_ms = b->now_ms;  /* the host is there: the programme's hold counts from here */
	/* INFO_REQ is answered in any version: it is how a host learns ours. */
	if (fw_lsp_framer_ver(&b->rx) != FW_LSP_VERSION && type != FW_LSP_INFO_REQ)
		return nack(b, FW_LSP_E_UNSUPPORTED, FW_LSP_VERSION);
	switch (type) {
	case FW_LSP_PING:
		if (n > 64)
			return nack(b, FW_LSP_E_LENGTH, 64);
		{
			uint8_t echo[1 + 64];
			echo[0] = type;
			memcpy(echo + 1, p, n);
			return reply(b, FW_LSP_ACK, echo, 1u + n);
		}
	case FW_LSP_INFO_REQ:
		return handle_info_req(b);
	case FW_LSP_FRAME:
		return handle_frame(b, p, n);
	case FW_LSP_PAGE:
		if (!has_cap(b, FW_LSP_CAP_PAGE))
			return nack(b, FW_LSP_E_UNSUPPORTED, FW_LSP_VERSION);
		return handle_page(b, p, n);
	case FW_LSP_BRIGHTNESS:
		if (!has_cap(b, FW_LSP_CAP_BRIGHTNESS))
			return nack(b, FW_LSP_E_UNSUPPORTED, FW_LSP_VERSION);
		if (n != 1)
			return nack(b, FW_LSP_E_LENGTH, 1);
		if (p[0] > 100)
			return nack(b, FW_LSP_E_RANGE, 100);
		b->brightness = p[0];
		return FW_LSP_EV_SETTING | ack(b);
	case FW_LSP_POWER:
		if (!has_cap(b, FW_LSP_CAP_POWER))
			return nack(b, FW_LSP_E_UNSUPPORTED, FW_LSP_VERSION);
		if (n != 1)
			return nack(b, FW_LSP_E_LENGTH, 1);
		if (p[0] > 1)
			return nack(b, FW_LSP_E_RANGE, 1);
		b->power = p[0];
		return FW_LSP_EV_SETTING | ack(b);
	case FW_LSP_CLOCK:
		if (!has_cap(b, FW_LSP_CAP_CLOCK))
			return nack(b, FW_LSP_E_UNSUPPORTED, FW_LSP_VERSION);
		if (n != 10)
			return nack(b, FW_LSP_E_LENGTH, 10);
		b->clock_s = (int64_t)((uint64_t)fw_lsp_get32(p) | (uint64_t)fw_lsp_get32(p + 4) << 32);
		b->utc_offset_min = (int16_t)fw_lsp_get16(p + 8);
		b->clock_at_ms = b->now_ms;
		/* a programme plays on a clock from 1970 to year 36812: beyond, the
		 * arithmetic in ms would not fit 64 bits */
		b->clock_valid = b->clock_s >= 0 && b->clock_s < ((int64_t)1 << 40);
		b->wake_ms = b->now_ms;   /* the programme's place may have moved */
		return FW_LSP_EV_SETTING | ack(b);
	case FW_LSP_PROGRAMME:
		if (!has_cap(b, FW_LSP_CAP_PROGRAMME))
			return nack(b, FW_LSP_E_UNSUPPORTED, FW_LSP_VERSION);
		return handle_programme(b, p, n);
	case FW_LSP_RESUME:
		if (!has_cap(b, FW_LSP_CAP_PROGRAMME))
			return nack(b, FW_LSP_E_UNSUPPORTED, FW_LSP_VERSION);
		if (n != 0)
			return nack(b, FW_LSP_E_LENGTH, 0);
		b->live = 0;
		b->page_playing = 0;
		b->wake_ms = b->now_ms;
		/* at once: no dark moment between the live picture and the programme's */
		return (b->prog_version != 0 && b->clock_valid ? prog_render(b) : 0) | ack(b);
	case FW_LSP_HOLD:
		if (!has_cap(b, FW_LSP_CAP_PROGRAMME))
			return nack(b, FW_LSP_E_UNSUPPORTED, FW_LSP_VERSION);
		if (n != 2)
			return nack(b, FW_LSP_E_LENGTH, 2);
		/* 0: what is live stays until RESUME (an alert outlasts the host) */
		b->prog_hold = fw_lsp_get16(p);
		return FW_LSP_EV_SETTING | ack(b);
	default:
		e = FW_LSP_E_TYPE;
		return nack(b, e, type);
	}
}

unsigned
fw_lsp_board_feed(struct fw_lsp_board *b, uint8_t byte)
{
	enum fw_lsp_rx r = fw_lsp_framer_feed(&b->rx, byte);

	if (r == FW_LSP_RX_NONE)
		return 0;
	memset(&b->last, 0, sizeof b->last);
	b->last.type = fw_lsp_framer_type(&b->rx);
	b->last.seq = fw_lsp_framer_seq(&b->rx);
	b->last.flags = fw_lsp_framer_flags(&b->rx);
	b->last.len = b->rx.len;
	b->reply_len = 0;
	switch (r) {
	case FW_LSP_RX_BADCRC:
		return FW_LSP_EV_PACKET | FW_LSP_EV_BAD | nack(b, FW_LSP_E_CRC, 0);
	case FW_LSP_RX_TOOLONG:
		return FW_LSP_EV_PACKET | FW_LSP_EV_BAD | nack(b, FW_LSP_E_LENGTH, FW_LSP_RX_PAYLOAD);
	default:
		return FW_LSP_EV_PACKET | handle_packet(b);
	}
}
