/*
 * audit.h — the audit log: who did what, when, from where.  Append-only, in
 * SQLite (the daemon keeps STATE_DIR/audit.db; anything else asks it over
 * the control socket: the `record` and `audit` verbs).
 *
 * An entry says when (Unix seconds), from where (origin: "cli" for the
 * control socket's own clients, "web" for the console, "cap_dir" for the
 * watched CAP directory, "daemon"), the Unix uid of the peer that asked
 * (-1 when none), the console user it acted for (actor, "" when none),
 * what (action: "alert", "clear", "cap", "reload", "login", "login-failed",
 * "logout", and what other modules add: the content editor's "save",
 * "restore"), on what (target) and the details.  Rows cannot be changed
 * or deleted: triggers refuse UPDATE and DELETE, so even a bug here cannot
 * rewrite history (someone with the file can, of course: it is a log, not
 * a notary).  Nothing here prints.
 */
#ifndef LEDSIGN_AUDIT_H
#define LEDSIGN_AUDIT_H

#include <stddef.h>

/* Longest text kept per field; longer is cut (and marked with "..."). */
#define AUDIT_FIELD_MAX 4096

struct audit;

struct audit_entry {
	long long id;          /* 1, 2, ... in order of recording (set by audit_add) */
	double time;
	const char *origin;
	long long uid;         /* -1: none */
	const char *actor;
	const char *action;
	const char *target;
	const char *detail;
};

/* Open (creating when missing) the log at path.  NULL + err. */
struct audit *audit_open(const char *path, char *err, size_t errlen);
void audit_close(struct audit *);   /* accepts NULL */

/* Append one entry (time 0: now).  0 with *id set (id may be NULL), or -1 + err. */
int audit_add(struct audit *, const struct audit_entry *, long long *id, char *err, size_t errlen);

/* Entries newest first, with id < before (0: from the newest), at most
 * limit; fn returns nonzero to stop.  Returns the count, or -1 + err. */
typedef int (*audit_fn)(void *arg, const struct audit_entry *);
int audit_list(struct audit *, long long before, int limit, audit_fn fn, void *arg, char *err, size_t errlen);

#endif
