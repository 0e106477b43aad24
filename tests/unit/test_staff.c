/* Unit tests for the staff file's pieces: the line diff (util/diff.c),
 * checking a config with a candidate staff text in memory and mapping every
 * message back to its file and line (config/staff.c), locating a message's
 * field, the history (record/versions.c), and the console's element text
 * and section rewrite (web/content_common.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"
#include "config/staff.h"
#include "config/writer.h"
#include "record/versions.h"
#include "util/diff.h"
#include "util/tz.h"
#include "web/content_int.h"

#include "file_fixture.h"

static char dir[] = "/tmp/ledsign-staff-XXXXXX";
static char mainp[128], staffp[128];

static int
setup(void **st)
{
	(void)st;
	assert_non_null(mkdtemp(dir));
	snprintf(mainp, sizeof mainp, "%s/m.cfg", dir);
	snprintf(staffp, sizeof staffp, "%s/s.staff.cfg", dir);
	/* the include in the middle: lines after it must map back too */
	spill(mainp, "timezone = \"Asia/Shanghai\";\n"
	    "boards = ( { name = \"b\"; width = 64; height = 16; format = \"mono\"; address = \"tcp:127.0.0.1:1\"; } );\n"
	    "@include \"s.staff.cfg\"\n"
	    "fallback = \"p\";\n"
	    "bogus_setting = 1;\n");
	spill(staffp, "content = ( { name = \"a\"; text = \"A\"; } );\nplaylists = ( { name = \"p\"; items = [\"a\"]; } );\n");
	return 0;
}

static int
teardown(void **st)
{
	char p[160];
	(void)st;
	unlink(mainp);
	unlink(staffp);
	snprintf(p, sizeof p, "%s/v.db", dir);
	unlink(p);
	snprintf(p, sizeof p, "%s/v.db-wal", dir);
	unlink(p);
	snprintf(p, sizeof p, "%s/v.db-shm", dir);
	unlink(p);
	rmdir(dir);
	return 0;
}

static int
has(const struct ls_diag *d, const char *file, int line, const char *text)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].file && strcmp(d->v[i].file, file) == 0 && d->v[i].line == line && strstr(d->v[i].text, text))
			return 1;
	for (size_t i = 0; i < d->n; i++)
		print_message("  %s:%d: %s\n", d->v[i].file, d->v[i].line, d->v[i].text);
	return 0;
}

static void
test_check_candidate_maps_lines(void **st)
{
	struct ls_diag d = { 0 };
	(void)st;
	/* the file as it is: bogus_setting at main line 5 */
	assert_null(ls_check_config(mainp, NULL, &d));
	assert_true(has(&d, mainp, 5, "unknown setting \"bogus_setting\""));
	ls_diag_clear(&d);
	/* a 4-line candidate with an error at its line 3: the main file's line 5
	 * is still line 5, the candidate's error at the staff file's line 3 */
	assert_null(ls_check_config(mainp, "content = (\n  { name = \"a\"; text = \"A\"; },\n  { name = \"a\"; text = \"B\"; }\n);\n"
	    "playlists = ( { name = \"p\"; items = [\"a\"]; } );\n", &d));
	assert_true(has(&d, mainp, 5, "unknown setting \"bogus_setting\""));
	assert_true(has(&d, staffp, 3, "name \"a\" is used twice"));
	ls_diag_clear(&d);
	/* the staff text may hold only its three sections, and no @include */
	assert_null(ls_check_config(mainp, "timezone = \"UTC\";\n", &d));
	assert_true(has(&d, staffp, 1, "does not belong in the staff file"));
	ls_diag_clear(&d);
	/* an @include is refused before anything opens the file it names: a
	 * FIFO nobody writes would block the opener (and the alarm end the test) */
	char fifo[160], inc[256];
	snprintf(fifo, sizeof fifo, "%s/fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	snprintf(inc, sizeof inc, "content = ( );\n @include \"%s\"\n", fifo);
	alarm(5);
	assert_null(ls_check_config(mainp, inc, &d));
	assert_true(has(&d, staffp, 2, "may not @include"));
	ls_diag_clear(&d);
	char s1[8], s2[8], s3[8];
	ls_staff_locate(inc, 1, "x", s1, sizeof s1, s2, sizeof s2, s3, sizeof s3);
	assert_string_equal(s1, "");
	alarm(0);
	unlink(fifo);
	/* clean once bogus_setting is gone; elements point at the staff file */
	spill(mainp, "boards = ( { name = \"b\"; width = 64; height = 16; format = \"mono\"; address = \"tcp:127.0.0.1:1\"; } );\n"
	    "@include \"s.staff.cfg\"\nfallback = \"p\";\n");
	struct ls_config *c = ls_check_config(mainp, "\n\ncontent = ( { name = \"z\"; text = \"Z\"; } );\n"
	    "playlists = ( { name = \"p\"; items = [\"z\"]; } );\n", &d);
	assert_non_null(c);
	assert_string_equal(c->content[0].src_file, staffp);
	assert_int_equal(c->content[0].line, 3);
	assert_string_equal(c->boards[0].src_file, mainp);
	assert_int_equal(c->boards[0].line, 1);
	ls_config_free(c);
	ls_diag_clear(&d);
	char err[256], *p = ls_staff_path(mainp, err, sizeof err);
	assert_string_equal(p, staffp);
	free(p);
	/* an @include that is not NAME.staff.cfg (a district's bundle) is not the staff file */
	spill(mainp, "@include \"bundle.cfg\"\n");
	assert_null(ls_staff_path(mainp, err, sizeof err));
	assert_non_null(strstr(err, ".staff.cfg"));
}

static void
test_locate(void **st)
{
	char sec[32], item[64], key[32];
	const char *t = "content = (\n  { name = \"a\"; text = \"A\"; color = \"purplish\"; },\n  { name = \"b\"; image = \"x.png\"; }\n);\n"
	    "playlists = (\n  { name = \"p\"; items = (\"a\", \"nope\"); }\n);\nschedule = (\n  { name = \"r\"; playlist = \"p\"; boards = \"all\"; hours = \"25:00-26:00\"; }\n);\n";
	(void)st;
	ls_staff_locate(t, 2, "content \"a\": color must be \"#RRGGBB\"", sec, sizeof sec, item, sizeof item, key, sizeof key);
	assert_string_equal(sec, "content");
	assert_string_equal(item, "a");
	assert_string_equal(key, "color");
	ls_staff_locate(t, 2, "content \"a\": no such date in {countdown:2023-02-30}", sec, sizeof sec, item, sizeof item,
	    key, sizeof key);
	assert_string_equal(key, "text");
	ls_staff_locate(t, 3, "content \"b\": image \"x.png\" cannot be read", sec, sizeof sec, item, sizeof item, key,
	    sizeof key);
	assert_string_equal(item, "b");
	assert_string_equal(key, "image");
	ls_staff_locate(t, 6, "playlist \"p\": item \"nope\" is not in content", sec, sizeof sec, item, sizeof item, key,
	    sizeof key);
	assert_string_equal(sec, "playlists");
	assert_string_equal(key, "items");
	ls_staff_locate(t, 9, "schedule rule \"r\": hours \"25:00-26:00\" must be", sec, sizeof sec, item, sizeof item, key,
	    sizeof key);
	assert_string_equal(sec, "schedule");
	assert_string_equal(item, "r");
	assert_string_equal(key, "hours");
	ls_staff_locate("content = = (", 1, "x", sec, sizeof sec, item, sizeof item, key, sizeof key);
	assert_string_equal(sec, "");
}

static void
test_diff(void **st)
{
	int a, r;
	(void)st;
	char *d = ls_diff_text("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nFIVE\n6\n7\n8\n9\n", "v1", "v2", &a, &r);
	assert_string_equal(d, "--- v1\n+++ v2\n@@ -3,5 +3,5 @@\n 3\n 4\n-5\n+FIVE\n 6\n 7\n");
	assert_int_equal(a, 1);
	assert_int_equal(r, 1);
	free(d);
	d = ls_diff_text("same\n", "same\n", "a", "b", &a, &r);
	assert_string_equal(d, "");
	assert_int_equal(a + r, 0);
	free(d);
	/* a line added at the end, one removed at the start: two hunks */
	d = ls_diff_text("x\n1\n2\n3\n4\n5\n6\n7\n8\n", "1\n2\n3\n4\n5\n6\n7\n8\ny\n", "a", "b", &a, &r);
	assert_string_equal(d, "--- a\n+++ b\n@@ -1,3 +1,2 @@\n-x\n 1\n 2\n@@ -8,2 +7,3 @@\n 7\n 8\n+y\n");
	free(d);
}

static void
test_versions(void **st)
{
	char db[160], err[256];
	struct versions_entry e = { 0 }, got;
	long long id;
	(void)st;
	snprintf(db, sizeof db, "%s/v.db", dir);
	struct versions *v = versions_open(db, err, sizeof err);
	assert_non_null(v);
	assert_int_equal(versions_get(v, 0, &got, err, sizeof err), 0);
	e = (struct versions_entry){ .author = "alice", .file = "s.cfg", .text = "a\nb\n" };
	assert_int_equal(versions_add(v, &e, &id, err, sizeof err), 0);
	assert_int_equal(id, 1);
	e = (struct versions_entry){ .author = "bob", .file = "s.cfg", .text = "a\nB\n", .summary = "item b" };
	assert_int_equal(versions_add(v, &e, &id, err, sizeof err), 0);
	assert_int_equal(versions_get(v, 0, &got, err, sizeof err), 1);
	assert_int_equal(got.id, 2);
	assert_string_equal(got.author, "bob");
	assert_string_equal(got.text, "a\nB\n");
	assert_string_equal(got.summary, "item b (+1 -1 lines)");
	assert_non_null(strstr(got.diff, "-b\n+B\n"));
	versions_entry_free(&got);
	assert_int_equal(versions_get(v, 1, &got, err, sizeof err), 1);
	assert_string_equal(got.text, "a\nb\n");
	versions_entry_free(&got);
	versions_close(v);
}

static void
test_console_text(void **st)
{
	const struct content_kv kv[] = { { "name", "n", 's' }, { "text", "say \"hi\"", 's' }, { "size", "big", 'n' },
		{ "duration", "2.5", 'n' }, { "boards", " gate , hall,", 'l' }, { "font", "", 's' } };
	(void)st;
	char *e = content_element(kv, sizeof kv / sizeof kv[0]);
	assert_string_equal(e, "{ name = \"n\"; text = \"say \\\"hi\\\"\"; size = \"big\"; duration = 2.5; boards = [\"gate\", \"hall\"]; }");
	const char *canon = "# head\n\ncontent = (\n  { name = \"a\"; },\n  { name = \"b\"; }\n);\n\nplaylists = (\n);\n";
	char *t = content_replace(canon, "content", 1, e);
	assert_string_equal(t, "# head\n\ncontent = (\n  { name = \"a\"; },\n  " "{ name = \"n\"; text = \"say \\\"hi\\\"\"; size = \"big\"; duration = 2.5; boards = [\"gate\", \"hall\"]; }"
	    "\n);\n\nplaylists = (\n);\n");
	free(t);
	t = content_replace(canon, "content", 0, NULL);
	assert_string_equal(t, "# head\n\ncontent = (\n  { name = \"b\"; }\n);\n\nplaylists = (\n);\n");
	free(t);
	t = content_replace(canon, "playlists", -1, "{ name = \"p\"; items = (\"a\"); }");
	assert_string_equal(t, "# head\n\ncontent = (\n  { name = \"a\"; },\n  { name = \"b\"; }\n);\n\nplaylists = (\n  { name = \"p\"; items = (\"a\"); }\n);\n");
	free(t);
	assert_null(content_replace(canon, "schedule", 0, e));
	free(e);
}

/* A rule's form shows every board and date it lists: one of 60 dates (a
 * year's school holidays) had its list cut at 511 bytes, mid-date, and a
 * save from that form dropped the rest. */
static void
test_rule_form_whole(void **st)
{
	struct ls_rule ru;
	ls_day days[60];
	char *names[40], *v[CONTENT_RULE_FIELDS], want[16];

	(void)st;
	memset(&ru, 0, sizeof ru);
	ru.name = (char *)"holidays";
	ru.kind = LS_RULE_OFF;
	ru.from = ru.to = LS_DAY_NONE;
	ru.start_min = ru.end_min = -1;
	ru.brightness = -1;
	ru.weekdays = 0x7f;
	for (int i = 0; i < 60; i++)
		days[i] = tz_days_from_civil(2024, 1, 1) + i * 3;
	ru.dates.v = days;
	ru.dates.n = 60;
	for (int i = 0; i < 40; i++) {
		char b[32];
		snprintf(b, sizeof b, "board-number-%02d", i);
		assert_non_null(names[i] = strdup(b));
	}
	ru.boards.v = names;
	ru.boards.n = 40;
	assert_int_equal(content_rule_form(&ru, v), 0);
	assert_string_equal(v[0], "holidays");
	assert_string_equal(v[1], "off");
	assert_int_equal(strlen(v[6]), 60 * 10 + 59 * 2);
	assert_memory_equal(v[6], "2024-01-01, 2024-01-04, ", 24);
	snprintf(want, sizeof want, "%s", v[6] + strlen(v[6]) - 10);
	assert_string_equal(want, "2024-06-26");   /* 2024-01-01 + 59 * 3 days */
	assert_int_equal(strlen(v[3]), 40 * 15 + 39 * 2);
	assert_non_null(strstr(v[3], "board-number-39"));
	assert_null(v[4]);
	assert_null(v[8]);
	assert_string_equal(v[9], "0");
	assert_null(v[10]);
	content_rule_form_free(v);
	for (int i = 0; i < 40; i++)
		free(names[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_candidate_maps_lines),
		cmocka_unit_test(test_locate),
		cmocka_unit_test(test_diff),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_console_text),
		cmocka_unit_test(test_rule_form_whole),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
