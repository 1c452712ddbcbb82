/*
 * mtwriter.c - four threads each write 100 numbered lines to out.T.
 *
 * Planted bug: a thread that hits a write error stops and returns a
 * failure status, but main() joins with a NULL result and exits 0, so
 * a failure in any thread is lost.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#define NTHREADS 4
#define NLINES 100

static void *writer(void *arg)
{
	int t = (int)(intptr_t)arg;
	char path[16], line[64];
	int fd;

	snprintf(path, sizeof(path), "out.%d", t);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		perror(path);
		return (void *)1;
	}
	for (int n = 1; n <= NLINES; n++) {
		int len = snprintf(line, sizeof(line), "thread %d line %d\n", t, n);

		if (write(fd, line, (size_t)len) != len) {
			perror(path);
			close(fd);
			return (void *)1;
		}
	}
	close(fd);
	return NULL;
}

int main(void)
{
	pthread_t tid[NTHREADS];

	for (int t = 0; t < NTHREADS; t++) {
		if (pthread_create(&tid[t], NULL, writer, (void *)(intptr_t)t)) {
			fprintf(stderr, "pthread_create failed\n");
			return 1;
		}
	}
	for (int t = 0; t < NTHREADS; t++)
		pthread_join(tid[t], NULL);	/* bug: thread status dropped */
	return 0;
}
