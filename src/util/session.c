/* session.c — the process's random sender identity (see session.h). */
#include <pthread.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "util/session.h"

static uint8_t session_me[LS_SESSION_MAX];
static pthread_once_t session_once = PTHREAD_ONCE_INIT;

static void
session_draw(void)
{
	ssize_t n = getrandom(session_me, sizeof session_me, GRND_NONBLOCK);

	if (n != (ssize_t)sizeof session_me) {
		/* no entropy yet (early boot): time and pid still differ per process */
		struct timespec ts;
		uint64_t v[4];

		clock_gettime(CLOCK_REALTIME, &ts);
		v[0] = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
		v[1] = (uint64_t)getpid() * 0x9e3779b97f4a7c15ull ^ v[0];
		v[2] = v[0] * 0xbf58476d1ce4e5b9ull ^ v[1];
		v[3] = v[1] * 0x94d049bb133111ebull ^ v[2];
		memcpy(session_me, v, sizeof session_me);
	}
}

/* Drawn once: the daemon's worker threads reconnect boards, and so ask, too. */
void
ls_session_id(uint8_t *id, size_t len)
{
	pthread_once(&session_once, session_draw);
	memcpy(id, session_me, len < sizeof session_me ? len : sizeof session_me);
}
