/* versions.c — the staff file's history in SQLite (versions.h). */
#include "record/versions.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "record/db.h"
#include "util/diff.h"

struct versions {
	sqlite3 *db;
};

static const char schema[] =
    "PRAGMA journal_mode=WAL;"
    /* a commit waits for no fsync (the checkpoint does): a version lost to a
     * power cut makes the file differ from the last version, which the
     * console shows as a hand edit, never written over */
    "PRAGMA synchronous=NORMAL;"
    "CREATE TABLE IF NOT EXISTS versions ("
    " id INTEGER PRIMARY KEY, time REAL NOT NULL, author TEXT NOT NULL, file TEXT NOT NULL,"
    " hash TEXT NOT NULL, text TEXT NOT NULL, diff TEXT NOT NULL, summary TEXT NOT NULL,"
    " restored_from INTEGER NOT NULL DEFAULT 0);"
    "CREATE TRIGGER IF NOT EXISTS versions_no_update BEFORE UPDATE ON versions"
    " BEGIN SELECT RAISE(ABORT, 'versions are append-only'); END;"
    "CREATE TRIGGER IF NOT EXISTS versions_no_delete BEFORE DELETE ON versions"
    " BEGIN SELECT RAISE(ABORT, 'versions are append-only'); END;";

struct versions *
versions_open(const char *path, char *err, size_t errlen)
{
	struct versions *v = calloc(1, sizeof *v);

	if (v == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (record_db_open(path, SQLITE_OPEN_NOMUTEX, 2000, schema, "", &v->db, err, errlen) < 0) {
		free(v);
		return NULL;
	}
	chmod(path, 0600);
	return v;
}

void
versions_close(struct versions *v)
{
	if (v == NULL)
		return;
	sqlite3_close(v->db);
	free(v);
}

void
versions_hash(const char *text, size_t len, char out[17])
{
	uint64_t h = 14695981039346656037u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)text[i]) * 1099511628211u;
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

static char *
dup_col(sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);
	return strdup(s ? (const char *)s : "");
}

void
versions_entry_free(struct versions_entry *e)
{
	if (e == NULL)
		return;
	free((char *)e->author);
	free((char *)e->file);
	free((char *)e->hash);
	free((char *)e->text);
	free((char *)e->diff);
	free((char *)e->summary);
	memset(e, 0, sizeof *e);
}

int
versions_get(struct versions *v, long long id, struct versions_entry *out, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	if (sqlite3_prepare_v2(v->db, id > 0
	    ? "SELECT id, time, author, file, hash, text, diff, summary, restored_from FROM versions WHERE id = ?"
	    : "SELECT id, time, author, file, hash, text, diff, summary, restored_from FROM versions ORDER BY id DESC LIMIT 1",
	    -1, &st, NULL) != SQLITE_OK)
		goto fail;
	if (id > 0)
		sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_finalize(st);
		return 0;
	}
	if (rc != SQLITE_ROW)
		goto fail;
	out->id = sqlite3_column_int64(st, 0);
	out->time = sqlite3_column_double(st, 1);
	out->author = dup_col(st, 2);
	out->file = dup_col(st, 3);
	out->hash = dup_col(st, 4);
	out->text = dup_col(st, 5);
	out->diff = dup_col(st, 6);
	out->summary = dup_col(st, 7);
	out->restored_from = sqlite3_column_int64(st, 8);
	sqlite3_finalize(st);
	if (!out->author || !out->file || !out->hash || !out->text || !out->diff || !out->summary) {
		versions_entry_free(out);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 1;
fail:
	snprintf(err, errlen, "versions: %s", sqlite3_errmsg(v->db));
	sqlite3_finalize(st);
	return -1;
}

int
versions_add(struct versions *v, const struct versions_entry *e, long long *id, char *err, size_t errlen)
{
	struct versions_entry prev;
	sqlite3_stmt *st = NULL;
	char *diff = NULL, hash[17], name[64], summary[256];
	int added = 0, removed = 0, have, rc = -1;

	if ((have = versions_get(v, 0, &prev, err, errlen)) < 0)
		return -1;
	snprintf(name, sizeof name, "version %lld", have ? prev.id + 1 : 1);
	if (have) {
		char pname[64];
		snprintf(pname, sizeof pname, "version %lld", prev.id);
		diff = ls_diff_text(prev.text, e->text, pname, name, &added, &removed);
	} else
		diff = ls_diff_text("", e->text, "(nothing)", name, &added, &removed);
	if (diff == NULL) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	versions_hash(e->text, strlen(e->text), hash);
	if (e->summary && e->summary[0])
		snprintf(summary, sizeof summary, "%s (+%d -%d lines)", e->summary, added, removed);
	else
		snprintf(summary, sizeof summary, "+%d -%d lines", added, removed);
	if (sqlite3_prepare_v2(v->db, "INSERT INTO versions (time, author, file, hash, text, diff, summary, "
	    "restored_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		goto sqlfail;
	sqlite3_bind_double(st, 1, e->time > 0 ? e->time : (double)time(NULL));
	sqlite3_bind_text(st, 2, e->author ? e->author : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, e->file ? e->file : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, e->text, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, diff, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 7, summary, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 8, e->restored_from);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto sqlfail;
	if (id)
		*id = sqlite3_last_insert_rowid(v->db);
	rc = 0;
	goto done;
sqlfail:
	snprintf(err, errlen, "versions: %s", sqlite3_errmsg(v->db));
done:
	sqlite3_finalize(st);
	if (have > 0)
		versions_entry_free(&prev);
	free(diff);
	return rc;
}

int
versions_list(struct versions *v, int limit, versions_fn fn, void *arg, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int n = 0, rc;

	if (sqlite3_prepare_v2(v->db, "SELECT id, time, author, file, hash, summary, restored_from FROM versions "
	    "ORDER BY id DESC LIMIT ?", -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int(st, 1, limit > 0 ? limit : 100);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct versions_entry e = { 0 };
		e.id = sqlite3_column_int64(st, 0);
		e.time = sqlite3_column_double(st, 1);
		e.author = (const char *)sqlite3_column_text(st, 2);
		e.file = (const char *)sqlite3_column_text(st, 3);
		e.hash = (const char *)sqlite3_column_text(st, 4);
		e.summary = (const char *)sqlite3_column_text(st, 5);
		e.restored_from = sqlite3_column_int64(st, 6);
		n++;
		if (fn(arg, &e))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	return n;
fail:
	snprintf(err, errlen, "versions: %s", sqlite3_errmsg(v->db));
	sqlite3_finalize(st);
	return -1;
}
