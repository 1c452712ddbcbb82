/*
 * replay/outcome.c - fault specs and the outcome of a run.
 *
 * Outcome rules, first match wins:
 *   not_reached  the fault never fired (the run diverged): inconclusive
 *   hang         the run outlived --timeout and was killed
 *   crash        killed by SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT or SIGSYS
 *   broken       the --check command failed
 *   silent       exit 0: the fault was swallowed (the check, if any, held)
 *   handled      a non-zero exit (or the kill/crash fault's SIGKILL), check held
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "../record/syscalls.h"
#include "rpl.h"

const char *const rpl_outcome_name[OUT__COUNT] = {
	"crash", "hang", "broken", "silent", "handled", "not_reached", "error",
};

int rpl_outcome_is_bug(enum rpl_outcome o)
{
	return o == OUT_CRASH || o == OUT_HANG || o == OUT_BROKEN;
}

enum rpl_outcome rpl_classify(const struct rpl_result *r)
{
	if (!r->fired)
		return OUT_NOT_REACHED;
	if (r->timed_out)
		return OUT_HANG;
	switch (r->signal) {
	case SIGSEGV: case SIGBUS: case SIGILL: case SIGFPE: case SIGABRT: case SIGSYS:
		return OUT_CRASH;
	}
	if (r->check_ran && r->check_code != 0)
		return OUT_BROKEN;
	if (r->exit_code == 0 && !r->signal)
		return OUT_SILENT;
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

int rpl_fault_applies(const struct rpl_fault *f, int family, const char *syscall)
{
	if (f->kind != FAULT_SHORT)
		return 1;
	(void)family;
	for (size_t i = 0; i < rec_systab_len; i++)
		if (!strcmp(rec_systab[i].name, syscall))
			return (rec_systab[i].flags & SF_SHORT) != 0;
	return 0;
}
