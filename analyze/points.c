/*
 * analyze/points.c - enumerating and filtering fault points (see ana.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../record/pyframes.h"
#include "../record/stack.h"
#include "../record/syscalls.h"
#include "ana.h"

struct collect {
	struct ana_points *out;
	size_t cap;
};

/* A read or write on a standard stream: on the stdin, stdout or stderr
 * the program inherited from faultline's caller (or a dup of one), as
 * recorded, whatever its fd number; or on a terminal, even one the
 * program opened itself.  fd 1 after dup2(file, 1) is not std.  A
 * recording older than schema 3 did not say: fd 0, 1 or 2 stands in. */
static int is_std(const struct store_fcall *f)
{
	if (f->fdkind && !strcmp(f->fdkind, "tty"))
		return 1;
	if (f->std >= 0)
		return f->std;
	if (!f->args)
		return 0;
	return (f->args[0] == '0' || f->args[0] == '1' || f->args[0] == '2') &&
	       (f->args[1] == '<' || f->args[1] == ',');
}

static int add_point(void *arg, const struct store_fcall *f)
{
	struct collect *c = arg;
	int fam = rec_family_by_name(f->family);
	if (fam <= 0)
		return 0;
	if (c->out->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 256;
		c->out->v = xrealloc(c->out->v, c->cap * sizeof *c->out->v);
	}
	struct ana_point *p = &c->out->v[c->out->n++];
	memset(p, 0, sizeof *p);
	p->id = (long)c->out->n;
	p->family = fam;
	p->ident = xstrdup(f->ident);
	p->nth = f->nth;
	p->seq = f->seq;
	p->site = f->site;
	p->name = xstrdup(f->name);
	p->path = f->path ? xstrdup(f->path) : NULL;
	p->fdkind = f->fdkind ? xstrdup(f->fdkind) : NULL;
	p->args = f->args ? xstrdup(f->args) : NULL;
	p->ret = f->ret;
	p->errnos = rec_families[fam].errnos;
	p->std_stream = (fam == FAM_WRITE || fam == FAM_READ) && is_std(f);
	p->std_fd = f->std == 1;
	p->site_ok = p->exe_ok = 1;
	return 0;
}

/* Every frame of the site is in the dynamic loader (ld.so's own startup).
 * *nframes: how many frames the site has. */
static int loader_site(struct store *st, long rec, uint64_t site, int *nframes)
{
	static uint64_t last_site;
	static long last_rec;
	static int last, last_n;
	*nframes = 0;
	if (!site)
		return 0;
	if (site == last_site && rec == last_rec) {
		*nframes = last_n;
		return last;
	}
	last_n = 0;
	struct sb fr;
	sb_init(&fr);
	int all = 0;
	if (store_site_frames(st, rec, site, &fr) == 0 && fr.s) {
		all = 1;
		for (const char *f = fr.s; *f;) {
			const char *e = strchr(f, '\n');
			size_t n = e ? (size_t)(e - f) : strlen(f);
			all = all && (memmem(f, n, "/ld-linux", 9) != NULL ||
				      memmem(f, n, "[vdso]", 6) != NULL);
			last_n += n > 0;
			f += n + (e ? 1 : 0);
		}
	}
	sb_free(&fr);
	last_site = site;
	last_rec = rec;
	last = all;
	*nframes = last_n;
	return all;
}

static int hexc(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* A path component that names one object of many: a hash, a fan-out
 * directory ("3f"), a temp name with a random tail ("tmp_obj_a8Bc9D"). */
static int random_name(const char *c, size_t n)
{
	size_t hex = 0, dig = 0;
	for (size_t i = 0; i < n; i++) {
		hex += hexc(c[i]) != 0;
		dig += c[i] >= '0' && c[i] <= '9';
	}
	if (hex == n && n >= 2 && (n == 2 || n >= 8 || dig))
		return 1;
	/* a run of 6+ letters and digits mixing both, or mixing cases */
	for (size_t i = 0; i < n;) {
		size_t j = i, d = 0, lo = 0, up = 0;
		while (j < n && ((c[j] >= '0' && c[j] <= '9') || (c[j] >= 'a' && c[j] <= 'z') ||
				 (c[j] >= 'A' && c[j] <= 'Z'))) {
			d += c[j] >= '0' && c[j] <= '9';
			lo += c[j] >= 'a' && c[j] <= 'z';
			up += c[j] >= 'A' && c[j] <= 'Z';
			j++;
		}
		if (j - i >= 6 && ((d && (lo || up)) || (lo && up && d + up >= 2 && up < j - i)))
			return 1;
		i = j > i ? j : i + 1;
	}
	return 0;
}

void ana_target_class(const char *fdkind, const char *path, struct sb *out)
{
	sb_puts(out, fdkind ? fdkind : "-");
	sb_putc(out, ':');
	if (!path)
		return;
	for (const char *c = path; *c;) {
		size_t n = strcspn(c, "/");
		if (n && random_name(c, n)) {
			sb_putc(out, '*');
		} else {
			for (size_t i = 0; i < n; i++) {
				if (c[i] >= '0' && c[i] <= '9') {
					while (i + 1 < n && c[i + 1] >= '0' && c[i + 1] <= '9')
						i++;
					sb_putc(out, '#');
				} else {
					sb_putc(out, c[i]);
				}
			}
		}
		c += n;
		if (*c == '/')
			sb_putc(out, *c++);
	}
}

void ana_fid_stack(const char *frames, struct sb *key, int *import)
{
	/* what happens to the next Python frame: kept (ALL: the call was made
	 * by the program's own code, or LIB: by the library, so far), dropped
	 * until the program's frame (SKIP), dropped (DONE) */
	enum { START, ALL, LIB, IMPORT, SKIP, DONE } st = START;
	*import = 0;
	for (const char *f = frames ? frames : ""; *f;) {
		size_t n = strcspn(f, "\n");
		int lib = rec_py_lib_frame(f, n), keep = 1;
		if (lib || rec_py_is_frame(f, n)) {
			if (st == START) {
				st = !lib ? ALL : lib == 2 ? IMPORT : LIB;
				*import = lib == 2;
			} else if (st == IMPORT && lib == 1) {
				st = SKIP;      /* the library module that imported */
				keep = 0;
			} else if (st != ALL && !lib) {
				keep = st != DONE;
				st = DONE;      /* the program's frame that called in */
			} else if (st == SKIP || st == DONE) {
				keep = 0;
			}
		}
		if (keep) {
			sb_add(key, f, n);
			sb_putc(key, '\n');
		}
		f += n + (f[n] == '\n');
	}
}

/* The target class of a point made inside the import system: the kind and
 * the file's last suffix ("file:*.pyc", "file:*.so", "file:*" for a
 * folder); the module's name and folder say which module, not how its
 * loading fails. */
static void import_class(const char *fdkind, const char *path, struct sb *out)
{
	const char *base = path ? strrchr(path, '/') : NULL;
	base = base ? base + 1 : path ? path : "";
	const char *dot = strrchr(base, '.');
	sb_printf(out, "%s:*%s", fdkind ? fdkind : "-", dot ? dot : "");
}

/* The stack part of a site's failure ID (ana_fid_stack), each site's
 * frames read once: an open-addressing table of n * 2 slots. */
struct site_keys {
	struct { uint64_t site, key; int import; } *v;
	size_t cap;
};

static void site_key(struct store *st, long rec, struct site_keys *t, uint64_t site,
		     uint64_t *key, int *import)
{
	size_t i = (size_t)(site ^ (site >> 29)) & (t->cap - 1);
	while (t->v[i].site && t->v[i].site != site)
		i = (i + 1) & (t->cap - 1);
	if (!t->v[i].site) {
		struct sb frames, k;
		sb_init(&frames);
		sb_init(&k);
		t->v[i].site = site;
		t->v[i].key = site;
		if (store_site_frames(st, rec, site, &frames) == 0 && frames.s) {
			ana_fid_stack(frames.s, &k, &t->v[i].import);
			t->v[i].key = fl_fnv1a(FL_FNV_INIT, k.s ? k.s : "", k.len);
		}
		sb_free(&frames);
		sb_free(&k);
	}
	*key = t->v[i].key;
	*import = t->v[i].import;
}

/* Failure IDs: (family, call stack as ana_fid_stack() keeps it, target
 * class, can a short apply: a read or write that moved 2 bytes or more). */
static void number_fids(struct store *st, long rec, struct ana_points *pts)
{
	struct sb cls;
	sb_init(&cls);
	uint64_t *seen = NULL;
	long nseen = 0, cap = 0;
	struct site_keys sk = { NULL, 16 };
	while (sk.cap < 2 * pts->n + 2)
		sk.cap *= 2;
	sk.v = xcalloc(sk.cap, sizeof *sk.v);
	for (size_t i = 0; i < pts->n; i++) {
		struct ana_point *p = &pts->v[i];
		uint64_t skey = 0;
		int import = 0;
		if (p->site)
			site_key(st, rec, &sk, p->site, &skey, &import);
		sb_reset(&cls);
		if (p->startup) {
			/* the interpreter starting: its code, not the program's */
			sb_printf(&cls, "start-up %s", p->fdkind ? p->fdkind : "-");
			skey = 0;
		} else if (import) {
			import_class(p->fdkind, p->path, &cls);
		} else {
			ana_target_class(p->fdkind, p->path, &cls);
		}
		uint64_t h = FL_FNV_INIT;
		h = fl_fnv1a(h, &p->family, sizeof p->family);
		h = fl_fnv1a(h, &skey, sizeof skey);
		h = fl_fnv1a(h, cls.s ? cls.s : "", cls.len);
		const struct rec_sys *row = rec_sys_by_name(p->name);
		unsigned char moved = row && (row->flags & SF_SHORT) && p->ret >= 2;
		h = fl_fnv1a(h, &moved, 1);
		p->fid_hash = h;
		long k;
		for (k = 0; k < nseen && seen[k] != h; k++)
			;
		if (k == nseen) {
			if (nseen == cap) {
				cap = cap ? cap * 2 : 64;
				seen = xrealloc(seen, (size_t)cap * sizeof *seen);
			}
			seen[nseen++] = h;
		}
		p->fid = k + 1;
	}
	free(seen);
	free(sk.v);
	sb_free(&cls);
}

size_t ana_fid_count(const struct ana_points *pts, const struct ana_filter *f)
{
	size_t n = 0;
	char *seen = xcalloc(pts->n + 2, 1);
	for (size_t i = 0; i < pts->n; i++)
		if (ana_match(f, &pts->v[i]) && !seen[pts->v[i].fid]++)
			n++;
	free(seen);
	return n;
}

size_t ana_fid_select(const struct ana_points *pts, const struct ana_filter *f, char *keep)
{
	long maxfid = 0;
	for (size_t i = 0; i < pts->n; i++)
		if (pts->v[i].fid > maxfid)
			maxfid = pts->v[i].fid;
	size_t *first = xcalloc((size_t)maxfid + 1, sizeof *first),
	       *last = xcalloc((size_t)maxfid + 1, sizeof *last), kept = 0;
	for (size_t i = 0; i < pts->n; i++) {
		keep[i] = 0;
		if (!ana_match(f, &pts->v[i]))
			continue;
		long id = pts->v[i].fid;
		if (!first[id])
			first[id] = i + 1;
		last[id] = i + 1;
	}
	for (long id = 1; id <= maxfid; id++) {
		if (first[id])
			keep[first[id] - 1] = 1;
		if (last[id])
			keep[last[id] - 1] = 1;
	}
	for (size_t i = 0; i < pts->n; i++)
		kept += keep[i] != 0;
	free(first);
	free(last);
	return kept;
}

void ana_path_normalize(char *p)
{
	size_t n = strlen(p);
	if (n > 10 && !strcmp(p + n - 10, " (deleted)"))
		p[n - 10] = 0;
	char *w = p;
	for (const char *r = p; *r;) {
		if (r[0] == '/' && (r[1] == '/' || (r[1] == '.' && (r[2] == '/' || !r[2])))) {
			r += r[1] == '/' ? 1 : 2;
			continue;
		}
		*w++ = *r++;
	}
	*w = 0;
	if (w > p + 1 && w[-1] == '/')
		w[-1] = 0;
	/* "a/b/../c" -> "a/c" (lexically, as the recording's strings were) */
	char *d;
	while ((d = strstr(p, "/../")) || ((d = strstr(p, "/..")) && !d[3])) {
		char *up = d;
		while (up > p && up[-1] != '/')
			up--;
		if (up == p)
			break;   /* "/.." stays */
		memmove(up - (up - 1 > p ? 1 : 0), d + 3, strlen(d + 3) + 1);
	}
	if (!p[0])
		strcpy(p, "/");
}

static int same_digits(const char *a, const char *b);

/* Two names of n bytes that differ only in a last 6 of letters and digits,
 * in most of those 6 places (mkstemp's XXXXXX: "sedLr7GmS", "sedifvXcm";
 * not "report1", "report2"). */
static int mkstemp_tail(const char *a, const char *b, size_t n)
{
	if (n < 6 || strncmp(a, b, n - 6))
		return 0;
	int differ = 0;
	for (size_t i = n - 6; i < n; i++)
		differ += a[i] != b[i];
	if (differ < 4)
		return 0;
	for (size_t i = n - 6; i < n; i++)
		if (!((a[i] >= '0' && a[i] <= '9') || (a[i] >= 'a' && a[i] <= 'z') ||
		      (a[i] >= 'A' && a[i] <= 'Z')) ||
		    !((b[i] >= '0' && b[i] <= '9') || (b[i] >= 'a' && b[i] <= 'z') ||
		      (b[i] >= 'A' && b[i] <= 'Z')))
			return 0;
	return 1;
}

int ana_same_path(const char *a, const char *b)
{
	if (same_digits(a, b))
		return 1;
	/* a temp name with a random tail (mkstemp's XXXXXX, which glibc draws
	 * from the clock and the stack address, not from getrandom): the same
	 * file when every other component is equal (mkstemp_tail) */
	while (*a && *b) {
		size_t na = strcspn(a, "/"), nb = strcspn(b, "/");
		if (!(na == nb && (!strncmp(a, b, na) || mkstemp_tail(a, b, na))))
			return 0;
		a += na;
		b += nb;
		if (*a != *b)
			return 0;
		if (*a)
			a++, b++;
	}
	return *a == *b;
}

static int same_digits(const char *a, const char *b)
{
	while (*a && *b) {
		size_t na = strspn(a, "0123456789"), nb = strspn(b, "0123456789");
		if (na >= 6 && nb >= 6) {
			a += na;
			b += nb;
			continue;
		}
		if (*a != *b)
			return 0;
		a++;
		b++;
	}
	return *a == *b;
}

uint64_t ana_fam_key(int family, uint64_t key)
{
	return (key ^ ((uint64_t)family * 0x100000001b3ull)) | 1;
}

uint64_t ana_target_key(const char *path, const char *fdkind)
{
	char b[4096];
	uint64_t h = FL_FNV_OLD;
	if (!path && !fdkind)
		return 0;
	if (fdkind && strcmp(fdkind, "file")) {
		snprintf(b, sizeof b, "%s", fdkind);
	} else {
		if (!path)
			return 0;
		snprintf(b, sizeof b, "%s", path);
		ana_path_normalize(b);
	}
	for (const char *c = b; *c; c++) {
		size_t nd = strspn(c, "0123456789");
		if (nd >= 6) {
			c += nd - 1;
			h = fl_fnv1a(h, "#", 1);
			continue;
		}
		h = fl_fnv1a(h, c, 1);
	}
	return h ? h : 1;
}

/* A counter per 64-bit key: open addressing, n a power of two. */
struct kcount {
	uint64_t *key;
	uint32_t *n;
	size_t cap;
};

static uint32_t kcount_bump(struct kcount *k, uint64_t key)
{
	size_t i = (size_t)(key * 0x9e3779b97f4a7c15ull) & (k->cap - 1);
	while (k->key[i] && k->key[i] != key)
		i = (i + 1) & (k->cap - 1);
	k->key[i] = key;
	return ++k->n[i];
}

/* path_nth and site_nth of every point, in recorded order. */
static void number_by_key(struct ana_points *out)
{
	struct kcount byt = { 0 }, bys = { 0 };
	size_t cap = 16;
	while (cap < 2 * out->n + 2)
		cap *= 2;
	byt.cap = bys.cap = cap;
	byt.key = xcalloc(cap, sizeof *byt.key);
	byt.n = xcalloc(cap, sizeof *byt.n);
	bys.key = xcalloc(cap, sizeof *bys.key);
	bys.n = xcalloc(cap, sizeof *bys.n);
	for (size_t i = 0; i < out->n; i++) {
		struct ana_point *p = &out->v[i];
		p->tkey = ana_target_key(p->path, p->fdkind);
		if (p->tkey)
			p->path_nth = kcount_bump(&byt, ana_fam_key(p->family, p->tkey));
		if (p->site)
			p->site_nth = kcount_bump(&bys, ana_fam_key(p->family, p->site));
	}
	free(byt.key);
	free(byt.n);
	free(bys.key);
	free(bys.n);
}

int ana_collect(struct store *st, long rec, struct ana_points *out)
{
	struct collect c = { out, 0 };
	memset(out, 0, sizeof *out);
	int rc = store_each_fault_call(st, rec, add_point, &c);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < out->n; i++)
		out->v[i].loader = loader_site(st, rec, out->v[i].site, &out->v[i].site_frames);
	ana_startup(st, rec, out);
	number_fids(st, rec, out);
	number_by_key(out);
	if (store_point_count(st, rec) == (long)out->n)
		return 0;   /* stored by an earlier analyze/replay: same recording, same points */
	if ((rc = store_begin(st)) < 0)
		return rc;
	for (size_t i = 0; i < out->n && rc == 0; i++) {
		struct ana_point *p = &out->v[i];
		struct store_point sp = {
			.rec = rec, .id = p->id, .family = rec_families[p->family].name,
			.ident = p->ident, .name = p->name, .path = p->path, .fdkind = p->fdkind,
			.errnos = p->errnos, .std = p->std_stream, .nth = p->nth, .seq = p->seq,
			.site = p->site,
		};
		rc = store_point_add(st, &sp);
	}
	int rc2 = store_commit(st);
	return rc < 0 ? rc : rc2;
}

int ana_match(const struct ana_filter *f, const struct ana_point *p)
{
	if (f->families && !(f->families & (1ull << p->family)))
		return 0;
	if (f->no_std && p->std_stream)
		return 0;
	if (f->no_loader && p->loader)
		return 0;
	if ((f->site_glob && !p->site_ok) || (f->exe_glob && !p->exe_ok) ||
	    (f->no_startup && p->startup))
		return 0;
	if (f->path_glob && (!p->path || fnmatch(f->path_glob, p->path, 0) != 0))
		return 0;
	if (f->fdkinds) {
		if (!p->fdkind)
			return 0;
		size_t n = strlen(p->fdkind);
		const char *s = f->fdkinds;
		int hit = 0;
		while (*s && !hit) {
			const char *e = strchr(s, ',');
			size_t l = e ? (size_t)(e - s) : strlen(s);
			hit = l == n && !strncmp(s, p->fdkind, n);
			s += l + (e ? 1 : 0);
		}
		if (!hit)
			return 0;
	}
	if (f->nids) {
		for (size_t i = 0; i < f->nids; i++)
			if (f->ids[i] == p->id)
				return 1;
		return 0;
	}
	return 1;
}

int ana_parse_families(const char *list, uint64_t *bits, const char **bad)
{
	static char badbuf[64];
	*bits = 0;
	while (*list) {
		const char *e = strchr(list, ',');
		size_t l = e ? (size_t)(e - list) : strlen(list);
		char name[64];
		snprintf(name, sizeof name, "%.*s", (int)(l < 63 ? l : 63), list);
		int fam = rec_family_by_name(name);
		if (fam <= 0) {
			snprintf(badbuf, sizeof badbuf, "%s", name);
			*bad = badbuf;
			return -EINVAL;
		}
		*bits |= 1ull << fam;
		list += l + (e ? 1 : 0);
	}
	return 0;
}

void ana_points_free(struct ana_points *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].ident);
		free(p->v[i].name);
		free(p->v[i].path);
		free(p->v[i].fdkind);
		free(p->v[i].args);
	}
	free(p->v);
	memset(p, 0, sizeof *p);
}

static int libc_frame(const char *f, size_t n)
{
	static const char *skip[] = { "/libc.so", "/libc-", "/ld-linux", "/libpthread", NULL };
	for (int i = 0; skip[i]; i++) {
		const char *h = memmem(f, n, skip[i], strlen(skip[i]));
		if (h)
			return 1;
	}
	return 0;
}

/* A Python site (record/stack.h): its frame and its caller's, then the
 * first frame below the interpreter that is not libc's, an extension's:
 * "dump (json/__init__.py:180) <- save (app.py:12)",
 * "commit (db.py:9) <- save (app.py:3) via libsqlite3.so.0+0xaa355".
 * Returns 0 when the site is not Python's. */
static int py_label(const char *frames, struct sb *lab)
{
	int npy = 0;
	for (const char *f = frames; *f;) {
		const char *e = strchr(f, '\n');
		size_t n = e ? (size_t)(e - f) : strlen(f);
		if (rec_py_is_frame(f, n)) {
			if (npy == 1)
				sb_puts(lab, " <- ");
			if (npy++ < 2)
				rec_py_frame_short(f, n, lab);
		} else if (!npy) {
			return 0;
		} else if (!libc_frame(f, n)) {
			char one[4200];
			struct sb sym;
			sb_init(&sym);
			snprintf(one, sizeof one, "%.*s", (int)n, f);
			rec_stack_symbolize(one, &sym);
			/* no symbols: "/usr/lib/x/libsqlite3.so.0+0xab108" */
			const char *t = sym.s ? sym.s : "", *slash = strrchr(t, '/');
			sb_printf(lab, " via %s", t[0] == '/' && slash ? slash + 1 : t);
			sb_free(&sym);
			break;
		}
		f += n + (e ? 1 : 0);
	}
	return npy > 0;
}

void ana_site_label(struct store *st, long rec, uint64_t site, struct sb *out)
{
	static struct { uint64_t site; long rec; char *label; } cache[256];
	unsigned slot = (unsigned)(site ^ (site >> 17)) % 256;
	if (!site) {
		sb_puts(out, "?");
		return;
	}
	if (cache[slot].label && cache[slot].site == site && cache[slot].rec == rec) {
		sb_puts(out, cache[slot].label);
		return;
	}
	struct sb frames, lab;
	sb_init(&frames);
	sb_init(&lab);
	if (store_site_frames(st, rec, site, &frames) == 0 && frames.s) {
		const char *first = frames.s, *pick = NULL;
		for (const char *f = frames.s; *f;) {
			const char *e = strchr(f, '\n');
			size_t n = e ? (size_t)(e - f) : strlen(f);
			if (!pick && n && !libc_frame(f, n))
				pick = f;
			f += n + (e ? 1 : 0);
		}
		if (!pick)
			pick = first;
		const char *e = strchr(pick, '\n');
		char one[4200];
		snprintf(one, sizeof one, "%.*s", (int)(e ? (size_t)(e - pick) : strlen(pick)), pick);
		if (!py_label(frames.s, &lab))
			rec_stack_symbolize(one, &lab);
	}
	if (!lab.len)
		sb_printf(&lab, "site %016llx", (unsigned long long)site);
	free(cache[slot].label);
	cache[slot].site = site;
	cache[slot].rec = rec;
	cache[slot].label = xstrdup(lab.s);
	sb_puts(out, lab.s);
	sb_free(&frames);
	sb_free(&lab);
}

/* Does point p change a file (the families that write, an open for
 * writing)? */
static int writes_file(const struct ana_point *p)
{
	switch (p->family) {
	case FAM_WRITE: case FAM_RENAME: case FAM_UNLINK: case FAM_MKDIR: case FAM_RMDIR:
	case FAM_FTRUNCATE: case FAM_FALLOCATE: case FAM_LINK: case FAM_CHMOD: case FAM_CHOWN:
		return 1;
	case FAM_OPEN:
		return p->args && (strstr(p->args, "O_WRONLY") || strstr(p->args, "O_RDWR") ||
				   strstr(p->args, "O_CREAT"));
	}
	return 0;
}

size_t ana_outside_writes(const struct ana_points *pts, const char *cwd, struct sb *out)
{
	size_t n = 0, cl = strlen(cwd);
	for (size_t i = 0; i < pts->n; i++) {
		const struct ana_point *p = &pts->v[i];
		if (!p->path || p->path[0] != '/' || (p->fdkind && strcmp(p->fdkind, "file")) ||
		    !writes_file(p))
			continue;
		char d[4096];
		snprintf(d, sizeof d, "%s", p->path);
		ana_path_normalize(d);
		if ((!strncmp(d, cwd, cl) && (d[cl] == '/' || !d[cl])) || !strncmp(d, "/dev/", 5) ||
		    !strncmp(d, "/proc/", 6) || !strncmp(d, "/sys/", 5))
			continue;
		/* its folder: "/" for a file right under it */
		char *slash = strrchr(d, '/');
		if (slash)
			slash[slash == d] = 0;
		/* each directory once */
		int seen = 0;
		size_t dl = strlen(d);
		for (const char *l = out->s; l && *l && !seen;) {
			const char *e = strchr(l, '\n');
			size_t ll = e ? (size_t)(e - l) : strlen(l);
			seen = ll == dl && !strncmp(l, d, dl);
			l += ll + (e ? 1 : 0);
		}
		if (!seen) {
			sb_printf(out, "%s\n", d);
			n++;
		}
	}
	return n;
}
