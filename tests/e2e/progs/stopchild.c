/*
 * stopchild.c - job control under the tracer: a child stops itself with
 * SIGSTOP, its parent sees it stopped (waitpid WUNTRACED), continues it
 * with SIGCONT and reaps it.
 *
 * Exit status: 0 when every step happened as without a tracer, otherwise
 * 10 + the step that went wrong.
 */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	pid_t pid = fork();
	if (pid < 0)
		return 10;
	if (pid == 0) {
		raise(SIGSTOP);
		_exit(7);
	}
	int st;
	if (waitpid(pid, &st, WUNTRACED) != pid || !WIFSTOPPED(st) || WSTOPSIG(st) != SIGSTOP)
		return 11;
	if (kill(pid, SIGCONT) != 0)
		return 12;
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 7)
		return 13;
	return 0;
}
