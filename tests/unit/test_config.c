/* Unit tests for config.c: values, defaults, and errors with their lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "config/config.h"

#include "config_fixture.h"

/* 1 when some message is at `line` and contains `needle`. */
static int
has(const struct ls_diag *d, int line, const char *needle)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].line == line && strstr(d->v[i].text, needle))
			return 1;
	return 0;
}

#define MINIMAL_BOARD "boards = ( { name = \"b\"; width = 64; height = 16; format = \"mono\"; address = \"tcp:127.0.0.1:1\"; } );\n"

static void
test_dates(void **state)
{
	ls_day d;

	assert_int_equal(ls_parse_date("1970-01-01", &d), 0);
	assert_int_equal(d, 0);
	assert_int_equal(ls_parse_date("2023-09-11", &d), 0);
	assert_int_equal(d, 19611);
	assert_int_equal(ls_parse_date("2024-02-29", &d), 0);
	assert_int_equal(ls_parse_date("2023-02-29", &d), -1);
	assert_int_equal(ls_parse_date("2100-02-29", &d), -1);
	assert_int_equal(ls_parse_date("2000-02-29", &d), 0);
	assert_int_equal(ls_parse_date("2023-9-11", &d), -1);
	assert_int_equal(ls_parse_date("2023-09-11x", &d), -1);
	assert_int_equal(ls_parse_date("2023-13-01", &d), -1);
}

static void
test_hhmm(void **state)
{
	int m;

	assert_int_equal(ls_parse_hhmm("00:00", &m), 0);
	assert_int_equal(m, 0);
	assert_int_equal(ls_parse_hhmm("24:00", &m), 0);
	assert_int_equal(m, 1440);
	assert_int_equal(ls_parse_hhmm("07:30", &m), 0);
	assert_int_equal(m, 450);
	assert_int_equal(ls_parse_hhmm("24:01", &m), -1);
	assert_int_equal(ls_parse_hhmm("7:30", &m), -1);
	assert_int_equal(ls_parse_hhmm("07:60", &m), -1);
}

static void
test_full_config(void **state)
{
	struct ls_diag d = { 0 };
	struct ls_config *c = load_text(
	    "timezone = \"Europe/Berlin\";\n"
	    MINIMAL_BOARD
	    "content = ( { name = \"t\"; text = \"网络安全\"; effect = \"scroll-left\"; speed = 40; color = \"#00ff00\"; } );\n"
	    "playlists = ( { name = \"p\"; items = (\"t\", { item = \"t\"; duration = 5.5; hours = \"22:00-06:00\"; }); } );\n"
	    "schedule = ( { playlist = \"p\"; boards = \"all\"; weekdays = [\"mon\", \"weekend\"]; hours = \"07:00-22:00\"; },\n"
	    "             { kind = \"off\"; boards = [\"b\"]; dates = [\"2023-09-12\"]; } );\n", &d);

	ls_diag_print(&d, stderr);
	assert_non_null(c);
	assert_int_equal(d.errors, 0);
	assert_string_equal(c->timezone, "Europe/Berlin");
	assert_int_equal(c->nboards, 1);
	assert_string_equal(c->boards[0].protocol, "lsp");
	assert_int_equal(c->boards[0].color, 0xff0000);
	assert_int_equal(c->boards[0].serial.baud, 57600);
	assert_int_equal(c->content[0].effect, LS_FX_SCROLL_LEFT);
	assert_true(c->content[0].speed == 40.0);
	assert_int_equal(c->content[0].color, 0x00ff00);
	assert_int_equal(c->content[0].align, LS_ALIGN_CENTER);
	assert_int_equal(c->playlists[0].nentries, 2);
	assert_int_equal(c->playlists[0].entries[0].from_min, -1);
	assert_int_equal(c->playlists[0].entries[1].from_min, 22 * 60);
	assert_int_equal(c->playlists[0].entries[1].to_min, 6 * 60);
	assert_true(c->playlists[0].entries[1].duration == 5.5);
	assert_int_equal(c->rules[0].weekdays, 0x43);
	assert_int_equal(c->rules[0].start_min, 420);
	assert_int_equal(c->rules[0].priority, 0);
	assert_int_equal(c->rules[1].kind, LS_RULE_OFF);
	assert_int_equal(c->rules[1].dates.n, 1);
	assert_int_equal(c->rules[1].priority, 100);
	assert_int_equal(c->rules[1].weekdays, 0x7f);
	assert_true(ls_board_selected(&c->boards[0], &c->rules[0].boards));
	ls_config_free(c);
	ls_diag_clear(&d);
	unlink(path);
}

static void
test_errors_have_lines(void **state)
{
	struct ls_diag d = { 0 };
	struct ls_config *c = load_text(
	    MINIMAL_BOARD
	    "content = ( { name = \"t\"; text = \"x\"; size = 9999; },\n"
	    "            { name = \"t\"; text = \"y\"; align = \"middle\"; } );\n"
	    "playlists = ( { name = \"p\"; items = []; } );\n"
	    "schedule = ( { playlist = \"p\"; boards = [\"b\"]; from = \"2023-09-17\"; to = \"2023-09-11\"; hours = \"25:00-26:00\"; } );\n"
	    "bogus = 1;\n", &d);

	assert_null(c);
	assert_true(has(&d, 2, "size is 9999"));
	assert_true(has(&d, 3, "used twice"));
	assert_true(has(&d, 3, "align \"middle\" is not known"));
	assert_true(has(&d, 4, "items is empty"));
	assert_true(has(&d, 5, "\"to\" is before \"from\""));
	assert_true(has(&d, 5, "hours \"25:00-26:00\""));
	assert_true(has(&d, 6, "unknown setting \"bogus\""));
	ls_diag_clear(&d);
	unlink(path);
}

static void
test_bad_utf8(void **state)
{
	struct ls_diag d = { 0 };
	struct ls_config *c = load_text(
	    MINIMAL_BOARD
	    "content = ( { name = \"t\"; text = \"\xe7\xbd\x91\xff\"; } );\n"
	    "playlists = ( { name = \"p\"; items = [\"t\"]; } );\n", &d);

	assert_null(c);
	assert_true(has(&d, 2, "not valid UTF-8"));
	ls_diag_clear(&d);
	unlink(path);
}

static void
test_syntax_error(void **state)
{
	struct ls_diag d = { 0 };
	struct ls_config *c = load_text("a = 1;\nb = ;\n", &d);

	assert_null(c);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.v[0].line, 2);
	assert_non_null(strstr(d.v[0].text, "syntax error"));
	ls_diag_clear(&d);
	unlink(path);
}

/* What a new user's mistakes get: an hour out of range said as such, a
 * "did you mean" for a missing playlist, item or board (in code points, so
 * Chinese names too), rules named by name or line, two names run together
 * for want of a comma. */
static void
test_new_user_messages(void **state)
{
	struct ls_diag d = { 0 };
	struct ls_config *c = load_text(
	    "boards = ( { name = \"canteen\"; width = 64; height = 16; format = \"mono\"; address = \"tcp:127.0.0.1:1\"; groups = [\"indoor\"]; },\n"
	    "           { name = \"食堂\"; width = 64; height = 16; format = \"mono\"; address = \"tcp:127.0.0.1:1\"; } );\n"
	    "content = ( { name = \"theme\"; text = \"x\"; }, { name = \"海报一\"; text = \"y\"; } );\n"
	    "playlists = ( { name = \"week-canteen\"; items = [\"thme\", \"海报二\", \"theme\" \"海报一\", \"zzzzzz\"]; } );\n"
	    "schedule = ( { name = \"lunch\"; playlist = \"week-cantene\"; boards = [\"canten\"]; hours = \"21:30-25:00\"; },\n"
	    "             { playlist = \"week-canteen\"; boards = [\"食党\", \"indor\"]; hours = \"11:70-12:00\"; } );\n",
	    &d);

	assert_null(c);
	assert_true(has(&d, 4, "item \"thme\" is not in content; did you mean \"theme\"?"));
	assert_true(has(&d, 4, "item \"海报二\" is not in content; did you mean \"海报一\"?"));
	assert_true(has(&d, 4, "item \"theme海报一\" is not in content; a ',' is missing between \"theme\" and \"海报一\""));
	assert_true(has(&d, 4, "item \"zzzzzz\" is not in content"));
	assert_false(has(&d, 4, "\"zzzzzz\" is not in content; did you mean"));
	assert_true(has(&d, 5, "schedule rule \"lunch\": hours \"21:30-25:00\": 25:00 is out of range"));
	assert_false(has(&d, 5, "must be \"HH:MM-HH:MM\""));
	assert_true(has(&d, 5, "schedule rule \"lunch\": playlist \"week-cantene\" does not exist; did you mean \"week-canteen\"?"));
	assert_true(has(&d, 5, "schedule rule \"lunch\": \"canten\" is neither a board nor a group; did you mean \"canteen\"?"));
	assert_true(has(&d, 6, "schedule rule at line 6: hours \"11:70-12:00\": 11:70 is out of range"));
	assert_true(has(&d, 6, "schedule rule at line 6: \"食党\" is neither a board nor a group; did you mean \"食堂\"?"));
	assert_true(has(&d, 6, "schedule rule at line 6: \"indor\" is neither a board nor a group; did you mean \"indoor\"?"));
	ls_diag_clear(&d);
	unlink(path);
	/* a form that is not HH:MM at all keeps the form message */
	c = load_text(MINIMAL_BOARD "content = ( { name = \"t\"; text = \"x\"; } );\n"
	    "playlists = ( { name = \"p\"; items = [\"t\"]; } );\n"
	    "schedule = ( { playlist = \"p\"; boards = [\"b\"]; hours = \"7:00-22:00\"; } );\n", &d);
	assert_null(c);
	assert_true(has(&d, 4, "hours \"7:00-22:00\" must be \"HH:MM-HH:MM\""));
	ls_diag_clear(&d);
	unlink(path);
}

/* A missing comma between list elements on lines of their own is reported
 * at the line where it is missing, not at the next one (libconfig's). */
static void
test_missing_comma_line(void **state)
{
	struct ls_diag d = { 0 };
	struct ls_config *c = load_text(
	    "boards = (\n"
	    "  { name = \"a\"; width = 64; height = 16; format = \"mono\"; address = \"tcp:127.0.0.1:1\"; }  # first\n"
	    "\n"
	    "  // the second board\n"
	    "  { name = \"b\"; width = 64; height = 16; format = \"mono\"; address = \"tcp:127.0.0.1:1\"; }\n"
	    ");\n", &d);

	assert_null(c);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.v[0].line, 2);
	assert_non_null(strstr(d.v[0].text, "missing ','"));
	ls_diag_clear(&d);
	unlink(path);
}

/* Playlist entries take weekdays and dates as rules do. */
static void
test_entry_days(void **state)
{
	struct ls_diag d = { 0 };
	struct ls_config *c = load_text(
	    MINIMAL_BOARD
	    "content = ( { name = \"t\"; text = \"x\"; }, { name = \"w\"; text = \"y\"; } );\n"
	    "playlists = ( { name = \"p\"; items = ( \"t\", { item = \"w\"; weekdays = [\"wed\"]; },\n"
	    "                                        { item = \"t\"; dates = [\"2023-09-13\", \"2023-09-15\"]; weekdays = \"weekend\"; } ); } );\n"
	    "schedule = ( { playlist = \"p\"; boards = [\"b\"]; } );\n", &d);
	ls_day wed;

	assert_non_null(c);
	assert_int_equal(c->playlists[0].nentries, 3);
	assert_int_equal(c->playlists[0].entries[0].weekdays, 0);
	assert_int_equal(c->playlists[0].entries[0].dates.n, 0);
	assert_int_equal(c->playlists[0].entries[1].weekdays, 1u << 3);
	assert_int_equal(c->playlists[0].entries[2].weekdays, (1u << 0) | (1u << 6));
	assert_int_equal(c->playlists[0].entries[2].dates.n, 2);
	assert_int_equal(ls_parse_date("2023-09-13", &wed), 0);
	assert_int_equal(c->playlists[0].entries[2].dates.v[0], wed);
	ls_config_free(c);
	ls_diag_clear(&d);
	unlink(path);

	c = load_text(MINIMAL_BOARD
	    "content = ( { name = \"t\"; text = \"x\"; } );\n"
	    "playlists = ( { name = \"p\"; items = ( { item = \"t\"; weekdays = []; }, { item = \"t\"; dates = [\"2023-02-30\"]; },\n"
	    "                                        { item = \"t\"; weekdays = [\"wen\"]; } ); } );\n", &d);
	assert_null(c);
	assert_true(has(&d, 3, "weekdays names no day"));
	assert_true(has(&d, 3, "\"2023-02-30\" is not a real date"));
	assert_true(has(&d, 4, "\"wen\" is not a day"));
	ls_diag_clear(&d);
	unlink(path);
}

/* A font or poster "file" that is a FIFO (or a device) is refused by name
 * before anything opens it: opening a FIFO nobody writes blocks, and a
 * check or a reload would hang on it (the alarm ends the test then). */
static void
test_font_file_fifo(void **state)
{
	struct ls_diag d = { 0 };
	char dir[] = "/tmp/ledsign-fifo-XXXXXX", fifo[64], text[1024];
	struct ls_config *c;

	assert_non_null(mkdtemp(dir));
	snprintf(fifo, sizeof fifo, "%s/font.ttf", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	snprintf(text, sizeof text, MINIMAL_BOARD
	    "fonts = ( { name = \"x\"; file = \"%s\"; } );\n"
	    "content = ( { name = \"t\"; text = \"x\"; font = \"x\"; },\n"
	    "            { name = \"u\"; text = \"y\"; font = \"%s\"; } );\n"
	    "playlists = ( { name = \"p\"; items = [\"t\", \"u\"]; } );\n", fifo, fifo);
	alarm(10);
	c = load_text(text, &d);
	assert_null(c);
	assert_true(has(&d, 2, "is not a regular file"));
	assert_true(has(&d, 4, "is not a regular file"));
	alarm(0);
	ls_diag_clear(&d);
	unlink(path);
	unlink(fifo);
	rmdir(dir);
}

/* An @include of a FIFO (directly, or from an included file) or of a
 * directory is refused at its line; libconfig opened the FIFO and blocked
 * 'ledsign check' and a reload until someone wrote to it. */
static void
test_include_fifo(void **state)
{
	struct ls_diag d = { 0 };
	char dir[] = "/tmp/ledsign-inc-XXXXXX", fifo[64], inner[64], text[1024];
	const char *rel;
	struct ls_config *c;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	rel = dir + strlen("/tmp/");       /* the config is in /tmp: relative to it */
	snprintf(fifo, sizeof fifo, "%s/inc.fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	alarm(10);
	snprintf(text, sizeof text, MINIMAL_BOARD "@include \"%s/inc.fifo\"\n", rel);
	c = load_text(text, &d);
	assert_null(c);
	assert_true(has(&d, 2, "is not a regular file"));
	ls_diag_clear(&d);
	unlink(path);
	/* one level down: the included file's line */
	snprintf(inner, sizeof inner, "%s/inner.cfg", dir);
	assert_non_null(f = fopen(inner, "w"));
	fprintf(f, "# inner\n  @include \"%s/inc.fifo\"\n", rel);
	fclose(f);
	snprintf(text, sizeof text, MINIMAL_BOARD "@include \"%s/inner.cfg\"\n", rel);
	c = load_text(text, &d);
	assert_null(c);
	assert_true(has(&d, 2, "inc.fifo"));
	assert_true(d.n >= 1 && strstr(d.v[0].file, "inner.cfg") != NULL);
	ls_diag_clear(&d);
	unlink(path);
	/* a directory */
	snprintf(text, sizeof text, MINIMAL_BOARD "\n@include \"%s\"\n", rel);
	c = load_text(text, &d);
	assert_null(c);
	assert_true(has(&d, 3, "is a directory"));
	alarm(0);
	ls_diag_clear(&d);
	unlink(path);
	unlink(inner);
	unlink(fifo);
	rmdir(dir);
}

/* ls_config_peek reads an @include relative to the config's directory, as
 * the full loader does: a client run from elsewhere (cron, a duty
 * officer's home) must find the control_socket an included file sets. */
static void
test_peek_include(void **state)
{
	char dir[] = "/tmp/ledsign-peek-XXXXXX", main_cfg[64], inc[64], err[256];
	struct ls_config_peek pk;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(main_cfg, sizeof main_cfg, "%s/main.cfg", dir);
	snprintf(inc, sizeof inc, "%s/site.cfg", dir);
	assert_non_null(f = fopen(inc, "w"));
	fputs("control_socket = \"/run/x/control.sock\";\ntimezone = \"Europe/Berlin\";\n", f);
	fclose(f);
	assert_non_null(f = fopen(main_cfg, "w"));
	fputs("@include \"site.cfg\"\nboards = ();\n", f);
	fclose(f);
	assert_int_equal(ls_config_peek(main_cfg, &pk, err, sizeof err), 0);   /* cwd is not dir */
	assert_int_equal(pk.syntax_error, 0);
	assert_non_null(pk.control_socket);
	assert_string_equal(pk.control_socket, "/run/x/control.sock");
	assert_non_null(pk.timezone);
	assert_string_equal(pk.timezone, "Europe/Berlin");
	ls_config_peek_clear(&pk);
	/* an @include of a FIFO: a broken config (the full load reports it),
	 * never a client blocked in libconfig's fopen() */
	unlink(inc);
	assert_int_equal(mkfifo(inc, 0600), 0);
	alarm(10);
	assert_int_equal(ls_config_peek(main_cfg, &pk, err, sizeof err), 0);
	alarm(0);
	assert_int_equal(pk.syntax_error, 1);
	ls_config_peek_clear(&pk);
	unlink(inc);
	unlink(main_cfg);
	rmdir(dir);
}

/* The loader's index (model_index.c) answers every lookup as a scan of the
 * lists would: each name its first element, an unknown name NULL, each
 * rule's boards as ls_board_selected says; and a section changed after
 * the load, or a copied board, is answered by a scan, never wrongly. */
static void
test_model_index(void **state)
{
	struct ls_diag d = { 0 };
	struct ls_config *c = ls_config_load("content/campaign-week.cfg", &d);
	struct ls_board copy;

	(void)state;
	assert_non_null(c);
	assert_non_null(c->index);
	assert_true(c->nboards > 1 && c->ncontent > 1 && c->nplaylists > 1 && c->nrules > 1);
	for (size_t i = 0; i < c->nboards; i++)
		assert_ptr_equal(ls_config_board(c, c->boards[i].name), &c->boards[i]);
	for (size_t i = 0; i < c->ncontent; i++)
		assert_ptr_equal(ls_config_content(c, c->content[i].name), &c->content[i]);
	for (size_t i = 0; i < c->nplaylists; i++)
		assert_ptr_equal(ls_config_playlist(c, c->playlists[i].name), &c->playlists[i]);
	assert_null(ls_config_content(c, "no such item"));
	assert_null(ls_config_board(c, ""));
	assert_null(ls_config_playlist(c, "\xe7\xbd\x91"));     /* 网 */
	for (size_t r = 0; r < c->nrules; r++)
		for (size_t b = 0; b < c->nboards; b++) {
			int want = ls_board_selected(&c->boards[b], &c->rules[r].boards);
			assert_int_equal(ls_rule_selects(c, &c->rules[r], &c->boards[b]), want);
			copy = c->boards[b];
			assert_int_equal(ls_rule_selects(c, &c->rules[r], &copy), want);
		}
	/* the last item taken off after the load: not found by the index */
	c->ncontent--;
	assert_null(ls_config_content(c, c->content[c->ncontent].name));
	assert_ptr_equal(ls_config_content(c, c->content[0].name), &c->content[0]);
	c->ncontent++;
	ls_config_free(c);
	ls_diag_clear(&d);
}

/* A layout area whose playlist is not valid UTF-8 is an error at its line,
 * and the reference check that follows skips it: it called did-you-mean
 * with no name (fuzz_config found it: a NULL read under UBSan). */
static void
test_area_playlist_bad_utf8(void **state)
{
	struct ls_diag d = { 0 };
	struct ls_config *c;

	(void)state;
	c = load_text(MINIMAL_BOARD
	    "content = ( { name = \"t\"; text = \"x\"; } );\n"
	    "playlists = ( { name = \"p\"; items = [\"t\"]; } );\n"
	    "layouts = ( { name = \"l\"; width = 64; height = 16; areas = (\n"
	    "  { name = \"a\"; x = 0; y = 0; width = 64; height = 16; playlist = \"p\\xff\"; } ); } );\n", &d);
	assert_null(c);
	assert_true(d.errors >= 1);
	ls_diag_clear(&d);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_hhmm),
		cmocka_unit_test(test_full_config),
		cmocka_unit_test(test_errors_have_lines),
		cmocka_unit_test(test_bad_utf8),
		cmocka_unit_test(test_syntax_error),
		cmocka_unit_test(test_new_user_messages),
		cmocka_unit_test(test_missing_comma_line),
		cmocka_unit_test(test_entry_days),
		cmocka_unit_test(test_font_file_fifo),
		cmocka_unit_test(test_include_fifo),
		cmocka_unit_test(test_peek_include),
		cmocka_unit_test(test_model_index),
		cmocka_unit_test(test_area_playlist_bad_utf8),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
