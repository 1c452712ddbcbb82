/*
 * vforkexec.c - vfork, then execve in the child while the parent is
 * suspended; the parent exits with the child's exit status.
 *
 * usage: vforkexec PROGRAM [ARGS...]
 */
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	pid_t pid = vfork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		execv(argv[1], argv + 1);
		_exit(127);
	}
	int st;
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return 1;
	return WEXITSTATUS(st);
}
