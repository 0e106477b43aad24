/*
 * cap.h — OASIS Common Alerting Protocol 1.2 messages onto ledsign alerts.
 *
 * cap_parse reads one CAP <alert> document with libxml2 (no network, no
 * external entities, no DTD loading), checks the elements CAP 1.2 requires,
 * and maps it onto an alert (docs/alerts.md has the table): headline and
 * description become the text, severity and urgency the level, expires the
 * expiry, area/audience the board groups (config cap_areas).  msgType
 * Update and Cancel name the alerts they act on through <references>.
 * Parsing is pure: no files, no clock (the caller passes `now`).
 */
#ifndef LEDSIGN_CAP_H
#define LEDSIGN_CAP_H

#include <stddef.h>
#include "alert/alert.h"
#include "config/model.h"

#define CAP_NS "urn:oasis:names:tc:emergency:cap:1.2"
/* Documents larger than this are refused before parsing. */
#define CAP_DOC_MAX (1024 * 1024)

enum cap_action {
	CAP_ALERT,     /* show `alert` */
	CAP_UPDATE,    /* remove `refs`, show `alert` */
	CAP_CANCEL,    /* remove `refs` */
	CAP_IGNORED,   /* valid CAP, nothing to do; `reason` says why */
};

struct cap_result {
	enum cap_action action;
	struct alert alert;        /* for CAP_ALERT and CAP_UPDATE */
	struct ls_strlist refs;    /* alert ids of the referenced messages */
	char reason[256];          /* for CAP_IGNORED */
};

/* Parse and map `doc` (len bytes).  `name` (a file name or "request") starts
 * every error message.  0 with *out filled (release with cap_result_clear),
 * or -1 with err saying what is wrong and *out cleared. */
int cap_parse(const char *doc, size_t len, const char *name, const struct ls_config *cfg,
    long long now, struct cap_result *out, char *err, size_t errlen);
void cap_result_clear(struct cap_result *);

/* The alert id a CAP message gets: "cap-" and its identifier with characters
 * an id cannot hold replaced by '_'; a hash of sender and identifier is
 * appended when anything was replaced or cut, so ids stay distinct. */
void cap_alert_id(const char *sender, const char *identifier, char *buf, size_t len);

/* Do what a parsed message says to the store, as one atomic change
 * (alert_store_replace): an Update stores the new alert and removes the
 * referenced ones, a Cancel removes them; on failure nothing changed.  The
 * stored alert's id goes to id_out (ALERT_ID_MAX+1 bytes, "" when none),
 * the number of alerts removed to *removed.  0, -1 + err, or
 * ALERT_STORE_FULL + err (no room at the alert's level). */
int cap_apply(struct alert_store *, const struct cap_result *, long long now,
    char *id_out, int *removed, char *err, size_t errlen);

/* Name of an action, e.g. "cancel". */
const char *cap_action_name(enum cap_action);

#endif
