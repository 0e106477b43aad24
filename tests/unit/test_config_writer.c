/* Unit tests for src/config/writer.c: the staff file is canonical (the
 * sample's staff file is exactly what the writer makes of it), everything
 * written reads back to the same model, strings survive escaping, and
 * included files are named in messages. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "config/writer.h"

#include "file_fixture.h"

#define SAMPLE "content/campaign-week.cfg"
#define SAMPLE_STAFF "content/campaign-week.staff.cfg"

static void
test_sample_is_canonical(void **st)
{
	struct ls_diag d = { 0 };
	struct ls_config *c = ls_config_load(SAMPLE, &d);
	size_t n, m;
	(void)st;
	assert_non_null(c);
	char *text = config_write_staff(c, &n);
	char *file = slurp(SAMPLE_STAFF, &m);
	assert_int_equal(n, m);
	assert_memory_equal(text, file, n);
	/* every element knows its file */
	assert_string_equal(c->content[0].src_file, SAMPLE_STAFF);
	assert_string_equal(c->rules[0].src_file, SAMPLE_STAFF);
	assert_string_equal(c->playlists[0].entries[0].src_file, SAMPLE_STAFF);
	assert_string_equal(c->boards[0].src_file, SAMPLE);
	free(text);
	free(file);
	ls_config_free(c);
	ls_diag_clear(&d);
}

static void
test_round_trip_escapes(void **st)
{
	char dir[] = "/tmp/ledsign-writer-XXXXXX", main_path[128], staff[128];
	struct ls_diag d = { 0 };
	(void)st;
	assert_non_null(mkdtemp(dir));
	snprintf(main_path, sizeof main_path, "%s/m.cfg", dir);
	snprintf(staff, sizeof staff, "%s/s.cfg", dir);
	spill(main_path, "boards = ( { name = \"b\"; width = 64; height = 16; format = \"mono\"; "
	    "address = \"tcp:127.0.0.1:1\"; groups = [\"g\"]; } );\n@include \"s.cfg\"\n");
	spill(staff, "content = ( { name = \"q\"; text = \"say \\\"hi\\\"\\\\ 你好\\nline\\ttab\"; size = 12; "
	    "color = \"#123456\"; speed = 7.5; duration = 3.0; align = \"left\"; },\n"
	    "  { name = \"r\"; text = \"{time}\"; repeat = 2; } );\n"
	    "playlists = ( { name = \"p\"; items = ( \"q\", { item = \"r\"; duration = 2.5; repeat = 3; hours = \"22:00-02:00\"; } ); } );\n"
	    "schedule = ( { name = \"x\"; playlist = \"p\"; boards = [\"g\"]; from = \"2024-01-01\"; to = \"2024-02-01\"; "
	    "weekdays = [\"sat\", \"mon\"]; hours = \"07:00-24:00\"; priority = -3; brightness = 40; },\n"
	    "  { kind = \"off\"; boards = \"all\"; dates = [\"2024-05-01\", \"2024-05-02\"]; } );\n");
	struct ls_config *c = ls_config_load(main_path, &d);
	for (size_t i = 0; i < d.n; i++)
		print_message("%s:%d: %s\n", d.v[i].file, d.v[i].line, d.v[i].text);
	assert_non_null(c);
	char *t1 = config_write_staff(c, NULL);
	assert_non_null(strstr(t1, "text = \"say \\\"hi\\\"\\\\ 你好\\nline\\ttab\";"));
	assert_non_null(strstr(t1, "weekdays = [\"mon\", \"sat\"];"));
	assert_non_null(strstr(t1, "{ item = \"r\"; duration = 2.5; repeat = 3; hours = \"22:00-02:00\"; }"));
	assert_non_null(strstr(t1, "hours = \"07:00-24:00\"; priority = -3; brightness = 40;"));
	assert_null(strstr(t1, "priority = 100"));     /* the dates rule's default */
	assert_non_null(strstr(t1, "name = \"rule@"));  /* an unnamed rule keeps the name it was given */
	spill(staff, t1);
	ls_config_free(c);
	c = ls_config_load(main_path, &d);
	assert_non_null(c);
	assert_string_equal(c->content[0].text, "say \"hi\"\\ 你好\nline\ttab");
	assert_int_equal(c->content[0].color, 0x123456);
	assert_int_equal(c->rules[0].priority, -3);
	assert_int_equal(c->rules[1].priority, 100);
	char *t2 = config_write_staff(c, NULL);
	assert_string_equal(t1, t2);
	ls_config_free(c);
	free(t1);
	free(t2);

	/* an error in the included file names it, with its own line */
	spill(staff, "content = ( { name = \"q\"; text = \"a\"; },\n  { name = \"q\"; text = \"b\"; } );\n"
	    "playlists = ( { name = \"p\"; items = [\"q\", \"nope\"]; } );\n");
	ls_diag_clear(&d);
	assert_null(ls_config_load(main_path, &d));
	int dup = 0, ref = 0;
	for (size_t i = 0; i < d.n; i++) {
		dup |= strcmp(d.v[i].file, staff) == 0 && d.v[i].line == 2 && strstr(d.v[i].text, "used twice");
		ref |= strcmp(d.v[i].file, staff) == 0 && d.v[i].line == 3 && strstr(d.v[i].text, "\"nope\" is not in content");
	}
	assert_true(dup);
	assert_true(ref);
	/* a syntax error in it too */
	spill(staff, "content = ( { name = \"q\"; text = = \"a\"; } \n);\n");
	ls_diag_clear(&d);
	assert_null(ls_config_load(main_path, &d));
	assert_string_equal(d.v[0].file, staff);
	ls_diag_clear(&d);
	unlink(staff);
	unlink(main_path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample_is_canonical),
		cmocka_unit_test(test_round_trip_escapes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
