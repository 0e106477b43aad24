/*
 * link.h — `ledsign district-link`: one school's link to the district
 * bureau's MQTT broker (docs/district.md).
 *
 * A process of its own, started by `ledsign play` when the config has a
 * `district` group (or by hand).  It reaches the controller only through
 * the control socket: a `watch` connection for board states, items and
 * acknowledgements, and `alert`, `clear`, `reload`, `boards` requests, as
 * any client with the daemon's user's role would; so a broker that hangs,
 * a slow network or a bug in this process never costs a board a frame,
 * and the school's own content and alerts go on without the broker.
 *
 * libmosquitto runs its network loop in its own thread
 * (mosquitto_loop_start, reconnecting with back-off); received messages
 * are copied into a bounded queue and handled on the libevent loop.
 */
#ifndef LEDSIGN_DISTRICT_LINK_H
#define LEDSIGN_DISTRICT_LINK_H

/* Run the link for the config at `config_path` until SIGTERM/SIGINT.
 * Returns the process exit status (0 stopped cleanly, 1 could not start). */
int district_link_run(const char *config_path);

#endif
