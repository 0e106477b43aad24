/*
 * server.c — the console's HTTP server: libmicrohttpd with a thread per
 * connection, the router over every route table, request bodies (MHD's
 * post processor), sessions and CSRF checks, and the headers every answer
 * carries (Content-Security-Policy without inline script, no framing).
 *
 * Why a thread per connection (docs/console.md): a handler may ask the
 * daemon (a control-socket round trip, bounded by its timeout) and a
 * server-sent-event stream waits for the next change of the board wall;
 * with a thread each, both simply block, and the number of threads is
 * bounded by MHD_OPTION_CONNECTION_LIMIT.  A staff console has a handful
 * of users, so the threads cost little.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <microhttpd.h>

#include "daemon/control.h"
#include "util/kv.h"
#include "util/log.h"
#include "util/file.h"
#include "web/users.h"
#include "web/web.h"
#include "web/web_int.h"

const struct web_route *const web_route_tables[] = { web_routes_core, web_routes_content, NULL };

#define WEB_FIELDS_MAX 256
#define WEB_CONN_LIMIT 128
#define WEB_CONN_PER_IP 64
#define WEB_IDLE_TIMEOUT 60

static const char *const web_csp = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/* ---- roles ---- */

static const char *const role_names[] = { "public", "viewer", "editor", "duty", "admin" };

const char *
web_role_name(enum web_role r)
{
	return (unsigned)r < sizeof role_names / sizeof role_names[0] ? role_names[r] : "?";
}

int
web_role_parse(const char *name, enum web_role *out)
{
	for (int i = WEB_ROLE_VIEWER; i <= WEB_ROLE_ADMIN; i++)
		if (strcmp(name, role_names[i]) == 0) {
			*out = (enum web_role)i;
			return 0;
		}
	return -1;
}

int
web_role_allows(enum web_role have, enum web_role need)
{
	if (need == WEB_ROLE_PUBLIC)
		return 1;
	if (have == WEB_ROLE_PUBLIC)
		return 0;
	if (have == WEB_ROLE_ADMIN || need == WEB_ROLE_VIEWER)
		return 1;
	return have == need;
}

/* ---- routing ---- */

const struct web_route *
web_route_find(const char *method, const char *path, int *path_known, const char **rest)
{
	const char *m = strcmp(method, "HEAD") == 0 ? "GET" : method;

	*path_known = 0;
	for (const struct web_route *const *t = web_route_tables; *t; t++)
		for (const struct web_route *r = *t; r->method; r++) {
			size_t n = strlen(r->path);
			int match = (r->flags & WEB_ROUTE_PREFIX) ? strncmp(path, r->path, n) == 0 : strcmp(path, r->path) == 0;

			if (!match)
				continue;
			if (strcmp(r->method, m) != 0) {
				*path_known = 1;
				continue;
			}
			*rest = (r->flags & WEB_ROUTE_PREFIX) ? path + n : "";
			return r;
		}
	return NULL;
}

/* ---- request state, per connection and request ---- */

struct web_conn {
	struct MHD_PostProcessor *pp;
	struct web_field *fields, *last;
	size_t nfields;
	size_t body;
	int    too_large, too_many, raw;
};

static void
fields_free(struct web_field *f)
{
	while (f) {
		struct web_field *n = f->next;

		free(f->name);
		free(f->filename);
		free(f->type);
		free(f->data);
		free(f);
		f = n;
	}
}

static int
field_append(struct web_conn *wc, const char *key, const char *filename, const char *type, const char *data,
    size_t size, int cont)
{
	struct web_field *f = wc->last;
	char *np;

	if (!cont || f == NULL || strcmp(f->name, key) != 0) {
		if (wc->nfields >= WEB_FIELDS_MAX) {
			wc->too_many = 1;
			return -1;
		}
		if ((f = calloc(1, sizeof *f)) == NULL || (f->name = strdup(key)) == NULL ||
		    (filename && (f->filename = strdup(filename)) == NULL) || (type && (f->type = strdup(type)) == NULL) ||
		    (f->data = calloc(1, 1)) == NULL) {
			if (f) {
				f->next = NULL;
				fields_free(f);
			}
			return -1;
		}
		if (wc->last)
			wc->last->next = f;
		else
			wc->fields = f;
		wc->last = f;
		wc->nfields++;
	}
	if (size == 0)
		return 0;
	if ((np = realloc(f->data, f->len + size + 1)) == NULL)
		return -1;
	f->data = np;
	memcpy(f->data + f->len, data, size);
	f->len += size;
	f->data[f->len] = '\0';
	return 0;
}

static enum MHD_Result
post_iter(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename, const char *content_type,
    const char *transfer_encoding, const char *data, uint64_t off, size_t size)
{
	struct web_conn *wc = cls;

	(void)kind;
	(void)transfer_encoding;
	if (key == NULL)
		return MHD_YES;
	return field_append(wc, key, filename, content_type, data, size, off > 0) == 0 ? MHD_YES : MHD_NO;
}

const char *
web_field(const struct web_req *rq, const char *name)
{
	for (const struct web_field *f = rq->fields; f; f = f->next)
		if (strcmp(f->name, name) == 0 && f->filename == NULL)
			return f->data;
	return web_query(rq, name);
}

const struct web_field *
web_file(const struct web_req *rq, const char *name)
{
	for (const struct web_field *f = rq->fields; f; f = f->next)
		if (strcmp(f->name, name) == 0 && f->filename != NULL)
			return f;
	return NULL;
}

const char *
web_query(const struct web_req *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *
web_cookie(const struct web_req *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND, name);
}

const char *
web_header(const struct web_req *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

/* ---- answering ---- */

static void
resp_clear(struct web_resp *r)
{
	free(r->body);
	for (int i = 0; i < r->nhdr; i++) {
		free(r->hdr_name[i]);
		free(r->hdr_val[i]);
	}
	memset(r, 0, sizeof *r);
}

static long
stream_reader_adapter(void *cls, uint64_t pos, char *buf, size_t max);

struct stream_box {
	long (*fn)(void *, uint64_t, char *, size_t);
	void (*free_fn)(void *);
	void *arg;
};

static ssize_t
stream_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	long n = stream_reader_adapter(cls, pos, buf, max);

	return n < 0 ? MHD_CONTENT_READER_END_OF_STREAM : (ssize_t)n;
}

static long
stream_reader_adapter(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream_box *sb = cls;

	return sb->fn(sb->arg, pos, buf, max);
}

static void
stream_free(void *cls)
{
	struct stream_box *sb = cls;

	if (sb->free_fn)
		sb->free_fn(sb->arg);
	free(sb);
}

static enum MHD_Result
send_resp(struct web_server *s, struct MHD_Connection *c, struct web_resp *r)
{
	struct MHD_Response *mr;
	enum MHD_Result ret;

	if (r->stream) {
		struct stream_box *sb = malloc(sizeof *sb);

		if (sb == NULL)
			return MHD_NO;
		sb->fn = r->stream;
		sb->free_fn = r->stream_free;
		sb->arg = r->stream_arg;
		mr = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16 * 1024, stream_reader, sb, stream_free);
		if (mr == NULL) {
			stream_free(sb);
			return MHD_NO;
		}
	} else {
		mr = MHD_create_response_from_buffer(r->len, r->body ? r->body : (void *)"",
		    r->body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
		if (mr == NULL)
			return MHD_NO;
		r->body = NULL;   /* MHD frees it */
	}
	MHD_add_response_header(mr, "Content-Type", r->type ? r->type : "text/plain; charset=utf-8");
	MHD_add_response_header(mr, "Content-Security-Policy", web_csp);
	MHD_add_response_header(mr, "X-Frame-Options", "DENY");
	MHD_add_response_header(mr, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(mr, "Referrer-Policy", "same-origin");
	MHD_add_response_header(mr, "Cache-Control", r->cache ? r->cache : "no-store");
	if (s->https)
		MHD_add_response_header(mr, "Strict-Transport-Security", "max-age=31536000");
	for (int i = 0; i < r->nhdr; i++)
		MHD_add_response_header(mr, r->hdr_name[i], r->hdr_val[i]);
	ret = MHD_queue_response(c, (unsigned)(r->status ? r->status : 200), mr);
	MHD_destroy_response(mr);
	return ret;
}

static void
peer_name(struct MHD_Connection *c, char *buf, size_t len)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	snprintf(buf, len, "?");
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, (socklen_t)len);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf, (socklen_t)len);
}

/* The account behind a session, looked up again on every request: a user
 * deleted, or whose password or role changed after this session logged
 * in (`ledsign user del|passwd`), is logged out at once.  0 then (the
 * session is dropped), 1 when it still stands. */
static int
session_current(struct web_server *s, const char *sid, struct web_user *user)
{
	struct web_users *db;
	enum web_role role;
	double changed = 0;
	char err[512];
	int rc;

	if ((db = web_users_open(s->users, 0, err, sizeof err)) == NULL) {
		log_error("web", NULL, "accounts: %s", err);
		return 0;
	}
	rc = web_users_get(db, user->name, &role, &changed, err, sizeof err);
	web_users_close(db);
	if (rc < 0)
		log_error("web", NULL, "accounts: %s", err);
	if (rc != 1 || changed > user->since || role != user->role) {
		if (rc == 1 || rc == 0)
			log_info("web", NULL, "session of %s ended: the account was %s", user->name,
			    rc == 0 ? "deleted" : "changed");
		web_session_drop(s->sessions, sid);
		return 0;
	}
	return 1;
}

/* Non-GET requests must carry the CSRF token: the form field "csrf" or the
 * X-CSRF-Token header, equal to the session's (or, before login, to the
 * pre-login cookie the login form was served with). */
static int
csrf_ok(const struct web_req *rq)
{
	const char *t = web_header(rq, "X-CSRF-Token");

	if (t == NULL) {
		for (const struct web_field *f = rq->fields; f; f = f->next)
			if (strcmp(f->name, "csrf") == 0 && f->filename == NULL) {
				t = f->data;
				break;
			}
	}
	return t != NULL && rq->csrf != NULL && rq->csrf[0] != '\0' && web_token_eq(t, rq->csrf);
}

static enum MHD_Result
handle(struct web_server *s, struct MHD_Connection *c, const char *url, const char *method, struct web_conn *wc)
{
	struct web_req rq;
	struct web_resp r = { 0 };
	struct web_user user;
	char csrf[WEB_TOKEN_LEN + 1] = "", pre[WEB_TOKEN_LEN + 1] = "", peer[64];
	const char *sid, *lang, *rest = "";
	const struct web_route *rt;
	int known = 0, have_user = 0, new_pre = 0;
	enum MHD_Result ret;

	memset(&rq, 0, sizeof rq);
	peer_name(c, peer, sizeof peer);
	rq.srv = s;
	rq.conn = c;
	rq.method = method;
	rq.path = url;
	rq.peer = peer;
	rq.fields = wc->fields;
	rq.body_len = wc->body;
	rq.https = s->https;
	lang = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "ls_lang");
	rq.lang = lang && strcmp(lang, "en") == 0 ? "en" : "zh";
	sid = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "ls_session");
	if (sid && web_session_get(s->sessions, sid, &user, csrf) == 0 && session_current(s, sid, &user)) {
		have_user = 1;
		rq.user = &user;
		rq.csrf = csrf;
	} else {
		/* before login: the login form's token is a cookie of its own */
		const char *p = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "ls_pre");

		if (p && strlen(p) == WEB_TOKEN_LEN)
			snprintf(pre, sizeof pre, "%s", p);
		else if (web_token(pre) == 0)
			new_pre = 1;
		rq.csrf = pre;
	}

	if (wc->too_large) {
		web_error(&rq, &r, 413, web_msg(&rq, "err.toolarge"));
		goto send;
	}
	if (wc->too_many) {
		web_error(&rq, &r, 413, web_msg(&rq, "err.toomany"));
		goto send;
	}
	rt = web_route_find(method, url, &known, &rest);
	if (rt == NULL) {
		web_error(&rq, &r, known ? 405 : 404, web_msg(&rq, known ? "err.method" : "err.notfound"));
		goto send;
	}
	rq.rest = rest;
	if (!have_user && rt->need != WEB_ROLE_PUBLIC) {
		if (strcmp(rt->method, "GET") == 0) {
			struct web_buf loc = { 0 };

			/* back here after login: only the path, percent-encoded */
			web_buf_puts(&loc, "/login?next=");
			web_buf_url(&loc, url);
			web_redirect(&r, loc.oom ? "/login" : loc.p);
			web_buf_free(&loc);
		} else {
			web_error(&rq, &r, 401, web_msg(&rq, "err.login"));
		}
		goto send;
	}
	if (have_user && !web_role_allows(user.role, rt->need)) {
		log_warn("web", NULL, "%s %s refused to %s (%s; needs %s)", method, url, user.name,
		    web_role_name(user.role), web_role_name(rt->need));
		web_error(&rq, &r, 403, web_msg(&rq, "err.role"));
		goto send;
	}
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 && !(rt->flags & WEB_ROUTE_NOCSRF) &&
	    !csrf_ok(&rq)) {
		log_warn("web", NULL, "%s %s from %s without a valid CSRF token refused", method, url, peer);
		web_error(&rq, &r, 403, web_msg(&rq, "err.csrf"));
		goto send;
	}
	rt->fn(&rq, &r);
	if (r.status == 0 && r.stream == NULL)
		web_error(&rq, &r, 500, web_msg(&rq, "err.internal"));
send:
	if (new_pre) {
		char ck[128];

		snprintf(ck, sizeof ck, "ls_pre=%s; Path=/; HttpOnly; SameSite=Strict%s", pre, s->https ? "; Secure" : "");
		web_resp_header(&r, "Set-Cookie", ck);
	}
	ret = send_resp(s, c, &r);
	resp_clear(&r);
	return ret;
}

static enum MHD_Result
access_cb(void *cls, struct MHD_Connection *c, const char *url, const char *method, const char *version,
    const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct web_server *s = cls;
	struct web_conn *wc = *con_cls;

	(void)version;
	if (wc == NULL) {
		const char *len = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");

		if ((wc = calloc(1, sizeof *wc)) == NULL)
			return MHD_NO;
		*con_cls = wc;
		if (len && strtoull(len, NULL, 10) > s->opts.body_max)
			wc->too_large = 1;   /* refuse before reading it */
		else if (strcmp(method, "POST") == 0) {
			wc->pp = MHD_create_post_processor(c, 16 * 1024, post_iter, wc);
			wc->raw = wc->pp == NULL;   /* not a form: the body is one field, "_body" */
		}
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		if (!wc->too_large && !wc->too_many) {
			wc->body += *upload_data_size;
			if (wc->body > s->opts.body_max)
				wc->too_large = 1;
			else if (wc->pp && MHD_post_process(wc->pp, upload_data, *upload_data_size) != MHD_YES)
				wc->too_many = wc->too_many || wc->nfields >= WEB_FIELDS_MAX;
			else if (wc->raw && field_append(wc, "_body", NULL, NULL, upload_data, *upload_data_size, 1) < 0)
				wc->too_large = 1;
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	return handle(s, c, url, method, wc);
}

static void
completed_cb(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct web_conn *wc = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (wc == NULL)
		return;
	if (wc->pp)
		MHD_destroy_post_processor(wc->pp);
	fields_free(wc->fields);
	free(wc);
	*con_cls = NULL;
}

/* Percent-decoding as MHD does it, except that a decoded NUL ("%00")
 * becomes DEL: MHD hands paths and arguments on as C strings, so a NUL
 * would cut "/static/console.css%00.png" to a path that exists.  DEL
 * matches no route and no name. */
static size_t
unescape_cb(void *cls, struct MHD_Connection *c, char *s)
{
	size_t n = MHD_http_unescape(s);

	(void)cls;
	(void)c;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\0')
			s[i] = 0x7f;
	return n;
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof msg, fmt, ap);
	n = strlen(msg);
	while (n > 0 && msg[n - 1] == '\n')
		msg[--n] = '\0';
	log_warn("web", NULL, "libmicrohttpd: %s", msg);
}

/* "HOST:PORT", "[V6]:PORT" or ":PORT" (127.0.0.1). */
static int
parse_listen(const char *spec, struct sockaddr_storage *ss, socklen_t *sl, char *err, size_t errlen)
{
	char host[256];
	const char *colon;
	struct addrinfo hints, *ai = NULL;
	long port;
	char *end;
	int rc;

	if (spec[0] == '[') {
		const char *rb = strchr(spec, ']');

		if (rb == NULL || rb[1] != ':' || (size_t)(rb - spec - 1) >= sizeof host)
			goto bad;
		memcpy(host, spec + 1, (size_t)(rb - spec - 1));
		host[rb - spec - 1] = '\0';
		colon = rb + 1;
	} else {
		if ((colon = strrchr(spec, ':')) == NULL || (size_t)(colon - spec) >= sizeof host)
			goto bad;
		memcpy(host, spec, (size_t)(colon - spec));
		host[colon - spec] = '\0';
		if (host[0] == '\0')
			snprintf(host, sizeof host, "127.0.0.1");
	}
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end != '\0' || port < 0 || port > 65535)
		goto bad;
	memset(&hints, 0, sizeof hints);
	hints.ai_flags = AI_NUMERICHOST;
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(host, NULL, &hints, &ai)) != 0) {
		snprintf(err, errlen, "listen address \"%s\": %s (give a numeric address such as 127.0.0.1:8080)", spec,
		    gai_strerror(rc));
		return -1;
	}
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*sl = ai->ai_addrlen;
	freeaddrinfo(ai);
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
	return 0;
bad:
	snprintf(err, errlen, "listen address \"%s\": use HOST:PORT, e.g. 127.0.0.1:8080 or [::1]:8080", spec);
	return -1;
}

static char *
read_pem(const char *path, char *err, size_t errlen)
{
	char *buf = ls_read_file(path, 1024 * 1024, NULL, err, errlen);

	if (buf == NULL && errno == EFBIG)
		snprintf(err, errlen, "%s: cannot read (at most 1 MiB of PEM)", path);
	return buf;
}

static char *
dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

struct web_server *
web_server_new(const struct web_opts *o, char *err, size_t errlen)
{
	struct web_server *s = calloc(1, sizeof *s);
	struct sockaddr_storage ss;
	struct MHD_OptionItem tls[3];
	socklen_t sl;
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD;
	const union MHD_DaemonInfo *di;

	if (s == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->opts = *o;
	s->listen = strdup(o->listen ? o->listen : "127.0.0.1:8080");
	s->socket = dup_or_null(o->socket);
	s->users = dup_or_null(o->users);
	s->config = dup_or_null(o->config);
	s->bureau = dup_or_null(o->bureau);
	s->opts.listen = s->listen;
	s->opts.socket = s->socket;
	s->opts.users = s->users;
	s->opts.config = s->config;
	s->opts.bureau = s->bureau;
	if (s->opts.session_ttl <= 0)
		s->opts.session_ttl = 8 * 3600;
	if (s->opts.body_max == 0)
		s->opts.body_max = 4 * 1024 * 1024;
	if (s->listen == NULL || parse_listen(s->listen, &ss, &sl, err, errlen) < 0)
		goto fail;
	if ((o->cert == NULL) != (o->key == NULL)) {
		snprintf(err, errlen, "HTTPS needs both --cert and --key");
		goto fail;
	}
	if (o->cert) {
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
			snprintf(err, errlen, "this libmicrohttpd has no TLS; serve HTTP on 127.0.0.1 behind a TLS proxy");
			goto fail;
		}
		if ((s->cert_pem = read_pem(o->cert, err, errlen)) == NULL || (s->key_pem = read_pem(o->key, err, errlen)) == NULL)
			goto fail;
		s->https = 1;
		flags |= MHD_USE_TLS;
	}
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if ((s->sessions = web_sessions_new(s->opts.session_ttl)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if ((s->wall = web_wall_new(s)) == NULL) {
		snprintf(err, errlen, "cannot start the board wall's watcher thread");
		goto fail;
	}
	/* one option list; the TLS pair goes in as an MHD_OPTION_ARRAY that is
	 * just its terminator when the console speaks plain HTTP */
	tls[0] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)s->cert_pem };
	tls[1] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)s->key_pem };
	tls[2] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	s->mhd = MHD_start_daemon(flags, 0, NULL, NULL, access_cb, s,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)WEB_CONN_LIMIT,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)WEB_CONN_PER_IP,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)WEB_IDLE_TIMEOUT,
	    MHD_OPTION_NOTIFY_COMPLETED, completed_cb, s,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s,
	    MHD_OPTION_UNESCAPE_CALLBACK, unescape_cb, s,
	    MHD_OPTION_ARRAY, s->https ? tls : tls + 2,
	    MHD_OPTION_END);
	if (s->mhd == NULL) {
		snprintf(err, errlen, "cannot listen on %s (in use, or not an address of this machine?)", s->listen);
		goto fail;
	}
	di = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_BIND_PORT);
	s->port = di ? di->port : 0;
	(void)sl;
	return s;
fail:
	web_server_free(s);
	return NULL;
}

int
web_server_port(const struct web_server *s)
{
	return s->port;
}

const struct web_opts *
web_server_opts(const struct web_server *s)
{
	return &s->opts;
}

void
web_server_free(struct web_server *s)
{
	if (s == NULL)
		return;
	s->stopping = 1;
	web_wall_stop(s->wall);   /* wakes the event streams, so their connections can end */
	if (s->mhd)
		MHD_stop_daemon(s->mhd);
	web_wall_free(s->wall);
	web_sessions_free(s->sessions);
	free(s->cert_pem);
	free(s->key_pem);
	free(s->listen);
	free(s->socket);
	free(s->users);
	free(s->config);
	free(s->bureau);
	free(s);
}

/* ---- the daemon ---- */

int
web_control(const struct web_req *rq, const char *request, web_line_fn fn, void *arg, char *final,
    size_t finalcap, char *err, size_t errlen)
{
	const char *sock = rq->srv->socket;

	if (sock == NULL) {
		snprintf(err, errlen, "no control socket configured (--socket or the config's control_socket)");
		return -1;
	}
	return control_request(sock, request, 10000, fn, arg, final, finalcap, err, errlen);
}

int
web_audit(const struct web_req *rq, const char *action, const char *target, const char *detail)
{
	char *req, final[1024], err[512];
	size_t cap, n = 0;
	int rc;

	cap = 64 + 3 * (strlen(action) + strlen(target ? target : "") + strlen(detail ? detail : "") + 64 + 64);
	if ((req = malloc(cap)) == NULL)
		return -1;
	snprintf(req, cap, "record");
	n = strlen(req);
	kv_put(req, cap, &n, "actor", rq->user ? rq->user->name : "");
	kv_put(req, cap, &n, "origin", "web");
	kv_put(req, cap, &n, "peer", rq->peer ? rq->peer : "");
	kv_put(req, cap, &n, "action", action);
	kv_put(req, cap, &n, "target", target ? target : "");
	kv_put(req, cap, &n, "detail", detail ? detail : "");
	rc = web_control(rq, req, NULL, NULL, final, sizeof final, err, sizeof err);
	if (rc != 0)
		log_warn("web", NULL, "audit: cannot record %s %s for %s: %s", action, target ? target : "",
		    rq->user ? rq->user->name : "-", rc < 0 ? err : final);
	free(req);
	return rc == 0 ? 0 : -1;
}
