/*
 * self_exe.h — the path of the running program's file.
 */
#ifndef LEDSIGN_SELF_EXE_H
#define LEDSIGN_SELF_EXE_H

#include <stddef.h>

/* The program's own file (/proc/self/exe), read on the first call and kept:
 * main() calls it at once, because once the file is replaced under a
 * running controller (an upgrade's `make install`), the link reads
 * "PATH (deleted)", and a checker or the district link started from it
 * would fail.  NULL when it could not be read. */
const char *ls_self_exe(void);

/* The file `name` in the program's own directory (ledsign-full,
 * ledsign-play, ledboard beside ledsign), into buf.  0, or -1 with buf
 * saying why. */
int ls_self_sibling(const char *name, char *buf, size_t len);

#endif
