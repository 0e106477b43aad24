/*
 * include_scan.h — refuse an @include of a FIFO, socket, device or
 * directory before libconfig opens it (include_scan.c says why).
 */
#ifndef LEDSIGN_INCLUDE_SCAN_H
#define LEDSIGN_INCLUDE_SCAN_H

/* Where the first bad @include is: the file and line of the @include
 * line, and a sentence saying what is wrong and what to do. */
struct ls_include_problem {
	char file[4096];
	int  line;
	char why[4096 + 1200];
};

/*
 * Scan a config's @include lines, and those of the files they include, as
 * libconfig will resolve them (dir/NAME, or NAME without a dir).  The
 * config is text when not NULL (file names it in messages), else the file
 * at `file` when that is a regular file.  1 with *p filled when an
 * @include names something other than a regular file, else 0 (a missing
 * file is left to libconfig, which reports it).
 */
int ls_include_scan(const char *file, const char *text, const char *dir, struct ls_include_problem *p);

#endif
