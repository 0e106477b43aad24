/* libFuzzer harness: any bytes as a CAP document must give a result or an
 * error, never a crash or a leak.  The config has an area map and accepts
 * tests, so the mapping paths run too. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "alert/cap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *groups[] = { "north", "all" };
	static struct ls_cap_area areas[] = {
		{ "North Campus", 1, { groups, 1 } },
		{ "*", 2, { groups + 1, 1 } },
	};
	struct ls_config cfg = { 0 };
	struct cap_result r;
	char err[512];

	cfg.cap_areas = areas;
	cfg.ncap_areas = sizeof areas / sizeof areas[0];
	cfg.cap_accept_test = size & 1;
	if (cap_parse((const char *)data, size, "fuzz.xml", &cfg, 1795572000LL, &r, err, sizeof err) == 0) {
		if ((r.action == CAP_ALERT || r.action == CAP_UPDATE) && alert_validate(&r.alert, err, sizeof err) != 0)
			__builtin_trap();   /* the mapping must only ever produce storable alerts */
		cap_result_clear(&r);
	}
	return 0;
}
