/*
 * replay/depth.c - `replay --depth 2`: a second fault in the recovery path.
 *
 * Phase 1 (replay.c) ran every first fault A with exploring on: the
 * injector logged every call made after A fired, with its call site.
 * Here, each site that the recording never reached (new recovery code) is
 * faulted once together with A, up to --budget runs.  --prune expands only
 * one A per (A's call site, the faulted thread's calls after A, outcome)
 * class: runs in the same class took the same recovery path.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../record/syscalls.h"
#include "sweep.h"

/* Depth 2: for each first fault A of phase 1, the call sites its run
 * reached after A fired that the recording never reached (new recovery
 * code); fault each once together with A. */
int rpl_depth2(struct opts *o, struct sweep_ctx *x, struct ana_points *pts, size_t n1)
{
	size_t budget = o->budget ? (size_t)o->budget : 1000, pruned = 0, saved = 0, nnew = 0;
	struct rpl_spec *plan2 = xcalloc(budget + 1, sizeof *plan2);
	size_t n2 = 0;
	struct ana_point *fresh = xcalloc(budget + 1, sizeof *fresh);
	struct cls { uint64_t site, post; int oc; } *seen = xcalloc(n1 + 1, sizeof *seen);
	size_t nseen = 0;
	for (size_t i = 0; i < n1 && n2 < budget; i++) {
		const struct rpl_spec *a = &x->plan[i];
		if (!x->explore[i] || x->oc[i] == OUT_NOT_REACHED || x->oc[i] == OUT_DIVERGED ||
		    x->oc[i] == OUT_ERROR)
			continue;
		/* the new call sites this run reached */
		uint64_t sites[256];
		size_t ns = 0, cand = 0;
		char *save = NULL;
		char *buf = xstrdup(x->explore[i]);
		struct ana_point mine[256];
		for (char *line = strtok_r(buf, "\n", &save); line && ns < 256;
		     line = strtok_r(NULL, "\n", &save)) {
			struct rpl_logline L;
			if (rpl_log_parse(x->st, x->r->id, line, &L) < 0 || !L.site)
				continue;
			int fam = L.family;
			const char *ident = L.ident, *name = L.name;
			unsigned nth = L.nth;
			unsigned long long site = L.site;
			int known = 0;
			for (size_t k = 0; k < pts->n && !known; k++)
				known = pts->v[k].site == site;
			for (size_t k = 0; k < ns && !known; k++)
				known = sites[k] == site;
			if (known)
				continue;
			sites[ns] = site;
			memset(&mine[ns], 0, sizeof mine[ns]);
			mine[ns].family = fam;
			mine[ns].ident = xstrdup(ident);
			mine[ns].nth = nth;
			mine[ns].site = site;
			mine[ns].name = xstrdup(name);
			mine[ns].errnos = rec_families[fam].errnos;
			ns++;
		}
		free(buf);
		nnew += ns;
		cand = ns;
		int dup = 0;
		if (o->prune)
			for (size_t k = 0; k < nseen && !dup; k++)
				dup = seen[k].site == a->p[0]->site && seen[k].post == x->post_hash[i] &&
				      seen[k].oc == (int)x->oc[i];
		if (dup) {
			pruned++;
			saved += cand;
		} else {
			seen[nseen++] = (struct cls){ a->p[0]->site, x->post_hash[i], (int)x->oc[i] };
		}
		for (size_t k = 0; k < ns; k++) {
			if (dup || n2 >= budget) {
				free(mine[k].ident);
				free(mine[k].name);
				continue;
			}
			fresh[n2] = mine[k];
			struct rpl_spec *s = &plan2[n2++];
			*s = *a;
			s->p[s->n] = &fresh[n2 - 1];
			rpl_default_fault(&fresh[n2 - 1], &s->f[s->n]);
			s->n++;
		}
	}
	o->cfg.explore = 0;
	x->phase2 = 1;
	x->nplan += n2;
	struct rpl_spec *keep = x->plan;
	x->plan = plan2;
	int saved_resume = o->resume;
	o->resume = 0;
	int rc = n2 ? rpl_run_all(&o->cfg, x->st, x->r, plan2, n2, NULL, rpl_sweep_done, x) : 0;
	o->resume = saved_resume;
	x->plan = keep;
	if (!o->json)
		printf("depth 2: %zu new call sites after %zu first faults; %zu runs spent "
		       "(budget %zu)%s", nnew, n1, n2, budget, o->prune ? "" : "\n");
	if (!o->json && o->prune)
		printf("; --prune skipped %zu first faults with the same site, post-fault calls "
		       "and outcome as another, saving %zu runs\n", pruned, saved);
	for (size_t k = 0; k < n2; k++) {
		free(fresh[k].ident);
		free(fresh[k].name);
	}
	free(fresh);
	free(plan2);
	free(seen);
	return rc;
}

