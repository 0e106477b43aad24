/*
 * district_page.c — the console's District page (GET /district): what
 * `ledsign district status` lists, as a table.  Shown when the console is
 * started with --bureau FILE (the same settings file as `ledsign district
 * --bureau FILE`); it collects with the same function, bureau_status_fetch
 * (src/district/bureau.c), one MQTT session per request, on the request's
 * own thread (the server runs a thread per connection).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "district/bureau.h"
#include "util/log.h"
#include "web/web.h"
#include "web/web_int.h"

static void
fmt_time(const char *t, char *buf, size_t len)
{
	if (t[0] == '\0' || (time_t)atof(t) <= 0)
		snprintf(buf, len, "-");
	else
		web_time_text(t, buf, len);
}

void
page_district(struct web_req *rq, struct web_resp *r)
{
	const char *bf = rq->srv->opts.bureau;
	struct bureau_status st;
	struct web_buf b = { 0 };
	char err[512];

	if (bf == NULL) {
		web_error(rq, r, 404, web_msg(rq, "district.none"));
		return;
	}
	if (bureau_status_fetch(bf, &st, err, sizeof err) < 0) {
		bureau_status_free(&st);
		log_warn("web", NULL, "district page: %s", err);
		web_buf_escf(&b, "<p class=\"error\">%s: %s</p>", web_msg(rq, "district.unreachable"), err);
		web_page(rq, r, 502, web_msg(rq, "district.title"), &b);
		return;
	}
	if (st.nschools == 0)
		web_buf_escf(&b, "<p>%s</p>", web_msg(rq, "district.empty"));
	else
		web_buf_escf(&b, "<table class=\"district\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
		    "<th>%s</th><th>%s</th></tr></thead><tbody>", web_msg(rq, "district.school"), web_msg(rq, "district.board"),
		    web_msg(rq, "district.state"), web_msg(rq, "district.item"), web_msg(rq, "district.bundle"),
		    web_msg(rq, "district.seen"));
	for (size_t i = 0; i < st.nschools; i++) {
		const struct bureau_school_status *sc = &st.schools[i];
		const char *on = sc->online == 1 ? "district.online" : sc->online == 0 ? "district.offline" : "district.unknown";
		char seen[40], bundle[128];

		fmt_time(sc->time, seen, sizeof seen);
		if (sc->last_result[0])
			snprintf(bundle, sizeof bundle, "%s (%s %s)", sc->bundle, sc->last_version, sc->last_result);
		else
			snprintf(bundle, sizeof bundle, "%s", sc->bundle);
		web_buf_escf(&b, "<tr class=\"school\" data-school=\"%s\"><th scope=\"row\">%s</th><td></td><td>%s</td><td></td>"
		    "<td>%s</td><td>%s</td></tr>", sc->name, sc->name, web_msg(rq, on), bundle, seen);
		for (size_t k = 0; k < sc->nboards; k++) {
			const struct bureau_board *bd = &sc->boards[k];
			char item[256];

			fmt_time(bd->last_ack, seen, sizeof seen);
			snprintf(item, sizeof item, "%s%s%s%s", bd->item, bd->rule[0] ? " (" : "", bd->rule, bd->rule[0] ? ")" : "");
			web_buf_escf(&b, "<tr class=\"board\" data-school=\"%s\" data-board=\"%s\"><td>%s</td><td>%s</td><td>%s</td>"
			    "<td>%s</td><td>%s</td><td>%s</td></tr>", sc->name, bd->name, sc->name, bd->name, bd->state, item,
			    sc->bundle, seen);
		}
	}
	if (st.nschools)
		web_buf_puts(&b, "</tbody></table>");
	bureau_status_free(&st);
	web_page(rq, r, 200, web_msg(rq, "district.title"), &b);
}
