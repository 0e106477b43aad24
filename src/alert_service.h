/*
 * alert_service.h — everything a daemon needs for alerts, on its libevent
 * loop: the persisted store (loaded at start, so unexpired alerts show
 * again at once), the control socket, the watched CAP directory, expiry
 * timers, and per-board content for the active alert.
 *
 * The daemon's chooser asks alert_service_content() first for every board
 * and shows what it returns instead of the schedule; the service calls
 * ops->changed whenever that answer may have changed (an alert stored,
 * cleared, started or expired), and the daemon re-chooses every board then,
 * so the alert pre-empts on each board's next frame.
 */
#ifndef LEDSIGN_ALERT_SERVICE_H
#define LEDSIGN_ALERT_SERVICE_H

#include <stddef.h>
#include "alert.h"
#include "model.h"

struct event_base;
struct alert_service;

struct alert_service_ops {
	/* Re-choose what every board shows, now. */
	void   (*changed)(void *arg);
	/* "reload" over the control socket; 0 or -1 + err. */
	int    (*reload)(void *arg, char *err, size_t errlen);
	/* One log line; level 0 info, 1 warning, 2 error. */
	void   (*log)(void *arg, int level, const char *msg);
	/* The wall clock the daemon plays by (Unix seconds); NULL = real time. */
	double (*wall)(void *arg);
};

/* Open the store in cfg->state_dir, listen on cfg->control_socket, watch
 * cfg->cap_dir, all on `base`.  Problems with single alert files are
 * logged, not fatal.  NULL + err when the state directory or the socket
 * cannot be set up.  cfg must stay valid until alert_service_set_config. */
struct alert_service *alert_service_new(const struct ls_config *cfg, struct event_base *base,
    const struct alert_service_ops *ops, void *arg, char *err, size_t errlen);
void alert_service_free(struct alert_service *);

/* After a reload: new board definitions, access lists and CAP settings.
 * 0, or -1 + err (the old access lists stay). */
int alert_service_set_config(struct alert_service *, const struct ls_config *cfg, char *err, size_t errlen);

/* What `board` should show at `wall` because of an alert: NULL when none.
 * Otherwise the content (valid until the next ops->changed call plus one),
 * with the brightness for the board, the Unix time the alert began showing
 * (effects count from it) and the alert id in the out-parameters (any may
 * be NULL). */
const struct ls_content *alert_service_content(struct alert_service *, const struct ls_board *board,
    double wall, int *brightness, double *since, const char **id);

struct alert_store *alert_service_store(struct alert_service *);

#endif
