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

/* Fork a parser child that parses with `cfg`.  When the caller is root the
 * child becomes `user` (NULL: user nobody) with no supplementary groups;
 * otherwise it keeps the caller's ids.  Waits until the child is ready.
 * NULL + err when it could not be started. */
struct capchild *capchild_new(const struct ls_config *cfg, const struct priv_user *user, char *err, size_t errlen);
/* Stop the child (SIGKILL) and reap it; accepts NULL.  *status (when not
 * NULL) gets its wait status, or -1 when it could not be reaped. */
void capchild_free(struct capchild *, int *status);
/* The child's pid; the socket the daemon watches while no document is out:
 * it becomes readable only when the child is gone. */
pid_t capchild_pid(const struct capchild *);
int   capchild_fd(const struct capchild *);

/* Parse one document in the child, as cap_parse would.  0 with *out filled
 * (validated: every length and value checked; release with
 * cap_result_clear), -1 + err (the document is not usable CAP), or
 * CAPCHILD_DIED + err (the child died, hung or answered nonsense; it is
 * finished and must be replaced with capchild_free + capchild_new). */
int capchild_parse(struct capchild *, const char *doc, size_t len, const char *name, long long now,
    struct cap_result *out, char *err, size_t errlen);

/* Describe a wait status: "exited with status 3", "killed by signal 9". */
void capchild_status_text(int status, char *buf, size_t len);

#endif
