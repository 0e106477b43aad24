/* Unit tests for src/schedule/schedule.c: the schedule as a pure function of (config, time).
 * Configs are built as structs here so the tests pin the schedule's own rules. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schedule/schedule.h"
#include "schedule/sched_why.h"

/* ---- fixture ---- */

static char *ALL[] = { "all" };
static char *GATE[] = { "gate" };
static char *INDOOR[] = { "indoor" };
static char *INDOOR_GROUPS[] = { "indoor" };

static struct ls_content content[] = {
	{ .name = "a", .text = "A", .duration = 10, .repeat = 1 },
	{ .name = "b", .text = "B", .duration = 20, .repeat = 1 },
	{ .name = "c", .text = "C", .duration = 5, .repeat = 2 },
	{ .name = "d", .text = "D", .duration = 30, .repeat = 1 },
	{ .name = "e", .text = "E", .duration = 0, .repeat = 0 },  /* defaults */
};

static struct ls_playlist_entry e_p1[] = {
	{ .item = "a", .from_min = -1, .to_min = -1 },
	{ .item = "b", .from_min = -1, .to_min = -1 },
};
static struct ls_playlist_entry e_p2[] = {
	{ .item = "c", .from_min = -1, .to_min = -1 },        /* 2 x 5 s */
	{ .item = "a", .duration = 3, .repeat = 2, .from_min = -1, .to_min = -1 },
};
static struct ls_playlist_entry e_p3[] = {
	{ .item = "d", .from_min = -1, .to_min = -1 },
};
static struct ls_playlist_entry e_meal[] = {
	{ .item = "a", .from_min = 11 * 60 + 30, .to_min = 13 * 60 },
	{ .item = "b", .from_min = -1, .to_min = -1 },
	{ .item = "d", .from_min = 23 * 60, .to_min = 60 },   /* crosses midnight */
};
static struct ls_playlist_entry e_lunch[] = {
	{ .item = "a", .from_min = 11 * 60 + 30, .to_min = 13 * 60 },
};
static struct ls_playlist_entry e_def[] = {
	{ .item = "e", .from_min = -1, .to_min = -1 },
};
static ls_day fri_only[1];   /* 2023-09-15, set by test_per_item_days */
static struct ls_playlist_entry e_week[] = {
	{ .item = "a", .from_min = -1, .to_min = -1 },
	{ .item = "d", .from_min = -1, .to_min = -1, .weekdays = 1u << 3 },         /* Wednesdays */
	{ .item = "b", .from_min = 22 * 60, .to_min = 2 * 60, .dates = { fri_only, 1 } },   /* Friday night */
};
static struct ls_playlist_entry e_wedonly[] = {
	{ .item = "d", .from_min = -1, .to_min = -1, .weekdays = 1u << 3 },
};
static ls_day ny_only[1];   /* 2024-01-01, set by test_check_item_days */
static struct ls_playlist_entry e_newyear[] = {
	{ .item = "a", .from_min = -1, .to_min = -1, .dates = { ny_only, 1 } },
};

static struct ls_playlist playlists[] = {
	{ .name = "P1", .entries = e_p1, .nentries = 2 },
	{ .name = "P2", .entries = e_p2, .nentries = 2 },
	{ .name = "P3", .entries = e_p3, .nentries = 1 },
	{ .name = "MEAL", .entries = e_meal, .nentries = 3 },
	{ .name = "LUNCH", .entries = e_lunch, .nentries = 1 },
	{ .name = "DEF", .entries = e_def, .nentries = 1 },
	{ .name = "WEEK", .entries = e_week, .nentries = 3 },
	{ .name = "WEDONLY", .entries = e_wedonly, .nentries = 1 },
	{ .name = "NEWYEAR", .entries = e_newyear, .nentries = 1 },
};

static struct ls_board boards[] = {
	{ .name = "gate", .line = 3, .width = 192, .height = 32, .brightness = 100 },
	{ .name = "canteen", .line = 4, .width = 128, .height = 64, .brightness = 90,
	  .groups = { INDOOR_GROUPS, 1 } },
};

static struct ls_rule rules[16];
static struct ls_config cfg;
static ls_day spec_dates[4];

static ls_day
D(int y, int m, int d)
{
	return tz_days_from_civil(y, m, d);
}

static void
reset(const char *zone)
{
	memset(rules, 0, sizeof rules);
	memset(&cfg, 0, sizeof cfg);
	cfg.path = "test.cfg";
	cfg.timezone = (char *)zone;
	cfg.boards = boards;
	cfg.nboards = 2;
	cfg.content = content;
	cfg.ncontent = sizeof content / sizeof content[0];
	cfg.playlists = playlists;
	cfg.nplaylists = sizeof playlists / sizeof playlists[0];
	cfg.rules = rules;
}

/* Append a rule for every board: all days, all day, priority 0. */
static struct ls_rule *
rule(const char *name, enum ls_rule_kind kind, const char *playlist)
{
	struct ls_rule *r = &rules[cfg.nrules++];
	r->line = 10 + (int)cfg.nrules;
	r->name = (char *)name;
	r->kind = kind;
	r->playlist = (char *)playlist;
	r->boards = (struct ls_strlist){ ALL, 1 };
	r->from = r->to = LS_DAY_NONE;
	r->weekdays = 0x7f;
	r->start_min = r->end_min = -1;
	r->brightness = -1;
	return r;
}

static void
hours(struct ls_rule *r, int h1, int m1, int h2, int m2)
{
	r->start_min = h1 * 60 + m1;
	r->end_min = h2 * 60 + m2;
}

static struct sched *
mk(void)
{
	char err[256];
	struct sched *s = sched_new(&cfg, err, sizeof err);
	if (!s)
		fail_msg("%s", err);
	return s;
}

/* Unix time of a local wall-clock time in the scheduler's zone. */
static double
L(const struct sched *s, int y, int mo, int d, int h, int mi, int sec)
{
	return (double)tz_from_local(sched_tz(s), D(y, mo, d), h * 3600 + mi * 60 + sec);
}

static struct sched_result
at(const struct sched *s, int b, double t)
{
	struct sched_result r;
	assert_int_equal(sched_at(s, &boards[b], t, &r), 0);
	return r;
}

static const char *
rname(const struct sched_result *r)
{
	return r->slot.rule ? r->slot.rule->name : r->slot.fallback ? "(fallback)" : "(none)";
}

static const char *
item(const struct sched_result *r)
{
	return r->content ? r->content->name : "-";
}

/* ---- tests ---- */

static void
test_date_range_boundaries(void **st)
{
	(void)st;
	reset("Asia/Shanghai");
	struct ls_rule *r = rule("week", LS_RULE_PLAY, "P1");
	r->from = D(2023, 9, 11);
	r->to = D(2023, 9, 17);
	struct sched *s = mk();
	struct sched_result x;

	x = at(s, 0, L(s, 2023, 9, 10, 23, 59, 59));
	assert_int_equal(x.slot.state, SCHED_BLANK);
	assert_int_equal(x.entry, -1);
	x = at(s, 0, L(s, 2023, 9, 11, 0, 0, 0));
	assert_int_equal(x.slot.state, SCHED_PLAY);
	assert_string_equal(rname(&x), "week");
	assert_string_equal(item(&x), "a");
	assert_true(fabs(x.cycle_pos) < 1e-9);
	assert_true(fabs(x.cycle_len - 30) < 1e-9);
	/* The last second of the range still plays; the next second does not. */
	x = at(s, 0, L(s, 2023, 9, 17, 23, 59, 59));
	assert_int_equal(x.slot.state, SCHED_PLAY);
	/* 86399 s into the day: 86399 mod 30 = 29 -> "b", 19 s in */
	assert_string_equal(item(&x), "b");
	assert_true(fabs(x.item_start - (L(s, 2023, 9, 17, 23, 59, 40))) < 1e-6);
	assert_true(fabs(x.next_change - L(s, 2023, 9, 18, 0, 0, 0)) < 1e-6);
	x = at(s, 0, L(s, 2023, 9, 18, 0, 0, 0));
	assert_int_equal(x.slot.state, SCHED_BLANK);

	/* With a fallback the gaps are filled. */
	cfg.fallback = "P3";
	x = at(s, 0, L(s, 2023, 9, 18, 0, 0, 0));
	assert_int_equal(x.slot.state, SCHED_PLAY);
	assert_true(x.slot.fallback);
	assert_null(x.slot.rule);
	assert_string_equal(item(&x), "d");
	sched_free(s);
}

static void
test_daily_window(void **st)
{
	(void)st;
	reset("Asia/Shanghai");
	hours(rule("morning", LS_RULE_PLAY, "P1"), 8, 0, 12, 0);
	cfg.fallback = "P3";
	struct sched *s = mk();
	struct sched_result x;

	x = at(s, 0, L(s, 2023, 9, 12, 7, 59, 59));
	assert_true(x.slot.fallback);
	/* The fallback's cycle counts from local midnight: 28799 mod 30 = 29. */
	assert_true(fabs(x.cycle_pos - 29) < 1e-9);
	assert_true(fabs(x.next_change - L(s, 2023, 9, 12, 8, 0, 0)) < 1e-6);
	x = at(s, 0, L(s, 2023, 9, 12, 8, 0, 0));
	assert_string_equal(rname(&x), "morning");
	assert_string_equal(item(&x), "a");
	/* The rule's cycle is anchored at 08:00 that day. */
	x = at(s, 0, L(s, 2023, 9, 12, 8, 0, 25));
	assert_string_equal(item(&x), "b");
	assert_true(fabs(x.cycle_pos - 25) < 1e-9);
	assert_true(fabs(x.anchor - L(s, 2023, 9, 12, 8, 0, 0)) < 1e-9);
	x = at(s, 0, L(s, 2023, 9, 12, 11, 59, 59));
	assert_string_equal(rname(&x), "morning");
	x = at(s, 0, L(s, 2023, 9, 12, 12, 0, 0));
	assert_true(x.slot.fallback);
	/* Sub-second instants, and the exact boundary belongs to the next item. */
	x = at(s, 0, L(s, 2023, 9, 12, 8, 0, 9) + 0.999);
	assert_string_equal(item(&x), "a");
	x = at(s, 0, L(s, 2023, 9, 12, 8, 0, 10));
	assert_string_equal(item(&x), "b");
	assert_true(fabs(x.item_end - L(s, 2023, 9, 12, 8, 0, 30)) < 1e-6);
	sched_free(s);
}

static void
test_window_crossing_midnight(void **st)
{
	(void)st;
	reset("Asia/Shanghai");
	rule("base", LS_RULE_PLAY, "P1");
	struct ls_rule *n = rule("friday-night", LS_RULE_OFF, NULL);
	hours(n, 22, 0, 6, 0);
	n->weekdays = 1 << 5;          /* Friday */
	n->priority = 10;
	n->to = D(2023, 9, 15);       /* ends on a Friday: its night still runs into Saturday */
	struct sched *s = mk();
	struct sched_result x;

	/* Friday 15 Sept 2023 */
	x = at(s, 0, L(s, 2023, 9, 15, 21, 59, 59));
	assert_int_equal(x.slot.state, SCHED_PLAY);
	x = at(s, 0, L(s, 2023, 9, 15, 22, 0, 0));
	assert_int_equal(x.slot.state, SCHED_OFF);
	assert_string_equal(rname(&x), "friday-night");
	x = at(s, 0, L(s, 2023, 9, 15, 23, 59, 59));
	assert_int_equal(x.slot.state, SCHED_OFF);
	x = at(s, 0, L(s, 2023, 9, 16, 0, 0, 0));
	assert_int_equal(x.slot.state, SCHED_OFF);
	x = at(s, 0, L(s, 2023, 9, 16, 5, 59, 59));
	assert_int_equal(x.slot.state, SCHED_OFF);
	x = at(s, 0, L(s, 2023, 9, 16, 6, 0, 0));
	assert_int_equal(x.slot.state, SCHED_PLAY);
	/* Saturday night is not Friday night. */
	x = at(s, 0, L(s, 2023, 9, 16, 23, 0, 0));
	assert_int_equal(x.slot.state, SCHED_PLAY);
	/* The early hours of Friday belong to Thursday's night: not off. */
	x = at(s, 0, L(s, 2023, 9, 15, 2, 0, 0));
	assert_int_equal(x.slot.state, SCHED_PLAY);
	/* Friday 8 Sept too, but not Friday 22 Sept (after "to"). */
	x = at(s, 0, L(s, 2023, 9, 9, 3, 0, 0));
	assert_int_equal(x.slot.state, SCHED_OFF);
	x = at(s, 0, L(s, 2023, 9, 22, 23, 0, 0));
	assert_int_equal(x.slot.state, SCHED_PLAY);
	sched_free(s);
}

static void
test_crossing_playlist_anchor(void **st)
{
	(void)st;
	reset("Asia/Shanghai");
	hours(rule("night", LS_RULE_PLAY, "P1"), 22, 0, 2, 0);
	struct sched *s = mk();
	/* 00:00:10 is 7210 s after 22:00 the day before: 7210 mod 30 = 10 -> b. */
	struct sched_result x = at(s, 0, L(s, 2023, 9, 13, 0, 0, 10));
	assert_string_equal(item(&x), "b");
	assert_true(fabs(x.anchor - L(s, 2023, 9, 12, 22, 0, 0)) < 1e-9);
	x = at(s, 0, L(s, 2023, 9, 13, 2, 0, 0));
	assert_int_equal(x.slot.state, SCHED_BLANK);
	sched_free(s);
}

static void
test_special_dates_and_priority(void **st)
{
	(void)st;
	reset("Asia/Shanghai");
	struct ls_rule *base = rule("base", LS_RULE_PLAY, "P1");
	base->from = D(2023, 9, 11);
	base->to = D(2023, 9, 12);     /* ends on the special day */
	struct ls_rule *sp = rule("campus-day", LS_RULE_PLAY, "P2");
	spec_dates[0] = D(2023, 9, 12);
	sp->dates.v = spec_dates;
	sp->dates.n = 1;
	sp->priority = 100;
	struct sched *s = mk();
	struct sched_result x;

	x = at(s, 0, L(s, 2023, 9, 11, 23, 59, 59));
	assert_string_equal(rname(&x), "base");
	x = at(s, 0, L(s, 2023, 9, 12, 0, 0, 0));
	assert_string_equal(rname(&x), "campus-day");
	assert_int_equal(x.slot.ntied, 1);
	/* P2: c twice (5 s each) then a twice (3 s): 16 s cycle. */
	x = at(s, 0, L(s, 2023, 9, 12, 0, 0, 7));
	assert_string_equal(item(&x), "c");
	assert_int_equal(x.turn, 1);
	x = at(s, 0, L(s, 2023, 9, 12, 0, 0, 13));
	assert_string_equal(item(&x), "a");
	assert_int_equal(x.turn, 1);
	assert_true(fabs(x.item_end - L(s, 2023, 9, 12, 0, 0, 16)) < 1e-6);
	x = at(s, 0, L(s, 2023, 9, 12, 23, 59, 59));
	assert_string_equal(rname(&x), "campus-day");
	/* After the special day the base rule has ended too. */
	x = at(s, 0, L(s, 2023, 9, 13, 0, 0, 0));
	assert_int_equal(x.slot.state, SCHED_BLANK);

	/* A lower priority special date loses to the base rule. */
	sp->priority = -1;
	x = at(s, 0, L(s, 2023, 9, 12, 12, 0, 0));
	assert_string_equal(rname(&x), "base");
	sched_free(s);
}

static void
test_leap_day(void **st)
{
	(void)st;
	reset("Asia/Shanghai");
	struct ls_rule *r = rule("leap", LS_RULE_PLAY, "P1");
	spec_dates[0] = D(2024, 2, 29);
	r->dates.v = spec_dates;
	r->dates.n = 1;
	struct ls_rule *t = rule("thursdays", LS_RULE_PLAY, "P3");
	t->from = D(2024, 2, 28);
	t->to = D(2024, 3, 1);
	t->weekdays = 1 << 4;
	t->priority = -5;
	struct sched *s = mk();
	struct sched_result x;

	x = at(s, 0, L(s, 2024, 2, 28, 23, 59, 59));
	assert_int_equal(x.slot.state, SCHED_BLANK);
	x = at(s, 0, L(s, 2024, 2, 29, 0, 0, 0));
	assert_string_equal(rname(&x), "leap");
	assert_int_equal(x.local.month, 2);
	assert_int_equal(x.local.mday, 29);
	assert_int_equal(x.local.wday, 4);
	x = at(s, 0, L(s, 2024, 2, 29, 23, 59, 59));
	assert_string_equal(rname(&x), "leap");
	x = at(s, 0, L(s, 2024, 3, 1, 0, 0, 0));
	assert_int_equal(x.slot.state, SCHED_BLANK);
	/* 2024-02-29 and 2023-03-01 differ by 366 days. */
	assert_int_equal(D(2024, 2, 29) - D(2023, 3, 1), 365);
	sched_free(s);

	/* The same Thursday rule a year earlier has no Thursday: check warns. */
	reset("Asia/Shanghai");
	cfg.fallback = "P1";
	t = rule("no-thursday", LS_RULE_PLAY, "P3");
	t->from = D(2023, 2, 28);    /* Tuesday */
	t->to = D(2023, 3, 1);       /* Wednesday */
	t->weekdays = 1 << 4;
	struct ls_diag d = { 0 };
	assert_int_equal(sched_check(&cfg, &d), 1);
	assert_int_equal(d.v[0].line, t->line);
	assert_non_null(strstr(d.v[0].text, "no day from 2023-02-28 to 2023-03-01"));
	ls_diag_clear(&d);
}

/* Windows across the year end and into/out of 29 February; a window ending at 24:00. */
static void
test_year_end_and_leap_windows(void **st)
{
	(void)st;
	reset("Asia/Shanghai");
	struct ls_rule *nye = rule("new-year-eve", LS_RULE_PLAY, "P1");
	hours(nye, 22, 0, 2, 0);
	spec_dates[0] = D(2023, 12, 31);
	spec_dates[1] = D(2024, 2, 29);
	nye->dates.v = spec_dates;
	nye->dates.n = 2;
	struct ls_rule *late = rule("to-midnight", LS_RULE_PLAY, "P3");
	hours(late, 20, 0, 24, 0);
	late->priority = -1;
	struct sched *s = mk();
	struct sched_result x;

	x = at(s, 0, L(s, 2023, 12, 31, 21, 59, 59));
	assert_string_equal(rname(&x), "to-midnight");
	x = at(s, 0, L(s, 2023, 12, 31, 23, 59, 59));
	assert_string_equal(rname(&x), "new-year-eve");
	x = at(s, 0, L(s, 2024, 1, 1, 0, 0, 0));
	assert_string_equal(rname(&x), "new-year-eve");
	assert_int_equal(x.local.year, 2024);
	assert_true(fabs(x.anchor - L(s, 2023, 12, 31, 22, 0, 0)) < 1e-9);
	x = at(s, 0, L(s, 2024, 1, 1, 1, 59, 59));
	assert_string_equal(rname(&x), "new-year-eve");
	x = at(s, 0, L(s, 2024, 1, 1, 2, 0, 0));
	assert_int_equal(x.slot.state, SCHED_BLANK);
	/* 29 Feb night runs into 1 March; 28 Feb night is not a special date. */
	x = at(s, 0, L(s, 2024, 2, 29, 1, 0, 0));
	assert_int_equal(x.slot.state, SCHED_BLANK);
	x = at(s, 0, L(s, 2024, 3, 1, 1, 59, 59));
	assert_string_equal(rname(&x), "new-year-eve");
	assert_int_equal(x.local.month, 3);
	/* "20:00-24:00": the last second of the day is in, midnight is not. */
	x = at(s, 0, L(s, 2024, 3, 1, 23, 59, 59));
	assert_string_equal(rname(&x), "to-midnight");
	assert_true(fabs(x.next_change - L(s, 2024, 3, 2, 0, 0, 0)) < 1e-6);
	x = at(s, 0, L(s, 2024, 3, 2, 0, 0, 0));
	assert_int_equal(x.slot.state, SCHED_BLANK);
	sched_free(s);
}

static void
test_weekday_masks(void **st)
{
	(void)st;
	reset("Asia/Shanghai");
	struct ls_rule *we = rule("weekend", LS_RULE_PLAY, "P3");
	we->weekdays = 0x41;            /* Sunday, Saturday */
	struct ls_rule *wd = rule("weekdays", LS_RULE_PLAY, "P1");
	wd->weekdays = 0x3e;
	struct sched *s = mk();
	static const char *want[] = { "weekdays", "weekdays", "weekdays", "weekdays", "weekdays",
		"weekend", "weekend" };
	for (int i = 0; i < 7; i++) {    /* Mon 11 .. Sun 17 Sept 2023 */
		struct sched_result x = at(s, 0, L(s, 2023, 9, 11 + i, 12, 0, 0));
		assert_string_equal(rname(&x), want[i]);
		assert_int_equal(x.local.wday, (i + 1) % 7);
	}
	sched_free(s);
}

static void
test_board_selection(void **st)
{
	(void)st;
	reset("Asia/Shanghai");
	struct ls_rule *g = rule("gate-only", LS_RULE_PLAY, "P1");
	g->boards = (struct ls_strlist){ GATE, 1 };
	struct ls_rule *i = rule("indoor", LS_RULE_PLAY, "P3");
	i->boards = (struct ls_strlist){ INDOOR, 1 };
	struct sched *s = mk();
	struct sched_result x = at(s, 0, L(s, 2023, 9, 12, 12, 0, 0));
	assert_string_equal(rname(&x), "gate-only");
	assert_int_equal(x.slot.ntied, 1);
	x = at(s, 1, L(s, 2023, 9, 12, 12, 0, 0));
	assert_string_equal(rname(&x), "indoor");
	sched_free(s);
}

static void
test_equal_priority_rotation(void **st)
{
	(void)st;
	reset("Asia/Shanghai");
	rule("one", LS_RULE_PLAY, "P1");       /* 30 s */
	rule("two", LS_RULE_PLAY, "P3");       /* 30 s */
	struct sched *s = mk();
	double m = L(s, 2023, 9, 12, 0, 0, 0);
	struct sched_result x = at(s, 0, m);
	assert_int_equal(x.slot.ntied, 2);
	assert_string_equal(x.rule->name, "one");
	assert_string_equal(item(&x), "a");
	x = at(s, 0, m + 10);
	assert_string_equal(x.rule->name, "one");
	assert_string_equal(item(&x), "b");
	x = at(s, 0, m + 30);
	assert_string_equal(x.rule->name, "two");
	assert_string_equal(x.playlist->name, "P3");
	assert_string_equal(item(&x), "d");
	assert_true(fabs(x.cycle_pos) < 1e-9);
	x = at(s, 0, m + 60);
	assert_string_equal(x.rule->name, "one");
	x = at(s, 0, m + 3600 + 45);   /* 3645 mod 60 = 45 -> two */
	assert_string_equal(x.rule->name, "two");
	sched_free(s);

	struct ls_diag d = { 0 };
	assert_int_equal(sched_check(&cfg, &d), 1);
	assert_non_null(strstr(d.v[0].text, "equal priority 0"));
	assert_non_null(strstr(d.v[0].text, "take turns"));
	ls_diag_clear(&d);
}

static void
test_off_beats_play(void **st)
{
	(void)st;
	reset("Asia/Shanghai");
	rule("play", LS_RULE_PLAY, "P1");
	hours(rule("off", LS_RULE_OFF, NULL), 22, 0, 6, 0);
	hours(rule("power", LS_RULE_POWER_OFF, NULL), 0, 0, 5, 0);
	struct sched *s = mk();
	struct sched_result x = at(s, 0, L(s, 2023, 9, 12, 23, 0, 0));
	assert_int_equal(x.slot.state, SCHED_OFF);
	assert_int_equal(x.entry, -1);
	assert_null(x.content);
	x = at(s, 0, L(s, 2023, 9, 13, 4, 59, 59));
	assert_int_equal(x.slot.state, SCHED_POWER_OFF);
	x = at(s, 0, L(s, 2023, 9, 13, 5, 0, 0));
	assert_int_equal(x.slot.state, SCHED_OFF);
	x = at(s, 0, L(s, 2023, 9, 13, 6, 0, 0));
	assert_int_equal(x.slot.state, SCHED_PLAY);
	sched_free(s);
}

static void
test_per_item_windows(void **st)
{
	(void)st;
	reset("Asia/Shanghai");
	rule("canteen", LS_RULE_PLAY, "MEAL");
	struct sched *s = mk();
	double m11 = L(s, 2023, 9, 12, 11, 0, 0);
	/* 11:00: only "b" is in its window. */
	struct sched_result x = at(s, 0, m11);
	assert_string_equal(item(&x), "b");
	assert_true(fabs(x.cycle_len - 20) < 1e-9);
	/* 12:00: a (10 s) + b (20 s); 43200 mod 30 = 0 -> a */
	x = at(s, 0, L(s, 2023, 9, 12, 12, 0, 0));
	assert_true(fabs(x.cycle_len - 30) < 1e-9);
	assert_string_equal(item(&x), "a");
	x = at(s, 0, L(s, 2023, 9, 12, 12, 0, 10));
	assert_string_equal(item(&x), "b");
	/* The item window closing at 13:00 is a change point. */
	x = at(s, 0, L(s, 2023, 9, 12, 12, 59, 55));
	assert_true(x.next_change <= L(s, 2023, 9, 12, 13, 0, 0) + 1e-6);
	/* "d" runs 23:00-01:00 across midnight. */
	x = at(s, 0, L(s, 2023, 9, 13, 0, 30, 0));
	assert_true(fabs(x.cycle_len - 50) < 1e-9);
	x = at(s, 0, L(s, 2023, 9, 13, 1, 0, 0));
	assert_true(fabs(x.cycle_len - 20) < 1e-9);
	sched_free(s);

	/* A rule whose playlist has nothing in its window yields to the next one. */
	reset("Asia/Shanghai");
	rule("base", LS_RULE_PLAY, "P3");
	struct ls_rule *l = rule("lunch", LS_RULE_PLAY, "LUNCH");
	l->priority = 5;
	s = mk();
	x = at(s, 0, L(s, 2023, 9, 12, 10, 0, 0));
	assert_string_equal(rname(&x), "base");
	x = at(s, 0, L(s, 2023, 9, 12, 11, 30, 0));
	assert_string_equal(rname(&x), "lunch");
	sched_free(s);
}

/* An item limited to weekdays or dates: a Wednesday-only poster without a
 * copy of the playlist; a dated window across midnight belongs to its day. */
static void
test_per_item_days(void **st)
{
	(void)st;
	fri_only[0] = D(2023, 9, 15);
	reset("Asia/Shanghai");
	rule("week", LS_RULE_PLAY, "WEEK");
	struct sched *s = mk();
	/* Tuesday: only a (10 s) */
	struct sched_result x = at(s, 0, L(s, 2023, 9, 12, 12, 0, 0));
	assert_true(fabs(x.cycle_len - 10) < 1e-9);
	assert_string_equal(item(&x), "a");
	/* Wednesday: a (10 s) + the Wednesday poster d (30 s); 12:00:20 is in d */
	x = at(s, 0, L(s, 2023, 9, 13, 12, 0, 0));
	assert_true(fabs(x.cycle_len - 40) < 1e-9);
	x = at(s, 0, L(s, 2023, 9, 13, 12, 0, 20));
	assert_string_equal(item(&x), "d");
	/* midnight is a change point: Wednesday's poster ends with the day */
	x = at(s, 0, L(s, 2023, 9, 13, 23, 59, 50));
	assert_true(x.next_change <= L(s, 2023, 9, 14, 0, 0, 0) + 1e-6);
	x = at(s, 0, L(s, 2023, 9, 14, 0, 0, 0));
	assert_true(fabs(x.cycle_len - 10) < 1e-9);
	/* Friday 22:00-02:00 only: b (20 s) joins on Friday night, still in it
	 * at 01:00 on Saturday, not on Saturday night nor Thursday night */
	x = at(s, 0, L(s, 2023, 9, 15, 23, 0, 0));
	assert_true(fabs(x.cycle_len - 30) < 1e-9);
	x = at(s, 0, L(s, 2023, 9, 16, 1, 0, 0));
	assert_true(fabs(x.cycle_len - 30) < 1e-9);
	x = at(s, 0, L(s, 2023, 9, 16, 23, 0, 0));
	assert_true(fabs(x.cycle_len - 10) < 1e-9);
	x = at(s, 0, L(s, 2023, 9, 15, 1, 0, 0));
	assert_true(fabs(x.cycle_len - 10) < 1e-9);
	assert_true(sched_entry_active(&e_week[1], D(2023, 9, 13), 600));
	assert_false(sched_entry_active(&e_week[1], D(2023, 9, 12), 600));
	assert_true(sched_entry_active(&e_week[0], D(2023, 9, 12), 600));
	sched_free(s);

	/* A rule whose playlist is Wednesday-only yields on other days. */
	reset("Asia/Shanghai");
	rule("base", LS_RULE_PLAY, "P3");
	struct ls_rule *w = rule("wed", LS_RULE_PLAY, "WEDONLY");
	w->priority = 5;
	s = mk();
	x = at(s, 0, L(s, 2023, 9, 12, 10, 0, 0));
	assert_string_equal(rname(&x), "base");
	x = at(s, 0, L(s, 2023, 9, 13, 10, 0, 0));
	assert_string_equal(rname(&x), "wed");
	assert_string_equal(item(&x), "d");
	sched_free(s);
}

/* check looks at the days a playlist item's dates name too: a rule whose
 * playlist only has a New Year's item is not "never shows anything" when
 * the rule's dates are open, and is when its dates exclude New Year. */
static void
test_check_item_days(void **st)
{
	(void)st;
	struct ls_diag d = { 0 };

	ny_only[0] = D(2024, 1, 1);
	reset("Asia/Shanghai");
	rule("base", LS_RULE_PLAY, "P1");
	struct ls_rule *ny = rule("new-year", LS_RULE_PLAY, "NEWYEAR");
	ny->priority = 5;
	assert_int_equal(sched_check(&cfg, &d), 0);
	ls_diag_clear(&d);
	/* the campaign week only: New Year's item never plays under it */
	ny->from = D(2023, 9, 11);
	ny->to = D(2023, 9, 17);
	assert_int_equal(sched_check(&cfg, &d), 1);
	assert_int_equal(d.v[0].line, ny->line);
	assert_non_null(strstr(d.v[0].text, "never shows anything"));
	ls_diag_clear(&d);
}

static void
test_default_durations(void **st)
{
	(void)st;
	reset("Asia/Shanghai");
	rule("def", LS_RULE_PLAY, "DEF");
	struct sched *s = mk();
	struct sched_result x = at(s, 0, L(s, 2023, 9, 12, 9, 0, 3));
	assert_true(fabs(x.cycle_len - SCHED_DEFAULT_DURATION) < 1e-9);
	assert_true(fabs(x.item_end - L(s, 2023, 9, 12, 9, 0, 10)) < 1e-6);
	sched_free(s);
}

static void
test_brightness(void **st)
{
	(void)st;
	reset("Asia/Shanghai");
	rule("base", LS_RULE_PLAY, "P1");
	struct ls_rule *dim = rule("evening", LS_RULE_PLAY, NULL);   /* dims only */
	hours(dim, 18, 0, 22, 0);
	dim->brightness = 40;
	struct ls_rule *sp = rule("campus-day", LS_RULE_PLAY, "P3");
	spec_dates[0] = D(2023, 9, 12);
	sp->dates.v = spec_dates;
	sp->dates.n = 1;
	sp->priority = 100;
	struct sched *s = mk();
	struct sched_result x = at(s, 1, L(s, 2023, 9, 11, 17, 59, 0));
	assert_int_equal(x.slot.brightness, 90);      /* the board's own */
	assert_null(x.slot.bright_rule);
	x = at(s, 1, L(s, 2023, 9, 11, 18, 0, 0));
	assert_int_equal(x.slot.brightness, 40);
	assert_string_equal(rname(&x), "base");       /* dimming changes no content */
	x = at(s, 1, L(s, 2023, 9, 12, 19, 0, 0));
	assert_string_equal(rname(&x), "campus-day");
	assert_int_equal(x.slot.brightness, 40);      /* campus day sets none: still dim */
	sp->brightness = 80;
	x = at(s, 1, L(s, 2023, 9, 12, 19, 0, 0));
	assert_int_equal(x.slot.brightness, 80);
	sched_free(s);

	struct ls_diag d = { 0 };
	assert_int_equal(sched_check(&cfg, &d), 0);
	ls_diag_clear(&d);

	/* Two dimming rules at one priority asking different things: the
	 * first wins, and check says so. */
	struct ls_rule *dim2 = rule("evening-2", LS_RULE_PLAY, NULL);
	hours(dim2, 21, 0, 23, 0);
	dim2->brightness = 20;
	s = mk();
	x = at(s, 1, L(s, 2023, 9, 11, 21, 30, 0));
	assert_int_equal(x.slot.brightness, 40);
	assert_ptr_equal(x.slot.bright_tie, dim2);
	x = at(s, 1, L(s, 2023, 9, 11, 22, 30, 0));
	assert_int_equal(x.slot.brightness, 20);
	assert_null(x.slot.bright_tie);
	sched_free(s);
	assert_int_equal(sched_check(&cfg, &d), 1);
	assert_non_null(strstr(d.v[0].text, "different brightness at equal priority 0"));
	assert_int_equal(d.v[0].line, dim2->line);
	ls_diag_clear(&d);
}

static void
test_dst_berlin(void **st)
{
	(void)st;
	reset("Europe/Berlin");
	cfg.fallback = "P3";
	struct ls_rule *r = rule("early", LS_RULE_PLAY, "P1");
	hours(r, 2, 0, 4, 0);
	struct sched *s = mk();
	double spring = (double)D(2023, 3, 26) * 86400 + 3600;    /* 01:00 UTC */
	struct sched_result x = at(s, 0, spring - 1);              /* 01:59:59 CET */
	assert_true(x.slot.fallback);
	assert_int_equal(x.local.hour, 1);
	/* The change point is the offset change itself, not 02:00 "naive". */
	assert_true(fabs(x.next_change - spring) < 1e-6);
	x = at(s, 0, spring);                                      /* 03:00 CEST */
	assert_string_equal(rname(&x), "early");
	assert_int_equal(x.local.hour, 3);
	assert_true(fabs(x.anchor - spring) < 1e-6);               /* 02:00 read as the jump */
	assert_string_equal(item(&x), "a");
	x = at(s, 0, spring + 3600 - 1);                            /* 03:59:59 CEST */
	assert_string_equal(rname(&x), "early");
	x = at(s, 0, spring + 3600);                                /* 04:00 CEST */
	assert_true(x.slot.fallback);
	/* The fallback counts from local midnight (23:00 UTC the day before):
	 * 5 h = 18000 s later, 18000 mod 30 = 0. */
	assert_true(fabs(x.cycle_pos) < 1e-9);

	double autumn = (double)D(2023, 10, 29) * 86400 + 3600;   /* 01:00 UTC */
	x = at(s, 0, autumn - 3600);                               /* 02:00 CEST */
	assert_string_equal(rname(&x), "early");
	x = at(s, 0, autumn - 1800);                               /* 02:30 CEST */
	assert_true(fabs(x.next_change - autumn) < 1e-6 || x.next_change < autumn);
	x = at(s, 0, autumn);                                      /* 02:00 CET, again */
	assert_string_equal(rname(&x), "early");
	assert_int_equal(x.local.hour, 2);
	/* The window lasts three real hours that night: 02:00 CEST .. 04:00 CET. */
	x = at(s, 0, autumn + 2 * 3600 - 1);                        /* 03:59:59 CET */
	assert_string_equal(rname(&x), "early");
	x = at(s, 0, autumn + 2 * 3600);                            /* 04:00 CET */
	assert_true(x.slot.fallback);
	/* Midnight to midnight is 25 h that day. */
	x = at(s, 0, (double)D(2023, 10, 29) * 86400 + 23 * 3600 - 1);   /* 23:59:59 CET */
	assert_int_equal(x.local.mday, 29);
	x = at(s, 0, (double)D(2023, 10, 29) * 86400 + 23 * 3600);
	assert_int_equal(x.local.mday, 30);
	sched_free(s);
}

static void
test_zone_independent_of_TZ(void **st)
{
	(void)st;
	reset("Asia/Shanghai");
	hours(rule("lunch", LS_RULE_PLAY, "P1"), 12, 0, 13, 0);
	setenv("TZ", "America/New_York", 1);
	struct sched *s = mk();
	double t = (double)D(2023, 9, 12) * 86400 + 4 * 3600 + 5 * 60;   /* 04:05 UTC */
	struct sched_result x = at(s, 0, t);
	assert_int_equal(x.local.hour, 12);
	assert_int_equal(x.local.min, 5);
	assert_string_equal(rname(&x), "lunch");
	unsetenv("TZ");
	sched_free(s);
}

/* Walking from change point to change point gives the items in playlist order. */
static void
test_walk_next_change(void **st)
{
	(void)st;
	reset("Asia/Shanghai");
	hours(rule("a", LS_RULE_PLAY, "P2"), 8, 0, 8, 1);
	cfg.fallback = "P1";
	struct sched *s = mk();
	double t = L(s, 2023, 9, 12, 7, 59, 50);
	const char *seq[64];
	int turns[64], n = 0;
	while (t < L(s, 2023, 9, 12, 8, 1, 20) && n < 64) {
		struct sched_result x = at(s, 0, t);
		assert_true(x.next_change > t);
		seq[n] = item(&x);
		turns[n++] = x.turn;
		t = x.next_change;
	}
	/* fallback a (7:59:50 is 28790 s: 28790 mod 30 = 20 -> b, 10 s left),
	 * then at 08:00 P2: c c a a (16 s) repeated, cut at 08:01, fallback again. */
	assert_string_equal(seq[0], "b");
	assert_string_equal(seq[1], "c");
	assert_int_equal(turns[1], 0);
	assert_string_equal(seq[2], "c");
	assert_int_equal(turns[2], 1);
	assert_string_equal(seq[3], "a");
	assert_string_equal(seq[4], "a");
	assert_int_equal(turns[4], 1);
	assert_string_equal(seq[5], "c");
	/* 60 s = 3 cycles of 16 s + 12 s: (c c a a) x3, then c c and an "a" cut
	 * short at 08:01 (seq[15]); then the fallback from 28860 s, 28860 mod 30
	 * = 0: "a" for 10 s, then "b". */
	assert_true(n >= 18);
	assert_string_equal(seq[13], "c");
	assert_string_equal(seq[15], "a");
	assert_string_equal(seq[16], "a");
	assert_string_equal(seq[17], "b");
	sched_free(s);
}

static void
test_check_clean_and_problems(void **st)
{
	(void)st;
	struct ls_diag d = { 0 };

	/* Clean: base all day, off at night, a special day above. */
	reset("Asia/Shanghai");
	struct ls_rule *b = rule("base", LS_RULE_PLAY, "P1");
	b->from = D(2023, 9, 11);
	b->to = D(2023, 9, 17);
	cfg.fallback = "P3";
	struct ls_rule *o = rule("night", LS_RULE_OFF, NULL);
	hours(o, 22, 0, 6, 30);
	o->priority = 1000;
	struct ls_rule *sp = rule("campus", LS_RULE_PLAY, "P2");
	spec_dates[0] = D(2023, 9, 12);
	sp->dates.v = spec_dates;
	sp->dates.n = 1;
	sp->priority = 100;
	assert_int_equal(sched_check(&cfg, &d), 0);
	ls_diag_clear(&d);

	/* A special date outside the rule's own range never applies. */
	sp->from = D(2023, 9, 13);
	assert_int_equal(sched_check(&cfg, &d), 1);
	assert_int_equal(d.v[0].line, sp->line);
	assert_non_null(strstr(d.v[0].text, "none of its dates"));
	ls_diag_clear(&d);
	sp->from = LS_DAY_NONE;

	/* A rule always hidden by a higher one. */
	struct ls_rule *h = rule("hidden", LS_RULE_PLAY, "P1");
	hours(h, 23, 0, 23, 30);
	h->priority = 500;
	assert_int_equal(sched_check(&cfg, &d), 1);
	assert_non_null(strstr(d.v[0].text, "always overridden"));
	assert_non_null(strstr(d.v[0].text, "\"night\""));
	ls_diag_clear(&d);
	h->priority = 2000;
	assert_int_equal(sched_check(&cfg, &d), 0);
	ls_diag_clear(&d);
	cfg.nrules--;

	/* Without a fallback, the days around the week are blank. */
	cfg.fallback = NULL;
	assert_int_equal(sched_check(&cfg, &d), 2);     /* one per board */
	assert_non_null(strstr(d.v[0].text, "nothing to show from 2023-09-03 06:30 to 2023-09-03 22:00"));
	assert_int_equal(d.v[0].line, 3);
	ls_diag_clear(&d);

	/* A play rule whose items are never inside its hours. */
	reset("Asia/Shanghai");
	cfg.fallback = "P3";
	struct ls_rule *e = rule("early-lunch", LS_RULE_PLAY, "LUNCH");
	hours(e, 7, 0, 9, 0);
	assert_int_equal(sched_check(&cfg, &d), 1);
	assert_non_null(strstr(d.v[0].text, "never shows anything"));
	ls_diag_clear(&d);

	/* A rule that selects no board. */
	reset("Asia/Shanghai");
	cfg.fallback = "P3";
	static char *NOBODY[] = { "library" };
	rule("nobody", LS_RULE_PLAY, "P1")->boards = (struct ls_strlist){ NOBODY, 1 };
	assert_int_equal(sched_check(&cfg, &d), 1);
	assert_non_null(strstr(d.v[0].text, "selects no board"));
	ls_diag_clear(&d);
}

/* sched_why: every rule gets the first test it failed, the winner and the
 * reasons agree with sched_slot_at, and the phrases carry the numbers. */
static const struct sched_why_rule *
why_of(const struct sched_why *w, const char *name)
{
	for (size_t i = 0; i < w->nrules; i++)
		if (strcmp(w->rules[i].rule->name, name) == 0)
			return &w->rules[i];
	fail_msg("no rule %s", name);
	return NULL;
}

static void
test_why_reasons(void **st)
{
	(void)st;
	reset("Asia/Shanghai");
	struct ls_rule *r;
	rule("base", LS_RULE_PLAY, "P1");                        /* priority 0 */
	r = rule("exam", LS_RULE_PLAY, "P2");
	r->priority = 10;
	r->weekdays = 1u << 2;                                   /* Tuesdays */
	r = rule("late", LS_RULE_OFF, NULL);
	hours(r, 22, 0, 6, 0);
	r->priority = 10;
	r = rule("gate-only", LS_RULE_PLAY, "P3");
	r->boards = (struct ls_strlist){ GATE, 1 };
	r->priority = 5;
	r = rule("future", LS_RULE_PLAY, "P3");
	r->from = D(2023, 10, 1);
	r->priority = 50;
	r = rule("past", LS_RULE_PLAY, "P3");
	r->to = D(2023, 9, 1);
	r->priority = 50;
	r = rule("special", LS_RULE_PLAY, "P3");
	spec_dates[0] = D(2023, 9, 20);
	r->dates.v = spec_dates;
	r->dates.n = 1;
	r->priority = 100;
	r = rule("lunch", LS_RULE_PLAY, "LUNCH");                /* nothing before 11:30 */
	r->priority = 20;
	r = rule("dim", LS_RULE_PLAY, NULL);
	r->brightness = 40;
	r->priority = 1;
	r = rule("mate", LS_RULE_PLAY, "P3");                    /* ties with exam */
	r->priority = 10;
	r->weekdays = 1u << 2;

	struct sched_why w;
	char buf[256];
	/* Tuesday 2023-09-12 10:00 on the canteen */
	assert_int_equal(sched_why_at(&cfg, &boards[1], D(2023, 9, 12), 600, &w), 0);
	assert_int_equal(w.nrules, cfg.nrules);
	assert_ptr_equal(w.slot.rule, &rules[1]);
	assert_int_equal(why_of(&w, "exam")->reason, SCHED_WHY_WON);
	assert_int_equal(why_of(&w, "mate")->reason, SCHED_WHY_ROTATING);
	assert_int_equal(why_of(&w, "base")->reason, SCHED_WHY_PRIORITY);
	assert_ptr_equal(why_of(&w, "base")->by, &rules[1]);
	assert_string_equal(sched_why_explain(&w, why_of(&w, "base"), buf, sizeof buf),
	    "applies, but its priority 0 is below \"exam\" (10)");
	assert_int_equal(why_of(&w, "late")->reason, SCHED_WHY_WINDOW);
	assert_string_equal(sched_why_explain(&w, why_of(&w, "late"), buf, sizeof buf),
	    "10:00 is outside its hours 22:00-06:00");
	assert_int_equal(why_of(&w, "gate-only")->reason, SCHED_WHY_BOARD);
	assert_int_equal(why_of(&w, "future")->reason, SCHED_WHY_FROM);
	assert_int_equal(why_of(&w, "past")->reason, SCHED_WHY_TO);
	assert_int_equal(why_of(&w, "special")->reason, SCHED_WHY_DATES);
	assert_int_equal(why_of(&w, "lunch")->reason, SCHED_WHY_EMPTY);
	assert_int_equal(why_of(&w, "dim")->reason, SCHED_WHY_DIM_ONLY);
	assert_true(why_of(&w, "dim")->brightness);
	assert_string_equal(sched_why_reason_name(why_of(&w, "dim")->reason), "dims-only");
	sched_why_clear(&w);

	/* Wednesday 23:00: exam is out on its weekday, "late" (off, 10) wins;
	 * base loses on priority; at 01:00 Thursday "late" still holds (its
	 * window started Wednesday). */
	assert_int_equal(sched_why_at(&cfg, &boards[1], D(2023, 9, 13), 23 * 60, &w), 0);
	assert_int_equal(why_of(&w, "late")->reason, SCHED_WHY_WON);
	assert_int_equal(why_of(&w, "exam")->reason, SCHED_WHY_WEEKDAY);
	assert_string_equal(sched_why_explain(&w, why_of(&w, "exam"), buf, sizeof buf),
	    "Wednesday is not one of its weekdays (tue)");
	sched_why_clear(&w);
	/* Tuesday 23:00: exam and mate (play, 10) tie with late (off, 10): off wins on kind */
	assert_int_equal(sched_why_at(&cfg, &boards[1], D(2023, 9, 12), 23 * 60, &w), 0);
	assert_int_equal(w.slot.state, SCHED_OFF);
	assert_int_equal(why_of(&w, "exam")->reason, SCHED_WHY_KIND);
	assert_ptr_equal(why_of(&w, "exam")->by, &rules[2]);
	assert_non_null(strstr(sched_why_explain(&w, why_of(&w, "exam"), buf, sizeof buf), "off, which beats play"));
	sched_why_clear(&w);
	/* Wednesday 01:00: the window of "late" began on Tuesday; exam's
	 * Tuesday does not reach past midnight */
	assert_int_equal(sched_why_at(&cfg, &boards[1], D(2023, 9, 13), 60, &w), 0);
	assert_int_equal(why_of(&w, "late")->reason, SCHED_WHY_WON);
	assert_int_equal(why_of(&w, "exam")->reason, SCHED_WHY_WEEKDAY);
	sched_why_clear(&w);
	sched_why_clear(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_date_range_boundaries),
		cmocka_unit_test(test_daily_window),
		cmocka_unit_test(test_window_crossing_midnight),
		cmocka_unit_test(test_crossing_playlist_anchor),
		cmocka_unit_test(test_special_dates_and_priority),
		cmocka_unit_test(test_leap_day),
		cmocka_unit_test(test_year_end_and_leap_windows),
		cmocka_unit_test(test_weekday_masks),
		cmocka_unit_test(test_board_selection),
		cmocka_unit_test(test_equal_priority_rotation),
		cmocka_unit_test(test_off_beats_play),
		cmocka_unit_test(test_per_item_windows),
		cmocka_unit_test(test_per_item_days),
		cmocka_unit_test(test_check_item_days),
		cmocka_unit_test(test_default_durations),
		cmocka_unit_test(test_brightness),
		cmocka_unit_test(test_dst_berlin),
		cmocka_unit_test(test_zone_independent_of_TZ),
		cmocka_unit_test(test_walk_next_change),
		cmocka_unit_test(test_check_clean_and_problems),
		cmocka_unit_test(test_why_reasons),
	};
	return cmocka_run_group_tests_name("schedule", tests, NULL, NULL);
}
