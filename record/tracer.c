/*
 * record/tracer.c - the ptrace event loop (see tracer.h for the contract).
 *
 * Start-up (start_child).  The child blocks on a pipe until the tracer has
 * PTRACE_SEIZEd it (options below) and sent PTRACE_INTERRUPT, then runs
 * child_setup and execve().  Nothing the child does before its first
 * execve is reported.
 *
 * The loop, after strace's: next_event() waits (waitpid(-1, __WALL)) and
 * kills every tracee at a stop request or the timeout; dispatch_event()
 * hands the status on: an exit to on_reaped(), a syscall or seccomp stop
 * to on_syscall_stop(), a signal-delivery stop to on_signal_stop(), any
 * other PTRACE_EVENT_* to on_ptrace_event().
 *
 * State machine of one thread, driven by waitpid(-1, __WALL):
 *
 *   NEW --(its first stop: PTRACE_EVENT_STOP)--> RUNNING, or AWAITING_PARENT
 *        if its creator's FORK/CLONE event has not been seen yet (the new
 *        thread then stays stopped until the event gives it an identity).
 *   RUNNING --syscall-entry stop / seccomp stop--> IN_CALL   [ops->entry]
 *   IN_CALL --syscall-exit stop--> RUNNING                   [ops->exit]
 *           (exit with -ERESTART*: the call moves to `pending`, see below)
 *   RUNNING --signal-delivery stop--> RUNNING, signal re-injected
 *                                                            [ops->signal]
 *   RUNNING --group-stop (PTRACE_EVENT_STOP + stop signal)--> STOPPED,
 *           resumed with PTRACE_LISTEN so SIGCONT works as without us.
 *   any --WIFEXITED/WIFSIGNALED--> gone                      [ops->gone]
 *   IN_CALL(execve) --PTRACE_EVENT_EXEC--> the thread takes the leader's
 *           tid; the old leader record is dropped            [ops->exec]
 *
 * Restarts: an exit with ERESTARTSYS/NOINTR/NOHAND/RESTART_BLOCK parks the
 * call in t->pending.  The next entry of the same number (or of
 * restart_syscall) continues it.  Calls made by a signal handler in between
 * are reported normally; once the handler returned (rt_sigreturn) and a
 * different call is entered, the parked call is reported with -EINTR.
 *
 * Invariants: every thread the kernel reports is in the table until its
 * exit status is reaped; ops->exit is called at most once per ops->entry;
 * the loop ends only when waitpid says ECHILD.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../faultline.h"
#include "tracer.h"

#ifndef __x86_64__
#error "faultline's register access is written for x86_64 only"
#endif

#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#define ERESTART_RESTARTBLOCK 516

volatile int rec_stop_requested;

static void on_stop_signal(int sig)
{
	rec_stop_requested = sig;   /* which one: the command exits 128 + sig */
}

/* SIGALRM ticks every 100 ms while rec_trace() runs, only to interrupt
 * waitpid() so the loop sees a timeout or a stop request that raced with
 * it. */
static void on_alarm(int sig)
{
	(void)sig;
}

void rec_catch_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop_signal;   /* no SA_RESTART: waitpid returns EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* ---- thread table ---------------------------------------------------- */

#define NBUCKET 1024

struct tnode {
	struct rec_thread t;
	struct tnode *next;
};

struct rec_tracer {
	const struct rec_opts *o;
	const struct rec_ops *ops;
	void *ctx;
	struct tnode *bucket[NBUCKET];
	size_t nlive;
	int pin_cpu;                 /* -1: placement left to the kernel */
	cpu_set_t pin_orig;          /* the affinity faultline started with */
	pid_t root;
	int root_started;
	uint64_t deadline;           /* fl_now_ns() of the timeout, or 0 */
	int killing;                 /* every tracee was sent SIGKILL */
	struct rec_result *res;
};

static void place_all(struct rec_tracer *tr);

static struct rec_thread *tfind(struct rec_tracer *tr, pid_t tid)
{
	for (struct tnode *n = tr->bucket[tid % NBUCKET]; n; n = n->next)
		if (n->t.tid == tid)
			return &n->t;
	return NULL;
}

static struct rec_thread *tadd(struct rec_tracer *tr, pid_t tid)
{
	struct tnode *n = xcalloc(1, sizeof *n);
	n->t.tid = tid;
	n->t.pid = tid;
	n->next = tr->bucket[tid % NBUCKET];
	tr->bucket[tid % NBUCKET] = n;
	tr->nlive++;
	tr->res->nthreads++;
	if (tr->nlive == 2)
		place_all(tr);
	return &n->t;
}

static void tdel(struct rec_tracer *tr, pid_t tid)
{
	for (struct tnode **pp = &tr->bucket[tid % NBUCKET]; *pp; pp = &(*pp)->next) {
		if ((*pp)->t.tid == tid) {
			struct tnode *n = *pp;
			*pp = n->next;
			free(n);
			tr->nlive--;
			if (tr->nlive == 1)
				place_all(tr);
			return;
		}
	}
}

/* ---- CPU placement ------------------------------------------------------
 *
 * Every ptrace stop hands the CPU from the tracee to the tracer and back.
 * Left alone, the scheduler wakes the tracer on the other, idle CPU, and
 * every stop pays a cross-CPU wakeup (on a VM, an idle-exit as well).  While
 * the traced tree has a single live thread nothing can run in parallel
 * anyway, so the tracer and that thread share one CPU.  When a second thread
 * exists, the tracees get faultline's own mask back, so a threaded program
 * keeps its parallelism; with one thread left it is pinned again.  A thread
 * whose mask is neither (the program set its own) is left as it is. */

static int mask_is_pin(const cpu_set_t *m, int cpu)
{
	return CPU_COUNT(m) == 1 && CPU_ISSET(cpu, m);
}

static void place_thread(struct rec_tracer *tr, pid_t tid, int pin)
{
	cpu_set_t cur, one;
	if (sched_getaffinity(tid, sizeof cur, &cur) < 0)
		return;
	CPU_ZERO(&one);
	CPU_SET(tr->pin_cpu, &one);
	if (pin && CPU_EQUAL(&cur, &tr->pin_orig))
		sched_setaffinity(tid, sizeof one, &one);
	else if (!pin && mask_is_pin(&cur, tr->pin_cpu))
		sched_setaffinity(tid, sizeof tr->pin_orig, &tr->pin_orig);
}

static void place_all(struct rec_tracer *tr)
{
	if (tr->pin_cpu < 0)
		return;
	int pin = tr->nlive == 1;
	for (int i = 0; i < NBUCKET; i++)
		for (struct tnode *n = tr->bucket[i]; n; n = n->next)
			place_thread(tr, n->t.tid, pin);
}

/* Pin the tracer before the first fork (the program inherits the mask). */
static void place_start(struct rec_tracer *tr, const struct rec_opts *o)
{
	tr->pin_cpu = -1;
	if (!o->pin || sched_getaffinity(0, sizeof tr->pin_orig, &tr->pin_orig) < 0 ||
	    CPU_COUNT(&tr->pin_orig) < 2)
		return;
	int cpu = -1;
	if (o->pin_slot >= 0) {
		int k = o->pin_slot % CPU_COUNT(&tr->pin_orig);
		for (int c = 0; c < CPU_SETSIZE && cpu < 0; c++)
			if (CPU_ISSET(c, &tr->pin_orig) && k-- == 0)
				cpu = c;
	} else {
		cpu = sched_getcpu();
	}
	if (cpu < 0 || !CPU_ISSET(cpu, &tr->pin_orig))
		return;
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (sched_setaffinity(0, sizeof one, &one) == 0)
		tr->pin_cpu = cpu;
}

/* The program sets affinities itself: from now on they are its business. */
static void place_stop(struct rec_tracer *tr)
{
	tr->pin_cpu = -1;
}

/* Give faultline its own mask back. */
static void place_end(struct rec_tracer *tr)
{
	if (CPU_COUNT(&tr->pin_orig))
		sched_setaffinity(0, sizeof tr->pin_orig, &tr->pin_orig);
}

/* Re-key a thread (exec from a non-leader thread takes the leader's tid). */
static struct rec_thread *trekey(struct rec_tracer *tr, struct rec_thread *t, pid_t tid)
{
	struct tnode *n = NULL;
	for (struct tnode **pp = &tr->bucket[t->tid % NBUCKET]; *pp; pp = &(*pp)->next) {
		if (&(*pp)->t == t) {
			n = *pp;
			*pp = n->next;
			break;
		}
	}
	if (!n)
		return t;
	n->t.tid = tid;
	n->next = tr->bucket[tid % NBUCKET];
	tr->bucket[tid % NBUCKET] = n;
	return &n->t;
}

static void kill_all(struct rec_tracer *tr)
{
	for (int i = 0; i < NBUCKET; i++)
		for (struct tnode *n = tr->bucket[i]; n; n = n->next)
			kill(n->t.tid, SIGKILL);
	if (tr->o->new_pgrp && tr->root > 0)
		kill(-tr->root, SIGKILL);
}

/* ---- tracee memory ---------------------------------------------------- */

/* The prefetch: ranges read by one process_vm_readv at a stop, served
 * by rec_mem_read/rec_mem_str until the loop sees the next stop (mem_gen). */
#define PF_MAX 4
#define PF_BYTES 16384
static struct {
	pid_t tid;
	unsigned long gen;
	int n;
	struct { uint64_t addr; size_t got; size_t off; } seg[PF_MAX];
	unsigned char buf[PF_BYTES];
} pf;
static unsigned long mem_gen = 1;

void rec_mem_prefetch(pid_t tid, const struct rec_mem_range *r, int n)
{
	struct iovec rv[PF_MAX], lv = { pf.buf, 0 };
	size_t off = 0;
	int k = 0;
	pf.n = 0;
	for (int i = 0; i < n && k < PF_MAX; i++) {
		size_t len = r[i].len;
		if (!r[i].addr || !len)
			continue;
		if (len > PF_BYTES - off)
			len = PF_BYTES - off;
		if (!len)
			break;
		rv[k] = (struct iovec){ (void *)(uintptr_t)r[i].addr, len };
		pf.seg[k].addr = r[i].addr;
		pf.seg[k].off = off;
		off += len;
		k++;
	}
	if (!k)
		return;
	lv.iov_len = off;
	ssize_t got = process_vm_readv(tid, &lv, 1, rv, (unsigned long)k, 0);
	if (got <= 0)
		return;
	/* a fault stops the transfer: each range keeps what was read of it */
	for (int i = 0; i < k; i++) {
		size_t end = pf.seg[i].off + rv[i].iov_len;
		pf.seg[i].got = (size_t)got >= end ? rv[i].iov_len
			: (size_t)got > pf.seg[i].off ? (size_t)got - pf.seg[i].off : 0;
	}
	pf.n = k;
	pf.tid = tid;
	pf.gen = mem_gen;
}

/* Bytes at addr that the prefetch holds (at most len), or 0. */
static size_t pf_get(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	if (pf.gen != mem_gen || pf.tid != tid)
		return 0;
	for (int i = 0; i < pf.n; i++) {
		uint64_t a = pf.seg[i].addr;
		if (addr < a || addr >= a + pf.seg[i].got)
			continue;
		size_t have = (size_t)(a + pf.seg[i].got - addr);
		size_t n = have < len ? have : len;
		memcpy(buf, pf.buf + pf.seg[i].off + (addr - a), n);
		return n;
	}
	return 0;
}

ssize_t rec_mem_read(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	if (!addr)
		return -EFAULT;
	if (len && pf_get(tid, addr, buf, len) == len)
		return (ssize_t)len;
	struct iovec l = { buf, len }, r = { (void *)(uintptr_t)addr, len };
	ssize_t n = process_vm_readv(tid, &l, 1, &r, 1, 0);
	if (n >= 0)
		return n;
	/* A read that crosses into an unmapped page fails whole: retry up to
	 * the page boundary. */
	size_t first = 4096 - (addr & 4095);
	if (first < len) {
		l.iov_len = r.iov_len = first;
		n = process_vm_readv(tid, &l, 1, &r, 1, 0);
		if (n >= 0)
			return n;
	}
	return -errno;
}

ssize_t rec_mem_str(pid_t tid, uint64_t addr, char *buf, size_t max, int *truncated)
{
	size_t got = 0;
	*truncated = 0;
	if (max == 0)
		return -EINVAL;
	size_t have = pf_get(tid, addr, buf, max - 1);
	char *z = have ? memchr(buf, 0, have) : NULL;
	if (z)
		return z - buf;
	while (got < max - 1) {
		size_t chunk = 4096 - ((addr + got) & 4095);
		if (chunk > max - 1 - got)
			chunk = max - 1 - got;
		ssize_t n = rec_mem_read(tid, addr + got, buf + got, chunk);
		if (n <= 0) {
			if (got == 0)
				return n < 0 ? n : -EFAULT;
			break;
		}
		char *z = memchr(buf + got, 0, (size_t)n);
		if (z)
			return z - buf;
		got += (size_t)n;
	}
	buf[got] = 0;
	*truncated = 1;
	return (ssize_t)got;
}

int rec_resolve_exe(const char *name, char *out, size_t outlen)
{
	struct stat st;
	if (strchr(name, '/')) {
		if (!realpath(name, out) || stat(out, &st) != 0)
			return -ENOENT;
		if (S_ISDIR(st.st_mode) || access(out, X_OK) != 0)
			return -EACCES;
		(void)outlen;
		return 0;
	}
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	int saw_noexec = 0;
	while (*path) {
		const char *c = strchr(path, ':');
		size_t dl = c ? (size_t)(c - path) : strlen(path);
		char cand[PATH_MAX];
		snprintf(cand, sizeof cand, "%.*s/%s", (int)dl, dl ? path : ".", name);
		if (stat(cand, &st) == 0 && !S_ISDIR(st.st_mode)) {
			if (access(cand, X_OK) == 0) {
				if (!realpath(cand, out))
					snprintf(out, outlen, "%s", cand);
				return 0;
			}
			saw_noexec = 1;
		}
		path += dl + (c ? 1 : 0);
	}
	return saw_noexec ? -EACCES : -ENOENT;
}

/* ---- registers (x86_64) ------------------------------------------------ */

static int regs_skip_with(pid_t tid, int err)
{
	struct user_regs_struct r;
	if (ptrace(PTRACE_GETREGS, tid, 0, &r) < 0)
		return -errno;
	r.orig_rax = (unsigned long long)-1;
	r.rax = (unsigned long long)(long long)-err;
	return ptrace(PTRACE_SETREGS, tid, 0, &r) < 0 ? -errno : 0;
}

static int regs_set_return(pid_t tid, long long val)
{
	struct user_regs_struct r;
	if (ptrace(PTRACE_GETREGS, tid, 0, &r) < 0)
		return -errno;
	r.rax = (unsigned long long)val;
	return ptrace(PTRACE_SETREGS, tid, 0, &r) < 0 ? -errno : 0;
}

static int regs_set_arg2(pid_t tid, uint64_t val)
{
	struct user_regs_struct r;
	if (ptrace(PTRACE_GETREGS, tid, 0, &r) < 0)
		return -errno;
	r.rdx = val;
	return ptrace(PTRACE_SETREGS, tid, 0, &r) < 0 ? -errno : 0;
}

/* ---- the loop --------------------------------------------------------- */

static void resume(struct rec_tracer *tr, struct rec_thread *t, int sig)
{
	/* In seccomp mode a traced call also stops at its exit (PTRACE_SYSCALL
	 * from the seccomp stop), so restarts are seen and never counted
	 * twice; everything else runs untraced (PTRACE_CONT). */
	int req = tr->o->mode == REC_MODE_SYSCALL || t->in_call ? PTRACE_SYSCALL : PTRACE_CONT;
	/* ESRCH: it died meanwhile (SIGKILL); its exit status follows. */
	ptrace(req, t->tid, 0, (void *)(long)sig);
}

static int is_restart(int64_t ret)
{
	return ret == -ERESTARTSYS || ret == -ERESTARTNOINTR ||
	       ret == -ERESTARTNOHAND || ret == -ERESTART_RESTARTBLOCK;
}

static void report_exit(struct rec_tracer *tr, struct rec_thread *t, struct rec_call *c)
{
	if (tr->ops->exit)
		tr->ops->exit(tr->ctx, t, c);
}

static void flush_pending(struct rec_tracer *tr, struct rec_thread *t, int64_t ret)
{
	if (!t->restart_pending)
		return;
	t->restart_pending = 0;
	t->pending.ret = ret;
	/* -EINTR is what user space saw; an ERESTART* code (from gone()) means
	 * the thread died while the call was parked */
	t->pending.finished = !is_restart(ret);
	t->pending.t_exit = fl_now_ns();
	report_exit(tr, t, &t->pending);
}

static void apply_action(struct rec_thread *t, int act)
{
	switch (act) {
	case REC_ACT_ERRNO:
		if (regs_skip_with(t->tid, t->inject_errno) == 0) {
			t->call.injected = 1;
			t->call.ret = -t->inject_errno;
		}
		break;
	case REC_ACT_SHORT:
		regs_set_arg2(t->tid, t->inject_count);
		t->call.args[2] = t->inject_count;
		break;
	case REC_ACT_KILL:
		kill(t->pid, SIGKILL);
		break;
	case REC_ACT_ERRNO_AFTER:
		t->call.fail_after = t->inject_errno;
		break;
	}
}

/* A syscall entry (or seccomp stop, which is an entry). */
static void on_entry(struct rec_tracer *tr, struct rec_thread *t,
		     long nr, const uint64_t *args, uint64_t ip, uint64_t sp)
{
	const struct rec_sys *s = rec_sys_by_nr(nr);
	if (s && (s->flags & SF_AFFINITY))
		place_stop(tr);
	if (!t->started) {
		if (t->tid == tr->root && !tr->root_started &&
		    tr->o->mode == REC_MODE_SYSCALL && s && (s->flags & SF_EXEC)) {
			t->started = 1;
			tr->root_started = 1;
		} else {
			return;
		}
	}
	if (t->restart_pending) {
		if (nr == t->pending.nr || (s && (s->flags & SF_RESTART))) {
			/* the kernel restarted the parked call */
			t->restart_pending = 0;
			t->call = t->pending;
			t->call.restarted = 1;
			t->in_call = 1;
			int act = tr->ops->entry ? tr->ops->entry(tr->ctx, t, &t->call) : 0;
			(void)act;   /* a restarted call was armed at its first entry */
			return;
		}
		int sigreturn = s && (s->flags & SF_SIGRETURN);
		if (t->restart_sig && !t->restart_handled) {
			if (sigreturn)
				t->restart_handled = 1;
		} else {
			flush_pending(tr, t, -EINTR);
		}
	}
	memset(&t->call, 0, sizeof t->call);
	t->call.nr = nr;
	t->call.sys = s;
	memcpy(t->call.args, args, sizeof t->call.args);
	t->call.t_entry = fl_now_ns();
	t->call.ip = ip;
	t->call.sp = sp;
	t->in_call = 1;
	if (t->call.sys && t->call.sys->family)
		t->fam_count[t->call.sys->family]++;
	int act = tr->ops->entry ? tr->ops->entry(tr->ctx, t, &t->call) : 0;
	if (act)
		apply_action(t, act);
}

static void on_exit_stop(struct rec_tracer *tr, struct rec_thread *t, int64_t ret)
{
	if (!t->in_call)
		return;
	t->in_call = 0;
	if (t->restart_pending && t->restart_handled && ret == -EINTR)
		/* rt_sigreturn restored -EINTR: the parked call was not restarted
		 * (the program may now enter the same call again, a new one) */
		flush_pending(tr, t, -EINTR);
	if (is_restart(ret)) {
		t->pending = t->call;
		t->pending.ret = ret;
		t->restart_pending = 1;
		t->restart_sig = 0;
		t->restart_handled = 0;
		return;
	}
	if (t->call.fail_after) {
		/* the call ran (a close released its fd); user space sees ours */
		t->call.injected = 1;
		t->call.ret = -t->call.fail_after;
	}
	if (t->call.injected)
		/* skipped with orig_rax = -1: the kernel set -ENOSYS; put ours */
		regs_set_return(t->tid, t->call.ret);
	else
		t->call.ret = ret;
	t->call.finished = 1;
	t->call.t_exit = fl_now_ns();
	report_exit(tr, t, &t->call);
}

static void on_syscall_stop(struct rec_tracer *tr, struct rec_thread *t)
{
	struct __ptrace_syscall_info si;
	memset(&si, 0, sizeof si);
	if (ptrace(PTRACE_GET_SYSCALL_INFO, t->tid, sizeof si, &si) <= 0)
		return;
	if (si.op == PTRACE_SYSCALL_INFO_ENTRY) {
		on_entry(tr, t, (long)si.entry.nr, (const uint64_t *)si.entry.args,
			 si.instruction_pointer, si.stack_pointer);
	} else if (si.op == PTRACE_SYSCALL_INFO_EXIT) {
		on_exit_stop(tr, t, si.exit.rval);
	} else if (si.op == PTRACE_SYSCALL_INFO_SECCOMP) {
		on_entry(tr, t, (long)si.seccomp.nr, (const uint64_t *)si.seccomp.args,
			 si.instruction_pointer, si.stack_pointer);
	}
}

static void gone(struct rec_tracer *tr, struct rec_thread *t, int status)
{
	flush_pending(tr, t, t->pending.ret);
	if (t->in_call) {
		t->in_call = 0;
		t->call.finished = 0;
		t->call.t_exit = fl_now_ns();
		report_exit(tr, t, &t->call);
	}
	if (tr->ops->gone)
		tr->ops->gone(tr->ctx, t, status);
	tdel(tr, t->tid);
}

/* Creator's PTRACE_EVENT_{FORK,VFORK,CLONE}. */
static void on_spawn_event(struct rec_tracer *tr, struct rec_thread *p, int event)
{
	unsigned long msg = 0;
	if (ptrace(PTRACE_GETEVENTMSG, p->tid, 0, &msg) < 0)
		return;
	pid_t ctid = (pid_t)msg;
	int is_thread = 0;
	if (event == PTRACE_EVENT_CLONE) {
		uint64_t flags = p->call.args[0];
		const struct rec_sys *s = p->call.sys;
		if (s && s->arg[0] == A_CLONE_ARGS)
			rec_mem_read(p->tid, p->call.args[0], &flags, sizeof flags);
		is_thread = (flags & CLONE_THREAD) != 0;
	}
	struct rec_thread *c = tfind(tr, ctid);
	int was_waiting = c && c->awaiting_parent;
	if (!c)
		c = tadd(tr, ctid);
	c->pid = is_thread ? p->pid : ctid;
	c->parent_tid = p->tid;
	c->started = p->started;
	p->nspawned++;
	if (strlen(p->ident) + 12 < sizeof c->ident) {
		snprintf(c->ident, sizeof c->ident, "%.50s.%u", p->ident, p->nspawned);
	} else {
		/* a deep chain: fold the creator's path into a hash */
		uint64_t h = fl_fnv1a(FL_FNV_OLD, p->ident, strlen(p->ident));
		snprintf(c->ident, sizeof c->ident, "#%016llx.%u", (unsigned long long)h,
			 p->nspawned);
	}
	if (tr->ops->spawn)
		tr->ops->spawn(tr->ctx, p, c, is_thread);
	if (was_waiting) {
		c->awaiting_parent = 0;
		resume(tr, c, 0);
	}
}

static void on_exec_event(struct rec_tracer *tr, struct rec_thread *t)
{
	unsigned long old = 0;
	ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &old);
	struct rec_thread *x = t;
	if ((pid_t)old != t->tid) {
		/* exec from a non-leader thread: `t` is the stale leader record */
		struct rec_thread *o = tfind(tr, (pid_t)old);
		if (o) {
			pid_t leader = t->tid;
			gone(tr, t, -1);
			x = trekey(tr, o, leader);
		}
	}
	if (x->tid == tr->root && !tr->root_started) {
		x->started = 1;
		tr->root_started = 1;
	}
	if (tr->ops->exec && x->started)
		tr->ops->exec(tr->ctx, x);
}

static int is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

static void child_main(const struct rec_opts *o, void *ctx, int rd)
{
	char c;
	while (read(rd, &c, 1) < 0 && errno == EINTR)
		;
	close(rd);
	if (o->new_pgrp)
		setpgid(0, 0);
	if (o->stdin_null) {
		int fd = open("/dev/null", O_RDONLY);
		if (fd >= 0 && fd != 0) {
			dup2(fd, 0);
			close(fd);
		}
	}
	if (o->quiet_fd >= 0) {
		dup2(o->quiet_fd, 1);
		dup2(o->quiet_fd, 2);
		if (o->quiet_fd > 2)
			close(o->quiet_fd);
	}
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	if (o->child_setup && o->child_setup(ctx) < 0)
		_exit(126);
	extern char **environ;
	execve(o->exe, o->argv, o->envp ? o->envp : environ);
	_exit(errno == ENOENT ? 127 : 126);
}

/* Fork the program and seize it (Start-up above); the root thread is in the
 * table and ops->spawn has seen it. */
static int start_child(struct rec_tracer *tr, void *ctx)
{
	const struct rec_opts *o = tr->o;
	int pfd[2], rc;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid < 0) {
		rc = -errno;
		close(pfd[0]);
		close(pfd[1]);
		return rc;
	}
	if (pid == 0) {
		close(pfd[1]);
		child_main(o, ctx, pfd[0]);
	}
	close(pfd[0]);
	tr->root = pid;
	tr->res->root_pid = pid;
	long opts = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
		    PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;
	if (o->mode == REC_MODE_SECCOMP)
		opts |= PTRACE_O_TRACESECCOMP;
	if (ptrace(PTRACE_SEIZE, pid, 0, (void *)opts) < 0 ||
	    ptrace(PTRACE_INTERRUPT, pid, 0, 0) < 0) {
		rc = -errno;
		kill(pid, SIGKILL);
		close(pfd[1]);
		waitpid(pid, NULL, 0);
		return rc;
	}
	struct rec_thread *root = tadd(tr, pid);
	snprintf(root->ident, sizeof root->ident, "1");
	if (tr->ops->spawn)
		tr->ops->spawn(tr->ctx, NULL, root, 0);   /* the first process: no creator */
	close(pfd[1]);
	return 0;
}

/* The next stop or exit status of any tracee: its tid, or -1 when waitpid
 * says ECHILD (every tracee is reaped).  A stop request or the timeout,
 * seen before a wait or when SIGALRM interrupts one, kills every tracee
 * once; the loop then waits for their exits. */
static pid_t next_event(struct rec_tracer *tr, int *status)
{
	for (;;) {
		if (!tr->killing && (rec_stop_requested ||
				     (tr->deadline && fl_now_ns() > tr->deadline))) {
			tr->killing = 1;
			tr->res->interrupted = rec_stop_requested;
			tr->res->timed_out = !rec_stop_requested;
			kill_all(tr);
		}
		pid_t w = waitpid(-1, status, __WALL);
		mem_gen++;   /* whatever was prefetched may have changed */
		if (w >= 0)
			return w;
		if (errno != EINTR)
			return -1;   /* ECHILD: every tracee is reaped */
	}
}

/* WIFEXITED/WIFSIGNALED: the root's status is the program's. */
static void on_reaped(struct rec_tracer *tr, struct rec_thread *t, pid_t w, int status)
{
	struct rec_result *res = tr->res;
	if (w == tr->root) {
		res->status = status;
		res->exit_code = WIFEXITED(status) ? WEXITSTATUS(status)
						   : 128 + WTERMSIG(status);
		if (!tr->root_started && WIFEXITED(status))
			res->exec_failed = WEXITSTATUS(status) == 127 ? ENOENT
				: WEXITSTATUS(status) == 126 ? EACCES : 0;
	}
	if (t)
		gone(tr, t, status);
}

/* A signal-delivery stop: reported, then the signal is delivered. */
static void on_signal_stop(struct rec_tracer *tr, struct rec_thread *t, int sig)
{
	if (t->restart_pending)
		t->restart_sig = 1;
	if (tr->ops->signal && t->started)
		tr->ops->signal(tr->ctx, t, sig);
	resume(tr, t, sig);
}

/* A PTRACE_EVENT_* stop other than seccomp's. */
static void on_ptrace_event(struct rec_tracer *tr, struct rec_thread *t, int event, int sig)
{
	pid_t w = t->tid;
	switch (event) {
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		on_spawn_event(tr, t, event);
		resume(tr, t, 0);
		break;
	case PTRACE_EVENT_EXEC:
		on_exec_event(tr, t);
		t = tfind(tr, w);   /* `t` may have been the stale leader record */
		if (t)
			resume(tr, t, 0);
		break;
	case PTRACE_EVENT_STOP:
		if (is_stop_signal(sig)) {
			t->group_stopped = 1;
			ptrace(PTRACE_LISTEN, w, 0, 0);
		} else {
			t->group_stopped = 0;
			resume(tr, t, 0);
		}
		break;
	default:
		resume(tr, t, 0);
	}
}

/* One waitpid() result: every stopped tracee leaves here resumed (or
 * listening, in a group-stop), killed, or awaiting its creator's event. */
static void dispatch_event(struct rec_tracer *tr, pid_t w, int status)
{
	struct rec_thread *t = tfind(tr, w);
	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		on_reaped(tr, t, w, status);
		return;
	}
	if (!WIFSTOPPED(status))
		return;
	if (tr->killing) {
		kill(w, SIGKILL);
		ptrace(PTRACE_CONT, w, 0, 0);
		return;
	}
	if (!t) {
		/* a new child whose creator's event has not arrived yet */
		t = tadd(tr, w);
		t->awaiting_parent = 1;
		return;
	}
	int sig = WSTOPSIG(status), event = status >> 16;
	if (sig == (SIGTRAP | 0x80) || event == PTRACE_EVENT_SECCOMP) {
		on_syscall_stop(tr, t);
		resume(tr, t, 0);
	} else if (event == 0) {
		on_signal_stop(tr, t, sig);
	} else {
		on_ptrace_event(tr, t, event, sig);
	}
}

/* Free the thread table and give faultline its CPU mask back. */
static void tracer_free(struct rec_tracer *tr)
{
	for (int i = 0; i < NBUCKET; i++) {
		while (tr->bucket[i]) {
			struct tnode *n = tr->bucket[i];
			tr->bucket[i] = n->next;
			free(n);
		}
	}
	place_end(tr);
	free(tr);
}

int rec_trace(const struct rec_opts *o, const struct rec_ops *ops, void *ctx,
	      struct rec_result *res)
{
	static const struct rec_ops none;
	struct rec_tracer *tr = xcalloc(1, sizeof *tr);

	memset(res, 0, sizeof *res);
	tr->o = o;
	tr->ops = ops ? ops : &none;
	tr->ctx = ctx;
	tr->res = res;
	rec_sys_init();

	place_start(tr, o);
	int rc = start_child(tr, ctx);
	if (rc < 0)
		goto out;

	struct sigaction sa, old_alrm;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, &old_alrm);
	struct itimerval tick = { { 0, 100000 }, { 0, 100000 } };
	setitimer(ITIMER_REAL, &tick, NULL);
	tr->deadline = o->timeout_ms ? fl_now_ns() + o->timeout_ms * 1000000ull : 0;

	int status;
	pid_t w;
	while ((w = next_event(tr, &status)) >= 0)
		dispatch_event(tr, w, status);

	memset(&tick, 0, sizeof tick);
	setitimer(ITIMER_REAL, &tick, NULL);
	sigaction(SIGALRM, &old_alrm, NULL);
out:
	tracer_free(tr);
	return rc;
}
