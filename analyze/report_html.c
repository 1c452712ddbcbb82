/*
 * analyze/report_html.c - struct report as one self-contained HTML page.
 *
 * Everything is inline: CSS, a few lines of JS (copy buttons, a filter on
 * the runs table) and the SVG of report_svg.c, so the file opens offline
 * and can be attached to a CI run.  Every string from the database goes through sb_xml_escape()
 * (text and attribute values alike).  The page, top to bottom: the
 * recording's header, outcome counts, the timeline (one lane per process or
 * thread, fault points coloured by their worst outcome, then syscalls per
 * family per time bin), the findings by call site, the findings table,
 * one card per finding, and all runs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"


static void badge(struct sb *b, int oc)
{
	sb_printf(b, "<span class=\"badge\" style=\"background:%s;color:%s\">%s</span>",
		  rp_outcomes[oc].color, rp_outcomes[oc].ink, rpl_outcome_name[oc]);
}

static void result_of(struct sb *b, const struct rp_run *u)
{
	if (u->signal)
		sb_printf(b, "SIG%s", sigabbrev_np(u->signal) ? sigabbrev_np(u->signal) : "?");
	else
		sb_printf(b, "exit %d", u->exit_code);
}

const char *rp_base_name(const char *p)
{
	const char *s = p ? strrchr(p, '/') : NULL;
	return s ? s + 1 : p ? p : "";
}

static const char css[] =
"*{box-sizing:border-box}body{margin:0;background:#f4f6f8;color:#1f2328;"
"font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif}"
"main{max-width:1140px;margin:0 auto;padding:20px 24px 48px}"
"h1{font-size:22px;margin:4px 0 2px}h2{font-size:17px;margin:28px 0 10px}"
"h3{font-size:15px;margin:0 0 10px}h4{font-size:13px;margin:14px 0 6px;color:#57606a;"
"text-transform:uppercase;letter-spacing:.04em}"
".sub{color:#57606a;margin:0 0 14px}code,pre,.mono{font-family:ui-monospace,"
"'DejaVu Sans Mono',Menlo,Consolas,monospace;font-size:12.5px}"
".card{background:#fff;border:1px solid #d8dee4;border-radius:8px;padding:16px 18px;"
"margin:0 0 14px}"
"table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:5px 8px;"
"vertical-align:top;border-bottom:1px solid #eaeef2}th{font-weight:600;color:#57606a;"
"font-size:12.5px}tbody tr:nth-child(even){background:#f8fafb}"
"table.kv th{width:150px;white-space:nowrap}table.kv td{overflow-wrap:anywhere}"
".stats{display:flex;flex-wrap:wrap;gap:10px;margin:12px 0 0}.stat{background:#f6f8fa;"
"border:1px solid #eaeef2;border-radius:6px;padding:6px 12px;min-width:96px}"
".stat b{display:block;font-size:18px}.stat span{color:#57606a;font-size:12px}"
".badge{display:inline-block;border-radius:10px;padding:1px 9px;font-size:12px;"
"font-weight:600;white-space:nowrap}"
".chips{display:flex;flex-wrap:wrap;gap:8px}.chip{display:flex;align-items:center;gap:6px;"
"border:1px solid #eaeef2;border-radius:16px;padding:3px 10px 3px 4px;background:#fff}"
".chip.zero{opacity:.45}"
".legend{display:flex;flex-wrap:wrap;gap:6px 16px;margin:8px 0 0;font-size:12.5px;"
"color:#57606a}.sw{display:inline-block;width:11px;height:11px;border-radius:2px;"
"margin-right:5px;vertical-align:-1px}"
"svg{display:block;width:100%;height:auto}svg text{font:11px system-ui,'DejaVu Sans',"
"sans-serif;fill:#57606a}svg .lab{fill:#1f2328}"
"pre{margin:0;background:#f6f8fa;border:1px solid #eaeef2;border-radius:6px;"
"padding:8px 10px;white-space:pre-wrap;overflow-wrap:anywhere;max-height:260px;overflow:auto}"
".cols{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1.35fr);gap:16px}"
"table.calls{table-layout:fixed}table.calls td{padding:2px 6px;font-size:12px;border:0;"
"white-space:nowrap}table.calls td:nth-child(1){width:46px}"
"table.calls td:nth-child(2){width:82px}"
"table.calls td.c{white-space:normal;overflow-wrap:anywhere}"
"table.calls tr.inj{background:#fdecea!important;font-weight:600}"
".err{color:#c62828}.dim{color:#8c959f}.site{color:#57606a;font-weight:400}"
".repro{display:flex;gap:8px;align-items:flex-start}.repro pre{flex:1}"
"button{font:inherit;font-size:12px;border:1px solid #d0d7de;background:#f6f8fa;"
"border-radius:6px;padding:4px 10px;cursor:pointer}button:hover{background:#eef1f4}"
"a{color:#0969da;text-decoration:none}a:hover{text-decoration:underline}"
"details summary{cursor:pointer;font-weight:600;margin:0 0 8px}"
".none{color:#2e9e5b;font-weight:600}";

static const char js[] =
"document.querySelectorAll('button.copy').forEach(function(b){b.onclick=function(){"
"var t=b.parentNode.querySelector('pre').textContent,done=function(){b.textContent="
"'copied';setTimeout(function(){b.textContent='copy'},1200)};"
"if(navigator.clipboard){navigator.clipboard.writeText(t).then(done)}else{"
"var r=document.createRange();r.selectNodeContents(b.parentNode.querySelector('pre'));"
"getSelection().removeAllRanges();getSelection().addRange(r)}}});"
"var f=document.getElementById('runfilter');if(f)f.onchange=function(){"
"document.querySelectorAll('#runs tbody tr').forEach(function(tr){"
"tr.style.display=!f.value||tr.dataset.o===f.value?'':'none'})};";

static void stat(struct sb *b, const char *label, const char *value)
{
	sb_puts(b, "<div class=\"stat\"><b>");
	sb_xml_escape(b, value);
	sb_puts(b, "</b><span>");
	sb_xml_escape(b, label);
	sb_puts(b, "</span></div>");
}

static void header(struct report *r, struct sb *b)
{
	struct sb t;
	sb_init(&t);
	for (int i = 0; r->rec.argv[i]; i++) {
		sb_puts(&t, i ? " " : "");
		sb_shell_quote(&t, r->rec.argv[i]);
	}
	sb_puts(b, "<h1>faultline report: ");
	sb_xml_escape(b, rp_base_name(r->rec.exe));
	sb_printf(b, "</h1><p class=\"sub\">recording %ld", r->rec.id);
	if (r->sweep)
		sb_printf(b, ", sweep %ld", r->sweep);
	sb_puts(b, "</p><div class=\"card\"><table class=\"kv\"><tr><th>command</th><td class=\"mono\">");
	sb_xml_escape(b, t.s ? t.s : "");
	sb_puts(b, "</td></tr><tr><th>executable</th><td class=\"mono\">");
	sb_xml_escape(b, r->rec.exe);
	sb_puts(b, "</td></tr><tr><th>working directory</th><td class=\"mono\">");
	sb_xml_escape(b, r->rec.cwd);
	sb_puts(b, "</td></tr>");
	for (size_t i = 0; i < r->nsweeps; i++) {
		struct rp_sweep *w = &r->sweeps[i];
		sb_printf(b, "<tr><th>sweep %ld</th><td><span class=\"mono\">", w->id);
		if (!w->options || w->options[0] == ' ') {   /* replay keeps its argv */
			sb_puts(b, "faultline ");
			sb_xml_escape(b, w->kind ? w->kind : "replay");
		}
		sb_xml_escape(b, w->options ? w->options : "");
		sb_printf(b, "</span><br><span class=\"dim\">%ld runs, seed %llu, timeout %u s%s</span>"
			  "</td></tr>", w->nruns, (unsigned long long)w->seed, w->timeout_ms / 1000,
			  w->complete ? "" : ", <b>interrupted</b>");
	}
	sb_puts(b, "</table><div class=\"stats\">");
	sb_reset(&t);
	sb_printf(&t, "%d", r->rec.exit_code);
	stat(b, r->rec.complete ? "exit status" : "exit status (incomplete)", t.s);
	sb_reset(&t);
	rp_fmt_ns(&t, r->stats.span);
	stat(b, "duration", t.s);
	const long v[] = { r->stats.ncalls, r->stats.nfailed, r->stats.nprocs, r->stats.nthreads,
			   r->stats.npoints, (long)r->nruns, r->nbugs };
	const char *l[] = { "syscalls", "failed syscalls", "processes", "threads", "fault points",
			    "runs", "findings" };
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		sb_reset(&t);
		sb_printf(&t, "%ld", v[i]);
		stat(b, l[i], t.s);
	}
	sb_puts(b, "</div></div>");
	sb_free(&t);
}

static void outcome_chips(struct report *r, struct sb *b)
{
	sb_puts(b, "<div class=\"chips\">");
	for (int i = 0; i < RP__COUNT; i++) {
		if (i >= RP_DIVERGED && !r->count[i])
			continue;
		sb_printf(b, "<span class=\"chip%s\" title=\"%s\">", r->count[i] ? "" : " zero",
			  rp_outcomes[i].about);
		badge(b, i);
		sb_printf(b, "<b>%ld</b></span>", r->count[i]);
	}
	sb_puts(b, "</div>");
}

/* Findings grouped by call site, most first: where to look in the code. */
struct site_sum {
	const char *label;
	long findings, points, last_point;
	int worst;
	char faults[128];
};

static int cmp_sites(const void *a, const void *b)
{
	const struct site_sum *x = a, *y = b;
	return x->findings < y->findings ? 1 : x->findings > y->findings ? -1
	     : strcmp(x->label, y->label);
}

static void sites_table(struct report *r, struct sb *b)
{
	struct site_sum *v = NULL;
	size_t n = 0;
	for (size_t i = 0; i < r->nruns; i++) {
		struct rp_run *u = &r->runs[i];
		const char *label = u->p ? u->p->label : "?";
		size_t k = 0;
		if (!rpl_outcome_is_bug((enum rpl_outcome)(u->oc)))
			continue;
		while (k < n && strcmp(v[k].label, label))
			k++;
		if (k == n) {
			v = xrealloc(v, ++n * sizeof *v);
			v[k] = (struct site_sum){ .label = label, .worst = u->oc };
		}
		v[k].findings++;
		v[k].points += v[k].last_point != u->point;
		v[k].last_point = u->point;
		if (u->oc < v[k].worst)
			v[k].worst = u->oc;
		size_t fl = strlen(v[k].faults), ul = strlen(u->fault ? u->fault : "");
		if (ul && !strstr(v[k].faults, u->fault) && fl + ul + 3 < sizeof v[k].faults)
			snprintf(v[k].faults + fl, sizeof v[k].faults - fl, "%s%s", fl ? ", " : "",
				 u->fault);
	}
	qsort(v, n, sizeof *v, cmp_sites);
	sb_puts(b, "<table id=\"sites\"><thead><tr><th>call site</th><th>worst</th>"
		   "<th>findings</th><th>points</th><th>faults</th></tr></thead><tbody>");
	for (size_t k = 0; k < n; k++) {
		sb_puts(b, "<tr><td class=\"mono\">");
		sb_xml_escape(b, v[k].label);
		sb_puts(b, "</td><td>");
		badge(b, v[k].worst);
		sb_printf(b, "</td><td>%ld</td><td>%ld</td><td class=\"mono\">", v[k].findings,
			  v[k].points);
		sb_xml_escape(b, v[k].faults);
		sb_puts(b, "</td></tr>");
	}
	sb_puts(b, "</tbody></table>");
	free(v);
}

/* The distinct failures: what to fix, most runs first as they came. */
static void failures_table(struct report *r, struct sb *b)
{
	sb_puts(b, "<table id=\"failures\"><thead><tr><th>outcome</th><th>failure</th>"
		   "<th>runs</th><th>example</th><th>repro</th></tr></thead><tbody>");
	for (size_t i = 0; i < r->failures.n; i++) {
		const struct ana_failure *f = &r->failures.v[i];
		int oc = rpl_outcome_by_name(f->outcome);
		if (oc < 0)
			oc = RP_ERROR;
		sb_puts(b, "<tr><td>");
		badge(b, oc);
		sb_puts(b, "</td><td class=\"mono\">");
		sb_xml_escape(b, f->sig);
		sb_printf(b, "</td><td>%zu</td><td><a href=\"#f-%ld\">run %ld</a></td>"
			     "<td class=\"mono\">", f->runs, f->example, f->example);
		sb_xml_escape(b, f->repro);
		sb_puts(b, "</td></tr>");
	}
	sb_puts(b, "</tbody></table>");
}

static void findings_table(struct report *r, struct sb *b)
{
	if (!r->nbugs) {
		sb_printf(b, "<p class=\"none\">No run crashed, hung or broke the check (%zu runs).</p>",
			  r->nruns);
		return;
	}
	sb_puts(b, "<table id=\"findings\"><thead><tr><th>run</th><th>outcome</th><th>point</th>"
		   "<th>call</th><th>fault</th><th>call site</th><th>target</th><th>result</th>"
		   "</tr></thead><tbody>");
	for (size_t i = 0; i < r->nruns; i++) {
		struct rp_run *u = &r->runs[i];
		if (!rpl_outcome_is_bug((enum rpl_outcome)(u->oc)))
			continue;
		sb_printf(b, "<tr class=\"finding-row\"><td><a href=\"#f-%ld\">%ld</a></td><td>",
			  u->run, u->run);
		badge(b, u->oc);
		sb_printf(b, "</td><td>%ld</td><td class=\"mono\">", u->point);
		sb_xml_escape(b, u->p ? u->p->syscall : "?");
		if (u->p)
			sb_printf(b, " #%u", u->p->nth);
		sb_puts(b, "</td><td class=\"mono\">");
		sb_xml_escape(b, u->fault);
		sb_puts(b, "</td><td class=\"mono\">");
		sb_xml_escape(b, u->p ? u->p->label : "?");
		sb_puts(b, "</td><td class=\"mono\">");
		sb_xml_escape_n(b, u->p && u->p->path ? u->p->path : "", 48);
		sb_puts(b, "</td><td>");
		result_of(b, u);
		sb_puts(b, "</td></tr>");
	}
	sb_puts(b, "</tbody></table>");
}

static void call_row(struct sb *b, const struct rp_call *c, uint64_t inj, const char *fault)
{
	sb_printf(b, "<tr%s><td class=\"dim\">%llu</td><td class=\"dim\">+", c->seq == inj ?
		  " class=\"inj\"" : "", (unsigned long long)c->seq);
	rp_fmt_ns(b, c->ts);
	sb_puts(b, "</td><td class=\"c mono\">");
	sb_xml_escape(b, c->name ? c->name : "?");
	sb_putc(b, '(');
	sb_xml_escape_n(b, c->args ? c->args : "", 150);
	sb_puts(b, ") = ");
	if (!c->finished) {
		sb_puts(b, "?");
	} else if (c->errname) {
		sb_puts(b, "-1 <span class=\"err\">");
		sb_xml_escape(b, c->errname);
		sb_puts(b, "</span>");
	} else if (c->ret > 0xffffffffll) {
		sb_printf(b, "0x%llx", (unsigned long long)c->ret);
	} else {
		sb_printf(b, "%lld", (long long)c->ret);
	}
	if (c->seq == inj) {
		sb_puts(b, " <span class=\"err\">\xe2\x97\x80 replay injects ");
		sb_xml_escape(b, fault);
		sb_puts(b, " here</span>");
	}
	sb_puts(b, "</td></tr>");
}

static void card(struct sb *b, const struct rp_run *u)
{
	const struct rp_point *p = u->p;
	sb_printf(b, "<section class=\"card finding\" id=\"f-%ld\"><h3>", u->run);
	badge(b, u->oc);
	sb_puts(b, " <span class=\"mono\">");
	sb_xml_escape(b, p ? p->syscall : "?");
	sb_printf(b, "</span> #%u (point %ld) with <span class=\"mono\">", p ? p->nth : 0, u->point);
	sb_xml_escape(b, u->fault);
	sb_puts(b, "</span> <span class=\"site\">at ");
	sb_xml_escape(b, p ? p->label : "?");
	sb_puts(b, "</span></h3><table class=\"kv\"><tr><th>target</th><td class=\"mono\">");
	sb_xml_escape(b, p && p->path ? p->path : "-");
	sb_puts(b, "</td></tr><tr><th>result</th><td>");
	result_of(b, u);
	sb_printf(b, ", fault %s, run %ld of sweep %ld (seed %llu, %llu ms)</td></tr>",
		  u->fired ? "fired" : "not fired", u->run, u->sweep, (unsigned long long)u->seed,
		  (unsigned long long)u->dur_ms);
	if (p) {
		sb_puts(b, "<tr><th>thread</th><td>");
		sb_xml_escape(b, p->ident ? p->ident : "?");
		sb_printf(b, " (tid %d in the recording), call seq %llu at +", p->tid,
			  (unsigned long long)p->seq);
		rp_fmt_ns(b, p->ts);
		sb_puts(b, "</td></tr>");
	}
	sb_puts(b, "</table><div class=\"cols\"><div><h4>Output of the run and the check</h4><pre>");
	sb_xml_escape(b, u->output && *u->output ? u->output : "(none)");
	sb_puts(b, "</pre></div><div><h4>The thread's calls from the point on, as recorded</h4>");
	if (p) {
		sb_puts(b, "<table class=\"calls\">");
		for (size_t k = 0; k < u->nnext; k++)
			call_row(b, &u->next[k], p->seq, u->fault);
		sb_puts(b, "</table><p class=\"dim\">What the unfaulted program did next; replay "
			   "runs are not recorded.</p>");
	}
	sb_puts(b, "</div></div><h4>Reproduce</h4><div class=\"repro\"><pre class=\"repro-line\">");
	sb_xml_escape(b, u->repro ? u->repro : "");
	sb_puts(b, "</pre><button class=\"copy\" type=\"button\">copy</button></div></section>");
}

static void runs_table(struct report *r, struct sb *b)
{
	sb_printf(b, "<details class=\"card\"><summary>All %zu runs</summary>"
		     "<p>Show <select id=\"runfilter\"><option value=\"\">every outcome</option>",
		  r->nruns);
	for (int i = 0; i < RP__COUNT; i++)
		if (r->count[i])
			sb_printf(b, "<option>%s</option>", rpl_outcome_name[i]);
	sb_puts(b, "</select></p><table id=\"runs\"><thead><tr><th>run</th><th>sweep</th>"
		   "<th>point</th><th>call</th><th>fault</th><th>outcome</th><th>result</th>"
		   "<th>call site</th><th>ms</th></tr></thead><tbody>");
	for (size_t i = 0; i < r->nruns; i++) {
		struct rp_run *u = &r->runs[i];
		sb_printf(b, "<tr data-o=\"%s\"><td>%ld</td><td>%ld</td><td>%ld</td><td class=\"mono\">",
			  rpl_outcome_name[u->oc], u->run, u->sweep, u->point);
		sb_xml_escape(b, u->p ? u->p->syscall : "?");
		sb_puts(b, "</td><td class=\"mono\">");
		sb_xml_escape(b, u->fault);
		sb_puts(b, "</td><td>");
		badge(b, u->oc);
		sb_puts(b, "</td><td>");
		result_of(b, u);
		sb_puts(b, "</td><td class=\"mono\">");
		sb_xml_escape(b, u->p ? u->p->label : "?");
		sb_printf(b, "</td><td>%llu</td></tr>", (unsigned long long)u->dur_ms);
	}
	sb_puts(b, "</tbody></table></details>");
}

int rp_write_html(struct report *r, FILE *f)
{
	struct sb b;
	sb_init(&b);
	sb_puts(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		    "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
		    "<title>faultline report: ");
	sb_xml_escape(&b, rp_base_name(r->rec.exe));
	sb_printf(&b, "</title><style>%s</style></head><body><main>", css);
	header(r, &b);
	sb_puts(&b, "<h2>Outcomes</h2>");
	outcome_chips(r, &b);
	sb_puts(&b, "<h2>Timeline</h2><div class=\"card\">");
	rp_timeline(r, &b);
	if (r->nbugs) {
		sb_printf(&b, "</div><h2>Distinct failures (%zu)</h2><div class=\"card\">",
			  r->failures.n);
		failures_table(r, &b);
		sb_puts(&b, "</div><h2>Findings by call site</h2><div class=\"card\">");
		sites_table(r, &b);
	}
	sb_printf(&b, "</div><h2>Findings (%ld)</h2><div class=\"card\">", r->nbugs);
	findings_table(r, &b);
	sb_puts(&b, "</div>");
	long cards = 0;
	for (size_t i = 0; i < r->nruns && cards < RP_MAX_CARDS; i++)
		if (rpl_outcome_is_bug((enum rpl_outcome)r->runs[i].oc)) {
			card(&b, &r->runs[i]);
			cards++;
		}
	if (r->nbugs > cards)
		sb_printf(&b, "<p class=\"dim\">%ld more findings are in the table above and in "
			      "<code>faultline report --json</code>.</p>", r->nbugs - cards);
	if (r->nruns)
		runs_table(r, &b);
	sb_printf(&b, "<p class=\"dim\">faultline %s</p></main><script>%s</script></body></html>\n",
		  FL_VERSION, js);
	int rc = fwrite(b.s, 1, b.len, f) == b.len ? 0 : -EIO;
	sb_free(&b);
	return rc;
}
