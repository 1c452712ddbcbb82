/*
 * mixed.c - bench workload: N x (open, write 100 bytes, fdatasync, close,
 * stat, unlink), default N = 2000.  Usage: mixed [N]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 2000;
	char buf[100];
	struct stat st;

	for (int i = 0; i < (int)sizeof(buf); i++)
		buf[i] = 'a' + i % 26;
	for (long i = 0; i < n; i++) {
		int fd = open("mixed.tmp", O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd < 0) {
			perror("open");
			return 1;
		}
		if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf) ||
		    fdatasync(fd) < 0 || close(fd) < 0 ||
		    stat("mixed.tmp", &st) < 0 || unlink("mixed.tmp") < 0) {
			perror("mixed");
			return 1;
		}
	}
	return 0;
}
