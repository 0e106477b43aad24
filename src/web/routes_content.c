/*
 * routes_content.c — the content editor's pages: its route table and its
 * static files.  The content helper fills these tables (see web.h, "Adding
 * a route table"); the core's router looks here after web_routes_core.
 */
#include <stddef.h>

#include "web/web.h"

const struct web_route web_routes_content[] = {
	{ NULL, NULL, 0, WEB_ROLE_PUBLIC, NULL, NULL },
};

const struct web_asset web_assets_content[] = {
	{ NULL, NULL, NULL },
};
