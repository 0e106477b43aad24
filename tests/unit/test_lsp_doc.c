/*
 * test_lsp_doc.c — the hex examples in docs/protocol.md are true.
 *
 * Every ```hex block is fed, in order, to the reference board (16x4 mono,
 * 8 page slots, 256 KiB of page memory): each must be exactly one packet
 * with good CRCs, and the DELTA example must leave the picture it
 * describes.  A block after a line "<!-- answer -->" must be exactly what
 * the board answered the block before it; a request may be NACKed only
 * where such an answer follows and shows the NACK.
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

static struct fw_lsp_board board;
static uint8_t fb[2][8], page[256 * 1024];

/* Parse one line of hex bytes up to a '#' comment; returns bytes added. */
static size_t
parse_hex_line(const char *line, uint8_t *out, size_t cap)
{
	size_t n = 0;
	unsigned v;
	int used;

	while (*line && *line != '#' && *line != '\n') {
		if (*line == ' ') {
			line++;
			continue;
		}
		assert_int_equal(sscanf(line, "%2x%n", &v, &used), 1);
		assert_true(n < cap);
		out[n++] = (uint8_t)v;
		line += used;
	}
	return n;
}

static void
test_doc_examples(void **unused)
{
	FILE *f = fopen("docs/protocol.md", "r");
	char line[512];
	uint8_t pkt[2048];
	size_t n = 0;
	int in_block = 0, blocks = 0, saw_delta = 0, answer_next = 0, answers = 0, nacked = 0;
	uint8_t reply[256];
	size_t reply_len = 0;
	struct fw_lsp_board_config cfg;

	(void)unused;
	assert_non_null(f);
	memset(&cfg, 0, sizeof cfg);
	cfg.width = 16;
	cfg.height = 4;
	cfg.format = FW_PIX_MONO;
	cfg.fb[0] = fb[0];
	cfg.fb[1] = fb[1];
	cfg.page_mem = page;
	cfg.page_bytes = sizeof page;
	cfg.page_slots = 8;
	cfg.fw_name = "ledboard-sim 1.0";
	assert_int_equal(fw_lsp_board_init(&board, &cfg), 0);
	while (fgets(line, sizeof line, f)) {
		if (!in_block) {
			if (strncmp(line, "<!-- answer -->", 15) == 0)
				answer_next = 1;
			if (strncmp(line, "```hex", 6) == 0) {
				in_block = 1;
				n = 0;
			}
			continue;
		}
		if (strncmp(line, "```", 3) != 0) {
			n += parse_hex_line(line, pkt + n, sizeof pkt - n);
			continue;
		}
		/* end of a block: one packet */
		in_block = 0;
		blocks++;
		if (answer_next) {
			/* what the board said to the request before */
			if (n != reply_len || memcmp(pkt, reply, n) != 0)
				fail_msg("docs/protocol.md hex block %d is not what the board answered "
				    "(%zu bytes, type 0x%02x)", blocks, reply_len, reply_len > 3 ? reply[3] : 0);
			answer_next = 0;
			nacked = 0;
			answers++;
		} else if (nacked) {
			fail_msg("docs/protocol.md hex block %d: NACKed with error %u, and no answer block shows it",
			    blocks - 1, nacked);
		}
		{
			unsigned ev = 0, packets = 0;
			for (size_t i = 0; i < n; i++) {
				unsigned e = fw_lsp_board_feed(&board, pkt[i]);
				if (e & FW_LSP_EV_PACKET)
					packets++;
				ev |= e;
			}
			if (packets != 1 || (ev & FW_LSP_EV_BAD))
				fail_msg("docs/protocol.md hex block %d: %u packets, damaged=%d", blocks, packets,
				    (ev & FW_LSP_EV_BAD) != 0);
			if (pkt[3] < 0x80) {
				reply_len = (ev & FW_LSP_EV_REPLY) ? board.reply_len : 0;
				assert_true(reply_len <= sizeof reply);
				memcpy(reply, board.reply, reply_len);
				if (reply_len && board.reply[3] == FW_LSP_NACK)
					nacked = board.reply[FW_LSP_HDR_LEN + 1];
			}
			if (pkt[3] == FW_LSP_FRAME && FW_LSP_ENC_BASE(pkt[FW_LSP_HDR_LEN + 2]) == FW_LSP_ENC_DELTA) {
				static const uint8_t want[8] = { 0xff, 0xff, 0x00, 0x03, 0x00, 0x03, 0xff, 0xff };
				assert_true(ev & FW_LSP_EV_SHOW);
				assert_memory_equal(fw_lsp_board_front(&board), want, 8);
				saw_delta = 1;
			}
			if (pkt[3] == FW_LSP_FRAME && pkt[FW_LSP_HDR_LEN + 2] == FW_LSP_ENC_CTX) {
				static const uint8_t border[8] = { 0xff, 0xff, 0x80, 0x01, 0x80, 0x01, 0xff, 0xff };
				assert_memory_equal(fw_lsp_board_front(&board), border, 8);
			}
		}
	}
	fclose(f);
	if (nacked)
		fail_msg("docs/protocol.md: the last request was NACKed with error %u", nacked);
	assert_true(blocks >= 14);   /* every message type has an example */
	assert_true(answers >= 6);
	assert_true(saw_delta);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_doc_examples),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
