/* Unit tests for src/daemon/capchild.c and priv.c: CAP parsed in a child
 * process gives what cap_parse gives; a child that dies costs one document
 * and says so; users that are no drop are refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon/capchild.h"

#define NOW 1795572000LL

static const char doc[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">\n"
    "  <identifier>KSTO1</identifier><sender>KSTO@NWS.NOAA.GOV</sender>\n"
    "  <sent>2026-11-25T09:55:00+08:00</sent><status>Actual</status><msgType>Alert</msgType>\n"
    "  <scope>Public</scope>\n"
    "  <info><category>Met</category><event>Tornado</event><urgency>Immediate</urgency>\n"
    "    <severity>Extreme</severity><certainty>Observed</certainty>\n"
    "    <headline>TORNADO WARNING</headline></info>\n"
    "</alert>\n";

/* The uid a process runs as, from /proc. */
static long
proc_uid(pid_t pid)
{
	char path[64], line[256];
	long uid = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	assert_non_null(f = fopen(path, "r"));
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "Uid: %ld", &uid) == 1)
			break;
	fclose(f);
	return uid;
}

static void
test_parse_in_child(void **state)
{
	static struct ls_config cfg;
	struct capchild *c;
	struct cap_result r, mine;
	char err[512];

	c = capchild_new(&cfg, NULL, err, sizeof err);
	assert_non_null(c);
	assert_true(capchild_pid(c) > 0 && capchild_pid(c) != getpid());
	if (geteuid() == 0)
		assert_true(proc_uid(capchild_pid(c)) != 0);   /* root's child becomes nobody */

	assert_int_equal(capchild_parse(c, doc, strlen(doc), "t.xml", NOW, &r, err, sizeof err), 0);
	assert_int_equal(cap_parse(doc, strlen(doc), "t.xml", &cfg, NOW, &mine, err, sizeof err), 0);
	assert_int_equal(r.action, mine.action);
	assert_string_equal(r.alert.id, mine.alert.id);
	assert_string_equal(r.alert.text, mine.alert.text);
	assert_int_equal(r.alert.level, mine.alert.level);
	assert_true(r.alert.expires == mine.alert.expires);
	cap_result_clear(&r);
	cap_result_clear(&mine);

	/* a parser error arrives as the parser's message; the child lives on */
	assert_int_equal(capchild_parse(c, "<alert>", 7, "bad.xml", NOW, &r, err, sizeof err), -1);
	assert_non_null(strstr(err, "bad.xml"));
	assert_int_equal(capchild_parse(c, doc, strlen(doc), "t.xml", NOW, &r, err, sizeof err), 0);
	cap_result_clear(&r);
	capchild_free(c, NULL);
}

static void
test_child_killed(void **state)
{
	static struct ls_config cfg;
	struct capchild *c;
	struct cap_result r;
	char err[512];
	int st;

	c = capchild_new(&cfg, NULL, err, sizeof err);
	assert_non_null(c);
	kill(capchild_pid(c), SIGKILL);
	assert_int_equal(capchild_parse(c, doc, strlen(doc), "t.xml", NOW, &r, err, sizeof err), CAPCHILD_DIED);
	assert_non_null(strstr(err, "t.xml"));
	assert_non_null(strstr(err, "killed by signal 9"));
	/* finished: it says so again rather than hang */
	assert_int_equal(capchild_parse(c, doc, strlen(doc), "u.xml", NOW, &r, err, sizeof err), CAPCHILD_DIED);
	capchild_free(c, &st);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	capchild_free(NULL, NULL);
}

static void
test_users(void **state)
{
	struct priv_user u;
	char err[256];

	assert_int_equal(priv_user_lookup("root", 1, &u, err, sizeof err), -1);
	assert_non_null(strstr(err, "is root"));
	assert_int_equal(priv_user_lookup("0", 1, &u, err, sizeof err), -1);
	assert_int_equal(priv_user_lookup("no-such-user-ledsign-test", 1, &u, err, sizeof err), -1);
	assert_non_null(strstr(err, "useradd"));
	if (priv_user_lookup("nobody", 0, &u, err, sizeof err) == 0) {
		assert_true(u.uid != 0);
		assert_string_equal(u.name, "nobody");
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_in_child),
		cmocka_unit_test(test_child_killed),
		cmocka_unit_test(test_users),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
