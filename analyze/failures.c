/*
 * analyze/failures.c - distinct failures: the many bug runs of a sweep
 * grouped by what went wrong, so the few failures stand out.
 *
 * A failure's signature is its outcome, the class of its fault (EIO,
 * short, crash ...), where it was injected, and what the check said:
 *   - errno and short faults: the innermost frame of the call site outside
 *     the C library and the loader (the program's own code that met the
 *     error), symbolised;
 *   - kill and crash faults: no frame.  The failure is the state the
 *     program left, and many calls leave the same state; the check's words
 *     say which;
 *   - the check's output (its first lines after "--- check:"), with what
 *     changes from run to run folded: paths, numbers, hex strings, and
 *     quoted text (the data a check quotes, such as a torn last line).
 * Runs with equal signatures are one failure; the first run seen is its
 * example.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "ana.h"

#define SIG_LINES 3
#define SIG_LINE_MAX 160

static int is_hexdig(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

void ana_normalize_output(const char *out, struct sb *b)
{
	if (!out)
		return;
	/* the check's part only: faultline writes "--- check: CMD" before it */
	const char *c = NULL;
	for (const char *p = out; (p = strstr(p, "--- check: ")); p++)
		c = p;
	if (c) {
		c = strchr(c, '\n');
		out = c ? c + 1 : "";
	}
	int lines = 0;
	while (*out && lines < SIG_LINES) {
		size_t n = strcspn(out, "\n");
		size_t start = b->len;
		for (size_t i = 0; i < n && b->len - start < SIG_LINE_MAX;) {
			const char *w = out + i;
			/* quoted text is data the check shows (a torn line): '*' */
			if (*w == '\'' || *w == '"') {
				const char *q = memchr(w + 1, *w, n - i - 1);
				if (q) {
					sb_printf(b, "%c*%c", *w, *w);
					i += (size_t)(q - w) + 1;
					continue;
				}
			}
			size_t wl = strcspn(w, " \t'\"`(),:;=<>[]\n");
			if (wl > n - i)
				wl = n - i;
			if (wl == 0) {
				sb_putc(b, out[i++]);
				continue;
			}
			if (memchr(w, '/', wl)) {
				sb_puts(b, "<path>");
			} else {
				size_t dig = 0, hex = 0;
				for (size_t k = 0; k < wl; k++) {
					dig += w[k] >= '0' && w[k] <= '9';
					hex += is_hexdig(w[k]) != 0;
				}
				if ((wl >= 2 && w[0] == '0' && (w[1] == 'x' || w[1] == 'X')) ||
				    (hex == wl && wl >= 6 && dig))
					sb_putc(b, '#');
				else
					for (size_t k = 0; k < wl; k++) {
						if (w[k] >= '0' && w[k] <= '9') {
							while (k + 1 < wl && w[k + 1] >= '0' && w[k + 1] <= '9')
								k++;
							sb_putc(b, '#');
						} else {
							sb_putc(b, w[k]);
						}
					}
			}
			i += wl;
		}
		if (b->len > start) {
			sb_putc(b, '\n');
			lines++;
		}
		out += n + (out[n] == '\n');
	}
}

void ana_failure_sig(const char *outcome, const char *fault, const char *site_label,
		     const char *output, struct sb *sig)
{
	/* the fault's class: "EIO", "short", "crash", "crash:torn" (no /K) */
	size_t fl = fault ? strcspn(fault, "/,") : 0;
	int state_fault = fault && (!strncmp(fault, "crash", 5) || !strcmp(fault, "kill"));
	sb_printf(sig, "%s %.*s", outcome, (int)fl, fault ? fault : "");
	if (!state_fault && site_label)
		sb_printf(sig, " at %s", site_label);
	struct sb o;
	sb_init(&o);
	ana_normalize_output(output, &o);
	if (o.len) {
		/* one line: the check's lines joined */
		for (size_t i = 0; i < o.len; i++)
			if (o.s[i] == '\n')
				o.s[i] = i + 1 < o.len ? '|' : 0;
		sb_printf(sig, ": %s", o.s);
	}
	sb_free(&o);
}

size_t ana_failures_add(struct ana_failures *fs, const char *sig, long run, const char *outcome,
			const char *repro)
{
	for (size_t i = 0; i < fs->n; i++)
		if (!strcmp(fs->v[i].sig, sig)) {
			fs->v[i].runs++;
			return i;
		}
	fs->v = xrealloc(fs->v, (fs->n + 1) * sizeof *fs->v);
	fs->v[fs->n] = (struct ana_failure){
		.sig = xstrdup(sig), .outcome = xstrdup(outcome ? outcome : ""), .runs = 1,
		.example = run, .repro = xstrdup(repro ? repro : ""),
	};
	return fs->n++;
}

void ana_failures_free(struct ana_failures *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		free(fs->v[i].sig);
		free(fs->v[i].outcome);
		free(fs->v[i].repro);
	}
	free(fs->v);
	memset(fs, 0, sizeof *fs);
}
