/*
 * daemon.h — `ledsign play`: every board's player on one libevent loop, or
 * spread over worker threads with a loop each (docs/daemon.md, Workers).
 *
 * The daemon owns time and I/O: it loads the config, makes one player per
 * board, and runs the loop until SIGTERM/SIGINT, the end of --duration or
 * --until.  SIGHUP (or `ledsign reload`) reloads the config: the new file is
 * checked first and only swapped in when it has no errors.  What happens
 * is emitted as typed events (event.h) to the log and to `watch`
 * subscribers; logs go to stderr or syslog (util/log.h), each line naming
 * its board.
 *
 * Runtime files live in the directory of the config's control_socket
 * (default LS_PATH_RUN_DIR, util/paths.h): the socket and ledsign.pid.  The
 * board states are read live over the socket (the "boards" verb,
 * control.h); no status file is written.  docs/daemon.md describes both.
 */
#ifndef LEDSIGN_DAEMON_H
#define LEDSIGN_DAEMON_H

#include <stddef.h>
#include "daemon/player.h"

struct daemon_opts {
	const char *config_path;
	int    foreground;        /* 0: detach (and log to syslog) */
	int    use_syslog;
	int    verbose;           /* debug lines too (util/log.h), and every event in the log */
	double clock_offset;      /* seconds added to the wall clock: a virtual campaign time */
	double duration;          /* stop after this many seconds; 0 = run until told */
	double until;             /* stop when the (virtual) wall clock reaches this; 0 = never */
	double fps;               /* animated items; 0 = 30 */
	int    workers;           /* threads for the boards (docs/daemon.md, Workers); 0 = the
	                           * config's `workers`, else automatic */
	const char *run_dir;      /* override the directory for the pid file */
	const char *user;         /* started as root, run as this user (overrides the config's `user`) */
	/* Called on every config the daemon loads (at start and on each reload),
	 * before anything of it is used: `ledsign rehearse` points every board at
	 * a simulated one and the socket and state at private places here, so a
	 * reload of the file cannot reach a real board.  -1 (with a reason in
	 * err) refuses that config.  NULL: the config as loaded. */
	int  (*rewrite)(struct ls_config *, void *arg, char *err, size_t errlen);
	void  *rewrite_arg;
};

struct daemon;
struct ls_config;

/* Run until stopped.  Returns the process exit status: 0 after a clean
 * stop, 1 when it could not start (the reason is logged). */
int daemon_run(const struct daemon_opts *);

/* For code that lives on the daemon's loop (the control socket): */
struct event_base;
struct event_base *daemon_base(struct daemon *);
size_t daemon_nboards(const struct daemon *);
void   daemon_board_status(const struct daemon *, size_t i, struct player_status *);
/* Reload the config now; 0, or -1 with the first error in err (all are logged). */
int    daemon_reload(struct daemon *, char *err, size_t errlen);
/* Something that decides what boards show changed (an alert): re-choose now. */
void   daemon_rechoose(struct daemon *);
/* The wall clock as the campaign sees it (real time plus --start-at offset). */
double daemon_wall(const struct daemon *);

/* Directory for runtime files given a config's control socket path (malloc'd). */
char  *daemon_run_dir(const char *control_socket);

#endif
