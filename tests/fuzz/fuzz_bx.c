/* libFuzzer: the board-side Onbon BX decoder (fw_bx) on arbitrary link bytes.
 * Byte 0 picks the card, byte 1 the canvas format and the chunking. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fw_bx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t work[70000], px[64 * 32 * 3], reply[64];
	struct fw_rgb_canvas c = { 64, 32, 0, 0, px };
	struct fw_bx b;
	size_t chunk;

	if (size < 2)
		return 0;
	c.format = data[1] & 3;
	c.stride = fw_rgb_stride(c.format, c.width);
	chunk = (size_t)(data[1] >> 2) + 1;
	fw_bx_init(&b, work, sizeof work, data[0] & 3, 1);
	data += 2;
	size -= 2;
	while (size > 0) {
		size_t n = size < chunk ? size : chunk, used = 0, rl = 0;

		fw_bx_feed(&b, data, n, &used, &c, reply, sizeof reply, &rl);
		if (used == 0 || used > n || rl > sizeof reply)
			__builtin_trap();
		data += used;
		size -= used;
	}
	return 0;
}
