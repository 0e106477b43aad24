/*
 * users.c — the console's accounts in SQLite, passwords hashed with
 * libcrypt's yescrypt (users.h).
 *
 * The console opens the database read-only per login (no long-lived
 * handle shared between connection threads), so `ledsign user passwd`
 * takes effect at the next login without a restart.
 */
#include <crypt.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sqlite3.h>

#include "web/users.h"

struct web_users {
	sqlite3 *db;
	char *path;
};

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS users ("
    " name TEXT PRIMARY KEY NOT NULL,"
    " role TEXT NOT NULL,"
    " hash TEXT NOT NULL,"
    " created REAL NOT NULL,"
    " changed REAL NOT NULL);";

struct web_users *
web_users_open(const char *path, int create, char *err, size_t errlen)
{
	struct web_users *u = calloc(1, sizeof *u);
	int flags = create ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READWRITE;
	char *emsg = NULL;

	if (u == NULL || (u->path = strdup(path)) == NULL) {
		free(u);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (!create) {
		struct stat st;

		if (stat(path, &st) < 0) {
			snprintf(err, errlen, "%s: %s; make the first account with `ledsign user add NAME --role admin`",
			    path, strerror(errno));
			web_users_close(u);
			return NULL;
		}
	}
	if (sqlite3_open_v2(path, &u->db, flags | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, u->db ? sqlite3_errmsg(u->db) : "cannot open");
		web_users_close(u);
		return NULL;
	}
	sqlite3_busy_timeout(u->db, 2000);
	if (create) {
		/* accounts are secrets: only the owner reads the file */
		chmod(path, 0600);
		if (sqlite3_exec(u->db, schema, NULL, NULL, &emsg) != SQLITE_OK) {
			snprintf(err, errlen, "%s: %s", path, emsg ? emsg : "cannot create the users table");
			sqlite3_free(emsg);
			web_users_close(u);
			return NULL;
		}
	}
	return u;
}

void
web_users_close(struct web_users *u)
{
	if (u == NULL)
		return;
	sqlite3_close(u->db);
	free(u->path);
	free(u);
}

int
web_user_name_valid(const char *n)
{
	size_t len = strlen(n);

	if (len < 1 || len > WEB_USER_NAME_MAX)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = n[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    (i > 0 && (c == '.' || c == '_' || c == '-'))))
			return 0;
	}
	return 1;
}

static char *
hash_password(const char *pw, char *err, size_t errlen)
{
	char *salt, *h, *out;
	void *data = NULL;
	int size = 0;

	if ((salt = crypt_gensalt_ra("$y$", 0, NULL, 0)) == NULL) {
		snprintf(err, errlen, "libcrypt cannot make a yescrypt salt: %s", strerror(errno));
		return NULL;
	}
	h = crypt_ra(pw, salt, &data, &size);
	free(salt);
	if (h == NULL || h[0] == '*') {
		snprintf(err, errlen, "libcrypt cannot hash the password: %s", strerror(errno));
		free(data);
		return NULL;
	}
	out = strdup(h);
	explicit_bzero(data, (size_t)size);
	free(data);
	if (out == NULL)
		snprintf(err, errlen, "out of memory");
	return out;
}

static int
password_ok(const char *pw, char *err, size_t errlen)
{
	size_t n = strlen(pw);

	if (n < WEB_PASSWORD_MIN || n > WEB_PASSWORD_MAX) {
		snprintf(err, errlen, "a password needs %d to %d characters", WEB_PASSWORD_MIN, WEB_PASSWORD_MAX);
		return 0;
	}
	return 1;
}

static int
exec_change(struct web_users *u, const char *sql, const char *a, const char *b, const char *c, int want_row,
    char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	struct timespec ts;
	double now;
	int rc;

	/* to the microsecond: a session that logged in before this change ends
	 * even when both fall in the same second */
	clock_gettime(CLOCK_REALTIME, &ts);
	now = (double)ts.tv_sec + ts.tv_nsec / 1e9;

	if (sqlite3_prepare_v2(u->db, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", u->path, sqlite3_errmsg(u->db));
		return -1;
	}
	sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
	if (b)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
	if (c)
		sqlite3_bind_text(st, 3, c, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 4, now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_CONSTRAINT) {
		snprintf(err, errlen, "user %s exists already (ledsign user passwd changes a password)", a);
		return -1;
	}
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "%s: %s", u->path, sqlite3_errmsg(u->db));
		return -1;
	}
	if (want_row && sqlite3_changes(u->db) == 0) {
		snprintf(err, errlen, "no user %s (ledsign user list shows them)", a);
		return -1;
	}
	return 0;
}

int
web_users_add(struct web_users *u, const char *name, enum web_role role, const char *pw, char *err, size_t errlen)
{
	char *h;
	int rc;

	if (!web_user_name_valid(name)) {
		snprintf(err, errlen, "bad user name \"%.40s\": 1..%d letters, digits and . _ - starting with a letter or digit",
		    name, WEB_USER_NAME_MAX);
		return -1;
	}
	if (role == WEB_ROLE_PUBLIC || !password_ok(pw, err, errlen)) {
		if (role == WEB_ROLE_PUBLIC)
			snprintf(err, errlen, "a user needs a role: viewer, editor, duty or admin");
		return -1;
	}
	if ((h = hash_password(pw, err, errlen)) == NULL)
		return -1;
	rc = exec_change(u, "INSERT INTO users(name, role, hash, created, changed) VALUES (?1, ?2, ?3, ?4, ?4)", name,
	    web_role_name(role), h, 0, err, errlen);
	free(h);
	return rc;
}

int
web_users_passwd(struct web_users *u, const char *name, const char *pw, char *err, size_t errlen)
{
	char *h;
	int rc;

	if (!password_ok(pw, err, errlen) || (h = hash_password(pw, err, errlen)) == NULL)
		return -1;
	rc = exec_change(u, "UPDATE users SET hash = ?2, changed = ?4 WHERE name = ?1", name, h, NULL, 1, err, errlen);
	free(h);
	return rc;
}

int
web_users_set_role(struct web_users *u, const char *name, enum web_role role, char *err, size_t errlen)
{
	return exec_change(u, "UPDATE users SET role = ?2, changed = ?4 WHERE name = ?1", name, web_role_name(role), NULL,
	    1, err, errlen);
}

int
web_users_del(struct web_users *u, const char *name, char *err, size_t errlen)
{
	return exec_change(u, "DELETE FROM users WHERE name = ?1", name, NULL, NULL, 1, err, errlen);
}

static char dummy_hash[256];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void
dummy_make(void)
{
	char err[128], *h = hash_password("not a password of anyone", err, sizeof err);

	if (h)
		snprintf(dummy_hash, sizeof dummy_hash, "%s", h);
	free(h);
}

int
web_users_check(struct web_users *u, const char *name, const char *pw, struct web_user *out, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	char hash[256] = "", role[16] = "";
	const char *h;
	void *data = NULL;
	int size = 0, rc, found = 0, ok = 0;

	if (sqlite3_prepare_v2(u->db, "SELECT hash, role FROM users WHERE name = ?1", -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", u->path, sqlite3_errmsg(u->db));
		return -1;
	}
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(hash, sizeof hash, "%s", (const char *)sqlite3_column_text(st, 0));
		snprintf(role, sizeof role, "%s", (const char *)sqlite3_column_text(st, 1));
		found = 1;
	} else if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "%s: %s", u->path, sqlite3_errmsg(u->db));
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	/* an unknown name costs a real yescrypt too, so timing does not tell */
	pthread_once(&dummy_once, dummy_make);
	h = crypt_ra(pw, found ? hash : dummy_hash[0] ? dummy_hash : "$y$j9T$", &data, &size);
	if (found && h != NULL && h[0] != '*' && strlen(h) == strlen(hash)) {
		unsigned char d = 0;

		for (size_t i = 0; hash[i]; i++)
			d |= (unsigned char)(h[i] ^ hash[i]);
		ok = d == 0;
	}
	if (data)
		explicit_bzero(data, (size_t)size);
	free(data);
	if (!ok)
		return 0;
	snprintf(out->name, sizeof out->name, "%s", name);
	if (web_role_parse(role, &out->role) < 0)
		return 0;
	return 1;
}

int
web_users_get(struct web_users *u, const char *name, enum web_role *role, double *changed, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int rc, found = 0;

	if (sqlite3_prepare_v2(u->db, "SELECT role, changed FROM users WHERE name = ?1", -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", u->path, sqlite3_errmsg(u->db));
		return -1;
	}
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		found = web_role_parse((const char *)sqlite3_column_text(st, 0), role) == 0;
		*changed = sqlite3_column_double(st, 1);
	} else if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "%s: %s", u->path, sqlite3_errmsg(u->db));
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return found;
}

int
web_users_list(struct web_users *u, web_users_fn fn, void *arg, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(u->db, "SELECT name, role, created, changed FROM users ORDER BY name", -1, &st, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", u->path, sqlite3_errmsg(u->db));
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		enum web_role r = WEB_ROLE_PUBLIC;

		web_role_parse((const char *)sqlite3_column_text(st, 1), &r);
		fn(arg, (const char *)sqlite3_column_text(st, 0), r, sqlite3_column_double(st, 2),
		    sqlite3_column_double(st, 3));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "%s: %s", u->path, sqlite3_errmsg(u->db));
		return -1;
	}
	return 0;
}
