/*
 * session.c — console sessions and login rate limits, in memory.
 *
 * A session is a random 256-bit id (the HttpOnly, SameSite=Strict cookie)
 * with its user, its own random CSRF token and an expiry that each use
 * pushes on by the idle time (default 8 h).  Sessions live in this
 * process only: a restart of `ledsign web` logs everyone out, which is the
 * safe way round.  Failed logins are counted per user name and per client
 * address in a sliding window; over the limit a login is refused without
 * even checking the password (yescrypt is deliberately slow, so checking
 * would also hand out CPU).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "web/web_int.h"

struct sess {
	char   id[WEB_TOKEN_LEN + 1];
	char   csrf[WEB_TOKEN_LEN + 1];
	struct web_user user;
	time_t expires;
};

#define FAILS_MAX 4096

struct fail {
	char   key[96];        /* "u:NAME" or "a:ADDRESS" */
	time_t at[WEB_LOGIN_FAILS];
	int    n;              /* entries of at[] in use (a ring once full) */
	int    pos;
};

struct web_sessions {
	pthread_mutex_t mu;
	struct sess *s;
	size_t n;
	int    ttl;
	struct fail *fails;
	size_t nfails;
};

int
web_token(char out[WEB_TOKEN_LEN + 1])
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned char r[33];
	size_t got = 0;

	while (got < 32) {
		ssize_t n = getrandom(r + got, 32 - got, 0);

		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	r[32] = 0;
	/* 32 bytes = 256 bits = 43 base64 digits (the last carries 4 bits) */
	for (int i = 0, bit = 0; i < WEB_TOKEN_LEN; i++, bit += 6) {
		int byte = bit / 8, off = bit % 8;
		unsigned v = ((unsigned)r[byte] << 8 | r[byte + 1]) >> (10 - off);

		out[i] = b64[v & 63];
	}
	out[WEB_TOKEN_LEN] = '\0';
	return 0;
}

int
web_token_eq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d = la != lb;

	for (size_t i = 0; i < la && i < lb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

struct web_sessions *
web_sessions_new(int ttl)
{
	struct web_sessions *ws = calloc(1, sizeof *ws);

	if (ws == NULL)
		return NULL;
	if ((ws->s = calloc(WEB_SESSIONS_MAX, sizeof *ws->s)) == NULL ||
	    (ws->fails = calloc(FAILS_MAX, sizeof *ws->fails)) == NULL) {
		free(ws->s);
		free(ws);
		return NULL;
	}
	pthread_mutex_init(&ws->mu, NULL);
	ws->ttl = ttl;
	return ws;
}

void
web_sessions_free(struct web_sessions *ws)
{
	if (ws == NULL)
		return;
	pthread_mutex_destroy(&ws->mu);
	explicit_bzero(ws->s, WEB_SESSIONS_MAX * sizeof *ws->s);
	free(ws->s);
	free(ws->fails);
	free(ws);
}

/* Forget session i: the last takes its place, and the slot it left is
 * wiped, so no token outlives its session in memory (also when i was the
 * last). */
static void
sess_remove(struct web_sessions *ws, size_t i)
{
	ws->s[i] = ws->s[--ws->n];
	explicit_bzero(&ws->s[ws->n], sizeof ws->s[ws->n]);
}

static void
expire(struct web_sessions *ws, time_t now)
{
	for (size_t i = 0; i < ws->n;) {
		if (ws->s[i].expires <= now)
			sess_remove(ws, i);
		else
			i++;
	}
}

int
web_session_create(struct web_sessions *ws, const struct web_user *u, char id[WEB_TOKEN_LEN + 1],
    char csrf[WEB_TOKEN_LEN + 1])
{
	time_t now = time(NULL);
	struct sess *s;

	if (web_token(id) < 0 || web_token(csrf) < 0)
		return -1;
	pthread_mutex_lock(&ws->mu);
	expire(ws, now);
	if (ws->n == WEB_SESSIONS_MAX) {
		/* full: the one closest to expiry goes */
		size_t old = 0;

		for (size_t i = 1; i < ws->n; i++)
			if (ws->s[i].expires < ws->s[old].expires)
				old = i;
		sess_remove(ws, old);
	}
	s = &ws->s[ws->n++];
	memcpy(s->id, id, WEB_TOKEN_LEN + 1);
	memcpy(s->csrf, csrf, WEB_TOKEN_LEN + 1);
	s->user = *u;
	s->expires = now + ws->ttl;
	pthread_mutex_unlock(&ws->mu);
	return 0;
}

int
web_session_get(struct web_sessions *ws, const char *id, struct web_user *user, char csrf[WEB_TOKEN_LEN + 1])
{
	time_t now = time(NULL);
	int rc = -1;

	if (strlen(id) != WEB_TOKEN_LEN)
		return -1;
	pthread_mutex_lock(&ws->mu);
	for (size_t i = 0; i < ws->n; i++) {
		if (!web_token_eq(ws->s[i].id, id))
			continue;
		if (ws->s[i].expires > now) {
			ws->s[i].expires = now + ws->ttl;
			*user = ws->s[i].user;
			memcpy(csrf, ws->s[i].csrf, WEB_TOKEN_LEN + 1);
			rc = 0;
		}
		break;
	}
	pthread_mutex_unlock(&ws->mu);
	return rc;
}

void
web_session_drop(struct web_sessions *ws, const char *id)
{
	pthread_mutex_lock(&ws->mu);
	for (size_t i = 0; i < ws->n; i++)
		if (web_token_eq(ws->s[i].id, id)) {
			sess_remove(ws, i);
			break;
		}
	pthread_mutex_unlock(&ws->mu);
}

void
web_session_drop_user(struct web_sessions *ws, const char *name)
{
	pthread_mutex_lock(&ws->mu);
	for (size_t i = 0; i < ws->n;)
		if (strcmp(ws->s[i].user.name, name) == 0)
			sess_remove(ws, i);
		else
			i++;
	pthread_mutex_unlock(&ws->mu);
}

static struct fail *
fail_find(struct web_sessions *ws, const char *key, int make, time_t now)
{
	struct fail *f;

	for (size_t i = 0; i < ws->nfails; i++)
		if (strcmp(ws->fails[i].key, key) == 0)
			return &ws->fails[i];
	if (!make)
		return NULL;
	if (ws->nfails == FAILS_MAX) {
		/* full: forget entries whose newest failure left the window */
		for (size_t i = 0; i < ws->nfails;) {
			struct fail *g = &ws->fails[i];
			time_t newest = g->at[(g->pos + WEB_LOGIN_FAILS - 1) % WEB_LOGIN_FAILS];

			if (now - newest >= WEB_LOGIN_WINDOW)
				*g = ws->fails[--ws->nfails];
			else
				i++;
		}
		if (ws->nfails == FAILS_MAX)
			ws->nfails--;   /* still full: the last one goes */
	}
	f = &ws->fails[ws->nfails++];
	memset(f, 0, sizeof *f);
	snprintf(f->key, sizeof f->key, "%s", key);
	return f;
}

/* 0 when allowed, else seconds to wait. */
static int
fail_wait(struct web_sessions *ws, const char *key, time_t now)
{
	struct fail *f = fail_find(ws, key, 0, now);
	time_t oldest;

	if (f == NULL || f->n < WEB_LOGIN_FAILS)
		return 0;
	oldest = f->at[f->pos];   /* the ring is full: pos is the oldest */
	return now - oldest < WEB_LOGIN_WINDOW ? (int)(WEB_LOGIN_WINDOW - (now - oldest)) : 0;
}

int
web_login_limited(struct web_sessions *ws, const char *name, const char *peer, int *wait)
{
	char k[96];
	time_t now = time(NULL);
	int w1, w2;

	pthread_mutex_lock(&ws->mu);
	snprintf(k, sizeof k, "u:%.80s", name);
	w1 = fail_wait(ws, k, now);
	snprintf(k, sizeof k, "a:%.80s", peer);
	w2 = fail_wait(ws, k, now);
	pthread_mutex_unlock(&ws->mu);
	*wait = w1 > w2 ? w1 : w2;
	return *wait > 0;
}

void
web_login_failed(struct web_sessions *ws, const char *name, const char *peer)
{
	char k[96];
	time_t now = time(NULL);

	pthread_mutex_lock(&ws->mu);
	for (int i = 0; i < 2; i++) {
		struct fail *f;

		snprintf(k, sizeof k, i == 0 ? "u:%.80s" : "a:%.80s", i == 0 ? name : peer);
		f = fail_find(ws, k, 1, now);
		f->at[f->pos] = now;
		f->pos = (f->pos + 1) % WEB_LOGIN_FAILS;
		if (f->n < WEB_LOGIN_FAILS)
			f->n++;
	}
	pthread_mutex_unlock(&ws->mu);
}

void
web_login_ok(struct web_sessions *ws, const char *name, const char *peer)
{
	char k[96];
	struct fail *f;

	(void)peer;
	pthread_mutex_lock(&ws->mu);
	/* the name's count starts over; the address's stays (one address
	 * guessing many names is what the address limit is for) */
	snprintf(k, sizeof k, "u:%.80s", name);
	if ((f = fail_find(ws, k, 0, 0)) != NULL)
		*f = ws->fails[--ws->nfails];
	pthread_mutex_unlock(&ws->mu);
}
