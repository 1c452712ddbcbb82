/*
 * replay/runner.h - executing runs (runner.c, baseline.c, result.c) and
 * naming them (spec.c): shared by replay, fuzz and bisect.
 */
#ifndef RPL_RUNNER_H
#define RPL_RUNNER_H

#include "../analyze/ana.h"
#include "../json.h"
#include "../store/store.h"
#include "rpl.h"

/* What every run of a command shares. */
struct rpl_cfg {
	const char *db, *setup, *check;
	long jobs, timeout_s, seed;
	int persist, quiet, keep;
	int any_errno;            /* --any-errno: plan errnos the table calls unrealistic */
	int no_baseline;          /* --no-baseline */
	int no_pin;               /* --no-pin: leave CPU placement to the kernel */
	int cwd_only;             /* --isolate cwd: only the working directory is the
				     run's own (today's cost, for comparison) */
	int key;                  /* enum rpl_key: how runs find a point again */
	int key_set;              /* --key given; else the baseline may switch to path */
	int real_random;          /* --real-random: getrandom() is not seeded */
	int seed_urandom;         /* the recording read /dev/urandom: seed its reads */
	int fire_anyway;          /* --fire-anyway: inject at the count even when the
				     call is not the recorded one (no `diverged`) */
	int explore;              /* log the calls after the first fault (1, replay
				     --depth 2) or all of them (2, bisect) */
};

/* One run: the faults it arms (p[0] is the run's point in the runs view). */
struct rpl_spec {
	int n;                    /* 0: the baseline run, nothing armed */
	uint64_t fams;            /* the baseline: families traced and counted */
	const struct rpl_spec *plan;  /* the baseline: the sweep's runs, whose */
	size_t nplan;                 /* points it probes (rpl_probe) */
	struct ana_point *p[RPL_MAX_ARMS];
	struct rpl_fault f[RPL_MAX_ARMS];
};

/* A finished run, as the callback gets it. */
struct rpl_done {
	enum rpl_outcome oc;
	struct rpl_result res;
	int nfired, first;        /* faults that fired; index of the first */
	int setup_failed;
	double secs;
	const char *dir;          /* the run directory (kept with --keep) */
	struct sb output;         /* tail of the program's and check's output */
	uint64_t post_hash;       /* explore: the calls after the first fault */
	struct sb explore;        /* explore: "family ident nth site syscall" lines */
	struct sb counts;         /* baseline: "count ident family n" lines */
	struct sb leaks;          /* mounts the run shared with the host ("/": all
				     but the working directory) */
};

/* Run specs[0..n) with cfg->jobs workers.  skip(arg, i) may say a run is
 * already done; done(arg, i, d) gets each finished run, in completion
 * order.  Returns 0, or -EINTR after SIGINT/SIGTERM (finished runs were
 * all delivered), or another -errno. */
int rpl_run_all(const struct rpl_cfg *cfg, struct store *st, const struct store_rec *r,
		const struct rpl_spec *specs, size_t n,
		int (*skip)(void *, size_t), void (*done)(void *, size_t, struct rpl_done *),
		void *arg);
/* Store finished run d in its own transaction: sr says which run it was
 * (sweep, rec, point, fault, faults, repro, seed), d how it ended (the
 * outcome, output, fired, exit, signal and duration fields of sr are
 * filled from it).  Its id, or -errno after saying so in one line. */
long rpl_store_run(struct store *st, struct store_run *sr, const struct rpl_done *d,
		   const char *db);
/* --json of replay and fuzz.  A run object opens with {"run": its id (null
 * when it was not stored); rpl_json_run_result writes "faults", "outcome",
 * "exit" and "signal"; the caller closes it.  rpl_json_counts writes a
 * summary's count of each outcome, "runs", "bugs" and "seconds". */
void rpl_json_run_begin(struct json *j, long run);
void rpl_json_run_result(struct json *j, const char *faults, const struct rpl_done *d);
void rpl_json_counts(struct json *j, const size_t *count, size_t runs, size_t bugs, double secs);
/* Text output of replay and fuzz: " N crash, N hang, ..." (every outcome
 * up to not_reached, the later ones when they occurred), then a newline. */
void rpl_print_counts(const size_t *count);
/* Does a sweep's stored options string hold this option word (--persist)? */
int rpl_options_have(const char *options, const char *word);
/* The baseline run of a sweep (baseline.c; unless cfg->no_baseline): --setup, the
 * program with the families of specs[0..n) traced and nothing injected,
 * --check.  Unless --key was given, a thread key that does not find the
 * planned points (missing, or on another target) while the path key does
 * switches cfg->key to path, and says so.  It is stored as a run of `sweep` with fault "none".  Returns 0
 * when the check held and the program reached every planned point; else
 * prints one line that says what failed and returns -EAGAIN (-EINTR when
 * interrupted, another -errno when it could not run). */
int rpl_baseline(struct rpl_cfg *cfg, struct store *st, const struct store_rec *r,
		 const struct rpl_spec *specs, size_t n, long sweep);
/* The worker's result file (result.c): the worker writes d's outcome
 * fields, the explore log, the baseline's counts and the leaks; the parent
 * reads them back into d.  0, or -EIO / -EINVAL. */
int rpl_result_write(FILE *f, const struct rpl_done *d, const struct sb *log,
		     const struct sb *counts, const struct sb *leaks);
int rpl_result_read(FILE *f, struct rpl_done *d);
/* One line of an explore log; stores the site's frames if new. */
struct rpl_logline {
	int family;
	char ident[64], name[32];
	unsigned nth;
	unsigned long long site;
};
int rpl_log_parse(struct store *st, long rec, char *line, struct rpl_logline *l);
/* Default --timeout: 10 s, or 5x the recorded run's duration if longer. */
long rpl_auto_timeout(const struct store_rec *r);
/* What runs see at the recorded cwd: the restored snapshot (the cwd
 * itself when the recording has none); "" before the first run. */
const char *rpl_runner_lower(void);
/* Remove the run directories (unless keep). */
void rpl_runner_cleanup(int keep);
/* "faultline replay ... --point P --fault F [--with P:F,...]" (spec.c) */
void rpl_spec_repro(const struct rpl_cfg *cfg, long rec, const struct rpl_spec *s, struct sb *b);
/* "22:EIO,25:kill" */
void rpl_spec_faults(const struct rpl_spec *s, struct sb *b);
/* A point that is not in the recording (found by exploring): named by
 * thread, family and nth; id 0.  Returns 0 or -EINVAL. */
int rpl_point_parse(const char *s, struct ana_point *p);
/* The family's default errno as a fault (first of its errnos). */
void rpl_default_fault(const struct ana_point *p, struct rpl_fault *f);

#endif
