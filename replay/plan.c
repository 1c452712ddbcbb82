/*
 * replay/plan.c - the plan of a sweep: which runs `faultline replay` makes.
 *
 * rpl_plan_sweep() fills x->plan with one run spec per matching point x
 * fault: by default only the first and the last point of each failure ID
 * (ana_fid_select), no fault that cannot happen at the call
 * (rpl_fault_skip, rpl_crash_same; counted in x->skipped), crash:torn
 * expanded into one run per prefix the writes so far can have, --with's
 * arms added to every run and, with --shard K/N, only every N-th run.  A
 * plan that cannot be what was meant (no run, or an errno none of the
 * calls can return) is refused with one line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../analyze/ana.h"
#include "../record/syscalls.h"
#include "rpl.h"
#include "runner.h"

#include "sweep.h"

/* For each point (in recording order), the most torn-write cuts any file
 * write recorded up to it, the point included, can have: crash:torn/K
 * leaves a state of its own only below that. */
static unsigned *torn_bounds(const struct ana_points *pts)
{
	unsigned *b = xcalloc(pts->n + 1, sizeof *b), m = 0;
	for (size_t i = 0; i < pts->n; i++) {
		const struct ana_point *p = &pts->v[i];
		if (p->family == FAM_WRITE && p->ret > 0 && p->fdkind && !strcmp(p->fdkind, "file")) {
			unsigned c = rpl_torn_max_cuts((uint64_t)p->ret);
			m = c > m ? c : m;
		}
		b[i] = m;
	}
	return b;
}

/* "25:EIO,31:kill" -> arms appended to every spec. */
static int parse_with(const char *s, struct ana_points *pts, struct rpl_spec *with)
{
	char buf[1024];
	snprintf(buf, sizeof buf, "%s", s);
	for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
		char *colon = strchr(tok, ':');   /* "delay:MS" holds one too */
		long id;
		struct ana_point *p;
		if (colon)
			*colon = 0;
		if (strchr(tok, '/')) {
			/* thread/family/nth: a point found by exploring, not recorded */
			p = xcalloc(1, sizeof *p);
			if (rpl_point_parse(tok, p) < 0 || with->n == RPL_MAX_ARMS - 1) {
				fl_error("--with: bad point '%s' (want ID or THREAD/FAMILY/NTH)", tok);
				free(p);
				return -EINVAL;
			}
		} else if (fl_parse_long(tok, &id) < 0 || id < 1 || (size_t)id > pts->n ||
			   with->n == RPL_MAX_ARMS - 1) {
			fl_error("--with wants POINT:FAULT,... with points of this recording, not '%s'", s);
			return -EINVAL;
		} else {
			p = &pts->v[id - 1];
		}
		struct rpl_fault f;
		if (!colon || !strcasecmp(colon + 1, "default"))
			rpl_default_fault(p, &f);
		else if (rpl_fault_parse(colon + 1, &f) < 0) {
			fl_error("unknown fault '%s' in --with", colon + 1);
			return -EINVAL;
		}
		with->p[with->n] = p;
		with->f[with->n++] = f;
	}
	return 0;
}

/* What planning the runs needs besides the sweep. */
struct planner {
	const struct opts *o;
	struct sweep_ctx *x;
	struct rpl_fault *fx;           /* the faults, crash:torn expanded */
	char *expanded;                 /* fx[k] came from expanding crash:torn */
	int nfx;
	unsigned *cuts;                 /* torn_bounds() */
	size_t *planned_by;             /* runs planned per fx[k] */
	size_t nth_run;                 /* runs planned, for --shard */
	struct rpl_spec with;           /* --with: armed in every run */
};

/* crash:torn is one run per prefix: crash:torn/1 .. /torn_max, planned
 * only up to the cuts the writes recorded so far can have */
static void expand_faults(struct planner *pl)
{
	const struct opts *o = pl->o;
	pl->nfx = 0;
	for (int k = 0; k < o->nfaults; k++)
		pl->nfx += rpl_fault_expand(&o->faults[k], o->torn_max, NULL);
	pl->fx = xcalloc((size_t)pl->nfx, sizeof *pl->fx);
	pl->expanded = xcalloc((size_t)pl->nfx, 1);
	for (int k = 0, n = 0; k < o->nfaults; k++) {
		int e = rpl_fault_expand(&o->faults[k], o->torn_max, pl->fx + n);
		memset(pl->expanded + n, e > 1 || pl->fx[n].torn_k != o->faults[k].torn_k, (size_t)e);
		n += e;
	}
}

/* The runs of point p (the i-th): one per fault that can happen there.
 * folded: p's failure ID runs at other points; only count what
 * --every-point would run here. */
static void plan_point(struct planner *pl, struct ana_point *p, size_t i, int folded)
{
	const struct opts *o = pl->o;
	struct sweep_ctx *x = pl->x;
	size_t left_out = 0;
	for (int k = 0; k < pl->nfx; k++) {
		enum rpl_skip why = rpl_fault_skip(&pl->fx[k], p->name, p->fdkind, p->ret,
						   o->cfg.any_errno);
		/* a crash at a call that changed nothing: the state is a crash at
		 * the last one that did (--point still runs what it names) */
		if (why == SKIP_NONE && !o->flt.nids &&
		    rpl_crash_same(&pl->fx[k], p->family, p->fdkind, p->args, p->ret))
			why = SKIP_CRASH_SAME;
		if (why == SKIP_NONE && pl->expanded[k] && pl->fx[k].torn_k > pl->cuts[i])
			why = SKIP_TORN_CUTS;
		if (why != SKIP_NONE && folded)
			continue;
		if (why != SKIP_NONE) {
			x->skipped[why]++;
			if (!x->skip_example[why])
				x->skip_example[why] = p->name;
			continue;
		}
		if (folded) {
			left_out++;
			continue;
		}
		pl->planned_by[k]++;
		struct rpl_fault f = pl->fx[k];
		if (f.kind == FAULT_ERRNO && !f.err)
			rpl_default_fault(p, &f);   /* named in the repro */
		if (o->shard_n && (long)(pl->nth_run++ % (size_t)o->shard_n) != o->shard_k - 1)
			continue;
		struct rpl_spec *s = &x->plan[x->nplan++];
		s->p[0] = p;
		s->f[0] = f;
		s->n = 1;
		for (int j = 0; j < pl->with.n; j++) {
			s->p[s->n] = pl->with.p[j];
			s->f[s->n++] = pl->with.f[j];
		}
	}
	x->folded += left_out > 0;
	x->folded_runs += left_out;
}

/* A plan that cannot be what was meant: an errno none of the chosen calls
 * can return, or no run at all.  0, or -1 (said). */
static int plan_check(const struct planner *pl, const struct ana_points *pts)
{
	const struct sweep_ctx *x = pl->x;
	size_t nmatch = x->npoints_match;
	for (int k = 0; k < pl->nfx && nmatch; k++) {
		const struct rpl_fault *f = &pl->fx[k];
		if (pl->planned_by[k] || f->kind != FAULT_ERRNO || !f->err)
			continue;
		int why = x->skipped[SKIP_REGULAR] ? SKIP_REGULAR :
			  f->err == EINTR && x->skipped[SKIP_EINTR] ? SKIP_EINTR : SKIP_ERRNO;
		fl_error("%s: none of the %zu chosen calls can fail with it (%s; e.g. %s); "
			 "--any-errno injects it anyway", f->spec, nmatch,
			 why == SKIP_REGULAR ? "they work on regular files, which never wait" :
			 why == SKIP_EINTR ? "they never wait" : "their families' errnos do not "
			 "include it", x->skip_example[why] ? x->skip_example[why] : "?");
		return -1;
	}
	if (x->nplan)
		return 0;
	int most = SKIP_SHORT_CALL;
	for (int i = 1; i < SKIP__COUNT; i++)
		if (x->skipped[i] > x->skipped[most])
			most = i;
	if (nmatch && x->folded_runs == 0)
		fl_error("no run to plan: %s (recording %ld, %zu matching points)",
			 rpl_skip_why[most], x->r->id, nmatch);
	else if (nmatch)
		fl_error("no run to plan (recording %ld, %zu matching points)", x->r->id, nmatch);
	else
		fl_error("no fault point matches (recording %ld has %zu points; see faultline "
			 "analyze)", x->r->id, pts->n);
	return -1;
}

/* x->plan: one run per matching point x fault that can happen there (by
 * default only the first and the last point of each failure ID).  0, or
 * -1 (said). */
int rpl_plan_sweep(const struct opts *o, struct sweep_ctx *x, struct ana_points *pts)
{
	struct planner pl;
	memset(&pl, 0, sizeof pl);
	pl.o = o;
	pl.x = x;
	if (o->with && parse_with(o->with, pts, &pl.with) < 0)
		return -1;
	expand_faults(&pl);
	pl.cuts = torn_bounds(pts);
	pl.planned_by = xcalloc((size_t)pl.nfx + 1, sizeof *pl.planned_by);
	x->plan = xcalloc(pts->n * (size_t)pl.nfx + 1, sizeof *x->plan);
	/* one failure ID fails one way: its first and last point stand for it
	 * (--point names points itself) */
	char *keep = xcalloc(pts->n + 1, 1);
	ana_fid_select(pts, &o->flt, keep);
	size_t nmatch = 0;
	for (size_t i = 0; i < pts->n; i++) {
		if (!ana_match(&o->flt, &pts->v[i]))
			continue;
		nmatch++;
		plan_point(&pl, &pts->v[i], i, !keep[i] && !o->every_point && !o->flt.nids);
	}
	free(keep);
	x->npoints_match = nmatch;
	x->nfids = (long)ana_fid_count(pts, &o->flt);
	int rc = plan_check(&pl, pts);
	free(pl.fx);
	free(pl.expanded);
	free(pl.cuts);
	free(pl.planned_by);
	return rc;
}
