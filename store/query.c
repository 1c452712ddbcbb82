#define _GNU_SOURCE
/*
 * store/query.c - `faultline query`: SQL over the database, with
 * faultline's functions (fl_data, fl_text, fl_errno, fl_signal) registered.
 */
#include <getopt.h>
#include <string.h>

#include "../cmd.h"

static void usage(FILE *f)
{
	fprintf(f,
"usage: faultline query [options] SQL\n"
"\n"
"Run SQL (one or more statements) over the database and print the rows,\n"
"columns separated by '|' like the sqlite3 CLI.  Views: recordings,\n"
"processes, syscalls, points, runs (docs/SCHEMA.md).  Functions: fl_data(blob),\n"
"fl_text(blob) (payloads), fl_errno(n), fl_signal(n).\n"
"\n"
"  -d, --db FILE   database (default %s)\n"
"      --header    print column names first\n"
"      --json      one JSON object per row\n"
"  -w, --write     allow statements that modify the database\n"
"  -h, --help      this text\n", FL_DEFAULT_DB);
}

/* What `faultline query` was asked. */
struct query_opts {
	const char *db;
	int header, json, write;
};

static const struct option options[] = {
	CMD_OPT_DB, CMD_OPT_HELP, { "header", no_argument, 0, 'H' },
	{ "json", no_argument, 0, 'j' }, { "write", no_argument, 0, 'w' }, CMD_OPT_END
};

/* One option c (cmd_getopt's opt); 0 or -1. */
static int parse_option(int c, const char *arg, void *ctx)
{
	struct query_opts *o = ctx;
	switch (c) {
	case 'd': o->db = arg; break;
	case 'H': o->header = 1; break;
	case 'j': o->json = 1; break;
	case 'w': o->write = 1; break;
	default: return -1;
	}
	return 0;
}

int cmd_query(int argc, char **argv)
{
	struct query_opts o = { .db = FL_DEFAULT_DB };
	int rc = cmd_getopt(argc, argv, "d:wh", options, usage, parse_option, &o);
	if (rc)
		return rc > 0 ? 0 : FL_EXIT_USAGE;
	if (optind != argc - 1) {
		fl_error(optind >= argc ? "no SQL given" : "give the SQL as one argument (quote it)");
		return FL_EXIT_USAGE;
	}
	struct store *st;
	if (cmd_open(o.db, o.write ? STORE_WRITE : STORE_RDONLY, &st) < 0)
		return FL_EXIT_USAGE;
	rc = store_query_print(st, argv[optind], stdout, o.header, o.json);
	if (rc < 0)
		fl_error("%s", store_errmsg(st));
	store_close(st);
	return rc < 0 ? FL_EXIT_USAGE : 0;
}
