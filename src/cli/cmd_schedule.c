/*
 * cmd_schedule.c — `ledsign schedule FILE [--at TIME | --week DAY [-o plan.pdf|plan.png]] [--board NAME]`
 *
 * --at:   one line per board: board -> rule -> playlist -> item, with the
 *         position in the cycle, when the item changes and the brightness;
 *         a board showing a layout gets a line per area below its own.
 * --week: per board a grid of 24 hours by 7 days, as text; -o also draws it
 *         for printing, one A4-landscape page per board: a PDF, or one PNG
 *         per board (sched_plan.c).
 * Live fields in the SHOWS column are filled in for --at, as the board shows them.
 * Times are local to the config's timezone, whatever TZ this shell has.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "alert/alert.h"
#include "cli/cmd.h"
#include "config/config.h"
#include "daemon/control.h"
#include "render/render.h"
#include "schedule/sched_plan.h"
#include "schedule/schedule.h"
#include "schedule/sched_why.h"
#include "util/table.h"

static const char *const wday_en[] = { "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday",
	"Friday", "Saturday" };

/* "YYYY-MM-DD HH:MM[:SS]" (or "YYYY-MM-DDTHH:MM") local to the scheduler's zone. */
static int
parse_local(const struct sched *s, const char *str, double *out)
{
	char date[11];
	int h, m, sec = 0, n = 0;
	ls_day day;
	if (strlen(str) < 16 || (str[10] != ' ' && str[10] != 'T'))
		return -1;
	memcpy(date, str, 10);
	date[10] = '\0';
	if (ls_parse_date(date, &day) < 0)
		return -1;
	if (sscanf(str + 11, "%2d:%2d:%2d%n", &h, &m, &sec, &n) != 3 || str[11 + n] != '\0') {
		sec = 0;
		n = 0;
		if (sscanf(str + 11, "%2d:%2d%n", &h, &m, &n) != 2 || str[11 + n] != '\0')
			return -1;
	}
	if (h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 59)
		return -1;
	*out = (double)tz_from_local(sched_tz(s), day, h * 3600 + m * 60 + sec);
	return 0;
}

static const char *
state_name(enum sched_state st)
{
	switch (st) {
	case SCHED_PLAY: return "play";
	case SCHED_OFF: return "off";
	case SCHED_POWER_OFF: return "power-off";
	default: return "blank";
	}
}

/* Display width of UTF-8 text: CJK and other wide characters count two. */
static void
put_col(const char *s, int width)
{
	int w = table_width(s);
	fputs(s, stdout);
	for (; w < width; w++)
		putchar(' ');
	putchar(' ');
}

static void
hhmmss(const struct sched *s, double t, char *buf, size_t len)
{
	struct tz_civil c;
	tz_to_civil(sched_tz(s), (int64_t)t, &c);
	snprintf(buf, len, "%02d:%02d:%02d", c.hour, c.min, c.sec);
}

#define NCOLS 8

static int
report_at(const struct sched *s, const struct ls_config *cfg, const char *board, double t)
{
	struct ls_diag d = { 0 };
	/* for the SHOWS column: live fields as the board shows them at t */
	struct render_ctx *rctx = render_ctx_new(cfg, &d);
	static const char *const head[NCOLS] = { "BOARD", "STATE", "RULE", "PLAYLIST", "ITEM", "POSITION",
		"UNTIL", "BRIGHT" };
	struct tz_civil c;
	tz_to_civil(sched_tz(s), (int64_t)t, &c);
	int off = c.offset < 0 ? -c.offset : c.offset;
	printf("Schedule at %04d-%02d-%02d %02d:%02d:%02d %s (%s, UTC%c%02d:%02d%s)\n\n", c.year, c.month,
	    c.mday, c.hour, c.min, c.sec, tz_name(sched_tz(s)), wday_en[c.wday], c.offset < 0 ? '-' : '+',
	    off / 3600, off / 60 % 60, c.isdst ? ", summer time" : "");

	size_t n = 0, rows = cfg->nboards * (1 + LS_LAYOUT_MAX_AREAS) + 1;
	char (*cell)[NCOLS][96] = calloc(rows, sizeof *cell);
	const char **texts = calloc(rows, sizeof *texts);
	int nboards = 0;
	int width[NCOLS], tied = 0;
	if (!cell || !texts) {
		free(cell);
		free(texts);
		render_ctx_free(rctx);
		ls_diag_clear(&d);
		fprintf(stderr, "ledsign schedule: out of memory\n");
		return 1;
	}
	for (size_t i = 0; i < cfg->nboards; i++) {
		const struct ls_board *b = &cfg->boards[i];
		struct sched_result r;
		char (*row)[96] = cell[n];
		if (board && strcmp(board, b->name) != 0)
			continue;
		sched_at(s, b, t, &r);
		snprintf(row[0], 96, "%s", b->name);
		snprintf(row[1], 96, "%s", state_name(r.slot.state));
		if (r.slot.fallback)
			snprintf(row[2], 96, "(fallback)");
		else if (r.slot.rule)
			snprintf(row[2], 96, "%s%s", r.rule ? r.rule->name : r.slot.rule->name,
			    r.slot.ntied > 1 ? "*" : "");
		else
			snprintf(row[2], 96, "(none)");
		tied |= r.slot.ntied > 1;
		if (r.layout)
			snprintf(row[3], 96, "layout %s", r.layout->name);
		else
			snprintf(row[3], 96, "%s", r.playlist ? r.playlist->name : "-");
		if (r.entry >= 0) {
			const struct ls_playlist_entry *e = &r.playlist->entries[r.entry];
			int rep = e->repeat > 0 ? e->repeat : r.content->repeat > 0 ? r.content->repeat : 1;
			if (rep > 1)
				snprintf(row[4], 96, "%d:%s (%d/%d)", r.entry + 1, r.content->name, r.turn + 1, rep);
			else
				snprintf(row[4], 96, "%d:%s", r.entry + 1, r.content->name);
			snprintf(row[5], 96, "%.0fs of %.0fs", r.cycle_pos, r.cycle_len);
			texts[n] = r.content->text ? r.content->text : r.content->image;
		} else {
			snprintf(row[4], 96, "-");
			if (r.layout)
				snprintf(row[5], 96, "%.0fs of %.0fs", r.cycle_pos, r.cycle_len);
			else
				snprintf(row[5], 96, "-");
		}
		hhmmss(s, r.next_change, row[6], 96);
		snprintf(row[7], 96, "%d%%", r.slot.brightness);
		n++;
		nboards++;
		/* a layout: each area's playlist and item on a line of its own */
		for (size_t k = 0; r.layout && k < r.nareas; k++) {
			const struct sched_area *ar = &r.areas[k];
			char (*ar_row)[96] = cell[n];
			snprintf(ar_row[0], 96, "  %s", ar->area->name);
			snprintf(ar_row[1], 96, "area");
			snprintf(ar_row[2], 96, "%dx%d@%d,%d", ar->area->width, ar->area->height, ar->area->x, ar->area->y);
			snprintf(ar_row[3], 96, "%s", ar->playlist ? ar->playlist->name : "-");
			if (ar->entry >= 0) {
				snprintf(ar_row[4], 96, "%d:%s", ar->entry + 1, ar->content->name);
				snprintf(ar_row[5], 96, "%.0fs of %.0fs", ar->cycle_pos, ar->cycle_len);
				hhmmss(s, ar->item_end, ar_row[6], 96);
				texts[n] = ar->content->text ? ar->content->text : ar->content->image;
			} else {
				snprintf(ar_row[4], 96, "(dark)");
				snprintf(ar_row[5], 96, "-");
				snprintf(ar_row[6], 96, "-");
			}
			snprintf(ar_row[7], 96, "-");
			n++;
		}
	}
	for (int k = 0; k < NCOLS; k++) {
		width[k] = table_width(head[k]);
		for (size_t i = 0; i < n; i++)
			if (table_width(cell[i][k]) > width[k])
				width[k] = table_width(cell[i][k]);
	}
	for (int k = 0; k < NCOLS; k++)
		put_col(head[k], width[k] + 1);
	printf("SHOWS\n");
	for (size_t i = 0; i < n; i++) {
		for (int k = 0; k < NCOLS; k++)
			put_col(cell[i][k], width[k] + 1);
		char *shown = NULL, ferr[256];
		if (texts[i] != NULL && rctx != NULL && strchr(texts[i], '{') != NULL)
			shown = render_fields_expand(rctx, texts[i], t, ferr, sizeof ferr);
		printf("%s\n", shown ? shown : texts[i] ? texts[i] : "");
		free(shown);
	}
	free(cell);
	free(texts);
	render_ctx_free(rctx);
	ls_diag_clear(&d);
	if (board && nboards == 0) {
		fprintf(stderr, "ledsign schedule: no board \"%s\" in %s\n", board, cfg->path);
		return 1;
	}
	printf("\nPOSITION is the time into the playlist's cycle; UNTIL is when the item or rule next changes.\n");
	if ((size_t)nboards != n)
		printf("A layout's areas follow its board: name, \"area\", size@x,y, and each area's own playlist and item.\n");
	if (tied)
		printf("RULE* = equal-priority rules take turns here (ledsign check warns).\n");
	return 0;
}

/* ---- --why ---- */

/* The active alerts, from the controller that plays this config, if one
 * answers on its control socket (the alert store is the daemon's). */
struct alert_list {
	struct alert *v;
	size_t n, cap;
};

static void
alert_line(void *arg, const char *line)
{
	struct alert_list *l = arg;
	char err[256];

	if (strncmp(line, "alert ", 6) != 0)
		return;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct alert *v = realloc(l->v, cap * sizeof *v);
		if (v == NULL)
			return;
		l->v = v;
		l->cap = cap;
	}
	memset(&l->v[l->n], 0, sizeof l->v[l->n]);
	if (alert_parse(line + 6, &l->v[l->n], err, sizeof err) == 0)
		l->n++;
}

static void
alert_list_free(struct alert_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		alert_clear(&l->v[i]);
	free(l->v);
}

static void
report_why(const struct sched *s, const struct ls_config *cfg, const struct ls_board *b, double t,
    const struct alert_list *al, const char *alert_note)
{
	struct sched_result r;
	struct sched_why w;
	struct tz_civil c;
	char buf[512];

	sched_at(s, b, t, &r);
	tz_to_civil(sched_tz(s), (int64_t)t, &c);
	if (sched_why_at(cfg, b, c.day, c.hour * 60 + c.min, &w) < 0) {
		printf("%s: out of memory\n", b->name);
		return;
	}
	printf("%s: %s", b->name, state_name(r.slot.state));
	if (r.slot.state == SCHED_PLAY)
		printf(" playlist \"%s\", item %d:%s", r.playlist->name, r.entry + 1,
		    r.content ? r.content->name : "-");
	if (r.slot.fallback)
		printf(" (the fallback: no rule applies)");
	else if (r.slot.rule)
		printf(" by rule \"%s\" (%s:%d)", (r.rule ? r.rule : r.slot.rule)->name,
		    LS_FILE(cfg, r.rule ? r.rule : r.slot.rule), (r.rule ? r.rule : r.slot.rule)->line);
	else
		printf(" (no rule applies and there is no fallback)");
	printf(", brightness %d%%", r.slot.brightness);
	if (r.slot.bright_rule)
		printf(" from rule \"%s\"", r.slot.bright_rule->name);
	putchar('\n');
	const struct alert *a = al ? alert_pick_for_board(al->v, al->n, b, (long long)t) : NULL;
	if (a)
		printf("  alert %s (%s) covers it: \"%s\"%s\n", a->id, alert_level_name(a->level), a->text,
		    a->expires ? "" : ", until cleared");
	else
		printf("  alert: %s\n", alert_note);
	for (size_t i = 0; i < w.nrules; i++) {
		const struct sched_why_rule *wr = &w.rules[i];
		if (wr->reason == SCHED_WHY_BOARD)
			continue;
		printf("  %-9s %s (%s:%d): %s\n", sched_why_reason_name(wr->reason), wr->rule->name,
		    LS_FILE(cfg, wr->rule), wr->rule->line, sched_why_explain(&w, wr, buf, sizeof buf));
	}
	if (cfg->fallback)
		printf("  fallback \"%s\": %s\n", cfg->fallback, r.slot.fallback ? "plays, since no rule applies"
		    : r.slot.rule ? "not used, a rule applies" : "has nothing inside its hours now");
	else if (!r.slot.rule)
		printf("  no fallback playlist: the board stays dark\n");
	sched_why_clear(&w);
}

static int
report_why_all(const struct sched *s, const struct ls_config *cfg, const char *board, double t)
{
	struct alert_list al = { 0 };
	char final[512], err[256], note[1024];
	struct tz_civil c;
	size_t n = 0;
	int rc = control_request(cfg->control_socket, "status", 2000, alert_line, &al, final, sizeof final,
	    err, sizeof err);

	if (rc == 0)
		snprintf(note, sizeof note, "none (asked the controller at %s)", cfg->control_socket);
	else if (rc == 1)
		snprintf(note, sizeof note, "not known: the controller at %s refused: %s", cfg->control_socket, final);
	else
		snprintf(note, sizeof note, "not known: no controller answers at %s (%s)", cfg->control_socket, err);
	tz_to_civil(sched_tz(s), (int64_t)t, &c);
	printf("Why, at %04d-%02d-%02d %02d:%02d:%02d %s (%s)\n\n", c.year, c.month, c.mday, c.hour, c.min, c.sec,
	    tz_name(sched_tz(s)), wday_en[c.wday]);
	for (size_t i = 0; i < cfg->nboards; i++) {
		if (board && strcmp(board, cfg->boards[i].name) != 0)
			continue;
		report_why(s, cfg, &cfg->boards[i], t, rc == 0 ? &al : NULL, note);
		putchar('\n');
		n++;
	}
	alert_list_free(&al);
	if (n == 0) {
		fprintf(stderr, "ledsign schedule: no board \"%s\" in %s\n", board ? board : "", cfg->path);
		return 1;
	}
	printf("Rules for other boards are left out. Words: won, rotating (equal priority, takes turns), "
	    "from/to/dates/weekday/window (does not apply then), empty (its playlist has nothing now), "
	    "dims-only, priority (beaten by a higher one), kind (\"off\" beats \"play\" at equal priority).\n");
	return 0;
}

#define CELL_W 12

/* Short text for one hour of one day: what holds at :00, and "+" when it changes. */
static void
hour_cell(const struct sched_plan *p, int d, int h, char *buf, size_t len)
{
	const struct sched_plan_cell *c = &p->cells[d][h * 60];
	char name[64];
	int changes = 0;
	for (int m = h * 60 + 1; m < h * 60 + 60; m++)
		if (p->cells[d][m].who != c->who || p->cells[d][m].state != c->state ||
		    p->cells[d][m].brightness != c->brightness)
			changes = 1;
	if (c->state == SCHED_OFF)
		snprintf(name, sizeof name, "(off)");
	else if (c->state == SCHED_POWER_OFF)
		snprintf(name, sizeof name, "(power-off)");
	else if (c->state == SCHED_BLANK)
		snprintf(name, sizeof name, "!NOTHING!");
	else {
		name[0] = '*';
		sched_plan_who_name(p, c->who, name + c->rotating, sizeof name - 1);
	}
	char bri[8] = "";
	if (c->state == SCHED_PLAY && c->brightness != p->board->brightness)
		snprintf(bri, sizeof bri, "%d", c->brightness);
	/* Cell is CELL_W columns: name cut to fit, brightness, change mark. */
	int room = CELL_W - (int)strlen(bri) - (bri[0] ? 1 : 0) - changes;
	if (room < 3)
		room = 3;
	/* cut by display columns at a character boundary: a Chinese rule name
	 * takes two columns a character and must not be cut inside one */
	snprintf(buf, len, "%.*s%s%s%s", (int)table_cut(name, room), name, bri[0] ? ":" : "", bri, changes ? "+" : "");
}

static void
report_week(const struct sched_plan *p, const struct sched *s)
{
	const struct ls_board *b = p->board;
	char d1[11], d2[11], buf[64];
	sched_fmt_day(p->first, d1);
	sched_fmt_day(p->first + 6, d2);
	printf("%s (%dx%d %s, brightness %d%%) — %s to %s, %s\n", b->name, b->width, b->height,
	    ls_format_name(b->format), b->brightness, d1, d2, tz_name(sched_tz(s)));
	printf("       ");
	for (int d = 0; d < SCHED_PLAN_DAYS; d++) {
		int y, m, dd;
		tz_civil_from_days(p->first + d, &y, &m, &dd);
		snprintf(buf, sizeof buf, "%.3s %02d-%02d", wday_en[tz_weekday(p->first + d)], m, dd);
		put_col(buf, CELL_W);
	}
	putchar('\n');
	for (int h = 0; h < 24; h++) {
		printf("%02d:00  ", h);
		for (int d = 0; d < SCHED_PLAN_DAYS; d++) {
			hour_cell(p, d, h, buf, sizeof buf);
			put_col(buf, CELL_W);
		}
		putchar('\n');
	}
	/* The exact changes, day by day, so nothing hides inside an hour. */
	printf("  changes:\n");
	for (int d = 0; d < SCHED_PLAN_DAYS; d++) {
		char day[11];
		sched_fmt_day(p->first + d, day);
		printf("    %.3s %s ", wday_en[tz_weekday(p->first + d)], day + 5);
		int m = 0, first = 1;
		while (m < SCHED_PLAN_MIN) {
			int e = m + 1;
			const struct sched_plan_cell *c = &p->cells[d][m];
			while (e < SCHED_PLAN_MIN && p->cells[d][e].who == c->who && p->cells[d][e].state == c->state &&
			    p->cells[d][e].brightness == c->brightness)
				e++;
			char hm[6], name[64];
			sched_fmt_minute(m, hm);
			if (c->state == SCHED_OFF)
				snprintf(name, sizeof name, "off");
			else if (c->state == SCHED_POWER_OFF)
				snprintf(name, sizeof name, "power-off");
			else if (c->state == SCHED_BLANK)
				snprintf(name, sizeof name, "NOTHING");
			else
				sched_plan_who_name(p, c->who, name, sizeof name);
			printf("%s%s %s", first ? "" : ", ", hm, name);
			if (c->state == SCHED_PLAY && c->brightness != p->board->brightness)
				printf(" (%d%%)", c->brightness);
			first = 0;
			m = e;
		}
		putchar('\n');
	}
	/* what the layouts shown this week put in their areas */
	const struct ls_config *cfg = sched_config(s);
	for (size_t i = 0; i < cfg->nrules; i++) {
		const struct ls_layout *lo = cfg->rules[i].layout ? ls_config_layout(cfg, cfg->rules[i].layout) : NULL;
		int used = 0;
		for (int d = 0; lo && d < SCHED_PLAN_DAYS && !used; d++)
			for (int m = 0; m < SCHED_PLAN_MIN && !used; m++)
				used = p->cells[d][m].who == (int)i && p->cells[d][m].state == SCHED_PLAY;
		if (!used)
			continue;
		printf("  %s shows layout %s:", cfg->rules[i].name, lo->name);
		for (size_t k = 0; k < lo->nareas; k++)
			printf("%s %s %dx%d@%d,%d playlist %s", k ? "," : "", lo->areas[k].name, lo->areas[k].width,
			    lo->areas[k].height, lo->areas[k].x, lo->areas[k].y, lo->areas[k].playlist);
		putchar('\n');
	}
	putchar('\n');
}

static const struct cmd_opt schedule_opts[] = {
	{ "at", 0, "TIME", "per board: the rule, playlist and item in force at TIME (default: now)" },
	{ "week", 0, "YYYY-MM-DD", "the plan of the seven days from that date, as an hourly grid" },
	{ "output", 'o', "PLAN.pdf|PLAN.png", "with --week: also draw the plan, one A4-landscape page per board: a PDF, or PLAN-BOARD.png each" },
	{ "board", 0, "NAME", "only this board" },
	{ "why", 0, NULL, "with --at: the rule that won, every rule it beat and on what, the fallback, "
	  "and the alert covering the board (asked of the controller)" },
	{ NULL, 0, NULL, NULL },
};

static int cmd_schedule(const struct cmd_args *);

const struct cmd_entry cmd_schedule_entry = {
	"schedule", "FILE [--at \"YYYY-MM-DD HH:MM\" [--why] | --week YYYY-MM-DD [-o plan.pdf|plan.png]] [--board NAME]",
	"what each board shows at a time and why, or the plan of a week (text, printable PDF or PNGs)", schedule_opts, 1, 1, 0,
	cmd_schedule,
};

static int
cmd_schedule(const struct cmd_args *a)
{
	const char *file = a->argv[0], *at = cmd_arg(a, "at"), *week = cmd_arg(a, "week"),
	    *out = cmd_arg(a, "output"), *board = cmd_arg(a, "board");
	struct ls_config *cfg = NULL;
	struct sched *s = NULL;
	struct sched_plan *plans = NULL;
	char err[512];
	int rc = 1;

	int why = cmd_flag(a, "why");
	if ((at && week) || (out && !week) || (why && week))
		return cmd_usage("schedule");
	if (!(cfg = cmd_load_config(file)))
		return 1;
	if (!(s = sched_new(cfg, err, sizeof err))) {
		fprintf(stderr, "%s: %s\n", file, err);
		goto done;
	}
	if (!week) {
		double t = (double)time(NULL);
		if (at && parse_local(s, at, &t) < 0) {
			fprintf(stderr, "ledsign schedule: --at \"%s\": write the time as \"YYYY-MM-DD HH:MM\" "
			    "(local time in %s)\n", at, tz_name(sched_tz(s)));
			rc = 2;
			goto done;
		}
		rc = why ? report_why_all(s, cfg, board, t) : report_at(s, cfg, board, t);
		goto done;
	}

	ls_day first;
	if (ls_parse_date(week, &first) < 0) {
		fprintf(stderr, "ledsign schedule: --week \"%s\": write the first day as \"YYYY-MM-DD\"\n", week);
		rc = 2;
		goto done;
	}
	plans = calloc(cfg->nboards ? cfg->nboards : 1, sizeof *plans);
	if (!plans) {
		fprintf(stderr, "ledsign schedule: out of memory\n");
		goto done;
	}
	size_t n = 0;
	for (size_t i = 0; i < cfg->nboards; i++) {
		if (board && strcmp(board, cfg->boards[i].name) != 0)
			continue;
		sched_plan_fill(&plans[n], cfg, &cfg->boards[i], first);
		report_week(&plans[n], s);
		n++;
	}
	if (n == 0) {
		fprintf(stderr, "ledsign schedule: no board \"%s\" in %s\n", board ? board : "", file);
		goto done;
	}
	printf("Cells show what holds at the start of each hour; \"+\" = it changes within the hour;\n"
	    "\":40\" = brightness 40%%; \"(off)\" = board dark; \"!NOTHING!\" = on with nothing to show;\n"
	    "\"*\" = equal-priority rules take turns (ledsign check warns).\n");
	if (out) {
		size_t ol = strlen(out);
		int pdf = ol >= 4 && strcasecmp(out + ol - 4, ".pdf") == 0;
		if (sched_plan_draw(plans, n, tz_name(sched_tz(s)), out, err, sizeof err) < 0) {
			fprintf(stderr, "ledsign schedule: %s\n", err);
			goto done;
		}
		if (pdf)
			printf("wrote %s (%zu A4-landscape page%s, one per board)\n", out, n, n == 1 ? "" : "s");
		else
			for (size_t i = 0; i < n; i++) {
				char page[4096];
				sched_plan_page_path(out, plans[i].board->name, page, sizeof page);
				printf("wrote %s (%s, A4 landscape at 150 dpi)\n", page, plans[i].board->name);
			}
	}
	rc = 0;
done:
	free(plans);
	sched_free(s);
	ls_config_free(cfg);
	return rc;
}
