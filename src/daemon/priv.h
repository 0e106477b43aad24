/*
 * priv.h — running as an unprivileged user.
 *
 * Started as root (by hand, or by an init system without User=), the daemon
 * opens what needs root and then becomes its own user for good: groups,
 * gid and uid all changed (setgroups, setresgid, setresuid) and checked
 * not to come back.  Serial boards stay reachable through group dialout,
 * which the daemon keeps (docs/architecture.md, "Processes").  Nothing here
 * prints.
 */
#ifndef LEDSIGN_PRIV_H
#define LEDSIGN_PRIV_H

#include <stddef.h>
#include <sys/types.h>

#define PRIV_GROUPS_MAX 64

struct priv_user {
	char   name[64];
	uid_t  uid;
	gid_t  gid;                      /* primary group */
	gid_t  groups[PRIV_GROUPS_MAX];  /* supplementary groups */
	int    ngroups;
};

/* Look up `name` (a user name or a numeric uid): its primary group, its
 * supplementary groups and, when `with_dialout`, group dialout too (when
 * the system has one).  0, or -1 + err naming the user and the fix.  root
 * (uid 0) is refused: that is no drop. */
int priv_user_lookup(const char *name, int with_dialout, struct priv_user *out, char *err, size_t errlen);

/* Become `u` for good: supplementary groups, then gid, then uid (real,
 * effective and saved), then check that neither uid 0 nor gid 0 can be had
 * back.  Only as root.  0, or -1 + err. */
int priv_drop(const struct priv_user *u, char *err, size_t errlen);

#endif
