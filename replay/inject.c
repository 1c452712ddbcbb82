/*
 * replay/inject.c - arming faults in a run: the tracer callbacks and the
 * seccomp filter.
 *
 * The filter traces exactly the syscalls of the armed families (rows of the
 * syscall table); the entry callback counts them per thread (the tracer
 * keeps rec_thread.fam_count) and injects when a thread's creation path
 * and count match an arm (or, with --key path/site, when the count of the
 * family's calls on the arm's target or from its call site does:
 * identity.c).  The call is first compared with the recorded one
 * (identity.c): a mismatch is not injected and makes the run `diverged`.  With persist, once an arm fired, every later
 * call of its family, in any thread, fails the same way.
 *
 * Crash faults (power loss just after the call) also trace the families the
 * crash model needs (rpl_crash_families) and hand it every traced call
 * (replay/crash.c); after the kill, rpl_inject_rollback() has it undo what
 * was not durable.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "../record/stack.h"
#include "../record/syscalls.h"
#include "rpl.h"

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	return x ^ (x >> 33);
}

/* ---- crash bookkeeping (replay/crash.c) ---------------------------------- */

static const struct rpl_fault *crash_fault(const struct rpl_injector *in)
{
	for (int i = 0; i < in->narms; i++)
		if (in->arms[i].fault.kind == FAULT_CRASH)
			return &in->arms[i].fault;
	return NULL;
}

int rpl_inject_rollback(struct rpl_injector *in)
{
	int distinct = 1;
	int rc = in->crash ? rpl_crash_rollback(in->crash, &distinct) : 0;
	if (!distinct)
		in->nfired = 0;   /* this torn prefix does not exist: not reached */
	return rc;
}

void rpl_inject_free(struct rpl_injector *in)
{
	rpl_crash_free(in->crash);
	in->crash = NULL;
}

/* ---- arming ------------------------------------------------------------ */

static int arm(struct rpl_injector *in, const struct rpl_arm *a, struct rec_thread *t,
	       struct rec_call *c)
{
	switch (a->fault.kind) {
	case FAULT_ERRNO:
		t->inject_errno = a->err;
		/* Linux releases the descriptor even when close fails: do the
		 * close, then report the error */
		return c->sys->flags & SF_CLOSE ? REC_ACT_ERRNO_AFTER : REC_ACT_ERRNO;
	case FAULT_SHORT: {
		/* below what the call moved when recorded: a read asks for a
		 * whole buffer and gets less, so the count alone says little */
		uint64_t n = c->args[2];
		if (a->rec_ret >= 2 && (uint64_t)a->rec_ret < n)
			n = (uint64_t)a->rec_ret;
		if (n < 2)
			return REC_ACT_NONE;   /* nothing shorter than one byte */
		/* 1 .. n-1 bytes, chosen by the seed */
		t->inject_count = 1 + mix(in->seed ^ n ^ a->nth) % (n - 1);
		return REC_ACT_SHORT;
	}
	case FAULT_DELAY: {
		struct timespec ts = { a->fault.delay_ms / 1000,
				       (long)(a->fault.delay_ms % 1000) * 1000000L };
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
		return REC_ACT_NONE;
	}
	case FAULT_KILL:
		return REC_ACT_KILL;
	case FAULT_CRASH:
		in->crash_pending = t->tid;
		return REC_ACT_NONE;
	}
	return REC_ACT_NONE;
}

/* The fired call's target, to tell a reissue of it from another call. */
static void watch_target(struct rpl_injector *in, struct rec_thread *t, struct rec_call *c)
{
	const struct rec_sys *s = c->sys;
	int k = rec_sys_target(s);
	in->fired_fam = s->family;
	in->target_arg = -1;
	if (s->arg[k] == A_FD || s->arg[k] == A_DIRFD) {
		in->target_arg = k;
		in->fired_fd = c->args[k];
	} else if (s->arg[k] == A_PATH) {
		int cut = 0;
		if (rec_mem_str(t->tid, c->args[k], in->fired_path, sizeof in->fired_path, &cut) >= 0)
			in->target_arg = k;
	}
}

static int same_target(struct rpl_injector *in, struct rec_thread *t, struct rec_call *c)
{
	const struct rec_sys *s = c->sys;
	int k = in->target_arg;
	if (k < 0)
		return 1;
	if (s->arg[k] == A_FD || s->arg[k] == A_DIRFD)
		return c->args[k] == in->fired_fd;
	if (s->arg[k] != A_PATH)
		return 0;
	char p[sizeof in->fired_path];
	int cut = 0;
	return rec_mem_str(t->tid, c->args[k], p, sizeof p, &cut) >= 0 &&
	       !strcmp(p, in->fired_path);
}

static int on_call_entry(void *ctx, struct rec_thread *t, struct rec_call *c)
{
	struct rpl_injector *in = ctx;
	if (!c->sys || !c->sys->family || c->restarted || in->crashed)
		return REC_ACT_NONE;   /* (no family: sched_setaffinity, for tracer.c) */
	int fam = c->sys->family;
	int act = REC_ACT_NONE, hit = 0;
	uint64_t tk = 0, site = 0;   /* this call's target key and site, once */
	if (in->nfired && !in->reissued && t->tid == in->first_tid && fam == in->fired_fam)
		in->reissued = same_target(in, t, c);
	for (int i = 0; i < in->narms && !hit; i++) {
		const struct rpl_arm *a = &in->arms[i];
		if (a->family != fam)
			continue;
		if (in->fired[i]) {
			if (in->persist && a->fault.kind != FAULT_CRASH && a->fault.kind != FAULT_KILL) {
				act = arm(in, a, t, c);
				hit = 1;
			}
			continue;
		}
		if (!rpl_key_match(in, i, t, c, &tk, &site))
			continue;
		/* after a first fault the program's path is ours, not the
		 * recording's: later arms (fuzz, bisect, --with) count as is */
		if (in->check && !in->nfired && rpl_arm_diverged(in, a, t, c, &in->why)) {
			in->diverged++;
			continue;   /* another call than the recorded one: not injected */
		}
		act = arm(in, a, t, c);
		if (act == REC_ACT_NONE && a->fault.kind == FAULT_SHORT)
			continue;   /* not applicable to this call: leave it unfired */
		in->fired[i] = 1;
		if (!in->nfired++) {
			in->first = i;
			in->first_tid = t->tid;
			watch_target(in, t, c);
		}
		hit = 1;
	}
	if (in->explore && (in->nfired || in->explore == 2) && (!hit || in->explore == 2)) {
		static struct sb fr;
		sb_reset(&fr);
		uint64_t site = in->stk ? rec_stack_site(in->stk, t->pid, t->tid, 8, &fr) : 0;
		/* frames joined by '|', so the parent can name a site the
		 * recording never saw */
		for (size_t k = 0; k < fr.len; k++)
			if (fr.s[k] == '\n')
				fr.s[k] = '|';
		sb_printf(&in->log, "%d %s %u %llu %s %s\n", fam, t->ident, t->fam_count[fam],
			  (unsigned long long)site, c->sys->name, fr.len ? fr.s : "-");
		/* the recovery path: the faulted thread's own calls */
		if (t->tid == in->first_tid)
			in->post_hash = (in->post_hash ^ (uint64_t)c->nr ^ (site << 7)) *
					1099511628211ull;
	}
	if (in->nprobes && (in->count_fams & (1ull << fam)))
		rpl_probe_call(in, t, c);
	/* the crash model sees every call that runs */
	if (in->track_writes && act == REC_ACT_NONE) {
		const struct rpl_fault *f = crash_fault(in);
		if (!in->crash && f)
			in->crash = rpl_crash_new(f->crash_mode, f->torn_k);
		if (in->crash)
			rpl_crash_entry(in->crash, t, c);
	}
	return act;
}

static void on_call_exit(void *ctx, struct rec_thread *t, struct rec_call *c)
{
	struct rpl_injector *in = ctx;
	if (!c->sys || !c->finished)
		return;
	/* the bytes record gave the program (rec_sys_seeded); the thread's
	 * count of such calls lives in t->user */
	if (in->seed_random && c->ret > 0 && rec_sys_random_buf(c->sys) >= 0) {
		char l[64], dev[32] = "";
		int is_fd = c->sys->arg[0] == A_FD;
		if (is_fd && in->seed_urandom) {
			snprintf(l, sizeof l, "/proc/%d/fd/%d", t->pid, (int)c->args[0]);
			ssize_t k = readlink(l, dev, sizeof dev - 1);
			dev[k > 0 ? k : 0] = 0;
		}
		int rnd = rec_sys_seeded(c->sys, dev);
		if (rnd >= 0) {
			uintptr_t n = (uintptr_t)t->user + 1;
			t->user = (void *)n;
			fl_seeded_random(t->pid, c->args[rnd], (size_t)c->ret, in->seed, t->ident, n);
			if (!is_fd)
				return;
		}
	}
	if (in->crash && !in->crashed && c->sys->family)
		rpl_crash_exit(in->crash, t, c);
	if (in->crash_pending == t->tid && !in->crashed) {
		/* power loss right after this call: nothing after it happens */
		in->crashed = 1;
		pid_t pg = getpgid(t->pid);
		if (pg > 0 && pg != getpgrp())
			kill(-pg, SIGKILL);
		kill(t->pid, SIGKILL);
	}
}

static void on_gone(void *ctx, struct rec_thread *t, int status)
{
	struct rpl_injector *in = ctx;
	(void)status;
	for (int f = 1; f < FAM__COUNT && in->count_fams; f++)
		if ((in->count_fams & (1ull << f)) && t->fam_count[f])
			sb_printf(&in->counts, "count %s %d %u\n", t->ident, f, t->fam_count[f]);
}

const struct rec_ops rpl_inject_ops = { .entry = on_call_entry, .exit = on_call_exit,
					.gone = on_gone };

uint64_t rpl_inject_families(const struct rpl_arm *arms, int narms)
{
	uint64_t f = 0;
	if (narms < 0)   /* explore: every family */
		return ~0ull << 1;
	for (int i = 0; i < narms; i++) {
		f |= 1ull << arms[i].family;
		if (arms[i].fault.kind == FAULT_CRASH)
			f |= rpl_crash_families(arms[i].fault.crash_mode);
	}
	return f;
}

void rpl_seccomp_prepare(void)
{
	(void)seccomp_api_get();
}

/* The filter is compiled by libseccomp in the worker and only loaded by
 * the program's process, with two raw syscalls: nothing between its fork
 * and its execve allocates (each page a forked child first writes is a
 * copy, and they add up to a millisecond). */
int rpl_seccomp_build(uint64_t fams, struct rpl_filter *out)
{
	memset(out, 0, sizeof *out);
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return -ENOMEM;
	int rc = 0;
	for (size_t i = 0; i < rec_systab_len && rc == 0; i++) {
		const struct rec_sys *s = &rec_systab[i];
		if (!s->family || !(fams & (1ull << s->family)))
			continue;
		long nr = rec_sys_nr(s);
		if (nr < 0)
			continue;
		rc = seccomp_rule_add(ctx, SCMP_ACT_TRACE(0), (int)nr, 0);
	}
	if (rc == 0 && (fams & RPL_TRACE_RANDOM))
		rc = seccomp_rule_add(ctx, SCMP_ACT_TRACE(0), SCMP_SYS(getrandom), 0);
	/* the engine stops placing CPUs once the program places itself */
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_TRACE(0), SCMP_SYS(sched_setaffinity), 0);
	int fd = rc == 0 ? memfd_create("faultline-bpf", MFD_CLOEXEC) : -1;
	if (rc == 0 && fd < 0)
		rc = -errno;
	if (rc == 0)
		rc = seccomp_export_bpf(ctx, fd);
	seccomp_release(ctx);
	if (rc == 0) {
		off_t len = lseek(fd, 0, SEEK_END);
		if (len <= 0 || len % (off_t)sizeof(struct sock_filter) || len > 65536) {
			rc = -EINVAL;
		} else {
			out->insns = xmalloc((size_t)len);
			out->len = (unsigned short)(len / (off_t)sizeof(struct sock_filter));
			if (pread(fd, out->insns, (size_t)len, 0) != len)
				rc = -EIO;
		}
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

int rpl_seccomp_load(const struct rpl_filter *f)
{
	struct sock_fprog prog = { f->len, f->insns };
	if (!f->insns)
		return -EINVAL;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		return -errno;
	return 0;
}
