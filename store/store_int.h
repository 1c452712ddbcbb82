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
	S_CALL, S_SITE, S_SIG, S_POINT, S_RUN, S_SNAP, S_STR, S_PAYLOAD,
	S__COUNT
};

/* Interning of a recording's strings and payloads (store/rec.c): a
 * direct-mapped cache from content to id; a miss only costs a duplicate
 * row, never a wrong one. */
#define STORE_STR_SLOTS 65536
#define STORE_PAY_SLOTS 4096
struct store_intern {
	uint64_t h;
	size_t len;
	char *s;
	int64_t id;
};

struct store {
	sqlite3 *db;
	char path[PATH_MAX];
	char err[PATH_MAX + 1024];
	int in_txn;
	unsigned batch;
	uint64_t batch_t;
	sqlite3_stmt *stmt[S__COUNT];
	long intern_rec;
	int64_t next_str, next_pay;
	struct store_intern *strs, *pays;
	/* slots in use (payload slots have bit 31 set): clearing walks these,
	 * not the 2 MB of slots, whose untouched pages then stay unmapped */
	uint32_t *used;
	size_t nused, capused;
};

/* Free the interning caches' strings (rec.c). */
void store_intern_clear(struct store *st);

int store_prep(struct store *st, sqlite3_stmt **slot, const char *sql);
int store_exec(struct store *st, const char *sql);
int store_step_done(struct store *st, sqlite3_stmt *s);

/* One parameter of a statement that returns no row (store_write): an
 * integer, a text (NULL binds NULL; it must live until store_write
 * returns) or NULL. */
struct store_param {
	enum { SP_INT, SP_TEXT, SP_NULL } kind;
	sqlite3_int64 i;
	const char *t;
};
#define SP_I(x) { SP_INT, (sqlite3_int64)(x), NULL }
#define SP_T(x) { SP_TEXT, 0, (x) }
#define SP_IF(cond, x) { (cond) ? SP_INT : SP_NULL, (sqlite3_int64)(x), NULL }
/* Prepare sql (once, in st->stmt[slot]; slot -1: for this call only),
 * bind ?1..?n to v[0..n), step it.  0 or a negative errno. */
int store_write(struct store *st, int slot, const char *sql, const struct store_param *v, int n);

/* One-shot statements (store.c): the caller finalizes *s (store_each_row
 * does).  store_sqlerr copies SQLite's message to st->err; -EIO. */
int store_sqlerr(struct store *st);
int store_prepare(struct store *st, const char *sql, sqlite3_stmt **s);
/* Step s to the end, calling row(s, ctx) per row until it returns non-zero;
 * finalizes s.  0 or -EIO. */
int store_each_row(struct store *st, sqlite3_stmt *s, int (*row)(sqlite3_stmt *, void *),
		   void *ctx);
/* Prepare sql, bind its parameters ?1..?n to the n numbers of v, and step
 * it with store_each_row.  0 or -EIO. */
int store_select(struct store *st, const char *sql, const sqlite3_int64 *v, int n,
		 int (*row)(sqlite3_stmt *, void *), void *ctx);
/* Column i as text (NULL for NULL), or as an unsigned 64-bit number. */
static inline const char *col_text(sqlite3_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(s, i);
}
static inline uint64_t col_u64(sqlite3_stmt *s, int i)
{
	return (uint64_t)sqlite3_column_int64(s, i);
}

#endif
