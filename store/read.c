/*
 * store/read.c - reading recordings back: the call iterator behind `show`
 * and the generic row printer behind `query`.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include "../json.h"
#include "store_int.h"

int store_each_call(struct store *st, long rec, int (*cb)(void *, const struct store_row *),
		    void *arg)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(st->db,
		"SELECT seq, tid, pid, name, args, errno, path, fdkind, ret, ts, dur"
		" FROM syscalls WHERE rec = ? ORDER BY seq", -1, &s, NULL);
	if (rc != SQLITE_OK) {
		snprintf(st->err, sizeof st->err, "%s", sqlite3_errmsg(st->db));
		return -EIO;
	}
	sqlite3_bind_int64(s, 1, rec);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_row r;
		r.seq = (uint64_t)sqlite3_column_int64(s, 0);
		r.tid = sqlite3_column_int(s, 1);
		r.pid = sqlite3_column_int(s, 2);
		r.name = (const char *)sqlite3_column_text(s, 3);
		r.args = (const char *)sqlite3_column_text(s, 4);
		r.errname = (const char *)sqlite3_column_text(s, 5);
		r.path = (const char *)sqlite3_column_text(s, 6);
		r.fdkind = (const char *)sqlite3_column_text(s, 7);
		r.finished = sqlite3_column_type(s, 8) != SQLITE_NULL;
		r.ret = sqlite3_column_int64(s, 8);
		r.ts = (uint64_t)sqlite3_column_int64(s, 9);
		r.dur = (uint64_t)sqlite3_column_int64(s, 10);
		if (cb(arg, &r))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		snprintf(st->err, sizeof st->err, "%s", sqlite3_errmsg(st->db));
		sqlite3_finalize(s);
		return -EIO;
	}
	sqlite3_finalize(s);
	return 0;
}

static void print_value(FILE *out, sqlite3_stmt *s, int i)
{
	struct sb b;
	sb_init(&b);
	switch (sqlite3_column_type(s, i)) {
	case SQLITE_NULL:
		break;
	case SQLITE_INTEGER:
	case SQLITE_FLOAT:
		fputs((const char *)sqlite3_column_text(s, i), out);
		break;
	case SQLITE_BLOB:
		sb_escape(&b, sqlite3_column_blob(s, i), (size_t)sqlite3_column_bytes(s, i));
		if (b.s)
			fputs(b.s, out);
		break;
	default:
		fputs((const char *)sqlite3_column_text(s, i), out);
	}
	sb_free(&b);
}

/* One row as a JSON object: numbers as numbers, text as strings (any
 * bytes; json.h escapes what is not UTF-8), blobs as C-escaped strings. */
static void json_row(struct sb *b, sqlite3_stmt *s, int n)
{
	struct json j;
	json_init(&j, b);
	json_obj(&j);
	for (int i = 0; i < n; i++) {
		json_key(&j, sqlite3_column_name(s, i));
		switch (sqlite3_column_type(s, i)) {
		case SQLITE_NULL:
			json_null(&j);
			break;
		case SQLITE_INTEGER:
			json_int(&j, sqlite3_column_int64(s, i));
			break;
		case SQLITE_FLOAT:
			json_double(&j, sqlite3_column_double(s, i));
			break;
		case SQLITE_BLOB: {
			struct sb e;
			sb_init(&e);
			sb_escape(&e, sqlite3_column_blob(s, i), (size_t)sqlite3_column_bytes(s, i));
			json_strn(&j, e.s ? e.s : "", e.len);
			sb_free(&e);
			break;
		}
		default: {
			const char *t = (const char *)sqlite3_column_text(s, i);
			json_strn(&j, t ? t : "", t ? (size_t)sqlite3_column_bytes(s, i) : 0);
		}
		}
	}
	json_end(&j);
	sb_putc(b, '\n');
}

int store_query_print(struct store *st, const char *sql, FILE *out, int header, int json)
{
	const char *tail = sql;
	while (tail && *tail) {
		sqlite3_stmt *s = NULL;
		int rc = sqlite3_prepare_v2(st->db, tail, -1, &s, &tail);
		if (rc != SQLITE_OK) {
			snprintf(st->err, sizeof st->err, "%s", sqlite3_errmsg(st->db));
			return -EINVAL;
		}
		if (!s)
			break;   /* trailing whitespace or comment */
		int n = sqlite3_column_count(s), first = 1;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			if (first && header && !json) {
				for (int i = 0; i < n; i++)
					fprintf(out, "%s%s", i ? "|" : "", sqlite3_column_name(s, i));
				fputc('\n', out);
			}
			first = 0;
			if (json) {
				struct sb row;
				sb_init(&row);
				json_row(&row, s, n);
				fputs(row.s, out);
				sb_free(&row);
				continue;
			}
			for (int i = 0; i < n; i++) {
				if (i)
					fputc('|', out);
				print_value(out, s, i);
			}
			fputc('\n', out);
		}
		if (rc != SQLITE_DONE) {
			snprintf(st->err, sizeof st->err, "%s", sqlite3_errmsg(st->db));
			sqlite3_finalize(s);
			return -EIO;
		}
		sqlite3_finalize(s);
	}
	return 0;
}
