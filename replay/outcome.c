/*
 * replay/outcome.c - fault specs and the outcome of a run.
 *
 * Outcome rules, first match wins:
 *   diverged     the armed call was not the one recorded at that point (another
 *                syscall, target or call site): not injected, inconclusive
 *   not_reached  the fault never fired (the run diverged): inconclusive
 *   hang         the run outlived --timeout and was killed
 *   crash        killed by SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT or SIGSYS
 *   error        the --check could not run (exit 126 or 127: not found, not
 *                executable): says nothing about the program
 *   broken       the --check command failed
 *   clean        the baseline run (nothing injected): the check held
 *   retried      exit 0 after a short/eintr/EAGAIN fault that the program
 *                answered by issuing the call again: the right behaviour
 *   silent       exit 0: the fault was swallowed (the check, if any, held)
 *   handled      a non-zero exit (or the kill/crash fault's SIGKILL), check held
 *
 * Which faults can happen at a call (rpl_fault_skip) comes from the syscall
 * table: `short` needs a row with a byte count and a recorded transfer of at
 * least 2 bytes; EINTR a row with SF_EINTR; any other errno one its family
 * lists (rec_sys_errno_ok); EINTR and EAGAIN a target that is not a regular
 * file (disk I/O is not interrupted by a handled signal, and never waits for
 * buffer space).  --any-errno lifts the errno rules.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "../record/syscalls.h"
#include "rpl.h"

const char *const rpl_outcome_name[OUT__COUNT] = {
	"crash", "hang", "broken", "silent", "retried", "handled", "not_reached", "diverged",
	"error", "clean",
};

int rpl_outcome_is_bug(enum rpl_outcome o)
{
	return o == OUT_CRASH || o == OUT_HANG || o == OUT_BROKEN;
}

int rpl_outcome_by_name(const char *name)
{
	for (int i = 0; name && i < OUT__COUNT; i++)
		if (!strcmp(name, rpl_outcome_name[i]))
			return i;
	return -1;
}

enum rpl_outcome rpl_classify(const struct rpl_result *r)
{
	if (r->diverged)
		return OUT_DIVERGED;
	if (!r->fired && !r->baseline)
		return OUT_NOT_REACHED;
	if (r->timed_out)
		return OUT_HANG;
	switch (r->signal) {
	case SIGSEGV: case SIGBUS: case SIGILL: case SIGFPE: case SIGABRT: case SIGSYS:
		return OUT_CRASH;
	}
	if (r->check_ran && (r->check_code == 126 || r->check_code == 127))
		return OUT_ERROR;
	if (r->check_ran && r->check_code != 0)
		return OUT_BROKEN;
	if (r->baseline)
		return OUT_CLEAN;
	if (r->exit_code == 0 && !r->signal)
		return r->retryable && r->reissued ? OUT_RETRIED : OUT_SILENT;
	return OUT_HANDLED;
}

int rpl_fault_parse(const char *s, struct rpl_fault *f)
{
	memset(f, 0, sizeof *f);
	if (!strcasecmp(s, "short")) {
		f->kind = FAULT_SHORT;
		snprintf(f->spec, sizeof f->spec, "short");
	} else if (!strcasecmp(s, "kill")) {
		f->kind = FAULT_KILL;
		snprintf(f->spec, sizeof f->spec, "kill");
	} else if (!strcasecmp(s, "crash") || !strcasecmp(s, "crash:posix") ||
		   !strcasecmp(s, "crash:torn")) {
		f->kind = FAULT_CRASH;
		f->crash_mode = !strcasecmp(s, "crash") ? CRASH_ORDERED
				: !strcasecmp(s, "crash:posix") ? CRASH_POSIX : CRASH_TORN;
		snprintf(f->spec, sizeof f->spec, "%s", f->crash_mode == CRASH_ORDERED ? "crash"
				: f->crash_mode == CRASH_POSIX ? "crash:posix" : "crash:torn");
	} else if (!strncasecmp(s, "crash:torn/", 11)) {
		long k;
		if (fl_parse_long(s + 11, &k) || k < 1 || k > RPL_TORN_MAX)
			return -EINVAL;
		f->kind = FAULT_CRASH;
		f->crash_mode = CRASH_TORN;
		f->torn_k = (unsigned)k;
		snprintf(f->spec, sizeof f->spec, "crash:torn/%ld", k);
	} else if (!strncasecmp(s, "delay:", 6)) {
		long ms;
		if (fl_parse_long(s + 6, &ms) || ms < 0 || ms > 3600000)
			return -EINVAL;
		f->kind = FAULT_DELAY;
		f->delay_ms = (unsigned)ms;
		snprintf(f->spec, sizeof f->spec, "delay:%ld", ms);
	} else if (!strcasecmp(s, "default")) {
		f->kind = FAULT_ERRNO;
		snprintf(f->spec, sizeof f->spec, "default");
	} else {
		int e = fl_errno_from_name(!strcasecmp(s, "eintr") ? "EINTR" : s);
		if (e <= 0)
			return -EINVAL;
		f->kind = FAULT_ERRNO;
		f->err = e;
		snprintf(f->spec, sizeof f->spec, "%s", fl_errno_name(e));
	}
	return 0;
}

int rpl_fault_expand(const struct rpl_fault *f, long torn_max, struct rpl_fault *out)
{
	if (f->kind != FAULT_CRASH || f->crash_mode != CRASH_TORN || f->torn_k)
		torn_max = 1;
	for (long k = 0; out && k < torn_max; k++) {
		out[k] = *f;
		if (torn_max > 1 || (f->crash_mode == CRASH_TORN && !f->torn_k)) {
			out[k].torn_k = (unsigned)k + 1;
			snprintf(out[k].spec, sizeof out[k].spec, "crash:torn/%ld", k + 1);
		}
	}
	return (int)torn_max;
}

const char *const rpl_skip_name[SKIP__COUNT] = {
	[SKIP_SHORT_CALL] = "short_no_count", [SKIP_SHORT_SIZE] = "short_tiny",
	[SKIP_EINTR] = "eintr_never_waits", [SKIP_ERRNO] = "errno_not_returned",
	[SKIP_REGULAR] = "regular_file", [SKIP_CRASH_SAME] = "crash_same_state",
	[SKIP_TORN_CUTS] = "torn_no_cut",
};

const char *const rpl_skip_why[SKIP__COUNT] = {
	[SKIP_SHORT_CALL] = "short: the call has no byte count to shorten",
	[SKIP_SHORT_SIZE] = "short: the recorded call moved 0 or 1 byte, nothing shorter exists",
	[SKIP_EINTR] = "eintr: the call never waits, so no signal can interrupt it",
	[SKIP_ERRNO] = "the call never fails with that errno (--any-errno injects it anyway)",
	[SKIP_CRASH_SAME] = "crash: the call changes nothing on disk, so the state equals a "
			    "crash at the last call that did",
	[SKIP_TORN_CUTS] = "crash:torn/K: no write to a file recorded so far can be cut K times "
			   "at 512-byte boundaries",
	[SKIP_REGULAR] = "eintr/EAGAIN: I/O on a regular file neither waits for a signal nor "
			 "for buffer space",
};

enum rpl_skip rpl_fault_skip(const struct rpl_fault *f, const char *syscall, const char *fdkind,
			     int64_t rec_ret, int any_errno)
{
	const struct rec_sys *s = rec_sys_by_name(syscall);
	if (f->kind == FAULT_SHORT) {
		if (!s || !(s->flags & SF_SHORT))
			return SKIP_SHORT_CALL;
		return rec_ret < 2 ? SKIP_SHORT_SIZE : SKIP_NONE;
	}
	if (f->kind != FAULT_ERRNO || !f->err || any_errno || !s)
		return SKIP_NONE;
	if (!rec_sys_errno_ok(s, f->err))
		return f->err == EINTR ? SKIP_EINTR : SKIP_ERRNO;
	/* only slow devices (pipes, sockets, terminals) make a call wait */
	if ((f->err == EINTR || f->err == EAGAIN) && (s->flags & SF_EINTR) && fdkind &&
	    !strcmp(fdkind, "file"))
		return SKIP_REGULAR;
	return SKIP_NONE;
}

int rpl_crash_same(const struct rpl_fault *f, int family, const char *fdkind, const char *args,
		   int64_t rec_ret)
{
	if (f->kind != FAULT_CRASH)
		return 0;
	if (rec_ret < 0 || !(rec_fs_families & (1ull << family)))
		return 1;
	if (fdkind && strcmp(fdkind, "file"))
		return 1;   /* a pipe, a socket, a terminal: nothing on disk */
	/* an open changes the disk only when it creates or truncates */
	return family == FAM_OPEN && (!args || (!strstr(args, "O_CREAT") && !strstr(args, "O_TRUNC")));
}

int rpl_fault_retryable(const struct rpl_fault *f)
{
	return f->kind == FAULT_SHORT ||
	       (f->kind == FAULT_ERRNO && (f->err == EINTR || f->err == EAGAIN));
}
