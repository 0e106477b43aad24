/* safedir.c — StrictModes for the daemon's directories (see safedir.h). */
#include "util/diag.h"
#include "util/safedir.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* mkdir -p: parents 0755, the last `mode` (both less the umask). */
static int
safedir_mkdirs(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof buf) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, n + 1);
	while (n > 1 && buf[n - 1] == '/')
		buf[--n] = '\0';
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(buf, mode) < 0 && errno != EEXIST ? -1 : 0;
}

int
safedir_check_fd(int fd, const char *path, const char *what, char *err, size_t errlen)
{
	struct stat st;
	uid_t me = geteuid();

	if (fstat(fd, &st) < 0) {
		ls_errf(err, errlen, "%s %s: %s", what, path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		ls_errf(err, errlen, "%s %s: not a directory", what, path);
		return -1;
	}
	if (st.st_uid != me && st.st_uid != 0) {
		ls_errf(err, errlen, "%s %s: owned by uid %u, not by this daemon's user (uid %u) or root, so "
		    "that user could plant files the daemon trusts; fix: chown %u %s (or remove it and let "
		    "ledsign make it)", what, path, (unsigned)st.st_uid, (unsigned)me, (unsigned)me, path);
		return -1;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		ls_errf(err, errlen, "%s %s: writable by %s (mode %04o), so others could plant files the "
		    "daemon trusts; fix: chmod go-w %s", what, path,
		    (st.st_mode & S_IWOTH) ? "others" : "its group", (unsigned)(st.st_mode & 07777), path);
		return -1;
	}
	return 0;
}

int
safedir_open(const char *path, mode_t mode, const char *what, char *err, size_t errlen)
{
	int fd;

	if (safedir_mkdirs(path, mode) < 0) {
		ls_errf(err, errlen, "%s %s: cannot create it: %s", what, path, strerror(errno));
		return -1;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		ls_errf(err, errlen, "%s %s: cannot open it: %s", what, path, strerror(errno));
		return -1;
	}
	if (safedir_check_fd(fd, path, what, err, errlen) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int
safedir_give(const char *path, mode_t mode, const char *what, uid_t uid, gid_t gid, char *err, size_t errlen)
{
	struct stat st;
	const char *base;
	int fd, made, ok;

	made = access(path, F_OK) < 0 && errno == ENOENT;
	if (safedir_mkdirs(path, mode) < 0) {
		ls_errf(err, errlen, "%s %s: cannot create it: %s", what, path, strerror(errno));
		return -1;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		ls_errf(err, errlen, "%s %s: cannot open it: %s", what, path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	ok = st.st_uid == uid || (st.st_uid == 0 && (made || strncmp(base, "ledsign", 7) == 0) &&
	    !(st.st_mode & (S_IWGRP | S_IWOTH)));
	if (!ok) {
		ls_errf(err, errlen, "%s %s: owned by uid %u; the daemon's user (uid %u) needs a directory of its "
		    "own; fix: chown %u %s, or name a directory of its own (such as /run/ledsign or /var/lib/ledsign)",
		    what, path, (unsigned)st.st_uid, (unsigned)uid, (unsigned)uid, path);
		close(fd);
		return -1;
	}
	if (st.st_uid != uid && fchown(fd, uid, gid) < 0) {
		ls_errf(err, errlen, "%s %s: cannot give it to uid %u: %s", what, path, (unsigned)uid, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}
