/*
 * store/merge.h - combining faultline databases (`faultline merge`).
 *
 * The typical inputs are shards: one recorded database copied to N
 * machines, each running `replay --shard K/N` on its copy.  Merging keeps
 * one of everything:
 *   - a recording is the same when (exe, argv, start_ns, cwd) are: it is
 *     copied once with its processes, calls, call sites, signals and
 *     snapshot; later copies map to the first one's id;
 *   - fault points are keyed (recording, point id) and are copied once;
 *   - a sweep is the same when (recording, kind, started_ns, seed,
 *     options) are: the shards' sweeps stay distinct rows (their options
 *     name --shard K/N), with new ids;
 *   - a run is the same when (recording, point, fault, seed) are: the
 *     first one merged is kept, the others are counted as duplicates.
 * Merging is idempotent: merging the same inputs again adds nothing.
 */
#ifndef STORE_MERGE_H
#define STORE_MERGE_H

#include "store.h"

struct store_merge_stats {
	long recs, recs_new;          /* recordings in the input, and copied */
	long sweeps, sweeps_new;
	long runs, runs_new;          /* runs - runs_new were duplicates */
};

/* Is path a faultline database that reads back whole (SQLite's
 * quick_check)?  0, or -errno with one line in err.  Never writes. */
int store_merge_check(const char *path, char *err, size_t errlen);

/* Merge the database at path into st, in one transaction: on error
 * nothing of it is kept (store_errmsg() says why).  Repro lines of the
 * copied runs are rewritten to name out_name and the recording's id in st,
 * so that they run against the merged database. */
int store_merge(struct store *st, const char *path, const char *out_name,
		struct store_merge_stats *stats);

/* What st holds now: recordings, sweeps, runs. */
int store_merge_totals(struct store *st, long *recs, long *sweeps, long *runs);

#endif
