/*
 * store/schema.c - the SQL schema, version STORE_SCHEMA_VERSION.
 * docs/SCHEMA.md explains every table and view; keep them in step.
 *
 * Upgrades: store_schema_upgrade_sql runs first on an older file (it
 * drops what the CREATE ... IF NOT EXISTS below must make anew), then the
 * columns of store_schema_columns its tables lack are added.
 *
 * Base tables are compact: numbers, not names; the decoded argument text,
 * target paths and payloads are stored once per recording in `str` and
 * `payload` (zstd-compressed) and referenced by id, so the 200000 identical
 * writes of a loop cost one string; pid is NULL when it equals tid; fdkind
 * is a small code.  The views are the stable interface users query: the
 * syscalls view names call and errno numbers with LEFT JOINs on primary
 * keys (which SQLite drops when a query uses none of their columns) and
 * reads the interned strings with scalar subqueries, so a query pays only
 * for the columns it uses.
 */
#include <stddef.h>

/* from version 1: syscalls named calls with scalar subqueries, evaluated
 * twice per row by a GROUP BY name; the joins on primary keys are cheaper
 * and SQLite leaves them out when a query uses none of their columns.
 * From version 2: the views gain the std column (below).  From version 3:
 * recordings gains stdio. */
const char store_schema_upgrade_sql[] =
	"DROP VIEW IF EXISTS syscalls;\n"
	"DROP VIEW IF EXISTS points;\n"
	"DROP VIEW IF EXISTS recordings;\n";

/* Columns added to existing tables since version 1, in order; an upgrade
 * adds each one its table lacks (ALTER TABLE ... ADD COLUMN: the rows it
 * already holds read NULL there).  Version 3: call.std and point.std;
 * version 4: rec.stdio. */
const char *const store_schema_columns[][3] = {
	{ "call", "std", "INTEGER" },
	{ "point", "std", "INTEGER" },
	{ "rec", "stdio", "TEXT" },
	{ NULL, NULL, NULL },
};

const char store_schema_sql[] =
"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;\n"
"CREATE TABLE IF NOT EXISTS rec(\n"
"  id INTEGER PRIMARY KEY, argv TEXT NOT NULL, exe TEXT NOT NULL, cwd TEXT,\n"
"  env BLOB, start_ns INTEGER, end_ns INTEGER, exit_code INTEGER,\n"
"  complete INTEGER NOT NULL DEFAULT 0, capture INTEGER, ncalls INTEGER,\n"
"  version TEXT, snapshot INTEGER NOT NULL DEFAULT 0, stdio TEXT);\n"
"CREATE TABLE IF NOT EXISTS proc(\n"
"  rec INTEGER NOT NULL, tid INTEGER NOT NULL, pid INTEGER, ptid INTEGER,\n"
"  ident TEXT, exe TEXT, is_thread INTEGER, start_ts INTEGER, end_ts INTEGER,\n"
"  exit_code INTEGER);\n"
"CREATE INDEX IF NOT EXISTS proc_rec_tid ON proc(rec, tid);\n"
"CREATE TABLE IF NOT EXISTS call(\n"
"  rec INTEGER NOT NULL, seq INTEGER NOT NULL, tid INTEGER, pid INTEGER,\n"
"  nr INTEGER, args INTEGER, ret INTEGER, err INTEGER, path INTEGER, fdkind INTEGER,\n"
"  ts INTEGER, dur INTEGER, site INTEGER, fam_n INTEGER, data INTEGER, std INTEGER,\n"
"  PRIMARY KEY(rec, seq)) WITHOUT ROWID;\n"
"CREATE TABLE IF NOT EXISTS str(rec INTEGER NOT NULL, id INTEGER NOT NULL, s TEXT,\n"
"  PRIMARY KEY(rec, id)) WITHOUT ROWID;\n"
"CREATE TABLE IF NOT EXISTS payload(rec INTEGER NOT NULL, id INTEGER NOT NULL, data BLOB,\n"
"  PRIMARY KEY(rec, id)) WITHOUT ROWID;\n"
"CREATE TABLE IF NOT EXISTS site(rec INTEGER NOT NULL, id INTEGER NOT NULL,\n"
"  frames TEXT, PRIMARY KEY(rec, id)) WITHOUT ROWID;\n"
"CREATE TABLE IF NOT EXISTS sig(rec INTEGER, seq INTEGER, tid INTEGER, signo INTEGER);\n"
"CREATE TABLE IF NOT EXISTS sysname(nr INTEGER PRIMARY KEY, name TEXT, family TEXT);\n"
"CREATE TABLE IF NOT EXISTS errname(err INTEGER PRIMARY KEY, name TEXT);\n"
"CREATE TABLE IF NOT EXISTS snapshot(rec INTEGER NOT NULL, path TEXT NOT NULL,\n"
"  mode INTEGER, data BLOB, link TEXT, PRIMARY KEY(rec, path)) WITHOUT ROWID;\n"
"CREATE TABLE IF NOT EXISTS point(\n"
"  rec INTEGER NOT NULL, id INTEGER NOT NULL, family TEXT, ident TEXT,\n"
"  nth INTEGER, seq INTEGER, name TEXT, site INTEGER, path TEXT, fdkind TEXT,\n"
"  errnos TEXT, std INTEGER, PRIMARY KEY(rec, id)) WITHOUT ROWID;\n"
"CREATE TABLE IF NOT EXISTS sweep(\n"
"  id INTEGER PRIMARY KEY, rec INTEGER, kind TEXT, started_ns INTEGER,\n"
"  ended_ns INTEGER, seed INTEGER, setup TEXT, chk TEXT, timeout_ms INTEGER,\n"
"  options TEXT, complete INTEGER NOT NULL DEFAULT 0);\n"
"CREATE TABLE IF NOT EXISTS run(\n"
"  id INTEGER PRIMARY KEY, sweep INTEGER, rec INTEGER, point INTEGER,\n"
"  fault TEXT, faults TEXT, fired INTEGER, outcome TEXT, exit_code INTEGER,\n"
"  signal INTEGER, dur_ms INTEGER, seed INTEGER, repro TEXT, output TEXT,\n"
"  UNIQUE(sweep, point, fault, seed));\n"
"CREATE VIEW IF NOT EXISTS recordings AS\n"
"  SELECT id AS rec, argv, exe, cwd, start_ns, end_ns,\n"
"         (end_ns - start_ns) / 1e9 AS seconds, exit_code, complete, ncalls,\n"
"         capture, snapshot, stdio FROM rec;\n"
"CREATE VIEW IF NOT EXISTS processes AS\n"
"  SELECT rec, pid, tid, ptid AS parent, ident, exe, is_thread, start_ts,\n"
"         end_ts, exit_code FROM proc;\n"
"CREATE VIEW IF NOT EXISTS syscalls AS\n"
"  SELECT c.rec, c.seq, coalesce(c.pid, c.tid) AS pid, c.tid,\n"
"         n.name AS name,\n"
"         (SELECT s FROM str WHERE rec = c.rec AND id = c.args) AS args, c.ret,\n"
"         e.name AS errno,\n"
"         (SELECT s FROM str WHERE rec = c.rec AND id = c.path) AS path,\n"
"         CASE c.fdkind WHEN 1 THEN 'file' WHEN 2 THEN 'tty' WHEN 3 THEN 'pipe'\n"
"           WHEN 4 THEN 'socket' WHEN 5 THEN 'dev' WHEN 6 THEN 'other' END AS fdkind,\n"
"         c.ts, c.dur, c.site,\n"
"         n.family AS family, c.fam_n,\n"
"         (SELECT data FROM payload WHERE rec = c.rec AND id = c.data) AS data,\n"
"         c.std\n"
"  FROM call c LEFT JOIN sysname n ON n.nr = c.nr\n"
"    LEFT JOIN errname e ON e.err = c.err;\n"
"CREATE VIEW IF NOT EXISTS points AS\n"
"  SELECT rec, id AS point, family, name AS syscall, ident AS thread, nth, seq,\n"
"         site, path, fdkind, errnos, std FROM point;\n"
"CREATE VIEW IF NOT EXISTS runs AS\n"
"  SELECT r.id AS run, r.sweep, r.rec, r.point, p.name AS syscall, p.family,\n"
"         p.path, r.fault, r.faults, r.fired, r.outcome, r.exit_code AS exit,\n"
"         r.signal, r.dur_ms, r.seed, r.repro, r.output, p.site\n"
"  FROM run r LEFT JOIN point p ON p.rec = r.rec AND p.id = r.point;\n";
