/*
 * fw_lsp.h — LSP, the ledsign board protocol: the constants the host and
 * the board share, the CRC, and a portable board-side decoder.
 *
 * docs/protocol.md is the specification; this header is its C form.  The
 * host (src/proto/lsp.c) includes it for the constants and the CRC; a board
 * (a microcontroller, or the ledboard simulator) uses the whole decoder.
 *
 * The decoder is C99, allocation-free and I/O-free: all state lives in one
 * struct fw_lsp_board that the caller places wherever it likes (static RAM
 * on a microcontroller); the framebuffers and page memory are the caller's
 * arrays.  It is fed one byte at a time and answers with event bits.
 *
 * Wire summary (all multi-byte integers little-endian):
 *   packet  = header(10) payload(len) pcrc(2)
 *   header  = 'L' 'S' version type flags seq len(2) hcrc(2)
 *   hcrc    = CRC-16/IBM-3740 over header bytes 0..7
 *   pcrc    = CRC-16/IBM-3740 over the payload (0xFFFF when len is 0)
 */
#ifndef FW_LSP_H
#define FW_LSP_H

#include <stddef.h>
#include <stdint.h>

#include "fw_pixels.h"

/* ---- framing ---------------------------------------------------------- */

#define FW_LSP_SYNC0        0x4Cu   /* 'L' */
#define FW_LSP_SYNC1        0x53u   /* 'S' */
#define FW_LSP_VERSION      1u      /* protocol version this code speaks */
#define FW_LSP_MINOR        1u      /* ... and its revision: 1.1 adds PROGRAMME (FW_LSP_CAP_PROGRAMME) */
#define FW_LSP_HDR_LEN      10u
#define FW_LSP_CRC_LEN      2u
#define FW_LSP_OVERHEAD     (FW_LSP_HDR_LEN + FW_LSP_CRC_LEN)
/* No packet ever carries more payload than this. */
#define FW_LSP_MAX_PAYLOAD  1024u
/* Every board accepts payloads up to this; a host uses it until INFO says more. */
#define FW_LSP_MIN_PAYLOAD  256u

/* Header flags. */
#define FW_LSP_F_ACKREQ     0x01u   /* host wants an ACK or NACK for this packet */
#define FW_LSP_F_REPLY      0x02u   /* board to host */

/* Message types.  Host to board below 0x80, board to host from 0x80. */
enum fw_lsp_type {
	FW_LSP_PING       = 0x01,   /* payload: 0..64 bytes, echoed in the ACK */
	FW_LSP_INFO_REQ   = 0x02,   /* payload: host version(1) host caps(2) */
	FW_LSP_FRAME      = 0x10,   /* a frame or one chunk of it, see FW_LSP_FRAME_HEAD */
	FW_LSP_PAGE       = 0x11,   /* playback of stored frames, see FW_LSP_PAGE_* */
	FW_LSP_BRIGHTNESS = 0x12,   /* payload: percent(1) 0..100 */
	FW_LSP_POWER      = 0x13,   /* payload: on(1) 0 or 1 */
	FW_LSP_CLOCK      = 0x14,   /* payload: unix seconds(8, signed) utc offset minutes(2, signed) */
	FW_LSP_PROGRAMME  = 0x15,   /* 1.1: the day's programme, see FW_LSP_PROG_* */
	FW_LSP_RESUME     = 0x16,   /* 1.1: leave live frames, play the programme now; no payload */
	FW_LSP_HOLD       = 0x17,   /* 1.1: payload hold ms(2): how long live frames outlast the host's silence */
	FW_LSP_ACK        = 0x80,   /* payload: acked type(1) [ping echo] */
	FW_LSP_NACK       = 0x81,   /* payload: acked type(1) error(1) detail(4) */
	FW_LSP_INFO       = 0x82,   /* payload: see FW_LSP_INFO_* */
};

/* NACK error codes. */
enum fw_lsp_error {
	FW_LSP_E_OK          = 0x00,
	FW_LSP_E_CRC         = 0x01,  /* header fine, payload CRC wrong: resend */
	FW_LSP_E_TYPE        = 0x02,  /* unknown message type */
	FW_LSP_E_LENGTH      = 0x03,  /* payload too long for this board, or malformed */
	FW_LSP_E_GEOMETRY    = 0x04,  /* width/height/format do not fit this board */
	FW_LSP_E_ORDER       = 0x05,  /* chunk offset is not the next one; detail = expected offset */
	FW_LSP_E_DATA        = 0x06,  /* compressed data does not decode to the frame size */
	FW_LSP_E_NOBASE      = 0x07,  /* delta against a frame the board does not show; send a full frame */
	FW_LSP_E_UNSUPPORTED = 0x08,  /* encoding, version or feature not implemented; detail = version */
	FW_LSP_E_RANGE       = 0x09,  /* a value out of range (brightness, slot, ...) */
	FW_LSP_E_NOMEM       = 0x0A,  /* does not fit the page memory */
};

/* Capability bits (INFO caps, INFO_REQ host caps). */
#define FW_LSP_CAP_RLE        0x0001u
#define FW_LSP_CAP_ROWXOR     0x0002u
#define FW_LSP_CAP_DELTA      0x0004u
#define FW_LSP_CAP_PAGE       0x0008u
#define FW_LSP_CAP_BRIGHTNESS 0x0010u
#define FW_LSP_CAP_POWER      0x0020u
#define FW_LSP_CAP_CLOCK      0x0040u
#define FW_LSP_CAP_PROGRAMME  0x0080u   /* 1.1: PROGRAMME, RESUME, INFO's programme fields */
#define FW_LSP_CAP_ALL        0x00FFu

/* ---- FRAME ------------------------------------------------------------ */
/* FRAME payload: a 4-byte head, optional fields chosen by `flags` in this
 * order, then the chunk's data:
 *   0  frame id (2)     increments per frame; a chunk of the frame last
 *                       completed is acknowledged and not applied again
 *   2  encoding (1)     FW_LSP_ENC_* | FW_LSP_ENC_COLUMNS | template << 5
 *   3  flags (1)        FW_LSP_FF_*
 *   CHUNKED:   total (3) bytes of the whole encoded stream, offset (3) of
 *              this chunk's data in it; without it the frame is this one
 *              packet: total = the data length, offset 0
 *   SLOT:      slot (1) page slot to store into; without it the frame is
 *              live (shown when complete)
 *   GEOMETRY:  format (1) width (2) height (2); required with SLOT; on a
 *              live frame the board checks them against its own
 *   encoding DELTA:  base id (2) the frame this one is coded against,
 *              dx (1, signed) dy (1, signed): reference(x,y) = base(x+dx, y+dy),
 *              LEDs outside it off
 *   data
 */
#define FW_LSP_FRAME_HEAD   4u
#define FW_LSP_FRAME_MAXHDR (4u + 6u + 1u + 5u + 4u)
#define FW_LSP_FF_CHUNKED   0x01u
#define FW_LSP_FF_SLOT      0x02u
#define FW_LSP_FF_GEOMETRY  0x04u
#define FW_LSP_FF_ALL       0x07u
#define FW_LSP_SLOT_LIVE    0xFFu
#define FW_LSP_MAX_TOTAL    0xFFFFFFu   /* 3-byte total */

enum fw_lsp_encoding {
	FW_LSP_ENC_RAW    = 0,  /* the pixel bytes as they are */
	FW_LSP_ENC_RLE    = 1,  /* RLE of the pixel bytes */
	FW_LSP_ENC_ROWXOR = 2,  /* each row XOR the row above, then RLE */
	FW_LSP_ENC_DELTA  = 3,  /* XOR against the shifted base frame, then RLE */
	FW_LSP_ENC_CTX    = 4,  /* context-modelled binary arithmetic coding (mono, red-green) */
	FW_LSP_ENC_COUNT
};
/* Or-ed into the encoding byte: the decoded bytes fill the frame column by
 * column (every row's byte 0, then every row's byte 1, ...) instead of row
 * by row.  A scroll step's changes are one narrow column, which then codes
 * as one run and one literal instead of a pair per row. */
#define FW_LSP_ENC_COLUMNS 0x10u
#define FW_LSP_ENC_BASE(e) ((e) & 0x0Fu)
/* CTX: bits 5..6 of the encoding byte pick the context template. */
#define FW_LSP_ENC_TEMPLATE(e) (((e) >> 5) & 3u)
#define FW_LSP_CTX_TEMPLATES  3u
#define FW_LSP_CTX_MAX        1024u  /* contexts: 2^10 (template 2, mono), 2^(8+2) (template 1, red-green) */
#define FW_LSP_CTX_SMALL      16u    /* contexts of template 2's fallback: 2^4 */
#define FW_LSP_CTX_PROB_BITS  12u
#define FW_LSP_CTX_TOP        (1ul << 24)
/* RLE control byte c: c < 0x80: c+1 literal bytes follow;
 * c >= 0x80: the next byte repeated (c - 0x80) + FW_LSP_RLE_MINRUN times. */
#define FW_LSP_RLE_MINRUN  3u
#define FW_LSP_RLE_MAXLIT  128u
#define FW_LSP_RLE_MAXRUN  (127u + FW_LSP_RLE_MINRUN)

/* ---- PAGE ------------------------------------------------------------- */
/* PAGE payload: flags(1) count(1), then count entries of 6 bytes:
 *   slot(1) effect(1) duration ms(2) param(2)
 * The board plays the entries in order, looping while FW_LSP_PAGE_LOOP is
 * set, until a live frame or another PAGE arrives.  count 0 stops playback.
 * effect NONE shows the slot; SCROLL_LEFT/UP move a slot image larger than
 * the board across it at param pixels per second, taking the duration;
 * FLASH shows it blinking at param/10 Hz. */
#define FW_LSP_PAGE_LOOP     0x01u
#define FW_LSP_PAGE_ENTRY    6u
#define FW_LSP_PAGE_MAX      16u
#define FW_LSP_FLASH_MAX     1000u   /* FLASH param: at most 100 Hz */
enum fw_lsp_effect {
	FW_LSP_FX_NONE = 0, FW_LSP_FX_SCROLL_LEFT = 1, FW_LSP_FX_SCROLL_UP = 2, FW_LSP_FX_FLASH = 3,
	/* 1.1, PROGRAMME entries only: the image goes round and round, starting
	 * at the board's left (top) edge, a board's width (height) of dark
	 * between the end and the next start */
	FW_LSP_FX_SCROLL_LEFT_LOOP = 4, FW_LSP_FX_SCROLL_UP_LOOP = 5,
};

/* ---- PROGRAMME (1.1) --------------------------------------------------- */
/* PROGRAMME payload: version(4) hold ms(2) nentries(1) nsegments(1), then
 * nentries entries of 8 bytes:   slot(1) effect(1) param(2) duration ms(4)
 * and nsegments segments of 14:  start(4) end(4) anchor(4) first(1) count(1)
 * Times are unix seconds on the board's clock (CLOCK).  During [start, end)
 * the board plays entries first .. first+count-1 in a loop whose position
 * is (now - anchor) modulo the sum of their durations; count 0: dark.  An
 * entry with slot FW_LSP_PROG_HOST is content only the host can make (a
 * clock, a countdown): the board keeps the picture it has.  Version 0
 * clears the programme.  The board plays it whenever no live frame is
 * newer: after RESUME, and after `hold` ms without a packet from the host
 * since the last live frame (0: only after RESUME). */
#define FW_LSP_PROG_HEAD     8u
#define FW_LSP_PROG_ENTRY    8u
#define FW_LSP_PROG_SEG      14u
#define FW_LSP_PROG_ENTRIES  32u
#define FW_LSP_PROG_SEGS     32u
#define FW_LSP_PROG_HOST     0xFFu
/* INFO in 1.1 appends, after the firmware name: minor(1) programme version(4) mode(1) */
#define FW_LSP_INFO_EXT      6u
enum fw_lsp_mode { FW_LSP_MODE_LIVE = 0, FW_LSP_MODE_PROGRAMME = 1, FW_LSP_MODE_PAGE = 2 };

struct fw_lsp_prog_entry {
	uint8_t  slot, effect;
	uint16_t param;
	uint32_t duration_ms;
};
struct fw_lsp_prog_seg {
	uint32_t start, end, anchor;
	uint8_t  first, count;
};

/* What an entry shows t ms into it: image img (iw x ih, the board's format)
 * through a w x h window moved as the effect says, into dst.  The board's
 * playback and a host that checks what a board would show both use it.
 * Returns the ms from t until the picture can next change (0xFFFFFFFF: never). */
uint32_t fw_lsp_entry_render(uint8_t *dst, uint16_t w, uint16_t h, uint8_t format, const uint8_t *img,
    uint16_t iw, uint16_t ih, uint8_t effect, uint16_t param, uint32_t t);

/* ---- INFO ------------------------------------------------------------- */
/* INFO payload (24 + n bytes, 1.1: + FW_LSP_INFO_EXT):
 *   0 version(1) 1 format(1) 2 width(2) 4 height(2) 6 max payload(2)
 *   8 caps(2) 10 page slots(1) 11 brightness(1) 12 page memory bytes(4)
 *  16 frame buffer bytes(4) 20 power(1) 21 reserved(2) 23 n(1) 24 firmware name (n <= 32) */
#define FW_LSP_INFO_LEN    24u
#define FW_LSP_FW_NAME_MAX 32u

/* ---- CRC -------------------------------------------------------------- */
/* CRC-16/IBM-3740 (a.k.a. CRC-16/CCITT-FALSE): poly 0x1021, init 0xFFFF,
 * no reflection, xorout 0; check("123456789") = 0x29B1. */
#define FW_LSP_CRC_INIT   0xFFFFu
#define FW_LSP_CRC_CHECK  0x29B1u
uint16_t fw_lsp_crc16(uint16_t crc, const uint8_t *p, size_t n);
uint16_t fw_lsp_crc16_byte(uint16_t crc, uint8_t b);

/* Little-endian helpers. */
uint16_t fw_lsp_get16(const uint8_t *p);
uint32_t fw_lsp_get32(const uint8_t *p);
void     fw_lsp_put16(uint8_t *p, uint16_t v);
void     fw_lsp_put32(uint8_t *p, uint32_t v);

/* Build one packet into out (cap bytes): the 10-byte header, `len` payload
 * bytes (which may already be at out + FW_LSP_HDR_LEN, then pass payload =
 * NULL), and the payload CRC.  Returns the packet length, 0 if it does not fit. */
size_t fw_lsp_pack(uint8_t *out, size_t cap, uint8_t type, uint8_t flags, uint8_t seq,
    const uint8_t *payload, size_t len);

/* ---- framer: bytes to packets ----------------------------------------- */

#ifndef FW_LSP_RX_PAYLOAD
#define FW_LSP_RX_PAYLOAD FW_LSP_MAX_PAYLOAD   /* a small board may define less */
#endif

enum fw_lsp_rx {
	FW_LSP_RX_NONE = 0,   /* byte consumed */
	FW_LSP_RX_PACKET,     /* a whole packet with good CRCs is in the framer */
	FW_LSP_RX_BADCRC,     /* header good, payload CRC bad: type/seq valid, payload not */
	FW_LSP_RX_TOOLONG,    /* header good, payload longer than FW_LSP_RX_PAYLOAD: skipped */
};

struct fw_lsp_framer {
	uint8_t  hdr[FW_LSP_HDR_LEN];
	uint8_t  payload[FW_LSP_RX_PAYLOAD];
	uint16_t hlen;        /* header bytes held */
	uint16_t len;         /* payload length from the header */
	uint16_t pos;         /* payload (+crc) bytes seen */
	uint16_t crc;         /* running payload CRC */
	uint8_t  crcbuf[2];
	uint8_t  skip;        /* payload too long: count it off without storing */
	/* counters, for diagnostics */
	uint32_t garbage;     /* bytes discarded while hunting for a header */
	uint32_t bad_header;  /* headers whose CRC failed */
	uint32_t bad_payload;
	uint32_t packets;
};

void fw_lsp_framer_reset(struct fw_lsp_framer *);
/* Feed one byte; on FW_LSP_RX_PACKET/BADCRC/TOOLONG the accessors below describe the packet. */
enum fw_lsp_rx fw_lsp_framer_feed(struct fw_lsp_framer *, uint8_t byte);
#define fw_lsp_framer_type(f)  ((f)->hdr[3])
#define fw_lsp_framer_flags(f) ((f)->hdr[4])
#define fw_lsp_framer_seq(f)   ((f)->hdr[5])
#define fw_lsp_framer_ver(f)   ((f)->hdr[2])

/* ---- RLE -------------------------------------------------------------- */
/* A byte-at-a-time RLE expander; the caller places each output byte. */
struct fw_lsp_unrle {
	uint8_t  state;       /* 0 control, 1 literal bytes, 2 run value */
	uint8_t  left;        /* literal bytes still to come, or run length */
};
void fw_lsp_unrle_reset(struct fw_lsp_unrle *);
/* Feed one encoded byte.  Returns how many output bytes it yields (0..130),
 * all equal to *out (a run) or the single byte *out (a literal). */
unsigned fw_lsp_unrle_feed(struct fw_lsp_unrle *, uint8_t in, uint8_t *out);
/* Pure RLE compressor for hosts and tests: returns bytes written, or 0 when
 * it would exceed cap. */
size_t fw_lsp_rle(const uint8_t *in, size_t n, uint8_t *out, size_t cap);

/* ---- CTX coding (shared by encoder and decoder) ------------------------ */
/* A bitmap is the rows' bits, w_bits = width * bits-per-LED of them per row;
 * bit i of row y is bit 7 - (i & 7) of byte y * stride + i / 8.  Each bit is
 * coded with the probability that adaptive counts give its context:
 * already coded neighbours (horizontal neighbours bpp bits apart, so the
 * same colour channel) plus, for 2-bit LEDs, which channel it is and the
 * bit just before it (template 2 is for mono only).
 * Template 0: 6 neighbours; 1: 8; 2: 10, falling back to a 4-neighbour
 * context while the 10-neighbour one has been seen fewer than 2 times.
 * docs/protocol.md lists the neighbours; this is its reference code. */
struct fw_lsp_ctx_model {
	uint8_t big[FW_LSP_CTX_MAX][2];
	uint8_t small[FW_LSP_CTX_SMALL][2];
};
/* Clear the counts (start of a frame). */
void fw_lsp_ctx_reset(struct fw_lsp_ctx_model *);
/* P(bit = 0) in 1/4096 for bit i of row y; *slot gets what fw_lsp_ctx_learn needs. */
unsigned fw_lsp_ctx_predict(const struct fw_lsp_ctx_model *, const uint8_t *buf, uint32_t stride,
    uint32_t w_bits, uint8_t bpp, unsigned tmpl, uint32_t i, uint32_t y, uint32_t *slot);
/* Count the coded bit in the contexts it was predicted from. */
void fw_lsp_ctx_learn(struct fw_lsp_ctx_model *, uint32_t slot, unsigned bit);

/* ---- board ------------------------------------------------------------ */

struct fw_lsp_slot {
	uint8_t *data;        /* into page memory; NULL when empty */
	uint16_t width, height;
	uint32_t bytes;
	uint8_t  ready;       /* completely received */
};

struct fw_lsp_page_entry {
	uint8_t  slot, effect;
	uint16_t duration_ms, param;
};

/* What the caller gives a board.  fb[0] and fb[1] are two framebuffers of
 * fw_pix_stride(format, width) * height bytes; page memory may be NULL. */
struct fw_lsp_board_config {
	uint16_t width, height;
	uint8_t  format;      /* FW_PIX_* */
	uint8_t *fb[2];
	uint8_t *page_mem;
	uint32_t page_bytes;
	uint8_t  page_slots;  /* at most FW_LSP_SLOTS */
	const char *fw_name;  /* up to FW_LSP_FW_NAME_MAX bytes reported in INFO */
	/* FW_LSP_CAP_* bits this board leaves out (0: it offers all this code
	 * implements).  What it leaves out it refuses with NACK UNSUPPORTED,
	 * as a board built without that feature would. */
	uint16_t caps_off;
};

#define FW_LSP_SLOTS 32u

/* Event bits returned by fw_lsp_board_feed and fw_lsp_board_tick. */
#define FW_LSP_EV_PACKET  0x01u  /* a packet was handled: see board->last */
#define FW_LSP_EV_REPLY   0x02u  /* send board->reply[0 .. reply_len) to the host now */
#define FW_LSP_EV_SHOW    0x04u  /* the front buffer holds a new picture */
#define FW_LSP_EV_SETTING 0x08u  /* brightness, power or clock changed */
#define FW_LSP_EV_BAD     0x10u  /* a damaged packet was seen (CRC, length) */

/* A description of the last packet handled, for logs. */
struct fw_lsp_last {
	uint8_t  type, seq, flags;
	uint16_t len;
	uint8_t  error;       /* FW_LSP_E_* sent back (0 = ACK or no reply) */
	uint8_t  duplicate;   /* already applied earlier; acknowledged again */
	uint8_t  completed;   /* FRAME: this chunk completed the frame */
	uint16_t frame_id;
	uint8_t  encoding;
	uint8_t  slot;        /* FRAME: the page slot it stores into, FW_LSP_SLOT_LIVE for a live frame */
	uint32_t offset, chunk, total;
};

struct fw_lsp_board {
	struct fw_lsp_board_config cfg;
	uint32_t fb_bytes;
	struct fw_lsp_framer rx;
	uint8_t  front;           /* index of the shown framebuffer */
	uint16_t front_id;        /* frame id shown; valid when front_valid */
	uint8_t  front_valid;
	/* the frame being received */
	uint8_t  in_active;       /* a frame is being assembled */
	uint8_t  in_done;         /* the frame with in_id was completed */
	uint16_t in_id;
	uint8_t  in_enc, in_slot;
	uint16_t in_base, in_w;   /* DELTA base id and width: later chunks must repeat the head */
	int8_t   in_dx, in_dy;
	uint32_t in_total, in_next; /* encoded bytes expected, next offset */
	uint32_t in_out;            /* decoded bytes written */
	uint32_t in_size;           /* decoded bytes expected */
	uint32_t in_stride;
	uint16_t in_h, in_row;     /* column order: where the next byte goes */
	uint32_t in_col;
	/* CTX decoding: range decoder and adaptive counts */
	uint32_t rc_range, rc_code;
	uint8_t  rc_init;          /* bytes of the 5-byte start still to read */
	uint8_t  in_bpp;
	uint32_t in_wbits;         /* coded bits per row */
	struct fw_lsp_ctx_model ctx;
	uint8_t *in_dst;
	struct fw_lsp_unrle unrle;
	/* page playback */
	struct fw_lsp_slot slots[FW_LSP_SLOTS];
	uint32_t page_used;
	struct fw_lsp_page_entry page[FW_LSP_PAGE_MAX];
	uint8_t  page_count, page_flags, page_pos, page_playing;
	uint32_t page_t0;         /* ms when the current entry started */
	uint32_t now_ms;          /* last time given to fw_lsp_board_tick */
	/* programme (1.1) */
	struct fw_lsp_prog_entry prog[FW_LSP_PROG_ENTRIES];
	struct fw_lsp_prog_seg   seg[FW_LSP_PROG_SEGS];
	uint32_t prog_version;    /* 0 = none */
	uint16_t prog_hold;
	uint8_t  prog_nentries, prog_nsegs;
	uint8_t  live;            /* a live frame is newer than the programme's turn */
	uint8_t  clock_valid;
	uint32_t rx_ms;           /* now_ms of the last good packet from the host */
	uint32_t wake_ms;         /* now_ms by which the picture may change; see fw_lsp_board_wake */
	int32_t  prog_entry;      /* entry shown, -1 none, -2 dark: for logs */
	/* settings */
	uint8_t  brightness, power;
	int64_t  clock_s;         /* unix time at clock_at_ms */
	int16_t  utc_offset_min;
	uint32_t clock_at_ms;
	/* reply to send */
	uint8_t  reply[FW_LSP_HDR_LEN + 6 + FW_LSP_INFO_LEN + FW_LSP_FW_NAME_MAX + 64 + FW_LSP_CRC_LEN];
	uint16_t reply_len;
	struct fw_lsp_last last;
};

/* Prepare a board; 0, or -1 when the config is unusable (zero size, bad format). */
int fw_lsp_board_init(struct fw_lsp_board *, const struct fw_lsp_board_config *);
/* Forget any half-received packet and frame (a new connection); keeps the picture. */
void fw_lsp_board_reset_link(struct fw_lsp_board *);
/* Feed one received byte; returns FW_LSP_EV_* bits. */
unsigned fw_lsp_board_feed(struct fw_lsp_board *, uint8_t byte);
/* Advance page playback to now_ms (a free-running millisecond counter); returns EV bits. */
unsigned fw_lsp_board_tick(struct fw_lsp_board *, uint32_t now_ms);
/* ms from now_ms until the board wants its next tick (a scroll step, an
 * entry's end); 0xFFFFFFFF when nothing is due. */
uint32_t fw_lsp_board_wake(const struct fw_lsp_board *, uint32_t now_ms);
/* The board's clock in unix milliseconds at now_ms; 0 before a CLOCK. */
int64_t fw_lsp_board_clock_ms(const struct fw_lsp_board *, uint32_t now_ms);
/* What plays: FW_LSP_MODE_*. */
uint8_t fw_lsp_board_mode(const struct fw_lsp_board *);
/* The framebuffer currently shown. */
const uint8_t *fw_lsp_board_front(const struct fw_lsp_board *);
/* The FW_LSP_CAP_* bits the board reports in INFO. */
uint16_t fw_lsp_board_caps(const struct fw_lsp_board *);
/* Names for logs. */
const char *fw_lsp_type_name(uint8_t type);
const char *fw_lsp_error_name(uint8_t err);
const char *fw_lsp_encoding_name(uint8_t enc);

#endif
