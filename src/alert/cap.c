/*
 * cap.c — CAP 1.2 documents onto alerts.  See cap.h; the mapping table is in
 * docs/alerts.md.
 *
 * Safety: libxml2 is asked for no network (XML_PARSE_NONET) and neither
 * entity substitution (no XML_PARSE_NOENT) nor DTD loading (no
 * XML_PARSE_DTDLOAD); a document with any DOCTYPE is refused outright,
 * since CAP never needs one.  Only text and CDATA children are read, so an
 * entity reference can never pull content in.
 */
#include "util/diag.h"
#include "alert/cap.h"
#include "util/utf8.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>


const char *
cap_action_name(enum cap_action a)
{
	switch (a) {
	case CAP_ALERT: return "alert";
	case CAP_UPDATE: return "update";
	case CAP_CANCEL: return "cancel";
	case CAP_IGNORED: return "ignored";
	}
	return "?";
}

/* ---- ids ---- */

static uint64_t
fnv1a(uint64_t h, const char *s)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

void
cap_alert_id(const char *sender, const char *identifier, char *buf, size_t len)
{
	/* room for "cap-", the identifier, and "-" + 16 hex digits */
	size_t keep = ALERT_ID_MAX - 4 - 17, n = 0;
	int changed = 0;
	char tmp[ALERT_ID_MAX + 1];

	memcpy(tmp, "cap-", 4);
	n = 4;
	for (const char *p = identifier; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (n - 4 >= keep) {
			changed = 1;
			break;
		}
		if (isalnum(c) || c == '.' || c == '_' || c == ':' || c == '@' || c == '-') {
			tmp[n++] = (char)c;
		} else {
			tmp[n++] = '_';
			changed = 1;
		}
	}
	tmp[n] = '\0';
	if (changed) {
		uint64_t h = fnv1a(0xcbf29ce484222325ULL, sender ? sender : "");
		h = fnv1a(fnv1a(h, ","), identifier);
		snprintf(tmp + n, sizeof tmp - n, "-%016llx", (unsigned long long)h);
	}
	snprintf(buf, len, "%s", tmp);
}

/* ---- XML helpers ---- */

static int
is_cap(const xmlNode *n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE && n->ns != NULL && n->ns->href != NULL &&
	    strcmp((const char *)n->ns->href, CAP_NS) == 0 && strcmp((const char *)n->name, name) == 0;
}

/* The text and CDATA directly inside `n`, trimmed; malloc'd ("" when empty). */
static char *
node_text(const xmlNode *n)
{
	size_t len = 0, cap = 64;
	char *s = malloc(cap), *start, *end;

	if (s == NULL)
		return NULL;
	s[0] = '\0';
	for (const xmlNode *c = n->children; c != NULL; c = c->next) {
		size_t l;
		if ((c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE) || c->content == NULL)
			continue;
		l = strlen((const char *)c->content);
		if (len + l + 1 > cap) {
			char *ns;
			while (len + l + 1 > cap)
				cap *= 2;
			ns = realloc(s, cap);
			if (ns == NULL) {
				free(s);
				return NULL;
			}
			s = ns;
		}
		memcpy(s + len, c->content, l + 1);
		len += l;
	}
	for (start = s; *start && isspace((unsigned char)*start); start++)
		;
	for (end = s + strlen(s); end > start && isspace((unsigned char)end[-1]); end--)
		;
	*end = '\0';
	memmove(s, start, (size_t)(end - start) + 1);
	return s;
}

static const xmlNode *
child(const xmlNode *n, const char *name)
{
	for (const xmlNode *c = n->children; c != NULL; c = c->next)
		if (is_cap(c, name))
			return c;
	return NULL;
}

/* Text of the first child `name`; NULL when absent (or out of memory, *oom set). */
static char *
child_text(const xmlNode *n, const char *name, int *oom)
{
	const xmlNode *c = child(n, name);
	char *s;

	if (c == NULL)
		return NULL;
	s = node_text(c);
	if (s == NULL)
		*oom = 1;
	return s;
}

static int
one_of(const char *s, const char *const *set)
{
	for (int i = 0; set[i]; i++)
		if (strcmp(s, set[i]) == 0)
			return i;
	return -1;
}

static const char *const statuses[] = { "Actual", "Exercise", "System", "Test", "Draft", NULL };
static const char *const msgtypes[] = { "Alert", "Update", "Cancel", "Ack", "Error", NULL };
static const char *const scopes[] = { "Public", "Restricted", "Private", NULL };
static const char *const urgencies[] = { "Immediate", "Expected", "Future", "Past", "Unknown", NULL };
static const char *const severities[] = { "Extreme", "Severe", "Moderate", "Minor", "Unknown", NULL };
static const char *const certainties[] = { "Observed", "Likely", "Possible", "Unlikely", "Unknown",
	"Very Likely", NULL };
static const char *const categories[] = { "Geo", "Met", "Safety", "Security", "Rescue", "Fire",
	"Health", "Env", "Transport", "Infra", "CBRNE", "Other", NULL };

/* CAP dateTime "YYYY-MM-DDThh:mm:ss+hh:mm" (also "-hh:mm"; "Z" is
 * tolerated though CAP forbids it).  Fractional seconds are not allowed by
 * CAP 1.2 either; accepted and dropped.  0 or -1. */
static int
parse_datetime(const char *s, long long *out)
{
	int Y, M, D, h, m, sec, n = 0, oh = 0, om = 0, sign = 1;
	struct tm tm;
	const char *p;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &Y, &M, &D, &h, &m, &sec, &n) != 6 || n != 19)
		return -1;
	p = s + n;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &n) != 2 || n != 5)
			return -1;
		p += 6;
		if (oh > 14 || om > 59)
			return -1;
	} else {
		return -1;
	}
	if (*p != '\0' || M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 60 || Y < 1970)
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = Y - 1900;
	tm.tm_mon = M - 1;
	tm.tm_mday = D;
	tm.tm_hour = h;
	tm.tm_min = m;
	tm.tm_sec = sec;
	*out = (long long)timegm(&tm) - sign * (oh * 3600LL + om * 60LL);
	return 0;
}

void
cap_result_clear(struct cap_result *r)
{
	if (r == NULL)
		return;
	alert_clear(&r->alert);
	ls_strlist_free(&r->refs);
	memset(r, 0, sizeof *r);
}

/* Severity and urgency to a level: the table in docs/alerts.md. */
static enum alert_level
map_level(const char *severity, const char *urgency)
{
	if (strcmp(urgency, "Past") == 0)
		return ALERT_INFO;
	if (strcmp(severity, "Extreme") == 0)
		return ALERT_EMERGENCY;
	if (strcmp(severity, "Severe") == 0)
		return strcmp(urgency, "Immediate") == 0 ? ALERT_EMERGENCY : ALERT_WARNING;
	if (strcmp(severity, "Moderate") == 0)
		return ALERT_WARNING;
	return ALERT_INFO;
}

/* Cut a UTF-8 string to at most max bytes without splitting a character. */
static void
utf8_cut(char *s, size_t max)
{
	s[ls_utf8_prefix(s, max)] = '\0';
}

/* Fields of the message as a whole, gathered before mapping. */
struct msg {
	char *identifier, *sender, *sent, *status, *msgtype, *scope, *references;
};

static void
msg_free(struct msg *m)
{
	free(m->identifier);
	free(m->sender);
	free(m->sent);
	free(m->status);
	free(m->msgtype);
	free(m->scope);
	free(m->references);
}

static int
map_references(const char *refs, struct cap_result *out, const char *name, char *err, size_t errlen)
{
	const char *p = refs;
	char id[ALERT_ID_MAX + 1];

	while (*p) {
		const char *end, *c1, *c2;
		char *sender, *ident;

		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		for (end = p; *end && !isspace((unsigned char)*end); end++)
			;
		c1 = memchr(p, ',', (size_t)(end - p));
		c2 = c1 ? memchr(c1 + 1, ',', (size_t)(end - c1 - 1)) : NULL;
		if (c1 == NULL || c2 == NULL || c1 == p || c2 == c1 + 1) {
			ls_errf(err, errlen, "%s: <references> entry \"%.*s\" is not sender,identifier,sent",
			    name, (int)(end - p > 80 ? 80 : end - p), p);
			return -1;
		}
		sender = strndup(p, (size_t)(c1 - p));
		ident = strndup(c1 + 1, (size_t)(c2 - c1 - 1));
		if (sender == NULL || ident == NULL) {
			free(sender);
			free(ident);
			ls_errf(err, errlen, "out of memory");
			return -1;
		}
		cap_alert_id(sender, ident, id, sizeof id);
		free(sender);
		free(ident);
		if (out->refs.n >= ALERT_TARGETS_MAX || ls_strlist_add_unique(&out->refs, id) < 0) {
			ls_errf(err, errlen, "%s: too many <references>", name);
			return -1;
		}
		p = end;
	}
	if (out->refs.n == 0) {
		ls_errf(err, errlen, "%s: <references> is empty", name);
		return -1;
	}
	return 0;
}

/* Map the areas and audience of one <info> onto groups. 0, 1 = nothing matched, -1 oom. */
static int
map_targets(const xmlNode *info, const struct ls_config *cfg, struct alert *a, char *what, size_t whatlen)
{
	int oom = 0, matched = 0;
	char *audience;

	if (cfg == NULL || cfg->ncap_areas == 0)
		return 0;     /* no map: every board */
	audience = child_text(info, "audience", &oom);
	what[0] = '\0';
	for (size_t i = 0; i < cfg->ncap_areas; i++) {
		const struct ls_cap_area *m = &cfg->cap_areas[i];
		int hit = strcmp(m->match, "*") == 0 || (audience && strcasecmp(audience, m->match) == 0);
		for (const xmlNode *c = info->children; c != NULL && !hit; c = c->next) {
			char *desc;
			if (!is_cap(c, "area"))
				continue;
			desc = child_text(c, "areaDesc", &oom);
			if (desc != NULL && strcasecmp(desc, m->match) == 0)
				hit = 1;
			if (desc != NULL && what[0] == '\0')
				snprintf(what, whatlen, "area \"%s\"", desc);
			free(desc);
		}
		if (!hit)
			continue;
		matched = 1;
		for (size_t g = 0; g < m->groups.n; g++)
			if (ls_strlist_add_unique(&a->groups, m->groups.v[g]) < 0)
				oom = 1;
	}
	if (what[0] == '\0' && audience != NULL)
		snprintf(what, whatlen, "audience \"%s\"", audience);
	if (what[0] == '\0')
		snprintf(what, whatlen, "no area or audience");
	free(audience);
	if (oom)
		return -1;
	return matched ? 0 : 1;
}

/* Map the first <info> onto out->alert.  0, 1 = ignored (reason set), -1 + err. */
static int
map_info(const xmlNode *root, const struct msg *m, const char *name, const struct ls_config *cfg,
    long long now, struct cap_result *out, char *err, size_t errlen)
{
	static const char *const required[] = { "category", "event", "urgency", "severity", "certainty", NULL };
	const xmlNode *info = child(root, "info");
	char *f[5] = { 0 }, *headline = NULL, *desc = NULL, *expires = NULL, *effective = NULL;
	char what[160];
	const char *prefix = "";
	struct alert *a = &out->alert;
	size_t tl;
	int oom = 0, rc = -1, r;

	if (info == NULL) {
		ls_errf(err, errlen, "%s: msgType %s without an <info> block: nothing to show", name, m->msgtype);
		return -1;
	}
	for (int i = 0; required[i]; i++) {
		f[i] = child_text(info, required[i], &oom);
		if (f[i] == NULL && !oom) {
			ls_errf(err, errlen, "%s: <info> lacks the required <%s>", name, required[i]);
			goto done;
		}
	}
	if (oom)
		goto oom;
	if (one_of(f[0], categories) < 0 || one_of(f[2], urgencies) < 0 || one_of(f[3], severities) < 0 ||
	    one_of(f[4], certainties) < 0) {
		ls_errf(err, errlen, "%s: <info> has a value CAP 1.2 does not define in <category>, <urgency>, "
		    "<severity> or <certainty> (got \"%s\", \"%s\", \"%s\", \"%s\")", name, f[0], f[2], f[3], f[4]);
		goto done;
	}
	headline = child_text(info, "headline", &oom);
	desc = child_text(info, "description", &oom);
	expires = child_text(info, "expires", &oom);
	effective = child_text(info, "effective", &oom);
	if (oom)
		goto oom;

	memset(a, 0, sizeof *a);
	cap_alert_id(m->sender, m->identifier, a->id, sizeof a->id);
	a->level = map_level(f[3], f[2]);
	a->start = now;
	if (effective != NULL && effective[0] != '\0') {
		long long t;
		if (parse_datetime(effective, &t) < 0) {
			ls_errf(err, errlen, "%s: <effective> \"%s\" is not a CAP dateTime (YYYY-MM-DDThh:mm:ss+hh:mm)", name, effective);
			goto done;
		}
		if (t > now)
			a->start = t;
	}
	if (expires != NULL && expires[0] != '\0') {
		if (parse_datetime(expires, &a->expires) < 0) {
			ls_errf(err, errlen, "%s: <expires> \"%s\" is not a CAP dateTime (YYYY-MM-DDThh:mm:ss+hh:mm)", name, expires);
			goto done;
		}
		if (a->expires <= now) {
			snprintf(out->reason, sizeof out->reason, "already expired (%s)", expires);
			rc = 1;
			goto done;
		}
		if (a->expires <= a->start) {
			ls_errf(err, errlen, "%s: <expires> is before <effective>", name);
			goto done;
		}
	}
	if (strcmp(m->status, "Exercise") == 0)
		prefix = "EXERCISE: ";
	else if (strcmp(m->status, "Test") == 0)
		prefix = "TEST: ";
	if (headline == NULL || headline[0] == '\0') {
		free(headline);
		headline = strdup(f[1]);   /* the event, e.g. "Tornado" */
		if (headline == NULL)
			goto oom;
	}
	tl = strlen(prefix) + strlen(headline) + (desc ? strlen(desc) + 5 : 0) + 1;
	a->text = malloc(tl);
	if (a->text == NULL)
		goto oom;
	snprintf(a->text, tl, "%s%s%s%s", prefix, headline, desc && desc[0] ? " — " : "", desc ? desc : "");
	/* newlines inside a description are layout, not meaning, on an LED board */
	for (char *p = a->text; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	utf8_cut(a->text, ALERT_TEXT_MAX);
	{
		size_t sl = strlen(name) + 5;
		if ((a->source = malloc(sl)) == NULL)
			goto oom;
		snprintf(a->source, sl, "cap:%s", name);
	}
	r = map_targets(info, cfg, a, what, sizeof what);
	if (r < 0)
		goto oom;
	if (r > 0) {
		snprintf(out->reason, sizeof out->reason, "no cap_areas entry in the config matches %s", what);
		rc = 1;
		goto done;
	}
	rc = 0;
	goto done;
oom:
	ls_errf(err, errlen, "out of memory");
	rc = -1;
done:
	for (int i = 0; i < 5; i++)
		free(f[i]);
	free(headline);
	free(desc);
	free(expires);
	free(effective);
	return rc;
}

static void
xml_error(xmlParserCtxtPtr ctxt, const char *name, char *err, size_t errlen)
{
	const xmlError *e = ctxt ? xmlCtxtGetLastError(ctxt) : NULL;
	char msg[200] = "not well-formed";

	if (e != NULL && e->message != NULL) {
		snprintf(msg, sizeof msg, "%s", e->message);
		msg[strcspn(msg, "\n")] = '\0';
	}
	if (e != NULL && e->line > 0)
		ls_errf(err, errlen, "%s:%d: invalid XML: %s", name, e->line, msg);
	else
		ls_errf(err, errlen, "%s: invalid XML: %s", name, msg);
}

int
cap_parse(const char *doc, size_t len, const char *name, const struct ls_config *cfg,
    long long now, struct cap_result *out, char *err, size_t errlen)
{
	static const char *const required[] = { "identifier", "sender", "sent", "status", "msgType", "scope", NULL };
	xmlParserCtxtPtr ctxt = NULL;
	xmlDocPtr x = NULL;
	xmlNodePtr root;
	struct msg m;
	char *fields[6] = { 0 };
	long long sent;
	int oom = 0, rc = -1, type, r;

	memset(out, 0, sizeof *out);
	memset(&m, 0, sizeof m);
	if (len == 0) {
		ls_errf(err, errlen, "%s: empty document; expected a CAP 1.2 <alert>", name);
		return -1;
	}
	if (len > CAP_DOC_MAX || len > INT32_MAX) {
		ls_errf(err, errlen, "%s: document is %zu bytes; at most %d", name, len, CAP_DOC_MAX);
		return -1;
	}
	ctxt = xmlNewParserCtxt();
	if (ctxt == NULL) {
		ls_errf(err, errlen, "out of memory");
		return -1;
	}
	x = xmlCtxtReadMemory(ctxt, doc, (int)len, name, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
	if (x == NULL) {
		xml_error(ctxt, name, err, errlen);
		goto done;
	}
	if (x->intSubset != NULL || x->extSubset != NULL) {
		ls_errf(err, errlen, "%s: a DOCTYPE is not allowed in a CAP document", name);
		goto done;
	}
	root = xmlDocGetRootElement(x);
	if (root == NULL || strcmp((const char *)root->name, "alert") != 0 || root->ns == NULL ||
	    root->ns->href == NULL || strcmp((const char *)root->ns->href, CAP_NS) != 0) {
		ls_errf(err, errlen, "%s:%d: not a CAP 1.2 document: the root must be <alert xmlns=\"%s\">, found <%s%s%s>",
		    name, root ? root->line : 0, CAP_NS, root ? (const char *)root->name : "nothing",
		    root && root->ns && root->ns->href ? " xmlns=" : "",
		    root && root->ns && root->ns->href ? (const char *)root->ns->href : "");
		goto done;
	}
	for (int i = 0; required[i]; i++) {
		fields[i] = child_text(root, required[i], &oom);
		if (oom)
			goto oom;
		if (fields[i] == NULL || fields[i][0] == '\0') {
			ls_errf(err, errlen, "%s: not valid CAP 1.2: <alert> lacks the required <%s>", name, required[i]);
			goto done;
		}
	}
	m.identifier = fields[0];
	m.sender = fields[1];
	m.sent = fields[2];
	m.status = fields[3];
	m.msgtype = fields[4];
	m.scope = fields[5];
	memset(fields, 0, sizeof fields);
	m.references = child_text(root, "references", &oom);
	if (oom)
		goto oom;
	if (strpbrk(m.identifier, " ,<&") != NULL || strpbrk(m.sender, " ,<&") != NULL) {
		ls_errf(err, errlen, "%s: <identifier> and <sender> may not contain spaces, commas, < or &", name);
		goto done;
	}
	if (parse_datetime(m.sent, &sent) < 0) {
		ls_errf(err, errlen, "%s: <sent> \"%s\" is not a CAP dateTime (YYYY-MM-DDThh:mm:ss+hh:mm)", name, m.sent);
		goto done;
	}
	if (one_of(m.status, statuses) < 0) {
		ls_errf(err, errlen, "%s: <status> \"%s\" is not one of Actual, Exercise, System, Test, Draft", name, m.status);
		goto done;
	}
	type = one_of(m.msgtype, msgtypes);
	if (type < 0) {
		ls_errf(err, errlen, "%s: <msgType> \"%s\" is not one of Alert, Update, Cancel, Ack, Error", name, m.msgtype);
		goto done;
	}
	if (one_of(m.scope, scopes) < 0) {
		ls_errf(err, errlen, "%s: <scope> \"%s\" is not one of Public, Restricted, Private", name, m.scope);
		goto done;
	}
	if ((type == 1 || type == 2) && (m.references == NULL || m.references[0] == '\0')) {
		ls_errf(err, errlen, "%s: msgType %s needs <references> naming the message it acts on", name, m.msgtype);
		goto done;
	}

	/* Valid CAP from here on; decide whether it is ours to show. */
	if (strcmp(m.status, "Actual") != 0 &&
	    !((strcmp(m.status, "Exercise") == 0 || strcmp(m.status, "Test") == 0) && cfg && cfg->cap_accept_test)) {
		out->action = CAP_IGNORED;
		snprintf(out->reason, sizeof out->reason, "status %s is not Actual%s", m.status,
		    strcmp(m.status, "Exercise") == 0 || strcmp(m.status, "Test") == 0 ?
		    " (set cap_accept_test to show exercises and tests)" : "");
		rc = 0;
		goto done;
	}
	if (type == 3 || type == 4) {
		out->action = CAP_IGNORED;
		snprintf(out->reason, sizeof out->reason, "msgType %s carries nothing to show", m.msgtype);
		rc = 0;
		goto done;
	}
	if ((type == 1 || type == 2) && map_references(m.references, out, name, err, errlen) < 0)
		goto done;
	if (type == 2) {
		out->action = CAP_CANCEL;
		rc = 0;
		goto done;
	}
	out->action = type == 0 ? CAP_ALERT : CAP_UPDATE;
	r = map_info(root, &m, name, cfg, now, out, err, errlen);
	if (r < 0)
		goto done;
	if (r > 0) {
		/* An Update that no longer applies here still takes the old one down. */
		alert_clear(&out->alert);
		out->action = type == 1 ? CAP_CANCEL : CAP_IGNORED;
	}
	rc = 0;
	goto done;
oom:
	ls_errf(err, errlen, "out of memory");
done:
	for (int i = 0; i < 6; i++)
		free(fields[i]);
	msg_free(&m);
	if (x != NULL)
		xmlFreeDoc(x);
	xmlFreeParserCtxt(ctxt);
	if (rc < 0)
		cap_result_clear(out);
	return rc;
}

int
cap_apply(struct alert_store *s, const struct cap_result *r, long long now,
    char *id_out, int *removed, char *err, size_t errlen)
{
	const struct alert *a = r->action == CAP_ALERT || r->action == CAP_UPDATE ? &r->alert : NULL;
	size_t nrm = r->action == CAP_UPDATE || r->action == CAP_CANCEL ? r->refs.n : 0;

	if (id_out != NULL)
		id_out[0] = '\0';
	if (removed != NULL)
		*removed = 0;
	if (a == NULL && nrm == 0)
		return 0;
	/* one change: an Update that cannot be stored leaves what it references */
	return alert_store_replace(s, a, (const char *const *)r->refs.v, nrm, now, id_out, removed, err, errlen);
}
