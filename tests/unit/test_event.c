/* Unit tests for src/daemon/event.c: the typed event stream's bus
 * (ordering, unsubscribing during delivery, the bounded ring and its drop
 * count, frame_ack opt-in, delivery from the loop) and the line format. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <event2/event.h>

#include "daemon/event.h"

#define REC_MAX 64

/* A subscriber that records what it got; it may hold after `hold_after`
 * events, unsubscribe someone at its n-th event, or emit. */
struct rec {
	struct event_bus *bus;
	struct event_sub *self, *victim;
	struct ls_event got[REC_MAX];
	size_t n;
	size_t hold_after;     /* 0: never hold */
	size_t kill_at;        /* unsubscribe victim when taking event number kill_at (1-based) */
	size_t emit_at;        /* emit one item_stop when taking event number emit_at */
};

static int
rec_fn(void *arg, const struct ls_event *ev)
{
	struct rec *r = arg;

	if (r->hold_after && r->n >= r->hold_after)
		return 1;
	assert_true(r->n < REC_MAX);
	r->got[r->n++] = *ev;
	if (r->kill_at && r->n == r->kill_at)
		event_bus_unsubscribe(r->bus, r->victim);
	if (r->emit_at && r->n == r->emit_at) {
		struct ls_event e = { .type = EVENT_ITEM_STOP };
		snprintf(e.board, sizeof e.board, "from-callback");
		event_bus_emit(r->bus, &e);
	}
	return 0;
}

static void
emit_item(struct event_bus *b, enum event_type t, int i)
{
	struct ls_event e;

	memset(&e, 0, sizeof e);
	e.type = t;
	snprintf(e.board, sizeof e.board, "b%d", i);
	snprintf(e.item, sizeof e.item, "item%d", i);
	event_bus_emit(b, &e);
}

static void
test_order(void **state)
{
	struct event_bus *b = event_bus_new(16);
	struct rec r1 = { .bus = b }, r2 = { .bus = b };

	(void)state;
	assert_non_null(b);
	/* before anyone subscribes: kept (seq 1), but a plain subscription starts after it */
	emit_item(b, EVENT_ITEM_START, 0);
	r1.self = event_bus_subscribe(b, EVENT_MASK_DEFAULT, rec_fn, &r1);
	r2.self = event_bus_subscribe(b, EVENT_MASK(EVENT_ITEM_STOP), rec_fn, &r2);
	for (int i = 1; i <= 6; i++)
		emit_item(b, i % 2 ? EVENT_ITEM_START : EVENT_ITEM_STOP, i);
	/* nothing is called from emit: delivery is a separate step */
	assert_int_equal(r1.n, 0);
	event_bus_deliver(b);
	assert_int_equal(r1.n, 6);
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(r1.got[i].seq, i + 2);
		char want[8];
		snprintf(want, sizeof want, "b%zu", i + 1);
		assert_string_equal(r1.got[i].board, want);
		assert_true(r1.got[i].time > 1e9);
	}
	assert_int_equal(r2.n, 3);
	assert_int_equal(r2.got[0].seq, 3);
	assert_int_equal(r2.got[2].seq, 7);
	/* a second delivery has nothing new */
	event_bus_deliver(b);
	assert_int_equal(r1.n, 6);
	assert_int_equal(event_sub_dropped(r1.self), 0);
	{
		/* a late subscriber asks for the past: from seq 1, or from before what the ring holds */
		struct rec late = { .bus = b }, later = { .bus = b };
		struct event_bus *small = event_bus_new(4);

		late.self = event_bus_subscribe_from(b, EVENT_MASK(EVENT_ITEM_START), rec_fn, &late, 1);
		event_bus_deliver(b);
		assert_int_equal(late.n, 4);          /* seq 1, 2, 4, 6 */
		assert_int_equal(late.got[0].seq, 1);
		assert_int_equal(late.got[3].seq, 6);
		for (int i = 0; i < 6; i++)
			emit_item(small, EVENT_ITEM_START, i);
		later.self = event_bus_subscribe_from(small, EVENT_MASK_DEFAULT, rec_fn, &later, 1);
		event_bus_deliver(small);
		assert_int_equal(later.n, 4);         /* the oldest the ring holds: 3..6 */
		assert_int_equal(later.got[0].seq, 3);
		event_bus_free(small);
	}
	event_bus_free(b);
}

static void
test_unsubscribe_during_delivery(void **state)
{
	struct event_bus *b = event_bus_new(16);
	struct rec a = { .bus = b }, v = { .bus = b }, self = { .bus = b };

	(void)state;
	a.self = event_bus_subscribe(b, EVENT_MASK_ALL, rec_fn, &a);
	v.self = event_bus_subscribe(b, EVENT_MASK_ALL, rec_fn, &v);
	self.self = event_bus_subscribe(b, EVENT_MASK_ALL, rec_fn, &self);
	a.victim = v.self;
	a.kill_at = 1;          /* a drops v while delivering its first event */
	self.victim = self.self;
	self.kill_at = 2;       /* self leaves at its second */
	a.emit_at = 3;          /* and a emits from inside a delivery */
	for (int i = 0; i < 4; i++)
		emit_item(b, EVENT_ITEM_START, i);
	event_bus_deliver(b);
	assert_int_equal(v.n, 0);
	assert_int_equal(self.n, 2);
	/* a got its four and the one it emitted itself, in order */
	assert_int_equal(a.n, 5);
	assert_int_equal(a.got[4].type, EVENT_ITEM_STOP);
	assert_string_equal(a.got[4].board, "from-callback");
	for (size_t i = 0; i < a.n; i++)
		assert_int_equal(a.got[i].seq, i + 1);
	emit_item(b, EVENT_ITEM_START, 9);
	event_bus_deliver(b);
	assert_int_equal(a.n, 6);
	assert_int_equal(v.n, 0);
	assert_int_equal(self.n, 2);
	event_bus_unsubscribe(b, a.self);
	/* no subscriber now: events are still kept for later ones, frame_ack is not */
	assert_true(event_bus_wants(b, EVENT_ITEM_START));
	assert_false(event_bus_wants(b, EVENT_FRAME_ACK));
	event_bus_free(b);
}

static void
test_bounded_drop_count(void **state)
{
	struct event_bus *b = event_bus_new(8);
	struct rec slow = { .bus = b, .hold_after = 2 }, fast = { .bus = b };

	(void)state;
	slow.self = event_bus_subscribe(b, EVENT_MASK(EVENT_ITEM_START), rec_fn, &slow);
	fast.self = event_bus_subscribe(b, EVENT_MASK_DEFAULT, rec_fn, &fast);
	/* 20 of slow's type and 10 of another, interleaved: 30 events through a ring of 8 */
	for (int i = 0; i < 30; i++) {
		emit_item(b, i % 3 == 2 ? EVENT_LINK : EVENT_ITEM_START, i);
		event_bus_deliver(b);
	}
	assert_int_equal(fast.n, 30);
	assert_int_equal(slow.n, 2);         /* took two, then held */
	/* seq = i + 1, so link is seq 3, 6, ... 30; the ring still holds the
	 * last 8 (seq 23..30), of which item_start: 23, 25, 26, 28, 29 */
	slow.hold_after = 0;
	event_bus_resume(b, slow.self);
	event_bus_deliver(b);
	assert_int_equal(slow.got[2].type, EVENT_DROPPED);
	/* item_starts it never got: 20 in all - 2 taken - 5 still held (links do not count) */
	assert_int_equal(slow.got[2].dropped, 13);
	assert_int_equal(event_sub_dropped(slow.self), 13);
	assert_int_equal(slow.n, 3 + 5);
	{
		const uint64_t want[] = { 23, 25, 26, 28, 29 };
		for (size_t i = 0; i < 5; i++) {
			assert_int_equal(slow.got[3 + i].seq, want[i]);
			assert_int_equal(slow.got[3 + i].type, EVENT_ITEM_START);
		}
	}
	/* a held subscriber holds no memory of its own: the bus is the same size; and it goes on normally */
	emit_item(b, EVENT_ITEM_START, 99);
	event_bus_deliver(b);
	assert_int_equal(slow.n, 9);
	assert_int_equal(slow.got[8].seq, 31);
	event_bus_free(b);
}

static void
test_frame_ack_opt_in(void **state)
{
	struct event_bus *b = event_bus_new(0);
	struct rec all = { .bus = b }, acks = { .bus = b };
	struct ls_event e = { .type = EVENT_FRAME_ACK, .frame = 7 };

	(void)state;
	all.self = event_bus_subscribe(b, EVENT_MASK_DEFAULT, rec_fn, &all);
	assert_false(event_bus_wants(b, EVENT_FRAME_ACK));
	assert_true(event_bus_wants(b, EVENT_LINK));
	event_bus_emit(b, &e);
	acks.self = event_bus_subscribe(b, EVENT_MASK(EVENT_FRAME_ACK), rec_fn, &acks);
	assert_true(event_bus_wants(b, EVENT_FRAME_ACK));
	event_bus_emit(b, &e);
	event_bus_deliver(b);
	assert_int_equal(all.n, 0);
	assert_int_equal(acks.n, 1);
	assert_int_equal(acks.got[0].seq, 1);   /* the unwanted one was never stored */
	event_bus_unsubscribe(b, acks.self);
	assert_false(event_bus_wants(b, EVENT_FRAME_ACK));
	event_bus_free(b);
}

/* Attached to a loop, emit only schedules: subscribers run from the loop. */
static void
test_delivery_from_loop(void **state)
{
	struct event_base *base = event_base_new();
	struct event_bus *b = event_bus_new(0);
	struct rec r = { .bus = b };

	(void)state;
	assert_non_null(base);
	assert_int_equal(event_bus_attach(b, base), 0);
	r.self = event_bus_subscribe(b, EVENT_MASK_DEFAULT, rec_fn, &r);
	emit_item(b, EVENT_ITEM_START, 1);
	emit_item(b, EVENT_ITEM_START, 2);
	assert_int_equal(r.n, 0);
	event_base_loop(base, EVLOOP_NONBLOCK);
	assert_int_equal(r.n, 2);
	/* a held subscriber is called again after resume, from the loop */
	r.hold_after = 2;
	emit_item(b, EVENT_ITEM_START, 3);
	event_base_loop(base, EVLOOP_NONBLOCK);
	assert_int_equal(r.n, 2);
	r.hold_after = 0;
	event_bus_resume(b, r.self);
	event_base_loop(base, EVLOOP_NONBLOCK);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.got[2].seq, 3);
	event_bus_free(b);
	event_base_free(base);
}

/* Boards on worker threads emit while the main thread delivers
 * (docs/daemon.md, Workers): every event arrives once, numbered in emit
 * order, none lost, each thread's in the order it emitted them. */
#define MT_THREADS 3
#define MT_EACH 4000
struct mt_arg {
	struct event_bus *bus;
	int who;
};

static void *
mt_emit(void *arg)
{
	struct mt_arg *a = arg;

	for (int i = 0; i < MT_EACH; i++) {
		struct ls_event e;

		memset(&e, 0, sizeof e);
		e.type = EVENT_FRAME_ACK;
		snprintf(e.board, sizeof e.board, "t%d", a->who);
		e.frame = (uint64_t)i;
		event_bus_emit(a->bus, &e);
	}
	return NULL;
}

struct mt_rec {
	uint64_t n, last_seq, next[MT_THREADS];
	int bad;
};

static int
mt_fn(void *arg, const struct ls_event *ev)
{
	struct mt_rec *r = arg;
	int who = ev->board[1] - '0';

	if (ev->type == EVENT_DROPPED || who < 0 || who >= MT_THREADS || ev->seq <= r->last_seq ||
	    ev->frame != r->next[who])
		r->bad++;
	else
		r->next[who]++;
	r->last_seq = ev->seq;
	r->n++;
	return 0;
}

static void
test_emit_from_threads(void **state)
{
	struct event_base *base = event_base_new();
	struct event_bus *b = event_bus_new(MT_THREADS * MT_EACH + 16);
	struct mt_rec r;
	struct mt_arg args[MT_THREADS];
	pthread_t th[MT_THREADS];

	(void)state;
	memset(&r, 0, sizeof r);
	assert_non_null(base);
	assert_int_equal(event_bus_attach(b, base), 0);
	assert_non_null(event_bus_subscribe(b, EVENT_MASK(EVENT_FRAME_ACK), mt_fn, &r));
	for (int i = 0; i < MT_THREADS; i++) {
		args[i].bus = b;
		args[i].who = i;
		assert_int_equal(pthread_create(&th[i], NULL, mt_emit, &args[i]), 0);
	}
	/* deliver while they emit */
	for (int k = 0; k < 1000 && r.n < MT_THREADS * MT_EACH; k++)
		event_bus_deliver(b);
	for (int i = 0; i < MT_THREADS; i++)
		pthread_join(th[i], NULL);
	event_bus_deliver(b);
	assert_int_equal(r.bad, 0);
	assert_int_equal(r.n, MT_THREADS * MT_EACH);
	for (int i = 0; i < MT_THREADS; i++)
		assert_int_equal(r.next[i], MT_EACH);
	event_bus_free(b);
	event_base_free(base);
}

static void
test_format_and_types(void **state)
{
	struct ls_event e;
	char line[1200], err[256];

	(void)state;
	memset(&e, 0, sizeof e);
	e.type = EVENT_LINK;
	e.seq = 12;
	e.time = 1767225600.25;
	snprintf(e.board, sizeof e.board, "hall");
	snprintf(e.from, sizeof e.from, "online");
	snprintf(e.to, sizeof e.to, "stalled");
	snprintf(e.reason, sizeof e.reason, "no acknowledgement for 3.0 s");
	assert_true(event_format(&e, line, sizeof line) > 0);
	assert_string_equal(line, "type=link seq=12 time=1767225600.250 board=hall from=online to=stalled "
	    "reason=no%20acknowledgement%20for%203.0%20s");
	memset(&e, 0, sizeof e);
	e.type = EVENT_ALERT_RAISED;
	e.seq = 1;
	e.time = 2;
	snprintf(e.id, sizeof e.id, "a-1");
	snprintf(e.level, sizeof e.level, "emergency");
	snprintf(e.targets, sizeof e.targets, "hall,gate");
	assert_true(event_format(&e, line, sizeof line) > 0);
	assert_string_equal(line, "type=alert_raised seq=1 time=2.000 id=a-1 level=emergency targets=hall,gate");
	assert_int_equal(event_format(&e, line, 20), -1);
	assert_int_equal(event_mask_parse("item_start,alert_cleared", err, sizeof err),
	    EVENT_MASK(EVENT_ITEM_START) | EVENT_MASK(EVENT_ALERT_CLEARED));
	assert_int_equal(event_mask_parse("all", err, sizeof err), EVENT_MASK_ALL);
	assert_int_equal(event_mask_parse("item_start,nope", err, sizeof err), 0);
	assert_non_null(strstr(err, "\"nope\""));
	assert_int_equal(event_mask_parse("", err, sizeof err), 0);
	for (int t = 0; t < EVENT_NTYPES; t++)
		assert_non_null(event_type_name((enum event_type)t));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_unsubscribe_during_delivery),
		cmocka_unit_test(test_bounded_drop_count),
		cmocka_unit_test(test_frame_ack_opt_in),
		cmocka_unit_test(test_delivery_from_loop),
		cmocka_unit_test(test_emit_from_threads),
		cmocka_unit_test(test_format_and_types),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
