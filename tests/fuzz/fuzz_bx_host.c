/* libFuzzer: what ledsign does with bytes an Onbon card sends back — the
 * link-layer unframer and the protocol's reply parser. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proto/onbon_bx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t pkt[1024];
	static void *state;
	const uint8_t *p = data;
	size_t left = size;

	if (state == NULL) {
		struct ls_board b;
		char err[256];

		memset(&b, 0, sizeof b);
		b.name = "fuzz";
		b.width = 64;
		b.height = 16;
		b.format = LS_FMT_MONO;
		b.brightness = 100;
		if ((state = proto_onbon_bx_ops.init(&b, err, sizeof err)) == NULL)
			__builtin_trap();
	}
	while (left > 0) {
		size_t used = 0;
		ssize_t r = proto_bx_unframe(p, left, &used, pkt, sizeof pkt);

		if (used > left || r > (ssize_t)sizeof pkt)
			__builtin_trap();
		if (used == 0)
			break;
		p += used;
		left -= used;
	}
	p = data;
	left = size;
	while (left > 0) {
		size_t used = 0;

		proto_onbon_bx_ops.input(state, p, left, &used);
		if (used == 0 || used > left)
			__builtin_trap();
		p += used;
		left -= used;
	}
	return 0;
}
