/*
 * proto/lsp.h — host side of LSP, our own board protocol (docs/protocol.md).
 *
 * proto_lsp_ops (proto.h) is what the rest of ledsign uses.  The pure
 * pieces it is built from are exported here for tests, benchmarks and
 * tools: compression, packetising, and the page and setting messages.
 * Nothing here does I/O, reads a clock or allocates except _init.
 */
#ifndef LEDSIGN_PROTO_LSP_H
#define LEDSIGN_PROTO_LSP_H

#include <stddef.h>
#include <stdint.h>

#include "fw_lsp.h"
#include "proto/proto.h"

extern const struct proto_ops proto_lsp_ops;

/* How one frame was coded. */
struct proto_lsp_coding {
	uint8_t encoding;     /* FW_LSP_ENC_* */
	int8_t  dx, dy;       /* DELTA shift */
	size_t  bytes;        /* encoded length */
};

/* Bits of proto_lsp_compress's `allowed` beside 1 << FW_LSP_ENC_*: variants
 * a board refused (NACK UNSUPPORTED) while it takes the rest of the encoding. */
#define PROTO_LSP_NO_COLUMNS(enc)   (1u << (8 + (enc)))    /* enc, but only in row order */
#define PROTO_LSP_NO_TEMPLATE(t)    (1u << (16 + (t)))     /* CTX, but not template t */

/* Bytes of work space proto_lsp_compress needs for a frame of n bytes. */
size_t proto_lsp_work_size(size_t n);
/* Code img as compactly as LSP allows: RAW, RLE, ROWXOR, or (when prev,
 * the frame the board shows, is given) DELTA against prev shifted by up
 * to 16 LEDs in x or y.  The encoded stream is left at *out (inside work).
 * `allowed` is a mask of 1 << FW_LSP_ENC_*, with PROTO_LSP_NO_* bits for
 * variants to leave out.  Returns 0. */
int proto_lsp_compress(const struct proto_image *img, const uint8_t *prev, unsigned allowed,
    uint8_t *work, const uint8_t **out, struct proto_lsp_coding *how);

/* What one board's last frames taught the encoder; zeroed, it knows nothing.
 * The caller keeps one per board and hands it to every frame. */
struct proto_lsp_hint {
	int    valid;         /* the last frame went as a DELTA with this shift */
	int8_t dx, dy;
	size_t ctx_floor;     /* CTX needed at least this many bytes when last tried; 0 unknown */
	unsigned ctx_skips;   /* frames since, whose CTX coding was skipped */
};
/* CTX is tried again after this many frames skipped on a hint. */
#define PROTO_LSP_CTX_RECHECK 30
/* proto_lsp_compress with a board's hint (read and updated): the last
 * shift and its neighbours are tried first, and a shift as good as a scroll
 * step's is taken without trying the others; CTX is not tried while the
 * best coding so far is no larger than what CTX needed last time.  The
 * frame coded may differ from proto_lsp_compress's by a few bytes, never in
 * what the board shows. */
int proto_lsp_compress_hint(const struct proto_image *img, const uint8_t *prev, unsigned allowed,
    struct proto_lsp_hint *hint, uint8_t *work, const uint8_t **out, struct proto_lsp_coding *how);

/* How many frames proto_lsp_ops coded, on this thread, by copying the
 * coding of another board's identical frame against an identical picture
 * (lsp.c; the memo is per thread). */
unsigned long proto_lsp_memo_hits(void);
/* Free this thread's memo: a thread that coded LSP frames calls it before it ends. */
void proto_lsp_memo_release(void);

/* Split an encoded frame into FRAME packets of at most max_payload bytes of
 * payload, numbered from *seq (advanced).  0, or -1 when the batch is full. */
int proto_lsp_packetize(const struct proto_image *img, const struct proto_lsp_coding *how,
    const uint8_t *data, uint16_t frame_id, uint16_t base_id, uint8_t slot, uint8_t *seq,
    size_t max_payload, uint8_t flags, struct proto_batch *out);

/* One page entry to send with proto_lsp_encode_page. */
struct proto_lsp_page_entry {
	uint8_t  slot, effect;    /* FW_LSP_FX_* */
	uint16_t duration_ms, param;
};
/* A PAGE message (one packet): the slots must already hold frames. */
int proto_lsp_encode_page(uint8_t seq, int loop, const struct proto_lsp_page_entry *, size_t n,
    struct proto_batch *out);

/* Counters of one board's link, for status lines and benchmarks. */
struct proto_lsp_stats {
	unsigned long packets, retransmits, bytes_out, bytes_in, acks, nacks, garbage;
	unsigned long frames, frame_bytes_raw, frame_bytes_coded;
	unsigned long frame_bytes_wire;  /* FRAME packets as first sent, headers and CRCs included */
	unsigned long frame_bytes_acked; /* FRAME packets the board acknowledged, counted once each */
	unsigned long frames_acked;      /* whole frames the board acknowledged (every chunk in): shown */
	struct proto_lsp_coding last;   /* how the last frame was coded */
	int      info_known;            /* the board answered INFO_REQ */
	uint16_t board_max_payload, board_caps;
	uint16_t caps_used;             /* what the host uses: board_caps less what the board refused */
	uint8_t  board_version;
	char     board_fw[FW_LSP_FW_NAME_MAX + 1];
	uint8_t  board_page_slots;      /* from INFO */
	uint32_t board_page_bytes;
	uint8_t  board_minor;           /* 1.1 boards (PROGRAMME): 1, else 0 */
	uint32_t board_prog_version;    /* the programme the board said it holds; 0 = none */
	int      board_mode;            /* FW_LSP_MODE_* it said it plays; -1 = not said */
};
void proto_lsp_get_stats(void *state, struct proto_lsp_stats *);

/* Queue a setting (BRIGHTNESS 0..100, POWER 0/1) for reliable delivery
 * behind the current frame; poll sends it.  0; 1 when the board does not
 * offer it (nothing queued; a setting queued before the board's INFO is
 * dropped then); -1 when out of range. */
int proto_lsp_queue_setting(void *state, uint8_t type, unsigned value);
/* Queue CLOCK: unix seconds and the board's UTC offset in minutes; 0, or 1 when the board does not offer it. */
int proto_lsp_queue_clock(void *state, int64_t unix_s, int utc_offset_min);

/* Make room in the send queue for a stored image of `coded` bytes (width x
 * height, maybe larger than the board): the queue is sized for the board's
 * own frames at init.  0, or -1 when out of memory. */
int proto_lsp_reserve(void *state, size_t coded, int width, int height);
/* Queue an image coded by proto_lsp_compress (no DELTA) for page slot
 * `slot` (FRAME + SLOT + GEOMETRY), delivered like frames; a newer live
 * frame does not replace it.  0; 1 when the board has no page slots; -1
 * when out of memory. */
int proto_lsp_queue_slot(void *state, const struct proto_image *, const struct proto_lsp_coding *,
    const uint8_t *coded, uint8_t slot);
/* The PROGRAMME payload (docs/protocol.md §10.1) into out: its length, or 0
 * when it does not fit cap or the limits.  Pure. */
size_t proto_lsp_programme_encode(uint32_t version, uint16_t hold, const struct fw_lsp_prog_entry *,
    size_t nentries, const struct fw_lsp_prog_seg *, size_t nsegs, uint8_t *out, size_t cap);
/* Queue PROGRAMME, RESUME, HOLD or PING with this payload for reliable delivery.
 * 0; 1 when the board does not offer it; -1 for another type, a payload
 * over the board's limit, or a full queue. */
int proto_lsp_queue_msg(void *state, uint8_t type, const uint8_t *payload, size_t len);
/* 1 when the last delivery failed (see proto_ops.error) and nothing new was queued since. */
int proto_lsp_failed(void *state);
/* 1 when the session has begun and nothing waits for an answer (or what waited failed). */
int proto_lsp_idle(void *state);

#endif
