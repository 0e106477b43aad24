/* Files for the unit tests that load what is on disk: spill writes text
 * to a file, slurp reads one back whole (util/file.h, up to 1 MiB),
 * each failing the test when it cannot.  Include after cmocka.h. */
#ifndef LEDSIGN_TEST_FILE_FIXTURE_H
#define LEDSIGN_TEST_FILE_FIXTURE_H

#include "util/file.h"

static inline void
spill(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static inline char *
slurp(const char *path, size_t *len)
{
	char err[512], *t = ls_read_file(path, (1 << 20) - 1, len, err, sizeof err);

	if (t == NULL)
		fail_msg("%s", err);
	return t;
}

#endif
