/*
 * record/snapshot.h - storing the recorded working directory's initial
 * state (see snapshot.c).
 */
#ifndef REC_SNAPSHOT_H
#define REC_SNAPSHOT_H

#include <stdint.h>
#include "../store/store.h"

/* Is dir at most max_bytes of file data in at most max_entries entries? */
int rec_snapshot_fits(const char *dir, uint64_t max_bytes, uint64_t max_entries);
/* Store dir (except the database db) as recording rec's snapshot: dir's
 * entries, relative to it; or, when dir is given as "//ABS", an extra
 * snapshot path whose entries keep their absolute paths. */
int rec_snapshot_take(struct store *st, long rec, const char *dir, const char *db);

#endif
