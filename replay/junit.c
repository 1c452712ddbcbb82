/*
 * replay/junit.c - JUnit XML for CI systems: one <testcase> per run that
 * found no bug (<skipped> for not_reached, diverged and error) and one per
 * distinct failure (replay.c groups the bug runs), with a <failure> whose
 * message is the failure's signature and repro line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "rpl.h"

void rpl_junit_case(struct sb *b, const char *family, const char *name,
		    enum rpl_outcome oc, double secs, const char *repro, const char *output)
{
	sb_puts(b, "    <testcase classname=\"faultline.");
	sb_xml_escape(b, family);
	sb_puts(b, "\" name=\"");
	sb_xml_escape(b, name);
	sb_printf(b, "\" time=\"%.3f\">\n", secs);
	if (rpl_outcome_is_bug(oc)) {
		sb_printf(b, "      <failure type=\"%s\" message=\"%s: ", rpl_outcome_name[oc],
			  rpl_outcome_name[oc]);
		sb_xml_escape(b, repro);
		sb_puts(b, "\">");
		sb_xml_escape(b, repro);
		sb_puts(b, "</failure>\n");
	} else if (oc == OUT_NOT_REACHED || oc == OUT_DIVERGED || oc == OUT_ERROR) {
		sb_printf(b, "      <skipped message=\"%s\"/>\n", rpl_outcome_name[oc]);
	}
	if (output && *output) {
		sb_puts(b, "      <system-out>");
		sb_xml_escape(b, output);
		sb_puts(b, "</system-out>\n");
	}
	sb_puts(b, "    </testcase>\n");
}

int rpl_junit_write(const char *path, const char *suite, const struct sb *cases,
		    size_t tests, size_t failures, size_t skipped, double secs)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -errno;
	struct sb name;
	sb_init(&name);
	sb_xml_escape(&name, suite);
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<testsuites>\n  <testsuite name=\"%s\" tests=\"%zu\" failures=\"%zu\" "
		   "errors=\"0\" skipped=\"%zu\" time=\"%.3f\">\n",
		name.s ? name.s : "", tests, failures, skipped, secs);
	if (cases->s)
		fputs(cases->s, f);
	fputs("  </testsuite>\n</testsuites>\n", f);
	sb_free(&name);
	return fclose(f) == 0 ? 0 : -errno;
}
