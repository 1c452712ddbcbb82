/*
 * blocker.c - make N getppid() calls, print "ready" on stdout, then block
 * in pause() until killed.  MARKER is not used: it names the process for
 * pgrep -f.
 *
 * usage: blocker N MARKER
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	int n = atoi(argv[1]);
	for (int i = 0; i < n; i++)
		getppid();
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
