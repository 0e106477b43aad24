/*
 * daemon/programme.c — the day's programme stored on LSP 1.1 boards (see
 * programme.h; the format is docs/protocol.md §10.1, the choices
 * docs/daemon.md "Stored programmes").
 *
 * Build: from the start of the current 6-hour block to 12 hours on, the
 * schedule is asked item by item (sched_at and its next_change); runs of
 * the same playlist, cycle anchor and set of items in their windows become
 * segments, their items (each repeat a turn of its own) entries, and each
 * item the board can play by itself an image in a page slot:
 *  - static text or posters without live fields: the picture (NONE);
 *  - flashing ones at a rate the board's 0.1 Hz steps hit: the picture (FLASH);
 *  - fixed texts that scroll left at whole LEDs per second: the line (SCROLL_LEFT_LOOP).
 * Each is checked by drawing, at several moments of a turn, what the board
 * would show (fw_lsp_entry_render, the board's own code) against what
 * render_item makes; anything that differs, or that the board's slots,
 * memory or message size cannot take, is the host's (slot HOST: streamed).
 * The same block gives the same programme, and its version is a hash of
 * it, so a restarted controller finds the board holding it already and
 * uploads nothing.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/player.h"
#include "daemon/programme.h"
#include "proto/lsp.h"
#include "render/canvas.h"
#include "render/render.h"
#include "schedule/schedule.h"
#include "util/log.h"

#define PROG_BLOCK      21600.0   /* programmes start on 6-hour boundaries ... */
#define PROG_HORIZON    43200.0   /* ... and cover 12 hours from there */
#define PROG_MIN_AHEAD  600.0     /* less than this ahead of now is not worth storing */
#define PROG_HOLD_MS    3000      /* the board takes over 3 s after the host goes quiet */
#define PROG_PING_S     1.0       /* while streaming, a packet at least this often */
#define PROG_PING_BOARD 2.0       /* while the board plays, a PING this often: is it still there? */
#define PROG_CLOCK_S    600.0     /* the board's clock set again this often */
#define PROG_SAMPLES    8         /* moments of a turn checked per item */
#define PROG_BUDGET     3.0       /* after a build of d, the loop builds nothing for PROG_BUDGET x d */

/* The build budget (docs/daemon.md, "Build budget").  A build runs on the
 * event loop and takes 5-30 ms a board; after a reload every stored board
 * wants one at once, and built back to back they held an alert raised then
 * up to 875 ms (30 boards, test 94).  So after a build that took d, this loop builds nothing
 * else for PROG_BUDGET x d: frames, an alert's first, go between builds.
 * Per thread, because each worker runs its own loop (and its own boards'
 * builds); the monotonic clock, as xport_now. */
static _Thread_local double prog_build_after;

enum prog_state {
	PS_INFO,        /* waiting for the board's INFO */
	PS_NONE,        /* the board has no programme support, or nothing is worth storing */
	PS_UPLOAD,      /* images going out one by one, then CLOCK and PROGRAMME */
	PS_SENT,        /* PROGRAMME queued: ready once it is acknowledged */
	PS_READY,       /* the board holds our programme */
};

struct prog_item {
	const struct ls_content *content;
	struct render_canvas *img;  /* NULL: the host's */
	uint8_t slot, effect;
	uint16_t param;
};

struct programme {
	const struct ls_board *board;
	enum prog_state st;
	double block;               /* the block this programme was built for */
	double from, until;         /* what the segments cover */
	struct prog_item items[FW_LSP_SLOTS + 8];
	size_t nitems;
	struct fw_lsp_prog_entry e[FW_LSP_PROG_ENTRIES];
	struct fw_lsp_prog_seg g[FW_LSP_PROG_SEGS];
	uint8_t eitem[FW_LSP_PROG_ENTRIES];   /* the item of each entry */
	size_t ne, ng;
	uint32_t version;
	size_t next_slot;           /* upload: the next image */
	int    board_live;          /* the board shows our live frames, not its programme */
	uint32_t board_version;     /* what it holds (INFO, then what we stored) */
	double clock_sent;          /* mono */
	double last_activity;       /* mono: last time packets went out while streaming */
	unsigned long last_packets;
	int    streaming;           /* the last answer was STREAM */
	int    known;               /* board_version and board_live are ours, not INFO's */
	double build_ms;            /* what the last build took (it runs on the event loop) */
	double build_due;           /* mono: a build put off by the budget may go then; INFINITY: none */
	int    hold;                /* the board's hold as we last set it; -1 = not known */
	int    streamed;            /* a frame went before the board's INFO (it shows it, live) */
};

struct programme *
programme_new(const struct ls_board *b)
{
	struct programme *pg = calloc(1, sizeof *pg);

	if (pg)
		programme_reset(pg, b, 1);
	return pg;
}

static void
prog_clear(struct programme *pg)
{
	for (size_t i = 0; i < pg->nitems; i++)
		render_canvas_free(pg->items[i].img);
	pg->nitems = pg->ne = pg->ng = 0;
	pg->version = 0;
}

void
programme_free(struct programme *pg)
{
	if (!pg)
		return;
	prog_clear(pg);
	free(pg);
}

void
programme_reset(struct programme *pg, const struct ls_board *b, int session)
{
	prog_clear(pg);
	pg->board = b;
	pg->st = PS_INFO;
	pg->block = 0;
	pg->build_due = INFINITY;
	if (session) {
		/* a new session: the board's INFO says what it holds */
		pg->known = 0;
		pg->board_live = 1;
		pg->board_version = 0;
		pg->clock_sent = -1e9;
		pg->hold = -1;
		pg->streamed = 0;
		pg->streaming = 1;
	}
}

const char *
programme_mode(const struct programme *pg)
{
	switch (pg->st) {
	case PS_INFO:   return "-";
	case PS_NONE:   return "streaming";
	case PS_UPLOAD:
	case PS_SENT:   return "uploading";
	case PS_READY:  return pg->streaming ? "streaming" : "stored";
	}
	return "-";
}

uint32_t
programme_version(const struct programme *pg)
{
	return pg->board_version;
}

int
programme_wants_turn(const struct programme *pg)
{
	return pg && (pg->st == PS_UPLOAD || pg->st == PS_SENT);
}

double
programme_due(const struct programme *pg)
{
	return pg ? pg->build_due : INFINITY;
}

static uint8_t
prog_fmt(enum ls_format f)
{
	switch (f) {
	case LS_FMT_MONO:     return FW_PIX_MONO;
	case LS_FMT_REDGREEN: return FW_PIX_REDGREEN;
	case LS_FMT_RGB565:   return FW_PIX_RGB565;
	default:              return FW_PIX_RGB888;
	}
}

/* Would the board, playing `it` with `img`, show what render_item makes at
 * every sampled moment of a turn of `dur` seconds? */
static int
prog_verify(struct render_ctx *rc, const struct ls_board *b, struct prog_item *it, const struct render_canvas *img,
    double dur, double period, double wall, struct render_canvas *host, uint8_t *board)
{
	char err[256];
	double span = period > 0 && period < dur ? period : dur;

	for (int k = 0; k < PROG_SAMPLES; k++) {
		/* spread over the turn, off the whole-step boundaries */
		double t = span * k / PROG_SAMPLES + (k ? 0.0137 : 0);
		uint32_t ms = (uint32_t)floor(t * 1000.0);

		if (render_item(rc, b, it->content, wall, ms / 1000.0, host, err, sizeof err) < 0)
			return 0;
		fw_lsp_entry_render(board, (uint16_t)b->width, (uint16_t)b->height, prog_fmt(b->format), img->data,
		    (uint16_t)img->width, (uint16_t)img->height, it->effect, it->param, ms);
		for (int y = 0; y < b->height; y++)
			if (memcmp(host->data + (size_t)y * host->stride, board + (size_t)y * host->stride, host->stride) != 0)
				return 0;
	}
	return 1;
}

/* Make item `it` storable if the board can play it: its image, effect, param. */
static void
prog_item_image(struct render_ctx *rc, const struct ls_board *b, struct prog_item *it, double dur, double wall)
{
	const struct ls_content *c = it->content;
	struct render_canvas *img = NULL, *host = render_canvas_new(b->width, b->height, b->format);
	uint8_t *board = host ? malloc(render_canvas_size(host)) : NULL;
	double period = 0;
	char err[256];

	it->img = NULL;
	if (!host || !board || (c->text && strchr(c->text, '{')))
		goto out;
	switch (c->effect) {
	case LS_FX_STATIC:
	case LS_FX_FLASH:
		if (c->effect == LS_FX_FLASH) {
			double hz = c->flash_hz > 0 ? c->flash_hz : 1.0;
			long param = lround(hz * 10);

			if (param < 1 || param > FW_LSP_FLASH_MAX || fabs(param / 10.0 - hz) > 1e-9 || 10000 % param)
				goto out;
			it->effect = FW_LSP_FX_FLASH;
			it->param = (uint16_t)param;
		} else {
			it->effect = FW_LSP_FX_NONE;
			it->param = 0;
		}
		if ((img = render_canvas_new(b->width, b->height, b->format)) == NULL ||
		    render_item(rc, b, c, wall, 0, img, err, sizeof err) < 0)
			goto out;
		break;
	case LS_FX_SCROLL_LEFT: {
		long sp = lround(c->speed > 0 ? c->speed : 20);

		if (sp < 1 || sp > 65535 || fabs((double)sp - (c->speed > 0 ? c->speed : 20)) > 1e-9)
			goto out;
		if ((img = render_strip(rc, b, c, err, sizeof err)) == NULL)
			goto out;
		it->effect = FW_LSP_FX_SCROLL_LEFT_LOOP;
		it->param = (uint16_t)sp;
		period = (double)(b->width + img->width) / (double)sp;
		break;
	}
	default:
		goto out;
	}
	if (prog_verify(rc, b, it, img, dur, period, wall, host, board)) {
		it->img = img;
		img = NULL;
	}
out:
	render_canvas_free(img);
	render_canvas_free(host);
	free(board);
}

/* The item for content c (made once per programme), or NULL when the list is full. */
static struct prog_item *
prog_item(struct programme *pg, struct render_ctx *rc, const struct ls_content *c, double dur, double wall)
{
	for (size_t i = 0; i < pg->nitems; i++)
		if (pg->items[i].content == c)
			return &pg->items[i];
	if (pg->nitems >= sizeof pg->items / sizeof pg->items[0])
		return NULL;
	struct prog_item *it = &pg->items[pg->nitems++];
	memset(it, 0, sizeof *it);
	it->content = c;
	it->slot = FW_LSP_PROG_HOST;
	prog_item_image(rc, pg->board, it, dur, wall);
	return it;
}

/* One step of the schedule: what decides the picture, for telling runs apart. */
struct prog_key {
	int dark;                   /* nothing to show: a dark segment */
	int host;                   /* only the host can show it (a layout, a rotation): streamed */
	const struct ls_playlist *pl;
	double anchor;
	uint64_t mask;              /* entries in their windows */
};

static void
prog_key(const struct ls_config *cfg, const struct sched_result *r, struct prog_key *k)
{
	int minute = r->local.hour * 60 + r->local.min;

	memset(k, 0, sizeof *k);
	if (r->slot.state == SCHED_POWER_OFF) {
		/* the host's POWER 0: the board keeps its picture, dark LEDs */
		k->host = 1;
		return;
	}
	if (r->slot.state != SCHED_PLAY || (!r->playlist && !r->layout)) {
		k->dark = 1;
		return;
	}
	if (r->layout || r->slot.ntied > 1 || !r->playlist || r->playlist->nentries > 64) {
		/* screen areas, rotations between rules: the host's (streamed) */
		k->host = 1;
		return;
	}
	k->pl = r->playlist;
	k->anchor = r->anchor;
	for (size_t j = 0; j < r->playlist->nentries; j++)
		if (sched_entry_active(&r->playlist->entries[j], r->local.day, minute) &&
		    ls_config_content(cfg, r->playlist->entries[j].item))
			k->mask |= (uint64_t)1 << j;
}

/* Entries for one run; 0, or -1 when they do not fit. */
static int
prog_entries(struct programme *pg, const struct ls_config *cfg, struct render_ctx *rc, const struct prog_key *k,
    double wall, struct fw_lsp_prog_seg *g)
{
	size_t first = pg->ne;

	for (size_t j = 0; j < k->pl->nentries; j++) {
		const struct ls_playlist_entry *pe = &k->pl->entries[j];
		const struct ls_content *c;
		struct prog_item *it;
		int rep;
		double dur;

		if (!(k->mask & ((uint64_t)1 << j)) || (c = ls_config_content(cfg, pe->item)) == NULL)
			continue;
		dur = pe->duration > 0 ? pe->duration : c->duration > 0 ? c->duration : SCHED_DEFAULT_DURATION;
		rep = pe->repeat > 0 ? pe->repeat : c->repeat > 0 ? c->repeat : 1;
		if ((it = prog_item(pg, rc, c, dur, wall)) == NULL)
			return -1;
		/* each repeat is a turn of its own: effects start again, as on the host */
		for (int t = 0; t < rep; t++) {
			struct fw_lsp_prog_entry *e;

			if (pg->ne >= FW_LSP_PROG_ENTRIES || dur * 1000.0 >= 4e9)
				return -1;
			pg->eitem[pg->ne] = (uint8_t)(it - pg->items);
			e = &pg->e[pg->ne++];
			e->duration_ms = (uint32_t)llround(dur * 1000.0);
		}
	}
	if (pg->ne == first)
		return -1;
	g->first = (uint8_t)first;
	g->count = (uint8_t)(pg->ne - first);
	return 0;
}

static uint32_t
prog_hash(uint32_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

/* Give every item with an image a slot, within the board's slots and memory. */
static void
prog_slots(struct programme *pg, const struct proto_lsp_stats *st)
{
	uint32_t used = 0;
	uint8_t next = 0;

	for (size_t i = 0; i < pg->nitems; i++) {
		struct prog_item *it = &pg->items[i];
		uint32_t bytes;

		if (!it->img)
			continue;
		bytes = (uint32_t)render_canvas_size(it->img);
		if (next >= st->board_page_slots || next >= FW_LSP_SLOTS || bytes > st->board_page_bytes - used) {
			render_canvas_free(it->img);   /* the board has no room: the host's */
			it->img = NULL;
			it->slot = FW_LSP_PROG_HOST;
			continue;
		}
		it->slot = next++;
		used += bytes;
	}
}

/* Build the programme of the block around `wall`.  0 when there is one worth storing. */
static int
prog_build(struct programme *pg, const struct proto_lsp_stats *st, const struct sched *sc, struct render_ctx *rc,
    double wall)
{
	const struct ls_config *cfg = sched_config(sc);
	double t, end;
	struct prog_key cur, k;
	int have = 0, host_entry = -1;
	uint8_t buf[FW_LSP_MAX_PAYLOAD];
	size_t maxp = st->board_max_payload < FW_LSP_MAX_PAYLOAD ? st->board_max_payload : FW_LSP_MAX_PAYLOAD;

	prog_clear(pg);
	pg->block = floor(wall / PROG_BLOCK) * PROG_BLOCK;
	end = pg->block + PROG_HORIZON;
	pg->from = pg->until = pg->block;
	memset(&cur, 0, sizeof cur);
	/* First pass: which items and images; the entries come with the segments. */
	for (t = pg->block; t < end;) {
		struct sched_result r;
		struct fw_lsp_prog_seg *g;
		double next;

		sched_at(sc, pg->board, t, &r);
		prog_key(cfg, &r, &k);
		next = r.next_change > t + 0.5 ? r.next_change : t + 1;
		if (next > end)
			next = end;
		if (have && k.dark == cur.dark && k.host == cur.host && k.pl == cur.pl && k.anchor == cur.anchor &&
		    k.mask == cur.mask) {
			pg->g[pg->ng - 1].end = (uint32_t)floor(next);
			pg->until = floor(next);
			t = next;
			continue;
		}
		if (pg->ng >= FW_LSP_PROG_SEGS)
			break;
		g = &pg->g[pg->ng];
		memset(g, 0, sizeof *g);
		g->start = (uint32_t)floor(t);
		g->end = (uint32_t)floor(next);
		g->anchor = k.dark || k.host ? g->start : (uint32_t)floor(k.anchor);
		if (k.host) {
			/* one entry of the host's, shared by every such segment */
			if (host_entry < 0) {
				if (pg->ne >= FW_LSP_PROG_ENTRIES)
					break;
				host_entry = (int)pg->ne;
				pg->eitem[pg->ne] = 0xFF;
				pg->e[pg->ne].duration_ms = 3600000;
				pg->ne++;
			}
			g->first = (uint8_t)host_entry;
			g->count = 1;
		} else if (!k.dark) {
			size_t ne0 = pg->ne;

			if (k.anchor != floor(k.anchor) || prog_entries(pg, cfg, rc, &k, wall, g) < 0) {
				pg->ne = ne0;
				break;
			}
		}
		/* the message must fit the board's payload */
		if (FW_LSP_PROG_HEAD + pg->ne * FW_LSP_PROG_ENTRY + (pg->ng + 1) * FW_LSP_PROG_SEG > maxp) {
			pg->ne = k.dark || k.host ? pg->ne : g->first;
			break;
		}
		pg->ng++;
		pg->until = floor(next);
		cur = k;
		have = 1;
		t = next;
	}
	prog_slots(pg, st);
	/* now that items have slots (or are the host's), the entries say so */
	for (size_t i = 0; i < pg->ne; i++) {
		const struct prog_item *it = pg->eitem[i] == 0xFF ? NULL : &pg->items[pg->eitem[i]];

		if (!it) {
			pg->e[i].slot = FW_LSP_PROG_HOST;
			pg->e[i].effect = FW_LSP_FX_NONE;
			pg->e[i].param = 0;
			continue;
		}
		pg->e[i].slot = it->img ? it->slot : FW_LSP_PROG_HOST;
		pg->e[i].effect = it->img ? it->effect : FW_LSP_FX_NONE;
		pg->e[i].param = it->img ? it->param : 0;
	}
	if (pg->ng == 0 || pg->until < wall + PROG_MIN_AHEAD)
		return -1;
	{
		/* nothing the board can play by itself (all layouts, live fields): stream */
		size_t nimg = 0;

		for (size_t i = 0; i < pg->nitems; i++)
			nimg += pg->items[i].img != NULL;
		if (nimg == 0)
			return -1;
	}
	pg->version = 2166136261u;
	for (size_t i = 0; i < pg->nitems; i++)
		if (pg->items[i].img) {
			const struct render_canvas *c = pg->items[i].img;
			int geo[3] = { c->width, c->height, pg->items[i].slot };

			pg->version = prog_hash(pg->version, geo, sizeof geo);
			pg->version = prog_hash(pg->version, c->data, render_canvas_size(c));
		}
	{
		size_t n = proto_lsp_programme_encode(0, PROG_HOLD_MS, pg->e, pg->ne, pg->g, pg->ng, buf, sizeof buf);

		if (n == 0)
			return -1;
		pg->version = prog_hash(pg->version, buf + 4, n - 4);
	}
	if (pg->version == 0)
		pg->version = 1;
	return 0;
}

/* The board's UTC offset in minutes at `wall`, for CLOCK. */
static int
prog_utc_offset(const struct sched *sc, double wall)
{
	int dst;

	return sched_tz(sc) ? tz_offset(sched_tz(sc), (int64_t)floor(wall), &dst) / 60 : 0;
}

/* "N images, B bytes (W1xH1 W2xH2 ...)" for the log. */
static void
prog_images(const struct programme *pg, char *buf, size_t len)
{
	size_t n = 0, bytes = 0, k = 0, off;
	char sizes[200] = "";

	for (size_t i = 0; i < pg->nitems; i++)
		if (pg->items[i].img) {
			n++;
			bytes += render_canvas_size(pg->items[i].img);
			if (k < sizeof sizes - 24) {
				off = (size_t)snprintf(sizes + k, sizeof sizes - k, "%s%dx%d", k ? " " : "",
				    pg->items[i].img->width, pg->items[i].img->height);
				k += off;
			}
		}
	snprintf(buf, len, "%zu image%s, %zu bytes of page memory%s%s%s", n, n == 1 ? "" : "s", bytes,
	    n ? " (" : "", sizes, n ? ")" : "");
}

/* Queue the next step of an upload; the ARQ sends it. */
static void
prog_upload(struct programme *pg, void *lsp, const struct proto_lsp_stats *st, const struct sched *sc, double wall,
    double mono)
{
	while (pg->next_slot < pg->nitems && !pg->items[pg->next_slot].img)
		pg->next_slot++;
	if (pg->next_slot < pg->nitems) {
		/* one image at a time, so a frame that must go (an alert) waits for one image at most */
		const struct prog_item *it = &pg->items[pg->next_slot++];
		const struct render_canvas *c = it->img;
		struct proto_image img = { c->width, c->height, c->format, c->stride, c->data };
		size_t n = render_canvas_size(c);
		uint8_t *work = malloc(proto_lsp_work_size(n));
		const uint8_t *coded;
		struct proto_lsp_coding how;
		unsigned allowed = (1u << FW_LSP_ENC_RAW) | (1u << FW_LSP_ENC_CTX);

		if (st->caps_used & FW_LSP_CAP_RLE)
			allowed |= 1u << FW_LSP_ENC_RLE;
		if (st->caps_used & FW_LSP_CAP_ROWXOR)
			allowed |= 1u << FW_LSP_ENC_ROWXOR;
		if (work == NULL || proto_lsp_compress(&img, NULL, allowed, work, &coded, &how) < 0 ||
		    proto_lsp_queue_slot(lsp, &img, &how, coded, it->slot) != 0) {
			log_msg(LOG_LV_WARN, "programme", pg->board->name, "cannot queue image %u (%dx%d): streaming instead",
			    it->slot, c->width, c->height);
			pg->st = PS_NONE;
		}
		free(work);
		return;
	}
	{
		uint8_t buf[FW_LSP_MAX_PAYLOAD];
		size_t n = proto_lsp_programme_encode(pg->version, PROG_HOLD_MS, pg->e, pg->ne, pg->g, pg->ng, buf, sizeof buf);

		proto_lsp_queue_clock(lsp, (int64_t)floor(wall), prog_utc_offset(sc, wall));
		pg->clock_sent = mono;
		if (n == 0 || proto_lsp_queue_msg(lsp, FW_LSP_PROGRAMME, buf, n) != 0) {
			pg->st = PS_NONE;
			return;
		}
		pg->st = PS_SENT;
		pg->hold = PROG_HOLD_MS;
	}
}

/* Set the board's hold: 0 while an alert shows (it stays up if we die; a
 * board must never drop an alert because the controller crashed), else
 * PROG_HOLD_MS (the board takes over from our other live frames). */
static void
prog_hold(struct programme *pg, void *lsp, int hold)
{
	uint8_t p[2] = { (uint8_t)hold, (uint8_t)(hold >> 8) };

	if (pg->hold != hold && proto_lsp_queue_msg(lsp, FW_LSP_HOLD, p, sizeof p) == 0)
		pg->hold = hold;
}

/* Is what the choice shows what the board's programme plays now? */
static int
prog_covers(const struct programme *pg, const struct player_choice *c, double wall)
{
	if (wall < pg->from || wall >= pg->until || strncmp(c->rule, "alert", 5) == 0)
		return 0;
	if (c->show == PLAYER_SHOW_POWER_OFF)
		return 0;              /* the player powers it off */
	if (c->show == PLAYER_SHOW_BLANK)
		return 1;              /* a dark segment */
	for (size_t i = 0; i < pg->nitems; i++)
		if (pg->items[i].content == c->content)
			return pg->items[i].img != NULL;
	return 0;
}

/* May this loop build now?  If not, when it may (build_due). */
static int
prog_budget(struct programme *pg)
{
	struct timespec t;
	double now;

	clock_gettime(CLOCK_MONOTONIC, &t);
	now = (double)t.tv_sec + (double)t.tv_nsec / 1e9;
	if (now >= prog_build_after)
		return 1;
	pg->build_due = prog_build_after;
	return 0;
}

enum programme_do
programme_frame(struct programme *pg, void *lsp, const struct player_choice *c, const struct sched *sc,
    struct render_ctx *rc, double wall, double mono)
{
	struct proto_lsp_stats st;
	int alert;

	if (!pg || !lsp || !sc || !rc)
		return PROGRAMME_STREAM;
	alert = strncmp(c->rule, "alert", 5) == 0;
	pg->build_due = INFINITY;
	proto_lsp_get_stats(lsp, &st);
	/* Before the board's INFO the first frame goes as ever (behind INFO_REQ):
	 * a board that turns out to hold our programme then gets RESUME. */
	if (!st.info_known) {
		pg->streamed = 1;
		return PROGRAMME_STREAM;
	}
	if (pg->st == PS_INFO) {
		if (!pg->known) {
			pg->board_version = st.board_prog_version;
			pg->board_live = st.board_mode != FW_LSP_MODE_PROGRAMME || pg->streamed;
			pg->known = 1;
		}
		if (!(st.caps_used & FW_LSP_CAP_PROGRAMME) || st.board_minor < 1) {
			pg->st = PS_NONE;      /* a version-1.0 board: everything is streamed */
			return PROGRAMME_STREAM;
		}
		pg->block = -1;
	}
	if (pg->st == PS_NONE && !(st.caps_used & FW_LSP_CAP_PROGRAMME))
		return PROGRAMME_STREAM;
	/* A new block, or first time: build; upload only what the board lacks.
	 * Not while an alert shows (its frames go first; the clear pokes us),
	 * nor before this loop's budget allows (build_due: the player wakes us
	 * then).  Meanwhile the board plays what it holds (below). */
	if (pg->block != floor(wall / PROG_BLOCK) * PROG_BLOCK && proto_lsp_idle(lsp) && !alert &&
	    prog_budget(pg)) {
		struct timespec t0, t1;
		int built;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		built = prog_build(pg, &st, sc, rc, wall);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		pg->build_ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
		prog_build_after = (double)t1.tv_sec + (double)t1.tv_nsec / 1e9 + PROG_BUDGET * pg->build_ms / 1e3;
		if (built < 0) {
			pg->st = PS_NONE;
		} else if (pg->version == pg->board_version) {
			pg->st = PS_READY;
			log_msg(LOG_LV_INFO, "programme", pg->board->name, "the board holds programme %08lx already "
			    "(%zu segments, %zu entries, until %.0f s from now)", (unsigned long)pg->version, pg->ng, pg->ne,
			    pg->until - wall);
		} else {
			pg->st = PS_UPLOAD;
			pg->next_slot = 0;
		}
	}
	if ((pg->st == PS_UPLOAD || pg->st == PS_SENT) && proto_lsp_failed(lsp)) {
		/* the board refused an image or the programme, or stopped answering:
		 * stream; a new session (a reconnect) tries again */
		log_msg(LOG_LV_WARN, "programme", pg->board->name, "the programme could not be stored (%s): streaming instead",
		    proto_lsp_ops.error(lsp) ? proto_lsp_ops.error(lsp) : "no reason given");
		pg->st = PS_NONE;
	}
	/* (not while an alert shows: its frames go first, the upload waits) */
	if (pg->st == PS_UPLOAD && proto_lsp_idle(lsp) && !alert)
		prog_upload(pg, lsp, &st, sc, wall, mono);
	else if (pg->st == PS_SENT && proto_lsp_idle(lsp)) {
		char im[300];

		pg->st = PS_READY;
		pg->board_version = pg->version;
		prog_images(pg, im, sizeof im);
		log_msg(LOG_LV_INFO, "programme", pg->board->name, "programme %08lx stored on the board (%zu segments, "
		    "%zu entries, %s; until %.0f s from now; built in %.1f ms)", (unsigned long)pg->version, pg->ng,
		    pg->ne, im, pg->until - wall, pg->build_ms);
	}
	if (pg->st == PS_INFO && !alert && c->show != PLAYER_SHOW_POWER_OFF && !pg->board_live &&
	    pg->board_version != 0) {
		/* Its build waits (the budget, the link), and the board plays the
		 * programme it holds: let it, until the new one is built (a
		 * power-off rule is the player's at once).  (A new
		 * block's build waits in PS_READY: the programme it replaces is
		 * still ours, and answers below as ever.) */
		pg->streaming = 0;
		return PROGRAMME_BOARD;
	}
	if (pg->st != PS_READY) {
		/* the board may still hold an older programme: an alert stays up all the same */
		if (st.caps_used & FW_LSP_CAP_PROGRAMME)
			prog_hold(pg, lsp, alert ? 0 : PROG_HOLD_MS);
		/* it shows our frames now, not its programme: RESUME when ours is ready */
		pg->board_live = 1;
		pg->streaming = 1;
		return PROGRAMME_STREAM;
	}
	if (mono - pg->clock_sent >= PROG_CLOCK_S && proto_lsp_idle(lsp)) {
		proto_lsp_queue_clock(lsp, (int64_t)floor(wall), prog_utc_offset(sc, wall));
		pg->clock_sent = mono;
	}
	/* A packet now and then: while we stream, it keeps the board from
	 * taking over (the hold); while it plays, its answer says it is there
	 * (the player's stall watch needs something to be answered). */
	if (st.packets != pg->last_packets) {
		pg->last_packets = st.packets;
		pg->last_activity = mono;
	} else if (mono - pg->last_activity >= (pg->streaming ? PROG_PING_S : PROG_PING_BOARD) && proto_lsp_idle(lsp)) {
		proto_lsp_queue_msg(lsp, FW_LSP_PING, NULL, 0);
		pg->last_activity = mono;
	}
	if (!prog_covers(pg, c, wall)) {
		pg->streaming = 1;
		pg->board_live = 1;
		prog_hold(pg, lsp, alert ? 0 : PROG_HOLD_MS);
		return PROGRAMME_STREAM;
	}
	prog_hold(pg, lsp, PROG_HOLD_MS);
	if (pg->board_live) {
		/* back to the programme at once: the board draws its picture itself */
		if (proto_lsp_queue_msg(lsp, FW_LSP_RESUME, NULL, 0) == 0)
			pg->board_live = 0;
	}
	pg->streaming = 0;
	return PROGRAMME_BOARD;
}
