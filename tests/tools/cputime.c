/* cputime — run a command and print the CPU seconds (user + system) it and
 * its children used, as "%.3f".  Tests compare work this way because CPU
 * time, unlike wall time, does not grow when other jobs share the machine.
 *
 *   cputime CMD [ARG...]     exit status: the command's (126/127 when it
 *                            could not be run); its stdout goes to /dev/null */
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct rusage ru;
	int st;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: cputime CMD [ARG...]\n");
		return 2;
	}
	if ((pid = fork()) < 0) {
		perror("cputime: fork");
		return 126;
	}
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);
		if (fd >= 0)
			dup2(fd, 1);
		execvp(argv[1], argv + 1);
		perror(argv[1]);
		_exit(127);
	}
	if (wait4(pid, &st, 0, &ru) != pid) {
		perror("cputime: wait4");
		return 126;
	}
	printf("%.3f\n", (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
