/*
 * content_int.h — private to the content editor's files in src/web/
 * (routes_content.c has the table):
 *
 *   content_common.c    the staff file through the daemon (staff, staff-save),
 *                       problems, element text, the section rewrite
 *   content_schedule.c  the week calendar and "why" at any moment
 *   content_edit.c      items (live preview, warnings), playlists, rules, posters
 *   content_history.c   versions, diffs, restore, a hand edit taken in
 *
 * Everything the editor saves goes to the daemon as a whole staff file
 * (`staff-save`), which checks it with the whole config as `ledsign check`
 * does; nothing here writes a file.
 */
#ifndef LEDSIGN_WEB_CONTENT_INT_H
#define LEDSIGN_WEB_CONTENT_INT_H

#include <stddef.h>

#include "config/model.h"
#include "web/web.h"

/* The staff file as the daemon has it. */
struct content_staff {
	char  *text;          /* malloc'd */
	char   hash[24];
	char   file[1024], config[1024];
	int    conflict;      /* edited by hand since ledsign last wrote it */
	long long latest;     /* the last version's id (0: none yet) */
};
/* 0, or -1 with a message (for the page) in err. */
int  content_staff_get(const struct web_req *, struct content_staff *, char *err, size_t errlen);
void content_staff_free(struct content_staff *);

/* The model of config with text as its staff file (NULL + err when it does
 * not load: then only the history can help). */
struct ls_config *content_model(const struct content_staff *, const char *text, char *err, size_t errlen);
/* The staff file and its model, for a page that needs both: NULL after
 * answering r (502 when the daemon did not answer, 409 when the staff file
 * does not load); st is always to be freed. */
struct ls_config *content_open(const struct web_req *, struct web_resp *, struct content_staff *st);
/* err as the page shows a failed request (rc from web_control): the
 * daemon's message, else its whole answer, else err as it is (rc < 0). */
void content_daemon_error(int rc, const char *final, char *err, size_t errlen);

/* Values of a control answer's line into the string fields of a record:
 * each key's value at rec + off, cut to len; a missing key leaves it. */
struct content_field {
	const char *key;
	size_t off, len;
};
#define CONTENT_FIELD(type, member, key) { key, offsetof(type, member), sizeof(((type *)0)->member) }
void content_fields(const char *line, void *rec, const struct content_field *, size_t n);

/* What a save answered. */
struct content_problem {
	char level[8], section[16], item[128], key[32], file[256];
	int  line, staff;
	char message[1024];
};
struct content_result {
	int    ok;                  /* saved (or nothing to save) */
	long long id;               /* the version made */
	char   code[32];            /* error code when not ok */
	char   message[1024];       /* the daemon's message */
	struct content_problem *v;
	size_t n;
};
/* staff-save (text) or staff-restore (text NULL, restore_id) as the request's user. */
void content_save(const struct web_req *, const char *text, const char *base, const char *summary,
    long long restore_id, struct content_result *);
void content_result_free(struct content_result *);
/* Problems about (section, item, key) as <p class="field-error"> after a field; marks them shown, so
 * content_result_html leaves them out. */
void content_field_errors(struct web_buf *, struct content_result *, const char *section, const char *item,
    const char *key);
/* The result's message and every problem not shown beside a field. */
void content_result_html(const struct web_req *, struct web_buf *, struct content_result *);
/* "Not saved" with the daemon's message (#save-error), for a failed save. */
void content_save_failed(const struct web_req *, struct web_buf *, const struct content_result *);

/* A staff-file element "{ k = v; ... }" from form values: kind 's' string,
 * 'n' number (written bare when it looks like one, else quoted so the
 * checker names the field), 'l' list of strings from a comma list.  Empty
 * values are left out.  malloc'd. */
struct content_kv {
	const char *key, *val;
	char kind;
};
char *content_element(const struct content_kv *, size_t n);
/* text with the element at index of section replaced by elem (index -1:
 * appended; elem NULL: removed).  text must be canonical (one element per
 * line, as config_write_staff writes).  malloc'd, or NULL. */
char *content_replace(const char *text, const char *section, long index, const char *elem);

/* A rule's fields as its form shows them, in the form's order (name, kind,
 * playlist, boards, from, to, dates, weekdays, hours, priority,
 * brightness); NULL where the rule leaves one out.  Each malloc'd and
 * whole, however many boards or dates the rule lists; free them with
 * content_rule_form_free.  0, or -1 out of memory (all NULL). */
#define CONTENT_RULE_FIELDS 11
int  content_rule_form(const struct ls_rule *, char *v[CONTENT_RULE_FIELDS]);
void content_rule_form_free(char *v[CONTENT_RULE_FIELDS]);

/* Page helpers */
/* "Saved N" (#saved) when the query's field `name` is a version's id. */
void content_saved_notice(const struct web_req *, struct web_buf *, const char *name);
/* An editor's Save and Delete buttons (#save; name=save / name=delete). */
void content_save_delete(const struct web_req *, struct web_buf *);
void content_conflict_banner(const struct web_req *, struct web_buf *, const struct content_staff *);
int  content_can_edit(const struct web_req *);

/* handlers */
void page_schedule(struct web_req *, struct web_resp *);
void page_schedule_why(struct web_req *, struct web_resp *);
void page_content(struct web_req *, struct web_resp *);
void page_item(struct web_req *, struct web_resp *);
void post_item(struct web_req *, struct web_resp *);
void item_preview_png(struct web_req *, struct web_resp *);
void item_check_json(struct web_req *, struct web_resp *);
void page_playlist(struct web_req *, struct web_resp *);
void post_playlist(struct web_req *, struct web_resp *);
void page_rule(struct web_req *, struct web_resp *);
void post_rule(struct web_req *, struct web_resp *);
void post_poster(struct web_req *, struct web_resp *);
void page_history(struct web_req *, struct web_resp *);
void page_version(struct web_req *, struct web_resp *);
void post_restore(struct web_req *, struct web_resp *);
void post_adopt(struct web_req *, struct web_resp *);

extern const char content_js[], content_css[];

#endif
