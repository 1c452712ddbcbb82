/*
 * replay/fuzz.c - `faultline fuzz`: several faults per run, chosen by a
 * PRNG seeded from --seed and the run index, so run i of seed S is always
 * the same run.  Results land in the runs view (faults = the whole set,
 * point = the fault that fired first); the summary groups the failures by
 * outcome and the first faulted call site.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../record/syscalls.h"
#include "../cmd.h"
#include "../json.h"
#include "runner.h"

struct fz {
	struct rpl_cfg cfg;
	struct store *st;
	struct store_rec *r;
	struct rpl_spec *runs;
	long sweep;
	size_t done, nbug, count[OUT__COUNT];
	int json;
	struct sb out;
	struct json jw;         /* --json: writes to out */
	/* failure groups: (outcome, first site) */
	struct grp { int oc; uint64_t site; long point; size_t n; char *repro; } *g;
	size_t ng;
};

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Run i's fault set: deterministic in (seed, i). */
static void choose(struct rpl_spec *s, uint64_t seed, size_t i, struct ana_point **cand,
		   size_t ncand, long k, double rate, const struct rpl_fault *faults, int nfaults,
		   int any_errno)
{
	uint64_t x = seed ^ (0xd1b54a32d192ed03ull * (i + 1));
	size_t idx[RPL_MAX_ARMS];
	int n = 0;
	if (rate > 0) {
		for (size_t j = 0; j < ncand && n < RPL_MAX_ARMS; j++)
			if ((double)(splitmix(&x) >> 11) / 9007199254740992.0 < rate)
				idx[n++] = j;
		if (n == 0)
			idx[n++] = splitmix(&x) % ncand;
	} else {
		/* k distinct candidates, rejection sampling (k is small) */
		while (n < k && (size_t)n < ncand) {
			size_t j = splitmix(&x) % ncand;
			int dup = 0;
			for (int m = 0; m < n; m++)
				dup |= idx[m] == j;
			if (!dup)
				idx[n++] = j;
		}
	}
	/* in recording order, so the first arm is the earliest point */
	for (int a = 1; a < n; a++)
		for (int b = a; b > 0 && idx[b] < idx[b - 1]; b--) {
			size_t t = idx[b];
			idx[b] = idx[b - 1];
			idx[b - 1] = t;
		}
	s->n = n;
	for (int a = 0; a < n; a++) {
		s->p[a] = cand[idx[a]];
		if (nfaults) {
			s->f[a] = faults[splitmix(&x) % (uint64_t)nfaults];
			/* a fault that cannot happen at that call: its family's own */
			if (rpl_fault_skip(&s->f[a], s->p[a]->name, s->p[a]->fdkind, s->p[a]->ret,
					   any_errno) != SKIP_NONE ||
			    rpl_crash_same(&s->f[a], s->p[a]->family, s->p[a]->fdkind, s->p[a]->args,
					   s->p[a]->ret) ||
			    (s->f[a].kind == FAULT_ERRNO && !s->f[a].err))
				rpl_default_fault(s->p[a], &s->f[a]);
		} else {
			rpl_default_fault(s->p[a], &s->f[a]);
		}
	}
}

static void on_done(void *arg, size_t i, struct rpl_done *d)
{
	struct fz *z = arg;
	const struct rpl_spec *s = &z->runs[i];
	int first = d->first >= 0 && d->first < s->n ? d->first : 0;
	struct sb repro, faults;
	sb_init(&repro);
	sb_init(&faults);
	rpl_spec_repro(&z->cfg, z->r->id, s, &repro);
	rpl_spec_faults(s, &faults);
	struct store_run sr = {
		.sweep = z->sweep, .rec = z->r->id, .point = s->p[first]->id, .fault = faults.s,
		.faults = faults.s, .repro = repro.s, .seed = (uint64_t)i,
	};
	long run = rpl_store_run(z->st, &sr, d, z->cfg.db);
	z->done++;
	z->count[d->oc]++;
	if (z->json) {
		struct json *j = &z->jw;
		rpl_json_run_begin(j, run);
		json_kint(j, "index", (long long)i);
		rpl_json_run_result(j, faults.s, d);
		json_kint(j, "fired", d->nfired);
		json_kint(j, "first", s->p[first]->id);
		json_kstr(j, "repro", repro.s);
		json_end(j);
	}
	if (rpl_outcome_is_bug(d->oc)) {
		z->nbug++;
		size_t g;
		for (g = 0; g < z->ng; g++)
			if (z->g[g].oc == (int)d->oc && z->g[g].site == s->p[first]->site)
				break;
		if (g == z->ng) {
			z->g = xrealloc(z->g, (z->ng + 1) * sizeof *z->g);
			z->g[g] = (struct grp){ (int)d->oc, s->p[first]->site, s->p[first]->id, 0,
						xstrdup(repro.s) };
			z->ng++;
		}
		z->g[g].n++;
	}
	sb_free(&repro);
	sb_free(&faults);
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: faultline fuzz [options]\n"
"\n"
"Inject several faults per run, chosen from the recording's fault points by\n"
"a PRNG seeded from --seed and the run index: run i of seed S is always the\n"
"same run.  Failures are grouped by outcome and first faulted call site;\n"
"`faultline bisect --run ID` shrinks one to the faults that matter.\n"
"\n"
"  -d, --db FILE        database (default %s)\n"
"      --rec N          recording N (default: the latest)\n"
"  -n, --runs N         number of runs (default 100)\n"
"      --seed S         the PRNG seed (default 1)\n"
"  -k, --faults K       faults per run (default 2)\n"
"      --rate P         instead: fault each point with probability P (0..1)\n"
"  -f, --family LIST    choose among these families only\n"
"  -p, --path GLOB      choose among points whose target matches GLOB\n"
"      --site GLOB / --exe GLOB / --no-startup   choose as for replay\n"
"      --no-std         skip reads/writes on the inherited stdin/stdout/stderr\n"
"                       or a terminal (the [std] points of analyze)\n"
"      --fault SPEC,... the faults to draw from (default: each family's errno)\n"
"      --setup CMD / --check CMD / -j N / -t SEC / --keep   as for replay\n"
"      --persist / --any-errno / --no-baseline                as for replay\n"
"                       (a drawn fault that cannot happen at its call, e.g.\n"
"                       short on a 1-byte write, becomes the family's errno)\n"
"      --json           one JSON object {\"runs\": [...], \"summary\": {...}}\n"
"  -q, --quiet          no summary table\n"
"  -h, --help           this text\n", FL_DEFAULT_DB);
}

/* What `faultline fuzz` was asked, besides z->cfg. */
struct fopts {
	struct fz *z;
	struct ana_filter flt;
	struct rpl_fault faults[16];
	int nfaults;
	long rec, nruns, k;
	double rate;
};

static const struct option options[] = {
	CMD_OPT_DB, CMD_OPT_REC, CMD_OPT_HELP, CMD_OPTS_RUN, CMD_OPTS_SWEEP,
	{ "runs", required_argument, 0, 'n' }, { "seed", required_argument, 0, 'e' },
	{ "faults", required_argument, 0, 'k' }, { "rate", required_argument, 0, 'R' },
	CMD_OPT_END
};

/* --fault SPEC,...: append to o->faults.  0 or -1. */
static int parse_faults(const char *arg, struct fopts *o)
{
	char buf[256];
	snprintf(buf, sizeof buf, "%s", arg);
	for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
		if (o->nfaults == (int)(sizeof o->faults / sizeof *o->faults) || rpl_fault_parse(tok, &o->faults[o->nfaults]) < 0) {
			fl_error("unknown fault '%s'", tok);
			return -1;
		}
		o->nfaults++;
	}
	return 0;
}

/* A numeric option's value; 0 or -1 (said). */
static int parse_number(int c, const char *arg, long *num)
{
	if (fl_parse_long(arg, num) < 0 || *num < (c == 'e' ? 0 : 1) ||
	    (c == 'k' && *num > RPL_MAX_ARMS)) {
		if (c == 'k')
			fl_error("option -k wants a number from 1 to %d, not '%s'", RPL_MAX_ARMS, arg);
		else
			fl_error("option -%c wants a number of at least 1, not '%s'", c, arg);
		return -1;
	}
	return 0;
}

/* One option c (cmd_getopt's opt); 0 or -1 (said). */
static int parse_option(int c, const char *arg, void *ctx)
{
	struct fopts *o = ctx;
	struct fz *z = o->z;
	long *num = c == 'r' ? &o->rec : c == 'n' ? &o->nruns : c == 'e' ? &z->cfg.seed
		  : c == 'k' ? &o->k : c == 'j' ? &z->cfg.jobs : c == 't' ? &z->cfg.timeout_s
		  : NULL;
	if (num)
		return parse_number(c, arg, num);
	switch (c) {
	case 'd': z->cfg.db = arg; break;
	case 'R': {
		char *end;
		o->rate = strtod(arg, &end);
		if (*end || o->rate <= 0 || o->rate > 1) {
			fl_error("--rate wants a probability in (0, 1], not '%s'", arg);
			return -1;
		}
		break;
	}
	case 'F': return parse_faults(arg, o);
	case 'J': z->json = 1; break;
	default: return cmd_opt_run(c, arg, &z->cfg, &o->flt);
	}
	return 0;
}

/* Parse argv into z->cfg and o.  -1: exit with FL_EXIT_USAGE; 1: exit 0
 * (--help); 0: run. */
static int parse_options(int argc, char **argv, struct fz *z, struct fopts *o)
{
	memset(o, 0, sizeof *o);
	cmd_run_defaults(&z->cfg);
	o->z = z;
	o->nruns = 100;
	o->k = 2;
	o->flt.no_loader = 1;
	int rc = cmd_getopt(argc, argv, "d:n:k:f:p:j:t:qh", options, usage, parse_option, o);
	return rc ? rc : cmd_no_operands(argc, argv);
}

/* The sweep row of this fuzz run; 0 or -1 (said). */
static int new_sweep(struct fz *z, const struct fopts *o)
{
	struct sb opts;
	sb_init(&opts);
	sb_printf(&opts, "fuzz runs=%ld k=%ld rate=%g%s", o->nruns, o->k, o->rate,
		  z->cfg.persist ? " --persist" : "");
	struct store_sweep sw = {
		.rec = z->r->id, .kind = "fuzz", .seed = (uint64_t)z->cfg.seed,
		.setup = z->cfg.setup, .check = z->cfg.check, .options = opts.s,
		.timeout_ms = (unsigned)z->cfg.timeout_s * 1000u,
	};
	int src = store_sweep_new(z->st, &sw, &z->sweep);
	sb_free(&opts);
	if (src < 0) {
		fl_error("cannot write to '%s': %s", z->cfg.db, store_errmsg(z->st));
		return -1;
	}
	return 0;
}

static void print_json(struct fz *z, double secs)
{
	struct json *j = &z->jw;
	json_end(j);   /* runs */
	json_key(j, "summary");
	json_obj(j);
	rpl_json_counts(j, z->count, z->done, z->nbug, secs);
	json_end(j);
	json_end(j);
	printf("%s\n", z->out.s);
}

static void print_text(struct fz *z, const struct fopts *o, double secs)
{
	printf("%zu fuzz runs (seed %ld, %s) in %.1fs (sweep %ld):", z->done, z->cfg.seed,
	       o->rate > 0 ? "rate" : "faults per run", secs, z->sweep);
	rpl_print_counts(z->count);
	for (size_t g = 0; g < z->ng; g++) {
		struct sb lab;
		sb_init(&lab);
		ana_site_label(z->st, z->r->id, z->g[g].site, &lab);
		printf("\n%-8s x%-4zu first fault at point %ld, %s\n    e.g. %s\n",
		       rpl_outcome_name[z->g[g].oc], z->g[g].n, z->g[g].point, lab.s, z->g[g].repro);
		sb_free(&lab);
	}
	if (z->ng) {
		struct sb db;
		sb_init(&db);
		sb_shell_quote(&db, z->cfg.db);
		printf("\nshrink one: faultline bisect -d %s --run ID   (run ids: faultline query "
		       "-d %s \"SELECT run, faults, outcome FROM runs WHERE sweep = %ld AND outcome "
		       "IN ('crash','hang','broken')\")\n", db.s, db.s, z->sweep);
		sb_free(&db);
	}
}

/* The sweep: a baseline, the runs, the summary.  The exit status. */
static int run_sweep(struct fz *z, const struct fopts *o)
{
	if (z->json) {
		json_init(&z->jw, &z->out);
		json_obj(&z->jw);
		json_kint(&z->jw, "sweep", z->sweep);
		json_kint(&z->jw, "rec", z->r->id);
		json_kint(&z->jw, "seed", z->cfg.seed);
		json_key(&z->jw, "runs");
		json_arr(&z->jw);
	}
	uint64_t t0 = fl_now_ns();
	size_t nruns = (size_t)o->nruns;
	int rc = rpl_baseline(&z->cfg, z->st, z->r, z->runs, nruns, z->sweep);
	if (rc < 0) {
		store_sweep_end(z->st, z->sweep, 0);
		return FL_EXIT_USAGE;
	}
	rc = rpl_run_all(&z->cfg, z->st, z->r, z->runs, nruns, NULL, on_done, z);
	double secs = (double)(fl_now_ns() - t0) / 1e9;
	store_sweep_end(z->st, z->sweep, rc == 0);
	if (z->json)
		print_json(z, secs);
	else if (!z->cfg.quiet)
		print_text(z, o, secs);
	if (rc == -EINTR)
		fl_error("interrupted: %zu finished runs kept in '%s'", z->done, z->cfg.db);
	return rc < 0 ? FL_EXIT_USAGE : z->nbug ? FL_EXIT_FOUND : FL_EXIT_OK;
}

int cmd_fuzz(int argc, char **argv)
{
	struct fz z;
	struct fopts o;
	int ret = FL_EXIT_USAGE;
	memset(&z, 0, sizeof z);
	int prc = parse_options(argc, argv, &z, &o);
	if (prc)
		return prc < 0 ? FL_EXIT_USAGE : 0;
	struct store_rec r;
	struct ana_points pts;
	memset(&pts, 0, sizeof pts);
	if (cmd_open_rec(z.cfg.db, STORE_WRITE, o.rec, &z.st, &r) < 0)
		return FL_EXIT_USAGE;
	z.r = &r;
	sb_init(&z.out);
	if (!z.cfg.timeout_s)
		z.cfg.timeout_s = rpl_auto_timeout(&r);
	struct ana_point **cand = NULL;
	size_t ncand = 0;
	if (cmd_points(z.st, r.id, &pts, &o.flt, NULL) < 0)
		goto out;
	cand = cmd_matching(&pts, &o.flt, &ncand);
	if (!ncand) {
		fl_error("no fault point matches (recording %ld has %zu points)", r.id, pts.n);
		goto out;
	}
	z.runs = xcalloc((size_t)o.nruns, sizeof *z.runs);
	for (long i = 0; i < o.nruns; i++)
		choose(&z.runs[i], (uint64_t)z.cfg.seed, (size_t)i, cand, ncand, o.k, o.rate,
		       o.faults, o.nfaults, z.cfg.any_errno);
	if (new_sweep(&z, &o) == 0)
		ret = run_sweep(&z, &o);
out:
	rpl_runner_cleanup(z.cfg.keep);
	for (size_t g = 0; g < z.ng; g++)
		free(z.g[g].repro);
	free(z.g);
	free(z.runs);
	free(cand);
	sb_free(&z.out);
	ana_points_free(&pts);
	store_rec_free(&r);
	store_close(z.st);
	return ret;
}
