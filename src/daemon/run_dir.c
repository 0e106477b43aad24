/*
 * run_dir.c — daemon_run_dir: where the controller keeps its pid file and
 * socket, from the config's control_socket.
 *
 * Apart from daemon.c because clients need it too (`ledsign reload` finds
 * the pid file with it) and the lean `ledsign` front (docs/cli.md) must not
 * link the daemon and everything it draws in.
 */
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/daemon.h"
#include "util/paths.h"

char *
daemon_run_dir(const char *control_socket)
{
	char *copy = strdup(control_socket ? control_socket : LS_PATH_CONTROL_SOCKET);
	char *dir;

	if (!copy)
		return NULL;
	dir = strdup(dirname(copy));
	free(copy);
	return dir;
}
