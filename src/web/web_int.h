/*
 * web_int.h — private to src/web/: the server's state and the seams
 * between its files.
 *
 *   server.c       libmicrohttpd, the router, request bodies, security headers
 *   html.c         buffers, escaping, the page frame, responses
 *   session.c      sessions (cookies, CSRF tokens, expiry) and login rate limits
 *   users.c        the accounts database (SQLite, yescrypt hashes)
 *   msg.c          message catalogue lookup (msg_zh.c, msg_en.c, msg_content.c)
 *   assets.c       CSS and JavaScript
 *   routes_core.c  home, login, logout, language, static files
 *   wall.c         the board wall, its PNGs and the live event stream
 *   alerts.c       raise (preview, confirm), clear, list, CAP upload
 *   audit_page.c   the audit log and its CSV export
 *   routes_content.c  the content editor's table (another helper's)
 */
#ifndef LEDSIGN_WEB_INT_H
#define LEDSIGN_WEB_INT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "web/web.h"

/* Unix seconds (as the daemon writes them, a fraction allowed) as local
 * "YYYY-MM-DD HH:MM:SS" (html.c). */
void web_time_text(const char *unix_s, char *buf, size_t len);

/* Every route table, in lookup order, ending with NULL (server.c). */
extern const struct web_route *const web_route_tables[];

/* ---- sessions (session.c) ---- */
#define WEB_TOKEN_LEN 43          /* 32 random bytes, base64url without padding */
#define WEB_SESSIONS_MAX 1024
/* Failed logins: at most this many per user name and per client address in
 * WEB_LOGIN_WINDOW seconds; then refused until the window passes. */
#define WEB_LOGIN_FAILS 5
#define WEB_LOGIN_WINDOW 300

struct web_sessions;
struct web_sessions *web_sessions_new(int ttl);
void web_sessions_free(struct web_sessions *);
/* A new session for user: its id (the cookie) and CSRF token.  0 or -1. */
int  web_session_create(struct web_sessions *, const struct web_user *, char id[WEB_TOKEN_LEN + 1],
    char csrf[WEB_TOKEN_LEN + 1]);
/* Look a cookie up (and extend its life): 0 with a copy of the user and the
 * CSRF token, -1 when unknown or expired. */
int  web_session_get(struct web_sessions *, const char *id, struct web_user *user, char csrf[WEB_TOKEN_LEN + 1]);
void web_session_drop(struct web_sessions *, const char *id);
/* Drop every session of a user (deleted, password changed). */
void web_session_drop_user(struct web_sessions *, const char *name);
/* Login attempts: 1 when this name or address has failed too often lately
 * (*wait: seconds until it may try again). */
int  web_login_limited(struct web_sessions *, const char *name, const char *peer, int *wait);
void web_login_failed(struct web_sessions *, const char *name, const char *peer);
void web_login_ok(struct web_sessions *, const char *name, const char *peer);
/* A random token (base64url, WEB_TOKEN_LEN chars). */
int  web_token(char out[WEB_TOKEN_LEN + 1]);
/* Constant-time compare of two NUL-terminated strings. */
int  web_token_eq(const char *a, const char *b);

/* ---- the board wall's state (wall.c) ---- */
struct web_wall;
struct web_wall *web_wall_new(struct web_server *);
/* Stop the watcher thread and wake every event stream so it ends. */
void web_wall_stop(struct web_wall *);
void web_wall_free(struct web_wall *);

/* ---- page handlers (wall.c, alerts.c, audit_page.c) ---- */
void page_wall(struct web_req *, struct web_resp *);
void wall_events(struct web_req *, struct web_resp *);
void wall_board_png(struct web_req *, struct web_resp *);
void wall_json(struct web_req *, struct web_resp *);
void page_alerts(struct web_req *, struct web_resp *);
void post_alert_preview(struct web_req *, struct web_resp *);
void post_alert_raise(struct web_req *, struct web_resp *);
void post_alert_clear(struct web_req *, struct web_resp *);
void post_alert_cap(struct web_req *, struct web_resp *);
void page_audit(struct web_req *, struct web_resp *);
void page_district(struct web_req *, struct web_resp *);   /* district_page.c */
void audit_csv(struct web_req *, struct web_resp *);

/* Every board on the wall: its name and groups (comma list), under the wall's lock. */
void web_wall_boards(struct web_wall *, void (*fn)(void *, const char *name, const char *groups), void *arg);
/* The LED pitch the wall draws a board of this width with. */
int  web_wall_pitch(int width);
/* RGB rows (w x h) as a PNG in memory (malloc'd, *len bytes); NULL when out of memory. */
uint8_t *web_png_encode(const uint8_t *rgb, int w, int h, size_t *len);

struct web_server {
	struct web_opts opts;
	char  *listen, *socket, *users, *config, *bureau;   /* owned copies of opts' strings */
	void  *mhd;                   /* struct MHD_Daemon * */
	int    port;
	int    https;
	char  *cert_pem, *key_pem;
	struct web_sessions *sessions;
	struct web_wall *wall;
	volatile int stopping;
};

/* Find the route for a method and path: the row, or NULL (*path_known set
 * when some row has the path with another method). */
const struct web_route *web_route_find(const char *method, const char *path, int *path_known, const char **rest);

#endif
