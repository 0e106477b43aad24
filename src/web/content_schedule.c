/*
 * content_schedule.c — the week as a calendar, per board and per group, as
 * `ledsign schedule --week` computes it (the daemon's `week v=1` verb), and
 * any moment explained: what every board shows then and why (`why v=1`:
 * the rule that won, the rules it beat and on what, the alert covering it).
 * The calendar is SVG (attributes, not styles: the Content-Security-Policy
 * allows no inline style); every run links to "why" at its start.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/control.h"
#include "util/strlist.h"
#include "web/content_int.h"

#define DAY_W 150
#define HOUR_H 22
#define TOP 30
#define LEFT 46

struct run {
	char board[128], day[12], from[6], to[6], state[12], who[128], playlist[128];
	int  bright;
};

struct week {
	struct run *v;
	size_t n;
	char days[7][12];
	int  ndays;
};

static const struct content_field run_fields[] = {
	CONTENT_FIELD(struct run, board, "board"),
	CONTENT_FIELD(struct run, day, "day"),
	CONTENT_FIELD(struct run, from, "from"),
	CONTENT_FIELD(struct run, to, "to"),
	CONTENT_FIELD(struct run, state, "state"),
	CONTENT_FIELD(struct run, who, "who"),
	CONTENT_FIELD(struct run, playlist, "playlist"),
};

static void
week_line(void *arg, const char *line)
{
	struct week *w = arg;
	struct run *nv, *r;
	char num[16];

	if (strncmp(line, "run ", 4) != 0 || w->n >= 20000)
		return;
	if ((nv = realloc(w->v, (w->n + 1) * sizeof *nv)) == NULL)
		return;
	w->v = nv;
	r = &w->v[w->n++];
	memset(r, 0, sizeof *r);
	content_fields(line, r, run_fields, sizeof run_fields / sizeof run_fields[0]);
	if (control_line_get(line, "brightness", num, sizeof num) == 0)
		r->bright = atoi(num);
	if (w->ndays < 7 && (w->ndays == 0 || strcmp(w->days[w->ndays - 1], r->day) != 0)) {
		int seen = 0;
		for (int i = 0; i < w->ndays; i++)
			seen |= strcmp(w->days[i], r->day) == 0;
		if (!seen)
			snprintf(w->days[w->ndays++], sizeof w->days[0], "%s", r->day);
	}
}

static int
minutes(const char *hhmm)
{
	return atoi(hhmm) * 60 + atoi(hhmm + 3);
}

/* A colour for a rule's name, stable from page to page. */
static const char *
colour_of(const struct run *r)
{
	static const char *const pal[] = { "#4e79a7", "#59a14f", "#9c755f", "#f28e2b", "#b07aa1", "#76b7b2",
		"#edc948", "#e15759", "#ff9da7", "#bab0ac" };
	unsigned h = 5381;

	if (strcmp(r->state, "off") == 0 || strcmp(r->state, "power-off") == 0)
		return "#333333";
	if (strcmp(r->state, "blank") == 0)
		return "#ffffff";
	for (const char *p = r->who; *p; p++)
		h = h * 33 + (unsigned char)*p;
	return pal[h % (sizeof pal / sizeof pal[0])];
}

static void
board_svg(const struct web_req *rq, struct web_buf *b, const struct week *w, const char *board)
{
	int width = LEFT + 7 * DAY_W + 2, height = TOP + 24 * HOUR_H + 2;

	web_buf_escf(b, "<h2>%s</h2><div class=\"scroll\"><svg class=\"week\" xmlns=\"http://www.w3.org/2000/svg\" "
	    "role=\"img\" aria-label=\"%s %s\" ", board, web_msg(rq, "c.week"), board);
	web_buf_printf(b, "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">", width, height, width, height);
	for (int h = 0; h <= 24; h += 2)
		web_buf_printf(b, "<text x=\"2\" y=\"%d\" font-size=\"11\" fill=\"#555\">%02d:00</text>"
		    "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>", TOP + h * HOUR_H + 4, h,
		    LEFT, LEFT + 7 * DAY_W, TOP + h * HOUR_H, TOP + h * HOUR_H);
	for (int d = 0; d < w->ndays; d++)
		web_buf_escf(b, "<text x=\"%d\" y=\"18\" font-size=\"12\" font-weight=\"bold\">%s</text>",
		    LEFT + d * DAY_W + 4, w->days[d]);
	for (size_t i = 0; i < w->n; i++) {
		const struct run *r = &w->v[i];
		int d, y0, y1;
		if (strcmp(r->board, board) != 0)
			continue;
		for (d = 0; d < w->ndays && strcmp(w->days[d], r->day) != 0; d++)
			;
		if (d == w->ndays)
			continue;
		y0 = TOP + minutes(r->from) * HOUR_H / 60;
		y1 = TOP + minutes(r->to) * HOUR_H / 60;
		web_buf_escf(b, "<a href=\"/schedule/why?local=%sT%s\" class=\"run\" data-board=\"%s\" data-day=\"%s\" "
		    "data-from=\"%s\" data-who=\"%s\"><title>%s %s–%s %s %s", r->day, r->from, r->board, r->day, r->from,
		    r->who, r->day, r->from, r->to, r->who, r->playlist);
		if (strcmp(r->state, "play") == 0 && r->bright)
			web_buf_printf(b, " %d%%", r->bright);
		web_buf_escf(b, " (%s)</title>", r->state);
		web_buf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"", LEFT + d * DAY_W + 1, y0,
		    DAY_W - 2, y1 - y0 > 1 ? y1 - y0 : 1);
		web_buf_escf(b, "%s\" stroke=\"#fff\"/>", colour_of(r));
		if (y1 - y0 >= 14)
			web_buf_escf(b, "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"%s\">%s %s</text>", LEFT + d * DAY_W + 5,
			    y0 + 12, strcmp(r->state, "blank") == 0 ? "#b00" : "#fff", r->from,
			    strcmp(r->state, "play") == 0 ? r->who : r->state);
		web_buf_puts(b, "</a>");
	}
	web_buf_puts(b, "</svg></div>");
}

struct names {
	char boards[256][128];
	size_t nb;
	struct ls_strlist groups;
};

static void
boards_line(void *arg, const char *line)
{
	struct names *n = arg;
	char g[1024];

	if (strncmp(line, "board ", 6) != 0 || n->nb >= 256)   /* why v=1's board lines */
		return;
	control_line_get(line, "name", n->boards[n->nb++], sizeof n->boards[0]);
	if (control_line_get(line, "groups", g, sizeof g) == 0)
		ls_strlist_add_csv(&n->groups, g);
}

/* A select of boards and groups, value "board:NAME" or "group:NAME". */
static void
target_select(const struct web_req *rq, struct web_buf *b, const struct names *n, const char *cur)
{
	web_buf_escf(b, "<label for=\"target\">%s</label><select id=\"target\" name=\"target\"><option value=\"\">%s</option>",
	    web_msg(rq, "c.target"), web_msg(rq, "c.allboards"));
	for (size_t i = 0; i < n->groups.n; i++) {
		char v[160];
		snprintf(v, sizeof v, "group:%s", n->groups.v[i]);
		web_buf_escf(b, "<option value=\"%s\"%s>%s %s</option>", v, cur && strcmp(cur, v) == 0 ? " selected" : "",
		    web_msg(rq, "c.group"), n->groups.v[i]);
	}
	for (size_t i = 0; i < n->nb; i++) {
		char v[160];
		snprintf(v, sizeof v, "board:%s", n->boards[i]);
		web_buf_escf(b, "<option value=\"%s\"%s>%s %s</option>", v, cur && strcmp(cur, v) == 0 ? " selected" : "",
		    web_msg(rq, "c.board"), n->boards[i]);
	}
	web_buf_puts(b, "</select>");
}

/* "board=X" or "group=X" for a request, from target. */
static int
target_arg(const char *target, char *out, size_t len)
{
	const char *c;
	out[0] = '\0';
	if (target == NULL || target[0] == '\0')
		return 0;
	if ((c = strchr(target, ':')) == NULL || strpbrk(target, " \t\r\n"))
		return -1;
	if (strncmp(target, "board:", 6) == 0)
		snprintf(out, len, " board=%s", c + 1);
	else if (strncmp(target, "group:", 6) == 0)
		snprintf(out, len, " group=%s", c + 1);
	else
		return -1;
	return 0;
}

static int
valid_date(const char *s)
{
	int y, m, d, n = 0;
	return s && sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 && n == 10 && s[10] == '\0';
}

void
page_schedule(struct web_req *rq, struct web_resp *r)
{
	struct web_buf b = { 0 };
	struct week w = { 0 };
	struct names n = { 0 };
	char req[512], final[1024], err[512], targ[300], first[16];
	const char *f = web_field(rq, "first"), *target = web_field(rq, "target");
	int rc;

	if (valid_date(f))
		snprintf(first, sizeof first, "%s", f);
	else {
		/* this week's Monday, on this machine's clock */
		time_t now = time(NULL);
		struct tm tm;
		localtime_r(&now, &tm);
		now -= (time_t)(((tm.tm_wday + 6) % 7) * 86400);
		localtime_r(&now, &tm);
		strftime(first, sizeof first, "%Y-%m-%d", &tm);
	}
	web_control(rq, "why v=1", boards_line, &n, final, sizeof final, err, sizeof err);
	web_buf_escf(&b, "<form method=\"get\" action=\"/schedule\" class=\"card\"><label for=\"first\">%s</label>"
	    "<input type=\"date\" id=\"first\" name=\"first\" value=\"%s\">", web_msg(rq, "c.firstday"), first);
	target_select(rq, &b, &n, target);
	web_buf_escf(&b, "<p><button type=\"submit\">%s</button></p></form>", web_msg(rq, "c.show"));
	web_buf_escf(&b, "<form method=\"get\" action=\"/schedule/why\" class=\"card\"><label for=\"local\">%s</label>"
	    "<input type=\"datetime-local\" id=\"local\" name=\"local\" value=\"%sT12:00\">"
	    "<p><button type=\"submit\">%s</button></p></form>", web_msg(rq, "c.pickmoment"), first, web_msg(rq, "c.why"));
	if (target_arg(target, targ, sizeof targ) < 0) {
		web_error(rq, r, 400, web_msg(rq, "c.badtarget"));
		web_buf_free(&b);
		ls_strlist_free(&n.groups);
		return;
	}
	snprintf(req, sizeof req, "week v=1 first=%s%s", first, targ);
	rc = web_control(rq, req, week_line, &w, final, sizeof final, err, sizeof err);
	if (rc != 0) {
		content_daemon_error(rc, final, err, sizeof err);
		web_buf_escf(&b, "<p class=\"error\">%s%s</p>", web_msg(rq, "err.daemon"), err);
	} else {
		web_buf_escf(&b, "<p class=\"hint\">%s</p>", web_msg(rq, "c.week.hint"));
		for (size_t i = 0; i < n.nb; i++) {
			int has = 0;
			for (size_t k = 0; k < w.n && !has; k++)
				has = strcmp(w.v[k].board, n.boards[i]) == 0;
			if (has)
				board_svg(rq, &b, &w, n.boards[i]);
		}
	}
	free(w.v);
	ls_strlist_free(&n.groups);
	web_page(rq, r, 200, web_msg(rq, "c.schedule.title"), &b);
}

/* ---- why ---- */

struct why {
	struct web_buf *b;
	const struct web_req *rq;
	int open;
};

static const char *
reason_msg(const struct web_req *rq, const char *reason)
{
	char key[48];
	const char *m;

	snprintf(key, sizeof key, "c.reason.%s", reason);
	m = web_msg(rq, key);
	return m;
}

/* why v=1's lines: a board, then the rules that did not win for it */
struct why_board {
	char name[128], state[16], rule[128], item[128], playlist[128], alert[128], level[16], atext[1024], bright[8],
	    fallback[4];
};
static const struct content_field why_board_fields[] = {
	CONTENT_FIELD(struct why_board, name, "name"),
	CONTENT_FIELD(struct why_board, state, "state"),
	CONTENT_FIELD(struct why_board, rule, "rule"),
	CONTENT_FIELD(struct why_board, item, "item"),
	CONTENT_FIELD(struct why_board, playlist, "playlist"),
	CONTENT_FIELD(struct why_board, alert, "alert"),
	CONTENT_FIELD(struct why_board, level, "alert_level"),
	CONTENT_FIELD(struct why_board, atext, "alert_text"),
	CONTENT_FIELD(struct why_board, bright, "brightness"),
	CONTENT_FIELD(struct why_board, fallback, "fallback"),
};
struct why_rule {
	char name[128], reason[16], by[128], prio[16], text[1024];
};
static const struct content_field why_rule_fields[] = {
	CONTENT_FIELD(struct why_rule, name, "name"),
	CONTENT_FIELD(struct why_rule, reason, "reason"),
	CONTENT_FIELD(struct why_rule, by, "by"),
	CONTENT_FIELD(struct why_rule, prio, "priority"),
	CONTENT_FIELD(struct why_rule, text, "text"),
};

static void
why_line(void *arg, const char *line)
{
	struct why *w = arg;

	if (strncmp(line, "board ", 6) == 0) {
		struct why_board wb = { 0 };
		if (w->open)
			web_buf_puts(w->b, "</tbody></table></div>");
		w->open = 1;
		content_fields(line, &wb, why_board_fields, sizeof why_board_fields / sizeof why_board_fields[0]);
		web_buf_escf(w->b, "<div class=\"card why-board\" data-board=\"%s\"><h2>%s</h2><p class=\"shows\">", wb.name, wb.name);
		if (strcmp(wb.state, "play") == 0)
			web_buf_escf(w->b, "%s <strong class=\"item\">%s</strong> (%s %s) ", web_msg(w->rq, "c.shows"), wb.item,
			    web_msg(w->rq, "c.playlist"), wb.playlist);
		else {
			char sk[40];
			snprintf(sk, sizeof sk, "c.state.%s", wb.state[0] ? wb.state : "blank");
			web_buf_escf(w->b, "<strong class=\"state\">%s</strong> ", web_msg(w->rq, sk));
		}
		if (strcmp(wb.fallback, "1") == 0)
			web_buf_escf(w->b, "— %s", web_msg(w->rq, "c.byfallback"));
		else if (wb.rule[0])
			web_buf_escf(w->b, "— %s <strong class=\"rule\">%s</strong>", web_msg(w->rq, "c.byrule"), wb.rule);
		web_buf_escf(w->b, ", %s %s%%</p>", web_msg(w->rq, "c.brightness"), wb.bright);
		if (wb.alert[0])
			web_buf_escf(w->b, "<p class=\"error alert-covers\">%s %s (%s): %s</p>", web_msg(w->rq, "c.alertcovers"),
			    wb.alert, wb.level, wb.atext);
		web_buf_escf(w->b, "<table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
		    web_msg(w->rq, "c.rule"), web_msg(w->rq, "c.priority"), web_msg(w->rq, "c.verdict"),
		    web_msg(w->rq, "c.detail"));
		return;
	}
	if (strncmp(line, "rule ", 5) == 0 && w->open) {
		struct why_rule wr = { 0 };
		content_fields(line, &wr, why_rule_fields, sizeof why_rule_fields / sizeof why_rule_fields[0]);
		web_buf_escf(w->b, "<tr class=\"reason-%s\"><td>%s</td><td>%s</td><td>%s%s%s</td><td>%s</td></tr>", wr.reason,
		    wr.name, wr.prio, reason_msg(w->rq, wr.reason), wr.by[0] ? " → " : "", wr.by, wr.text);
	}
}

void
page_schedule_why(struct web_req *rq, struct web_resp *r)
{
	struct web_buf b = { 0 };
	struct why w = { &b, rq, 0 };
	const char *local = web_field(rq, "local");
	char req[256], final[1024], err[512], when[64] = "", zone[64] = "", fallback[128] = "";
	int rc;

	if (local && (strlen(local) < 16 || strlen(local) > 19 || strpbrk(local, " \t\r\n%="))) {
		web_error(rq, r, 400, web_msg(rq, "c.badmoment"));
		return;
	}
	web_buf_escf(&b, "<form method=\"get\" action=\"/schedule/why\" class=\"card\"><label for=\"local\">%s</label>"
	    "<input type=\"datetime-local\" id=\"local\" name=\"local\" value=\"%.16s\">"
	    "<p><button type=\"submit\">%s</button></p></form>", web_msg(rq, "c.pickmoment"), local ? local : "",
	    web_msg(rq, "c.why"));
	snprintf(req, sizeof req, "why v=1%s%.16s", local ? " local=" : "", local ? local : "");
	web_buf_puts(&b, "<div id=\"why\">");
	rc = web_control(rq, req, why_line, &w, final, sizeof final, err, sizeof err);
	if (w.open)
		web_buf_puts(&b, "</tbody></table></div>");
	web_buf_puts(&b, "</div>");
	if (rc != 0) {
		content_daemon_error(rc, final, err, sizeof err);
		web_buf_escf(&b, "<p class=\"error\">%s%s</p>", web_msg(rq, "err.daemon"), err);
	} else {
		control_line_get(final, "local", when, sizeof when);
		control_line_get(final, "zone", zone, sizeof zone);
		control_line_get(final, "fallback", fallback, sizeof fallback);
		web_buf_escf(&b, "<p class=\"hint\" id=\"why-when\">%s %s (%s); %s %s</p>", web_msg(rq, "c.at"), when, zone,
		    web_msg(rq, "c.fallback"), fallback[0] ? fallback : "-");
	}
	web_page(rq, r, 200, web_msg(rq, "c.why.title"), &b);
}
