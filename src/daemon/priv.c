/* priv.c — running as an unprivileged user (priv.h). */
#include "daemon/priv.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/diag.h"

int
priv_user_lookup(const char *name, int with_dialout, struct priv_user *out, char *err, size_t errlen)
{
	struct passwd *pw;
	struct group *gr;
	int n = PRIV_GROUPS_MAX;
	char *end;
	unsigned long num;

	memset(out, 0, sizeof *out);
	if (name == NULL || name[0] == '\0') {
		ls_errf(err, errlen, "empty user name");
		return -1;
	}
	errno = 0;
	pw = getpwnam(name);
	if (pw == NULL) {
		num = strtoul(name, &end, 10);
		if (*end == '\0' && end != name)
			pw = getpwuid((uid_t)num);
	}
	if (pw == NULL) {
		ls_errf(err, errlen, "user \"%s\" does not exist; create it (useradd --system --no-create-home %s) "
		    "or name another", name, name);
		return -1;
	}
	if (pw->pw_uid == 0) {
		ls_errf(err, errlen, "user \"%s\" is root; name an unprivileged user such as ledsign", name);
		return -1;
	}
	if (strlen(pw->pw_name) >= sizeof out->name) {
		ls_errf(err, errlen, "user name \"%s\" is too long", pw->pw_name);
		return -1;
	}
	strcpy(out->name, pw->pw_name);
	out->uid = pw->pw_uid;
	out->gid = pw->pw_gid;
	if (getgrouplist(pw->pw_name, pw->pw_gid, out->groups, &n) < 0) {
		ls_errf(err, errlen, "user \"%s\" is in more than %d groups", name, PRIV_GROUPS_MAX);
		return -1;
	}
	out->ngroups = n;
	for (int i = 0; i < out->ngroups; i++)
		if (out->groups[i] == 0) {
			ls_errf(err, errlen, "user \"%s\" is in group root; take it out (gpasswd -d %s root)", name, name);
			return -1;
		}
	if (with_dialout && (gr = getgrnam("dialout")) != NULL) {
		int have = 0;

		for (int i = 0; i < out->ngroups; i++)
			have |= out->groups[i] == gr->gr_gid;
		if (!have && out->ngroups < PRIV_GROUPS_MAX)
			out->groups[out->ngroups++] = gr->gr_gid;
	}
	return 0;
}

int
priv_drop(const struct priv_user *u, char *err, size_t errlen)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	if (u->uid == 0 || u->gid == 0) {
		ls_errf(err, errlen, "will not run as user %s: uid or gid 0", u->name);
		return -1;
	}
	if (setgroups((size_t)u->ngroups, u->groups) < 0 ||
	    setresgid(u->gid, u->gid, u->gid) < 0 || setresuid(u->uid, u->uid, u->uid) < 0) {
		ls_errf(err, errlen, "cannot become user %s: %s (start it as root, or as %s itself)", u->name,
		    strerror(errno), u->name);
		return -1;
	}
	/* the drop must be for good: none of these may work now */
	if (setuid(0) == 0 || seteuid(0) == 0 || setgid(0) == 0 || setegid(0) == 0) {
		ls_errf(err, errlen, "still able to become root after switching to user %s", u->name);
		return -1;
	}
	if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0 ||
	    ru != u->uid || eu != u->uid || su != u->uid || rg != u->gid || eg != u->gid || sg != u->gid) {
		ls_errf(err, errlen, "switching to user %s left other ids behind", u->name);
		return -1;
	}
	return 0;
}
