/* test_xport_progress.c — the progress bar used by `ledsign send`. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/progress.h"

static void
test_format(void **st)
{
	char buf[256];

	(void)st;
	progress_format(buf, sizeof buf, "gate", 4800, 9600, 5.0, 10);
	/* half done at 960 B/s: 5 s left */
	assert_string_equal(buf, "gate [#####-----]  50% 4.7 KiB/9.4 KiB 960 B/s, 0:05 left");
	progress_format(buf, sizeof buf, "gate", 20000, 9600, 1.0, 4);
	assert_non_null(strstr(buf, "[####] 100%"));
	progress_format(buf, sizeof buf, "x", 3 << 20, 0, 2.0, 10);
	assert_string_equal(buf, "x 3.0 MiB 1.5 MiB/s");
}

static void
test_tty_and_plain(void **st)
{
	char *mem = NULL;
	size_t len = 0;
	FILE *f;
	struct progress p;

	(void)st;
	/* a terminal: nothing in the first second, then a bar redrawn in place */
	f = open_memstream(&mem, &len);
	progress_begin(&p, f, 1, "gate", 1000, 100.0);
	progress_update(&p, 100, 100.5);
	fflush(f);
	assert_int_equal(len, 0);
	progress_update(&p, 600, 101.5);
	fflush(f);
	assert_non_null(strstr(mem, "\rgate ["));
	progress_done(&p, 1000, 102.0, NULL);
	fclose(f);
	assert_non_null(strstr(mem, "gate: 1000 B in 2.00 s (500 B/s)\n"));
	free(mem);

	/* not a terminal: one plain line, no escape codes */
	mem = NULL;
	f = open_memstream(&mem, &len);
	progress_begin(&p, f, 0, "gate", 1000, 0.0);
	progress_update(&p, 500, 5.0);
	progress_done(&p, 300, 6.0, "board went offline");
	fclose(f);
	assert_string_equal(mem, "gate: failed after 300 bytes: board went offline\n");
	free(mem);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_tty_and_plain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
