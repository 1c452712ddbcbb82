/*
 * threadexec.c - execve from a thread that is not the main thread: the
 * kernel kills the other threads and the exec'ing thread takes the
 * process's pid.
 *
 * usage: threadexec PROGRAM [ARGS...]   (the thread runs PROGRAM)
 */
#include <pthread.h>
#include <unistd.h>

static char **args;

static void *run(void *arg)
{
	(void)arg;
	execv(args[0], args);
	_exit(127);
}

int main(int argc, char **argv)
{
	pthread_t th;
	if (argc < 2)
		return 2;
	args = argv + 1;
	if (pthread_create(&th, NULL, run, NULL) != 0)
		return 1;
	pthread_join(th, NULL);   /* never returns: the exec ends this thread */
	return 1;
}
