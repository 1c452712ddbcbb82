/*
 * store/store.h - the database.  store/ is the only code that speaks SQL.
 *
 * One SQLite file holds any number of recordings, the fault points analyze
 * derived from them, and the runs of replay sweeps.  The schema is in
 * store/schema.c and documented in docs/SCHEMA.md; its version is the
 * `schema_version` row of the `meta` table.  Writers batch rows in
 * transactions (store_tick commits every STORE_BATCH rows or half second),
 * so a killed faultline loses at most the last batch, never the file.
 */
#ifndef STORE_H
#define STORE_H

#include <stddef.h>
#include <stdint.h>
#include "../faultline.h"

#define STORE_SCHEMA_VERSION 4   /* 2: syscalls names by LEFT JOIN; 3: std; 4: rec.stdio */
#define STORE_BATCH 8192

struct store;

enum { STORE_RDONLY = 0, STORE_WRITE = 1, STORE_CREATE = 3 };

/* Open path.  On failure returns -errno-like code and writes a one-line
 * reason into err ("not a faultline database", ...). */
int store_open(const char *path, int mode, struct store **out, char *err, size_t errlen);
/* Commits what is pending and closes.  NULL is fine. */
void store_close(struct store *st);
const char *store_path(const struct store *st);
const char *store_errmsg(struct store *st);

int store_begin(struct store *st);
int store_commit(struct store *st);
/* Commit and begin again when the batch is full or old. */
int store_tick(struct store *st);

/* ---- recordings ---- */
struct store_rec {
	long id;
	char **argv;           /* NULL-terminated */
	char *exe, *cwd;
	char **env;            /* NULL-terminated */
	uint64_t start_ns, end_ns;
	int exit_code;         /* shell style: code or 128+signal */
	int complete;          /* 0: interrupted, the tail may be missing */
	int capture;
	uint64_t ncalls;
	int has_snapshot;
	/* what the program's stdin, stdout and stderr were when recorded: the
	 * fd kinds ("file", "tty", "pipe", "socket", "dev", "other", or "-"
	 * when closed), space separated: "tty pipe tty"; NULL if not known
	 * (a file from before schema 4) */
	char *stdio;
};
int store_rec_new(struct store *st, const struct store_rec *r, long *id);
int store_rec_finish(struct store *st, long id, uint64_t end_ns, int exit_code,
		     int complete, uint64_t ncalls);
/* id 0 = the latest.  Fills *r (free with store_rec_free).  -ENOENT if
 * there is no such recording. */
int store_rec_get(struct store *st, long id, struct store_rec *r);
void store_rec_free(struct store_rec *r);

/* ---- processes and threads ---- */
struct store_proc {
	long rec;
	int tid, pid, ptid;
	const char *ident;     /* creation path "1.2" */
	const char *exe;
	uint64_t start_ts;
	int is_thread;
};
int store_proc_add(struct store *st, const struct store_proc *p);
int store_proc_exe(struct store *st, long rec, int pid, const char *exe);
int store_proc_end(struct store *st, long rec, int tid, uint64_t end_ts, int exit_code);

/* ---- syscalls ---- */
struct store_call {
	long rec;
	uint64_t seq;
	int tid, pid;
	long nr;
	const char *args;
	int finished;          /* 0: ret is NULL (the thread died in the call) */
	int64_t ret;
	const char *path;      /* the call's target: a path or an fd's file */
	const char *fdkind;    /* file tty pipe socket dev other, or NULL */
	int std;               /* the target fd is an inherited stdin/stdout/stderr:
				  1 yes, 0 no, -1 the target is no fd (NULL) */
	uint64_t ts, dur;      /* ns since the recording started */
	uint64_t site;         /* call-site hash, 0 if none */
	uint32_t fam_n;        /* nth call of its fault family in this thread */
	const void *data;      /* captured payload */
	size_t datalen;
};
int store_call_add(struct store *st, const struct store_call *c);
int store_site_add(struct store *st, long rec, uint64_t site, const char *frames);
int store_signal_add(struct store *st, long rec, uint64_t seq, int tid, int sig);
/* Names for the sysname table: syscall number nr's name into name[len]
 * and its fault family (NULL for none) into *family; returns 0, or 1 when
 * nr has no name of its own and is left out.  record/ supplies it
 * (rec_sys_names): the syscall table is record's knowledge, not store's. */
typedef int (*store_sysname_fn)(long nr, char *name, size_t len, const char **family);
/* Fill the sysname (numbers 0 .. max_nr - 1, named by fn) and errname
 * lookup tables (idempotent). */
int store_names_sync(struct store *st, long max_nr, store_sysname_fn fn);

/* ---- reading ---- */
/* Iterate a recording's calls in seq order; cb returns non-zero to stop. */
struct store_row {
	uint64_t seq;
	int tid, pid;
	const char *name, *args, *errname, *path, *fdkind;
	int finished;
	int64_t ret;
	uint64_t ts, dur;
};
int store_each_call(struct store *st, long rec, int (*cb)(void *, const struct store_row *),
		    void *arg);
/* Run user SQL and print each row to out ("list" mode: a|b|c, or JSON
 * lines when json is set).  Errors go to store_errmsg(). */
int store_query_print(struct store *st, const char *sql, FILE *out, int header, int json);

/* SQL functions: fl_data(blob) decompresses a payload, fl_errno(n) names
 * an errno.  Registered on every connection; also built as a loadable
 * extension (store/ext.c). */
int store_register_functions(void *sqlite3_db);
/* zstd-compress when it pays off; *out is malloc'd. */
int store_pack(const void *in, size_t n, void **out, size_t *outn);
int store_unpack(const void *in, size_t n, void **out, size_t *outn);


/* ---- fault points (analyze) ---- */
struct store_fcall {          /* one call that belongs to a fault family */
	uint64_t seq;
	int tid;
	const char *ident;        /* the thread's creation path */
	const char *name;         /* syscall */
	const char *family;
	uint32_t nth;             /* nth call of the family in that thread */
	uint64_t site;
	const char *path, *fdkind, *args;
	int std;                  /* as store_call's; -1 also for a recording made
				     before schema 3, which did not say */
	int64_t ret;
};
int store_each_fault_call(struct store *st, long rec,
			  int (*cb)(void *, const struct store_fcall *), void *arg);
struct store_point {
	long rec, id;
	const char *family, *ident, *name, *path, *fdkind, *errnos;
	int std;                  /* marked [std] */
	uint32_t nth;
	uint64_t seq, site;
};
int store_point_add(struct store *st, const struct store_point *p);
/* How many points of rec are stored (analyze stores them once). */
long store_point_count(struct store *st, long rec);
/* Does any call site of rec have frames LIKE this pattern (1, 0, -errno)? */
int store_sites_like(struct store *st, long rec, const char *like);
/* The frames of a call site ("module+0xoff" lines) into *out. */
int store_site_frames(struct store *st, long rec, uint64_t site, struct sb *out);

/* ---- sweeps and runs (replay) ---- */
struct store_sweep {
	long id, rec;
	const char *kind;         /* "replay" */
	uint64_t seed;
	const char *setup, *check, *options;
	unsigned timeout_ms;
};
int store_sweep_new(struct store *st, const struct store_sweep *s, long *id);
int store_sweep_finish(struct store *st, long id, int complete);
/* store_sweep_finish in a transaction of its own. */
int store_sweep_end(struct store *st, long id, int complete);
/* The latest unfinished sweep of rec with these options, or 0. */
long store_sweep_resumable(struct store *st, long rec, const char *options);
/* Is (sweep, point, fault) already done? */
int store_run_done(struct store *st, long sweep, long point, const char *fault);
struct store_run {
	long sweep, rec, point;
	const char *fault, *faults, *outcome, *repro, *output;
	int fired, exit_code, signal;
	uint64_t dur_ms, seed;
};
/* Returns the new run's id (the runs view's run, > 0) or a negative errno. */
long store_run_add(struct store *st, const struct store_run *r);

/* ---- snapshot of the recorded working directory ---- */
/* path is relative to the directory ("" is the directory itself); data is
 * the file's content (regular files) or NULL; link the symlink target. */
int store_snap_add(struct store *st, long rec, const char *path, unsigned mode,
		   const void *data, size_t len, const char *link);
int store_snap_each(struct store *st, long rec,
		    int (*cb)(void *, const char *path, unsigned mode, const void *data,
			      size_t len, const char *link), void *arg);
int store_rec_set_snapshot(struct store *st, long rec, int has);

/* A run and the settings of its sweep, for bisect.  Strings malloc'd;
 * free with store_runinfo_free. */
struct store_runinfo {
	long run, rec, sweep, timeout_ms;
	uint64_t seed;
	char *faults, *outcome, *setup, *check;
	char *options;            /* the sweep's options ("--persist" ...) */
	int signal;
};
int store_run_get(struct store *st, long run, struct store_runinfo *ri);
void store_runinfo_free(struct store_runinfo *ri);

#endif
