/*
 * file.h — whole small files in and out: one read with a limit (the staff
 * file, a CAP document, a TLS certificate), so that each says the same when
 * a file cannot be opened, cannot be read (a directory opens, then fails to
 * read) or is too large; and one write that leaves the old file or the new
 * one, never half of it (the staff file, a district bundle's files).
 */
#ifndef LEDSIGN_FILE_H
#define LEDSIGN_FILE_H

#include <stddef.h>

/* The file at path, NUL-terminated and malloc'd (*len bytes before the NUL
 * when len is not NULL; the file may hold NULs).  NULL with errno and a
 * message naming the file in err when it cannot be opened or read, or
 * holds more than max bytes (errno EFBIG). */
char *ls_read_file(const char *path, size_t max, size_t *len, char *err, size_t errlen);

/* Write len bytes of data as the file at path, whole or not at all: a
 * temporary file beside it (PATH.new-PID, mode 0644), every byte, fsync,
 * rename over path, fsync of the directory.  0, or -1 with errno and a
 * message naming the file in err (the temporary file removed). */
int ls_write_file(const char *path, const void *data, size_t len, char *err, size_t errlen);

/* Read from fd into buf until end of file, an error or max bytes; how many
 * were read (a pipe, a memfd: retried on EINTR).  -1 only when nothing
 * could be read for an error. */
long ls_read_fd(int fd, char *buf, size_t max);
/* Write all len bytes of p to fd (retried on EINTR and short writes); 0,
 * or -1 with errno. */
int ls_write_fd(int fd, const void *p, size_t len);

#endif
