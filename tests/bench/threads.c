/*
 * threads.c - bench workload: T threads (default 4), each doing N small
 * writes (default 20000 x 16 bytes) to its own file.
 * Usage: threads [T [N]]
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static long nwrites = 20000;

static void *writer(void *arg)
{
	static const char rec[16] = "0123456789abcde\n";
	char path[32];
	int fd;

	snprintf(path, sizeof(path), "threads.%ld.out", (long)arg);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		perror(path);
		exit(1);
	}
	for (long i = 0; i < nwrites; i++)
		if (write(fd, rec, sizeof(rec)) != (ssize_t)sizeof(rec)) {
			perror("write");
			exit(1);
		}
	close(fd);
	unlink(path);
	return NULL;
}

int main(int argc, char **argv)
{
	long nthreads = argc > 1 ? atol(argv[1]) : 4;
	pthread_t tid[64];

	if (argc > 2)
		nwrites = atol(argv[2]);
	if (nthreads < 1 || nthreads > 64)
		return 2;
	for (long i = 0; i < nthreads; i++)
		if (pthread_create(&tid[i], NULL, writer, (void *)i) != 0)
			return 1;
	for (long i = 0; i < nthreads; i++)
		pthread_join(tid[i], NULL);
	return 0;
}
