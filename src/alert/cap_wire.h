/*
 * cap_wire.h — the messages between the daemon and its CAP parser process.
 *
 * The daemon does not parse CAP XML itself (docs/architecture.md,
 * "Processes"): it sends the document to a parser child and gets back the
 * parsed fields.  Whatever comes back is treated like input from a board:
 * a crafted document may have taken the child over, so every field is
 * length-checked and validated before the daemon uses it.
 *
 * A request is a fixed header (u32 name length, u32 document length, i64
 * now; little-endian) followed by the name and the document bytes.  A reply
 * is a u32 body length followed by the body, a sequence of fields
 * (u8 tag, u32 length, bytes).  Everything here is pure: no I/O, no clock,
 * and only cap_wire_decode_* allocate (the strings of the result).
 */
#ifndef LEDSIGN_CAP_WIRE_H
#define LEDSIGN_CAP_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "alert/cap.h"

#define CAP_WIRE_REQ_HDR 16
/* Request names longer than this are cut by the encoder. */
#define CAP_WIRE_NAME_MAX 255
#define CAP_WIRE_REPLY_HDR 4
/* No reply body is longer than this; a longer announced length is refused. */
#define CAP_WIRE_REPLY_MAX (512 * 1024)
/* At most this many <references> in one reply. */
#define CAP_WIRE_REFS_MAX ALERT_TARGETS_MAX
/* Error texts longer than this are cut by the encoder. */
#define CAP_WIRE_ERR_MAX 1024

/* Encode a request header into hdr; the name (cut to CAP_WIRE_NAME_MAX)
 * and the document follow it on the wire.  *namelen gets the name bytes to
 * send.  -1 when doclen > CAP_DOC_MAX. */
int cap_wire_encode_request(uint8_t hdr[CAP_WIRE_REQ_HDR], const char *name, size_t *namelen,
    size_t doclen, long long now);
/* Decode a request header: 0, or -1 + err when a length is out of range. */
int cap_wire_decode_request(const uint8_t hdr[CAP_WIRE_REQ_HDR], size_t *namelen, size_t *doclen,
    long long *now, char *err, size_t errlen);

/* Encode a reply: the outcome of cap_parse (rc 0 with *r, or rc -1 with
 * err) into buf (cap bytes, header included).  Returns the bytes written,
 * or the bytes needed when they exceed cap (call again with a bigger
 * buffer), or -1 when the result cannot be encoded at all (a field over
 * its limit). */
ssize_t cap_wire_encode_reply(int rc, const struct cap_result *r, const char *err, uint8_t *buf, size_t cap);
/* Length of the reply body announced by a reply header: 0, or -1 + err when
 * it is over CAP_WIRE_REPLY_MAX. */
int cap_wire_reply_len(const uint8_t hdr[CAP_WIRE_REPLY_HDR], size_t *len, char *err, size_t errlen);
/* Decode a reply body (len bytes, without the header).  Returns 0 with
 * *parse_rc 0 and *out filled (release with cap_result_clear), or 0 with
 * *parse_rc -1 and the parser's error in perr; or -1 with err saying what
 * is malformed (a field too long, repeated, unknown, a NUL inside a
 * string, a value out of range), and *out cleared. */
int cap_wire_decode_reply(const uint8_t *body, size_t len, struct cap_result *out, int *parse_rc,
    char *perr, size_t perrlen, char *err, size_t errlen);

#endif
