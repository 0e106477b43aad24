/*
 * daemon/programme.h — the day's programme stored on an LSP 1.1 board, so
 * that it plays on by itself when the controller stops, the link drops, or
 * by design on a slow line (docs/daemon.md, "Stored programmes").
 *
 * One per LSP board, owned by its player.  The player asks, whenever a
 * frame is due and its link is idle, whether to stream that frame or to let
 * the board play: programme_frame builds the programme from the schedule
 * (the coming hours: segments, entries, images), uploads it one image at a
 * time through the board's protocol state, sets the board's clock, and
 * answers PROGRAMME_BOARD while the board's own playback shows what the
 * schedule wants.  Alerts, live fields and what the board cannot play are
 * streamed (PROGRAMME_STREAM); coming back from them it sends RESUME, and
 * the board shows its programme's picture at once.
 */
#ifndef LEDSIGN_PROGRAMME_H
#define LEDSIGN_PROGRAMME_H

#include <stddef.h>
#include <stdint.h>

#include "config/model.h"

struct programme;
struct player_choice;
struct render_ctx;
struct sched;

enum programme_do {
	PROGRAMME_STREAM,     /* the player renders and sends this frame */
	PROGRAMME_BOARD,      /* the board plays it from its programme: send nothing */
};

/* A programme for an LSP board (which must outlive it until programme_set_board). */
struct programme *programme_new(const struct ls_board *);
void programme_free(struct programme *);     /* accepts NULL */
/* The programme is built again (a new config: `b` is its board); with
 * `session` (a new protocol session, a reconnect) what the board holds is
 * taken from its INFO again. */
void programme_reset(struct programme *, const struct ls_board *b, int session);

/* A frame is due and nothing waits on the link (see player.c): stream it,
 * or leave it to the board.  `lsp` is the board's proto/lsp.c state; what
 * this queues there (images, CLOCK, PROGRAMME, RESUME, PING) the player's
 * ARQ sends.  `wall` is the campaign clock, `mono` the monotonic one. */
enum programme_do programme_frame(struct programme *, void *lsp, const struct player_choice *,
    const struct sched *, struct render_ctx *, double wall, double mono);

/* An upload is under way: give programme_frame a turn as soon as the link
 * has delivered what it had (not at the next frame of a static item). */
int programme_wants_turn(const struct programme *);

/* A build waits for the event loop's build budget (docs/daemon.md, "Build
 * budget"): the monotonic time to give programme_frame a turn for it, or
 * INFINITY when none waits. */
double programme_due(const struct programme *);

/* For status: "streaming", "stored", "uploading", "building", or "-" (the
 * board has no programme support); and the programme version the board
 * holds (0 = none). */
const char *programme_mode(const struct programme *);
uint32_t programme_version(const struct programme *);

#endif
