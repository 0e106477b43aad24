/* db.c — one of the daemon's SQLite files with its schema (db.h). */
#include "record/db.h"

#include <stdio.h>

int
record_db_open(const char *path, int flags, int busy_ms, const char *schema, const char *hint, sqlite3 **db,
    char *err, size_t errlen)
{
	char *msg = NULL;

	*db = NULL;
	if (sqlite3_open_v2(path, db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | flags, NULL) != SQLITE_OK) {
		/* sqlite leaves no handle only when it cannot allocate one */
		snprintf(err, errlen, "%s: %s", path, *db ? sqlite3_errmsg(*db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(*db, busy_ms);
	if (sqlite3_exec(*db, schema, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s%s", path, msg ? msg : sqlite3_errmsg(*db), hint);
		sqlite3_free(msg);
		goto fail;
	}
	return 0;
fail:
	sqlite3_close(*db);
	*db = NULL;
	return -1;
}
