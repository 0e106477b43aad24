/*
 * date.c — the config's date and time-of-day forms ("YYYY-MM-DD", "HH:MM").
 *
 * Apart from config.c so that the lean `ledsign` front (docs/cli.md), which
 * reads `alert --until` times, links them without the loader's libraries.
 */
#include <stdio.h>

#include "config/config.h"

int
ls_parse_date(const char *s, ls_day *out)
{
	int y, m, d, n = 0;
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || s[n] != '\0' || n != 10)
		return -1;
	if (y < 1970 || y > 2199 || m < 1 || m > 12 || d < 1)
		return -1;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (d > mdays[m - 1] + (m == 2 && leap))
		return -1;
	/* days from civil (Howard Hinnant's algorithm) */
	y -= m <= 2;
	int era = y / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	*out = (ls_day)(era * 146097 + (int)doe - 719468);
	return 0;
}

int
ls_parse_hhmm(const char *s, int *minutes)
{
	int h, m, n = 0;

	if (sscanf(s, "%2d:%2d%n", &h, &m, &n) != 2 || s[n] != '\0' || n != 5)
		return -1;
	if (h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0))
		return -1;
	*minutes = h * 60 + m;
	return 0;
}
