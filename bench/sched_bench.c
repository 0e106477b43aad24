/* sched_bench: how fast the schedule answers, on the sample campaign.
 * Prints BENCH lines; CPU time (clock()) so a busy machine skews it less. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "config/config.h"
#include "schedule/schedule.h"

int
main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "content/campaign-week.cfg";
	struct ls_diag d = { 0 };
	char err[256];
	struct ls_config *cfg = ls_config_load(path, &d);
	ls_diag_clear(&d);
	if (!cfg)
		return 1;
	struct sched *s = sched_new(cfg, err, sizeof err);
	if (!s)
		return 1;
	double t0 = (double)tz_from_local(sched_tz(s), tz_days_from_civil(2023, 9, 11), 0);
	long n = 0;
	volatile int sink = 0;
	clock_t c0 = clock();
	/* Every board, every 7 seconds through the campaign week. */
	for (double t = t0; t < t0 + 7 * 86400; t += 7)
		for (size_t b = 0; b < cfg->nboards; b++) {
			struct sched_result r;
			sched_at(s, &cfg->boards[b], t, &r);
			sink += r.entry;
			n++;
		}
	double sec = (double)(clock() - c0) / CLOCKS_PER_SEC;
	printf("BENCH sched_at_us %.2f us\n", sec / n * 1e6);
	c0 = clock();
	long m = 0;
	for (int rep = 0; rep < 3; rep++) {
		struct ls_diag dd = { 0 };
		sched_check(cfg, &dd);
		ls_diag_clear(&dd);
		m++;
	}
	printf("BENCH sched_check_ms %.1f ms\n", (double)(clock() - c0) / CLOCKS_PER_SEC / m * 1e3);
	(void)sink;
	sched_free(s);
	ls_config_free(cfg);
	return 0;
}
