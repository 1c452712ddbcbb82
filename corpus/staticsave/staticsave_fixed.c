/*
 * staticsave_fixed.c - replaces config.txt with version 2 atomically:
 * write config.txt.tmp, fsync it, rename it over config.txt, fsync the
 * directory.  Any error exits 1 and leaves the old config.txt intact.
 * Built with -static.
 */
#include <errno.h>
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

static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len < CHUNK ? len : CHUNK);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	int rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int main(void)
{
	size_t len = render_config(2, NLINES);
	int fd = open("config.txt.tmp", O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0) {
		perror("open config.txt.tmp");
		return 1;
	}
	if (write_all(fd, buf, len) < 0 || fsync(fd) < 0) {
		perror("write config.txt.tmp");
		close(fd);
		unlink("config.txt.tmp");
		return 1;
	}
	if (close(fd) < 0) {
		perror("close config.txt.tmp");
		unlink("config.txt.tmp");
		return 1;
	}
	if (rename("config.txt.tmp", "config.txt") < 0) {
		perror("rename config.txt.tmp");
		unlink("config.txt.tmp");
		return 1;
	}
	if (fsync_dir(".") < 0) {
		perror("fsync .");
		return 1;
	}
	return 0;
}
