/* The cmocka group fixture shared by the render tests: one render context
 * for a config in Asia/Shanghai, made in setup and freed in teardown.
 * Include once per test file, after cmocka.h and render/render.h. */
#ifndef LEDSIGN_TEST_RENDER_FIXTURE_H
#define LEDSIGN_TEST_RENDER_FIXTURE_H

static struct ls_config cfg = { .timezone = (char *)"Asia/Shanghai" };
static struct render_ctx *ctx;

static int
setup(void **state)
{
	struct ls_diag d = { 0 };

	(void)state;
	ctx = render_ctx_new(&cfg, &d);
	ls_diag_clear(&d);
	return ctx == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	render_ctx_free(ctx);
	return 0;
}

#endif
