/*
 * replay/replay.c - `faultline replay`: one run per (fault point x fault).
 *
 * The parent plans the runs (plan.c: analyze's points through the filters,
 * times the faults), then keeps --jobs worker processes busy.  A worker owns one
 * run: it enters the run's sandbox (sandbox.c), runs --setup, traces the
 * program with the fault armed (inject.c on record/'s tracer), runs
 * --check, and leaves its result in the run directory.  Only the parent
 * writes the database, one committed row per finished run, so an
 * interrupted sweep keeps every finished run and --resume skips them.
 * What a sweep prints, run by run and at its end, is sweep_out.c's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../analyze/ana.h"
#include "../cmd.h"
#include "../record/syscalls.h"
#include "../store/store.h"
#include "rpl.h"
#include "runner.h"

#include "sweep.h"

static void usage(FILE *f)
{
	fprintf(f,
"usage: faultline replay [options]\n"
"\n"
"Rerun the recorded program once per fault point, injecting exactly one\n"
"fault, and report the runs that crash, hang or break the --check\n"
"invariant, each with a command that reproduces it.  Each run sees the\n"
"recorded working directory, at its path, through a private overlay whose\n"
"lower layer is the snapshot `record` took (or the directory as it is now\n"
"if it took none), and the rest of the filesystem through overlays of its\n"
"own: runs never see each other's writes and the host is never modified\n"
"(replay warns about any mount it could not isolate).  Its stdin, stdout\n"
"and stderr are of the kinds they were when recorded: a pipe where there\n"
"was a pipe, terminal or socket (stdin an empty one), else /dev/null and\n"
"the run's output file.  Exit status: 1 if a run found a bug, 0 if none, 2\n"
"on errors.\n"
"\n"
"  -d, --db FILE        database (default %s)\n"
"      --rec N          recording N (default: the latest)\n"
"      --point ID,...   only these fault points (ids from `faultline analyze`)\n"
"  -f, --family LIST    only these families, e.g. write,fsync\n"
"  -p, --path GLOB      only points whose target path matches GLOB\n"
"      --fdkind LIST    only these fd kinds: file,tty,pipe,socket,dev,other\n"
"      --no-std         skip reads/writes on the inherited stdin/stdout/stderr\n"
"                       or a terminal (the [std] points of analyze)\n"
"      --every-point    run every matching point; by default only the first and\n"
"                       the last point of each failure ID (points of a family\n"
"                       with the same call stack and target class; see analyze)\n"
"      --site GLOB      only points whose call stack has a frame matching GLOB\n"
"                       (a module, function or source file: 'save*', app.py)\n"
"      --exe GLOB       only points of processes whose executable matches GLOB\n"
"      --no-startup     skip interpreter start-up (see analyze)\n"
"      --loader         also fault the dynamic loader's calls before main\n"
"                       (skipped by default; --point always runs what it names)\n"
"      --fault SPEC,... faults to inject at each point (default: `default`,\n"
"                       the family's first errno): an errno name (EIO,\n"
"                       ENOSPC...), default, eintr, short (a true short\n"
"                       read/write), delay:MS, kill (SIGKILL at the call),\n"
"                       crash (power loss just after the call: SIGKILL, then\n"
"                       file data no fsync made durable is lost; names kept),\n"
"                       crash:posix (also every create, rename, link, unlink,\n"
"                       mkdir, rmdir and size change no fsync of its directory\n"
"                       or file made durable is rolled back), crash:torn (as\n"
"                       crash, plus a 512-byte-aligned prefix of each file's\n"
"                       last un-durable write: one run per prefix, crash:torn/K;\n"
"                       see docs/CRASH.md)\n"
"      --torn-max N     crash:torn: at most N prefixes per point (default 4)\n"
"      --with P:SPEC,...  also arm these faults in every run (e.g. 25:EIO):\n"
"                       explores a second fault on top of each point\n"
"      --persist        once fired, every later call of the family fails too\n"
"      --any-errno      also inject errnos the syscall table calls unrealistic for\n"
"                       a call (EINTR on stat, EMFILE on write); refused otherwise\n"
"      --no-baseline    skip the baseline run (see below)\n"
"      --isolate all|cwd  what each run gets to itself: all (default), every\n"
"                       writable mount (/, /tmp, $HOME ...) as a private overlay;\n"
"                       cwd, only the recorded working directory\n"
"      --key thread|path|site  how a run finds a point again: the nth call of\n"
"                       the family in the same thread (thread), on the same\n"
"                       file (path; pipes and sockets by kind), or from the same\n"
"                       call stack (site: one unwind per call of the family).\n"
"                       Default: thread, or path when the baseline shows the\n"
"                       threads do not repeat their calls (replay says so)\n"
"      --fire-anyway    inject at the armed count even when the call there is not\n"
"                       the recorded one (no `diverged` outcome; for experiments)\n"
"      --depth 2        then fault each call site that a first fault's recovery\n"
"                       path reached and the recording never did, together with\n"
"                       that first fault\n"
"      --budget RUNS    at most this many depth-2 runs (default 1000)\n"
"      --prune          depth 2: expand one first fault per (call site, calls\n"
"                       after the fault, outcome) class; report the runs saved\n"
"      --setup CMD      shell command run in the run directory before the program\n"
"      --check CMD      invariant run after the program; non-zero = broken.\n"
"                       Both see FAULTLINE_POINT, FAULTLINE_FAULT, FAULTLINE_SYSCALL,\n"
"                       FAULTLINE_SEED, FAULTLINE_FIRED, FAULTLINE_EXIT, FAULTLINE_SIGNAL\n"
"  -j, --jobs N         runs in parallel (default: number of CPUs)\n"
"  -t, --timeout SEC    a run that takes longer is a hang (default: 10, or 5x\n"
"                       the recorded run's duration if that is longer)\n"
"      --seed N         seed for every random choice (default 1); getrandom()\n"
"                       and reads of /dev/urandom in the program return bytes\n"
"                       from a PRNG of (N, thread, call number), as\n"
"                       `record --seed N` gave them\n"
"      --real-random    getrandom() returns the kernel's bytes\n"
"      --resume         continue the last interrupted sweep with the same options\n"
"      --all            list every run, not only the bugs\n"
"      --dry-run        plan the sweep and say what it would run; run nothing\n"
"      --json           one JSON object {\"runs\": [...], \"summary\": {...}}\n"
"      --keep           keep each run's directory (printed) for inspection\n"
"      --no-pin         leave CPU placement to the kernel (by default a run whose\n"
"                       program has one live thread shares one CPU with its tracer)\n"
"      --junit FILE     also write the runs as JUnit XML: one failing test case\n"
"                       per distinct failure, one passing case per other run\n"
"      --shard K/N      run only the K-th of N deterministic slices of the runs\n"
"                       (for CI matrices and array jobs; see docs/SCALE.md);\n"
"                       combine the databases with `faultline merge`\n"
"  -q, --quiet          no progress line\n"
"  -h, --help           this text\n"
"\n"
"Before the sweep, a baseline run: --setup, the program with the swept\n"
"families traced and nothing injected, --check.  The sweep starts only if the\n"
"check holds and the program reaches every planned point again; otherwise\n"
"replay says what failed and exits 2.  Unless --key is given, when threads do\n"
"not repeat their calls but every file's own order of calls holds, replay\n"
"says so and uses --key path.  It is stored as a run with fault `none`.\n"
"Faults that cannot happen at a call are not planned (short on a 0- or 1-byte\n"
"transfer, EINTR on a call that never waits or on a regular file, a crash just\n"
"after a call that changed nothing on disk); the summary counts them.  The\n"
"sweep ends with its distinct failures: the bug runs grouped by outcome, fault,\n"
"the program's own frame and the check's words, one repro line each.\n"
"\n"
"Outcomes: crash (killed by SIGSEGV, SIGABRT ...), hang (outlived --timeout),\n"
"broken (the check failed), silent (exit 0 although the fault fired: was the\n"
"error swallowed?), retried (a short/eintr/EAGAIN fault the program answered\n"
"by issuing the call again, exit 0, check held: correct), handled (failed\n"
"cleanly, check held), not_reached (the fault never fired), diverged (the\n"
"armed call was another syscall, target or call site than the recorded one:\n"
"not injected; its output says what differed), error (faultline\n"
"or the check could not run: exit 126/127).  crash, hang and broken are bugs.\n"
"Commands in --setup/--check run directly when their first word is a program\n"
"on PATH, else through /bin/sh -c.\n", FL_DEFAULT_DB);
}

static int parse_ids(struct opts *o, const char *s)
{
	while (*s) {
		char *end;
		long v = strtol(s, &end, 10);
		if (end == s || v < 1 || (*end && *end != ','))
			return -EINVAL;
		if (o->flt.nids < sizeof o->ids / sizeof o->ids[0])
			o->ids[o->flt.nids++] = v;
		s = *end ? end + 1 : end;
	}
	o->flt.ids = o->ids;
	return 0;
}

static int parse_faults(struct opts *o, const char *s)
{
	char buf[256];
	snprintf(buf, sizeof buf, "%s", s);
	for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
		if (o->nfaults == MAX_FAULTS || rpl_fault_parse(tok, &o->faults[o->nfaults]) < 0) {
			fl_error("unknown fault '%s' (an errno name like EIO, default, eintr, short, "
				 "delay:MS, kill, crash, crash:posix or crash:torn)", tok);
			return -EINVAL;
		}
		o->nfaults++;
	}
	return 0;
}

static const struct option options[] = {
	CMD_OPT_DB, CMD_OPT_REC, CMD_OPT_HELP, CMD_OPTS_RUN, CMD_OPTS_SWEEP,
	{ "point", required_argument, 0, 'P' }, { "fdkind", required_argument, 0, 'k' },
	{ "loader", no_argument, 0, 'L' }, { "seed", required_argument, 0, 'e' },
	{ "resume", no_argument, 0, 'R' }, { "all", no_argument, 0, 'a' },
	{ "junit", required_argument, 0, 'U' }, { "shard", required_argument, 0, 'H' },
	{ "with", required_argument, 0, 'W' }, { "depth", required_argument, 0, 'D' },
	{ "budget", required_argument, 0, 'B' }, { "prune", no_argument, 0, 'P' + 256 },
	{ "no-pin", no_argument, 0, 'N' + 256 }, { "every-point", no_argument, 0, 'E' + 256 },
	{ "dry-run", no_argument, 0, 'D' + 256 }, { "torn-max", required_argument, 0, 'T' + 256 },
	{ "fire-anyway", no_argument, 0, 'F' + 256 }, { "isolate", required_argument, 0, 'I' + 256 },
	{ "key", required_argument, 0, 'K' + 256 }, { "real-random", no_argument, 0, 'R' + 256 },
	CMD_OPT_END
};

/* An option that takes a number: where it goes (its name in *what), or
 * NULL. */
static long *number_option(struct opts *o, int c, const char **what)
{
	switch (c) {
	case 'r': *what = "--rec"; return &o->rec;
	case 'j': *what = "--jobs"; return &o->cfg.jobs;
	case 't': *what = "--timeout"; return &o->cfg.timeout_s;
	case 'e': *what = "--seed"; return &o->cfg.seed;
	case 'D': *what = "--depth"; return &o->depth;
	case 'B': *what = "--budget"; return &o->budget;
	case 'T' + 256: *what = "--torn-max"; return &o->torn_max;
	default: return NULL;
	}
}

/* --key, --isolate and --shard; 0 or -1 (said). */
static int parse_choice(struct opts *o, int c, const char *arg)
{
	if (c == 'K' + 256) {
		for (o->cfg.key = 0; o->cfg.key < RPL_KEY__COUNT; o->cfg.key++)
			if (!strcmp(arg, rpl_key_name[o->cfg.key]))
				break;
		if (o->cfg.key == RPL_KEY__COUNT) {
			fl_error("--key wants thread, path or site, not '%s'", arg);
			return -1;
		}
		o->cfg.key_set = 1;
	} else if (c == 'I' + 256) {
		if (strcmp(arg, "all") && strcmp(arg, "cwd")) {
			fl_error("--isolate wants all or cwd, not '%s'", arg);
			return -1;
		}
		o->cfg.cwd_only = !strcmp(arg, "cwd");
	} else if (sscanf(arg, "%ld/%ld", &o->shard_k, &o->shard_n) != 2 || o->shard_n < 1 ||
		   o->shard_k < 1 || o->shard_k > o->shard_n) {
		fl_error("--shard wants K/N with 1 <= K <= N, not '%s'", arg);
		return -1;
	}
	return 0;
}

/* One option c (cmd_getopt's opt); 0 or -1 (said). */
static int parse_option(int c, const char *arg, void *ctx)
{
	struct opts *o = ctx;
	const char *what;
	long *num = number_option(o, c, &what);
	if (num) {
		if (fl_parse_long(arg, num) < 0 || *num < (c == 'e' ? 0 : 1)) {
			fl_error("%s wants a positive number, not '%s'", what, arg);
			return -1;
		}
		return 0;
	}
	switch (c) {
	case 'd': o->cfg.db = arg; break;
	case 'P':
		if (parse_ids(o, arg) < 0) {
			fl_error("--point wants ids like 3,7,12, not '%s'", arg);
			return -1;
		}
		break;
	case 'k': o->flt.fdkinds = arg; break;
	case 'L': o->loader = 1; break;
	case 'F': return parse_faults(o, arg) < 0 ? -1 : 0;
	case 'R': o->resume = 1; break;
	case 'a': o->all = 1; break;
	case 'J': o->json = 1; break;
	case 'U': o->junit = arg; break;
	case 'W': o->with = arg; break;
	case 'P' + 256: o->prune = 1; break;
	case 'N' + 256: o->cfg.no_pin = 1; break;
	case 'E' + 256: o->every_point = 1; break;
	case 'D' + 256: o->dry_run = 1; break;
	case 'F' + 256: o->cfg.fire_anyway = 1; break;
	case 'R' + 256: o->cfg.real_random = 1; break;
	case 'K' + 256: case 'I' + 256: case 'H': return parse_choice(o, c, arg);
	default: return cmd_opt_run(c, arg, &o->cfg, &o->flt);
	}
	return 0;
}

/* Parse argv into o.  -1: exit with FL_EXIT_USAGE; 1: exit 0 (--help);
 * 0: run. */
static int parse_opts(struct opts *o, int argc, char **argv)
{
	cmd_run_defaults(&o->cfg);
	int rc = cmd_getopt(argc, argv, "d:f:p:j:t:qh", options, usage, parse_option, o);
	if (rc)
		return rc;
	if (optind < argc) {
		fl_error("unexpected argument '%s' (replay takes the program from the recording)",
			 argv[optind]);
		return -1;
	}
	if (o->depth > 2) {
		fl_error("--depth goes up to 2");
		return -1;
	}
	if (!o->torn_max)
		o->torn_max = RPL_TORN_MAX_DEFAULT;
	if (o->torn_max > RPL_TORN_MAX) {
		fl_error("--torn-max goes up to %d", RPL_TORN_MAX);
		return -1;
	}
	if (!o->nfaults)
		rpl_fault_parse("default", &o->faults[o->nfaults++]);
	/* the dynamic loader's startup calls are not the program's error paths */
	o->flt.no_loader = !o->loader && !o->flt.nids;
	return 0;
}

/* The key that makes a sweep resumable: everything that decides its runs. */
static void options_key(const struct opts *o, int argc, char **argv, struct sb *b)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--resume") || !strcmp(argv[i], "-q") ||
		    !strcmp(argv[i], "--quiet") || !strcmp(argv[i], "--json") ||
		    !strcmp(argv[i], "--all") || !strcmp(argv[i], "--keep") ||
		    !strcmp(argv[i], "--no-pin") || !strcmp(argv[i], "--no-baseline"))
			continue;
		if (!strncmp(argv[i], "-j", 2) || !strncmp(argv[i], "--jobs", 6)) {
			if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--jobs"))
				i++;
			continue;
		}
		sb_putc(b, ' ');
		sb_shell_quote(b, argv[i]);
	}
	(void)o;
}

static int skip_done(void *arg, size_t i)
{
	struct sweep_ctx *x = arg;
	return x->o->resume &&
	       store_run_done(x->st, x->sweep, x->plan[i].p[0]->id, x->plan[i].f[0].spec);
}

/* ---- the run -------------------------------------------------------------- */

/* The sweep row: the interrupted one --resume continues (the runs it has
 * done in *already), or a new one.  0, or -1 (said). */
static int open_sweep(struct sweep_ctx *x, int argc, char **argv, size_t *already)
{
	const struct opts *o = x->o;
	struct sb key;
	int rc = 0;
	sb_init(&key);
	options_key(o, argc, argv, &key);
	*already = 0;
	x->sweep = o->resume ? store_sweep_resumable(x->st, x->r->id, key.s ? key.s : "") : 0;
	if (o->resume && !x->sweep && !o->cfg.quiet)
		fl_warn("nothing to resume: starting a new sweep");
	if (!x->sweep) {
		struct store_sweep sw = {
			.rec = x->r->id, .kind = "replay", .seed = (uint64_t)o->cfg.seed,
			.setup = o->cfg.setup, .check = o->cfg.check, .options = key.s ? key.s : "",
			.timeout_ms = (unsigned)o->cfg.timeout_s * 1000u,
		};
		if (store_sweep_new(x->st, &sw, &x->sweep) < 0) {
			fl_error("cannot write to '%s': %s", o->cfg.db, store_errmsg(x->st));
			rc = -1;
		}
	} else {
		for (size_t i = 0; i < x->nplan; i++)
			*already += (size_t)skip_done(x, i);
	}
	sb_free(&key);
	return rc;
}

/* The baseline, then the total runs of x->plan (and depth 2's).  The
 * runner's status (0 or -EINTR), or 1: the baseline failed or was
 * interrupted (said). */
static int run_sweep(struct opts *o, struct sweep_ctx *x, struct ana_points *pts, size_t total)
{
	if (o->json) {
		json_init(&x->jw, &x->json);
		json_obj(&x->jw);
		json_kint(&x->jw, "sweep", x->sweep);
		json_kint(&x->jw, "rec", x->r->id);
		json_key(&x->jw, "runs");
		json_arr(&x->jw);
	}
	if (o->depth == 2) {
		o->cfg.explore = 1;
		x->nexplore = total;
		x->explore = xcalloc(total + 1, sizeof *x->explore);
		x->post_hash = xcalloc(total + 1, sizeof *x->post_hash);
		x->oc = xcalloc(total + 1, sizeof *x->oc);
	}
	int rc = rpl_baseline(&o->cfg, x->st, x->r, x->plan, total, x->sweep);
	if (rc == -EINTR) {
		fl_error("interrupted during the baseline run");
		return 1;
	}
	if (rc < 0) {
		store_sweep_end(x->st, x->sweep, 0);
		return 1;
	}
	rc = rpl_run_all(&o->cfg, x->st, x->r, x->plan, total, skip_done, rpl_sweep_done, x);
	if (rc == 0 && o->depth == 2)
		rc = rpl_depth2(o, x, pts, total);
	if (x->tty)
		fputc('\n', stderr);
	return rc;
}

/* ---- the command ---------------------------------------------------------- */

/* Plan, run and report the sweep of the recording; the exit status. */
static int sweep(struct sweep_ctx *x, struct ana_points *pts, int argc, char **argv)
{
	struct opts *o = x->o;
	if (rpl_plan_sweep(o, x, pts) < 0)
		return FL_EXIT_USAGE;
	if (o->dry_run) {
		rpl_print_dry_run(x, o->json);
		return FL_EXIT_OK;
	}
	size_t already;
	if (open_sweep(x, argc, argv, &already) < 0)
		return FL_EXIT_USAGE;
	x->tty = isatty(2) && !o->cfg.quiet && !o->json;
	x->t0 = fl_now_ns();
	size_t total = x->nplan;
	if (o->depth == 2 && already) {
		fl_error("--depth 2 cannot --resume a sweep; run it again");
		return FL_EXIT_USAGE;
	}
	x->nplan -= already;
	int rc = run_sweep(o, x, pts, total);
	if (rc > 0)
		return FL_EXIT_USAGE;
	int complete = rc == 0 && x->done == x->nplan;
	store_sweep_end(x->st, x->sweep, complete);
	double secs = (double)(fl_now_ns() - x->t0) / 1e9;
	rpl_print_summary(x, secs, complete, total, already);
	if (rc == -EINTR)
		fl_error("interrupted: %zu finished runs kept in '%s'; continue with --resume", x->done,
			 o->cfg.db);
	return !complete ? FL_EXIT_USAGE : x->nbug ? FL_EXIT_FOUND : FL_EXIT_OK;
}

int cmd_replay(int argc, char **argv)
{
	struct opts o;
	memset(&o, 0, sizeof o);
	int rc = parse_opts(&o, argc, argv);
	if (rc)
		return rc > 0 ? 0 : FL_EXIT_USAGE;
	struct store *st;
	struct store_rec r;
	if (cmd_open_rec(o.cfg.db, STORE_WRITE, o.rec, &st, &r) < 0)
		return FL_EXIT_USAGE;
	struct ana_points pts;
	struct sweep_ctx x;
	memset(&pts, 0, sizeof pts);
	memset(&x, 0, sizeof x);
	x.o = &o;
	x.st = st;
	x.r = &r;
	sb_init(&x.json);
	sb_init(&x.junit);
	int ret = FL_EXIT_USAGE;
	if (!o.cfg.timeout_s)
		o.cfg.timeout_s = rpl_auto_timeout(&r);
	if (access(r.exe, X_OK) != 0) {
		fl_error("cannot replay: the recorded program '%s' is gone or not executable", r.exe);
		goto out;
	}
	if (cmd_points(st, r.id, &pts, &o.flt, NULL) < 0)
		goto out;
	/* the program reads /dev/urandom: seed those reads too (record did) */
	for (size_t i = 0; i < pts.n && !o.cfg.seed_urandom; i++)
		o.cfg.seed_urandom = pts.v[i].family == FAM_READ && fl_random_dev(pts.v[i].path);
	ret = sweep(&x, &pts, argc, argv);
out:
	rpl_runner_cleanup(o.cfg.keep);
	for (size_t i = 0; i < x.nexplore; i++)
		free(x.explore[i]);
	free(x.explore);
	free(x.post_hash);
	free(x.oc);
	free(x.plan);
	ana_failures_free(&x.failures);
	sb_free(&x.json);
	sb_free(&x.junit);
	ana_points_free(&pts);
	store_rec_free(&r);
	store_close(st);
	return ret;
}
