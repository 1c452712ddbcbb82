/*
 * analyze/select.c - choosing points by whose code made them: --site GLOB
 * (a frame of the call stack), --exe GLOB (the process's executable), and
 * interpreter start-up (--no-startup).
 *
 * These need the database (frames, symbols, processes): ana_select() runs
 * once after ana_collect() and leaves a flag per point that ana_match()
 * reads (site_ok, exe_ok); ana_startup(), which ana_collect() calls before
 * numbering failure IDs, marks startup.
 *
 * A frame matches GLOB (fnmatch) when any of its parts does: for a native
 * frame "module+0xoff" the module's path and its base name, and once
 * symbolised ("func+0x12 (file.c:34)") the function and the source file
 * (path and base name); for a Python frame "qualname (file.py:12)" the
 * qualname and the file.  So `--site 'save*'`, `--site app.py`, `--site
 * '*libsqlite3*'` all work.
 *
 * Start-up: in a recording whose call sites hold Python frames, the points
 * before the first call made from a script outside the interpreter's own
 * library (rec_py_lib_frame: <frozen ...>, lib/python3*) are the
 * interpreter starting: imports, site.py, encodings.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "../record/pyframes.h"
#include "../record/stack.h"
#include "../store/results.h"
#include "ana.h"

static int part_match(const char *glob, const char *s, size_t n)
{
	char buf[4096];
	if (!n || n >= sizeof buf)
		return 0;
	memcpy(buf, s, n);
	buf[n] = 0;
	if (!fnmatch(glob, buf, 0))
		return 1;
	const char *base = strrchr(buf, '/');
	return base && !fnmatch(glob, base + 1, 0);
}

/* "func+0x12 (file.c:34)", "qualname (file.py:12)" or "module+0xoff". */
static int frame_match(const char *glob, const char *f, size_t n)
{
	const char *par = memchr(f, '(', n);
	size_t head = par ? (size_t)(par - f) : n;
	while (head && f[head - 1] == ' ')
		head--;
	const char *plus = memchr(f, '+', head);
	size_t name = plus ? (size_t)(plus - f) : head;
	if (part_match(glob, f, name) || part_match(glob, f, head))
		return 1;
	if (par) {
		const char *end = memchr(par, ')', n - (size_t)(par - f));
		size_t fl = end ? (size_t)(end - par - 1) : n - (size_t)(par - f) - 1;
		const char *colon = NULL;
		for (size_t i = 0; i < fl; i++)
			if (par[1 + i] == ':')
				colon = par + 1 + i;
		if (part_match(glob, par + 1, colon ? (size_t)(colon - par - 1) : fl))
			return 1;
	}
	return 0;
}

static int site_match(struct store *st, long rec, uint64_t site, const char *glob)
{
	struct sb fr, sym;
	sb_init(&fr);
	sb_init(&sym);
	int hit = 0;
	if (site && store_site_frames(st, rec, site, &fr) == 0 && fr.s)
		for (const char *f = fr.s; *f && !hit;) {
			size_t n = strcspn(f, "\n");
			hit = frame_match(glob, f, n);
			if (!hit && memchr(f, '+', n) && !memchr(f, '(', n)) {
				char one[4200];
				snprintf(one, sizeof one, "%.*s", (int)n, f);
				sb_reset(&sym);
				if (rec_stack_symbolize(one, &sym) == 0 && sym.s)
					hit = frame_match(glob, sym.s, sym.len);
			}
			f += n + (f[n] == '\n');
		}
	sb_free(&fr);
	sb_free(&sym);
	return hit;
}

/* A Python frame of a script of the user's, not of the interpreter. */
static int own_py_frames(struct store *st, long rec, uint64_t site, int *any_py)
{
	struct sb fr;
	sb_init(&fr);
	int own = 0;
	if (site && store_site_frames(st, rec, site, &fr) == 0 && fr.s)
		for (const char *f = fr.s; *f && !own;) {
			size_t n = strcspn(f, "\n");
			if (rec_py_is_frame(f, n) && memmem(f, n, ".py:", 4)) {
				/* a script's file: not "<string>", which a .pth
				 * line run by site.py is also */
				*any_py = 1;
				own = !rec_py_lib_frame(f, n);
			}
			f += n + (f[n] == '\n');
		}
	sb_free(&fr);
	return own;
}

size_t ana_startup(struct store *st, long rec, struct ana_points *pts)
{
	/* start-up ends at the first call from a script of the user's */
	uint64_t first_own = UINT64_MAX, last_site = 0;
	int any_py = 0;
	size_t n = 0;
	if (store_sites_like(st, rec, "%.py:%") > 0)
		for (size_t i = 0; i < pts->n && first_own == UINT64_MAX; i++) {
			if (pts->v[i].site == last_site)
				continue;
			last_site = pts->v[i].site;
			if (own_py_frames(st, rec, pts->v[i].site, &any_py))
				first_own = pts->v[i].seq;
		}
	for (size_t i = 0; i < pts->n; i++) {
		struct ana_point *p = &pts->v[i];
		p->startup = any_py && first_own != UINT64_MAX && p->seq < first_own;
		n += p->startup;
	}
	return n;
}

struct exes {
	char **ident, **exe;
	size_t n;
};

static int add_exe(void *arg, const struct store_procrow *p)
{
	struct exes *e = arg;
	e->ident = xrealloc(e->ident, (e->n + 1) * sizeof *e->ident);
	e->exe = xrealloc(e->exe, (e->n + 1) * sizeof *e->exe);
	e->ident[e->n] = xstrdup(p->ident ? p->ident : "");
	e->exe[e->n] = xstrdup(p->exe ? p->exe : "");
	e->n++;
	return 0;
}

int ana_select(struct store *st, long rec, struct ana_points *pts, const struct ana_filter *f,
	       size_t *nstartup)
{
	struct { uint64_t site; int ok; } memo[64];
	int nmemo = 0;
	struct exes e = { 0 };
	if (f->exe_glob && store_each_proc(st, rec, add_exe, &e) < 0)
		return -EIO;
	size_t nst = 0;
	for (size_t i = 0; i < pts->n; i++) {
		struct ana_point *p = &pts->v[i];
		nst += p->startup;
		p->site_ok = 1;
		if (f->site_glob) {
			int k;
			for (k = 0; k < nmemo && memo[k].site != p->site; k++)
				;
			if (k == nmemo) {
				k = nmemo < 64 ? nmemo++ : (int)(p->site % 64);
				memo[k].site = p->site;
				memo[k].ok = site_match(st, rec, p->site, f->site_glob);
			}
			p->site_ok = memo[k].ok;
		}
		p->exe_ok = 1;
		if (f->exe_glob) {
			p->exe_ok = 0;
			for (size_t k = 0; k < e.n; k++)
				if (!strcmp(e.ident[k], p->ident))
					p->exe_ok = part_match(f->exe_glob, e.exe[k], strlen(e.exe[k]));
		}
	}
	for (size_t k = 0; k < e.n; k++) {
		free(e.ident[k]);
		free(e.exe[k]);
	}
	free(e.ident);
	free(e.exe);
	if (nstartup)
		*nstartup = nst;
	return 0;
}
