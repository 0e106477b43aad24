/* The sample campaign (content/campaign-week.cfg) as the schedule sees it:
 * no schedule warnings, campus day in force on 12 September, dark nights,
 * dimmed evenings, meal-time mix in the canteen, the fallback after the week. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "schedule/schedule.h"

#define SAMPLE "content/campaign-week.cfg"

static struct ls_config *cfg;
static struct sched *sch;

static int
setup(void **st)
{
	(void)st;
	struct ls_diag d = { 0 };
	char err[256];
	cfg = ls_config_load(SAMPLE, &d);
	if (!cfg) {
		for (size_t i = 0; i < d.n; i++)
			fprintf(stderr, "%s:%d: %s\n", SAMPLE, d.v[i].line, d.v[i].text);
		ls_diag_clear(&d);
		return -1;
	}
	ls_diag_clear(&d);
	sch = sched_new(cfg, err, sizeof err);
	return sch ? 0 : -1;
}

static int
teardown(void **st)
{
	(void)st;
	sched_free(sch);
	ls_config_free(cfg);
	return 0;
}

static double
L(int y, int mo, int d, int h, int mi)
{
	return (double)tz_from_local(sched_tz(sch), tz_days_from_civil(y, mo, d), h * 3600 + mi * 60);
}

static void
test_no_warnings(void **st)
{
	(void)st;
	struct ls_diag d = { 0 };
	int n = sched_check(cfg, &d);
	for (size_t i = 0; i < d.n; i++)
		fprintf(stderr, "%s:%d: %s\n", SAMPLE, d.v[i].line, d.v[i].text);
	assert_int_equal(n, 0);
	assert_int_equal(d.errors, 0);
	ls_diag_clear(&d);
}

static void
test_campus_day_noon(void **st)
{
	(void)st;
	assert_true(cfg->nboards >= 4);
	for (size_t i = 0; i < cfg->nboards; i++) {
		struct sched_result r;
		sched_at(sch, &cfg->boards[i], L(2023, 9, 12, 12, 5), &r);
		assert_int_equal(r.slot.state, SCHED_PLAY);
		assert_non_null(r.slot.rule);
		assert_true(strncmp(r.slot.rule->name, "campus-day", 10) == 0);
		assert_non_null(r.content);
		assert_true(r.entry >= 0);
	}
}

static void
test_week_shape(void **st)
{
	(void)st;
	const struct ls_board *gate = ls_config_board(cfg, "gate");
	const struct ls_board *canteen = ls_config_board(cfg, "canteen");
	const struct ls_board *dorm = ls_config_board(cfg, "dorm-1");
	assert_non_null(gate);
	assert_non_null(canteen);
	assert_non_null(dorm);
	struct sched_result r;

	/* A school day: the campaign at the gate, lunch mix in the canteen. */
	sched_at(sch, gate, L(2023, 9, 13, 10, 0), &r);
	assert_string_equal(r.slot.rule->name, "campaign-gate");
	assert_int_equal(r.slot.brightness, 100);
	sched_at(sch, canteen, L(2023, 9, 13, 12, 0), &r);
	assert_string_equal(r.slot.rule->name, "lunch");
	/* Meals show the canteen-meal layout; the quiz is in its tips strip
	 * (area 3) only at lunch. */
	sched_at(sch, canteen, L(2023, 9, 13, 12, 0), &r);
	assert_non_null(r.layout);
	assert_string_equal(r.layout->name, "canteen-meal");
	assert_int_equal(r.nareas, 3);
	assert_string_equal(r.areas[2].playlist->name, "meal-tips");
	double lunch_cycle = r.areas[2].cycle_len;
	sched_at(sch, canteen, L(2023, 9, 13, 17, 30), &r);
	assert_string_equal(r.slot.rule->name, "dinner");
	assert_true(r.areas[2].cycle_len < lunch_cycle);

	/* Evening: dimmer.  Night: dark. */
	sched_at(sch, dorm, L(2023, 9, 13, 19, 0), &r);
	assert_int_equal(r.slot.brightness, 40);
	sched_at(sch, gate, L(2023, 9, 13, 19, 0), &r);
	assert_int_equal(r.slot.brightness, 60);
	sched_at(sch, gate, L(2023, 9, 13, 23, 0), &r);
	assert_int_equal(r.slot.state, SCHED_OFF);
	sched_at(sch, dorm, L(2023, 9, 14, 3, 0), &r);
	assert_int_equal(r.slot.state, SCHED_POWER_OFF);

	/* After the week: the fallback by day, dark at night. */
	sched_at(sch, gate, L(2023, 9, 18, 10, 0), &r);
	assert_true(r.slot.fallback);
	assert_string_equal(r.playlist->name, "everyday");
	sched_at(sch, gate, L(2023, 9, 18, 23, 0), &r);
	assert_int_equal(r.slot.state, SCHED_OFF);

	/* The countdown to the last day is in the campaign loops. */
	int found = 0;
	for (size_t i = 0; i < cfg->ncontent; i++)
		if (cfg->content[i].text && strstr(cfg->content[i].text, "{countdown:2023-09-17}"))
			found = 1;
	assert_true(found);
}

/* Between t and next_change nothing may change; items cover their instant. */
static void
test_next_change_invariant(void **st)
{
	(void)st;
	srand(12);
	double t0 = L(2023, 9, 10, 0, 0), t1 = L(2023, 9, 19, 0, 0);
	for (int k = 0; k < 20000; k++) {
		const struct ls_board *b = &cfg->boards[(size_t)rand() % cfg->nboards];
		double t = t0 + (t1 - t0) * ((double)rand() / RAND_MAX);
		struct sched_result a, x;
		sched_at(sch, b, t, &a);
		assert_true(a.next_change > t);
		if (a.entry >= 0) {
			assert_true(a.item_start <= t + 1e-6);
			assert_true(a.item_end > t);
		}
		double u = t + (a.next_change - t) * 0.999 * ((double)rand() / RAND_MAX);
		sched_at(sch, b, u, &x);
		if (x.slot.rule != a.slot.rule || x.slot.state != a.slot.state || x.playlist != a.playlist ||
		    x.entry != a.entry || x.turn != a.turn || x.slot.brightness != a.slot.brightness ||
		    x.layout != a.layout || x.nareas != a.nareas)
			fail_msg("board %s: changed between %.3f and %.3f (next_change %.3f)", b->name, t, u,
			    a.next_change);
		/* a layout's areas too: none changes item before next_change */
		for (size_t i = 0; i < a.nareas; i++) {
			if (a.areas[i].entry >= 0) {
				assert_true(a.areas[i].item_start <= t + 1e-6);
				assert_true(a.areas[i].item_end > t);
				assert_true(a.areas[i].item_end >= a.next_change);
			}
			if (x.areas[i].entry != a.areas[i].entry || x.areas[i].turn != a.areas[i].turn)
				fail_msg("board %s area %zu: changed between %.3f and %.3f (next_change %.3f)", b->name, i, t,
				    u, a.next_change);
		}
	}
}

/* Stepping from change to change through a whole day visits every item of a loop in order. */
static void
test_walk_day(void **st)
{
	(void)st;
	const struct ls_board *gate = ls_config_board(cfg, "gate");
	double t = L(2023, 9, 13, 0, 0), end = L(2023, 9, 14, 0, 0);
	int steps = 0, last_entry = -1;
	const struct ls_playlist *last_pl = NULL;
	while (t < end) {
		struct sched_result r;
		sched_at(sch, gate, t, &r);
		if (r.entry >= 0 && r.playlist == last_pl && last_entry >= 0) {
			/* the next item of the same loop, wrapping round */
			int want = (last_entry + 1) % (int)r.playlist->nentries;
			if (r.entry != want && r.entry != last_entry)
				fail_msg("gate at %.0f: entry %d after %d", t, r.entry, last_entry);
		}
		last_entry = r.entry;
		last_pl = r.playlist;
		t = r.next_change;
		steps++;
		assert_true(steps < 100000);
	}
	/* 06:30-22:30 of 131 s loops: about 440 loops of 10 items. */
	assert_true(steps > 4000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_warnings),
		cmocka_unit_test(test_campus_day_noon),
		cmocka_unit_test(test_week_shape),
		cmocka_unit_test(test_next_change_invariant),
		cmocka_unit_test(test_walk_day),
	};
	return cmocka_run_group_tests_name("schedule-sample", tests, setup, teardown);
}
