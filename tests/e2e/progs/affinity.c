/* affinity.c - prints how many CPUs it may run on, from the main thread
 * ("main N") and then from a second thread ("thread N") while both exist.
 * faultline record shares one CPU with a program only while it has a
 * single live thread (record/tracer.c, CPU placement). */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>

static int ncpu(void)
{
	cpu_set_t s;
	return sched_getaffinity(0, sizeof s, &s) == 0 ? CPU_COUNT(&s) : -1;
}

static void *thread_main(void *arg)
{
	(void)arg;
	printf("thread %d\n", ncpu());
	fflush(stdout);
	return NULL;
}

int main(void)
{
	printf("main %d\n", ncpu());
	fflush(stdout);
	pthread_t t;
	if (pthread_create(&t, NULL, thread_main, NULL) != 0)
		return 1;
	pthread_join(t, NULL);
	return 0;
}
