/*
 * store/results.c - reading recordings and sweeps back for reports (see
 * results.h).  Read-only: every statement here is a SELECT.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include "results.h"
#include "store_int.h"

static int stats_row(sqlite3_stmt *s, void *ctx)
{
	struct store_recstats *out = ctx;
	out->nprocs = (long)sqlite3_column_int64(s, 0);
	out->nthreads = (long)sqlite3_column_int64(s, 1);
	out->ncalls = (long)sqlite3_column_int64(s, 2);
	out->nfailed = (long)sqlite3_column_int64(s, 3);
	out->npoints = (long)sqlite3_column_int64(s, 4);
	out->span = col_u64(s, 5);
	return 1;
}

int store_rec_stats(struct store *st, long rec, struct store_recstats *out)
{
	memset(out, 0, sizeof *out);
	return store_select(st,
		"SELECT (SELECT count(*) FROM proc WHERE rec = ?1 AND NOT is_thread),"
		" (SELECT count(*) FROM proc WHERE rec = ?1 AND is_thread),"
		" (SELECT count(*) FROM call WHERE rec = ?1),"
		" (SELECT count(*) FROM call WHERE rec = ?1 AND err IS NOT NULL),"
		" (SELECT count(*) FROM call c JOIN sysname n ON n.nr = c.nr WHERE c.rec = ?1"
		"  AND c.fam_n IS NOT NULL AND n.family IS NOT NULL),"
		" max(coalesce((SELECT max(ts + coalesce(dur, 0)) FROM call WHERE rec = ?1), 0),"
		"     coalesce((SELECT max(end_ts) FROM proc WHERE rec = ?1), 0),"
		"     coalesce((SELECT end_ns - start_ns FROM rec WHERE id = ?1), 0))",
		(sqlite3_int64[]){ rec }, 1, stats_row, out);
}

/* A typed callback carried through store_select(); fn is cast back to its
 * real type by the row function that knows it. */
struct cbs {
	void (*fn)(void);
	void *arg;
};

static int proc_row(sqlite3_stmt *s, void *ctx)
{
	struct cbs *c = ctx;
	struct store_procrow p = {
		.pid = sqlite3_column_int(s, 0), .tid = sqlite3_column_int(s, 1),
		.ptid = sqlite3_column_int(s, 2), .is_thread = sqlite3_column_int(s, 3),
		.ident = col_text(s, 4) ? col_text(s, 4) : "?", .exe = col_text(s, 5),
		.start_ts = col_u64(s, 6), .end_ts = col_u64(s, 7),
		.ended = sqlite3_column_type(s, 7) != SQLITE_NULL,
		.exit_code = sqlite3_column_type(s, 8) != SQLITE_NULL ? sqlite3_column_int(s, 8) : -1,
	};
	return ((int (*)(void *, const struct store_procrow *))c->fn)(c->arg, &p);
}

int store_each_proc(struct store *st, long rec,
		    int (*cb)(void *, const struct store_procrow *), void *arg)
{
	struct cbs c = { (void (*)(void))cb, arg };
	return store_select(st, "SELECT pid, tid, ptid, is_thread, ident, exe, start_ts, end_ts,"
			    " exit_code FROM proc WHERE rec = ? ORDER BY start_ts, tid",
			    (sqlite3_int64[]){ rec }, 1, proc_row, &c);
}

static int bin_row(sqlite3_stmt *s, void *ctx)
{
	struct cbs *c = ctx;
	return ((int (*)(void *, const char *, int, long))c->fn)(
		c->arg, col_text(s, 0), sqlite3_column_int(s, 1), (long)sqlite3_column_int64(s, 2));
}

int store_family_bins(struct store *st, long rec, uint64_t span, int nbins,
		      int (*cb)(void *, const char *family, int bin, long n), void *arg)
{
	struct cbs c = { (void (*)(void))cb, arg };
	return store_select(st,
		"SELECT n.family, min(?2 - 1, CAST(c.ts AS REAL) * ?2 / ?3) AS bin, count(*)"
		" FROM call c LEFT JOIN sysname n ON n.nr = c.nr WHERE c.rec = ?1"
		" GROUP BY 1, CAST(bin AS INTEGER)",
		(sqlite3_int64[]){ rec, nbins, span ? (sqlite3_int64)span : 1 }, 3, bin_row, &c);
}

static int point_row(sqlite3_stmt *s, void *ctx)
{
	struct cbs *c = ctx;
	struct store_pointrow p = {
		.id = (long)sqlite3_column_int64(s, 0), .seq = col_u64(s, 1), .ts = col_u64(s, 2),
		.tid = sqlite3_column_int(s, 3), .family = col_text(s, 4), .syscall = col_text(s, 5),
		.ident = col_text(s, 6), .path = col_text(s, 7), .site = col_u64(s, 8),
		.nth = (uint32_t)sqlite3_column_int64(s, 9),
	};
	return ((int (*)(void *, const struct store_pointrow *))c->fn)(c->arg, &p);
}

int store_each_point(struct store *st, long rec,
		     int (*cb)(void *, const struct store_pointrow *), void *arg)
{
	struct cbs c = { (void (*)(void))cb, arg };
	return store_select(st, "SELECT p.id, p.seq, c.ts, c.tid, p.family, p.name, p.ident, p.path,"
			    " p.site, p.nth FROM point p LEFT JOIN call c ON c.rec = p.rec AND"
			    " c.seq = p.seq WHERE p.rec = ? ORDER BY p.id",
			    (sqlite3_int64[]){ rec }, 1, point_row, &c);
}

static int sweep_row(sqlite3_stmt *s, void *ctx)
{
	struct cbs *c = ctx;
	struct store_sweeprow w = {
		.id = (long)sqlite3_column_int64(s, 0), .rec = (long)sqlite3_column_int64(s, 1),
		.kind = col_text(s, 2), .started_ns = col_u64(s, 3), .ended_ns = col_u64(s, 4),
		.seed = col_u64(s, 5), .setup = col_text(s, 6), .check = col_text(s, 7),
		.timeout_ms = (unsigned)sqlite3_column_int64(s, 8), .options = col_text(s, 9),
		.complete = sqlite3_column_int(s, 10), .nruns = (long)sqlite3_column_int64(s, 11),
	};
	return ((int (*)(void *, const struct store_sweeprow *))c->fn)(c->arg, &w);
}

int store_each_sweep(struct store *st, long rec, long sweep,
		     int (*cb)(void *, const struct store_sweeprow *), void *arg)
{
	struct cbs c = { (void (*)(void))cb, arg };
	return store_select(st, "SELECT w.id, w.rec, w.kind, w.started_ns, w.ended_ns, w.seed,"
			    " w.setup, w.chk, w.timeout_ms, w.options, w.complete,"
			    " (SELECT count(*) FROM run r WHERE r.sweep = w.id)"
			    " FROM sweep w WHERE w.rec = ?1 AND (?2 = 0 OR w.id = ?2) ORDER BY w.id",
			    (sqlite3_int64[]){ rec, sweep }, 2, sweep_row, &c);
}

int store_sweep_rec(struct store *st, long sweep, long *rec)
{
	sqlite3_stmt *s;
	int rc = store_prepare(st, "SELECT rec FROM sweep WHERE id = ?", &s);
	if (rc)
		return rc;
	sqlite3_bind_int64(s, 1, sweep);
	if (sqlite3_step(s) == SQLITE_ROW) {
		*rec = (long)sqlite3_column_int64(s, 0);
	} else {
		snprintf(st->err, sizeof st->err, "no sweep %ld in '%s'", sweep, st->path);
		rc = -ENOENT;
	}
	sqlite3_finalize(s);
	return rc;
}

static int run_row(sqlite3_stmt *s, void *ctx)
{
	struct cbs *c = ctx;
	struct store_runrow r = {
		.run = (long)sqlite3_column_int64(s, 0), .sweep = (long)sqlite3_column_int64(s, 1),
		.point = (long)sqlite3_column_int64(s, 2), .fault = col_text(s, 3),
		.outcome = col_text(s, 4), .repro = col_text(s, 5), .output = col_text(s, 6),
		.fired = sqlite3_column_int(s, 7), .exit_code = sqlite3_column_int(s, 8),
		.signal = sqlite3_column_int(s, 9), .dur_ms = col_u64(s, 10), .seed = col_u64(s, 11),
	};
	return ((int (*)(void *, const struct store_runrow *))c->fn)(c->arg, &r);
}

int store_each_run(struct store *st, long rec, long sweep,
		   int (*cb)(void *, const struct store_runrow *), void *arg)
{
	struct cbs c = { (void (*)(void))cb, arg };
	return store_select(st, "SELECT id, sweep, point, fault, outcome, repro, output, fired,"
			    " exit_code, signal, dur_ms, seed FROM run WHERE rec = ?1"
			    " AND (?2 = 0 OR sweep = ?2) ORDER BY point, id",
			    (sqlite3_int64[]){ rec, sweep }, 2, run_row, &c);
}

static int call_row(sqlite3_stmt *s, void *ctx)
{
	struct cbs *c = ctx;
	struct store_row r = {
		.seq = col_u64(s, 0), .tid = sqlite3_column_int(s, 1), .pid = sqlite3_column_int(s, 2),
		.name = col_text(s, 3), .args = col_text(s, 4), .errname = col_text(s, 5),
		.path = col_text(s, 6),
		.fdkind = col_text(s, 7), .finished = sqlite3_column_type(s, 8) != SQLITE_NULL,
		.ret = sqlite3_column_int64(s, 8), .ts = col_u64(s, 9), .dur = col_u64(s, 10),
	};
	return ((int (*)(void *, const struct store_row *))c->fn)(c->arg, &r);
}

int store_each_call_from(struct store *st, long rec, int tid, uint64_t seq, int limit,
			 int (*cb)(void *, const struct store_row *), void *arg)
{
	struct cbs c = { (void (*)(void))cb, arg };
	return store_select(st, "SELECT seq, tid, pid, name, args, errno, path, fdkind, ret, ts,"
			    " dur FROM syscalls WHERE rec = ? AND tid = ? AND seq >= ?"
			    " ORDER BY seq LIMIT ?",
			    (sqlite3_int64[]){ rec, tid, (sqlite3_int64)seq, limit }, 4, call_row, &c);
}
