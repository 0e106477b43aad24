/* libFuzzer harness: render_png_decode on arbitrary bytes must never crash,
 * leak or read out of bounds; a failure must come with a message. */
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

	if (img == NULL && err[0] == '\0')
		abort();
	render_image_free(img);
	return 0;
}
