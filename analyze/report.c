/*
 * analyze/report.c - `faultline report`: one recording and the runs of its
 * sweeps as a self-contained HTML page (--html), a JSON summary (--json),
 * or a few lines of text.
 *
 * It reads the database only (store/results.h), so a report can be made
 * from a copy, a merged database or one another faultline is writing.
 * Gathering (this file) fills struct report; report_html.c draws it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../cmd.h"
#include "../json.h"
#include "ana.h"
#include "report.h"

const struct rp_outcome rp_outcomes[RP__COUNT] = {
	[RP_CRASH] = { "#7f1d1d", "#fff", "killed by a crash signal" },
	[RP_HANG] = { "#c62828", "#fff", "outlived --timeout" },
	[RP_BROKEN] = { "#ef5350", "#fff", "the --check failed" },
	[RP_SILENT] = { "#f2c200", "#3a3000", "exit 0 although the fault fired" },
	[RP_RETRIED] = { "#3f8f7a", "#fff", "the call was reissued and completed, check held" },
	[RP_HANDLED] = { "#2e9e5b", "#fff", "failed cleanly, check held" },
	[RP_NOT_REACHED] = { "#a0a7b0", "#1f2328", "the fault never fired" },
	[RP_DIVERGED] = { "#8a6fb0", "#fff", "the armed call was not the recorded one: not injected" },
	[RP_ERROR] = { "#5f6670", "#fff", "faultline could not run it" },
	[RP_CLEAN] = { "#8fb8a0", "#1f2328", "the baseline: nothing injected, check held" },
};

static int outcome_of(const char *name)
{
	int oc = rpl_outcome_by_name(name);
	return oc < 0 ? RP_ERROR : oc;
}

static char *dup0(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

#define PUSH(v, n) (v = xrealloc(v, (n + 1) * sizeof *v), &v[n++])

static int add_proc(void *arg, const struct store_procrow *p)
{
	struct report *r = arg;
	*PUSH(r->procs, r->nprocs) = (struct rp_proc){
		.pid = p->pid, .tid = p->tid, .ptid = p->ptid, .is_thread = p->is_thread,
		.ended = p->ended, .exit_code = p->exit_code, .ident = xstrdup(p->ident),
		.exe = dup0(p->exe), .start = p->start_ts, .end = p->end_ts,
	};
	return 0;
}

static int add_point(void *arg, const struct store_pointrow *p)
{
	struct report *r = arg;
	*PUSH(r->points, r->npoints) = (struct rp_point){
		.id = p->id, .seq = p->seq, .ts = p->ts, .site = p->site, .tid = p->tid,
		.nth = p->nth, .family = dup0(p->family), .syscall = dup0(p->syscall),
		.ident = dup0(p->ident), .path = dup0(p->path), .worst = -1,
	};
	return 0;
}

static int add_sweep(void *arg, const struct store_sweeprow *w)
{
	struct report *r = arg;
	*PUSH(r->sweeps, r->nsweeps) = (struct rp_sweep){
		.id = w->id, .nruns = w->nruns, .kind = dup0(w->kind), .setup = dup0(w->setup),
		.check = dup0(w->check), .options = dup0(w->options), .seed = w->seed,
		.started = w->started_ns, .ended = w->ended_ns, .timeout_ms = w->timeout_ms,
		.complete = w->complete,
	};
	return 0;
}

static struct rp_point *point_by_id(struct report *r, long id)
{
	size_t lo = 0, hi = r->npoints;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (r->points[mid].id == id)
			return &r->points[mid];
		if (r->points[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int add_run(void *arg, const struct store_runrow *w)
{
	struct report *r = arg;
	struct rp_point *p = point_by_id(r, w->point);
	int oc = outcome_of(w->outcome);
	if (w->point == 0 && w->fault && !strcmp(w->fault, "none")) {
		r->nbaselines++;
		r->baselines_failed += oc != RP_CLEAN;
		return 0;
	}
	*PUSH(r->runs, r->nruns) = (struct rp_run){
		.run = w->run, .sweep = w->sweep, .point = w->point, .fault = dup0(w->fault),
		.outcome = dup0(w->outcome), .repro = dup0(w->repro), .output = dup0(w->output),
		.fired = w->fired, .exit_code = w->exit_code, .signal = w->signal, .oc = oc,
		.dur_ms = w->dur_ms, .seed = w->seed, .p = p,
	};
	r->count[oc]++;
	r->nbugs += rpl_outcome_is_bug((enum rpl_outcome)(oc));
	if (p) {
		p->nruns++;
		if (p->worst < 0 || oc < p->worst)
			p->worst = oc;
	}
	return 0;
}

/* Family histogram: the RP_MAXFAM - 1 busiest families by name, the rest
 * (and calls of no family) together as "other". */
struct fambin {
	char *fam;
	int bin;
	long n;
};
struct fambins {
	struct fambin *v;
	size_t n;
};

static int add_bin(void *arg, const char *family, int bin, long n)
{
	struct fambins *b = arg;
	*PUSH(b->v, b->n) = (struct fambin){ xstrdup(family ? family : "other"), bin, n };
	return 0;
}

static int fam_slot(struct report *r, const char *name, int create)
{
	for (int i = 0; i < r->nfam; i++)
		if (!strcmp(r->fam[i], name))
			return i;
	if (!create || r->nfam == RP_MAXFAM)
		return -1;
	r->fam[r->nfam] = xstrdup(name);
	return r->nfam++;
}

static int cmp_total(const void *a, const void *b)
{
	const struct fambin *x = a, *y = b;
	return x->n < y->n ? 1 : x->n > y->n ? -1 : strcmp(x->fam, y->fam);
}

static int gather_bins(struct report *r)
{
	struct fambins b = { 0 }, tot = { 0 };
	int rc = store_family_bins(r->st, r->rec.id, r->stats.span, RP_BINS, add_bin, &b);
	for (size_t i = 0; rc == 0 && i < b.n; i++) {
		size_t j = 0;
		while (j < tot.n && strcmp(tot.v[j].fam, b.v[i].fam))
			j++;
		if (j == tot.n)
			*PUSH(tot.v, tot.n) = (struct fambin){ b.v[i].fam, 0, 0 };
		tot.v[j].n += b.v[i].n;
	}
	qsort(tot.v, tot.n, sizeof *tot.v, cmp_total);
	for (size_t j = 0; j < tot.n && r->nfam < RP_MAXFAM - 1; j++)
		if (strcmp(tot.v[j].fam, "other"))
			fam_slot(r, tot.v[j].fam, 1);
	for (size_t j = 0; j < tot.n; j++)
		if (fam_slot(r, tot.v[j].fam, 0) < 0)
			fam_slot(r, "other", 1);     /* last, so drawn on top, grey */
	for (size_t i = 0; rc == 0 && i < b.n; i++) {
		int k = fam_slot(r, b.v[i].fam, 0);
		if (k < 0)
			k = fam_slot(r, "other", 1);
		if (b.v[i].bin >= 0 && b.v[i].bin < RP_BINS)
			r->bins[k][b.v[i].bin] += b.v[i].n;
		r->famtotal[k] += b.v[i].n;
	}
	for (size_t i = 0; i < b.n; i++)
		free(b.v[i].fam);
	free(b.v);
	free(tot.v);
	return rc;
}

static int gather(struct report *r)
{
	int rc = store_rec_stats(r->st, r->rec.id, &r->stats);
	if (!rc)
		rc = store_each_proc(r->st, r->rec.id, add_proc, r);
	if (!rc)
		rc = store_each_point(r->st, r->rec.id, add_point, r);
	if (!rc)
		rc = store_each_sweep(r->st, r->rec.id, r->sweep, add_sweep, r);
	if (!rc)
		rc = store_each_run(r->st, r->rec.id, r->sweep, add_run, r);
	if (!rc)
		rc = gather_bins(r);
	for (size_t i = 0; !rc && i < r->npoints; i++) {
		struct sb lab;
		sb_init(&lab);
		if (r->points[i].nruns)
			ana_site_label(r->st, r->rec.id, r->points[i].site, &lab);
		r->points[i].label = xstrdup(lab.s ? lab.s : "?");
		sb_free(&lab);
	}
	for (size_t i = 0; !rc && i < r->nruns; i++) {
		struct rp_run *u = &r->runs[i];
		if (!rpl_outcome_is_bug((enum rpl_outcome)(u->oc)))
			continue;
		struct sb sig;
		sb_init(&sig);
		ana_failure_sig(rpl_outcome_name[u->oc], u->fault, u->p ? u->p->label : NULL,
				u->output, &sig);
		ana_failures_add(&r->failures, sig.s, u->run, rpl_outcome_name[u->oc], u->repro);
		sb_free(&sig);
	}
	return rc;
}

static int add_next_call(void *arg, const struct store_row *c)
{
	struct rp_run *u = arg;
	u->next = xrealloc(u->next, (u->nnext + 1) * sizeof *u->next);
	u->next[u->nnext++] = (struct rp_call){
		.seq = c->seq, .ts = c->ts, .name = dup0(c->name), .args = dup0(c->args),
		.errname = dup0(c->errname), .finished = c->finished, .ret = c->ret,
	};
	return 0;
}

int rp_gather_cards(struct report *r)
{
	int rc = 0;
	long cards = 0;
	for (size_t i = 0; rc == 0 && i < r->nruns && cards < RP_MAX_CARDS; i++) {
		struct rp_run *u = &r->runs[i];
		if (!rpl_outcome_is_bug((enum rpl_outcome)u->oc))
			continue;
		cards++;
		if (u->p)
			rc = store_each_call_from(r->st, r->rec.id, u->p->tid, u->p->seq,
						  RP_NEXT_CALLS, add_next_call, u);
	}
	return rc;
}

static void report_free(struct report *r)
{
	ana_failures_free(&r->failures);
	for (size_t i = 0; i < r->nprocs; i++) {
		free(r->procs[i].ident);
		free(r->procs[i].exe);
	}
	for (size_t i = 0; i < r->npoints; i++) {
		struct rp_point *p = &r->points[i];
		free(p->family), free(p->syscall), free(p->ident), free(p->path), free(p->label);
	}
	for (size_t i = 0; i < r->nruns; i++) {
		struct rp_run *u = &r->runs[i];
		free(u->fault), free(u->outcome), free(u->repro), free(u->output);
		for (size_t k = 0; k < u->nnext; k++)
			free(u->next[k].name), free(u->next[k].args), free(u->next[k].errname);
		free(u->next);
	}
	for (size_t i = 0; i < r->nsweeps; i++) {
		struct rp_sweep *w = &r->sweeps[i];
		free(w->kind), free(w->setup), free(w->check), free(w->options);
	}
	for (int i = 0; i < r->nfam; i++)
		free(r->fam[i]);
	free(r->procs), free(r->points), free(r->runs), free(r->sweeps);
	store_rec_free(&r->rec);
}

/* Three significant digits at most, without an exponent. */
static void fmt3(struct sb *b, double v, const char *unit)
{
	sb_printf(b, v >= 100 ? "%.0f %s" : v >= 10 ? "%.1f %s" : "%.2f %s", v, unit);
}

void rp_fmt_ns(struct sb *b, uint64_t ns)
{
	if (ns >= 1000000000ull)
		fmt3(b, (double)ns / 1e9, "s");
	else if (ns >= 1000000ull)
		fmt3(b, (double)ns / 1e6, "ms");
	else if (ns >= 1000ull)
		fmt3(b, (double)ns / 1e3, "\xc2\xb5s");
	else
		sb_printf(b, "%llu ns", (unsigned long long)ns);
}

static void print_json(struct report *r, const char *html)
{
	struct sb b;
	struct json j;
	sb_init(&b);
	json_init(&j, &b);
	json_obj(&j);
	json_kint(&j, "rec", r->rec.id);
	json_kstr(&j, "exe", r->rec.exe);
	json_key(&j, "argv");
	json_arr(&j);
	for (int i = 0; r->rec.argv[i]; i++)
		json_str(&j, r->rec.argv[i]);
	json_end(&j);
	json_kint(&j, "exit", r->rec.exit_code);
	json_key(&j, "seconds");
	json_double(&j, (double)r->stats.span / 1e9);
	json_kbool(&j, "complete", r->rec.complete);
	json_kint(&j, "calls", r->stats.ncalls);
	json_kint(&j, "failed_calls", r->stats.nfailed);
	json_kint(&j, "processes", r->stats.nprocs);
	json_kint(&j, "threads", r->stats.nthreads);
	json_kint(&j, "points", r->stats.npoints);
	json_key(&j, "sweeps");
	json_arr(&j);
	for (size_t i = 0; i < r->nsweeps; i++)
		json_int(&j, r->sweeps[i].id);
	json_end(&j);
	json_kint(&j, "runs", (long long)r->nruns);
	json_kint(&j, "bugs", r->nbugs);
	json_key(&j, "outcomes");
	json_obj(&j);
	for (int i = 0; i < RP__COUNT; i++)
		json_kint(&j, rpl_outcome_name[i], r->count[i]);
	json_end(&j);
	json_key(&j, "findings");
	json_arr(&j);
	for (size_t i = 0; i < r->nruns; i++) {
		struct rp_run *u = &r->runs[i];
		if (!rpl_outcome_is_bug((enum rpl_outcome)(u->oc)))
			continue;
		json_obj(&j);
		json_kint(&j, "run", u->run);
		json_kint(&j, "sweep", u->sweep);
		json_kint(&j, "point", u->point);
		json_kstr(&j, "syscall", u->p ? u->p->syscall : NULL);
		json_kstr(&j, "family", u->p ? u->p->family : NULL);
		json_kstr(&j, "fault", u->fault);
		json_kstr(&j, "outcome", rpl_outcome_name[u->oc]);
		json_kint(&j, "exit", u->exit_code);
		json_kint(&j, "signal", u->signal);
		json_kstr(&j, "site", u->p ? u->p->label : NULL);
		json_kstr(&j, "path", u->p ? u->p->path : NULL);
		json_kstr(&j, "repro", u->repro);
		json_end(&j);
	}
	json_end(&j);
	json_key(&j, "failures");
	json_arr(&j);
	for (size_t i = 0; i < r->failures.n; i++) {
		const struct ana_failure *f = &r->failures.v[i];
		json_obj(&j);
		json_kstr(&j, "outcome", f->outcome);
		json_kstr(&j, "signature", f->sig);
		json_kint(&j, "runs", (long long)f->runs);
		json_kint(&j, "example", f->example);
		json_kstr(&j, "repro", f->repro);
		json_end(&j);
	}
	json_end(&j);
	json_kstr(&j, "html", html);
	json_end(&j);
	sb_putc(&b, '\n');
	fputs(b.s, stdout);
	sb_free(&b);
}

static void print_text(struct report *r)
{
	struct sb d;
	sb_init(&d);
	rp_fmt_ns(&d, r->stats.span);
	printf("recording %ld: %s", r->rec.id, r->rec.exe);
	for (int i = 1; r->rec.argv[0] && r->rec.argv[i]; i++)
		printf(" %s", r->rec.argv[i]);
	printf("\n  exit %d, %s, %ld calls (%ld failed), %ld process%s, %ld thread%s, "
	       "%ld fault points\n", r->rec.exit_code, d.s, r->stats.ncalls, r->stats.nfailed,
	       r->stats.nprocs, r->stats.nprocs == 1 ? "" : "es", r->stats.nthreads,
	       r->stats.nthreads == 1 ? "" : "s", r->stats.npoints);
	for (size_t i = 0; i < r->nsweeps; i++)
		printf("sweep %ld: %ld runs%s%s%s\n", r->sweeps[i].id, r->sweeps[i].nruns,
		       r->sweeps[i].check ? ", check '" : "", r->sweeps[i].check ? r->sweeps[i].check : "",
		       r->sweeps[i].check ? "'" : "");
	printf("%zu runs:", r->nruns);
	for (int i = 0; i < RP__COUNT; i++)
		if (r->count[i] || i < RP_DIVERGED)
			printf("%s %ld %s", i ? "," : "", r->count[i], rpl_outcome_name[i]);
	printf("\n");
	if (r->nruns && (r->count[RP_NOT_REACHED] || r->count[RP_DIVERGED]))
		printf("  inconclusive: %.1f%% not_reached, %.1f%% diverged\n",
		       100.0 * (double)r->count[RP_NOT_REACHED] / (double)r->nruns,
		       100.0 * (double)r->count[RP_DIVERGED] / (double)r->nruns);
	if (r->nbaselines)
		printf("%ld baseline run%s (nothing injected): %ld failed\n", r->nbaselines,
		       r->nbaselines == 1 ? "" : "s", r->baselines_failed);
	/* the distinct failures, not every bug run: --json and --html list those */
	if (r->failures.n)
		printf("%zu distinct failure%s (%ld run%s):\n", r->failures.n,
		       r->failures.n == 1 ? "" : "s", r->nbugs, r->nbugs == 1 ? "" : "s");
	for (size_t i = 0; i < r->failures.n; i++)
		printf("  %zux %s\n    example: run %ld\n    repro: %s\n", r->failures.v[i].runs,
		       r->failures.v[i].sig, r->failures.v[i].example, r->failures.v[i].repro);
	sb_free(&d);
}

static const struct option options[] = {
	CMD_OPT_DB, CMD_OPT_REC,
	{ "sweep", required_argument, 0, 's' }, { "html", required_argument, 0, 'o' },
	{ "json", no_argument, 0, 'j' }, CMD_OPT_HELP,
	CMD_OPT_END
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: faultline report [options]\n"
"\n"
"Summarise a recording and the runs of its replay sweeps.  --html writes one\n"
"self-contained page (no network): the recording's header, a timeline of its\n"
"processes and threads with every fault point coloured by the worst outcome\n"
"of its runs, syscalls by family over time, and each finding (crash, hang,\n"
"broken) with its call site, the check's output, what the recorded run did\n"
"next and the line that reproduces it.  Without --html or --json it prints\n"
"the summary and the findings as text.  It only reads the database.\n"
"\n"
"  -d, --db FILE     database (default %s)\n"
"      --rec N       recording N (default: the latest, or the --sweep's)\n"
"      --sweep N     only the runs of sweep N (default: every sweep of the\n"
"                    recording, e.g. all shards after `faultline merge`)\n"
"  -o, --html FILE   write the HTML report to FILE\n"
"      --json        print a JSON summary with the findings on stdout\n"
"  -h, --help        this text\n", FL_DEFAULT_DB);
}

static int parse_num(const char *what, const char *s, long *out)
{
	if (fl_parse_long(s, out) < 0 || *out < 1) {
		fl_error("%s wants a positive number, not '%s'", what, s);
		return -EINVAL;
	}
	return 0;
}

int cmd_report(int argc, char **argv)
{
	const char *db = FL_DEFAULT_DB, *html = NULL;
	long rec = 0, sweep = 0;
	int c, json = 0, ret = FL_EXIT_USAGE;
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:o:h", options, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'r': if (parse_num("--rec", optarg, &rec)) return FL_EXIT_USAGE; break;
		case 's': if (parse_num("--sweep", optarg, &sweep)) return FL_EXIT_USAGE; break;
		case 'o': html = optarg; break;
		case 'j': json = 1; break;
		case 'h': usage(stdout); return 0;
		default: return FL_EXIT_USAGE;   /* getopt said what */
		}
	}
	if (cmd_no_operands(argc, argv))
		return FL_EXIT_USAGE;
	struct report r;
	memset(&r, 0, sizeof r);
	r.sweep = sweep;
	if (cmd_open(db, STORE_RDONLY, &r.st) < 0)
		return FL_EXIT_USAGE;
	long srec = 0;
	if (sweep && store_sweep_rec(r.st, sweep, &srec) < 0) {
		fl_error("%s", store_errmsg(r.st));
		goto out;
	}
	if (sweep && rec && srec != rec) {
		fl_error("sweep %ld is of recording %ld, not %ld", sweep, srec, rec);
		goto out;
	}
	if (store_rec_get(r.st, rec ? rec : srec, &r.rec) < 0) {
		fl_error("%s", store_errmsg(r.st));
		goto out;
	}
	if (gather(&r) < 0) {
		fl_error("cannot read recording %ld from '%s': %s", r.rec.id, db,
			 store_errmsg(r.st));
		goto out;
	}
	if (html && rp_gather_cards(&r) < 0) {
		fl_error("cannot read recording %ld from '%s': %s", r.rec.id, db,
			 store_errmsg(r.st));
		goto out;
	}
	if (html) {
		FILE *f = fopen(html, "w");
		int rc = f ? rp_write_html(&r, f) : -errno;
		if (f && fclose(f) != 0 && rc == 0)
			rc = -errno;
		if (rc < 0) {
			fl_error("cannot write '%s': %s", html, strerror(-rc));
			goto out;
		}
	}
	if (json)
		print_json(&r, html);
	else if (html)
		printf("wrote %s: %ld finding%s in %zu runs of recording %ld\n", html, r.nbugs,
		       r.nbugs == 1 ? "" : "s", r.nruns, r.rec.id);
	else
		print_text(&r);
	ret = FL_EXIT_OK;
out:
	report_free(&r);
	store_close(r.st);
	return ret;
}
