/*
 * sched_plan.h — the week plan: what each board shows, minute by minute,
 * for seven days, as a grid that the `schedule --week` report prints as text
 * and draws for printing (a PDF, or a PNG per board).
 *
 * The grid is built from sched_slot_at on local civil minutes, so it shows
 * the plan as written (on a DST night the skipped hour still appears).
 */
#ifndef LEDSIGN_SCHED_PLAN_H
#define LEDSIGN_SCHED_PLAN_H

#include <stddef.h>
#include <stdint.h>
#include "config/model.h"
#include "schedule/schedule.h"

#define SCHED_PLAN_DAYS 7
#define SCHED_PLAN_MIN  1440

/* What a cell is: a rule (its index in cfg->rules) or one of these. */
#define SCHED_PLAN_FALLBACK (-1)
#define SCHED_PLAN_BLANK    (-2)

struct sched_plan_cell {
	int16_t who;        /* rule index, SCHED_PLAN_FALLBACK or SCHED_PLAN_BLANK */
	uint8_t state;      /* enum sched_state */
	uint8_t brightness; /* 0..100 */
	uint8_t rotating;   /* equal-priority rules take turns here */
	int16_t bright_who; /* rule index that set the brightness, or -1 */
};

/* One board's week: cells[day][minute]. */
struct sched_plan {
	const struct ls_config *cfg;
	const struct ls_board *board;
	ls_day first;       /* the first day */
	struct sched_plan_cell cells[SCHED_PLAN_DAYS][SCHED_PLAN_MIN];
};

/* Fill `plan` (caller's memory, about 80 kB) for `board` from day `first`. */
void sched_plan_fill(struct sched_plan *, const struct ls_config *, const struct ls_board *,
    ls_day first);

/* A label for a cell owner: the rule's name, "fallback: NAME" or "nothing". */
const char *sched_plan_who_name(const struct sched_plan *, int who, char *buf, size_t len);

/* One block of a day: consecutive minutes with the same owner and state
 * (the rule's true window, even where brightness changes inside it), as
 * the printed plan labels it. */
struct sched_plan_block {
	int from, to;                /* minutes of the day, [from, to) */
	struct sched_plan_cell cell; /* the first minute's */
	char name[112];              /* the rule's name, "fallback", "off", "power off", "(nothing)" */
	char window[16];             /* "17:00–18:50" */
	char bright[32];             /* "40%" when not the board's own, "40% from 18:30" when it
	                                changes inside the block, else "" */
};
/* The blocks of day d (0..6), at most cap; returns how many. */
size_t sched_plan_blocks(const struct sched_plan *, int d, struct sched_plan_block *out, size_t cap);

/* Draw the plans of `n` boards, one A4-landscape page each, with cairo:
 * `path` ending in .pdf gets one PDF, a page per board; anything else gets
 * one PNG per board at 150 dpi (1754x1240), named by sched_plan_page_path.
 * Text uses a CJK-capable family found through fontconfig.  0, or -1 with
 * a message naming the file in err (a PDF left half written is removed). */
int sched_plan_draw(const struct sched_plan *plans, size_t n, const char *zone, const char *path,
    char *err, size_t errlen);
/* The PNG file of `board`'s page for -o `path`: plan.png -> plan-BOARD.png. */
void sched_plan_page_path(const char *path, const char *board, char *buf, size_t len);

#endif
