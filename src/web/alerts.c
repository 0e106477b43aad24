/*
 * alerts.c — alerts in the console: the list (who raised each), raising
 * with a preview and an explicit confirmation, clearing, CAP upload.
 *
 * Raising is two requests.  The form posts to /alerts/preview, which
 * checks it, draws what each targeted board will show (alert_look_build
 * and render_item, exactly what the daemon draws for an alert, from the
 * config it plays) and keeps the alert under a random token for this user
 * for PENDING_TTL seconds.  Only /alerts/raise with that token sends it to
 * the daemon, so what is raised is what was previewed, and nothing is
 * raised by one stray click or a replayed form.  The daemon records who
 * raised and cleared what (actor= on the control socket) in its audit log.
 */
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alert/alert.h"
#include "alert/cap.h"
#include "config/config.h"
#include "daemon/control.h"
#include "render/canvas.h"
#include "render/render.h"
#include "util/base64.h"
#include "util/diag.h"
#include "util/kv.h"
#include "util/strlist.h"
#include "util/log.h"
#include "web/web.h"
#include "web/web_int.h"

#define PENDING_MAX 64
#define PENDING_TTL 600
#define PREVIEW_BOARDS 4

struct pending {
	char   token[WEB_TOKEN_LEN + 1];
	char   user[64];
	time_t made;
	char  *text;
	enum alert_level level;
	char  *boards, *groups;      /* comma lists; both empty: every board */
	long long dur;               /* seconds; 0 = until cleared */
};

static pthread_mutex_t pending_mu = PTHREAD_MUTEX_INITIALIZER;
static struct pending pending[PENDING_MAX];

static void
pending_clear(struct pending *p)
{
	free(p->text);
	free(p->boards);
	free(p->groups);
	memset(p, 0, sizeof *p);
}

/* ---- the form's fields ---- */

static const long long durations[] = { 900, 3600, 14400, 86400, 0 };
static const char *const duration_keys[] = { "dur.15m", "dur.1h", "dur.4h", "dur.1d", "alerts.forever" };

/* The fields of a raise form into a pending alert (not yet stored).
 * NULL + the message key of what is wrong. */
static int
form_alert(struct web_req *rq, struct pending *p, const char **why)
{
	const char *text = web_field(rq, "text"), *level = web_field(rq, "level"), *dur = web_field(rq, "duration");
	struct web_buf boards = { 0 }, groups = { 0 };
	int all = 0;

	memset(p, 0, sizeof p[0]);
	if (text == NULL || text[strspn(text, " \t\r\n")] == '\0') {
		*why = "alerts.empty";
		return -1;
	}
	if (strlen(text) > ALERT_TEXT_MAX) {
		*why = "err.toolarge";
		return -1;
	}
	p->level = ALERT_EMERGENCY;
	if (level && alert_level_parse(level, &p->level) < 0) {
		*why = "err.400";
		return -1;
	}
	p->dur = 3600;
	if (dur) {
		char *end;
		long long d = strtoll(dur, &end, 10);
		int ok = 0;

		for (size_t i = 0; i < sizeof durations / sizeof durations[0]; i++)
			ok |= d == durations[i];
		if (*end || !ok) {
			*why = "err.400";
			return -1;
		}
		p->dur = d;
	}
	for (const struct web_field *f = rq->fields; f; f = f->next) {
		if (strcmp(f->name, "target") != 0 || f->filename)
			continue;
		if (strcmp(f->data, "all") == 0)
			all = 1;
		else if (strncmp(f->data, "b:", 2) == 0 && strcspn(f->data + 2, ", ") == strlen(f->data + 2))
			web_buf_printf(&boards, "%s%s", boards.len ? "," : "", f->data + 2);
		else if (strncmp(f->data, "g:", 2) == 0 && strcspn(f->data + 2, ", ") == strlen(f->data + 2))
			web_buf_printf(&groups, "%s%s", groups.len ? "," : "", f->data + 2);
	}
	if (all || boards.oom || groups.oom) {
		web_buf_free(&boards);
		web_buf_free(&groups);
	}
	/* from a textarea: CR LF line ends become the line feed a board breaks on */
	p->text = malloc(strlen(text) + 1);
	if (p->text) {
		char *o = p->text;

		for (const char *s = text; *s; s++)
			if (*s != '\r')
				*o++ = *s;
		*o = '\0';
	}
	p->boards = boards.p ? boards.p : strdup("");
	p->groups = groups.p ? groups.p : strdup("");
	if (!p->text || !p->boards || !p->groups) {
		pending_clear(p);
		*why = "err.internal";
		return -1;
	}
	return 0;
}

static void
targets_text(const struct web_req *rq, const struct pending *p, struct web_buf *b)
{
	if (p->boards[0] == '\0' && p->groups[0] == '\0') {
		web_buf_esc(b, web_msg(rq, "alerts.all"));
		return;
	}
	web_buf_esc(b, p->boards);
	if (p->boards[0] && p->groups[0])
		web_buf_puts(b, ", ");
	for (const char *g = p->groups; *g;) {
		size_t k = strcspn(g, ",");
		char one[128];

		snprintf(one, sizeof one, "@%.*s", (int)(k < 120 ? k : 120), g);
		web_buf_esc(b, one);
		g += k;
		if (*g == ',') {
			web_buf_puts(b, ", ");
			g++;
		}
	}
}

/* ---- who raised it ---- */

static void
alert_by(const char *src, char *buf, size_t len)
{
	const char *u;
	struct passwd pw, *res = NULL;
	char pwbuf[1024];
	unsigned long uid;
	char *end;

	if (src == NULL || src[0] == '\0') {
		snprintf(buf, len, "-");
	} else if (strncmp(src, "web:", 4) == 0) {
		snprintf(buf, len, "%.*s", (int)strcspn(src + 4, " "), src + 4);
	} else if ((u = strstr(src, "uid=")) != NULL && (uid = strtoul(u + 4, &end, 10), end != u + 4)) {
		if (getpwuid_r((uid_t)uid, &pw, pwbuf, sizeof pwbuf, &res) == 0 && res != NULL)
			snprintf(buf, len, "%s (Unix, uid %lu)", res->pw_name, uid);
		else
			snprintf(buf, len, "uid %lu", uid);
	} else {
		snprintf(buf, len, "%s", src);
	}
}

/* ---- the list and the forms ---- */

struct list_ctx {
	const struct web_req *rq;
	struct web_buf *b;
	int n;
	int can;
};

static void
list_line(void *arg, const char *line)
{
	struct list_ctx *lc = arg;
	const struct web_req *rq = lc->rq;
	struct alert a;
	char err[256], by[200], lv[32], exp[40], tg[600] = "";
	size_t tl = 0;

	if (strncmp(line, "alert ", 6) != 0 || alert_parse(line + 6, &a, err, sizeof err) < 0)
		return;
	if (++lc->n == 1) {
		web_buf_escf(lc->b, "<div class=\"scroll\"><table id=\"alerts\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
		    "<th>%s</th><th class=\"hide-narrow\">%s</th><th class=\"hide-narrow\">%s</th>",
		    web_msg(rq, "alerts.level"), web_msg(rq, "alerts.text"), web_msg(rq, "alerts.targets"),
		    web_msg(rq, "alerts.by"), web_msg(rq, "alerts.expires"), web_msg(rq, "alerts.id"));
		web_buf_puts(lc->b, lc->can ? "<th></th></tr></thead><tbody>" : "</tr></thead><tbody>");
	}
	for (size_t i = 0; i < a.boards.n; i++)
		tl += (size_t)snprintf(tg + tl, tl < sizeof tg ? sizeof tg - tl : 0, "%s%s", tl ? ", " : "", a.boards.v[i]);
	for (size_t i = 0; i < a.groups.n; i++)
		tl += (size_t)snprintf(tg + tl, tl < sizeof tg ? sizeof tg - tl : 0, "%s@%s", tl ? ", " : "", a.groups.v[i]);
	alert_by(a.source, by, sizeof by);
	snprintf(lv, sizeof lv, "level.%s", alert_level_name(a.level));
	if (a.expires) {
		time_t t = (time_t)a.expires;
		struct tm tm;

		localtime_r(&t, &tm);
		strftime(exp, sizeof exp, "%Y-%m-%d %H:%M", &tm);
	} else {
		snprintf(exp, sizeof exp, "%s", web_msg(rq, "alerts.never"));
	}
	web_buf_escf(lc->b, "<tr data-id=\"%s\"><td class=\"lvl-%s\">%s</td><td class=\"alerttext\">%s</td><td>%s</td>"
	    "<td class=\"by\">%s</td><td class=\"hide-narrow\">%s</td><td class=\"hide-narrow\">%s</td>",
	    a.id, alert_level_name(a.level), web_msg(rq, lv), a.text ? a.text : "", tg[0] ? tg : web_msg(rq, "alerts.all"),
	    by, exp, a.id);
	if (lc->can) {
		web_buf_puts(lc->b, "<td><form method=\"post\" action=\"/alerts/clear\">");
		web_buf_csrf(lc->b, rq);
		web_buf_escf(lc->b, "<input type=\"hidden\" name=\"id\" value=\"%s\"><button type=\"submit\" class=\"danger\">%s"
		    "</button></form></td>", a.id, web_msg(rq, "alerts.clear"));
	}
	web_buf_puts(lc->b, "</tr>");
	alert_clear(&a);
}

struct target_ctx {
	const struct web_req *rq;
	struct web_buf *b;
	struct ls_strlist groups;   /* in the order the boards name them */
};

static void
target_board(void *arg, const char *name, const char *groups)
{
	struct target_ctx *tc = arg;

	web_buf_escf(tc->b, "<label><input type=\"checkbox\" name=\"target\" value=\"b:%s\">%s</label>", name, name);
	ls_strlist_add_csv(&tc->groups, groups);
}

static void
raise_form(const struct web_req *rq, struct web_buf *b, const char *why)
{
	struct target_ctx tc = { rq, b, { NULL, 0 } };
	struct web_buf boards = { 0 };

	web_buf_escf(b, "<section class=\"card\"><h2>%s</h2>", web_msg(rq, "alerts.new"));
	if (why)
		web_buf_escf(b, "<p class=\"error\" role=\"alert\">%s</p>", web_msg(rq, why));
	web_buf_puts(b, "<form method=\"post\" action=\"/alerts/preview\" id=\"raise\">");
	web_buf_csrf(b, rq);
	web_buf_escf(b, "<label for=\"text\">%s</label><textarea id=\"text\" name=\"text\" required maxlength=\"4096\">%s</textarea>",
	    web_msg(rq, "alerts.text"), why && web_field(rq, "text") ? web_field(rq, "text") : "");
	web_buf_escf(b, "<label for=\"level\">%s</label><select id=\"level\" name=\"level\">", web_msg(rq, "alerts.level"));
	for (int l = ALERT_EMERGENCY; l >= ALERT_INFO; l--) {
		char k[32];

		snprintf(k, sizeof k, "level.%s", alert_level_name((enum alert_level)l));
		web_buf_escf(b, "<option value=\"%s\">%s</option>", alert_level_name((enum alert_level)l), web_msg(rq, k));
	}
	web_buf_escf(b, "</select><label>%s</label><div class=\"checks\" id=\"targets\">"
	    "<label><input type=\"checkbox\" name=\"target\" value=\"all\" checked>%s</label>",
	    web_msg(rq, "alerts.targets"), web_msg(rq, "alerts.all"));
	web_wall_boards(rq->srv->wall, target_board, &tc);
	for (size_t i = 0; i < tc.groups.n; i++)
		web_buf_escf(b, "<label><input type=\"checkbox\" name=\"target\" value=\"g:%s\">@%s</label>", tc.groups.v[i],
		    tc.groups.v[i]);
	ls_strlist_free(&tc.groups);
	web_buf_free(&boards);
	web_buf_escf(b, "</div><label for=\"duration\">%s</label><select id=\"duration\" name=\"duration\">",
	    web_msg(rq, "alerts.duration"));
	for (size_t i = 0; i < sizeof durations / sizeof durations[0]; i++)
		web_buf_escf(b, "<option value=\"%lld\"%s>%s</option>", durations[i], durations[i] == 3600 ? " selected" : "",
		    web_msg(rq, duration_keys[i]));
	web_buf_escf(b, "</select><p><button type=\"submit\" class=\"primary\" id=\"preview\">%s</button></p></form></section>",
	    web_msg(rq, "alerts.preview"));
	/* CAP upload */
	web_buf_escf(b, "<section class=\"card\"><h2>%s</h2><form method=\"post\" action=\"/alerts/cap\" "
	    "enctype=\"multipart/form-data\" id=\"capform\">", web_msg(rq, "alerts.cap"));
	web_buf_csrf(b, rq);
	web_buf_escf(b, "<input type=\"file\" name=\"cap\" id=\"capfile\" accept=\".xml,.cap,application/xml\" required>"
	    "<p><button type=\"submit\" id=\"capsubmit\">%s</button></p></form></section>", web_msg(rq, "alerts.upload"));
}

static void
alerts_page(struct web_req *rq, struct web_resp *r, int status, const char *notice, const char *notice2,
    const char *why)
{
	struct web_buf b = { 0 };
	struct list_ctx lc = { rq, &b, 0, web_role_allows(rq->user->role, WEB_ROLE_DUTY) };
	char final[1024], err[512];
	int rc;

	if (notice)
		web_buf_escf(&b, "<p class=\"notice\" role=\"status\" id=\"notice\">%s%s</p>", notice, notice2 ? notice2 : "");
	web_buf_escf(&b, "<h2>%s</h2>", web_msg(rq, "alerts.active"));
	rc = web_control(rq, "status", list_line, &lc, final, sizeof final, err, sizeof err);
	if (rc != 0)
		web_buf_escf(&b, "<p class=\"error\">%s%s</p>", web_msg(rq, "err.daemon"), rc < 0 ? err : final);
	else if (lc.n == 0)
		web_buf_escf(&b, "<p id=\"noalerts\">%s</p>", web_msg(rq, "alerts.none"));
	else {
		web_buf_puts(&b, "</tbody></table></div>");
		if (lc.can && lc.n > 1) {
			web_buf_puts(&b, "<form method=\"post\" action=\"/alerts/clear\">");
			web_buf_csrf(&b, rq);
			web_buf_escf(&b, "<input type=\"hidden\" name=\"all\" value=\"1\"><p><button type=\"submit\" class=\"danger\">"
			    "%s</button></p></form>", web_msg(rq, "alerts.clearall"));
		}
	}
	if (lc.can)
		raise_form(rq, &b, why);
	web_page(rq, r, status, web_msg(rq, "alerts.title"), &b);
}

void
page_alerts(struct web_req *rq, struct web_resp *r)
{
	const char *raised = web_query(rq, "raised"), *cleared = web_query(rq, "cleared"), *cap = web_query(rq, "cap");

	if (raised && alert_id_valid(raised))
		alerts_page(rq, r, 200, web_msg(rq, "alerts.raised"), raised, NULL);
	else if (cleared)
		alerts_page(rq, r, 200, web_msg(rq, "alerts.cleared"), NULL, NULL);
	else if (cap && strlen(cap) < 200)
		alerts_page(rq, r, 200, web_msg(rq, "alerts.capdone"), cap, NULL);
	else
		alerts_page(rq, r, 200, NULL, NULL, NULL);
}

/* ---- preview ---- */

/* What each targeted board (up to PREVIEW_BOARDS) will show, drawn as the
 * daemon draws it, as data: URLs in <img>. */
static void
preview_images(const struct web_req *rq, const struct pending *p, struct web_buf *b)
{
	struct ls_diag d = { 0 };
	struct ls_config *cfg;
	struct render_ctx *ctx;
	struct alert a;
	int shown = 0;

	if (rq->srv->config == NULL || (cfg = ls_config_load(rq->srv->config, &d)) == NULL) {
		ls_diag_clear(&d);
		return;
	}
	ls_diag_clear(&d);
	if ((ctx = render_ctx_new(cfg, &d)) == NULL) {
		ls_diag_clear(&d);
		ls_config_free(cfg);
		return;
	}
	ls_diag_clear(&d);
	memset(&a, 0, sizeof a);
	snprintf(a.id, sizeof a.id, "preview");
	a.text = p->text;
	a.level = p->level;
	web_buf_puts(b, "<div class=\"previews\">");
	for (size_t i = 0; i < cfg->nboards && shown < PREVIEW_BOARDS; i++) {
		const struct ls_board *bd = &cfg->boards[i];
		struct alert_look look;
		struct render_canvas *cv;
		char err[256];
		int targeted = p->boards[0] == '\0' && p->groups[0] == '\0';

		targeted = targeted || ls_strlist_csv_has(p->boards, bd->name);
		for (size_t g = 0; g < bd->groups.n && !targeted; g++)
			targeted = ls_strlist_csv_has(p->groups, bd->groups.v[g]);
		if (!targeted || alert_look_build(&a, bd, &look) < 0)
			continue;
		if ((cv = render_canvas_new(bd->width, bd->height, bd->format)) != NULL &&
		    render_item(ctx, bd, &look.content, (double)time(NULL), 0.0, cv, err, sizeof err) == 0) {
			int pw, ph;
			uint8_t *rgb = render_preview_dots(cv, bd, web_wall_pitch(bd->width), &pw, &ph), *png = NULL;
			size_t plen = 0;
			char *b64;

			if (rgb && (png = web_png_encode(rgb, pw, ph, &plen)) != NULL && (b64 = malloc(BASE64_LEN(plen) + 1)) != NULL) {
				base64_encode(png, plen, b64);
				web_buf_escf(b, "<figure class=\"preview\"><img class=\"alert-preview\" alt=\"%s\" src=\"data:image/png;base64,%s\">"
				    "<figcaption>%s</figcaption></figure>", bd->name, b64, bd->name);
				free(b64);
				shown++;
			}
			free(png);
			free(rgb);
		}
		render_canvas_free(cv);
		alert_look_clear(&look);
	}
	web_buf_puts(b, "</div>");
	render_ctx_free(ctx);
	ls_config_free(cfg);
}

void
post_alert_preview(struct web_req *rq, struct web_resp *r)
{
	struct pending p;
	struct web_buf b = { 0 };
	const char *why = NULL;
	char lv[32];
	time_t now = time(NULL);
	int slot = -1;

	if (form_alert(rq, &p, &why) < 0) {
		alerts_page(rq, r, 400, NULL, NULL, why);
		return;
	}
	if (web_token(p.token) < 0) {
		pending_clear(&p);
		web_error(rq, r, 500, web_msg(rq, "err.internal"));
		return;
	}
	snprintf(p.user, sizeof p.user, "%s", rq->user->name);
	p.made = now;
	pthread_mutex_lock(&pending_mu);
	for (int i = 0; i < PENDING_MAX; i++) {
		if (pending[i].text && now - pending[i].made > PENDING_TTL)
			pending_clear(&pending[i]);
		if (slot < 0 && pending[i].text == NULL)
			slot = i;
	}
	if (slot < 0) {
		/* all taken: the oldest goes */
		slot = 0;
		for (int i = 1; i < PENDING_MAX; i++)
			if (pending[i].made < pending[slot].made)
				slot = i;
		pending_clear(&pending[slot]);
	}
	pending[slot] = p;
	pthread_mutex_unlock(&pending_mu);

	snprintf(lv, sizeof lv, "level.%s", alert_level_name(p.level));
	web_buf_escf(&b, "<section class=\"card\" id=\"confirm\"><p class=\"error\">%s</p>", web_msg(rq, "alerts.confirm.q"));
	web_buf_escf(&b, "<p><strong>%s:</strong> <span class=\"lvl-%s\">%s</span></p>", web_msg(rq, "alerts.level"),
	    alert_level_name(p.level), web_msg(rq, lv));
	web_buf_escf(&b, "<p><strong>%s:</strong></p><p class=\"alerttext\" id=\"confirm-text\">%s</p>",
	    web_msg(rq, "alerts.text"), p.text);
	web_buf_escf(&b, "<p><strong>%s:</strong> <span id=\"confirm-targets\">", web_msg(rq, "alerts.targets"));
	targets_text(rq, &p, &b);
	web_buf_puts(&b, "</span></p>");
	for (size_t i = 0; i < sizeof durations / sizeof durations[0]; i++)
		if (durations[i] == p.dur)
			web_buf_escf(&b, "<p><strong>%s:</strong> %s</p>", web_msg(rq, "alerts.duration"), web_msg(rq, duration_keys[i]));
	preview_images(rq, &p, &b);
	web_buf_puts(&b, "<form method=\"post\" action=\"/alerts/raise\">");
	web_buf_csrf(&b, rq);
	web_buf_escf(&b, "<input type=\"hidden\" name=\"preview\" value=\"%s\"><p><button type=\"submit\" class=\"danger\" "
	    "id=\"confirm-raise\">%s</button> <a class=\"button\" href=\"/alerts\">%s</a></p></form></section>",
	    p.token, web_msg(rq, "alerts.confirm"), web_msg(rq, "alerts.back"));
	web_page(rq, r, 200, web_msg(rq, "alerts.preview"), &b);
}

static int
add_kv(struct web_buf *b, const char *k, const char *v)
{
	size_t cap = strlen(k) + 3 * strlen(v) + 4, n = 0;
	char *tmp = malloc(cap);

	if (tmp == NULL)
		return -1;
	tmp[0] = '\0';
	kv_put(tmp, cap, &n, k, v);
	web_buf_puts(b, " ");
	web_buf_puts(b, tmp);
	free(tmp);
	return 0;
}

void
post_alert_raise(struct web_req *rq, struct web_resp *r)
{
	const char *tok = web_field(rq, "preview");
	struct pending p;
	struct web_buf req = { 0 };
	char final[1024], err[512], id[ALERT_ID_MAX + 1], num[32];
	time_t now = time(NULL);
	int found = 0, rc;

	memset(&p, 0, sizeof p);
	pthread_mutex_lock(&pending_mu);
	for (int i = 0; tok && i < PENDING_MAX; i++)
		if (pending[i].text && web_token_eq(pending[i].token, tok) && strcmp(pending[i].user, rq->user->name) == 0 &&
		    now - pending[i].made <= PENDING_TTL) {
			p = pending[i];
			memset(&pending[i], 0, sizeof pending[i]);   /* p owns the strings now; one raise per preview */
			found = 1;
			break;
		}
	pthread_mutex_unlock(&pending_mu);
	if (!found) {
		alerts_page(rq, r, 409, NULL, NULL, "alerts.stale");
		return;
	}
	web_buf_puts(&req, "alert");
	add_kv(&req, "text", p.text);
	add_kv(&req, "level", alert_level_name(p.level));
	if (p.boards[0])
		add_kv(&req, "boards", p.boards);
	if (p.groups[0])
		add_kv(&req, "groups", p.groups);
	if (p.dur > 0) {
		snprintf(num, sizeof num, "%lld", p.dur);
		add_kv(&req, "for", num);
	}
	add_kv(&req, "actor", rq->user->name);
	rc = req.oom ? -1 : web_control(rq, req.p, NULL, NULL, final, sizeof final, err, sizeof err);
	web_buf_free(&req);
	if (rc != 0) {
		char msg[1200];

		if (rc > 0 && control_line_get(final, "message", msg, sizeof msg) == 0)
			snprintf(err, sizeof err, "%.500s", msg);
		log_warn("web", NULL, "alert from %s not raised: %s", rq->user->name, rc < 0 ? err : final);
		pending_clear(&p);
		{
			struct web_buf b = { 0 };

			web_buf_escf(&b, "<p class=\"error\" role=\"alert\">%s%s</p><p><a href=\"/alerts\">%s</a></p>",
			    web_msg(rq, rc < 0 ? "err.daemon" : "alerts.refused"), err, web_msg(rq, "alerts.back"));
			web_page(rq, r, 502, web_msg(rq, "alerts.title"), &b);
		}
		return;
	}
	pending_clear(&p);
	if (control_line_get(final, "id", id, sizeof id) < 0)
		id[0] = '\0';
	log_info("web", NULL, "%s raised alert %s", rq->user->name, id);
	{
		struct web_buf loc = { 0 };

		web_buf_puts(&loc, "/alerts?raised=");
		web_buf_url(&loc, id);
		web_redirect(r, loc.oom ? "/alerts" : loc.p);
		web_buf_free(&loc);
	}
}

void
post_alert_clear(struct web_req *rq, struct web_resp *r)
{
	const char *id = web_field(rq, "id"), *all = web_field(rq, "all");
	struct web_buf req = { 0 };
	char final[1024], err[512];
	int rc;

	if ((id == NULL || !alert_id_valid(id)) && !(all && strcmp(all, "1") == 0)) {
		web_error(rq, r, 400, web_msg(rq, "err.400"));
		return;
	}
	web_buf_puts(&req, "clear");
	if (id && alert_id_valid(id))
		add_kv(&req, "id", id);
	else
		add_kv(&req, "all", "1");
	add_kv(&req, "actor", rq->user->name);
	rc = req.oom ? -1 : web_control(rq, req.p, NULL, NULL, final, sizeof final, err, sizeof err);
	web_buf_free(&req);
	if (rc != 0) {
		struct web_buf b = { 0 };
		char msg[600];

		if (rc > 0 && control_line_get(final, "message", msg, sizeof msg) == 0)
			snprintf(err, sizeof err, "%.500s", msg);
		web_buf_escf(&b, "<p class=\"error\" role=\"alert\">%s%s</p><p><a href=\"/alerts\">%s</a></p>",
		    web_msg(rq, rc < 0 ? "err.daemon" : "alerts.refused"), err, web_msg(rq, "alerts.back"));
		web_page(rq, r, 502, web_msg(rq, "alerts.title"), &b);
		return;
	}
	log_info("web", NULL, "%s cleared %s", rq->user->name, id ? id : "all alerts");
	web_redirect(r, "/alerts?cleared=1");
}

void
post_alert_cap(struct web_req *rq, struct web_resp *r)
{
	const struct web_field *f = web_file(rq, "cap");
	struct web_buf req = { 0 }, name = { 0 };
	char final[1024], err[512], msg[600], action[32] = "", id[ALERT_ID_MAX + 1] = "";
	int rc;

	if (f == NULL || f->len == 0) {
		web_error(rq, r, 400, web_msg(rq, "err.400"));
		return;
	}
	if (f->len > CAP_DOC_MAX) {
		web_error(rq, r, 413, web_msg(rq, "err.toolarge"));
		return;
	}
	if (memchr(f->data, '\0', f->len) != NULL) {
		web_error(rq, r, 400, web_msg(rq, "err.400"));
		return;
	}
	/* the name is only a label in the log and the audit log: its last path
	 * part, printable ASCII, at most 80 bytes; it never names a file here */
	{
		const char *base = f->filename ? f->filename : "upload";
		const char *sl = strrchr(base, '/'), *bs = strrchr(base, '\\');

		if (sl)
			base = sl + 1;
		if (bs && bs + 1 > base)
			base = bs + 1;
		web_buf_puts(&name, "upload:");
		for (const char *c = base; *c && name.len < 88; c++)
			web_buf_add(&name, (*c > 0x20 && *c < 0x7f) ? c : "_", 1);
	}
	web_buf_puts(&req, "cap");
	add_kv(&req, "doc", f->data);
	add_kv(&req, "name", name.p ? name.p : "upload");
	add_kv(&req, "actor", rq->user->name);
	rc = req.oom || name.oom ? -1 : web_control(rq, req.p, NULL, NULL, final, sizeof final, err, sizeof err);
	web_buf_free(&req);
	if (rc != 0) {
		struct web_buf b = { 0 };

		if (rc > 0 && control_line_get(final, "message", msg, sizeof msg) == 0)
			snprintf(err, sizeof err, "%.500s", msg);
		web_buf_escf(&b, "<p class=\"error\" role=\"alert\" id=\"caperror\">%s%s</p><p><a href=\"/alerts\">%s</a></p>",
		    web_msg(rq, rc < 0 ? "err.daemon" : "alerts.refused"), err, web_msg(rq, "alerts.back"));
		web_page(rq, r, rc < 0 ? 502 : 422, web_msg(rq, "alerts.title"), &b);
		web_buf_free(&name);
		return;
	}
	control_line_get(final, "action", action, sizeof action);
	control_line_get(final, "id", id, sizeof id);
	log_info("web", NULL, "%s applied CAP %s: %s %s", rq->user->name, name.p ? name.p : "", action, id);
	web_buf_free(&name);
	{
		struct web_buf loc = { 0 };
		char what[120];

		snprintf(what, sizeof what, "%s %s", action, id);
		web_buf_puts(&loc, "/alerts?cap=");
		web_buf_url(&loc, what);
		web_redirect(r, loc.oom ? "/alerts" : loc.p);
		web_buf_free(&loc);
	}
}
