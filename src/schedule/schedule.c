/*
 * schedule.c — what plays where, when.  The rules are in schedule.h and
 * docs/config.md; this file only computes them.
 *
 * Two layers: sched_slot_at decides per local civil minute which rule is in
 * force (no time zone, so `check` and the week report can walk dates and
 * minutes directly); sched_at maps a Unix instant onto that and adds the
 * position in the playlist cycle, which needs real elapsed seconds.
 */
#include "schedule/schedule.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TIED (sizeof(((struct sched_slot *)0)->tied) / sizeof(((struct sched_slot *)0)->tied[0]))
/* Tolerance when an instant sits exactly on an item boundary, so that a
 * player re-evaluating at item_end always gets the next item. */
#define EPS 1e-6

struct sched {
	const struct ls_config *cfg;
	struct tz *tz;
};

struct sched *
sched_new(const struct ls_config *cfg, char *err, size_t errlen)
{
	struct sched *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->cfg = cfg;
	s->tz = tz_load(cfg->timezone ? cfg->timezone : "Asia/Shanghai", err, errlen);
	if (!s->tz) {
		free(s);
		return NULL;
	}
	return s;
}

void
sched_free(struct sched *s)
{
	if (!s)
		return;
	tz_free(s->tz);
	free(s);
}

const struct tz *
sched_tz(const struct sched *s)
{
	return s->tz;
}

const struct ls_config *
sched_config(const struct sched *s)
{
	return s->cfg;
}

/* ---- civil-time decisions ---- */

static int
day_ok(const struct ls_rule *r, ls_day d)
{
	if (r->from != LS_DAY_NONE && d < r->from)
		return 0;
	if (r->to != LS_DAY_NONE && d > r->to)
		return 0;
	if (r->dates.n) {
		size_t i;
		for (i = 0; i < r->dates.n; i++)
			if (r->dates.v[i] == d)
				break;
		if (i == r->dates.n)
			return 0;
	}
	return (r->weekdays >> tz_weekday(d)) & 1;
}

/* Is minute m inside [s, e)?  e < s crosses midnight; s < 0 is all day. */
static int
in_window(int s, int e, int m)
{
	if (s < 0)
		return 1;
	if (e < 0)
		e = 1440;
	if (s < e)
		return m >= s && m < e;
	if (s > e)
		return m >= s || m < e;
	return 0;
}

int
sched_rule_active(const struct ls_rule *r, ls_day day, int m)
{
	int s = r->start_min, e = r->end_min < 0 ? 1440 : r->end_min;
	if (s < 0)
		return day_ok(r, day);
	if (s < e)
		return m >= s && m < e && day_ok(r, day);
	if (s > e)   /* after midnight the window belongs to the day it started on */
		return (m >= s && day_ok(r, day)) || (m < e && day_ok(r, day - 1));
	return 0;
}

/* Local date and minute at which the window of r containing (day, m) began. */
static void
rule_window_start(const struct ls_rule *r, ls_day day, int m, ls_day *sd, int *sm)
{
	int e = r->end_min < 0 ? 1440 : r->end_min;
	if (r->start_min < 0) {
		*sd = day;
		*sm = 0;
	} else if (r->start_min > e && m < e) {
		*sd = day - 1;
		*sm = r->start_min;
	} else {
		*sd = day;
		*sm = r->start_min;
	}
}

int
sched_entry_active(const struct ls_playlist_entry *e, ls_day day, int m)
{
	int e_end = e->to_min < 0 ? 1440 : e->to_min;

	if (!in_window(e->from_min, e->to_min, m))
		return 0;
	if ((e->weekdays == 0 || e->weekdays == 0x7f) && e->dates.n == 0)
		return 1;
	/* after midnight a window that crossed it belongs to the day it
	 * started on, as a rule's does */
	if (e->from_min > e_end && m < e_end)
		day--;
	if (e->dates.n) {
		size_t i;
		for (i = 0; i < e->dates.n && e->dates.v[i] != day; i++)
			;
		if (i == e->dates.n)
			return 0;
	}
	return e->weekdays == 0 || ((e->weekdays >> tz_weekday(day)) & 1);
}

static double
entry_turn(const struct ls_config *cfg, const struct ls_playlist_entry *e, int *repeat)
{
	const struct ls_content *c = ls_config_content(cfg, e->item);
	double d = e->duration > 0 ? e->duration : c && c->duration > 0 ? c->duration
	    : SCHED_DEFAULT_DURATION;
	int rep = e->repeat > 0 ? e->repeat : c && c->repeat > 0 ? c->repeat : 1;
	if (repeat)
		*repeat = rep;
	return d;
}

double
sched_entry_length(const struct ls_config *cfg, const struct ls_playlist_entry *e)
{
	int rep;
	double d = entry_turn(cfg, e, &rep);
	return d * rep;
}

/* An entry counts when it is in its window and names existing content. */
static int
entry_usable(const struct ls_config *cfg, const struct ls_playlist_entry *e, ls_day day, int m)
{
	return sched_entry_active(e, day, m) && ls_config_content(cfg, e->item) != NULL;
}

static double
cycle_length(const struct ls_config *cfg, const struct ls_playlist *pl, ls_day day, int m)
{
	double sum = 0;
	for (size_t i = 0; i < pl->nentries; i++)
		if (entry_usable(cfg, &pl->entries[i], day, m))
			sum += sched_entry_length(cfg, &pl->entries[i]);
	return sum;
}

/* Does the playlist have anything to show at minute m?  (Cheaper than a length.) */
static int
has_item(const struct ls_config *cfg, const struct ls_playlist *pl, ls_day day, int m)
{
	for (size_t i = 0; pl != NULL && i < pl->nentries; i++)
		if (entry_usable(cfg, &pl->entries[i], day, m))
			return 1;
	return 0;
}

/* A layout's turn in a rotation: its longest area cycle. */
static double
layout_cycle_length(const struct ls_config *cfg, const struct ls_layout *lo, ls_day day, int m)
{
	double len = 0;

	for (size_t i = 0; i < lo->nareas; i++) {
		const struct ls_playlist *pl = ls_config_playlist(cfg, lo->areas[i].playlist);
		double l = pl ? cycle_length(cfg, pl, day, m) : 0;
		if (l > len)
			len = l;
	}
	return len;
}

/* Does the layout have anything to show at minute m: does any area? */
static int
layout_has_item(const struct ls_config *cfg, const struct ls_layout *lo, ls_day day, int m)
{
	for (size_t i = 0; i < lo->nareas; i++)
		if (has_item(cfg, ls_config_playlist(cfg, lo->areas[i].playlist), day, m))
			return 1;
	return 0;
}

static int
kind_rank(enum ls_rule_kind k)
{
	return k == LS_RULE_POWER_OFF ? 2 : k == LS_RULE_OFF ? 1 : 0;
}

void
sched_slot_at(const struct ls_config *cfg, const struct ls_board *board, ls_day day, int minute,
    struct sched_slot *out)
{
	const struct ls_rule *win = NULL;

	memset(out, 0, sizeof *out);
	out->state = SCHED_BLANK;
	out->brightness = board->brightness;
	for (size_t i = 0; i < cfg->nrules; i++) {
		const struct ls_rule *r = &cfg->rules[i];
		if (!ls_rule_selects(cfg, r, board) || !sched_rule_active(r, day, minute))
			continue;
		if (r->brightness >= 0) {
			if (!out->bright_rule || r->priority > out->bright_rule->priority) {
				out->bright_rule = r;
				out->bright_tie = NULL;
			} else if (r->priority == out->bright_rule->priority &&
			    r->brightness != out->bright_rule->brightness && !out->bright_tie)
				out->bright_tie = r;
		}
		if (r->kind == LS_RULE_PLAY) {
			/* A play rule without a playlist is a dimming rule; one whose
			 * playlist has nothing in its window now yields. */
			const struct ls_playlist *pl = r->playlist ? ls_config_playlist(cfg, r->playlist) : NULL;
			const struct ls_layout *lo = r->layout ? ls_config_layout(cfg, r->layout) : NULL;
			if (lo ? !layout_has_item(cfg, lo, day, minute) : !pl || !has_item(cfg, pl, day, minute))
				continue;
		}
		if (!win || r->priority > win->priority) {
			win = r;
			out->ntied = 1;
			out->tied[0] = r;
			continue;
		}
		if (r->priority < win->priority)
			continue;
		if ((size_t)out->ntied < MAX_TIED)
			out->tied[out->ntied] = r;
		out->ntied++;
		if (kind_rank(r->kind) > kind_rank(win->kind))
			win = r;
	}
	if (out->bright_rule)
		out->brightness = out->bright_rule->brightness;
	if (win) {
		out->rule = win;
		if (win->kind == LS_RULE_PLAY) {
			out->state = SCHED_PLAY;
			if (win->layout)
				out->layout = ls_config_layout(cfg, win->layout);
			else
				out->playlist = ls_config_playlist(cfg, win->playlist);
		} else
			out->state = win->kind == LS_RULE_OFF ? SCHED_OFF : SCHED_POWER_OFF;
		return;
	}
	if (cfg->fallback) {
		const struct ls_playlist *pl = ls_config_playlist(cfg, cfg->fallback);
		if (pl && has_item(cfg, pl, day, minute)) {
			out->state = SCHED_PLAY;
			out->fallback = 1;
			out->playlist = pl;
		}
	}
}

/* ---- instants ---- */

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static void
add_edge(int *edges, size_t *n, size_t cap, int m)
{
	if (m >= 0 && m <= 1440 && *n < cap)
		edges[(*n)++] = m;
}

static void
add_playlist_edges(const struct ls_playlist *pl, int *edges, size_t *n, size_t cap)
{
	if (!pl)
		return;
	for (size_t j = 0; j < pl->nentries; j++) {
		add_edge(edges, n, cap, pl->entries[j].from_min);
		add_edge(edges, n, cap, pl->entries[j].to_min);
	}
}

/* The first minute of the day after `minute` at which anything for this
 * board may change (1440 = next midnight). */
static int
next_edge_minute(const struct ls_config *cfg, const struct ls_board *board, int sod)
{
	int best = 1440;
	int edges[512];
	size_t n = 0;
	for (size_t i = 0; i < cfg->nrules; i++) {
		const struct ls_rule *r = &cfg->rules[i];
		if (!ls_rule_selects(cfg, r, board))
			continue;
		add_edge(edges, &n, sizeof edges / sizeof edges[0], r->start_min);
		add_edge(edges, &n, sizeof edges / sizeof edges[0], r->end_min);
		if (r->playlist)
			add_playlist_edges(ls_config_playlist(cfg, r->playlist), edges, &n,
			    sizeof edges / sizeof edges[0]);
		const struct ls_layout *lo = r->layout ? ls_config_layout(cfg, r->layout) : NULL;
		for (size_t a = 0; lo != NULL && a < lo->nareas; a++)
			add_playlist_edges(ls_config_playlist(cfg, lo->areas[a].playlist), edges, &n,
			    sizeof edges / sizeof edges[0]);
	}
	if (cfg->fallback)
		add_playlist_edges(ls_config_playlist(cfg, cfg->fallback), edges, &n,
		    sizeof edges / sizeof edges[0]);
	if (n == sizeof edges / sizeof edges[0])
		return sod / 60 + 1;   /* too many to track: look again next minute */
	for (size_t i = 0; i < n; i++)
		if (edges[i] * 60 > sod && edges[i] < best)
			best = edges[i];
	return best;
}

/* The first instant in (t, limit] at which the zone's offset differs from
 * the one at t, or limit when there is none. */
static int64_t
next_offset_change(const struct tz *z, int64_t t, int64_t limit)
{
	int off = tz_offset(z, t, NULL);
	if (tz_offset(z, limit, NULL) == off)
		return limit;
	int64_t lo = t, hi = limit;   /* offset(lo) == off, offset(hi) != off */
	while (hi - lo > 1) {
		int64_t mid = lo + (hi - lo) / 2;
		if (tz_offset(z, mid, NULL) == off)
			lo = mid;
		else
			hi = mid;
	}
	return hi;
}

struct member {
	const struct ls_playlist *pl;
	const struct ls_rule *rule;
	double anchor, len;
	const struct ls_layout *layout;   /* instead of pl */
};

/* The item at `pos` seconds into one pass of pl (items in their window at
 * `minute`), t being the instant: fills a's entry, turn and item times. */
static void
playlist_locate(const struct ls_config *cfg, const struct ls_playlist *pl, double pos, ls_day day, int minute, double t,
    struct sched_area *a)
{
	double acc = 0;
	int last = -1;

	a->entry = -1;
	a->content = NULL;
	a->item_start = a->item_end = t;
	for (size_t j = 0; j < pl->nentries; j++) {
		const struct ls_playlist_entry *e = &pl->entries[j];
		if (!entry_usable(cfg, e, day, minute))
			continue;
		last = (int)j;
		double len = sched_entry_length(cfg, e);
		if (pos < acc + len - EPS) {
			int rep;
			double dur = entry_turn(cfg, e, &rep);
			double within = pos - acc;
			int turn = (int)floor((within + EPS) / dur);
			if (turn >= rep)
				turn = rep - 1;
			a->entry = (int)j;
			a->turn = turn;
			a->item_start = t - (within - turn * dur);
			a->item_end = a->item_start + dur;
			break;
		}
		acc += len;
	}
	if (a->entry < 0 && last >= 0) {
		/* Rounding put us past the last item: it is the last instant of it. */
		int rep;
		const struct ls_playlist_entry *e = &pl->entries[last];
		double dur = entry_turn(cfg, e, &rep);
		a->entry = last;
		a->turn = rep - 1;
		a->item_end = t + EPS;
		a->item_start = a->item_end - dur;
	}
	if (a->entry >= 0)
		a->content = ls_config_content(cfg, pl->entries[a->entry].item);
}

/* Every area of lo at t, its turn having begun `pos` seconds before t;
 * lowers out->next_change to the first item change. */
static void
layout_locate(const struct ls_config *cfg, const struct ls_layout *lo, double pos, ls_day day, int minute, double t,
    struct sched_result *out)
{
	out->layout = lo;
	out->nareas = lo->nareas < LS_LAYOUT_MAX_AREAS ? lo->nareas : LS_LAYOUT_MAX_AREAS;
	for (size_t i = 0; i < out->nareas; i++) {
		struct sched_area *a = &out->areas[i];
		const struct ls_playlist *pl = ls_config_playlist(cfg, lo->areas[i].playlist);
		double len = pl ? cycle_length(cfg, pl, day, minute) : 0;

		memset(a, 0, sizeof *a);
		a->area = &lo->areas[i];
		a->playlist = pl;
		a->entry = -1;
		a->item_start = a->item_end = t;
		if (len <= 0)
			continue;   /* nothing in its windows now: the area is dark */
		a->cycle_len = len;
		a->cycle_pos = fmod(pos, len);
		if (len - a->cycle_pos < EPS)
			a->cycle_pos = 0;
		playlist_locate(cfg, pl, a->cycle_pos, day, minute, t, a);
		if (a->entry >= 0 && a->item_end < out->next_change)
			out->next_change = a->item_end;
	}
}

int
sched_at(const struct sched *s, const struct ls_board *board, double t, struct sched_result *out)
{
	const struct ls_config *cfg = s->cfg;
	/* Keep the conversion to an integer defined whatever the caller passes. */
	if (!(t >= -1e12 && t <= 1e12))
		t = t > 0 ? 1e12 : t < 0 ? -1e12 : 0;
	int64_t ti = (int64_t)floor(t);
	struct member mem[MAX_TIED];
	size_t nmem = 0;

	memset(out, 0, sizeof *out);
	out->entry = -1;
	tz_to_civil(s->tz, ti, &out->local);
	int sod = out->local.hour * 3600 + out->local.min * 60 + out->local.sec;
	int minute = sod / 60;
	ls_day day = out->local.day;
	sched_slot_at(cfg, board, day, minute, &out->slot);

	/* The next edge: a rule or item window opening or closing, midnight,
	 * or a change of UTC offset (which moves every wall-clock edge). */
	int em = next_edge_minute(cfg, board, sod);
	int64_t edge = ti + (int64_t)em * 60 - sod;
	edge = next_offset_change(s->tz, ti, edge);
	out->next_change = (double)edge;
	out->item_start = out->item_end = t;

	if (out->slot.state != SCHED_PLAY)
		return 0;

	if (out->slot.fallback) {
		mem[0] = (struct member){ out->slot.playlist, NULL,
			(double)tz_from_local(s->tz, day, 0), 0, NULL };
		nmem = 1;
	} else {
		size_t n = (size_t)out->slot.ntied < MAX_TIED ? (size_t)out->slot.ntied : MAX_TIED;
		for (size_t i = 0; i < n; i++) {
			const struct ls_rule *r = out->slot.tied[i];
			ls_day sd;
			int sm;
			if (r->kind != LS_RULE_PLAY)
				continue;
			rule_window_start(r, day, minute, &sd, &sm);
			mem[nmem++] = (struct member){ r->playlist ? ls_config_playlist(cfg, r->playlist) : NULL, r,
				(double)tz_from_local(s->tz, sd, sm * 60), 0,
				r->layout ? ls_config_layout(cfg, r->layout) : NULL };
		}
	}
	double anchor = mem[0].anchor, total = 0;
	for (size_t i = 0; i < nmem; i++) {
		mem[i].len = mem[i].layout ? layout_cycle_length(cfg, mem[i].layout, day, minute)
		    : mem[i].pl ? cycle_length(cfg, mem[i].pl, day, minute) : 0;
		total += mem[i].len;
		if (mem[i].anchor > anchor)
			anchor = mem[i].anchor;
	}
	if (total <= 0)
		return 0;   /* cannot happen: sched_slot_at only picks playlists with items */

	double pos = fmod(t - anchor, total);
	if (pos < 0)
		pos += total;
	if (total - pos < EPS)
		pos = 0;
	size_t k = 0;
	while (k + 1 < nmem && pos >= mem[k].len - EPS) {
		pos -= mem[k].len;
		k++;
	}
	if (pos < 0)
		pos = 0;
	out->playlist = mem[k].pl;
	out->rule = mem[k].rule;
	out->anchor = anchor;
	out->cycle_pos = pos;
	out->cycle_len = mem[k].len;

	if (mem[k].layout) {
		out->playlist = NULL;
		layout_locate(cfg, mem[k].layout, pos, day, minute, t, out);
		/* in a rotation the layout's turn ends */
		if (nmem > 1 && t - pos + mem[k].len < out->next_change)
			out->next_change = t - pos + mem[k].len;
		return 0;
	}
	struct sched_area a;
	const struct ls_playlist *pl = mem[k].pl;
	playlist_locate(cfg, pl, pos, day, minute, t, &a);
	out->entry = a.entry;
	out->content = a.content;
	out->turn = a.turn;
	out->item_start = a.item_start;
	out->item_end = a.item_end;
	if (out->item_end < out->next_change)
		out->next_change = out->item_end;
	return 0;
}

int
sched_layout_at(const struct sched *s, const struct ls_layout *lo, double anchor, double t,
    struct sched_result *out)
{
	int64_t ti;
	double pos;

	if (!(t >= -1e12 && t <= 1e12))
		t = 0;
	ti = (int64_t)floor(t);
	memset(out, 0, sizeof *out);
	out->entry = -1;
	tz_to_civil(s->tz, ti, &out->local);
	if (isnan(anchor))
		anchor = (double)tz_from_local(s->tz, out->local.day, 0);
	if (!(anchor >= -1e12 && anchor <= t))
		anchor = t;
	out->anchor = anchor;
	out->next_change = INFINITY;
	pos = t - anchor;
	layout_locate(s->cfg, lo, pos, out->local.day, out->local.hour * 60 + out->local.min, t, out);
	return 0;
}

/* ---- check ---- */

void
sched_fmt_minute(int minute, char buf[6])
{
	unsigned h = (unsigned)(minute < 0 ? 0 : minute) / 60 % 100, m = (unsigned)(minute < 0 ? 0 : minute) % 60;
	buf[0] = (char)('0' + h / 10);
	buf[1] = (char)('0' + h % 10);
	buf[2] = ':';
	buf[3] = (char)('0' + m / 10);
	buf[4] = (char)('0' + m % 10);
	buf[5] = '\0';
}

void
sched_fmt_day(ls_day day, char buf[11])
{
	int y, m, d;
	tz_civil_from_days(day, &y, &m, &d);
	unsigned uy = (unsigned)(y < 0 ? 0 : y) % 10000;
	buf[0] = (char)('0' + uy / 1000);
	buf[1] = (char)('0' + uy / 100 % 10);
	buf[2] = (char)('0' + uy / 10 % 10);
	buf[3] = (char)('0' + uy % 10);
	buf[4] = '-';
	buf[5] = (char)('0' + m / 10);
	buf[6] = (char)('0' + m % 10);
	buf[7] = '-';
	buf[8] = (char)('0' + d / 10);
	buf[9] = (char)('0' + d % 10);
	buf[10] = '\0';
}

struct span { ls_day a, b; };

static int
cmp_span(const void *x, const void *y)
{
	const struct span *p = x, *q = y;
	return (p->a > q->a) - (p->a < q->a);
}

/* Days worth looking at.  Between two consecutive dates named anywhere in the
 * rules (or playlist items) what applies changes only with the weekday, so the week
 * (plus one day for windows crossing midnight) either side of every named
 * date covers every case; with no dates at all, any week does. */
static struct span *
scan_spans(const struct ls_config *cfg, size_t *nout)
{
	size_t n = 0, cap = 1;
	for (size_t i = 0; i < cfg->nrules; i++)
		cap += 2 + cfg->rules[i].dates.n;
	for (size_t i = 0; i < cfg->nplaylists; i++)
		for (size_t j = 0; j < cfg->playlists[i].nentries; j++)
			cap += cfg->playlists[i].entries[j].dates.n;
	struct span *v = calloc(cap, sizeof *v);
	if (!v)
		return NULL;
	for (size_t i = 0; i < cfg->nrules; i++) {
		const struct ls_rule *r = &cfg->rules[i];
		if (r->from != LS_DAY_NONE)
			v[n++] = (struct span){ r->from - 8, r->from + 8 };
		if (r->to != LS_DAY_NONE)
			v[n++] = (struct span){ r->to - 8, r->to + 8 };
		for (size_t j = 0; j < r->dates.n; j++)
			v[n++] = (struct span){ r->dates.v[j] - 8, r->dates.v[j] + 8 };
	}
	/* a playlist item's dates change what plays as much as a rule's do */
	for (size_t i = 0; i < cfg->nplaylists; i++)
		for (size_t j = 0; j < cfg->playlists[i].nentries; j++) {
			const struct ls_playlist_entry *e = &cfg->playlists[i].entries[j];
			for (size_t k = 0; k < e->dates.n; k++)
				v[n++] = (struct span){ e->dates.v[k] - 8, e->dates.v[k] + 8 };
		}
	if (n == 0) {
		ls_day mon = tz_days_from_civil(2023, 9, 11);
		v[n++] = (struct span){ mon - 1, mon + 7 };
	}
	qsort(v, n, sizeof *v, cmp_span);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (m && v[i].a <= v[m - 1].b + 1) {
			if (v[i].b > v[m - 1].b)
				v[m - 1].b = v[i].b;
		} else
			v[m++] = v[i];
	}
	*nout = m;
	return v;
}

/* Every minute of the day at which any decision can change, ascending. */
static int *
day_edges(const struct ls_config *cfg, size_t *nout)
{
	size_t cap = 2 + 2 * cfg->nrules;
	for (size_t i = 0; i < cfg->nplaylists; i++)
		cap += 2 * cfg->playlists[i].nentries;
	int *e = malloc(cap * sizeof *e);
	size_t n = 0;
	if (!e)
		return NULL;
	e[n++] = 0;
	for (size_t i = 0; i < cfg->nrules; i++) {
		add_edge(e, &n, cap, cfg->rules[i].start_min);
		add_edge(e, &n, cap, cfg->rules[i].end_min);
	}
	for (size_t i = 0; i < cfg->nplaylists; i++)
		add_playlist_edges(&cfg->playlists[i], e, &n, cap);
	qsort(e, n, sizeof *e, cmp_int);
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (e[i] < 1440 && (m == 0 || e[i] != e[m - 1]))
			e[m++] = e[i];
	*nout = m;
	return e;
}

struct rule_seen {
	int applies;          /* active for some board somewhere */
	int effective;        /* won content or brightness somewhere */
	int shows;            /* its playlist had something inside its window */
	const struct ls_rule *beaten_by;
	const struct ls_board *beaten_on;
	ls_day beaten_day;
	int beaten_min;
};

static const char *
rule_label(const struct ls_rule *r, char *buf, size_t len)
{
	snprintf(buf, len, "\"%s\" (line %d)", r->name ? r->name : "?", r->line);
	return buf;
}

/* Reasons visible from the rule alone; 1 when a warning was given. */
static int
check_static(const struct ls_config *cfg, const struct ls_rule *r, struct ls_diag *diag)
{
	char name[128];
	rule_label(r, name, sizeof name);
	if (r->weekdays == 0) {
		ls_diag_add(diag, LS_DIAG_WARNING, LS_FILE(cfg, r), r->line,
		    "schedule rule %s has no weekdays, so it never applies", name);
		return 1;
	}
	if (r->from != LS_DAY_NONE && r->to != LS_DAY_NONE && r->to < r->from) {
		ls_diag_add(diag, LS_DIAG_WARNING, LS_FILE(cfg, r), r->line,
		    "schedule rule %s ends before it starts, so it never applies", name);
		return 1;
	}
	if (r->dates.n) {
		size_t ok = 0;
		for (size_t i = 0; i < r->dates.n; i++)
			ok += day_ok(r, r->dates.v[i]);
		if (!ok) {
			ls_diag_add(diag, LS_DIAG_WARNING, LS_FILE(cfg, r), r->line,
			    "schedule rule %s never applies: none of its dates is inside from..to "
			    "and on one of its weekdays", name);
			return 1;
		}
	} else if (r->from != LS_DAY_NONE && r->to != LS_DAY_NONE) {
		int ok = 0;
		for (ls_day d = r->from; d <= r->to && d < r->from + 7; d++)
			ok |= day_ok(r, d);
		if (!ok) {
			char a[11], b[11];
			sched_fmt_day(r->from, a);
			sched_fmt_day(r->to, b);
			ls_diag_add(diag, LS_DIAG_WARNING, LS_FILE(cfg, r), r->line,
			    "schedule rule %s never applies: no day from %s to %s is one of its weekdays",
			    name, a, b);
			return 1;
		}
	}
	if (r->start_min >= 0 && r->start_min == r->end_min) {
		ls_diag_add(diag, LS_DIAG_WARNING, LS_FILE(cfg, r), r->line,
		    "schedule rule %s has an empty daily window, so it never applies", name);
		return 1;
	}
	size_t nb = 0;
	for (size_t b = 0; b < cfg->nboards; b++)
		nb += ls_rule_selects(cfg, r, &cfg->boards[b]);
	if (nb == 0) {
		ls_diag_add(diag, LS_DIAG_WARNING, LS_FILE(cfg, r), r->line,
		    "schedule rule %s selects no board, so it never applies", name);
		return 1;
	}
	return 0;
}

int
sched_check(const struct ls_config *cfg, struct ls_diag *diag)
{
	size_t before = diag->warnings;
	size_t nspans = 0, nedges = 0;
	struct span *spans = scan_spans(cfg, &nspans);
	int *edges = day_edges(cfg, &nedges);
	struct rule_seen *seen = calloc(cfg->nrules + 1, sizeof *seen);
	unsigned char *pair = calloc(cfg->nrules * cfg->nrules + 1, 1);
	unsigned char *quiet = calloc(cfg->nrules + 1, 1);

	if (!spans || !edges || !seen || !pair || !quiet) {
		ls_diag_add(diag, LS_DIAG_ERROR, cfg->path, 0, "out of memory while checking the schedule");
		goto done;
	}
	for (size_t i = 0; i < cfg->nrules; i++)
		quiet[i] = (unsigned char)check_static(cfg, &cfg->rules[i], diag);

	for (size_t b = 0; b < cfg->nboards; b++) {
		const struct ls_board *board = &cfg->boards[b];
		int blank_warned = 0;
		for (size_t sp = 0; sp < nspans; sp++)
		for (ls_day day = spans[sp].a; day <= spans[sp].b; day++)
		for (size_t k = 0; k < nedges; k++) {
			int m = edges[k];
			struct sched_slot sl;
			sched_slot_at(cfg, board, day, m, &sl);
			for (size_t i = 0; i < cfg->nrules; i++) {
				const struct ls_rule *r = &cfg->rules[i];
				if (!ls_rule_selects(cfg, r, board) || !sched_rule_active(r, day, m))
					continue;
				struct rule_seen *rs = &seen[i];
				rs->applies = 1;
				if (r->kind == LS_RULE_PLAY && r->playlist) {
					const struct ls_playlist *pl = ls_config_playlist(cfg, r->playlist);
					if (pl && cycle_length(cfg, pl, day, m) > 0)
						rs->shows = 1;
				}
				if (r->kind == LS_RULE_PLAY && r->layout) {
					const struct ls_layout *lo = ls_config_layout(cfg, r->layout);
					if (lo && layout_has_item(cfg, lo, day, m))
						rs->shows = 1;
				}
				int won = sl.rule == r || sl.bright_rule == r;
				for (int t = 0; t < sl.ntied && (size_t)t < MAX_TIED && sl.state == SCHED_PLAY; t++)
					won |= sl.tied[t] == r;
				if (won)
					rs->effective = 1;
				else if (!rs->beaten_by && sl.rule) {
					rs->beaten_by = sl.rule;
					rs->beaten_on = board;
					rs->beaten_day = day;
					rs->beaten_min = m;
				}
			}
			if (sl.ntied > 1) {
				size_t n = (size_t)sl.ntied < MAX_TIED ? (size_t)sl.ntied : MAX_TIED;
				for (size_t x = 0; x < n; x++)
				for (size_t y = x + 1; y < n; y++) {
					size_t i = (size_t)(sl.tied[x] - cfg->rules), j = (size_t)(sl.tied[y] - cfg->rules);
					if (pair[i * cfg->nrules + j])
						continue;
					pair[i * cfg->nrules + j] = 1;
					char a[128], bb[128], ds[11], ms[6];
					sched_fmt_day(day, ds);
					sched_fmt_minute(m, ms);
					ls_diag_add(diag, LS_DIAG_WARNING, LS_FILE(cfg, sl.tied[y]), sl.tied[y]->line,
					    "schedule rules %s and %s overlap at equal priority %d on board \"%s\" "
					    "(first on %s at %s); %s; give one a higher priority",
					    rule_label(sl.tied[x], a, sizeof a), rule_label(sl.tied[y], bb, sizeof bb),
					    sl.tied[x]->priority, board->name, ds, ms,
					    sl.state == SCHED_PLAY ? "they will take turns, one playlist pass each"
					    : "the \"off\"/\"power-off\" one wins");
				}
			}
			if (sl.bright_tie && sl.state == SCHED_PLAY) {
				size_t i = (size_t)(sl.bright_rule - cfg->rules), j = (size_t)(sl.bright_tie - cfg->rules);
				if (!pair[i * cfg->nrules + j]) {
					pair[i * cfg->nrules + j] = 1;
					char a[128], bb[128], ds[11], ms[6];
					sched_fmt_day(day, ds);
					sched_fmt_minute(m, ms);
					ls_diag_add(diag, LS_DIAG_WARNING, LS_FILE(cfg, sl.bright_tie), sl.bright_tie->line,
					    "schedule rules %s and %s set different brightness at equal priority %d "
					    "on board \"%s\" (first on %s at %s); the first in the file wins (%d%%); "
					    "give one a higher priority", rule_label(sl.bright_rule, a, sizeof a),
					    rule_label(sl.bright_tie, bb, sizeof bb), sl.bright_rule->priority,
					    board->name, ds, ms, sl.bright_rule->brightness);
				}
			}
			if (sl.state == SCHED_BLANK && !blank_warned) {
				/* Report the whole run of blank minutes from here. */
				ls_day d2 = day;
				size_t k2 = k;
				int end = -1;
				for (int guard = 0; guard < 8 * 64; guard++) {
					if (++k2 >= nedges) {
						k2 = 0;
						d2++;
					}
					struct sched_slot s2;
					sched_slot_at(cfg, board, d2, edges[k2], &s2);
					if (s2.state != SCHED_BLANK) {
						end = edges[k2];
						break;
					}
				}
				char ds[11], ms[6], ds2[11], me[6], when[80];
				int at_start = sp == 0 && day == spans[0].a && k == 0;
				sched_fmt_day(day, ds);
				sched_fmt_minute(m, ms);
				sched_fmt_day(d2, ds2);
				sched_fmt_minute(end < 0 ? 0 : end, me);
				/* A run that starts where the scan starts goes back further. */
				if (at_start && end >= 0)
					snprintf(when, sizeof when, "up to %s %s", ds2, me);
				else if (at_start)
					snprintf(when, sizeof when, "at any time");
				else if (end >= 0)
					snprintf(when, sizeof when, "from %s %s to %s %s", ds, ms, ds2, me);
				else
					snprintf(when, sizeof when, "from %s %s on", ds, ms);
				ls_diag_add(diag, LS_DIAG_WARNING, LS_FILE(cfg, board), board->line,
				    "board \"%s\" is on but has nothing to show %s: no rule applies and there "
				    "is no fallback playlist; add a rule, a fallback, or an \"off\" rule for "
				    "those hours", board->name, when);
				blank_warned = 1;
			}
		}
	}

	for (size_t i = 0; i < cfg->nrules; i++) {
		const struct ls_rule *r = &cfg->rules[i];
		struct rule_seen *rs = &seen[i];
		char name[128], other[128], ds[11], ms[6];
		if (quiet[i] || rs->effective)
			continue;
		rule_label(r, name, sizeof name);
		if (!rs->applies)
			ls_diag_add(diag, LS_DIAG_WARNING, LS_FILE(cfg, r), r->line,
			    "schedule rule %s never applies to any board", name);
		else if (r->kind == LS_RULE_PLAY && (r->playlist || r->layout) && !rs->shows)
			ls_diag_add(diag, LS_DIAG_WARNING, LS_FILE(cfg, r), r->line,
			    "schedule rule %s never shows anything: no item of %s \"%s\" plays on the "
			    "rule's days inside its hours", name, r->playlist ? "playlist" : "the playlists of layout",
			    r->playlist ? r->playlist : r->layout);
		else if (rs->beaten_by) {
			sched_fmt_day(rs->beaten_day, ds);
			sched_fmt_minute(rs->beaten_min, ms);
			ls_diag_add(diag, LS_DIAG_WARNING, LS_FILE(cfg, r), r->line,
			    "schedule rule %s never applies: it is always overridden by higher-priority "
			    "rules (e.g. %s on board \"%s\", %s %s)", name,
			    rule_label(rs->beaten_by, other, sizeof other), rs->beaten_on->name, ds, ms);
		} else
			ls_diag_add(diag, LS_DIAG_WARNING, LS_FILE(cfg, r), r->line,
			    "schedule rule %s never takes effect: a higher-priority rule always sets "
			    "the brightness", name);
	}
done:
	free(spans);
	free(edges);
	free(seen);
	free(pair);
	free(quiet);
	return (int)(diag->warnings - before);
}
