/*
 * replay/sweep_out.c - what a sweep of `faultline replay` writes out.
 *
 * rpl_sweep_done() gets each finished run from the runner (depth.c's
 * phase 2 too): it stores the run, keeps what depth 2 needs, groups a bug
 * run into its distinct failure, prints its line (or writes its --json
 * object, or its --junit case) and counts it.  At the end
 * rpl_print_summary() prints the counts, what was not planned and the
 * distinct failures, as text or the rest of the --json object, and writes
 * --junit; rpl_print_dry_run() is --dry-run's account of the plan.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../analyze/ana.h"
#include "../record/syscalls.h"
#include "rpl.h"
#include "runner.h"

#include "sweep.h"

/* ---- each run ------------------------------------------------------------- */

/* The run's line (text output): outcome, point, fault, site, how it
 * ended, and its repro; why, for an error or a divergence. */
static void print_run(const struct opts *o, const struct rpl_spec *s, const struct rpl_done *d,
		      const char *fault, const char *site, const char *repro)
{
	const struct ana_point *p = s->p[0];
	printf("%-11s point %-5ld %-10s %-8s %s", rpl_outcome_name[d->oc], p->id, p->name, fault,
	       site);
	if (d->res.signal)
		printf("  [SIG%s]", sigabbrev_np(d->res.signal) ? sigabbrev_np(d->res.signal) : "?");
	else
		printf("  [exit %d]", d->res.exit_code);
	if (p->path)
		printf("  %s", p->path);
	printf("\n    repro: %s\n", repro);
	if (d->oc == OUT_ERROR || d->oc == OUT_DIVERGED) {
		/* why: the output's last line (faultline's or the check's) */
		const char *t = d->output.s ? d->output.s : "";
		size_t n = strlen(t);
		while (n && t[n - 1] == '\n')
			n--;
		size_t b = n;
		while (b && t[b - 1] != '\n')
			b--;
		printf("    why: %.*s\n", (int)(n - b), t + b);
	}
	if (o->cfg.keep)
		printf("    run directory: %s\n", d->dir);
	fflush(stdout);
}

/* --json: the run's object in the runs array. */
static void json_run(struct json *j, long run, const struct rpl_spec *s,
		     const struct rpl_done *d, const char *faults, const char *site,
		     const char *repro)
{
	const struct ana_point *p = s->p[0];
	rpl_json_run_begin(j, run);
	json_kint(j, "point", p->id);
	json_kstr(j, "syscall", p->name);
	json_kstr(j, "family", rec_families[p->family].name);
	json_kstr(j, "fault", s->f[0].spec);
	rpl_json_run_result(j, faults, d);
	json_kbool(j, "fired", d->nfired);
	json_kstr(j, "site", site);
	json_kstr(j, "path", p->path);
	json_kstr(j, "repro", repro);
	json_end(j);
}

/* A bug run joins its distinct failure; any other run is a JUnit case of
 * its own (a bug run is counted in its distinct failure's test case). */
static void note_run(struct sweep_ctx *x, long run, const struct rpl_spec *s,
		     const struct rpl_done *d, const char *faults, const char *site,
		     const char *repro)
{
	const struct ana_point *p = s->p[0];
	if (rpl_outcome_is_bug(d->oc)) {
		struct sb sig;
		sb_init(&sig);
		ana_failure_sig(rpl_outcome_name[d->oc], s->n > 1 ? faults : s->f[0].spec, site,
				d->output.s, &sig);
		ana_failures_add(&x->failures, sig.s, run, rpl_outcome_name[d->oc], repro);
		sb_free(&sig);
	} else if (x->o->junit) {
		struct sb name;
		sb_init(&name);
		sb_printf(&name, "point %ld %s %s at %s", p->id, p->name, faults, site);
		rpl_junit_case(&x->junit, rec_families[p->family].name, name.s, d->oc, d->secs,
			       repro, d->output.s);
		sb_free(&name);
	}
}

void rpl_sweep_done(void *arg, size_t i, struct rpl_done *d)
{
	struct sweep_ctx *x = arg;
	const struct opts *o = x->o;
	const struct rpl_spec *s = &x->plan[i];
	const struct ana_point *p = s->p[0];
	struct sb repro, faults, lab;
	sb_init(&repro);
	sb_init(&faults);
	sb_init(&lab);
	rpl_spec_repro(&o->cfg, x->r->id, s, &repro);
	rpl_spec_faults(s, &faults);
	if (d->setup_failed && !o->cfg.quiet)
		fl_warn("--setup failed in the run of point %ld: %s", p->id,
			d->output.s ? d->output.s : "");
	if (x->explore && !x->phase2) {
		x->explore[i] = xstrdup(d->explore.s ? d->explore.s : "");
		x->post_hash[i] = d->post_hash;
		x->oc[i] = d->oc;
	}
	struct store_run sr = {
		.sweep = x->sweep, .rec = x->r->id, .point = p->id,
		.fault = s->n > 1 ? faults.s : s->f[0].spec, .faults = faults.s, .repro = repro.s,
		.seed = (uint64_t)o->cfg.seed,
	};
	long run = rpl_store_run(x->st, &sr, d, o->cfg.db);
	/* symbolising is costly the first time: only when something shows it */
	if (o->junit || o->json || o->all || rpl_outcome_is_bug(d->oc))
		ana_site_label(x->st, x->r->id, p->site, &lab);
	note_run(x, run, s, d, faults.s, lab.s, repro.s);
	if (o->json)
		json_run(&x->jw, run, s, d, faults.s, lab.s, repro.s);
	else if (o->all || rpl_outcome_is_bug(d->oc) || d->oc == OUT_ERROR)
		print_run(o, s, d, s->n > 1 ? faults.s : s->f[0].spec, lab.s, repro.s);
	x->done++;
	x->count[d->oc]++;
	x->nbug += rpl_outcome_is_bug(d->oc);
	if (x->tty) {
		double el = (double)(fl_now_ns() - x->t0) / 1e9;
		double eta = el / (double)x->done * (double)(x->nplan - x->done);
		fprintf(stderr, "\r[%zu/%zu] %zu bug%s, %.0fs left   ", x->done, x->nplan, x->nbug,
			x->nbug == 1 ? "" : "s", eta);
	}
	sb_free(&repro);
	sb_free(&faults);
	sb_free(&lab);
}

/* How many points the n runs of plan fault first (runs of a point are
 * next to each other). */
static size_t plan_points(const struct rpl_spec *plan, size_t n)
{
	size_t np = 0;
	for (size_t i = 0; i < n; i++)
		np += i == 0 || plan[i].p[0] != plan[i - 1].p[0];
	return np;
}

/* "not_planned": [...], the runs left out and why. */
static void json_not_planned(struct json *j, const struct sweep_ctx *x)
{
	json_key(j, "not_planned");
	json_arr(j);
	for (int i = 1; i < SKIP__COUNT; i++) {
		if (!x->skipped[i])
			continue;
		json_obj(j);
		json_kint(j, "runs", (long long)x->skipped[i]);
		json_kstr(j, "reason", rpl_skip_name[i]);
		json_kstr(j, "why", rpl_skip_why[i]);
		json_kstr(j, "example", x->skip_example[i]);
		json_end(j);
	}
	json_end(j);
}

/* One line per reason runs were left out. */
static void print_not_planned(const struct sweep_ctx *x)
{
	for (int i = 1; i < SKIP__COUNT; i++)
		if (x->skipped[i])
			printf("%zu run%s not planned (%s; e.g. %s)\n", x->skipped[i],
			       x->skipped[i] == 1 ? "" : "s", rpl_skip_why[i], x->skip_example[i]);
}

/* --dry-run: the plan's numbers, as text or (--json) one JSON object. */
void rpl_print_dry_run(const struct sweep_ctx *x, int as_json)
{
	size_t np = plan_points(x->plan, x->nplan);
	if (!as_json) {
		printf("would run %zu runs over %zu points (%zu matching points, %ld failure IDs), "
		       "plus the baseline run\n", x->nplan, np, x->npoints_match, x->nfids);
		if (x->folded)
			printf("%zu run%s at %zu point%s left out: their failure ID runs at another "
			       "point (--every-point runs them)\n", x->folded_runs,
			       x->folded_runs == 1 ? "" : "s", x->folded, x->folded == 1 ? "" : "s");
		print_not_planned(x);
		return;
	}
	struct sb b;
	struct json j;
	sb_init(&b);
	json_init(&j, &b);
	json_obj(&j);
	json_kbool(&j, "dry_run", 1);
	json_kint(&j, "runs", (long long)x->nplan);
	json_kint(&j, "points", (long long)np);
	json_kint(&j, "matching_points", (long long)x->npoints_match);
	json_kint(&j, "failure_ids", x->nfids);
	json_kint(&j, "folded", (long long)x->folded);
	json_kint(&j, "folded_runs", (long long)x->folded_runs);
	json_not_planned(&j, x);
	json_end(&j);
	printf("%s\n", b.s);
	sb_free(&b);
}

/* ---- the summary ---------------------------------------------------------- */

/* --json: the runs written so far, then the summary and the distinct
 * failures. */
static void print_json(struct sweep_ctx *x, double secs, int complete, size_t total)
{
	struct json *j = &x->jw;
	json_end(j);   /* runs */
	json_key(j, "summary");
	json_obj(j);
	rpl_json_counts(j, x->count, x->done, x->nbug, secs);
	json_kbool(j, "complete", complete);
	json_kbool(j, "baseline", !x->o->cfg.no_baseline);
	json_kint(j, "points", (long long)x->npoints_match);
	json_kint(j, "failure_ids", x->nfids);
	json_kint(j, "planned", (long long)total);
	json_kint(j, "folded", (long long)x->folded);
	json_kint(j, "folded_runs", (long long)x->folded_runs);
	json_not_planned(j, x);
	json_end(j);   /* summary */
	json_key(j, "failures");
	json_arr(j);
	for (size_t i = 0; i < x->failures.n; i++) {
		const struct ana_failure *f = &x->failures.v[i];
		json_obj(j);
		json_kstr(j, "outcome", f->outcome);
		json_kstr(j, "signature", f->sig);
		json_kint(j, "runs", (long long)f->runs);
		json_kint(j, "example", f->example);
		json_kstr(j, "repro", f->repro);
		json_end(j);
	}
	json_end(j);
	json_end(j);
	printf("%s\n", x->json.s);
}

/* The summary: outcomes, what was not planned, the distinct failures. */
static void print_text(const struct sweep_ctx *x, double secs, size_t total, size_t already)
{
	printf("%s%zu runs over %zu points in %.1fs (sweep %ld):",
	       x->nbug || x->o->all ? "\n" : "", x->done, plan_points(x->plan, total), secs,
	       x->sweep);
	rpl_print_counts(x->count);
	if (x->done && (x->count[OUT_NOT_REACHED] || x->count[OUT_DIVERGED]))
		printf("inconclusive: %.1f%% not_reached, %.1f%% diverged (of %zu runs)\n",
		       100.0 * (double)x->count[OUT_NOT_REACHED] / (double)x->done,
		       100.0 * (double)x->count[OUT_DIVERGED] / (double)x->done, x->done);
	print_not_planned(x);
	if (x->failures.n) {
		printf("%zu distinct failure%s (%zu run%s):\n", x->failures.n,
		       x->failures.n == 1 ? "" : "s", x->nbug, x->nbug == 1 ? "" : "s");
		for (size_t i = 0; i < x->failures.n; i++)
			printf("  %zux %s\n    repro: %s\n", x->failures.v[i].runs,
			       x->failures.v[i].sig, x->failures.v[i].repro);
	}
	if (x->folded)
		printf("%zu run%s at %zu of %zu points left out: their failure ID ran at another "
		       "point (--every-point runs them)\n", x->folded_runs,
		       x->folded_runs == 1 ? "" : "s", x->folded, x->npoints_match);
	if (already)
		printf("%zu run%s already done (--resume)\n", already,
		       already == 1 ? " was" : "s were");
}

/* --junit: the other runs' cases so far, plus one test case per distinct
 * failure, not per bug run. */
static void write_junit(struct sweep_ctx *x, double secs)
{
	struct sb suite;
	sb_init(&suite);
	sb_printf(&suite, "faultline replay of %s (recording %ld, sweep %ld)", x->r->exe,
		  x->r->id, x->sweep);
	for (size_t i = 0; i < x->failures.n; i++) {
		const struct ana_failure *f = &x->failures.v[i];
		int k = rpl_outcome_by_name(f->outcome);
		enum rpl_outcome oc = k < 0 ? OUT_BROKEN : (enum rpl_outcome)k;
		struct sb name, out;
		sb_init(&name);
		sb_init(&out);
		sb_printf(&name, "failure %zu: %s", i + 1, f->sig);
		sb_printf(&out, "%zu runs fail this way; example: run %ld\n", f->runs, f->example);
		rpl_junit_case(&x->junit, "failure", name.s, oc, 0, f->repro, out.s);
		sb_free(&name);
		sb_free(&out);
	}
	if (rpl_junit_write(x->o->junit, suite.s, &x->junit, x->done - x->nbug + x->failures.n,
			    x->failures.n, x->count[OUT_NOT_REACHED] + x->count[OUT_DIVERGED] +
			    x->count[OUT_ERROR],
			    secs) < 0)
		fl_error("cannot write '%s': %s", x->o->junit, strerror(errno));
	sb_free(&suite);
}

void rpl_print_summary(struct sweep_ctx *x, double secs, int complete, size_t total,
		       size_t already)
{
	if (x->o->json)
		print_json(x, secs, complete, total);
	else
		print_text(x, secs, total, already);
	if (x->o->junit)
		write_junit(x, secs);
}
