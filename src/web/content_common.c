/*
 * content_common.c — the content editor's seam to the daemon: the staff
 * file (`staff`), saves (`staff-save`, `staff-restore`) and their problems,
 * and the text of one element (content_int.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/staff.h"
#include "config/writer.h"
#include "config/config.h"
#include "daemon/control.h"
#include "util/kv.h"
#include "web/content_int.h"

struct staff_read {
	char *text;
};

static void
staff_line(void *arg, const char *line)
{
	struct staff_read *s = arg;
	char *val;

	if (strncmp(line, "staff ", 6) != 0 || s->text != NULL || (val = malloc(LS_STAFF_MAX + 1)) == NULL)
		return;
	if (control_line_get(line, "text", val, LS_STAFF_MAX + 1) == 0)
		s->text = val;
	else
		free(val);
}

int
content_staff_get(const struct web_req *rq, struct content_staff *st, char *err, size_t errlen)
{
	struct staff_read sr = { NULL };
	char final[4096], e[512], v[32];
	int rc;

	memset(st, 0, sizeof *st);
	rc = web_control(rq, "staff v=1", staff_line, &sr, final, sizeof final, e, sizeof e);
	if (rc != 0 || sr.text == NULL) {
		content_daemon_error(rc, final, e, sizeof e);
		snprintf(err, errlen, "%s", rc == 0 ? "no staff text in the answer" : e);
		free(sr.text);
		return -1;
	}
	st->text = sr.text;
	control_line_get(final, "hash", st->hash, sizeof st->hash);
	control_line_get(final, "file", st->file, sizeof st->file);
	control_line_get(final, "config", st->config, sizeof st->config);
	if (control_line_get(final, "conflict", v, sizeof v) == 0)
		st->conflict = strcmp(v, "1") == 0;
	if (control_line_get(final, "latest", v, sizeof v) == 0)
		st->latest = atoll(v);
	return 0;
}

void
content_daemon_error(int rc, const char *final, char *err, size_t errlen)
{
	if (rc > 0 && control_line_get(final, "message", err, errlen) < 0)
		snprintf(err, errlen, "%.500s", final);
}

void
content_fields(const char *line, void *rec, const struct content_field *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		control_line_get(line, f[i].key, (char *)rec + f[i].off, f[i].len);
}

void
content_staff_free(struct content_staff *st)
{
	free(st->text);
	st->text = NULL;
}

struct ls_config *
content_model(const struct content_staff *st, const char *text, char *err, size_t errlen)
{
	struct ls_diag d = { 0 };
	struct ls_config *cfg = ls_check_config(st->config, text ? text : st->text, &d);

	if (cfg == NULL) {
		snprintf(err, errlen, "%s", "");
		for (size_t i = 0; i < d.n; i++)
			if (d.v[i].level == LS_DIAG_ERROR) {
				ls_diag_format(&d.v[i], err, errlen);
				break;
			}
	}
	ls_diag_clear(&d);
	return cfg;
}

struct ls_config *
content_open(const struct web_req *rq, struct web_resp *r, struct content_staff *st)
{
	struct ls_config *cfg;
	char err[1024];

	if (content_staff_get(rq, st, err, sizeof err) < 0) {
		web_error(rq, r, 502, err);
		return NULL;
	}
	if ((cfg = content_model(st, NULL, err, sizeof err)) == NULL)
		web_error(rq, r, 409, err);
	return cfg;
}

/* ---- saving ---- */

static const struct content_field problem_fields[] = {
	CONTENT_FIELD(struct content_problem, level, "level"),
	CONTENT_FIELD(struct content_problem, section, "section"),
	CONTENT_FIELD(struct content_problem, item, "item"),
	CONTENT_FIELD(struct content_problem, key, "key"),
	CONTENT_FIELD(struct content_problem, file, "file"),
	CONTENT_FIELD(struct content_problem, message, "message"),
};

static void
problem_line(void *arg, const char *line)
{
	struct content_result *r = arg;
	struct content_problem *p, *nv;
	char num[16];

	if (strncmp(line, "problem ", 8) != 0 || r->n >= 200)
		return;
	if ((nv = realloc(r->v, (r->n + 1) * sizeof *nv)) == NULL)
		return;
	r->v = nv;
	p = &r->v[r->n++];
	memset(p, 0, sizeof *p);
	content_fields(line, p, problem_fields, sizeof problem_fields / sizeof problem_fields[0]);
	if (control_line_get(line, "line", num, sizeof num) == 0)
		p->line = atoi(num);
	if (control_line_get(line, "staff", num, sizeof num) == 0)
		p->staff = strcmp(num, "1") == 0;
}

/* The text as the writer would write it, when it loads (so every save is
 * canonical, and a version's diff shows only the change); else as it is,
 * for the daemon to name what is wrong. */
static char *
canonical(const struct web_req *rq, const char *text)
{
	struct content_staff st;
	struct ls_config *cfg;
	char err[512], *out = NULL;

	(void)rq;
	memset(&st, 0, sizeof st);
	if (content_staff_get(rq, &st, err, sizeof err) == 0 && (cfg = content_model(&st, text, err, sizeof err)) != NULL) {
		out = config_write_staff(cfg, NULL);
		ls_config_free(cfg);
	}
	content_staff_free(&st);
	return out;
}

void
content_save(const struct web_req *rq, const char *text, const char *base, const char *summary,
    long long restore_id, struct content_result *res)
{
	char *canon = text ? canonical(rq, text) : NULL;

	if (canon != NULL)
		text = canon;
	/* every value may be escaped to three bytes a byte */
	size_t cap = 512 + (text ? 3 * strlen(text) : 0) + (summary ? 3 * strlen(summary) : 0) +
	    (base ? 3 * strlen(base) : 0) + (rq->user ? 3 * strlen(rq->user->name) : 0), n = 0;
	char *req = malloc(cap), final[4096], err[512], num[24];
	int rc, put = 0;

	memset(res, 0, sizeof *res);
	if (req == NULL) {
		free(canon);
		snprintf(res->code, sizeof res->code, "internal");
		snprintf(res->message, sizeof res->message, "out of memory");
		return;
	}
	snprintf(req, cap, "%s v=1", text ? "staff-save" : "staff-restore");
	n = strlen(req);
	if (rq->user)
		put |= kv_put(req, cap, &n, "actor", rq->user->name);
	if (base && base[0])
		put |= kv_put(req, cap, &n, "base", base);   /* never dropped: it guards against lost edits */
	if (text) {
		if (summary && summary[0])
			put |= kv_put(req, cap, &n, "summary", summary);
		put |= kv_put(req, cap, &n, "text", text);
	} else {
		snprintf(num, sizeof num, "%lld", restore_id);
		put |= kv_put(req, cap, &n, "id", num);
	}
	if (put != 0) {
		free(req);
		free(canon);
		snprintf(res->code, sizeof res->code, "internal");
		snprintf(res->message, sizeof res->message, "the request did not fit; nothing was saved");
		return;
	}
	rc = web_control(rq, req, problem_line, res, final, sizeof final, err, sizeof err);
	free(req);
	free(canon);
	if (rc < 0) {
		snprintf(res->code, sizeof res->code, "daemon");
		snprintf(res->message, sizeof res->message, "%s", err);
		return;
	}
	if (rc > 0) {
		control_line_get(final, "code", res->code, sizeof res->code);
		if (control_line_get(final, "message", res->message, sizeof res->message) < 0)
			snprintf(res->message, sizeof res->message, "%.1000s", final);
		return;
	}
	res->ok = 1;
	if (control_line_get(final, "id", num, sizeof num) == 0)
		res->id = atoll(num);
}

void
content_result_free(struct content_result *r)
{
	free(r->v);
	r->v = NULL;
	r->n = 0;
}

void
content_field_errors(struct web_buf *b, struct content_result *r, const char *section, const char *item,
    const char *key)
{
	for (size_t i = 0; r && i < r->n; i++) {
		struct content_problem *p = &r->v[i];
		if (!p->staff || p->line < 0 || strcmp(p->section, section) != 0 || strcmp(p->item, item) != 0 ||
		    strcmp(p->key, key) != 0)
			continue;
		web_buf_escf(b, "<p class=\"field-error %s\" role=\"alert\" data-key=\"%s\">%s</p>",
		    strcmp(p->level, "error") == 0 ? "is-error" : "is-warning", key, p->message);
		p->line = -p->line - 1;   /* shown: left out of content_result_html */
	}
}

void
content_result_html(const struct web_req *rq, struct web_buf *b, struct content_result *r)
{
	int any = 0;

	(void)rq;
	for (size_t i = 0; r && i < r->n; i++)
		any |= r->v[i].line >= 0;
	if (!any)
		return;
	web_buf_puts(b, "<div class=\"card\"><ul class=\"problems\" id=\"problems\">");
	for (size_t i = 0; i < r->n; i++) {
		const struct content_problem *p = &r->v[i];
		if (p->line < 0)
			continue;
		web_buf_escf(b, "<li class=\"%s\">%s:%d: %s</li>", strcmp(p->level, "error") == 0 ? "is-error" : "is-warning",
		    p->file, p->line, p->message);
	}
	web_buf_puts(b, "</ul></div>");
}

/* ---- element text ---- */

static int
looks_numeric(const char *s)
{
	const char *p = s;
	int digits = 0, dot = 0;

	if (*p == '-')
		p++;
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (*p == '.' && !dot)
			dot = 1;
		else
			return 0;
	}
	return digits > 0;
}

char *
content_element(const struct content_kv *v, size_t n)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (f == NULL)
		return NULL;
	fputs("{ ", f);
	for (size_t i = 0; i < n; i++) {
		const char *val = v[i].val;
		char *q;
		if (val == NULL || val[0] == '\0')
			continue;
		if (v[i].kind == 'l') {
			int first = 1;
			char *copy = strdup(val), *save = NULL;
			if (copy == NULL)
				continue;
			fprintf(f, "%s = [", v[i].key);
			for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
				while (*tok == ' ')
					tok++;
				size_t tl = strlen(tok);
				while (tl > 0 && tok[tl - 1] == ' ')
					tok[--tl] = '\0';
				if (tl == 0 || (q = config_quote(tok)) == NULL)
					continue;
				fprintf(f, "%s%s", first ? "" : ", ", q);
				free(q);
				first = 0;
			}
			fputs("]; ", f);
			free(copy);
			continue;
		}
		if (v[i].kind == 'n' && looks_numeric(val)) {
			fprintf(f, "%s = %s; ", v[i].key, val);
			continue;
		}
		if ((q = config_quote(val)) == NULL)
			continue;
		fprintf(f, "%s = %s; ", v[i].key, q);
		free(q);
	}
	fputc('}', f);
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

char *
content_replace(const char *text, const char *section, long index, const char *elem)
{
	char head[64], *out = NULL;
	size_t len = 0;
	const char *start, *close, *p;
	long i = 0;
	int wrote = 0;
	FILE *f;

	/* "\nSECTION = (\n" then one element a line, then ");" on a line of its own */
	snprintf(head, sizeof head, "\n%s = (\n", section);
	if ((start = strstr(text, head)) == NULL)
		return NULL;
	start += strlen(head);
	if (strncmp(start, ");", 2) == 0)
		close = start;
	else if ((close = strstr(start, "\n);")) != NULL)
		close++;
	else
		return NULL;
	if ((f = open_memstream(&out, &len)) == NULL)
		return NULL;
	fwrite(text, 1, (size_t)(start - text), f);
	for (p = start; p < close;) {
		const char *e = memchr(p, '\n', (size_t)(close - p));
		const char *q = p, *t = e ? e : close;
		if (e == NULL)
			e = close - 1;
		while (q < t && *q == ' ')
			q++;
		while (t > q && (t[-1] == ',' || t[-1] == ' '))
			t--;
		if (t > q) {
			const char *put = i == index ? elem : q;
			int plen = i == index ? (elem ? (int)strlen(elem) : 0) : (int)(t - q);
			if (put != NULL) {
				fprintf(f, "%s  %.*s", wrote ? ",\n" : "", plen, put);
				wrote = 1;
			}
			i++;
		}
		p = e + 1;
	}
	if (index < 0 && elem != NULL) {
		fprintf(f, "%s  %s", wrote ? ",\n" : "", elem);
		wrote = 1;
	}
	if (wrote)
		fputc('\n', f);
	fputs(close, f);
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

void
content_save_failed(const struct web_req *rq, struct web_buf *b, const struct content_result *res)
{
	web_buf_escf(b, "<p class=\"error\" role=\"alert\" id=\"save-error\">%s %s</p>", web_msg(rq, "c.savefailed"),
	    res->message);
}

void
content_saved_notice(const struct web_req *rq, struct web_buf *b, const char *name)
{
	const char *saved = web_query(rq, name);

	if (saved && strspn(saved, "0123456789") == strlen(saved) && saved[0])
		web_buf_escf(b, "<p class=\"notice\" role=\"status\" id=\"saved\">%s %s</p>", web_msg(rq, "c.saved"), saved);
}

void
content_save_delete(const struct web_req *rq, struct web_buf *b)
{
	web_buf_escf(b, "<p><button type=\"submit\" class=\"primary\" name=\"save\" value=\"1\" id=\"save\">%s</button> "
	    "<button type=\"submit\" class=\"danger\" name=\"delete\" value=\"1\">%s</button></p>",
	    web_msg(rq, "c.save"), web_msg(rq, "c.delete"));
}

void
content_conflict_banner(const struct web_req *rq, struct web_buf *b, const struct content_staff *st)
{
	if (!st->conflict)
		return;
	web_buf_escf(b, "<div class=\"card conflict\" role=\"alert\"><p class=\"error\">%s</p><p>%s <code>%s</code></p>"
	    "<p><a href=\"/history\">%s</a></p></div>", web_msg(rq, "c.conflict"), web_msg(rq, "c.conflict.file"),
	    st->file, web_msg(rq, "c.conflict.go"));
}

int
content_can_edit(const struct web_req *rq)
{
	return rq->user && web_role_allows(rq->user->role, WEB_ROLE_EDITOR);
}
