/* readfile.c — a whole small file into memory (readfile.h). */
#include "util/readfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *
ls_read_file(const char *path, size_t max, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;
	int e;

	if (f == NULL) {
		e = errno;
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		errno = e;
		return NULL;
	}
	if ((buf = malloc(max + 1)) == NULL) {
		fclose(f);
		snprintf(err, errlen, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	errno = 0;
	n = fread(buf, 1, max + 1, f);
	/* a directory opens, then fails to read: not an empty file */
	e = ferror(f) ? (errno ? errno : EIO) : 0;
	fclose(f);
	if (e != 0 || n > max) {
		free(buf);
		if (e != 0)
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
