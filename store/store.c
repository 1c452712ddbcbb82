/*
 * store/store.c - opening, validating and writing the database.
 *
 * Open: a new or empty file gets the schema and a meta row
 * (application = 'faultline', schema_version).  An existing file must be a
 * SQLite database whose meta says it is ours and not newer than we are;
 * anything else is refused with one line naming the problem, and the file
 * is left untouched.
 *
 * Writing: WAL journal, synchronous=NORMAL.  A writer holds one open
 * transaction; store_tick() commits and reopens it every STORE_BATCH rows
 * or 500 ms, store_close() commits the rest.  A SIGKILL loses at most the
 * open batch; the file stays valid (SQLite's journal).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"
#include "store_int.h"

extern const char store_schema_sql[], store_schema_upgrade_sql[];
extern const char *const store_schema_columns[][3];

static int fail(struct store *st, int rc)
{
	snprintf(st->err, sizeof st->err, "%s", sqlite3_errmsg(st->db));
	return rc == SQLITE_NOMEM ? -ENOMEM : -EIO;
}

/* Add the columns of store_schema_columns that an older file's tables lack
 * (a table it lacks altogether is made whole by store_schema_sql). */
static int add_columns(struct store *st)
{
	for (int i = 0; store_schema_columns[i][0]; i++) {
		const char *const *c = store_schema_columns[i];
		sqlite3_stmt *s = NULL;
		if (sqlite3_prepare_v2(st->db, "SELECT count(*), count(*) FILTER (WHERE name = ?2)"
				       " FROM pragma_table_info(?1)", -1, &s, NULL) != SQLITE_OK)
			return fail(st, sqlite3_errcode(st->db));
		sqlite3_bind_text(s, 1, c[0], -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, c[1], -1, SQLITE_STATIC);
		int rc = sqlite3_step(s);
		int has_table = rc == SQLITE_ROW && sqlite3_column_int(s, 0) > 0;
		int has_col = rc == SQLITE_ROW && sqlite3_column_int(s, 1) > 0;
		sqlite3_finalize(s);
		if (rc != SQLITE_ROW)
			return fail(st, rc);
		if (!has_table || has_col)
			continue;
		char sql[160];
		snprintf(sql, sizeof sql, "ALTER TABLE %s ADD COLUMN %s %s", c[0], c[1], c[2]);
		if (store_exec(st, sql) < 0)
			return -EIO;
	}
	return 0;
}

int store_sqlerr(struct store *st)
{
	snprintf(st->err, sizeof st->err, "%s", sqlite3_errmsg(st->db));
	return -EIO;
}

int store_prepare(struct store *st, const char *sql, sqlite3_stmt **s)
{
	*s = NULL;
	return sqlite3_prepare_v2(st->db, sql, -1, s, NULL) == SQLITE_OK ? 0 : store_sqlerr(st);
}

int store_write(struct store *st, int slot, const char *sql, const struct store_param *v, int n)
{
	sqlite3_stmt *s = NULL;
	int rc = slot >= 0 ? store_prep(st, &st->stmt[slot], sql) : store_prepare(st, sql, &s);
	if (rc)
		return rc;
	if (slot >= 0)
		s = st->stmt[slot];
	for (int i = 0; i < n; i++)
		if (v[i].kind == SP_INT)
			sqlite3_bind_int64(s, i + 1, v[i].i);
		else if (v[i].kind == SP_TEXT)
			sqlite3_bind_text(s, i + 1, v[i].t, -1, SQLITE_STATIC);
	/* SP_NULL: a new or reset statement has no binding */
	rc = store_step_done(st, s);
	if (slot < 0)
		sqlite3_finalize(s);
	return rc;
}

int store_each_row(struct store *st, sqlite3_stmt *s, int (*row)(sqlite3_stmt *, void *),
		   void *ctx)
{
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (row(s, ctx))
			break;
	int bad = rc != SQLITE_ROW && rc != SQLITE_DONE;
	if (bad)
		store_sqlerr(st);
	sqlite3_finalize(s);
	return bad ? -EIO : 0;
}

int store_select(struct store *st, const char *sql, const sqlite3_int64 *v, int n,
		 int (*row)(sqlite3_stmt *, void *), void *ctx)
{
	sqlite3_stmt *s;
	int rc = store_prepare(st, sql, &s);
	if (rc)
		return rc;
	for (int i = 0; i < n; i++)
		sqlite3_bind_int64(s, i + 1, v[i]);
	return store_each_row(st, s, row, ctx);
}

int store_prep(struct store *st, sqlite3_stmt **slot, const char *sql)
{
	if (*slot) {
		sqlite3_reset(*slot);
		sqlite3_clear_bindings(*slot);
		return 0;
	}
	int rc = sqlite3_prepare_v2(st->db, sql, -1, slot, NULL);
	return rc == SQLITE_OK ? 0 : fail(st, rc);
}

int store_exec(struct store *st, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(st->db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		snprintf(st->err, sizeof st->err, "%s", msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return -EIO;
	}
	return 0;
}

int store_step_done(struct store *st, sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return fail(st, rc);
	return 0;
}

const char *store_path(const struct store *st)
{
	return st->path;
}

const char *store_errmsg(struct store *st)
{
	return st->err;
}

static int meta_get(struct store *st, const char *key, char *out, size_t n)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(st->db, "SELECT value FROM meta WHERE key = ?", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const unsigned char *v = sqlite3_column_text(s, 0);
		snprintf(out, n, "%s", v ? (const char *)v : "");
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE) {
		rc = SQLITE_NOTFOUND;
	}
	sqlite3_finalize(s);
	return rc;
}

/* Is this file ours?  2 yes, with this schema version; 0 yes, older (the
 * schema statements add what is missing); 1 empty (needs schema); <0 no
 * (err set). */
static int check_file(struct store *st)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(st->db, "SELECT count(*) FROM sqlite_master", -1, &s, NULL);
	if (rc != SQLITE_OK) {
		snprintf(st->err, sizeof st->err, "'%s' is not a faultline database (%s)",
			 st->path, sqlite3_errmsg(st->db));
		return -EINVAL;
	}
	rc = sqlite3_step(s);
	long n = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW) {
		snprintf(st->err, sizeof st->err, "'%s' is not a faultline database (%s)",
			 st->path, sqlite3_errstr(rc));
		return -EINVAL;
	}
	if (n == 0)
		return 1;
	char app[64] = "", ver[32] = "";
	if (meta_get(st, "application", app, sizeof app) != SQLITE_OK || strcmp(app, "faultline")) {
		snprintf(st->err, sizeof st->err,
			 "'%s' is a SQLite database but not faultline's (no faultline meta table)",
			 st->path);
		return -EINVAL;
	}
	meta_get(st, "schema_version", ver, sizeof ver);
	if (atoi(ver) > STORE_SCHEMA_VERSION) {
		snprintf(st->err, sizeof st->err,
			 "'%s' has schema version %s, newer than this faultline (%d)",
			 st->path, ver, STORE_SCHEMA_VERSION);
		return -EINVAL;
	}
	return atoi(ver) == STORE_SCHEMA_VERSION ? 2 : 0;
}

int store_open(const char *path, int mode, struct store **out, char *err, size_t errlen)
{
	struct store *st = xcalloc(1, sizeof *st);
	int rc = 0;
	struct stat sb;

	*out = NULL;
	snprintf(st->path, sizeof st->path, "%s", path);
	int exists = stat(path, &sb) == 0;
	if (!exists && mode != STORE_CREATE) {
		snprintf(st->err, sizeof st->err, "cannot open '%s': no such file", path);
		rc = -ENOENT;
		goto out;
	}
	if (exists && S_ISDIR(sb.st_mode)) {
		snprintf(st->err, sizeof st->err, "cannot open '%s': is a directory", path);
		rc = -EISDIR;
		goto out;
	}
	int flags = mode == STORE_RDONLY ? SQLITE_OPEN_READONLY
		  : SQLITE_OPEN_READWRITE | (mode == STORE_CREATE ? SQLITE_OPEN_CREATE : 0);
	if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
		snprintf(st->err, sizeof st->err, "cannot open '%s': %s", path,
			 st->db ? sqlite3_errmsg(st->db) : "out of memory");
		rc = -EIO;
		goto out;
	}
	sqlite3_busy_timeout(st->db, 10000);
	sqlite3_extended_result_codes(st->db, 1);
	rc = check_file(st);
	if (rc < 0)
		goto out;
	if (rc == 1 && mode == STORE_RDONLY) {
		snprintf(st->err, sizeof st->err, "'%s' is empty: no recording yet", path);
		rc = -ENOENT;
		goto out;
	}
	if (mode != STORE_RDONLY) {
		/* A new file holds nothing to lose until the schema is in: made
		 * without fsyncs (4 fewer, a few ms); then WAL, synchronous=NORMAL.
		 * WAL needs the directory writable; fall back quietly. */
		if (rc == 1)
			store_exec(st, "PRAGMA synchronous=OFF");
		store_exec(st, "PRAGMA journal_mode=WAL");
	}
	if (rc == 1 || (rc == 0 && mode != STORE_RDONLY)) {
		char sql[128];
		if (store_exec(st, "BEGIN IMMEDIATE") < 0 ||
		    (rc == 0 && store_exec(st, store_schema_upgrade_sql) < 0) ||
		    (rc == 0 && add_columns(st) < 0) ||
		    store_exec(st, store_schema_sql) < 0) {
			rc = -EIO;
			goto out;
		}
		snprintf(sql, sizeof sql,
			 "INSERT OR IGNORE INTO meta VALUES('application','faultline');"
			 "INSERT OR REPLACE INTO meta VALUES('schema_version','%d');",
			 STORE_SCHEMA_VERSION);
		if (store_exec(st, sql) < 0 || store_exec(st, "COMMIT") < 0) {
			rc = -EIO;
			goto out;
		}
	}
	if (mode != STORE_RDONLY)
		store_exec(st, "PRAGMA synchronous=NORMAL");
	store_register_functions(st->db);
	rc = 0;
out:
	if (rc < 0) {
		snprintf(err, errlen, "%s", st->err);
		if (st->db)
			sqlite3_close_v2(st->db);
		free(st);
		return rc;
	}
	*out = st;
	return 0;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	if (st->in_txn)
		store_commit(st);
	for (size_t i = 0; i < sizeof st->stmt / sizeof st->stmt[0]; i++)
		sqlite3_finalize(st->stmt[i]);
	store_intern_clear(st);
	free(st->used);
	free(st->strs);
	free(st->pays);
	sqlite3_close_v2(st->db);
	free(st);
}

int store_begin(struct store *st)
{
	if (st->in_txn)
		return 0;
	int rc = store_exec(st, "BEGIN IMMEDIATE");
	if (rc == 0) {
		st->in_txn = 1;
		st->batch = 0;
		st->batch_t = fl_now_ns();
	}
	return rc;
}

int store_commit(struct store *st)
{
	if (!st->in_txn)
		return 0;
	st->in_txn = 0;
	return store_exec(st, "COMMIT");
}

int store_tick(struct store *st)
{
	if (!st->in_txn)
		return store_begin(st);
	if (++st->batch < STORE_BATCH && (st->batch & 255))
		return 0;
	if (st->batch < STORE_BATCH && fl_now_ns() - st->batch_t < 500000000ull)
		return 0;
	int rc = store_commit(st);
	return rc < 0 ? rc : store_begin(st);
}

int store_names_sync(struct store *st, long max_nr, store_sysname_fn fn)
{
	char name[64];
	int rc = store_prep(st, &st->stmt[S_SYSNAME],
			    "INSERT OR REPLACE INTO sysname VALUES(?,?,?)");
	for (long nr = 0; rc == 0 && nr < max_nr; nr++) {
		const char *family = NULL;
		if (fn(nr, name, sizeof name, &family))
			continue;
		sqlite3_reset(st->stmt[S_SYSNAME]);
		sqlite3_bind_int64(st->stmt[S_SYSNAME], 1, nr);
		sqlite3_bind_text(st->stmt[S_SYSNAME], 2, name, -1, SQLITE_TRANSIENT);
		if (family)
			sqlite3_bind_text(st->stmt[S_SYSNAME], 3, family, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st->stmt[S_SYSNAME], 3);
		rc = store_step_done(st, st->stmt[S_SYSNAME]);
	}
	if (rc == 0)
		rc = store_prep(st, &st->stmt[S_ERRNAME],
				"INSERT OR REPLACE INTO errname VALUES(?,?)");
	for (int e = 1; rc == 0 && e < 4096; e++) {
		const char *n = fl_errno_name(e);
		if (!n)
			continue;
		sqlite3_reset(st->stmt[S_ERRNAME]);
		sqlite3_bind_int(st->stmt[S_ERRNAME], 1, e);
		sqlite3_bind_text(st->stmt[S_ERRNAME], 2, n, -1, SQLITE_STATIC);
		rc = store_step_done(st, st->stmt[S_ERRNAME]);
	}
	return rc;
}
