/*
 * replay/bisect.c - `faultline bisect`: shrink a failing run.
 *
 * --run ID: delta debugging (ddmin) over the run's fault set.  A subset
 * "fails the same way" when its run has the same outcome (and, for a crash,
 * the same signal).  Each round runs all the subsets (and complements) of
 * the current set in parallel and keeps the first that fails; the result
 * is 1-minimal: removing any one fault makes the failure go away.
 *
 * --first: over one ordered family (every write, say), the earliest point
 * whose single fault is a bug, by binary search in O(log n) runs.  This
 * assumes the failures are monotone along the family (a fault at any later
 * point fails too, as in an in-place save); the answer is checked: the
 * point's run fails and the point before it does not.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../cmd.h"
#include "../record/syscalls.h"
#include "runner.h"

struct bx {
	struct rpl_cfg cfg;
	struct store *st;
	struct store_rec *r;
	long sweep;
	int want_oc, want_sig;    /* the failure to keep (want_oc < 0: any bug) */
	size_t runs;
	int *fails;
	struct rpl_spec *batch;
	/* runs already made, by fault set: ddmin asks some sets twice */
	struct memo { char *key; int fails; } *memo;
	size_t nmemo;
	size_t *todo;   /* batch index -> caller's index */
	char *explore;  /* the last run's call log (cfg.explore = 2) */
};

/* The recording's fault-family calls of one thread, for the divergence. */
struct seqrow { char *ident, *name; uint64_t site; };
struct seqv { struct seqrow *v; size_t n; };

static int add_row(void *arg, const struct store_fcall *f)
{
	struct seqv *q = arg;
	q->v = xrealloc(q->v, (q->n + 1) * sizeof *q->v);
	q->v[q->n++] = (struct seqrow){ xstrdup(f->ident), xstrdup(f->name), f->site };
	return 0;
}

/* Print the first call where the run (its log: "fam ident nth site name"
 * lines) and the recording part ways, thread by thread. */
static void divergence(struct bx *b, const char *log)
{
	struct seqv rec = { 0 };
	store_each_fault_call(b->st, b->r->id, add_row, &rec);
	char *buf = xstrdup(log ? log : ""), *save = NULL;
	/* per thread: the k-th call of the run against the k-th of the recording */
	struct { char ident[64]; size_t k; } th[64];
	int nth = 0, found = 0;
	for (char *line = strtok_r(buf, "\n", &save); line && !found;
	     line = strtok_r(NULL, "\n", &save)) {
		struct rpl_logline L;
		if (rpl_log_parse(b->st, b->r->id, line, &L) < 0)
			continue;
		const char *ident = L.ident, *name = L.name;
		unsigned long long site = L.site;
		int t;
		for (t = 0; t < nth && strcmp(th[t].ident, ident); t++)
			;
		if (t == nth) {
			if (nth == 64)
				continue;
			snprintf(th[nth].ident, sizeof th[nth].ident, "%s", ident);
			th[nth++].k = 0;
		}
		size_t seen = 0, j;
		for (j = 0; j < rec.n; j++)
			if (!strcmp(rec.v[j].ident, ident) && seen++ == th[t].k)
				break;
		th[t].k++;
		struct sb want, got;
		sb_init(&want);
		sb_init(&got);
		if (j == rec.n) {
			ana_site_label(b->st, b->r->id, site, &got);
			printf("diverges: thread %s, call %zu: the run made %s at %s; the recording had "
			       "ended that thread\n", ident, th[t].k, name, got.s);
			found = 1;
		} else if (strcmp(rec.v[j].name, name) || rec.v[j].site != site) {
			ana_site_label(b->st, b->r->id, rec.v[j].site, &want);
			ana_site_label(b->st, b->r->id, site, &got);
			printf("diverges: thread %s, call %zu of the fault families: the recording made "
			       "%s at %s, the run %s at %s\n", ident, th[t].k, rec.v[j].name, want.s,
			       name, got.s);
			found = 1;
		}
		sb_free(&want);
		sb_free(&got);
	}
	if (!found)
		printf("diverges: nowhere in the fault-family calls the run made (it stopped "
		       "early or only its results differ)\n");
	free(buf);
	for (size_t j = 0; j < rec.n; j++) {
		free(rec.v[j].ident);
		free(rec.v[j].name);
	}
	free(rec.v);
}

static int memo_get(struct bx *b, const struct rpl_spec *s, int *fails)
{
	struct sb k;
	sb_init(&k);
	rpl_spec_faults(s, &k);
	int hit = 0;
	for (size_t i = 0; i < b->nmemo && !hit; i++)
		if (!strcmp(b->memo[i].key, k.s)) {
			*fails = b->memo[i].fails;
			hit = 1;
		}
	sb_free(&k);
	return hit;
}

static void memo_put(struct bx *b, const struct rpl_spec *s, int fails)
{
	struct sb k;
	sb_init(&k);
	rpl_spec_faults(s, &k);
	b->memo = xrealloc(b->memo, (b->nmemo + 1) * sizeof *b->memo);
	b->memo[b->nmemo].key = k.s;
	b->memo[b->nmemo++].fails = fails;
}

static void on_done(void *arg, size_t i, struct rpl_done *d)
{
	struct bx *b = arg;
	const struct rpl_spec *s = &b->batch[i];
	int same = b->want_oc < 0 ? rpl_outcome_is_bug(d->oc)
		 : (int)d->oc == b->want_oc && (d->oc != OUT_CRASH || d->res.signal == b->want_sig);
	b->fails[i] = same;
	b->runs++;
	if (b->cfg.explore) {
		free(b->explore);
		b->explore = xstrdup(d->explore.s ? d->explore.s : "");
	}
	struct sb repro, faults;
	sb_init(&repro);
	sb_init(&faults);
	rpl_spec_repro(&b->cfg, b->r->id, s, &repro);
	rpl_spec_faults(s, &faults);
	struct store_run sr = {
		.sweep = b->sweep, .rec = b->r->id, .point = s->p[0]->id, .fault = faults.s,
		.faults = faults.s, .repro = repro.s, .seed = (uint64_t)b->cfg.seed,
	};
	rpl_store_run(b->st, &sr, d, b->cfg.db);
	if (!b->cfg.quiet)
		fprintf(stderr, "  %-11s %s\n", rpl_outcome_name[d->oc], faults.s);
	sb_free(&repro);
	sb_free(&faults);
}

/* Run n specs (those not already run); fails[i] says which failed the
 * same way. */
static int run_batch(struct bx *b, struct rpl_spec *specs, size_t n)
{
	struct rpl_spec *fresh = xcalloc(n + 1, sizeof *fresh);
	int *known = xcalloc(n + 1, sizeof *known), *res = xcalloc(n + 1, sizeof *res);
	size_t nf = 0;
	b->todo = xrealloc(b->todo, (n + 1) * sizeof *b->todo);
	for (size_t i = 0; i < n; i++) {
		if (memo_get(b, &specs[i], &res[i])) {
			known[i] = 1;
			continue;
		}
		int dup = 0;   /* the same set twice in one batch */
		for (size_t j = 0; j < nf && !dup; j++) {
			struct sb x, y;
			sb_init(&x);
			sb_init(&y);
			rpl_spec_faults(&fresh[j], &x);
			rpl_spec_faults(&specs[i], &y);
			dup = !strcmp(x.s, y.s);
			sb_free(&x);
			sb_free(&y);
		}
		if (!dup) {
			b->todo[nf] = i;
			fresh[nf++] = specs[i];
		}
	}
	b->batch = fresh;
	b->fails = xrealloc(b->fails, (nf + 1) * sizeof *b->fails);
	memset(b->fails, 0, (nf + 1) * sizeof *b->fails);
	int rc = nf ? rpl_run_all(&b->cfg, b->st, b->r, fresh, nf, NULL, on_done, b) : 0;
	for (size_t j = 0; j < nf && rc == 0; j++)
		memo_put(b, &fresh[j], b->fails[j]);
	b->fails = xrealloc(b->fails, (n + 1) * sizeof *b->fails);
	for (size_t i = 0; i < n && rc == 0; i++)
		if (!known[i])
			memo_get(b, &specs[i], &res[i]);
	memcpy(b->fails, res, n * sizeof *res);
	free(fresh);
	free(known);
	free(res);
	return rc;
}

static void subset(const struct rpl_spec *all, const int *keep, struct rpl_spec *out)
{
	out->n = 0;
	for (int i = 0; i < all->n; i++)
		if (keep[i]) {
			out->p[out->n] = all->p[i];
			out->f[out->n++] = all->f[i];
		}
}

/* ddmin: shrink *c in place. */
static int ddmin(struct bx *b, struct rpl_spec *c)
{
	int n = 2;
	while (c->n >= 2) {
		struct rpl_spec tests[2 * RPL_MAX_ARMS];
		int nt = 0, chunk = (c->n + n - 1) / n;
		for (int part = 0; part < n; part++) {
			int keep[RPL_MAX_ARMS] = { 0 }, any = 0;
			for (int i = part * chunk; i < c->n && i < (part + 1) * chunk; i++)
				keep[i] = any = 1;
			if (!any)
				continue;
			subset(c, keep, &tests[nt++]);
		}
		int nsub = nt;
		if (n > 2)
			for (int t = 0; t < nsub; t++) {
				int keep[RPL_MAX_ARMS];
				for (int i = 0; i < c->n; i++)
					keep[i] = !(i >= t * chunk && i < (t + 1) * chunk);
				subset(c, keep, &tests[nt++]);
			}
		int rc = run_batch(b, tests, (size_t)nt);
		if (rc < 0)
			return rc;
		int hit = -1;
		for (int t = 0; t < nt && hit < 0; t++)
			if (b->fails[t])
				hit = t;
		if (hit >= 0) {
			*c = tests[hit];
			n = hit < nsub ? 2 : (n - 1 > 2 ? n - 1 : 2);
			continue;
		}
		if (n >= c->n)
			break;
		n = 2 * n < c->n ? 2 * n : c->n;
	}
	return 0;
}

/* The one fault at p: fault, or (NULL) its family's default. */
static void one_fault(struct rpl_spec *s, struct ana_point *p, const struct rpl_fault *fault)
{
	s->n = 1;
	s->p[0] = p;
	if (fault)
		s->f[0] = *fault;
	else
		rpl_default_fault(p, &s->f[0]);
}

static int parse_set(const char *faults, struct ana_points *pts, struct rpl_spec *s)
{
	char buf[4096];
	snprintf(buf, sizeof buf, "%s", faults ? faults : "");
	s->n = 0;
	for (char *tok = strtok(buf, ","); tok && s->n < RPL_MAX_ARMS; tok = strtok(NULL, ",")) {
		char *colon = strchr(tok, ':');
		long id;
		if (!colon)
			return -EINVAL;
		*colon = 0;
		if (fl_parse_long(tok, &id) < 0 || id < 1 || (size_t)id > pts->n ||
		    rpl_fault_parse(colon + 1, &s->f[s->n]) < 0)
			return -EINVAL;
		s->p[s->n++] = &pts->v[id - 1];
	}
	return s->n ? 0 : -EINVAL;
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: faultline bisect [options] --run ID\n"
"       faultline bisect [options] --first [--family F] [--fault SPEC] --check CMD\n"
"\n"
"--run ID    shrink the fault set of a failing run (from fuzz or replay) by delta\n"
"            debugging to a minimal set that still fails the same way (same\n"
"            outcome; for a crash, the same signal), and print its repro line.\n"
"--first     over one family in recording order (default: write), find the\n"
"            earliest point whose single fault is a bug, in O(log n) runs.  This\n"
"            assumes failures are monotone along the family; the answer is\n"
"            checked (that point fails, the one before it does not).\n"
"\n"
"  -d, --db FILE        database (default %s)\n"
"      --rec N          recording (--first; default: the latest)\n"
"  -f, --family F       the family for --first\n"
"  -p, --path GLOB      --first: only points whose target matches GLOB\n"
"      --fault SPEC     --first: the fault (default: the family's errno)\n"
"      --setup CMD / --check CMD / -j N / -t SEC   as for replay (--run takes\n"
"                       them from the run's sweep unless given, and its --persist)\n"
"      --persist        --first: as for replay\n"
"      --no-baseline    skip the baseline run (nothing injected; as for replay)\n"
"  -q, --quiet          do not list each run on stderr\n"
"  -h, --help           this text\n", FL_DEFAULT_DB);
}

/* What `faultline bisect` was asked, besides b->cfg. */
struct bopts {
	struct bx *b;
	long run, rec, timeout;
	int first, have_fault;
	struct rpl_fault fault;
	const char *setup, *check;
	struct ana_filter flt;
};

static const struct option options[] = {
	CMD_OPT_DB, CMD_OPT_REC, CMD_OPT_HELP, CMD_OPTS_RUN,
	{ "run", required_argument, 0, 'R' }, { "first", no_argument, 0, '1' },
	CMD_OPT_END
};

/* One option c (cmd_getopt's opt); 0 or -1 (said). */
static int parse_option(int c, const char *arg, void *ctx)
{
	struct bopts *o = ctx;
	struct bx *b = o->b;
	long *num = c == 'r' ? &o->rec : c == 'R' ? &o->run : c == 'j' ? &b->cfg.jobs
		  : c == 't' ? &o->timeout : NULL;
	if (num && (fl_parse_long(arg, num) < 0 || *num < 1)) {
		fl_error("option -%c wants a positive number, not '%s'", c, arg);
		return -1;
	}
	switch (c) {
	case 'r': case 'R': case 'j': case 't': break;
	case 'd': b->cfg.db = arg; break;
	case '1': o->first = 1; break;
	case 'F':
		if (rpl_fault_parse(arg, &o->fault) < 0) {
			fl_error("unknown fault '%s'", arg);
			return -1;
		}
		o->have_fault = 1;
		break;
	case 'S': o->setup = arg; break;   /* the run's own unless given */
	case 'c': o->check = arg; break;
	default: return cmd_opt_run(c, arg, &b->cfg, &o->flt);
	}
	return 0;
}

/* Parse argv into b->cfg and o.  -1: exit with FL_EXIT_USAGE; 1: exit 0
 * (--help); 0: run. */
static int parse_options(int argc, char **argv, struct bx *b, struct bopts *o)
{
	memset(o, 0, sizeof *o);
	cmd_run_defaults(&b->cfg);
	o->b = b;
	int rc = cmd_getopt(argc, argv, "d:f:p:j:t:qh", options, usage, parse_option, o);
	if (rc)
		return rc;
	if (optind < argc || !!o->run == o->first) {
		fl_error(optind < argc ? "unexpected argument" : "give either --run ID or --first");
		return -1;
	}
	return 0;
}

/* The run's settings unless given, and the sweep row; 0 or -1 (said). */
static int new_sweep(struct bx *b, const struct bopts *o, const struct store_runinfo *ri)
{
	b->cfg.setup = o->setup ? o->setup : ri->setup;
	b->cfg.check = o->check ? o->check : ri->check;
	b->cfg.timeout_s = o->timeout ? o->timeout
			 : ri->timeout_ms ? (ri->timeout_ms + 999) / 1000 : rpl_auto_timeout(b->r);
	if (o->run) {
		/* rerun as the sweep that made the run did */
		b->cfg.seed = (long)ri->seed;
		b->cfg.persist |= rpl_options_have(ri->options, "--persist");
	}
	struct store_sweep sw = {
		.rec = b->r->id, .kind = "bisect", .seed = (uint64_t)b->cfg.seed,
		.setup = b->cfg.setup, .check = b->cfg.check,
		.options = o->run ? "bisect --run" : "bisect --first",
		.timeout_ms = (unsigned)b->cfg.timeout_s * 1000u,
	};
	if (store_sweep_new(b->st, &sw, &b->sweep) < 0) {
		fl_error("cannot write to '%s': %s", b->cfg.db, store_errmsg(b->st));
		return -1;
	}
	return 0;
}

static void print_shrunk(struct bx *b, const struct store_runinfo *ri, const struct rpl_spec *set,
			 size_t n0, struct sb *line)
{
	rpl_spec_repro(&b->cfg, b->r->id, set, line);
	printf("run %ld (%s, %zu faults) shrinks to %d fault%s in %zu runs:\n", ri->run,
	       ri->outcome, n0, set->n, set->n == 1 ? "" : "s", b->runs);
	for (int i = 0; i < set->n; i++) {
		struct sb lab;
		sb_init(&lab);
		ana_site_label(b->st, b->r->id, set->p[i]->site, &lab);
		printf("  point %-5ld %-10s %-8s %s%s%s\n", set->p[i]->id, set->p[i]->name,
		       set->f[i].spec, lab.s, set->p[i]->path ? "  " : "",
		       set->p[i]->path ? set->p[i]->path : "");
		sb_free(&lab);
	}
	printf("repro: %s\n", line->s);
}

/* --run: shrink the run's fault set.  The exit status, or -1 (said). */
static int shrink_run(struct bx *b, const struct store_runinfo *ri, struct ana_points *pts,
		      struct sb *line)
{
	long run = ri->run;
	struct rpl_spec set;
	if (parse_set(ri->faults, pts, &set) < 0) {
		fl_error("run %ld has no fault set to shrink ('%s')", run, ri->faults ? ri->faults : "");
		return -1;
	}
	if (rpl_baseline(&b->cfg, b->st, b->r, &set, 1, b->sweep) < 0)
		return -1;
	b->want_oc = ri->outcome ? rpl_outcome_by_name(ri->outcome) : -1;
	b->want_sig = ri->signal;
	if (b->want_oc < 0 || !rpl_outcome_is_bug((enum rpl_outcome)b->want_oc)) {
		fl_error("run %ld is '%s', not a failure (crash, hang or broken)", run,
			 ri->outcome ? ri->outcome : "?");
		return -1;
	}
	/* it must still fail, or there is nothing to shrink */
	if (run_batch(b, &set, 1) < 0 || !b->fails[0]) {
		fl_error("run %ld does not fail the same way again: not reproducible", run);
		return -1;
	}
	size_t n0 = (size_t)set.n;
	if (ddmin(b, &set) < 0)
		return -1;
	print_shrunk(b, ri, &set, n0, line);
	/* once more, logging every call, to show where it leaves the recording */
	b->cfg.explore = 2;
	b->batch = &set;
	if (rpl_run_all(&b->cfg, b->st, b->r, &set, 1, NULL, on_done, b) == 0 && b->explore)
		divergence(b, b->explore);
	b->cfg.explore = 0;
	return FL_EXIT_FOUND;
}

/* Binary search over v[0..n) for the earliest point whose fault fails
 * (n: none).  Stops early on an interrupt or a runner error. */
static size_t search_first(struct bx *b, const struct bopts *o, struct ana_point **v, size_t n)
{
	size_t lo = 0, hi = n;   /* fail(hi) assumed true at n (sentinel) */
	struct rpl_spec s;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		one_fault(&s, v[mid], o->have_fault ? &o->fault : NULL);
		if (run_batch(b, &s, 1) < 0)
			break;
		if (b->fails[0])
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* --first: the earliest failing point of the family.  The exit status, or
 * -1. */
static int first_failing(struct bx *b, struct bopts *o, struct ana_points *pts, struct sb *line)
{
	if (!o->flt.families)
		o->flt.families = 1ull << FAM_WRITE;
	o->flt.no_loader = 1;
	size_t n;
	struct ana_point **v = cmd_matching(pts, &o->flt, &n);
	struct rpl_spec *all = xcalloc(n + 1, sizeof *all);
	for (size_t i = 0; i < n; i++) {
		all[i].n = 1;
		all[i].p[0] = v[i];
	}
	int brc = n ? rpl_baseline(&b->cfg, b->st, b->r, all, n, b->sweep) : 0;
	free(all);
	if (brc < 0) {
		free(v);
		return -1;
	}
	b->want_oc = -1;
	/* smallest k with fail(k), assuming fail is monotone */
	size_t lo = search_first(b, o, v, n);
	int ret = -1;
	if (rec_stop_requested) {
		/* interrupted: no answer */
	} else if (lo == n) {
		printf("no point of the family fails (%zu points, %zu runs)\n", n, b->runs);
		ret = FL_EXIT_OK;
	} else {
		struct sb lab;
		struct rpl_spec s;
		sb_init(&lab);
		ana_site_label(b->st, b->r->id, v[lo]->site, &lab);
		one_fault(&s, v[lo], o->have_fault ? &o->fault : NULL);
		rpl_spec_repro(&b->cfg, b->r->id, &s, line);
		printf("earliest failing point: %ld (%s #%u of thread %s) at %s, after %zu runs "
		       "over %zu points\nrepro: %s\n", v[lo]->id, v[lo]->name, v[lo]->nth,
		       v[lo]->ident, lab.s, b->runs, n, line->s);
		if (lo == 0)
			printf("(it is the family's first point)\n");
		sb_free(&lab);
		ret = FL_EXIT_FOUND;
	}
	free(v);
	return ret;
}

int cmd_bisect(int argc, char **argv)
{
	struct bx b;
	struct bopts o;
	int ret = FL_EXIT_USAGE;
	memset(&b, 0, sizeof b);
	int prc = parse_options(argc, argv, &b, &o);
	if (prc)
		return prc < 0 ? FL_EXIT_USAGE : 0;
	struct store_runinfo ri;
	struct store_rec r;
	struct ana_points pts;
	memset(&ri, 0, sizeof ri);
	memset(&r, 0, sizeof r);
	memset(&pts, 0, sizeof pts);
	if (cmd_open(b.cfg.db, STORE_WRITE, &b.st) < 0)
		return FL_EXIT_USAGE;
	if (o.run && store_run_get(b.st, o.run, &ri) < 0) {
		fl_error("%s", store_errmsg(b.st));
		goto out;
	}
	if (store_rec_get(b.st, o.run ? ri.rec : o.rec, &r) < 0 ||
	    ana_collect(b.st, r.id, &pts) < 0) {
		fl_error("%s", store_errmsg(b.st));
		goto out;
	}
	b.r = &r;
	if (new_sweep(&b, &o, &ri) < 0)
		goto out;
	struct sb line;
	sb_init(&line);
	int rc = o.run ? shrink_run(&b, &ri, &pts, &line) : first_failing(&b, &o, &pts, &line);
	sb_free(&line);
	if (rc < 0)
		goto out;
	ret = rc;
	store_sweep_end(b.st, b.sweep, !rec_stop_requested);
out:
	rpl_runner_cleanup(0);
	for (size_t i = 0; i < b.nmemo; i++)
		free(b.memo[i].key);
	free(b.memo);
	free(b.todo);
	free(b.explore);
	free(b.fails);
	store_runinfo_free(&ri);
	ana_points_free(&pts);
	store_rec_free(&r);
	store_close(b.st);
	return ret;
}
