/*
 * base64.h — RFC 4648 base64 (standard alphabet, padded), for pixels in
 * control-socket answers (the `snapshot` verb).  None of the libraries
 * ledsign links offers it in a public API, and it is 60 lines.  Pure.
 */
#ifndef LEDSIGN_BASE64_H
#define LEDSIGN_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* Characters base64_encode writes for n bytes, without the NUL. */
#define BASE64_LEN(n) (((n) + 2) / 3 * 4)

/* Encode n bytes into out (BASE64_LEN(n) + 1 bytes, NUL-terminated). */
void base64_encode(const uint8_t *in, size_t n, char *out);
/* Decode a NUL-terminated string into out (at most cap bytes); the byte
 * count, or -1 for bad input or too little room. */
long base64_decode(const char *in, uint8_t *out, size_t cap);

#endif
