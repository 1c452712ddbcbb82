/*
 * cleanupcrash_fixed.c - renders a small report and saves it with stdio;
 * the caller alone owns the buffer, and any error exits 1.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPORT_SIZE 512

static char *render_report(void)
{
	char *buf = malloc(REPORT_SIZE);
	size_t off = 0;

	if (!buf)
		return NULL;
	for (int i = 1; i <= 8; i++)
		off += (size_t)snprintf(buf + off, REPORT_SIZE - off,
					"item %d: %d units\n", i, i * i);
	return buf;
}

static int save_report(const char *path, const char *buf)
{
	size_t len = strlen(buf);
	FILE *f = fopen(path, "w");

	if (!f) {
		fprintf(stderr, "cannot open '%s': %s\n", path, strerror(errno));
		return -1;
	}
	if (fwrite(buf, 1, len, f) != len) {
		fprintf(stderr, "cannot write '%s': %s\n", path, strerror(errno));
		fclose(f);
		return -1;
	}
	if (fclose(f) != 0) {
		fprintf(stderr, "cannot save '%s': %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

int main(void)
{
	char *buf = render_report();
	int rc;

	if (!buf)
		return 1;
	rc = save_report("report.txt", buf);
	free(buf);
	return rc < 0 ? 1 : 0;
}
