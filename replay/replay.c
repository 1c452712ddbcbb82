/*
 * replay/replay.c - `faultline replay`: one run per (fault point x fault).
 *
 * The parent plans the runs (analyze's points through the filters, times
 * the faults), then keeps --jobs worker processes busy.  A worker owns one
 * run: it enters the run's sandbox (sandbox.c), runs --setup, traces the
 * program with the fault armed (inject.c on record/'s tracer), runs
 * --check, and leaves its result in the run directory.  Only the parent
 * writes the database, one committed row per finished run, so an
 * interrupted sweep keeps every finished run and --resume skips them.
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
#include "../record/syscalls.h"
#include "../store/store.h"
#include "rpl.h"

#define MAX_FAULTS 16

struct opts {
	const char *db, *setup, *check, *junit;
	long rec, jobs, timeout_s, seed;
	long shard_k, shard_n;          /* run only plan entries i with i % n == k - 1 */
	int persist, json, all, quiet, resume, keep;
	struct ana_filter flt;
	struct rpl_fault faults[MAX_FAULTS];
	int nfaults;
	long ids[4096];
};

struct plan {
	struct ana_point *p;
	struct rpl_fault fault;
};

struct worker {
	pid_t pid;
	size_t idx;
	char dir[PATH_MAX];
	uint64_t t0;
};

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
"if it took none): runs never see each other's writes and the directory is\n"
"never modified.  Exit status: 1 if a run found a bug, 0 if none, 2 on errors.\n"
"\n"
"  -d, --db FILE        database (default %s)\n"
"      --rec N          recording N (default: the latest)\n"
"      --point ID,...   only these fault points (ids from `faultline analyze`)\n"
"  -f, --family LIST    only these families, e.g. write,fsync\n"
"  -p, --path GLOB      only points whose target path matches GLOB\n"
"      --fdkind LIST    only these fd kinds: file,tty,pipe,socket,dev,other\n"
"      --no-std         skip reads/writes on a terminal or fd 0/1/2\n"
"      --loader         also fault the dynamic loader's calls before main\n"
"                       (skipped by default; --point always runs what it names)\n"
"      --fault SPEC,... faults to inject at each point (default: `default`,\n"
"                       the family's first errno): an errno name (EIO,\n"
"                       ENOSPC...), default, eintr, short (a true short\n"
"                       read/write), delay:MS, kill (SIGKILL at the call)\n"
"      --persist        once fired, every later call of the family fails too\n"
"      --setup CMD      shell command run in the run directory before the program\n"
"      --check CMD      invariant run after the program; non-zero = broken.\n"
"                       Both see FAULTLINE_POINT, FAULTLINE_FAULT, FAULTLINE_SYSCALL,\n"
"                       FAULTLINE_SEED, FAULTLINE_FIRED, FAULTLINE_EXIT, FAULTLINE_SIGNAL\n"
"  -j, --jobs N         runs in parallel (default: number of CPUs)\n"
"  -t, --timeout SEC    a run that takes longer is a hang (default 10)\n"
"      --seed N         seed for every random choice (default 1)\n"
"      --resume         continue the last interrupted sweep with the same options\n"
"      --all            list every run, not only the bugs\n"
"      --json           one JSON object {\"runs\": [...], \"summary\": {...}}\n"
"      --keep           keep each run's directory (printed) for inspection\n"
"      --junit FILE     also write the runs as JUnit XML (bugs are failures)\n"
"      --shard K/N      run only the K-th of N deterministic slices of the runs\n"
"                       (for CI matrices and array jobs; see docs/SCALE.md);\n"
"                       combine the databases with `faultline merge`\n"
"  -q, --quiet          no progress line\n"
"  -h, --help           this text\n", FL_DEFAULT_DB);
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
				 "delay:MS or kill)", tok);
			return -EINVAL;
		}
		o->nfaults++;
	}
	return 0;
}

static int parse_opts(struct opts *o, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "db", required_argument, 0, 'd' }, { "rec", required_argument, 0, 'r' },
		{ "point", required_argument, 0, 'P' }, { "family", required_argument, 0, 'f' },
		{ "path", required_argument, 0, 'p' }, { "fdkind", required_argument, 0, 'k' },
		{ "no-std", no_argument, 0, 'n' }, { "loader", no_argument, 0, 'L' },
		{ "fault", required_argument, 0, 'F' },
		{ "persist", no_argument, 0, 'x' }, { "setup", required_argument, 0, 'S' },
		{ "check", required_argument, 0, 'c' }, { "jobs", required_argument, 0, 'j' },
		{ "timeout", required_argument, 0, 't' }, { "seed", required_argument, 0, 'e' },
		{ "resume", no_argument, 0, 'R' }, { "all", no_argument, 0, 'a' },
		{ "json", no_argument, 0, 'J' }, { "keep", no_argument, 0, 'K' },
		{ "quiet", no_argument, 0, 'q' }, { "help", no_argument, 0, 'h' },
		{ "junit", required_argument, 0, 'U' }, { "shard", required_argument, 0, 'H' },
		{ 0, 0, 0, 0 }
	};
	const char *bad;
	int c, loader = 0;
	o->db = FL_DEFAULT_DB;
	o->jobs = sysconf(_SC_NPROCESSORS_ONLN);
	o->timeout_s = 10;
	o->seed = 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:f:p:j:t:qh", lo, NULL)) != -1) {
		long *num = NULL;
		const char *what = NULL;
		switch (c) {
		case 'd': o->db = optarg; break;
		case 'r': num = &o->rec; what = "--rec"; break;
		case 'P':
			if (parse_ids(o, optarg) < 0) {
				fl_error("--point wants ids like 3,7,12, not '%s'", optarg);
				return -EINVAL;
			}
			break;
		case 'f':
			if (ana_parse_families(optarg, &o->flt.families, &bad) < 0) {
				fl_error("unknown family '%s' (faultline analyze --families lists them)", bad);
				return -EINVAL;
			}
			break;
		case 'p': o->flt.path_glob = optarg; break;
		case 'k': o->flt.fdkinds = optarg; break;
		case 'n': o->flt.no_std = 1; break;
		case 'L': o->flt.no_loader = 0; loader = 1; break;
		case 'F':
			if (parse_faults(o, optarg) < 0)
				return -EINVAL;
			break;
		case 'x': o->persist = 1; break;
		case 'S': o->setup = optarg; break;
		case 'c': o->check = optarg; break;
		case 'j': num = &o->jobs; what = "--jobs"; break;
		case 't': num = &o->timeout_s; what = "--timeout"; break;
		case 'e': num = &o->seed; what = "--seed"; break;
		case 'R': o->resume = 1; break;
		case 'a': o->all = 1; break;
		case 'J': o->json = 1; break;
		case 'K': o->keep = 1; break;
		case 'q': o->quiet = 1; break;
		case 'U': o->junit = optarg; break;
		case 'H':
			if (sscanf(optarg, "%ld/%ld", &o->shard_k, &o->shard_n) != 2 || o->shard_n < 1 ||
			    o->shard_k < 1 || o->shard_k > o->shard_n) {
				fl_error("--shard wants K/N with 1 <= K <= N, not '%s'", optarg);
				return -EINVAL;
			}
			break;
		case 'h': usage(stdout); return 1;
		default: return -EINVAL;   /* getopt said what */
		}
		if (num && (fl_parse_long(optarg, num) < 0 || *num < (c == 'e' ? 0 : 1))) {
			fl_error("%s wants a positive number, not '%s'", what, optarg);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fl_error("unexpected argument '%s' (replay takes the program from the recording)",
			 argv[optind]);
		return -EINVAL;
	}
	if (!o->nfaults)
		rpl_fault_parse("default", &o->faults[o->nfaults++]);
	/* the dynamic loader's startup calls are not the program's error paths */
	o->flt.no_loader = !loader && !o->flt.nids;
	return 0;
}

/* The key that makes a sweep resumable: everything that decides its runs. */
static void options_key(const struct opts *o, int argc, char **argv, struct sb *b)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--resume") || !strcmp(argv[i], "-q") ||
		    !strcmp(argv[i], "--quiet") || !strcmp(argv[i], "--json") ||
		    !strcmp(argv[i], "--all") || !strcmp(argv[i], "--keep"))
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

static void repro_line(const struct opts *o, long rec, const struct plan *pl, struct sb *b)
{
	sb_puts(b, "faultline replay -d ");
	sb_shell_quote(b, o->db);
	sb_printf(b, " --rec %ld --point %ld --fault %s --seed %ld", rec, pl->p->id,
		  pl->fault.spec, o->seed);
	if (o->persist)
		sb_puts(b, " --persist");
	if (o->setup) {
		sb_puts(b, " --setup ");
		sb_shell_quote(b, o->setup);
	}
	if (o->check) {
		sb_puts(b, " --check ");
		sb_shell_quote(b, o->check);
	}
	if (o->timeout_s != 10)
		sb_printf(b, " --timeout %ld", o->timeout_s);
}

static char **env_with(char **base, const char *const *extra)
{
	size_t n = 0, m = 0;
	while (base && base[n])
		n++;
	while (extra[m])
		m++;
	char **v = xcalloc(n + m + 1, sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i] = base[i];
	for (size_t i = 0; i < m; i++)
		v[n + i] = (char *)extra[i];
	return v;
}

static uint64_t g_fams;
static char g_lower[PATH_MAX + 16];   /* the overlay's lower layer */

static int child_setup(void *ctx)
{
	(void)ctx;
	return rpl_seccomp_install(g_fams);
}

/* The worker: one run, result left in dir/result.  Never returns. */
static void worker_main(const struct opts *o, const struct store_rec *r,
			const struct plan *pl, const char *dir)
{
	int moved = 0;
	char path[PATH_MAX + 32], e_point[64], e_fault[64], e_sys[96], e_seed[64], e_dir[PATH_MAX + 32];
	struct rpl_result res;
	memset(&res, 0, sizeof res);

	if (rpl_sandbox_enter(g_lower, r->cwd, dir, &moved) < 0)
		_exit(3);
	snprintf(path, sizeof path, "%s/output", dir);
	int out = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	snprintf(e_point, sizeof e_point, "FAULTLINE_POINT=%ld", pl->p->id);
	snprintf(e_fault, sizeof e_fault, "FAULTLINE_FAULT=%s", pl->fault.spec);
	snprintf(e_sys, sizeof e_sys, "FAULTLINE_SYSCALL=%s", pl->p->name);
	snprintf(e_seed, sizeof e_seed, "FAULTLINE_SEED=%ld", o->seed);
	snprintf(e_dir, sizeof e_dir, "FAULTLINE_RUN_DIR=%s", dir);
	const char *extra[] = { e_point, e_fault, e_sys, e_seed, e_dir, NULL };
	char **env = env_with(r->env, extra);
	unsigned tmo = (unsigned)o->timeout_s * 1000u;

	if (o->setup) {
		int rc = rpl_shell(o->setup, env, out, tmo);
		if (rc != 0) {
			dprintf(out, "faultline: --setup exited %d\n", rc);
			_exit(4);
		}
	}
	struct rpl_arm arm = {
		.family = pl->p->family, .ident = pl->p->ident, .nth = pl->p->nth,
		.fault = pl->fault, .persist = o->persist, .seed = (uint64_t)o->seed,
	};
	arm.err = pl->fault.err;
	struct rpl_injector in = { .arm = &arm };
	g_fams = 1ull << pl->p->family;
	struct rec_opts ro = {
		.exe = r->exe, .argv = r->argv, .envp = r->env, .mode = REC_MODE_SECCOMP,
		.child_setup = child_setup, .new_pgrp = 1, .stdin_null = 1, .quiet_fd = out,
		.timeout_ms = tmo,
	};
	struct rec_result tr;
	if (rec_trace(&ro, &rpl_inject_ops, &in, &tr) < 0)
		_exit(5);
	if (tr.interrupted)
		_exit(6);
	res.fired = in.fired;
	res.timed_out = tr.timed_out;
	res.exit_code = tr.exit_code;
	res.signal = WIFSIGNALED(tr.status) ? WTERMSIG(tr.status) : 0;
	if (o->check) {
		char e_exit[48], e_sig[48], e_fired[48];
		snprintf(e_exit, sizeof e_exit, "FAULTLINE_EXIT=%d", res.exit_code);
		snprintf(e_sig, sizeof e_sig, "FAULTLINE_SIGNAL=%d", res.signal);
		snprintf(e_fired, sizeof e_fired, "FAULTLINE_FIRED=%d", res.fired);
		const char *more[] = { e_point, e_fault, e_sys, e_seed, e_dir, e_exit, e_sig,
				       e_fired, NULL };
		char **cenv = env_with(r->env, more);
		dprintf(out, "--- check: %s\n", o->check);
		res.check_ran = 1;
		res.check_code = rpl_shell(o->check, cenv, out, tmo);
	}
	snprintf(path, sizeof path, "%s/result", dir);
	FILE *f = fopen(path, "w");
	if (!f)
		_exit(7);
	fprintf(f, "%d %d %d %d %d %d %s\n", res.fired, res.timed_out, res.exit_code, res.signal,
		res.check_ran, res.check_code, in.fired ? in.fired_call : "-");
	_exit(fclose(f) == 0 ? 0 : 7);
}

static void tail_of(const char *path, struct sb *out, size_t max)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	if (n > (long)max) {
		fseek(f, n - (long)max, SEEK_SET);
		n = (long)max;
	} else {
		fseek(f, 0, SEEK_SET);
	}
	char *buf = xmalloc((size_t)n + 1);
	size_t got = fread(buf, 1, (size_t)n, f);
	sb_add(out, buf, got);
	free(buf);
	fclose(f);
}

/* Collect a finished worker; returns the outcome, or -1 if the run is
 * to be dropped (interrupted) or failed to set up. */
static int collect(const struct opts *o, struct store *st, long sweep, const struct store_rec *r,
		   const struct plan *pl, struct worker *w, int status, struct sb *json, int *njson,
		   struct sb *junit)
{
	char path[PATH_MAX + 32];
	struct rpl_result res;
	char call[64] = "-";
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	enum rpl_outcome oc = OUT_ERROR;
	struct sb output, repro;
	sb_init(&output);
	sb_init(&repro);
	memset(&res, 0, sizeof res);
	snprintf(path, sizeof path, "%s/output", w->dir);
	tail_of(path, &output, 2000);
	if (code == 6)
		goto drop;
	snprintf(path, sizeof path, "%s/result", w->dir);
	FILE *f = fopen(path, "r");
	if (code == 0 && f &&
	    fscanf(f, "%d %d %d %d %d %d %63s", &res.fired, &res.timed_out, &res.exit_code,
		   &res.signal, &res.check_ran, &res.check_code, call) == 7)
		oc = rpl_classify(&res);
	if (f)
		fclose(f);
	if (oc == OUT_ERROR && code == 4 && !o->quiet)
		fl_warn("--setup failed in the run of point %ld: %s", pl->p->id,
			output.s ? output.s : "");
	repro_line(o, r->id, pl, &repro);
	struct store_run sr = {
		.sweep = sweep, .rec = r->id, .point = pl->p->id, .fault = pl->fault.spec,
		.faults = pl->fault.spec, .outcome = rpl_outcome_name[oc], .repro = repro.s,
		.output = output.s ? output.s : "", .fired = res.fired, .exit_code = res.exit_code,
		.signal = res.signal, .dur_ms = (fl_now_ns() - w->t0) / 1000000,
		.seed = (uint64_t)o->seed,
	};
	if (store_begin(st) < 0 || store_run_add(st, &sr) < 0 || store_commit(st) < 0)
		fl_error("cannot store a run in '%s': %s", o->db, store_errmsg(st));
	struct sb lab;
	sb_init(&lab);
	ana_site_label(st, r->id, pl->p->site, &lab);
	if (o->junit) {
		struct sb name;
		sb_init(&name);
		sb_printf(&name, "point %ld %s %s at %s", pl->p->id, pl->p->name, pl->fault.spec,
			  lab.s);
		rpl_junit_case(junit, rec_families[pl->p->family].name, name.s, oc,
			       (double)(fl_now_ns() - w->t0) / 1e9, repro.s, output.s);
		sb_free(&name);
	}
	if (o->json) {
		sb_printf(json, "%s\n  {\"point\": %ld, \"syscall\": \"%s\", \"family\": \"%s\", "
			  "\"fault\": \"%s\", \"outcome\": \"%s\", \"exit\": %d, \"signal\": %d, "
			  "\"fired\": %s, \"site\": ", *njson ? "," : "", pl->p->id, pl->p->name,
			  rec_families[pl->p->family].name, pl->fault.spec, rpl_outcome_name[oc],
			  res.exit_code, res.signal, res.fired ? "true" : "false");
		sb_json_str(json, lab.s);
		sb_puts(json, ", \"path\": ");
		if (pl->p->path)
			sb_json_str(json, pl->p->path);
		else
			sb_puts(json, "null");
		sb_puts(json, ", \"repro\": ");
		sb_json_str(json, repro.s);
		sb_putc(json, '}');
		(*njson)++;
	} else if (o->all || rpl_outcome_is_bug(oc)) {
		printf("%-11s point %-5ld %-10s %-8s %s", rpl_outcome_name[oc], pl->p->id,
		       pl->p->name, pl->fault.spec, lab.s);
		if (res.signal)
			printf("  [SIG%s]", sigabbrev_np(res.signal) ? sigabbrev_np(res.signal) : "?");
		else
			printf("  [exit %d]", res.exit_code);
		if (pl->p->path)
			printf("  %s", pl->p->path);
		printf("\n    repro: %s\n", repro.s);
		if (o->keep)
			printf("    run directory: %s\n", w->dir);
		fflush(stdout);
	}
	sb_free(&lab);
	sb_free(&output);
	sb_free(&repro);
	return (int)oc;
drop:
	sb_free(&output);
	sb_free(&repro);
	return -1;
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
	struct ana_points pts;
	char err[8192];
	int ret = FL_EXIT_USAGE;
	if (store_open(o.db, STORE_WRITE, &st, err, sizeof err) < 0) {
		fl_error("%s", err);
		return FL_EXIT_USAGE;
	}
	if (store_rec_get(st, o.rec, &r) < 0) {
		fl_error("%s", store_errmsg(st));
		store_close(st);
		return FL_EXIT_USAGE;
	}
	memset(&pts, 0, sizeof pts);
	struct plan *plan = NULL;
	size_t nplan = 0;
	char base[PATH_MAX] = "";
	struct sb key, json, junit;
	sb_init(&key);
	sb_init(&json);
	sb_init(&junit);
	if (access(r.exe, X_OK) != 0) {
		fl_error("cannot replay: the recorded program '%s' is gone or not executable", r.exe);
		goto out;
	}
	if (ana_collect(st, r.id, &pts) < 0) {
		fl_error("cannot read recording %ld: %s", r.id, store_errmsg(st));
		goto out;
	}
	plan = xcalloc(pts.n * (size_t)o.nfaults + 1, sizeof *plan);
	size_t nth_run = 0;
	for (size_t i = 0; i < pts.n; i++) {
		if (!ana_match(&o.flt, &pts.v[i]))
			continue;
		for (int k = 0; k < o.nfaults; k++) {
			if (!rpl_fault_applies(&o.faults[k], pts.v[i].family, pts.v[i].name))
				continue;
			struct rpl_fault f = o.faults[k];
			if (f.kind == FAULT_ERRNO && !f.err) {
				/* "default": the family's first errno, named in the repro */
				char first[32] = "EIO";
				sscanf(pts.v[i].errnos, "%31s", first);
				rpl_fault_parse(first, &f);
			}
			if (!o.shard_n || (long)(nth_run++ % (size_t)o.shard_n) == o.shard_k - 1)
				plan[nplan++] = (struct plan){ &pts.v[i], f };
		}
	}
	if (!nplan) {
		fl_error("no fault point matches (recording %ld has %zu points; see faultline analyze)",
			 r.id, pts.n);
		goto out;
	}
	options_key(&o, argc, argv, &key);
	long sweep = o.resume ? store_sweep_resumable(st, r.id, key.s ? key.s : "") : 0;
	if (o.resume && !sweep && !o.quiet)
		fl_warn("nothing to resume: starting a new sweep");
	if (!sweep) {
		struct store_sweep sw = {
			.rec = r.id, .kind = "replay", .seed = (uint64_t)o.seed, .setup = o.setup,
			.check = o.check, .options = key.s ? key.s : "",
			.timeout_ms = (unsigned)o.timeout_s * 1000u,
		};
		if (store_sweep_new(st, &sw, &sweep) < 0) {
			fl_error("cannot write to '%s': %s", o.db, store_errmsg(st));
			goto out;
		}
	}
	const char *tmp = getenv("TMPDIR");
	snprintf(base, sizeof base, "%s/faultline.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(base)) {
		fl_error("cannot create a directory for the runs in '%s': %s",
			 tmp && *tmp ? tmp : "/tmp", strerror(errno));
		base[0] = 0;
		goto out;
	}

	if (r.has_snapshot) {
		snprintf(g_lower, sizeof g_lower, "%s/snapshot", base);
		if (rpl_snapshot_restore(st, r.id, g_lower) < 0) {
			fl_error("cannot restore the snapshot of recording %ld into '%s': %s", r.id,
				 g_lower, store_errmsg(st));
			goto out;
		}
	} else {
		snprintf(g_lower, sizeof g_lower, "%s", r.cwd);
		if (!o.quiet && !o.json)
			fl_warn("recording %ld has no snapshot: runs start from '%s' as it is now",
				r.id, r.cwd);
	}
	rec_catch_signals();
	struct worker *w = xcalloc((size_t)o.jobs, sizeof *w);
	size_t next = 0, done = 0, skipped = 0, nbug = 0, count[OUT__COUNT] = { 0 };
	int running = 0, njson = 0, tty = isatty(2) && !o.quiet && !o.json;
	uint64_t t_start = fl_now_ns();
	for (;;) {
		while (!rec_stop_requested && running < o.jobs && next < nplan) {
			struct plan *pl = &plan[next];
			if (o.resume && store_run_done(st, sweep, pl->p->id, pl->fault.spec)) {
				next++;
				skipped++;
				continue;
			}
			int slot = 0;
			while (w[slot].pid)
				slot++;
			snprintf(w[slot].dir, sizeof w[slot].dir, "%s/run-%zu", base, next);
			if (mkdir(w[slot].dir, 0755) < 0) {
				fl_error("cannot create '%s': %s", w[slot].dir, strerror(errno));
				rec_stop_requested = 1;
				break;
			}
			fflush(stdout);
			pid_t pid = fork();
			if (pid == 0)
				worker_main(&o, &r, pl, w[slot].dir);
			if (pid < 0) {
				fl_error("cannot fork a worker: %s", strerror(errno));
				rec_stop_requested = 1;
				break;
			}
			w[slot].pid = pid;
			w[slot].idx = next++;
			w[slot].t0 = fl_now_ns();
			running++;
		}
		if (!running)
			break;
		int status;
		pid_t pid = waitpid(-1, &status, 0);
		if (pid < 0) {
			if (errno == EINTR) {
				if (rec_stop_requested)
					for (int i = 0; i < o.jobs; i++)
						if (w[i].pid)
							kill(w[i].pid, SIGTERM);
				continue;
			}
			break;
		}
		int slot = -1;
		for (int i = 0; i < o.jobs; i++)
			if (w[i].pid == pid)
				slot = i;
		if (slot < 0)
			continue;
		running--;
		int oc = collect(&o, st, sweep, &r, &plan[w[slot].idx], &w[slot], status, &json, &njson,
				 &junit);
		if (!o.keep)
			rpl_rmtree(w[slot].dir);
		w[slot].pid = 0;
		if (oc < 0)
			continue;
		done++;
		count[oc]++;
		nbug += rpl_outcome_is_bug((enum rpl_outcome)oc);
		if (tty) {
			double el = (double)(fl_now_ns() - t_start) / 1e9;
			double eta = el / (double)done * (double)(nplan - skipped - done);
			fprintf(stderr, "\r[%zu/%zu] %zu bug%s, %.0fs left   ", done + skipped, nplan,
				nbug, nbug == 1 ? "" : "s", eta);
			if (done + skipped == nplan)
				fputc('\n', stderr);
		}
	}
	free(w);
	int complete = !rec_stop_requested && done + skipped == nplan;
	store_begin(st);
	store_sweep_finish(st, sweep, complete);
	store_commit(st);
	double secs = (double)(fl_now_ns() - t_start) / 1e9;
	if (o.json) {
		printf("{\"sweep\": %ld, \"rec\": %ld, \"runs\": [%s\n], \"summary\": {", sweep, r.id,
		       json.s ? json.s : "");
		for (int i = 0; i < OUT__COUNT; i++)
			printf("\"%s\": %zu, ", rpl_outcome_name[i], count[i]);
		printf("\"runs\": %zu, \"bugs\": %zu, \"seconds\": %.2f, \"complete\": %s}}\n", done,
		       nbug, secs, complete ? "true" : "false");
	} else {
		printf("%s%zu runs over %zu points in %.1fs (sweep %ld):", nbug || o.all ? "\n" : "",
		       done, nplan / (size_t)o.nfaults, secs, sweep);
		for (int i = 0; i < OUT__COUNT; i++)
			if (count[i] || i < OUT_ERROR)
				printf("%s %zu %s", i ? "," : "", count[i], rpl_outcome_name[i]);
		printf("\n");
		if (skipped)
			printf("%zu runs were already done (--resume)\n", skipped);
	}
	if (o.junit) {
		struct sb suite;
		sb_init(&suite);
		sb_printf(&suite, "faultline replay of %s (recording %ld, sweep %ld)", r.exe, r.id,
			  sweep);
		if (rpl_junit_write(o.junit, suite.s, &junit, done, nbug,
				    count[OUT_NOT_REACHED] + count[OUT_ERROR], secs) < 0)
			fl_error("cannot write '%s': %s", o.junit, strerror(errno));
		sb_free(&suite);
	}
	if (!complete)
		fl_error("interrupted: %zu finished runs kept in '%s'; continue with --resume", done,
			 o.db);
	ret = !complete ? FL_EXIT_USAGE : nbug ? FL_EXIT_FOUND : FL_EXIT_OK;
out:
	if (base[0] && !o.keep)
		rpl_rmtree(base);
	free(plan);
	sb_free(&key);
	sb_free(&json);
	sb_free(&junit);
	ana_points_free(&pts);
	store_rec_free(&r);
	store_close(st);
	return ret;
}
