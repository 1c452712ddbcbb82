/*
 * doubleclose.c - writes out.dat and reports errors with a built message.
 *
 * Planted bug, reachable only with two faults: when write() fails the
 * program builds an error message and closes the file; if that close()
 * fails too, the combined message replaces the first one, which is freed
 * without being cleared, and the common exit path frees it again: a
 * double free (SIGABRT).  One fault alone is handled (exit 1).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char data[] = "record 1\nrecord 2\nrecord 3\n";

int main(void)
{
	char *msg = NULL, *more;
	int fd, rc = 1, err;

	fd = open("out.dat", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		perror("open out.dat");
		return 1;
	}
	if (write(fd, data, sizeof(data) - 1) != (ssize_t)sizeof(data) - 1) {
		if (asprintf(&msg, "cannot write 'out.dat': %s", strerror(errno)) < 0)
			msg = NULL;
		if (close(fd) < 0) {
			err = errno;
			if (msg && asprintf(&more, "%s (close: %s)", msg, strerror(err)) >= 0) {
				free(msg);	/* bug: msg still set, freed again at out */
				fprintf(stderr, "error: %s\n", more);
				free(more);
			}
			goto out;
		}
		if (msg)
			fprintf(stderr, "error: %s\n", msg);
		goto out;
	}
	if (close(fd) < 0) {
		perror("close out.dat");
		goto out;
	}
	rc = 0;
out:
	free(msg);
	return rc;
}
