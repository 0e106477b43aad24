/* libFuzzer: the board-side artnet decoder on arbitrary datagrams.  Byte 0
 * sets the first universe/offset options, byte 1 the canvas format; the rest
 * is split into datagrams at every 0xFF 0xFE pair so several packets (and
 * the decoder's state between them) are exercised. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fw_artnet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t px[40 * 30 * 3];
	static const uint8_t ord[3] = { 1, 0, 2 };
	struct fw_rgb_canvas c = { 40, 30, 0, 0, px };
	struct fw_artnet d;
	size_t start = 2;

	if (size < 2)
		return 0;
	c.format = data[1] & 3;
	c.stride = fw_rgb_stride(c.format, c.width);
	fw_artnet_init(&d, data[0], ord);
	for (size_t i = 2; i <= size; i++) {
		if (i == size || (i + 1 < size && data[i] == 0xFF && data[i + 1] == 0xFE)) {
			fw_artnet_decode(&d, data + start, i - start, &c);
			start = i + 2;
			i++;
		}
	}
	return 0;
}
