/* Unit tests for src/alert/alert.c: records, the persisted store, expiry, targets, looks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alert/alert.h"

static char *
mkstate(void)
{
	char *d = strdup("/tmp/ledsign-test-alert.XXXXXX");
	assert_non_null(mkdtemp(d));
	return d;
}

static void
rmstate(char *d)
{
	DIR *dir = opendir(d);
	struct dirent *de;
	char p[512];

	if (dir != NULL) {
		while ((de = readdir(dir)) != NULL) {
			if (de->d_name[0] == '.' && (de->d_name[1] == '\0' || strcmp(de->d_name, "..") == 0))
				continue;
			snprintf(p, sizeof p, "%s/%s", d, de->d_name);
			unlink(p);
		}
		closedir(dir);
	}
	rmdir(d);
	free(d);
}

static void
set_list(struct ls_strlist *l, const char *a, const char *b)
{
	l->n = (a != NULL) + (b != NULL);
	l->v = calloc(2, sizeof *l->v);
	if (a)
		l->v[0] = strdup(a);
	if (b)
		l->v[1] = strdup(b);
}

static void
make_alert(struct alert *a, const char *id, const char *text, enum alert_level lvl, long long start,
    long long expires)
{
	memset(a, 0, sizeof *a);
	snprintf(a->id, sizeof a->id, "%s", id);
	a->text = strdup(text);
	a->level = lvl;
	a->start = start;
	a->expires = expires;
}

static int
count_files(const char *dir, const char *suffix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name), s = strlen(suffix);
		if (l > s && strcmp(de->d_name + l - s, suffix) == 0)
			n++;
	}
	closedir(d);
	return n;
}

static void
test_format_parse(void **state)
{
	struct alert a, b;
	char buf[8192], err[256];

	make_alert(&a, "evac-1", "Evacuate building B\nnow", ALERT_EMERGENCY, 100, 2000);
	set_list(&a.boards, "gate", "hall");
	set_list(&a.groups, "north", NULL);
	a.source = strdup("cli");
	a.created = 99;
	assert_true(alert_format(&a, buf, sizeof buf) > 0);
	assert_int_equal(alert_parse(buf, &b, err, sizeof err), 0);
	assert_string_equal(b.id, "evac-1");
	assert_string_equal(b.text, a.text);
	assert_int_equal(b.level, ALERT_EMERGENCY);
	assert_int_equal(b.boards.n, 2);
	assert_string_equal(b.boards.v[1], "hall");
	assert_int_equal(b.groups.n, 1);
	assert_int_equal(b.start, 100);
	assert_int_equal(b.expires, 2000);
	assert_int_equal(b.created, 99);
	assert_string_equal(b.source, "cli");
	alert_clear(&b);

	assert_int_equal(alert_parse("id=x level=loud text=a", &b, err, sizeof err), -1);
	assert_non_null(strstr(err, "level"));
	assert_int_equal(alert_parse("id=x text=a colour=red", &b, err, sizeof err), -1);
	assert_non_null(strstr(err, "colour"));
	assert_int_equal(alert_parse("text=a", &b, err, sizeof err), -1);
	assert_int_equal(alert_parse("id=x text=a start=10 expires=5", &b, err, sizeof err), -1);
	assert_int_equal(alert_parse("id=x text=a expires=-5", &b, err, sizeof err), -1);
	assert_int_equal(alert_parse("id=../etc text=a", &b, err, sizeof err), -1);
	assert_int_equal(alert_parse("id=x text=", &b, err, sizeof err), -1);
	assert_int_equal(alert_parse("id=x text=a boards=a,,b", &b, err, sizeof err), -1);
	alert_clear(&a);
}

static void
test_ids(void **state)
{
	char id[ALERT_ID_MAX + 1], id2[ALERT_ID_MAX + 1];

	assert_true(alert_id_valid("a"));
	assert_true(alert_id_valid("cap:urn.oid-2@x_y"));
	assert_false(alert_id_valid(""));
	assert_false(alert_id_valid(".hidden"));
	assert_false(alert_id_valid("a/b"));
	assert_false(alert_id_valid("a b"));
	alert_id_make(id, sizeof id, 1700000000);
	alert_id_make(id2, sizeof id2, 1700000000);
	assert_true(alert_id_valid(id));
	assert_string_not_equal(id, id2);
	assert_memory_equal(id, "a-20231114-221320-", 18);
}

static void
test_persist_survives_crash(void **state)
{
	char *dir = mkstate(), err[256], id[ALERT_ID_MAX + 1];
	struct alert_store *s, *s2;
	struct alert a;

	s = alert_store_open(dir, 1000, err, sizeof err);
	assert_non_null(s);
	make_alert(&a, "", "Storm: stay inside", ALERT_WARNING, 1000, 0);
	set_list(&a.groups, "north", NULL);
	assert_int_equal(alert_store_put(s, &a, 1000, id, err, sizeof err), 0);
	assert_true(alert_id_valid(id));
	alert_clear(&a);
	make_alert(&a, "short", "Gone soon", ALERT_INFO, 1000, 1060);
	assert_int_equal(alert_store_put(s, &a, 1001, NULL, err, sizeof err), 0);
	alert_clear(&a);
	assert_int_equal(alert_store_count(s), 2);
	/* no stray temporary files after a put */
	assert_int_equal(count_files(dir, ".tmp"), 0);
	assert_int_equal(count_files(dir, ".alert"), 2);

	/* "crash": the first store is never closed; a fresh one loads the files */
	s2 = alert_store_open(dir, 1030, err, sizeof err);
	assert_non_null(s2);
	assert_int_equal(alert_store_count(s2), 2);
	assert_non_null(alert_store_find(s2, id));
	assert_string_equal(alert_store_find(s2, id)->text, "Storm: stay inside");
	assert_string_equal(alert_store_find(s2, id)->groups.v[0], "north");
	assert_string_equal(alert_store_at(s2, 0)->id, id);   /* oldest first */
	alert_store_free(s2);

	/* after the expiry the short one is dropped at load, and its file deleted */
	s2 = alert_store_open(dir, 1060, err, sizeof err);
	assert_non_null(s2);
	assert_int_equal(alert_store_count(s2), 1);
	assert_null(alert_store_find(s2, "short"));
	assert_int_equal(count_files(dir, ".alert"), 1);
	assert_int_equal(alert_store_nproblems(s2), 0);
	alert_store_free(s2);
	alert_store_free(s);
	rmstate(dir);
}

static void
test_remove_and_expire(void **state)
{
	char *dir = mkstate(), err[256];
	struct alert_store *s;
	struct alert a;

	s = alert_store_open(dir, 0, err, sizeof err);
	assert_non_null(s);
	for (int i = 0; i < 5; i++) {
		char id[8];
		snprintf(id, sizeof id, "a%d", i);
		make_alert(&a, id, "x", ALERT_INFO, 0, i == 4 ? 0 : 100 + i);
		assert_int_equal(alert_store_put(s, &a, 10 + i, NULL, err, sizeof err), 0);
		alert_clear(&a);
	}
	assert_int_equal(alert_store_next_change(s, 50), 100);
	assert_int_equal(alert_store_remove(s, "a0", err, sizeof err), 0);
	assert_int_equal(alert_store_remove(s, "a0", err, sizeof err), 1);
	assert_int_equal(alert_store_next_change(s, 50), 101);
	assert_int_equal(alert_store_expire(s, 102), 2);    /* a1, a2 */
	assert_int_equal(alert_store_count(s), 2);
	assert_int_equal(count_files(dir, ".alert"), 2);
	assert_int_equal(alert_store_next_change(s, 102), 103);
	assert_int_equal(alert_store_remove_all(s, err, sizeof err), 2);
	assert_int_equal(alert_store_count(s), 0);
	assert_int_equal(count_files(dir, ".alert"), 0);
	assert_int_equal(alert_store_next_change(s, 0), 0);
	alert_store_free(s);
	rmstate(dir);
}

static void
test_replace_same_id(void **state)
{
	char *dir = mkstate(), err[256];
	struct alert_store *s;
	struct alert a;

	s = alert_store_open(dir, 0, err, sizeof err);
	make_alert(&a, "same", "first", ALERT_INFO, 0, 0);
	assert_int_equal(alert_store_put(s, &a, 1, NULL, err, sizeof err), 0);
	free(a.text);
	a.text = strdup("second");
	assert_int_equal(alert_store_put(s, &a, 2, NULL, err, sizeof err), 0);
	alert_clear(&a);
	assert_int_equal(alert_store_count(s), 1);
	assert_string_equal(alert_store_find(s, "same")->text, "second");
	alert_store_free(s);
	s = alert_store_open(dir, 0, err, sizeof err);
	assert_string_equal(alert_store_find(s, "same")->text, "second");
	alert_store_free(s);
	rmstate(dir);
}

static void
write_file(const char *dir, const char *name, const char *content)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

static void
test_corrupt_files(void **state)
{
	char *dir = mkstate(), err[256];
	struct alert_store *s;

	write_file(dir, "torn.alert", "ledsign-alert/1 id=torn text=hal");       /* no newline */
	write_file(dir, "junk.alert", "hello\n");
	write_file(dir, "wrong.alert", "ledsign-alert/1 id=other text=x\n");     /* id != name */
	write_file(dir, "good.alert", "ledsign-alert/1 id=good level=emergency text=ok\n");
	write_file(dir, ".good.tmp", "ledsign-alert/1 id=good text=half");      /* never renamed */
	write_file(dir, "notes.txt", "ignored\n");
	s = alert_store_open(dir, 0, err, sizeof err);
	assert_non_null(s);
	assert_int_equal(alert_store_count(s), 1);
	assert_string_equal(alert_store_at(s, 0)->text, "ok");
	assert_int_equal(alert_store_nproblems(s), 3);
	for (size_t i = 0; i < 3; i++)
		assert_non_null(strstr(alert_store_problem(s, i), dir));
	assert_int_equal(count_files(dir, ".bad"), 3);
	assert_int_equal(count_files(dir, ".tmp"), 0);
	alert_store_free(s);
	rmstate(dir);
}

/* Issue 13 item 7: a FIFO named like an alert file must not hang the open
 * (a blocking open for reading waits for a writer forever).  alarm() turns
 * a hang into a failure instead of a stuck test run. */
static void
test_fifo_quarantined(void **state)
{
	char *dir = mkstate(), err[256], p[512];
	struct alert_store *s;

	write_file(dir, "good.alert", "ledsign-alert/1 id=good level=emergency text=ok\n");
	snprintf(p, sizeof p, "%s/pipe.alert", dir);
	assert_int_equal(mkfifo(p, 0600), 0);
	snprintf(p, sizeof p, "%s/link.alert", dir);
	assert_int_equal(symlink("good.alert", p), 0);
	alarm(10);
	s = alert_store_open(dir, 0, err, sizeof err);
	alarm(0);
	assert_non_null(s);
	assert_int_equal(alert_store_count(s), 1);
	assert_int_equal(alert_store_nproblems(s), 2);
	for (size_t i = 0; i < 2; i++)
		assert_true(strstr(alert_store_problem(s, i), "pipe.alert: not a regular file (a FIFO) (moved aside") ||
		    strstr(alert_store_problem(s, i), "link.alert: not a regular file (a symbolic link) (moved aside"));
	alert_store_free(s);
	assert_int_equal(count_files(dir, ".bad"), 2);
	rmstate(dir);
}

/* Issue 13 item 8: a state_dir others can write is refused, naming the fix;
 * alert files not owned by the daemon's user, or writable by others, are
 * quarantined and never shown. */
static void
test_untrusted_files(void **state)
{
	char *dir = mkstate(), err[512], p[512];
	struct alert_store *s;

	assert_int_equal(chmod(dir, 0777), 0);
	s = alert_store_open(dir, 0, err, sizeof err);
	assert_null(s);
	assert_non_null(strstr(err, dir));
	assert_non_null(strstr(err, "writable by others"));
	assert_non_null(strstr(err, "chmod go-w"));
	assert_int_equal(chmod(dir, 01777), 0);   /* sticky like /tmp: still anyone may plant files */
	assert_null(alert_store_open(dir, 0, err, sizeof err));
	assert_int_equal(chmod(dir, 0770), 0);
	assert_null(alert_store_open(dir, 0, err, sizeof err));
	assert_non_null(strstr(err, "writable by its group"));
	assert_int_equal(chmod(dir, 0755), 0);

	write_file(dir, "mine.alert", "ledsign-alert/1 id=mine level=info text=fine\n");
	write_file(dir, "open.alert", "ledsign-alert/1 id=open level=emergency text=FAKE%20EVACUATE\n");
	snprintf(p, sizeof p, "%s/open.alert", dir);
	assert_int_equal(chmod(p, 0666), 0);
	if (geteuid() == 0) {
		write_file(dir, "evil.alert", "ledsign-alert/1 id=evil level=emergency text=FAKE%20EVACUATE%20NOW\n");
		snprintf(p, sizeof p, "%s/evil.alert", dir);
		assert_int_equal(chown(p, 65534, 65534), 0);
	}
	s = alert_store_open(dir, 0, err, sizeof err);
	assert_non_null(s);
	assert_int_equal(alert_store_count(s), 1);
	assert_string_equal(alert_store_at(s, 0)->id, "mine");
	assert_int_equal(alert_store_nproblems(s), geteuid() == 0 ? 2 : 1);
	for (size_t i = 0; i < alert_store_nproblems(s); i++) {
		const char *m = alert_store_problem(s, i);
		assert_true(strstr(m, "open.alert: writable by group or others (mode 0666): not trusted") ||
		    strstr(m, "evil.alert: owned by uid 65534, not by the daemon's user"));
		assert_non_null(strstr(m, "moved aside"));
	}
	alert_store_free(s);
	assert_int_equal(count_files(dir, ".bad"), geteuid() == 0 ? 2 : 1);
	rmstate(dir);
}

static int
put_level(struct alert_store *s, int i, enum alert_level l, char *err, size_t errlen)
{
	struct alert a;
	char id[32];
	int r;

	snprintf(id, sizeof id, "%s-%d", alert_level_name(l), i);
	make_alert(&a, id, "x", l, 0, 0);
	r = alert_store_put(s, &a, 1, NULL, err, errlen);
	alert_clear(&a);
	return r;
}

/* Issue 13 item 14: a store full of info alerts still takes an emergency
 * (and a warning): each level has room the levels below cannot take, and
 * the refusal has its own code. */
static void
test_level_room(void **state)
{
	char *dir = mkstate(), err[512];
	struct alert_store *s;
	int n, r = 0;

	s = alert_store_open(dir, 0, err, sizeof err);
	assert_non_null(s);
	for (n = 0; n <= ALERT_STORE_MAX; n++)
		if ((r = put_level(s, n, ALERT_INFO, err, sizeof err)) != 0)
			break;
	assert_int_equal(r, ALERT_STORE_FULL);
	assert_int_equal(n, ALERT_CAP_INFO);
	assert_non_null(strstr(err, "level info or lower"));
	/* a full store of info alerts: an emergency still gets in */
	assert_int_equal(put_level(s, 0, ALERT_EMERGENCY, err, sizeof err), 0);
	for (n = 0; n <= ALERT_STORE_MAX; n++)
		if ((r = put_level(s, n, ALERT_WARNING, err, sizeof err)) != 0)
			break;
	assert_int_equal(r, ALERT_STORE_FULL);
	assert_int_equal(n, ALERT_CAP_WARNING - ALERT_CAP_INFO);
	for (n = 1; n <= ALERT_STORE_MAX; n++)
		if ((r = put_level(s, n, ALERT_EMERGENCY, err, sizeof err)) != 0)
			break;
	assert_int_equal(r, ALERT_STORE_FULL);
	assert_int_equal(alert_store_count(s), ALERT_STORE_MAX);
	/* replacing one (same id) needs no new room; clearing one info makes room for one */
	assert_int_equal(put_level(s, 5, ALERT_INFO, err, sizeof err), 0);
	assert_int_equal(alert_store_remove(s, "info-5", err, sizeof err), 0);
	assert_int_equal(put_level(s, 9999, ALERT_EMERGENCY, err, sizeof err), 0);
	assert_int_equal(alert_store_remove_all(s, err, sizeof err), ALERT_STORE_MAX);
	alert_store_free(s);
	rmstate(dir);
}

/* A crash in the middle of a replace leaves .ID.gone: it is restored at open. */
static void
test_interrupted_change_restored(void **state)
{
	char *dir = mkstate(), err[256];
	struct alert_store *s;

	write_file(dir, ".old.gone", "ledsign-alert/1 id=old level=emergency text=still%20here\n");
	write_file(dir, ".new.gone", "ledsign-alert/1 id=new level=info text=stale\n");
	write_file(dir, "new.alert", "ledsign-alert/1 id=new level=info text=current\n");
	s = alert_store_open(dir, 0, err, sizeof err);
	assert_non_null(s);
	assert_int_equal(alert_store_count(s), 2);
	assert_string_equal(alert_store_find(s, "old")->text, "still here");
	assert_string_equal(alert_store_find(s, "new")->text, "current");
	assert_int_equal(count_files(dir, ".gone"), 0);
	alert_store_free(s);
	rmstate(dir);
}

/* Make `dir` read-only for this process: a read-only bind mount in a mount
 * namespace of its own (root ignores modes), or mode 0500 for anyone else.
 * Returns 1 when it is, 0 when this system cannot do either. */
static int
make_readonly(const char *dir)
{
	if (geteuid() != 0)
		return chmod(dir, 0500) == 0;
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount(dir, dir, NULL, MS_BIND, NULL) < 0)
		return 0;
	if (mount(NULL, dir, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0) {
		umount(dir);
		return 0;
	}
	return 1;
}

static void
make_writable(const char *dir)
{
	/* the store's directory fd is on the mount: remount it writable, then detach it */
	if (geteuid() != 0)
		chmod(dir, 0700);
	else
		assert_int_equal(mount(NULL, dir, NULL, MS_REMOUNT | MS_BIND, NULL), 0);
}

/* Issue 13 item 17: clearing takes the alert out of force even when state_dir
 * is read-only, says it was not recorded, and records it once it can. */
static void
test_withdraw_readonly(void **state)
{
	char *dir = mkstate(), err[512];
	struct alert_store *s;
	struct alert a;
	int unrec = -1;

	s = alert_store_open(dir, 0, err, sizeof err);
	assert_non_null(s);
	make_alert(&a, "false-alarm", "EVACUATE", ALERT_EMERGENCY, 0, 0);
	assert_int_equal(alert_store_put(s, &a, 1, NULL, err, sizeof err), 0);
	alert_clear(&a);
	make_alert(&a, "other", "x", ALERT_INFO, 0, 0);
	assert_int_equal(alert_store_put(s, &a, 2, NULL, err, sizeof err), 0);
	alert_clear(&a);
	alert_store_free(s);
	if (!make_readonly(dir)) {
		print_message("SKIP: cannot make %s read-only here\n", dir);
		rmstate(dir);
		return;
	}
	/* opened after the mount, so its directory fd is the read-only one */
	s = alert_store_open(dir, 0, err, sizeof err);
	assert_non_null(s);
	assert_int_equal(alert_store_count(s), 2);
	/* the strict remove refuses and changes nothing */
	assert_int_equal(alert_store_remove(s, "other", err, sizeof err), -1);
	assert_int_equal(alert_store_count(s), 2);
	/* withdraw: out of force at once, and says it is not recorded */
	assert_int_equal(alert_store_withdraw(s, "false-alarm", &unrec, err, sizeof err), 1);
	assert_int_equal(unrec, 1);
	assert_non_null(strstr(err, "false-alarm.alert: cannot remove"));
	assert_null(alert_store_find(s, "false-alarm"));
	assert_string_equal(alert_store_for_board(s, &(struct ls_board){ .name = "b" }, 10)->id, "other");
	assert_int_equal(alert_store_unrecorded(s), 1);
	assert_int_equal(alert_store_withdraw(s, "no-such", &unrec, err, sizeof err), 0);
	/* the retry while still read-only keeps it pending */
	assert_int_equal(alert_store_expire(s, 10), 0);
	assert_int_equal(alert_store_unrecorded(s), 1);
	make_writable(dir);
	assert_int_equal(count_files(dir, ".alert"), 2);
	/* writable again: the next tick records it */
	assert_int_equal(alert_store_expire(s, 10), 0);
	assert_int_equal(alert_store_unrecorded(s), 0);
	assert_int_equal(count_files(dir, ".alert"), 1);
	alert_store_free(s);
	if (geteuid() == 0)
		umount(dir);
	rmstate(dir);
}

static void
test_open_errors(void **state)
{
	char err[256];

	assert_null(alert_store_open("/proc/version/x", 0, err, sizeof err));
	assert_non_null(strstr(err, "/proc/version/x"));
}

static void
test_targets_and_priority(void **state)
{
	char *dir = mkstate(), err[256];
	struct alert_store *s;
	struct alert a;
	struct ls_board gate = { .name = "gate", .width = 64, .height = 16 };
	struct ls_board hall = { .name = "hall", .width = 64, .height = 16 };

	set_list(&hall.groups, "north", "indoor");
	s = alert_store_open(dir, 0, err, sizeof err);
	make_alert(&a, "w", "north warning", ALERT_WARNING, 0, 0);
	set_list(&a.groups, "north", NULL);
	assert_int_equal(alert_store_put(s, &a, 1, NULL, err, sizeof err), 0);
	assert_false(alert_targets(&a, &gate));
	assert_true(alert_targets(&a, &hall));
	alert_clear(&a);
	assert_null(alert_store_for_board(s, &gate, 5));
	assert_string_equal(alert_store_for_board(s, &hall, 5)->id, "w");

	make_alert(&a, "i", "info for all", ALERT_INFO, 0, 0);
	assert_int_equal(alert_store_put(s, &a, 2, NULL, err, sizeof err), 0);
	alert_clear(&a);
	assert_string_equal(alert_store_for_board(s, &gate, 5)->id, "i");
	assert_string_equal(alert_store_for_board(s, &hall, 5)->id, "w");   /* higher level wins */

	make_alert(&a, "e", "gate emergency later", ALERT_EMERGENCY, 100, 200);
	set_list(&a.boards, "gate", NULL);
	assert_int_equal(alert_store_put(s, &a, 3, NULL, err, sizeof err), 0);
	alert_clear(&a);
	assert_string_equal(alert_store_for_board(s, &gate, 99)->id, "i");   /* not started */
	assert_string_equal(alert_store_for_board(s, &gate, 100)->id, "e");
	assert_string_equal(alert_store_for_board(s, &gate, 200)->id, "i");  /* expired */
	assert_int_equal(alert_store_next_change(s, 5), 100);

	make_alert(&a, "i2", "newer info", ALERT_INFO, 0, 0);
	set_list(&a.groups, "all", NULL);
	assert_int_equal(alert_store_put(s, &a, 4, NULL, err, sizeof err), 0);
	alert_clear(&a);
	assert_string_equal(alert_store_for_board(s, &gate, 5)->id, "i2");  /* newest among equals */

	free(hall.groups.v[0]);
	free(hall.groups.v[1]);
	free(hall.groups.v);
	alert_store_free(s);
	rmstate(dir);
}

static void
test_look(void **state)
{
	struct alert a;
	struct alert_look l;
	struct ls_board rgb = { .name = "rgb", .width = 128, .height = 32, .format = LS_FMT_RGB888, .brightness = 40 };
	struct ls_board mono = { .name = "m", .width = 64, .height = 16, .format = LS_FMT_MONO, .brightness = 40 };

	make_alert(&a, "e1", "疏散", ALERT_EMERGENCY, 0, 0);
	assert_int_equal(alert_look_build(&a, &rgb, &l), 0);
	assert_int_equal(l.content.effect, LS_FX_FLASH);
	assert_true(l.content.flash_hz > 0);
	assert_int_equal(l.content.background, 0xFF0000);
	assert_int_equal(l.content.color, 0xFFFFFF);
	assert_int_equal(l.brightness, 100);
	assert_int_equal(l.content.size, 0);
	assert_string_equal(l.content.name, "alert:e1");
	assert_string_equal(l.content.text, "疏散");
	assert_true(alert_look_matches(&l, &a));
	a.level = ALERT_WARNING;
	assert_false(alert_look_matches(&l, &a));
	a.level = ALERT_EMERGENCY;
	free(a.text);
	a.text = strdup("疏散!");
	assert_false(alert_look_matches(&l, &a));
	free(a.text);
	a.text = strdup("疏散");
	alert_look_clear(&l);

	/* long text on a small board scrolls */
	free(a.text);
	a.text = strdup("请所有师生立即按照疏散路线离开教学楼，到操场集合，听从老师指挥，不要使用电梯。");
	assert_int_equal(alert_look_build(&a, &mono, &l), 0);
	assert_int_equal(l.content.effect, LS_FX_SCROLL_LEFT);
	assert_true(l.content.speed > 0);
	assert_int_equal(l.content.color, 0xFFFFFF);
	assert_int_equal(l.content.background, 0);
	alert_look_clear(&l);

	a.level = ALERT_INFO;
	free(a.text);
	a.text = strdup("Assembly 10:00");
	assert_int_equal(alert_look_build(&a, &rgb, &l), 0);
	assert_int_equal(l.content.effect, LS_FX_STATIC);
	assert_int_equal(l.brightness, 40);
	alert_look_clear(&l);
	alert_look_clear(NULL);
	alert_clear(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_parse),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_persist_survives_crash),
		cmocka_unit_test(test_remove_and_expire),
		cmocka_unit_test(test_replace_same_id),
		cmocka_unit_test(test_corrupt_files),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_fifo_quarantined),
		cmocka_unit_test(test_untrusted_files),
		cmocka_unit_test(test_level_room),
		cmocka_unit_test(test_interrupted_change_restored),
		cmocka_unit_test(test_withdraw_readonly),
		cmocka_unit_test(test_targets_and_priority),
		cmocka_unit_test(test_look),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
