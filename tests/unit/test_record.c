/* Unit tests for src/record/: plays from events (first acknowledged frame
 * to the item's stop, cut when the link goes, acknowledgements with no
 * item not counted), the alert timeline, the campaign clock shift, the
 * period clipping of record_read, and the report's sums and CSV. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/event.h"
#include "record/record.h"
#include "record/report.h"

static void
ev(struct record *r, enum event_type t, double time, const char *board, const char *item)
{
	struct ls_event e;

	memset(&e, 0, sizeof e);
	e.type = t;
	e.time = time;
	snprintf(e.board, sizeof e.board, "%s", board);
	snprintf(e.item, sizeof e.item, "%s", item ? item : "");
	snprintf(e.rule, sizeof e.rule, "always");
	record_event(r, &e);
}

static void
link_ev(struct record *r, double time, const char *board, const char *to)
{
	struct ls_event e;

	memset(&e, 0, sizeof e);
	e.type = EVENT_LINK;
	e.time = time;
	snprintf(e.board, sizeof e.board, "%s", board);
	snprintf(e.from, sizeof e.from, "online");
	snprintf(e.to, sizeof e.to, "%s", to);
	record_event(r, &e);
}

struct got {
	char key[8][64], item[8][64];
	double secs[8];
	uint64_t frames[8], plays[8];
	size_t n, nalerts;
	char alerts[8][32];
};

static int
sum_cb(void *arg, const struct record_sum *m)
{
	struct got *g = arg;

	assert_true(g->n < 8);
	snprintf(g->key[g->n], 64, "%s", m->board);
	snprintf(g->item[g->n], 64, "%s", m->item);
	g->secs[g->n] = m->seconds;
	g->frames[g->n] = m->frames;
	g->plays[g->n] = m->plays;
	g->n++;
	return 0;
}

static int
alert_cb(void *arg, const struct record_alert *a)
{
	struct got *g = arg;

	assert_true(g->nalerts < 8);
	snprintf(g->alerts[g->nalerts++], 32, "%s:%s@%.0f", a->event, a->id, a->time);
	return 0;
}

static char dir[64];

static void
make_record(double offset)
{
	char err[256];
	struct record *r;
	struct ls_event a;

	snprintf(dir, sizeof dir, "/tmp/test_record.XXXXXX");
	assert_non_null(mkdtemp(dir));
	r = record_open(dir, offset, err, sizeof err);
	assert_non_null(r);
	/* an ack before any item: not counted */
	ev(r, EVENT_FRAME_ACK, 999, "b1", NULL);
	ev(r, EVENT_ITEM_START, 1000, "b1", "theme");
	ev(r, EVENT_FRAME_ACK, 1002, "b1", NULL);   /* the play starts at the first ack */
	ev(r, EVENT_FRAME_ACK, 1003, "b1", NULL);
	ev(r, EVENT_FRAME_ACK, 1004, "b1", NULL);
	link_ev(r, 1010, "b1", "stalled");          /* ends here: 8 s, 3 frames */
	link_ev(r, 1020, "b1", "online");
	ev(r, EVENT_FRAME_ACK, 1021, "b1", NULL);   /* the same item again, a new play */
	ev(r, EVENT_ITEM_STOP, 1031, "b1", "theme"); /* 10 s, 1 frame */
	ev(r, EVENT_ITEM_START, 1031, "b1", "alert:emergency");
	/* an item never acknowledged is no play */
	ev(r, EVENT_ITEM_STOP, 1040, "b1", "alert:emergency");
	ev(r, EVENT_ITEM_START, 1000, "b2", "theme");
	ev(r, EVENT_FRAME_ACK, 1000, "b2", NULL);
	ev(r, EVENT_FRAME_ACK, 1100, "b2", NULL);
	memset(&a, 0, sizeof a);
	a.type = EVENT_ALERT_RAISED;
	a.time = 1031;
	snprintf(a.id, sizeof a.id, "fire");
	snprintf(a.level, sizeof a.level, "emergency");
	record_event(r, &a);
	a.type = EVENT_ALERT_CLEARED;
	a.time = 1040;
	record_event(r, &a);
	/* b2 still on at close: its play ends then */
	record_close(r, 1200);
}

static void
cleanup(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static void
test_plays(void **state)
{
	struct got g;
	char path[128], err[256];

	(void)state;
	make_record(0);
	snprintf(path, sizeof path, "%s/%s", dir, RECORD_FILE);
	memset(&g, 0, sizeof g);
	assert_int_equal(record_read(path, 0, 1e10, sum_cb, alert_cb, &g, err, sizeof err), 0);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.key[0], "b1");
	assert_string_equal(g.item[0], "theme");
	assert_int_equal(g.frames[0], 4);
	assert_int_equal(g.plays[0], 2);
	assert_true(g.secs[0] > 17.99 && g.secs[0] < 18.01);
	assert_string_equal(g.key[1], "b2");
	assert_int_equal(g.frames[1], 2);
	assert_true(g.secs[1] > 199.99 && g.secs[1] < 200.01);
	assert_int_equal(g.nalerts, 2);
	assert_string_equal(g.alerts[0], "raised:fire@1031");
	assert_string_equal(g.alerts[1], "cleared:fire@1040");
	/* a period cutting b2's play in half: half its seconds and frames */
	memset(&g, 0, sizeof g);
	assert_int_equal(record_read(path, 1100, 1300, sum_cb, alert_cb, &g, err, sizeof err), 0);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.key[0], "b2");
	assert_true(g.secs[0] > 99.99 && g.secs[0] < 100.01);
	assert_int_equal(g.frames[0], 1);
	assert_int_equal(g.nalerts, 0);
	cleanup();
}

static void
test_offset(void **state)
{
	struct got g;
	char path[128], err[256];

	(void)state;
	make_record(-500);   /* `play --start-at` 500 s in the past */
	snprintf(path, sizeof path, "%s/%s", dir, RECORD_FILE);
	memset(&g, 0, sizeof g);
	assert_int_equal(record_read(path, 0, 1000, sum_cb, alert_cb, &g, err, sizeof err), 0);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.alerts[0], "raised:fire@531");
	cleanup();
}

static void
group_keys(void *arg, struct report *r, const char *board, report_key_add add)
{
	(void)arg;
	add(r, "everyone");
	if (strcmp(board, "b1") == 0)
		add(r, "hall");
}

static void
test_report(void **state)
{
	struct report *rep;
	char path[128], out[128], err[256], buf[1024];
	double secs;
	uint64_t frames;
	FILE *f;
	size_t n;

	(void)state;
	make_record(0);
	snprintf(path, sizeof path, "%s/%s", dir, RECORD_FILE);
	rep = report_new(0, 1e10, NULL);
	assert_non_null(rep);
	/* the same file twice as two schools, by group */
	assert_int_equal(report_add_file(rep, path, "s1", group_keys, NULL, err, sizeof err), 0);
	assert_int_equal(report_add_file(rep, path, "s2", NULL, NULL, err, sizeof err), 0);
	assert_int_equal(report_nrows(rep), 4);
	assert_string_equal(report_row(rep, 0)->key, "s1/everyone");
	assert_int_equal(report_row(rep, 0)->frames, 6);
	assert_string_equal(report_row(rep, 1)->key, "s1/hall");
	assert_string_equal(report_row(rep, 2)->key, "s2/b1");
	report_totals(rep, &secs, &frames);
	assert_int_equal(frames, 6 + 4 + 4 + 2);
	assert_int_equal(report_nalerts(rep), 4);
	assert_string_equal(report_alert(rep, 0)->where, "s1");
	snprintf(out, sizeof out, "%s/r.csv", dir);
	assert_int_equal(report_write(rep, out, "school/board", err, sizeof err), 0);
	f = fopen(out, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	assert_non_null(strstr(buf, "school/board,item,hours,seconds,frames,plays\ns1/everyone,theme,0.060556,218.000,6,3\n"));
	assert_non_null(strstr(buf, "\n\ntime,where,alert,event,level,targets\n1970-01-01 00:17:11,s1,fire,raised,emergency,\n"));
	snprintf(out, sizeof out, "%s/r.txt", dir);
	assert_int_equal(report_write(rep, out, "board", err, sizeof err), -1);
	assert_non_null(strstr(err, ".csv or .png"));
	report_free(rep);
	cleanup();
}

/* A week-long item is cut every RECORD_SPLIT_S, so it is in the file as
 * the week goes; a board on its stored programme (acknowledged pings,
 * reason "stored") has plays with hours and no frames. */
static void
test_split_and_stored(void **state)
{
	struct got g;
	char path[128], err[256];
	struct record *r;
	struct ls_event e;

	(void)state;
	snprintf(dir, sizeof dir, "/tmp/test_record.XXXXXX");
	assert_non_null(mkdtemp(dir));
	r = record_open(dir, 0, err, sizeof err);
	assert_non_null(r);
	ev(r, EVENT_ITEM_START, 1000, "b1", "theme");
	ev(r, EVENT_FRAME_ACK, 1000, "b1", NULL);
	record_tick(r, 1000 + RECORD_SPLIT_S - 1);   /* not yet */
	ev(r, EVENT_FRAME_ACK, 1000 + RECORD_SPLIT_S - 1, "b1", NULL);
	record_tick(r, 1000 + RECORD_SPLIT_S);       /* cut here */
	ev(r, EVENT_FRAME_ACK, 1000 + RECORD_SPLIT_S + 1, "b1", NULL);
	ev(r, EVENT_ITEM_STOP, 1000 + RECORD_SPLIT_S + 10, "b1", "theme");
	ev(r, EVENT_ITEM_START, 2000, "b2", "poster");
	memset(&e, 0, sizeof e);
	e.type = EVENT_FRAME_ACK;
	snprintf(e.board, sizeof e.board, "b2");
	snprintf(e.reason, sizeof e.reason, "stored");
	for (int i = 0; i < 5; i++) {
		e.time = 2002 + 2 * i;
		record_event(r, &e);
	}
	ev(r, EVENT_ITEM_STOP, 2100, "b2", "poster");
	record_close(r, 3000);
	snprintf(path, sizeof path, "%s/%s", dir, RECORD_FILE);
	memset(&g, 0, sizeof g);
	assert_int_equal(record_read(path, 0, 1e10, sum_cb, alert_cb, &g, err, sizeof err), 0);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.key[0], "b1");
	assert_int_equal(g.plays[0], 2);
	assert_int_equal(g.frames[0], 3);
	/* 1000..1300 and 1301..1310: the second play starts at its first acknowledgement */
	assert_true(g.secs[0] > RECORD_SPLIT_S + 9 - 0.01 && g.secs[0] < RECORD_SPLIT_S + 9 + 0.01);
	assert_string_equal(g.key[1], "b2");
	assert_int_equal(g.frames[1], 0);
	assert_int_equal(g.plays[1], 1);
	assert_true(g.secs[1] > 97.99 && g.secs[1] < 98.01);
	cleanup();
}

/* A proof-of-play file that is something else is named, with what to do;
 * one that cannot be opened is named with why, and no hint. */
static void
test_open_errors(void **state)
{
	char tdir[64], path[128], err[512];
	FILE *f;

	(void)state;
	snprintf(tdir, sizeof tdir, "/tmp/test_record.XXXXXX");
	assert_non_null(mkdtemp(tdir));
	snprintf(path, sizeof path, "%s/" RECORD_FILE, tdir);
	assert_non_null(f = fopen(path, "w"));
	fputs("this is not a database, but it is long enough to look like a header of one: 0123456789\n", f);
	fclose(f);
	assert_null(record_open(tdir, 0, err, sizeof err));
	assert_memory_equal(err, path, strlen(path));
	assert_non_null(strstr(err, "; move the file aside if it is not ledsign's proof of play"));
	unlink(path);
	rmdir(tdir);
	assert_null(record_open(tdir, 0, err, sizeof err));
	assert_memory_equal(err, path, strlen(path));
	assert_null(strstr(err, "move the file aside"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plays),
		cmocka_unit_test(test_offset),
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_split_and_stored),
		cmocka_unit_test(test_open_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
