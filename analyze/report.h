/*
 * analyze/report.h - what `faultline report` gathers from the database
 * (report.c) and renders as one self-contained HTML page (report_html.c).
 * Internal to report.c, report_html.c and report_svg.c; not an API.
 */
#ifndef REPORT_H
#define REPORT_H

#include <stdio.h>
#include "../replay/rpl.h"
#include "../store/results.h"
#include "ana.h"

/* Outcomes, worst first: the worst outcome of a point's runs colours it.
 * The vocabulary is replay's (replay/rpl.h: enum rpl_outcome, its names in
 * rpl_outcome_name[], the bugs by rpl_outcome_is_bug()); the report only
 * adds how each is drawn. */
enum {
	RP_CRASH = OUT_CRASH, RP_HANG = OUT_HANG, RP_BROKEN = OUT_BROKEN, RP_SILENT = OUT_SILENT,
	RP_RETRIED = OUT_RETRIED, RP_HANDLED = OUT_HANDLED, RP_NOT_REACHED = OUT_NOT_REACHED,
	RP_DIVERGED = OUT_DIVERGED, RP_ERROR = OUT_ERROR, RP_CLEAN = OUT_CLEAN,
	RP__COUNT = OUT__COUNT
};
struct rp_outcome {
	const char *color, *ink;          /* badge colour and its text colour */
	const char *about;
};
extern const struct rp_outcome rp_outcomes[RP__COUNT];

struct rp_proc {
	int pid, tid, ptid, is_thread, ended, exit_code;
	char *ident, *exe;
	uint64_t start, end;
};

struct rp_point {
	long id;
	uint64_t seq, ts, site;
	int tid;
	uint32_t nth;
	char *family, *syscall, *ident, *path;
	char *label;                      /* call site, symbolised */
	int worst;                        /* RP_*, or -1: no run */
	long nruns;
};

/* One recorded call, as a finding's card shows it. */
struct rp_call {
	uint64_t seq, ts;
	char *name, *args, *errname;
	int finished;
	int64_t ret;
};

#define RP_MAX_CARDS 100              /* finding cards on the HTML page */
#define RP_NEXT_CALLS 16              /* a card's calls: the faulted one and 15 after */

struct rp_run {
	long run, sweep, point;
	char *fault, *outcome, *repro, *output;
	int fired, exit_code, signal, oc;
	uint64_t dur_ms, seed;
	const struct rp_point *p;         /* NULL if the point row is missing */
	/* the thread's calls from the point on, as recorded: filled by
	 * rp_gather_cards() for the runs that get a card */
	struct rp_call *next;
	size_t nnext;
};

struct rp_sweep {
	long id, nruns;
	char *kind, *setup, *check, *options;
	uint64_t seed, started, ended;
	unsigned timeout_ms;
	int complete;
};

#define RP_BINS 80
#define RP_MAXFAM 12                  /* families drawn; the rest are "other" */

struct report {
	struct store *st;
	struct store_rec rec;
	struct store_recstats stats;
	long sweep;                       /* 0: every sweep of the recording */
	struct rp_proc *procs;
	size_t nprocs;
	struct rp_point *points;
	size_t npoints;
	struct rp_run *runs;
	size_t nruns;
	struct rp_sweep *sweeps;
	size_t nsweeps;
	long count[RP__COUNT], nbugs;
	struct ana_failures failures;     /* the bug runs grouped (analyze/failures.c) */
	/* baseline runs (fault "none", no point): kept out of the runs above */
	long nbaselines, baselines_failed;
	/* calls per family per time bin; fam[i] NULL-free, "other" last */
	char *fam[RP_MAXFAM];
	long famtotal[RP_MAXFAM];
	long bins[RP_MAXFAM][RP_BINS];
	int nfam;
};

/* Read what the finding cards show (rp_run.next) for the first
 * RP_MAX_CARDS bug runs; the HTML page is drawn from struct report alone. */
int rp_gather_cards(struct report *r);
/* Write r as one HTML page to f (after rp_gather_cards).  0 or -errno. */
int rp_write_html(struct report *r, FILE *f);
/* "1.25 ms" */
void rp_fmt_ns(struct sb *b, uint64_t ns);
/* "tornsave" for "/x/tornsave" */
const char *rp_base_name(const char *path);
/* The timeline SVG and its legends (report_svg.c). */
void rp_timeline(struct report *r, struct sb *b);

#endif
