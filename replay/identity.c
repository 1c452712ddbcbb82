/*
 * replay/identity.c - is the armed call the recorded one?
 *
 * A fault point is found again in a run by counting: the nth call of a
 * family in a thread (or on a target, or from a call site: rpl_key).  A
 * count says nothing about what the call is, so when the armed count is
 * reached the call is compared with the recording before anything is
 * injected: its syscall, its target (the path, or the fd's kind and path,
 * named the way record/decode.c names them) and its call site (one unwind
 * per run, with as many frames as the recorded site has, so the hashes are
 * comparable).  A mismatch is not injected; the run is `diverged`.
 *
 * Targets are compared after a lexical normalisation ("//" and "/./"
 * collapse, " (deleted)" goes): the recording names an fd by the path it
 * was opened with, a run by /proc/PID/fd/N.  Pipes, sockets and other
 * non-files compare by kind only: their inode numbers change every run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../analyze/ana.h"
#include "../record/decode.h"
#include "../record/stack.h"
#include "../record/syscalls.h"
#include "rpl.h"

int rpl_call_target(pid_t pid, pid_t tid, const struct rec_call *c, const char *moved_from,
		    const char *moved_to, char *buf, size_t n, const char **kind)
{
	int rc = rec_target_now(pid, tid, c, buf, n, kind);
	if (rc < 0)
		return rc;
	ana_path_normalize(buf);
	/* the copy fallback runs at another path: name it as recorded */
	size_t ml = moved_from ? strlen(moved_from) : 0;
	if (ml && !strncmp(buf, moved_from, ml) && (buf[ml] == '/' || !buf[ml])) {
		char tail[PATH_MAX];
		snprintf(tail, sizeof tail, "%s", buf + ml);
		snprintf(buf, n, "%s%s", moved_to, tail);
	}
	return 0;
}

/* The recorded path names the file the run's call is on, through a
 * symlink (/var/run -> /run): the recording names an fd by the path it was
 * opened with, the run by the resolved one. */
static int same_file(const char *rec, const char *now)
{
	char r[PATH_MAX];
	return realpath(rec, r) && !strcmp(r, now);
}

int rpl_arm_diverged(struct rpl_injector *in, const struct rpl_arm *a, struct rec_thread *t,
		     struct rec_call *c, struct sb *why)
{
	int bad = 0;
	if (a->rec_syscall && strcmp(a->rec_syscall, c->sys->name)) {
		sb_printf(why, "%ssyscall %s, recorded %s", bad++ ? "; " : "", c->sys->name,
			  a->rec_syscall);
		return 1;   /* another call altogether: its target says nothing more */
	}
	if (a->rec_path && !a->rec_std) {
		char now[PATH_MAX], rec[PATH_MAX];
		const char *kind;
		snprintf(rec, sizeof rec, "%s", a->rec_path);
		ana_path_normalize(rec);
		if (rpl_call_target(t->pid, t->tid, c, in->moved_from, in->moved_to, now, sizeof now,
				    &kind) == 0 && kind) {
			const char *rk = a->rec_fdkind ? a->rec_fdkind : "file";
			if (strcmp(kind, rk))
				sb_printf(why, "%starget %s '%s', recorded %s '%s'", bad++ ? "; " : "",
					  kind, now, rk, rec);
			else if (!strcmp(kind, "file") && !ana_same_path(now, rec) &&
				 !same_file(rec, now))
				sb_printf(why, "%starget '%s', recorded '%s'", bad++ ? "; " : "", now,
					  rec);
		}
	}
	if (a->rec_site) {
		if (!in->stk)
			in->stk = rec_stack_new();
		struct sb fr;
		sb_init(&fr);
		uint64_t site = rec_stack_site(in->stk, t->pid, t->tid,
					       a->site_frames > 0 ? a->site_frames : 8, &fr);
		if (site && site != a->rec_site) {
			/* the innermost frame of each says where */
			char *nl = fr.s ? strchr(fr.s, '\n') : NULL;
			if (nl)
				*nl = 0;
			sb_printf(why, "%scall site %016llx (%s...), recorded %016llx", bad++ ? "; " : "",
				  (unsigned long long)site, fr.s ? fr.s : "?",
				  (unsigned long long)a->rec_site);
		}
		sb_free(&fr);
	}
	return bad > 0;
}

/* ---- keys --------------------------------------------------------------- */

const char *const rpl_key_name[RPL_KEY__COUNT] = { "thread", "path", "site" };


struct rpl_kmap {
	uint64_t *key;
	uint32_t *n;
	size_t cap, used;
};

static uint32_t *kmap_slot(struct rpl_kmap *m, uint64_t key)
{
	if (2 * (m->used + 1) > m->cap) {
		struct rpl_kmap b = { NULL, NULL, m->cap ? m->cap * 2 : 256, 0 };
		b.key = xcalloc(b.cap, sizeof *b.key);
		b.n = xcalloc(b.cap, sizeof *b.n);
		for (size_t i = 0; i < m->cap; i++)
			if (m->key[i])
				*kmap_slot(&b, m->key[i]) = m->n[i];
		free(m->key);
		free(m->n);
		*m = b;
	}
	size_t i = (size_t)(key * 0x9e3779b97f4a7c15ull) & (m->cap - 1);
	while (m->key[i] && m->key[i] != key)
		i = (i + 1) & (m->cap - 1);
	if (!m->key[i]) {
		m->key[i] = key;
		m->used++;
	}
	return &m->n[i];
}

uint64_t rpl_call_tkey(struct rpl_injector *in, struct rec_thread *t, struct rec_call *c)
{
	char p[PATH_MAX];
	const char *kind;
	if (rpl_call_target(t->pid, t->tid, c, in->moved_from, in->moved_to, p, sizeof p,
			    &kind) < 0 || !kind)
		return 0;
	return ana_target_key(p, kind);
}

int rpl_key_match(struct rpl_injector *in, int i, struct rec_thread *t, struct rec_call *c,
		  uint64_t *tk, uint64_t *site)
{
	const struct rpl_arm *a = &in->arms[i];
	int fam = c->sys->family;
	switch (a->key) {
	case RPL_KEY_PATH:
		if (!*tk && !(*tk = rpl_call_tkey(in, t, c)))
			*tk = ~0ull;
		return *tk == a->kval && ++in->kcount[i] == a->knth;
	case RPL_KEY_SITE:
		if (!*site) {
			if (!in->stk)
				in->stk = rec_stack_new();
			struct sb fr;
			sb_init(&fr);
			*site = rec_stack_site(in->stk, t->pid, t->tid,
					       a->site_frames > 0 ? a->site_frames : 8, &fr);
			if (!*site)
				*site = ~0ull;
			sb_free(&fr);
		}
		return *site == a->kval && ++in->kcount[i] == a->knth;
	default:
		return t->fam_count[fam] == a->nth && !strcmp(t->ident, a->ident);
	}
}

int rpl_probe_cmp(const void *a, const void *b)
{
	const struct rpl_probe *x = a, *y = b;
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	if (x->nth != y->nth)
		return x->nth < y->nth ? -1 : 1;
	return strcmp(x->ident, y->ident);
}

void rpl_probe_call(struct rpl_injector *in, struct rec_thread *t, struct rec_call *c)
{
	int fam = c->sys->family;
	if (!in->nprobes)
		return;
	struct rpl_probe k = { .ident = t->ident, .family = fam, .nth = t->fam_count[fam] };
	const struct rpl_probe *p = bsearch(&k, in->probes, in->nprobes, sizeof k, rpl_probe_cmp);
	uint64_t tk = rpl_call_tkey(in, t, c);
	if (!in->tcount)
		in->tcount = xcalloc(1, sizeof *in->tcount);
	if (tk)
		++*kmap_slot(in->tcount, ana_fam_key(fam, tk));
	if (p && p->tkey) {
		if (tk == p->tkey)
			in->probe_same++;
		else
			in->probe_other++;
	}
}

void rpl_probe_report(struct rpl_injector *in, struct sb *out)
{
	size_t miss = 0;
	if (!in->nprobes)
		return;
	for (size_t i = 0; i < in->nprobes; i++) {
		const struct rpl_probe *p = &in->probes[i];
		uint32_t got = in->tcount ? *kmap_slot(in->tcount, ana_fam_key(p->family, p->tkey)) : 0;
		miss += p->path_nth && got < p->path_nth;
	}
	sb_printf(out, "keys %zu %zu %zu\n", in->probe_same, in->probe_other, miss);
}

void rpl_probe_free(struct rpl_injector *in)
{
	if (in->tcount) {
		free(in->tcount->key);
		free(in->tcount->n);
		free(in->tcount);
	}
	in->tcount = NULL;
}
