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
#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>
#include "../faultline.h"
#include "../record/tracer.h"

enum rpl_kind {
	FAULT_ERRNO,     /* fail with an errno (the family default with "default") */
	FAULT_SHORT,     /* shrink the byte count: a true short read/write */
	FAULT_DELAY,     /* sleep before the call */
	FAULT_KILL,      /* SIGKILL the process at the call (crash testing) */
	FAULT_CRASH,     /* power loss just after the call: SIGKILL, then what
			    was not durable is undone (crash.c, docs/CRASH.md) */
};

/* Which crash state a FAULT_CRASH leaves (docs/CRASH.md). */
enum rpl_crash_mode {
	CRASH_ORDERED,   /* "crash": un-durable file data lost, names kept */
	CRASH_POSIX,     /* "crash:posix": also names and sizes no fsync made durable */
	CRASH_TORN,      /* "crash:torn/K": as crash, plus the K-th prefix of each
			    file's last un-durable write */
};
#define RPL_TORN_MAX_DEFAULT 4
#define RPL_TORN_MAX 64

struct rpl_fault {
	enum rpl_kind kind;
	int err;             /* FAULT_ERRNO; 0 = the point family's default */
	unsigned delay_ms;   /* FAULT_DELAY */
	int crash_mode;      /* FAULT_CRASH: enum rpl_crash_mode */
	unsigned torn_k;     /* CRASH_TORN: which prefix, 1..; 0: replay expands
				"crash:torn" into 1..--torn-max */
	char spec[32];       /* as the user wrote it, normalised: "EIO", "short" */
};

/* Parse one SPEC: an errno name (EIO), "default", "eintr", "short",
 * "delay:MS", "kill", "crash", "crash:posix", "crash:torn" or
 * "crash:torn/K" (1 <= K <= RPL_TORN_MAX).  Returns 0 or -EINVAL. */
int rpl_fault_parse(const char *s, struct rpl_fault *f);
/* The runs one fault spec stands for: "crash:torn" is crash:torn/1 ..
 * /torn_max, any other spec itself.  Writes them to out (if not NULL) and
 * returns their count. */
int rpl_fault_expand(const struct rpl_fault *f, long torn_max, struct rpl_fault *out);
/* Why fault f cannot happen at a recorded call of `syscall` on a target
 * of kind fdkind (file, pipe, ...; NULL unknown) that returned rec_ret
 * (SKIP_NONE: it can).  any_errno: accept every errno. */
enum rpl_skip {
	SKIP_NONE, SKIP_SHORT_CALL, SKIP_SHORT_SIZE, SKIP_EINTR, SKIP_ERRNO, SKIP_REGULAR,
	SKIP_CRASH_SAME, SKIP_TORN_CUTS, SKIP__COUNT
};
extern const char *const rpl_skip_why[SKIP__COUNT];   /* a sentence */
extern const char *const rpl_skip_name[SKIP__COUNT];  /* a JSON key */
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

/* How a run finds a point again (replay --key): the nth call of the family
 * in the same thread (thread creation path), on the same target, or from
 * the same call site. */
enum rpl_key { RPL_KEY_THREAD, RPL_KEY_PATH, RPL_KEY_SITE, RPL_KEY__COUNT };
extern const char *const rpl_key_name[RPL_KEY__COUNT];

/* One armed fault of a run. */
struct rpl_arm {
	int family;
	const char *ident;   /* thread creation path */
	uint32_t nth;
	struct rpl_fault fault;
	int err;             /* resolved errno for FAULT_ERRNO */
	int64_t rec_ret;     /* what the call returned when recorded (0: unknown);
				a short transfer stays below it */
	/* the recorded call, checked when the count is reached (identity.c);
	 * NULL/0: not known (a point found by exploring), not checked */
	const char *rec_syscall, *rec_path, *rec_fdkind;
	int rec_std;         /* recorded on an inherited std stream: a run's is
				another file, the same stream all the same */
	uint64_t rec_site;
	int site_frames;     /* frames of the recorded site: unwind as deep */
	/* RPL_KEY_PATH/SITE: the knth call of the family whose target key
	 * (ana_target_key) or site is kval, in any thread */
	int key;
	uint64_t kval;
	uint32_t knth;
};

/* The baseline's check of the keys: for each planned point, is the call
 * the thread key names the one on the recorded target, and does the path
 * key reach it? */
struct rpl_probe {
	const char *ident;
	int family;
	uint32_t nth, path_nth;
	uint64_t tkey;
};

/* The crash model (replay/crash.c): a log of what a power loss could still
 * take back, kept from the calls the injector hands it, and undone after
 * the crash. */
struct rpl_crash;
struct rpl_crash *rpl_crash_new(int mode, unsigned torn_k);
/* The families the model must see (bit per family). */
uint64_t rpl_crash_families(int mode);
/* Every traced call, before it runs (not if it is faulted) and after. */
void rpl_crash_entry(struct rpl_crash *cs, struct rec_thread *t, struct rec_call *c);
void rpl_crash_exit(struct rpl_crash *cs, struct rec_thread *t, struct rec_call *c);
/* Undo what was not durable.  *distinct: 0 when a CRASH_TORN state equals
 * the plain crash state (no such prefix).  0, or -errno when something
 * could not be saved or put back. */
int rpl_crash_rollback(struct rpl_crash *cs, int *distinct);
void rpl_crash_free(struct rpl_crash *cs);
/* Torn writes, pure: the cut (1..ncuts) that prefix choice k names, or 0
 * when k > ncuts: 1, ncuts, then midpoints breadth first. */
unsigned rpl_torn_cut(unsigned ncuts, unsigned k);
/* Bytes of a write of len at off that prefix choice k keeps: the cuts are
 * the 512-byte boundaries strictly inside it.  0: no such prefix. */
size_t rpl_torn_prefix(uint64_t off, size_t len, unsigned k);
/* The most cuts a write of len bytes can have, wherever it lands (at most
 * RPL_TORN_MAX): replay plans crash:torn/K only where a recorded write
 * could have K. */
unsigned rpl_torn_max_cuts(uint64_t len);

/* The injector: rec_ops callbacks plus their state, for one run. */
struct rpl_injector {
	const struct rpl_arm *arms;
	int narms;
	int persist;         /* once an arm fired, every later call of its family fails too */
	uint64_t seed;
	int seed_random;     /* getrandom() returns fl_seeded_random()'s bytes; each
				thread's count of its calls is kept in rec_thread.user */
	int seed_urandom;    /* ... and reads of /dev/urandom (the read family is
				traced in every run) */
	int fired[RPL_MAX_ARMS];
	int nfired, first;   /* how many fired; index of the first to fire (-1) */
	pid_t first_tid;     /* the thread it fired in */
	int track_writes;    /* a crash arm: keep the crash model's log */
	pid_t crash_pending; /* a crash fault fired in this thread: kill at the call's exit */
	int crashed;
	struct rpl_crash *crash; /* the crash model (crash faults only) */
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
	/* divergence (identity.c): compare each armed call with the recording
	 * before injecting; a mismatch is not injected and is described in why */
	int check;
	int diverged;
	struct sb why;
	const char *moved_from, *moved_to;   /* the copy fallback's cwd, the recorded one */
	/* counting by target or call site (rpl_key), per arm */
	uint32_t kcount[RPL_MAX_ARMS];
	/* the baseline: planned points, sorted by rpl_probe_cmp; what the
	 * thread key met at them, and calls per (family, target key) */
	const struct rpl_probe *probes;
	size_t nprobes;
	size_t probe_same, probe_other;
	struct rpl_kmap *tcount;
	/* the baseline run: calls per (thread, family) of these families,
	 * as "count IDENT FAMILY N" lines in `counts` */
	uint64_t count_fams;
	struct sb counts;
};
extern const struct rec_ops rpl_inject_ops;
/* Bit 0 of a family set (FAM_NONE has no calls): trace getrandom too. */
#define RPL_TRACE_RANDOM 1ull
/* Seccomp families the injector needs for these arms. */
uint64_t rpl_inject_families(const struct rpl_arm *arms, int narms);
/* After the run: undo what was not durable when it crashed.  A crash:torn
 * run whose prefix changes nothing counts as not fired (not_reached). */
int rpl_inject_rollback(struct rpl_injector *in);
void rpl_inject_free(struct rpl_injector *in);

/* identity.c: the target of call c, named as record/decode.c names it
 * (absolute, normalised; an fd by its /proc link), and its kind ("file",
 * "pipe" ...).  0, or -errno when it has none or cannot be read. */
int rpl_call_target(pid_t pid, pid_t tid, const struct rec_call *c, const char *moved_from,
		    const char *moved_to, char *buf, size_t n, const char **kind);
/* Is the armed call c (arm a's count was reached) another call than the
 * recorded one?  1 and what differed appended to why, or 0. */
int rpl_arm_diverged(struct rpl_injector *in, const struct rpl_arm *a, struct rec_thread *t,
		     struct rec_call *c, struct sb *why);

/* identity.c: keys.  Does call c (a call of arm a's family) reach a's
 * count under a's key?  Counts it as it goes; the call's target and site
 * are computed at most once per call (*tk, *site: 0 = not yet). */
int rpl_key_match(struct rpl_injector *in, int i, struct rec_thread *t, struct rec_call *c,
		  uint64_t *tk, uint64_t *site);
/* The target key of call c (ana_target_key of rpl_call_target), 0 if none. */
uint64_t rpl_call_tkey(struct rpl_injector *in, struct rec_thread *t, struct rec_call *c);
/* The baseline's bookkeeping for the probes, at every traced call; and
 * its report, "keys SAME OTHER PATHMISSING" lines appended to out. */
void rpl_probe_call(struct rpl_injector *in, struct rec_thread *t, struct rec_call *c);
void rpl_probe_report(struct rpl_injector *in, struct sb *out);
int rpl_probe_cmp(const void *a, const void *b);
void rpl_probe_free(struct rpl_injector *in);

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

/* Run isolation.  rpl_sandbox_enter() runs in a worker process.  lowers[0]
 * is the recorded cwd (at) and what the run starts from there (lower: its
 * snapshot, or the directory itself); more entries are extra snapshot
 * paths.  whole: every writable mount becomes the run's own overlay
 * (isolate.c); else only the lowers are overlaid, with their writes in
 * `rundir`.  Then chdir(cwd).  What stays shared with the host is appended
 * to *leaks ("/" when only the lowers are private).  Without mount
 * namespaces it copies lowers[0] into rundir/copy and changes into that
 * instead (*moved = 1). */
struct rpl_lower {
	const char *lower, *at;
};
int rpl_sandbox_enter(const struct rpl_lower *lowers, int nlowers, const char *rundir,
		      int whole, int *moved, struct sb *leaks);
/* The run's stdin, stdout and stderr are of the kinds the recording's were
 * (store_rec.stdio), because programs tell them apart: Python seeks its
 * std streams at start-up, and a pipe refuses where a file answers, so a
 * run whose stdout is a file makes calls the recording did not.  A pipe,
 * tty or socket becomes a pipe: stdin an empty one (EOF at once), stdout
 * and stderr one that a thread of the worker copies into the run's output
 * file.  A file, /dev/null or an unknown kind stays as before: /dev/null
 * for stdin, the output file for stdout and stderr.
 * rpl_stdio_open() in the worker before the program starts,
 * rpl_stdio_child() in the program's process before exec,
 * rpl_stdio_close() after it ended (waits for the drain to read EOF).
 * rpl_stdio_open() returns 0 or -errno. */
struct rpl_stdio {
	int in, out;            /* pipe ends for fd 0 and fds 1/2, or -1 */
	int out_pipe[3];        /* out replaces fd 1, fd 2 */
	int rd, out_fd;         /* the drain reads rd, appends to out_fd */
	int draining;
	pthread_t drain;
};
int rpl_stdio_open(const char *kinds, int out_fd, struct rpl_stdio *io);
void rpl_stdio_child(const struct rpl_stdio *io);
void rpl_stdio_close(struct rpl_stdio *io);
/* isolate.c: enter a private mount namespace, propagation private.  0 or
 * -errno (EPERM without CAP_SYS_ADMIN). */
int rpl_isolate_ns(void);
/* isolate.c: mkdir -p (each missing folder of p, p too).  0 or -errno. */
int rpl_mkdirs(const char *p, mode_t mode);
/* isolate.c: an overlay of lower at target, its layers in layers/k. */
int rpl_overlay(const char *lower, const char *target, const char *layers, int k);
/* isolate.c: build the run's root under rundir and pivot_root into it. */
int rpl_isolate_root(const char *rundir, const struct rpl_lower *lowers, int nlowers,
		     struct sb *leaks);
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
/* Write recording rec's snapshot into dest (created), and its extra
 * snapshot paths (record --snapshot-path) under extra at their absolute
 * paths, named one per line in roots.  0 or -errno. */
struct store;
int rpl_snapshot_restore(struct store *st, long rec, const char *dest, const char *extra,
			 struct sb *roots);
/* rm -rf */
int rpl_rmtree(const char *dir);

/* Outcomes, fixed vocabulary. */
enum rpl_outcome {
	OUT_CRASH, OUT_HANG, OUT_BROKEN, OUT_SILENT, OUT_RETRIED, OUT_HANDLED, OUT_NOT_REACHED,
	OUT_DIVERGED, OUT_ERROR, OUT_CLEAN, OUT__COUNT
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
	int diverged;        /* an armed call was not the recorded one (syscall,
				target or call site differed): not injected */
};
enum rpl_outcome rpl_classify(const struct rpl_result *r);
int rpl_outcome_is_bug(enum rpl_outcome o);
/* The outcome called name ("broken"), or -1. */
int rpl_outcome_by_name(const char *name);

/* JUnit XML (replay/junit.c): append one run, then write the file. */
void rpl_junit_case(struct sb *b, const char *family, const char *name,
		    enum rpl_outcome oc, double secs, const char *repro, const char *output);
int rpl_junit_write(const char *path, const char *suite, const struct sb *cases,
		    size_t tests, size_t failures, size_t skipped, double secs);

#endif
