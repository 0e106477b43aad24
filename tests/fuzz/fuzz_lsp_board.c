/*
 * fuzz_lsp_board.c — the board-side LSP decoder on arbitrary input.
 *
 * Random bytes rarely pass two CRCs, so half the inputs are read as a list
 * of messages that this harness wraps in valid packets (type, flags, seq,
 * payload from the input), interleaved with raw noise: that reaches the
 * frame, page and setting handlers.  The decoder must never crash, never
 * write outside its buffers, and keep its reply within bounds.
 */
#include <stdint.h>
#include <string.h>

#include "fw_lsp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fw_lsp_board board;
static uint8_t fb[2][40 * 20 * 3];
static uint8_t page[8192];

static void
feed(const uint8_t *p, size_t n, uint32_t *now)
{
	for (size_t i = 0; i < n; i++) {
		unsigned ev = fw_lsp_board_feed(&board, p[i]);

		if ((ev & FW_LSP_EV_REPLY) && (board.reply_len > sizeof board.reply || board.reply_len < FW_LSP_OVERHEAD))
			__builtin_trap();
		if ((i & 63) == 0)
			fw_lsp_board_tick(&board, *now += 7);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fw_lsp_board_config cfg;
	uint32_t now = 0;

	if (size < 4)
		return 0;
	memset(&cfg, 0, sizeof cfg);
	cfg.width = (uint16_t)(1 + data[0] % 40);
	cfg.height = (uint16_t)(1 + data[1] % 20);
	cfg.format = (uint8_t)(data[2] % FW_PIX_COUNT);
	cfg.fb[0] = fb[0];
	cfg.fb[1] = fb[1];
	cfg.page_mem = page;
	cfg.page_bytes = (uint32_t)(data[3] % 2 ? sizeof page : 0);
	cfg.page_slots = (uint8_t)(data[3] % 2 ? 4 : 0);
	cfg.fw_name = "fuzz";
	if (fw_lsp_board_init(&board, &cfg) < 0)
		return 0;
	data += 4;
	size -= 4;
	if (cfg.page_slots == 0 || size == 0 || data[0] < 0x80) {
		feed(data, size, &now);       /* raw bytes */
		return 0;
	}
	/* records: type(1) flags(1) len(1) payload(len) noise(1) */
	while (size >= 4) {
		uint8_t pkt[FW_LSP_MAX_PAYLOAD + FW_LSP_OVERHEAD];
		size_t len = data[2], n;

		if (len > size - 3)
			len = size - 3;
		n = fw_lsp_pack(pkt, sizeof pkt, data[0], data[1], (uint8_t)size, data + 3, len);
		feed(pkt, n, &now);
		data += 3 + len;
		size -= 3 + len;
		if (size > 0 && data[0] < 8) {  /* a little noise between packets */
			feed(data, 1, &now);
			data++;
			size--;
		}
	}
	return 0;
}
