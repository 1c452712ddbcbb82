/*
 * replay/baseline.c - the baseline run of a sweep.
 *
 * rpl_baseline() runs the program once with nothing armed (--setup, the
 * program with the sweep's families traced and counted, --check) through
 * the runner, stores it as the sweep's run with fault "none" and judges
 * it: a run that did not end clean says why in one line (base_failed(),
 * with a hint at files the runs do not see); a clean one must reach every
 * planned point again (base_reached(), which may switch the thread key to
 * path); base_warn_leaks() says what of the host the runs share.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../record/syscalls.h"
#include "runner.h"

struct base_ctx {
	struct rpl_done d;
	int got;
};

static void base_done(void *arg, size_t i, struct rpl_done *d)
{
	struct base_ctx *b = arg;
	(void)i;
	b->d = *d;
	/* the runner frees d's buffers: keep copies */
	sb_init(&b->d.output);
	sb_init(&b->d.counts);
	sb_init(&b->d.explore);
	if (d->output.s)
		sb_puts(&b->d.output, d->output.s);
	if (d->counts.s)
		sb_puts(&b->d.counts, d->counts.s);
	sb_init(&b->d.leaks);
	if (d->leaks.s)
		sb_puts(&b->d.leaks, d->leaks.s);
	b->got = 1;
}

/* The last non-empty line of s, at most max bytes of it. */
static void last_line(const char *s, char *buf, size_t max)
{
	buf[0] = 0;
	if (!s)
		return;
	const char *end = s + strlen(s);
	while (end > s && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	const char *b = end;
	while (b > s && b[-1] != '\n')
		b--;
	size_t n = (size_t)(end - b) < max - 1 ? (size_t)(end - b) : max - 1;
	memcpy(buf, b, n);
	buf[n] = 0;
}

/* How many calls of family fam thread ident made in the baseline run. */
static unsigned base_count(const char *counts, const char *ident, int fam)
{
	unsigned best = 0;
	size_t il = strlen(ident);
	for (const char *l = counts; l && *l;) {
		const char *e = strchr(l, '\n');
		int f;
		unsigned n;
		if (!strncmp(l, "count ", 6) && !strncmp(l + 6, ident, il) && l[6 + il] == ' ' &&
		    sscanf(l + 7 + il, "%d %u", &f, &n) == 2 && f == fam && n > best)
			best = n;
		l = e ? e + 1 : l + strlen(l);
	}
	return best;
}

/* A word of cmd that names a file in the recorded directory that exists
 * there now but not in what the runs see (the snapshot): the usual reason
 * a check "cannot open" its script.  Appends a hint to out. */
static void hint_unrecorded(const char *cmd, const struct store_rec *r, struct sb *out)
{
	char buf[4096], *w[RPL_SHELL_WORDS + 1];
	size_t cl = strlen(r->cwd);
	const char *lower = rpl_runner_lower();
	if (!cmd || !lower[0] || !strcmp(lower, r->cwd))
		return;
	snprintf(buf, sizeof buf, "%s", cmd);
	int n = 0;
	for (char *tok = strtok(buf, " \t'\";|&<>()"); tok && n < RPL_SHELL_WORDS;
	     tok = strtok(NULL, " \t'\";|&<>()"))
		w[n++] = tok;
	for (int i = 0; i < n; i++) {
		const char *rel = w[i];
		if (rel[0] == '-')
			continue;
		if (rel[0] == '/') {
			if (strncmp(rel, r->cwd, cl) || rel[cl] != '/')
				continue;
			rel += cl + 1;
		}
		char host[PATH_MAX * 2], snap[PATH_MAX * 2];
		struct stat sb;
		snprintf(host, sizeof host, "%s/%s", r->cwd, rel);
		snprintf(snap, sizeof snap, "%s/%s", lower, rel);
		if (stat(host, &sb) == 0 && S_ISREG(sb.st_mode) && lstat(snap, &sb) < 0) {
			sb_printf(out, "; '%s' was created after `record`: runs see the directory '%s' "
				  "as it was recorded (give the script's absolute path outside it, or "
				  "record again)", rel, r->cwd);
			return;
		}
	}
}

/* A baseline that did not end clean: say why, with the output's last
 * line and a hint at files the runs do not see. */
static void base_failed(const struct rpl_cfg *cfg, const struct store_rec *r,
			const struct rpl_done *d)
{
	char tail[240];
	last_line(d->output.s, tail, sizeof tail);
	struct sb hint;
	sb_init(&hint);
	hint_unrecorded(d->setup_failed ? cfg->setup : cfg->check, r, &hint);
	if (d->setup_failed) {
		fl_error("baseline: --setup failed with nothing injected: %s%s", tail,
			 hint.s ? hint.s : "");
	} else if (d->oc == OUT_ERROR && d->res.check_ran &&
		   (d->res.check_code == 126 || d->res.check_code == 127)) {
		struct sb o;
		sb_init(&o);
		/* the check's own complaint: the line after "--- check:" */
		const char *ck = d->output.s ? strstr(d->output.s, "--- check:") : NULL;
		const char *nl = ck ? strchr(ck, '\n') : NULL;
		if (nl && nl[1]) {
			sb_puts(&o, nl + 1);
			char *e = strchr(o.s, '\n');
			if (e)
				*e = 0;
		}
		fl_error("baseline: the check could not run (exit %d%s%s)%s", d->res.check_code,
			 o.s ? ": " : "", o.s ? o.s : "", hint.s ? hint.s : "");
		sb_free(&o);
	} else if (d->oc == OUT_BROKEN) {
		fl_error("baseline: the check fails with nothing injected (exit %d): %s%s",
			 d->res.check_code, tail, hint.s ? hint.s : "");
	} else if (d->oc == OUT_HANG) {
		fl_error("baseline: the program outlived --timeout (%ld s) with nothing injected; "
			 "give a longer --timeout", cfg->timeout_s);
	} else if (d->oc == OUT_CRASH) {
		fl_error("baseline: the program dies of SIG%s with nothing injected",
			 sigabbrev_np(d->res.signal) ? sigabbrev_np(d->res.signal) : "?");
	} else {
		fl_error("baseline: the run failed (%s): %s", rpl_outcome_name[d->oc], tail);
	}
	sb_free(&hint);
}

/* A clean baseline: did it reach every planned point again?  Under the
 * thread key, a program whose files' order of calls held although its
 * threads' did not switches cfg->key to path.  0, or -EAGAIN (said). */
static int base_reached(struct rpl_cfg *cfg, const struct rpl_spec *specs, size_t n,
			const struct rpl_done *d)
{
	size_t planned = 0, missing = 0;
	const struct ana_point *first = NULL;
	unsigned first_got = 0;
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < specs[i].n; k++) {
			const struct ana_point *p = specs[i].p[k];
			if (p->id <= 0 || (k > 0 && p == specs[i].p[0]))
				continue;
			planned++;
			unsigned got = base_count(d->counts.s, p->ident, p->family);
			if (got < p->nth && !missing++) {
				first = p;
				first_got = got;
			}
		}
	size_t same = 0, other = 0, pmiss = 0;
	const char *kl = d->counts.s ? strstr(d->counts.s, "keys ") : NULL;
	if (kl)
		sscanf(kl, "keys %zu %zu %zu", &same, &other, &pmiss);
	int thread_ok = !missing && !other;
	if (cfg->key == RPL_KEY_PATH && pmiss) {
		fl_error("baseline: with nothing injected the program did not reach %zu of %zu "
			 "planned fault points by path (--key path): it does not repeat its "
			 "recorded calls; --no-baseline sweeps anyway", pmiss, planned);
		return -EAGAIN;
	}
	if (cfg->key != RPL_KEY_THREAD || thread_ok)
		return 0;
	if (!cfg->key_set && kl && !pmiss) {
		/* the threads' order of calls is not stable (a runtime that
		 * moves work between threads), the files' order is */
		if (!cfg->quiet)
			fl_warn("baseline: the thread key is unstable here (%zu of %zu planned points "
				"not reached, %zu reached on another target); every target's own "
				"order of calls held: using --key path", missing, planned, other);
		cfg->key = RPL_KEY_PATH;
		return 0;
	}
	if (!missing)
		return 0;   /* --key thread: reached, the divergence check judges each run */
	fl_error("baseline: with nothing injected the program did not reach %zu of %zu "
		 "planned fault points (e.g. point %ld: thread %s made %u %s calls, the "
		 "recording %u): the program does not repeat its recorded calls, so those "
		 "runs would be not_reached; --no-baseline sweeps anyway", missing,
		 planned, first->id, first->ident, first_got,
		 rec_families[first->family].name, first->nth);
	return -EAGAIN;
}

/* What the baseline showed of the runs' isolation. */
static void base_warn_leaks(const struct rpl_cfg *cfg, const struct rpl_done *d)
{
	if (!d->leaks.len || cfg->quiet)
		return;
	if (!strcmp(d->leaks.s, "/"))
		fl_warn("runs are isolated in the working directory only: writes elsewhere "
			"(/tmp, $HOME ...) reach the host and later runs%s",
			cfg->cwd_only ? " (--isolate cwd)" : geteuid() ? " (not root: no mount "
			"namespace, each run works in a copy of the directory)" :
			" (no overlay of / here)");
	else
		fl_warn("not isolated (writes reach the host): %s", d->leaks.s);
}

int rpl_baseline(struct rpl_cfg *cfg, struct store *st, const struct store_rec *r,
		 const struct rpl_spec *specs, size_t n, long sweep)
{
	if (cfg->no_baseline)
		return 0;
	struct rpl_spec base;
	memset(&base, 0, sizeof base);
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < specs[i].n; k++)
			base.fams |= 1ull << specs[i].p[k]->family;
	base.plan = specs;
	base.nplan = n;
	struct rpl_cfg c = *cfg;
	c.jobs = 1;
	c.explore = 0;
	c.persist = 0;
	struct base_ctx b;
	memset(&b, 0, sizeof b);
	int rc = rpl_run_all(&c, st, r, &base, 1, NULL, base_done, &b);
	if (rc < 0)
		return rc;
	if (!b.got)
		return -EINTR;
	struct rpl_done *d = &b.d;
	struct store_run sr = {
		.sweep = sweep, .rec = r->id, .point = 0, .fault = "none", .faults = "",
		.repro = "", .seed = (uint64_t)cfg->seed,
	};
	rpl_store_run(st, &sr, d, cfg->db);   /* nothing armed: d->nfired is 0 */
	if (d->setup_failed || d->oc != OUT_CLEAN) {
		base_failed(cfg, r, d);
		rc = -EAGAIN;
	} else {
		rc = base_reached(cfg, specs, n, d);
	}
	base_warn_leaks(cfg, d);
	if (rc == 0 && d->res.exit_code != r->exit_code && !cfg->quiet)
		fl_warn("baseline: the program exited %d, the recording %d", d->res.exit_code,
			r->exit_code);
	sb_free(&d->output);
	sb_free(&d->counts);
	sb_free(&d->explore);
	sb_free(&d->leaks);
	return rc;
}
