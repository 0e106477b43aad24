/* test_kv.c — the key=value codec (util/kv.c), string lists (util/strlist.c),
 * growable text buffers (util/buf.c) and whole small files (util/file.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdlib.h>

#include "util/buf.h"
#include "util/kv.h"
#include "util/file.h"
#include "util/strlist.h"

static void
test_kv_roundtrip(void **state)
{
	char buf[256], key[16], val[128], err[128];
	const char *cur = buf;
	size_t len = 0;

	assert_int_equal(kv_put(buf, sizeof buf, &len, "text", "Fire drill = 100% now\n火警"), 0);
	assert_int_equal(kv_put(buf, sizeof buf, &len, "id", "x"), 0);
	assert_null(strchr(buf, '\n'));
	assert_non_null(strstr(buf, "text=Fire%20drill%20%3D%20100%25%20now%0A"));
	assert_int_equal(kv_next(&cur, key, sizeof key, val, sizeof val, err, sizeof err), 1);
	assert_string_equal(key, "text");
	assert_string_equal(val, "Fire drill = 100% now\n火警");
	assert_int_equal(kv_next(&cur, key, sizeof key, val, sizeof val, err, sizeof err), 1);
	assert_string_equal(val, "x");
	assert_int_equal(kv_next(&cur, key, sizeof key, val, sizeof val, err, sizeof err), 0);

	/* too small a buffer fails and leaves the old content */
	len = 0;
	assert_int_equal(kv_put(buf, 8, &len, "text", "abcdefgh"), -1);
	assert_int_equal(len, 0);
	assert_string_equal(buf, "");
}

static void
test_kv_malformed(void **state)
{
	static const char *bad[] = { "=x", "KEY=x", "k", "k=%4", "k=%zz", "k=%00", "k=a\tb", "k=v x", NULL };
	char key[16], val[64], err[128];

	for (int i = 0; bad[i]; i++) {
		const char *cur = bad[i];
		int r;
		err[0] = '\0';
		while ((r = kv_next(&cur, key, sizeof key, val, sizeof val, err, sizeof err)) > 0)
			;
		assert_int_equal(r, -1);
		assert_true(err[0] != '\0');
	}
	/* value longer than the buffer */
	const char *cur = "k=0123456789";
	assert_int_equal(kv_next(&cur, key, sizeof key, val, 5, err, sizeof err), -1);
}

static void
test_kv_get(void **state)
{
	char val[16];

	assert_int_equal(kv_get("id=a-1 message=no%20such%20alert code=x", "message", val, sizeof val), 0);
	assert_string_equal(val, "no such alert");
	/* the first of two equal keys; a truncated copy when val is small */
	assert_int_equal(kv_get("k=first k=second", "k", val, sizeof val), 0);
	assert_string_equal(val, "first");
	assert_int_equal(kv_get("k=0123456789abcdefXYZ", "k", val, 8), 0);
	assert_string_equal(val, "0123456");
	/* cut on a character, never inside one: an alert's text or a rule's
	 * name in Chinese reaches the console's pages through these copies */
	assert_int_equal(kv_get("k=ab%E5%AE%89%E5%85%A8", "k", val, 6), 0);
	assert_string_equal(val, "ab\xe5\xae\x89");
	assert_int_equal(kv_get("k=ab%E5%AE%89%E5%85%A8", "k", val, 5), 0);
	assert_string_equal(val, "ab");
	assert_int_equal(kv_get("k=%E5%AE%89", "k", val, 3), 0);
	assert_string_equal(val, "");
	/* absent, or malformed before the key */
	assert_int_equal(kv_get("id=1", "message", val, sizeof val), -1);
	assert_int_equal(kv_get("id=%zz message=x", "message", val, sizeof val), -1);
	assert_int_equal(kv_get("", "k", val, sizeof val), -1);
	assert_int_equal(kv_get("k=v", "k", val, 0), -1);
}

static void
test_kv_num(void **state)
{
	long long v = 42;

	assert_int_equal(kv_num("0", &v), 0);
	assert_true(v == 0);
	assert_int_equal(kv_num("9223372036854775807", &v), 0);
	assert_true(v == 9223372036854775807LL);
	v = 42;
	static const char *bad[] = { "", "-1", "+1", " 1", "1 ", "1x", "0x10", "9223372036854775808",
	    "99999999999999999999", NULL };
	for (int i = 0; bad[i]; i++) {
		assert_int_equal(kv_num(bad[i], &v), -1);
		assert_true(v == 42);
	}
}

static void
test_strlist(void **state)
{
	struct ls_strlist a = { 0 }, b;

	assert_int_equal(ls_strlist_add_unique(&a, "north"), 0);
	assert_int_equal(ls_strlist_add_unique(&a, "south"), 0);
	assert_int_equal(ls_strlist_add_unique(&a, "north"), 0);
	assert_int_equal(a.n, 2);
	assert_int_equal(ls_strlist_copy(&b, &a), 0);
	assert_int_equal(b.n, 2);
	assert_ptr_not_equal(b.v[0], a.v[0]);
	assert_string_equal(b.v[1], "south");
	ls_strlist_free(&a);
	assert_null(a.v);
	assert_int_equal(a.n, 0);
	ls_strlist_free(&a); /* twice is fine */
	ls_strlist_free(NULL);
	ls_strlist_free(&b);
	assert_int_equal(ls_strlist_copy(&b, &a), 0);
	assert_null(b.v);

	/* comma-separated lists match whole entries only */
	assert_true(ls_strlist_csv_has("north,south", "south"));
	assert_true(ls_strlist_csv_has("north,south", "north"));
	assert_false(ls_strlist_csv_has("north,south", "sou"));
	assert_false(ls_strlist_csv_has("northern", "north"));
	assert_false(ls_strlist_csv_has("", "north"));

	/* a comma list's entries, each once, in order; empty entries are none */
	assert_int_equal(ls_strlist_add_csv(&a, "north,,gym"), 0);
	assert_int_equal(ls_strlist_add_csv(&a, "gym,south,north"), 0);
	assert_int_equal(ls_strlist_add_csv(&a, ""), 0);
	assert_int_equal(a.n, 3);
	assert_string_equal(a.v[0], "north");
	assert_string_equal(a.v[1], "gym");
	assert_string_equal(a.v[2], "south");
	ls_strlist_free(&a);
}

static void
test_buf(void **state)
{
	char *p = NULL, big[1000];
	size_t len = 0, cap = 0;

	(void)state;
	/* an empty append still gives a NUL-terminated text */
	assert_int_equal(ls_buf_append(&p, &len, &cap, "", 0), 0);
	assert_non_null(p);
	assert_string_equal(p, "");
	assert_int_equal(ls_buf_append(&p, &len, &cap, "ok", 2), 0);
	memset(big, 'x', sizeof big);
	assert_int_equal(ls_buf_append(&p, &len, &cap, big, sizeof big), 0);
	assert_int_equal(len, 2 + sizeof big);
	assert_true(cap > len);
	assert_int_equal(p[len], '\0');
	assert_memory_equal(p, "okxxx", 5);
	/* a length that cannot fit fails and leaves the buffer as it was */
	assert_int_equal(ls_buf_reserve(&p, len, &cap, SIZE_MAX - 1), -1);
	assert_int_equal(len, 2 + sizeof big);
	assert_memory_equal(p, "okxxx", 5);
	free(p);
}

/* A whole file up to a limit: its bytes (NULs too) and length; the limit
 * itself fits, one byte more is EFBIG; a directory is a read error (not an
 * empty file); each error names the file. */
static void
test_read_file(void **state)
{
	char dir[] = "/tmp/ledsign-readfile-XXXXXX", path[64], err[256], *t;
	size_t len = 99;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/f", dir);
	assert_non_null(f = fopen(path, "wb"));
	fwrite("ab\0cd", 1, 5, f);
	fclose(f);
	assert_non_null(t = ls_read_file(path, 5, &len, err, sizeof err));
	assert_int_equal(len, 5);
	assert_memory_equal(t, "ab\0cd", 6);
	free(t);
	assert_null(ls_read_file(path, 4, &len, err, sizeof err));
	assert_int_equal(errno, EFBIG);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "larger than 4 bytes"));
	unlink(path);
	assert_null(ls_read_file(path, 4, NULL, err, sizeof err));
	assert_int_equal(errno, ENOENT);
	assert_non_null(strstr(err, path));
	assert_null(ls_read_file(dir, 4, NULL, err, sizeof err));
	assert_int_equal(errno, EISDIR);
	assert_non_null(strstr(err, dir));
	/* a file that says it is empty and is not (/proc): read to its end */
	assert_non_null(t = ls_read_file("/proc/self/maps", 1 << 20, &len, err, sizeof err));
	assert_true(len > 0);
	assert_int_equal(strlen(t), len);
	free(t);
	/* larger than the first guess, and one byte over the limit */
	{
		char *big = malloc(10001);
		assert_non_null(big);
		memset(big, 'x', 10000);
		big[10000] = '\0';
		assert_int_equal(ls_write_file(path, big, 10000, err, sizeof err), 0);
		assert_non_null(t = ls_read_file(path, 10000, &len, err, sizeof err));
		assert_int_equal(len, 10000);
		assert_memory_equal(t, big, 10000);
		free(t);
		assert_null(ls_read_file(path, 9999, &len, err, sizeof err));
		assert_int_equal(errno, EFBIG);
		free(big);
	}
	/* written whole, over what was there, nothing left beside it */
	assert_int_equal(ls_write_file(path, "old", 3, err, sizeof err), 0);
	assert_int_equal(ls_write_file(path, "new\0!", 5, err, sizeof err), 0);
	assert_non_null(t = ls_read_file(path, 16, &len, err, sizeof err));
	assert_int_equal(len, 5);
	assert_memory_equal(t, "new\0!", 5);
	free(t);
	unlink(path);
	rmdir(dir);
	/* a directory that is not there: the temporary file is named, errno kept */
	assert_int_equal(ls_write_file(path, "x", 1, err, sizeof err), -1);
	assert_int_equal(errno, ENOENT);
	assert_non_null(strstr(err, ".new-"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kv_roundtrip),
		cmocka_unit_test(test_kv_malformed),
		cmocka_unit_test(test_kv_get),
		cmocka_unit_test(test_kv_num),
		cmocka_unit_test(test_strlist),
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_read_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
