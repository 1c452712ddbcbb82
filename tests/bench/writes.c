/*
 * writes.c - bench workload: N small writes (default 200000 x 16 bytes)
 * to one file.  Usage: writes [N [FILE]]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 200000;
	const char *path = argc > 2 ? argv[2] : "writes.out";
	static const char rec[16] = "0123456789abcde\n";
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0) {
		perror(path);
		return 1;
	}
	for (long i = 0; i < n; i++)
		if (write(fd, rec, sizeof(rec)) != (ssize_t)sizeof(rec)) {
			perror("write");
			return 1;
		}
	close(fd);
	return 0;
}
