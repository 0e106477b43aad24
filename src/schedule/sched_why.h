/*
 * sched_why.h — why a board shows what it shows at a moment: the rule that
 * won, and for every other rule what kept it out (the board, its dates,
 * weekdays, daily window, an empty playlist, a higher priority, an "off"
 * rule at equal priority).  Pure: no printing, no clock; the terminal
 * (`schedule --at --why`), the control verb `why` and the web console all
 * read the same answer.  Alerts are the caller's: they live in the daemon's
 * store, not in the schedule.
 */
#ifndef LEDSIGN_SCHED_WHY_H
#define LEDSIGN_SCHED_WHY_H

#include <stddef.h>
#include "config/model.h"
#include "schedule/schedule.h"

/* What became of one rule at the moment.  The order of the checks is the
 * order below: a rule for another board is "board" even on a wrong date. */
enum sched_why_reason {
	SCHED_WHY_WON,       /* it decides what the board does (plays, off, power-off) */
	SCHED_WHY_ROTATING,  /* equal priority with the winner: they take turns */
	SCHED_WHY_BOARD,     /* it does not select this board */
	SCHED_WHY_FROM,      /* before its first day (from) */
	SCHED_WHY_TO,        /* after its last day (to) */
	SCHED_WHY_DATES,     /* not one of its dates */
	SCHED_WHY_WEEKDAY,   /* not one of its weekdays */
	SCHED_WHY_WINDOW,    /* outside its daily window (hours) */
	SCHED_WHY_EMPTY,     /* applies, but no item of its playlist is inside its own hours now */
	SCHED_WHY_DIM_ONLY,  /* applies, has no playlist: it can only set brightness */
	SCHED_WHY_PRIORITY,  /* applies, a higher-priority rule (by) won */
	SCHED_WHY_KIND,      /* applies at the winner's priority; "off"/"power-off" (by) beats "play" */
};

struct sched_why_rule {
	const struct ls_rule *rule;
	enum sched_why_reason reason;
	const struct ls_rule *by;   /* the winner, for PRIORITY, KIND and ROTATING; else NULL */
	int brightness;             /* 1 when this rule sets the brightness now */
};

struct sched_why {
	struct sched_slot slot;     /* sched_slot_at's decision */
	ls_day day;                 /* the local date and minute asked about */
	int minute;
	size_t nrules;              /* = cfg->nrules, in config order */
	struct sched_why_rule *rules;
};

/* Explain (day, minute) for `board`.  0, or -1 when out of memory.  Release
 * with sched_why_clear. */
int sched_why_at(const struct ls_config *, const struct ls_board *, ls_day day, int minute,
    struct sched_why *out);
void sched_why_clear(struct sched_why *);

/* The reason as one word, for machines: "won", "rotating", "board", "from",
 * "to", "dates", "weekday", "window", "empty", "dims-only", "priority", "kind". */
const char *sched_why_reason_name(enum sched_why_reason);
/* The reason as an English phrase with the numbers that decided it, e.g.
 * "priority 0 is below \"campus-day\" (100)", "outside its hours 07:00-12:00",
 * "Tuesday is not one of its weekdays (mon, wed)".  Returns buf. */
const char *sched_why_explain(const struct sched_why *, const struct sched_why_rule *, char *buf,
    size_t len);

#endif
