/*
 * control_sched.c — the schedule questions a console asks, answered from
 * the config the daemon plays (docs/alerts.md, "Verbs"):
 *
 *   why v=1 [at=UNIX] [board=NAME]
 *       per board a "board ..." line (what plays, by which rule, the alert
 *       covering it) and one "rule ..." line per rule for that board, with
 *       the reason word and phrase of sched_why.h: the same answer as
 *       `ledsign schedule --at --why`.
 *   week v=1 first=YYYY-MM-DD [board=NAME | group=NAME]
 *       per board and day, the runs of `schedule --week` ("run ..." lines:
 *       from, to, state, rule, brightness).
 *
 * The version (v=1) is part of the request: a later format is a new
 * number, and a client asking for one the daemon does not speak gets
 * error code=version instead of lines it would misread.
 */
#include "daemon/control_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "schedule/sched_plan.h"
#include "schedule/sched_why.h"
#include "schedule/schedule.h"
#include "util/kv.h"

#define SCHED_VERB_VERSION "1"

struct sched_args {
	int    have_at;
	double at;
	char   board[128], group[128], first[16], v[8], local[24];
};

/* Parse key=value arguments; 0, or -1 after an error answer. */
static int
sched_args(struct control_req *rq, struct control_obuf *b, const char *verb, const char *usage,
    struct sched_args *a)
{
	char key[32], val[256], err[256];
	const char *cur = rq->args;
	long long v;
	int r;

	memset(a, 0, sizeof *a);
	while ((r = kv_next(&cur, key, sizeof key, val, sizeof val, err, sizeof err)) > 0) {
		if (strcmp(key, "at") == 0 && kv_num(val, &v) == 0) {
			a->at = (double)v;
			a->have_at = 1;
		} else if (strcmp(key, "board") == 0 && strlen(val) < sizeof a->board)
			snprintf(a->board, sizeof a->board, "%s", val);
		else if (strcmp(key, "group") == 0 && strlen(val) < sizeof a->group)
			snprintf(a->group, sizeof a->group, "%s", val);
		else if (strcmp(key, "first") == 0 && strlen(val) < sizeof a->first)
			snprintf(a->first, sizeof a->first, "%s", val);
		else if (strcmp(key, "local") == 0 && strlen(val) < sizeof a->local)
			snprintf(a->local, sizeof a->local, "%s", val);
		else if (strcmp(key, "v") == 0 && strlen(val) < sizeof a->v)
			snprintf(a->v, sizeof a->v, "%s", val);
		else {
			snprintf(err, sizeof err, "%s takes %s", verb, usage);
			r = -1;
			break;
		}
	}
	if (r < 0) {
		control_ob_error(b, "usage", err);
		return -1;
	}
	if (strcmp(a->v, SCHED_VERB_VERSION) != 0) {
		snprintf(err, sizeof err, "%s: this daemon answers v=" SCHED_VERB_VERSION "; the request asked for v=%s",
		    verb, a->v[0] ? a->v : "(none)");
		control_ob_error(b, "version", err);
		return -1;
	}
	return 0;
}

static const struct sched *
sched_of(struct control_req *rq, struct control_obuf *b, double *wall)
{
	struct control_server *s = rq->srv;
	const struct sched *sc;

	if (s->ops.schedule == NULL || (sc = s->ops.schedule(s->arg, wall)) == NULL) {
		control_ob_error(b, "unsupported", "this server plays no schedule");
		return NULL;
	}
	return sc;
}

static const char *
state_word(enum sched_state st)
{
	switch (st) {
	case SCHED_PLAY: return "play";
	case SCHED_OFF: return "off";
	case SCHED_POWER_OFF: return "power-off";
	default: return "blank";
	}
}

static int
board_wanted(const struct ls_board *bd, const struct sched_args *a)
{
	if (a->board[0] != '\0' && strcmp(a->board, bd->name) != 0)
		return 0;
	if (a->group[0] != '\0') {
		for (size_t g = 0; g < bd->groups.n; g++)
			if (strcmp(bd->groups.v[g], a->group) == 0)
				return 1;
		return 0;
	}
	return 1;
}

/* No board matched board= / group=: say so. */
static int
none_matched(struct control_obuf *b, const struct sched_args *a, size_t n)
{
	char err[300];

	if (n > 0)
		return 0;
	snprintf(err, sizeof err, "no %s \"%.100s\" in the config (boards lists them)",
	    a->group[0] ? "group" : "board", a->group[0] ? a->group : a->board);
	control_ob_error(b, "notfound", err);
	return 1;
}

void
control_verb_why(struct control_req *rq, struct control_obuf *b)
{
	struct sched_args a;
	const struct sched *sc;
	const struct ls_config *cfg;
	struct tz_civil c;
	double wall = 0;
	char num[8][40], local[40], text[512], groups[1024];
	size_t n = 0;

	if (sched_args(rq, b, "why", "v=1 [at=UNIX | local=YYYY-MM-DDTHH:MM] [board=NAME | group=NAME]", &a) < 0)
		return;
	if ((sc = sched_of(rq, b, &wall)) == NULL)
		return;
	if (a.local[0] != '\0') {
		/* a wall-clock time in the config's zone, as the console's calendar names it */
		char date[11];
		int h, m, used = 0;
		ls_day day;
		snprintf(date, sizeof date, "%.10s", a.local);
		if (strlen(a.local) < 16 || (a.local[10] != 'T' && a.local[10] != ' ') || ls_parse_date(date, &day) < 0 ||
		    sscanf(a.local + 11, "%2d:%2d%n", &h, &m, &used) != 2 || a.local[11 + used] != '\0' || h < 0 || h > 23 ||
		    m < 0 || m > 59) {
			control_ob_error(b, "usage", "why: local= is YYYY-MM-DDTHH:MM in the config's time zone");
			return;
		}
		a.at = (double)tz_from_local(sched_tz(sc), day, h * 3600 + m * 60);
		a.have_at = 1;
	}
	if (!a.have_at)
		a.at = (double)(long long)wall;
	cfg = sched_config(sc);
	tz_to_civil(sched_tz(sc), (int64_t)a.at, &c);
	for (size_t i = 0; i < cfg->nboards; i++) {
		const struct ls_board *bd = &cfg->boards[i];
		const struct alert *al;
		const struct ls_rule *rule;
		struct sched_result res;
		struct sched_why w;

		if (!board_wanted(bd, &a))
			continue;
		sched_at(sc, bd, a.at, &res);
		if (sched_why_at(cfg, bd, c.day, c.hour * 60 + c.min, &w) < 0) {
			b->oom = 1;
			return;
		}
		rule = res.rule ? res.rule : res.slot.rule;
		groups[0] = '\0';
		for (size_t g = 0, used = 0; g < bd->groups.n; g++)
			used += (size_t)snprintf(groups + used, used < sizeof groups ? sizeof groups - used : 0, "%s%s",
			    g ? "," : "", bd->groups.v[g]);
		al = rq->srv->store ? alert_store_for_board(rq->srv->store, bd, (long long)a.at) : NULL;
		snprintf(num[0], sizeof num[0], "%d", rule ? rule->line : 0);
		snprintf(num[1], sizeof num[1], "%d", res.slot.fallback);
		snprintf(num[2], sizeof num[2], "%d", res.entry >= 0 ? res.entry + 1 : 0);
		snprintf(num[3], sizeof num[3], "%d", res.slot.brightness);
		snprintf(num[4], sizeof num[4], "%d", res.slot.ntied > 1 ? res.slot.ntied : 1);
		control_ob_line(b, "board", "name", bd->name, "groups", groups, "state", state_word(res.slot.state),
		    "rule", rule ? rule->name : "", "rule_line", num[0], "rule_file", rule ? LS_FILE(cfg, rule) : "",
		    "fallback", num[1], "playlist", res.playlist ? res.playlist->name : "", "entry", num[2],
		    "item", res.content ? res.content->name : "", "brightness", num[3],
		    "bright_rule", res.slot.bright_rule ? res.slot.bright_rule->name : "", "rotating", num[4],
		    "alert", al ? al->id : "", "alert_level", al ? alert_level_name(al->level) : "",
		    "alert_text", al ? al->text : "", (const char *)NULL);
		for (size_t k = 0; k < w.nrules; k++) {
			const struct sched_why_rule *wr = &w.rules[k];
			if (wr->reason == SCHED_WHY_BOARD)
				continue;
			snprintf(num[5], sizeof num[5], "%d", wr->rule->line);
			snprintf(num[6], sizeof num[6], "%d", wr->rule->priority);
			snprintf(num[7], sizeof num[7], "%d", wr->brightness);
			control_ob_line(b, "rule", "board", bd->name, "name", wr->rule->name, "line", num[5],
			    "file", LS_FILE(cfg, wr->rule), "priority", num[6],
			    "reason", sched_why_reason_name(wr->reason), "by", wr->by ? wr->by->name : "",
			    "sets_brightness", num[7], "text", sched_why_explain(&w, wr, text, sizeof text),
			    (const char *)NULL);
		}
		sched_why_clear(&w);
		n++;
	}
	if (none_matched(b, &a, n))
		return;
	snprintf(local, sizeof local, "%04d-%02d-%02dT%02d:%02d:%02d", c.year, c.month, c.mday, c.hour, c.min, c.sec);
	snprintf(num[0], sizeof num[0], "%.0f", a.at);
	snprintf(num[1], sizeof num[1], "%zu", n);
	control_ob_line(b, "ok", "version", SCHED_VERB_VERSION, "at", num[0], "local", local,
	    "zone", tz_name(sched_tz(sc)), "boards", num[1], "fallback", cfg->fallback ? cfg->fallback : "",
	    (const char *)NULL);
}

void
control_verb_week(struct control_req *rq, struct control_obuf *b)
{
	struct sched_args a;
	const struct sched *sc;
	const struct ls_config *cfg;
	struct sched_plan *plan;
	double wall = 0;
	ls_day first;
	char day[11], from[6], to[6], num[4][24], who[128];
	size_t n = 0;

	if (sched_args(rq, b, "week", "v=1 first=YYYY-MM-DD [board=NAME | group=NAME]", &a) < 0)
		return;
	if (ls_parse_date(a.first, &first) < 0) {
		control_ob_error(b, "usage", "week needs first=YYYY-MM-DD, a real date");
		return;
	}
	if ((sc = sched_of(rq, b, &wall)) == NULL)
		return;
	cfg = sched_config(sc);
	if ((plan = malloc(sizeof *plan)) == NULL) {
		b->oom = 1;
		return;
	}
	for (size_t i = 0; i < cfg->nboards; i++) {
		const struct ls_board *bd = &cfg->boards[i];

		if (!board_wanted(bd, &a))
			continue;
		sched_plan_fill(plan, cfg, bd, first);
		for (int d = 0; d < SCHED_PLAN_DAYS; d++) {
			sched_fmt_day(first + d, day);
			for (int m = 0; m < SCHED_PLAN_MIN;) {
				const struct sched_plan_cell *cl = &plan->cells[d][m];
				int e = m + 1;
				while (e < SCHED_PLAN_MIN && plan->cells[d][e].who == cl->who &&
				    plan->cells[d][e].state == cl->state && plan->cells[d][e].brightness == cl->brightness)
					e++;
				sched_fmt_minute(m, from);
				sched_fmt_minute(e, to);
				snprintf(num[0], sizeof num[0], "%d", cl->who >= 0 ? cfg->rules[cl->who].line : 0);
				snprintf(num[1], sizeof num[1], "%d", cl->brightness);
				snprintf(num[2], sizeof num[2], "%d", cl->rotating);
				control_ob_line(b, "run", "board", bd->name, "day", day, "from", from, "to", to,
				    "state", state_word((enum sched_state)cl->state),
				    "who", sched_plan_who_name(plan, cl->who, who, sizeof who),
				    "rule", cl->who >= 0 ? cfg->rules[cl->who].name : "", "rule_line", num[0],
				    "playlist", cl->who >= 0 && cfg->rules[cl->who].playlist ? cfg->rules[cl->who].playlist
				    : cl->who == SCHED_PLAN_FALLBACK && cfg->fallback ? cfg->fallback : "",
				    "brightness", num[1], "rotating", num[2], (const char *)NULL);
				m = e;
			}
		}
		n++;
	}
	free(plan);
	if (none_matched(b, &a, n))
		return;
	snprintf(num[0], sizeof num[0], "%zu", n);
	control_ob_line(b, "ok", "version", SCHED_VERB_VERSION, "first", a.first, "zone", tz_name(sched_tz(sc)),
	    "boards", num[0], (const char *)NULL);
}
