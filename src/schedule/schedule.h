/*
 * schedule.h — what each board shows at a given moment: a pure function of
 * (config, time).  No I/O after sched_new (which reads the zone file once),
 * no clocks, no globals; results are deterministic, so the daemon, the
 * `schedule` report, previews and tests all agree.
 *
 * Semantics (docs/config.md has the user's version):
 *  - A rule applies on local date D when D is within from..to (inclusive),
 *    is one of `dates` (if any are given) and its weekday is in `weekdays`.
 *    Its daily window [start, end) is local wall-clock minutes; a window that
 *    crosses midnight ("22:00-06:00") belongs to the date it starts on, so
 *    the part after midnight needs the previous date to apply.
 *  - Among rules that apply to a board at minute m, the highest priority
 *    wins.  A "play" rule whose playlist has nothing to show at m (every item
 *    outside its own window) yields to the next rule.  At equal priority
 *    "power-off" beats "off" beats "play"; several equal "play" rules are
 *    rotated: each shows one full pass of its playlist in config order, the
 *    rotation anchored at the latest start among them.  `check` warns.
 *  - No rule: the fallback playlist, else the board is blank.
 *  - Brightness: the highest-priority applicable rule that sets one (a
 *    "play" rule may set brightness without a playlist: a dimming rule that
 *    never changes what plays); else the board's own.
 *  - Cycle position: a playlist's cycle is anchored at the start of the
 *    winning rule's window on that day (local midnight for all-day rules and
 *    the fallback).  Item i lasts duration*repeat; items outside their own
 *    window at the moment are left out of the cycle.
 *  - Layouts: a rule may show a layout instead of a playlist.  Each area's
 *    playlist is positioned as above, from the same anchor, on its own
 *    cycle; in a rotation a layout's turn lasts its longest area cycle.  A
 *    layout has something to show when any of its areas has.
 */
#ifndef LEDSIGN_SCHEDULE_H
#define LEDSIGN_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>
#include "util/diag.h"
#include "config/model.h"
#include "util/tz.h"

/* Seconds an item shows per turn when neither playlist nor content says. */
#define SCHED_DEFAULT_DURATION 10.0

enum sched_state {
	SCHED_PLAY,       /* a playlist item is showing */
	SCHED_BLANK,      /* nothing to show: no rule, no fallback (board on, dark) */
	SCHED_OFF,        /* an "off" rule: board blank */
	SCHED_POWER_OFF,  /* a "power-off" rule: board powered down */
};

/* The decision for one board at one local civil minute (no time zone needed). */
struct sched_slot {
	enum sched_state state;
	const struct ls_rule *rule;         /* winner; NULL for fallback or nothing */
	int  fallback;                      /* 1 when the fallback playlist plays */
	const struct ls_playlist *playlist; /* NULL unless SCHED_PLAY (and NULL for a layout) */
	const struct ls_layout *layout;     /* the winning rule's layout, or NULL */
	int  ntied;                         /* rules rotating (1 = no rotation) */
	const struct ls_rule *tied[8];      /* the first of them, config order */
	int  brightness;                    /* 0..100 */
	const struct ls_rule *bright_rule;  /* rule that set it; NULL = the board's own */
	const struct ls_rule *bright_tie;   /* another rule at that priority asking for a
	                                       different brightness (bright_rule, first in
	                                       the file, wins; check warns); else NULL */
};

/* One area of a layout at an instant: its playlist's item, like the
 * whole-board fields of sched_result below. */
struct sched_area {
	const struct ls_area *area;
	const struct ls_playlist *playlist;
	int    entry;                       /* index into playlist->entries; -1 = nothing (dark) */
	const struct ls_content *content;   /* NULL unless entry >= 0 */
	int    turn;
	double item_start, item_end;        /* Unix time */
	double cycle_pos, cycle_len;
};

/* The full answer at an instant. */
struct sched_result {
	struct sched_slot slot;
	const struct ls_playlist *playlist; /* the playlist playing now (a rotation picks one) */
	const struct ls_rule *rule;         /* the rule whose playlist plays now */
	int    entry;                       /* index into playlist->entries; -1 = none */
	const struct ls_content *content;   /* NULL unless entry >= 0 */
	int    turn;                        /* 0-based repeat turn of the entry */
	double item_start, item_end;        /* this turn of the item, Unix time */
	double cycle_pos, cycle_len;        /* seconds into this playlist's cycle */
	double anchor;                      /* Unix time the cycle counts from */
	double next_change;                 /* re-evaluate no later than this */
	struct tz_civil local;              /* the instant in the config's zone */
	/* A layout plays (then playlist, content are NULL and entry is -1):
	 * each area's item; next_change is the earliest item_end among them. */
	const struct ls_layout *layout;
	size_t nareas;
	struct sched_area areas[LS_LAYOUT_MAX_AREAS];
};

struct sched;

/* A scheduler for `cfg` (which must outlive it): loads the configured zone.
 * NULL with a message in err when the zone cannot be loaded. */
struct sched *sched_new(const struct ls_config *cfg, char *err, size_t errlen);
void sched_free(struct sched *);
const struct tz *sched_tz(const struct sched *);
const struct ls_config *sched_config(const struct sched *);

/* What `board` shows at Unix time `t`.  Always fills `out`; returns 0. */
int sched_at(const struct sched *, const struct ls_board *, double t, struct sched_result *out);

/* What `layout` shows at Unix time t when it started at `anchor` (as a rule
 * whose window opened then would; NAN: at local midnight of t's day, as an
 * all-day rule): fills out->layout and out->areas, and out->next_change
 * with the earliest item change.  Returns 0. */
int sched_layout_at(const struct sched *, const struct ls_layout *, double anchor, double t,
    struct sched_result *out);

/* The decision at local date `day`, minute `minute` (0..1439), ignoring positions. */
void sched_slot_at(const struct ls_config *, const struct ls_board *, ls_day day, int minute,
    struct sched_slot *out);

/* Is the item at `e` inside its own window (hours, weekdays, dates) at
 * local date `day`, minute m? */
int sched_entry_active(const struct ls_playlist_entry *e, ls_day day, int minute);
/* Seconds one pass of entry e takes (duration * repeat). */
double sched_entry_length(const struct ls_config *, const struct ls_playlist_entry *e);
/* Does rule r apply to (date, minute) as far as dates, weekdays and window go? */
int sched_rule_active(const struct ls_rule *r, ls_day day, int minute);

/* Hook for `ledsign check`: warnings (with the rule's line) about rules that
 * can never apply or are always overridden, equal-priority overlaps, and
 * boards with nothing to show while on.  Returns the number of warnings. */
int sched_check(const struct ls_config *, struct ls_diag *);

/* "HH:MM" of a minute of the day into buf (6 bytes). */
void sched_fmt_minute(int minute, char buf[6]);
/* "YYYY-MM-DD" of a day into buf (11 bytes). */
void sched_fmt_day(ls_day day, char buf[11]);

#endif
