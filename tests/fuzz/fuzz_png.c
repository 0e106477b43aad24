/* libFuzzer harness: render_png_decode on arbitrary bytes must never crash,
 * leak or read out of bounds; a failure must come with a message; and
 * render_png_verify (what check and reload use) must accept exactly what
 * the decoder accepts. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "render/render_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256] = "";
	/* a small pixel limit keeps each run fast; the limit path is exercised too */
	struct render_image *img = render_png_decode(data, size, 1u << 20, err, sizeof err);

	int w = 0, h = 0;

	if (img == NULL && err[0] == '\0')
		abort();
	/* the row-by-row verification check and reload use must agree with it */
	err[0] = '\0';
	int rc = render_png_verify(data, size, 1u << 20, &w, &h, err, sizeof err);
	if ((rc == 0) != (img != NULL) || (rc != 0 && err[0] == '\0') ||
	    (img != NULL && (w != img->w || h != img->h)))
		abort();
	render_image_free(img);
	return 0;
}
