/*
 * analyze/ana.h - fault points: what analyze lists and replay arms.
 *
 * A fault point is one call of a fault family in the recording, named by
 * (thread, family, nth): the nth call of that family made by that thread,
 * where a thread is named by its creation path ("1" the first process,
 * "1.2" the second thread or child it created, ...).  Unlike a global
 * sequence number this survives reruns of a threaded program: each thread's
 * own order of calls is deterministic even when the interleaving of threads
 * is not.  Point ids (1, 2, ...) number the points of a recording in the
 * order they were entered; they are the same for every filter.
 */
#ifndef ANA_H
#define ANA_H

#include <stdint.h>
#include "../store/store.h"

struct ana_point {
	long id;
	int family;               /* enum rec_family */
	char *ident;
	uint32_t nth;
	uint64_t seq, site;
	char *name, *path, *fdkind, *args;
	int64_t ret;              /* what the call returned when recorded */
	const char *errnos;       /* the family's realistic errnos, default first */
	int std_stream;           /* a write/read on an inherited std stream or a tty */
	int std_fd;               /* any call on an inherited stdin/stdout/stderr */
	int loader;               /* made by the dynamic loader before main */
	/* failure ID: points of one family, with the same call stack and the
	 * same target class, fail the same way (FATE's idea; ana_fid_stack()
	 * says which frames count, and start-up points of a family share one
	 * per fd kind); fid numbers them 1, 2, ... in recording order,
	 * fid_hash is the key */
	long fid;
	uint64_t fid_hash;
	/* set by ana_select() (1 until it runs) */
	int site_ok, exe_ok;      /* a frame matches --site; the exe --exe */
	int startup;              /* interpreter start-up, before the script's first
				     call (set by ana_collect(): ana_startup()) */
	int site_frames;          /* frames the site was recorded with (0: unknown) */
	/* the other names of the point (replay --key): the nth call of the
	 * family on the same target (tkey, ana_target_key), and the nth from
	 * the same call site, counted over all threads in recorded order */
	uint64_t tkey;
	uint32_t path_nth, site_nth;
};

struct ana_filter {
	uint64_t families;        /* bit per enum rec_family; 0 = all */
	const char *path_glob;    /* fnmatch() on the target path */
	const char *fdkinds;      /* "file,socket" ...; NULL = all */
	int no_std;               /* drop std_stream points */
	int no_loader;            /* drop loader points */
	const long *ids;          /* only these point ids */
	size_t nids;
	const char *site_glob;    /* a frame of the call stack matches (ana_select) */
	const char *exe_glob;     /* the process's executable matches (ana_select) */
	int no_startup;           /* drop interpreter start-up points (ana_select) */
};

struct ana_points {
	struct ana_point *v;
	size_t n;
};

/* The class of a call's target: its fd kind and its path with what changes
 * from object to object folded (digit runs to '#', random-looking names
 * such as mkstemp's XXXXXX or a hash to '*'): "file:/x/.git/objects/x/x". */
void ana_target_class(const char *fdkind, const char *path, struct sb *out);
/* The call-stack part of a failure ID, from a site's frames (innermost
 * first, one a line), appended to *key a line each.  Native stacks, and
 * Python stacks whose innermost Python frame is the program's own: every
 * frame.  A call made inside the interpreter's library (rec_py_lib_frame):
 * the library's frames, then the program's frame that called into it, and
 * no frame above that; the same library code failing under the same line of
 * the program is one failure.  Inside the import system, its own frames
 * and the program's importing line (when the stack reaches it), not the
 * library modules between: which module imported which does not change how
 * loading fails (*import is set; the target class is then the file's
 * suffix). */
void ana_fid_stack(const char *frames, struct sb *key, int *import);
/* Keep, of the points that pass f, the first and the last of each failure
 * ID: keep[i] for pts->v[i] (0 for points that do not pass).  Returns how
 * many are kept. */
size_t ana_fid_select(const struct ana_points *pts, const struct ana_filter *f, char *keep);
/* How many failure IDs the points that pass f have. */
size_t ana_fid_count(const struct ana_points *pts, const struct ana_filter *f);

/* Enumerate every point of recording rec (and persist them in the point
 * table, so SQL can join runs to points).  Returns 0 or -errno. */
int ana_collect(struct store *st, long rec, struct ana_points *out);
/* Mark the points of interpreter start-up (p->startup): in a recording
 * whose call sites hold Python frames, those before the first call made
 * from a script of the program's own (not the interpreter's library).
 * ana_collect() calls it.  Returns how many. */
size_t ana_startup(struct store *st, long rec, struct ana_points *pts);
/* Flag the points for --site and --exe (analyze/select.c); *nstartup: how
 * many points ana_startup() marked.  0 or -errno. */
int ana_select(struct store *st, long rec, struct ana_points *pts, const struct ana_filter *f,
	       size_t *nstartup);
/* Does p pass the filter? */
int ana_match(const struct ana_filter *f, const struct ana_point *p);
/* Parse "write,fsync" into a family bit set; -EINVAL names the bad one in
 * *bad. */
int ana_parse_families(const char *list, uint64_t *bits, const char **bad);
void ana_points_free(struct ana_points *p);
/* The identity of a call's target, the same in every run: a file's path
 * (normalised by ana_path_normalize, runs of 6+ digits - pids, addresses,
 * clocks in temporary names - count as one), or the kind of a non-file
 * ("pipe", "socket" ...: their inode numbers change).  0: no target. */
uint64_t ana_target_key(const char *path, const char *fdkind);
/* A key (target key or site) of a family, as --key path/site count calls:
 * analyze numbers the points by it, replay counts the run's calls by it. */
uint64_t ana_fam_key(int family, uint64_t key);
/* Collapse "//", "/./" and "x/..", drop a trailing "/" and " (deleted)",
 * in place. */
void ana_path_normalize(char *p);
/* Are two normalised paths the same file name, runs of 6+ digits and a
 * mkstemp-like random tail aside? */
int ana_same_path(const char *a, const char *b);

/* The directories outside cwd that the recording wrote to (files changed,
 * created, renamed, removed), one per line into out; how many.  Replay
 * runs each get their own copy of them. */
size_t ana_outside_writes(const struct ana_points *pts, const char *cwd, struct sb *out);

/* A person's name for a call site: the innermost frame outside the C
 * library, symbolised ("save_file (saver.c:31)").  Cached per site. */
void ana_site_label(struct store *st, long rec, uint64_t site, struct sb *out);

/* Distinct failures (analyze/failures.c): bug runs grouped by signature. */
struct ana_failure {
	char *sig;                /* "broken EIO at save (app.c:12): check said ..." */
	char *outcome;
	size_t runs;              /* how many runs have it */
	long example;             /* the first run's id */
	char *repro;              /* its repro line */
};
struct ana_failures {
	struct ana_failure *v;
	size_t n;
};
/* The signature of a bug run: outcome, fault class, for errno and short
 * faults the site's label (ana_site_label), and the check's output with
 * paths, numbers and hex strings folded. */
void ana_failure_sig(const char *outcome, const char *fault, const char *site_label,
		     const char *output, struct sb *sig);
/* The check's part of a run's output, at most 3 lines, paths -> <path>,
 * numbers -> #. */
void ana_normalize_output(const char *output, struct sb *out);
/* Count a run under its signature; returns the failure's index. */
size_t ana_failures_add(struct ana_failures *fs, const char *sig, long run, const char *outcome,
			const char *repro);
void ana_failures_free(struct ana_failures *fs);

#endif
