/* gencfg — write a large, valid ledsign config to stdout, for the scaling
 * test of `check` (tests/integration) and `make bench`.
 *
 *   gencfg UNITS [TEXT_BYTES]
 *
 * Each unit adds one content item and one playlist of three items (about
 * 170 bytes); there are always 4 boards and 4 schedule rules, so the size
 * grows where real configs grow: content and playlists.  (The schedule
 * check simulates boards x rules and is measured apart, bench/schedule.sh.)
 * With TEXT_BYTES the first item's text is that many bytes (a long slogan). */
#include <stdio.h>
#include <stdlib.h>

int
main(int argc, char **argv)
{
	long units, nboards, nrules, text = 0;

	if (argc < 2 || argc > 3 || (units = atol(argv[1])) < 1) {
		fprintf(stderr, "usage: gencfg UNITS [TEXT_BYTES]\n");
		return 2;
	}
	if (argc == 3)
		text = atol(argv[2]);
	nboards = nrules = 4;
	printf("timezone = \"Asia/Shanghai\";\nfallback = \"p0\";\nboards = (\n");
	for (long b = 0; b < nboards; b++)
		printf("  { name = \"board-%ld\"; width = 64; height = 16; format = \"mono\"; "
		    "address = \"udp:127.0.0.1:%ld\"; groups = [\"g%ld\", \"all-%ld\"]; }%s\n",
		    b, 7000 + b % 1000, b % 20, b % 3, b + 1 < nboards ? "," : "");
	printf(");\ncontent = (\n");
	for (long i = 0; i < units; i++) {
		printf("  { name = \"item-%ld\"; text = \"", i);
		if (i == 0 && text > 0)
			for (long k = 0; k < text; k++)
				putchar("SAFE safe "[k % 10]);
		else
			printf("Slogan %ld 网络安全", i);
		printf("\"; color = \"amber\"; duration = 8.0; }%s\n", i + 1 < units ? "," : "");
	}
	printf(");\nplaylists = (\n");
	for (long i = 0; i < units; i++)
		printf("  { name = \"p%ld\"; items = [\"item-%ld\", \"item-%ld\", \"item-%ld\"]; }%s\n", i, i,
		    (i * 7 + 1) % units, (i * 13 + 2) % units, i + 1 < units ? "," : "");
	printf(");\nschedule = (\n");
	for (long i = 0; i < nrules; i++)
		printf("  { name = \"r%ld\"; playlist = \"p%ld\"; boards = [\"board-%ld\", \"g%ld\"]; "
		    "from = \"2024-01-01\"; to = \"2024-12-31\"; hours = \"%02ld:00-%02ld:30\"; priority = %ld; }%s\n",
		    i, i % units, i % nboards, i % 20, i % 24, i % 24, i % 1000, i + 1 < nrules ? "," : "");
	printf(");\n");
	return 0;
}
