/*
 * paths.h — where ledsign looks for things when nobody says otherwise.
 *
 * The one place the default paths are written.  The config file's
 * control_socket and state_dir settings and the commands' --config,
 * --socket and --run-dir options override them.  The Makefile reads
 * LS_PATH_CONFIG from here for `make install` and the systemd unit, and
 * tests/integration/04-default-paths.sh checks that the man page,
 * docs/config.md, docs/daemon.md and dist/ledsign.service name these same paths.
 */
#ifndef LEDSIGN_PATHS_H
#define LEDSIGN_PATHS_H

/* the config file of the installed controller */
#define LS_PATH_CONFIG          "/etc/ledsign/ledsign.cfg"
/* runtime files: the control socket, the pid and status files (systemd RuntimeDirectory=) */
#define LS_PATH_RUN_DIR         "/run/ledsign"
/* the control socket (config setting control_socket); its directory is the run directory */
#define LS_PATH_CONTROL_SOCKET  LS_PATH_RUN_DIR "/" LS_FILE_CONTROL_SOCKET
/* the persisted alerts (config setting state_dir; systemd StateDirectory=) */
#define LS_PATH_STATE_DIR       "/var/lib/ledsign"

/* names inside the run directory */
#define LS_FILE_CONTROL_SOCKET  "control.sock"
#define LS_FILE_PID             "ledsign.pid"
#define LS_FILE_STATUS          "status"
#define LS_FILE_STATUS_TMP      "status.tmp"   /* written, then renamed to LS_FILE_STATUS */

#endif
