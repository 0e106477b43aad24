/*
 * sched_plan.c — the week plan grid: what plays on a board, minute by
 * minute, for a week.  Its printable pages are drawn in sched_plan_draw.c,
 * apart, so that the controller (control_sched.c answers the console's
 * plan from this grid) never links cairo (docs/daemon.md, "Memory").
 */
#include "schedule/sched_plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
sched_plan_fill(struct sched_plan *p, const struct ls_config *cfg, const struct ls_board *board,
    ls_day first)
{
	p->cfg = cfg;
	p->board = board;
	p->first = first;
	for (int d = 0; d < SCHED_PLAN_DAYS; d++)
		for (int m = 0; m < SCHED_PLAN_MIN; m++) {
			struct sched_slot sl;
			struct sched_plan_cell *c = &p->cells[d][m];
			sched_slot_at(cfg, board, first + d, m, &sl);
			c->state = (uint8_t)sl.state;
			/* Brightness only matters while something plays; keeping it
			 * out of dark cells keeps runs of "off" whole. */
			c->brightness = sl.state != SCHED_PLAY ? 0
			    : (uint8_t)(sl.brightness < 0 ? 0 : sl.brightness > 100 ? 100 : sl.brightness);
			c->rotating = sl.state == SCHED_PLAY && sl.ntied > 1;
			c->bright_who = (int16_t)(sl.state == SCHED_PLAY && sl.bright_rule
			    ? sl.bright_rule - cfg->rules : -1);
			if (sl.rule)
				c->who = (int16_t)(sl.rule - cfg->rules);
			else
				c->who = sl.fallback ? SCHED_PLAN_FALLBACK : SCHED_PLAN_BLANK;
		}
}

const char *
sched_plan_who_name(const struct sched_plan *p, int who, char *buf, size_t len)
{
	if (who >= 0)
		snprintf(buf, len, "%s", p->cfg->rules[who].name ? p->cfg->rules[who].name : "?");
	else if (who == SCHED_PLAN_FALLBACK)
		snprintf(buf, len, "fallback");
	else
		snprintf(buf, len, "nothing");
	return buf;
}

/* ---- blocks and labels ---- */

static int
same_owner(const struct sched_plan_cell *a, const struct sched_plan_cell *b)
{
	return a->who == b->who && a->state == b->state && a->rotating == b->rotating;
}

size_t
sched_plan_blocks(const struct sched_plan *p, int d, struct sched_plan_block *out, size_t cap)
{
	size_t n = 0;
	int m = 0;

	while (m < SCHED_PLAN_MIN && n < cap) {
		const struct sched_plan_cell *c = &p->cells[d][m];
		struct sched_plan_block *b = &out[n++];
		int e = m + 1, bri_from = -1, nbri = 0, last_b = -1;
		char name[96], a[6], z[6];

		while (e < SCHED_PLAN_MIN && same_owner(c, &p->cells[d][e]))
			e++;
		memset(b, 0, sizeof *b);
		b->from = m;
		b->to = e;
		b->cell = *c;
		/* brightness inside the block: one value for all of it, or where it changes */
		for (int k = m; k < e; k++)
			if (p->cells[d][k].brightness != last_b) {
				last_b = p->cells[d][k].brightness;
				nbri++;
				if (nbri == 2)
					bri_from = k;
			}
		if (c->state == SCHED_BLANK)
			snprintf(name, sizeof name, "(nothing)");
		else if (c->state == SCHED_OFF)
			snprintf(name, sizeof name, "off");
		else if (c->state == SCHED_POWER_OFF)
			snprintf(name, sizeof name, "power off");
		else
			sched_plan_who_name(p, c->who, name, sizeof name);
		snprintf(b->name, sizeof b->name, "%s%s", name, c->rotating ? " (takes turns)" : "");
		if (c->state == SCHED_PLAY && nbri == 1 && c->brightness != p->board->brightness)
			snprintf(b->bright, sizeof b->bright, "%d%%", c->brightness);
		else if (c->state == SCHED_PLAY && nbri > 1) {
			/* the first change is named; more are in the strip */
			char t[6];
			sched_fmt_minute(bri_from, t);
			snprintf(b->bright, sizeof b->bright, "%d%% from %s", p->cells[d][bri_from].brightness, t);
		}
		sched_fmt_minute(m, a);
		sched_fmt_minute(e, z);
		snprintf(b->window, sizeof b->window, "%s–%s", a, z);
		m = e;
	}
	return n;
}
