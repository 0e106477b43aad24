/*
 * sched_why.c — the reasons behind sched_slot_at's decision (sched_why.h).
 *
 * The winner comes from sched_slot_at itself, so the explanation cannot
 * disagree with what plays; this file only says, rule by rule, which of the
 * tests in schedule.h's semantics each loser failed first.
 */
#include "schedule/sched_why.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/tz.h"

static const char *const wday_en[] = { "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday",
	"Friday", "Saturday" };
static const char *const wday_short[] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat" };

/* Which date test fails on local date d; WON when none does. */
static enum sched_why_reason
day_reason(const struct ls_rule *r, ls_day d)
{
	if (r->from != LS_DAY_NONE && d < r->from)
		return SCHED_WHY_FROM;
	if (r->to != LS_DAY_NONE && d > r->to)
		return SCHED_WHY_TO;
	if (r->dates.n) {
		size_t i;
		for (i = 0; i < r->dates.n && r->dates.v[i] != d; i++)
			;
		if (i == r->dates.n)
			return SCHED_WHY_DATES;
	}
	if (!((r->weekdays >> tz_weekday(d)) & 1))
		return SCHED_WHY_WEEKDAY;
	return SCHED_WHY_WON;
}

/* The date whose window holds minute m (a window across midnight belongs to
 * the day it started on), and whether m is inside a window at all. */
static ls_day
window_day(const struct ls_rule *r, ls_day day, int m, int *inside)
{
	int s = r->start_min, e = r->end_min < 0 ? 1440 : r->end_min;

	*inside = 1;
	if (s < 0)
		return day;
	if (s < e) {
		*inside = m >= s && m < e;
		return day;
	}
	if (m >= s)
		return day;
	if (m < e)
		return day - 1;
	*inside = 0;
	return day;
}

static int
playlist_has_item(const struct ls_config *cfg, const struct ls_playlist *pl, ls_day day, int m)
{
	for (size_t i = 0; pl != NULL && i < pl->nentries; i++)
		if (sched_entry_active(&pl->entries[i], day, m) && ls_config_content(cfg, pl->entries[i].item) != NULL)
			return 1;
	return 0;
}

/* As schedule.c decides it: a rule's playlist, or any area of its layout,
 * has something inside its own hours and days now. */
static int
rule_has_item(const struct ls_config *cfg, const struct ls_rule *r, ls_day day, int m)
{
	if (r->layout != NULL) {
		const struct ls_layout *lo = ls_config_layout(cfg, r->layout);
		for (size_t i = 0; lo != NULL && i < lo->nareas; i++)
			if (playlist_has_item(cfg, ls_config_playlist(cfg, lo->areas[i].playlist), day, m))
				return 1;
		return 0;
	}
	return playlist_has_item(cfg, ls_config_playlist(cfg, r->playlist), day, m);
}

int
sched_why_at(const struct ls_config *cfg, const struct ls_board *board, ls_day day, int minute,
    struct sched_why *out)
{
	const struct sched_slot *sl = &out->slot;

	memset(out, 0, sizeof *out);
	out->day = day;
	out->minute = minute;
	sched_slot_at(cfg, board, day, minute, &out->slot);
	out->rules = calloc(cfg->nrules + 1, sizeof *out->rules);
	if (out->rules == NULL)
		return -1;
	out->nrules = cfg->nrules;
	for (size_t i = 0; i < cfg->nrules; i++) {
		const struct ls_rule *r = &cfg->rules[i];
		struct sched_why_rule *w = &out->rules[i];
		int inside;
		ls_day d;

		w->rule = r;
		w->brightness = sl->bright_rule == r;
		if (!ls_board_selected(board, &r->boards)) {
			w->reason = SCHED_WHY_BOARD;
			continue;
		}
		d = window_day(r, day, minute, &inside);
		if ((w->reason = day_reason(r, d)) != SCHED_WHY_WON)
			continue;
		if (!inside) {
			w->reason = SCHED_WHY_WINDOW;
			continue;
		}
		if (r->kind == LS_RULE_PLAY && r->playlist == NULL && r->layout == NULL) {
			w->reason = SCHED_WHY_DIM_ONLY;
			continue;
		}
		if (r->kind == LS_RULE_PLAY && !rule_has_item(cfg, r, day, minute)) {
			w->reason = SCHED_WHY_EMPTY;
			continue;
		}
		if (sl->rule == r) {
			w->reason = SCHED_WHY_WON;
			continue;
		}
		w->by = sl->rule;
		if (sl->rule != NULL && r->priority < sl->rule->priority) {
			w->reason = SCHED_WHY_PRIORITY;
			continue;
		}
		/* Equal priority: a play rule next to a play winner takes turns;
		 * next to an off/power-off winner (or an off rule next to a
		 * power-off one) it loses on kind. */
		w->reason = sl->state == SCHED_PLAY && r->kind == LS_RULE_PLAY ? SCHED_WHY_ROTATING : SCHED_WHY_KIND;
	}
	return 0;
}

void
sched_why_clear(struct sched_why *w)
{
	if (w == NULL)
		return;
	free(w->rules);
	memset(w, 0, sizeof *w);
}

const char *
sched_why_reason_name(enum sched_why_reason r)
{
	switch (r) {
	case SCHED_WHY_WON: return "won";
	case SCHED_WHY_ROTATING: return "rotating";
	case SCHED_WHY_BOARD: return "board";
	case SCHED_WHY_FROM: return "from";
	case SCHED_WHY_TO: return "to";
	case SCHED_WHY_DATES: return "dates";
	case SCHED_WHY_WEEKDAY: return "weekday";
	case SCHED_WHY_WINDOW: return "window";
	case SCHED_WHY_EMPTY: return "empty";
	case SCHED_WHY_DIM_ONLY: return "dims-only";
	case SCHED_WHY_PRIORITY: return "priority";
	case SCHED_WHY_KIND: return "kind";
	}
	return "?";
}

static const char *
kind_word(enum ls_rule_kind k)
{
	return k == LS_RULE_POWER_OFF ? "power-off" : k == LS_RULE_OFF ? "off" : "play";
}

static void
hours_text(const struct ls_rule *r, char *buf, size_t len)
{
	char a[6], b[6];

	if (r->start_min < 0) {
		snprintf(buf, len, "all day");
		return;
	}
	sched_fmt_minute(r->start_min, a);
	sched_fmt_minute(r->end_min < 0 ? 1440 : r->end_min, b);
	snprintf(buf, len, "%s-%s", a, b);
}

const char *
sched_why_explain(const struct sched_why *w, const struct sched_why_rule *wr, char *buf, size_t len)
{
	const struct ls_rule *r = wr->rule, *by = wr->by;
	const char *byname = by && by->name ? by->name : "?";
	char d1[11], d2[11], h[16], days[40];
	size_t n = 0;

	switch (wr->reason) {
	case SCHED_WHY_WON:
		if (r->kind != LS_RULE_PLAY)
			snprintf(buf, len, "the highest-priority rule (%d) that applies; it turns the board %s",
			    r->priority, kind_word(r->kind));
		else
			snprintf(buf, len, "the highest-priority rule (%d) that applies; it plays %s \"%s\"",
			    r->priority, r->layout ? "layout" : "playlist", r->layout ? r->layout : r->playlist ? r->playlist : "?");
		break;
	case SCHED_WHY_ROTATING:
		snprintf(buf, len, "takes turns with \"%s\" at equal priority %d, one playlist pass each",
		    byname, r->priority);
		break;
	case SCHED_WHY_BOARD:
		snprintf(buf, len, "not for this board (its boards do not name it or its groups)");
		break;
	case SCHED_WHY_FROM:
		sched_fmt_day(r->from, d1);
		snprintf(buf, len, "starts on %s", d1);
		break;
	case SCHED_WHY_TO:
		sched_fmt_day(r->to, d1);
		snprintf(buf, len, "ended on %s", d1);
		break;
	case SCHED_WHY_DATES:
		sched_fmt_day(w->day, d1);
		sched_fmt_day(r->dates.v[0], d2);
		snprintf(buf, len, "%s is not one of its dates (%s%s)", d1, d2, r->dates.n > 1 ? ", ..." : "");
		break;
	case SCHED_WHY_WEEKDAY:
		days[0] = '\0';
		for (int i = 0; i < 7; i++)
			if ((r->weekdays >> i) & 1)
				n += (size_t)snprintf(days + n, n < sizeof days ? sizeof days - n : 0, "%s%s",
				    n ? ", " : "", wday_short[i]);
		snprintf(buf, len, "%s is not one of its weekdays (%s)", wday_en[tz_weekday(w->day)], days);
		break;
	case SCHED_WHY_WINDOW:
		hours_text(r, h, sizeof h);
		sched_fmt_minute(w->minute, d1);
		snprintf(buf, len, "%s is outside its hours %s", d1, h);
		break;
	case SCHED_WHY_EMPTY:
		snprintf(buf, len, "applies, but no item of %s \"%s\" is inside its own hours and days now",
		    r->layout ? "the playlists of layout" : "playlist", r->layout ? r->layout : r->playlist ? r->playlist : "?");
		break;
	case SCHED_WHY_DIM_ONLY:
		snprintf(buf, len, "applies; it has no playlist and only sets brightness (%d%%)%s", r->brightness,
		    wr->brightness ? ", which it does now" : "");
		break;
	case SCHED_WHY_PRIORITY:
		snprintf(buf, len, "applies, but its priority %d is below \"%s\" (%d)", r->priority, byname,
		    by ? by->priority : 0);
		break;
	case SCHED_WHY_KIND:
		snprintf(buf, len, "applies at equal priority %d, but \"%s\" is %s, which beats %s", r->priority,
		    byname, by ? kind_word(by->kind) : "?", kind_word(r->kind));
		break;
	}
	return buf;
}
