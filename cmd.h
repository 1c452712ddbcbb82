/*
 * cmd.h - the part of the commands they all share (cmd.c): open the
 * database, get the recording, parse the options several commands take.
 *
 * These are the command layer: each prints its one-line error with
 * fl_error() and returns -1, and the caller returns FL_EXIT_USAGE.
 */
#ifndef FL_CMD_H
#define FL_CMD_H

#include <getopt.h>

#include "faultline.h"
#include "store/store.h"
#include "analyze/ana.h"

/* The getopt_long rows of the options every command spells the same. */
#define CMD_OPT_DB { "db", required_argument, 0, 'd' }
#define CMD_OPT_REC { "rec", required_argument, 0, 'r' }
#define CMD_OPT_HELP { "help", no_argument, 0, 'h' }
#define CMD_OPT_END { 0, 0, 0, 0 }
/* The rows the commands that run the program (replay, fuzz, bisect) share,
 * with the same codes in each: which points (--family, --path), which
 * fault, the run's commands, parallelism and time, --quiet, --persist and
 * --no-baseline. */
#define CMD_OPTS_RUN \
	{ "family", required_argument, 0, 'f' }, { "path", required_argument, 0, 'p' }, \
	{ "fault", required_argument, 0, 'F' }, { "setup", required_argument, 0, 'S' }, \
	{ "check", required_argument, 0, 'c' }, { "jobs", required_argument, 0, 'j' }, \
	{ "timeout", required_argument, 0, 't' }, { "quiet", no_argument, 0, 'q' }, \
	{ "persist", no_argument, 0, 'x' }, { "no-baseline", no_argument, 0, 'B' + 256 }
/* ... and those of the sweeps (replay, fuzz): --no-std and the call-site
 * filters, --any-errno, --keep, --json. */
#define CMD_OPTS_SWEEP \
	{ "no-std", no_argument, 0, 'N' }, { "site", required_argument, 0, 'S' + 256 }, \
	{ "exe", required_argument, 0, 'X' + 256 }, { "no-startup", no_argument, 0, 'U' + 256 }, \
	{ "any-errno", no_argument, 0, 'A' + 256 }, { "keep", no_argument, 0, 'K' }, \
	{ "json", no_argument, 0, 'J' }

/* The getopt_long loop of a command: -h/--help prints usage(stdout); every
 * other option c goes to opt(c, optarg, ctx), which returns 0 (go on), -1
 * (it said what is wrong) or 1 (done, exit 0).  Returns -1 (exit
 * FL_EXIT_USAGE; getopt said what), 1 (exit 0) or 0: run, the operands
 * from optind on. */
int cmd_getopt(int argc, char **argv, const char *shortopts, const struct option *lo,
	       void (*usage)(FILE *), int (*opt)(int c, const char *arg, void *ctx), void *ctx);

/* The options of CMD_OPTS_RUN and CMD_OPTS_SWEEP that set a field of cfg
 * or flt (all but --fault, --jobs, --timeout and --json): 0, or -1 (said,
 * or c is not one of them). */
struct rpl_cfg;
int cmd_opt_run(int c, const char *arg, struct rpl_cfg *cfg, struct ana_filter *flt);
/* Their defaults: the default database, a job per CPU, --timeout from the
 * recording (0), seed 1. */
void cmd_run_defaults(struct rpl_cfg *cfg);

/* Open the database db in mode (STORE_RDONLY, ...); 0 or -1. */
int cmd_open(const char *db, int mode, struct store **st);
/* cmd_open, then recording rec (0: the latest) into *r; 0 or -1, and on
 * failure the database is closed again. */
int cmd_open_rec(const char *db, int mode, long rec, struct store **st, struct store_rec *r);
/* --rec N: a recording number; 0 or -1. */
int cmd_opt_rec(const char *arg, long *rec);
/* --family LIST into a family bit set; 0 or -1. */
int cmd_opt_families(const char *arg, uint64_t *families);
/* No operand left after the options (argv[optind] is the culprit); 0 or -1. */
int cmd_no_operands(int argc, char **argv);
/* The recording's fault points, flagged for flt's --site/--exe/--no-startup
 * (ana_collect + ana_select); 0 or -1. */
int cmd_points(struct store *st, long rec, struct ana_points *pts, const struct ana_filter *flt,
	       size_t *nstartup);
/* The points that pass flt, in recording order: an array of *n (free it). */
struct ana_point **cmd_matching(struct ana_points *pts, const struct ana_filter *flt, size_t *n);

#endif
