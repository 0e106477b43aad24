/* libFuzzer harness: tz_parse on arbitrary bytes must never crash, leak or
 * read out of bounds; a zone it accepts must answer every query. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "util/tz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[128] = "";
	struct tz *z = tz_parse(data, size, err, sizeof err);

	if (z == NULL) {
		if (err[0] == '\0')
			abort();
		return 0;
	}
	/* Instants across the range a schedule can meet, and far outside it. */
	static const int64_t probes[] = { -4000000000LL, -1, 0, 1694491500LL, 2147483647LL,
		4102444800LL, 253402300799LL };
	for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
		struct tz_civil c;
		tz_to_civil(z, probes[i], &c);
		if (c.hour < 0 || c.hour > 23 || c.min < 0 || c.min > 59 || c.month < 1 || c.month > 12)
			abort();
		(void)tz_from_local(z, c.day, 3600 * c.hour);
	}
	tz_free(z);
	return 0;
}
