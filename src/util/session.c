/* session.c — the process's random sender identity (see session.h). */
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "util/session.h"

void
ls_session_get(struct proto_session *out)
{
	static struct proto_session me;
	static int have;

	if (!have) {
		ssize_t n = getrandom(me.id, sizeof me.id, GRND_NONBLOCK);

		if (n != (ssize_t)sizeof me.id) {
			/* no entropy yet (early boot): time and pid still differ per process */
			struct timespec ts;
			uint64_t v[2];

			clock_gettime(CLOCK_REALTIME, &ts);
			v[0] = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
			v[1] = (uint64_t)getpid() * 0x9e3779b97f4a7c15ull ^ v[0];
			memcpy(me.id, v, sizeof me.id);
		}
		have = 1;
	}
	*out = me;
}
