/*
 * fuzz_lsp_host.c — the host-side LSP state machine (src/proto/lsp.c) fed
 * arbitrary replies.  Like the board harness, inputs are mostly turned into
 * packets with valid CRCs (ACK, NACK, INFO and others, with fuzzed seq and
 * payload) so the reply handlers are reached; poll runs between replies.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fw_lsp.h"
#include "proto/lsp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct proto_ops *ops = &proto_lsp_ops;
	struct ls_board b;
	static uint8_t img[16 * 8 * 3], out[65536];
	struct proto_batch batch;
	char err[128];
	uint64_t now = 0, wake;
	void *st;

	if (size < 2)
		return 0;
	memset(&b, 0, sizeof b);
	b.name = "fuzz";
	b.width = 16;
	b.height = 8;
	b.format = (enum ls_format)(data[0] % 4);
	b.address = data[1] & 1 ? "udp:127.0.0.1:1" : "serial:/dev/null";
	if ((st = ops->init(&b, err, sizeof err)) == NULL)
		abort();
	for (size_t i = 0; i < sizeof img; i++)
		img[i] = (uint8_t)(i * 37 + data[1]);
	struct proto_image pi = { 16, 8, b.format, (size_t)(b.format == LS_FMT_MONO ? 2 :
	    b.format == LS_FMT_REDGREEN ? 4 : b.format == LS_FMT_RGB565 ? 32 : 48), img };
	proto_batch_init(&batch, out, sizeof out);
	ops->encode_frame(st, &pi, &batch);
	data += 2;
	size -= 2;
	while (size >= 4) {
		uint8_t pkt[FW_LSP_MAX_PAYLOAD + FW_LSP_OVERHEAD];
		size_t len = data[3], n, off = 0;

		if (len > size - 4)
			len = size - 4;
		if (data[0] & 0x40) {   /* raw bytes */
			n = len;
			memcpy(pkt, data + 4, n);
		} else {
			uint8_t type = (uint8_t)(0x80 + data[0] % 4);   /* ACK, NACK, INFO (with 1.1's fields), other */
			n = fw_lsp_pack(pkt, sizeof pkt, type, data[1], data[2], data + 4, len);
		}
		while (off < n) {
			size_t used = 0;
			ops->input(st, pkt + off, n - off, &used);
			if (used == 0 || used > n - off)
				abort();
			off += used;
		}
		proto_batch_init(&batch, out, sizeof out);
		now += data[0] * 3u;
		int r = ops->poll(st, now, &batch, &wake);
		if (r == PROTO_TX_DONE || r == PROTO_TX_IDLE) {
			img[data[1] % sizeof img] ^= 0x55;
			proto_batch_init(&batch, out, sizeof out);
			ops->encode_frame(st, &pi, &batch);
		}
		if ((data[0] & 0x30) == 0x30 && proto_lsp_idle(st)) {
			/* LSP 1.1: a stored image, the programme naming it, RESUME, PING
			 * (what daemon/programme.c queues), so their replies are reached */
			static uint8_t work[1 << 16];
			static struct fw_lsp_prog_entry e[2] = { { 0, FW_LSP_FX_SCROLL_LEFT_LOOP, 16, 3000 },
				{ FW_LSP_PROG_HOST, 0, 0, 1000 } };
			static struct fw_lsp_prog_seg g[1] = { { 100, 200, 100, 0, 2 } };
			uint8_t msg[256];
			const uint8_t *coded;
			struct proto_lsp_coding how;
			size_t m;

			proto_lsp_compress(&pi, NULL, 0x17, work, &coded, &how);
			proto_lsp_queue_slot(st, &pi, &how, coded, (uint8_t)(data[1] % 3));
			m = proto_lsp_programme_encode(data[2], 3000, e, 2, g, 1, msg, sizeof msg);
			proto_lsp_queue_msg(st, FW_LSP_PROGRAMME, msg, m);
			proto_lsp_queue_msg(st, data[2] & 1 ? FW_LSP_RESUME : FW_LSP_PING, NULL, 0);
		}
		data += 4 + len;
		size -= 4 + len;
	}
	ops->fini(st);
	return 0;
}
