/*
 * self_exe.c — the running program's file, for starting a helper process
 * from the same build (self_exe.h).
 */
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
