/* libFuzzer harness: any bytes as control-socket request lines (and as a
 * stored alert record) must be answered or refused, never crash.  Alerts
 * the fuzzer manages to raise are stored in a scratch directory and cleared
 * after each input. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/control.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct control_server *srv;
static struct alert_store *store;
static struct ls_config cfg;
static char dir[] = "/tmp/ledsign-fuzz-control.XXXXXX";

/* Leave nothing behind in /tmp. */
static void
cleanup(void)
{
	char path[128], err[256];

	control_server_free(srv);          /* removes the socket */
	if (store != NULL)
		alert_store_remove_all(store, err, sizeof err);
	alert_store_free(store);
	snprintf(path, sizeof path, "%s/state", dir);
	rmdir(path);
	rmdir(dir);
}

static void
init(void)
{
	char path[128], err[256];

	if (mkdtemp(dir) == NULL)
		abort();
	atexit(cleanup);
	snprintf(path, sizeof path, "%s/state", dir);
	store = alert_store_open(path, 1795572000LL, err, sizeof err);
	snprintf(path, sizeof path, "%s/control.sock", dir);
	srv = control_server_new(path, &cfg, store, NULL, NULL, err, sizeof err);
	if (store == NULL || srv == NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *line, *nl, err[256];
	struct alert a;

	if (srv == NULL)
		init();
	buf = malloc(size + 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	if (alert_parse(buf, &a, err, sizeof err) == 0)
		alert_clear(&a);
	/* every line of the input is one request, with the version word added
	 * to half of them so the fuzzer gets past it */
	for (line = buf; line != NULL; line = nl) {
		char *req, *ans;
		size_t len;

		nl = strchr(line, '\n');
		if (nl != NULL)
			*nl++ = '\0';
		len = strlen(line) + sizeof CONTROL_VERSION + 1;
		req = malloc(len);
		if (req == NULL)
			break;
		if (size & 1)
			snprintf(req, len, "%s %s", CONTROL_VERSION, line);
		else
			snprintf(req, len, "%s", line);
		ans = control_handle_line(srv, req, 1795572000LL, &len);
		if (ans == NULL || len == 0 || ans[len - 1] != '\n')
			__builtin_trap();   /* every request gets an answer line */
		free(ans);
		free(req);
	}
	alert_store_remove_all(store, err, sizeof err);
	free(buf);
	return 0;
}
