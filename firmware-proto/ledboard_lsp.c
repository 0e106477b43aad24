/*
 * ledboard_lsp.c — the LSP decoder (fw_lsp.c) behind ledboard's protocol
 * interface.  The board state is exactly what a microcontroller would hold;
 * this file only adds the framebuffers, page memory and log lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fw_lsp.h"
#include "ledboard_proto.h"

#define LB_LSP_PAGE_BYTES (256u * 1024u)

struct lb_lsp {
	struct fw_lsp_board  board;
	struct ledboard_sink sink;
	uint16_t claim;       /* caps INFO reports on top of what the board offers */
	uint8_t *fb0, *fb1, *page;
};

static void
lb_lsp_close(void *state)
{
	struct lb_lsp *s = state;

	if (s == NULL)
		return;
	free(s->fb0);
	free(s->fb1);
	free(s->page);
	free(s);
}

/* --caps LIST: "none" or names joined by commas; the caps left out, or -1 with a message. */
static long
lb_lsp_caps_off(const char *list, char *err, size_t errlen)
{
	static const struct { const char *name; uint16_t bit; } names[] = {
		{ "rle", FW_LSP_CAP_RLE }, { "rowxor", FW_LSP_CAP_ROWXOR }, { "delta", FW_LSP_CAP_DELTA },
		{ "page", FW_LSP_CAP_PAGE }, { "brightness", FW_LSP_CAP_BRIGHTNESS },
		{ "power", FW_LSP_CAP_POWER }, { "clock", FW_LSP_CAP_CLOCK },
		{ "programme", FW_LSP_CAP_PROGRAMME },
	};
	uint16_t on = 0;
	const char *p = list;

	if (list == NULL)
		return 0;
	if (strcmp(list, "none") == 0)
		return FW_LSP_CAP_ALL;
	while (*p) {
		size_t n = strcspn(p, ","), i;

		for (i = 0; i < sizeof names / sizeof names[0]; i++)
			if (strlen(names[i].name) == n && strncmp(names[i].name, p, n) == 0)
				break;
		if (i == sizeof names / sizeof names[0]) {
			snprintf(err, errlen, "--caps %s: unknown capability \"%.*s\" (expected none, or some of "
			    "rle,rowxor,delta,page,brightness,power,clock,programme)", list, (int)n, p);
			return -1;
		}
		on |= names[i].bit;
		p += n + (p[n] == ',');
	}
	return (uint16_t)(FW_LSP_CAP_ALL & ~on);
}

static void *
lb_lsp_open(const struct ledboard_screen *scr, const struct ledboard_sink *sink,
    char *err, size_t errlen)
{
	struct lb_lsp *s;
	struct fw_lsp_board_config cfg;
	size_t bytes = (size_t)scr->stride * scr->height;
	long off = lb_lsp_caps_off(scr->caps, err, errlen);
	long claim_off = lb_lsp_caps_off(scr->claim, err, errlen);

	if (off < 0 || claim_off < 0)
		return NULL;
	if ((s = calloc(1, sizeof *s)) == NULL)
		goto nomem;
	s->sink = *sink;
	s->fb0 = calloc(1, bytes);
	s->fb1 = calloc(1, bytes);
	s->page = calloc(1, LB_LSP_PAGE_BYTES);
	if (s->fb0 == NULL || s->fb1 == NULL || s->page == NULL)
		goto nomem;
	memset(&cfg, 0, sizeof cfg);
	cfg.width = scr->width;
	cfg.height = scr->height;
	cfg.format = scr->format;
	cfg.fb[0] = s->fb0;
	cfg.fb[1] = s->fb1;
	cfg.page_mem = s->page;
	cfg.page_bytes = LB_LSP_PAGE_BYTES;
	cfg.page_slots = FW_LSP_SLOTS;
	cfg.fw_name = "ledboard-sim 1.0";
	cfg.caps_off = (uint16_t)off;
	/* --claim: a firmware whose INFO promises more than it does */
	s->claim = scr->claim ? (uint16_t)(FW_LSP_CAP_ALL & ~claim_off) : 0;
	if (fw_lsp_board_init(&s->board, &cfg) < 0) {
		snprintf(err, errlen, "lsp: cannot drive a %ux%u %s board",
		    scr->width, scr->height, fw_pix_name(scr->format));
		lb_lsp_close(s);
		return NULL;
	}
	return s;
nomem:
	snprintf(err, errlen, "lsp: out of memory");
	lb_lsp_close(s);
	return NULL;
}

static void
lb_lsp_reset(void *state)
{
	struct lb_lsp *s = state;

	fw_lsp_board_reset_link(&s->board);
}

static void
lb_lsp_describe(const struct fw_lsp_board *b, unsigned ev, char *line, size_t len)
{
	const struct fw_lsp_last *l = &b->last;
	int n;

	if (ev & FW_LSP_EV_BAD)
		n = snprintf(line, len, "rx damaged packet type=%s seq=%u len=%u",
		    fw_lsp_type_name(l->type), l->seq, l->len);
	else
		n = snprintf(line, len, "rx %s seq=%u len=%u", fw_lsp_type_name(l->type), l->seq, l->len);
	if (n < 0 || (size_t)n >= len)
		return;
	if (!(ev & FW_LSP_EV_BAD) && l->type == FW_LSP_FRAME && l->len >= FW_LSP_FRAME_HEAD)
		n += snprintf(line + n, len - (size_t)n, " id=%u enc=%s chunk=%lu+%lu/%lu%s%s%s",
		    l->frame_id, fw_lsp_encoding_name(l->encoding), (unsigned long)l->offset,
		    (unsigned long)l->chunk, (unsigned long)l->total,
		    l->completed ? " complete" : "", l->duplicate ? " duplicate" : "",
		    l->slot != FW_LSP_SLOT_LIVE ? " stored" : "");
	else if (l->type == FW_LSP_BRIGHTNESS && (ev & FW_LSP_EV_SETTING))
		n += snprintf(line + n, len - (size_t)n, " brightness=%u", b->brightness);
	else if (l->type == FW_LSP_POWER && (ev & FW_LSP_EV_SETTING))
		n += snprintf(line + n, len - (size_t)n, " power=%s", b->power ? "on" : "off");
	else if (l->type == FW_LSP_PROGRAMME && !l->error && (ev & FW_LSP_EV_REPLY))
		n += snprintf(line + n, len - (size_t)n, " version=%lu entries=%u segments=%u hold=%u",
		    (unsigned long)b->prog_version, b->prog_nentries, b->prog_nsegs, b->prog_hold);
	else if (l->type == FW_LSP_HOLD && (ev & FW_LSP_EV_SETTING))
		n += snprintf(line + n, len - (size_t)n, " hold=%u", b->prog_hold);
	else if (l->type == FW_LSP_CLOCK && (ev & FW_LSP_EV_SETTING))
		n += snprintf(line + n, len - (size_t)n, " clock=%lld offset=%d",
		    (long long)b->clock_s, b->utc_offset_min);
	if (n < 0 || (size_t)n >= len)
		return;
	if (!(ev & FW_LSP_EV_REPLY))
		snprintf(line + n, len - (size_t)n, " -> no reply");
	else if (l->error)
		snprintf(line + n, len - (size_t)n, " -> NACK %s", fw_lsp_error_name(l->error));
	else
		snprintf(line + n, len - (size_t)n, " -> %s", fw_lsp_type_name(b->reply[3]));
}

static void
lb_lsp_events(struct lb_lsp *s, unsigned ev)
{
	char line[256];

	if (ev & FW_LSP_EV_PACKET) {
		lb_lsp_describe(&s->board, ev, line, sizeof line);
		s->sink.log(s->sink.ctx, line);
	}
	if ((ev & FW_LSP_EV_REPLY) && s->claim && s->board.reply[3] == FW_LSP_INFO) {
		uint8_t *p = s->board.reply + FW_LSP_HDR_LEN;
		uint16_t len = fw_lsp_get16(s->board.reply + 6);

		fw_lsp_put16(p + 8, (uint16_t)(fw_lsp_get16(p + 8) | s->claim));
		fw_lsp_put16(p + len, fw_lsp_crc16(FW_LSP_CRC_INIT, p, len));
	}
	if (ev & FW_LSP_EV_REPLY)
		s->sink.reply(s->sink.ctx, s->board.reply, s->board.reply_len);
	if ((ev & FW_LSP_EV_SHOW) && fw_lsp_board_mode(&s->board) == FW_LSP_MODE_PROGRAMME) {
		/* what the board plays by itself, on its own clock */
		int64_t c = fw_lsp_board_clock_ms(&s->board, s->board.now_ms);

		snprintf(line, sizeof line, "programme version=%lu entry=%ld clock=%lld.%03d",
		    (unsigned long)s->board.prog_version, (long)s->board.prog_entry, (long long)(c / 1000),
		    (int)(c % 1000));
		s->sink.log(s->sink.ctx, line);
	}
	if (ev & FW_LSP_EV_SHOW)
		s->sink.show(s->sink.ctx, fw_lsp_board_front(&s->board));
}

static void
lb_lsp_feed(void *state, const uint8_t *buf, size_t len, int datagram)
{
	struct lb_lsp *s = state;

	/* One datagram is one packet: a truncated one must not eat the next,
	 * and bytes after the packet are ignored (docs/protocol.md §1). */
	if (datagram)
		fw_lsp_framer_reset(&s->board.rx);
	for (size_t i = 0; i < len; i++) {
		unsigned ev = fw_lsp_board_feed(&s->board, buf[i]);

		if (ev)
			lb_lsp_events(s, ev);
		if (datagram && (ev & FW_LSP_EV_PACKET))
			break;
	}
}

static void
lb_lsp_tick(void *state, uint32_t now_ms)
{
	struct lb_lsp *s = state;
	unsigned ev = fw_lsp_board_tick(&s->board, now_ms);

	if (ev)
		lb_lsp_events(s, ev);
}

static uint32_t
lb_lsp_wake(void *state, uint32_t now_ms)
{
	struct lb_lsp *s = state;

	return fw_lsp_board_wake(&s->board, now_ms);
}

const struct ledboard_proto ledboard_proto_lsp = {
	.name = "lsp",
	.open = lb_lsp_open,
	.close = lb_lsp_close,
	.reset = lb_lsp_reset,
	.feed = lb_lsp_feed,
	.tick = lb_lsp_tick,
	.wake = lb_lsp_wake,
};
