/*
 * forkchain.c - a chain of processes DEPTH deep: each forks one child and
 * waits for it; the last one exits 0; each passes its child's status up.
 *
 * usage: forkchain DEPTH
 */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int depth = argc > 1 ? atoi(argv[1]) : 0;
	while (depth-- > 0) {
		pid_t pid = fork();
		if (pid < 0)
			_exit(1);
		if (pid > 0) {
			int st;
			if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
				_exit(1);
			_exit(WEXITSTATUS(st));
		}
	}
	_exit(0);
}
