/*
 * buf.h — the growth step of a NUL-terminated, growable text buffer.  The
 * console's page buffer (struct web_buf) and the control socket's answer
 * buffer (struct control_obuf) keep their own types and their sticky
 * out-of-memory flag; both grow and append through these two functions, so
 * there is one capacity rule and one length check.
 */
#ifndef LEDSIGN_BUF_H
#define LEDSIGN_BUF_H

#include <stddef.h>

/* Make room for len + more bytes plus a NUL in *p (capacity *cap, doubling
 * from 256).  0, or -1 out of memory with *p and *cap unchanged. */
int ls_buf_reserve(char **p, size_t len, size_t *cap, size_t more);
/* Append s[0..n-1] at *len and keep the text NUL-terminated.  0, or -1 out
 * of memory with the buffer unchanged. */
int ls_buf_append(char **p, size_t *len, size_t *cap, const char *s, size_t n);

#endif
