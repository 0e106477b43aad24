/*
 * readfile.h — a whole small file into memory, with a limit: the staff
 * file, a CAP document, a TLS certificate.  One reader, so that each says
 * the same when the file cannot be opened, cannot be read (a directory
 * opens, then fails to read) or is too large.
 */
#ifndef LEDSIGN_READFILE_H
#define LEDSIGN_READFILE_H

#include <stddef.h>

/* The file at path, NUL-terminated and malloc'd (*len bytes before the NUL
 * when len is not NULL; the file may hold NULs).  NULL with errno and a
 * message naming the file in err when it cannot be opened or read, or
 * holds more than max bytes (errno EFBIG). */
char *ls_read_file(const char *path, size_t max, size_t *len, char *err, size_t errlen);

#endif
