/*
 * capchild.h — the CAP parser process.
 *
 * CAP XML comes from outside (a feed's files, anyone allowed on the control
 * socket) and is parsed by libxml2, a large parser.  So the daemon does not
 * parse it: it forks this child once at start, and the child reads
 * documents from a socketpair, runs cap_parse on each and writes the parsed
 * fields back (alert/cap_wire.h).  The child holds no board link, no alert
 * store and no file: it closes every descriptor but its socket, moves to
 * "/", runs as an unprivileged user, sets no_new_privs and may neither fork
 * nor write files (RLIMIT_NPROC, RLIMIT_FSIZE 0).  A child that crashes or
 * hangs costs one document: capchild_parse says so and the daemon starts a
 * new one.  docs/architecture.md draws both processes.
 *
 * The child parses with the config it was forked with (cap_areas,
 * cap_accept_test): after a reload, start a new one.  Nothing here prints.
 */
#ifndef LEDSIGN_CAPCHILD_H
#define LEDSIGN_CAPCHILD_H

#include <stddef.h>
#include <sys/types.h>

#include "alert/cap.h"
#include "daemon/priv.h"

/* A document is refused if the child has not answered within this long. */
#define CAPCHILD_TIMEOUT_MS 2000
/* What capchild_parse returns when the child died or hung on a document. */
#define CAPCHILD_DIED (-2)

struct capchild;
struct event_base;

/* Fork a parser child that parses with `cfg`.  When the caller is root the
 * child becomes `user` (NULL: user nobody) with no supplementary groups;
 * otherwise it keeps the caller's ids.  Waits until the child is ready.
 * NULL + err when it could not be started. */
struct capchild *capchild_new(const struct ls_config *cfg, const struct priv_user *user, char *err, size_t errlen);
/* Stop the child (SIGKILL) and reap it; accepts NULL.  *status (when not
 * NULL) gets its wait status, or -1 when it could not be reaped. */
void capchild_free(struct capchild *, int *status);
/* The child's pid, and the daemon's end of its socket. */
pid_t capchild_pid(const struct capchild *);
int   capchild_fd(const struct capchild *);

/* Parse one document in the child, as cap_parse would.  0 with *out filled
 * (validated: every length and value checked; release with
 * cap_result_clear), -1 + err (the document is not usable CAP), or
 * CAPCHILD_DIED + err (the child died, hung or answered nonsense; it is
 * finished and must be replaced with capchild_free + capchild_new). */
int capchild_parse(struct capchild *, const char *doc, size_t len, const char *name, long long now,
    struct cap_result *out, char *err, size_t errlen);

/* ---- on an event loop (the daemon) ----
 *
 * capchild_parse waits for the reply; the daemon must not (one document
 * that hangs the parser would hold every board), so it attaches the child
 * to its loop and gets each reply as an event, or CAPCHILD_DIED from a
 * CAPCHILD_TIMEOUT_MS timer.  Once attached, use capchild_send, not
 * capchild_parse. */

/* The outcome of a document sent with capchild_send (sent 1): rc 0 with
 * *out (the callee owns it: cap_result_clear), -1 + err, or CAPCHILD_DIED +
 * err.  Or the child went while no document was out (sent 0, CAPCHILD_DIED,
 * err says how).  After CAPCHILD_DIED the child is finished; the callee may
 * capchild_free it. */
typedef void (*capchild_reply_fn)(void *arg, int rc, struct cap_result *out, const char *err, int sent);

/* Watch the child's socket on base; replies go to fn.  0, or -1 + err. */
int capchild_attach(struct capchild *, struct event_base *base, capchild_reply_fn fn, void *arg, char *err,
    size_t errlen);
/* Send one document and return at once; its outcome comes to the attached
 * fn within CAPCHILD_TIMEOUT_MS (then the child is killed).  0, or -1 + err
 * (not attached, a document already out, the child gone, or the document
 * is too large: nothing was sent). */
int capchild_send(struct capchild *, const char *doc, size_t len, const char *name, long long now, char *err,
    size_t errlen);
/* 1 while a document sent with capchild_send has no outcome yet. */
int capchild_busy(const struct capchild *);

/* Describe a wait status: "exited with status 3", "killed by signal 9". */
void capchild_status_text(int status, char *buf, size_t len);

#endif
