/*
 * childreport.c - a parent forks a worker that computes a result and
 * writes it to result.txt; the parent reports "ok" if the worker exits 0.
 *
 * Planted bug: the worker ignores the result of write() and close() and
 * always exits 0, so the parent reports success for a missing result.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static int worker(void)
{
	char text[128];
	long sum = 0;
	int fd, len;

	for (int i = 1; i <= 1000; i++)
		sum += (long)i * i;
	len = snprintf(text, sizeof(text), "sum of squares 1..1000 = %ld\n", sum);

	fd = open("result.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return 1;
	write(fd, text, (size_t)len);	/* bug: result ignored */
	close(fd);
	return 0;
}

int main(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0)
		_exit(worker());
	if (waitpid(pid, &status, 0) < 0) {
		perror("waitpid");
		return 1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "worker failed\n");
		return 1;
	}
	printf("ok\n");
	return 0;
}
