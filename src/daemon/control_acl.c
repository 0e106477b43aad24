/*
 * control_acl.c — who may do what on the control socket: the config's user
 * and group lists per role, resolved to ids, and a peer's credentials
 * mapped to its role (tmux server-acl.c is the model: one small file
 * decides, the server only asks).
 */
#include "util/diag.h"
#include "daemon/control_int.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const role_names[] = { "none", "viewer", "operator", "admin" };

const char *
control_role_name(enum control_role r)
{
	return (unsigned)r <= CONTROL_ROLE_ADMIN ? role_names[r] : "none";
}

/* The config's lists, widest audience first: the socket file goes to the
 * first group found in this order, except that control_groups (the name
 * from before roles) keeps its old meaning and comes first. */
struct acl_list {
	const char *users_key, *groups_key;
	size_t users_off, groups_off;
	enum control_role role;
};

#define OFF(f) offsetof(struct ls_config, f)
static const struct acl_list acl_lists[] = {
	{ "control_users", "control_groups", OFF(control_users), OFF(control_groups), CONTROL_ROLE_ADMIN },
	{ "control_viewers", "control_viewer_groups", OFF(control_viewers), OFF(control_viewer_groups), CONTROL_ROLE_VIEWER },
	{ "control_operators", "control_operator_groups", OFF(control_operators), OFF(control_operator_groups), CONTROL_ROLE_OPERATOR },
	{ "control_admins", "control_admin_groups", OFF(control_admins), OFF(control_admin_groups), CONTROL_ROLE_ADMIN },
};

static int
push_uid(uid_t **v, size_t *n, size_t *cap, uid_t id)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		uid_t *nv = realloc(*v, nc * sizeof *nv);
		if (nv == NULL)
			return -1;
		*v = nv;
		*cap = nc;
	}
	(*v)[(*n)++] = id;
	return 0;
}

static int
push_gid(gid_t **v, size_t *n, size_t *cap, gid_t id)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		gid_t *nv = realloc(*v, nc * sizeof *nv);
		if (nv == NULL)
			return -1;
		*v = nv;
		*cap = nc;
	}
	(*v)[(*n)++] = id;
	return 0;
}

static int
numeric(const char *name, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(name, &end, 10);
	return *name != '\0' && *end == '\0' && errno == 0 ? 0 : -1;
}

/* Names that do not resolve are logged and skipped, never fatal: a typo in
 * a list must not take the control socket away from root in an emergency. */
static int
resolve_list(struct control_server *s, struct control_acl *a, const struct acl_list *l, const struct ls_config *cfg,
    size_t *ucap, size_t *gcap)
{
	const struct ls_strlist *users = (const struct ls_strlist *)((const char *)cfg + l->users_off);
	const struct ls_strlist *groups = (const struct ls_strlist *)((const char *)cfg + l->groups_off);
	uid_t **uids = &a->role[l->role].uids;
	gid_t **gids = &a->role[l->role].gids;
	size_t *nu = &a->role[l->role].nuids, *ng = &a->role[l->role].ngids;
	unsigned long v;

	for (size_t i = 0; i < users->n; i++) {
		const char *name = users->v[i];
		struct passwd *pw = getpwnam(name);

		if (pw == NULL && numeric(name, &v) < 0) {
			control_logf(s, 1, "%s: no such user \"%s\"; ignored", l->users_key, name);
			continue;
		}
		if (push_uid(uids, nu, ucap, pw ? pw->pw_uid : (uid_t)v) < 0)
			return -1;
	}
	for (size_t i = 0; i < groups->n; i++) {
		const char *name = groups->v[i];
		struct group *gr = getgrnam(name);
		gid_t gid;

		if (gr == NULL) {
			if (numeric(name, &v) < 0) {
				control_logf(s, 1, "%s: no such group \"%s\"; ignored", l->groups_key, name);
				continue;
			}
			gid = (gid_t)v;
			gr = getgrgid(gid);
		} else {
			gid = gr->gr_gid;
		}
		if (push_gid(gids, ng, gcap, gid) < 0)
			return -1;
		if (!a->have_group) {
			a->have_group = 1;
			a->group = gid;
		}
		/* Supplementary members: their peer credentials show only their primary group. */
		for (char **m = gr ? gr->gr_mem : NULL; m && *m; m++) {
			struct passwd *pw = getpwnam(*m);
			if (pw != NULL && push_uid(uids, nu, ucap, pw->pw_uid) < 0)
				return -1;
		}
	}
	return 0;
}

struct control_acl *
control_acl_new(struct control_server *s, const struct ls_config *cfg, char *err, size_t errlen)
{
	struct control_acl *a = calloc(1, sizeof *a);
	size_t ucap[CONTROL_ROLE_ADMIN + 1] = { 0 }, gcap[CONTROL_ROLE_ADMIN + 1] = { 0 };

	if (a == NULL)
		goto oom;
	for (size_t i = 0; cfg != NULL && i < sizeof acl_lists / sizeof acl_lists[0]; i++)
		if (resolve_list(s, a, &acl_lists[i], cfg, &ucap[acl_lists[i].role], &gcap[acl_lists[i].role]) < 0)
			goto oom;
	return a;
oom:
	control_acl_free(a);
	ls_errf(err, errlen, "out of memory");
	return NULL;
}

void
control_acl_free(struct control_acl *a)
{
	if (a == NULL)
		return;
	for (int r = 0; r <= CONTROL_ROLE_ADMIN; r++) {
		free(a->role[r].uids);
		free(a->role[r].gids);
	}
	free(a);
}

enum control_role
control_acl_role(const struct control_acl *a, uid_t uid, gid_t gid)
{
	if (uid == 0 || uid == geteuid())
		return CONTROL_ROLE_ADMIN;
	for (int r = CONTROL_ROLE_ADMIN; a != NULL && r > CONTROL_ROLE_NONE; r--) {
		for (size_t i = 0; i < a->role[r].nuids; i++)
			if (a->role[r].uids[i] == uid)
				return (enum control_role)r;
		for (size_t i = 0; i < a->role[r].ngids; i++)
			if (a->role[r].gids[i] == gid)
				return (enum control_role)r;
	}
	return CONTROL_ROLE_NONE;
}
