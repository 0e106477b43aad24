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

#include <time.h>

#include <event2/event.h>

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

/* What the attached child told us (capchild_reply_fn). */
struct outcome {
	int n, rc, sent;
	struct cap_result r;
	char err[1024];
	struct event_base *base;
};

static void
on_reply(void *arg, int rc, struct cap_result *out, const char *err, int sent)
{
	struct outcome *o = arg;

	o->n++;
	o->rc = rc;
	o->sent = sent;
	if (rc == 0)
		o->r = *out;
	snprintf(o->err, sizeof o->err, "%s", err ? err : "");
	event_base_loopbreak(o->base);
}

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* On an event loop: capchild_send returns at once, the reply comes as an
 * event; a stopped child is given up on by the timer, not by a wait. */
static void
test_async(void **state)
{
	static struct ls_config cfg;
	struct event_base *base = event_base_new();
	struct outcome o = { .base = base };
	struct capchild *c;
	char err[512];
	double t0, sent_in;

	assert_non_null(base);
	assert_non_null(c = capchild_new(&cfg, NULL, err, sizeof err));
	assert_int_equal(capchild_attach(c, base, on_reply, &o, err, sizeof err), 0);
	assert_int_equal(capchild_send(c, doc, strlen(doc), "t.xml", NOW, err, sizeof err), 0);
	assert_true(capchild_busy(c));
	/* one at a time */
	assert_int_equal(capchild_send(c, doc, strlen(doc), "u.xml", NOW, err, sizeof err), -1);
	event_base_dispatch(base);
	assert_int_equal(o.n, 1);
	assert_int_equal(o.rc, 0);
	assert_int_equal(o.sent, 1);
	assert_string_equal(o.r.alert.text, "TORNADO WARNING");
	cap_result_clear(&o.r);
	assert_false(capchild_busy(c));

	/* a parser error, and the child lives on */
	assert_int_equal(capchild_send(c, "<alert>", 7, "bad.xml", NOW, err, sizeof err), 0);
	event_base_dispatch(base);
	assert_int_equal(o.n, 2);
	assert_int_equal(o.rc, -1);
	assert_non_null(strstr(o.err, "bad.xml"));

	/* stopped: send does not wait; the timer fails the document */
	kill(capchild_pid(c), SIGSTOP);
	t0 = mono();
	assert_int_equal(capchild_send(c, doc, strlen(doc), "h.xml", NOW, err, sizeof err), 0);
	sent_in = mono() - t0;
	assert_true(sent_in < 0.5);
	event_base_dispatch(base);
	assert_int_equal(o.n, 3);
	assert_int_equal(o.rc, CAPCHILD_DIED);
	assert_int_equal(o.sent, 1);
	assert_non_null(strstr(o.err, "h.xml"));
	assert_non_null(strstr(o.err, "did not answer"));
	assert_true(mono() - t0 >= CAPCHILD_TIMEOUT_MS / 1000.0 - 0.05);
	capchild_free(c, NULL);

	/* a child that dies while idle is reported with sent 0 */
	assert_non_null(c = capchild_new(&cfg, NULL, err, sizeof err));
	assert_int_equal(capchild_attach(c, base, on_reply, &o, err, sizeof err), 0);
	kill(capchild_pid(c), SIGKILL);
	event_base_dispatch(base);
	assert_int_equal(o.n, 4);
	assert_int_equal(o.rc, CAPCHILD_DIED);
	assert_int_equal(o.sent, 0);
	assert_non_null(strstr(o.err, "killed by signal 9"));
	capchild_free(c, NULL);
	event_base_free(base);
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
		cmocka_unit_test(test_async),
		cmocka_unit_test(test_users),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
