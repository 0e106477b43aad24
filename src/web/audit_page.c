/*
 * audit_page.c — the audit log in the console, and as CSV.
 *
 * The daemon keeps the log (record/audit.h); this asks its `audit` verb,
 * a page at a time (newest first, "older" follows before=ID).  The CSV
 * export is RFC 4180 (every field quoted, quotes doubled), UTF-8 with a
 * byte-order mark so spreadsheet programs read the Chinese right, and a
 * cell that starts with = + - @ gets a leading ' so a spreadsheet does not
 * run it as a formula.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/control.h"
#include "web/web.h"
#include "web/web_int.h"

#define AUDIT_PAGE 100
#define AUDIT_CSV_MAX 100000   /* entries in one export */

struct entry {
	char id[24], time[32], origin[24], uid[24], actor[80], action[40], target[600], detail[4200];
};

static int
entry_parse(const char *line, struct entry *e)
{
	if (strncmp(line, "entry ", 6) != 0)
		return -1;
	memset(e, 0, sizeof *e);
#define G(k) (void)control_line_get(line, #k, e->k, sizeof e->k)
	G(id); G(time); G(origin); G(uid); G(actor); G(action); G(target); G(detail);
#undef G
	return 0;
}

/* "alice (console)", "root (Unix, uid 0)", "cap_dir" */
static void
fmt_who(const struct entry *e, char *buf, size_t len)
{
	long long uid = atoll(e->uid);
	struct passwd pw, *res = NULL;
	char pwbuf[1024], unix_user[96];

	if (e->uid[0] == '\0' || uid < 0)
		snprintf(unix_user, sizeof unix_user, "-");
	else if (getpwuid_r((uid_t)uid, &pw, pwbuf, sizeof pwbuf, &res) == 0 && res != NULL)
		snprintf(unix_user, sizeof unix_user, "%s, uid %lld", res->pw_name, uid);
	else
		snprintf(unix_user, sizeof unix_user, "uid %lld", uid);
	if (e->actor[0])
		snprintf(buf, len, "%s (via %s)", e->actor, unix_user);
	else
		snprintf(buf, len, "%s", unix_user);
}

struct page_ctx {
	const struct web_req *rq;
	struct web_buf *b;
	int n;
	char oldest[24];
};

static void
page_line(void *arg, const char *line)
{
	struct page_ctx *pc = arg;
	struct entry *e = malloc(sizeof *e);
	char t[40], who[200];

	if (e == NULL || entry_parse(line, e) < 0) {
		free(e);
		return;
	}
	if (pc->n++ == 0)
		web_buf_escf(pc->b, "<div class=\"scroll\"><table id=\"audit\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
		    "<th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>", web_msg(pc->rq, "audit.time"),
		    web_msg(pc->rq, "audit.who"), web_msg(pc->rq, "audit.origin"), web_msg(pc->rq, "audit.action"),
		    web_msg(pc->rq, "audit.target"), web_msg(pc->rq, "audit.detail"));
	web_time_text(e->time, t, sizeof t);
	fmt_who(e, who, sizeof who);
	web_buf_escf(pc->b, "<tr data-id=\"%s\" data-action=\"%s\"><td>%s</td><td class=\"actor\">%s</td><td>%s</td>"
	    "<td class=\"action\">%s</td><td class=\"target\">%s</td><td class=\"detail alerttext\">%s</td></tr>",
	    e->id, e->action, t, who, e->origin, e->action, e->target, e->detail);
	snprintf(pc->oldest, sizeof pc->oldest, "%s", e->id);
	free(e);
}

void
page_audit(struct web_req *rq, struct web_resp *r)
{
	const char *before = web_query(rq, "before");
	struct web_buf b = { 0 };
	struct page_ctx pc = { rq, &b, 0, "" };
	char req[96], final[1024], err[512];
	int rc;

	snprintf(req, sizeof req, "audit limit=%d", AUDIT_PAGE);
	if (before && strspn(before, "0123456789") == strlen(before) && strlen(before) < 20 && before[0])
		snprintf(req, sizeof req, "audit limit=%d before=%s", AUDIT_PAGE, before);
	web_buf_escf(&b, "<p><a class=\"button\" href=\"/audit.csv\" id=\"csv\">%s</a></p>", web_msg(rq, "audit.csv"));
	rc = web_control(rq, req, page_line, &pc, final, sizeof final, err, sizeof err);
	if (rc != 0)
		web_buf_escf(&b, "<p class=\"error\">%s%s</p>", web_msg(rq, "err.daemon"), rc < 0 ? err : final);
	else if (pc.n == 0)
		web_buf_escf(&b, "<p>%s</p>", web_msg(rq, "audit.none"));
	else {
		web_buf_puts(&b, "</tbody></table></div>");
		if (pc.n == AUDIT_PAGE && atoll(pc.oldest) > 1)
			web_buf_escf(&b, "<p><a href=\"/audit?before=%s\">%s</a></p>", pc.oldest, web_msg(rq, "audit.older"));
	}
	web_page(rq, r, 200, web_msg(rq, "audit.title"), &b);
}

/* ---- CSV ---- */

static void
csv_field(struct web_buf *b, const char *s, int last)
{
	web_buf_puts(b, "\"");
	if (strchr("=+-@\t\r", s[0]) != NULL && s[0] != '\0')
		web_buf_puts(b, "'");
	for (; *s; s++) {
		if (*s == '"')
			web_buf_puts(b, "\"\"");
		else
			web_buf_add(b, s, 1);
	}
	web_buf_puts(b, last ? "\"\r\n" : "\",");
}

struct csv_ctx {
	struct web_buf *b;
	int n;
	char oldest[24];
};

static void
csv_line(void *arg, const char *line)
{
	struct csv_ctx *cc = arg;
	struct entry *e = malloc(sizeof *e);
	char t[40], unix_user[96];
	struct passwd pw, *res = NULL;
	char pwbuf[1024];
	long long uid;

	if (e == NULL || entry_parse(line, e) < 0) {
		free(e);
		return;
	}
	web_time_text(e->time, t, sizeof t);
	uid = atoll(e->uid);
	unix_user[0] = '\0';
	if (uid >= 0 && getpwuid_r((uid_t)uid, &pw, pwbuf, sizeof pwbuf, &res) == 0 && res != NULL)
		snprintf(unix_user, sizeof unix_user, "%s", res->pw_name);
	csv_field(cc->b, e->id, 0);
	csv_field(cc->b, t, 0);
	csv_field(cc->b, e->origin, 0);
	csv_field(cc->b, e->actor, 0);
	csv_field(cc->b, e->uid, 0);
	csv_field(cc->b, unix_user, 0);
	csv_field(cc->b, e->action, 0);
	csv_field(cc->b, e->target, 0);
	csv_field(cc->b, e->detail, 1);
	snprintf(cc->oldest, sizeof cc->oldest, "%s", e->id);
	cc->n++;
	free(e);
}

void
audit_csv(struct web_req *rq, struct web_resp *r)
{
	struct web_buf b = { 0 };
	struct csv_ctx cc = { &b, 0, "" };
	char req[96], final[1024], err[512];
	int total = 0, rc;

	web_buf_puts(&b, "\xEF\xBB\xBF\"id\",\"time\",\"origin\",\"console user\",\"uid\",\"unix user\",\"action\",\"target\",\"detail\"\r\n");
	snprintf(req, sizeof req, "audit limit=1000");
	for (;;) {
		cc.n = 0;
		rc = web_control(rq, req, csv_line, &cc, final, sizeof final, err, sizeof err);
		if (rc != 0) {
			web_buf_free(&b);
			web_error(rq, r, 502, rc < 0 ? err : final);
			return;
		}
		total += cc.n;
		if (cc.n < 1000 || total >= AUDIT_CSV_MAX || atoll(cc.oldest) <= 1)
			break;
		snprintf(req, sizeof req, "audit limit=1000 before=%s", cc.oldest);
	}
	if (b.oom) {
		web_buf_free(&b);
		web_error(rq, r, 500, web_msg(rq, "err.internal"));
		return;
	}
	web_bytes(r, 200, "text/csv; charset=utf-8", b.p, b.len);
	web_resp_header(r, "Content-Disposition", "attachment; filename=\"ledsign-audit.csv\"");
	web_audit(rq, "export", "audit.csv", "");
}
