/*
 * content_edit.c — the content editor's pages: the lists, one item (with a
 * live LED preview per board and warnings for paging and missing glyphs as
 * staff type), one playlist (reordered by drag or keyboard), one schedule
 * rule.  A save sends the whole staff file to the daemon (`staff-save`),
 * which checks the whole config with it; on an error the form comes back
 * with the daemon's message beside the field and nothing changed.
 *
 * An item or rule is written from the form as text (content_element), not
 * through the model, so a value the checker refuses (a colour "purplish",
 * a size "big") reaches it as typed and is named at its field.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config/config.h"
#include "config/writer.h"
#include "daemon/control.h"
#include "render/canvas.h"
#include "render/render.h"
#include "util/base64.h"
#include "util/kv.h"
#include "util/tz.h"
#include "web/content_int.h"
#include "web/web_int.h"

static const char *const effects[] = { "static", "scroll-left", "scroll-up", "flash", NULL };
static const char *const aligns[] = { "left", "center", "right", NULL };
static const char *const kinds[] = { "play", "off", "power-off", NULL };
static const char *const days[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun", NULL };

static void
color_text(ls_rgb c, char *buf, size_t len)
{
	const char *names[] = { "black", "white", "red", "green", "blue", "yellow", "amber", "orange", "cyan", "magenta", NULL };
	for (int i = 0; names[i]; i++) {
		ls_rgb v;
		if (ls_parse_color(names[i], &v) == 0 && v == c) {
			snprintf(buf, len, "%s", names[i]);
			return;
		}
	}
	snprintf(buf, len, "#%06X", (unsigned)c);
}

static void
num_text(double v, char *buf, size_t len)
{
	snprintf(buf, len, "%g", v);
}

/* ---- the lists ---- */

void
page_content(struct web_req *rq, struct web_resp *r)
{
	struct web_buf b = { 0 };
	struct content_staff st;
	struct ls_config *cfg;
	char err[1024];
	int edit = content_can_edit(rq);

	if (content_staff_get(rq, &st, err, sizeof err) < 0) {
		web_error(rq, r, 502, err);
		return;
	}
	content_saved_notice(rq, &b, "saved");
	content_conflict_banner(rq, &b, &st);
	if ((cfg = content_model(&st, NULL, err, sizeof err)) == NULL) {
		web_buf_escf(&b, "<p class=\"error\">%s %s</p><p><a href=\"/history\">%s</a></p>", web_msg(rq, "c.broken"),
		    err, web_msg(rq, "nav.history"));
		content_staff_free(&st);
		web_page(rq, r, 200, web_msg(rq, "c.content.title"), &b);
		return;
	}
	web_buf_escf(&b, "<h2>%s</h2>", web_msg(rq, "c.items"));
	if (edit) {
		web_buf_escf(&b, "<p><a class=\"button\" href=\"/content/item\">%s</a></p>", web_msg(rq, "c.newitem"));
		web_buf_puts(&b, "<form method=\"post\" action=\"/content/poster\" enctype=\"multipart/form-data\" class=\"card\" id=\"poster-form\">");
		web_buf_csrf(&b, rq);
		web_buf_escf(&b, "<label for=\"poster\">%s</label><input type=\"file\" id=\"poster\" name=\"poster\" accept=\"image/png\">"
		    "<label for=\"pname\">%s</label><input type=\"text\" id=\"pname\" name=\"pname\" placeholder=\"notice-128x64.png\">"
		    "<p><button type=\"submit\" id=\"upload\">%s</button></p></form>", web_msg(rq, "c.poster"),
		    web_msg(rq, "c.poster.name"), web_msg(rq, "c.upload"));
	}
	web_buf_escf(&b, "<div class=\"scroll\"><table id=\"items\"><thead><tr><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
	    web_msg(rq, "c.name"), web_msg(rq, "c.shows"), web_msg(rq, "c.effect"));
	for (size_t i = 0; i < cfg->ncontent; i++) {
		const struct ls_content *c = &cfg->content[i];
		web_buf_puts(&b, "<tr><td><a href=\"/content/item?name=");
		web_buf_url(&b, c->name);
		web_buf_escf(&b, "\">%s</a></td><td class=\"text\">%s</td><td>%s</td></tr>", c->name,
		    c->text ? c->text : c->image ? c->image : "", effects[c->effect]);
	}
	web_buf_puts(&b, "</tbody></table></div>");
	web_buf_escf(&b, "<h2>%s</h2><div class=\"scroll\"><table id=\"playlists\"><thead><tr><th>%s</th><th>%s</th></tr></thead><tbody>",
	    web_msg(rq, "c.playlists"), web_msg(rq, "c.name"), web_msg(rq, "c.items"));
	for (size_t i = 0; i < cfg->nplaylists; i++) {
		const struct ls_playlist *p = &cfg->playlists[i];
		web_buf_puts(&b, "<tr><td><a href=\"/content/playlist?name=");
		web_buf_url(&b, p->name);
		web_buf_escf(&b, "\">%s</a></td><td>", p->name);
		for (size_t j = 0; j < p->nentries; j++)
			web_buf_escf(&b, "%s%s", j ? ", " : "", p->entries[j].item);
		web_buf_puts(&b, "</td></tr>");
	}
	web_buf_puts(&b, "</tbody></table></div>");
	web_buf_escf(&b, "<h2>%s</h2>", web_msg(rq, "c.rules"));
	if (edit)
		web_buf_escf(&b, "<p><a class=\"button\" href=\"/content/rule\">%s</a></p>", web_msg(rq, "c.newrule"));
	web_buf_escf(&b, "<div class=\"scroll\"><table id=\"rules\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
	    web_msg(rq, "c.name"), web_msg(rq, "c.kind"), web_msg(rq, "c.boards"), web_msg(rq, "c.priority"));
	for (size_t i = 0; i < cfg->nrules; i++) {
		const struct ls_rule *ru = &cfg->rules[i];
		web_buf_printf(&b, "<tr><td><a href=\"/content/rule?i=%zu\">", i);
		web_buf_escf(&b, "%s</a></td><td>%s %s</td><td>", ru->name, kinds[ru->kind], ru->playlist ? ru->playlist : "");
		for (size_t j = 0; j < ru->boards.n; j++)
			web_buf_escf(&b, "%s%s", j ? ", " : "", ru->boards.v[j]);
		web_buf_escf(&b, "</td><td>%d</td></tr>", ru->priority);
	}
	web_buf_puts(&b, "</tbody></table></div>");
	ls_config_free(cfg);
	content_staff_free(&st);
	web_page(rq, r, 200, web_msg(rq, "c.content.title"), &b);
}

/* ---- one item ---- */

#define ITEM_FIELDS 13
static const char *const item_keys[ITEM_FIELDS] = { "name", "text", "image", "font", "size", "effect", "speed",
	"color", "background", "align", "duration", "repeat", "valign" };
static const char item_kinds[ITEM_FIELDS] = { 's', 's', 's', 's', 'n', 's', 'n', 's', 's', 's', 'n', 'n', 's' };

struct item_form {
	const char *v[ITEM_FIELDS];
	char buf[ITEM_FIELDS][64];   /* for values made from the model */
	const char *orig;            /* the name it had, "" for a new one */
};

static void
form_from_model(struct item_form *f, const struct ls_content *c)
{
	memset(f, 0, sizeof *f);
	f->orig = c ? c->name : "";
	if (c == NULL) {
		f->v[5] = "static";
		f->v[7] = "white";
		return;
	}
	f->v[0] = c->name;
	f->v[1] = c->text;
	f->v[2] = c->image;
	f->v[3] = c->font;
	if (c->size > 0) {
		snprintf(f->buf[4], sizeof f->buf[4], "%d", c->size);
		f->v[4] = f->buf[4];
	}
	f->v[5] = effects[c->effect];
	if (c->speed != 24) {
		num_text(c->speed, f->buf[6], sizeof f->buf[6]);
		f->v[6] = f->buf[6];
	}
	color_text(c->color, f->buf[7], sizeof f->buf[7]);
	f->v[7] = f->buf[7];
	if (c->background != 0) {
		color_text(c->background, f->buf[8], sizeof f->buf[8]);
		f->v[8] = f->buf[8];
	}
	if (c->align != LS_ALIGN_CENTER)
		f->v[9] = aligns[c->align];
	if (c->duration != 10) {
		num_text(c->duration, f->buf[10], sizeof f->buf[10]);
		f->v[10] = f->buf[10];
	}
	if (c->repeat != 1) {
		snprintf(f->buf[11], sizeof f->buf[11], "%d", c->repeat);
		f->v[11] = f->buf[11];
	}
	if (c->valign != LS_VALIGN_MIDDLE)
		f->v[12] = c->valign == LS_VALIGN_TOP ? "top" : "bottom";
}

static void
form_from_request(struct item_form *f, const struct web_req *rq)
{
	memset(f, 0, sizeof *f);
	for (int i = 0; i < ITEM_FIELDS; i++)
		f->v[i] = web_field(rq, item_keys[i]);
	f->orig = web_field(rq, "orig") ? web_field(rq, "orig") : "";
}

static void
field_input(const struct web_req *rq, struct web_buf *b, struct content_result *res, const char *item,
    const char *key, const char *val, const char *type, const char *extra)
{
	char lk[40];
	snprintf(lk, sizeof lk, "c.f.%s", key);
	web_buf_escf(b, "<div class=\"field\" id=\"field-%s\"><label for=\"f-%s\">%s</label>", key, key, web_msg(rq, lk));
	if (strcmp(type, "textarea") == 0)
		web_buf_escf(b, "<textarea id=\"f-%s\" name=\"%s\" class=\"pv\"%s>%s</textarea>", key, key, extra,
		    val ? val : "");
	else
		web_buf_escf(b, "<input type=\"%s\" id=\"f-%s\" name=\"%s\" class=\"pv\" value=\"%s\"%s>", type, key, key,
		    val ? val : "", extra);
	content_field_errors(b, res, "content", item, key);
	web_buf_puts(b, "</div>");
}

static void
field_select(const struct web_req *rq, struct web_buf *b, struct content_result *res, const char *item,
    const char *key, const char *val, const char *const *opts)
{
	char lk[40];
	int found = 0;
	snprintf(lk, sizeof lk, "c.f.%s", key);
	web_buf_escf(b, "<div class=\"field\" id=\"field-%s\"><label for=\"f-%s\">%s</label><select id=\"f-%s\" name=\"%s\" class=\"pv\">",
	    key, key, web_msg(rq, lk), key, key);
	for (int i = 0; opts[i]; i++) {
		found |= val && strcmp(val, opts[i]) == 0;
		web_buf_escf(b, "<option value=\"%s\"%s>%s</option>", opts[i], val && strcmp(val, opts[i]) == 0 ? " selected" : "",
		    opts[i]);
	}
	if (val && val[0] && !found)   /* a value typed by hand stays as it is */
		web_buf_escf(b, "<option value=\"%s\" selected>%s</option>", val, val);
	web_buf_puts(b, "</select>");
	content_field_errors(b, res, "content", item, key);
	web_buf_puts(b, "</div>");
}

static void
item_page(struct web_req *rq, struct web_resp *r, int status, const struct item_form *f, const char *base,
    const struct ls_config *cfg, struct content_result *res, const struct content_staff *st)
{
	struct web_buf b = { 0 };
	const char *item = f->v[0] ? f->v[0] : "";
	int edit = content_can_edit(rq);

	if (st)
		content_conflict_banner(rq, &b, st);
	if (res && !res->ok)
		content_save_failed(rq, &b, res);
	web_buf_puts(&b, "<div class=\"editor\"><form method=\"post\" action=\"/content/item\" id=\"item-form\" class=\"card\">");
	web_buf_csrf(&b, rq);
	web_buf_escf(&b, "<input type=\"hidden\" name=\"orig\" value=\"%s\"><input type=\"hidden\" name=\"base\" value=\"%s\">",
	    f->orig, base ? base : "");
	field_input(rq, &b, res, item, "name", f->v[0], "text", " required");
	field_input(rq, &b, res, item, "text", f->v[1], "textarea", "");
	field_input(rq, &b, res, item, "image", f->v[2], "text", "");
	field_select(rq, &b, res, item, "effect", f->v[5] ? f->v[5] : "static", effects);
	field_input(rq, &b, res, item, "color", f->v[7], "text", " list=\"colours\"");
	field_input(rq, &b, res, item, "background", f->v[8], "text", " list=\"colours\"");
	field_input(rq, &b, res, item, "size", f->v[4], "text", " inputmode=\"numeric\"");
	field_input(rq, &b, res, item, "font", f->v[3], "text", "");
	field_select(rq, &b, res, item, "align", f->v[9] ? f->v[9] : "center", aligns);
	field_input(rq, &b, res, item, "speed", f->v[6], "text", " inputmode=\"decimal\"");
	field_input(rq, &b, res, item, "duration", f->v[10], "text", " inputmode=\"decimal\"");
	field_input(rq, &b, res, item, "repeat", f->v[11], "text", " inputmode=\"numeric\"");
	web_buf_puts(&b, "<datalist id=\"colours\"><option value=\"red\"><option value=\"green\"><option value=\"amber\">"
	    "<option value=\"yellow\"><option value=\"white\"><option value=\"cyan\"><option value=\"orange\">"
	    "<option value=\"blue\"><option value=\"magenta\"><option value=\"black\"></datalist>");
	if (edit)
		content_save_delete(rq, &b);
	web_buf_puts(&b, "</form>");
	/* the live preview: one picture per board, redrawn by content.js as staff type */
	web_buf_escf(&b, "<div class=\"card\" id=\"preview\"><h2>%s</h2><ul id=\"warnings\" class=\"problems\" aria-live=\"polite\"></ul><div class=\"boards\">",
	    web_msg(rq, "c.preview"));
	for (size_t i = 0; cfg && i < cfg->nboards; i++) {
		const struct ls_board *bd = &cfg->boards[i];
		web_buf_escf(&b, "<figure class=\"board\"><img class=\"lp\" data-board=\"%s\" alt=\"%s\" width=\"%d\" height=\"%d\" src=\"\">"
		    "<figcaption>%s %dx%d</figcaption></figure>", bd->name, bd->name, bd->width * web_wall_pitch(bd->width),
		    bd->height * web_wall_pitch(bd->width), bd->name, bd->width, bd->height);
	}
	web_buf_puts(&b, "</div></div></div>");
	if (res)
		content_result_html(rq, &b, res);
	web_page(rq, r, status, web_msg(rq, "c.item.title"), &b);
}

void
page_item(struct web_req *rq, struct web_resp *r)
{
	struct content_staff st;
	struct ls_config *cfg;
	struct item_form f;
	const char *name = web_field(rq, "name");
	const struct ls_content *c = NULL;

	if ((cfg = content_open(rq, r, &st)) == NULL) {
		content_staff_free(&st);
		return;
	}
	if (name && (c = ls_config_content(cfg, name)) == NULL) {
		ls_config_free(cfg);
		content_staff_free(&st);
		web_error(rq, r, 404, web_msg(rq, "err.notfound"));
		return;
	}
	form_from_model(&f, c);
	if (c == NULL && web_field(rq, "image") != NULL) {
		/* a poster just uploaded: a new item showing it */
		f.v[2] = web_field(rq, "image");
		f.v[7] = NULL;
	}
	item_page(rq, r, 200, &f, st.hash, cfg, NULL, &st);
	ls_config_free(cfg);
	content_staff_free(&st);
}

/* The staff text with one element of section replaced, from the model of
 * st: canonical first, so elements are one a line. */
static char *
edited_text(const struct ls_config *cfg, const char *section, long index, const char *elem)
{
	char *canon = config_write_staff(cfg, NULL), *out;

	if (canon == NULL)
		return NULL;
	out = content_replace(canon, section, index, elem);
	free(canon);
	return out;
}

void
post_item(struct web_req *rq, struct web_resp *r)
{
	struct content_staff st;
	struct ls_config *cfg;
	struct item_form f;
	struct content_result res;
	struct content_kv kv[ITEM_FIELDS];
	char summary[200], *elem = NULL, *text;
	long index = -1;
	int del = web_field(rq, "delete") != NULL;

	form_from_request(&f, rq);
	if ((cfg = content_open(rq, r, &st)) == NULL) {
		content_staff_free(&st);
		return;
	}
	for (size_t i = 0; f.orig[0] && i < cfg->ncontent; i++)
		if (strcmp(cfg->content[i].name, f.orig) == 0)
			index = (long)i;
	for (int i = 0; i < ITEM_FIELDS; i++) {
		kv[i].key = item_keys[i];
		kv[i].val = f.v[i];
		kv[i].kind = item_kinds[i];
	}
	/* the defaults the form shows are left out, as the writer leaves them */
	if (f.v[5] && strcmp(f.v[5], "static") == 0)
		kv[5].val = NULL;
	if (f.v[9] && strcmp(f.v[9], "center") == 0)
		kv[9].val = NULL;
	if (!del && (elem = content_element(kv, ITEM_FIELDS)) == NULL) {
		ls_config_free(cfg);
		content_staff_free(&st);
		web_error(rq, r, 500, "out of memory");
		return;
	}
	text = edited_text(cfg, "content", index, elem);
	snprintf(summary, sizeof summary, "%s %.100s", del ? "delete item" : index < 0 ? "new item" : "item",
	    f.v[0] ? f.v[0] : f.orig);
	if (text == NULL || (del && index < 0)) {
		free(text);
		free(elem);
		ls_config_free(cfg);
		content_staff_free(&st);
		web_error(rq, r, 400, web_msg(rq, "err.notfound"));
		return;
	}
	content_save(rq, text, web_field(rq, "base"), summary, 0, &res);
	free(text);
	free(elem);
	if (res.ok) {
		char to[64];
		snprintf(to, sizeof to, "/content?saved=%lld", res.id);
		web_redirect(r, to);
	} else
		item_page(rq, r, 422, &f, web_field(rq, "base"), cfg, &res, &st);
	content_result_free(&res);
	ls_config_free(cfg);
	content_staff_free(&st);
}

/* ---- the live preview ---- */

/* The item the preview's query describes (strings point into the request). */
/* A file the preview may open: relative to the config's directory, never
 * above it, in plain characters. */
static int
preview_file_ok(const char *v)
{
	return v[0] != '/' && strstr(v, "..") == NULL &&
	    strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/") == strlen(v);
}

static int
preview_item(const struct web_req *rq, struct ls_content *c, char *err, size_t errlen)
{
	const char *v;

	memset(c, 0, sizeof *c);
	c->name = (char *)"preview";
	c->effect = LS_FX_STATIC;
	c->speed = 24;
	c->flash_hz = 1;
	c->align = LS_ALIGN_CENTER;
	c->valign = LS_VALIGN_MIDDLE;
	c->color = 0xffffff;
	c->duration = 10;
	c->repeat = 1;
	if ((v = web_field(rq, "text")) && v[0]) {
		if (strlen(v) > LS_CONFIG_TEXT_MAX) {
			snprintf(err, errlen, "text over %d bytes", LS_CONFIG_TEXT_MAX);
			return -1;
		}
		c->text = (char *)v;
	}
	if ((v = web_field(rq, "image")) && v[0] && c->text == NULL) {
		/* a poster of the config's own directory, as the config names it */
		if (!preview_file_ok(v)) {
			snprintf(err, errlen, "image: a file name under the config's directory");
			return -1;
		}
		c->image = (char *)v;
	}
	if ((v = web_field(rq, "font")) && v[0]) {
		/* a font name or family, or a font file as the config names one:
		 * any viewer may ask for a preview, and a name with '/' is opened
		 * as a file */
		if (strchr(v, '/') != NULL && !preview_file_ok(v)) {
			snprintf(err, errlen, "font: a font name, a family or a file under the config's directory");
			return -1;
		}
		c->font = (char *)v;
	}
	if ((v = web_field(rq, "size")) && v[0])
		c->size = atoi(v) > 0 && atoi(v) <= 512 ? atoi(v) : 0;
	if ((v = web_field(rq, "effect")) && v[0])
		ls_parse_effect(v, &c->effect);
	if ((v = web_field(rq, "color")) && v[0])
		ls_parse_color(v, &c->color);
	if ((v = web_field(rq, "background")) && v[0])
		ls_parse_color(v, &c->background);
	if ((v = web_field(rq, "speed")) && v[0] && atof(v) > 0 && atof(v) < 10000)
		c->speed = atof(v);
	if ((v = web_field(rq, "duration")) && v[0] && atof(v) > 0 && atof(v) < 86400)
		c->duration = atof(v);
	if ((v = web_field(rq, "align")) && v[0])
		c->align = strcmp(v, "left") == 0 ? LS_ALIGN_LEFT : strcmp(v, "right") == 0 ? LS_ALIGN_RIGHT : LS_ALIGN_CENTER;
	return 0;
}

/* The config the daemon plays (its path from the boards verb), loaded without
 * the checks against this machine. */
static struct ls_config *
played_config(const struct web_req *rq, char *err, size_t errlen)
{
	char final[4096], path[2048], e[512];
	struct ls_diag d = { 0 };
	struct ls_config *cfg;

	if (web_control(rq, "boards", NULL, NULL, final, sizeof final, e, sizeof e) != 0 ||
	    control_line_get(final, "config", path, sizeof path) < 0 || path[0] == '\0') {
		snprintf(err, errlen, "the daemon does not say which config it plays");
		return NULL;
	}
	cfg = ls_config_load_flags(path, LS_CONFIG_NO_SYSTEM, &d);
	if (cfg == NULL)
		snprintf(err, errlen, "%.400s does not load", path);
	ls_diag_clear(&d);
	return cfg;
}

void
item_preview_png(struct web_req *rq, struct web_resp *r)
{
	struct ls_content c;
	struct ls_config *cfg;
	struct render_ctx *ctx;
	struct render_canvas *cv = NULL;
	struct ls_diag d = { 0 };
	const struct ls_board *bd;
	const char *board = web_field(rq, "board"), *tv = web_field(rq, "t");
	char err[512];
	double t = tv ? atof(tv) : 0;
	uint8_t *rgb = NULL, *png = NULL;
	int pw, ph;
	size_t plen;

	if (!(t >= 0 && t < 86400))
		t = 0;
	if (preview_item(rq, &c, err, sizeof err) < 0) {
		web_error(rq, r, 400, err);
		return;
	}
	if ((cfg = played_config(rq, err, sizeof err)) == NULL) {
		web_error(rq, r, 502, err);
		return;
	}
	if (board == NULL || (bd = ls_config_board(cfg, board)) == NULL) {
		ls_config_free(cfg);
		web_error(rq, r, 404, web_msg(rq, "err.notfound"));
		return;
	}
	if ((ctx = render_ctx_new(cfg, &d)) == NULL || (cv = render_canvas_new(bd->width, bd->height, bd->format)) == NULL ||
	    render_item(ctx, bd, &c, (double)time(NULL), t, cv, err, sizeof err) != 0 ||
	    (rgb = render_preview_dots(cv, bd, web_wall_pitch(bd->width), &pw, &ph)) == NULL ||
	    (png = web_png_encode(rgb, pw, ph, &plen)) == NULL) {
		web_error(rq, r, 422, err[0] ? err : "cannot draw");
	} else {
		web_png(r, png, plen);
		png = NULL;
	}
	free(rgb);
	free(png);
	render_canvas_free(cv);
	render_ctx_free(ctx);
	ls_diag_clear(&d);
	ls_config_free(cfg);
}

void
item_check_json(struct web_req *rq, struct web_resp *r)
{
	struct ls_content c;
	struct ls_config *cfg, one;
	struct render_ctx *ctx;
	struct ls_diag d = { 0 };
	struct web_buf b = { 0 };
	char err[512], msg[512];
	int first = 1;

	if (preview_item(rq, &c, err, sizeof err) < 0) {
		web_buf_puts(&b, "{\"warnings\":[");
		web_buf_json_str(&b, err);
		web_buf_puts(&b, "]}");
		web_json(r, 200, &b);
		return;
	}
	if ((cfg = played_config(rq, err, sizeof err)) == NULL) {
		web_error(rq, r, 502, err);
		return;
	}
	web_buf_puts(&b, "{\"warnings\":[");
	if ((ctx = render_ctx_new(cfg, &d)) != NULL) {
		/* glyphs no installed font has, and {words} that are not fields */
		one = *cfg;
		one.content = &c;
		one.ncontent = 1;
		ls_diag_clear(&d);
		render_check_glyphs(ctx, &one, &d);
		for (size_t i = 0; i < d.n; i++) {
			const char *t = strstr(d.v[i].text, "\": ");
			web_buf_puts(&b, first ? "" : ",");
			web_buf_json_str(&b, t ? t + 3 : d.v[i].text);
			first = 0;
		}
		/* paging: a static text that does not fit one screen */
		for (size_t i = 0; c.text && i < cfg->nboards; i++) {
			const struct ls_board *bd = &cfg->boards[i];
			struct render_text_plan info;
			if (render_text_plan(ctx, bd, &c, (double)time(NULL), &info, err, sizeof err) != 0) {
				snprintf(msg, sizeof msg, "%.100s: %.400s", bd->name, err);
			} else if (info.how == RENDER_SHOW_PAGES && info.pages > 1) {
				snprintf(msg, sizeof msg, web_msg(rq, "c.warn.pages"), bd->name, bd->width, bd->height,
				    info.pages, info.size, c.duration / (double)info.pages);
			} else
				continue;
			web_buf_puts(&b, first ? "" : ",");
			web_buf_json_str(&b, msg);
			first = 0;
		}
	}
	web_buf_puts(&b, "]}");
	render_ctx_free(ctx);
	ls_diag_clear(&d);
	ls_config_free(cfg);
	web_json(r, 200, &b);
}

/* ---- one playlist ---- */

void
page_playlist(struct web_req *rq, struct web_resp *r)
{
	struct web_buf b = { 0 };
	struct content_staff st;
	struct ls_config *cfg;
	const struct ls_playlist *pl;
	const char *name = web_field(rq, "name");

	if ((cfg = content_open(rq, r, &st)) == NULL || name == NULL || (pl = ls_config_playlist(cfg, name)) == NULL) {
		if (cfg != NULL)
			web_error(rq, r, 404, web_msg(rq, "err.notfound"));
		ls_config_free(cfg);
		content_staff_free(&st);
		return;
	}
	content_saved_notice(rq, &b, "saved");
	content_conflict_banner(rq, &b, &st);
	web_buf_escf(&b, "<form method=\"post\" action=\"/content/playlist\" id=\"playlist-form\" class=\"card\">"
	    "<input type=\"hidden\" name=\"name\" value=\"%s\"><input type=\"hidden\" name=\"base\" value=\"%s\">"
	    "<input type=\"hidden\" name=\"order\" id=\"order\" value=\"\">", pl->name, st.hash);
	web_buf_csrf(&b, rq);
	web_buf_escf(&b, "<p class=\"hint\">%s</p><ol id=\"pl-items\" class=\"pl-items\">", web_msg(rq, "c.pl.hint"));
	for (size_t j = 0; j < pl->nentries; j++) {
		const struct ls_playlist_entry *e = &pl->entries[j];
		web_buf_escf(&b, "<li draggable=\"true\" tabindex=\"0\" data-entry=\"i:%d\"><span class=\"nm\">%s</span>",
		    (int)j, e->item);
		if (e->from_min >= 0)
			web_buf_printf(&b, " <small>%02d:%02d-%02d:%02d</small>", e->from_min / 60, e->from_min % 60,
			    e->to_min / 60, e->to_min % 60);
		web_buf_escf(&b, " <button type=\"button\" class=\"up\" aria-label=\"%s\">↑</button>"
		    "<button type=\"button\" class=\"down\" aria-label=\"%s\">↓</button>"
		    "<button type=\"button\" class=\"rm\" aria-label=\"%s\">✕</button></li>",
		    web_msg(rq, "c.up"), web_msg(rq, "c.down"), web_msg(rq, "c.remove"));
	}
	web_buf_escf(&b, "</ol><label for=\"add-item\">%s</label><select id=\"add-item\">", web_msg(rq, "c.additem"));
	for (size_t i = 0; i < cfg->ncontent; i++)
		web_buf_escf(&b, "<option value=\"%s\">%s</option>", cfg->content[i].name, cfg->content[i].name);
	web_buf_escf(&b, "</select> <button type=\"button\" id=\"add\">%s</button>", web_msg(rq, "c.add"));
	if (content_can_edit(rq))
		web_buf_escf(&b, "<p><button type=\"submit\" class=\"primary\" id=\"save\">%s</button></p>", web_msg(rq, "c.save"));
	web_buf_puts(&b, "</form>");
	ls_config_free(cfg);
	content_staff_free(&st);
	web_page(rq, r, 200, web_msg(rq, "c.playlist.title"), &b);
}

void
post_playlist(struct web_req *rq, struct web_resp *r)
{
	struct content_staff st;
	struct ls_config *cfg;
	struct content_result res;
	const char *name = web_field(rq, "name"), *order = web_field(rq, "order");
	struct ls_playlist *pl = NULL, np;
	struct ls_playlist_entry *ents = NULL;
	char *copy = NULL, *save = NULL, *elem = NULL, *text = NULL, summary[160];
	size_t n = 0;
	long index = -1;

	if (name == NULL || order == NULL || strlen(order) > 64 * 1024) {
		web_error(rq, r, 400, web_msg(rq, "err.notfound"));
		return;
	}
	if ((cfg = content_open(rq, r, &st)) == NULL) {
		content_staff_free(&st);
		return;
	}
	for (size_t i = 0; i < cfg->nplaylists; i++)
		if (strcmp(cfg->playlists[i].name, name) == 0) {
			pl = &cfg->playlists[i];
			index = (long)i;
		}
	if (pl == NULL || (copy = strdup(order)) == NULL || (ents = calloc(strlen(order) / 2 + 2, sizeof *ents)) == NULL) {
		free(copy);
		ls_config_free(cfg);
		content_staff_free(&st);
		web_error(rq, r, 404, web_msg(rq, "err.notfound"));
		return;
	}
	/* "i:K" keeps entry K as it was (its own duration, repeat, hours);
	 * "n:NAME" adds content NAME */
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (strncmp(t, "i:", 2) == 0) {
			long k = strtol(t + 2, NULL, 10);
			if (k >= 0 && (size_t)k < pl->nentries)
				ents[n++] = pl->entries[k];
		} else if (strncmp(t, "n:", 2) == 0 && t[2]) {
			memset(&ents[n], 0, sizeof ents[n]);
			ents[n].item = t + 2;
			ents[n].from_min = ents[n].to_min = -1;
			n++;
		}
	}
	np = *pl;
	np.entries = ents;
	np.nentries = n;
	snprintf(summary, sizeof summary, "playlist %.100s", name);
	if ((elem = config_write_playlist(&np)) != NULL)
		text = edited_text(cfg, "playlists", index, elem);
	if (text == NULL) {
		web_error(rq, r, 500, "out of memory");
		goto done;
	}
	content_save(rq, text, web_field(rq, "base"), summary, 0, &res);
	if (res.ok) {
		char to[300];
		struct web_buf u = { 0 };
		web_buf_url(&u, name);
		snprintf(to, sizeof to, "/content/playlist?name=%.200s&saved=%lld", u.p ? u.p : "", res.id);
		web_buf_free(&u);
		web_redirect(r, to);
	} else {
		struct web_buf b = { 0 };
		content_save_failed(rq, &b, &res);
		content_result_html(rq, &b, &res);
		web_buf_puts(&b, "<p><a href=\"/content/playlist?name=");
		web_buf_url(&b, name);
		web_buf_escf(&b, "\">%s</a></p>", web_msg(rq, "c.back"));
		web_page(rq, r, 422, web_msg(rq, "c.playlist.title"), &b);
	}
	content_result_free(&res);
done:
	free(text);
	free(elem);
	free(ents);
	free(copy);
	ls_config_free(cfg);
	content_staff_free(&st);
}

/* ---- one rule ---- */

#define RULE_FIELDS CONTENT_RULE_FIELDS
static const char *const rule_keys[RULE_FIELDS] = { "name", "kind", "playlist", "boards", "from", "to", "dates",
	"weekdays", "hours", "priority", "brightness" };
static const char rule_kinds[RULE_FIELDS] = { 's', 's', 's', 'l', 's', 's', 'l', 'l', 's', 'n', 'n' };

static void
rule_field(const struct web_req *rq, struct web_buf *b, struct content_result *res, const char *item,
    const char *key, const char *val, const char *hint)
{
	char lk[40];
	snprintf(lk, sizeof lk, "c.f.%s", key);
	web_buf_escf(b, "<div class=\"field\" id=\"field-%s\"><label for=\"f-%s\">%s</label>"
	    "<input type=\"text\" id=\"f-%s\" name=\"%s\" value=\"%s\" placeholder=\"%s\">", key, key, web_msg(rq, lk),
	    key, key, val ? val : "", hint);
	/* a rule's messages name it "schedule rule NAME"; its item is its name */
	content_field_errors(b, res, "schedule", item, key);
	web_buf_puts(b, "</div>");
}

static void
rule_page(struct web_req *rq, struct web_resp *r, int status, const char *const *v, const char *idx, const char *base,
    const struct ls_config *cfg, struct content_result *res)
{
	struct web_buf b = { 0 };
	const char *item = v[0] ? v[0] : "";

	content_saved_notice(rq, &b, "saved");
	if (res && !res->ok)
		content_save_failed(rq, &b, res);
	web_buf_escf(&b, "<form method=\"post\" action=\"/content/rule\" id=\"rule-form\" class=\"card\">"
	    "<input type=\"hidden\" name=\"i\" value=\"%s\"><input type=\"hidden\" name=\"base\" value=\"%s\">",
	    idx ? idx : "", base ? base : "");
	web_buf_csrf(&b, rq);
	rule_field(rq, &b, res, item, "name", v[0], "");
	web_buf_escf(&b, "<div class=\"field\"><label for=\"f-kind\">%s</label><select id=\"f-kind\" name=\"kind\">",
	    web_msg(rq, "c.f.kind"));
	for (int i = 0; kinds[i]; i++)
		web_buf_escf(&b, "<option value=\"%s\"%s>%s</option>", kinds[i], v[1] && strcmp(v[1], kinds[i]) == 0 ? " selected" : "",
		    kinds[i]);
	web_buf_puts(&b, "</select></div>");
	rule_field(rq, &b, res, item, "playlist", v[2], "");
	if (cfg) {
		web_buf_puts(&b, "<p class=\"hint\">");
		for (size_t i = 0; i < cfg->nplaylists; i++)
			web_buf_escf(&b, "%s%s", i ? ", " : "", cfg->playlists[i].name);
		web_buf_puts(&b, "</p>");
	}
	rule_field(rq, &b, res, item, "boards", v[3], "all, gate, indoor");
	rule_field(rq, &b, res, item, "from", v[4], "2023-09-11");
	rule_field(rq, &b, res, item, "to", v[5], "2023-09-17");
	rule_field(rq, &b, res, item, "dates", v[6], "2023-09-12, 2023-10-01");
	web_buf_escf(&b, "<fieldset class=\"checks\" id=\"field-weekdays\"><legend>%s</legend>", web_msg(rq, "c.f.weekdays"));
	for (int i = 0; days[i]; i++)
		web_buf_escf(&b, "<label><input type=\"checkbox\" name=\"wd\" value=\"%s\"%s> %s</label>", days[i],
		    v[7] == NULL || v[7][0] == '\0' || strstr(v[7], days[i]) ? " checked" : "", days[i]);
	web_buf_puts(&b, "</fieldset>");
	rule_field(rq, &b, res, item, "hours", v[8], "07:00-22:00");
	rule_field(rq, &b, res, item, "priority", v[9], "0");
	rule_field(rq, &b, res, item, "brightness", v[10], "");
	if (content_can_edit(rq))
		content_save_delete(rq, &b);
	web_buf_puts(&b, "</form>");
	if (res)
		content_result_html(rq, &b, res);
	web_page(rq, r, status, web_msg(rq, "c.rule.title"), &b);
}

/* The text a buffer built, malloc'd ("" when nothing was added); NULL out of memory. */
static char *
buf_text(struct web_buf *b)
{
	if (b->oom) {
		web_buf_free(b);
		return NULL;
	}
	return b->p != NULL ? b->p : strdup("");
}

int
content_rule_form(const struct ls_rule *ru, char *v[CONTENT_RULE_FIELDS])
{
	/* every field is built in a growing buffer: lists are as long as they are */
	struct web_buf l[CONTENT_RULE_FIELDS];
	int y, m, d, oom = 0;

	memset(l, 0, sizeof l);
	memset(v, 0, CONTENT_RULE_FIELDS * sizeof v[0]);
	web_buf_puts(&l[0], ru->name ? ru->name : "");
	web_buf_puts(&l[1], kinds[ru->kind]);
	web_buf_puts(&l[2], ru->playlist ? ru->playlist : "");
	for (size_t j = 0; j < ru->boards.n; j++)
		web_buf_printf(&l[3], "%s%s", j ? ", " : "", ru->boards.v[j]);
	if (ru->from != LS_DAY_NONE) {
		tz_civil_from_days(ru->from, &y, &m, &d);
		web_buf_printf(&l[4], "%04d-%02d-%02d", y, m, d);
	}
	if (ru->to != LS_DAY_NONE) {
		tz_civil_from_days(ru->to, &y, &m, &d);
		web_buf_printf(&l[5], "%04d-%02d-%02d", y, m, d);
	}
	for (size_t j = 0; j < ru->dates.n; j++) {
		tz_civil_from_days(ru->dates.v[j], &y, &m, &d);
		web_buf_printf(&l[6], "%s%04d-%02d-%02d", j ? ", " : "", y, m, d);
	}
	for (int k = 0; k < 7; k++)
		if ((ru->weekdays >> ((k + 1) % 7)) & 1)
			web_buf_printf(&l[7], "%s%s", l[7].len ? "," : "", days[k]);
	if (ru->start_min >= 0) {
		int e = ru->end_min < 0 ? 1440 : ru->end_min;
		web_buf_printf(&l[8], "%02d:%02d-%02d:%02d", ru->start_min / 60, ru->start_min % 60, e / 60, e % 60);
	}
	web_buf_printf(&l[9], "%d", ru->priority);
	if (ru->brightness >= 0)
		web_buf_printf(&l[10], "%d", ru->brightness);
	for (int k = 0; k < CONTENT_RULE_FIELDS; k++) {
		/* what the rule leaves out stays NULL; the lists, priority and a name are always there */
		int always = k == 3 || k == 6 || k == 7 || k == 9 || (k == 0 && ru->name) || k == 1 || (k == 2 && ru->playlist);
		if (always || l[k].len > 0)
			oom |= (v[k] = buf_text(&l[k])) == NULL;
		else
			web_buf_free(&l[k]);
	}
	if (oom) {
		content_rule_form_free(v);
		return -1;
	}
	return 0;
}

void
content_rule_form_free(char *v[CONTENT_RULE_FIELDS])
{
	for (int k = 0; k < CONTENT_RULE_FIELDS; k++) {
		free(v[k]);
		v[k] = NULL;
	}
}

void
page_rule(struct web_req *rq, struct web_resp *r)
{
	struct content_staff st;
	struct ls_config *cfg;
	const char *idx = web_field(rq, "i");
	const char *v[RULE_FIELDS] = { 0 };
	char *vals[CONTENT_RULE_FIELDS] = { 0 };
	long i = idx ? strtol(idx, NULL, 10) : -1;

	if ((cfg = content_open(rq, r, &st)) == NULL || (idx && (i < 0 || (size_t)i >= cfg->nrules))) {
		if (cfg != NULL)
			web_error(rq, r, 404, web_msg(rq, "err.notfound"));
		ls_config_free(cfg);
		content_staff_free(&st);
		return;
	}
	if (idx) {
		if (content_rule_form(&cfg->rules[i], vals) < 0) {
			web_error(rq, r, 500, "out of memory");
			ls_config_free(cfg);
			content_staff_free(&st);
			return;
		}
		for (int k = 0; k < RULE_FIELDS; k++)
			v[k] = vals[k];
	} else
		v[1] = "play";
	rule_page(rq, r, 200, v, idx, st.hash, cfg, NULL);
	content_rule_form_free(vals);
	ls_config_free(cfg);
	content_staff_free(&st);
}

void
post_rule(struct web_req *rq, struct web_resp *r)
{
	struct content_staff st;
	struct ls_config *cfg;
	struct content_result res;
	struct content_kv kv[RULE_FIELDS];
	const char *v[RULE_FIELDS], *idx = web_field(rq, "i");
	char wd[64] = "", summary[200], *elem = NULL, *text = NULL;
	long i = idx && idx[0] ? strtol(idx, NULL, 10) : -1;
	int del = web_field(rq, "delete") != NULL, nwd = 0;
	size_t u = 0;

	for (int k = 0; k < RULE_FIELDS; k++)
		v[k] = web_field(rq, rule_keys[k]);
	/* weekdays: the ticked boxes; all seven is the default, left out */
	for (const struct web_field *f = rq->fields; f; f = f->next)
		if (strcmp(f->name, "wd") == 0 && strlen(f->data) <= 3 && u + 5 < sizeof wd) {
			u += (size_t)snprintf(wd + u, sizeof wd - u, "%s%s", u ? "," : "", f->data);
			nwd++;
		}
	v[7] = nwd == 7 ? NULL : nwd == 0 ? "none" : wd;
	if ((cfg = content_open(rq, r, &st)) == NULL || (i >= 0 && (size_t)i >= cfg->nrules)) {
		if (cfg != NULL)
			web_error(rq, r, 404, web_msg(rq, "err.notfound"));
		ls_config_free(cfg);
		content_staff_free(&st);
		return;
	}
	for (int k = 0; k < RULE_FIELDS; k++) {
		kv[k].key = rule_keys[k];
		kv[k].val = v[k];
		kv[k].kind = rule_kinds[k];
	}
	if (v[1] && strcmp(v[1], "play") == 0)
		kv[1].val = NULL;
	if (!del)
		elem = content_element(kv, RULE_FIELDS);
	if ((del || elem) && !(del && i < 0))
		text = edited_text(cfg, "schedule", i, elem);
	snprintf(summary, sizeof summary, "%s %.100s", del ? "delete rule" : i < 0 ? "new rule" : "rule", v[0] ? v[0] : "");
	if (text == NULL) {
		web_error(rq, r, 400, web_msg(rq, "err.notfound"));
		goto done;
	}
	content_save(rq, text, web_field(rq, "base"), summary, 0, &res);
	if (res.ok) {
		char to[64];
		snprintf(to, sizeof to, "/content?saved=%lld", res.id);
		web_redirect(r, to);
	} else
		rule_page(rq, r, 422, v, idx, web_field(rq, "base"), cfg, &res);
	content_result_free(&res);
done:
	free(text);
	free(elem);
	ls_config_free(cfg);
	content_staff_free(&st);
}

/* ---- posters ---- */

void
post_poster(struct web_req *rq, struct web_resp *r)
{
	const struct web_field *file = web_file(rq, "poster");
	const char *pname = web_field(rq, "pname");
	char name[80], final[1024], err[512], image[128], *req = NULL, *b64 = NULL;
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	size_t cap, n = 0, k = 0;
	int rc;

	if (file == NULL || file->len == 0) {
		web_error(rq, r, 400, web_msg(rq, "c.poster.none"));
		return;
	}
	if (file->len > 1024 * 1024) {
		web_error(rq, r, 413, web_msg(rq, "c.poster.big"));
		return;
	}
	if (file->len < 8 || memcmp(file->data, sig, 8) != 0) {
		web_error(rq, r, 415, web_msg(rq, "c.poster.notpng"));
		return;
	}
	/* the name: as given, else the uploaded file's last path part, kept to
	 * letters, digits, . _ - (the daemon checks it again) */
	const char *src = pname && pname[0] ? pname : file->filename ? file->filename : "poster.png";
	const char *base = strrchr(src, '/') ? strrchr(src, '/') + 1 : src;
	if (strrchr(base, '\\'))
		base = strrchr(base, '\\') + 1;
	for (const char *p = base; *p && k + 5 < sizeof name && k < 60; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		    (*p == '.' && k > 0))
			name[k++] = *p;
	name[k] = '\0';
	if (k < 4 || strcmp(name + k - 4, ".png") != 0)
		snprintf(name + (k > 60 ? 60 : k), sizeof name - (k > 60 ? 60 : k), ".png");
	if (name[0] == '.' || strlen(name) < 5) {
		web_error(rq, r, 400, web_msg(rq, "c.poster.name"));
		return;
	}
	cap = BASE64_LEN(file->len) + 512;
	if ((b64 = malloc(BASE64_LEN(file->len) + 1)) == NULL || (req = malloc(cap)) == NULL) {
		free(b64);
		web_error(rq, r, 500, "out of memory");
		return;
	}
	base64_encode((const uint8_t *)file->data, file->len, b64);
	snprintf(req, cap, "staff-poster v=1");
	n = strlen(req);
	if (rq->user)
		kv_put(req, cap, &n, "actor", rq->user->name);
	kv_put(req, cap, &n, "name", name);
	kv_put(req, cap, &n, "data", b64);
	rc = web_control(rq, req, NULL, NULL, final, sizeof final, err, sizeof err);
	free(req);
	free(b64);
	if (rc != 0) {
		content_daemon_error(rc, final, err, sizeof err);
		web_error(rq, r, 422, err);
		return;
	}
	if (control_line_get(final, "image", image, sizeof image) < 0) {
		web_error(rq, r, 502, final);
		return;
	}
	{
		struct web_buf u = { 0 };
		char to[300];
		web_buf_url(&u, image);
		snprintf(to, sizeof to, "/content/item?image=%.200s", u.p ? u.p : "");
		web_buf_free(&u);
		web_redirect(r, to);
	}
}
