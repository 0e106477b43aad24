/* libFuzzer harness: cap_wire_decode_reply on arbitrary bytes (what a CAP
 * parser process taken over by a crafted document could send) must never
 * crash, leak or read out of bounds; what it accepts must be an alert the
 * store would take, and must encode again to a reply that decodes the same. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alert/cap_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cap_result r, again;
	char err[256] = "", perr[256], err2[256];
	int prc, prc2;
	uint8_t *buf;
	ssize_t n;

	if (cap_wire_decode_reply(data, size, &r, &prc, perr, sizeof perr, err, sizeof err) < 0) {
		if (err[0] == '\0')
			abort();
		return 0;
	}
	if (prc < 0)
		return 0;
	if ((r.action == CAP_ALERT || r.action == CAP_UPDATE) && alert_validate(&r.alert, err, sizeof err) < 0)
		abort();
	n = cap_wire_encode_reply(0, &r, NULL, NULL, 0);
	if (n < 0)
		abort();
	buf = malloc((size_t)n);
	if (cap_wire_encode_reply(0, &r, NULL, buf, (size_t)n) != n)
		abort();
	if (cap_wire_decode_reply(buf + CAP_WIRE_REPLY_HDR, (size_t)n - CAP_WIRE_REPLY_HDR, &again, &prc2, perr,
	    sizeof perr, err2, sizeof err2) < 0 || prc2 != 0 || again.action != r.action ||
	    strcmp(again.alert.id, r.alert.id) != 0 || again.refs.n != r.refs.n)
		abort();
	free(buf);
	cap_result_clear(&again);
	cap_result_clear(&r);
	return 0;
}
