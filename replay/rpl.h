/*
 * replay/rpl.h - faults, their injection, run isolation and outcomes.
 *
 * A run re-executes the recorded program under record/'s tracer in
 * REC_MODE_SECCOMP: a libseccomp filter built from the syscall table makes
 * only the armed families' calls stop; the entry callback counts each
 * thread's calls per family and, at the armed (thread, family, nth), asks
 * the tracer to inject.  Everything else runs at native speed.
 */
#ifndef RPL_H
#define RPL_H

#include <linux/filter.h>
#include <stdint.h>
#include <sys/types.h>
#include "../faultline.h"
#include "../record/tracer.h"

enum rpl_kind {
	FAULT_ERRNO,     /* fail with an errno (the family default with "default") */
	FAULT_SHORT,     /* shrink the byte count: a true short read/write */
	FAULT_DELAY,     /* sleep before the call */
	FAULT_KILL,      /* SIGKILL the process at the call (crash testing) */
	FAULT_CRASH,     /* power loss just after the call: SIGKILL, then every
			    write not made durable by fsync/fdatasync is undone */
};

struct rpl_fault {
	enum rpl_kind kind;
	int err;             /* FAULT_ERRNO; 0 = the point family's default */
	unsigned delay_ms;   /* FAULT_DELAY */
	char spec[32];       /* as the user wrote it, normalised: "EIO", "short" */
};

/* Parse one SPEC: an errno name (EIO), "default", "eintr", "short",
 * "delay:MS", "kill", "crash".  Returns 0 or -EINVAL. */
int rpl_fault_parse(const char *s, struct rpl_fault *f);
/* Why fault f cannot happen at a recorded call of `syscall` on a target
 * of kind fdkind (file, pipe, ...; NULL unknown) that returned rec_ret
 * (SKIP_NONE: it can).  any_errno: accept every errno. */
enum rpl_skip {
	SKIP_NONE, SKIP_SHORT_CALL, SKIP_SHORT_SIZE, SKIP_EINTR, SKIP_ERRNO, SKIP_REGULAR,
	SKIP_CRASH_SAME, SKIP__COUNT
};
extern const char *const rpl_skip_why[SKIP__COUNT];
enum rpl_skip rpl_fault_skip(const struct rpl_fault *f, const char *syscall, const char *fdkind,
			     int64_t rec_ret, int any_errno);
/* A crash just after this recorded call (family, target kind, decoded
 * args, return) leaves what a crash after the last call that changed the
 * file system left: the call changed nothing on disk (a read-only open, a
 * close, a stat, a write to a pipe, a failed call).  Not planned. */
int rpl_crash_same(const struct rpl_fault *f, int family, const char *fdkind, const char *args,
		   int64_t rec_ret);
/* short, EINTR and EAGAIN: a correct program issues the call again. */
int rpl_fault_retryable(const struct rpl_fault *f);

#define RPL_MAX_ARMS 32

/* One armed fault of a run. */
struct rpl_arm {
	int family;
	const char *ident;   /* thread creation path */
	uint32_t nth;
	struct rpl_fault fault;
	int err;             /* resolved errno for FAULT_ERRNO */
	int64_t rec_ret;     /* what the call returned when recorded (0: unknown);
				a short transfer stays below it */
};

/* The injector: rec_ops callbacks plus their state, for one run. */
struct rpl_undo;
struct rpl_injector {
	const struct rpl_arm *arms;
	int narms;
	int persist;         /* once an arm fired, every later call of its family fails too */
	uint64_t seed;
	int fired[RPL_MAX_ARMS];
	int nfired, first;   /* how many fired; index of the first to fire (-1) */
	pid_t first_tid;     /* the thread it fired in */
	int track_writes;    /* a crash arm: keep the undo log */
	pid_t crash_pending; /* a crash fault fired in this thread: kill at the call's exit */
	int crashed;
	struct rpl_undo *undo;   /* un-fsynced writes (crash faults only) */
	/* explore (replay --depth 2): after the first fault fired, every call
	 * of every family is logged as "family ident nth site syscall" lines
	 * and folded into post_hash, the run's post-fault behaviour */
	int explore;             /* 1: after the first fault; 2: from the start */
	struct rec_stack *stk;
	struct sb log;
	uint64_t post_hash;
	/* did the faulted thread issue the call again (same family, same fd or
	 * path)?  Watched after the first fault to fire. */
	int fired_fam, target_arg;   /* target_arg -1: any call of the family */
	uint64_t fired_fd;
	char fired_path[256];
	int reissued;
	/* the baseline run: calls per (thread, family) of these families,
	 * as "count IDENT FAMILY N" lines in `counts` */
	uint64_t count_fams;
	struct sb counts;
};
extern const struct rec_ops rpl_inject_ops;
/* Seccomp families the injector needs for these arms. */
uint64_t rpl_inject_families(const struct rpl_arm *arms, int narms);
/* After the run: undo the writes that were not durable when it crashed. */
int rpl_inject_rollback(struct rpl_injector *in);
void rpl_inject_free(struct rpl_injector *in);

/* Build and load the seccomp filter that traces the families in `fams`
 * (bit per family).  Runs in the child just before execve. */
struct rpl_filter {
	struct sock_filter *insns;
	unsigned short len;
};
int rpl_seccomp_build(uint64_t fams, struct rpl_filter *out);
/* In the program's process, before execve: async-signal-safe. */
int rpl_seccomp_load(const struct rpl_filter *f);
/* Let libseccomp probe the kernel once, before the workers fork (each run
 * would probe again: a dozen syscalls). */
void rpl_seccomp_prepare(void);

/* Run isolation.  rpl_sandbox_enter() runs in a worker process: a private
 * mount namespace in which an overlay of `lower` (the recorded cwd, or a
 * snapshot of it) is mounted on `cwd`, with its writes going to `rundir`;
 * then chdir(cwd).  When namespaces are not available it copies `lower`
 * into rundir/copy and changes into that instead (*moved = 1). */
int rpl_sandbox_enter(const char *lower, const char *cwd, const char *rundir, int *moved);
/* Run cmd as `sh -c cmd` would, in the current directory with env; output
 * appended to out_fd.  A simple command (rpl_shell_words) is executed
 * directly, without the shell.  Returns the shell-style exit code, or
 * -errno. */
int rpl_shell(const char *cmd, char *const *env, int out_fd, unsigned timeout_ms);
/* The words of cmd (copied into buf, argv NULL-terminated) when sh would
 * run it unchanged as one program: words of [A-Za-z0-9/._+,:@%=-] only,
 * at most RPL_SHELL_WORDS, the first neither an assignment nor a shell
 * builtin.  Returns the word count, or 0: cmd needs the shell. */
#define RPL_SHELL_WORDS 32
int rpl_shell_words(const char *cmd, char *buf, size_t buflen, char **argv);
/* Write recording rec's snapshot into dest (created).  0 or -errno. */
struct store;
int rpl_snapshot_restore(struct store *st, long rec, const char *dest);
/* rm -rf */
int rpl_rmtree(const char *dir);

/* Outcomes, fixed vocabulary. */
enum rpl_outcome {
	OUT_CRASH, OUT_HANG, OUT_BROKEN, OUT_SILENT, OUT_RETRIED, OUT_HANDLED, OUT_NOT_REACHED,
	OUT_ERROR, OUT_CLEAN, OUT__COUNT
};
extern const char *const rpl_outcome_name[OUT__COUNT];
struct rpl_result {
	int fired;
	int timed_out;
	int exit_code;       /* shell style */
	int signal;          /* terminating signal of the program, or 0 */
	int check_ran, check_code;
	int killed_by_fault; /* the fault was `kill` and it fired */
	int baseline;        /* the baseline run: nothing was armed */
	int retryable;       /* the first fault to fire was short/eintr/EAGAIN */
	int reissued;        /* ... and its thread issued the call again, on the
				same target */
};
enum rpl_outcome rpl_classify(const struct rpl_result *r);
int rpl_outcome_is_bug(enum rpl_outcome o);

/* JUnit XML (replay/junit.c): append one run, then write the file. */
void rpl_junit_case(struct sb *b, const char *family, const char *name,
		    enum rpl_outcome oc, double secs, const char *repro, const char *output);
int rpl_junit_write(const char *path, const char *suite, const struct sb *cases,
		    size_t tests, size_t failures, size_t skipped, double secs);

#endif
