/* file.c — whole small files in and out (file.h). */
#include "util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *
ls_read_file(const char *path, size_t max, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	char *buf = NULL, *nb;
	size_t n = 0, cap, got;
	int e = 0;

	if (f == NULL) {
		e = errno;
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		errno = e;
		return NULL;
	}
	/* room for what the file holds now (a limit of 64 MiB is no reason
	 * to take 64 MiB for a 3 KiB config), growing if it grows meanwhile;
	 * one byte more than max tells a file that is too large */
	cap = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && (unsigned long long)st.st_size < max ?
	    (size_t)st.st_size + 2 : 4096;
	if (cap > max + 1)
		cap = max + 1;
	for (;;) {
		if ((nb = realloc(buf, cap + 1)) == NULL) {
			e = ENOMEM;
			break;
		}
		buf = nb;
		errno = 0;
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		/* a directory opens, then fails to read: not an empty file */
		if (ferror(f)) {
			e = errno ? errno : EIO;
			break;
		}
		if (n < cap || n > max)
			break;              /* the end, or more than max */
		cap = cap > max / 2 ? max + 1 : cap * 2;
	}
	fclose(f);
	if (e != 0 || n > max) {
		free(buf);
		if (e == ENOMEM)
			snprintf(err, errlen, "out of memory");
		else if (e != 0)
			snprintf(err, errlen, "%s: %s", path, strerror(e));
		else
			snprintf(err, errlen, "%s is larger than %zu bytes", path, max);
		errno = e != 0 ? e : EFBIG;
		return NULL;
	}
	buf[n] = '\0';
	if (len != NULL)
		*len = n;
	return buf;
}

int
ls_write_file(const char *path, const void *data, size_t len, char *err, size_t errlen)
{
	char tmp[4200], dir[4096];
	size_t off = 0;
	int fd, dfd, e;

	if ((size_t)snprintf(tmp, sizeof tmp, "%s.new-%d", path, (int)getpid()) >= sizeof tmp ||
	    (size_t)snprintf(dir, sizeof dir, "%s", path) >= sizeof dir) {
		snprintf(err, errlen, "%.300s...: the path is too long", path);
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644)) < 0) {
		e = errno;
		snprintf(err, errlen, "%s: %s", tmp, strerror(e));
		errno = e;
		return -1;
	}
	while (off < len) {
		ssize_t n = write(fd, (const char *)data + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			e = n < 0 ? errno : EIO;
			snprintf(err, errlen, "%s: %s", tmp, strerror(e));
			goto fail;
		}
		off += (size_t)n;
	}
	if (fsync(fd) != 0) {
		e = errno;
		snprintf(err, errlen, "%s: fsync: %s", tmp, strerror(e));
		goto fail;
	}
	if (close(fd) != 0) {
		e = errno;
		fd = -1;
		snprintf(err, errlen, "%s: %s", tmp, strerror(e));
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		e = errno;
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		goto fail;
	}
	/* the rename itself survives a power cut once the directory is synced */
	if ((dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = e;
	return -1;
}

long
ls_read_fd(int fd, char *buf, size_t max)
{
	size_t n = 0;

	while (n < max) {
		ssize_t r = read(fd, buf + n, max - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && n == 0)
			return -1;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	return (long)n;
}

int
ls_write_fd(int fd, const void *p, size_t len)
{
	const char *c = p;
	size_t off = 0;

	while (off < len) {
		ssize_t w = write(fd, c + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return -1;
		}
		off += (size_t)w;
	}
	return 0;
}
