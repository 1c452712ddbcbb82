/*
 * store/points.c - the rows analyze and replay read and write: fault calls
 * of a recording, fault points, call-site frames, sweeps and runs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

struct fcall_cb {
	int (*cb)(void *, const struct store_fcall *);
	void *arg;
};

static int fcall_row(sqlite3_stmt *s, void *ctx)
{
	struct fcall_cb *c = ctx;
	struct store_fcall f = {
		.seq = col_u64(s, 0),
		.tid = sqlite3_column_int(s, 1),
		.ident = col_text(s, 2) ? col_text(s, 2) : "1",
		.name = col_text(s, 3), .family = col_text(s, 4),
		.nth = (uint32_t)sqlite3_column_int64(s, 5),
		.site = col_u64(s, 6),
		.path = col_text(s, 7), .fdkind = col_text(s, 8), .args = col_text(s, 9),
		.ret = sqlite3_column_int64(s, 10),
		.std = sqlite3_column_type(s, 11) == SQLITE_NULL ? -1 : sqlite3_column_int(s, 11),
	};
	return c->cb(c->arg, &f);
}

int store_each_fault_call(struct store *st, long rec,
			  int (*cb)(void *, const struct store_fcall *), void *arg)
{
	struct fcall_cb c = { cb, arg };
	return store_select(st,
		"SELECT c.seq, c.tid, p.ident, c.name, c.family, c.fam_n, c.site, c.path,"
		" c.fdkind, c.args, c.ret, c.std"
		" FROM syscalls c LEFT JOIN proc p ON p.rec = c.rec AND p.tid = c.tid"
		" WHERE c.rec = ? AND c.fam_n IS NOT NULL AND c.family IS NOT NULL"
		" ORDER BY c.seq", (sqlite3_int64[]){ rec }, 1, fcall_row, &c);
}

int store_point_add(struct store *st, const struct store_point *p)
{
	const struct store_param v[] = {
		SP_I(p->rec), SP_I(p->id), SP_T(p->family), SP_T(p->ident), SP_I(p->nth),
		SP_I(p->seq), SP_T(p->name), SP_IF(p->site, p->site), SP_T(p->path),
		SP_T(p->fdkind), SP_T(p->errnos), SP_I(p->std),
	};
	return store_write(st, S_POINT,
			   "INSERT OR REPLACE INTO point(rec, id, family, ident, nth, seq, name, site,"
			   " path, fdkind, errnos, std) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)", v, 12);
}

int store_site_frames(struct store *st, long rec, uint64_t site, struct sb *out)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(st->db, "SELECT frames FROM site WHERE rec = ? AND id = ?", -1,
			       &s, NULL) != SQLITE_OK)
		return store_sqlerr(st);
	sqlite3_bind_int64(s, 1, rec);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)site);
	int rc = -ENOENT;
	if (sqlite3_step(s) == SQLITE_ROW && col_text(s, 0)) {
		sb_puts(out, col_text(s, 0));
		rc = 0;
	}
	sqlite3_finalize(s);
	return rc;
}

int store_sites_like(struct store *st, long rec, const char *like)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(st->db, "SELECT 1 FROM site WHERE rec = ? AND frames LIKE ? LIMIT 1",
			       -1, &s, NULL) != SQLITE_OK)
		return store_sqlerr(st);
	sqlite3_bind_int64(s, 1, rec);
	sqlite3_bind_text(s, 2, like, -1, SQLITE_STATIC);
	int step = sqlite3_step(s);
	int rc = step == SQLITE_ROW ? 1 : step == SQLITE_DONE ? 0 : store_sqlerr(st);
	sqlite3_finalize(s);
	return rc;
}

int store_sweep_new(struct store *st, const struct store_sweep *w, long *id)
{
	const struct store_param v[] = {
		SP_I(w->rec), SP_T(w->kind), SP_I(fl_wall_ns()), SP_I(w->seed), SP_T(w->setup),
		SP_T(w->check), SP_I((int)w->timeout_ms), SP_T(w->options),
	};
	int rc = store_write(st, -1,
			     "INSERT INTO sweep(rec, kind, started_ns, seed, setup, chk, timeout_ms,"
			     " options) VALUES(?,?,?,?,?,?,?,?)", v, 8);
	*id = (long)sqlite3_last_insert_rowid(st->db);   /* read only when rc is 0 */
	return rc;
}

int store_sweep_finish(struct store *st, long id, int complete)
{
	const struct store_param v[] = { SP_I(fl_wall_ns()), SP_I(complete), SP_I(id) };
	return store_write(st, -1, "UPDATE sweep SET ended_ns = ?, complete = ? WHERE id = ?", v, 3);
}

int store_sweep_end(struct store *st, long id, int complete)
{
	/* without a transaction (a busy database) the update still runs alone */
	store_begin(st);
	int rc = store_sweep_finish(st, id, complete);
	int crc = store_commit(st);
	return rc ? rc : crc;
}

long store_sweep_resumable(struct store *st, long rec, const char *options)
{
	sqlite3_stmt *s = NULL;
	long id = 0;
	if (sqlite3_prepare_v2(st->db,
		"SELECT id FROM sweep WHERE rec = ? AND options = ? AND complete = 0"
		" ORDER BY id DESC LIMIT 1", -1, &s, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(s, 1, rec);
	sqlite3_bind_text(s, 2, options, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		id = (long)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return id;
}

int store_run_done(struct store *st, long sweep, long point, const char *fault)
{
	sqlite3_stmt *s = NULL;
	int done = 0;
	if (sqlite3_prepare_v2(st->db,
		"SELECT 1 FROM run WHERE sweep = ? AND point = ? AND fault = ?", -1, &s, NULL)
	    != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(s, 1, sweep);
	sqlite3_bind_int64(s, 2, point);
	sqlite3_bind_text(s, 3, fault, -1, SQLITE_STATIC);
	done = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	return done;
}

long store_run_add(struct store *st, const struct store_run *r)
{
	const struct store_param v[] = {
		SP_I(r->sweep), SP_I(r->rec), SP_I(r->point), SP_T(r->fault), SP_T(r->faults),
		SP_I(r->fired), SP_T(r->outcome), SP_I(r->exit_code), SP_IF(r->signal, r->signal),
		SP_I(r->dur_ms), SP_I(r->seed), SP_T(r->repro), SP_T(r->output),
	};
	int rc = store_write(st, S_RUN,
			     "INSERT OR REPLACE INTO run(sweep, rec, point, fault, faults, fired,"
			     " outcome, exit_code, signal, dur_ms, seed, repro, output)"
			     " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)", v, 13);
	return rc ? rc : (long)sqlite3_last_insert_rowid(st->db);
}

int store_snap_add(struct store *st, long rec, const char *path, unsigned mode,
		   const void *data, size_t len, const char *link)
{
	int rc = store_prep(st, &st->stmt[S_SNAP], "INSERT OR REPLACE INTO snapshot VALUES(?,?,?,?,?)");
	if (rc)
		return rc;
	sqlite3_stmt *s = st->stmt[S_SNAP];
	sqlite3_bind_int64(s, 1, rec);
	sqlite3_bind_text(s, 2, path, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, (int)mode);
	if (data) {
		void *z;
		size_t zn;
		store_pack(data, len, &z, &zn);
		sqlite3_bind_blob(s, 4, z, (int)zn, free);
	}
	if (link)
		sqlite3_bind_text(s, 5, link, -1, SQLITE_STATIC);
	return store_step_done(st, s);
}

int store_snap_each(struct store *st, long rec,
		    int (*cb)(void *, const char *path, unsigned mode, const void *data,
			      size_t len, const char *link), void *arg)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(st->db, "SELECT path, mode, data, link FROM snapshot WHERE rec = ?"
			       " ORDER BY path", -1, &s, NULL) != SQLITE_OK)
		return store_sqlerr(st);
	sqlite3_bind_int64(s, 1, rec);
	int rc = 0;
	while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
		void *data = NULL;
		size_t len = 0;
		if (sqlite3_column_type(s, 2) != SQLITE_NULL &&
		    store_unpack(sqlite3_column_blob(s, 2), (size_t)sqlite3_column_bytes(s, 2),
				 &data, &len) < 0) {
			snprintf(st->err, sizeof st->err, "corrupt snapshot data for '%s'",
				 col_text(s, 0));
			rc = -EIO;
			break;
		}
		rc = cb(arg, col_text(s, 0), (unsigned)sqlite3_column_int(s, 1),
			sqlite3_column_type(s, 2) != SQLITE_NULL ? (data ? data : "") : NULL, len,
			col_text(s, 3));
		free(data);
	}
	sqlite3_finalize(s);
	return rc;
}

int store_rec_set_snapshot(struct store *st, long rec, int has)
{
	const struct store_param v[] = { SP_I(has), SP_I(rec) };
	return store_write(st, -1, "UPDATE rec SET snapshot = ? WHERE id = ?", v, 2);
}

static char *dup_col(sqlite3_stmt *s, int i)
{
	return sqlite3_column_type(s, i) == SQLITE_NULL ? NULL : xstrdup(col_text(s, i));
}

int store_run_get(struct store *st, long run, struct store_runinfo *ri)
{
	sqlite3_stmt *s = NULL;
	memset(ri, 0, sizeof *ri);
	if (sqlite3_prepare_v2(st->db,
		"SELECT r.id, r.rec, r.sweep, r.faults, r.outcome, r.signal, w.seed, w.setup,"
		" w.chk, w.timeout_ms, w.options FROM run r LEFT JOIN sweep w ON w.id = r.sweep"
		" WHERE r.id = ?", -1, &s, NULL) != SQLITE_OK)
		return store_sqlerr(st);
	sqlite3_bind_int64(s, 1, run);
	int rc = -ENOENT;
	if (sqlite3_step(s) == SQLITE_ROW) {
		ri->run = (long)sqlite3_column_int64(s, 0);
		ri->rec = (long)sqlite3_column_int64(s, 1);
		ri->sweep = (long)sqlite3_column_int64(s, 2);
		ri->faults = dup_col(s, 3);
		ri->outcome = dup_col(s, 4);
		ri->signal = sqlite3_column_int(s, 5);
		ri->seed = (uint64_t)sqlite3_column_int64(s, 6);
		ri->setup = dup_col(s, 7);
		ri->check = dup_col(s, 8);
		ri->timeout_ms = (long)sqlite3_column_int64(s, 9);
		ri->options = dup_col(s, 10);
		rc = 0;
	} else {
		snprintf(st->err, sizeof st->err, "no run %ld in '%s' (see the runs view)", run,
			 st->path);
	}
	sqlite3_finalize(s);
	return rc;
}

void store_runinfo_free(struct store_runinfo *ri)
{
	free(ri->faults);
	free(ri->outcome);
	free(ri->setup);
	free(ri->check);
	free(ri->options);
	memset(ri, 0, sizeof *ri);
}

long store_point_count(struct store *st, long rec)
{
	sqlite3_stmt *s = NULL;
	long n = -1;
	if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM point WHERE rec = ?", -1, &s, NULL)
	    != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(s, 1, rec);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}
