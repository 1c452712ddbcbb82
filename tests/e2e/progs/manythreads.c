/*
 * manythreads.c - N threads alive at once, each writing once to /dev/null,
 * then all joined.  A barrier keeps every thread alive until all exist, so
 * N distinct thread ids are in use together.
 *
 * usage: manythreads N
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

static pthread_barrier_t all_started;
static int devnull;

static void *run(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&all_started);
	if (write(devnull, "x", 1) != 1)
		return (void *)1;
	return NULL;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 0, bad = 0;
	if (n <= 0)
		return 2;
	pthread_t *th = calloc((size_t)n, sizeof *th);
	devnull = open("/dev/null", O_WRONLY);
	if (!th || devnull < 0 || pthread_barrier_init(&all_started, NULL, (unsigned)n) != 0)
		return 1;
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, 64 * 1024);
	for (int i = 0; i < n; i++)
		if (pthread_create(&th[i], &a, run, NULL) != 0)
			return 1;
	for (int i = 0; i < n; i++) {
		void *r;
		pthread_join(th[i], &r);
		bad |= r != NULL;
	}
	return bad;
}
