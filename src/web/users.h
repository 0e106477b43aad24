/*
 * users.h — the console's accounts: name, role, yescrypt password hash, in
 * a small SQLite database (`ledsign user add|del|passwd|list` writes it,
 * `ledsign web` reads it).  Hashes come from libcrypt: crypt_gensalt_ra
 * with the "$y$" (yescrypt) prefix and crypt_ra, so the cost follows
 * libcrypt's default and a hash made today still verifies after libcrypt
 * raises it.  Nothing here prints.
 */
#ifndef LEDSIGN_WEB_USERS_H
#define LEDSIGN_WEB_USERS_H

#include <stddef.h>
#include "web/web.h"

#define WEB_USER_NAME_MAX 32
#define WEB_PASSWORD_MIN 8
#define WEB_PASSWORD_MAX 256

struct web_users;

/* Open (and, when `create`, make) the database at path.  NULL + err. */
struct web_users *web_users_open(const char *path, int create, char *err, size_t errlen);
void web_users_close(struct web_users *);

/* 1..32 of a-z A-Z 0-9 . _ - starting with a letter or digit. */
int  web_user_name_valid(const char *name);

/* Add a user (fails when the name exists), change a password, delete.
 * 0, or -1 + err. */
int  web_users_add(struct web_users *, const char *name, enum web_role, const char *password, char *err, size_t errlen);
int  web_users_passwd(struct web_users *, const char *name, const char *password, char *err, size_t errlen);
int  web_users_set_role(struct web_users *, const char *name, enum web_role, char *err, size_t errlen);
int  web_users_del(struct web_users *, const char *name, char *err, size_t errlen);

/* Check a password: 1 and *out filled when right; 0 when the name is
 * unknown or the password wrong (the same time is spent either way); -1 +
 * err when the database cannot be read. */
int  web_users_check(struct web_users *, const char *name, const char *password, struct web_user *out,
    char *err, size_t errlen);

/* A user's role and when the account last changed (password or role):
 * 1 found, 0 no such user, -1 + err. */
int  web_users_get(struct web_users *, const char *name, enum web_role *role, double *changed, char *err,
    size_t errlen);

typedef void (*web_users_fn)(void *arg, const char *name, enum web_role, double created, double changed);
int  web_users_list(struct web_users *, web_users_fn, void *arg, char *err, size_t errlen);

#endif
