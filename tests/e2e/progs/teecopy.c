/*
 * teecopy.c - copy the pipe on stdin to a file with tee(2) and splice(2),
 * as `tee FILE` does without reading the bytes: tee duplicates the data
 * from stdin into a second pipe, splice drains that pipe into FILE, and a
 * splice to /dev/null consumes stdin.  tests/e2e/fidelity.sh records it.
 * Every failure prints `teecopy: CALL: ERROR` and exits 1.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void die(const char *what)
{
	perror(what);
	exit(1);
}

int main(int argc, char **argv)
{
	int p[2];
	if (argc != 2)
		return 2;
	int out = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int null = open("/dev/null", O_WRONLY);
	if (out < 0 || null < 0 || pipe(p) < 0)
		die("teecopy: open");
	for (;;) {
		ssize_t n = tee(0, p[1], INT_MAX, 0);
		if (n < 0)
			die("teecopy: tee");
		if (n == 0)
			break;
		for (ssize_t left = n; left > 0;) {
			ssize_t k = splice(p[0], NULL, out, NULL, (size_t)left, 0);
			if (k <= 0)
				die("teecopy: splice");
			left -= k;
		}
		if (splice(0, NULL, null, NULL, (size_t)n, 0) != n)
			die("teecopy: splice stdin");
	}
	if (close(out) < 0)
		die("teecopy: close");
	return 0;
}
