/*
 * db.h — private to src/record/: opening one of the daemon's SQLite files
 * (proof of play, the audit log, the staff file's versions) with its
 * schema, so that each says the same when it cannot.
 */
#ifndef LEDSIGN_RECORD_DB_H
#define LEDSIGN_RECORD_DB_H

#include <stddef.h>
#include <sqlite3.h>

/* Open (creating) the file at path with flags (SQLITE_OPEN_NOMUTEX or
 * _FULLMUTEX; read-write and create are added), wait up to busy_ms for a
 * lock, and run schema.  0, or -1 with *db closed (NULL) and "PATH: why"
 * in err; when the schema fails (a file of something else), hint follows
 * (may be ""). */
int record_db_open(const char *path, int flags, int busy_ms, const char *schema, const char *hint, sqlite3 **db,
    char *err, size_t errlen);

#endif
