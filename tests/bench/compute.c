/*
 * compute.c - bench workload: about 0.3 s of integer arithmetic (on the
 * bench machine) with almost no syscalls, then one write of the result
 * to a file, so that a replay has a write point to arm.
 * Usage: compute [ITERATIONS [FILE]]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 150000000;
	const char *path = argc > 2 ? argv[2] : "compute.out";
	unsigned long x = 88172645463325252UL, sum = 0;
	char line[64];
	int fd;

	for (long i = 0; i < n; i++) {	/* xorshift64: no loop to fold away */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		sum += x % 1000003;
	}
	snprintf(line, sizeof(line), "%lu\n", sum);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		perror(path);
		return 1;
	}
	if (write(fd, line, strlen(line)) < 0) {
		perror("write");
		return 1;
	}
	return close(fd) < 0;
}
