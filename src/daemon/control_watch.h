/*
 * control_watch.h — the control socket's `watch` verb: a connection that
 * streams the daemon's events (event.h) until the client closes it.
 *
 *   > ledsign-control/1 watch [types=item_start,alert_raised,...] [since=SEQ]
 *   < ok version=1 types=item_start,alert_raised
 *   < event type=item_start seq=7 time=1767261600.123 board=b1 item=hello rule=weekday
 *   < event type=dropped seq=900 time=... dropped=12
 *
 * Without types= a watcher gets every type but frame_ack (30 a second per
 * board: ask for it by name).  since=SEQ starts with the event numbered
 * SEQ when the daemon still holds it (its last EVENT_BUS_CAP events; else
 * the oldest it holds): since=1 after a start shows the boards coming up.
 * The output is bounded like every control
 * connection's: above CONTROL_OUT_HIGH unsent bytes the watcher is held;
 * events it misses meanwhile are counted in one "type=dropped" line when
 * it reads again.  A watch connection has no request deadline; it ends when
 * the client closes it (anything it sends after the request is ignored).
 * docs/alerts.md describes the lines.
 */
#ifndef LEDSIGN_CONTROL_WATCH_H
#define LEDSIGN_CONTROL_WATCH_H

#include <stddef.h>

struct bufferevent;
struct event_bus;
struct control_watch;

/* Version of the event lines (the "ok version=" of the answer). */
#define CONTROL_WATCH_VERSION 1

/* The verb's entry point: start streaming `bus`'s events to `bev` for a
 * request whose arguments (after "watch") are `args`.  On success the ok
 * line is queued on bev and the watch returned; the connection must then
 * have no request deadline, pass its output-drained callback to
 * control_watch_resume, and free the watch when it closes.  NULL with an
 * error code ("usage", "unavailable", "internal") and message otherwise
 * (nothing queued; the caller answers). */
struct control_watch *control_watch_new(struct event_bus *bus, struct bufferevent *bev, const char *args,
    const char **code, char *msg, size_t msglen);
/* Unsubscribe; accepts NULL.  Does not free bev. */
void control_watch_free(struct control_watch *);
/* The client has read its output down (the bufferevent's write callback):
 * go on with the events held meanwhile. */
void control_watch_resume(struct control_watch *);

#endif
