/*
 * childreport_fixed.c - a parent forks a worker that computes a result
 * and writes it to result.txt; the worker checks every call and exits 1
 * on failure, and the parent propagates that as exit 1.
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
	if (fd < 0) {
		perror("open result.txt");
		return 1;
	}
	if (write(fd, text, (size_t)len) != len) {
		perror("write result.txt");
		close(fd);
		return 1;
	}
	if (close(fd) < 0) {
		perror("close result.txt");
		return 1;
	}
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
