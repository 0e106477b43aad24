/* Unit tests for the alert settings in config.c: control_users,
 * control_groups, cap_dir, cap_accept_test, cap_areas. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "config/config.h"

#define BASE \
	"boards = ( { name = \"hall\"; width = 64; height = 16; format = \"mono\"; address = \"tcp:127.0.0.1:1\";\n" \
	"             groups = [\"north\"]; } );\n" \
	"content = ( { name = \"c\"; text = \"x\"; } );\n" \
	"playlists = ( { name = \"p\"; items = [\"c\"]; } );\n"

#define CONFIG_FIXTURE_TMP "/tmp/ledsign-alertcfg-XXXXXX"
#include "config_fixture.h"

/* The config from text, its file already gone. */
static struct ls_config *
load_gone(const char *text, struct ls_diag *d)
{
	struct ls_config *cfg = load_text(text, d);

	unlink(path);
	return cfg;
}

static int
has(const struct ls_diag *d, int line, const char *needle)
{
	for (size_t i = 0; i < d->n; i++)
		if ((line < 0 || d->v[i].line == line) && strstr(d->v[i].text, needle))
			return 1;
	return 0;
}

static void
test_defaults(void **state)
{
	struct ls_diag d = { 0 };
	struct ls_config *cfg = load_gone(BASE, &d);

	assert_non_null(cfg);
	assert_string_equal(cfg->control_socket, "/run/ledsign/control.sock");
	assert_string_equal(cfg->state_dir, "/var/lib/ledsign");
	assert_int_equal(cfg->control_users.n, 0);
	assert_int_equal(cfg->control_groups.n, 0);
	assert_null(cfg->cap_dir);
	assert_int_equal(cfg->ncap_areas, 0);
	assert_int_equal(cfg->cap_accept_test, 0);
	ls_config_free(cfg);
	ls_diag_clear(&d);
}

static void
test_settings(void **state)
{
	struct ls_diag d = { 0 };
	struct ls_config *cfg = load_gone(BASE
	    "control_users = [\"root\", \"1000\"];\n"
	    "control_groups = \"root\";\n"
	    "cap_dir = \"/var/spool/ledsign/cap\";\n"
	    "cap_accept_test = true;\n"
	    "cap_areas = ( { match = \"North Campus\"; groups = [\"north\"]; },\n"
	    "              { match = \"*\"; groups = \"all\"; } );\n", &d);

	if (cfg == NULL) {
		ls_diag_print(&d, stderr);
		fail();
	}
	assert_int_equal(cfg->control_users.n, 2);
	assert_string_equal(cfg->control_users.v[1], "1000");
	assert_int_equal(cfg->control_groups.n, 1);
	assert_string_equal(cfg->cap_dir, "/var/spool/ledsign/cap");
	assert_int_equal(cfg->cap_accept_test, 1);
	assert_int_equal(cfg->ncap_areas, 2);
	assert_string_equal(cfg->cap_areas[0].match, "North Campus");
	assert_string_equal(cfg->cap_areas[0].groups.v[0], "north");
	assert_int_equal(cfg->cap_areas[0].line, 9);
	assert_string_equal(cfg->cap_areas[1].groups.v[0], "all");
	assert_int_equal(d.errors, 0);
	assert_int_equal(d.warnings, 0);
	ls_config_free(cfg);
	ls_diag_clear(&d);
}

static void
test_errors(void **state)
{
	struct ls_diag d = { 0 };
	struct ls_config *cfg = load_gone(BASE
	    "cap_areas = ( { match = \"North\"; groups = [\"nosuchgroup\"]; },\n"
	    "              { groups = [\"north\"]; },\n"
	    "              { match = \"x\"; groups = [\"north\"]; colour = 1; } );\n"
	    "cap_accept_test = \"yes\";\n"
	    "control_users = [\"no-such-user-q\"];\n", &d);

	assert_null(cfg);
	assert_true(has(&d, 5, "nosuchgroup"));
	assert_true(has(&d, 6, "match"));
	assert_true(has(&d, 7, "colour"));
	assert_true(has(&d, 8, "cap_accept_test"));
	assert_true(has(&d, -1, "no user \"no-such-user-q\""));
	ls_diag_clear(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
