/*
 * player.h — one board's player: what to show, when the next frame is due,
 * and getting it onto the board through a protocol and a transport.
 *
 * A player is event-loop agnostic, like the transports under it: the owner
 * (daemon.c) watches player_fd for player_events, calls player_io when it is
 * ready and player_tick when the deadline player_tick last returned has come.
 * Times: `mono` is seconds on the monotonic clock (pacing, timeouts), `wall`
 * is Unix time as the campaign sees it (schedule, live fields, effects).
 *
 * Pacing: animated items (scrolls, flashing) get a frame every 1/fps seconds
 * on a grid anchored on the monotonic clock; a frame that cannot be taken
 * on time is skipped, not queued, so a late frame never pushes the next one
 * back.  Static items are re-rendered once a second (live fields such as
 * {time}) and sent when they change, and again every keepalive period (the
 * board's `keepalive`, else its protocol's: 1 s for DDP, E1.31 and Art-Net,
 * whose receivers give a source up after 2.5 s; else env.refresh).  While
 * the link still holds an earlier frame the player skips frames instead of
 * queueing them: a slow board gets the newest picture when it is ready.
 *
 * What to show comes from a chooser callback (the schedule and any alert),
 * so a player can be tested without a schedule.
 */
#ifndef LEDSIGN_PLAYER_H
#define LEDSIGN_PLAYER_H

#include <stddef.h>
#include <stdint.h>
#include "config/model.h"
#include "transport/xport.h"

struct render_ctx;
struct render_canvas;
struct event_bus;
struct sched;

enum player_show {
	PLAYER_SHOW_ITEM,     /* content */
	PLAYER_SHOW_BLANK,    /* nothing scheduled, or an "off" rule */
	PLAYER_SHOW_POWER_OFF,/* LEDs off: POWER 0 where the board has it, else black */
};

/* One area of a layout: its item and when that started. */
struct player_area {
	const struct ls_content *content;   /* NULL: the area is dark */
	double item_start;
};

/* What the chooser decided for one board at one moment. */
struct player_choice {
	enum player_show show;
	const struct ls_content *content;   /* for PLAYER_SHOW_ITEM; owned by the chooser */
	double item_start;                  /* Unix time the item started showing (effects count from it) */
	/* PLAYER_SHOW_ITEM may instead be a layout (content NULL): each area's
	 * item, composed into one frame (render_compose); owned by the chooser */
	const struct ls_layout *layout;
	size_t nareas;
	struct player_area areas[LS_LAYOUT_MAX_AREAS];
	int    brightness;                  /* 0..100 */
	char   rule[128];                   /* what decided it, for status: "rule@31", "fallback", "alert a-..." */
	char   item[64];                    /* item name for status and logs */
};

typedef void (*player_choose_fn)(void *ctx, const struct ls_board *, double wall,
    struct player_choice *out);
struct player_env {
	struct render_ctx *render;          /* for the current config */
	const struct sched *sched;          /* the schedule boards with a stored programme
	                                     * (daemon/programme.h) are given; may be NULL */
	player_choose_fn choose;
	void  *ctx;                         /* passed to choose */
	struct event_bus *events;           /* where item start/stop, link state and frame
	                                     * acknowledgements go (event.h); may be NULL */
	double fps;                         /* frames per second for animated items; default 30 */
	double refresh;                     /* resend an unchanged static frame after this, for
	                                     * protocols with no keepalive of their own; default 5 s */
	double ack_timeout;                 /* stalled when frames go unacknowledged this long; default 3 s */
	double ack_reconnect;               /* ... and the link is closed and reopened (with back-off)
	                                     * after this long; default twice ack_timeout */
	double phase;                       /* 0..1: where in each frame period this board's frames fall */
	struct xport_opts xopts;            /* transport defaults (serial settings come from the board) */
};

/* Board states as the daemon reports them. */
enum player_state {
	PLAYER_CONNECTING = XPORT_CONNECTING,
	PLAYER_ONLINE = XPORT_ONLINE,
	PLAYER_STALLED = XPORT_STALLED,
	PLAYER_OFFLINE = XPORT_OFFLINE,
};

struct player_status {
	const char *board;
	enum player_state state;
	char   reason[256];
	char   item[64], rule[128];
	char   address[300];
	uint64_t frames_sent, frames_skipped, frames_late, acks, nacks, errors, garbage;
	double last_ack;                    /* wall time of the last acknowledgement; 0 = never */
	/* the frame the board last acknowledged (protocols without
	 * acknowledgements: the last sent, shown_acked 0); NULL = none yet.
	 * Valid until the player runs again. */
	const struct render_canvas *shown;
	uint64_t shown_frame;               /* the acknowledgement (or frame) count it came with */
	double shown_at;                    /* wall time it was acknowledged (or sent) */
	int    shown_acked;
	int    brightness;
	struct xport_stats link;
	char   programme[16];               /* "stored", "streaming", "uploading", "-" (programme.h) */
	uint32_t programme_version;         /* the programme the board holds; 0 = none */
};

struct player;

/* A player for `board` (which, like env->render, must outlive it until
 * player_set_config).  Opens the link (non-blocking).  NULL + err for an
 * unknown protocol, a bad address or bad options. */
struct player *player_new(const struct ls_board *, const struct player_env *, double mono,
    char *err, size_t errlen);
void player_free(struct player *);     /* accepts NULL */

/* After a reload: point a running player at the new config's board and
 * renderer.  Returns 1 when the link and protocol state were kept (same
 * address, protocol, size and format: no reconnect, no blank frame), 0 when
 * the player had to start over (it reopened its link), -1 + err on failure
 * (the player is unchanged). */
int player_set_config(struct player *, const struct ls_board *, const struct player_env *,
    double mono, char *err, size_t errlen);

/* Something that decides what shows changed (an alert): choose again at the next tick. */
void   player_poke(struct player *);
int    player_fd(const struct player *);
int    player_events(const struct player *);      /* XPORT_EV_* */
void   player_io(struct player *, int ready, double mono, double wall);
/* Do what is due; returns the next monotonic deadline. */
double player_tick(struct player *, double mono, double wall);
void   player_status(const struct player *, struct player_status *);
const char *player_state_name(enum player_state);
const struct ls_board *player_board(const struct player *);
const struct xport_stats *player_link_stats(const struct player *);
/* Per-frame pacing error (seconds from deadline to the frame leaving) of the
 * last frames, oldest first; returns how many were copied. */
size_t player_jitter(const struct player *, double *out, size_t cap);

#endif
