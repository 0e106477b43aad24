/*
 * writer.c — model -> staff file text (writer.h).  Every setting is
 * written through the same key table the loader checks it with
 * (config_int.h), so a setting added to a table is written without a
 * change here.
 */
#include "config/writer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_int.h"
#include "util/tz.h"

int
config_staff_key(const char *name)
{
	return strcmp(name, "content") == 0 || strcmp(name, "playlists") == 0 || strcmp(name, "schedule") == 0;
}

/* libconfig's string syntax: \" \\ \n \r \t \f and \xNN; UTF-8 as is. */
static void
put_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		case '\f': fputs("\\f", f); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\x%02x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

static void
put_num(FILE *f, double v)
{
	char buf[64];

	snprintf(buf, sizeof buf, "%.15g", v);
	fputs(buf, f);
	if (strpbrk(buf, ".eEn") == NULL)   /* libconfig reads "32" as an integer: keep it a float */
		fputs(".0", f);
}

static void
put_day(FILE *f, ls_day d)
{
	int y, m, dd;

	tz_civil_from_days(d, &y, &m, &dd);
	fprintf(f, "\"%04d-%02d-%02d\"", y, m, dd);
}

static void
put_hours(FILE *f, int s, int e)
{
	fprintf(f, "\"%02d:%02d-%02d:%02d\"", s / 60, s % 60, e / 60, e % 60);
}

/* Does key k of obj differ from the fresh element def? */
static int
differs(const struct key *k, const char *obj, const char *def)
{
	const char *p = obj + k->off, *q = def + k->off;

	switch (k->type) {
	case K_STR: return *(char *const *)p != NULL;
	case K_INT: case K_BOOL: case K_ENUM: return *(const int *)p != *(const int *)q;
	case K_NUM: return *(const double *)p != *(const double *)q;
	case K_COLOR: return *(const ls_rgb *)p != *(const ls_rgb *)q;
	case K_STRLIST: return ((const struct ls_strlist *)p)->n > 0;
	case K_DATE: return *(const ls_day *)p != LS_DAY_NONE;
	case K_DATELIST: return ((const struct { ls_day *v; size_t n; } *)p)->n > 0;
	case K_HOURS: return ((const int *)p)[0] >= 0;
	case K_WEEKDAYS: return *(const uint8_t *)p != *(const uint8_t *)q && !(*(const uint8_t *)p == 0x7f && *(const uint8_t *)q == 0);
	default: return 0;
	}
}

static void
put_value(FILE *f, const struct key *k, const char *obj)
{
	const char *p = obj + k->off;

	switch (k->type) {
	case K_STR: put_str(f, *(char *const *)p); break;
	case K_INT: fprintf(f, "%d", *(const int *)p); break;
	case K_BOOL: fputs(*(const int *)p ? "true" : "false", f); break;
	case K_ENUM: put_str(f, k->names[*(const int *)p]); break;
	case K_NUM: put_num(f, *(const double *)p); break;
	case K_COLOR: {
		ls_rgb c = *(const ls_rgb *)p;
		const char *name = config_color_name(c);
		if (name)
			put_str(f, name);
		else
			fprintf(f, "\"#%06X\"", (unsigned)c);
		break;
	}
	case K_STRLIST: {
		const struct ls_strlist *l = (const struct ls_strlist *)p;
		fputc('[', f);
		for (size_t i = 0; i < l->n; i++) {
			fputs(i ? ", " : "", f);
			put_str(f, l->v[i]);
		}
		fputc(']', f);
		break;
	}
	case K_DATE: put_day(f, *(const ls_day *)p); break;
	case K_DATELIST: {
		const struct { ls_day *v; size_t n; } *dl = (const void *)p;
		fputc('[', f);
		for (size_t i = 0; i < dl->n; i++) {
			fputs(i ? ", " : "", f);
			put_day(f, dl->v[i]);
		}
		fputc(']', f);
		break;
	}
	case K_HOURS: put_hours(f, ((const int *)p)[0], ((const int *)p)[1]); break;
	case K_WEEKDAYS: {
		static const char *const days[] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat" };
		uint8_t m = *(const uint8_t *)p;
		int first = 1;
		fputc('[', f);
		for (int i = 1; i <= 7; i++) {   /* Monday first, as a school week reads */
			if (!((m >> (i % 7)) & 1))
				continue;
			fprintf(f, "%s\"%s\"", first ? "" : ", ", days[i % 7]);
			first = 0;
		}
		fputc(']', f);
		break;
	}
	default:
		break;
	}
}

/* "key = value; " for every setting of obj that is required or not the default. */
static void
put_settings(FILE *f, const struct key *keys, const char *obj, const char *def, int is_rule)
{
	for (const struct key *k = keys; k->name; k++) {
		if (k->type == K_SPECIAL)
			continue;
		if (!k->required && !differs(k, obj, def) && strcmp(k->name, "name") != 0)
			continue;
		if (k->type == K_STR && *(char *const *)(obj + k->off) == NULL)
			continue;
		if (is_rule && strcmp(k->name, "priority") == 0) {
			/* the default depends on dates (config.c rule_finish) */
			const struct ls_rule *r = (const struct ls_rule *)(const void *)obj;
			if (r->priority == (r->dates.n ? 100 : 0))
				continue;
		}
		fprintf(f, "%s = ", k->name);
		put_value(f, k, obj);
		fputs("; ", f);
	}
}

static void
put_entry(FILE *f, const struct ls_playlist_entry *e)
{
	struct ls_playlist_entry def;

	memset(&def, 0, sizeof def);
	def.from_min = def.to_min = -1;
	/* a plain name unless some setting of its own differs from the default */
	int own = 0;
	for (const struct key *k = config_entry_keys; k->name && !own; k++)
		own = strcmp(k->name, "item") != 0 && k->type != K_SPECIAL && differs(k, (const char *)e, (const char *)&def);
	if (!own) {
		put_str(f, e->item);
		return;
	}
	fputs("{ ", f);
	put_settings(f, config_entry_keys, (const char *)e, (const char *)&def, 0);
	fputc('}', f);
}

static void
put_section(FILE *f, const struct config_staff_section *sec, const void *arr, size_t n, int *oom)
{
	char *def = calloc(1, sec->size);
	int is_rule = sec == &config_staff_schedule, is_pl = sec == &config_staff_playlists;

	if (def == NULL) {
		*oom = 1;
		return;
	}
	if (sec->defaults)
		sec->defaults(def);
	fprintf(f, "\n%s = (\n", sec->list);
	for (size_t i = 0; i < n; i++) {
		const char *obj = (const char *)arr + i * sec->size;
		fputs("  { ", f);
		put_settings(f, sec->keys, obj, def, is_rule);
		if (is_pl) {
			const struct ls_playlist *pl = (const struct ls_playlist *)(const void *)obj;
			fputs("items = (", f);
			for (size_t j = 0; j < pl->nentries; j++) {
				fputs(j ? ", " : "", f);
				put_entry(f, &pl->entries[j]);
			}
			fputs("); ", f);
		}
		fprintf(f, "}%s\n", i + 1 < n ? "," : "");
	}
	fputs(");\n", f);
	free(def);
}

char *
config_write_staff(const struct ls_config *cfg, size_t *len)
{
	char *out = NULL;
	size_t n = 0;
	int oom = 0;
	FILE *f = open_memstream(&out, &n);

	if (f == NULL)
		return NULL;
	fputs(CONFIG_WRITER_MAGIC ": content, playlists and schedule, written by ledsign.\n"
	    "# The main config @includes it; boards and site settings stay there.  Edit it in the\n"
	    "# console (every save is checked and kept as a version); an edit by hand is kept too,\n"
	    "# and the console shows it as a conflict until it is taken into the history.\n", f);
	put_section(f, &config_staff_content, cfg->content, cfg->ncontent, &oom);
	put_section(f, &config_staff_playlists, cfg->playlists, cfg->nplaylists, &oom);
	put_section(f, &config_staff_schedule, cfg->rules, cfg->nrules, &oom);
	if (ferror(f) || oom) {
		fclose(f);
		free(out);
		return NULL;
	}
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	if (len)
		*len = n;
	return out;
}

char *
config_quote(const char *s)
{
	char *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);

	if (f == NULL)
		return NULL;
	put_str(f, s);
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

char *
config_write_playlist(const struct ls_playlist *pl)
{
	char *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);

	if (f == NULL)
		return NULL;
	fputs("{ name = ", f);
	put_str(f, pl->name);
	fputs("; items = (", f);
	for (size_t j = 0; j < pl->nentries; j++) {
		fputs(j ? ", " : "", f);
		put_entry(f, &pl->entries[j]);
	}
	fputs("); }", f);
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}
