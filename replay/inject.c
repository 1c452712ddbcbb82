/*
 * replay/inject.c - arming one fault in a run: the tracer callbacks and the
 * seccomp filter.
 *
 * The filter traces exactly the syscalls of the armed families (rows of the
 * syscall table); the entry callback sees those calls only, counts them per
 * thread (the tracer keeps rec_thread.fam_count) and injects when the
 * thread's creation path and count match the point.  With persist, every
 * later call of the family, in any thread, fails the same way.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <seccomp.h>
#include <signal.h>
#include <string.h>
#include <time.h>

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

static int arm(struct rpl_injector *in, struct rec_thread *t, struct rec_call *c)
{
	const struct rpl_arm *a = in->arm;
	switch (a->fault.kind) {
	case FAULT_ERRNO:
		t->inject_errno = a->err;
		return REC_ACT_ERRNO;
	case FAULT_SHORT: {
		uint64_t n = c->args[2];
		if (n < 2)
			return REC_ACT_NONE;   /* nothing shorter than one byte */
		/* 1 .. n-1 bytes, chosen by the seed */
		t->inject_count = 1 + mix(a->seed ^ n ^ a->nth) % (n - 1);
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
	}
	return REC_ACT_NONE;
}

static int on_entry(void *ctx, struct rec_thread *t, struct rec_call *c)
{
	struct rpl_injector *in = ctx;
	const struct rpl_arm *a = in->arm;
	if (!c->sys || c->sys->family != a->family || c->restarted)
		return REC_ACT_NONE;
	if (in->fired)
		return a->persist ? arm(in, t, c) : REC_ACT_NONE;
	if (t->fam_count[a->family] != a->nth || strcmp(t->ident, a->ident))
		return REC_ACT_NONE;
	int act = arm(in, t, c);
	if (act == REC_ACT_NONE && a->fault.kind == FAULT_SHORT)
		return act;    /* not applicable here: leave it unfired */
	in->fired = 1;
	in->fired_seq = t->fam_count[a->family];
	snprintf(in->fired_call, sizeof in->fired_call, "%s", c->sys->name);
	return act;
}

const struct rec_ops rpl_inject_ops = { .entry = on_entry };

int rpl_seccomp_install(uint64_t fams)
{
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
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	return rc;
}
