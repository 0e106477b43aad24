/* control_watch.c — the `watch` verb (see control_watch.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>

#include "daemon/control.h"
#include "daemon/control_watch.h"
#include "daemon/event.h"
#include "util/kv.h"

struct control_watch {
	struct event_bus *bus;
	struct event_sub *sub;
	struct bufferevent *bev;
};

/* One event to the client; 1 (hold) while the client has not read enough. */
static int
control_watch_event(void *arg, const struct ls_event *ev)
{
	struct control_watch *w = arg;
	struct evbuffer *out = bufferevent_get_output(w->bev);
	char line[1200];
	int n;

	if (evbuffer_get_length(out) >= CONTROL_OUT_HIGH)
		return 1;
	memcpy(line, "event ", 6);
	n = event_format(ev, line + 6, sizeof line - 7);
	if (n < 0)
		return 0;   /* cannot happen with these field sizes; skip rather than stall */
	line[6 + n] = '\n';
	evbuffer_add(out, line, (size_t)n + 7);
	return 0;
}

struct control_watch *
control_watch_new(struct event_bus *bus, struct bufferevent *bev, const char *args,
    const char **code, char *msg, size_t msglen)
{
	struct control_watch *w;
	unsigned mask = EVENT_MASK_DEFAULT;
	unsigned long long since = 0;
	char ok[400], key[16], val[400];
	size_t len = 0;
	int r;

	if (bus == NULL) {
		*code = "unavailable";
		snprintf(msg, msglen, "this daemon has no event stream");
		return NULL;
	}
	while ((r = kv_next(&args, key, sizeof key, val, sizeof val, msg, msglen)) > 0) {
		if (strcmp(key, "since") == 0) {
			char *end;

			since = strtoull(val, &end, 10);
			if (*end != '\0' || val[0] < '0' || val[0] > '9') {
				*code = "usage";
				snprintf(msg, msglen, "since= wants an event number (seq), not \"%.40s\"", val);
				return NULL;
			}
			continue;
		}
		if (strcmp(key, "types") != 0) {
			*code = "usage";
			snprintf(msg, msglen, "watch takes types=LIST and since=SEQ, not %s=", key);
			return NULL;
		}
		if ((mask = event_mask_parse(val, msg, msglen)) == 0) {
			*code = "usage";
			return NULL;
		}
	}
	if (r < 0) {
		*code = "usage";
		return NULL;
	}
	if ((w = calloc(1, sizeof *w)) == NULL)
		goto oom;
	w->bus = bus;
	w->bev = bev;
	/* the ok line first: the subscription may deliver (from the loop) right away */
	if ((w->sub = event_bus_subscribe_from(bus, mask, control_watch_event, w, since)) == NULL)
		goto oom;
	{
		char types[300] = "";
		size_t tl = 0;

		for (int t = 0; t < EVENT_DROPPED; t++) {
			if (mask & EVENT_MASK((unsigned)t))
				tl += (size_t)snprintf(types + tl, sizeof types - tl, "%s%s", tl ? "," : "",
				    event_type_name((enum event_type)t));
		}
		/* type names are [a-z_]: nothing to percent-encode */
		len = (size_t)snprintf(ok, sizeof ok, "ok version=%d types=%s\n", CONTROL_WATCH_VERSION, types);
	}
	if (evbuffer_add(bufferevent_get_output(bev), ok, len) < 0)
		goto oom;
	return w;
oom:
	control_watch_free(w);
	*code = "internal";
	snprintf(msg, msglen, "out of memory");
	return NULL;
}

void
control_watch_free(struct control_watch *w)
{
	if (w == NULL)
		return;
	event_bus_unsubscribe(w->bus, w->sub);
	free(w);
}

void
control_watch_resume(struct control_watch *w)
{
	if (w != NULL)
		event_bus_resume(w->bus, w->sub);
}
