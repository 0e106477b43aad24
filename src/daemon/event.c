/* event.c — the typed event stream (see event.h). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "daemon/event.h"
#include "util/kv.h"

/* One slot of the ring: the event and, for counting what a late
 * subscriber lost by type, how many of each type came before it. */
struct event_slot {
	struct ls_event ev;
	uint64_t before[EVENT_NTYPES];
};

struct event_sub {
	struct event_bus *bus;
	unsigned mask;
	event_fn fn;
	void  *arg;
	uint64_t cursor;          /* seq of the next event to look at */
	uint64_t seen;            /* events of its types with seq < cursor */
	uint64_t dropped;
	int    held, dead;
	struct event_sub *next;
};

struct event_bus {
	struct event_slot *ring;
	size_t cap;
	uint64_t next;            /* seq the next emitted event gets */
	uint64_t total[EVENT_NTYPES];  /* events of each type emitted */
	unsigned wanted;          /* union of live subscribers' masks */
	struct event_sub *subs;
	struct event *ev;         /* made active by emit: delivery from the loop */
	int    delivering, dirty;
	/* Boards on worker threads emit (docs/daemon.md, Workers): the ring,
	 * the counts, `wanted`, `delivering` and `dirty` are used under it.
	 * Subscribers are called without it, from the loop the bus is
	 * attached to, which alone touches the subscriber list. */
	pthread_mutex_t lock;
	pthread_t owner;          /* the thread of the loop attached to */
	int    has_owner;
};

static const char *const event_names[EVENT_NTYPES] = {
	[EVENT_ITEM_START] = "item_start",
	[EVENT_ITEM_STOP] = "item_stop",
	[EVENT_FRAME_ACK] = "frame_ack",
	[EVENT_LINK] = "link",
	[EVENT_ALERT_RAISED] = "alert_raised",
	[EVENT_ALERT_CLEARED] = "alert_cleared",
	[EVENT_ALERT_EXPIRED] = "alert_expired",
	[EVENT_RELOAD] = "reload",
	[EVENT_DROPPED] = "dropped",
};

const char *
event_type_name(enum event_type t)
{
	return (unsigned)t < EVENT_NTYPES ? event_names[t] : NULL;
}

unsigned
event_mask_parse(const char *list, char *err, size_t errlen)
{
	unsigned mask = 0;
	const char *p = list;

	while (*p) {
		size_t n = strcspn(p, ",");
		unsigned bit = 0;

		if (n == 3 && memcmp(p, "all", 3) == 0)
			bit = EVENT_MASK_ALL;
		for (int t = 0; t < EVENT_NTYPES && !bit; t++)
			if (strlen(event_names[t]) == n && memcmp(p, event_names[t], n) == 0)
				bit = EVENT_MASK((unsigned)t);
		if (!bit) {
			snprintf(err, errlen, "unknown event type \"%.*s\"; the types are item_start, item_stop, "
			    "frame_ack, link, alert_raised, alert_cleared, alert_expired, reload (or all)", (int)(n > 40 ? 40 : n), p);
			return 0;
		}
		mask |= bit;
		p += n;
		if (*p == ',')
			p++;
	}
	if (mask == 0)
		snprintf(err, errlen, "no event types named");
	return mask;
}

static void
event_bus_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	event_bus_deliver(arg);
}

struct event_bus *
event_bus_new(size_t cap)
{
	struct event_bus *b = calloc(1, sizeof *b);

	if (b == NULL)
		return NULL;
	b->cap = cap ? cap : EVENT_BUS_CAP;
	/* calloc: pages of the ring are touched only as events fill it */
	b->ring = calloc(b->cap, sizeof *b->ring);
	if (b->ring == NULL) {
		free(b);
		return NULL;
	}
	pthread_mutex_init(&b->lock, NULL);
	b->next = 1;
	/* kept whether or not anyone listens now, for subscribers that ask for
	 * the recent past (event_bus_subscribe_from); frame_ack only on demand */
	b->wanted = EVENT_MASK_DEFAULT;
	return b;
}

void
event_bus_free(struct event_bus *b)
{
	if (b == NULL)
		return;
	while (b->subs != NULL) {
		struct event_sub *s = b->subs;
		b->subs = s->next;
		free(s);
	}
	if (b->ev != NULL)
		event_free(b->ev);
	free(b->ring);
	pthread_mutex_destroy(&b->lock);
	free(b);
}

int
event_bus_attach(struct event_bus *b, struct event_base *base)
{
	if (b->ev != NULL)
		event_free(b->ev);
	b->ev = event_new(base, -1, 0, event_bus_cb, b);
	if (b->ev == NULL)
		return -1;
	pthread_mutex_lock(&b->lock);
	b->owner = pthread_self();
	b->has_owner = 1;
	if (b->next > 1)
		event_active(b->ev, EV_TIMEOUT, 0);
	pthread_mutex_unlock(&b->lock);
	return 0;
}

/* Under b->lock.  An emit on another thread than the loop's does not wake
 * the loop (a wake-up is a system call on each side, and workers emit up
 * to 30 acknowledgements a second per board): the owner delivers those
 * on its next event_bus_deliver, which the daemon calls on a timer. */
static void
event_bus_kick(struct event_bus *b)
{
	if (b->has_owner && !pthread_equal(b->owner, pthread_self()))
		return;
	if (b->delivering)
		b->dirty = 1;
	else if (b->ev != NULL && !event_pending(b->ev, EV_TIMEOUT, NULL))
		event_active(b->ev, EV_TIMEOUT, 0);
}

static void
event_bus_rewant(struct event_bus *b)
{
	unsigned w = EVENT_MASK_DEFAULT;

	for (struct event_sub *s = b->subs; s != NULL; s = s->next)
		if (!s->dead)
			w |= s->mask;
	pthread_mutex_lock(&b->lock);
	b->wanted = w;
	pthread_mutex_unlock(&b->lock);
}

/* Under b->lock: events of the types in mask among those emitted before `seq`. */
static uint64_t
event_count_before(const struct event_bus *b, uint64_t seq, unsigned mask)
{
	uint64_t n = 0;

	for (int t = 0; t < EVENT_NTYPES; t++) {
		if (!(mask & EVENT_MASK((unsigned)t)))
			continue;
		n += seq == b->next ? b->total[t] : b->ring[(seq - 1) % b->cap].before[t];
	}
	return n;
}

struct event_sub *
event_bus_subscribe(struct event_bus *b, unsigned mask, event_fn fn, void *arg)
{
	return event_bus_subscribe_from(b, mask, fn, arg, 0);
}

struct event_sub *
event_bus_subscribe_from(struct event_bus *b, unsigned mask, event_fn fn, void *arg, uint64_t since)
{
	struct event_sub *s = calloc(1, sizeof *s), **pp;
	uint64_t oldest;

	if (s == NULL)
		return NULL;
	s->bus = b;
	s->mask = (mask & EVENT_MASK_ALL) | EVENT_MASK(EVENT_DROPPED);
	s->fn = fn;
	s->arg = arg;
	pthread_mutex_lock(&b->lock);
	oldest = b->next > b->cap ? b->next - b->cap : 1;
	s->cursor = since == 0 || since >= b->next ? b->next : since < oldest ? oldest : since;
	s->seen = event_count_before(b, s->cursor, s->mask);
	if (s->cursor < b->next)
		event_bus_kick(b);
	b->wanted |= s->mask;
	pthread_mutex_unlock(&b->lock);
	/* at the tail: subscribers are called in the order they subscribed */
	for (pp = &b->subs; *pp != NULL; pp = &(*pp)->next)
		;
	*pp = s;
	return s;
}

static void
event_bus_reap(struct event_bus *b)
{
	struct event_sub **pp = &b->subs;

	while (*pp != NULL) {
		if ((*pp)->dead) {
			struct event_sub *s = *pp;
			*pp = s->next;
			free(s);
		} else {
			pp = &(*pp)->next;
		}
	}
}

void
event_bus_unsubscribe(struct event_bus *b, struct event_sub *s)
{
	if (s == NULL)
		return;
	s->dead = 1;
	event_bus_rewant(b);
	if (!b->delivering)
		event_bus_reap(b);
}

void
event_bus_resume(struct event_bus *b, struct event_sub *s)
{
	if (s == NULL || !s->held)
		return;
	s->held = 0;
	pthread_mutex_lock(&b->lock);
	event_bus_kick(b);
	pthread_mutex_unlock(&b->lock);
}

uint64_t
event_sub_dropped(const struct event_sub *s)
{
	return s->dropped;
}

int
event_bus_wants(const struct event_bus *b, enum event_type t)
{
	unsigned w;

	if (b == NULL)
		return 0;
	pthread_mutex_lock((pthread_mutex_t *)&b->lock);
	w = b->wanted;
	pthread_mutex_unlock((pthread_mutex_t *)&b->lock);
	return (w & EVENT_MASK((unsigned)t)) != 0;
}

void
event_bus_emit(struct event_bus *b, const struct ls_event *ev)
{
	struct event_slot *slot;

	if (b == NULL || (unsigned)ev->type >= EVENT_DROPPED)
		return;
	pthread_mutex_lock(&b->lock);
	if (!(b->wanted & EVENT_MASK(ev->type))) {
		pthread_mutex_unlock(&b->lock);
		return;
	}
	slot = &b->ring[(b->next - 1) % b->cap];
	slot->ev = *ev;
	slot->ev.seq = b->next++;
	if (slot->ev.time == 0) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		slot->ev.time = (double)ts.tv_sec + ts.tv_nsec / 1e9;
	}
	memcpy(slot->before, b->total, sizeof slot->before);
	b->total[ev->type]++;
	event_bus_kick(b);
	pthread_mutex_unlock(&b->lock);
}

/* Give one subscriber what it has not had; 1 when it took everything. */
static int
event_sub_drain(struct event_bus *b, struct event_sub *s)
{
	for (;;) {
		uint64_t oldest;
		struct ls_event ev;

		if (s->dead || s->held)
			break;
		pthread_mutex_lock(&b->lock);
		if (s->cursor >= b->next) {
			pthread_mutex_unlock(&b->lock);
			break;
		}
		oldest = b->next > b->cap ? b->next - b->cap : 1;
		if (s->cursor < oldest) {
			/* the ring moved on: count what of its types it lost */
			uint64_t upto = event_count_before(b, oldest, s->mask);

			memset(&ev, 0, sizeof ev);
			ev.type = EVENT_DROPPED;
			ev.seq = oldest - 1;
			ev.dropped = upto - s->seen;
			ev.time = b->ring[(oldest - 1) % b->cap].ev.time;
			pthread_mutex_unlock(&b->lock);
			if (ev.dropped > 0) {
				if (s->fn(s->arg, &ev) != 0) {
					s->held = 1;
					return 0;
				}
				s->dropped += ev.dropped;
			}
			s->cursor = oldest;
			s->seen = upto;
			continue;
		}
		/* a copy: the callback may emit, and a full ring reuses this slot */
		ev = b->ring[(s->cursor - 1) % b->cap].ev;
		pthread_mutex_unlock(&b->lock);
		if (s->mask & EVENT_MASK(ev.type)) {
			if (s->fn(s->arg, &ev) != 0) {
				s->held = 1;
				return 0;
			}
			s->seen++;
		}
		s->cursor++;
	}
	return 1;
}

void
event_bus_deliver(struct event_bus *b)
{
	pthread_mutex_lock(&b->lock);
	if (b->delivering) {
		pthread_mutex_unlock(&b->lock);
		return;
	}
	b->delivering = 1;
	for (;;) {
		b->dirty = 0;
		pthread_mutex_unlock(&b->lock);
		for (struct event_sub *s = b->subs; s != NULL; s = s->next)
			event_sub_drain(b, s);
		pthread_mutex_lock(&b->lock);
		/* an emit since (here or on a worker) set dirty instead of waking us */
		if (!b->dirty)
			break;
	}
	b->delivering = 0;
	pthread_mutex_unlock(&b->lock);
	event_bus_reap(b);
}

/* Append one key=value pair, or fail. */
#define EVENT_PUT(k, v) do { if (kv_put(buf, cap, &len, (k), (v)) < 0) return -1; } while (0)

int
event_format(const struct ls_event *e, char *buf, size_t cap)
{
	size_t len = 0;
	char num[48];

	if (cap == 0)
		return -1;
	buf[0] = '\0';
	EVENT_PUT("type", event_type_name(e->type) ? event_type_name(e->type) : "unknown");
	snprintf(num, sizeof num, "%llu", (unsigned long long)e->seq);
	EVENT_PUT("seq", num);
	snprintf(num, sizeof num, "%.3f", e->time);
	EVENT_PUT("time", num);
	switch (e->type) {
	case EVENT_ITEM_START:
	case EVENT_ITEM_STOP:
		EVENT_PUT("board", e->board);
		EVENT_PUT("item", e->item);
		EVENT_PUT("rule", e->rule);
		break;
	case EVENT_FRAME_ACK:
		EVENT_PUT("board", e->board);
		snprintf(num, sizeof num, "%llu", (unsigned long long)e->frame);
		EVENT_PUT("frame", num);
		if (e->reason[0])
			EVENT_PUT("reason", e->reason);   /* "stored": a ping's, while the board plays its programme */
		break;
	case EVENT_LINK:
		EVENT_PUT("board", e->board);
		EVENT_PUT("from", e->from);
		EVENT_PUT("to", e->to);
		EVENT_PUT("reason", e->reason);
		break;
	case EVENT_ALERT_RAISED:
	case EVENT_ALERT_CLEARED:
	case EVENT_ALERT_EXPIRED:
		EVENT_PUT("id", e->id);
		EVENT_PUT("level", e->level);
		EVENT_PUT("targets", e->targets);
		break;
	case EVENT_RELOAD:
		EVENT_PUT("ok", e->ok ? "1" : "0");
		EVENT_PUT("reason", e->reason);
		break;
	case EVENT_DROPPED:
		snprintf(num, sizeof num, "%llu", (unsigned long long)e->dropped);
		EVENT_PUT("dropped", num);
		break;
	case EVENT_NTYPES:
		break;
	}
	return (int)len;
}
