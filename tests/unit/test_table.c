/* Unit tests for util/table.c: display widths, cutting, aligned tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util/table.h"

static void
test_width(void **state)
{
	assert_int_equal(table_width(""), 0);
	assert_int_equal(table_width("gate"), 4);
	assert_int_equal(table_width("食堂"), 4);               /* 6 bytes, 4 columns */
	assert_int_equal(table_width("café"), 4);               /* é: 2 bytes, 1 column */
	assert_int_equal(table_width("cafe\xcc\x81"), 4);       /* e + combining acute */
	assert_int_equal(table_width("ＡＢ"), 4);               /* fullwidth forms */
	assert_int_equal(table_width("《个人信息保护法》"), 18);
	assert_int_equal(table_width("a—b…"), 4);               /* dashes and ellipsis are narrow */
	assert_int_equal(table_width("\xff" "a"), 2);           /* a stray byte counts one */
}

static void
test_cut(void **state)
{
	assert_int_equal(table_cut("食堂大屏", 3), 3);          /* 食 fits, 堂 would make 4 */
	assert_int_equal(table_cut("食堂大屏", 4), 6);
	assert_int_equal(table_cut("ab食", 3), 2);
	assert_int_equal(table_cut("cafe\xcc\x81x", 4), 6);     /* the accent stays with its e */
	assert_int_equal(table_cut("abc", 10), 3);
}

/* The display column where the n-th cell (0-based) of a rendered line starts:
 * cells are separated by runs of two or more spaces. */
static int
col_of(const char *line, int n)
{
	const char *p = line;
	int col = 0;
	char tmp[512];

	for (int k = 0; k < n; k++) {
		const char *sep = strstr(p, "  ");
		assert_non_null(sep);
		while (*sep == ' ')
			sep++;
		memcpy(tmp, p, (size_t)(sep - p));
		tmp[sep - p] = '\0';
		col += table_width(tmp);
		p = sep;
	}
	return col;
}

static void
test_table_aligns(void **state)
{
	static const char *const head[] = { "BOARD", "STATE", "FRAMES", "ITEM" };
	static const int max[] = { 16, 0, 0, 0 }, right[] = { 0, 0, 1, 0 };
	static const char *const rows[][4] = {
		{ "gate", "online", "12", "theme" },
		{ "食堂", "offline", "3456", "《个人信息保护法》" },
		{ "图书馆门口的大屏幕左边", "online", "7", "x" },      /* 22 columns: cut to 16 */
		{ "café", "stalled", "0", "y" },
	};
	struct table *t = table_new(4, head, max, right);
	char *out, *line, *save = NULL;
	int n = 0, c1 = -1, c2end = -1;

	assert_non_null(t);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(table_add(t, rows[i]), 0);
	assert_int_equal(table_rows(t), 4);
	out = table_render(t);
	assert_non_null(out);
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save), n++) {
		int a = col_of(line, 1), b = col_of(line, 3);
		if (c1 < 0) {
			c1 = a;
			c2end = b;
		}
		assert_int_equal(a, c1);        /* STATE starts in one column on every line */
		assert_int_equal(b, c2end);     /* and so does ITEM, after right-aligned FRAMES */
		if (n == 3)
			assert_non_null(strstr(line, "图书馆门口的大\xe2\x80\xa6 "));   /* 14 columns of it, "…", a pad */
	}
	assert_int_equal(n, 5);
	assert_int_equal(c1, 18);
	free(out);
	table_free(t);
	table_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_table_aligns),
	};
	return cmocka_run_group_tests_name("table", tests, NULL, NULL);
}
