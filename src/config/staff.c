/*
 * staff.c — the staff file: finding it, checking a candidate for it in
 * memory, and mapping a message's line to the field it is about (staff.h).
 */
#include "config/staff.h"

#include <ctype.h>
#include <errno.h>
#include <libconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config/config.h"
#include "config/config_int.h"
#include "config/writer.h"
#include "render/render.h"
#include "schedule/schedule.h"
#include "util/file.h"

/* If line [p, end) is `@include "NAME"` (blanks around), copy NAME. */
static int
include_line(const char *p, const char *end, char *name, size_t len)
{
	const char *q;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if ((size_t)(end - p) < 9 || strncmp(p, "@include", 8) != 0)
		return 0;
	p += 8;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p >= end || *p != '"' || (q = memchr(p + 1, '"', (size_t)(end - p - 1))) == NULL)
		return 0;
	if ((size_t)(q - p - 1) >= len)
		return 0;
	memcpy(name, p + 1, (size_t)(q - p - 1));
	name[q - p - 1] = '\0';
	return 1;
}

/* The first @include of `text` that names a staff file (NAME.staff.cfg;
 * other includes, such as a district's campaign bundle, are not the
 * console's): its line (1-based) and name; 0 when none.  any: every
 * @include counts (a staff text may hold none at all). */
static int
find_include_any(const char *text, char *name, size_t len, int any)
{
	int line = 1;

	for (const char *p = text; *p; line++) {
		const char *e = strchr(p, '\n');
		size_t n;
		if (e == NULL)
			e = p + strlen(p);
		if (include_line(p, e, name, len) &&
		    (any || ((n = strlen(name)) > strlen(LS_STAFF_SUFFIX) &&
		    strcmp(name + n - strlen(LS_STAFF_SUFFIX), LS_STAFF_SUFFIX) == 0)))
			return line;
		p = *e ? e + 1 : e;
	}
	return 0;
}

static int
find_include(const char *text, char *name, size_t len)
{
	return find_include_any(text, name, len, 0);
}

static char *
resolve_next_to(const char *path, const char *name)
{
	const char *slash = strrchr(path, '/');
	char *out;

	if (name[0] == '/' || slash == NULL)
		return strdup(name);
	if (asprintf(&out, "%.*s/%s", (int)(slash - path), path, name) < 0)
		return NULL;
	return out;
}

char *
ls_staff_path(const char *path, char *err, size_t errlen)
{
	char name[512], *text = ls_read_file(path, 64u << 20, NULL, err, errlen), *out;

	if (text == NULL)
		return NULL;
	if (find_include(text, name, sizeof name) == 0) {
		snprintf(err, errlen, "%s has no @include \"NAME" LS_STAFF_SUFFIX "\" line, so it has no staff file "
		    "(docs/config.md, \"The staff file\")", path);
		free(text);
		return NULL;
	}
	free(text);
	if ((out = resolve_next_to(path, name)) == NULL)
		snprintf(err, errlen, "out of memory");
	return out;
}

/* Lines the text takes once it ends with a newline. */
static int
count_lines(const char *s)
{
	size_t len = strlen(s);
	int n = 0;

	for (size_t i = 0; i < len; i++)
		n += s[i] == '\n';
	return len == 0 || s[len - 1] != '\n' ? n + 1 : n;
}

/* Lines of the combined text: [1, inc) the main file's; [inc, inc+n) the
 * staff text's; after that the main file's again, n-1 further down. */
struct line_map {
	const char *path, *staff;
	int inc, n;
};

static void
map_line(const struct line_map *m, const char **file, int *line)
{
	if (*file == NULL || strcmp(*file, m->path) != 0 || *line < m->inc)
		return;
	if (*line < m->inc + m->n) {
		*file = m->staff;
		*line -= m->inc - 1;
	} else
		*line -= m->n - 1;
}

#define MAP_ARRAY(m, arr, n) \
	for (size_t i_ = 0; i_ < (n); i_++) \
		map_line((m), &(arr)[i_].src_file, &(arr)[i_].line)

static void
map_config(const struct line_map *m, struct ls_config *c)
{
	MAP_ARRAY(m, c->boards, c->nboards);
	MAP_ARRAY(m, c->fonts, c->nfonts);
	MAP_ARRAY(m, c->content, c->ncontent);
	MAP_ARRAY(m, c->playlists, c->nplaylists);
	for (size_t i = 0; i < c->nplaylists; i++)
		MAP_ARRAY(m, c->playlists[i].entries, c->playlists[i].nentries);
	MAP_ARRAY(m, c->rules, c->nrules);
	for (size_t i = 0; i < c->nlayouts; i++) {
		const char *f = c->layouts[i].src_file;
		for (size_t j = 0; j < c->layouts[i].nareas; j++) {
			const char *g = f;
			map_line(m, &g, &c->layouts[i].areas[j].line);
		}
	}
	MAP_ARRAY(m, c->layouts, c->nlayouts);
	MAP_ARRAY(m, c->cap_areas, c->ncap_areas);
}

/* The staff text's own shape: only the three sections, no @include.  A
 * text with an @include is not given to libconfig at all, which would open
 * the file it names (anything the controller can read, /dev/zero too). */
static void
check_staff_shape(const char *path, const char *staff, const char *text, struct ls_diag *diag)
{
	config_t lc;
	char name[512];
	int line = 1, includes = 0;

	for (const char *p = text; *p; line++) {
		const char *e = strchr(p, '\n');
		if (e == NULL)
			e = p + strlen(p);
		if (include_line(p, e, name, sizeof name)) {
			ls_diag_add(diag, LS_DIAG_ERROR, staff, line, "the staff file may not @include other files");
			includes++;
		}
		p = *e ? e + 1 : e;
	}
	if (includes)
		return;
	config_init(&lc);
	if (config_read_string(&lc, text)) {
		config_setting_t *root = config_root_setting(&lc);
		for (int i = 0; i < config_setting_length(root); i++) {
			config_setting_t *s = config_setting_get_elem(root, (unsigned)i);
			if (!config_staff_key(config_setting_name(s)))
				ls_diag_add(diag, LS_DIAG_ERROR, staff, (int)config_setting_source_line(s),
				    "\"%s\" does not belong in the staff file, which holds only content, playlists and "
				    "schedule; set it in %s", config_setting_name(s), path);
		}
	}
	config_destroy(&lc);
}

void
ls_check_plan(struct render_ctx *rc, const struct ls_config *cfg, double now, struct ls_diag *diag)
{
	sched_check(cfg, diag);
	if (rc == NULL)
		return;
	render_check_glyphs(rc, cfg, diag);
	render_check_layouts(rc, cfg, diag);
	render_check_legibility(rc, cfg, now, diag);
}

struct ls_config *
ls_check_config(const char *path, const char *staff_text, struct ls_diag *diag)
{
	struct ls_config *cfg;
	struct line_map m = { path, NULL, 0, 0 };
	char err[512], name[512], *main_text = NULL, *combined = NULL, *staff = NULL;
	size_t first = diag->n, errors = diag->errors;

	if (staff_text == NULL)
		cfg = ls_config_load(path, diag);
	else {
		if ((main_text = ls_read_file(path, 64u << 20, NULL, err, sizeof err)) == NULL) {
			ls_diag_add(diag, LS_DIAG_ERROR, path, 0, "cannot read the file: %s", err);
			return NULL;
		}
		if ((m.inc = find_include(main_text, name, sizeof name)) == 0 ||
		    (staff = resolve_next_to(path, name)) == NULL) {
			ls_diag_add(diag, LS_DIAG_ERROR, path, 0, "no @include \"NAME" LS_STAFF_SUFFIX "\" line, so there is no "
			    "staff file to replace");
			free(main_text);
			return NULL;
		}
		m.staff = staff;
		m.n = count_lines(staff_text);
		if (strlen(staff_text) > LS_STAFF_MAX)
			ls_diag_add(diag, LS_DIAG_ERROR, staff, 0, "the staff file is larger than %d bytes", LS_STAFF_MAX);
		check_staff_shape(path, staff, staff_text, diag);
		/* the main file with the staff text in place of its @include line */
		{
			const char *p = main_text;
			int line = 1;
			size_t cap = strlen(main_text) + strlen(staff_text) + 2, n = 0;
			if ((combined = malloc(cap)) == NULL)
				goto oom;
			for (; *p && line < m.inc; line += *p++ == '\n')
				combined[n++] = *p;
			memcpy(combined + n, staff_text, strlen(staff_text));
			n += strlen(staff_text);
			if (n == 0 || combined[n - 1] != '\n')
				combined[n++] = '\n';
			p = strchr(p, '\n');
			p = p ? p + 1 : "";
			memcpy(combined + n, p, strlen(p) + 1);
		}
		cfg = diag->errors > errors ? NULL : config_load_text(path, combined, 0, diag);
		if (cfg)
			map_config(&m, cfg);
		/* the loader's messages name lines of the combined text */
		for (size_t i = first; i < diag->n; i++) {
			const char *f = diag->v[i].file;
			int line = diag->v[i].line;
			map_line(&m, &f, &line);
			if (f != diag->v[i].file) {
				char *nf = strdup(f);
				if (nf != NULL) {
					free(diag->v[i].file);
					diag->v[i].file = nf;
				}
			}
			diag->v[i].line = line;
		}
	}
	if (cfg != NULL) {
		/* the plan-level checks, as `ledsign check` makes them */
		struct render_ctx *rc = render_ctx_new(cfg, diag);
		ls_check_plan(rc, cfg, (double)time(NULL), diag);
		render_ctx_free(rc);
	}
	if (cfg != NULL && diag->errors > errors) {
		ls_config_free(cfg);
		cfg = NULL;
	}
	/* the elements' file names point into cfg->files or cfg->path; a
	 * mapped one points at `staff`, so keep it in the config */
	if (cfg != NULL && staff != NULL && ls_strlist_add_unique(&cfg->files, staff) == 0) {
		const char *own = NULL;
		for (size_t i = 0; i < cfg->files.n; i++)
			if (strcmp(cfg->files.v[i], staff) == 0)
				own = cfg->files.v[i];
		for (size_t i = 0; i < cfg->ncontent; i++)
			if (cfg->content[i].src_file == staff)
				cfg->content[i].src_file = own;
		for (size_t i = 0; i < cfg->nplaylists; i++) {
			if (cfg->playlists[i].src_file == staff)
				cfg->playlists[i].src_file = own;
			for (size_t j = 0; j < cfg->playlists[i].nentries; j++)
				if (cfg->playlists[i].entries[j].src_file == staff)
					cfg->playlists[i].entries[j].src_file = own;
		}
		for (size_t i = 0; i < cfg->nrules; i++)
			if (cfg->rules[i].src_file == staff)
				cfg->rules[i].src_file = own;
	}
	free(main_text);
	free(combined);
	free(staff);
	return cfg;
oom:
	ls_diag_add(diag, LS_DIAG_ERROR, path, 0, "out of memory checking the staff file");
	free(main_text);
	free(staff);
	return NULL;
}

/* Does msg name setting `key` (as "...: key ...", "...: key:" or "\"key\"")? */
static int
names_key(const char *msg, const char *key)
{
	char a[80], b[80], c[80];

	snprintf(a, sizeof a, ": %s ", key);
	snprintf(b, sizeof b, ": %s:", key);
	snprintf(c, sizeof c, "\"%s\"", key);
	return strstr(msg, a) || strstr(msg, b) || strstr(msg, c);
}

void
ls_staff_locate(const char *text, int line, const char *msg, char *section, size_t seclen, char *item,
    size_t itemlen, char *key, size_t keylen)
{
	config_t lc;

	char name[512];

	snprintf(section, seclen, "%s", "");
	snprintf(item, itemlen, "%s", "");
	snprintf(key, keylen, "%s", "");
	if (find_include_any(text, name, sizeof name, 1) != 0)
		return;    /* never parsed: libconfig would open the file it names */
	config_init(&lc);
	if (!config_read_string(&lc, text)) {
		config_destroy(&lc);
		return;
	}
	config_setting_t *root = config_root_setting(&lc);
	for (int i = 0; i < config_setting_length(root); i++) {
		config_setting_t *list = config_setting_get_elem(root, (unsigned)i), *hit = NULL;
		int n;

		if (!config_setting_is_list(list) && !config_setting_is_array(list))
			continue;
		n = config_setting_length(list);
		/* the element starting at or before `line`, before the next one */
		for (int j = 0; j < n; j++) {
			config_setting_t *e = config_setting_get_elem(list, (unsigned)j);
			if ((int)config_setting_source_line(e) <= line)
				hit = e;
		}
		if (hit == NULL || (int)config_setting_source_line(list) > line)
			continue;
		/* the last list that starts before the line holds it */
		snprintf(section, seclen, "%s", config_setting_name(list));
		const char *nm = NULL;
		if (config_setting_is_group(hit) && config_setting_lookup_string(hit, "name", &nm))
			snprintf(item, itemlen, "%s", nm);
		else
			item[0] = '\0';
		key[0] = '\0';
		if (msg != NULL && config_setting_is_group(hit)) {
			for (int k = 0; k < config_setting_length(hit); k++) {
				const char *kn = config_setting_name(config_setting_get_elem(hit, (unsigned)k));
				if (strcmp(kn, "name") != 0 && names_key(msg, kn)) {
					snprintf(key, keylen, "%s", kn);
					break;
				}
			}
			if (key[0] == '\0' && strcmp(section, "playlists") == 0 && strstr(msg, "item \""))
				snprintf(key, keylen, "items");
			/* the renderer's messages (live fields, glyphs, pages) are about
			 * what an item shows: its image or its text */
			if (key[0] == '\0' && strcmp(section, "content") == 0) {
				if (config_setting_get_member(hit, "image") != NULL && strstr(msg, "image"))
					snprintf(key, keylen, "image");
				else if (config_setting_get_member(hit, "font") != NULL && strstr(msg, "font"))
					snprintf(key, keylen, "font");
				else if (config_setting_get_member(hit, "text") != NULL)
					snprintf(key, keylen, "text");
			}
		}
	}
	config_destroy(&lc);
}
