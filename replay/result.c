/*
 * replay/result.c - the worker's result file: how a run ended, from the
 * worker to the parent.
 *
 * One "key value" line per field of d (RESULT_FIELDS), a line "--", then
 * the explore log, the baseline's counts and an "isolation" line as they
 * are.  The worker writes it with rpl_result_write(), the parent reads it
 * with rpl_result_read(): the one pair that knows the format.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "runner.h"

/* The result's fields: key, and where the value is in d. */
#define RESULT_FIELDS(X) \
	X("fired", d->nfired) X("first", d->first) X("timed_out", d->res.timed_out) \
	X("exit", d->res.exit_code) X("signal", d->res.signal) \
	X("check_ran", d->res.check_ran) X("check", d->res.check_code) \
	X("baseline", d->res.baseline) X("retryable", d->res.retryable) \
	X("reissued", d->res.reissued) X("diverged", d->res.diverged)

int rpl_result_write(FILE *f, const struct rpl_done *d, const struct sb *log,
		     const struct sb *counts, const struct sb *leaks)
{
#define W(k, v) fprintf(f, "%s %d\n", k, (int)(v));
	RESULT_FIELDS(W)
#undef W
	fprintf(f, "post_hash %llu\n--\n", (unsigned long long)d->post_hash);
	if (log->s)
		fputs(log->s, f);
	if (counts->s)
		fputs(counts->s, f);
	if (leaks->len)
		fprintf(f, "isolation %s\n", leaks->s);
	return ferror(f) ? -EIO : 0;
}

int rpl_result_read(FILE *f, struct rpl_done *d)
{
	char line[8192], key[32];
	int nf = 0, want = 0;
#define R(k, v) want++;
	RESULT_FIELDS(R)
#undef R
	while (fgets(line, sizeof line, f) && strcmp(line, "--\n")) {
		long long v;
		if (sscanf(line, "%31s %lld", key, &v) != 2)
			return -EINVAL;
		if (!strcmp(key, "post_hash"))
			d->post_hash = (uint64_t)v;
#define R(k, var) else if (!strcmp(key, k)) { var = (int)v; nf++; }
		RESULT_FIELDS(R)
#undef R
	}
	if (nf != want)
		return -EINVAL;
	while (fgets(line, sizeof line, f)) {
		if (!strncmp(line, "isolation ", 10)) {
			line[strcspn(line, "\n")] = 0;
			sb_puts(&d->leaks, line + 10);
		} else {
			sb_puts(!strncmp(line, "count ", 6) || !strncmp(line, "keys ", 5) ?
				&d->counts : &d->explore, line);
		}
	}
	d->res.fired = d->nfired > 0;
	return 0;
}
