/*
 * peek.c — ls_config_peek: the control_socket and timezone of a config,
 * read leniently, for the control clients (alert, clear, alerts, watch,
 * status, reload).
 *
 * Apart from config.c so that the lean `ledsign` front (docs/cli.md) links
 * it with libconfig alone: config.c's loader checks fonts, posters and
 * protocols and so pulls in FreeType, fontconfig, libpng and the rest.
 */
#include <ctype.h>
#include <errno.h>
#include <libconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/include_scan.h"

/* `KEY = "VALUE"` (or `KEY: "VALUE"`) at the start of a line of text, the
 * value unescaped as libconfig would (\\ \" \n \t); malloc'd, or NULL. */
static char *
peek_line_value(const char *text, const char *key)
{
	size_t kl = strlen(key);

	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		const char *p = l, *v;
		char *out, *o;

		while (*p == ' ' || *p == '\t')
			p++;
		if (strncmp(p, key, kl) != 0 || isalnum((unsigned char)p[kl]) || p[kl] == '_' || p[kl] == '-')
			continue;
		p += kl;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '=' && *p != ':')
			continue;
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '"')
			continue;
		for (v = ++p; *v && *v != '"' && *v != '\n'; v++)
			if (*v == '\\' && v[1] && v[1] != '\n')
				v++;
		if (*v != '"' || (out = malloc((size_t)(v - p) + 1)) == NULL)
			continue;
		for (o = out; p < v; p++) {
			if (*p == '\\') {
				p++;
				*o++ = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
			} else
				*o++ = *p;
		}
		*o = '\0';
		return out;
	}
	return NULL;
}

int
ls_config_peek(const char *path, struct ls_config_peek *out, char *err, size_t errlen)
{
	static const char *const keys[] = { "control_socket", "timezone" };
	char **dst[] = { &out->control_socket, &out->timezone };
	config_t lc;
	FILE *f;
	char *text;
	size_t n;

	memset(out, 0, sizeof *out);
	config_init(&lc);
	/* @include "FILE" relative to this file's directory, as the loader
	 * reads it (config.c), not to wherever the client runs */
	{
		const char *slash = strrchr(path, '/');
		char *dir = slash ? strndup(path, (size_t)(slash - path) + (slash == path)) : strdup(".");

		struct ls_include_problem ip;
		int bad;

		if (dir == NULL)
			goto oom;
		config_set_include_dir(&lc, dir);
		/* an @include of a FIFO would block the client in libconfig's
		 * fopen(): such a config is broken, and gets the full report */
		bad = ls_include_scan(path, NULL, dir, &ip);
		free(dir);
		if (bad)
			goto broken;
	}
	if (config_read_file(&lc, path)) {
		for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
			const char *v;

			if (config_lookup_string(&lc, keys[i], &v) && (*dst[i] = strdup(v)) == NULL)
				goto oom;
		}
		config_destroy(&lc);
		return 0;
	}
	if (config_error_type(&lc) == CONFIG_ERR_FILE_IO) {
		ls_errf(err, errlen, "%s: cannot read the file: %s", path, strerror(errno));
		config_destroy(&lc);
		return -1;
	}
broken:
	config_destroy(&lc);
	out->syntax_error = 1;
	/* a syntax error: look for the keys' lines in the file itself (the
	 * first 1 MiB; a config is a few KiB) */
	if ((f = fopen(path, "r")) == NULL) {
		ls_errf(err, errlen, "%s: cannot read the file: %s", path, strerror(errno));
		return -1;
	}
	if ((text = malloc((1u << 20) + 1)) == NULL) {
		fclose(f);
		ls_errf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	n = fread(text, 1, 1u << 20, f);
	fclose(f);
	text[n] = '\0';
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		*dst[i] = peek_line_value(text, keys[i]);
	free(text);
	return 0;
oom:
	config_destroy(&lc);
	ls_config_peek_clear(out);
	ls_errf(err, errlen, "%s: out of memory", path);
	return -1;
}

void
ls_config_peek_clear(struct ls_config_peek *p)
{
	free(p->control_socket);
	free(p->timezone);
	memset(p, 0, sizeof *p);
}
