/*
 * record.h — proof of play: what each board actually showed, kept in SQLite.
 *
 * The daemon hands the recorder its events (item_start, item_stop,
 * frame_ack, link, alert_*).  A play is one stretch of one item on one
 * board that the board acknowledged: it starts at the first acknowledged
 * frame of the item (an item the board never acknowledged is not a play),
 * and ends when the item stops or the board's link leaves `online`.  Long
 * plays are cut every RECORD_SPLIT_S so a running week is in the file as
 * it goes.  Each play row holds board, item, rule, start, end (Unix
 * seconds on the daemon's clock, shifted by `play --start-at`) and frames
 * (acknowledgements in it).  Alerts raised, cleared and expired go to a
 * timeline table.
 *
 * The event loop never waits on the disk: record_event only appends to a
 * bounded in-memory batch (RECORD_PENDING_MAX rows; beyond it rows are
 * counted in record_lost and dropped), and a writer thread inserts each
 * batch in one transaction every RECORD_COMMIT_MS, into a WAL database with
 * synchronous=NORMAL.  The file is STATE_DIR/proof.db (RECORD_FILE).
 * docs/record.md has the schema.
 */
#ifndef LEDSIGN_RECORD_H
#define LEDSIGN_RECORD_H

#include <stddef.h>
#include <stdint.h>

#define RECORD_FILE "proof.db"
#define RECORD_SCHEMA_VERSION 1
#define RECORD_COMMIT_MS 1000
#define RECORD_SPLIT_S 300.0
#define RECORD_PENDING_MAX 200000

struct ls_event;
struct record;

/* Open (creating) DIR/RECORD_FILE and start the writer thread.  Event
 * times are shifted by clock_offset seconds (the daemon's campaign clock).
 * NULL + err on failure. */
struct record *record_open(const char *dir, double clock_offset, char *err, size_t errlen);
/* Take one event (from the event loop; never blocks on the disk). */
void record_event(struct record *, const struct ls_event *);
/* Cut plays that have run RECORD_SPLIT_S (real Unix time now). */
void record_tick(struct record *, double now);
/* Rows dropped because the writer fell RECORD_PENDING_MAX behind, and the
 * last write error ("" when none). */
uint64_t record_lost(struct record *);
void record_last_error(struct record *, char *buf, size_t len);
/* Close every open play at `now` (real Unix time), write everything,
 * stop the writer and close the file.  Accepts NULL. */
void record_close(struct record *, double now);

/* ---- reading, for reports ---- */

/* One aggregated row: hours a board (or group) showed an item in the period. */
struct record_sum {
	const char *board, *item;     /* valid during the callback */
	double seconds;               /* clipped to the period */
	uint64_t frames;              /* acknowledged frames (pro rata for clipped plays) */
	uint64_t plays;
	double first, last;           /* the earliest start and latest end, clipped to the period */
};
struct record_alert {
	double time;
	const char *event;            /* raised, cleared, expired */
	const char *id, *level, *targets;
};
typedef int (*record_sum_fn)(void *arg, const struct record_sum *);
typedef int (*record_alert_fn)(void *arg, const struct record_alert *);

/* Read PATH (a proof.db) read-only: the sums per board and item for plays
 * overlapping [from, to), ordered by board then item, then the alert
 * timeline in [from, to).  A callback returning non-zero stops.  0, or -1
 * + err. */
int record_read(const char *path, double from, double to, record_sum_fn, record_alert_fn, void *arg,
    char *err, size_t errlen);

#endif
