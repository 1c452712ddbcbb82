/*
 * store/results.h - reading a recording and its sweeps back for reports:
 * processes, per-family call counts over time, fault points with their
 * time stamps, sweeps and runs.  `faultline report` (analyze/report.c) is
 * the reader; these are the views of docs/SCHEMA.md as C callbacks.
 *
 * Every iterator calls cb once per row, in the order stated, with strings
 * that live until cb returns; cb returns non-zero to stop early.  They
 * return 0 or -EIO (store_errmsg() says why).
 */
#ifndef STORE_RESULTS_H
#define STORE_RESULTS_H

#include "store.h"

/* Sizes of a recording. */
struct store_recstats {
	long nprocs, nthreads;       /* processes (incl. the first) and threads */
	long ncalls, nfailed;        /* calls, and calls that returned an errno */
	long npoints;                /* fault points: calls of a fault family */
	uint64_t span;               /* ns from the start to the last thing seen */
};
int store_rec_stats(struct store *st, long rec, struct store_recstats *out);

/* Processes and threads, in order of creation (start_ts, then tid). */
struct store_procrow {
	int pid, tid, ptid, is_thread;
	const char *ident, *exe;
	uint64_t start_ts, end_ts;
	int ended;                   /* 0: end_ts unknown (interrupted) */
	int exit_code;               /* -1 when unknown */
};
int store_each_proc(struct store *st, long rec,
		    int (*cb)(void *, const struct store_procrow *), void *arg);

/* Calls per family per time bin, bin = ts * nbins / span (the last bin
 * takes ts >= span).  family is NULL for calls of no fault family.  Rows in
 * no particular order. */
int store_family_bins(struct store *st, long rec, uint64_t span, int nbins,
		      int (*cb)(void *, const char *family, int bin, long n), void *arg);

/* Fault points with the time stamp and thread of their call, by id. */
struct store_pointrow {
	long id;
	uint64_t seq, ts, site;
	int tid;
	uint32_t nth;
	const char *family, *syscall, *ident, *path;
};
int store_each_point(struct store *st, long rec,
		     int (*cb)(void *, const struct store_pointrow *), void *arg);

/* Sweeps of rec (sweep 0: all of them, else just that one), by id; nruns
 * counts their runs. */
struct store_sweeprow {
	long id, rec, nruns;
	const char *kind, *setup, *check, *options;
	uint64_t seed, started_ns, ended_ns;
	unsigned timeout_ms;
	int complete;
};
int store_each_sweep(struct store *st, long rec, long sweep,
		     int (*cb)(void *, const struct store_sweeprow *), void *arg);
/* The recording a sweep belongs to, or -ENOENT. */
int store_sweep_rec(struct store *st, long sweep, long *rec);

/* Runs of rec (sweep 0: of every sweep), by point, then run id. */
struct store_runrow {
	long run, sweep, point;
	const char *fault, *outcome, *repro, *output;
	int fired, exit_code, signal;
	uint64_t dur_ms, seed;
};
int store_each_run(struct store *st, long rec, long sweep,
		   int (*cb)(void *, const struct store_runrow *), void *arg);

/* Thread tid's calls from seq on (seq included), at most limit of them. */
int store_each_call_from(struct store *st, long rec, int tid, uint64_t seq, int limit,
			 int (*cb)(void *, const struct store_row *), void *arg);

#endif
