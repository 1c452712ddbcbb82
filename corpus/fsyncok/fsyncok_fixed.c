/*
 * fsyncok_fixed.c - saves data.txt and records the save in a journal;
 * "committed" is journaled only after write, fsync and close succeeded,
 * and any failure exits 1.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char text[] =
	"name: faultline\n"
	"kind: fault-injection tester\n"
	"status: saved completely\n";

static int journal(int jfd, const char *line)
{
	size_t len = strlen(line);

	if (write(jfd, line, len) != (ssize_t)len) {
		perror("write journal");
		return -1;
	}
	return 0;
}

static int save(const char *path)
{
	size_t len = sizeof(text) - 1;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0) {
		perror("open data.txt");
		return -1;
	}
	if (write(fd, text, len) != (ssize_t)len) {
		perror("write data.txt");
		close(fd);
		return -1;
	}
	if (fsync(fd) < 0) {
		perror("fsync data.txt");
		close(fd);
		return -1;
	}
	if (close(fd) < 0) {
		perror("close data.txt");
		return -1;
	}
	return 0;
}

int main(void)
{
	int jfd = open("journal", O_WRONLY | O_CREAT | O_APPEND, 0644);

	if (jfd < 0) {
		perror("open journal");
		return 1;
	}
	if (journal(jfd, "saving data.txt\n") < 0 || save("data.txt") < 0 ||
	    journal(jfd, "committed data.txt\n") < 0) {
		close(jfd);
		return 1;
	}
	if (close(jfd) < 0) {
		perror("close journal");
		return 1;
	}
	printf("saved\n");
	return 0;
}
