/*
 * audit.c — the append-only audit log in SQLite (audit.h).
 *
 * WAL journal with synchronous=NORMAL: an entry is one small transaction
 * that costs a write but not an fsync each (the WAL is synced at
 * checkpoints), so recording an alert adds well under a millisecond to
 * the daemon's loop; a power cut may lose the last entries, never corrupt
 * the file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sqlite3.h>

#include "record/audit.h"
#include "record/db.h"
#include "util/utf8.h"

struct audit {
	sqlite3 *db;
	sqlite3_stmt *ins;
	char *path;
};

static const char schema[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "CREATE TABLE IF NOT EXISTS audit ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " time REAL NOT NULL,"
    " origin TEXT NOT NULL,"
    " uid INTEGER NOT NULL,"
    " actor TEXT NOT NULL,"
    " action TEXT NOT NULL,"
    " target TEXT NOT NULL,"
    " detail TEXT NOT NULL);"
    "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
    "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;";

struct audit *
audit_open(const char *path, char *err, size_t errlen)
{
	struct audit *a = calloc(1, sizeof *a);
	mode_t old;

	if (a == NULL || (a->path = strdup(path)) == NULL) {
		free(a);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	old = umask(077);   /* who did what is for the controller's user only */
	if (record_db_open(path, SQLITE_OPEN_FULLMUTEX, 1000, schema, "", &a->db, err, errlen) < 0) {
		umask(old);
		audit_close(a);
		return NULL;
	}
	if (sqlite3_prepare_v2(a->db, "INSERT INTO audit(time, origin, uid, actor, action, target, detail) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", -1, &a->ins, NULL) != SQLITE_OK) {
		umask(old);
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(a->db));
		audit_close(a);
		return NULL;
	}
	umask(old);
	return a;
}

void
audit_close(struct audit *a)
{
	if (a == NULL)
		return;
	sqlite3_finalize(a->ins);
	sqlite3_close(a->db);
	free(a->path);
	free(a);
}

static void
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	size_t n = strlen(s ? s : "");

	if (n > AUDIT_FIELD_MAX) {
		char *cut = malloc(AUDIT_FIELD_MAX + 4);
		size_t k = ls_utf8_prefix(s, AUDIT_FIELD_MAX);   /* cut on a UTF-8 character boundary */

		if (cut) {
			memcpy(cut, s, k);
			memcpy(cut + k, "...", 4);
			sqlite3_bind_text(st, i, cut, -1, free);
			return;
		}
		n = k;
	}
	sqlite3_bind_text(st, i, s ? s : "", (int)n, SQLITE_TRANSIENT);
}

int
audit_add(struct audit *a, const struct audit_entry *e, long long *id, char *err, size_t errlen)
{
	struct timespec ts;
	double t = e->time;
	int rc;

	if (t <= 0) {
		clock_gettime(CLOCK_REALTIME, &ts);
		t = (double)ts.tv_sec + ts.tv_nsec / 1e9;
	}
	sqlite3_reset(a->ins);
	sqlite3_clear_bindings(a->ins);
	sqlite3_bind_double(a->ins, 1, t);
	bind_text(a->ins, 2, e->origin);
	sqlite3_bind_int64(a->ins, 3, e->uid);
	bind_text(a->ins, 4, e->actor);
	bind_text(a->ins, 5, e->action);
	bind_text(a->ins, 6, e->target);
	bind_text(a->ins, 7, e->detail);
	rc = sqlite3_step(a->ins);
	sqlite3_reset(a->ins);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "%s: %s", a->path, sqlite3_errmsg(a->db));
		return -1;
	}
	if (id)
		*id = sqlite3_last_insert_rowid(a->db);
	return 0;
}

int
audit_list(struct audit *a, long long before, int limit, audit_fn fn, void *arg, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int rc, n = 0;

	if (sqlite3_prepare_v2(a->db, "SELECT id, time, origin, uid, actor, action, target, detail FROM audit "
	    "WHERE ?1 <= 0 OR id < ?1 ORDER BY id DESC LIMIT ?2", -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", a->path, sqlite3_errmsg(a->db));
		return -1;
	}
	sqlite3_bind_int64(st, 1, before);
	sqlite3_bind_int(st, 2, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct audit_entry e;

		e.id = sqlite3_column_int64(st, 0);
		e.time = sqlite3_column_double(st, 1);
		e.origin = (const char *)sqlite3_column_text(st, 2);
		e.uid = sqlite3_column_int64(st, 3);
		e.actor = (const char *)sqlite3_column_text(st, 4);
		e.action = (const char *)sqlite3_column_text(st, 5);
		e.target = (const char *)sqlite3_column_text(st, 6);
		e.detail = (const char *)sqlite3_column_text(st, 7);
		n++;
		if (fn(arg, &e) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		snprintf(err, errlen, "%s: %s", a->path, sqlite3_errmsg(a->db));
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return n;
}
