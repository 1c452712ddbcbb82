/*
 * tests/unit/test_stack_live.c - record/stack.c against a live tracee.
 *
 * Not a cmocka test: it needs a real process to unwind.  It runs
 * stack_target (write(2) from f1 and f2, three times each) twice under
 * PTRACE_SEIZE, calls rec_stack_site() at every write entry and checks that
 * a call site has one hash within a run and the same hash across runs
 * (ASLR on), and that the frames symbolise to f1/f2 in stack_target.c.
 *
 *   test_stack_live [TARGET]       TARGET defaults to stack_target beside
 *                                  this program
 *   test_stack_live --bench FRAMES CMD [ARG...]
 *                                  trace CMD and time rec_stack_site() at
 *                                  every openat/read/write entry
 *
 * Build (from the repository root):
 *   gcc -g -O0 -o tests/unit/stack_target tests/unit/stack_target.c
 *   gcc -Wall -Wextra -std=gnu11 -g -O2 -o tests/unit/test_stack_live \
 *       tests/unit/test_stack_live.c record/stack.c util.c -ldw -lelf
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../faultline.h"
#include "../../record/stack.h"

static int passed, failed;

#define CHECK(cond, ...) do {					\
	if (cond) {						\
		passed++;					\
	} else {						\
		failed++;					\
		printf("FAIL %s:%d: ", __FILE__, __LINE__);	\
		printf(__VA_ARGS__);				\
		printf("\n");					\
	}							\
} while (0)

typedef void (*entry_fn)(struct rec_stack *st, pid_t pid,
			 const struct __ptrace_syscall_info *si, void *arg);

/* Run argv under PTRACE_SEIZE; call fn at each syscall entry after exec. */
static int trace(char **argv, struct rec_stack *st, entry_fn fn, void *arg)
{
	int pfd[2], status;
	char c;
	if (pipe(pfd) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		close(pfd[1]);
		if (read(pfd[0], &c, 1) < 0)
			_exit(126);
		int fd = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(pfd[0]);
	if (ptrace(PTRACE_SEIZE, pid, NULL, (void *)(long)(PTRACE_O_TRACESYSGOOD |
		   PTRACE_O_EXITKILL | PTRACE_O_TRACEEXEC)) < 0 ||
	    ptrace(PTRACE_INTERRUPT, pid, NULL, NULL) < 0 ||
	    waitpid(pid, &status, __WALL) != pid)
		return -errno;
	close(pfd[1]);   /* let the child exec */
	int execed = 0, sig = 0;
	for (;;) {
		if (ptrace(PTRACE_SYSCALL, pid, NULL, (void *)(long)sig) < 0)
			return -errno;
		if (waitpid(pid, &status, __WALL) != pid)
			return -errno;
		if (WIFEXITED(status) || WIFSIGNALED(status))
			break;
		sig = 0;
		int event = status >> 16;
		if (WSTOPSIG(status) == (SIGTRAP | 0x80)) {
			struct __ptrace_syscall_info si;
			if (execed && ptrace(PTRACE_GET_SYSCALL_INFO, pid,
					     (void *)sizeof si, &si) > 0 &&
			    si.op == PTRACE_SYSCALL_INFO_ENTRY)
				fn(st, pid, &si, arg);
		} else if (event == PTRACE_EVENT_EXEC) {
			rec_stack_forget(st, pid);
			execed = 1;
		} else if (event == 0) {
			sig = WSTOPSIG(status);
		}
	}
	rec_stack_forget(st, pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* ---- the checks --------------------------------------------------------- */

/* Cost of rec_stack_site at the writes; a run's first call, which builds
 * the process's cache, is counted apart. */
static uint64_t site_ns, first_ns;
static long site_calls, site_frames, first_calls;
static pid_t last_pid;

struct site {
	uint64_t hash[8];
	int n;
	char *frames;     /* of the first hit */
	uint64_t rip;     /* of the first hit */
};

static void on_write(struct rec_stack *st, pid_t pid,
		     const struct __ptrace_syscall_info *si, void *arg)
{
	struct site *sites = arg;
	char buf[3] = { 0 };
	struct iovec l = { buf, 3 }, r = { (void *)si->entry.args[1], 3 };
	if (si->entry.nr != SYS_write ||
	    process_vm_readv(pid, &l, 1, &r, 1, 0) != 3 || buf[0] != 'f')
		return;
	struct site *s = &sites[buf[1] == '1' ? 0 : 1];
	struct sb fr;
	sb_init(&fr);
	uint64_t t0 = fl_now_ns();
	uint64_t h = rec_stack_site(st, pid, pid, 32, &fr);
	if (pid != last_pid) {
		first_ns += fl_now_ns() - t0;
		first_calls++;
		last_pid = pid;
	} else {
		site_ns += fl_now_ns() - t0;
		site_calls++;
	}
	for (const char *c = fr.s; c && *c; c++)
		site_frames += *c == '\n';
	site_frames += fr.len > 0;
	if (s->n < 8)
		s->hash[s->n] = h;
	if (s->n++ == 0) {
		struct user_regs_struct regs;
		ptrace(PTRACE_GETREGS, pid, NULL, &regs);
		s->rip = regs.rip;
		s->frames = fr.s;
	} else {
		sb_free(&fr);
	}
}

/* Symbolise every frame of s into one text. */
static char *symbolize_all(const char *frames)
{
	struct sb out;
	sb_init(&out);
	char *copy = xstrdup(frames), *save, *f;
	for (f = strtok_r(copy, "\n", &save); f; f = strtok_r(NULL, "\n", &save)) {
		CHECK(rec_stack_symbolize(f, &out) == 0, "symbolize '%s'", f);
		sb_putc(&out, '\n');
	}
	free(copy);
	return out.s ? out.s : xstrdup("");
}

static void check_run(struct site *s, const char *name, const char *target)
{
	CHECK(s->n == 3, "%s: %d writes seen, want 3", name, s->n);
	for (int i = 1; i < s->n && i < 8; i++)
		CHECK(s->hash[i] == s->hash[0], "%s: write %d hash %016" PRIx64
		      " != %016" PRIx64, name, i, s->hash[i], s->hash[0]);
	CHECK(s->hash[0] != 0, "%s: hash is 0", name);
	CHECK(s->frames && strstr(s->frames, target),
	      "%s: no frame in '%s':\n%s", name, target,
	      s->frames ? s->frames : "(none)");
	int nf = 0;
	for (const char *p = s->frames; p && *p; p++)
		nf += *p == '\n';
	CHECK(s->frames && nf + 1 >= 3, "%s: only %d frames", name, nf + 1);
}

static int run_checks(const char *target)
{
	struct site runs[2][2];
	struct rec_stack *st = rec_stack_new();
	char *argv[] = { (char *)target, NULL };
	memset(runs, 0, sizeof runs);
	for (int r = 0; r < 2; r++) {
		int rc = trace(argv, st, on_write, runs[r]);
		CHECK(rc == 0, "run %d of '%s' ended with %d", r + 1, target, rc);
		check_run(&runs[r][0], "f1", target);
		check_run(&runs[r][1], "f2", target);
	}
	CHECK(runs[0][0].hash[0] != runs[0][1].hash[0], "f1 and f2 share a hash");
	CHECK(runs[0][0].hash[0] == runs[1][0].hash[0], "f1 hash differs across runs");
	CHECK(runs[0][1].hash[0] == runs[1][1].hash[0], "f2 hash differs across runs");
	FILE *f = fopen("/proc/sys/kernel/randomize_va_space", "r");
	int aslr = f && fgetc(f) != '0';
	if (f)
		fclose(f);
	if (aslr)
		CHECK(runs[0][0].rip != runs[1][0].rip,
		      "ASLR on, yet the syscall pc did not move between runs");

	if (site_calls && first_calls)
		printf("rec_stack_site at %ld writes: %.1f frames, %.1f us/call;"
		       " first call of a run %.0f us\n", site_calls + first_calls,
		       (double)site_frames / (site_calls + first_calls),
		       site_ns / 1e3 / site_calls, first_ns / 1e3 / first_calls);
	for (int i = 0; i < 2 && runs[0][i].frames; i++) {
		char *sym = symbolize_all(runs[0][i].frames);
		const char *want = i ? "f2+0x" : "f1+0x";
		CHECK(strstr(sym, want) && strstr(sym, "stack_target.c:"),
		      "symbols lack %s / stack_target.c:\n%s", want, sym);
		CHECK(strstr(sym, "main+0x"), "symbols lack main:\n%s", sym);
		if (i == 0)
			printf("f1 site %016" PRIx64 ":\n%s\n%s", runs[0][0].hash[0],
			       runs[0][0].frames, sym);
		free(sym);
	}

	struct sb out;
	sb_init(&out);
	CHECK(rec_stack_symbolize("[anon]", &out) == 0 &&
	      strcmp(out.s, "[anon]") == 0, "[anon] -> '%s'", out.s);
	sb_reset(&out);
	rec_stack_symbolize("/nonexistent/lib.so+0x10", &out);
	CHECK(strcmp(out.s, "/nonexistent/lib.so+0x10") == 0,
	      "missing module -> '%s'", out.s);
	sb_free(&out);

	for (int r = 0; r < 2; r++)
		for (int i = 0; i < 2; i++)
			free(runs[r][i].frames);
	rec_stack_free(st);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

/* ---- the benchmark ------------------------------------------------------ */

struct bench {
	int max_frames;
	long calls, frames, empty;
	uint64_t ns, first_ns, again_ns, regs_ns;
};

static void on_io(struct rec_stack *st, pid_t pid,
		  const struct __ptrace_syscall_info *si, void *arg)
{
	struct bench *b = arg;
	struct sb fr;
	if (si->entry.nr != SYS_openat && si->entry.nr != SYS_read &&
	    si->entry.nr != SYS_write)
		return;
	sb_init(&fr);
	uint64_t t0 = fl_now_ns();
	uint64_t h = rec_stack_site(st, pid, pid, b->max_frames, &fr);
	uint64_t dt = fl_now_ns() - t0;
	if (b->calls++ == 0)
		b->first_ns = dt;
	else
		b->ns += dt;
	b->empty += h == 0;
	/* The same unwind again, and a bare PTRACE_GETREGS, for reference. */
	struct sb again;
	struct user_regs_struct regs;
	sb_init(&again);
	t0 = fl_now_ns();
	rec_stack_site(st, pid, pid, b->max_frames, &again);
	b->again_ns += fl_now_ns() - t0;
	sb_free(&again);
	t0 = fl_now_ns();
	ptrace(PTRACE_GETREGS, pid, NULL, &regs);
	b->regs_ns += fl_now_ns() - t0;
	for (const char *p = fr.s; p && *p; p++)
		b->frames += *p == '\n';
	b->frames += fr.len > 0;
	sb_free(&fr);
}

static int run_bench(int max_frames, char **argv)
{
	struct bench b = { .max_frames = max_frames };
	struct rec_stack *st = rec_stack_new();
	int rc = trace(argv, st, on_io, &b);
	rec_stack_free(st);
	if (b.calls < 2) {
		printf("%s: %ld calls (exit %d)\n", argv[0], b.calls, rc);
		return 1;
	}
	printf("%s: max_frames %d: %ld calls, %.1f frames/call, %ld empty, "
	       "first call %.0f us, then %.1f us/call (%.1f us when repeated "
	       "at the same stop; PTRACE_GETREGS alone %.1f us)\n", argv[0],
	       max_frames, b.calls, (double)b.frames / b.calls, b.empty,
	       b.first_ns / 1e3, b.ns / 1e3 / (b.calls - 1),
	       b.again_ns / 1e3 / b.calls, b.regs_ns / 1e3 / b.calls);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 4 && strcmp(argv[1], "--bench") == 0)
		return run_bench(atoi(argv[2]), argv + 3);
	char target[PATH_MAX];
	if (argc > 1) {
		if (!realpath(argv[1], target)) {
			printf("cannot find '%s'\n0 passed, 1 failed\n", argv[1]);
			return 1;
		}
	} else {
		char self[PATH_MAX - 16];
		ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
		self[n > 0 ? n : 0] = 0;
		char *slash = strrchr(self, '/');
		if (slash)
			*slash = 0;
		snprintf(target, sizeof target, "%s/stack_target", self);
	}
	return run_checks(target);
}
