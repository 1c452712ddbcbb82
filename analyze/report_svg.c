/*
 * analyze/report_svg.c - the report's timeline: one lane per process or
 * thread (from its start_ts to its end_ts), every fault point of the
 * recording on its thread's lane at its call's time stamp, coloured by the
 * worst outcome of its runs (a grey tick if no run tried it), and below,
 * on the same time axis, the syscalls per family per time bin, stacked.
 * Plain SVG in the page, tooltips as <title>; a point with a finding links
 * to its card.
 */
#define _GNU_SOURCE
#include <string.h>

#include "report.h"

#define MAX_LANES 40
#define W 1100                        /* SVG user units */
#define X0 210                        /* plot area */
#define X1 1080
#define LANE_H 24
#define HIST_H 120

static const char *const fam_colors[RP_MAXFAM] = {
	"#4e79a7", "#f28e2b", "#76b7b2", "#b07aa1", "#9c755f", "#59a14f",
	"#ff9da7", "#a0cbe8", "#d4a6c8", "#86bcb6", "#bcbd22", "#c9ced6",
};

static const char *fam_color(const struct report *r, int f)
{
	return strcmp(r->fam[f], "other") ? fam_colors[f] : fam_colors[RP_MAXFAM - 1];
}

static double xof(const struct report *r, uint64_t ts)
{
	uint64_t span = r->stats.span ? r->stats.span : 1;
	if (ts > span)
		ts = span;
	return X0 + (double)ts / (double)span * (X1 - X0);
}

/* The first run of point id (runs are ordered by point), or r->nruns. */
static size_t first_run(const struct report *r, long id)
{
	size_t lo = 0, hi = r->nruns;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (r->runs[mid].point < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int lane_of(const struct report *r, const struct rp_point *p, size_t nlanes)
{
	int any = -1;
	for (size_t i = 0; i < nlanes; i++) {
		const struct rp_proc *q = &r->procs[i];
		if (q->tid != p->tid)
			continue;
		if (p->ts >= q->start && (!q->ended || p->ts <= q->end))
			return (int)i;
		any = (int)i;
	}
	return any;
}

static void marker(struct report *r, struct sb *b, const struct rp_point *p, double y)
{
	double x = xof(r, p->ts);
	struct sb t;
	sb_init(&t);
	sb_printf(&t, "point %ld: %s #%u of %s in thread %s", p->id, p->syscall ? p->syscall : "?",
		  p->nth, p->family ? p->family : "?", p->ident ? p->ident : "?");
	if (p->path)
		sb_printf(&t, " on %s", p->path);
	sb_printf(&t, "\nat %s, +", p->label ? p->label : "?");
	rp_fmt_ns(&t, p->ts);
	size_t k = first_run(r, p->id), bug = r->nruns;
	for (; k < r->nruns && r->runs[k].point == p->id; k++) {
		sb_printf(&t, "\n%s: %s", r->runs[k].fault, rpl_outcome_name[r->runs[k].oc]);
		if (bug == r->nruns && rpl_outcome_is_bug((enum rpl_outcome)r->runs[k].oc))
			bug = k;
	}
	if (bug < r->nruns)
		sb_printf(b, "<a href=\"#f-%ld\">", r->runs[bug].run);
	sb_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"6\" height=\"%d\" rx=\"1.5\" "
		  "fill=\"%s\" stroke=\"#fff\" stroke-width=\"1\"><title>", x - 3, y + 2,
		  LANE_H - 6, rp_outcomes[p->worst].color);
	sb_xml_escape(b, t.s);
	sb_puts(b, "</title></rect>");
	if (bug < r->nruns)
		sb_puts(b, "</a>");
	sb_free(&t);
}

/* Axis ticks: a step of 1, 2 or 5 times a power of ten, about 8 of them;
 * labels in the unit of the span. */
static void axis(struct report *r, struct sb *b, double top, double bottom)
{
	uint64_t span = r->stats.span ? r->stats.span : 1, raw = span / 8 ? span / 8 : 1;
	uint64_t p = 1, step, unit;
	while (p * 10 <= raw)
		p *= 10;
	step = raw <= p ? p : raw <= 2 * p ? 2 * p : raw <= 5 * p ? 5 * p : 10 * p;
	const char *uname = span >= 1000000000ull ? "s" : span >= 1000000ull ? "ms"
			  : span >= 1000ull ? "\xc2\xb5s" : "ns";
	unit = span >= 1000000000ull ? 1000000000ull : span >= 1000000ull ? 1000000ull
	     : span >= 1000ull ? 1000ull : 1;
	int dec = 0;
	for (uint64_t u = unit; u > 1 && step % u; u /= 10)
		dec++;
	for (uint64_t v = 0; v <= span; v += step) {
		double x = xof(r, v);
		sb_printf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eaeef2\"/>"
			  "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.*f%s%s</text>", x, x, top,
			  bottom, x, bottom + 14, dec, (double)v / (double)unit, v ? " " : "",
			  v ? uname : "");
	}
}

void rp_timeline(struct report *r, struct sb *b)
{
	size_t nl = r->nprocs < MAX_LANES ? r->nprocs : MAX_LANES;
	double lanes_top = 6, hist_top = lanes_top + (double)nl * LANE_H + 18;
	double hist_bot = hist_top + HIST_H, height = hist_bot + 24;
	long maxbin = 1;
	for (int k = 0; k < RP_BINS; k++) {
		long s = 0;
		for (int f = 0; f < r->nfam; f++)
			s += r->bins[f][k];
		if (s > maxbin)
			maxbin = s;
	}
	sb_printf(b, "<svg viewBox=\"0 0 %d %.0f\" role=\"img\" aria-label=\"timeline\">", W, height);
	axis(r, b, lanes_top, hist_bot);
	for (size_t i = 0; i < nl; i++) {
		struct rp_proc *q = &r->procs[i];
		double y = lanes_top + (double)i * LANE_H, x0 = xof(r, q->start);
		double x1 = xof(r, q->ended ? q->end : r->stats.span);
		sb_printf(b, "<text class=\"lab\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">"
			  "<tspan font-weight=\"600\">", X0 - 10, y + LANE_H / 2 + 4);
		sb_xml_escape_n(b, q->ident, 14);
		sb_puts(b, "</tspan>  ");
		sb_xml_escape_n(b, rp_base_name(q->exe), 16);
		sb_printf(b, " <tspan fill=\"#8c959f\">%s %d</tspan></text>", q->is_thread ? "tid" : "pid",
			  q->is_thread ? q->tid : q->pid);
		sb_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" rx=\"3\" "
			  "fill=\"%s\" stroke=\"#b6c2cf\"><title>", x0, y + 5, x1 - x0 < 2 ? 2 : x1 - x0,
			  LANE_H - 10, q->is_thread ? "#eef2f7" : "#dde5ee");
		sb_printf(b, "%s %d (", q->is_thread ? "thread" : "process", q->tid);
		sb_xml_escape(b, q->ident);
		sb_putc(b, ')');
		if (q->ended && q->exit_code >= 0)
			sb_printf(b, ", exit %d", q->exit_code);
		sb_puts(b, "</title></rect>");
	}
	/* fault points: the ones no run tried as thin ticks, then the rest,
	 * the worst drawn last so that it stays on top */
	for (size_t i = 0; i < r->npoints; i++) {
		struct rp_point *p = &r->points[i];
		int lane = p->nruns ? -1 : lane_of(r, p, nl);
		if (lane >= 0)
			sb_printf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" "
				  "stroke=\"#8c959f\" stroke-opacity=\".55\"/>", xof(r, p->ts),
				  xof(r, p->ts), lanes_top + lane * LANE_H + 7,
				  lanes_top + lane * LANE_H + LANE_H - 7);
	}
	for (int oc = RP__COUNT - 1; oc >= 0; oc--)
		for (size_t i = 0; i < r->npoints; i++) {
			struct rp_point *p = &r->points[i];
			int lane = p->worst == oc ? lane_of(r, p, nl) : -1;
			if (lane >= 0)
				marker(r, b, p, lanes_top + lane * LANE_H);
		}
	if (r->nprocs > nl)
		sb_printf(b, "<text x=\"%d\" y=\"%.1f\">\xe2\x80\xa6 %zu more processes and threads "
			  "not drawn</text>", X0, hist_top - 6, r->nprocs - nl);
	/* syscalls per family per bin, stacked */
	double bw = (double)(X1 - X0) / RP_BINS;
	for (int k = 0; k < RP_BINS; k++) {
		double y = hist_bot;
		for (int f = 0; f < r->nfam; f++) {
			long n = r->bins[f][k];
			if (!n)
				continue;
			double h = (double)n / (double)maxbin * (HIST_H - 8);
			y -= h;
			sb_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
				  "<title>", X0 + k * bw + 0.5, y, bw - 1, h, fam_color(r, f));
			sb_xml_escape(b, r->fam[f]);
			sb_printf(b, ": %ld call%s</title></rect>", n, n == 1 ? "" : "s");
		}
	}
	sb_printf(b, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#8c959f\"/>"
		  "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" class=\"lab\">syscalls</text>"
		  "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">max %ld per bin</text></svg>",
		  X0, X1, hist_bot, hist_bot, X0 - 10, hist_top + HIST_H / 2, X0 - 10,
		  hist_top + HIST_H / 2 + 15, maxbin);
	sb_puts(b, "<div class=\"legend\"><b>fault points:</b>");
	for (int i = 0; i < RP__COUNT; i++)
		sb_printf(b, "<span><i class=\"sw\" style=\"background:%s\"></i>%s</span>",
			  rp_outcomes[i].color, rpl_outcome_name[i]);
	sb_puts(b, "<span><i class=\"sw\" style=\"background:#fff;border:1px solid #8c959f\"></i>"
		   "not tried</span></div><div class=\"legend\"><b>syscalls by family:</b>");
	for (int f = 0; f < r->nfam; f++) {
		sb_printf(b, "<span><i class=\"sw\" style=\"background:%s\"></i>", fam_color(r, f));
		sb_xml_escape(b, r->fam[f]);
		sb_printf(b, " <span class=\"dim\">%ld</span></span>", r->famtotal[f]);
	}
	sb_puts(b, "</div>");
}

