/*
 * web.h — the staff console (`ledsign web`): an HTTP server (libmicrohttpd)
 * in its own unprivileged process that asks the daemon for everything over
 * the control socket (control.h), never reaching into its structures.
 *
 * What a page is: a row in a route table.  The router looks a request up
 * in every table of web_route_tables (server.c) in order, checks the
 * user's role (server side, on every request), checks the CSRF token of
 * every request that is not GET or HEAD, and calls the row's handler with
 * a struct web_req; the handler fills a struct web_resp through the
 * helpers below and returns.  docs/console.md says why the server runs a
 * thread per connection (MHD_USE_THREAD_PER_CONNECTION).
 *
 * Adding a route table (how the content editor plugs in):
 *   1. In your file, define a table ending with an all-zero row:
 *        const struct web_route web_routes_content[] = {
 *            { "GET",  "/content", 0, WEB_ROLE_VIEWER, page_content, "nav.content" },
 *            { "POST", "/content/save", 0, WEB_ROLE_EDITOR, save_content, NULL },
 *            { "GET",  "/content/item/", WEB_ROUTE_PREFIX, WEB_ROLE_VIEWER, page_item, NULL },
 *            { NULL }
 *        };
 *      web_routes_content[] (src/web/routes_content.c) is the content
 *      editor's; web_routes_core[] (routes_core.c) the core's.  A new table
 *      is declared below and added to web_route_tables in server.c.
 *   2. Handlers are plain functions of (req, resp): read fields with
 *      web_field()/web_file(), answer with web_page() (HTML in the page
 *      frame), web_json(), web_png(), web_redirect() or web_error().  Every
 *      string from a user, a file or the daemon goes into HTML through
 *      web_buf_esc()/web_buf_escf() ("%s" arguments escaped); never write
 *      unescaped text.  Forms that change anything carry the CSRF token:
 *      web_buf_csrf(buf, req) writes the hidden field; scripts send it in
 *      an X-CSRF-Token header (console.js reads it from
 *      <meta name="csrf-token">).
 *   3. Texts come from the message catalogues: web_msg(req, "key") (zh by
 *      default, en when chosen).  The content editor's keys live in
 *      msg_content.c, the core's in msg_zh.c / msg_en.c.
 *   4. Static files (CSS, JS, no inline script: the Content-Security-Policy
 *      forbids it) are rows of a struct web_asset table (assets.c; the
 *      content editor's in routes_content.c), served under /static/.
 *   5. Record what a user changed in the audit log: web_audit(req, action,
 *      target, detail) (the daemon keeps the log; web_audit asks it).
 *
 * Nothing here prints; errors go to the log (util/log.h, subsystem "web").
 */
#ifndef LEDSIGN_WEB_H
#define LEDSIGN_WEB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Console roles.  viewer sees; editor also edits content; duty also raises
 * and clears alerts; admin may do everything.  editor and duty are side by
 * side, not above one another: a route needing WEB_ROLE_EDITOR is open to
 * editors and admins, one needing WEB_ROLE_DUTY to duty and admins (see
 * web_role_allows).  WEB_ROLE_PUBLIC: no login needed (login page, static). */
enum web_role {
	WEB_ROLE_PUBLIC = 0,
	WEB_ROLE_VIEWER,
	WEB_ROLE_EDITOR,
	WEB_ROLE_DUTY,
	WEB_ROLE_ADMIN,
};
const char *web_role_name(enum web_role);
/* -1 for an unknown name. */
int  web_role_parse(const char *name, enum web_role *out);
/* May a user with role `have` use a route that needs `need`? */
int  web_role_allows(enum web_role have, enum web_role need);

/* ---- a growing text buffer (HTML, JSON, CSV) ---- */
struct web_buf {
	char  *p;
	size_t len, cap;
	int    oom;       /* sticky: the response becomes a 500 */
};
void web_buf_add(struct web_buf *, const char *s, size_t n);
void web_buf_puts(struct web_buf *, const char *s);
/* printf, no escaping: for markup and numbers only. */
void web_buf_printf(struct web_buf *, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Text escaped for HTML text and attribute values (& < > " '). */
void web_buf_esc(struct web_buf *, const char *s);
/* printf where every %s argument is HTML-escaped (other conversions as printf). */
void web_buf_escf(struct web_buf *, const char *fmt, ...);
/* Percent-encoded for a URL query value (all but A-Z a-z 0-9 - . _ ~). */
void web_buf_url(struct web_buf *, const char *s);
/* A JSON string literal, quotes included. */
void web_buf_json_str(struct web_buf *, const char *s);
void web_buf_free(struct web_buf *);
/* HTML-escape s into a new string (NULL when out of memory). */
char *web_html_escape(const char *s);

/* ---- the request ---- */
struct web_server;
struct web_session;

struct web_user {
	char name[64];
	enum web_role role;
	double since;                 /* when this session logged in (Unix seconds) */
};

struct web_field {
	char  *name;
	char  *filename;      /* an uploaded file's name as sent (never a path to use), or NULL */
	char  *type;          /* its Content-Type, or NULL */
	char  *data;          /* NUL-terminated; len bytes (files may hold NULs) */
	size_t len;
	struct web_field *next;
};

struct web_req {
	struct web_server *srv;
	void  *conn;                  /* struct MHD_Connection * */
	const char *method;
	const char *path;             /* URL path, decoded by MHD, query removed */
	const char *rest;             /* for WEB_ROUTE_PREFIX rows: what follows the prefix */
	const struct web_user *user;  /* NULL when not logged in */
	const char *csrf;             /* the token forms must carry */
	const char *lang;             /* "zh" or "en" */
	const char *peer;             /* client address, for the log and rate limits */
	struct web_field *fields;     /* form fields (urlencoded or multipart) */
	size_t body_len;              /* bytes of the request body */
	int    https;
};

/* A form field's value (POST body first, then the query string), or NULL. */
const char *web_field(const struct web_req *, const char *name);
/* An uploaded file: its bytes and length; NULL when absent. */
const struct web_field *web_file(const struct web_req *, const char *name);
/* A query-string argument, or NULL. */
const char *web_query(const struct web_req *, const char *name);
/* A cookie's value, or NULL. */
const char *web_cookie(const struct web_req *, const char *name);
/* A request header, or NULL. */
const char *web_header(const struct web_req *, const char *name);

/* The message for `key` in the request's language, else Chinese, else the key. */
const char *web_msg(const struct web_req *, const char *key);
/* The same for a language ("zh", "en"). */
const char *web_msg_lang(const char *lang, const char *key);

/* ---- the response ---- */
#define WEB_HDR_MAX 6
struct web_resp {
	int    status;
	const char *type;             /* Content-Type */
	char  *body;                  /* malloc'd */
	size_t len;
	const char *cache;            /* Cache-Control; NULL = no-store */
	char  *hdr_name[WEB_HDR_MAX], *hdr_val[WEB_HDR_MAX];
	int    nhdr;
	/* streaming (server-sent events): when set, the server calls it from
	 * this connection's thread for more bytes (web_sse) */
	long (*stream)(void *arg, uint64_t pos, char *buf, size_t max);
	void (*stream_free)(void *arg);
	void  *stream_arg;
};

/* Add a response header (copied). */
void web_resp_header(struct web_resp *, const char *name, const char *value);
/* HTML: `body` inside the page frame (header with navigation, user, language,
 * CSS and script links).  title is text (escaped here).  Takes body over. */
void web_page(const struct web_req *, struct web_resp *, int status, const char *title, struct web_buf *body);
/* JSON (takes the buffer over). */
void web_json(struct web_resp *, int status, struct web_buf *);
/* Any bytes with a type (takes data, malloc'd, over). */
void web_bytes(struct web_resp *, int status, const char *type, void *data, size_t len);
void web_png(struct web_resp *, void *png, size_t len);
/* 303 See Other to a path on this server (only "/..." is taken: no open redirect). */
void web_redirect(struct web_resp *, const char *path);
/* An error page (HTML in the frame) with the status and a message (text). */
void web_error(const struct web_req *, struct web_resp *, int status, const char *msg);
/* The hidden CSRF field of a form. */
void web_buf_csrf(struct web_buf *, const struct web_req *);

/* ---- routes ---- */
typedef void (*web_handler)(struct web_req *, struct web_resp *);

#define WEB_ROUTE_PREFIX 0x1     /* path is a prefix ("/x/"); req->rest is what follows */
#define WEB_ROUTE_NOCSRF 0x2     /* a POST that carries no CSRF token (none so far) */
#define WEB_ROUTE_BUREAU 0x4     /* only in the navigation when the console has --bureau */

struct web_route {
	const char *method;          /* "GET" (HEAD too) or "POST" */
	const char *path;
	unsigned    flags;           /* WEB_ROUTE_* */
	enum web_role need;          /* least role (web_role_allows) */
	web_handler fn;
	const char *nav;             /* message key of its link in the navigation, or NULL */
};

extern const struct web_route web_routes_core[];     /* routes_core.c, alerts.c, wall.c, ... */
extern const struct web_route web_routes_content[];  /* routes_content.c: the content editor */

/* Static files under /static/NAME. */
struct web_asset {
	const char *name;
	const char *type;
	const char *data;
};
extern const struct web_asset web_assets_core[];     /* assets.c */
extern const struct web_asset web_assets_content[];  /* routes_content.c */

/* Message catalogues: { key, text } rows ending with { NULL, NULL }. */
struct web_msg_row {
	const char *key, *text;
};
extern const struct web_msg_row web_msgs_zh[], web_msgs_en[];                  /* msg_zh.c, msg_en.c */
extern const struct web_msg_row web_msgs_content_zh[], web_msgs_content_en[];  /* msg_content.c */

/* ---- the server ---- */
struct web_opts {
	const char *listen;          /* "HOST:PORT" (IPv4 or [IPv6]); default 127.0.0.1:8080; port 0: any */
	const char *cert, *key;      /* PEM files: HTTPS when both are set */
	const char *socket;          /* the daemon's control socket */
	const char *users;           /* the accounts database (users.c) */
	const char *config;          /* the config file the daemon plays (the content editor reads it) */
	const char *bureau;          /* the bureau's settings (`ledsign district --bureau`): the District page; NULL: none */
	int    session_ttl;          /* seconds a session lasts without use; default 8 h */
	size_t body_max;             /* largest request body; default 4 MiB */
};

struct web_server *web_server_new(const struct web_opts *, char *err, size_t errlen);
/* The port it listens on (after port 0). */
int  web_server_port(const struct web_server *);
void web_server_free(struct web_server *);
const struct web_opts *web_server_opts(const struct web_server *);

/* ---- the daemon, through the control socket ---- */
/* One request as the console: item lines to fn, the final line into final.
 * 0 ok, 1 error (final says which), -1 no answer (err). */
typedef void (*web_line_fn)(void *arg, const char *line);
int web_control(const struct web_req *, const char *request, web_line_fn fn, void *arg,
    char *final, size_t finalcap, char *err, size_t errlen);
/* Record an action of the request's user in the daemon's audit log. */
int web_audit(const struct web_req *, const char *action, const char *target, const char *detail);

#endif
