/*
 * session.h — this process's identity as a sender (see struct proto_session
 * in proto/proto.h): 16 random bytes drawn once per process, so that every
 * `ledsign send` and every start of `ledsign play` is a new sender to the
 * boards' receivers, while one process stays one sender for its lifetime.
 */
#ifndef LEDSIGN_SESSION_H
#define LEDSIGN_SESSION_H

#include "proto/proto.h"

/* Fill *out with this process's session; the same bytes on every call. */
void ls_session_get(struct proto_session *out);

#endif
