/* A config from text, for the unit tests that check what the loader makes
 * of it: load_text writes text to a new temporary file and loads it; the
 * file's name stays in `path` for the test to unlink.  A test file may
 * name its files by defining CONFIG_FIXTURE_TMP (a mkstemp template)
 * first.  Include once per test file, after cmocka.h and config/config.h. */
#ifndef LEDSIGN_TEST_CONFIG_FIXTURE_H
#define LEDSIGN_TEST_CONFIG_FIXTURE_H

#ifndef CONFIG_FIXTURE_TMP
#define CONFIG_FIXTURE_TMP "/tmp/ledsign-cfg-XXXXXX"
#endif

static char path[64];

static struct ls_config *
load_text(const char *text, struct ls_diag *d)
{
	FILE *fp;
	int fd;

	strcpy(path, CONFIG_FIXTURE_TMP);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	fputs(text, fp);
	fclose(fp);
	return ls_config_load(path, d);
}

#endif
