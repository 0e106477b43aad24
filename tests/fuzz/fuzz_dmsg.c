/* libFuzzer harness: the district's payloads from the broker (dmsg.h) on
 * arbitrary bytes.  The first byte picks the decoder (bundle or alert).
 * Neither may crash, leak or read out of bounds; a refusal says why; a
 * bundle that parses encodes again to bytes that parse to the same files,
 * and an alert that parses passes the alert store's checks. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "district/dmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct dmsg_bundle b, again;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512] = "";

	if (size < 1)
		return 0;
	if (data[0] & 1) {
		uint8_t *buf;
		long n;

		if (dmsg_bundle_parse(data + 1, size - 1, &b, err, sizeof err) < 0) {
			if (err[0] == '\0')
				abort();
			return 0;
		}
		buf = malloc(dmsg_bundle_size(&b));
		if (!buf)
			return 0;
		n = dmsg_bundle_encode(&b, buf, dmsg_bundle_size(&b));
		if (n < 0 || dmsg_bundle_parse(buf, (size_t)n, &again, err, sizeof err) < 0 || again.nfiles != b.nfiles ||
		    again.version != b.version)
			abort();
		for (size_t i = 0; i < b.nfiles; i++)
			if (strcmp(again.files[i].name, b.files[i].name) != 0 || again.files[i].len != b.files[i].len ||
			    memcmp(again.files[i].data, b.files[i].data, b.files[i].len) != 0)
				abort();
		free(buf);
	} else {
		struct dmsg_alert m;

		if (dmsg_alert_parse((const char *)data + 1, size - 1, &m, err, sizeof err) < 0) {
			if (err[0] == '\0')
				abort();
			return 0;
		}
		if (!m.cleared && !m.cap && alert_validate(&m.a, err, sizeof err) < 0)
			abort();
		alert_clear(&m.a);
		free(m.cap);
	}
	return 0;
}
