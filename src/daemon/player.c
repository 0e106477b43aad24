/* player.c — one board: choose, render, encode, send, pace (see player.h). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/event.h"
#include "daemon/player.h"
#include "daemon/programme.h"
#include "proto/lsp.h"
#include "proto/proto.h"
#include "render/canvas.h"
#include "render/render.h"
#include "util/log.h"
#include "util/session.h"

#define PLAYER_JITTER_N 4096     /* pacing samples kept per board */
#define PLAYER_STATIC_PERIOD 1.0 /* re-render static items (live fields) this often */

struct player {
	const struct ls_board *board;
	struct player_env env;
	char   name[64];
	char   address[300];
	struct xport *x;
	const struct proto_ops *proto;
	void  *pstate;
	struct render_canvas *canvas;   /* the frame being made */
	struct render_canvas *sent;     /* the last frame handed to the link; NULL = none */
	struct render_canvas *shown;    /* the last frame the board acknowledged (or, for a protocol
	                                 * without acknowledgements, the last sent); NULL = none */
	int    sent_unacked;            /* `sent` is not acknowledged yet */
	uint64_t shown_frame;           /* acks when it was acknowledged (frames sent, unacknowledged) */
	double shown_at;                /* wall time of that */
	uint8_t *buf;
	size_t  bufcap;
	struct proto_batch *batch;
	struct programme *prog;         /* LSP boards: the programme stored on the board */
	int    board_plays;             /* the board plays its programme: we send no frames */

	enum player_state state;
	enum xport_state link_state;
	char   reason[256];
	struct player_choice cur;       /* what shows now */
	int    have_cur;
	int    animated;
	int    live;                    /* text with live fields ({time}...): re-render each second */
	int    canvas_valid;
	int    poked;                   /* choose again at the next tick, off the grid */
	int    pending;                 /* a frame found the link busy: send one as soon as it is free */
	double pending_deadline;        /* the slot it was due in */            /* p->canvas holds the current static choice */
	double next_frame;              /* monotonic deadline of the next frame */
	double period;
	double last_send;               /* monotonic time of the last frame sent */
	double link_deadline;           /* what the transport asked for */
	int    need_full;               /* send even when unchanged */
	int    brightness_sent;         /* -1 = unknown to the board */
	int    power_sent;              /* LEDs on (1) or off (0) by a POWER message; -1 = unknown */
	int    told_no_brightness;      /* logged that the board has no brightness setting */
	double unacked_since;           /* mono time of the oldest unacknowledged frame; 0 = none */
	double stalled_since;           /* mono time the board stopped answering, kept across the
	                                 * reconnects it caused until it answers; 0 = answering */
	double drained_since;           /* mono time since which nothing has waited in the link's
	                                 * queue; 0 = bytes waiting */
	uint64_t reconnects;            /* links reopened because the board stopped answering */
	uint64_t throttled_logged;      /* read-budget pauses already reported */
	int    arq_busy;                /* the protocol's ARQ still delivers the last frame */
	double arq_wake;                /* when the ARQ wants poll again (mono); INFINITY = no need */
	int    arq_failed;              /* logged the current failure */

	char   render_failed[320];      /* "item\nreason" of the last render failure logged */
	uint64_t frames_sent, frames_skipped, frames_late, acks, nacks, errors, garbage;
	uint64_t frames_acked;     /* whole frames the board confirmed (frame_ack events) */
	uint64_t proto_frames_acked; /* the protocol state's count when last looked at */
	double last_ack;
	double *jitter;
	size_t  njitter, jpos;
};

const char *
player_state_name(enum player_state s)
{
	return xport_state_name((enum xport_state)s);
}

static void
player_log(struct player *p, enum log_level l, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
player_log(struct player *p, enum log_level l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(l, "player", p->name, fmt, ap);
	va_end(ap);
}

/* What the board shows, for events: the item, "blank" or "power off". */
static const char *
player_shown(const struct player_choice *c)
{
	return c->show == PLAYER_SHOW_ITEM ? c->item : c->show == PLAYER_SHOW_BLANK ? "blank" : "power off";
}

/* A link event: the board's state went from `from` (-1: none, a new
 * board) to `to`. */
static void
player_emit_link(struct player *p, int from, enum player_state to, const char *reason)
{
	struct ls_event ev;

	memset(&ev, 0, sizeof ev);
	ev.type = EVENT_LINK;
	snprintf(ev.board, sizeof ev.board, "%s", p->name);
	if (from >= 0)
		snprintf(ev.from, sizeof ev.from, "%s", player_state_name((enum player_state)from));
	snprintf(ev.to, sizeof ev.to, "%s", player_state_name(to));
	snprintf(ev.reason, sizeof ev.reason, "%s", reason);
	event_bus_emit(p->env.events, &ev);
}

/* An item_start or item_stop event for choice c. */
static void
player_emit_item(struct player *p, enum event_type t, const struct player_choice *c)
{
	struct ls_event ev;

	if (!event_bus_wants(p->env.events, t))
		return;
	memset(&ev, 0, sizeof ev);
	ev.type = t;
	snprintf(ev.board, sizeof ev.board, "%s", p->name);
	snprintf(ev.item, sizeof ev.item, "%s", player_shown(c));
	snprintf(ev.rule, sizeof ev.rule, "%s", c->rule);
	event_bus_emit(p->env.events, &ev);
}

static void
player_env_defaults(struct player_env *e)
{
	if (e->fps <= 0)
		e->fps = 30;
	if (e->refresh <= 0)
		e->refresh = 5;
	if (e->ack_timeout <= 0)
		e->ack_timeout = 3;
	if (e->ack_reconnect < e->ack_timeout)
		e->ack_reconnect = 2 * e->ack_timeout;
	if (e->phase < 0 || e->phase >= 1)
		e->phase = 0;
	if (e->xopts.queue_max == 0)
		xport_opts_default(&e->xopts);
}

/* Start (or restart) the protocol's per-board state. */
static int
player_proto_init(struct player *p, char *err, size_t errlen)
{
	if (p->pstate)
		p->proto->fini(p->pstate);
	/* init copies what it needs: no protocol keeps the board pointer.  The
	 * config already folded "serial:DEV@BAUD" into serial.baud. */
	p->pstate = p->proto->init(p->board, err, errlen);
	p->proto_frames_acked = 0;
	/* LSP boards may store the day's programme (daemon/programme.c) */
	if (p->pstate && p->proto == &proto_lsp_ops) {
		if (!p->prog)
			p->prog = programme_new(p->board);
		else
			programme_reset(p->prog, p->board, 1);
	} else {
		programme_free(p->prog);
		p->prog = NULL;
	}
	if (p->pstate && p->proto->session) {
		/* a new sender to the board's receiver: see proto_ops.session */
		struct proto_session ses;

		ls_session_id(ses.id, sizeof ses.id);
		p->proto->session(p->pstate, &ses);
	}
	return p->pstate ? 0 : -1;
}

/* How long an unchanged picture may go without being sent again: the
 * board's keepalive, else its protocol's (receivers of DDP, E1.31 and
 * Art-Net give a source up after 2.5 s), else env.refresh. */
static double
player_keepalive(const struct player *p)
{
	if (p->board->keepalive > 0)
		return p->board->keepalive / 1000.0;
	if (p->proto->keepalive_ms > 0)
		return p->proto->keepalive_ms / 1000.0;
	return p->env.refresh;
}

static int player_send_batch(struct player *, int kind, double mono);

/* Tell the board this sender stops (E1.31 stream termination), on the link
 * as it is now; called before the link or the protocol state goes away. */
static void
player_stop_stream(struct player *p, double mono)
{
	if (!p->x || !p->pstate || !p->proto->encode_stop || !p->batch || !p->buf ||
	    (p->link_state != XPORT_ONLINE && p->link_state != XPORT_STALLED))
		return;
	proto_batch_init(p->batch, p->buf, p->bufcap);
	if (p->proto->encode_stop(p->pstate, p->batch) == 0 && p->batch->npkts > 0) {
		player_send_batch(p, XPORT_MSG_KEEP, mono);
		player_log(p, LOG_LV_INFO, "stream terminated (%zu packets)", p->batch->npkts);
	}
}

static int
player_open_link(struct player *p, double mono, char *err, size_t errlen)
{
	struct xport_opts o = p->env.xopts;
	size_t need;
	int reopen;
	enum player_state was;

	o.serial = p->board->serial;
	if (p->proto->udp_src_port > 0)
		o.udp_src_port = p->proto->udp_src_port;
	if (p->board->multicast_if)
		snprintf(o.mcast_if, sizeof o.mcast_if, "%s", p->board->multicast_if);
	/* room for a few frames: the queue never grows past this */
	need = p->proto->max_frame_bytes(p->board->width, p->board->height, p->board->format);
	if (o.queue_max < 2 * need + 4096)
		o.queue_max = 2 * need + 4096;
	reopen = p->x != NULL;
	was = p->state;
	xport_close(p->x);
	p->x = xport_open(p->board->address, proto_default_port(p->proto, p->board->address), &o, mono, err, errlen);
	if (!p->x)
		return -1;
	xport_addr_format(xport_address(p->x), p->address, sizeof p->address);
	p->link_state = xport_state(p->x, p->reason, sizeof p->reason);
	p->state = (enum player_state)p->link_state;
	/* a reload that moved the board: the old link is gone */
	if (reopen && was != p->state)
		player_emit_link(p, (int)was, p->state, p->reason);
	p->need_full = 1;
	p->brightness_sent = -1;
	p->power_sent = -1;
	p->unacked_since = 0;
	p->stalled_since = 0;
	p->arq_busy = 0;
	p->arq_wake = INFINITY;
	return 0;
}

static int
player_alloc_frames(struct player *p, char *err, size_t errlen)
{
	const struct ls_board *b = p->board;
	size_t need = p->proto->max_frame_bytes(b->width, b->height, b->format) + 1024;

	render_canvas_free(p->canvas);
	render_canvas_free(p->sent);
	p->sent = NULL;
	p->sent_unacked = 0;
	p->canvas = render_canvas_new(b->width, b->height, b->format);
	if (!p->canvas) {
		snprintf(err, errlen, "board %s: cannot make a %dx%d canvas", b->name, b->width, b->height);
		return -1;
	}
	if (need > p->bufcap) {
		uint8_t *nb = realloc(p->buf, need);
		if (!nb) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		p->buf = nb;
		p->bufcap = need;
	}
	return 0;
}

struct player *
player_new(const struct ls_board *b, const struct player_env *env, double mono, char *err,
    size_t errlen)
{
	struct player *p = calloc(1, sizeof *p);

	if (!p) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	p->board = b;
	p->env = *env;
	player_env_defaults(&p->env);
	snprintf(p->name, sizeof p->name, "%s", b->name);
	p->proto = proto_find(b->protocol);
	if (!p->proto) {
		snprintf(err, errlen, "board %s: unknown protocol \"%s\"", b->name, b->protocol);
		goto fail;
	}
	if (p->proto->supports && !p->proto->supports(b->format)) {
		snprintf(err, errlen, "board %s: protocol %s cannot carry %s pixels", b->name, b->protocol,
		    ls_format_name(b->format));
		goto fail;
	}
	p->batch = malloc(sizeof *p->batch);
	p->jitter = calloc(PLAYER_JITTER_N, sizeof *p->jitter);
	if (!p->batch || !p->jitter) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (player_alloc_frames(p, err, errlen) < 0 || player_proto_init(p, err, errlen) < 0 ||
	    player_open_link(p, mono, err, errlen) < 0)
		goto fail;
	/* the board's first state (UDP boards are online from here on) */
	player_emit_link(p, -1, p->state, p->reason);
	p->next_frame = mono;
	p->arq_wake = INFINITY;
	p->period = PLAYER_STATIC_PERIOD;
	player_log(p, LOG_LV_INFO, "%s: %s", p->address, p->reason);
	return p;
fail:
	player_free(p);
	return NULL;
}

void
player_free(struct player *p)
{
	if (!p)
		return;
	if (p->have_cur)
		player_emit_item(p, EVENT_ITEM_STOP, &p->cur);
	player_stop_stream(p, xport_now());
	xport_close(p->x);
	if (p->pstate)
		p->proto->fini(p->pstate);
	programme_free(p->prog);
	render_canvas_free(p->canvas);
	render_canvas_free(p->sent);
	render_canvas_free(p->shown);
	free(p->buf);
	free(p->batch);
	free(p->jitter);
	free(p);
}

int
player_set_config(struct player *p, const struct ls_board *b, const struct player_env *env,
    double mono, char *err, size_t errlen)
{
	const struct ls_board *old = p->board;
	const struct proto_ops *np = proto_find(b->protocol);
	int same;

	if (!np) {
		snprintf(err, errlen, "board %s: unknown protocol \"%s\"", b->name, b->protocol);
		return -1;
	}
	same = np == p->proto && strcmp(old->address, b->address) == 0 && old->width == b->width &&
	    old->height == b->height && old->format == b->format &&
	    old->serial.baud == b->serial.baud && old->serial.data_bits == b->serial.data_bits &&
	    old->serial.parity == b->serial.parity && old->serial.stop_bits == b->serial.stop_bits &&
	    old->serial.flow == b->serial.flow && old->serial.rs485 == b->serial.rs485 &&
	    old->universe == b->universe && old->screen_address == b->screen_address &&
	    !!old->pixel_order == !!b->pixel_order &&
	    (!old->pixel_order || strcmp(old->pixel_order, b->pixel_order) == 0) &&
	    !!old->card == !!b->card && (!old->card || strcmp(old->card, b->card) == 0) &&
	    !!old->multicast_if == !!b->multicast_if &&
	    (!old->multicast_if || strcmp(old->multicast_if, b->multicast_if) == 0);
	p->env = *env;
	player_env_defaults(&p->env);
	p->board = b;
	/* the chooser's content pointers belong to the old config: choose again
	 * now (the names stay for status; an unchanged picture is not resent) */
	p->cur.content = NULL;
	p->cur.layout = NULL;
	p->cur.nareas = 0;
	memset(p->cur.areas, 0, sizeof p->cur.areas);
	p->canvas_valid = 0;
	p->next_frame = mono;
	/* the programme is the old config's: build it again (the board keeps
	 * playing what it holds until the new one is there) */
	if (p->prog)
		programme_reset(p->prog, b, !same);
	if (same)
		return 1;
	/* the old stream ends on the old link, in the old protocol */
	player_stop_stream(p, mono);
	p->proto = np;
	if (player_alloc_frames(p, err, errlen) < 0 || player_proto_init(p, err, errlen) < 0 ||
	    player_open_link(p, mono, err, errlen) < 0) {
		/* the old board is gone with the old config: keep what can be kept */
		return -1;
	}
	player_log(p, LOG_LV_INFO, "board changed: reconnecting to %s", p->address);
	return 0;
}

void
player_poke(struct player *p)
{
	p->poked = 1;
}

int player_fd(const struct player *p) { return xport_fd(p->x); }
int player_events(const struct player *p) { return xport_events(p->x); }
const struct ls_board *player_board(const struct player *p) { return p->board; }
const struct xport_stats *player_link_stats(const struct player *p) { return xport_stats(p->x); }

/* Track link state changes: log them, and start over on the board when it comes back. */
static void
player_link_update(struct player *p, double mono)
{
	char reason[256];
	enum xport_state ls = xport_state(p->x, reason, sizeof reason);
	enum player_state st;

	if (ls != p->link_state) {
		if (ls == XPORT_ONLINE && p->link_state != XPORT_STALLED) {
			char err[256];

			/* a fresh link: the board may have rebooted, so sequence numbers,
			 * delta bases and brightness all start again */
			if (player_proto_init(p, err, sizeof err) < 0)
				player_log(p, LOG_LV_ERROR, "protocol restart failed: %s", err);
			if (p->prog)
				programme_reset(p->prog, p->board, 1);
			p->board_plays = 0;
			render_canvas_free(p->sent);
			p->sent = NULL;
			p->sent_unacked = 0;
			p->need_full = 1;
			p->brightness_sent = -1;
			p->power_sent = -1;
			p->told_no_brightness = 0;
			p->arq_busy = 0;
			p->arq_wake = INFINITY;
			p->next_frame = mono;
		}
		if (ls != XPORT_ONLINE)
			p->unacked_since = 0;
		p->link_state = ls;
	}
	st = (enum player_state)ls;
	if (st == PLAYER_ONLINE && p->proto->wants_ack && p->unacked_since > 0 &&
	    mono - p->unacked_since >= p->env.ack_timeout) {
		st = PLAYER_STALLED;
		snprintf(reason, sizeof reason, "no acknowledgement for %.1f s", mono - p->unacked_since);
	} else if (st == PLAYER_ONLINE && p->stalled_since > 0) {
		/* reconnected, but the board has not answered yet: still stalled */
		st = PLAYER_STALLED;
		snprintf(reason, sizeof reason, "no acknowledgement for %.1f s, %llu reconnect%s",
		    mono - p->stalled_since, (unsigned long long)p->reconnects, p->reconnects == 1 ? "" : "s");
	}
	if (st != p->state) {
		/* logged by the daemon's log subscriber, from this event */
		player_emit_link(p, (int)p->state, st, reason);
		p->state = st;
		snprintf(p->reason, sizeof p->reason, "%s", reason);
	} else if (st != PLAYER_ONLINE) {
		snprintf(p->reason, sizeof p->reason, "%s", reason);
	}
}

/* Log what the protocol wants said once (a feature the board refused). */
static void
player_notes(struct player *p)
{
	const char *n;

	if (p->proto->note && (n = p->proto->note(p->pstate)) != NULL)
		player_log(p, LOG_LV_WARN, "%s", n);
}

/* The board has what `sent` holds: keep a copy for snapshots (the console's
 * board wall shows what the board acknowledged, not a second rendering). */
static void
player_keep_shown(struct player *p, uint64_t frame, double wall)
{
	if (p->shown && (p->shown->width != p->sent->width || p->shown->height != p->sent->height ||
	    p->shown->format != p->sent->format)) {
		render_canvas_free(p->shown);
		p->shown = NULL;
	}
	if (p->shown == NULL)
		p->shown = render_canvas_dup(p->sent);
	else
		memcpy(p->shown->data, p->sent->data, render_canvas_size(p->sent));
	p->sent_unacked = 0;
	p->shown_frame = frame;
	p->shown_at = wall;
}

static void
player_input(struct player *p, const uint8_t *buf, size_t n, double mono, double wall)
{
	if (!p->proto->input)
		return;
	while (n > 0) {
		size_t used = 0;
		enum proto_reply r = p->proto->input(p->pstate, buf, n, &used);

		switch (r) {
		case PROTO_REPLY_ACK:
			p->acks++;
			p->last_ack = wall;
			if (p->sent_unacked && p->sent)
				player_keep_shown(p, p->acks, wall);
			{
				/* one event per frame the board confirmed, not per
				 * acknowledged packet (chunks, settings) */
				uint64_t fa = p->proto->frames_acked ? p->proto->frames_acked(p->pstate) :
				    p->proto_frames_acked + 1;

				/* a board playing its stored programme (daemon/programme.c)
				 * is sent no frames, only pings: each acknowledgement says
				 * it still plays what the schedule wants, which is what
				 * proof of play needs (reason "stored", frame unchanged) */
				if (p->proto_frames_acked >= fa && p->prog && strcmp(programme_mode(p->prog), "stored") == 0 &&
				    event_bus_wants(p->env.events, EVENT_FRAME_ACK)) {
					struct ls_event ev;

					memset(&ev, 0, sizeof ev);
					ev.type = EVENT_FRAME_ACK;
					snprintf(ev.board, sizeof ev.board, "%s", p->name);
					snprintf(ev.reason, sizeof ev.reason, "stored");
					ev.frame = p->frames_acked;
					event_bus_emit(p->env.events, &ev);
				}
				/* the protocol's count restarts with its state (reconnect) */
				while (p->proto_frames_acked < fa) {
					p->proto_frames_acked++;
					p->frames_acked++;
					if (event_bus_wants(p->env.events, EVENT_FRAME_ACK)) {
						struct ls_event ev;

						memset(&ev, 0, sizeof ev);
						ev.type = EVENT_FRAME_ACK;
						snprintf(ev.board, sizeof ev.board, "%s", p->name);
						ev.frame = p->frames_acked;
						event_bus_emit(p->env.events, &ev);
					}
				}
			}
			p->unacked_since = 0;
			p->stalled_since = 0;
			break;
		case PROTO_REPLY_NACK:
			p->nacks++;
			p->need_full = 1;
			p->stalled_since = 0;
			break;
		case PROTO_REPLY_GARBAGE:
			p->garbage++;
			break;
		case PROTO_REPLY_INFO:
			p->stalled_since = 0;
			break;
		case PROTO_REPLY_NONE:
			break;
		}
		if (used == 0 || used > n)
			break;
		buf += used;
		n -= used;
	}
	player_notes(p);
}

/* Let a protocol with its own ARQ (proto_ops.poll) send what is due:
 * the rest of its window, retransmissions. */
static void
player_arq(struct player *p, double mono)
{
	uint64_t wake = 0;
	int st;

	p->arq_wake = INFINITY;
	if (!p->proto->poll || (p->link_state != XPORT_ONLINE && p->link_state != XPORT_STALLED))
		return;
	proto_batch_init(p->batch, p->buf, p->bufcap);
	st = p->proto->poll(p->pstate, (uint64_t)(mono * 1000.0), p->batch, &wake);
	if (p->batch->npkts > 0)
		player_send_batch(p, XPORT_MSG_KEEP, mono);
	switch (st) {
	case PROTO_TX_BUSY:
		p->arq_busy = 1;
		if (wake > 0)
			p->arq_wake = (double)wake / 1000.0;
		break;
	case PROTO_TX_FAILED:
		p->arq_busy = 0;
		p->need_full = 1;
		if (!p->arq_failed) {
			p->errors++;       /* once per failure, however often it is polled */
			const char *e = p->proto->error ? p->proto->error(p->pstate) : NULL;
			player_log(p, LOG_LV_WARN, "delivery failed: %s", e ? e : "no reason given");
			p->arq_failed = 1;
		}
		break;
	default:   /* IDLE, DONE */
		p->arq_busy = 0;
		p->arq_failed = 0;
		/* the next image of a programme upload goes now */
		if (st == PROTO_TX_DONE && programme_wants_turn(p->prog))
			p->poked = 1;
		break;
	}
	player_notes(p);
}

/* A board that has not answered for ack_reconnect gets a new link: the
 * back-off in the transport spaces the attempts, and the fresh link starts
 * the protocol over (a board whose end of the old connection is gone, or
 * that hung and came back, answers a new one). */
static void
player_check_stall(struct player *p, double mono)
{
	char why[128];
	double since;

	/* A frame still going out on a slow line is not a board that stopped
	 * answering: count from when everything had been handed over. */
	if (xport_queued(p->x) > 0) {
		p->drained_since = 0;
		return;
	}
	if (p->drained_since <= 0)
		p->drained_since = mono;
	if (!p->proto->wants_ack || p->unacked_since <= 0 || p->link_state != XPORT_ONLINE ||
	    mono - fmax(p->unacked_since, p->drained_since) < p->env.ack_reconnect)
		return;
	since = p->stalled_since > 0 ? p->stalled_since : p->unacked_since;
	snprintf(why, sizeof why, "no acknowledgement for %.1f s; reconnecting", mono - since);
	player_log(p, LOG_LV_WARN, "%s", why);
	p->stalled_since = since;
	p->reconnects++;
	xport_reconnect(p->x, mono, why);
	player_link_update(p, mono);
}

/* Say once in a while that a board sends more than its read budget. */
static void
player_check_flood(struct player *p)
{
	uint64_t n = xport_stats(p->x)->throttled;

	/* the first time, then every 64th pause (about once a minute for a steady flood) */
	if (n > p->throttled_logged && (p->throttled_logged == 0 || n >= p->throttled_logged + 64)) {
		player_log(p, LOG_LV_WARN, "the board sends more than %.0f bytes/s: reading from it pauses while "
		    "over that budget (%llu pause%s so far); is something else talking to this address?",
		    p->env.xopts.read_rate, (unsigned long long)n, n == 1 ? "" : "s");
		p->throttled_logged = n;
	}
}

void
player_io(struct player *p, int ready, double mono, double wall)
{
	uint8_t buf[4096];
	ssize_t n;

	xport_io(p->x, ready, mono);
	if (ready & XPORT_EV_READ) {
		/* bounded: a board that floods us cannot starve the others */
		for (int i = 0; i < 16 && (n = xport_recv(p->x, buf, sizeof buf, mono)) > 0; i++)
			player_input(p, buf, (size_t)n, mono, wall);
		player_check_flood(p);
	}
	player_link_update(p, mono);
	/* an acknowledgement may have opened the window */
	player_arq(p, mono);
}

static int
player_send_batch(struct player *p, int kind, double mono)
{
	const uint8_t *pk[PROTO_BATCH_MAX];
	int rc;

	if (p->batch->npkts == 0)
		return XPORT_SENT;

	for (size_t i = 0; i < p->batch->npkts; i++)
		pk[i] = p->batch->buf + p->batch->off[i];
	rc = xport_send_to(p->x, pk, p->batch->len, p->batch->any_dest ? p->batch->dest : NULL,
	    p->batch->npkts, kind, mono);
	if (rc == XPORT_DROPPED)
		p->errors++;
	/* Any message the board must answer starts the stall clock, not only
	 * frames: a board that takes the connection but never reads may leave
	 * the very first message (often brightness) queued for ever, and then
	 * no frame is ever sent to start it. */
	else if (p->proto->wants_ack && p->unacked_since == 0)
		p->unacked_since = mono;
	return rc;
}

static void
player_send_brightness(struct player *p, int percent, double mono)
{
	if (!p->proto->encode_brightness || percent == p->brightness_sent)
		return;
	if (p->proto->offers && p->proto->offers(p->pstate, PROTO_FEAT_BRIGHTNESS) == 0) {
		if (percent != 100 && !p->told_no_brightness)
			player_log(p, LOG_LV_WARN, "the board has no brightness setting: %d%% is not applied", percent);
		p->told_no_brightness = 1;
		p->brightness_sent = percent;
		return;
	}
	proto_batch_init(p->batch, p->buf, p->bufcap);
	/* A protocol without a brightness message (DDP, E1.31, Art-Net) scales
	 * its pixels instead and has nothing to send: an empty batch. */
	if (p->proto->encode_brightness(p->pstate, percent, p->batch) == 0 &&
	    (p->batch->npkts == 0 || player_send_batch(p, XPORT_MSG_KEEP, mono) != XPORT_DROPPED))
		p->brightness_sent = percent;
}

/* Turn the LEDs off (0) or on (1) with the protocol's own message.  1 when
 * the board takes it (sent now or earlier), 0 when it has none: then a
 * power-off shows black frames instead. */
static int
player_power(struct player *p, int on, double mono)
{
	if (!p->proto->encode_power ||
	    (p->proto->offers && p->proto->offers(p->pstate, PROTO_FEAT_POWER) == 0))
		return 0;
	if (p->power_sent == on)
		return 1;
	proto_batch_init(p->batch, p->buf, p->bufcap);
	if (p->proto->encode_power(p->pstate, on, p->batch) < 0)
		return 0;
	if (p->batch->npkts == 0 || player_send_batch(p, XPORT_MSG_KEEP, mono) != XPORT_DROPPED)
		p->power_sent = on;
	return 1;
}

/* The compose step: a layout's areas, each at its own effect time, into
 * p->canvas.  Everything else about a frame (pacing, change detection,
 * sending) is the same as for one item. */
static int
player_compose(struct player *p, double wall, char *err, size_t errlen)
{
	struct render_area_show shows[LS_LAYOUT_MAX_AREAS];
	size_t n = p->cur.nareas < p->cur.layout->nareas ? p->cur.nareas : p->cur.layout->nareas;

	memset(shows, 0, sizeof shows);
	for (size_t i = 0; i < n; i++) {
		shows[i].content = p->cur.areas[i].content;
		/* wall is the start of the frame period (player_render): an area
		 * whose item began within it starts at 0 */
		shows[i].t = wall > p->cur.areas[i].item_start ? wall - p->cur.areas[i].item_start : 0;
	}
	return render_compose(p->env.render, p->board, p->cur.layout, shows, wall, p->canvas, err, errlen);
}

/* Render what is chosen now into p->canvas; 0, or -1.  A failure is logged
 * with the board, item and reason once, not on every frame: again only when
 * the item or the reason changes, or after the item has rendered. */
static int
player_render(struct player *p, double wall)
{
	char err[256], key[sizeof p->render_failed];

	if (p->cur.show != PLAYER_SHOW_ITEM || (!p->cur.content && !p->cur.layout) || !p->env.render) {
		render_canvas_clear(p->canvas);
		return 0;
	}
	/* Every board renders at the start of the frame period it falls in (on
	 * the wall clock): boards showing the same item at the same size and
	 * format then get the same pixels, drawn once (render_item_shared). */
	double wq = floor(wall / p->period) * p->period, t = wq - p->cur.item_start;

	if (p->cur.layout ? player_compose(p, wq, err, sizeof err) < 0 :
	    render_item_shared(p->env.render, p->board, p->cur.content, wq, t > 0 ? t : 0,
	        p->canvas, err, sizeof err) < 0) {
		p->errors++;
		snprintf(key, sizeof key, "%s\n%s", p->cur.item, err);
		if (strcmp(key, p->render_failed) != 0) {
			player_log(p, LOG_LV_ERROR, "cannot render %s: %s; the board shows nothing while it is on", p->cur.item, err);
			snprintf(p->render_failed, sizeof p->render_failed, "%s", key);
		}
		render_canvas_clear(p->canvas);
		return -1;
	}
	/* this item is fine now: a later failure of it is news */
	size_t il = strlen(p->cur.item);
	if (strncmp(p->render_failed, p->cur.item, il) == 0 && p->render_failed[il] == '\n')
		p->render_failed[0] = '\0';
	return 0;
}

/* Returns 1 when the frame had to be skipped because the link was busy. */
static int
player_frame(struct player *p, double mono, double wall, double deadline)
{
	struct proto_image img;
	int changed;

	if (p->link_state != XPORT_ONLINE && p->link_state != XPORT_STALLED)
		return 0;
	/* the previous frame is still on its way: skip rather than queue */
	/* A board with a stored programme plays what it can by itself
	 * (daemon/programme.c); this may queue its upload, CLOCK or RESUME.
	 * Nothing to send is no skipped frame, busy link or not. */
	if (p->prog && programme_frame(p->prog, p->pstate, &p->cur, p->env.sched, p->env.render, wall, mono) ==
	    PROGRAMME_BOARD) {
		p->board_plays = 1;
		/* back from a power-off rule: the board's own picture, lit */
		if (p->power_sent == 0)
			player_power(p, 1, mono);
		/* What the board plays, for snapshots (the console's wall): the
		 * picture the controller would stream, which programme.c checked
		 * the board's playback draws too, refreshed once a second. */
		if (!p->shown || wall - p->shown_at >= 1.0 || wall < p->shown_at) {
			player_render(p, wall);
			p->canvas_valid = 1;
			if (p->shown && render_canvas_size(p->shown) != render_canvas_size(p->canvas)) {
				render_canvas_free(p->shown);
				p->shown = NULL;
			}
			if (p->shown == NULL)
				p->shown = render_canvas_dup(p->canvas);
			else
				memcpy(p->shown->data, p->canvas->data, render_canvas_size(p->canvas));
			p->shown_frame = p->acks;
			p->shown_at = wall;
		}
		return 0;
	}
	if (xport_queued(p->x) > 0 || p->arq_busy) {
		p->frames_skipped++;
		return 1;
	}
	if (p->board_plays) {
		/* streaming again: the board shows its own picture, not our last one */
		p->board_plays = 0;
		p->need_full = 1;
	}
	/* A power-off rule: POWER 0 where the board has it, and nothing more
	 * until the rule ends; else black frames below. */
	if (p->cur.show == PLAYER_SHOW_POWER_OFF && player_power(p, 0, mono))
		return 0;
	/* back from POWER 0: a fresh frame, then POWER 1 (after it, so the
	 * old picture does not light up first) */
	if (p->cur.show != PLAYER_SHOW_POWER_OFF && p->power_sent == 0)
		p->need_full = 1;
	player_send_brightness(p, p->cur.brightness, mono);
	/* a static item without live fields looks the same until the choice changes */
	if (p->animated || p->live || !p->canvas_valid)
		player_render(p, wall);
	p->canvas_valid = 1;
	changed = !p->sent || !render_canvas_equal(p->sent, p->canvas);
	/* (a timer may fire a hair early: 2 ms of slack) */
	if (!changed && !p->need_full && mono - p->last_send < player_keepalive(p) - 0.002)
		return 0;
	img.width = p->canvas->width;
	img.height = p->canvas->height;
	img.format = p->canvas->format;
	img.stride = p->canvas->stride;
	img.data = p->canvas->data;
	proto_batch_init(p->batch, p->buf, p->bufcap);
	if (p->proto->encode_frame(p->pstate, &img, p->batch) < 0) {
		const char *e = p->proto->error ? p->proto->error(p->pstate) : NULL;

		p->errors++;
		player_log(p, LOG_LV_ERROR, "cannot encode a frame: %s", e ? e : "batch too small");
		return 0;
	}
	if (p->proto->poll)
		p->arq_busy = 1;

	if (player_send_batch(p, XPORT_MSG_FRAME, mono) == XPORT_DROPPED)
		return 0;
	p->frames_sent++;
	p->last_send = mono;
	p->need_full = 0;
	/* pacing is measured on frames sent in their own slot; a frame that waited
	 * for a busy board is that board's throughput, counted as skipped */
	if (p->animated && isfinite(deadline)) {
		p->jitter[p->jpos] = mono - deadline;
		p->jpos = (p->jpos + 1) % PLAYER_JITTER_N;
		if (p->njitter < PLAYER_JITTER_N)
			p->njitter++;
	}
	if (!p->sent)
		p->sent = render_canvas_dup(p->canvas);
	else
		memcpy(p->sent->data, p->canvas->data, render_canvas_size(p->canvas));
	p->sent_unacked = 1;
	/* nothing will acknowledge it: what was sent is the best knowledge */
	if (!p->proto->wants_ack && p->sent)
		player_keep_shown(p, p->frames_sent, wall);
	/* LEDs on: after a POWER 0, and once per session in case an earlier
	 * run left the board off */
	if (p->cur.show != PLAYER_SHOW_POWER_OFF && p->power_sent != 1)
		player_power(p, 1, mono);
	return 0;
}

/* The first slot at or after t on the grid phase*period + k*period. */
static double
player_grid_next(const struct player *p, double t)
{
	double off = p->env.phase * p->period;

	return off + ceil((t - off) / p->period - 1e-9) * p->period;
}

static int
content_animated(const struct ls_content *c)
{
	if (!c)
		return 0;
	switch (c->effect) {
	case LS_FX_SCROLL_LEFT:
	case LS_FX_SCROLL_UP:
	case LS_FX_FLASH:
		return 1;
	case LS_FX_STATIC:
		break;
	}
	return 0;
}

static int
content_live(const struct ls_content *c)
{
	return c && c->text && strchr(c->text, '{') != NULL;
}

/* Does what the choice shows hold an item for which `is` holds: its item,
 * or any area's of its layout? */
static int
player_shows_any(const struct player_choice *c, int (*is)(const struct ls_content *))
{
	int any = 0;

	if (c->show != PLAYER_SHOW_ITEM)
		return 0;
	if (!c->layout)
		return is(c->content);
	for (size_t i = 0; i < c->nareas; i++)
		any |= is(c->areas[i].content);
	return any;
}

/* A layout is animated (or live) when any of its areas is. */
static int
player_is_animated(const struct player_choice *c)
{
	return player_shows_any(c, content_animated);
}

static int
player_is_live(const struct player_choice *c)
{
	return player_shows_any(c, content_live);
}

/* Did an area of the layout start another item? */
static int
player_areas_differ(const struct player_choice *a, const struct player_choice *b)
{
	if (a->layout != b->layout || a->nareas != b->nareas)
		return 1;
	for (size_t i = 0; i < a->nareas; i++)
		if (a->areas[i].content != b->areas[i].content || a->areas[i].item_start != b->areas[i].item_start)
			return 1;
	return 0;
}

double
player_tick(struct player *p, double mono, double wall)
{
	double next;
	int skipped, busy;

	p->link_deadline = xport_tick(p->x, mono);
	player_link_update(p, mono);
	player_check_stall(p, mono);
	if (mono >= p->arq_wake)
		player_arq(p, mono);
	busy = xport_queued(p->x) > 0 || p->arq_busy;
	/* a programme build put off by the loop's budget may go now */
	if (p->prog && mono >= programme_due(p->prog))
		p->poked = 1;
	if (mono >= p->next_frame || p->poked || (p->pending && !busy)) {
		struct player_choice c;
		/* a grid slot; or an alert that cannot wait; or the frame that found the
		 * link busy, now that it is free (late rather than a whole period later) */
		double slot = p->next_frame;
		double deadline = mono >= slot ? slot : p->poked ? mono : p->pending_deadline;

		/* woken more than a period after the slot: the loop was held up */
		if (mono >= p->next_frame && mono - p->next_frame >= p->period)
			p->frames_late += (uint64_t)floor((mono - p->next_frame) / p->period);
		p->poked = 0;
		memset(&c, 0, sizeof c);
		c.brightness = p->board->brightness;
		p->env.choose(p->env.ctx, p->board, wall, &c);
		if (!p->have_cur || c.show != p->cur.show || c.content != p->cur.content ||
		    c.item_start != p->cur.item_start || strcmp(c.item, p->cur.item) != 0 ||
		    player_areas_differ(&c, &p->cur)) {
			/* logged ("now showing ...") by the daemon's log subscriber */
			if (!p->have_cur || strcmp(c.item, p->cur.item) != 0 || strcmp(c.rule, p->cur.rule) != 0) {
				if (p->have_cur)
					player_emit_item(p, EVENT_ITEM_STOP, &p->cur);
				player_emit_item(p, EVENT_ITEM_START, &c);
			}
			p->canvas_valid = 0;
			p->animated = player_is_animated(&c);
			p->live = player_is_live(&c);
			p->period = p->animated ? 1.0 / p->env.fps : PLAYER_STATIC_PERIOD;
			p->have_cur = 1;
		}
		p->cur = c;
		skipped = player_frame(p, mono, wall, mono >= slot ? slot : NAN);
		player_arq(p, mono);
		if (skipped) {
			p->pending = 1;
			p->pending_deadline = deadline;
		} else {
			p->pending = 0;
		}
		/* The next slot on this board's grid (boards are spread over the
		 * period by env.phase, so they do not all render at one instant),
		 * at least half a period after this frame. */
		next = player_grid_next(p, fmax(deadline, mono) + 0.5 * p->period);
		/* a static frame that found the link busy tries again soon, not in a second */
		if (skipped && !p->animated && next > mono + 0.02)
			next = mono + 0.02;
		/* an unchanged picture is sent again when the keepalive is due, off the grid */
		if (p->sent && p->last_send + player_keepalive(p) < next)
			next = fmax(p->last_send + player_keepalive(p), mono + 0.001);
		p->next_frame = next;
		player_link_update(p, mono);
		/* sending may have changed what the link waits for */
		p->link_deadline = xport_tick(p->x, mono);
	}
	if (p->pending && xport_queued(p->x) == 0 && !p->arq_busy)
		return mono;
	next = fmin(fmin(p->next_frame, p->link_deadline), p->arq_wake);
	if (p->prog)
		next = fmin(next, programme_due(p->prog));
	/* wake for the stall report and the reconnect even when nothing else is
	 * due (while bytes wait, the link's own deadlines wake us) */
	if (p->proto->wants_ack && p->unacked_since > 0 && p->link_state == XPORT_ONLINE) {
		double t = mono - p->unacked_since < p->env.ack_timeout ? p->unacked_since + p->env.ack_timeout :
		    p->drained_since > 0 ? fmax(p->unacked_since, p->drained_since) + p->env.ack_reconnect : INFINITY;

		if (t > mono)
			next = fmin(next, t);
	}
	return next;
}

void
player_status(const struct player *p, struct player_status *s)
{
	memset(s, 0, sizeof *s);
	s->board = p->name;
	s->state = p->state;
	snprintf(s->reason, sizeof s->reason, "%s", p->reason);
	snprintf(s->item, sizeof s->item, "%s", p->have_cur ?
	    (p->cur.show == PLAYER_SHOW_ITEM ? p->cur.item : p->cur.show == PLAYER_SHOW_BLANK ? "(blank)" : "(power off)") : "-");
	snprintf(s->rule, sizeof s->rule, "%s", p->have_cur ? p->cur.rule : "-");
	snprintf(s->address, sizeof s->address, "%s", p->address);
	s->frames_sent = p->frames_sent;
	s->frames_skipped = p->frames_skipped;
	s->frames_late = p->frames_late;
	s->acks = p->acks;
	s->nacks = p->nacks;
	s->errors = p->errors + xport_stats(p->x)->errors;
	s->garbage = p->garbage;
	s->last_ack = p->last_ack;
	s->shown = p->shown;
	s->shown_frame = p->shown_frame;
	s->shown_at = p->shown_at;
	s->shown_acked = p->proto->wants_ack;
	s->brightness = p->brightness_sent;
	s->link = *xport_stats(p->x);
	snprintf(s->programme, sizeof s->programme, "%s", p->prog ? programme_mode(p->prog) : "-");
	s->programme_version = p->prog ? programme_version(p->prog) : 0;
}

size_t
player_jitter(const struct player *p, double *out, size_t cap)
{
	size_t n = p->njitter < cap ? p->njitter : cap;
	size_t start = (p->jpos + PLAYER_JITTER_N - p->njitter) % PLAYER_JITTER_N;

	for (size_t i = 0; i < n; i++)
		out[i] = p->jitter[(start + p->njitter - n + i) % PLAYER_JITTER_N];
	return n;
}
