/* closepipe: the parent writes a message into a pipe and closes its end;
 * the child reads until EOF.  A close that fails still releases the fd on
 * Linux, so the child must see EOF even when the parent's close returns
 * EIO (the parent reports the error and goes on). */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	int p[2];
	if (pipe(p) < 0)
		return 2;
	pid_t pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		char buf[64];
		size_t got = 0;
		ssize_t n;
		close(p[1]);
		while ((n = read(p[0], buf, sizeof buf)) > 0)
			got += (size_t)n;
		_exit(got == 5 ? 0 : 1);
	}
	close(p[0]);
	if (write(p[1], "hello", 5) != 5)
		return 1;
	if (close(p[1]) < 0)
		perror("close");   /* the fd is gone all the same */
	int st;
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st))
		return 1;
	return WEXITSTATUS(st);
}
