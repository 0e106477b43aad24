/*
 * content_history.c — every version of the staff file (`staff-versions`),
 * one version's diff (`staff-version`), a restore in one step (the restore
 * is itself a new version, checked like any save) and a hand edit taken
 * into the history (`staff-adopt`).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config/staff.h"
#include "daemon/control.h"
#include "util/kv.h"
#include "web/content_int.h"
#include "web/web_int.h"

struct vlist {
	struct web_buf *b;
	const struct web_req *rq;
	int edit;
	char base[24];
};

/* A version as staff-versions and staff-version name it (text and diff:
 * staff-version only). */
struct vone {
	char *text, *diff;
	char id[24], t[32], author[256], summary[512];
};
static const struct content_field version_fields[] = {
	CONTENT_FIELD(struct vone, id, "id"),
	CONTENT_FIELD(struct vone, t, "time"),
	CONTENT_FIELD(struct vone, author, "author"),
	CONTENT_FIELD(struct vone, summary, "summary"),
};
#define NVERSION_FIELDS (sizeof version_fields / sizeof version_fields[0])

static void
version_line(void *arg, const char *line)
{
	struct vlist *l = arg;
	struct vone v = { 0 };
	char when[40];

	if (strncmp(line, "version ", 8) != 0)
		return;
	content_fields(line, &v, version_fields, NVERSION_FIELDS);
	web_time_text(v.t, when, sizeof when);
	web_buf_escf(l->b, "<tr data-version=\"%s\"><td><a href=\"/history/version?id=%s\">%s</a></td><td>%s</td><td>%s</td><td>%s</td><td>",
	    v.id, v.id, v.id, when, v.author, v.summary);
	if (l->edit)
		web_buf_escf(l->b, "<form method=\"post\" action=\"/history/restore\" class=\"inline\">"
		    "<input type=\"hidden\" name=\"id\" value=\"%s\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		    "<button type=\"submit\" class=\"restore\" data-version=\"%s\">%s</button></form>", v.id,
		    l->rq->csrf ? l->rq->csrf : "", v.id, web_msg(l->rq, "c.restore"));
	web_buf_puts(l->b, "</td></tr>");
}

void
page_history(struct web_req *rq, struct web_resp *r)
{
	struct web_buf b = { 0 };
	struct content_staff st;
	struct vlist l = { &b, rq, content_can_edit(rq), "" };
	char final[1024], err[1024];
	int rc;

	if (content_staff_get(rq, &st, err, sizeof err) < 0) {
		web_error(rq, r, 502, err);
		return;
	}
	content_saved_notice(rq, &b, "restored");
	if (st.conflict) {
		web_buf_escf(&b, "<div class=\"card conflict\" role=\"alert\"><p class=\"error\">%s</p><p>%s <code>%s</code></p>",
		    web_msg(rq, "c.conflict"), web_msg(rq, "c.conflict.file"), st.file);
		if (l.edit) {
			web_buf_escf(&b, "<form method=\"post\" action=\"/history/adopt\">");
			web_buf_csrf(&b, rq);
			web_buf_escf(&b, "<button type=\"submit\" id=\"adopt\">%s</button></form>", web_msg(rq, "c.adopt"));
		}
		web_buf_puts(&b, "</div>");
	}
	web_buf_escf(&b, "<p>%s <code>%s</code></p><div class=\"scroll\"><table id=\"versions\"><thead><tr><th>#</th><th>%s</th>"
	    "<th>%s</th><th>%s</th><th></th></tr></thead><tbody>", web_msg(rq, "c.staff.file"), st.file,
	    web_msg(rq, "c.when"), web_msg(rq, "c.who"), web_msg(rq, "c.what"));
	rc = web_control(rq, "staff-versions v=1 limit=200", version_line, &l, final, sizeof final, err, sizeof err);
	web_buf_puts(&b, "</tbody></table></div>");
	if (rc != 0)
		web_buf_escf(&b, "<p class=\"error\">%s%s</p>", web_msg(rq, "err.daemon"), rc < 0 ? err : final);
	content_staff_free(&st);
	web_page(rq, r, 200, web_msg(rq, "c.history.title"), &b);
}

static void
one_line(void *arg, const char *line)
{
	struct vone *v = arg;

	if (strncmp(line, "version ", 8) != 0 || v->text)
		return;
	v->text = malloc(LS_STAFF_MAX + 1);
	v->diff = malloc(3 * LS_STAFF_MAX + 1);
	if (v->text == NULL || v->diff == NULL)
		return;
	content_fields(line, v, version_fields, NVERSION_FIELDS);
	if (control_line_get(line, "text", v->text, LS_STAFF_MAX + 1) < 0)
		v->text[0] = '\0';
	if (control_line_get(line, "diff", v->diff, 3 * LS_STAFF_MAX + 1) < 0)
		v->diff[0] = '\0';
}

void
page_version(struct web_req *rq, struct web_resp *r)
{
	struct web_buf b = { 0 };
	struct vone v = { 0 };
	const char *id = web_field(rq, "id");
	char req[64], final[1024], err[512], when[40];

	if (id == NULL || id[0] == '\0' || strspn(id, "0123456789") != strlen(id) || strlen(id) > 18) {
		web_error(rq, r, 400, web_msg(rq, "err.notfound"));
		return;
	}
	snprintf(req, sizeof req, "staff-version v=1 id=%s", id);
	if (web_control(rq, req, one_line, &v, final, sizeof final, err, sizeof err) != 0 || v.text == NULL || v.diff == NULL) {
		free(v.text);
		free(v.diff);
		web_error(rq, r, 404, web_msg(rq, "err.notfound"));
		return;
	}
	web_time_text(v.t, when, sizeof when);
	web_buf_escf(&b, "<p>%s %s — %s — %s</p>", web_msg(rq, "c.version"), v.id, when, v.author);
	web_buf_escf(&b, "<p>%s</p>", v.summary);
	if (content_can_edit(rq)) {
		web_buf_escf(&b, "<form method=\"post\" action=\"/history/restore\"><input type=\"hidden\" name=\"id\" value=\"%s\">", v.id);
		web_buf_csrf(&b, rq);
		web_buf_escf(&b, "<button type=\"submit\" class=\"primary restore\" data-version=\"%s\">%s</button></form>", v.id,
		    web_msg(rq, "c.restore"));
	}
	web_buf_escf(&b, "<h2>%s</h2><pre class=\"diff\" id=\"diff\">", web_msg(rq, "c.diff"));
	for (const char *p = v.diff; *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char *line = strndup(p, n);
		if (line) {
			const char *cls = strncmp(line, "--- ", 4) == 0 || strncmp(line, "+++ ", 4) == 0 || line[0] == '@' ? "d-hunk"
			    : line[0] == '+' ? "d-add" : line[0] == '-' ? "d-del" : "d-ctx";
			web_buf_escf(&b, "<span class=\"%s\">%s</span>\n", cls, line);
			free(line);
		}
		p += n + (e != NULL);
	}
	web_buf_escf(&b, "</pre><details><summary>%s</summary><pre class=\"staff-text\">%s</pre></details>",
	    web_msg(rq, "c.fulltext"), v.text);
	free(v.text);
	free(v.diff);
	web_page(rq, r, 200, web_msg(rq, "c.history.title"), &b);
}

void
post_restore(struct web_req *rq, struct web_resp *r)
{
	struct content_result res;
	const char *id = web_field(rq, "id");
	struct web_buf b = { 0 };

	if (id == NULL || id[0] == '\0' || strspn(id, "0123456789") != strlen(id) || strlen(id) > 18) {
		web_error(rq, r, 400, web_msg(rq, "err.notfound"));
		return;
	}
	content_save(rq, NULL, NULL, NULL, atoll(id), &res);
	if (res.ok) {
		char to[64];
		snprintf(to, sizeof to, "/history?restored=%lld", res.id);
		web_redirect(r, to);
	} else {
		content_save_failed(rq, &b, &res);
		content_result_html(rq, &b, &res);
		web_buf_escf(&b, "<p><a href=\"/history\">%s</a></p>", web_msg(rq, "c.back"));
		web_page(rq, r, 422, web_msg(rq, "c.history.title"), &b);
	}
	content_result_free(&res);
}

void
post_adopt(struct web_req *rq, struct web_resp *r)
{
	char req[160], final[1024], err[512];
	size_t n;
	int rc;

	snprintf(req, sizeof req, "staff-adopt v=1");
	n = strlen(req);
	if (rq->user)
		kv_put(req, sizeof req, &n, "actor", rq->user->name);
	rc = web_control(rq, req, NULL, NULL, final, sizeof final, err, sizeof err);
	if (rc != 0) {
		content_daemon_error(rc, final, err, sizeof err);
		web_error(rq, r, 409, err);
		return;
	}
	web_redirect(r, "/history");
}
