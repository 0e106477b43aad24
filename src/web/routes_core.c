/*
 * routes_core.c — the core's route table and its small pages: home, login,
 * logout, language, static files.  The board wall (wall.c), alerts
 * (alerts.c) and the audit log (audit_page.c) add their handlers here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/control.h"
#include "util/log.h"
#include "web/users.h"
#include "web/web.h"
#include "web/web_int.h"

/* ---- static files ---- */

static void
page_static(struct web_req *rq, struct web_resp *r)
{
	const struct web_asset *tables[] = { web_assets_core, web_assets_content };

	for (size_t t = 0; t < 2; t++)
		for (const struct web_asset *a = tables[t]; a->name; a++)
			if (strcmp(a->name, rq->rest) == 0) {
				size_t n = strlen(a->data);
				char *copy = malloc(n + 1);

				if (copy == NULL)
					break;
				memcpy(copy, a->data, n + 1);
				web_bytes(r, 200, a->type, copy, n);
				r->cache = "public, max-age=300";
				return;
			}
	web_error(rq, r, 404, web_msg(rq, "err.notfound"));
}

/* ---- home ---- */

static void
count_line(void *arg, const char *line)
{
	(void)line;
	(*(int *)arg)++;
}

static void
page_home(struct web_req *rq, struct web_resp *r)
{
	struct web_buf b = { 0 };
	char final[1024], err[512];
	int nb = 0, na = 0, rc;

	rc = web_control(rq, "boards", count_line, &nb, final, sizeof final, err, sizeof err);
	if (rc == 0)
		rc = web_control(rq, "status", count_line, &na, final, sizeof final, err, sizeof err);
	if (rc != 0) {
		web_buf_escf(&b, "<p class=\"error\">%s%s</p>", web_msg(rq, "err.daemon"), rc < 0 ? err : final);
	} else {
		web_buf_escf(&b, "<div class=\"card\"><p><a href=\"/wall\">%d %s</a></p><p><a href=\"/alerts\">%d %s</a></p></div>",
		    nb, web_msg(rq, "home.boards"), na, web_msg(rq, "home.alerts"));
	}
	web_page(rq, r, 200, web_msg(rq, "home.title"), &b);
}

/* ---- login ---- */

static int
next_ok(const char *next)
{
	return next && next[0] == '/' && next[1] != '/' && next[1] != '\\' && !strpbrk(next, "\r\n") &&
	    strncmp(next, "/login", 6) != 0;
}

static void
login_form(struct web_req *rq, struct web_resp *r, int status, const char *msg, const char *msg2)
{
	struct web_buf b = { 0 };
	const char *next = web_field(rq, "next"), *user = web_field(rq, "user");

	if (msg)
		web_buf_escf(&b, "<p class=\"error\" role=\"alert\" id=\"login-error\">%s%s</p>", msg, msg2 ? msg2 : "");
	web_buf_puts(&b, "<form method=\"post\" action=\"/login\" class=\"card\" id=\"login\">");
	web_buf_csrf(&b, rq);
	web_buf_escf(&b, "<input type=\"hidden\" name=\"next\" value=\"%s\">", next_ok(next) ? next : "/");
	web_buf_escf(&b, "<label for=\"user\">%s</label><input type=\"text\" id=\"user\" name=\"user\" "
	    "autocomplete=\"username\" required maxlength=\"32\" value=\"%s\">", web_msg(rq, "login.user"), user ? user : "");
	web_buf_escf(&b, "<label for=\"password\">%s</label><input type=\"password\" id=\"password\" name=\"password\" "
	    "autocomplete=\"current-password\" required maxlength=\"256\">", web_msg(rq, "login.password"));
	web_buf_escf(&b, "<p><button type=\"submit\" class=\"primary\" id=\"login-submit\">%s</button></p></form>",
	    web_msg(rq, "login.submit"));
	web_page(rq, r, status, web_msg(rq, "login.title"), &b);
}

static void
page_login(struct web_req *rq, struct web_resp *r)
{
	if (rq->user) {
		const char *next = web_query(rq, "next");

		web_redirect(r, next_ok(next) ? next : "/");
		return;
	}
	login_form(rq, r, 200, NULL, NULL);
}

static void
post_login(struct web_req *rq, struct web_resp *r)
{
	const char *name = web_field(rq, "user"), *pw = web_field(rq, "password"), *next = web_field(rq, "next");
	struct web_users *db;
	struct web_user u;
	char err[512], id[WEB_TOKEN_LEN + 1], csrf[WEB_TOKEN_LEN + 1], ck[256], num[16];
	int wait, ok;

	if (name == NULL || pw == NULL || name[0] == '\0') {
		login_form(rq, r, 400, web_msg(rq, "login.bad"), NULL);
		return;
	}
	if (web_login_limited(rq->srv->sessions, name, rq->peer, &wait)) {
		snprintf(num, sizeof num, " %d", wait);
		log_warn("web", NULL, "login as %.40s from %s refused: too many failures", name, rq->peer);
		login_form(rq, r, 429, web_msg(rq, "login.limited"), num);
		return;
	}
	if ((db = web_users_open(rq->srv->users, 0, err, sizeof err)) == NULL) {
		log_error("web", NULL, "accounts: %s", err);
		web_error(rq, r, 500, web_msg(rq, "err.internal"));
		return;
	}
	ok = web_users_check(db, name, pw, &u, err, sizeof err);
	web_users_close(db);
	if (ok < 0) {
		log_error("web", NULL, "accounts: %s", err);
		web_error(rq, r, 500, web_msg(rq, "err.internal"));
		return;
	}
	if (ok == 0) {
		web_login_failed(rq->srv->sessions, name, rq->peer);
		log_warn("web", NULL, "failed login as %.40s from %s", name, rq->peer);
		web_audit(rq, "login-failed", name, rq->peer);
		login_form(rq, r, 403, web_msg(rq, "login.bad"), NULL);
		return;
	}
	web_login_ok(rq->srv->sessions, name, rq->peer);
	{
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		u.since = (double)ts.tv_sec + ts.tv_nsec / 1e9;
	}
	if (web_session_create(rq->srv->sessions, &u, id, csrf) < 0) {
		web_error(rq, r, 500, web_msg(rq, "err.internal"));
		return;
	}
	log_info("web", NULL, "%s (%s) logged in from %s", u.name, web_role_name(u.role), rq->peer);
	rq->user = &u;
	web_audit(rq, "login", u.name, rq->peer);
	web_redirect(r, next_ok(next) ? next : "/");
	snprintf(ck, sizeof ck, "ls_session=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Strict%s", id,
	    rq->srv->opts.session_ttl, rq->https ? "; Secure" : "");
	web_resp_header(r, "Set-Cookie", ck);
	/* the pre-login token has done its job */
	web_resp_header(r, "Set-Cookie", "ls_pre=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
}

static void
post_logout(struct web_req *rq, struct web_resp *r)
{
	const char *sid = web_cookie(rq, "ls_session");

	if (sid)
		web_session_drop(rq->srv->sessions, sid);
	if (rq->user)
		web_audit(rq, "logout", rq->user->name, rq->peer);
	web_redirect(r, "/login");
	web_resp_header(r, "Set-Cookie", "ls_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
}

static void
page_lang(struct web_req *rq, struct web_resp *r)
{
	const char *l = web_query(rq, "l");
	const char *ref = web_header(rq, "Referer");
	const char *path = "/";

	/* back to the page it was chosen on, when that was ours */
	if (ref) {
		const char *p = strstr(ref, "://");

		if (p && (p = strchr(p + 3, '/')) != NULL && next_ok(p))
			path = p;
	}
	web_redirect(r, path);
	web_resp_header(r, "Set-Cookie", l && strcmp(l, "en") == 0 ?
	    "ls_lang=en; Path=/; Max-Age=31536000; SameSite=Strict" : "ls_lang=zh; Path=/; Max-Age=31536000; SameSite=Strict");
}

const struct web_route web_routes_core[] = {
	{ "GET", "/", 0, WEB_ROLE_VIEWER, page_home, "nav.home" },
	{ "GET", "/wall", 0, WEB_ROLE_VIEWER, page_wall, "nav.wall" },
	{ "GET", "/wall/events", 0, WEB_ROLE_VIEWER, wall_events, NULL },
	{ "GET", "/wall/board/", WEB_ROUTE_PREFIX, WEB_ROLE_VIEWER, wall_board_png, NULL },
	{ "GET", "/wall/boards.json", 0, WEB_ROLE_VIEWER, wall_json, NULL },
	{ "GET", "/alerts", 0, WEB_ROLE_VIEWER, page_alerts, "nav.alerts" },
	{ "POST", "/alerts/preview", 0, WEB_ROLE_DUTY, post_alert_preview, NULL },
	{ "POST", "/alerts/raise", 0, WEB_ROLE_DUTY, post_alert_raise, NULL },
	{ "POST", "/alerts/clear", 0, WEB_ROLE_DUTY, post_alert_clear, NULL },
	{ "POST", "/alerts/cap", 0, WEB_ROLE_DUTY, post_alert_cap, NULL },
	{ "GET", "/audit", 0, WEB_ROLE_VIEWER, page_audit, "nav.audit" },
	{ "GET", "/audit.csv", 0, WEB_ROLE_VIEWER, audit_csv, NULL },
	{ "GET", "/district", WEB_ROUTE_BUREAU, WEB_ROLE_VIEWER, page_district, "nav.district" },
	{ "GET", "/login", 0, WEB_ROLE_PUBLIC, page_login, NULL },
	{ "POST", "/login", 0, WEB_ROLE_PUBLIC, post_login, NULL },
	{ "POST", "/logout", 0, WEB_ROLE_VIEWER, post_logout, NULL },
	{ "GET", "/lang", 0, WEB_ROLE_PUBLIC, page_lang, NULL },
	{ "GET", "/static/", WEB_ROUTE_PREFIX, WEB_ROLE_PUBLIC, page_static, NULL },
	{ NULL, NULL, 0, WEB_ROLE_PUBLIC, NULL, NULL },
};
