/* Unit tests for src/record/audit.c (the append-only audit log) and the
 * control verbs that feed and read it (record, audit, alert/clear with
 * actor=), and the snapshot verb (the frame a board acknowledged). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "daemon/control.h"
#include "daemon/player.h"
#include "record/audit.h"
#include "render/canvas.h"
#include "util/base64.h"
#include "util/kv.h"
#include "util/log.h"

#include "control_fixture.h"

struct fx {
	char dir[64], sock[96], state[96], db[96];
	struct ls_config cfg;
	struct alert_store *store;
	struct control_server *srv;
	struct audit *audit;
};

static struct render_canvas *shown;

/* Two boards: "hall" showing a known canvas it acknowledged, "gate" nothing yet. */
static void
on_boards(void *arg, struct control_daemon_info *info, control_board_fn fn, void *ctx)
{
	struct player_status st;

	(void)arg;
	info->wall = 1700000100.5;
	memset(&st, 0, sizeof st);
	st.board = "hall";
	st.state = PLAYER_ONLINE;
	snprintf(st.item, sizeof st.item, "alert:emergency");
	snprintf(st.rule, sizeof st.rule, "alert a-1");
	st.shown = shown;
	st.shown_frame = 7;
	st.shown_at = 1700000100.25;
	st.shown_acked = 1;
	fn(ctx, &st);
	memset(&st, 0, sizeof st);
	st.board = "gate";
	st.state = PLAYER_OFFLINE;
	snprintf(st.reason, sizeof st.reason, "connection refused");
	snprintf(st.item, sizeof st.item, "-");
	fn(ctx, &st);
}

static const struct control_ops ops = { .boards = on_boards };

static void
quiet(void *arg, enum log_level level, const char *subsys, const char *board, const char *msg)
{
	(void)arg; (void)level; (void)subsys; (void)board; (void)msg;
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	char err[256];

	snprintf(f->dir, sizeof f->dir, "/tmp/ledsign-test-audit.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->sock, sizeof f->sock, "%s/control.sock", f->dir);
	snprintf(f->state, sizeof f->state, "%s/state", f->dir);
	snprintf(f->db, sizeof f->db, "%s/audit.db", f->dir);
	f->store = alert_store_open(f->state, time(NULL), err, sizeof err);
	assert_non_null(f->store);
	f->srv = control_server_new(f->sock, &f->cfg, f->store, &ops, f, err, sizeof err);
	assert_non_null(f->srv);
	f->audit = audit_open(f->db, err, sizeof err);
	if (f->audit == NULL)
		fail_msg("%s", err);
	control_server_set_audit(f->srv, f->audit);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	control_server_free(f->srv);
	audit_close(f->audit);
	alert_store_free(f->store);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* Entries come back newest first, with every field; ids count up. */
static void
test_audit_module(void **state)
{
	struct fx *f = *state;
	struct audit_entry e = { 0 };
	char err[256];
	long long id1, id2;

	e.origin = "cli";
	e.uid = 1000;
	e.actor = "";
	e.action = "alert";
	e.target = "a-1";
	e.detail = "text=暴雨";
	assert_int_equal(audit_add(f->audit, &e, &id1, err, sizeof err), 0);
	e.origin = "web";
	e.actor = "alice";
	e.action = "clear";
	e.detail = NULL;
	assert_int_equal(audit_add(f->audit, &e, &id2, err, sizeof err), 0);
	assert_int_equal(id2, id1 + 1);
	{
		const char *a = ctl_ask_as(f->srv, 0, CONTROL_ROLE_VIEWER, "ledsign-control/1 audit");
		const char *p1 = strstr(a, "action=clear"), *p2 = strstr(a, "action=alert");

		assert_non_null(p1);
		assert_non_null(p2);
		assert_true(p1 < p2);   /* newest first */
		assert_non_null(strstr(a, "origin=web uid=1000 actor=alice action=clear target=a-1 detail=\n"));
		assert_non_null(strstr(a, "detail=text%3D暴雨\n"));
		assert_non_null(strstr(a, "ok version=1 entries=2 oldest=1\n"));
		/* paging: before the newest */
		a = ctl_ask_as(f->srv, 0, CONTROL_ROLE_VIEWER, "ledsign-control/1 audit before=2 limit=5");
		assert_null(strstr(a, "action=clear"));
		assert_non_null(strstr(a, "ok version=1 entries=1 oldest=1\n"));
	}
}

/* Append-only: the database refuses UPDATE and DELETE on the log. */
static void
test_audit_append_only(void **state)
{
	struct fx *f = *state;
	struct audit_entry e = { 0 };
	char err[256], *emsg = NULL;
	sqlite3 *db;

	e.origin = "cli";
	e.uid = 0;
	e.action = "reload";
	assert_int_equal(audit_add(f->audit, &e, NULL, err, sizeof err), 0);
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "UPDATE audit SET actor = 'mallory'", NULL, NULL, &emsg), SQLITE_OK);
	assert_non_null(strstr(emsg, "append-only"));
	sqlite3_free(emsg);
	emsg = NULL;
	assert_int_not_equal(sqlite3_exec(db, "DELETE FROM audit", NULL, NULL, &emsg), SQLITE_OK);
	sqlite3_free(emsg);
	sqlite3_close(db);
	assert_non_null(strstr(ctl_ask_as(f->srv, 0, CONTROL_ROLE_VIEWER, "ledsign-control/1 audit"), "action=reload"));
	/* the file is the controller's user's only */
	{
		struct stat st;

		assert_int_equal(stat(f->db, &st), 0);
		assert_int_equal(st.st_mode & 077, 0);
	}
}

/* The socket records who raised and cleared an alert: the peer's uid, and
 * the console user when the console says so; the alert's source says it
 * too (what `ledsign alerts` shows). */
static void
test_alert_recorded(void **state)
{
	struct fx *f = *state;
	const char *a;
	char id[64];

	a = ctl_ask_as(f->srv, 1234, CONTROL_ROLE_OPERATOR, "ledsign-control/1 alert text=fire%20<drill> level=emergency actor=bob");
	assert_int_equal(strncmp(a, "ok id=", 6), 0);
	snprintf(id, sizeof id, "%.*s", (int)strcspn(a + 6, "\n"), a + 6);
	a = ctl_ask_as(f->srv, 1234, CONTROL_ROLE_OPERATOR, "ledsign-control/1 status");
	assert_non_null(strstr(a, "source=web:bob%20uid%3D1234"));
	a = ctl_ask_as(f->srv, 0, CONTROL_ROLE_ADMIN, "ledsign-control/1 alert text=x source=cli");
	assert_int_equal(strncmp(a, "ok id=", 6), 0);
	a = ctl_ask_as(f->srv, 0, CONTROL_ROLE_ADMIN, "ledsign-control/1 status");
	assert_non_null(strstr(a, "source=cli%20uid%3D0"));
	a = ctl_ask_as(f->srv, 1234, CONTROL_ROLE_OPERATOR, "ledsign-control/1 clear all=1 actor=bob");
	assert_string_equal(a, "ok cleared=2\n");
	a = ctl_ask_as(f->srv, 0, CONTROL_ROLE_VIEWER, "ledsign-control/1 audit");
	assert_non_null(strstr(a, "origin=web uid=1234 actor=bob action=clear target=all detail=cleared%3D2\n"));
	assert_non_null(strstr(a, "origin=cli uid=0 actor= action=alert"));
	{
		char want[160];

		snprintf(want, sizeof want, "origin=web uid=1234 actor=bob action=alert target=%s detail=level%%3Demergency", id);
		assert_non_null(strstr(a, want));
	}
	/* an actor that is not a user name is refused (it would forge log lines) */
	a = ctl_ask_as(f->srv, 1234, CONTROL_ROLE_OPERATOR, "ledsign-control/1 alert text=x actor=a%0Ab");
	assert_int_equal(strncmp(a, "error code=usage", 16), 0);
}

/* record: a console reports its users' actions; an operator may, a viewer
 * may not; control characters are refused; the peer's uid is kept. */
static void
test_record_verb(void **state)
{
	struct fx *f = *state;
	const char *a;

	a = ctl_ask_as(f->srv, 999, CONTROL_ROLE_OPERATOR,
	    "ledsign-control/1 record action=login actor=alice origin=web target=alice detail=127.0.0.1");
	assert_string_equal(a, "ok\n");
	a = ctl_ask_as(f->srv, 999, CONTROL_ROLE_VIEWER, "ledsign-control/1 record action=login actor=alice");
	assert_int_equal(strncmp(a, "error code=denied", 17), 0);
	a = ctl_ask_as(f->srv, 999, CONTROL_ROLE_OPERATOR, "ledsign-control/1 record action=save detail=a%1Bb");
	assert_int_equal(strncmp(a, "error code=usage", 16), 0);
	a = ctl_ask_as(f->srv, 999, CONTROL_ROLE_OPERATOR, "ledsign-control/1 record action=Bad%20Word");
	assert_int_equal(strncmp(a, "error code=usage", 16), 0);
	a = ctl_ask_as(f->srv, 999, CONTROL_ROLE_OPERATOR, "ledsign-control/1 record target=x");
	assert_int_equal(strncmp(a, "error code=usage", 16), 0);
	a = ctl_ask_as(f->srv, 0, CONTROL_ROLE_VIEWER, "ledsign-control/1 audit");
	assert_non_null(strstr(a, "entry id=1 "));
	assert_non_null(strstr(a, "origin=web uid=999 actor=alice action=login target=alice detail=127.0.0.1\n"));
	assert_non_null(strstr(a, "entries=1 "));
}

/* snapshot: the acknowledged canvas's bytes, base64, with the board's state
 * and what chose the item; boards= picks boards. */
static void
test_snapshot_verb(void **state)
{
	struct fx *f = *state;
	const char *a;
	char pix[4096], want[4096];
	uint8_t back[1024];

	shown = render_canvas_new(16, 4, LS_FMT_MONO);
	assert_non_null(shown);
	render_canvas_set(shown, 0, 0, 0xffffff);
	render_canvas_set(shown, 15, 3, 0xffffff);
	a = ctl_ask_as(f->srv, 0, CONTROL_ROLE_VIEWER, "ledsign-control/1 snapshot");
	assert_non_null(strstr(a, "snapshot name=hall state=online reason= item=alert:emergency rule=alert%20a-1 "
	    "width=16 height=4 format=mono stride=2 "));
	assert_non_null(strstr(a, "frame=7 at=1700000100.250 acked=1 omitted=0 pixels="));
	assert_non_null(strstr(a, "snapshot name=gate state=offline reason=connection%20refused"));
	assert_non_null(strstr(a, "ok version=1 boards=2 wall=1700000100.500\n"));
	assert_int_equal(control_line_get(strstr(a, "snapshot name=hall"), "pixels", pix, sizeof pix), 0);
	assert_int_equal(base64_decode(pix, back, sizeof back), 8);
	assert_memory_equal(back, shown->data, 8);
	assert_int_equal(back[0], 0x80);
	assert_int_equal(back[7], 0x01);
	base64_encode(shown->data, 8, want);
	assert_string_equal(pix, want);
	a = ctl_ask_as(f->srv, 0, CONTROL_ROLE_VIEWER, "ledsign-control/1 snapshot boards=gate");
	assert_null(strstr(a, "name=hall"));
	assert_non_null(strstr(a, "boards=1 "));
	a = ctl_ask_as(f->srv, 0, CONTROL_ROLE_VIEWER, "ledsign-control/1 snapshot what=1");
	assert_int_equal(strncmp(a, "error code=usage", 16), 0);
	render_canvas_free(shown);
	shown = NULL;
}

static void
test_base64(void **state)
{
	static const char *const in[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *const out[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
	char enc[32];
	uint8_t dec[32];

	(void)state;
	for (size_t i = 0; i < 7; i++) {
		base64_encode((const uint8_t *)in[i], strlen(in[i]), enc);
		assert_string_equal(enc, out[i]);
		assert_int_equal(base64_decode(out[i], dec, sizeof dec), (long)strlen(in[i]));
		assert_memory_equal(dec, in[i], strlen(in[i]));
	}
	assert_int_equal(base64_decode("Zm9", dec, sizeof dec), -1);
	assert_int_equal(base64_decode("Zm9v", dec, 2), -1);
	assert_int_equal(base64_decode("Z!9v", dec, sizeof dec), -1);
	assert_int_equal(base64_decode("Zg==Zg==", dec, sizeof dec), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_audit_module, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_append_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alert_recorded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_verb, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_verb, setup, teardown),
		cmocka_unit_test(test_base64),
	};

	log_set_sink(quiet, NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
