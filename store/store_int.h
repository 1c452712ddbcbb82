/*
 * store/store_int.h - what the files of store/ share; not an API.
 */
#ifndef STORE_INT_H
#define STORE_INT_H

#include <sqlite3.h>
#include <limits.h>
#include "store.h"

enum {
	S_SYSNAME, S_ERRNAME, S_REC_NEW, S_REC_FIN, S_PROC_ADD, S_PROC_EXE, S_PROC_END,
	S_CALL, S_SITE, S_SIG, S_POINT, S_RUN, S_SNAP,
	S__COUNT
};

struct store {
	sqlite3 *db;
	char path[PATH_MAX];
	char err[PATH_MAX + 1024];
	int in_txn;
	unsigned batch;
	uint64_t batch_t;
	sqlite3_stmt *stmt[S__COUNT];
};

int store_prep(struct store *st, sqlite3_stmt **slot, const char *sql);
int store_exec(struct store *st, const char *sql);
int store_step_done(struct store *st, sqlite3_stmt *s);

#endif
