/* libFuzzer harness: any bytes as a config file must give a config or a list
 * of diagnostics, never a crash or a leak.  The bytes go through a memfd so
 * the real file path (libconfig reads files) is exercised.
 *
 * LS_CONFIG_NO_SYSTEM: the checks against this machine (fontconfig's font
 * list, font and poster files) are skipped.  They cost a fontconfig query
 * per font name and held the harness to ~200 inputs/s; what they check is
 * not the loader's parsing, and posters have fuzz_png. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	char path[64];
	struct ls_diag d = { 0 };
	struct ls_config *c;

	if (fd < 0 && (fd = memfd_create("fuzz.cfg", 0)) < 0)
		return 0;
	if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		return 0;
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	c = ls_config_load_flags(path, LS_CONFIG_NO_SYSTEM, &d);
	ls_config_free(c);
	ls_diag_clear(&d);
	return 0;
}
