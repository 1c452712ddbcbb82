/*
 * store/merge.c - `faultline merge OUT.db IN.db...` and its SQL.
 *
 * Design (the keys are in merge.h): each input is ATTACHed as `src` and
 * merged in one transaction, in three steps that each map the input's ids
 * to OUT's through a temp table:
 *   1. recordings  -> temp.fl_recmap(src, dst, fresh): a recording already
 *      in OUT maps to it (fresh = 0), a new one is inserted (fresh = 1) and
 *      only then are its processes, calls and signals copied (those tables
 *      have no key to deduplicate on); sites, snapshot files and points
 *      are keyed and copied with INSERT OR IGNORE;
 *   2. sweeps      -> temp.fl_sweepmap(src, dst), inserting the new ones;
 *   3. runs: the input's runs whose (rec, point, fault, seed) is not in
 *      temp.fl_runkey (the keys of OUT's runs, built once per connection
 *      and kept up to date) go to temp.fl_newrun, first run id wins, and
 *      from there into OUT, their repro lines rewritten to name OUT and
 *      the recording's id in OUT; a new sweep left with no run is dropped.
 * Invariants: after a merge no two runs share (rec, point, fault, seed)
 * unless OUT already had such twins; merging an input twice adds nothing.
 *
 * The command validates every input before it writes anything (a missing,
 * corrupt or foreign file is one error line and OUT stays as it was).  A
 * new OUT is built beside its final name and renamed into place at the end.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "merge.h"
#include "store_int.h"

static int sqlfail(struct store *st, const char *what)
{
	snprintf(st->err, sizeof st->err, "%s: %s", what, sqlite3_errmsg(st->db));
	return -EIO;
}

int store_merge_check(const char *path, char *err, size_t errlen)
{
	struct store *st;
	int rc = store_open(path, STORE_RDONLY, &st, err, errlen);
	if (rc < 0)
		return rc;
	sqlite3_stmt *s = NULL;
	const char *bad = NULL;
	if (sqlite3_prepare_v2(st->db, "PRAGMA quick_check", -1, &s, NULL) != SQLITE_OK)
		bad = sqlite3_errmsg(st->db);
	else if (sqlite3_step(s) != SQLITE_ROW)
		bad = sqlite3_errmsg(st->db);
	else if (strcmp((const char *)sqlite3_column_text(s, 0), "ok"))
		bad = (const char *)sqlite3_column_text(s, 0);
	if (bad) {
		/* quick_check's report spans lines: keep the first problem */
		const char *p = strstr(bad, "***\n");
		p = p ? p + 4 : bad;
		snprintf(err, errlen, "'%s' is damaged (%.*s)", path, (int)strcspn(p, "\n"), p);
		rc = -EINVAL;
	}
	sqlite3_finalize(s);
	store_close(st);
	return rc;
}

static const char merge_setup_sql[] =
	"CREATE TEMP TABLE IF NOT EXISTS fl_recmap(src INTEGER PRIMARY KEY, dst INTEGER,"
	"  fresh INTEGER);\n"
	"CREATE TEMP TABLE IF NOT EXISTS fl_sweepmap(src INTEGER PRIMARY KEY, dst INTEGER);\n"
	"CREATE TEMP TABLE IF NOT EXISTS fl_newrun(src INTEGER PRIMARY KEY, rec, point, fault,"
	"  seed, UNIQUE(rec, point, fault, seed));\n"
	"DELETE FROM temp.fl_recmap; DELETE FROM temp.fl_sweepmap; DELETE FROM temp.fl_newrun;\n";

static const char runkey_sql[] =
	"CREATE TEMP TABLE fl_runkey(rec, point, fault, seed,"
	"  PRIMARY KEY(rec, point, fault, seed)) WITHOUT ROWID;\n"
	"INSERT OR IGNORE INTO temp.fl_runkey SELECT rec, point, fault, seed FROM main.run;\n";

/* Step 1, the lookup half: which of OUT's recordings is each of src's?
 * New ones are inserted here, so that their id is known. */
static int map_recordings(struct store *st, struct store_merge_stats *ms)
{
	sqlite3_stmt *list = NULL, *find = NULL, *copy = NULL, *map = NULL;
	int rc = -EIO;
	if (sqlite3_prepare_v2(st->db, "SELECT id, exe, argv, start_ns, cwd FROM src.rec"
			       " ORDER BY id", -1, &list, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(st->db, "SELECT id FROM main.rec WHERE exe = ?1 AND argv = ?2"
			       " AND start_ns IS ?3 AND cwd IS ?4 ORDER BY id LIMIT 1", -1, &find,
			       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(st->db, "INSERT INTO main.rec(argv, exe, cwd, env, start_ns, end_ns,"
			       " exit_code, complete, capture, ncalls, version, snapshot)"
			       " SELECT argv, exe, cwd, env, start_ns, end_ns, exit_code, complete,"
			       " capture, ncalls, version, snapshot FROM src.rec WHERE id = ?", -1,
			       &copy, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(st->db, "INSERT INTO temp.fl_recmap VALUES(?, ?, ?)", -1, &map,
			       NULL) != SQLITE_OK) {
		sqlfail(st, "reading recordings");
		goto out;
	}
	int step;
	while ((step = sqlite3_step(list)) == SQLITE_ROW) {
		sqlite3_int64 id = sqlite3_column_int64(list, 0), dst;
		int fresh = 0;
		sqlite3_reset(find);
		for (int i = 1; i <= 4; i++)
			sqlite3_bind_value(find, i, sqlite3_column_value(list, i));
		if (sqlite3_step(find) == SQLITE_ROW) {
			dst = sqlite3_column_int64(find, 0);
		} else {
			sqlite3_reset(copy);
			sqlite3_bind_int64(copy, 1, id);
			if (sqlite3_step(copy) != SQLITE_DONE) {
				sqlfail(st, "copying a recording");
				goto out;
			}
			dst = sqlite3_last_insert_rowid(st->db);
			fresh = 1;
			ms->recs_new++;
		}
		ms->recs++;
		sqlite3_reset(map);
		sqlite3_bind_int64(map, 1, id);
		sqlite3_bind_int64(map, 2, dst);
		sqlite3_bind_int(map, 3, fresh);
		if (sqlite3_step(map) != SQLITE_DONE) {
			sqlfail(st, "mapping recordings");
			goto out;
		}
	}
	rc = step == SQLITE_DONE ? 0 : sqlfail(st, "reading recordings");
out:
	sqlite3_finalize(list);
	sqlite3_finalize(find);
	sqlite3_finalize(copy);
	sqlite3_finalize(map);
	return rc;
}

/* Step 1, the copying half, and step 2. */
static const char copy_sql[] =
	"INSERT INTO main.proc(rec, tid, pid, ptid, ident, exe, is_thread, start_ts, end_ts,"
	"  exit_code)"
	" SELECT m.dst, p.tid, p.pid, p.ptid, p.ident, p.exe, p.is_thread, p.start_ts, p.end_ts,"
	"  p.exit_code FROM src.proc p JOIN temp.fl_recmap m ON m.src = p.rec WHERE m.fresh;\n"
	"INSERT OR IGNORE INTO main.str(rec, id, s)"
	" SELECT m.dst, x.id, x.s FROM src.str x JOIN temp.fl_recmap m ON m.src = x.rec"
	"  WHERE m.fresh;\n"
	"INSERT OR IGNORE INTO main.payload(rec, id, data)"
	" SELECT m.dst, x.id, x.data FROM src.payload x JOIN temp.fl_recmap m ON m.src = x.rec"
	"  WHERE m.fresh;\n"
	"INSERT INTO main.sig(rec, seq, tid, signo)"
	" SELECT m.dst, g.seq, g.tid, g.signo FROM src.sig g JOIN temp.fl_recmap m"
	"  ON m.src = g.rec WHERE m.fresh;\n"
	"INSERT OR IGNORE INTO main.site(rec, id, frames)"
	" SELECT m.dst, s.id, s.frames FROM src.site s JOIN temp.fl_recmap m ON m.src = s.rec;\n"
	"INSERT OR IGNORE INTO main.snapshot(rec, path, mode, data, link)"
	" SELECT m.dst, s.path, s.mode, s.data, s.link FROM src.snapshot s"
	"  JOIN temp.fl_recmap m ON m.src = s.rec;\n"
	"INSERT OR IGNORE INTO main.sysname SELECT nr, name, family FROM src.sysname;\n"
	"INSERT OR IGNORE INTO main.errname SELECT err, name FROM src.errname;\n"
	"INSERT INTO main.sweep(rec, kind, started_ns, ended_ns, seed, setup, chk, timeout_ms,"
	"  options, complete)"
	" SELECT m.dst, s.kind, s.started_ns, s.ended_ns, s.seed, s.setup, s.chk, s.timeout_ms,"
	"  s.options, s.complete FROM src.sweep s JOIN temp.fl_recmap m ON m.src = s.rec"
	"  WHERE NOT EXISTS (SELECT 1 FROM main.sweep d WHERE d.rec = m.dst AND d.kind IS s.kind"
	"   AND d.started_ns IS s.started_ns AND d.seed IS s.seed AND d.options IS s.options)"
	"  ORDER BY s.id;\n"
	"INSERT INTO temp.fl_sweepmap"
	" SELECT s.id, (SELECT d.id FROM main.sweep d WHERE d.rec = m.dst AND d.kind IS s.kind"
	"   AND d.started_ns IS s.started_ns AND d.seed IS s.seed AND d.options IS s.options"
	"   ORDER BY d.id LIMIT 1) FROM src.sweep s JOIN temp.fl_recmap m ON m.src = s.rec;\n"
	"UPDATE main.sweep SET complete = 1, ended_ns = coalesce(ended_ns, (SELECT max(s.ended_ns)"
	"  FROM src.sweep s JOIN temp.fl_sweepmap w ON w.src = s.id WHERE w.dst = sweep.id))"
	" WHERE complete = 0 AND id IN (SELECT w.dst FROM temp.fl_sweepmap w"
	"  JOIN src.sweep s ON s.id = w.src WHERE s.complete);\n";

/* Step 1, calls and points.  %s is the input's std column, or NULL for an
 * input older than schema 3 (a read-only input is never upgraded). */
static const char calls_sql[] =
	"INSERT OR IGNORE INTO main.call(rec, seq, tid, pid, nr, args, ret, err, path, fdkind,"
	"  ts, dur, site, fam_n, data, std)"
	" SELECT m.dst, c.seq, c.tid, c.pid, c.nr, c.args, c.ret, c.err, c.path, c.fdkind, c.ts,"
	"  c.dur, c.site, c.fam_n, c.data, %s FROM src.call c"
	"  JOIN temp.fl_recmap m ON m.src = c.rec WHERE m.fresh";
static const char points_sql[] =
	"INSERT OR IGNORE INTO main.point(rec, id, family, ident, nth, seq, name, site, path,"
	"  fdkind, errnos, std)"
	" SELECT m.dst, p.id, p.family, p.ident, p.nth, p.seq, p.name, p.site, p.path, p.fdkind,"
	"  p.errnos, %s FROM src.point p JOIN temp.fl_recmap m ON m.src = p.rec";

/* Copy src's table with sql, naming its std column if it has one. */
static int copy_with_std(struct store *st, const char *fmt, const char *table,
			 const char *col)
{
	sqlite3_stmt *s = NULL;
	int has = 0;
	if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM pragma_table_info(?1, 'src')"
			       " WHERE name = 'std'", -1, &s, NULL) != SQLITE_OK)
		return sqlfail(st, "reading the input's columns");
	sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		has = sqlite3_column_int(s, 0) > 0;
	sqlite3_finalize(s);
	char sql[1024];
	snprintf(sql, sizeof sql, fmt, has ? col : "NULL");
	return store_exec(st, sql);
}

/* Step 3.  ?1 is the repro prefix "faultline replay -d OUT --rec ". */
static const char runs_sql[] =
	"INSERT OR IGNORE INTO temp.fl_newrun"
	" SELECT r.id, m.dst, r.point, r.fault, r.seed FROM src.run r"
	"  JOIN temp.fl_recmap m ON m.src = r.rec"
	"  WHERE NOT EXISTS (SELECT 1 FROM temp.fl_runkey k WHERE k.rec = m.dst"
	"   AND k.point = r.point AND k.fault IS r.fault AND k.seed IS r.seed)"
	"  ORDER BY r.id";
static const char runs_copy_sql[] =
	"INSERT OR IGNORE INTO main.run(sweep, rec, point, fault, faults, fired, outcome,"
	"  exit_code, signal, dur_ms, seed, repro, output)"
	" SELECT w.dst, n.rec, r.point, r.fault, r.faults, r.fired, r.outcome, r.exit_code,"
	"  r.signal, r.dur_ms, r.seed,"
	"  fl_repro_retarget(r.repro, ?1, n.rec),"
	"  r.output FROM temp.fl_newrun n JOIN src.run r ON r.id = n.src"
	"  LEFT JOIN temp.fl_sweepmap w ON w.src = r.sweep ORDER BY r.id";

/* A new sweep all of whose runs were duplicates adds nothing: drop it.
 * ?1 is the highest sweep id OUT had before this input. */
static const char drop_sweeps_sql[] =
	"DELETE FROM main.sweep WHERE id > ?1"
	" AND id IN (SELECT dst FROM temp.fl_sweepmap)"
	" AND NOT EXISTS (SELECT 1 FROM main.run r WHERE r.sweep = sweep.id)"
	" AND EXISTS (SELECT 1 FROM src.run r JOIN temp.fl_sweepmap w ON w.src = r.sweep"
	"  WHERE w.dst = sweep.id)";

/* fl_repro_retarget(repro, prefix, rec): "faultline replay -d DB --rec N
 * --point ..." becomes prefix || rec || " --point ...".  DB is one shell
 * word, perhaps quoted: a quoted path may itself hold " --point ".  Any
 * other text comes back as it is. */
static void fn_retarget(sqlite3_context *cx, int argc, sqlite3_value **v)
{
	static const char head[] = "faultline replay -d ";
	const char *r = (const char *)sqlite3_value_text(v[0]);
	const char *prefix = (const char *)sqlite3_value_text(v[1]);
	(void)argc;
	if (!r || !prefix || strncmp(r, head, sizeof head - 1)) {
		sqlite3_result_value(cx, v[0]);
		return;
	}
	const char *p = r + sizeof head - 1;
	while (p && *p && *p != ' ') {
		if (*p == '\'')
			p = strchr(p + 1, '\'') ? strchr(p + 1, '\'') + 1 : NULL;
		else
			p += *p == '\\' && p[1] ? 2 : 1;
	}
	if (p && !strncmp(p, " --rec ", 7)) {
		p += 7;
		const char *digits = p;
		while (*p >= '0' && *p <= '9')
			p++;
		if (p > digits && !strncmp(p, " --point ", 9)) {
			char *out = sqlite3_mprintf("%s%lld%s", prefix,
						    (long long)sqlite3_value_int64(v[2]), p);
			if (out)
				sqlite3_result_text(cx, out, -1, sqlite3_free);
			else
				sqlite3_result_error_nomem(cx);
			return;
		}
	}
	sqlite3_result_value(cx, v[0]);
}

static long count_of(struct store *st, const char *sql)
{
	sqlite3_stmt *s = NULL;
	long n = -1;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

/* Run one statement; ?1, if it has one, is arg (text) or else num. */
static int exec_bound(struct store *st, const char *sql, const char *arg, long num,
		      long *changes)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return sqlfail(st, "merging runs");
	if (arg)
		sqlite3_bind_text(s, 1, arg, -1, SQLITE_TRANSIENT);
	else if (sqlite3_bind_parameter_count(s))
		sqlite3_bind_int64(s, 1, num);
	int rc = sqlite3_step(s) == SQLITE_DONE ? 0 : sqlfail(st, "merging runs");
	sqlite3_finalize(s);
	if (changes)
		*changes = sqlite3_changes(st->db);
	return rc;
}

int store_merge(struct store *st, const char *path, const char *out_name,
		struct store_merge_stats *ms)
{
	sqlite3_stmt *s = NULL;
	struct sb prefix;
	int rc;
	memset(ms, 0, sizeof *ms);
	if (sqlite3_prepare_v2(st->db, "ATTACH ? AS src", -1, &s, NULL) != SQLITE_OK)
		return sqlfail(st, "attach");
	sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : -EIO;
	if (rc)
		snprintf(st->err, sizeof st->err, "cannot attach '%s': %s", path,
			 sqlite3_errmsg(st->db));
	sqlite3_finalize(s);
	if (rc)
		return rc;
	sb_init(&prefix);
	sb_puts(&prefix, "faultline replay -d ");
	sb_shell_quote(&prefix, out_name);
	sb_puts(&prefix, " --rec ");
	if (sqlite3_create_function(st->db, "fl_repro_retarget", 3,
				    SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, fn_retarget, NULL,
				    NULL) != SQLITE_OK)
		rc = sqlfail(st, "merging runs");
	else
		rc = store_exec(st, "BEGIN IMMEDIATE");
	if (!rc)
		rc = store_exec(st, merge_setup_sql);
	if (!rc && count_of(st, "SELECT count(*) FROM temp.sqlite_master"
			    " WHERE name = 'fl_runkey'") == 0)
		rc = store_exec(st, runkey_sql);
	if (!rc)
		rc = map_recordings(st, ms);
	long before = count_of(st, "SELECT count(*) FROM main.sweep");
	long maxid = count_of(st, "SELECT coalesce(max(id), 0) FROM main.sweep");
	if (!rc)
		rc = store_exec(st, copy_sql);
	if (!rc)
		rc = copy_with_std(st, calls_sql, "call", "c.std");
	if (!rc)
		rc = copy_with_std(st, points_sql, "point", "p.std");
	if (!rc)
		rc = exec_bound(st, runs_sql, NULL, 0, NULL);
	if (!rc)
		rc = exec_bound(st, runs_copy_sql, prefix.s, 0, &ms->runs_new);
	if (!rc)
		rc = exec_bound(st, drop_sweeps_sql, NULL, maxid, NULL);
	ms->sweeps = count_of(st, "SELECT count(*) FROM src.sweep");
	ms->sweeps_new = count_of(st, "SELECT count(*) FROM main.sweep") - before;
	ms->runs = count_of(st, "SELECT count(*) FROM src.run");
	if (!rc)
		rc = store_exec(st, "INSERT OR IGNORE INTO temp.fl_runkey"
				" SELECT rec, point, fault, seed FROM temp.fl_newrun");
	if (!rc)
		rc = store_exec(st, "COMMIT");
	if (rc) {
		char why[sizeof st->err];
		snprintf(why, sizeof why, "%s", st->err);
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		/* the temp key table may now be out of step with OUT: rebuild it */
		sqlite3_exec(st->db, "DROP TABLE IF EXISTS temp.fl_runkey", NULL, NULL, NULL);
		snprintf(st->err, sizeof st->err, "%s", why);
	}
	sqlite3_exec(st->db, "DETACH src", NULL, NULL, NULL);
	sb_free(&prefix);
	return rc;
}

int store_merge_totals(struct store *st, long *recs, long *sweeps, long *runs)
{
	*recs = count_of(st, "SELECT count(*) FROM rec");
	*sweeps = count_of(st, "SELECT count(*) FROM sweep");
	*runs = count_of(st, "SELECT count(*) FROM run");
	return *recs < 0 || *sweeps < 0 || *runs < 0 ? sqlfail(st, "counting") : 0;
}

/* ---- the command ---- */

static void usage(FILE *f)
{
	fprintf(f,
"usage: faultline merge [options] OUT.db IN.db...\n"
"\n"
"Combine faultline databases, typically the shards of one sweep (each a\n"
"copy of the recorded database that ran `replay --shard K/N`), into OUT,\n"
"new or an existing faultline database.  OUT keeps one copy of each\n"
"recording (same exe, argv, start time and cwd) with its calls, snapshot\n"
"and fault points, every sweep (renumbered) and one run per (recording,\n"
"point, fault, seed).  Merging the same inputs again changes nothing.\n"
"Every input is checked before OUT is written; each is merged in one\n"
"transaction.  Repro lines are rewritten to name OUT.  See docs/SCALE.md.\n"
"\n"
"  -q, --quiet   print only errors\n"
"  -h, --help    this text\n");
}

static int same_file(const char *a, const char *b)
{
	struct stat x, y;
	return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

static void unlink_db(const char *path)
{
	char side[PATH_MAX + 8];
	unlink(path);
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
}

int cmd_merge(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "quiet", no_argument, 0, 'q' }, { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 }
	};
	int c, quiet = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "qh", lo, NULL)) != -1) {
		switch (c) {
		case 'q': quiet = 1; break;
		case 'h': usage(stdout); return 0;
		default: return FL_EXIT_USAGE;   /* getopt said what */
		}
	}
	if (argc - optind < 2) {
		fl_error(optind == argc ? "no output database given (merge OUT.db IN.db...)"
					: "no input database given (merge OUT.db IN.db...)");
		return FL_EXIT_USAGE;
	}
	const char *out = argv[optind];
	char err[8192], tmp[PATH_MAX];
	for (int i = optind + 1; i < argc; i++)
		if (store_merge_check(argv[i], err, sizeof err) < 0) {
			fl_error("%s", err);
			return FL_EXIT_USAGE;
		}
	struct stat sb;
	int fresh = stat(out, &sb) != 0;
	const char *path = out;
	if (fresh) {
		/* build the new database beside OUT, rename it into place at the end */
		snprintf(tmp, sizeof tmp, "%s.merge-XXXXXX", out);
		int fd = mkstemp(tmp);
		if (fd < 0) {
			fl_error("cannot create '%s': %s", out, strerror(errno));
			return FL_EXIT_USAGE;
		}
		mode_t um = umask(0);
		umask(um);
		fchmod(fd, 0666 & ~um);
		close(fd);
		path = tmp;
	}
	struct store *st;
	if (store_open(path, STORE_WRITE, &st, err, sizeof err) < 0) {
		fl_error("%s", err);
		if (fresh)
			unlink_db(tmp);
		return FL_EXIT_USAGE;
	}
	int ret = FL_EXIT_OK;
	for (int i = optind + 1; i < argc && ret == FL_EXIT_OK; i++) {
		struct store_merge_stats ms;
		if (!fresh && same_file(argv[i], out)) {
			if (!quiet)
				printf("%s: is OUT itself, skipped\n", argv[i]);
			continue;
		}
		if (store_merge(st, argv[i], out, &ms) < 0) {
			fl_error("cannot merge '%s' into '%s': %s", argv[i], out, store_errmsg(st));
			ret = FL_EXIT_USAGE;
			break;
		}
		if (!quiet)
			printf("%s: %ld recording%s (%ld new), %ld sweep%s (%ld new), %ld runs "
			       "(%ld new, %ld duplicate)\n", argv[i], ms.recs, ms.recs == 1 ? "" : "s",
			       ms.recs_new, ms.sweeps, ms.sweeps == 1 ? "" : "s", ms.sweeps_new,
			       ms.runs, ms.runs_new, ms.runs - ms.runs_new);
	}
	long nrec = 0, nsweep = 0, nrun = 0;
	if (ret == FL_EXIT_OK && store_merge_totals(st, &nrec, &nsweep, &nrun) < 0) {
		fl_error("cannot read '%s': %s", out, store_errmsg(st));
		ret = FL_EXIT_USAGE;
	}
	store_close(st);
	if (fresh && ret == FL_EXIT_OK && rename(tmp, out) < 0) {
		fl_error("cannot rename '%s' to '%s': %s", tmp, out, strerror(errno));
		ret = FL_EXIT_USAGE;
	}
	if (fresh && ret != FL_EXIT_OK)
		unlink_db(tmp);
	if (ret == FL_EXIT_OK && !quiet)
		printf("%s: %ld recording%s, %ld sweep%s, %ld runs\n", out, nrec, nrec == 1 ? "" : "s",
		       nsweep, nsweep == 1 ? "" : "s", nrun);
	return ret;
}
