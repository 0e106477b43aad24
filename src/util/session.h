/*
 * session.h — this process's identity as a sender (struct proto_session in
 * proto/proto.h holds it): random bytes drawn once per process, so that
 * every `ledsign send` and every start of `ledsign play` is a new sender to
 * the boards' receivers, while one process stays one sender for its lifetime.
 * util/ sits below proto/, so this fills plain bytes: callers pass
 * `ses.id, sizeof ses.id`.
 */
#ifndef LEDSIGN_SESSION_H
#define LEDSIGN_SESSION_H

#include <stddef.h>
#include <stdint.h>

#define LS_SESSION_MAX 32

/* Fill id[0..len) (len at most LS_SESSION_MAX) with this process's session;
 * the same bytes on every call. */
void ls_session_id(uint8_t *id, size_t len);

#endif
