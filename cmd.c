#define _GNU_SOURCE
/*
 * cmd.c - what the commands share: opening the database and the recording,
 * the common options, with the one-line errors they print (cmd.h).
 */
#include <getopt.h>
#include <stdlib.h>
#include <unistd.h>

#include "cmd.h"
#include "replay/runner.h"

int cmd_getopt(int argc, char **argv, const char *shortopts, const struct option *lo,
	       void (*usage)(FILE *), int (*opt)(int c, const char *arg, void *ctx), void *ctx)
{
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, shortopts, lo, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 1;
		}
		int rc = c == '?' || c == ':' ? -1 : opt(c, optarg, ctx);
		if (rc)
			return rc;
	}
	return 0;
}

int cmd_open(const char *db, int mode, struct store **st)
{
	char err[8192];
	if (store_open(db, mode, st, err, sizeof err) < 0) {
		fl_error("%s", err);
		return -1;
	}
	return 0;
}

int cmd_open_rec(const char *db, int mode, long rec, struct store **st, struct store_rec *r)
{
	if (cmd_open(db, mode, st) < 0)
		return -1;
	if (store_rec_get(*st, rec, r) < 0) {
		fl_error("%s", store_errmsg(*st));
		store_close(*st);
		*st = NULL;
		return -1;
	}
	return 0;
}

int cmd_opt_rec(const char *arg, long *rec)
{
	if (fl_parse_long(arg, rec) || *rec < 1) {
		fl_error("--rec wants a recording number, not '%s'", arg);
		return -1;
	}
	return 0;
}

int cmd_opt_families(const char *arg, uint64_t *families)
{
	const char *bad;
	if (ana_parse_families(arg, families, &bad) < 0) {
		fl_error("unknown family '%s' (faultline analyze --families lists them)", bad);
		return -1;
	}
	return 0;
}

int cmd_opt_run(int c, const char *arg, struct rpl_cfg *cfg, struct ana_filter *flt)
{
	switch (c) {
	case 'f': return cmd_opt_families(arg, &flt->families);
	case 'p': flt->path_glob = arg; break;
	case 'S': cfg->setup = arg; break;
	case 'c': cfg->check = arg; break;
	case 'q': cfg->quiet = 1; break;
	case 'x': cfg->persist = 1; break;
	case 'B' + 256: cfg->no_baseline = 1; break;
	case 'N': flt->no_std = 1; break;
	case 'S' + 256: flt->site_glob = arg; break;
	case 'X' + 256: flt->exe_glob = arg; break;
	case 'U' + 256: flt->no_startup = 1; break;
	case 'A' + 256: cfg->any_errno = 1; break;
	case 'K': cfg->keep = 1; break;
	default: return -1;   /* getopt returns only the table's codes */
	}
	return 0;
}

void cmd_run_defaults(struct rpl_cfg *cfg)
{
	cfg->db = FL_DEFAULT_DB;
	cfg->jobs = sysconf(_SC_NPROCESSORS_ONLN);
	cfg->timeout_s = 0;   /* 0: rpl_auto_timeout() */
	cfg->seed = 1;
}

int cmd_no_operands(int argc, char **argv)
{
	if (optind < argc) {
		fl_error("unexpected argument '%s'", argv[optind]);
		return -1;
	}
	return 0;
}

int cmd_points(struct store *st, long rec, struct ana_points *pts, const struct ana_filter *flt,
	       size_t *nstartup)
{
	if (ana_collect(st, rec, pts) < 0 || ana_select(st, rec, pts, flt, nstartup) < 0) {
		fl_error("cannot read recording %ld: %s", rec, store_errmsg(st));
		return -1;
	}
	return 0;
}

struct ana_point **cmd_matching(struct ana_points *pts, const struct ana_filter *flt, size_t *n)
{
	struct ana_point **v = xcalloc(pts->n + 1, sizeof *v);
	*n = 0;
	for (size_t i = 0; i < pts->n; i++)
		if (ana_match(flt, &pts->v[i]))
			v[(*n)++] = &pts->v[i];
	return v;
}
