/*
 * replay/sweep.h - what replay.c, plan.c, sweep_out.c and depth.c (replay
 * --depth 2) share: the command's options and the state of one sweep.  Not
 * an API.
 */
#ifndef RPL_SWEEP_H
#define RPL_SWEEP_H

#include "../json.h"
#include "runner.h"

#define MAX_FAULTS 16

struct opts {
	struct rpl_cfg cfg;
	const char *junit, *with;
	long rec, depth, budget;
	long torn_max;                  /* crash:torn expands to crash:torn/1..torn_max */
	int prune;
	long shard_k, shard_n;          /* run only plan entries i with i % n == k - 1 */
	int json, all, resume;
	int every_point;                /* --every-point: no failure-ID folding */
	int dry_run;                    /* --dry-run: plan, print, run nothing */
	int loader;                     /* --loader: also the loader's calls */
	struct ana_filter flt;
	struct rpl_fault faults[MAX_FAULTS];
	int nfaults;
	long ids[4096];
};

struct sweep_ctx {
	struct opts *o;
	struct store *st;
	struct store_rec *r;
	long sweep;
	struct rpl_spec *plan;
	size_t nplan, done, nbug, count[OUT__COUNT];
	int tty;
	uint64_t t0;
	struct sb json, junit;
	struct json jw;                 /* --json: writes the runs to json */
	/* depth 2: what phase 1 saw after each fault */
	char **explore;                 /* nexplore of them */
	size_t nexplore;
	uint64_t *post_hash;
	enum rpl_outcome *oc;
	int phase2;
	/* runs not planned because the fault cannot happen at the call */
	size_t skipped[SKIP__COUNT];
	struct ana_failures failures;   /* the bug runs, grouped */
	size_t folded, npoints_match;   /* points left out: their failure ID ran */
	size_t folded_runs;             /* the runs --every-point would make there */
	long nfids;
	const char *skip_example[SKIP__COUNT];
};

/* Plan the sweep into x->plan (plan.c); 0, or -1 (said). */
int rpl_plan_sweep(const struct opts *o, struct sweep_ctx *x, struct ana_points *pts);
/* The runner's callback for a sweep's runs: store, print, count
 * (sweep_out.c). */
void rpl_sweep_done(void *arg, size_t i, struct rpl_done *d);
/* --dry-run: the plan's numbers, as text or --json (sweep_out.c). */
void rpl_print_dry_run(const struct sweep_ctx *x, int as_json);
/* The end of a sweep: its summary, as text or --json, and --junit. */
void rpl_print_summary(struct sweep_ctx *x, double secs, int complete, size_t total,
		       size_t already);
/* Phase 2 of --depth 2 over the n1 runs of phase 1 (depth.c). */
int rpl_depth2(struct opts *o, struct sweep_ctx *x, struct ana_points *pts, size_t n1);

#endif
