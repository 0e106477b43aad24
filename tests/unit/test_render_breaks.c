/* Legible text on small boards (issue 17): page and line breaks never cut a
 * number, a date or time, a 星期X, a Latin word or a Chinese word where
 * another break point exists; punctuation and spaces are preferred; pages
 * are balanced.  Checked on the sample campaign's texts over many widths,
 * on the issue's own 64x16 examples by their pixels, and through `check`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "config/config.h"
#include "render/render.h"
#include "render/render_int.h"

#define SAMPLE "content/campaign-week.cfg"
/* 2023-09-12 10:00 in Asia/Shanghai (a Tuesday, 校园日) */
#define NOW 1694484000.0

static struct ls_config *cfg;
static struct render_ctx *ctx;

static int
setup(void **state)
{
	struct ls_diag d = { 0 };

	(void)state;
	cfg = ls_config_load(SAMPLE, &d);
	if (cfg != NULL)
		ctx = render_ctx_new(cfg, &d);
	ls_diag_clear(&d);
	return ctx == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	render_ctx_free(ctx);
	ls_config_free(cfg);
	return 0;
}

/* The word list is binary-searched: it must be sorted by bytes, and hold
 * only words of 2..RENDER_ZH_MAXWORD ideographs (or a single one). */
static void
test_word_list(void **state)
{
	(void)state;
	assert_true(render_zh_nwords() > 200);
	for (size_t i = 0; i < render_zh_nwords(); i++) {
		uint32_t *cps;
		size_t n = render_utf8_decode(render_zh_word(i), &cps);
		assert_true(n >= 1 && n <= RENDER_ZH_MAXWORD);
		for (size_t k = 0; k < n; k++)
			assert_true(render_zh_han(cps[k]));
		assert_true(render_zh_is_word(cps, n));
		free(cps);
		if (i > 0 && strcmp(render_zh_word(i - 1), render_zh_word(i)) >= 0)
			fail_msg("word list not sorted at \"%s\", \"%s\"", render_zh_word(i - 1), render_zh_word(i));
	}
}

/* The issue's examples, by their pixels: page k of the item on a 64x16
 * red-green board is the same canvas as the expected line drawn alone at
 * the same size, and there are exactly that many pages (page N is page 0
 * again).  Before the fix the board showed 2023-09- / 12 星期 / 二 10:00
 * and 没有网络 / 安全就没 / 有国家安 / 全. */
static void
check_pages(const char *text, int size, const char *const *pages, size_t npages)
{
	struct ls_board b = { .name = (char *)"dorm-2", .width = 64, .height = 16, .format = LS_FMT_REDGREEN };
	struct ls_content it = { .name = (char *)"t", .text = (char *)text, .color = 0x00ff00,
	    .duration = 2.0 * (double)npages };
	struct render_canvas *got = render_canvas_new(64, 16, LS_FMT_REDGREEN);
	struct render_canvas *want = render_canvas_new(64, 16, LS_FMT_REDGREEN);
	char err[256];

	for (size_t k = 0; k <= npages; k++) {
		struct ls_content one = it;
		one.text = (char *)pages[k % npages];
		one.size = size;
		one.duration = 0;
		assert_int_equal(render_item(ctx, &b, &it, NOW, 2.0 * (double)k + 0.5, got, err, sizeof err), 0);
		assert_int_equal(render_item(ctx, &b, &one, NOW, 0, want, err, sizeof err), 0);
		for (int y = 0; y < 16; y++)
			for (int x = 0; x < 64; x++)
				if (render_canvas_get(got, x, y) != render_canvas_get(want, x, y))
					fail_msg("\"%s\" on 64x16, page %zu: not \"%s\" at %d px (LED %d,%d differs)",
					    text, k, pages[k % npages], size, x, y);
	}
	render_canvas_free(got);
	render_canvas_free(want);
}

static void
test_issue_pages_64x16(void **state)
{
	static const char *const clock[] = { "2023-09-12", "星期二", "10:00" };
	static const char *const nation[] = { "没有", "网络安全", "就没有", "国家安全" };
	static const char *const theme[] = { "网络安全", "为人民", "网络安全", "靠人民" };

	(void)state;
	check_pages("{date} {weekday} {time}", 12, clock, 3);
	check_pages("没有网络安全就没有国家安全", 16, nation, 4);
	check_pages("网络安全为人民网络安全靠人民", 16, theme, 4);
}

/* Spans that must not be cut when they fit on a line: numbers with their
 * separators and units (2023-09-12, 10:00, 9月12日, 5天), Latin words, 星期X,
 * and these words of the sample (chosen here, not taken from the word list,
 * so the test does not just repeat the code).  A span takes the opening
 * marks before it and the closing ones after it with it, as the Chinese
 * rules do (《网络安全法》 is one block). */
static const char *const words[] = {
	"网络安全", "国家安全", "人民", "没有", "宣传周", "校园日", "个人信息", "数据安全", "密码", "二维码",
	"守护", "青春", "升旗仪式", "报告厅", "讲座", "诈骗", "手抄报", "共享", "共建", "文明", "不外借",
	"校园卡", "答题", "扫码", "闭幕", "主题班会", "节课", "不轻信", "不透露", "不转账", "链接",
};

static int
digit(uint32_t c)
{
	return c >= '0' && c <= '9';
}

static int
latin(uint32_t c)
{
	return digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static int
unit(uint32_t c)
{
	return c == 0x5e74 || c == 0x6708 || c == 0x65e5 || c == 0x5929; /* 年 月 日 天 */
}

/* Mark in `keep` (n + 1 bytes) every position p where a break would cut a span. */
static void
protected_spans(const uint32_t *cps, size_t n, uint8_t *keep)
{
	memset(keep, 0, n + 1);
	for (size_t i = 0; i < n;) {
		size_t e = i;
		if (latin(cps[i])) {
			while (e < n && (latin(cps[e]) || (e + 1 < n && strchr("-/:.", (int)(cps[e] & 0x7f)) &&
			    cps[e] < 0x80 && digit(cps[e + 1]) && e > i && digit(cps[e - 1])) ||
			    (e > i && digit(cps[e - 1]) && unit(cps[e])) ||
			    (e > i && unit(cps[e - 1]) && e >= i + 2 && digit(cps[e - 2]) && digit(cps[e]))))
				e++;
		} else if (cps[i] == 0x661f && i + 2 < n && cps[i + 1] == 0x671f)  /* 星期X */
			e = i + 3;
		else {
			for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
				uint32_t *wc;
				size_t wn = render_utf8_decode(words[w], &wc);
				if (i + wn <= n && memcmp(cps + i, wc, wn * sizeof *wc) == 0 && i + wn > e)
					e = i + wn;
				free(wc);
			}
		}
		for (size_t p = i + 1; p < e; p++)
			keep[p] = 1;
		i = e > i ? e : i + 1;
	}
}

static int
span_width(struct render_font *f, const uint32_t *cps, size_t s, size_t e, int size)
{
	char buf[256];
	size_t k = 0;

	for (size_t i = s; i < e && k + 5 < sizeof buf; i++) {
		uint32_t c = cps[i];
		if (c < 0x80) buf[k++] = (char)c;
		else if (c < 0x800) { buf[k++] = (char)(0xc0 | c >> 6); buf[k++] = (char)(0x80 | (c & 0x3f)); }
		else { buf[k++] = (char)(0xe0 | c >> 12); buf[k++] = (char)(0x80 | (c >> 6 & 0x3f)); buf[k++] = (char)(0x80 | (c & 0x3f)); }
	}
	buf[k] = '\0';
	struct render_layout *l = render_layout_text(ctx, f, buf, size, RENDER_AA_MONO, RENDER_WRAP_NONE, 0, 0);
	assert_non_null(l);
	return l->width;
}

static void
test_sample_texts_over_widths(void **state)
{
	char err[256];
	size_t layouts = 0, cuts_checked = 0;

	(void)state;
	for (size_t i = 0; i < cfg->ncontent; i++) {
		const struct ls_content *c = &cfg->content[i];
		struct render_font *f;
		char *text;
		uint32_t *cps;
		uint8_t *keep;
		size_t n;

		if (c->text == NULL)
			continue;
		f = render_font_get(ctx, c->font, err, sizeof err);
		assert_non_null(f);
		text = render_fields_expand(ctx, c->text, NOW, err, sizeof err);
		assert_non_null(text);
		n = render_utf8_decode(text, &cps);
		keep = malloc(n + 1);
		protected_spans(cps, n, keep);
		for (int size = 12; size <= 24; size += 4)
			for (int w = 2 * size; w <= 20 * size; w += 2) {
				struct render_layout *l = render_layout_text(ctx, f, text, size, RENDER_AA_MONO,
				    RENDER_WRAP_WIDTH, w, 0);
				assert_non_null(l);
				layouts++;
				for (size_t li = 0; li + 1 < l->nlines; li++) {
					size_t p = l->lines[li + 1].cp, s, e;
					const struct render_line *ln = &l->lines[li];
					if (li > 0 && render_no_start(cps[ln->cp]))
						fail_msg("\"%s\" at %d px in %d: a line starts with U+%04X", text, size, w, cps[ln->cp]);
					if (render_no_end(cps[ln->cp + ln->ncp - 1]))
						fail_msg("\"%s\" at %d px in %d: a line ends with U+%04X", text, size, w,
						    cps[ln->cp + ln->ncp - 1]);
					if (!keep[p])
						continue;
					/* the span around p, with its attached punctuation */
					for (s = p; s > 0 && keep[s]; s--)
						;
					for (e = p; e < n && keep[e]; e++)
						;
					while (s > 0 && render_no_end(cps[s - 1]))
						s--;
					while (e < n && render_no_start(cps[e]))
						e++;
					cuts_checked++;
					if (span_width(f, cps, s, e, size) <= w)
						fail_msg("\"%s\" at %d px in %d px: broken inside a word, number or date "
						    "that fits on a line (line %zu ends at code point %zu)", text, size, w, li, p);
				}
			}
		free(keep);
		free(cps);
		free(text);
	}
	assert_true(layouts > 1000);
	assert_true(cuts_checked > 100);     /* narrow widths do cut long spans */
}

/* Punctuation and spaces first: where two lines are needed, the break is
 * at the comma or the space, not between other words; and lines are
 * balanced (网络安全为人民 / 网络安全靠人民 at 8 characters a line, where
 * greedy filling gave 7 + 1 on some widths). */
static void
test_prefer_punctuation_and_balance(void **state)
{
	struct ls_board b = { .name = (char *)"b", .height = 32, .format = LS_FMT_MONO };
	struct ls_content it = { .name = (char *)"t", .size = 16, .color = 0xff0000 };
	struct render_text_plan pl;
	char err[256];

	(void)state;
	for (int w = 120; w <= 200; w += 8) {
		b.width = w;
		it.text = (char *)"网络安全为人民,网络安全靠人民";
		assert_int_equal(render_text_plan(ctx, &b, &it, NOW, &pl, err, sizeof err), 0);
		if (w < 232 && strcmp(pl.shown, "网络安全为人民, / 网络安全靠人民") != 0)
			fail_msg("at %d px: %s", w, pl.shown);
		it.text = (char *)"共建网络安全 共享网络文明";
		assert_int_equal(render_text_plan(ctx, &b, &it, NOW, &pl, err, sizeof err), 0);
		if (w < 200 && strcmp(pl.shown, "共建网络安全 / 共享网络文明") != 0)
			fail_msg("at %d px: %s", w, pl.shown);
	}
	/* balanced: five characters in 64 px at 12 px, thirteen of them */
	b.width = 64;
	b.height = 16;
	it.size = 16;
	it.text = (char *)"不轻信 不透露 不转账";
	assert_int_equal(render_text_plan(ctx, &b, &it, NOW, &pl, err, sizeof err), 0);
	assert_string_equal(pl.shown, "不轻信 / 不透露 / 不转账");
	assert_int_equal(pl.pages, 3);
}

/* `check`: the sample has no item broken inside a word on any board and no
 * static text over three pages (its two long ones scroll); a 64x16 board
 * with a long static text gets a warning naming the board, the item and
 * the remedy. */
static void
test_check_legibility(void **state)
{
	struct ls_diag d = { 0 };
	char path[] = "/tmp/ledsign-legible-XXXXXX";
	FILE *fp;
	int fd;
	struct ls_config *c2;
	struct render_ctx *x2;

	(void)state;
	assert_int_equal(render_check_legibility(ctx, cfg, NOW, &d), 0);
	ls_diag_clear(&d);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	fputs("boards = ( { name = \"small\"; width = 64; height = 16; format = \"red-green\";\n"
	      "  protocol = \"lsp\"; address = \"tcp:127.0.0.1:9\"; } );\n"
	      "content = ( { name = \"long\"; text = \"没有网络安全就没有国家安全\"; },\n"
	      "  { name = \"fine\"; text = \"不轻信 不透露 不转账\"; } );\n"
	      "playlists = ( { name = \"p\"; items = [\"long\", \"fine\"]; } );\n"
	      "fallback = \"p\";\n", fp);
	fclose(fp);
	c2 = ls_config_load(path, &d);
	assert_non_null(c2);
	x2 = render_ctx_new(c2, &d);
	assert_non_null(x2);
	ls_diag_clear(&d);
	assert_int_equal(render_check_legibility(x2, c2, NOW, &d), 1);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.v[0].line, 3);
	assert_non_null(strstr(d.v[0].text, "\"long\" on board \"small\" (64x16) needs 4 pages"));
	assert_non_null(strstr(d.v[0].text, "scroll-left"));
	ls_diag_clear(&d);
	render_ctx_free(x2);
	ls_config_free(c2);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_word_list),
		cmocka_unit_test(test_issue_pages_64x16),
		cmocka_unit_test(test_sample_texts_over_widths),
		cmocka_unit_test(test_prefer_punctuation_and_balance),
		cmocka_unit_test(test_check_legibility),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
