/*
 * store/rec.c - writing recordings: the rec, proc, call, site and sig rows,
 * and reading a recording's header back for replay.
 *
 * argv is stored as a JSON array (readable in the stock CLI); env as a
 * zstd-compressed JSON array (fl_data(env) shows it).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/* The stored arrays keep every byte as it is: SQLite's json_each() gives
 * back a byte that is not UTF-8 unchanged, and replay must run the program
 * with the very argv and env it was recorded with.  Only '"', '\\' and
 * control characters are escaped.  This is storage, not output: --json
 * output goes through json.h, which escapes such bytes. */
static void json_array(struct sb *b, char **v)
{
	sb_putc(b, '[');
	for (int i = 0; v && v[i]; i++) {
		sb_puts(b, i ? ",\"" : "\"");
		for (const char *s = v[i]; *s; s++) {
			unsigned char c = (unsigned char)*s;
			if (c == '"' || c == '\\')
				sb_printf(b, "\\%c", c);
			else if (c < 0x20)
				sb_printf(b, "\\u%04x", c);
			else
				sb_putc(b, (char)c);
		}
		sb_putc(b, '"');
	}
	sb_putc(b, ']');
}

int store_rec_new(struct store *st, const struct store_rec *r, long *id)
{
	struct sb argv, env;
	void *packed = NULL;
	size_t plen = 0;
	sb_init(&argv);
	sb_init(&env);
	json_array(&argv, r->argv);
	json_array(&env, r->env);
	int rc = store_pack(env.s, env.len, &packed, &plen);
	if (rc == 0)
		rc = store_prep(st, &st->stmt[S_REC_NEW],
				"INSERT INTO rec(argv, exe, cwd, env, start_ns, capture, version,"
				" snapshot, stdio, complete) VALUES(?,?,?,?,?,?,?,?,?,0)");
	if (rc == 0) {
		sqlite3_stmt *s = st->stmt[S_REC_NEW];
		sqlite3_bind_text(s, 1, argv.s, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(s, 2, r->exe, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(s, 3, r->cwd, -1, SQLITE_TRANSIENT);
		sqlite3_bind_blob(s, 4, packed, (int)plen, SQLITE_TRANSIENT);
		sqlite3_bind_int64(s, 5, (sqlite3_int64)r->start_ns);
		sqlite3_bind_int(s, 6, r->capture);
		sqlite3_bind_text(s, 7, FL_VERSION, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 8, r->has_snapshot);
		sqlite3_bind_text(s, 9, r->stdio, -1, SQLITE_TRANSIENT);
		rc = store_step_done(st, s);
		*id = (long)sqlite3_last_insert_rowid(st->db);
	}
	free(packed);
	sb_free(&argv);
	sb_free(&env);
	return rc;
}

int store_rec_finish(struct store *st, long id, uint64_t end_ns, int exit_code,
		     int complete, uint64_t ncalls)
{
	const struct store_param v[] = {
		SP_I(end_ns), SP_I(exit_code), SP_I(complete), SP_I(ncalls), SP_I(id),
	};
	return store_write(st, S_REC_FIN,
			   "UPDATE rec SET end_ns=?, exit_code=?, complete=?, ncalls=? WHERE id=?", v, 5);
}

static char **json_to_vec(struct store *st, const char *json, size_t len)
{
	sqlite3_stmt *s = NULL;
	char **v = xcalloc(1, sizeof *v);
	size_t n = 0;
	if (sqlite3_prepare_v2(st->db, "SELECT value FROM json_each(?)", -1, &s, NULL) != SQLITE_OK)
		return v;
	sqlite3_bind_text(s, 1, json, (int)len, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW) {
		v = xrealloc(v, (n + 2) * sizeof *v);
		v[n++] = xstrdup((const char *)sqlite3_column_text(s, 0));
		v[n] = NULL;
	}
	sqlite3_finalize(s);
	return v;
}

int store_rec_get(struct store *st, long id, struct store_rec *r)
{
	sqlite3_stmt *s = NULL;
	memset(r, 0, sizeof *r);
	const char *sql = id ? "SELECT id, argv, exe, cwd, env, start_ns, end_ns, exit_code,"
			       " complete, capture, ncalls, snapshot, stdio FROM rec WHERE id = ?"
			     : "SELECT id, argv, exe, cwd, env, start_ns, end_ns, exit_code,"
			       " complete, capture, ncalls, snapshot, stdio FROM rec ORDER BY id DESC"
			       " LIMIT 1";
	int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	if (rc != SQLITE_OK) {
		snprintf(st->err, sizeof st->err, "%s", sqlite3_errmsg(st->db));
		return -EIO;
	}
	if (id)
		sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		if (id)
			snprintf(st->err, sizeof st->err, "no recording %ld in '%s'", id, st->path);
		else
			snprintf(st->err, sizeof st->err, "no recording in '%s'", st->path);
		sqlite3_finalize(s);
		return -ENOENT;
	}
	r->id = (long)sqlite3_column_int64(s, 0);
	r->argv = json_to_vec(st, (const char *)sqlite3_column_text(s, 1),
			      (size_t)sqlite3_column_bytes(s, 1));
	r->exe = xstrdup((const char *)sqlite3_column_text(s, 2));
	r->cwd = xstrdup((const char *)sqlite3_column_text(s, 3));
	void *env = NULL;
	size_t envlen = 0;
	if (store_unpack(sqlite3_column_blob(s, 4), (size_t)sqlite3_column_bytes(s, 4),
			 &env, &envlen) == 0) {
		r->env = json_to_vec(st, env, envlen);
		free(env);
	} else {
		r->env = xcalloc(1, sizeof *r->env);
	}
	r->start_ns = (uint64_t)sqlite3_column_int64(s, 5);
	r->end_ns = (uint64_t)sqlite3_column_int64(s, 6);
	r->exit_code = sqlite3_column_int(s, 7);
	r->complete = sqlite3_column_int(s, 8);
	r->capture = sqlite3_column_int(s, 9);
	r->ncalls = (uint64_t)sqlite3_column_int64(s, 10);
	r->has_snapshot = sqlite3_column_int(s, 11);
	if (sqlite3_column_type(s, 12) == SQLITE_TEXT)
		r->stdio = xstrdup((const char *)sqlite3_column_text(s, 12));
	sqlite3_finalize(s);
	return 0;
}

static void free_vec(char **v)
{
	for (int i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

void store_rec_free(struct store_rec *r)
{
	free_vec(r->argv);
	free_vec(r->env);
	free(r->exe);
	free(r->cwd);
	free(r->stdio);
	memset(r, 0, sizeof *r);
}

int store_proc_add(struct store *st, const struct store_proc *p)
{
	const struct store_param v[] = {
		SP_I(p->rec), SP_I(p->tid), SP_I(p->pid), SP_I(p->ptid), SP_T(p->ident),
		SP_T(p->exe), SP_I(p->is_thread), SP_I(p->start_ts),
	};
	return store_write(st, S_PROC_ADD,
			   "INSERT INTO proc(rec, tid, pid, ptid, ident, exe, is_thread, start_ts)"
			   " VALUES(?,?,?,?,?,?,?,?)", v, 8);
}

int store_proc_exe(struct store *st, long rec, int pid, const char *exe)
{
	const struct store_param v[] = { SP_T(exe), SP_I(rec), SP_I(pid) };
	return store_write(st, S_PROC_EXE,
			   "UPDATE proc SET exe=? WHERE rec=? AND pid=? AND end_ts IS NULL", v, 3);
}

int store_proc_end(struct store *st, long rec, int tid, uint64_t end_ts, int exit_code)
{
	const struct store_param v[] = {
		SP_I(end_ts), SP_IF(exit_code >= 0, exit_code), SP_I(rec), SP_I(tid),
	};
	return store_write(st, S_PROC_END,
			   "UPDATE proc SET end_ts=?, exit_code=? WHERE rec=? AND tid=?"
			   " AND end_ts IS NULL", v, 4);
}

static uint64_t fnv(const void *p, size_t n)
{
	return fl_fnv1a(FL_FNV_OLD, p, n);
}

void store_intern_clear(struct store *st)
{
	for (size_t i = 0; i < st->nused; i++) {
		uint32_t u = st->used[i];
		struct store_intern *slot = u >> 31 ? &st->pays[u & 0x7fffffff] : &st->strs[u];
		free(slot->s);
		slot->s = NULL;
	}
	st->nused = 0;
}

/* Next free ids of a recording's str/payload rows (1 for a new one). */
static int intern_start(struct store *st, long rec)
{
	if (st->intern_rec == rec)
		return 0;
	store_intern_clear(st);
	if (!st->strs)
		st->strs = xcalloc(STORE_STR_SLOTS, sizeof *st->strs);
	if (!st->pays)
		st->pays = xcalloc(STORE_PAY_SLOTS, sizeof *st->pays);
	sqlite3_stmt *s = NULL;
	st->next_str = st->next_pay = 1;
	if (sqlite3_prepare_v2(st->db, "SELECT (SELECT max(id) FROM str WHERE rec = ?1),"
			       " (SELECT max(id) FROM payload WHERE rec = ?1)", -1, &s, NULL)
	    != SQLITE_OK)
		return -EIO;
	sqlite3_bind_int64(s, 1, rec);
	if (sqlite3_step(s) == SQLITE_ROW) {
		st->next_str = sqlite3_column_int64(s, 0) + 1;
		st->next_pay = sqlite3_column_int64(s, 1) + 1;
	}
	sqlite3_finalize(s);
	st->intern_rec = rec;
	return 0;
}

/* The id of text/bytes p[0..n) in table str (is_payload 0) or payload. */
static int intern(struct store *st, long rec, const void *p, size_t n, int is_payload,
		  int64_t *id)
{
	uint64_t h = fnv(p, n);
	struct store_intern *slot = is_payload ? &st->pays[h % STORE_PAY_SLOTS]
					       : &st->strs[h % STORE_STR_SLOTS];
	if (slot->s && slot->h == h && slot->len == n && !memcmp(slot->s, p, n)) {
		*id = slot->id;
		return 0;
	}
	int rc = is_payload
		? store_prep(st, &st->stmt[S_PAYLOAD], "INSERT INTO payload VALUES(?,?,?)")
		: store_prep(st, &st->stmt[S_STR], "INSERT INTO str VALUES(?,?,?)");
	if (rc)
		return rc;
	sqlite3_stmt *s = st->stmt[is_payload ? S_PAYLOAD : S_STR];
	*id = is_payload ? st->next_pay++ : st->next_str++;
	sqlite3_bind_int64(s, 1, rec);
	sqlite3_bind_int64(s, 2, *id);
	if (is_payload) {
		void *z;
		size_t zn;
		store_pack(p, n, &z, &zn);
		sqlite3_bind_blob(s, 3, z, (int)zn, free);
	} else {
		sqlite3_bind_text(s, 3, p, (int)n, SQLITE_STATIC);
	}
	rc = store_step_done(st, s);
	if (rc)
		return rc;
	if (!slot->s) {
		if (st->nused == st->capused) {
			st->capused = st->capused ? 2 * st->capused : 1024;
			st->used = xrealloc(st->used, st->capused * sizeof *st->used);
		}
		st->used[st->nused++] = is_payload ? (uint32_t)(slot - st->pays) | 1u << 31
						   : (uint32_t)(slot - st->strs);
	}
	free(slot->s);
	slot->s = xmalloc(n + 1);
	memcpy(slot->s, p, n);
	slot->len = n;
	slot->h = h;
	slot->id = *id;
	return 0;
}

static int fdkind_code(const char *k)
{
	static const char *const names[] = { "file", "tty", "pipe", "socket", "dev", "other" };
	for (int i = 0; k && i < 6; i++)
		if (!strcmp(k, names[i]))
			return i + 1;
	return 0;
}

int store_call_add(struct store *st, const struct store_call *c)
{
	int64_t args_id = 0, path_id = 0, data_id = 0;
	int rc = intern_start(st, c->rec);
	if (!rc && c->args)
		rc = intern(st, c->rec, c->args, strlen(c->args), 0, &args_id);
	if (!rc && c->path)
		rc = intern(st, c->rec, c->path, strlen(c->path), 0, &path_id);
	if (!rc && c->datalen)
		rc = intern(st, c->rec, c->data, c->datalen, 1, &data_id);
	if (!rc)
		rc = store_prep(st, &st->stmt[S_CALL],
				"INSERT OR REPLACE INTO call(rec, seq, tid, pid, nr, args, ret, err, path,"
				" fdkind, ts, dur, site, fam_n, data, std)"
				" VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	if (rc)
		return rc;
	sqlite3_stmt *s = st->stmt[S_CALL];
	sqlite3_bind_int64(s, 1, c->rec);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)c->seq);
	sqlite3_bind_int(s, 3, c->tid);
	if (c->pid != c->tid)
		sqlite3_bind_int(s, 4, c->pid);   /* NULL: same as tid */
	sqlite3_bind_int64(s, 5, c->nr);
	if (args_id)
		sqlite3_bind_int64(s, 6, args_id);
	if (c->finished) {
		sqlite3_bind_int64(s, 7, c->ret);
		if (c->ret < 0 && c->ret > -4096)
			sqlite3_bind_int(s, 8, (int)-c->ret);
	}
	if (path_id)
		sqlite3_bind_int64(s, 9, path_id);
	if (fdkind_code(c->fdkind))
		sqlite3_bind_int(s, 10, fdkind_code(c->fdkind));
	sqlite3_bind_int64(s, 11, (sqlite3_int64)c->ts);
	sqlite3_bind_int64(s, 12, (sqlite3_int64)c->dur);
	if (c->site)
		sqlite3_bind_int64(s, 13, (sqlite3_int64)c->site);
	if (c->fam_n)
		sqlite3_bind_int64(s, 14, c->fam_n);
	if (data_id)
		sqlite3_bind_int64(s, 15, data_id);
	if (c->std >= 0)
		sqlite3_bind_int(s, 16, c->std);
	rc = store_step_done(st, s);
	return rc ? rc : store_tick(st);
}

int store_site_add(struct store *st, long rec, uint64_t site, const char *frames)
{
	const struct store_param v[] = { SP_I(rec), SP_I(site), SP_T(frames) };
	return store_write(st, S_SITE, "INSERT OR IGNORE INTO site VALUES(?,?,?)", v, 3);
}

int store_signal_add(struct store *st, long rec, uint64_t seq, int tid, int sig)
{
	const struct store_param v[] = { SP_I(rec), SP_I(seq), SP_I(tid), SP_I(sig) };
	return store_write(st, S_SIG, "INSERT INTO sig VALUES(?,?,?,?)", v, 4);
}
