/* Unit tests for src/web/: escaping, roles, the router's lookup, sessions and
 * CSRF tokens, login rate limits, the accounts database (yescrypt). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "web/users.h"
#include "web/web.h"
#include "web/web_int.h"

static void
test_escape(void **state)
{
	struct web_buf b = { 0 };
	char *e;

	(void)state;
	web_buf_esc(&b, "<script>alert('x')</script> & \"q\"");
	assert_string_equal(b.p, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
	web_buf_free(&b);
	/* %s escaped, numbers as printf, the format itself kept */
	web_buf_escf(&b, "<a href=\"%s\">%s</a> %d %u %lld %.1f %%", "/x?\"y", "<b>", -3, 7u, 1234567890123LL, 2.5);
	assert_string_equal(b.p, "<a href=\"/x?&quot;y\">&lt;b&gt;</a> -3 7 1234567890123 2.5 %");
	web_buf_free(&b);
	web_buf_url(&b, "a b/c?d=é&<");
	assert_string_equal(b.p, "a%20b%2Fc%3Fd%3D%C3%A9%26%3C");
	web_buf_free(&b);
	web_buf_json_str(&b, "a\"b\\c\n</script>");
	assert_string_equal(b.p, "\"a\\\"b\\\\c\\u000a\\u003c/script\\u003e\"");
	web_buf_free(&b);
	e = web_html_escape("'&'");
	assert_string_equal(e, "&#39;&amp;&#39;");
	free(e);
}

static void
test_roles(void **state)
{
	enum web_role r;

	(void)state;
	assert_true(web_role_allows(WEB_ROLE_PUBLIC, WEB_ROLE_PUBLIC));
	assert_false(web_role_allows(WEB_ROLE_PUBLIC, WEB_ROLE_VIEWER));
	assert_true(web_role_allows(WEB_ROLE_VIEWER, WEB_ROLE_VIEWER));
	assert_false(web_role_allows(WEB_ROLE_VIEWER, WEB_ROLE_DUTY));
	assert_false(web_role_allows(WEB_ROLE_VIEWER, WEB_ROLE_EDITOR));
	/* editor and duty side by side */
	assert_false(web_role_allows(WEB_ROLE_EDITOR, WEB_ROLE_DUTY));
	assert_false(web_role_allows(WEB_ROLE_DUTY, WEB_ROLE_EDITOR));
	assert_true(web_role_allows(WEB_ROLE_DUTY, WEB_ROLE_DUTY));
	assert_true(web_role_allows(WEB_ROLE_EDITOR, WEB_ROLE_VIEWER));
	assert_false(web_role_allows(WEB_ROLE_DUTY, WEB_ROLE_ADMIN));
	assert_true(web_role_allows(WEB_ROLE_ADMIN, WEB_ROLE_DUTY));
	assert_true(web_role_allows(WEB_ROLE_ADMIN, WEB_ROLE_EDITOR));
	assert_int_equal(web_role_parse("duty", &r), 0);
	assert_int_equal(r, WEB_ROLE_DUTY);
	assert_int_equal(web_role_parse("public", &r), -1);
	assert_int_equal(web_role_parse("root", &r), -1);
}

static void
test_routes(void **state)
{
	const struct web_route *r;
	const char *rest = NULL;
	int known;

	(void)state;
	r = web_route_find("GET", "/alerts", &known, &rest);
	assert_non_null(r);
	assert_int_equal(r->need, WEB_ROLE_VIEWER);
	r = web_route_find("POST", "/alerts/raise", &known, &rest);
	assert_non_null(r);
	assert_int_equal(r->need, WEB_ROLE_DUTY);
	/* HEAD is GET */
	assert_non_null(web_route_find("HEAD", "/wall", &known, &rest));
	/* a known path with another method */
	assert_null(web_route_find("GET", "/alerts/raise", &known, &rest));
	assert_int_equal(known, 1);
	assert_null(web_route_find("DELETE", "/nothing", &known, &rest));
	assert_int_equal(known, 0);
	/* prefixes give the rest */
	r = web_route_find("GET", "/static/console.css", &known, &rest);
	assert_non_null(r);
	assert_string_equal(rest, "console.css");
	/* every state-changing route needs more than nothing, and every row
	 * of every table has a handler */
	for (const struct web_route *const *t = web_route_tables; *t; t++)
		for (const struct web_route *x = *t; x->method; x++) {
			assert_non_null(x->fn);
			if (strcmp(x->method, "POST") == 0 && strcmp(x->path, "/login") != 0)
				assert_int_not_equal(x->need, WEB_ROLE_PUBLIC);
		}
	/* catalogues: every core key has its English row */
	for (const struct web_msg_row *m = web_msgs_zh; m->key; m++) {
		const struct web_msg_row *e = web_msgs_en;

		while (e->key && strcmp(e->key, m->key) != 0)
			e++;
		if (e->key == NULL)
			fail_msg("message %s has no English row", m->key);
	}
	assert_string_equal(web_msg_lang("en", "no.such.key"), "no.such.key");
	assert_string_equal(web_msg_lang("fr", "nav.wall"), "屏幕墙");
}

static void
test_tokens_sessions(void **state)
{
	struct web_sessions *ws = web_sessions_new(1);
	struct web_user u = { "alice", WEB_ROLE_DUTY, 0 }, got;
	char id[WEB_TOKEN_LEN + 1], csrf[WEB_TOKEN_LEN + 1], c2[WEB_TOKEN_LEN + 1], t1[WEB_TOKEN_LEN + 1],
	    t2[WEB_TOKEN_LEN + 1];

	(void)state;
	assert_int_equal(web_token(t1), 0);
	assert_int_equal(web_token(t2), 0);
	assert_int_equal(strlen(t1), WEB_TOKEN_LEN);
	assert_int_equal(strspn(t1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), WEB_TOKEN_LEN);
	assert_string_not_equal(t1, t2);
	assert_true(web_token_eq("abc", "abc"));
	assert_false(web_token_eq("abc", "abd"));
	assert_false(web_token_eq("abc", "abcd"));

	assert_non_null(ws);
	assert_int_equal(web_session_create(ws, &u, id, csrf), 0);
	assert_string_not_equal(id, csrf);
	assert_int_equal(web_session_get(ws, id, &got, c2), 0);
	assert_string_equal(got.name, "alice");
	assert_int_equal(got.role, WEB_ROLE_DUTY);
	assert_string_equal(c2, csrf);
	assert_int_equal(web_session_get(ws, t1, &got, c2), -1);
	assert_int_equal(web_session_get(ws, "short", &got, c2), -1);
	/* expiry: a session unused for its lifetime is gone */
	sleep(2);
	assert_int_equal(web_session_get(ws, id, &got, c2), -1);
	/* logout and deleting the user end sessions */
	assert_int_equal(web_session_create(ws, &u, id, csrf), 0);
	web_session_drop(ws, id);
	assert_int_equal(web_session_get(ws, id, &got, c2), -1);
	assert_int_equal(web_session_create(ws, &u, id, csrf), 0);
	web_session_drop_user(ws, "alice");
	assert_int_equal(web_session_get(ws, id, &got, c2), -1);
	web_sessions_free(ws);
}

static void
test_login_limit(void **state)
{
	struct web_sessions *ws = web_sessions_new(60);
	int wait;

	(void)state;
	for (int i = 0; i < WEB_LOGIN_FAILS - 1; i++) {
		assert_false(web_login_limited(ws, "alice", "10.0.0.1", &wait));
		web_login_failed(ws, "alice", "10.0.0.1");
	}
	assert_false(web_login_limited(ws, "alice", "10.0.0.1", &wait));
	web_login_failed(ws, "alice", "10.0.0.1");
	assert_true(web_login_limited(ws, "alice", "10.0.0.1", &wait));
	assert_true(wait > 0 && wait <= WEB_LOGIN_WINDOW);
	/* the name is limited from any address, the address for any name */
	assert_true(web_login_limited(ws, "alice", "10.0.0.2", &wait));
	assert_true(web_login_limited(ws, "bob", "10.0.0.1", &wait));
	assert_false(web_login_limited(ws, "bob", "10.0.0.2", &wait));
	/* a good login clears the name's count, not the address's */
	web_login_ok(ws, "alice", "10.0.0.1");
	assert_false(web_login_limited(ws, "alice", "10.0.0.3", &wait));
	assert_true(web_login_limited(ws, "carol", "10.0.0.1", &wait));
	web_sessions_free(ws);
}

static int nlisted;

static void
count_user(void *arg, const char *name, enum web_role role, double created, double changed)
{
	(void)arg;
	(void)created;
	(void)changed;
	if (strcmp(name, "alice") == 0)
		assert_int_equal(role, WEB_ROLE_ADMIN);
	nlisted++;
}

static void
test_users(void **state)
{
	char dir[] = "/tmp/ledsign-test-users.XXXXXX", path[96], err[256], cmd[128];
	struct web_users *db;
	struct web_user u;
	struct stat st;
	sqlite3 *raw;
	sqlite3_stmt *q;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/users.db", dir);
	assert_null(web_users_open(path, 0, err, sizeof err));   /* not made yet */
	assert_non_null(strstr(err, "ledsign user add"));
	db = web_users_open(path, 1, err, sizeof err);
	assert_non_null(db);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 077, 0);
	assert_int_equal(web_users_add(db, "alice", WEB_ROLE_ADMIN, "correct horse", err, sizeof err), 0);
	assert_int_equal(web_users_add(db, "bob", WEB_ROLE_VIEWER, "battery staple", err, sizeof err), 0);
	assert_int_equal(web_users_add(db, "alice", WEB_ROLE_VIEWER, "other password", err, sizeof err), -1);
	assert_non_null(strstr(err, "exists"));
	assert_int_equal(web_users_add(db, "a b", WEB_ROLE_VIEWER, "other password", err, sizeof err), -1);
	assert_int_equal(web_users_add(db, "-x", WEB_ROLE_VIEWER, "other password", err, sizeof err), -1);
	assert_int_equal(web_users_add(db, "carol", WEB_ROLE_VIEWER, "short", err, sizeof err), -1);
	assert_int_equal(web_users_check(db, "alice", "correct horse", &u, err, sizeof err), 1);
	assert_string_equal(u.name, "alice");
	assert_int_equal(u.role, WEB_ROLE_ADMIN);
	assert_int_equal(web_users_check(db, "alice", "correct horsE", &u, err, sizeof err), 0);
	assert_int_equal(web_users_check(db, "nobody", "correct horse", &u, err, sizeof err), 0);
	assert_int_equal(web_users_passwd(db, "alice", "new password!", err, sizeof err), 0);
	assert_int_equal(web_users_check(db, "alice", "correct horse", &u, err, sizeof err), 0);
	assert_int_equal(web_users_check(db, "alice", "new password!", &u, err, sizeof err), 1);
	assert_int_equal(web_users_passwd(db, "zed", "new password!", err, sizeof err), -1);
	assert_int_equal(web_users_set_role(db, "bob", WEB_ROLE_DUTY, err, sizeof err), 0);
	assert_int_equal(web_users_check(db, "bob", "battery staple", &u, err, sizeof err), 1);
	assert_int_equal(u.role, WEB_ROLE_DUTY);
	nlisted = 0;
	assert_int_equal(web_users_list(db, count_user, NULL, err, sizeof err), 0);
	assert_int_equal(nlisted, 2);
	assert_int_equal(web_users_del(db, "bob", err, sizeof err), 0);
	assert_int_equal(web_users_del(db, "bob", err, sizeof err), -1);
	assert_int_equal(web_users_check(db, "bob", "battery staple", &u, err, sizeof err), 0);
	web_users_close(db);
	/* stored as a yescrypt hash, never the password */
	assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(raw, "SELECT hash FROM users WHERE name = 'alice'", -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_int_equal(strncmp((const char *)sqlite3_column_text(q, 0), "$y$", 3), 0);
	assert_null(strstr((const char *)sqlite3_column_text(q, 0), "new password"));
	sqlite3_finalize(q);
	sqlite3_close(raw);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_tokens_sessions),
		cmocka_unit_test(test_login_limit),
		cmocka_unit_test(test_users),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
