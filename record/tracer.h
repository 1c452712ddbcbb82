/*
 * record/tracer.h - the ptrace engine.
 *
 * rec_trace() starts a program under PTRACE_SEIZE, follows every process and
 * thread it creates, and reports each logical syscall to a set of callbacks.
 * `faultline record` plugs in callbacks that decode and store; `faultline
 * replay` plugs in callbacks that count fault points and inject.  Neither
 * touches ptrace itself.
 *
 * Two modes:
 *  - REC_MODE_SYSCALL: every syscall stops at entry and exit (recording).
 *  - REC_MODE_SECCOMP: the child installs a seccomp filter (from the
 *    caller's child_setup hook) that returns SECCOMP_RET_TRACE only for the
 *    syscalls of interest; the engine sees only their entries and exits; every
 *    other syscall runs at native speed (replay).
 *
 * Logical calls: an exit with -ERESTART* is not reported; the restarted
 * call (same number, or restart_syscall) completes the same logical call,
 * and if a signal handler ran in between and the call was not restarted,
 * the call is reported as failing with EINTR, which is what user space saw.
 */
#ifndef REC_TRACER_H
#define REC_TRACER_H

#include <stdint.h>
#include <sys/types.h>
#include "syscalls.h"

enum rec_mode { REC_MODE_SYSCALL, REC_MODE_SECCOMP };

/* One logical syscall. */
struct rec_call {
	long nr;
	const struct rec_sys *sys;   /* NULL when the table has no row */
	uint64_t args[6];
	int64_t ret;                 /* raw kernel return (-errno on error) */
	int finished;                /* 0: thread died inside the call */
	int restarted;               /* the kernel restarted it at least once */
	int injected;                /* skipped by the engine, ret is the fault */
	int fail_after;              /* errno to report once the call has run */
	uint64_t t_entry, t_exit;    /* fl_now_ns() */
	uint64_t sp, ip;
};

/* What an entry callback asks the engine to do. */
enum rec_action {
	REC_ACT_NONE = 0,
	REC_ACT_ERRNO,     /* skip the call, return -inject_errno */
	REC_ACT_SHORT,     /* replace arg 2 (byte count) by inject_count */
	REC_ACT_KILL,      /* SIGKILL the thread group before the call runs */
	REC_ACT_ERRNO_AFTER, /* let the call run, then return -inject_errno (a
			      close that fails has still closed the fd) */
};

struct rec_thread {
	pid_t tid;
	pid_t pid;                   /* thread group id */
	pid_t parent_tid;            /* creator, 0 for the first process */
	char ident[64];              /* "1", "1.2", "1.2.1": creation path, stable across reruns */
	unsigned nspawned;           /* children/threads created so far */
	int started;                 /* the first execve has been reached */
	int in_call;
	int awaiting_parent;         /* stopped before its creator's event arrived */
	int group_stopped;
	int restart_pending;         /* pending holds a call that said ERESTART* */
	int restart_sig;             /* a signal arrived since */
	int restart_handled;         /* its handler returned (rt_sigreturn) */
	struct rec_call call, pending;
	uint32_t fam_count[FAM__COUNT];  /* calls per fault family, this thread */
	int inject_errno;
	uint64_t inject_count;
	void *user;                  /* the callbacks' per-thread state */
};

struct rec_tracer;

struct rec_ops {
	/* A call was entered.  Return an enum rec_action (replay) or 0. */
	int (*entry)(void *ctx, struct rec_thread *t, struct rec_call *c);
	/* A call finished (or the thread died in it: c->finished == 0). */
	void (*exit)(void *ctx, struct rec_thread *t, struct rec_call *c);
	/* A thread or process was created; t is the new one (parent NULL: the
	 * first process, before its execve). */
	void (*spawn)(void *ctx, struct rec_thread *parent, struct rec_thread *t,
		      int is_thread);
	/* A thread ended: status as from waitpid, or -1 when it vanished in
	 * an exec of another thread of its group. */
	void (*gone)(void *ctx, struct rec_thread *t, int status);
	/* t completed an exec (t->tid may have changed: it took the leader's). */
	void (*exec)(void *ctx, struct rec_thread *t);
	/* A signal is being delivered to t. */
	void (*signal)(void *ctx, struct rec_thread *t, int sig);
};

struct rec_opts {
	const char *exe;             /* absolute path to execute */
	char *const *argv;
	char *const *envp;           /* NULL: the current environment */
	enum rec_mode mode;
	/* Runs in the child after the tracer attached, just before execve.
	 * Returns 0 or a negative errno (the child then exits 126). */
	int (*child_setup)(void *ctx);
	int new_pgrp;                /* put the program in its own process group */
	int stdin_null;              /* stdin from /dev/null */
	int quiet_fd;                /* if >= 0: dup onto stdout and stderr */
	unsigned timeout_ms;         /* 0: none; else kill the tree (hang) */
	/* CPU placement (tracer.c): while the program has a single live
	 * thread, it and the tracer share one CPU, which makes each ptrace
	 * stop about a third cheaper.  pin_slot -1: the CPU faultline is on;
	 * k >= 0: the k-th CPU faultline may use (modulo their count), so
	 * parallel replays spread out. */
	int pin;
	int pin_slot;
};

struct rec_result {
	int status;                  /* waitpid status of the first process */
	int exit_code;               /* shell-style: code, or 128+signal */
	int timed_out;
	int interrupted;             /* SIGINT/SIGTERM to faultline */
	int exec_failed;             /* errno of a failed first execve, or 0 */
	pid_t root_pid;
	uint64_t nthreads;
};

/* Run and trace.  Returns 0 (see *res) or a negative errno when the program
 * could not be started.  Callbacks may be NULL. */
int rec_trace(const struct rec_opts *o, const struct rec_ops *ops, void *ctx,
	      struct rec_result *res);

/* Set by the SIGINT/SIGTERM handler that cmd_* install with
 * rec_catch_signals(); rec_trace() then kills the tree and returns. */
extern volatile int rec_stop_requested;
void rec_catch_signals(void);

/* Tracee memory.  Return bytes read, or -errno. */
ssize_t rec_mem_read(pid_t tid, uint64_t addr, void *buf, size_t len);
/* Read several ranges with one process_vm_readv; rec_mem_read and
 * rec_mem_str then serve them without a syscall until the next stop. */
struct rec_mem_range {
	uint64_t addr;
	size_t len;
};
void rec_mem_prefetch(pid_t tid, const struct rec_mem_range *r, int n);
/* NUL-terminated string, at most max bytes; *truncated set when cut. */
ssize_t rec_mem_str(pid_t tid, uint64_t addr, char *buf, size_t max, int *truncated);

/* Resolve a command name like execvp would: absolute path in out.
 * Returns 0, -ENOENT (exit 127) or -EACCES (exit 126). */
int rec_resolve_exe(const char *name, char *out, size_t outlen);

#endif
