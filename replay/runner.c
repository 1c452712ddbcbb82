/*
 * replay/runner.c - executing runs: what replay, fuzz and bisect share.
 *
 * rpl_run_all() keeps cfg->jobs worker processes busy over an array of run
 * specs (each a set of armed faults).  A worker owns one run: it enters the
 * run's sandbox (sandbox.c), runs --setup, traces the program with the
 * faults armed (inject.c on record/'s tracer), undoes un-fsynced writes if
 * a crash fault fired, runs --check, and leaves its result in the run
 * directory.  The parent reads it back and hands it to the caller's
 * callback, which alone writes the database.  A SIGINT/SIGTERM stops new
 * runs, kills the running ones (their results are dropped, never stored
 * half-done) and returns -EINTR.  The sweep's baseline run is
 * baseline.c's; the result file's format, result.c's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../record/stack.h"
#include "../record/syscalls.h"
#include "runner.h"

static char g_base[PATH_MAX];          /* this process's run directories */
static char g_lower[PATH_MAX + 16];    /* the overlay's lower layer */
static long g_lower_rec = -1;
/* extra snapshot paths (record --snapshot-path): lowers under g_extra */
#define MAX_EXTRA 8
static char g_extra[PATH_MAX + 16];
static struct rpl_lower g_lowers[1 + MAX_EXTRA];
static int g_nlowers;

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

static struct rpl_filter g_filter;
static int g_slot = -1;      /* the worker's slot, for CPU placement */
static struct rpl_stdio g_stdio;   /* the run's stdin/stdout/stderr */

static int child_setup(void *ctx)
{
	(void)ctx;
	rpl_stdio_child(&g_stdio);
	return rpl_seccomp_load(&g_filter);
}

/* What --setup and --check see of the run (FAULTLINE_*). */
struct run_env {
	char point[64], fault[128], sys[96], seed[64], dir[PATH_MAX + 32];
};

static void run_env_fill(struct run_env *e, const struct rpl_cfg *cfg, const struct rpl_spec *s,
			 const char *dir)
{
	struct sb faults;
	sb_init(&faults);
	rpl_spec_faults(s, &faults);
	snprintf(e->point, sizeof e->point, "FAULTLINE_POINT=%ld", s->n ? s->p[0]->id : 0);
	snprintf(e->fault, sizeof e->fault, "FAULTLINE_FAULT=%s",
		 s->n > 1 ? faults.s : s->n ? s->f[0].spec : "none");
	snprintf(e->sys, sizeof e->sys, "FAULTLINE_SYSCALL=%s", s->n ? s->p[0]->name : "");
	snprintf(e->seed, sizeof e->seed, "FAULTLINE_SEED=%ld", cfg->seed);
	snprintf(e->dir, sizeof e->dir, "FAULTLINE_RUN_DIR=%s", dir);
	sb_free(&faults);
}

/* The injector's arms, one per fault of s: where (and by which key) to
 * find the call, what the recording says it was. */
static void arms_fill(const struct rpl_cfg *cfg, const struct rpl_spec *s, struct rpl_arm *arms,
		      struct rpl_injector *in)
{
	for (int i = 0; i < s->n; i++) {
		const struct ana_point *p = s->p[i];
		arms[i] = (struct rpl_arm){ .family = p->family, .ident = p->ident,
					    .nth = p->nth, .fault = s->f[i], .err = s->f[i].err,
					    .rec_ret = p->id > 0 ? p->ret : 0 };
		if (p->id > 0) {
			arms[i].rec_syscall = p->name;
			arms[i].rec_path = p->path;
			arms[i].rec_fdkind = p->fdkind;
			arms[i].rec_std = p->std_fd;
			arms[i].rec_site = p->site;
			arms[i].site_frames = p->site_frames;
			/* a point without a target or site keeps the thread key */
			if (cfg->key == RPL_KEY_PATH && p->path_nth) {
				arms[i].key = RPL_KEY_PATH;
				arms[i].kval = p->tkey;
				arms[i].knth = p->path_nth;
			} else if (cfg->key == RPL_KEY_SITE && p->site_nth) {
				arms[i].key = RPL_KEY_SITE;
				arms[i].kval = p->site;
				arms[i].knth = p->site_nth;
			}
		}
		in->track_writes |= s->f[i].kind == FAULT_CRASH;
	}
	in->arms = arms;
	in->narms = s->n;
}

/* The baseline run (nothing armed) probes the sweep's planned points, one
 * probe per point; the array to free, or NULL. */
static struct rpl_probe *probes_fill(const struct rpl_spec *s, struct rpl_injector *in)
{
	if (s->n || !s->nplan)
		return NULL;
	struct rpl_probe *probes = xcalloc(s->nplan * RPL_MAX_ARMS, sizeof *probes);
	for (size_t i = 0; i < s->nplan; i++)
		for (int k = 0; k < s->plan[i].n; k++) {
			const struct ana_point *p = s->plan[i].p[k];
			if (p->id > 0 && p->tkey)
				probes[in->nprobes++] = (struct rpl_probe){
					.ident = p->ident, .family = p->family, .nth = p->nth,
					.path_nth = p->path_nth, .tkey = p->tkey };
		}
	qsort(probes, in->nprobes, sizeof *probes, rpl_probe_cmp);
	size_t u = 0;   /* one probe per point */
	for (size_t i = 0; i < in->nprobes; i++)
		if (!u || rpl_probe_cmp(&probes[u - 1], &probes[i]))
			probes[u++] = probes[i];
	in->nprobes = u;
	in->probes = probes;
	return probes;
}

/* The families the run's seccomp filter traces: the armed ones (all with
 * explore), the baseline's counted ones, and the seeded random sources. */
static uint64_t trace_families(const struct rpl_cfg *cfg, const struct rpl_arm *arms, int narms,
			       struct rpl_injector *in)
{
	uint64_t fams = rpl_inject_families(arms, narms) | in->count_fams;
	if (cfg->explore) {
		in->explore = cfg->explore;
		in->stk = rec_stack_new();
		sb_init(&in->log);
		fams = rpl_inject_families(arms, -1);
	}
	if (in->seed_random)
		fams |= RPL_TRACE_RANDOM;
	if (in->seed_random && cfg->seed_urandom) {
		in->seed_urandom = 1;
		fams |= 1ull << FAM_READ;
	}
	return fams;
}

/* --check, after the program, with what happened in its environment. */
static void run_check(const struct rpl_cfg *cfg, const struct store_rec *r,
		      const struct run_env *e, struct rpl_done *d, int out, unsigned tmo)
{
	char e_exit[48], e_sig[48], e_fired[48];
	snprintf(e_exit, sizeof e_exit, "FAULTLINE_EXIT=%d", d->res.exit_code);
	snprintf(e_sig, sizeof e_sig, "FAULTLINE_SIGNAL=%d", d->res.signal);
	snprintf(e_fired, sizeof e_fired, "FAULTLINE_FIRED=%d", d->nfired);
	const char *more[] = { e->point, e->fault, e->sys, e->seed, e->dir, e_exit, e_sig,
			       e_fired, NULL };
	char **cenv = env_with(r->env, more);
	dprintf(out, "--- check: %s\n", cfg->check);
	d->res.check_ran = 1;
	d->res.check_code = rpl_shell(cfg->check, cenv, out, tmo);
	if (d->res.check_code == 126 || d->res.check_code == 127)
		dprintf(out, "faultline: the check could not run (exit %d: %s)\n",
			d->res.check_code, d->res.check_code == 127 ? "command not found" :
			"not executable");
}

/* The worker: one run, result left in dir/result.  Never returns. */
static void worker_main(const struct rpl_cfg *cfg, const struct store_rec *r,
			const struct rpl_spec *s, const char *dir)
{
	int moved = 0;
	char path[PATH_MAX + 32], cwd_now[PATH_MAX];
	struct run_env e;
	struct rpl_done d;
	memset(&d, 0, sizeof d);

	struct sb leaks;
	sb_init(&leaks);
	if (rpl_sandbox_enter(g_lowers, g_nlowers, dir, !cfg->cwd_only, &moved, &leaks) < 0)
		_exit(3);
	snprintf(path, sizeof path, "%s/output", dir);
	int out = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	run_env_fill(&e, cfg, s, dir);
	const char *extra[] = { e.point, e.fault, e.sys, e.seed, e.dir, NULL };
	char **env = env_with(r->env, extra);
	unsigned tmo = (unsigned)cfg->timeout_s * 1000u;

	if (cfg->setup) {
		int rc = rpl_shell(cfg->setup, env, out, tmo);
		if (rc != 0) {
			dprintf(out, "faultline: --setup exited %d\n", rc);
			_exit(4);
		}
	}
	static struct rpl_arm arms[RPL_MAX_ARMS];
	struct rpl_injector in;
	memset(&in, 0, sizeof in);
	arms_fill(cfg, s, arms, &in);
	in.persist = cfg->persist;
	in.seed = (uint64_t)cfg->seed;
	in.seed_random = !cfg->real_random;
	in.first = -1;
	in.check = !cfg->fire_anyway;
	sb_init(&in.why);
	if (moved) {
		in.moved_from = getcwd(cwd_now, sizeof cwd_now);
		in.moved_to = r->cwd;
	}
	in.count_fams = s->n ? 0 : s->fams;
	struct rpl_probe *probes = probes_fill(s, &in);
	sb_init(&in.counts);
	if (rpl_seccomp_build(trace_families(cfg, arms, s->n, &in), &g_filter) < 0) {
		dprintf(out, "faultline: cannot build the seccomp filter\n");
		_exit(5);
	}
	struct rec_opts ro = {
		.exe = r->exe, .argv = r->argv, .envp = r->env, .mode = REC_MODE_SECCOMP,
		.child_setup = child_setup, .new_pgrp = 1, .stdin_null = 1, .quiet_fd = out,
		.timeout_ms = tmo, .pin = !cfg->no_pin, .pin_slot = g_slot,
	};
	struct rec_result tr;
	int io_rc = rpl_stdio_open(r->stdio, out, &g_stdio);
	if (io_rc < 0) {
		dprintf(out, "faultline: cannot make the run's stdio: %s\n", strerror(-io_rc));
		_exit(5);
	}
	if (rec_trace(&ro, &rpl_inject_ops, &in, &tr) < 0)
		_exit(5);
	rpl_stdio_close(&g_stdio);
	if (tr.interrupted)
		_exit(6);
	if (in.crashed && rpl_inject_rollback(&in) < 0)
		dprintf(out, "faultline: could not undo every un-fsynced write\n");
	rpl_probe_report(&in, &in.counts);
	rpl_probe_free(&in);
	free(probes);
	d.nfired = in.nfired;
	d.first = in.first;
	d.post_hash = in.post_hash;
	d.res.baseline = s->n == 0;
	d.res.retryable = in.first >= 0 && rpl_fault_retryable(&arms[in.first].fault);
	d.res.reissued = in.reissued;
	d.res.diverged = in.diverged > 0;
	if (in.diverged)
		dprintf(out, "faultline: diverged: the armed call is not the recorded one: %s "
			"(not injected; --fire-anyway injects anyway)\n", in.why.s ? in.why.s : "?");
	d.res.timed_out = tr.timed_out;
	d.res.exit_code = tr.exit_code;
	d.res.signal = WIFSIGNALED(tr.status) ? WTERMSIG(tr.status) : 0;
	if (cfg->check)
		run_check(cfg, r, &e, &d, out, tmo);
	snprintf(path, sizeof path, "%s/result", dir);
	FILE *f = fopen(path, "w");
	if (!f)
		_exit(7);
	int bad = rpl_result_write(f, &d, &in.log, &in.counts, &leaks) < 0;
	_exit(fclose(f) == 0 && !bad ? 0 : 7);
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

/* Read a finished worker's result; 0, or -1 to drop the run. */
static int read_result(const char *dir, int status, struct rpl_done *d)
{
	char path[PATH_MAX + 32];
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	d->oc = OUT_ERROR;
	d->first = -1;
	snprintf(path, sizeof path, "%s/output", dir);
	tail_of(path, &d->output, 2000);
	if (code == 6)
		return -1;
	d->setup_failed = code == 4;
	snprintf(path, sizeof path, "%s/result", dir);
	FILE *f = code == 0 ? fopen(path, "r") : NULL;
	if (f && rpl_result_read(f, d) == 0)
		d->oc = rpl_classify(&d->res);
	if (f)
		fclose(f);
	return 0;
}

static int prepare_lower(struct store *st, const struct store_rec *r, int quiet)
{
	if (!g_base[0]) {
		const char *tmp = getenv("TMPDIR");
		snprintf(g_base, sizeof g_base, "%s/faultline.XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(g_base)) {
			fl_error("cannot create a directory for the runs in '%s': %s",
				 tmp && *tmp ? tmp : "/tmp", strerror(errno));
			g_base[0] = 0;
			return -errno;
		}
		/* the run's root is built at its absolute path (a relative TMPDIR) */
		char abs[PATH_MAX];
		if (g_base[0] != '/' && realpath(g_base, abs))
			snprintf(g_base, sizeof g_base, "%s", abs);
	}
	if (g_lower_rec == r->id)
		return 0;
	struct sb roots;
	sb_init(&roots);
	snprintf(g_lower, sizeof g_lower, "%s/snapshot-%ld", g_base, r->id);
	snprintf(g_extra, sizeof g_extra, "%s/extra-%ld", g_base, r->id);
	if (rpl_snapshot_restore(st, r->id, g_lower, g_extra, &roots) < 0) {
		fl_error("cannot restore the snapshot of recording %ld into '%s': %s", r->id,
			 g_lower, store_errmsg(st));
		sb_free(&roots);
		return -EIO;
	}
	if (!r->has_snapshot) {
		snprintf(g_lower, sizeof g_lower, "%s", r->cwd);
		if (!quiet)
			fl_warn("recording %ld has no snapshot: runs start from '%s' as it is now",
				r->id, r->cwd);
	}
	g_lowers[0] = (struct rpl_lower){ g_lower, r->cwd };
	g_nlowers = 1;
	for (char *l = roots.s ? strtok(roots.s, "\n") : NULL; l && g_nlowers <= MAX_EXTRA;
	     l = strtok(NULL, "\n")) {
		char *lower = xmalloc(strlen(g_extra) + strlen(l) + 1);
		sprintf(lower, "%s%s", g_extra, l);
		g_lowers[g_nlowers++] = (struct rpl_lower){ lower, xstrdup(l) };
	}
	sb_free(&roots);
	g_lower_rec = r->id;
	return 0;
}

const char *rpl_runner_lower(void)
{
	return g_lower;
}

void rpl_runner_cleanup(int keep)
{
	if (g_base[0] && !keep)
		rpl_rmtree(g_base);
	g_base[0] = 0;
	g_lower_rec = -1;
}

int rpl_run_all(const struct rpl_cfg *cfg, struct store *st, const struct store_rec *r,
		const struct rpl_spec *specs, size_t n,
		int (*skip)(void *, size_t), void (*done)(void *, size_t, struct rpl_done *),
		void *arg)
{
	if (prepare_lower(st, r, cfg->quiet) < 0)
		return -EIO;
	rec_catch_signals();
	rpl_seccomp_prepare();
	long jobs = cfg->jobs > 0 ? cfg->jobs : 1;
	struct slot { pid_t pid; size_t idx; char dir[PATH_MAX + 32]; uint64_t t0; } *w;
	w = xcalloc((size_t)jobs, sizeof *w);
	size_t next = 0;
	static unsigned long serial;
	int running = 0, rc = 0;
	for (;;) {
		while (!rec_stop_requested && running < jobs && next < n) {
			if (skip && skip(arg, next)) {
				next++;
				continue;
			}
			int k = 0;
			while (w[k].pid)
				k++;
			snprintf(w[k].dir, sizeof w[k].dir, "%s/run-%lu", g_base, ++serial);
			if (mkdir(w[k].dir, 0755) < 0) {
				fl_error("cannot create '%s': %s", w[k].dir, strerror(errno));
				rc = -EIO;
				rec_stop_requested = 1;
				break;
			}
			fflush(stdout);
			g_slot = jobs > 1 ? k : -1;
			pid_t pid = fork();
			if (pid == 0)
				worker_main(cfg, r, &specs[next], w[k].dir);
			if (pid < 0) {
				fl_error("cannot fork a worker: %s", strerror(errno));
				rc = -EAGAIN;
				rec_stop_requested = 1;
				break;
			}
			w[k].pid = pid;
			w[k].idx = next++;
			w[k].t0 = fl_now_ns();
			running++;
		}
		if (!running)
			break;
		int status;
		pid_t pid = waitpid(-1, &status, 0);
		if (pid < 0) {
			if (errno == EINTR) {
				if (rec_stop_requested)
					for (long i = 0; i < jobs; i++)
						if (w[i].pid)
							kill(w[i].pid, SIGTERM);
				continue;
			}
			break;
		}
		int k = -1;
		for (long i = 0; i < jobs; i++)
			if (w[i].pid == pid)
				k = (int)i;
		if (k < 0)
			continue;
		running--;
		struct rpl_done d;
		memset(&d, 0, sizeof d);
		sb_init(&d.output);
		sb_init(&d.explore);
		sb_init(&d.counts);
		sb_init(&d.leaks);
		d.secs = (double)(fl_now_ns() - w[k].t0) / 1e9;
		d.dir = w[k].dir;
		if (read_result(w[k].dir, status, &d) == 0)
			done(arg, w[k].idx, &d);
		sb_free(&d.output);
		sb_free(&d.explore);
		sb_free(&d.counts);
		sb_free(&d.leaks);
		if (!cfg->keep)
			rpl_rmtree(w[k].dir);
		w[k].pid = 0;
	}
	free(w);
	if (rec_stop_requested && !rc)
		rc = -EINTR;
	return rc;
}

long rpl_auto_timeout(const struct store_rec *r)
{
	/* the recorded run was fully traced, so slower than a replay run */
	double secs = r->end_ns > r->start_ns ? (double)(r->end_ns - r->start_ns) / 1e9 : 0;
	long t = (long)(5 * secs) + 1;
	return t < 10 ? 10 : t;
}

int rpl_log_parse(struct store *st, long rec, char *line, struct rpl_logline *l)
{
	char frames[4096] = "";
	memset(l, 0, sizeof *l);
	if (sscanf(line, "%d %63s %u %llu %31s %4095[^\n]", &l->family, l->ident, &l->nth,
		   &l->site, l->name, frames) < 5)
		return -EINVAL;
	if (l->site && frames[0] && strcmp(frames, "-")) {
		for (char *c = frames; *c; c++)
			if (*c == '|')
				*c = '\n';
		/* known sites are kept as they are; new ones become nameable */
		store_site_add(st, rec, (uint64_t)l->site, frames);
	}
	return 0;
}

long rpl_store_run(struct store *st, struct store_run *sr, const struct rpl_done *d,
		   const char *db)
{
	sr->outcome = rpl_outcome_name[d->oc];
	sr->output = d->output.s ? d->output.s : "";
	sr->fired = d->nfired;
	sr->exit_code = d->res.exit_code;
	sr->signal = d->res.signal;
	sr->dur_ms = (uint64_t)(d->secs * 1000);
	long run = store_begin(st) < 0 ? -EIO : store_run_add(st, sr);
	if (run < 0 || store_commit(st) < 0) {
		fl_error("cannot store a run in '%s': %s", db, store_errmsg(st));
		return run < 0 ? run : -EIO;
	}
	return run;
}

void rpl_json_run_begin(struct json *j, long run)
{
	json_obj(j);
	json_key(j, "run");
	if (run > 0)
		json_int(j, run);
	else
		json_null(j);
}

void rpl_json_run_result(struct json *j, const char *faults, const struct rpl_done *d)
{
	json_kstr(j, "faults", faults);
	json_kstr(j, "outcome", rpl_outcome_name[d->oc]);
	json_kint(j, "exit", d->res.exit_code);
	json_kint(j, "signal", d->res.signal);
}

void rpl_json_counts(struct json *j, const size_t *count, size_t runs, size_t bugs, double secs)
{
	for (int i = 0; i < OUT__COUNT; i++)
		json_kint(j, rpl_outcome_name[i], (long long)count[i]);
	json_kint(j, "runs", (long long)runs);
	json_kint(j, "bugs", (long long)bugs);
	json_key(j, "seconds");
	json_double(j, (double)(long long)(secs * 100 + 0.5) / 100);
}

void rpl_print_counts(const size_t *count)
{
	for (int i = 0; i < OUT__COUNT; i++)
		if (count[i] || i < OUT_DIVERGED)
			printf("%s %zu %s", i ? "," : "", count[i], rpl_outcome_name[i]);
	printf("\n");
}

int rpl_options_have(const char *options, const char *word)
{
	size_t n = strlen(word);
	for (const char *o = options; o && (o = strstr(o, word)); o += n)
		if ((o == options || o[-1] == ' ') && (o[n] == ' ' || !o[n]))
			return 1;
	return 0;
}
