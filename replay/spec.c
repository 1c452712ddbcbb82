/*
 * replay/spec.c - a run spec in words: the repro line that reruns it
 * (rpl_spec_repro), its faults as "22:EIO,25:kill" (rpl_spec_faults), a
 * point that is not in the recording named by thread/family/nth and read
 * back (rpl_point_parse), and a family's default fault.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../record/syscalls.h"
#include "runner.h"

static void point_name(const struct ana_point *p, struct sb *b);

/* Every word that is not a number faultline wrote is shell-quoted: the line
 * pasted into a shell (or `sh -c`) must run this very run. */
void rpl_spec_repro(const struct rpl_cfg *cfg, long rec, const struct rpl_spec *s, struct sb *b)
{
	struct sb with;
	sb_init(&with);
	sb_puts(b, "faultline replay -d ");
	sb_shell_quote(b, cfg->db);
	sb_printf(b, " --rec %ld --point %ld --fault ", rec, s->p[0]->id);
	sb_shell_quote(b, s->f[0].spec);
	for (int i = 1; i < s->n; i++) {
		if (i > 1)
			sb_putc(&with, ',');
		point_name(s->p[i], &with);
		sb_printf(&with, ":%s", s->f[i].spec);
	}
	if (s->n > 1) {
		sb_puts(b, " --with ");
		sb_shell_quote(b, with.s);
	}
	sb_free(&with);
	sb_printf(b, " --seed %ld", cfg->seed);
	if (cfg->persist)
		sb_puts(b, " --persist");
	if (cfg->fire_anyway)
		sb_puts(b, " --fire-anyway");
	if (cfg->real_random)
		sb_puts(b, " --real-random");
	if (cfg->key != RPL_KEY_THREAD)
		sb_printf(b, " --key %s", rpl_key_name[cfg->key]);
	if (cfg->setup) {
		sb_puts(b, " --setup ");
		sb_shell_quote(b, cfg->setup);
	}
	if (cfg->check) {
		sb_puts(b, " --check ");
		sb_shell_quote(b, cfg->check);
	}
	if (cfg->timeout_s != 10)
		sb_printf(b, " --timeout %ld", cfg->timeout_s);
}

static void point_name(const struct ana_point *p, struct sb *b)
{
	if (p->id > 0)
		sb_printf(b, "%ld", p->id);
	else
		sb_printf(b, "%s/%s/%u", p->ident, rec_families[p->family].name, p->nth);
}

void rpl_spec_faults(const struct rpl_spec *s, struct sb *b)
{
	for (int i = 0; i < s->n; i++) {
		if (i)
			sb_putc(b, ',');
		point_name(s->p[i], b);
		sb_printf(b, ":%s", s->f[i].spec);
	}
}

int rpl_point_parse(const char *s, struct ana_point *p)
{
	char ident[64], fam[32];
	unsigned nth;
	memset(p, 0, sizeof *p);
	if (sscanf(s, "%63[^/]/%31[^/]/%u", ident, fam, &nth) != 3 || nth < 1)
		return -EINVAL;
	p->family = rec_family_by_name(fam);
	if (p->family <= 0)
		return -EINVAL;
	p->ident = xstrdup(ident);
	p->nth = nth;
	p->name = xstrdup(fam);
	p->errnos = rec_families[p->family].errnos;
	return 0;
}

void rpl_default_fault(const struct ana_point *p, struct rpl_fault *f)
{
	char first[32] = "EIO";
	sscanf(p->errnos, "%31s", first);
	rpl_fault_parse(first, f);
}
