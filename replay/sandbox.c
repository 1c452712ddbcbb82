/*
 * replay/sandbox.c - isolating a run, and running the user's shell commands.
 *
 * Isolation: the worker process that owns one run enters a private mount
 * namespace in which every writable mount is an overlay of its own
 * (isolate.c), and the recorded working directory an overlay whose lower
 * layer is its snapshot (or the directory as it is).  The program, --setup
 * and --check all run inside, see the recorded paths, and write only to the
 * run's upper layers; the host is never modified and runs never see each
 * other.  The namespace dies with the worker.  Where whole-filesystem
 * isolation is refused, only the working directory is overlaid (and "/"
 * is reported as shared); without mount namespaces the fallback copies the
 * directory (cp -a) and runs in the copy.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../store/store.h"
#include "rpl.h"

/* Wait for pid; after timeout_ms (0: no limit) kill its process group and
 * it.  0 with *status, 128 + SIGKILL when it was killed, or -errno. */
static int wait_bounded(pid_t pid, unsigned timeout_ms, int *statusp)
{
	int status = 0;
	uint64_t deadline = timeout_ms ? fl_now_ns() + timeout_ms * 1000000ull : 0;
	/* wait with a deadline: poll a pidfd (Linux 5.3+), no busy loop */
	int pfd = timeout_ms ? (int)syscall(SYS_pidfd_open, pid, 0) : -1;
	for (;;) {
		if (pfd >= 0) {
			uint64_t now = fl_now_ns();
			int left = now >= deadline ? 0 : (int)((deadline - now) / 1000000) + 1;
			struct pollfd p = { pfd, POLLIN, 0 };
			int n = poll(&p, 1, left);
			if (n < 0 && errno == EINTR)
				continue;
		}
		pid_t w = waitpid(pid, &status, deadline ? WNOHANG : 0);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			if (pfd >= 0)
				close(pfd);
			return -errno;
		}
		if (deadline && fl_now_ns() > deadline) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			if (pfd >= 0)
				close(pfd);
			return 128 + SIGKILL;
		}
		if (deadline && pfd < 0) {
			struct timespec ts = { 0, 2000000 };
			nanosleep(&ts, NULL);
		}
	}
	if (pfd >= 0)
		close(pfd);
	*statusp = status;
	return 0;
}

static int run_argv(char *const argv[], char *const *env, int out_fd, unsigned timeout_ms)
{
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		setpgid(0, 0);
		int nul = open("/dev/null", O_RDONLY);
		if (nul >= 0)
			dup2(nul, 0);
		if (out_fd >= 0) {
			dup2(out_fd, 1);
			dup2(out_fd, 2);
		}
		signal(SIGPIPE, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		extern char **environ;
		if (argv[0][0] == '/') {
			execve(argv[0], argv, env ? env : environ);
			_exit(127);
		}
		/* a simple command: looked up in the run's own PATH, as sh would */
		if (env)
			environ = (char **)env;
		execvp(argv[0], argv);
		int e = errno;
		dprintf(2, "faultline: %s: %s\n", argv[0], strerror(e));
		_exit(e == ENOENT ? 127 : 126);
	}
	int status;
	int rc = wait_bounded(pid, timeout_ms, &status);
	if (rc)
		return rc;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Words of cmd if it is a simple command that sh would run unchanged:
 * nothing but words of [A-Za-z0-9/._+,:@%-] separated by blanks, the first
 * not an assignment.  Returns the word count (0: let sh run it). */
int rpl_shell_words(const char *cmd, char *buf, size_t buflen, char **argv)
{
	static const char ok[] = "/._+,:@%-=";
	size_t len = strlen(cmd);
	if (len >= buflen)
		return 0;
	memcpy(buf, cmd, len + 1);
	int n = 0;
	for (char *p = buf; *p;) {
		while (*p == ' ' || *p == '\t')
			*p++ = 0;
		if (!*p)
			break;
		if (n == RPL_SHELL_WORDS)
			return 0;
		argv[n++] = p;
		for (; *p && *p != ' ' && *p != '\t'; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			      (*p >= '0' && *p <= '9') || strchr(ok, *p)))
				return 0;
	}
	/* names that are shell builtins first (exit 1 must not become a
	 * lookup of a program called exit) */
	static const char *const builtin[] = {
		"exit", "cd", ".", "return", "set", "export", "unset", "exec", "eval",
		"shift", "trap", "wait", "read", "ulimit", "umask", "alias", "command",
		"type", "getopts", "hash", "jobs", "fg", "bg", "local", "readonly",
		"times", "break", "continue", "unalias", "kill", "printf", "echo",
		"test", "true", "false", "pwd",
	};
	if (!n || strchr(argv[0], '='))
		return 0;
	for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++)
		if (!strcmp(argv[0], builtin[i]))
			return 0;
	argv[n] = NULL;
	return n;
}

/* cmd's first word as an executable file: a path, or found on the PATH of
 * env (the program's environment) as sh would.  0 and the path in out, or
 * -ENOENT: let sh decide what the word is (a builtin, a function...). */
static int resolve_word(const char *w, char *const *env, char *out, size_t outlen)
{
	struct stat sb;
	if (strchr(w, '/')) {
		snprintf(out, outlen, "%s", w);
		return stat(out, &sb) == 0 && S_ISREG(sb.st_mode) && access(out, X_OK) == 0 ?
			       0 : -ENOENT;
	}
	const char *path = "/usr/local/bin:/usr/bin:/bin";
	for (char *const *e = env; e && *e; e++)
		if (!strncmp(*e, "PATH=", 5))
			path = *e + 5;
	while (*path) {
		const char *c = strchr(path, ':');
		size_t n = c ? (size_t)(c - path) : strlen(path);
		if (n == 0)
			snprintf(out, outlen, "%s", w);   /* an empty entry is "." */
		else
			snprintf(out, outlen, "%.*s/%s", (int)n, path, w);
		if (stat(out, &sb) == 0 && S_ISREG(sb.st_mode) && access(out, X_OK) == 0)
			return 0;
		path += n + (c ? 1 : 0);
	}
	return -ENOENT;
}

int rpl_shell(const char *cmd, char *const *env, int out_fd, unsigned timeout_ms)
{
	/* `sh check.sh` and the like run without a /bin/sh in front: one
	 * process fewer per run (dash does not exec a -c command's last word).
	 * Only when the first word is an executable file: `:`, `exit 1` or a
	 * name that is not installed go to sh, which says what it says. */
	char buf[4096], exe[PATH_MAX], *words[RPL_SHELL_WORDS + 1];
	if (rpl_shell_words(cmd, buf, sizeof buf, words) &&
	    resolve_word(words[0], env, exe, sizeof exe) == 0) {
		char *argv0 = words[0];
		words[0] = exe;
		int rc = run_argv(words, env, out_fd, timeout_ms);
		words[0] = argv0;
		return rc;
	}
	char *argv[] = { "/bin/sh", "-c", (char *)cmd, NULL };
	return run_argv(argv, env, out_fd, timeout_ms);
}

static int rm_one(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	return (type == FTW_DP ? rmdir(path) : unlink(path)) < 0 && errno != ENOENT ? 1 : 0;
}

int rpl_rmtree(const char *dir)
{
	/* overlay's work dir may hold a 000-mode "work" subdirectory */
	return nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : -EIO;
}

int rpl_sandbox_enter(const struct rpl_lower *lowers, int nlowers, const char *rundir,
		      int whole, int *moved, struct sb *leaks)
{
	char up[PATH_MAX];
	const char *cwd = lowers[0].at;
	*moved = 0;
	if (rpl_isolate_ns() == 0) {
		if (whole && rpl_isolate_root(rundir, lowers, nlowers, leaks) == 0)
			return chdir(cwd) < 0 ? -errno : 0;
		/* the recorded directories alone (the half-built root, if any,
		 * is under rundir and never entered) */
		sb_reset(leaks);
		sb_puts(leaks, "/");
		int ok = 1;
		snprintf(up, sizeof up, "%s/cwd-layers", rundir);
		if (mkdir(up, 0755) < 0 && errno != EEXIST)
			return -errno;
		for (int i = 0; i < nlowers && ok; i++)
			ok = rpl_overlay(lowers[i].lower, lowers[i].at, up, i) == 0;
		if (ok)
			return chdir(cwd) < 0 ? -errno : 0;
	}
	/* fallback: a private copy, at another path */
	char copy[PATH_MAX], src[PATH_MAX + 4];
	snprintf(copy, sizeof copy, "%s/copy", rundir);
	snprintf(src, sizeof src, "%s/.", lowers[0].lower);
	if (mkdir(copy, 0755) < 0)
		return -errno;
	char *argv[] = { "/bin/cp", "-a", "--", src, copy, NULL };
	if (run_argv(argv, NULL, -1, 0) != 0)
		return -EIO;
	*moved = 1;
	sb_reset(leaks);
	sb_puts(leaks, "/");
	return chdir(copy) < 0 ? -errno : 0;
}

struct restore {
	const char *dest, *extra;
	struct sb *roots;
	char last_root[PATH_MAX];
};

static int restore_one(void *arg, const char *path, unsigned mode, const void *data,
		       size_t len, const char *link)
{
	struct restore *rs = arg;
	const char *dest = rs->dest;
	char p[PATH_MAX * 2];
	if (path[0] == '/') {
		/* an extra snapshot path: under extra, at its absolute path; the
		 * first entry that is not inside the last root is a root */
		size_t rl = strlen(rs->last_root);
		if (!rl || strncmp(path, rs->last_root, rl) || path[rl] != '/') {
			snprintf(rs->last_root, sizeof rs->last_root, "%s", path);
			sb_printf(rs->roots, "%s\n", path);
			snprintf(p, sizeof p, "%s%s", rs->extra, path);
			/* its parents, as plain directories */
			char *slash = strrchr(p, '/');
			*slash = 0;
			int rc = rpl_mkdirs(p, 0755);
			*slash = '/';
			if (rc < 0)
				return rc;
		}
		snprintf(p, sizeof p, "%s%s", rs->extra, path);
	} else {
		snprintf(p, sizeof p, "%s/%s", dest, path);
	}
	if (!*path)
		return chmod(dest, mode & 07777) < 0 ? -errno : 0;
	if (S_ISDIR(mode))
		return mkdir(p, mode & 07777) < 0 && errno != EEXIST ? -errno : 0;
	if (link)
		return symlink(link, p) < 0 ? -errno : 0;
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode & 07777);
	if (fd < 0)
		return -errno;
	size_t off = 0;
	while (data && off < len) {
		ssize_t n = write(fd, (const char *)data + off, len - off);
		if (n < 0) {
			int e = errno;
			close(fd);
			return -e;
		}
		off += (size_t)n;
	}
	return close(fd) < 0 ? -errno : 0;
}

int rpl_snapshot_restore(struct store *st, long rec, const char *dest, const char *extra,
			 struct sb *roots)
{
	struct restore rs = { .dest = dest, .extra = extra, .roots = roots };
	if (mkdir(dest, 0755) < 0 && errno != EEXIST)
		return -errno;
	if (mkdir(extra, 0755) < 0 && errno != EEXIST)
		return -errno;
	/* rows come in path order, so a directory precedes its entries */
	return store_snap_each(st, rec, restore_one, &rs);
}

/* A kind of the recording's stdio ("tty pipe tty"): does reading or
 * seeking it behave as a pipe does (no lseek, reads that wait)? */
static int pipe_like(const char *kinds, int fd)
{
	const char *k = kinds;
	for (int i = 0; k && i < fd; i++) {
		k = strchr(k, ' ');
		k = k ? k + 1 : NULL;
	}
	if (!k)
		return 0;
	size_t n = strcspn(k, " ");
	return (n == 4 && (!strncmp(k, "pipe", 4))) || (n == 3 && !strncmp(k, "tty", 3)) ||
	       (n == 6 && !strncmp(k, "socket", 6));
}

/* The drain: the pipe into the run's output file until every writer is
 * gone.  A thread, not a process: the tracer waits for every child of the
 * worker, and a drain child would never end while the worker holds the
 * pipe's write end. */
static void *drain_main(void *arg)
{
	struct rpl_stdio *io = arg;
	char buf[65536];
	for (;;) {
		ssize_t n = read(io->rd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		/* the output file refusing more (a full disk) must not stall the
		 * program on a full pipe: what it cannot take is dropped */
		for (ssize_t w = 0; w < n;) {
			ssize_t k = write(io->out_fd, buf + w, (size_t)(n - w));
			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0)
				break;
			w += k;
		}
	}
	return NULL;
}

int rpl_stdio_open(const char *kinds, int out_fd, struct rpl_stdio *io)
{
	memset(io, 0, sizeof *io);
	io->in = io->out = io->rd = -1;
	int p[2];
	if (pipe_like(kinds, 0)) {
		/* an empty pipe: reads see EOF at once, as /dev/null's do */
		if (pipe2(p, O_CLOEXEC) < 0)
			return -errno;
		close(p[1]);
		io->in = p[0];
	}
	if (!pipe_like(kinds, 1) && !pipe_like(kinds, 2))
		return 0;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	io->rd = p[0];
	io->out = p[1];
	io->out_fd = out_fd;
	io->out_pipe[1] = pipe_like(kinds, 1);
	io->out_pipe[2] = pipe_like(kinds, 2);
	/* the drain takes no signal: SIGALRM, SIGINT and SIGTERM must reach
	 * the tracer's waitpid in the worker's main thread */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int rc = pthread_create(&io->drain, NULL, drain_main, io);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		close(p[0]);
		close(p[1]);
		io->rd = io->out = -1;
		return -rc;
	}
	io->draining = 1;
	return 0;
}

void rpl_stdio_child(const struct rpl_stdio *io)
{
	if (io->in >= 0)
		dup2(io->in, 0);
	for (int fd = 1; fd <= 2; fd++)
		if (io->out >= 0 && io->out_pipe[fd])
			dup2(io->out, fd);
}

void rpl_stdio_close(struct rpl_stdio *io)
{
	if (io->in >= 0)
		close(io->in);
	if (io->out >= 0)
		close(io->out);
	/* every writer is gone: rec_trace() returns only when every process
	 * of the program has been reaped, so the drain reads EOF and ends */
	if (io->draining)
		pthread_join(io->drain, NULL);
	if (io->rd >= 0)
		close(io->rd);
	io->in = io->out = io->rd = -1;
	io->draining = 0;
}
