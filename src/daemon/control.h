/*
 * control.h — the Unix control socket, the daemon's only API (server and
 * client), and the watched CAP directory.
 *
 * Protocol "ledsign-control/1" (docs/alerts.md has the full text): one
 * request per line, "ledsign-control/1 VERB key=value ...", values
 * percent-encoded as in alert.h.  The answer is zero or more item lines
 * ("alert RECORD", "board k=v ...", "verb k=v ..."), then one final line
 * "ok key=value ..." or "error code=WORD message=TEXT".  The verbs are rows
 * of one table (control_verbs.c; `help` lists them): status, alerts, boards,
 * snapshot, schedule, why, week, staff, staff-versions, staff-version,
 * audit, help, watch (viewer), alert, clear, cap, record (operator), reload,
 * staff-save, staff-restore, staff-adopt (admin).  watch keeps the
 * connection and streams events (control_watch.h).
 *
 * The server never blocks: control_server_attach() puts the listening
 * socket and every connection (a libevent bufferevent with watermarks) on
 * the daemon's event loop.  The limits below bound what each connection may
 * cost.
 *
 * Who may do what: every connection gets a role from its peer credentials
 * (SO_PEERCRED) when it is accepted.  Root and the daemon's own user are
 * admin; others get the highest role whose lists name them
 * (control_viewers / control_viewer_groups, control_operators /
 * control_operator_groups, control_admins / control_admin_groups; the older
 * control_users / control_groups are admin lists, as they could alert,
 * clear and reload before roles).  Anyone else is refused at accept; a
 * verb above the peer's role gets "error code=denied" naming the role it
 * needs.  Names are resolved when the server is made or the config set, so
 * accepting never waits on NSS.  The socket is made 0660 (umask 0117
 * around bind), owned by the first group of control_groups,
 * control_viewer_groups, control_operator_groups, control_admin_groups
 * (in that order) when there is one.
 */
#ifndef LEDSIGN_CONTROL_H
#define LEDSIGN_CONTROL_H

#include <stddef.h>
#include <sys/types.h>
#include "alert/alert.h"
#include "config/model.h"

#define CONTROL_VERSION "ledsign-control/1"

/* ---- limits: every bound the control socket keeps, in one place ----
 * Who may connect is decided by the access lists; these bound what an
 * allowed but careless or hostile user can cost the daemon, so that the
 * boards keep playing and root can always raise an alert.  docs/alerts.md
 * lists each with the error it gives; keep the two in step. */

/* Longest request line.  Every verb but cap fits easily (an alert's text is
 * at most ALERT_TEXT_MAX bytes, 3x that percent-encoded, plus 256 targets);
 * Redis caps inline requests the same way.  Longer: error code=toolarge. */
#define CONTROL_LINE_MAX (64 * 1024)
/* A cap request carries a whole CAP document (CAP_DOC_MAX, 1 MiB,
 * percent-encoded up to 3x) in one line, so its line may be this long ... */
#define CONTROL_CAP_LINE_MAX (3 * 1024 * 1024 + 256)
/* ... but only this many connections may hold such a long line at once, so
 * long lines cost at most 2 x 3 MiB however many clients send them.
 * A third gets error code=busy. */
#define CONTROL_CAP_LINES 2
/* Unsent answers per connection: above this the server stops reading that
 * connection's requests (backpressure) until the client has read the
 * answers down to CONTROL_OUT_LOW.  One answer is always queued whole, so a
 * connection holds at most CONTROL_OUT_HIGH + one answer (a status with
 * ALERT_STORE_MAX alerts is the largest). */
#define CONTROL_OUT_HIGH (64 * 1024)
#define CONTROL_OUT_LOW  (16 * 1024)
/* Connections.  A user other than root and the daemon's own user may hold
 * CONTROL_CONN_PER_UID at once, and such users together CONTROL_CONN_SHARED.
 * When those are taken, CONTROL_CONN_ALERT_RESERVE more are kept for alert
 * and clear requests only (they must finish within CONTROL_RESERVE_MS), and
 * root and the daemon's user may use every slot up to CONTROL_CONN_MAX: no
 * crowd of idle clients can keep root from raising an alert.  Beyond
 * these: error code=busy. */
#define CONTROL_CONN_PER_UID 8
#define CONTROL_CONN_SHARED 48
#define CONTROL_CONN_ALERT_RESERVE 8
#define CONTROL_CONN_MAX 72
/* A connection must complete a request (its answer handed to the kernel)
 * within this long of connecting and of its last completed request, or it
 * is closed.  Silence is not the test: a client sending one byte a minute,
 * or pipelining requests and never reading the answers, is closed too. */
#define CONTROL_REQUEST_MS 10000
#define CONTROL_RESERVE_MS 2000
/* Requests per second per user (root and the daemon's user are exempt, so
 * an emergency never waits behind a script): a token bucket refilled at
 * CONTROL_RATE per second holding at most CONTROL_RATE_BURST.  A user over
 * the rate is not refused; its connections are read more slowly.  This
 * bounds the CPU one user's requests take from the boards. */
#define CONTROL_RATE 50
#define CONTROL_RATE_BURST 100
/* Work per event-loop wake, so one busy client never delays a board frame
 * for long: requests answered per connection, connections accepted. */
#define CONTROL_LINES_PER_WAKE 16
#define CONTROL_ACCEPT_PER_WAKE 32
/* Backlog of the listening socket. */
#define CONTROL_BACKLOG 128

struct control_server;
struct cap_result;
struct control_conn;
struct player_status;
struct sched;

/* Who may do what; each role may do what the ones below it may. */
enum control_role {
	CONTROL_ROLE_NONE = 0,        /* not on any list: refused at accept */
	CONTROL_ROLE_VIEWER,          /* read-only verbs: status, alerts, boards, schedule, help */
	CONTROL_ROLE_OPERATOR,        /* and the verbs that change alerts: alert, clear, cap */
	CONTROL_ROLE_ADMIN,           /* and reload (and config writes to come) */
};

/* "viewer", "operator", "admin" ("none" for CONTROL_ROLE_NONE). */
const char *control_role_name(enum control_role);

/* What the daemon says about itself in the "boards" answer. */
struct control_daemon_info {
	int    pid;
	double wall;                  /* the daemon's clock now (Unix seconds, shifted by
	                               * `play --start-at`): started and last_ack are on it */
	double started;               /* on that clock */
	unsigned reloads;
	const char *config;           /* path of the config file */
	const char *reload_error;     /* why the last reload failed; "" when it worked */
};

/* Called by the "boards" verb for each board. */
typedef void (*control_board_fn)(void *ctx, const struct player_status *);

/* What the server calls back into the daemon.  Any may be NULL. */
struct control_ops {
	/* The set of alerts changed (stored, cleared, expired by CAP, ...):
	 * re-evaluate what every board shows.  Called before the answer is sent. */
	void (*changed)(void *arg);
	/* "reload": re-read the config; 0, or -1 with a message in err. */
	int  (*reload)(void *arg, char *err, size_t errlen);
	/* The wall clock in Unix seconds (a daemon may run on a virtual
	 * campaign clock); NULL = time(NULL). */
	long long (*now)(void *arg);
	/* Parse a CAP document as cap_parse does, synchronously (a tool or a
	 * test); NULL (and cap_parse_start NULL) = cap_parse in this process.
	 * 0, -1 + err, or CONTROL_CAP_PARSER_FAILED + err: the parser died or
	 * hung on this document, so a cap_dir file is failed at once instead of
	 * waiting to see whether it was half-written.  Not used when
	 * cap_parse_start is set. */
	int  (*cap_parse)(void *arg, const char *doc, size_t len, const char *name, long long now,
	    struct cap_result *out, char *err, size_t errlen);
	/* Or start parsing one elsewhere and return at once (the daemon, in its
	 * parser process, daemon/capchild.h: the event loop never waits on one
	 * document).  A `cap` request then needs a connection to answer on
	 * (control_handle_line gets error code=unsupported).  0 when sent: the outcome
	 * comes later through control_server_cap_parsed, and doc and name stay
	 * valid until then or until cap_parse_cancel.  -1 + err: not sent, the
	 * document fails now.  The server sends one at a time and queues up to
	 * CONTROL_CAP_QUEUE. */
	int  (*cap_parse_start)(void *arg, const char *doc, size_t len, const char *name, long long now,
	    char *err, size_t errlen);
	/* The server is going: drop the outcome of the document out. */
	void (*cap_parse_cancel)(void *arg);
	/* "boards": fill info and call fn once per board playing.  NULL:
	 * "boards" answers error code=unsupported. */
	void (*boards)(void *arg, struct control_daemon_info *info, control_board_fn fn, void *ctx);
	/* "schedule": the daemon's scheduler (for the config it plays), and
	 * its clock now in *wall.  NULL: "schedule" answers
	 * error code=unsupported. */
	const struct sched *(*schedule)(void *arg, double *wall);
};
#define CONTROL_CAP_PARSER_FAILED (-2)
/* CAP documents waiting for the parser (cap_parse_start) at most; a `cap`
 * request beyond it is answered error code=busy, a cap_dir file waits for
 * the next scan. */
#define CONTROL_CAP_QUEUE 16

/* The outcome of the document out (ops.cap_parse_start): rc 0 with *r
 * (taken over and released here), -1 + err, or CONTROL_CAP_PARSER_FAILED +
 * err.  Applies it and answers the `cap` request or moves the cap_dir file
 * it came from, then sends the next document. */
void control_server_cap_parsed(struct control_server *, int rc, struct cap_result *r, const char *err);

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

/* Stream this bus's events to `watch` connections (control_watch.h);
 * without it `watch` answers error code=unavailable.  The bus must outlive
 * the server. */
struct event_bus;
void control_server_set_events(struct control_server *, struct event_bus *);

/* Record alerts raised and cleared, CAP documents applied, reloads, and
 * what clients report with the `record` verb in this audit log
 * (record/audit.h); the `audit` verb lists it.  NULL: none (`audit`
 * answers error code=unavailable).  It must outlive the server. */
struct audit;
void control_server_set_audit(struct control_server *, struct audit *);

/* Change the request deadline (milliseconds; <= 0 restores
 * CONTROL_REQUEST_MS).  For tests. */
void control_server_set_deadline(struct control_server *, int ms);

/* The listening fd (non-blocking, close-on-exec). */
int  control_server_fd(const struct control_server *);

/* Run everything on a libevent base: the listening socket, each connection,
 * and (when the config has cap_dir) the watched CAP directory.  0 or -1 + err.
 * Without it the server accepts no connections.  The server frees its
 * events in control_server_free. */
struct event_base;
int  control_server_attach(struct control_server *, struct event_base *, char *err, size_t errlen);

/* Handle one request line (without the newline) as if from the daemon's
 * own user; returns the answer lines (each ending in '\n'), malloc'd, with
 * their length in *len, or NULL when out of memory.  Connections use the
 * same path; exposed for tests and the fuzzer.  `now` is Unix seconds. */
char *control_handle_line(struct control_server *, const char *line, long long now, size_t *len);
/* The same for a peer with this uid and role (what a connection does). */
char *control_handle_line_as(struct control_server *, const char *line, long long now, uid_t uid,
    enum control_role role, size_t *len);

/* ---- watched CAP directory ----
 * Every regular file in DIR not starting with '.' is read as a CAP document
 * and applied; it is then moved to DIR/done/ (or DIR/failed/, next to a
 * NAME.error file saying why).  A file some process has open for writing
 * is skipped, and one that does not parse stays until it has been unchanged
 * for 3 s (it may be half-written); symbolic links and other non-regular
 * files go to DIR/failed/ unread.  Returns how many changed the alerts. */
int  control_cap_dir_scan(struct control_server *, long long now);

/* ---- client ----
 * control_client_request() runs a request on the caller's event_base and
 * never blocks it (the connect is retried on a timer while the listen
 * queue is full): a web console or any other loop can ask the daemon
 * without stalling.  control_request() is the same run to completion on an
 * event_base of its own, for the CLI. */

/* Called for every item line of an answer (without the newline). */
typedef void (*control_line_fn)(void *arg, const char *line);
/* Called once at the end: rc 0 for "ok", 1 for "error" (final is the
 * final line, without the newline), -1 when there was no answer (final is
 * NULL, err says why; eno is EACCES when the socket's permissions kept
 * this user out, else EIO or the connect's errno). */
typedef void (*control_done_fn)(void *arg, int rc, const char *final, const char *err, int eno);

struct control_client;
/* Connect to `path` and send `request` (one line, without the newline; the
 * version word is added); item lines go to line_fn (may be NULL), then
 * done_fn is called exactly once, within timeout_ms.  The client frees
 * itself after done_fn returns.  NULL + err when it could not even start
 * (out of memory, path too long); done_fn is not called then. */
struct control_client *control_client_request(struct event_base *, const char *path, const char *request,
    int timeout_ms, control_line_fn line_fn, control_done_fn done_fn, void *arg, char *err, size_t errlen);
/* Abandon a request before its done_fn: nothing more is called.  Accepts NULL. */
void control_client_cancel(struct control_client *);

/* Connect to `path`, send `request`, and read the answer, waiting at most
 * timeout_ms in all.  Item lines go to fn.  The final line goes to final
 * (without the newline).  Returns 0 for "ok", 1 for "error", -1 when there
 * was no answer (err says why: no daemon, refused, timeout; errno is
 * EACCES when the socket's permissions kept this user out). */
int  control_request(const char *path, const char *request, int timeout_ms,
    control_line_fn fn, void *arg, char *final, size_t finalcap, char *err, size_t errlen);

/* Value of `key` in a line of key=value pairs (after a leading word such
 * as "ok"), decoded into val.  0, or -1 when absent or malformed. */
int  control_line_get(const char *line, const char *key, char *val, size_t valcap);

/* The checker process a staff save starts (`ledsign staff-check MAIN
 * STAFF`, control_staff.c): check the config at main_path with the text
 * read from fd `in` in place of the staff file at staff_path, and write the
 * report ("problem ..." lines, then "checked errors=N warnings=M") to fd
 * `out`.  The exit status: 0, or 1 when it could not report. */
int  control_staff_check_main(const char *main_path, const char *staff_path, int in, int out);
/* The checker a staff-poster starts (`ledsign png-check FILE`): decode
 * FILE under the renderer's limits and write one line to fd `out`, "ok
 * width=W height=H" or "error code=invalid message=...".  Exit status as
 * above. */
int  control_png_check_main(const char *path, int out);

#endif
