/*
 * dmsg.h — the district's MQTT topics and payloads, version 1
 * (docs/district.md is the specification).  Pure: no I/O, no clock; the
 * decoders check every length and name before anything is used, since
 * everything here comes from the network.
 *
 * Topics (D the district, S a school, ID an alert id):
 *   ledsign/v1/D/bureau/all/bundle          retained  the campaign bundle for every school
 *   ledsign/v1/D/bureau/school/S/bundle     retained  ... for school S only
 *   ledsign/v1/D/bureau/all/alert/ID        retained  a district alert, raised or cleared
 *   ledsign/v1/D/bureau/all/report          -         the bureau asks for proof of play
 *   ledsign/v1/D/school/S/online            retained  "1", or "0" (the school's will)
 *   ledsign/v1/D/school/S/state             retained  boards: link state, item, rule
 *   ledsign/v1/D/school/S/bundle            retained  the last bundle: accepted or rejected, why
 *   ledsign/v1/D/school/S/alert/ID          retained  coverage: which boards acknowledged
 *   ledsign/v1/D/school/S/events            -         the controller's events (QoS 0)
 *   ledsign/v1/D/school/S/report            -         proof of play for a report request
 * Payloads are text: a first line "ledsign-district/1 KIND key=value ...",
 * then item lines (util/kv.h records); a bundle carries files after its
 * header, each with its length.
 */
#ifndef LEDSIGN_DMSG_H
#define LEDSIGN_DMSG_H

#include <stddef.h>
#include <stdint.h>

#include "alert/alert.h"

#define DMSG_VERSION "ledsign-district/1"
#define DMSG_ROOT "ledsign/v1"
/* What a school takes from the broker at most: a bundle (the broker's
 * message_size_limit in dist/mosquitto.conf is the same), its files, one
 * file, other messages. */
#define DMSG_BUNDLE_MAX (16 * 1024 * 1024)
#define DMSG_BUNDLE_FILES 256
#define DMSG_NAME_MAX 100
#define DMSG_MSG_MAX (1024 * 1024 + 4096)   /* a CAP document (CAP_DOC_MAX) and its header */
/* The config file in a bundle; the rest are posters/NAME. */
#define DMSG_BUNDLE_CONFIG "campaign.cfg"

/* Copy s into d (cap bytes, cap > 0), cut to cap - 1 bytes between UTF-8
 * characters: every field the district copies was length-checked first or
 * is only shown. */
void dmsg_copy(char *d, size_t cap, const char *s);
/* 1 when s is a district or school name: 1..64 of a-z 0-9 _ - */
int  dmsg_name_ok(const char *s);

/* ---- bundles ---- */
struct dmsg_file {
	char   name[DMSG_NAME_MAX + 16];  /* "campaign.cfg" or "posters/NAME" */
	const uint8_t *data;              /* into the payload */
	size_t len;
};
struct dmsg_bundle {
	long long version;                /* 1, 2, ...: a school takes only a newer one */
	char   label[128];                /* what the bureau calls it */
	size_t nfiles;
	struct dmsg_file files[DMSG_BUNDLE_FILES];
};
/* Parse a bundle payload; files point into buf.  Exactly one campaign.cfg;
 * poster names of [A-Za-z0-9._-] not starting with '.'; no name twice.
 * 0, or -1 + err. */
int  dmsg_bundle_parse(const uint8_t *buf, size_t len, struct dmsg_bundle *out, char *err, size_t errlen);
/* Bytes dmsg_bundle_encode needs for b. */
size_t dmsg_bundle_size(const struct dmsg_bundle *b);
/* Encode b into buf; bytes written, or -1 when cap is too small or a name is bad. */
long dmsg_bundle_encode(const struct dmsg_bundle *b, uint8_t *buf, size_t cap);
/* 1 when `name` may be a file in a bundle. */
int  dmsg_bundle_name_ok(const char *name);

/* ---- district alerts ---- */
struct dmsg_alert {
	int    cleared;                   /* 0 raised, 1 cleared */
	char   id[ALERT_ID_MAX + 1];
	char   schools[1024];             /* comma-separated; "" = every school */
	long long time;                   /* when the bureau sent it */
	struct alert a;                   /* raised: the alert as the schools store it */
	char  *cap;                       /* or raised from a CAP 1.2 document: the document
	                                   * (malloc'd, NUL-terminated; the caller frees it), which
	                                   * each school maps with its own cap_areas; `a` is empty */
	size_t caplen;
};
/* Encode: header line, then (raised) the alert's record or the CAP
 * document (header key cap=1).  Bytes, or -1. */
int  dmsg_alert_encode(const struct dmsg_alert *m, char *buf, size_t cap);
/* Parse into *m (m->a owned by the caller afterwards: alert_clear). 0, or -1 + err. */
int  dmsg_alert_parse(const char *buf, size_t len, struct dmsg_alert *m, char *err, size_t errlen);
/* 1 when school is in the comma-separated list (an empty list is everyone). */
int  dmsg_list_has(const char *list, const char *name);

/* The first line's kind ("bundle", "alert", "state", ...) into kind; the
 * rest of the line (its key=value pairs) in *rest.  0, or -1 when it is not
 * a ledsign-district/1 payload. */
int  dmsg_header(const char *buf, size_t len, char *kind, size_t kindcap, const char **rest);

#endif
