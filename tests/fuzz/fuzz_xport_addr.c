/* fuzz_xport_addr.c — board addresses from a config are untrusted text:
 * xport_parse must never crash, and what it accepts must format and parse
 * back to the same address. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "transport/xport.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), err[256], fmt[600];
	struct xport_addr a, b;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (xport_parse(s, size > 0 ? data[0] * 37 : 0, &a, err, sizeof err) == 0) {
		xport_addr_format(&a, fmt, sizeof fmt);
		if (xport_parse(fmt, 0, &b, err, sizeof err) != 0 || b.ops != a.ops || b.port != a.port ||
		    b.baud != a.baud || strcmp(a.host, b.host) != 0 || strcmp(a.path, b.path) != 0)
			abort();
	}
	free(s);
	return 0;
}
