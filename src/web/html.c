/*
 * html.c — text buffers, HTML escaping, the page frame and the response
 * helpers of the console (web.h).
 *
 * One escaping function for everything that is not markup: web_buf_esc
 * (and web_buf_escf, which escapes every %s) turn & < > " ' into entities,
 * so the same call is safe in text and in quoted attribute values.
 */
#include <stdarg.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "web/web.h"
#include "web/web_int.h"

void
web_buf_add(struct web_buf *b, const char *s, size_t n)
{
	if (!b->oom && ls_buf_append(&b->p, &b->len, &b->cap, s, n) < 0)
		b->oom = 1;
}

void
web_buf_puts(struct web_buf *b, const char *s)
{
	web_buf_add(b, s, strlen(s));
}

static void
buf_vprintf(struct web_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	if (b->oom || ls_buf_reserve(&b->p, b->len, &b->cap, (size_t)n) < 0) {
		b->oom = 1;
		return;
	}
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void
web_buf_printf(struct web_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void
web_buf_esc(struct web_buf *b, const char *s)
{
	const char *run = s;

	if (s == NULL)
		return;
	for (; *s; s++) {
		const char *ent = NULL;

		switch (*s) {
		case '&': ent = "&amp;"; break;
		case '<': ent = "&lt;"; break;
		case '>': ent = "&gt;"; break;
		case '"': ent = "&quot;"; break;
		case '\'': ent = "&#39;"; break;
		default: continue;
		}
		web_buf_add(b, run, (size_t)(s - run));
		web_buf_puts(b, ent);
		run = s + 1;
	}
	web_buf_add(b, run, (size_t)(s - run));
}

/* printf with every %s escaped: the format is split at each conversion and
 * each piece printed on its own (so the format stays a literal). */
void
web_buf_escf(struct web_buf *b, const char *fmt, ...)
{
	va_list ap;
	const char *p = fmt;

	va_start(ap, fmt);
	while (*p) {
		const char *pc = strchr(p, '%');
		char spec[32];
		size_t n;

		if (pc == NULL) {
			web_buf_puts(b, p);
			break;
		}
		web_buf_add(b, p, (size_t)(pc - p));
		/* the conversion: flags, width, precision, length, then the letter */
		n = strspn(pc + 1, "-+ #0123456789.lhzj");
		if (n + 2 >= sizeof spec || pc[1 + n] == '\0')
			break;
		memcpy(spec, pc, n + 2);
		spec[n + 2] = '\0';
		switch (pc[1 + n]) {
		case '%':
			web_buf_puts(b, "%");
			break;
		case 's':
			web_buf_esc(b, va_arg(ap, const char *));
			break;
		case 'd': case 'i': case 'c':
			if (strstr(spec, "ll"))
				web_buf_printf(b, spec, va_arg(ap, long long));
			else if (strchr(spec, 'l'))
				web_buf_printf(b, spec, va_arg(ap, long));
			else if (strchr(spec, 'z'))
				web_buf_printf(b, spec, va_arg(ap, size_t));
			else
				web_buf_printf(b, spec, va_arg(ap, int));
			break;
		case 'u': case 'x': case 'X':
			if (strstr(spec, "ll"))
				web_buf_printf(b, spec, va_arg(ap, unsigned long long));
			else if (strchr(spec, 'l'))
				web_buf_printf(b, spec, va_arg(ap, unsigned long));
			else if (strchr(spec, 'z'))
				web_buf_printf(b, spec, va_arg(ap, size_t));
			else
				web_buf_printf(b, spec, va_arg(ap, unsigned));
			break;
		case 'f': case 'g': case 'e':
			web_buf_printf(b, spec, va_arg(ap, double));
			break;
		default:
			/* an unknown conversion is a programming error: stop here */
			va_end(ap);
			return;
		}
		p = pc + n + 2;
	}
	va_end(ap);
}

void
web_buf_url(struct web_buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr("-._~", *p))
			web_buf_add(b, (const char *)p, 1);
		else
			web_buf_printf(b, "%%%02X", *p);
	}
}

void
web_buf_json_str(struct web_buf *b, const char *s)
{
	web_buf_puts(b, "\"");
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p == '"' || *p == '\\')
			web_buf_printf(b, "\\%c", *p);
		else if (*p < 0x20 || *p == '<' || *p == '>' || *p == '&')
			web_buf_printf(b, "\\u%04x", *p);   /* also safe inside HTML */
		else
			web_buf_add(b, (const char *)p, 1);
	}
	web_buf_puts(b, "\"");
}

void
web_buf_free(struct web_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

char *
web_html_escape(const char *s)
{
	struct web_buf b = { 0 };

	web_buf_esc(&b, s);
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	return b.p ? b.p : strdup("");
}

/* ---- responses ---- */

void
web_resp_header(struct web_resp *r, const char *name, const char *value)
{
	if (r->nhdr >= WEB_HDR_MAX)
		return;
	r->hdr_name[r->nhdr] = strdup(name);
	r->hdr_val[r->nhdr] = strdup(value);
	if (!r->hdr_name[r->nhdr] || !r->hdr_val[r->nhdr]) {
		free(r->hdr_name[r->nhdr]);
		free(r->hdr_val[r->nhdr]);
		return;
	}
	r->nhdr++;
}

void
web_bytes(struct web_resp *r, int status, const char *type, void *data, size_t len)
{
	free(r->body);
	r->status = status;
	r->type = type;
	r->body = data;
	r->len = len;
}

void
web_png(struct web_resp *r, void *png, size_t len)
{
	web_bytes(r, 200, "image/png", png, len);
}

void
web_json(struct web_resp *r, int status, struct web_buf *b)
{
	if (b->oom) {
		web_buf_free(b);
		web_bytes(r, 500, "text/plain; charset=utf-8", strdup("out of memory"), 13);
		return;
	}
	web_bytes(r, status, "application/json; charset=utf-8", b->p ? b->p : strdup("{}"), b->p ? b->len : 2);
	memset(b, 0, sizeof *b);
}

void
web_redirect(struct web_resp *r, const char *path)
{
	/* only local paths: "//host" or "/\host" would leave the site */
	if (path == NULL || path[0] != '/' || path[1] == '/' || path[1] == '\\' || strpbrk(path, "\r\n"))
		path = "/";
	web_bytes(r, 303, "text/plain; charset=utf-8", strdup(""), 0);
	web_resp_header(r, "Location", path);
}

void
web_buf_csrf(struct web_buf *b, const struct web_req *rq)
{
	web_buf_escf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", rq->csrf ? rq->csrf : "");
}

static int
route_visible(const struct web_req *rq, const struct web_route *r)
{
	return r->nav != NULL && strcmp(r->method, "GET") == 0 &&
	    (!(r->flags & WEB_ROUTE_BUREAU) || rq->srv->opts.bureau != NULL) &&
	    (r->need == WEB_ROLE_PUBLIC || (rq->user && web_role_allows(rq->user->role, r->need)));
}

void
web_page(const struct web_req *rq, struct web_resp *r, int status, const char *title, struct web_buf *body)
{
	struct web_buf b = { 0 };
	const char *other = strcmp(rq->lang, "en") == 0 ? "zh" : "en";

	web_buf_escf(&b, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	    "<meta name=\"csrf-token\" content=\"%s\">"
	    "<title>%s — %s</title>"
	    "<link rel=\"stylesheet\" href=\"/static/console.css\">"
	    "<script src=\"/static/console.js\" defer></script>",
	    strcmp(rq->lang, "en") == 0 ? "en" : "zh-CN", rq->csrf ? rq->csrf : "", title, web_msg(rq, "app.name"));
	for (size_t i = 0; web_assets_content[i].name; i++)
		if (strstr(web_assets_content[i].type, "javascript"))
			web_buf_escf(&b, "<script src=\"/static/%s\" defer></script>", web_assets_content[i].name);
		else if (strstr(web_assets_content[i].type, "css"))
			web_buf_escf(&b, "<link rel=\"stylesheet\" href=\"/static/%s\">", web_assets_content[i].name);
	web_buf_escf(&b, "</head><body><header class=\"top\"><a class=\"brand\" href=\"/\">%s</a><nav>",
	    web_msg(rq, "app.name"));
	for (const struct web_route *const *t = web_route_tables; *t; t++)
		for (const struct web_route *rt = *t; rt->method; rt++)
			if (route_visible(rq, rt))
				web_buf_escf(&b, strcmp(rt->path, rq->path) == 0 ? "<a href=\"%s\" class=\"here\">%s</a>" :
				    "<a href=\"%s\">%s</a>", rt->path, web_msg(rq, rt->nav));
	web_buf_puts(&b, "</nav><div class=\"who\">");
	if (rq->user) {
		web_buf_escf(&b, "<span class=\"user\">%s (%s)</span>", rq->user->name,
		    web_msg(rq, web_role_name(rq->user->role)));
		web_buf_puts(&b, "<form method=\"post\" action=\"/logout\" class=\"inline\">");
		web_buf_csrf(&b, rq);
		web_buf_escf(&b, "<button type=\"submit\">%s</button></form>", web_msg(rq, "nav.logout"));
	}
	web_buf_escf(&b, "<a class=\"lang\" href=\"/lang?l=%s\">%s</a></div></header>\n<main>",
	    other, web_msg_lang(other, "lang.self"));
	web_buf_escf(&b, "<h1>%s</h1>\n", title);
	if (body && body->p)
		web_buf_add(&b, body->p, body->len);
	web_buf_puts(&b, "</main></body></html>\n");
	if (body) {
		if (body->oom)
			b.oom = 1;
		web_buf_free(body);
	}
	if (b.oom) {
		web_buf_free(&b);
		web_bytes(r, 500, "text/plain; charset=utf-8", strdup("out of memory"), 13);
		return;
	}
	web_bytes(r, status, "text/html; charset=utf-8", b.p, b.len);
}

void
web_error(const struct web_req *rq, struct web_resp *r, int status, const char *msg)
{
	struct web_buf b = { 0 };
	char title[64];

	snprintf(title, sizeof title, "err.%d", status);
	web_buf_escf(&b, "<p class=\"error\" role=\"alert\">%s</p><p><a href=\"/\">%s</a></p>", msg,
	    web_msg(rq, "nav.home"));
	web_page(rq, r, status, strcmp(web_msg(rq, title), title) ? web_msg(rq, title) : web_msg(rq, "err.other"),
	    &b);
}

void
web_time_text(const char *unix_s, char *buf, size_t len)
{
	time_t t = (time_t)atof(unix_s);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
}
