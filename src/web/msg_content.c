/*
 * msg_content.c — the content editor's messages (web.h).  Owned by the
 * content editor; the core's are in msg_zh.c and msg_en.c.
 */
#include "web/web.h"

const struct web_msg_row web_msgs_content_zh[] = {
	{ NULL, NULL },
};

const struct web_msg_row web_msgs_content_en[] = {
	{ NULL, NULL },
};
