/*
 * alert.h — emergency alerts: the model, the persisted store, expiry, and
 * the look of an alert on a board.
 *
 * An alert has an id, text, a level, targets (board names and/or group
 * names; none = every board), a start and an optional expiry.  The store
 * keeps the active alerts in memory and one file per alert in a state
 * directory; a change is on disk (temporary file, fsync, rename, fsync of
 * the directory) before alert_store_put/remove return, so whoever answers a
 * request after them can promise the alert survives a crash or power cut.
 *
 * Nothing here prints, logs or reads the clock: every function that cares
 * about time takes `now` (Unix seconds).  Errors are -1/NULL with a message
 * in the caller's buffer.  See docs/alerts.md for the on-disk format.
 */
#ifndef LEDSIGN_ALERT_H
#define LEDSIGN_ALERT_H

#include <stddef.h>
#include "config/model.h"

enum alert_level { ALERT_INFO, ALERT_WARNING, ALERT_EMERGENCY };

/* Ids: 1..ALERT_ID_MAX characters of [A-Za-z0-9._:@-], starting with a letter or digit. */
#define ALERT_ID_MAX 96
/* Text: at most this many bytes of UTF-8. */
#define ALERT_TEXT_MAX 4096
/* At most this many board or group names per alert, each at most ALERT_NAME_MAX bytes. */
#define ALERT_TARGETS_MAX 256
#define ALERT_NAME_MAX 64
/* At most this many alerts are active at once, and room is kept for the
 * higher levels: at most ALERT_CAP_INFO info alerts, at most
 * ALERT_CAP_WARNING info and warning alerts together.  Whatever fills the
 * lower levels, 256 places stay free for warnings and emergencies and 256
 * for emergencies alone.  Beyond a cap the store answers ALERT_STORE_FULL. */
#define ALERT_STORE_MAX 1024
#define ALERT_CAP_INFO 512
#define ALERT_CAP_WARNING 768
/* What alert_store_put/_replace return when a level has no room left. */
#define ALERT_STORE_FULL (-2)

struct alert {
	char   id[ALERT_ID_MAX + 1];
	char  *text;               /* owned, UTF-8, no NUL inside */
	enum alert_level level;
	struct ls_strlist boards;  /* owned; board names */
	struct ls_strlist groups;  /* owned; group names ("all" allowed) */
	long long start;           /* Unix seconds; not shown before this */
	long long expires;         /* Unix seconds; 0 = until cleared */
	long long created;         /* Unix seconds, when it was stored */
	char  *source;             /* owned, may be NULL: "cli", "cap:FILE", ... */
};

/* Level names as written on the command line and in files. */
const char *alert_level_name(enum alert_level);
int alert_level_parse(const char *name, enum alert_level *out);   /* 0 or -1 */

/* 1 when `id` is a well-formed alert id. */
int alert_id_valid(const char *id);
/* Make a fresh id "a-YYYYMMDD-HHMMSS-XXXXXX" (UTC) into buf (>= ALERT_ID_MAX+1). */
void alert_id_make(char *buf, size_t len, long long now);

/* Release what an alert owns (not the struct); accepts NULL. Leaves it zeroed. */
void alert_clear(struct alert *);
/* Deep copy; 0 or -1 (out of memory). */
int alert_copy(struct alert *dst, const struct alert *src);
/* Check an alert is storable: id, text, names, times.  0 or -1 + err. */
int alert_validate(const struct alert *, char *err, size_t errlen);

/* 1 when the alert is in force at `now` (started, not expired). */
int alert_live(const struct alert *, long long now);
/* 1 when the alert is meant for `board` (no targets = every board; a board
 * name; one of its groups; or the group "all"). */
int alert_targets(const struct alert *, const struct ls_board *);

/* ---- text form: a util/kv.h record per alert ---- */

/* Split a comma-separated list of board or group names ("what" names it in
 * errors) into *out, checked as alert_validate checks them (at most
 * ALERT_TARGETS_MAX names of 1..ALERT_NAME_MAX bytes, no spaces or commas).
 * 0, or -1 with err set and *out untouched. */
int alert_names_parse(const char *s, struct ls_strlist *out, const char *what, char *err, size_t errlen);

/* Write the alert's fields as a record (no newline).  Bytes written, or -1. */
int alert_format(const struct alert *, char *buf, size_t cap);
/* Parse one record into a (zeroed) alert; unknown keys are an error.
 * 0, or -1 + err (the alert is left cleared). */
int alert_parse(const char *line, struct alert *out, char *err, size_t errlen);

/* ---- the store ---- */
struct alert_store;

/* Open (creating with mode 0700 if absent) the state directory `dir`, load
 * every alert file in it, and delete those that expired by `now`.  The
 * directory must be owned by this user (or root) and writable by nobody
 * else (safedir.h), or it is refused.  A file that is not a regular file,
 * is not owned by this user (or root), is writable by others, or cannot be
 * read or parsed is renamed to NAME.bad (quarantined, never opened when it
 * is not a regular file) and reported in alert_store_problem(); that is not
 * fatal.  Removals that a crash interrupted (.ID.gone) are rolled back.
 * NULL + err when the directory cannot be made, is unsafe, or cannot be read. */
struct alert_store *alert_store_open(const char *dir, long long now, char *err, size_t errlen);
void alert_store_free(struct alert_store *);

/* Messages about files skipped while opening, each "PATH: reason". */
size_t alert_store_nproblems(const struct alert_store *);
const char *alert_store_problem(const struct alert_store *, size_t i);

/* Store (or replace, same id) a copy of `a`, on disk first.  An empty id is
 * filled in with alert_id_make; the id used is copied to id_out when it is
 * not NULL (ALERT_ID_MAX+1 bytes).  `now` fills `created`.  0, -1 + err
 * (I/O, memory, invalid), or ALERT_STORE_FULL + err (no room at a's level);
 * on failure neither the disk nor memory changed. */
int alert_store_put(struct alert_store *, const struct alert *a, long long now,
    char *id_out, char *err, size_t errlen);
/* One atomic change: store `a` (NULL: nothing to store) and remove the
 * alerts whose ids are in rm[0..nrm) (ids not in the store are skipped; an
 * id equal to a's is replaced, not removed).  The old files are first
 * renamed aside (.ID.gone, which needs no space), then `a` is written; only
 * when both worked are the old ones deleted, so on failure (-1, or
 * ALERT_STORE_FULL, + err) the disk and memory are as before.  How many
 * were removed goes to *removed, the id stored to id_out (both may be
 * NULL).  A crash part-way leaves the old alerts (and maybe the new one),
 * never neither: alert_store_open restores .ID.gone files. */
int alert_store_replace(struct alert_store *, const struct alert *a, const char *const *rm, size_t nrm,
    long long now, char *id_out, int *removed, char *err, size_t errlen);
/* Remove one alert: 0, 1 when there is no such id, -1 + err on I/O failure
 * (nothing changed). */
int alert_store_remove(struct alert_store *, const char *id, char *err, size_t errlen);
/* Take one alert (id) or every alert (id NULL) out of force at once, even
 * when its file cannot be removed (a read-only or failing state_dir): it
 * leaves memory either way.  Returns how many were taken out (0: no such
 * id).  *unrecorded (may be NULL) gets how many files could not be
 * deleted, with the first reason in err; the store retries those in
 * alert_store_expire, but until then a restart would bring them back. */
int alert_store_withdraw(struct alert_store *, const char *id, int *unrecorded, char *err, size_t errlen);
/* How many withdrawn alerts still have a file on disk (see above). */
size_t alert_store_unrecorded(const struct alert_store *);

/* Called with an alert the store has validated and has room for (id and
 * created set), just before it writes and fsyncs it, and again with NULL
 * when that is over, written or not (then the store holds it, or does not).
 * The daemon shows the alert on the boards in between, so they do not wait
 * for the disk; whoever asked is still answered only after the fsync.  The
 * alert is valid only during the first call. */
typedef void (*alert_store_stage_fn)(void *arg, const struct alert *a);
void alert_store_on_stage(struct alert_store *, alert_store_stage_fn, void *arg);
/* Remove every alert; returns how many were removed, -1 + err on I/O failure. */
int alert_store_remove_all(struct alert_store *, char *err, size_t errlen);
/* Remove alerts expired at `now` (from memory and disk), and retry deleting
 * the files of withdrawn alerts.  Returns how many expired. */
int alert_store_expire(struct alert_store *, long long now);
/* The earliest future event (an expiry or a start) after `now`, or 0 when none:
 * when the daemon should next call alert_store_expire and re-evaluate boards. */
long long alert_store_next_change(const struct alert_store *, long long now);

/* The alerts, sorted by creation (oldest first).  Pointers are valid until
 * the next change to the store. */
size_t alert_store_count(const struct alert_store *);
const struct alert *alert_store_at(const struct alert_store *, size_t i);
const struct alert *alert_store_find(const struct alert_store *, const char *id);
/* What `board` should show at `now`: the live targeted alert of highest
 * level, the newest among equals; NULL when none. */
const struct alert *alert_store_for_board(const struct alert_store *, const struct ls_board *,
    long long now);

/* The same choice over an array of alerts sorted oldest first (as the
 * status verb lists them): what a client that holds copies of the store,
 * such as `schedule --why`, says covers `board` at `now`.  NULL when none. */
const struct alert *alert_pick_for_board(const struct alert *v, size_t n, const struct ls_board *,
    long long now);

/* ---- how an alert looks on a board ----
 * Per-level style (docs/alerts.md): emergency fills the whole board in high
 * contrast, flashes, and asks for maximum brightness; long text scrolls. */
struct alert_look {
	struct ls_content content;  /* what render_item draws; strings owned by the look */
	int brightness;             /* 0..100 to send to the board while the alert shows */
	enum alert_level level;     /* of the alert it was built for */
};

/* 1 when `look` was built from an alert with a's id, level and text (a
 * replaced alert keeps its id but may change the rest). */
int alert_look_matches(const struct alert_look *look, const struct alert *a);

/* Build the content for `a` on `board`.  0 or -1 (out of memory).  Release
 * with alert_look_clear. */
int alert_look_build(const struct alert *, const struct ls_board *, struct alert_look *out);
void alert_look_clear(struct alert_look *);

#endif
