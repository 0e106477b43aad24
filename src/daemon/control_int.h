/*
 * control_int.h — private to src/daemon/control_*.c: the server's state and
 * the seams between its files.
 *
 *   control_server.c  the socket, connections and every limit in control.h
 *   control_acl.c     peer credentials -> role (viewer < operator < admin)
 *   control_verbs.c   the verb table, its handlers and the answer buffer
 *   control_capdir.c  the watched CAP directory
 *   control_capq.c    CAP documents waiting for the parser process
 *   control_client.c  the client (non-blocking, on the caller's event_base)
 *
 * The server only frames lines and enforces limits; what a line means and
 * who may send it is looked up in the verb table (tmux cmd_table, relayd
 * control.c), so a new verb is one row there plus its handler.
 */
#ifndef LEDSIGN_CONTROL_INT_H
#define LEDSIGN_CONTROL_INT_H

#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "daemon/control.h"

struct bufferevent;
struct event;
struct evbuffer_cb_entry;

/* ---- access lists (control_acl.c) ---- */

/* Users and groups per role, resolved to ids when the config is set, so
 * accepting a connection never waits on NSS. */
struct control_acl {
	struct {
		uid_t *uids;  size_t nuids;
		gid_t *gids;  size_t ngids;
	} role[CONTROL_ROLE_ADMIN + 1];
	int    have_group;            /* the socket's group (group) is set */
	gid_t  group;
};

/* Resolve the config's lists into a new acl; names that do not resolve are
 * logged through s and skipped.  NULL + err only when out of memory. */
struct control_acl *control_acl_new(struct control_server *s, const struct ls_config *, char *err, size_t errlen);
void control_acl_free(struct control_acl *);   /* accepts NULL */
/* The role of a peer: admin for root and the daemon's own user, else the
 * highest role whose lists name its uid (or its primary gid; supplementary
 * members are resolved to uids by control_acl_new), else CONTROL_ROLE_NONE. */
enum control_role control_acl_role(const struct control_acl *, uid_t uid, gid_t gid);

/* ---- server state (control_server.c) ---- */

/* One user's share: its connections and its request-rate bucket.  Kept
 * while it has connections or an unfilled bucket, so reconnecting does not
 * refill the bucket. */
struct control_peer {
	uid_t  uid;
	int    privileged;            /* root or the daemon's user: no per-user limits */
	unsigned nconns;
	double tokens;                /* requests it may make now (CONTROL_RATE per second) */
	long long refilled_ms;
	struct control_peer *next;
};

struct control_conn {
	struct control_server *srv;
	struct bufferevent *bev;
	struct control_peer *peer;
	uid_t  uid;
	pid_t  pid;
	enum control_role role;       /* decided once, at accept */
	int    reserve;               /* in a CONTROL_CONN_ALERT_RESERVE slot: CONTROL_VERB_RESERVE verbs only */
	int    longline;              /* holds one of the CONTROL_CAP_LINES slots */
	int    closing;               /* answer sent: close once the output is empty */
	int    eof;                   /* the peer shut its side: answer what came, then close */
	int    deadline_ms;
	struct event *deadline;       /* no request completed in time: close */
	struct event *resume;         /* go on with buffered requests (rate, fairness) */
	uint64_t added, sent, pending_end;  /* output bytes: queued, sent, end of the oldest unsent answer */
	size_t scanned;               /* input bytes already searched for a line end */
	struct evbuffer_cb_entry *outcb;
	struct control_watch *watch;  /* a `watch` connection: streams events, no deadline */
	struct control_capjob *capjob;  /* its `cap` request waits for the parser: no reading, no deadline */
	struct control_staffjob *staffjob;  /* its staff-save waits for the checker child: the same */
	struct control_conn *next;
};

struct cap_pending;
struct control_staffjob;

/* A CAP document waiting for (or at) the parser process (ops.cap_parse_start). */
struct control_capjob {
	char  *doc;
	size_t len;
	char  *name;
	long long now;
	struct control_conn *conn;    /* a `cap` request to answer; NULL when it closed meanwhile */
	long long uid;                /* who sent it (-1: a cap_dir file), for the audit log */
	char  *actor;                 /* the console user it came for, or NULL */
	char  *dir;                   /* or a cap_dir file, NAME in this directory ... */
	struct stat st;               /* ... as it was when read */
	struct control_capjob *next;
};

struct control_server {
	char  *path;
	int    fd;
	const struct ls_config *cfg;
	struct alert_store *store;
	struct control_ops ops;
	void  *arg;
	struct control_acl *acl;
	struct control_conn *conns;
	struct control_peer *peers;
	size_t nconns, nshared, nreserve, nlong;
	struct event_base *base;
	struct event *lev, *capev, *captimer;
	struct event *capsettle;   /* looks again at files waiting to settle */
	int    inotify_fd;
	char  *watched;            /* the cap_dir the events above are for */
	struct cap_pending *pending;   /* cap_dir files that did not parse, not yet settled */
	size_t npending;
	struct control_capjob *capq;   /* documents for the parser, the first one out */
	size_t ncapq;
	int    capq_out;           /* capq's first document is at the parser */
	int    capq_full;          /* a cap_dir file was left for want of room: scan once there is */
	int    deadline_ms;        /* a connection must complete a request this often */
	struct event *relisten;    /* out of fds: accept again a little later */
	struct event_bus *events;  /* for `watch`; may be NULL */
	struct control_staffjob *staffjob;  /* the staff save being checked (one at a time) */
	struct audit *audit;       /* the audit log (record/audit.h); may be NULL */
	long long who_uid;         /* who the CAP document being applied came from ... */
	const char *who_actor;     /* ... for control_cap_finish's audit entry */
	long long quiet_since;     /* log_limited: start of this second */
	unsigned long quiet_n;     /* ... and lines left out in it */
};

/* Queue bytes on a connection, taking ownership of ans (malloc'd); for
 * verbs that answer later or stream (the answer of control_dispatch is
 * queued by the server itself). */
void control_conn_queue(struct control_conn *, char *ans, size_t len);

/* Log one line through util/log.h, subsystem "control" (level 0 info, 1 warning). */
void control_logf(struct control_server *, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The same, for what a hostile client can cause by the thousand (refusals,
 * drops, denials): the first in each second, then how many were left out. */
void control_log_limited(struct control_server *, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Monotonic milliseconds. */
long long control_ms_now(void);
/* The daemon's wall clock (ops.now, or time(NULL)). */
long long control_srv_now(struct control_server *);

/* ---- answers (control_verbs.c) ---- */

/* A growing output buffer; oom is sticky and the answer becomes
 * "error code=internal" when set. */
struct control_obuf {
	char  *p;
	size_t len, cap;
	int    oom;
};

void control_ob_add(struct control_obuf *, const char *s, size_t n);
/* Append "WORD k=v k=v\n" from NULL-terminated key/value pairs, values
 * percent-encoded. */
void control_ob_line(struct control_obuf *, const char *word, ...) __attribute__((sentinel));
void control_ob_error(struct control_obuf *, const char *code, const char *message);
/* The answer as it goes out: when the buffer ran out of memory, the one
 * line "error code=internal message=out of memory" (p NULL and len 0 when
 * even that cannot be had). */
void control_ob_settle(struct control_obuf *);

/* ---- the verb table (control_verbs.c) ---- */

/* One request being answered. */
struct control_req {
	struct control_server *srv;
	struct control_conn *conn;    /* NULL from control_handle_line (tests, fuzzer) */
	const char *args;             /* after the verb: key=value ... */
	long long now;                /* the daemon's wall clock, Unix seconds */
	uid_t  uid;
	enum control_role role;
};

typedef void (*control_verb_fn)(struct control_req *, struct control_obuf *);

/* Schedule questions (control_sched.c): why v=1, week v=1. */
void control_verb_why(struct control_req *, struct control_obuf *);
void control_verb_week(struct control_req *, struct control_obuf *);
/* The staff file and its history (control_staff.c). */
void control_verb_staff(struct control_req *, struct control_obuf *);
void control_verb_staff_save(struct control_req *, struct control_obuf *);
void control_verb_staff_versions(struct control_req *, struct control_obuf *);
void control_verb_staff_version(struct control_req *, struct control_obuf *);
void control_verb_staff_restore(struct control_req *, struct control_obuf *);
void control_verb_staff_adopt(struct control_req *, struct control_obuf *);
void control_verb_staff_poster(struct control_req *, struct control_obuf *);
/* The server or the connection is going: forget the staff job (its child
 * is killed; a connection's job goes on unanswered). */
void control_staffjob_server_gone(struct control_server *);
void control_staffjob_conn_gone(struct control_conn *);

#define CONTROL_VERB_RESERVE  0x1   /* taken in the alert reserve slots (a full socket) */
#define CONTROL_VERB_LONGLINE 0x2   /* its line may be CONTROL_CAP_LINE_MAX long */

struct control_verb {
	const char *name;
	enum control_role role;       /* the least role that may use it */
	unsigned flags;               /* CONTROL_VERB_* */
	control_verb_fn fn;
	const char *args;             /* what it takes, for help */
	const char *help;             /* one line */
};

/* The verb named by the len bytes at name; NULL when there is none. */
const struct control_verb *control_verb_find(const char *name, size_t len);

/* Answer one request line (without its line end) for a peer with this uid
 * and role; the answer is malloc'd, *len bytes, NULL when out of memory.
 * conn may be NULL. */
char *control_dispatch(struct control_server *, struct control_conn *, const char *line, long long now,
    uid_t uid, enum control_role role, size_t *len);

/* Parse and apply one CAP document; the answer (or an error) goes to b.
 * 1 when the alerts changed, 0 when not, -1 on an error. */
int control_apply_cap(struct control_server *, const char *doc, size_t len, const char *name, long long now,
    struct control_obuf *b, int from_dir);

/* Apply the outcome of a parse (rc 0 with *r, taken over; or rc < 0 +
 * err); the answer goes to b, the return value as control_apply_cap. */
int control_cap_finish(struct control_server *, int rc, struct cap_result *r, const char *err, const char *name,
    long long now, struct control_obuf *b, int from_dir);

/* Queue a document for the parser process (taking job over); sends it at
 * once when none is out.  0, or -1 when CONTROL_CAP_QUEUE are waiting (job
 * is not taken). */
int  control_capq_add(struct control_server *, struct control_capjob *);
/* The queued job for this cap_dir file, or NULL. */
struct control_capjob *control_capq_find_file(struct control_server *, const char *dir, const char *name);
void control_capjob_free(struct control_capjob *);   /* accepts NULL */
/* Forget the queue (the server is going); cancels the document out. */
void control_capq_clear(struct control_server *);
/* Answer a request that waited for a job (a CAP parse, a staff check) with
 * b (control_ob_settle'd; the connection takes b->p) and go on with the
 * connection's next lines. */
void control_conn_answer_held(struct control_conn *, struct control_obuf *b);

/* A console user's name as the actor= of a request: what the console's
 * accounts allow (users.h: 1..64 of [A-Za-z0-9._-]), so a log line, a CSV
 * cell or the staff history cannot be made to look like two.  1 when valid. */
int  control_actor_valid(const char *actor);
/* A value buffer for kv_next as long as the request's arguments, so that no
 * value is ever cut; *cap is its size.  NULL after answering "out of memory". */
char *control_valbuf(const struct control_req *, struct control_obuf *, size_t *cap);

/* Record an action in the audit log (when the server has one); origin
 * NULL: "web" when actor is set, else "cli".  A failure is logged. */
void control_audit(struct control_server *, long long uid, const char *actor, const char *origin, const char *action,
    const char *target, const char *detail);

/* ---- watched CAP directory (control_capdir.c) ---- */

/* The parser's outcome for a cap_dir file: move it (done/, failed/) or
 * leave it to settle, as a scan does.  ret and b as control_cap_finish. */
void control_cap_dir_parsed(struct control_server *, struct control_capjob *, int ret, struct control_obuf *b);

/* Watch the config's cap_dir (again, when a reload changed it); a no-op
 * before control_server_attach.  0, or -1 + err. */
int  control_cap_watch(struct control_server *, char *err, size_t errlen);
void control_cap_unwatch(struct control_server *);

#endif
