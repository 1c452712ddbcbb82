#define _GNU_SOURCE
/*
 * store/query.c - `faultline query`: SQL over the database, with
 * faultline's functions (fl_data, fl_text, fl_errno, fl_signal) registered.
 */
#include <getopt.h>
#include <string.h>

#include "../cmd.h"

static const struct option options[] = {
	CMD_OPT_DB,
	{ "header", no_argument, 0, 'H' },
	{ "json", no_argument, 0, 'j' },
	{ "write", no_argument, 0, 'w' },
	CMD_OPT_HELP,
	CMD_OPT_END
};

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

int cmd_query(int argc, char **argv)
{
	const char *db = FL_DEFAULT_DB;
	int header = 0, json = 0, write = 0, c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:wh", options, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'H': header = 1; break;
		case 'j': json = 1; break;
		case 'w': write = 1; break;
		case 'h': usage(stdout); return 0;
		default: return FL_EXIT_USAGE;   /* getopt said what */
		}
	}
	if (optind != argc - 1) {
		fl_error(optind >= argc ? "no SQL given" : "give the SQL as one argument (quote it)");
		return FL_EXIT_USAGE;
	}
	struct store *st;
	if (cmd_open(db, write ? STORE_WRITE : STORE_RDONLY, &st) < 0)
		return FL_EXIT_USAGE;
	int rc = store_query_print(st, argv[optind], stdout, header, json);
	if (rc < 0)
		fl_error("%s", store_errmsg(st));
	store_close(st);
	return rc < 0 ? FL_EXIT_USAGE : 0;
}
