/*
 * control.h — the Unix control socket (server and client) and the watched
 * CAP directory: how alerts get into a running daemon.
 *
 * Protocol "ledsign-control/1" (docs/alerts.md has the full text): one
 * request per line, "ledsign-control/1 VERB key=value ...", values
 * percent-encoded as in alert.h.  The answer is zero or more "alert RECORD"
 * lines, then one final line "ok key=value ..." or "error code=WORD
 * message=TEXT".  Verbs: alert, clear, status, reload, cap.
 *
 * The server never blocks: the daemon's event loop watches
 * control_server_fd() and every connection's fd and calls the matching
 * handle function when it is readable (or writable, when
 * control_conn_want_write says so).  control_server_attach() does exactly
 * that on a libevent base, for daemons that want it done for them.
 *
 * Who may connect: root, the daemon's own user, the users in
 * control_users, and members of control_groups (names resolved when the
 * server is made or the config set, so accepting never waits on NSS).  The
 * socket is made 0660 (umask 0117 around bind), owned by the first of
 * control_groups when there is one.
 */
#ifndef LEDSIGN_CONTROL_H
#define LEDSIGN_CONTROL_H

#include <stddef.h>
#include <sys/types.h>
#include "alert/alert.h"
#include "config/model.h"

#define CONTROL_VERSION "ledsign-control/1"
/* Longest request line (a CAP document travels in one). */
#define CONTROL_LINE_MAX (3 * 1024 * 1024 + 256)
/* At most this many clients connected at once; more are refused. */
#define CONTROL_CONN_MAX 64
/* With control_server_attach, a connection silent this long is closed. */
#define CONTROL_IDLE_MS 30000

struct control_server;
struct control_conn;

/* What the server calls back into the daemon.  Any may be NULL. */
struct control_ops {
	/* The set of alerts changed (stored, cleared, expired by CAP, ...):
	 * re-evaluate what every board shows.  Called before the answer is sent. */
	void (*changed)(void *arg);
	/* "reload": re-read the config; 0, or -1 with a message in err. */
	int  (*reload)(void *arg, char *err, size_t errlen);
	/* Log one line (the server never prints); level 0 info, 1 warning. */
	void (*log)(void *arg, int level, const char *msg);
	/* The wall clock in Unix seconds (a daemon may run on a virtual
	 * campaign clock); NULL = time(NULL). */
	long long (*now)(void *arg);
};

/* Listen on `path` (creating its directory if needed).  A stale socket file
 * is replaced; a live one (another daemon answering) is an error.  The
 * config gives the access lists, CAP mapping and watched directory; it and
 * the store must outlive the server (or be replaced with
 * control_server_set_config).  NULL + err on failure. */
struct control_server *control_server_new(const char *path, const struct ls_config *,
    struct alert_store *, const struct control_ops *, void *arg, char *err, size_t errlen);
/* Close every connection and the socket and remove the socket file; accepts NULL. */
void control_server_free(struct control_server *);
/* Switch to a new config (after a reload): access lists, CAP settings, and
 * (once attached) the watched cap_dir.
 * Users or groups that do not exist are logged and skipped.  0, or -1 + err
 * when out of memory (the old access lists stay then; the config is used
 * either way). */
int  control_server_set_config(struct control_server *, const struct ls_config *, char *err, size_t errlen);

/* Change the idle limit (milliseconds; <= 0 restores CONTROL_IDLE_MS). */
void control_server_set_idle(struct control_server *, int ms);

/* The listening fd (non-blocking, close-on-exec). */
int  control_server_fd(const struct control_server *);
/* The listening fd is readable: accept one connection.  Returns it, or NULL
 * when there was nothing to accept or the peer was refused (it is told why
 * and closed; the refusal is logged). */
struct control_conn *control_server_accept(struct control_server *);
int  control_conn_fd(const struct control_conn *);
/* The connection is readable: read, answer every complete request.
 * 0 keep watching; -1 the connection is finished: call control_conn_free. */
int  control_conn_readable(struct control_conn *);
/* The connection is writable: send what is queued.  0 or -1 as above. */
int  control_conn_writable(struct control_conn *);
/* 1 while answers are waiting to be sent (watch for writable). */
int  control_conn_want_write(const struct control_conn *);
void control_conn_free(struct control_conn *);

/* Run everything on a libevent base: the listening socket, each connection,
 * and (when the config has cap_dir) the watched CAP directory.  0 or -1 + err.
 * The server frees its events in control_server_free. */
struct event_base;
int  control_server_attach(struct control_server *, struct event_base *, char *err, size_t errlen);

/* Handle one request line (without the newline) as if from the daemon's
 * own user; returns the answer lines (each ending in '\n'), malloc'd, with
 * their length in *len, or NULL when out of memory.  Connections use the
 * same path; exposed for tests and the fuzzer.  `now` is Unix seconds. */
char *control_handle_line(struct control_server *, const char *line, long long now, size_t *len);

/* ---- watched CAP directory ----
 * Every regular file in DIR not starting with '.' is read as a CAP document
 * and applied; it is then moved to DIR/done/ (or DIR/failed/, next to a
 * NAME.error file saying why).  A file some process has open for writing
 * is skipped, and one that does not parse stays until it has been unchanged
 * for 3 s (it may be half-written); symbolic links and other non-regular
 * files go to DIR/failed/ unread.  Returns how many changed the alerts. */
int  control_cap_dir_scan(struct control_server *, long long now);

/* ---- client ---- */

/* Called for every "alert ..." line of an answer (without the newline). */
typedef void (*control_line_fn)(void *arg, const char *line);

/* Connect to `path`, send `request` (one line, without the newline; the
 * version word is added), and read the answer, waiting at most timeout_ms
 * in all.  Item lines go to fn.  The final line goes to final (without the
 * newline).  Returns 0 for "ok", 1 for "error", -1 when there was no
 * answer (err says why: no daemon, refused, timeout). */
int  control_request(const char *path, const char *request, int timeout_ms,
    control_line_fn fn, void *arg, char *final, size_t finalcap, char *err, size_t errlen);

/* Value of `key` in a line of key=value pairs (after a leading word such
 * as "ok"), decoded into val.  0, or -1 when absent or malformed. */
int  control_line_get(const char *line, const char *key, char *val, size_t valcap);

#endif
