/*
 * msg.c — message lookup: the request's language (zh by default, en when
 * chosen), then Chinese, then the key itself, so a missing translation
 * shows up as its key instead of an empty space.  Catalogues are plain C
 * tables (msg_zh.c, msg_en.c; the content editor's in msg_content.c): no
 * build step, and the compiler checks them.
 */
#include <string.h>

#include "web/web.h"

static const char *
find(const struct web_msg_row *t, const char *key)
{
	for (; t->key; t++)
		if (strcmp(t->key, key) == 0)
			return t->text;
	return NULL;
}

const char *
web_msg_lang(const char *lang, const char *key)
{
	const char *m = NULL;

	if (lang && strcmp(lang, "en") == 0 && ((m = find(web_msgs_en, key)) || (m = find(web_msgs_content_en, key))))
		return m;
	if ((m = find(web_msgs_zh, key)) || (m = find(web_msgs_content_zh, key)))
		return m;
	return key;
}

const char *
web_msg(const struct web_req *rq, const char *key)
{
	return web_msg_lang(rq ? rq->lang : "zh", key);
}
