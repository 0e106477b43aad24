/*
 * event.h — the daemon's typed event stream: what happened, as data.
 *
 * Players, the control socket and the daemon emit one `struct ls_event` per
 * thing that happened (an item started, a link went stalled, an alert was
 * raised, a reload failed ...); subscribers (the log, `watch` connections
 * on the control socket, the stores to come) receive them.  Tests and other
 * subsystems read events, not log wording.  docs/architecture.md lists the
 * events and their fields.
 *
 * Emitting is cheap and never blocks: the event is copied into one bounded
 * ring (no malloc) and a libevent callback made active; subscribers are
 * called later from the event loop, so a slow subscriber never delays a
 * board's frame.  Each subscriber has its own cursor in the ring.  A
 * subscriber that cannot take more (its callback returns 1) is held until
 * it calls event_bus_resume; when the ring has moved on past events it had
 * not taken, it gets one EVENT_DROPPED event counting those of its types
 * it lost, and goes on with the oldest event still held.  Memory is the
 * ring's, however many subscribers there are and however slow.
 *
 * The ring keeps the last events whether or not anyone listens, so a
 * subscriber may start in the recent past (event_bus_subscribe_from): a
 * watcher that connects just after the daemon started still sees the
 * boards come online.  Frame acknowledgements come 30 times a second per
 * board: they are emitted only while some subscriber asked for them
 * (event_bus_wants), and no subscriber gets them unless its mask names them.
 */
#ifndef LEDSIGN_EVENT_H
#define LEDSIGN_EVENT_H

#include <stddef.h>
#include <stdint.h>

enum event_type {
	EVENT_ITEM_START,     /* board, item, rule: the board started showing item */
	EVENT_ITEM_STOP,      /* board, item, rule: ... and stopped (the next start follows) */
	EVENT_FRAME_ACK,      /* board, frame: the board acknowledged a frame (opt in) */
	EVENT_LINK,           /* board, from, to, reason: the link changed state
	                       * (from "" for a board just started: its first state) */
	EVENT_ALERT_RAISED,   /* id, level, targets: stored (new, or again under its id) */
	EVENT_ALERT_CLEARED,  /* id, level, targets: cleared (by request or a CAP cancel) */
	EVENT_ALERT_EXPIRED,  /* id, level, targets: its end time passed */
	EVENT_RELOAD,         /* ok, reason (the error when not ok) */
	EVENT_DROPPED,        /* dropped: this subscriber lost that many events */
	EVENT_NTYPES
};

#define EVENT_MASK(t) (1u << (t))
#define EVENT_MASK_ALL ((1u << EVENT_NTYPES) - 1)
/* What a subscriber gets when it names no types: all but frame_ack. */
#define EVENT_MASK_DEFAULT (EVENT_MASK_ALL & ~EVENT_MASK(EVENT_FRAME_ACK))
/* Events held in the ring: how far a held subscriber may fall behind. */
#define EVENT_BUS_CAP 2048

/* One event.  Fixed size, so the ring holds copies and emitting never
 * allocates; fields a type does not use are empty. */
struct ls_event {
	enum event_type type;
	uint64_t seq;            /* set by the bus: 1, 2, 3 ... in emit order */
	double time;             /* Unix time, real clock; set by the bus when 0 */
	char   board[64];
	char   item[64];
	char   rule[128];        /* what decided the item: "rule@31", "fallback", "alert ID" */
	uint64_t frame;          /* frame_ack: the board's frame counter */
	char   from[16], to[16]; /* link: player_state_name()s */
	char   reason[256];      /* link, reload */
	char   id[97];           /* alerts: ALERT_ID_MAX + 1 */
	char   level[16];        /* alerts: info, warning, emergency */
	char   targets[160];     /* alerts: comma-separated boards and groups, "" = all */
	int    ok;               /* reload: 1 done, 0 refused */
	uint64_t dropped;        /* dropped */
};

struct event_bus;
struct event_sub;
struct event_base;

/* A subscriber's callback, called from the event loop in seq order.
 * Returns 0 when it took the event, 1 when it cannot take it now: it is
 * held (and given this event again) until event_bus_resume.  It may
 * unsubscribe itself or others, subscribe, or emit. */
typedef int (*event_fn)(void *arg, const struct ls_event *);

/* A bus holding up to `cap` events (0: EVENT_BUS_CAP).  NULL when out of memory. */
struct event_bus *event_bus_new(size_t cap);
/* Frees every subscription too (their callbacks are not called); accepts NULL. */
void event_bus_free(struct event_bus *);
/* Deliver from `base`'s loop from now on (without it: event_bus_deliver
 * by hand).  0, or -1 when out of memory. */
int  event_bus_attach(struct event_bus *, struct event_base *);

/* Subscribe to the types in `mask` (EVENT_MASK bits; EVENT_DROPPED is
 * always delivered).  Gets events emitted from now on.  NULL when out of memory. */
struct event_sub *event_bus_subscribe(struct event_bus *, unsigned mask, event_fn, void *arg);
/* The same, starting with the event numbered `since` when the ring still
 * holds it (the oldest it holds when not; 0 or a future seq: from now on). */
struct event_sub *event_bus_subscribe_from(struct event_bus *, unsigned mask, event_fn, void *arg,
    uint64_t since);
/* Stop: no more calls of its callback, even later in a delivery under way. Accepts NULL. */
void event_bus_unsubscribe(struct event_bus *, struct event_sub *);
/* A held subscriber can take events again: deliver to it soon. */
void event_bus_resume(struct event_bus *, struct event_sub *);
/* Events of its types this subscriber lost, in all. */
uint64_t event_sub_dropped(const struct event_sub *);

/* 1 when `type` is kept: every type but frame_ack always (for
 * event_bus_subscribe_from), frame_ack while a subscriber takes it.
 * Emitters skip building unwanted events. */
int  event_bus_wants(const struct event_bus *, enum event_type);
/* Emit a copy of *ev (seq and, when 0, time filled in).  Never blocks (but
 * for the bus's own lock, held only to copy), never allocates; a NULL bus or
 * an unwanted type is a no-op.  Any thread may emit; an event emitted on
 * another thread than that of the loop the bus is attached to waits for
 * the next event_bus_deliver there (the daemon's workers: docs/daemon.md). */
void event_bus_emit(struct event_bus *, const struct ls_event *);
/* Call subscribers for everything pending now (the loop does this itself once attached). */
void event_bus_deliver(struct event_bus *);

/* "item_start", "link", ...; NULL for an unknown type. */
const char *event_type_name(enum event_type);
/* Types from a comma-separated list of names ("all" = every type,
 * frame_ack included).  The mask, or 0 + err naming the unknown type. */
unsigned event_mask_parse(const char *list, char *err, size_t errlen);
/* The event as one line of key=value pairs (no newline), values
 * percent-encoded as in util/kv.h: "type=item_start seq=7 time=... board=b1
 * item=hello rule=rule@12".  Bytes written, or -1 when it does not fit. */
int  event_format(const struct ls_event *, char *buf, size_t cap);

#endif
