/*
 * where.c — where the running controller is, for the control clients
 * alert, clear, alerts and watch: its socket and the config's time zone.
 *
 * The config is only peeked at (ls_config_peek: its control_socket and
 * timezone lines), never loaded: a full load checks every font and poster,
 * which takes milliseconds and needs FreeType, fontconfig and libpng, and an
 * alert must neither wait for that nor for the config to be fixed
 * (docs/cli.md, "The lean front").  A config that does not parse is still
 * reported in full (cmd_config_report), then the command goes on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "config/config.h"
#include "util/paths.h"

int
cmd_where_find(struct cmd_where *w, const char *socket, const char *config, const char *name)
{
	struct ls_config_peek pk = { 0 };
	char err[512];
	int bad = 0;

	memset(w, 0, sizeof *w);
	if (config == NULL && access(LS_PATH_CONFIG, R_OK) == 0)
		config = LS_PATH_CONFIG;
	if (config != NULL) {
		if (ls_config_peek(config, &pk, err, sizeof err) < 0 || pk.syntax_error) {
			/* every error, as `ledsign check` shows them; the front
			 * hands the whole command to ledsign-full here */
			cmd_config_report(config);
			bad = 1;
		} else if (pk.timezone == NULL && (pk.timezone = strdup(LS_DEFAULT_TIMEZONE)) == NULL)
			goto oom;
	}
	if (socket == NULL)
		socket = pk.control_socket ? pk.control_socket : LS_PATH_CONTROL_SOCKET;
	if (bad)
		fprintf(stderr, "ledsign %s: warning: %s has errors (above); going on with the socket %s\n", name,
		    config, socket);
	if ((w->socket = strdup(socket)) == NULL)
		goto oom;
	w->timezone = pk.timezone;
	pk.timezone = NULL;
	ls_config_peek_clear(&pk);
	return 0;
oom:
	ls_config_peek_clear(&pk);
	cmd_where_clear(w);
	fprintf(stderr, "ledsign %s: out of memory\n", name);
	return -1;
}

void
cmd_where_clear(struct cmd_where *w)
{
	free(w->socket);
	free(w->timezone);
	memset(w, 0, sizeof *w);
}
