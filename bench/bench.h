/*
 * bench.h — what the C benchmarks share: the clock they read and the theme
 * slogan they render.  Header only, so every bench script still compiles its
 * one .c file as before.
 */
#ifndef LEDSIGN_BENCH_H
#define LEDSIGN_BENCH_H

#include <time.h>

/* The slogan every render/encode bench draws (mixed CJK and Latin punctuation). */
#define BENCH_SLOGAN "网络安全为人民,网络安全靠人民"

/* Wall-clock seconds that never jump (CLOCK_MONOTONIC; Python's
 * time.monotonic() reads the same clock). */
static inline double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CPU seconds of this process: for work that must not count the waits. */
static inline double
bench_cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

#endif
