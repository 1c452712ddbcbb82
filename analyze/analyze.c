/*
 * analyze/analyze.c - `faultline analyze`: list a recording's fault points,
 * grouped by family, with their target, thread and call site.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../cmd.h"
#include "../json.h"
#include "../record/syscalls.h"
#include "ana.h"

static void usage(FILE *f)
{
	fprintf(f,
"usage: faultline analyze [options]\n"
"\n"
"List the fault points of a recording: every call of a fault family\n"
"(write, read, open, fsync, close, connect, ...) that could fail in real\n"
"life, named by thread and nth call of its family in that thread.\n"
"Reads and writes on the stdin, stdout or stderr the program inherited\n"
"(or a dup of one; not a file it later moved onto fd 1), or on a terminal,\n"
"are marked [std]; points the dynamic loader makes before main are marked\n"
"[ld.so] (replay skips them unless --loader).\n"
"\n"
"  -d, --db FILE        database (default %s)\n"
"      --rec N          recording N (default: the latest)\n"
"  -f, --family LIST    only these families, e.g. write,fsync\n"
"  -p, --path GLOB      only calls whose target path matches GLOB\n"
"      --fdkind LIST    only these fd kinds: file,tty,pipe,socket,dev,other\n"
"      --no-std         leave out the [std] points\n"
"      --no-loader      leave out the [ld.so] points\n"
"      --site GLOB      only points whose call stack has a frame matching GLOB\n"
"                       (a module, function or source file: 'save*', app.py)\n"
"      --exe GLOB       only points of processes whose executable matches GLOB\n"
"      --no-startup     leave out interpreter start-up (a Python program's calls\n"
"                       before its script's first own call)\n"
"      --summary        counts per family only\n"
"      --families       list the families and their errnos, then exit\n"
"      --json           one JSON object: {\"points\": [...]}\n"
"  -h, --help           this text\n", FL_DEFAULT_DB);
}

/* One line a family: its errnos, then its rows' names (table order) and
 * what it is for. */
static void list_families(void)
{
	struct sb about;
	sb_init(&about);
	printf("%-10s %-40s %s\n", "FAMILY", "ERRNOS (default first)", "ABOUT");
	for (int i = 1; i < FAM__COUNT; i++) {
		sb_reset(&about);
		for (size_t k = 0; k < rec_systab_len; k++)
			if (rec_systab[k].family == i)
				sb_printf(&about, "%s%s", about.len ? ", " : "", rec_systab[k].name);
		printf("%-10s %-40s %s: %s\n", rec_families[i].name, rec_families[i].errnos,
		       about.s ? about.s : "", rec_families[i].about);
	}
	sb_free(&about);
}

/* What `faultline analyze` was asked. */
struct aopts {
	const char *db;
	long rec;
	int json, summary;
	struct ana_filter flt;
};

static const struct option options[] = {
	CMD_OPT_DB,
	CMD_OPT_REC,
	{ "family", required_argument, 0, 'f' },
	{ "path", required_argument, 0, 'p' },
	{ "fdkind", required_argument, 0, 'k' },
	{ "no-std", no_argument, 0, 'n' },
	{ "no-loader", no_argument, 0, 'L' },
	{ "summary", no_argument, 0, 's' },
	{ "families", no_argument, 0, 'F' },
	{ "json", no_argument, 0, 'j' },
	CMD_OPT_HELP,
	{ "site", required_argument, 0, 'S' },
	{ "exe", required_argument, 0, 'X' },
	{ "no-startup", no_argument, 0, 'U' },
	CMD_OPT_END
};

/* One option c (cmd_getopt's opt): 0, -1 (said) or 1 (--families). */
static int parse_option(int c, const char *arg, void *ctx)
{
	struct aopts *o = ctx;
	struct ana_filter *flt = &o->flt;
	switch (c) {
	case 'd': o->db = arg; break;
	case 'r': return cmd_opt_rec(arg, &o->rec);
	case 'f': return cmd_opt_families(arg, &flt->families);
	case 'p': flt->path_glob = arg; break;
	case 'k': flt->fdkinds = arg; break;
	case 'n': flt->no_std = 1; break;
	case 'L': flt->no_loader = 1; break;
	case 'S': flt->site_glob = arg; break;
	case 'X': flt->exe_glob = arg; break;
	case 'U': flt->no_startup = 1; break;
	case 's': o->summary = 1; break;
	case 'F': list_families(); return 1;
	case 'j': o->json = 1; break;
	default: return -1;
	}
	return 0;
}

/* Parse argv into o.  -1: exit with FL_EXIT_USAGE; 1: done (--help,
 * --families), exit 0; 0: run. */
static int parse_options(int argc, char **argv, struct aopts *o)
{
	memset(o, 0, sizeof *o);
	o->db = FL_DEFAULT_DB;
	int rc = cmd_getopt(argc, argv, "d:f:p:h", options, usage, parse_option, o);
	return rc ? rc : cmd_no_operands(argc, argv);
}

static void print_json(struct store *st, const struct store_rec *r, const struct ana_points *pts,
		       const struct ana_filter *flt, size_t total)
{
	struct sb b;
	struct json j;
	sb_init(&b);
	json_init(&j, &b);
	json_obj(&j);
	json_kint(&j, "rec", r->id);
	json_key(&j, "points");
	json_arr(&j);
	for (size_t i = 0; i < pts->n; i++) {
		struct ana_point *p = &pts->v[i];
		if (!ana_match(flt, p))
			continue;
		json_obj(&j);
		json_kint(&j, "point", p->id);
		json_kstr(&j, "family", rec_families[p->family].name);
		json_kstr(&j, "syscall", p->name);
		json_kstr(&j, "thread", p->ident);
		json_kint(&j, "nth", p->nth);
		json_key(&j, "seq");
		json_uint(&j, p->seq);
		json_kstr(&j, "path", p->path);
		json_kstr(&j, "fdkind", p->fdkind);
		json_kbool(&j, "loader", p->loader);
		json_kbool(&j, "std", p->std_stream);
		json_kstr(&j, "errnos", p->errnos);
		struct sb lab;
		sb_init(&lab);
		ana_site_label(st, r->id, p->site, &lab);
		json_kstr(&j, "site", lab.s);
		sb_free(&lab);
		json_end(&j);
	}
	json_end(&j);
	json_kint(&j, "total", (long long)total);
	json_end(&j);
	sb_putc(&b, '\n');
	fputs(b.s, stdout);
	sb_free(&b);
}

/* One family's table: a line per point. */
static void print_family(struct store *st, long rec, const struct ana_points *pts,
			 const struct ana_filter *flt, int f)
{
	struct sb b;
	sb_init(&b);
	printf("  %6s %5s %-8s %5s %-12s %-40s %s\n", "POINT", "FID", "THREAD", "NTH",
	       "SYSCALL", "TARGET", "CALL SITE");
	for (size_t i = 0; i < pts->n; i++) {
		struct ana_point *p = &pts->v[i];
		if (p->family != f || !ana_match(flt, p))
			continue;
		sb_reset(&b);
		if (p->path)
			sb_printf(&b, "%s", p->path);
		if (p->fdkind && strcmp(p->fdkind, "file"))
			sb_printf(&b, " (%s)", p->fdkind);
		if (p->std_stream)
			sb_puts(&b, " [std]");
		if (p->loader)
			sb_puts(&b, " [ld.so]");
		struct sb lab;
		sb_init(&lab);
		ana_site_label(st, rec, p->site, &lab);
		printf("  %6ld %5ld %-8s %5u %-12s %-40s %s\n", p->id, p->fid, p->ident,
		       p->nth, p->name, b.s ? b.s : "", lab.s);
		sb_free(&lab);
	}
	sb_free(&b);
}

static void print_text(struct store *st, const struct store_rec *r, const struct ana_points *pts,
		       const struct aopts *o, const size_t *count, size_t total, size_t nstartup)
{
	printf("recording %ld: %s", r->id, r->exe);
	for (int i = 1; r->argv[0] && r->argv[i]; i++)
		printf(" %s", r->argv[i]);
	size_t nfid = ana_fid_count(pts, &o->flt);
	printf("\n%zu fault points%s, %zu failure IDs (points of a family with the same call "
	       "stack and target class share one; replay runs the first and last of each)\n",
	       total, total < pts->n ? " (after filters)" : "", nfid);
	if (nstartup)
		printf("%zu points are interpreter start-up, before the script's first own "
		       "call (--no-startup leaves them out)\n", nstartup);
	struct sb ow;
	sb_init(&ow);
	if (ana_outside_writes(pts, r->cwd, &ow)) {
		printf("written outside the working directory (each replay run gets its own "
		       "copy; `record --snapshot-path` keeps their initial state):\n");
		for (char *l = strtok(ow.s, "\n"); l; l = strtok(NULL, "\n"))
			printf("  %s\n", l);
	}
	sb_free(&ow);
	for (int f = 1; f < FAM__COUNT; f++) {
		if (!count[f])
			continue;
		printf("\n%s: %zu point%s; errnos %s\n", rec_families[f].name, count[f],
		       count[f] == 1 ? "" : "s", rec_families[f].errnos);
		if (!o->summary)
			print_family(st, r->id, pts, &o->flt, f);
	}
}

int cmd_analyze(int argc, char **argv)
{
	struct aopts o;
	int prc = parse_options(argc, argv, &o);
	if (prc)
		return prc < 0 ? FL_EXIT_USAGE : 0;
	struct store *st;
	struct store_rec r;
	struct ana_points pts;
	int ret = FL_EXIT_USAGE;
	memset(&pts, 0, sizeof pts);
	if (cmd_open_rec(o.db, STORE_WRITE, o.rec, &st, &r) < 0)
		return FL_EXIT_USAGE;
	size_t nstartup = 0;
	if (cmd_points(st, r.id, &pts, &o.flt, &nstartup) < 0)
		goto out;
	size_t count[FAM__COUNT] = { 0 }, total = 0;
	for (size_t i = 0; i < pts.n; i++)
		if (ana_match(&o.flt, &pts.v[i])) {
			count[pts.v[i].family]++;
			total++;
		}
	if (o.json)
		print_json(st, &r, &pts, &o.flt, total);
	else
		print_text(st, &r, &pts, &o, count, total, nstartup);
	ret = 0;
out:
	ana_points_free(&pts);
	store_rec_free(&r);
	store_close(st);
	return ret;
}
