/*
 * include_scan.c — find an `@include` that names something other than a
 * regular file, before libconfig opens it.
 *
 * libconfig 1.5 (Debian 12) opens an included file with fopen() and has no
 * hook to check it first (config_set_include_func came in 1.7).  Opening a
 * FIFO nobody writes blocks the opener, so a config that @includes one hung
 * `ledsign check`, a reload on the controller's loop and the check of a
 * staff save.  So the config's text is scanned for its @include lines
 * first, the way libconfig's scanner finds them (a line that starts with
 * optional blanks, "@include", blanks and a double-quoted name), each
 * resolved as libconfig resolves it (the include directory, a '/', the
 * name), and followed to the same depth libconfig allows.
 *
 * An @include inside a block comment is scanned too, though libconfig skips
 * it: stricter, never looser.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/include_scan.h"
#include "util/file.h"

/* libconfig's MAX_INCLUDE_DEPTH: deeper, it reports its own error */
#define INCLUDE_DEPTH 10
/* a config is a few KiB; the first MiB of an included file is scanned */
#define INCLUDE_SCAN_MAX (1u << 20)

static int scan_text(const char *file, const char *text, const char *dir, int depth, struct ls_include_problem *p);

/* The name in an @include line starting at s, into name; 0 when s is one. */
static int
include_name(const char *s, char *name, size_t len)
{
	size_t n = 0;

	s += strspn(s, " \t");
	if (strncmp(s, "@include", 8) != 0 || (s[8] != ' ' && s[8] != '\t'))
		return -1;
	s += 8 + strspn(s + 8, " \t");
	if (*s++ != '"')
		return -1;
	for (; *s && *s != '"' && *s != '\n'; s++) {
		if (*s == '\\' && s[1] != '\0' && s[1] != '\n')
			s++;
		if (n + 1 < len)
			name[n++] = *s;
	}
	name[n] = '\0';
	return *s == '"' ? 0 : -1;
}

/* Read a regular file's first INCLUDE_SCAN_MAX bytes; NULL on error. */
static char *
slurp(const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	char *buf;
	long n;

	if (fd < 0)
		return NULL;
	if ((buf = malloc(INCLUDE_SCAN_MAX + 1)) == NULL || (n = ls_read_fd(fd, buf, INCLUDE_SCAN_MAX)) < 0) {
		free(buf);
		close(fd);
		return NULL;
	}
	close(fd);
	buf[n] = '\0';
	return buf;
}

/* Check one @include of file at line; 1 when it is not a regular file. */
static int
check_include(const char *file, int line, const char *name, const char *dir, int depth,
    struct ls_include_problem *p)
{
	char path[4096];
	struct stat st;
	char *text;
	int bad;

	if (dir != NULL)
		snprintf(path, sizeof path, "%s/%s", dir, name);
	else
		snprintf(path, sizeof path, "%s", name);
	if (stat(path, &st) != 0)
		return 0;       /* missing: libconfig says so at this line */
	if (!S_ISREG(st.st_mode)) {
		snprintf(p->file, sizeof p->file, "%s", file);
		p->line = line;
		snprintf(p->why, sizeof p->why, "@include \"%s\": %s is %s; include a config file", name, path,
		    S_ISDIR(st.st_mode) ? "a directory" : "not a regular file (a FIFO, socket or device)");
		return 1;
	}
	if (depth + 1 >= INCLUDE_DEPTH || (text = slurp(path)) == NULL)
		return 0;
	bad = scan_text(path, text, dir, depth + 1, p);
	free(text);
	return bad;
}

static int
scan_text(const char *file, const char *text, const char *dir, int depth, struct ls_include_problem *p)
{
	char name[1024];
	int line = 1;

	for (const char *s = text; *s; line++) {
		const char *nl = strchr(s, '\n');

		if (include_name(s, name, sizeof name) == 0 && check_include(file, line, name, dir, depth, p))
			return 1;
		if (nl == NULL)
			break;
		s = nl + 1;
	}
	return 0;
}

int
ls_include_scan(const char *file, const char *text, const char *dir, struct ls_include_problem *p)
{
	struct stat st;
	char *own = NULL;
	int bad;

	memset(p, 0, sizeof *p);
	if (text == NULL) {
		/* the main file itself: read as libconfig will, and only a regular
		 * file (a pipe given as the config cannot be read twice) */
		if (stat(file, &st) != 0 || !S_ISREG(st.st_mode) || (own = slurp(file)) == NULL)
			return 0;
		text = own;
	}
	bad = scan_text(file, text, dir, 0, p);
	free(own);
	return bad;
}
