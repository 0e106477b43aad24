/*
 * self_exe.c — the running program's file, for starting a helper process
 * from the same build (self_exe.h).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/self_exe.h"

const char *
ls_self_exe(void)
{
	static char path[4096];
	static int done;
	ssize_t n;

	if (!done) {
		done = 1;
		if ((n = readlink("/proc/self/exe", path, sizeof path - 1)) > 0)
			path[n] = '\0';
	}
	return path[0] ? path : NULL;
}

int
ls_self_sibling(const char *name, char *buf, size_t len)
{
	const char *self = ls_self_exe();
	const char *slash = self ? strrchr(self, '/') : NULL;
	size_t dir;

	if (slash == NULL) {
		snprintf(buf, len, "/proc/self/exe: %s", self == NULL ? "cannot be read" : "not a path");
		return -1;
	}
	dir = (size_t)(slash + 1 - self);
	if (dir + strlen(name) >= len) {
		snprintf(buf, len, "%s: the path is too long", name);
		return -1;
	}
	memcpy(buf, self, dir);
	strcpy(buf + dir, name);
	return 0;
}
