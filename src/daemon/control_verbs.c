/*
 * control_verbs.c — what the control socket can be asked: the verb table
 * (name, least role, flags, handler, help) and the handlers.  The server
 * (control_server.c) frames lines and keeps the limits; this file answers
 * them.  Handlers that change alerts call into src/alert/.
 *
 * A new verb is one row in control_verb_table plus its handler, which gets
 * the request (with its connection, for verbs that stream) and an answer
 * buffer.  Answers: item lines, then one "ok ..." or "error code=...".
 */
#include "util/diag.h"
#include "daemon/control_int.h"
#include "daemon/control_watch.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "alert/cap.h"
#include "record/audit.h"
#include "util/base64.h"
#include "util/buf.h"
#include "util/kv.h"
#include "render/canvas.h"
#include "daemon/player.h"
#include "schedule/schedule.h"

/* ---- answers ---- */

void
control_ob_add(struct control_obuf *b, const char *s, size_t n)
{
	if (!b->oom && ls_buf_append(&b->p, &b->len, &b->cap, s, n) < 0)
		b->oom = 1;
}

/* Append "WORD k=v k=v\n" from NULL-terminated key/value pairs. */
void
control_ob_line(struct control_obuf *b, const char *word, ...)
{
	va_list ap;
	const char *k, *v;
	char *tmp;
	size_t cap = 64, len;

	va_start(ap, word);
	while ((k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		cap += strlen(k) + 2 + 3 * strlen(v ? v : "");
	}
	va_end(ap);
	tmp = malloc(cap);
	if (tmp == NULL) {
		b->oom = 1;
		return;
	}
	len = strlen(word);
	memcpy(tmp, word, len + 1);
	va_start(ap, word);
	while ((k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		kv_put(tmp, cap, &len, k, v ? v : "");
	}
	va_end(ap);
	control_ob_add(b, tmp, len);
	control_ob_add(b, "\n", 1);
	free(tmp);
}

void
control_ob_error(struct control_obuf *b, const char *code, const char *message)
{
	control_ob_line(b, "error", "code", code, "message", message, (const char *)NULL);
}

void
control_ob_settle(struct control_obuf *b)
{
	if (b->oom) {
		free(b->p);
		b->p = strdup("error code=internal message=out%20of%20memory\n");
		b->len = b->p ? strlen(b->p) : 0;
	}
}

/* ---- the audit log ---- */

void
control_audit(struct control_server *s, long long uid, const char *actor, const char *origin, const char *action,
    const char *target, const char *detail)
{
	struct audit_entry e;
	char err[512];

	if (s->audit == NULL)
		return;
	memset(&e, 0, sizeof e);
	e.origin = origin ? origin : actor && actor[0] ? "web" : "cli";
	e.uid = uid;
	e.actor = actor ? actor : "";
	e.action = action;
	e.target = target ? target : "";
	e.detail = detail ? detail : "";
	if (audit_add(s->audit, &e, NULL, err, sizeof err) < 0)
		control_log_limited(s, "audit: cannot record %s %s: %s", action, e.target, err);
}

int
control_actor_valid(const char *a)
{
	size_t n = strlen(a);

	if (n == 0 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((a[i] >= 'a' && a[i] <= 'z') || (a[i] >= 'A' && a[i] <= 'Z') || (a[i] >= '0' && a[i] <= '9') ||
		    a[i] == '.' || a[i] == '_' || a[i] == '-'))
			return 0;
	return 1;
}

/* ---- the handlers ---- */


/* Offset of the first control character in t (C0 but line feed, DEL, or a
 * C1 code point U+0080..U+009F), or -1.  Alert text reaches terminals
 * (`ledsign alerts`, logs) as well as boards: ESC or CSI there could move
 * the cursor, retitle the window or hide other lines.  A line feed stays,
 * as in the config's text: it breaks the line on the board. */
static long
control_char_at(const char *t)
{
	for (const unsigned char *p = (const unsigned char *)t; *p; p++) {
		if ((*p < 0x20 && *p != '\n') || *p == 0x7f || (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			return (long)(p - (const unsigned char *)t);
	}
	return -1;
}

char *
control_valbuf(const struct control_req *rq, struct control_obuf *b, size_t *cap)
{
	char *val;

	*cap = strlen(rq->args) + 1;
	if ((val = malloc(*cap)) == NULL)
		control_ob_error(b, "internal", "out of memory");
	return val;
}

static void
verb_alert(struct control_req *rq, struct control_obuf *b)
{
	struct control_server *s = rq->srv;
	const char *args = rq->args;
	long long now = rq->now;
	uid_t uid = rq->uid;
	struct alert a;
	char key[32], err[512], id[ALERT_ID_MAX + 1], *val, actor[65] = "";
	const char *cur = args;
	long long dur = -1;
	long at;
	size_t cap;
	int r, have_start = 0;

	memset(&a, 0, sizeof a);
	a.level = ALERT_EMERGENCY;
	if ((val = control_valbuf(rq, b, &cap)) == NULL)
		return;
	while ((r = kv_next(&cur, key, sizeof key, val, cap, err, sizeof err)) > 0) {
		if (strcmp(key, "id") == 0) {
			if (!alert_id_valid(val)) {
				snprintf(err, sizeof err, "bad id \"%.100s\": use 1..%d letters, digits and ._:@- starting with a letter or digit",
				    val, ALERT_ID_MAX);
				goto bad;
			}
			snprintf(a.id, sizeof a.id, "%s", val);
		} else if (strcmp(key, "text") == 0) {
			free(a.text);
			if ((a.text = strdup(val)) == NULL)
				goto oom;
		} else if (strcmp(key, "level") == 0) {
			if (alert_level_parse(val, &a.level) < 0) {
				snprintf(err, sizeof err, "bad level \"%.40s\": use info, warning or emergency", val);
				goto bad;
			}
		} else if (strcmp(key, "boards") == 0 || strcmp(key, "groups") == 0) {
			struct ls_strlist *l = key[0] == 'b' ? &a.boards : &a.groups;
			struct ls_strlist nl;
			if (alert_names_parse(val, &nl, key, err, sizeof err) < 0)
				goto bad;
			ls_strlist_free(l);
			*l = nl;
		} else if (strcmp(key, "start") == 0) {
			if (kv_num(val, &a.start) < 0) {
				snprintf(err, sizeof err, "bad start \"%.40s\": Unix seconds", val);
				goto bad;
			}
			have_start = 1;
		} else if (strcmp(key, "expires") == 0) {
			if (kv_num(val, &a.expires) < 0) {
				snprintf(err, sizeof err, "bad expires \"%.40s\": Unix seconds", val);
				goto bad;
			}
		} else if (strcmp(key, "for") == 0) {
			if (kv_num(val, &dur) < 0 || dur <= 0 || dur > 366LL * 86400) {
				snprintf(err, sizeof err, "bad for \"%.40s\": seconds, 1..31622400", val);
				goto bad;
			}
		} else if (strcmp(key, "source") == 0) {
			free(a.source);
			if ((a.source = strdup(val)) == NULL)
				goto oom;
		} else if (strcmp(key, "actor") == 0) {
			if (!control_actor_valid(val)) {
				snprintf(err, sizeof err, "bad actor \"%.70s\": a console user name", val);
				goto bad;
			}
			snprintf(actor, sizeof actor, "%s", val);
		} else {
			snprintf(err, sizeof err, "unknown key \"%s\" for alert (id, text, level, boards, groups, start, expires, for, source, actor)", key);
			goto bad;
		}
	}
	if (r < 0)
		goto bad;
	if (!have_start)
		a.start = now;
	if (dur > 0) {
		if (a.expires != 0) {
			snprintf(err, sizeof err, "give either for or expires, not both");
			goto bad;
		}
		a.expires = a.start + dur;
	}
	if (a.expires != 0 && a.expires <= now) {
		snprintf(err, sizeof err, "the alert would already have expired");
		goto bad;
	}
	{
		/* who raised it, as the socket knows it: `ledsign alerts` shows it */
		char src[300];

		if (actor[0])
			snprintf(src, sizeof src, "web:%s uid=%u", actor, (unsigned)uid);
		else if (a.source != NULL)
			snprintf(src, sizeof src, "%.200s uid=%u", a.source, (unsigned)uid);
		else
			snprintf(src, sizeof src, "control:uid=%u", (unsigned)uid);
		free(a.source);
		if ((a.source = strdup(src)) == NULL)
			goto oom;
	}
	if (a.text != NULL && (at = control_char_at(a.text)) >= 0) {
		snprintf(err, sizeof err, "text holds a control character (byte 0x%02x at offset %ld); "
		    "alert text must be printable (a line feed is allowed)", (unsigned char)a.text[at], at);
		goto bad;
	}
	if ((at = control_char_at(a.source)) >= 0) {
		snprintf(err, sizeof err, "source holds a control character (byte 0x%02x at offset %ld)",
		    (unsigned char)a.source[at], at);
		goto bad;
	}
	if (alert_validate(&a, err, sizeof err) < 0)
		goto bad;
	if ((r = alert_store_put(s->store, &a, now, id, err, sizeof err)) < 0) {
		control_ob_error(b, r == ALERT_STORE_FULL ? "full" : "io", err);
		control_logf(s, 1, "control: alert not stored: %s", err);
		goto done;
	}
	control_logf(s, 0, "control: alert %s stored (%s, uid %u)", id, alert_level_name(a.level), (unsigned)uid);
	{
		char *det;
		size_t dl = strlen(a.text ? a.text : "") + 3 * 256 + 512, n = 0;
		char tg[256] = "", ex[32] = "never";

		for (size_t i = 0; i < a.boards.n; i++)
			n += (size_t)snprintf(tg + n, n < sizeof tg ? sizeof tg - n : 0, "%s%s", n ? "," : "", a.boards.v[i]);
		for (size_t i = 0; i < a.groups.n; i++)
			n += (size_t)snprintf(tg + n, n < sizeof tg ? sizeof tg - n : 0, "%s@%s", n ? "," : "", a.groups.v[i]);
		if (a.expires)
			snprintf(ex, sizeof ex, "%lld", a.expires);
		if ((det = malloc(dl)) != NULL) {
			snprintf(det, dl, "level=%s targets=%s expires=%s source=%s text=%s", alert_level_name(a.level),
			    tg[0] ? tg : "all", ex, a.source, a.text ? a.text : "");
			control_audit(s, uid, actor, NULL, "alert", id, det);
			free(det);
		}
	}
	if (s->ops.changed)
		s->ops.changed(s->arg);
	control_ob_line(b, "ok", "id", id, (const char *)NULL);
	goto done;
oom:
	snprintf(err, sizeof err, "out of memory");
bad:
	control_ob_error(b, "usage", err);
done:
	free(val);
	alert_clear(&a);
}

static void
verb_clear(struct control_req *rq, struct control_obuf *b)
{
	struct control_server *s = rq->srv;
	const char *args = rq->args;
	uid_t uid = rq->uid;
	char key[32], val[ALERT_ID_MAX * 3 + 8], err[512], num[32], actor[65] = "";
	const char *cur = args;
	int r, all = 0, n, unrec = 0;

	val[0] = '\0';
	char id[ALERT_ID_MAX + 1] = "";
	while ((r = kv_next(&cur, key, sizeof key, val, sizeof val, err, sizeof err)) > 0) {
		if (strcmp(key, "id") == 0 && strlen(val) <= ALERT_ID_MAX)
			snprintf(id, sizeof id, "%s", val);
		else if (strcmp(key, "all") == 0 && strcmp(val, "1") == 0)
			all = 1;
		else if (strcmp(key, "actor") == 0 && control_actor_valid(val))
			snprintf(actor, sizeof actor, "%s", val);
		else {
			snprintf(err, sizeof err, "clear takes id=ID or all=1");
			r = -1;
			break;
		}
	}
	if (r < 0 || (id[0] == '\0') == !all) {
		control_ob_error(b, "usage", r < 0 ? err : "clear takes id=ID or all=1");
		return;
	}
	/* Off the boards even when state_dir cannot record it: a false alarm
	 * must always come down.  What could not be recorded is said. */
	n = alert_store_withdraw(s->store, all ? NULL : id, &unrec, err, sizeof err);
	if (n == 0 && !all) {
		snprintf(err, sizeof err, "no alert with id %s (ledsign status lists the active ones)", id);
		control_ob_error(b, "notfound", err);
		return;
	}
	control_logf(s, 0, "control: cleared %s (uid %u)", all ? "all alerts" : id, (unsigned)uid);
	snprintf(num, sizeof num, "cleared=%d", n);
	control_audit(s, uid, actor, NULL, "clear", all ? "all" : id, num);
	if (n > 0 && s->ops.changed)
		s->ops.changed(s->arg);
	snprintf(num, sizeof num, "%d", n);
	if (unrec > 0) {
		char msg[1024], nu[32];

		control_logf(s, 1, "control: %d cleared alert(s) taken off the boards but not recorded: %s", unrec, err);
		snprintf(msg, sizeof msg, "taken off the boards, but not recorded: %s; until it is, a restart of "
		    "the daemon shows it again: make the state directory writable and run the clear again "
		    "(or delete the file by hand)", err);
		snprintf(nu, sizeof nu, "%d", unrec);
		control_ob_line(b, "ok", "cleared", num, "unrecorded", nu, "message", msg, (const char *)NULL);
		return;
	}
	control_ob_line(b, "ok", "cleared", num, (const char *)NULL);
}

static void
verb_status(struct control_req *rq, struct control_obuf *b)
{
	struct control_server *s = rq->srv;
	long long now = rq->now;
	size_t n = alert_store_count(s->store), cap = 64 * 1024;
	char *rec = malloc(cap), num[32], nowbuf[32];

	if (rec == NULL) {
		control_ob_error(b, "internal", "out of memory");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct alert *a = alert_store_at(s->store, i);
		if (alert_format(a, rec, cap) < 0)
			continue;
		control_ob_add(b, "alert ", 6);
		control_ob_add(b, rec, strlen(rec));
		control_ob_add(b, "\n", 1);
	}
	free(rec);
	snprintf(num, sizeof num, "%zu", n);
	snprintf(nowbuf, sizeof nowbuf, "%lld", now);
	control_ob_line(b, "ok", "count", num, "now", nowbuf, (const char *)NULL);
}

static void
verb_reload(struct control_req *rq, struct control_obuf *b)
{
	struct control_server *s = rq->srv;
	char err[512] = "reload is not supported by this daemon", actor[65] = "";

	if (kv_get(rq->args, "actor", actor, sizeof actor) < 0 || !control_actor_valid(actor))
		actor[0] = '\0';
	if (s->ops.reload == NULL || s->ops.reload(s->arg, err, sizeof err) < 0) {
		control_audit(s, rq->uid, actor, NULL, "reload", "", err);
		control_ob_error(b, "reload", err);
		return;
	}
	control_audit(s, rq->uid, actor, NULL, "reload", "", "ok");
	control_ob_line(b, "ok", (const char *)NULL);
}

/* Parse and apply one CAP document in this process (ops.cap_parse, or
 * cap_parse when that is NULL); the answer (or an error) goes to b. */
int
control_apply_cap(struct control_server *s, const char *doc, size_t len, const char *name, long long now,
    struct control_obuf *b, int from_dir)
{
	struct cap_result r;
	char err[512];
	int rc;

	rc = s->ops.cap_parse ? s->ops.cap_parse(s->arg, doc, len, name, now, &r, err, sizeof err) :
	    cap_parse(doc, len, name, s->cfg, now, &r, err, sizeof err);
	return control_cap_finish(s, rc, rc == 0 ? &r : NULL, err, name, now, b, from_dir);
}

int
control_cap_finish(struct control_server *s, int rc, struct cap_result *r, const char *perr, const char *name,
    long long now, struct control_obuf *b, int from_dir)
{
	char err[512], id[ALERT_ID_MAX + 1], num[16], det[700];
	int removed = 0;
	long long who = from_dir ? -1 : s->who_uid;
	const char *actor = from_dir ? NULL : s->who_actor, *origin = from_dir ? "cap_dir" : NULL;

	if (rc < 0 || r == NULL) {
		snprintf(det, sizeof det, "failed: %s", perr ? perr : "");
		control_audit(s, who, actor, origin, "cap", name, det);
		control_ob_error(b, "cap", perr);
		/* a cap_dir file may be half-written: its caller logs once it fails it */
		if (!from_dir)
			control_logf(s, 1, "cap: %s", perr);
		return rc == CONTROL_CAP_PARSER_FAILED ? rc : -1;
	}
	if (r->action == CAP_IGNORED) {
		control_ob_line(b, "ok", "action", "ignored", "reason", r->reason, (const char *)NULL);
		control_logf(s, 0, "cap: %s: ignored: %s", name, r->reason);
		cap_result_clear(r);
		return 0;
	}
	if ((rc = cap_apply(s->store, r, now, id, &removed, err, sizeof err)) < 0) {
		control_ob_error(b, rc == ALERT_STORE_FULL ? "full" : "io", err);
		control_logf(s, 1, "cap: %s: %s", name, err);
		if (s->ops.changed)
			s->ops.changed(s->arg);
		cap_result_clear(r);
		return -1;
	}
	control_logf(s, 0, "cap: %s: %s%s%s, %d cleared", name, cap_action_name(r->action), id[0] ? " " : "", id, removed);
	snprintf(det, sizeof det, "action=%s id=%s cleared=%d", cap_action_name(r->action), id, removed);
	control_audit(s, who, actor, origin, "cap", name, det);
	if (s->ops.changed && (id[0] || removed))
		s->ops.changed(s->arg);
	snprintf(num, sizeof num, "%d", removed);
	control_ob_line(b, "ok", "action", cap_action_name(r->action), "id", id, "cleared", num, (const char *)NULL);
	cap_result_clear(r);
	return id[0] || removed;
}

static void
verb_cap(struct control_req *rq, struct control_obuf *b)
{
	struct control_server *s = rq->srv;
	const char *args = rq->args;
	long long now = rq->now;
	char key[32], err[256], name[128] = "request", actor[65] = "";
	size_t cap;
	char *val, *doc = NULL;
	size_t doclen = 0;
	const char *cur = args;
	int r;

	if ((val = control_valbuf(rq, b, &cap)) == NULL)
		return;
	while ((r = kv_next(&cur, key, sizeof key, val, cap, err, sizeof err)) > 0) {
		if (strcmp(key, "doc") == 0) {
			free(doc);
			doclen = strlen(val);
			if ((doc = strdup(val)) == NULL)
				break;
		} else if (strcmp(key, "name") == 0) {
			snprintf(name, sizeof name, "%s", val);
		} else if (strcmp(key, "actor") == 0 && control_actor_valid(val)) {
			snprintf(actor, sizeof actor, "%s", val);
		} else {
			snprintf(err, sizeof err, "cap takes doc=XML, name=NAME and actor=USER");
			r = -1;
			break;
		}
	}
	if (r < 0 || doc == NULL) {
		control_ob_error(b, "usage", r < 0 ? err : "cap needs doc=XML (percent-encoded)");
	} else if (s->ops.cap_parse_start != NULL && rq->conn != NULL) {
		/* parsed in the parser process: the answer comes when it does, and
		 * the connection waits for it (control_server_cap_parsed) */
		struct control_capjob *job = calloc(1, sizeof *job);

		if (job == NULL || (job->name = strdup(name)) == NULL) {
			control_capjob_free(job);
			control_ob_error(b, "internal", "out of memory");
		} else {
			job->doc = doc;
			job->len = doclen;
			job->now = now;
			job->conn = rq->conn;
			job->uid = rq->uid;
			job->actor = actor[0] ? strdup(actor) : NULL;
			doc = NULL;
			rq->conn->capjob = job;
			if (control_capq_add(s, job) < 0) {
				rq->conn->capjob = NULL;
				control_capjob_free(job);
				control_ob_error(b, "busy", "the CAP parser has a full queue; try again in a few seconds");
				control_log_limited(s, "cap: %s: refused, %d documents wait for the parser", name,
				    CONTROL_CAP_QUEUE);
			}
		}
	} else if (s->ops.cap_parse_start != NULL) {
		control_ob_error(b, "unsupported", "cap is parsed for connections only");
	} else {
		s->who_uid = rq->uid;
		s->who_actor = actor;
		control_apply_cap(s, doc, doclen, name, now, b, 0);
		s->who_actor = NULL;
	}
	free(doc);
	free(val);
}

/* "boards": one line per board, then the daemon's own state.  The keys are
 * the board-state format version 1 (docs/alerts.md): a client ignores keys
 * it does not know; a key whose meaning changes gets a new version. */
struct boards_ctx {
	struct control_obuf *b;
	unsigned n;
};

static void
boards_one(void *arg, const struct player_status *st)
{
	struct boards_ctx *bc = arg;
	char sent[24], skipped[24], late[24], errs[24], acks[24], nacks[24], last[32], bright[16], pv[16];

	snprintf(sent, sizeof sent, "%llu", (unsigned long long)st->frames_sent);
	snprintf(skipped, sizeof skipped, "%llu", (unsigned long long)st->frames_skipped);
	snprintf(late, sizeof late, "%llu", (unsigned long long)st->frames_late);
	snprintf(errs, sizeof errs, "%llu", (unsigned long long)st->errors);
	snprintf(acks, sizeof acks, "%llu", (unsigned long long)st->acks);
	snprintf(nacks, sizeof nacks, "%llu", (unsigned long long)st->nacks);
	snprintf(last, sizeof last, "%.3f", st->last_ack);
	snprintf(bright, sizeof bright, "%d", st->brightness);
	snprintf(pv, sizeof pv, "%08lx", (unsigned long)st->programme_version);
	control_ob_line(bc->b, "board", "name", st->board, "state", player_state_name(st->state),
	    "reason", st->reason, "item", st->item, "rule", st->rule, "frames_sent", sent,
	    "frames_skipped", skipped, "frames_late", late, "errors", errs, "acks", acks, "nacks", nacks,
	    "last_ack", last, "brightness", bright, "address", st->address, "playing", st->programme,
	    "programme", pv, (const char *)NULL);
	bc->n++;
}

static void
verb_boards(struct control_req *rq, struct control_obuf *b)
{
	struct control_server *s = rq->srv;
	struct control_daemon_info info = { 0 };
	struct boards_ctx bc = { b, 0 };
	char n[16], pid[16], wall[32], started[32], reloads[16];

	if (rq->args[0] != '\0') {
		control_ob_error(b, "usage", "boards takes no arguments");
		return;
	}
	if (s->ops.boards == NULL) {
		control_ob_error(b, "unsupported", "this server plays no boards");
		return;
	}
	info.pid = (int)getpid();
	info.config = info.reload_error = "";
	s->ops.boards(s->arg, &info, boards_one, &bc);
	snprintf(n, sizeof n, "%u", bc.n);
	snprintf(pid, sizeof pid, "%d", info.pid);
	snprintf(wall, sizeof wall, "%.3f", info.wall);
	snprintf(started, sizeof started, "%.3f", info.started);
	snprintf(reloads, sizeof reloads, "%u", info.reloads);
	control_ob_line(b, "ok", "version", "1", "boards", n, "pid", pid, "wall", wall, "started", started,
	    "reloads", reloads, "config", info.config ? info.config : "",
	    "reload_error", info.reload_error ? info.reload_error : "", (const char *)NULL);
}

/* "snapshot [boards=A,B]": what each board (or the named ones) shows, as
 * the board acknowledged it: its pixels (the canvas bytes in the board's
 * format, rows of `stride` bytes, base64), the acknowledgement count and
 * time they came with, the board's state and reason, item and rule, its
 * size, format, LED colour and groups.  Format version 1 (docs/alerts.md).
 * Pixels stop being sent past SNAPSHOT_MAX answer bytes (omitted=1): ask
 * for fewer boards at a time. */
#define SNAPSHOT_MAX (8 * 1024 * 1024)

struct snap_ctx {
	struct control_obuf *b;
	const struct ls_config *cfg;
	const char *only;             /* ",a,b," or NULL for every board */
	unsigned n;
};

static void
snapshot_one(void *arg, const struct player_status *st)
{
	struct snap_ctx *sc = arg;
	const struct ls_board *bd = ls_config_board(sc->cfg, st->board);
	const struct render_canvas *cv = st->shown;
	char key[160], w[16], h[16], frame[24], at[32], col[8], stride[16], groups[512] = "", *pix = NULL;
	size_t gl = 0;
	int omitted = 0;

	if (sc->only) {
		snprintf(key, sizeof key, ",%s,", st->board);
		if (strstr(sc->only, key) == NULL)
			return;
	}
	if (bd)
		for (size_t i = 0; i < bd->groups.n; i++)
			gl += (size_t)snprintf(groups + gl, gl < sizeof groups ? sizeof groups - gl : 0, "%s%s", gl ? "," : "",
			    bd->groups.v[i]);
	snprintf(w, sizeof w, "%d", cv ? cv->width : bd ? bd->width : 0);
	snprintf(h, sizeof h, "%d", cv ? cv->height : bd ? bd->height : 0);
	snprintf(stride, sizeof stride, "%zu", cv ? cv->stride : 0);
	snprintf(frame, sizeof frame, "%llu", (unsigned long long)st->shown_frame);
	snprintf(at, sizeof at, "%.3f", st->shown_at);
	snprintf(col, sizeof col, "%06x", bd ? (unsigned)bd->color & 0xffffff : 0xff0000u);
	if (cv && sc->b->len < SNAPSHOT_MAX) {
		size_t n = render_canvas_size(cv);

		if ((pix = malloc(BASE64_LEN(n) + 1)) == NULL) {
			sc->b->oom = 1;
			return;
		}
		base64_encode(cv->data, n, pix);
	} else if (cv) {
		omitted = 1;
	}
	control_ob_line(sc->b, "snapshot", "name", st->board, "state", player_state_name(st->state), "reason", st->reason,
	    "item", st->item, "rule", st->rule, "width", w, "height", h,
	    "format", ls_format_name(cv ? cv->format : bd ? bd->format : LS_FMT_MONO), "stride", stride, "color", col,
	    "groups", groups, "frame", frame, "at", at, "acked", st->shown_acked ? "1" : "0", "omitted", omitted ? "1" : "0",
	    "pixels", pix ? pix : "", (const char *)NULL);
	free(pix);
	sc->n++;
}

static void
verb_snapshot(struct control_req *rq, struct control_obuf *b)
{
	struct control_server *s = rq->srv;
	struct control_daemon_info info = { 0 };
	struct snap_ctx sc = { b, s->cfg, NULL, 0 };
	char key[32], err[256], n[16], wall[32], *val, *only = NULL;
	const char *cur = rq->args;
	size_t cap;
	int r;

	if ((val = control_valbuf(rq, b, &cap)) == NULL)
		return;
	while ((r = kv_next(&cur, key, sizeof key, val, cap, err, sizeof err)) > 0) {
		if (strcmp(key, "boards") == 0 && only == NULL && (only = malloc(strlen(val) + 3)) != NULL) {
			snprintf(only, strlen(val) + 3, ",%s,", val);
		} else {
			snprintf(err, sizeof err, "snapshot takes boards=NAME,NAME,...");
			r = -1;
			break;
		}
	}
	free(val);
	if (r < 0) {
		control_ob_error(b, "usage", err);
		free(only);
		return;
	}
	if (s->ops.boards == NULL) {
		control_ob_error(b, "unsupported", "this server plays no boards");
		free(only);
		return;
	}
	sc.only = only;
	info.config = info.reload_error = "";
	s->ops.boards(s->arg, &info, snapshot_one, &sc);
	free(only);
	snprintf(n, sizeof n, "%u", sc.n);
	snprintf(wall, sizeof wall, "%.3f", info.wall);
	control_ob_line(b, "ok", "version", "1", "boards", n, "wall", wall, (const char *)NULL);
}

/* "schedule [at=UNIX] [board=NAME]": what the schedule gives each board at
 * a moment (default: the daemon's clock now), as `ledsign schedule --at`
 * computes it, for the config the daemon plays.  Alerts are not applied:
 * boards and status say what is on the boards. */
static const char *
sched_state_name(enum sched_state st)
{
	switch (st) {
	case SCHED_PLAY: return "play";
	case SCHED_OFF: return "off";
	case SCHED_POWER_OFF: return "power-off";
	default: return "blank";
	}
}

static void
verb_schedule(struct control_req *rq, struct control_obuf *b)
{
	struct control_server *s = rq->srv;
	const struct sched *sc;
	const struct ls_config *cfg;
	struct tz_civil c;
	char key[32], val[256], err[256], board[128] = "", num[6][40], local[40];
	const char *cur = rq->args;
	double wall = 0, at;
	long long v;
	int r, have_at = 0;
	unsigned n = 0;

	while ((r = kv_next(&cur, key, sizeof key, val, sizeof val, err, sizeof err)) > 0) {
		if (strcmp(key, "at") == 0 && kv_num(val, &v) == 0) {
			at = (double)v;
			have_at = 1;
		} else if (strcmp(key, "board") == 0 && strlen(val) < sizeof board) {
			snprintf(board, sizeof board, "%s", val);
		} else {
			snprintf(err, sizeof err, "schedule takes at=UNIX-SECONDS and board=NAME");
			r = -1;
			break;
		}
	}
	if (r < 0) {
		control_ob_error(b, "usage", err);
		return;
	}
	if (s->ops.schedule == NULL || (sc = s->ops.schedule(s->arg, &wall)) == NULL) {
		control_ob_error(b, "unsupported", "this server plays no schedule");
		return;
	}
	if (!have_at)
		at = (double)(long long)wall;   /* whole seconds, as at= takes them */
	cfg = sched_config(sc);
	if (board[0] != '\0' && ls_config_board(cfg, board) == NULL) {
		snprintf(err, sizeof err, "no board \"%.100s\" in the config (boards lists them)", board);
		control_ob_error(b, "notfound", err);
		return;
	}
	for (size_t i = 0; i < cfg->nboards; i++) {
		const struct ls_board *bd = &cfg->boards[i];
		struct sched_result res;
		const char *rule = "";

		if (board[0] != '\0' && strcmp(board, bd->name) != 0)
			continue;
		sched_at(sc, bd, at, &res);
		if (res.rule != NULL)
			rule = res.rule->name;
		else if (res.slot.rule != NULL)
			rule = res.slot.rule->name;
		snprintf(num[0], sizeof num[0], "%d", res.entry >= 0 ? res.entry + 1 : 0);
		snprintf(num[1], sizeof num[1], "%.0f", res.cycle_pos);
		snprintf(num[2], sizeof num[2], "%.0f", res.cycle_len);
		snprintf(num[3], sizeof num[3], "%.0f", res.entry >= 0 ? res.item_end : res.next_change);
		snprintf(num[4], sizeof num[4], "%d", res.slot.brightness);
		snprintf(num[5], sizeof num[5], "%d", res.slot.fallback);
		control_ob_line(b, "slot", "board", bd->name, "state", sched_state_name(res.slot.state),
		    "rule", rule, "fallback", num[5], "playlist", res.playlist ? res.playlist->name : "",
		    "entry", num[0], "item", res.content ? res.content->name : "", "position", num[1],
		    "cycle", num[2], "until", num[3], "brightness", num[4], "layout", res.layout ? res.layout->name : "",
		    (const char *)NULL);
		/* a layout: one line per area, after its board's */
		for (size_t k = 0; res.layout && k < res.nareas; k++) {
			const struct sched_area *ar = &res.areas[k];
			snprintf(num[0], sizeof num[0], "%d", ar->entry >= 0 ? ar->entry + 1 : 0);
			snprintf(num[1], sizeof num[1], "%.0f", ar->cycle_pos);
			snprintf(num[2], sizeof num[2], "%.0f", ar->cycle_len);
			snprintf(num[3], sizeof num[3], "%.0f", ar->entry >= 0 ? ar->item_end : res.next_change);
			control_ob_line(b, "area", "board", bd->name, "area", ar->area->name, "playlist",
			    ar->playlist ? ar->playlist->name : "", "entry", num[0], "item",
			    ar->content ? ar->content->name : "", "position", num[1], "cycle", num[2], "until", num[3],
			    (const char *)NULL);
		}
		n++;
	}
	tz_to_civil(sched_tz(sc), (int64_t)at, &c);
	snprintf(local, sizeof local, "%04d-%02d-%02dT%02d:%02d:%02d", c.year, c.month, c.mday, c.hour, c.min, c.sec);
	snprintf(num[0], sizeof num[0], "%.0f", at);
	snprintf(num[1], sizeof num[1], "%u", n);
	control_ob_line(b, "ok", "at", num[0], "local", local, "zone", tz_name(sched_tz(sc)), "boards", num[1],
	    (const char *)NULL);
}

/* "record action= [target= detail= actor= origin=]": a client (the
 * console) reports what one of its users did, for the audit log.  The
 * peer's uid is recorded with it, so a claim is always tied to who made it. */
static void
verb_record(struct control_req *rq, struct control_obuf *b)
{
	struct control_server *s = rq->srv;
	char key[32], err[256], actor[65] = "", origin[17] = "", action[33] = "", *target = NULL, *detail = NULL, *val;
	const char *cur = rq->args;
	size_t cap;
	int r;

	if ((val = control_valbuf(rq, b, &cap)) == NULL)
		return;
	while ((r = kv_next(&cur, key, sizeof key, val, cap, err, sizeof err)) > 0) {
		if (strcmp(key, "action") == 0 && strlen(val) < sizeof action && val[0] &&
		    strspn(val, "abcdefghijklmnopqrstuvwxyz-_") == strlen(val)) {
			snprintf(action, sizeof action, "%s", val);
		} else if (strcmp(key, "origin") == 0 && strlen(val) < sizeof origin && val[0] &&
		    strspn(val, "abcdefghijklmnopqrstuvwxyz_") == strlen(val)) {
			snprintf(origin, sizeof origin, "%s", val);
		} else if (strcmp(key, "actor") == 0 && (val[0] == '\0' || control_actor_valid(val))) {
			snprintf(actor, sizeof actor, "%s", val);
		} else if (strcmp(key, "target") == 0 && control_char_at(val) < 0) {
			free(target);
			target = strdup(val);
		} else if (strcmp(key, "detail") == 0 && control_char_at(val) < 0) {
			free(detail);
			detail = strdup(val);
		} else if (strcmp(key, "peer") == 0) {
			/* the client's own client (a browser's address): kept in the detail */
		} else {
			snprintf(err, sizeof err, "record takes action=WORD (a-z, -, _), target=, detail= (no control "
			    "characters), actor=USER, origin=WORD; \"%s\" is not one of them or not valid", key);
			r = -1;
			break;
		}
	}
	if (r < 0 || action[0] == '\0') {
		control_ob_error(b, "usage", r < 0 ? err : "record needs action=WORD");
	} else if (s->audit == NULL) {
		control_ob_error(b, "unavailable", "this server keeps no audit log");
	} else {
		control_audit(s, rq->uid, actor, origin[0] ? origin : NULL, action, target, detail);
		control_ob_line(b, "ok", (const char *)NULL);
	}
	free(target);
	free(detail);
	free(val);
}

/* "audit [before=ID] [limit=N]": the audit log, newest first, one
 * "entry id= time= origin= uid= actor= action= target= detail=" line each
 * (format version 1); the ok line says how many and the oldest id, for
 * the next page (before=that id). */
struct audit_ctx {
	struct control_obuf *b;
	long long last;
};

static int
audit_one(void *arg, const struct audit_entry *e)
{
	struct audit_ctx *ac = arg;
	char id[24], t[32], uid[24];

	snprintf(id, sizeof id, "%lld", e->id);
	snprintf(t, sizeof t, "%.3f", e->time);
	snprintf(uid, sizeof uid, "%lld", e->uid);
	control_ob_line(ac->b, "entry", "id", id, "time", t, "origin", e->origin, "uid", uid, "actor", e->actor,
	    "action", e->action, "target", e->target, "detail", e->detail, (const char *)NULL);
	ac->last = e->id;
	return ac->b->len > CONTROL_OUT_HIGH * 4;   /* an answer stays bounded whatever the fields hold */
}

static void
verb_audit(struct control_req *rq, struct control_obuf *b)
{
	struct control_server *s = rq->srv;
	struct audit_ctx ac = { b, 0 };
	char key[32], val[32], err[512], num[24], last[24];
	const char *cur = rq->args;
	long long before = 0, limit = 100, v;
	int r, n;

	while ((r = kv_next(&cur, key, sizeof key, val, sizeof val, err, sizeof err)) > 0) {
		if (strcmp(key, "before") == 0 && kv_num(val, &v) == 0)
			before = v;
		else if (strcmp(key, "limit") == 0 && kv_num(val, &v) == 0 && v >= 1 && v <= 1000)
			limit = v;
		else {
			snprintf(err, sizeof err, "audit takes before=ID and limit=1..1000");
			r = -1;
			break;
		}
	}
	if (r < 0) {
		control_ob_error(b, "usage", err);
		return;
	}
	if (s->audit == NULL) {
		control_ob_error(b, "unavailable", "this server keeps no audit log");
		return;
	}
	if ((n = audit_list(s->audit, before, (int)limit, audit_one, &ac, err, sizeof err)) < 0) {
		control_ob_error(b, "io", err);
		return;
	}
	snprintf(num, sizeof num, "%d", n);
	snprintf(last, sizeof last, "%lld", ac.last);
	control_ob_line(b, "ok", "version", "1", "entries", num, "oldest", last, (const char *)NULL);
}

static void verb_help(struct control_req *, struct control_obuf *);

/* Every verb, with the least role that may use it: read-only verbs are
 * open to viewers, verbs that change what the boards show need an
 * operator, verbs that change the daemon itself need an admin. */
/* The `watch` verb: from now on the connection streams events
 * (control_watch.h queues the ok line itself); it is exempt from the
 * request deadline but not from the output limit. */
static void
verb_watch(struct control_req *rq, struct control_obuf *b)
{
	struct control_conn *c = rq->conn;
	const char *code = "usage";
	char msg[256];

	if (c == NULL) {
		control_ob_error(b, "usage", "watch needs a connection of its own");
		return;
	}
	c->watch = control_watch_new(rq->srv->events, c->bev, rq->args, &code, msg, sizeof msg);
	if (c->watch == NULL) {
		control_ob_error(b, code, msg);
		return;
	}
	event_del(c->deadline);
	evbuffer_drain(bufferevent_get_input(c->bev), evbuffer_get_length(bufferevent_get_input(c->bev)));
}

static const struct control_verb control_verb_table[] = {
	{ "status", CONTROL_ROLE_VIEWER, 0, verb_status, "",
	  "the active alerts: one \"alert RECORD\" line each" },
	{ "alerts", CONTROL_ROLE_VIEWER, 0, verb_status, "", "the same as status" },
	{ "boards", CONTROL_ROLE_VIEWER, 0, verb_boards, "",
	  "each board's state (\"board k=v ...\" lines), the daemon's on the ok line" },
	{ "snapshot", CONTROL_ROLE_VIEWER, 0, verb_snapshot, "[boards=A,B]",
	  "what each board shows, as it acknowledged it (\"snapshot k=v ... pixels=BASE64\" lines)" },
	{ "schedule", CONTROL_ROLE_VIEWER, 0, verb_schedule, "[at=UNIX] [board=NAME]",
	  "what the schedule gives each board at a moment (\"slot k=v ...\" lines)" },
	{ "why", CONTROL_ROLE_VIEWER, 0, control_verb_why, "v=1 [at=UNIX | local=YYYY-MM-DDTHH:MM] [board=NAME | group=NAME]",
	  "why each board shows what it shows: \"board\" and \"rule\" lines (schedule --at --why)" },
	{ "week", CONTROL_ROLE_VIEWER, 0, control_verb_week, "v=1 first=YYYY-MM-DD [board=NAME | group=NAME]",
	  "the week's plan per board and day: \"run\" lines (schedule --week)" },
	{ "help", CONTROL_ROLE_VIEWER, 0, verb_help, "", "the verbs this peer may use" },
	{ "watch", CONTROL_ROLE_VIEWER, 0, verb_watch, "[types=a,b] [since=SEQ]",
	  "keep the connection and stream one \"event k=v ...\" line per event (control_watch.h)" },
	{ "alert", CONTROL_ROLE_OPERATOR, CONTROL_VERB_RESERVE, verb_alert,
	  "text= [id= level= boards= groups= start= expires= for= source=]", "raise or replace an alert" },
	{ "clear", CONTROL_ROLE_OPERATOR, CONTROL_VERB_RESERVE, verb_clear, "id= | all=1", "take alerts down" },
	{ "cap", CONTROL_ROLE_OPERATOR, CONTROL_VERB_LONGLINE, verb_cap, "doc= [name=]",
	  "apply a CAP 1.2 document" },
	{ "record", CONTROL_ROLE_OPERATOR, 0, verb_record, "action= [target= detail= actor= origin=]",
	  "add an entry to the audit log (what a console user did)" },
	{ "audit", CONTROL_ROLE_VIEWER, 0, verb_audit, "[before=ID] [limit=N]",
	  "the audit log, newest first (\"entry k=v ...\" lines)" },
	{ "reload", CONTROL_ROLE_ADMIN, 0, verb_reload, "[actor=]", "re-read the config file" },
	{ "staff", CONTROL_ROLE_VIEWER, 0, control_verb_staff, "v=1",
	  "the staff file's text (a \"staff\" line), fingerprint and whether it was edited by hand" },
	{ "staff-versions", CONTROL_ROLE_VIEWER, 0, control_verb_staff_versions, "v=1 [limit=N]",
	  "the staff file's versions, newest first (\"version\" lines)" },
	{ "staff-version", CONTROL_ROLE_VIEWER, 0, control_verb_staff_version, "v=1 id=N",
	  "one version's text and diff" },
	{ "staff-save", CONTROL_ROLE_ADMIN, CONTROL_VERB_LONGLINE, control_verb_staff_save,
	  "v=1 text= [actor= base= summary=]",
	  "check the config with this staff file; when clean write it, keep it as a version and reload" },
	{ "staff-restore", CONTROL_ROLE_ADMIN, 0, control_verb_staff_restore, "v=1 id=N [actor= base=]",
	  "save an earlier version's text again, as a new version" },
	{ "staff-adopt", CONTROL_ROLE_ADMIN, 0, control_verb_staff_adopt, "v=1 [actor= summary=]",
	  "take a hand edit of the staff file into the history" },
	{ "staff-poster", CONTROL_ROLE_ADMIN, CONTROL_VERB_LONGLINE, control_verb_staff_poster,
	  "v=1 name=NAME.png data=BASE64 [actor=]", "keep a new poster (PNG, at most 1 MiB, decoded in full first) as posters/NAME.png beside the staff file" },
};

#define NVERBS (sizeof control_verb_table / sizeof control_verb_table[0])

const struct control_verb *
control_verb_find(const char *name, size_t len)
{
	for (size_t i = 0; i < NVERBS; i++)
		if (strlen(control_verb_table[i].name) == len && memcmp(control_verb_table[i].name, name, len) == 0)
			return &control_verb_table[i];
	return NULL;
}

static void
verb_help(struct control_req *rq, struct control_obuf *b)
{
	char n[16];
	unsigned k = 0;

	for (size_t i = 0; i < NVERBS; i++) {
		const struct control_verb *v = &control_verb_table[i];

		if (v->role > rq->role)
			continue;
		control_ob_line(b, "verb", "name", v->name, "role", control_role_name(v->role), "args", v->args,
		    "help", v->help, (const char *)NULL);
		k++;
	}
	snprintf(n, sizeof n, "%u", k);
	control_ob_line(b, "ok", "verbs", n, "role", control_role_name(rq->role), (const char *)NULL);
}

char *
control_dispatch(struct control_server *s, struct control_conn *conn, const char *line, long long now, uid_t uid,
    enum control_role role, size_t *len)
{
	struct control_obuf b = { 0 };
	struct control_req rq = { s, conn, "", now, uid, role };
	const struct control_verb *v;
	const char *sp;
	size_t vlen, n = strlen(CONTROL_VERSION);

	if (strncmp(line, CONTROL_VERSION, n) != 0 || (line[n] != ' ' && line[n] != '\0')) {
		control_ob_error(&b, "version", "expected \"" CONTROL_VERSION " VERB ...\"; is this client from another ledsign version?");
		goto out;
	}
	line += n;
	while (*line == ' ')
		line++;
	sp = strchr(line, ' ');
	vlen = sp ? (size_t)(sp - line) : strlen(line);
	rq.args = sp ? sp + 1 : "";
	if ((v = control_verb_find(line, vlen)) == NULL) {
		control_ob_error(&b, "usage", "missing or unknown verb; the help verb lists them");
		goto out;
	}
	if (role < v->role) {
		char msg[256];

		snprintf(msg, sizeof msg, "%s needs the %s role; user %u has %s: add it to control_%ss or "
		    "control_%s_groups", v->name, control_role_name(v->role), (unsigned)uid, control_role_name(role),
		    control_role_name(v->role), control_role_name(v->role));
		control_ob_error(&b, "denied", msg);
		control_log_limited(s, "control: %s denied to uid %u (%s; needs %s)", v->name, (unsigned)uid,
		    control_role_name(role), control_role_name(v->role));
		goto out;
	}
	v->fn(&rq, &b);
out:
	control_ob_settle(&b);
	*len = b.len;
	return b.p;
}

char *
control_handle_line(struct control_server *s, const char *line, long long now, size_t *len)
{
	return control_dispatch(s, NULL, line, now, geteuid(), CONTROL_ROLE_ADMIN, len);
}

char *
control_handle_line_as(struct control_server *s, const char *line, long long now, uid_t uid, enum control_role role,
    size_t *len)
{
	return control_dispatch(s, NULL, line, now, uid, role, len);
}
