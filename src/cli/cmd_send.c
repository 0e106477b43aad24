/*
 * cmd_send.c — `ledsign send FILE --board NAME --item NAME [--at TIME]`:
 * render one content item for one board and push it there once, waiting
 * for the board's acknowledgement when its protocol has one.
 *
 * --layout NAME instead of --item sends the layout's areas composed as the
 * controller does, each area's item as an all-day rule would show it at
 * --at (the frames' effect times advance each area's item).
 *
 * Testing aids: --frames N --interval S push N frames of the item at
 * t = 0, S, 2S, ... over one connection (a scroll, say); --dump DIR writes
 * each frame sent as DIR/frame-NNNNNN.png (one pixel per LED), so a test
 * can compare them with what a simulated board showed.
 *
 * The link is a transport from src/transport (xport.h), driven by a small
 * poll loop here; delivery (window, retransmission) is the protocol's own
 * pure state machine (proto_ops.poll), as in the daemon.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "util/progress.h"
#include "config/config.h"
#include "util/diag.h"
#include "config/model.h"
#include "proto/lsp.h"
#include "proto/proto.h"
#include "render/render.h"
#include "schedule/schedule.h"
#include "util/session.h"
#include "transport/xport.h"

/* The board's link: a transport (src/transport) driven by a small loop here. */
struct link {
	struct xport *x;
	const char *address;
	const char *label;      /* "board NAME", for the progress bar */
	char labelbuf[80];
	struct progress prog;   /* bar on stderr when a push takes over a second */
	int      prog_on;
	uint64_t prog_base;     /* bytes_out when the push began */
	uint64_t first_us;      /* when the first byte went out */
	void    *lsp;           /* LSP's state: progress counts the bytes the board acknowledged */
	unsigned long wire0, acked0;   /* LSP: frame bytes queued and acknowledged before this push */
	uint64_t frame_us;      /* summed time from each frame's first byte to its acknowledgement */
};

static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static uint64_t
now_ms(void)
{
	return now_us() / 1000u;
}

/* Wait for the link's fd (or until `until`, seconds on xport's clock), then
 * let the transport do its I/O and timers.  Returns the ready events. */
static int
link_wait(struct link *l, double until)
{
	struct pollfd pfd = { xport_fd(l->x), 0, 0 };
	int ev = xport_events(l->x), ready = 0;
	double now = xport_now(), next = xport_tick(l->x, now);
	int ms;

	if (next < until)
		until = next;
	ms = until <= now ? 0 : (int)((until - now) * 1000.0) + 1;
	if (ms > 1000)
		ms = 1000;
	if (ev & XPORT_EV_READ)
		pfd.events |= POLLIN;
	if (ev & XPORT_EV_WRITE)
		pfd.events |= POLLOUT;
	if (pfd.fd >= 0 && poll(&pfd, 1, ms) > 0) {
		if (pfd.revents & (POLLIN | POLLHUP | POLLERR))
			ready |= XPORT_EV_READ;
		if (pfd.revents & (POLLOUT | POLLERR))
			ready |= XPORT_EV_WRITE;
	} else if (pfd.fd < 0 && ms > 0) {
		poll(NULL, 0, ms);
	}
	now = xport_now();
	if (ready)
		xport_io(l->x, ready, now);
	xport_tick(l->x, now);
	if (l->prog_on && l->lsp) {
		/* delivered, not written: resends and bytes still in flight are not progress */
		struct proto_lsp_stats s;

		proto_lsp_get_stats(l->lsp, &s);
		progress_update(&l->prog, (size_t)(s.frame_bytes_acked - l->acked0), now);
	} else if (l->prog_on) {
		progress_update(&l->prog, (size_t)(xport_stats(l->x)->bytes_out - l->prog_base), now);
	}
	return ready;
}

/* Open a board's address and wait until the link is up.  0, or -1 with err. */
static int
link_open(struct link *l, const struct ls_board *b, const struct proto_ops *ops, double timeout, char *err,
    size_t errlen)
{
	int default_port = proto_default_port(ops, b->address);
	struct xport_opts o;
	double deadline;
	char reason[256];
	int serial = strncmp(b->address, "serial:", 7) == 0;

	xport_opts_default(&o);
	o.serial = b->serial;
	o.udp_src_port = ops->udp_src_port;
	if (b->multicast_if)
		snprintf(o.mcast_if, sizeof o.mcast_if, "%s", b->multicast_if);
	if (o.connect_timeout > timeout)
		o.connect_timeout = timeout;
	l->address = b->address;
	snprintf(l->labelbuf, sizeof l->labelbuf, "board %s", b->name);
	l->label = l->labelbuf;
	if ((l->x = xport_open(b->address, default_port, &o, xport_now(), err, errlen)) == NULL)
		return -1;
	deadline = xport_now() + timeout;
	for (;;) {
		enum xport_state st = xport_state(l->x, reason, sizeof reason);

		if (st == XPORT_ONLINE) {
			/* e.g. Art-Net's port 6454 held by another program */
			if (o.udp_src_port && strstr(reason, "ephemeral"))
				fprintf(stderr, "board %s: %s\n", b->name, reason);
			return 0;
		}
		if (st == XPORT_OFFLINE || xport_now() >= deadline) {
			/* "connect to 127.0.0.1:7001: Connection refused; retry in 0.1 s":
			 * the part after the first ": " without the retry, for people */
			char *why = strstr(reason, ": ");
			char *semi;

			why = why ? why + 2 : reason;
			if ((semi = strstr(why, "; retry")) != NULL)
				*semi = '\0';
			snprintf(err, errlen, "cannot %s %s: %s — %s", serial ? "open" : "connect to", b->address,
			    st == XPORT_OFFLINE ? why : "timed out",
			    serial ? "is the serial adapter plugged in?" : "is the board powered and on the network?");
			return -1;
		}
		link_wait(l, deadline);
	}
}

/* Print what the protocol wants said once (a feature the board refused). */
static void
link_notes(struct link *l, const struct proto_ops *ops, void *st)
{
	const char *n;

	if (ops->note && (n = ops->note(st)) != NULL) {
		if (l->prog_on)
			progress_end(&l->prog);
		fprintf(stderr, "%s: %s\n", l->label, n);
	}
}

/* LSP queues a frame again whole after NACK DATA or NOBASE: the bytes to
 * deliver grow by it, and the bar's total with them. */
static void
link_progress_total(struct link *l, const struct proto_ops *ops, void *st)
{
	struct proto_lsp_stats s;

	if (!l->prog_on || strcmp(ops->name, "lsp") != 0)
		return;
	proto_lsp_get_stats(st, &s);
	if (s.frame_bytes_wire - l->wire0 > l->prog.total)
		l->prog.total = s.frame_bytes_wire - l->wire0;
}

static int
link_send_batch(struct link *l, const struct proto_batch *b)
{
	const uint8_t *pk[PROTO_BATCH_MAX];

	if (b->npkts == 0)
		return 0;
	for (size_t i = 0; i < b->npkts; i++)
		pk[i] = b->buf + b->off[i];
	if (xport_send_to(l->x, pk, b->len, b->any_dest ? b->dest : NULL, b->npkts, XPORT_MSG_KEEP,
	    xport_now()) == XPORT_DROPPED)
		return -1;
	if (l->first_us == 0)
		l->first_us = now_us();
	return 0;
}

/* When the batch holds the first FRAME packet of a push, note the time (for the timing line). */
static void
note_frame_start(const struct proto_batch *b, uint64_t *start)
{
	for (size_t i = 0; *start == 0 && i < b->npkts; i++)
		if (b->len[i] > 3 && b->buf[b->off[i] + 3] == 0x10)   /* LSP FRAME */
			*start = now_us();
}

/* Push one frame and wait until the board has it.  0, or -1 with err. */
static int push_frame_wait(const struct proto_ops *, void *, struct link *, struct proto_batch *, uint8_t *,
    size_t, uint64_t, uint64_t *, double, char *, size_t);

static int
push_frame(const struct proto_ops *ops, void *st, struct link *l, const struct render_canvas *c,
    uint8_t *buf, size_t cap, double timeout, char *err, size_t errlen)
{
	struct proto_image img = { c->width, c->height, c->format, c->stride, c->data };
	struct proto_batch b;
	/* timeout 0: as long as the protocol keeps trying (LSP gives up after
	 * 12 sends of a packet, docs/protocol.md §5), 10 s for one without ARQ */
	uint64_t deadline = timeout > 0 ? now_ms() + (uint64_t)(timeout * 1000.0) :
	    ops->poll ? UINT64_MAX : now_ms() + 10000u, start = 0;
	int rc;

	struct proto_lsp_stats s0, s1;
	size_t total;
	int is_lsp = strcmp(ops->name, "lsp") == 0;

	if (is_lsp) {
		proto_lsp_get_stats(st, &s0);
		l->lsp = st;
		l->wire0 = s0.frame_bytes_wire;
		l->acked0 = s0.frame_bytes_acked;
	}
	proto_batch_init(&b, buf, cap);
	if (ops->encode_frame(st, &img, &b) < 0) {
		snprintf(err, errlen, "cannot encode the frame: %s",
		    ops->error && ops->error(st) ? ops->error(st) : "buffer too small");
		return -1;
	}
	note_frame_start(&b, &start);
	/* a slow link (a poster to a 9600-baud board) shows bytes, rate and time left */
	total = b.used;
	if (is_lsp) {
		/* LSP hands out a window of packets at a time: the frame's size is in its stats */
		proto_lsp_get_stats(st, &s1);
		if (s1.frame_bytes_wire > s0.frame_bytes_wire)
			total = s1.frame_bytes_wire - s0.frame_bytes_wire;
	}
	progress_begin(&l->prog, stderr, -1, l->label, total, xport_now());
	l->prog_base = xport_stats(l->x)->bytes_out;
	l->prog_on = 1;
	rc = push_frame_wait(ops, st, l, &b, buf, cap, deadline, &start, timeout, err, errlen);
	l->prog_on = 0;
	progress_end(&l->prog);
	return rc;
}

/* The rest of push_frame: the first batch is encoded; send it and wait for delivery. */
static int
push_frame_wait(const struct proto_ops *ops, void *st, struct link *l, struct proto_batch *bp, uint8_t *buf,
    size_t cap, uint64_t deadline, uint64_t *startp, double timeout, char *err, size_t errlen)
{
	struct proto_batch b = *bp;
	uint64_t start = *startp;
	uint8_t rx[4096];
	char reason[256];

	if (link_send_batch(l, &b) < 0)
		goto down;
	if (ops->poll == NULL) {
		/* send-only protocol: done once the transport has written it all */
		while (xport_queued(l->x) > 0 && now_ms() < deadline && xport_state(l->x, NULL, 0) == XPORT_ONLINE)
			link_wait(l, xport_now() + 0.1);
		return xport_queued(l->x) == 0 ? 0 : (snprintf(err, errlen, "could not write the frame"), -1);
	}
	for (;;) {
		uint64_t wake, now = now_ms();
		int r;
		ssize_t n;

		proto_batch_init(&b, buf, cap);
		r = ops->poll(st, now, &b, &wake);
		if (r == PROTO_TX_DONE || r == PROTO_TX_IDLE) {
			if (start)
				l->frame_us += now_us() - start;
			*startp = start;
			return 0;
		}
		link_notes(l, ops, st);
		link_progress_total(l, ops, st);
		if (r == PROTO_TX_FAILED) {
			snprintf(err, errlen, "%s", ops->error(st) ? ops->error(st) : "delivery failed");
			return -1;
		}
		note_frame_start(&b, &start);
		if (link_send_batch(l, &b) < 0)
			goto down;
		if (now >= deadline) {
			snprintf(err, errlen, "no acknowledgement within %.1f s — is the board on and speaking %s?",
			    timeout, ops->name);
			return -1;
		}
		if (wake == 0 || wake > deadline)
			wake = deadline != UINT64_MAX ? deadline : now + 1000;
		if (link_wait(l, xport_now() + (double)(wake > now ? wake - now : 0) / 1000.0) & XPORT_EV_READ) {
			while ((n = xport_recv(l->x, rx, sizeof rx, xport_now())) > 0) {
				for (size_t off = 0; off < (size_t)n;) {
					size_t used = 0;
					ops->input(st, rx + off, (size_t)n - off, &used);
					if (used == 0)
						break;
					off += used;
				}
			}
		}
		if (xport_state(l->x, NULL, 0) == XPORT_OFFLINE)
			goto down;
	}
down:
	xport_state(l->x, reason, sizeof reason);
	snprintf(err, errlen, "the link to %s went down (%s) — is the board still connected?", l->address, reason);
	return -1;
}

struct send_opts {
	const char *file, *board, *item, *at, *dump, *layout;
	long frames;
	double interval, timeout;
	int verbose;
};

static const struct cmd_opt send_opts[] = {
	{ "board", 0, "NAME", "the board to send to" },
	{ "item", 0, "NAME", "the content item to send" },
	{ "layout", 0, "NAME", "instead of --item: the layout's areas as an all-day rule shows them at --at" },
	{ "at", 0, "TIME", "render the item as at TIME (live fields, default: now)" },
	{ "frames", 0, "N", "push N frames of the item over one connection, 1..100000 (default 1)" },
	{ "interval", 0, "SECONDS", "effect time between those frames (default 0)" },
	{ "timeout", 0, "SECONDS", "give up after this long (default: 10 s for the link, then as long as the protocol keeps trying)" },
	{ "dump", 0, "DIR", "write each frame sent as DIR/frame-NNNNNN.png, one pixel per LED" },
	{ "verbose", 'v', NULL, "accepted for old scripts; send always reports what it did" },
	{ NULL, 0, NULL, NULL },
};

static int
parse_args(const struct cmd_args *a, struct send_opts *o)
{
	const char *v;
	char *end = NULL;

	memset(o, 0, sizeof *o);
	o->frames = 1;
	o->timeout = 0;      /* default: 10 s to connect, then as long as the protocol tries */
	o->file = a->argv[0];
	o->board = cmd_arg(a, "board");
	o->item = cmd_arg(a, "item");
	o->layout = cmd_arg(a, "layout");
	o->at = cmd_arg(a, "at");
	o->dump = cmd_arg(a, "dump");
	o->verbose = cmd_flag(a, "verbose");
	if ((v = cmd_arg(a, "frames")) != NULL) {
		o->frames = strtol(v, &end, 10);
		if (*end || o->frames < 1 || o->frames > 100000)
			return -1;
	}
	if ((v = cmd_arg(a, "interval")) != NULL) {
		o->interval = strtod(v, &end);
		if (*end || !(o->interval >= 0 && o->interval < 86400))
			return -1;
	}
	if ((v = cmd_arg(a, "timeout")) != NULL) {
		o->timeout = strtod(v, &end);
		if (*end || !(o->timeout > 0 && o->timeout < 3600))
			return -1;
	}
	return o->board && (o->item != NULL) != (o->layout != NULL) ? 0 : -1;
}

static int cmd_send(const struct cmd_args *);

const struct cmd_entry cmd_send_entry = {
	"send", "FILE --board NAME (--item NAME | --layout NAME) [--at TIME] [--frames N [--interval SECONDS]] [--timeout SECONDS] [--dump DIR] [-v]",
	"push one item (or layout) once to a board and wait for it to be shown", send_opts, 1, 1, 0, cmd_send,
};

static int
cmd_send(const struct cmd_args *args)
{
	struct send_opts o;
	struct ls_config *cfg = NULL;
	const struct ls_board *board;
	const struct ls_content *item = NULL;
	const struct ls_layout *layout = NULL;
	struct sched *sched = NULL;
	struct sched_result lay;
	const struct proto_ops *ops;
	struct render_ctx *rctx = NULL;
	struct render_canvas *canvas = NULL;
	struct ls_diag diag = { 0 };
	struct link l = { 0 };
	void *st = NULL;
	uint8_t *buf = NULL;
	size_t cap;
	char err[512] = "";
	long long at;
	uint64_t link_us;
	int rc = 1;

	if (parse_args(args, &o) < 0)
		return cmd_usage("send");
	if ((cfg = cmd_load_config(o.file)) == NULL)
		return 1;
	if ((board = ls_config_board(cfg, o.board)) == NULL) {
		fprintf(stderr, "ledsign send: %s has no board called \"%s\"\n", o.file, o.board);
		goto out;
	}
	if (o.item && (item = ls_config_content(cfg, o.item)) == NULL) {
		fprintf(stderr, "ledsign send: %s has no content item called \"%s\"\n", o.file, o.item);
		goto out;
	}
	if (o.layout && (layout = ls_config_layout(cfg, o.layout)) == NULL) {
		fprintf(stderr, "ledsign send: %s has no layout called \"%s\"\n", o.file, o.layout);
		goto out;
	}
	at = (long long)time(NULL);
	if (o.at && cmd_parse_time(cfg, o.at, &at) < 0) {
		fprintf(stderr, "ledsign send: --at \"%s\": expected \"YYYY-MM-DD HH:MM\"\n", o.at);
		goto out;
	}
	if (layout != NULL) {
		if ((sched = sched_new(cfg, err, sizeof err)) == NULL) {
			fprintf(stderr, "ledsign send: %s: %s\n", o.file, err);
			goto out;
		}
		sched_layout_at(sched, layout, NAN, (double)at, &lay);
	}
	if ((ops = proto_find(board->protocol)) == NULL) {
		fprintf(stderr, "board %s: unknown protocol \"%s\" — see `ledsign check`\n", board->name,
		    board->protocol);
		goto out;
	}
	if (!ops->supports(board->format)) {
		fprintf(stderr, "board %s: protocol %s cannot carry %s pixels\n", board->name, ops->name,
		    ls_format_name(board->format));
		goto out;
	}
	if ((rctx = render_ctx_new(cfg, &diag)) == NULL) {
		ls_diag_print(&diag, stderr);
		goto out;
	}
	if ((canvas = render_canvas_new(board->width, board->height, board->format)) == NULL) {
		fprintf(stderr, "board %s: cannot make a %dx%d canvas\n", board->name, board->width,
		    board->height);
		goto out;
	}
	if ((st = ops->init(board, err, sizeof err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		goto out;
	}
	cap = ops->max_frame_bytes(board->width, board->height, board->format);
	if ((buf = malloc(cap)) == NULL) {
		fprintf(stderr, "ledsign send: out of memory\n");
		goto out;
	}
	if (ops->session) {
		/* this process is a new sender: see proto_ops.session */
		struct proto_session ses;

		ls_session_id(ses.id, sizeof ses.id);
		ops->session(st, &ses);
	}
	if (link_open(&l, board, ops, o.timeout > 0 ? o.timeout : 10.0, err, sizeof err) < 0) {
		fprintf(stderr, "board %s: %s\n", board->name, err);
		goto out;
	}
	/* Start the session (LSP asks the board what it is) while we render. */
	if (ops->poll) {
		uint64_t wake;
		struct proto_batch b;

		proto_batch_init(&b, buf, cap);
		ops->poll(st, now_ms(), &b, &wake);
		if (link_send_batch(&l, &b) < 0) {
			fprintf(stderr, "board %s: cannot send to %s — is the board still connected?\n",
			    board->name, board->address);
			goto out;
		}
	}
	for (long k = 0; k < o.frames; k++) {
		double t = (double)k * o.interval;

		if (layout != NULL) {
			struct render_area_show shows[LS_LAYOUT_MAX_AREAS];

			memset(shows, 0, sizeof shows);
			for (size_t i = 0; i < lay.nareas; i++) {
				shows[i].content = lay.areas[i].content;
				shows[i].t = (double)at - lay.areas[i].item_start + t;
			}
			if (render_compose(rctx, board, layout, shows, (double)at + t, canvas, err, sizeof err) < 0) {
				fprintf(stderr, "board %s: %s\n", board->name, err);
				goto out;
			}
		} else if (render_item(rctx, board, item, (double)at + t, t, canvas, err, sizeof err) < 0) {
			fprintf(stderr, "board %s: %s\n", board->name, err);
			goto out;
		}
		if (o.dump) {
			char path[PATH_MAX];
			snprintf(path, sizeof path, "%s/frame-%06ld.png", o.dump, k + 1);
			if (render_png_write_raw(canvas, path, err, sizeof err) < 0) {
				fprintf(stderr, "ledsign send: %s\n", err);
				goto out;
			}
		}
		rc = push_frame(ops, st, &l, canvas, buf, cap, o.timeout, err, sizeof err);
		if (rc < 0) {
			rc = 1;
			fprintf(stderr, "board %s: frame %ld of %ld not delivered: %s\n", board->name, k + 1,
			    o.frames, err);
			goto out;
		}
		rc = 1;      /* until every frame is through */
	}
	/* The time is from the first byte out to the last acknowledgement. */
	link_us = now_us() - l.first_us;
	if (strcmp(ops->name, "lsp") == 0) {
		struct proto_lsp_stats s;
		proto_lsp_get_stats(st, &s);
		printf("board %s: %ld frame%s delivered to %s in %.3f ms (frames %.3f ms; %dx%d %s; %lu bytes raw, "
		    "%lu coded, %lu on the wire, last as %s; %lu bytes out, %lu in; %lu packets, %lu retransmitted)\n",
		    board->name, o.frames, o.frames == 1 ? "" : "s", board->address, (double)link_us / 1000.0,
		    (double)l.frame_us / 1000.0,
		    board->width, board->height, ls_format_name(board->format), s.frame_bytes_raw,
		    s.frame_bytes_coded, s.frame_bytes_wire, fw_lsp_encoding_name(s.last.encoding),
		    s.bytes_out, s.bytes_in, s.packets, s.retransmits);
	} else {
		printf("board %s: %ld frame%s %s to %s in %.3f ms\n", board->name, o.frames,
		    o.frames == 1 ? "" : "s", ops->wants_ack ? "delivered" : "sent", board->address,
		    (double)link_us / 1000.0);
	}
	rc = 0;
out:
	xport_close(l.x);
	if (st)
		ops->fini(st);
	free(buf);
	render_canvas_free(canvas);
	render_ctx_free(rctx);
	sched_free(sched);
	ls_diag_clear(&diag);
	ls_config_free(cfg);
	return rc;
}

/* ---- the same path for other commands (ledsign probe) ------------------- */

struct cmd_link {
	const struct ls_board *board;
	const struct proto_ops *ops;
	void *st;
	struct link l;
	uint8_t *buf;
	size_t cap;
	double timeout;
};

struct cmd_link *
cmd_link_open(const struct ls_board *board, double timeout, char *err, size_t errlen)
{
	struct cmd_link *k;

	if ((k = calloc(1, sizeof *k)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	k->board = board;
	k->timeout = timeout;
	if ((k->ops = proto_find(board->protocol)) == NULL) {
		snprintf(err, errlen, "unknown protocol \"%s\" — see `ledsign check`", board->protocol);
		goto fail;
	}
	if ((k->st = k->ops->init(board, err, errlen)) == NULL)
		goto fail;
	k->cap = k->ops->max_frame_bytes(board->width, board->height, board->format);
	if ((k->buf = malloc(k->cap)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (k->ops->session) {
		/* a probe is a new sender too: see proto_ops.session */
		struct proto_session ses;

		ls_session_id(ses.id, sizeof ses.id);
		k->ops->session(k->st, &ses);
	}
	if (link_open(&k->l, board, k->ops, timeout, err, errlen) < 0)
		goto fail;
	if (k->ops->poll) {
		/* start the session (LSP asks the board what it is), as send does */
		uint64_t wake;
		struct proto_batch b;

		proto_batch_init(&b, k->buf, k->cap);
		k->ops->poll(k->st, now_ms(), &b, &wake);
		if (link_send_batch(&k->l, &b) < 0) {
			snprintf(err, errlen, "cannot send to %s — is the board still connected?", board->address);
			goto fail;
		}
	}
	return k;
fail:
	cmd_link_close(k);
	return NULL;
}

int
cmd_link_push(struct cmd_link *k, const struct render_canvas *c, char *err, size_t errlen)
{
	return push_frame(k->ops, k->st, &k->l, c, k->buf, k->cap, k->timeout, err, errlen);
}

const struct proto_ops *
cmd_link_ops(const struct cmd_link *k)
{
	return k->ops;
}

void
cmd_link_close(struct cmd_link *k)
{
	if (k == NULL)
		return;
	xport_close(k->l.x);
	if (k->st)
		k->ops->fini(k->st);
	free(k->buf);
	free(k);
}
