/*
 * fsyncok.c - saves data.txt and records the save in a journal.
 *
 * Planted bug: the return values of write(), fsync() and close() on
 * data.txt are never looked at, so the journal says "committed" and the
 * program prints "saved" and exits 0 whatever happened to the data.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char text[] =
	"name: faultline\n"
	"kind: fault-injection tester\n"
	"status: saved completely\n";

static void journal(int jfd, const char *line)
{
	if (write(jfd, line, strlen(line)) < 0)
		perror("write journal");
}

int main(void)
{
	int jfd, fd;

	jfd = open("journal", O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (jfd < 0) {
		perror("open journal");
		return 1;
	}
	journal(jfd, "saving data.txt\n");

	fd = open("data.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		perror("open data.txt");
		return 1;
	}
	write(fd, text, sizeof(text) - 1);	/* bug: result ignored */
	fsync(fd);				/* bug: result ignored */
	close(fd);

	journal(jfd, "committed data.txt\n");
	close(jfd);
	printf("saved\n");
	return 0;
}
