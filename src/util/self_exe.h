/*
 * self_exe.h — the path of the running program's file.
 */
#ifndef LEDSIGN_SELF_EXE_H
#define LEDSIGN_SELF_EXE_H

/* The program's own file (/proc/self/exe), read on the first call and kept:
 * main() calls it at once, because once the controller has dropped its
 * privileges the process is no longer dumpable and /proc/self/exe cannot be
 * read.  NULL when it could not be read. */
const char *ls_self_exe(void);

#endif
