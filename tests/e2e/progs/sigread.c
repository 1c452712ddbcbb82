/*
 * sigread.c - a signal whose handler runs while the program is blocked in
 * read() on a pipe.
 *
 * usage: sigread restart|norestart
 *
 * The parent installs a SIGUSR1 handler (with or without SA_RESTART),
 * forks, and reads one byte from a pipe.  The child waits until the parent
 * is inside that read (/proc/PPID/syscall names read on the pipe's fd:
 * polling a condition, not a timer), sends SIGUSR1, waits for the handler
 * to acknowledge on a second pipe (a syscall made by the handler), and only
 * then writes the byte, so the read is always interrupted.
 *
 * Exit status: 0 when the program saw what the kernel promises (restart:
 * read returns the byte, never EINTR; norestart: the first read fails with
 * EINTR, the second returns the byte), otherwise 10 + what went wrong.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t handled;
static int ack[2];

static void on_usr1(int sig)
{
	(void)sig;
	handled++;
	if (write(ack[1], "h", 1) != 1)
		_exit(16);
}

/* Is process `pid` inside read(fd, ...)?  /proc/PID/syscall: "0 0x3 ..." */
static int in_read(pid_t pid, int fd)
{
	char path[64], buf[256], want[32];
	snprintf(path, sizeof path, "/proc/%d/syscall", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	snprintf(want, sizeof want, "0 0x%x ", fd);
	return strncmp(buf, want, strlen(want)) == 0;
}

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	int restart = !strcmp(argv[1], "restart");
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigaction(SIGUSR1, &sa, NULL);

	int p[2];
	if (pipe(p) < 0 || pipe(ack) < 0)
		return 3;
	pid_t parent = getpid();
	pid_t child = fork();
	if (child < 0)
		return 3;
	if (child == 0) {
		close(p[0]);
		while (!in_read(parent, p[0]))
			;
		kill(parent, SIGUSR1);
		char h;
		if (read(ack[0], &h, 1) != 1)
			_exit(1);
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		_exit(0);
	}
	close(p[1]);

	char c;
	int eintr = 0;
	ssize_t n;
	while ((n = read(p[0], &c, 1)) < 0 && errno == EINTR)
		eintr++;
	int st;
	if (waitpid(child, &st, 0) != child || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return 11;
	if (n != 1 || c != 'x')
		return 12;
	if (handled != 1)
		return 13;
	if (restart && eintr != 0)
		return 14;
	if (!restart && eintr != 1)
		return 15;
	return 0;
}
