/*
 * safedir.h — directories other users must not be able to plant files in.
 *
 * The daemon trusts what it finds in state_dir (alerts shown on every
 * board), its run directory (pid and status files) and the control socket's
 * directory.  Like sshd's StrictModes, each must be owned by the daemon's
 * own user (or root) and writable by nobody else: no group or other write
 * bit, sticky or not.  Only the directory itself is checked, not its
 * parents (docs/daemon.md says why).  Nothing here prints.
 */
#ifndef LEDSIGN_SAFEDIR_H
#define LEDSIGN_SAFEDIR_H

#include <stddef.h>
#include <sys/types.h>

/* Make `path` unless it exists (parents 0755, the directory itself `mode`),
 * open it and check it with safedir_check_fd.  `what` names its role in
 * messages ("state_dir").  Returns a directory fd (close-on-exec; the
 * caller closes it), or -1 + err naming the directory and the fix. */
int safedir_open(const char *path, mode_t mode, const char *what, char *err, size_t errlen);

/* Check an open directory: owned by geteuid() or root, not writable by
 * group or others.  0, or -1 + err ("WHAT PATH: ...; fix: chmod go-w PATH"). */
int safedir_check_fd(int fd, const char *path, const char *what, char *err, size_t errlen);

/* As root, before becoming `uid`: make `path` like safedir_open and give
 * it to uid:gid, so the daemon can keep using it after the drop (what
 * systemd's RuntimeDirectory= and StateDirectory= do for User=).  Only a
 * directory made now, one already owned by uid, or a root-owned one named
 * ledsign* (the defaults /run/ledsign, /var/lib/ledsign from a run as root)
 * is given away: never a shared one such as /run.  Not recursive; files
 * left in it by root stay root's.  0, or -1 + err with the fix. */
int safedir_give(const char *path, mode_t mode, const char *what, uid_t uid, gid_t gid, char *err, size_t errlen);

#endif
