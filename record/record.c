/*
 * record/record.c - `faultline record`: run a program under the tracer and
 * store every syscall of every process and thread.
 *
 * The tracer (tracer.c) reports logical calls; this file numbers them (seq,
 * in entry order), decodes them (decode.c), takes the call site of each
 * call that belongs to a fault family (stack.c) and hands rows to store/.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../cmd.h"
#include "../store/store.h"
#include "decode.h"
#include "fdcache.h"
#include "snapshot.h"
#include "stack.h"
#include "tracer.h"

#define SNAP_MAX_BYTES (64 << 20)
#define SNAP_MAX_ENTRIES 10000

struct recorder {
	struct store *st;
	const char *exe;
	long rec;
	uint64_t t0;
	uint64_t seq;
	uint64_t ncalls;
	struct rec_decoder *dec;
	struct rec_stack *stk;
	int stack_depth;
	size_t capture;
	int memo;                    /* reuse call sites (FAULTLINE_SITE_MEMO=0: unwind every call) */
	long seed;                   /* getrandom() returns fl_seeded_random()'s bytes */
	int real_random;             /* --real-random: it returns the kernel's */
	int store_err;
	struct sb frames;
};

#define SITE_PROBE 8192   /* bytes of stack searched for return addresses */
#define SITE_RA 16        /* frames whose return address is checked */
#define SITE_SLOTS 64     /* remembered sites per thread */

/* A call site found by an unwind, and where its frames' return addresses
 * lie on the stack (offsets from sp, increasing). */
struct site_memo {
	uint64_t ip, sp, py, site;    /* py: rec_stack_py_key() */
	int nra;
	size_t span;              /* bytes from sp that hold them all */
	uint16_t off[SITE_RA];
	uint64_t ra[SITE_RA];
};

struct tstate {
	uint64_t seq;
	uint64_t site;
	uint64_t py;                 /* the call's rec_stack_py_key() */
	struct site_memo *memo;      /* SITE_SLOTS, by ip and sp */
	unsigned memo_next;
	uint32_t fam_n;
	uint32_t nrandom;            /* getrandom calls so far (--seed) */
	struct rec_decoded d;
	/* While the tracer holds a call parked (ERESTART*) and a signal handler
	 * makes calls of its own, the parked call's state waits here. */
	struct tstate *park;
	int parked;
};

static void park_swap(struct tstate *s)
{
	if (!s->park) {
		s->park = xcalloc(1, sizeof *s->park);
		rec_decoded_init(&s->park->d);
	}
	struct tstate *p = s->park, tmp = *s;
	s->seq = p->seq, s->site = p->site, s->fam_n = p->fam_n, s->d = p->d;
	p->seq = tmp.seq, p->site = tmp.site, p->fam_n = tmp.fam_n, p->d = tmp.d;
}

static struct tstate *tstate(struct rec_thread *t)
{
	if (!t->user) {
		struct tstate *s = xcalloc(1, sizeof *s);
		rec_decoded_init(&s->d);
		t->user = s;
	}
	return t->user;
}

static void note_store_error(struct recorder *r, int rc)
{
	if (rc < 0 && !r->store_err) {
		r->store_err = rc;
		fl_error("cannot write to '%s': %s", store_path(r->st), store_errmsg(r->st));
	}
}

/* The call site of c: the unwind is the costly part of recording a
 * fault-family call, and a program makes most calls from a few places.
 * The same ip and sp, and the same return addresses in the stack slots
 * where an earlier unwind found them, give the same frames (locals in
 * those frames may differ: a loop's counter does), so the unwind is
 * skipped.  A site whose return addresses are not all within SITE_PROBE
 * bytes of sp is not remembered. */
#define SITE_WAYS 4   /* sites kept per (ip, sp) bucket: one libc wrapper,
			 several callers at the same depth */

static struct site_memo *memo_bucket(struct tstate *s, const struct rec_call *c)
{
	if (!s->memo)
		s->memo = xcalloc(SITE_SLOTS, sizeof *s->memo);
	uint64_t h = (c->ip ^ ((c->sp ^ s->py) * 0x9e3779b97f4a7c15ull)) >> 32;
	return &s->memo[(h % (SITE_SLOTS / SITE_WAYS)) * SITE_WAYS];
}

static int memo_match(const struct site_memo *m, const struct rec_call *c, uint64_t py,
		      const unsigned char *top, size_t n)
{
	if (!m->site || m->ip != c->ip || m->sp != c->sp || m->py != py || m->span > n)
		return 0;
	for (int i = 0; i < m->nra; i++) {
		uint64_t w;
		memcpy(&w, top + m->off[i], 8);
		if (w != m->ra[i])
			return 0;
	}
	return 1;
}

/* Remember site: find the return addresses of the unwound frames (each
 * caller's pc + 1), in order, in the probe. */
static void memo_fill(struct recorder *r, struct site_memo *m, const struct rec_call *c,
		      uint64_t py, uint64_t site, const unsigned char *top, size_t n)
{
	uint64_t pcs[SITE_RA + 1];
	int npc = rec_stack_last_pcs(r->stk, pcs, SITE_RA + 1);
	size_t off = 0;
	m->site = 0;
	if (!site || npc < 0 || npc > SITE_RA)
		return;
	m->nra = 0;
	for (int i = 1; i < npc; i++) {
		uint64_t ra = pcs[i] + 1, w = 0;
		for (; off + 8 <= n; off += 8) {
			memcpy(&w, top + off, 8);
			if (w == ra)
				break;
		}
		if (off + 8 > n)
			return;
		m->off[m->nra] = (uint16_t)off;
		m->ra[m->nra++] = ra;
		off += 8;
	}
	m->span = off;
	m->ip = c->ip;
	m->sp = c->sp;
	m->py = py;
	m->site = site;
}

/* Bytes of stack from sp that the sites remembered for c's ip and sp
 * span (prefetch() reads them together with the arguments), or 0. */
static size_t memo_span(struct tstate *s, const struct rec_call *c)
{
	const struct site_memo *m = memo_bucket(s, c);
	size_t span = 0;
	for (int i = 0; i < SITE_WAYS; i++)
		if (m[i].site && m[i].ip == c->ip && m[i].sp == c->sp && m[i].py == s->py &&
		    m[i].span > span)
			span = m[i].span;
	return span;
}

static uint64_t call_site(struct recorder *r, struct rec_thread *t, struct tstate *s,
			  const struct rec_call *c)
{
	static unsigned char top[SITE_PROBE];
	struct site_memo *m = memo_bucket(s, c);
	size_t span = r->memo ? memo_span(s, c) : 0;
	ssize_t n = span ? rec_mem_read(t->tid, c->sp, top, span) : 0;
	for (int i = 0; n > 0 && i < SITE_WAYS; i++)
		if (memo_match(&m[i], c, s->py, top, (size_t)n))
			return m[i].site;
	sb_reset(&r->frames);
	uint64_t site = rec_stack_site(r->stk, t->pid, t->tid, r->stack_depth, &r->frames);
	if (site && r->frames.len)
		note_store_error(r, store_site_add(r->st, r->rec, site, r->frames.s));
	/* the unwinder's window usually starts at sp already */
	size_t wl = 0;
	const unsigned char *win = site ? rec_stack_window(r->stk, c->sp, &wl) : NULL;
	if (win && wl >= SITE_PROBE / 2) {
		n = (ssize_t)(wl < SITE_PROBE ? wl : SITE_PROBE);
		memcpy(top, win, (size_t)n);
	} else {
		n = site ? rec_mem_read(t->tid, c->sp, top, sizeof top) : 0;
	}
	/* an empty way, else one in turn */
	struct site_memo *w = NULL;
	for (int i = 0; i < SITE_WAYS && !w; i++)
		if (!m[i].site)
			w = &m[i];
	if (!w)
		w = &m[s->memo_next++ % SITE_WAYS];
	memo_fill(r, w, c, s->py, site, top, n > 0 ? (size_t)n : 0);
	return site;
}

/* Before a fault-family call is decoded: read the stack probe and the
 * arguments the decoder will want in one process_vm_readv instead of one
 * each (on this kind of VM every tracer syscall costs a few microseconds). */
static void prefetch(struct recorder *r, struct rec_thread *t, const struct rec_call *c)
{
	struct rec_mem_range g[4];
	int n = 0;
	size_t span = r->memo ? memo_span(tstate(t), c) : 0;
	if (span)
		g[n++] = (struct rec_mem_range){ c->sp, span };
	for (int i = 0; i < c->sys->nargs && n < 4; i++) {
		uint64_t a = c->args[i];
		switch (c->sys->arg[i]) {
		case A_BUF_IN: {
			uint64_t len = i + 1 < 6 ? c->args[i + 1] : 0;
			size_t want = r->capture > 32 ? r->capture : 32;
			g[n++] = (struct rec_mem_range){ a, len < want ? (size_t)len : want };
			break;
		}
		case A_PATH:
		case A_STR:
			/* most paths are short; stay inside the page */
			g[n++] = (struct rec_mem_range){ a, 4096 - (a & 4095) < 256
							     ? 4096 - (a & 4095) : 256 };
			break;
		default:
			break;
		}
	}
	rec_mem_prefetch(t->tid, g, n);
}

static int on_call_entry(void *ctx, struct rec_thread *t, struct rec_call *c)
{
	struct recorder *r = ctx;
	struct tstate *s = tstate(t);
	if (c->restarted) {
		/* the parked call goes on: it keeps its seq and decoded entry */
		if (s->parked) {
			s->parked = 0;
			park_swap(s);
		}
		return 0;
	}
	if (t->restart_pending && !s->parked) {
		s->parked = 1;
		park_swap(s);
	}
	s->seq = ++r->seq;
	if (r->stk && c->sys && c->sys->family && !(c->sys->flags & SF_NOFAULT)) {
		/* Python frames are part of the site: part of the memo's key */
		s->py = rec_stack_py_key(r->stk, t->pid, t->tid, r->stack_depth);
		prefetch(r, t, c);
	}
	rec_decode_entry(r->dec, t->tid, t->pid, c, &s->d);
	s->site = 0;
	s->fam_n = 0;
	if (c->sys && c->sys->family) {
		s->fam_n = t->fam_count[c->sys->family];
		if (r->stk && !(c->sys->flags & SF_NOFAULT))
			s->site = call_site(r, t, s, c);
	}
	return 0;
}

static void on_call_exit(void *ctx, struct rec_thread *t, struct rec_call *c)
{
	struct recorder *r = ctx;
	struct tstate *s = tstate(t);
	if (c == &t->pending && s->parked) {
		/* the parked call ends (EINTR, or its thread died) */
		s->parked = 0;
		s = s->park;
	}
	/* the same bytes replay gives the program (--seed), decoded as such */
	int rnd = c->sys ? rec_sys_seeded(c->sys, s->d.path.s) : -1;
	if (!r->real_random && c->finished && c->ret > 0 && rnd >= 0)
		fl_seeded_random(t->pid, c->args[rnd], (size_t)c->ret, (uint64_t)r->seed, t->ident,
				 ++s->nrandom);
	rec_decode_exit(r->dec, t->tid, t->pid, c, &s->d);
	struct store_call sc = {
		.rec = r->rec, .seq = s->seq, .tid = t->tid, .pid = t->pid, .nr = c->nr,
		.args = s->d.text.s ? s->d.text.s : "",
		.finished = c->finished, .ret = c->ret,
		.path = s->d.path.len ? s->d.path.s : NULL,
		.fdkind = s->d.fdkind, .std = s->d.std,
		.ts = c->t_entry - r->t0,
		.dur = c->t_exit > c->t_entry ? c->t_exit - c->t_entry : 0,
		.site = s->site, .fam_n = s->fam_n,
		.data = s->d.data.s, .datalen = s->d.data.len,
	};
	r->ncalls++;
	note_store_error(r, store_call_add(r->st, &sc));
}

static void exe_of(pid_t pid, char *buf, size_t n)
{
	char link[64];
	snprintf(link, sizeof link, "/proc/%d/exe", pid);
	ssize_t k = readlink(link, buf, n - 1);
	buf[k > 0 ? k : 0] = 0;
}

static void on_spawn(void *ctx, struct rec_thread *p, struct rec_thread *t, int is_thread)
{
	struct recorder *r = ctx;
	char exe[PATH_MAX];
	if (p)
		exe_of(p->pid, exe, sizeof exe);
	else
		snprintf(exe, sizeof exe, "%s", r->exe);
	struct store_proc sp = {
		.rec = r->rec, .tid = t->tid, .pid = t->pid, .ptid = p ? p->tid : 0, .ident = t->ident,
		.exe = exe, .start_ts = fl_now_ns() - r->t0, .is_thread = is_thread,
	};
	note_store_error(r, store_proc_add(r->st, &sp));
}

static void on_gone(void *ctx, struct rec_thread *t, int status)
{
	struct recorder *r = ctx;
	int code = status < 0 ? -1 : WIFEXITED(status) ? WEXITSTATUS(status)
			    : 128 + WTERMSIG(status);
	note_store_error(r, store_proc_end(r->st, r->rec, t->tid, fl_now_ns() - r->t0, code));
	if (t->tid == t->pid) {
		rec_decoder_forget(r->dec, t->pid);
		if (r->stk)
			rec_stack_forget(r->stk, t->pid);
	}
	if (t->user) {
		struct tstate *s = t->user;
		rec_decoded_free(&s->d);
		if (s->park) {
			rec_decoded_free(&s->park->d);
			free(s->park);
		}
		free(s->memo);
		free(s);
		t->user = NULL;
	}
}

static void on_exec(void *ctx, struct rec_thread *t)
{
	struct recorder *r = ctx;
	char exe[PATH_MAX];
	exe_of(t->pid, exe, sizeof exe);
	if (r->stk)
		rec_stack_forget(r->stk, t->pid);
	if (t->user) {
		/* a new address space: no remembered call site holds */
		struct tstate *s = t->user;
		free(s->memo);
		s->memo = NULL;
	}
	note_store_error(r, store_proc_exe(r->st, r->rec, t->pid, exe));
}

static void on_signal(void *ctx, struct rec_thread *t, int sig)
{
	struct recorder *r = ctx;
	note_store_error(r, store_signal_add(r->st, r->rec, r->seq, t->tid, sig));
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: faultline record [options] -- PROGRAM [ARGS...]\n"
"\n"
"Run PROGRAM under ptrace and store every syscall of every process and\n"
"thread it creates in a SQLite database.  Exits with PROGRAM's status.\n"
"\n"
"  -d, --db FILE        database to add the recording to (default %s)\n"
"  -s, --capture BYTES  bytes of read/write payload kept per call (default 4096;\n"
"                       0 keeps none; the text preview shows 32)\n"
"      --stack-depth N  frames kept per call site (default 8; 0: no call sites)\n"
"      --snapshot       store the working directory's initial state, whatever\n"
"                       its size (by default only up to 64 MiB / 10000 entries);\n"
"                       replay starts every run from it\n"
"      --no-snapshot    do not; replays then see the directory as it is then\n"
"      --snapshot-path DIR  also store DIR's initial state (any size; up to 8):\n"
"                       replay runs see it there as it was recorded\n"
"      --no-pin         leave CPU placement to the kernel (by default a program\n"
"                       with one live thread shares faultline's CPU, which\n"
"                       makes each ptrace stop cheaper)\n"
"      --seed N         getrandom() and reads of /dev/urandom return bytes from a\n"
"                       PRNG of (N, thread, call number), as in `replay --seed N`\n"
"                       (default 1), so replays see the recorded temp names and\n"
"                       hash seeds\n"
"      --real-random    they return the kernel's bytes\n"
"  -q, --quiet          no summary line on stderr\n"
"  -h, --help           this text\n"
"\n"
"Then: faultline show / query / analyze / replay on the same --db.\n",
		FL_DEFAULT_DB);
}

/* record's options (--seed and --real-random go to the recorder). */
struct record_opts {
	struct recorder *r;
	const char *db;
	long capture, depth;
	int quiet, snap, pin;           /* snap: -1 unless --snapshot/--no-snapshot */
	int nextra;
	char extra[8][PATH_MAX + 1];    /* --snapshot-path, as "//ABS" */
};

static const struct option options[] = {
	CMD_OPT_DB, CMD_OPT_HELP,
	{ "capture", required_argument, 0, 's' }, { "stack-depth", required_argument, 0, 'S' },
	{ "snapshot", no_argument, 0, 'N' }, { "no-snapshot", no_argument, 0, 'n' },
	{ "snapshot-path", required_argument, 0, 'X' }, { "no-pin", no_argument, 0, 'P' },
	{ "seed", required_argument, 0, 'e' }, { "real-random", no_argument, 0, 'R' },
	{ "quiet", no_argument, 0, 'q' }, CMD_OPT_END
};

/* One option c (cmd_getopt's opt); 0 or -1 (said). */
static int parse_option(int c, const char *arg, void *ctx)
{
	struct record_opts *o = ctx;
	switch (c) {
	case 'd': o->db = arg; break;
	case 's':
		if (fl_parse_long(arg, &o->capture) || o->capture < 0 || o->capture > (1 << 24)) {
			fl_error("--capture wants a byte count from 0 to 16777216, not '%s'", arg);
			return -1;
		}
		break;
	case 'S':
		if (fl_parse_long(arg, &o->depth) || o->depth < 0 || o->depth > 64) {
			fl_error("--stack-depth wants 0 to 64, not '%s'", arg);
			return -1;
		}
		break;
	case 'q': o->quiet = 1; break;
	case 'N': o->snap = 1; break;
	case 'n': o->snap = 0; break;
	case 'X':
		if (o->nextra == 8 || !realpath(arg, o->extra[o->nextra] + 1) ||
		    !strcmp(o->extra[o->nextra] + 1, "/")) {
			fl_error("--snapshot-path: cannot use '%s' (a directory other than /, "
				 "at most 8)", arg);
			return -1;
		}
		o->extra[o->nextra++][0] = '/';
		break;
	case 'P': o->pin = 0; break;
	case 'R': o->r->real_random = 1; break;
	case 'e':
		if (fl_parse_long(arg, &o->r->seed) || o->r->seed < 0) {
			fl_error("--seed wants a number >= 0, not '%s'", arg);
			return -1;
		}
		break;
	default: return -1;
	}
	return 0;
}

/* Store the recording's row, then the snapshots of the working directory
 * and of each --snapshot-path; 0, or -1 (said). */
static int start_recording(struct record_opts *o, char **argv, char *exe, char *cwd)
{
	struct recorder *r = o->r;
	extern char **environ;
	struct sb stdio;
	sb_init(&stdio);
	rec_stdio_kinds(&stdio);
	struct store_rec sr = {
		.argv = argv, .exe = exe, .cwd = cwd, .env = environ,
		.start_ns = fl_wall_ns(), .capture = (int)o->capture, .stdio = stdio.s,
	};
	int bad = store_begin(r->st) < 0 || store_names_sync(r->st, REC_SYS_NR_MAX, rec_sys_names) < 0 ||
		  store_rec_new(r->st, &sr, &r->rec) < 0 || store_commit(r->st) < 0 ||
		  store_begin(r->st) < 0;
	sb_free(&stdio);
	if (bad) {
		fl_error("cannot write to '%s': %s", o->db, store_errmsg(r->st));
		return -1;
	}
	if (o->snap == -1) {
		o->snap = rec_snapshot_fits(cwd, SNAP_MAX_BYTES, SNAP_MAX_ENTRIES);
		if (!o->snap && !o->quiet)
			fl_warn("'%s' is larger than %d MiB or %d entries: no snapshot taken, so "
				"replays start from the directory as it is then (--snapshot forces one)",
				cwd, SNAP_MAX_BYTES >> 20, SNAP_MAX_ENTRIES);
	}
	if (o->snap && (rec_snapshot_take(r->st, r->rec, cwd, o->db) < 0 ||
			store_commit(r->st) < 0 || store_begin(r->st) < 0)) {
		fl_error("cannot store the snapshot of '%s' in '%s': %s", cwd, o->db,
			 store_errmsg(r->st));
		return -1;
	}
	for (int i = 0; i < o->nextra; i++)
		if (rec_snapshot_take(r->st, r->rec, o->extra[i], o->db) < 0 ||
		    store_commit(r->st) < 0 || store_begin(r->st) < 0) {
			fl_error("cannot store the snapshot of '%s' in '%s': %s", o->extra[i] + 1,
				 o->db, store_errmsg(r->st));
			return -1;
		}
	return 0;
}

/* The recorder's decoder, unwinder and counters for the trace. */
static void recorder_init(struct recorder *r, const struct record_opts *o, unsigned std_refs,
			  const char *exe)
{
	r->dec = rec_decoder_new((size_t)o->capture, 32);
	rec_decoder_std_refs(r->dec, std_refs);
	r->stack_depth = (int)o->depth;
	r->capture = (size_t)o->capture;
	const char *memo = getenv("FAULTLINE_SITE_MEMO");
	r->memo = !memo || strcmp(memo, "0");
	if (o->depth > 0)
		r->stk = rec_stack_new();
	sb_init(&r->frames);
	r->t0 = fl_now_ns();
	r->exe = exe;
}

/* After the trace: close the recording's row and say what was recorded.
 * The exit status. */
static int finish_recording(struct record_opts *o, const struct rec_result *res)
{
	struct recorder *r = o->r;
	if (!o->quiet && r->stk && rec_stack_py_unknown(r->stk))
		fl_warn("python %s: its call sites are the interpreter's native frames "
			"(faultline reads the Python frames of CPython 3.11 only)",
			rec_stack_py_unknown(r->stk));
	int complete = !res->interrupted && !r->store_err;
	if (store_rec_finish(r->st, r->rec, fl_wall_ns(), res->exit_code, complete, r->ncalls) < 0 ||
	    store_commit(r->st) < 0)
		note_store_error(r, -EIO);
	if (res->interrupted) {
		fl_error("interrupted: %llu syscalls kept in '%s', recording %ld marked incomplete",
			 (unsigned long long)r->ncalls, o->db, r->rec);
		return 128 + (rec_stop_requested > 1 ? rec_stop_requested : SIGINT);
	}
	if (r->store_err)
		return FL_EXIT_USAGE;
	if (!o->quiet)
		fprintf(stderr, "faultline: recorded %llu syscalls of %llu threads into '%s' "
			"(recording %ld); program exited %d\n",
			(unsigned long long)r->ncalls, (unsigned long long)res->nthreads, o->db,
			r->rec, res->exit_code);
	return res->exit_code;
}

int cmd_record(int argc, char **argv)
{
	static struct record_opts o;
	struct recorder r;
	memset(&o, 0, sizeof o);
	memset(&r, 0, sizeof r);
	o.r = &r;
	o.db = FL_DEFAULT_DB;
	o.capture = 4096;
	o.depth = 8;
	o.snap = -1;
	o.pin = 1;
	r.seed = 1;
	/* which of fds 0, 1, 2 the program inherits: asked before any open
	 * could take a closed one's number */
	unsigned std_refs = 0;
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			std_refs |= 1u << fd;
	int rc = cmd_getopt(argc, argv, "+d:s:qh", options, usage, parse_option, &o);
	if (rc)
		return rc > 0 ? 0 : FL_EXIT_USAGE;
	if (optind >= argc) {
		fl_error("no program given: faultline record [options] -- PROGRAM [ARGS...]");
		return FL_EXIT_USAGE;
	}
	char exe[PATH_MAX], cwd[PATH_MAX];
	rc = rec_resolve_exe(argv[optind], exe, sizeof exe);
	if (rc == -ENOENT) {
		fl_error("cannot run '%s': no such file or command", argv[optind]);
		return 127;
	}
	if (rc < 0) {
		fl_error("cannot run '%s': permission denied (not executable)", argv[optind]);
		return 126;
	}
	if (!getcwd(cwd, sizeof cwd)) {
		fl_error("cannot read the working directory: %s", strerror(errno));
		return FL_EXIT_USAGE;
	}
	if (cmd_open(o.db, STORE_CREATE, &r.st) < 0)
		return FL_EXIT_USAGE;
	int ret = FL_EXIT_USAGE;
	if (start_recording(&o, argv + optind, exe, cwd) < 0)
		goto out;
	recorder_init(&r, &o, std_refs, exe);
	static const struct rec_ops ops = {
		.entry = on_call_entry, .exit = on_call_exit, .spawn = on_spawn,
		.gone = on_gone, .exec = on_exec, .signal = on_signal,
	};
	struct rec_opts ro = {
		.exe = exe, .argv = argv + optind, .mode = REC_MODE_SYSCALL, .quiet_fd = -1,
		.pin = o.pin, .pin_slot = -1,
	};
	struct rec_result res;
	rec_catch_signals();
	rc = rec_trace(&ro, &ops, &r, &res);
	if (rc < 0)
		fl_error("cannot trace '%s': %s", argv[optind], strerror(-rc));
	else
		ret = finish_recording(&o, &res);
out:
	store_close(r.st);
	rec_decoder_free(r.dec);
	rec_stack_free(r.stk);
	sb_free(&r.frames);
	return ret;
}
