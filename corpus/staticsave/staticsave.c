/*
 * staticsave.c - rewrites config.txt in place with version 2; built with
 * -static so the tracer sees no dynamic loader.
 *
 * Planted bug: the file is truncated and rewritten in 4 KiB writes with
 * no temporary file, and the results of write() and close() are ignored:
 * a failed write leaves a torn config.txt and the program still exits 0.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#define NLINES 400
#define CHUNK 4096

static char buf[16384];

/* "VERSION 2", NLINES "keyNNNN = value NNNN of version 2", "END NLINES". */
static size_t render_config(int version, int nlines)
{
	size_t off = 0;

	off += (size_t)snprintf(buf + off, sizeof(buf) - off, "VERSION %d\n", version);
	for (int i = 1; i <= nlines; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off,
					"key%04d = value %04d of version %d\n",
					i, i * 7 % 10000, version);
	off += (size_t)snprintf(buf + off, sizeof(buf) - off, "END %d\n", nlines);
	return off;
}

int main(void)
{
	size_t len = render_config(2, NLINES);
	int fd = open("config.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0) {
		perror("open config.txt");
		return 1;
	}
	for (size_t off = 0; off < len; off += CHUNK)
		write(fd, buf + off, len - off < CHUNK ? len - off : CHUNK);	/* bug */
	close(fd);
	return 0;
}
