/*
 * threads.c - 4 pthreads, each doing the same deterministic series of
 * open/write/close calls on its own files in DIR (plus one open that fails
 * with ENOENT), then joined.  Used by parity.sh to compare per-thread
 * syscall sequences with strace -ff.
 *
 * usage: threads DIR
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define NTHREADS 4
#define NFILES 5

static const char *dir;

static void *worker(void *arg)
{
	long id = (long)arg;
	char path[4096], line[64];
	for (int i = 0; i < NFILES; i++) {
		snprintf(path, sizeof path, "%s/t%ld.%d", dir, id, i);
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			return (void *)1;
		int n = snprintf(line, sizeof line, "thread %ld file %d\n", id, i);
		if (write(fd, line, (size_t)n) != n)
			return (void *)1;
		close(fd);
	}
	snprintf(path, sizeof path, "%s/missing.%ld", dir, id);
	if (open(path, O_RDONLY) >= 0 || errno != ENOENT)
		return (void *)1;
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th[NTHREADS];
	int bad = 0;
	if (argc != 2)
		return 2;
	dir = argv[1];
	for (long i = 0; i < NTHREADS; i++)
		if (pthread_create(&th[i], NULL, worker, (void *)i) != 0)
			return 1;
	for (int i = 0; i < NTHREADS; i++) {
		void *r;
		pthread_join(th[i], &r);
		bad |= r != NULL;
	}
	return bad;
}
