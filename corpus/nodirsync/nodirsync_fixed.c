/*
 * nodirsync_fixed.c - saves state 2 durably: write state.tmp, fsync it,
 * rename it over state.txt, fsync the directory, and only then
 * acknowledge "saved 2" in ack.log (appended and fsynced).  Any error
 * exits 1.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define NLINES 20

static char buf[1024];

/* "STATE 2", NLINES "entry NNN of state 2", "END NLINES". */
static size_t render_state(int version, int nlines)
{
	size_t off = 0;

	off += (size_t)snprintf(buf + off, sizeof(buf) - off, "STATE %d\n", version);
	for (int i = 1; i <= nlines; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off,
					"entry %03d of state %d\n", i, version);
	off += (size_t)snprintf(buf + off, sizeof(buf) - off, "END %d\n", nlines);
	return off;
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

static int append_sync(const char *path, const char *line)
{
	int fd = open(path, O_WRONLY | O_APPEND);
	size_t len = strlen(line);

	if (fd < 0)
		return -1;
	if (write(fd, line, len) != (ssize_t)len || fsync(fd) < 0) {
		close(fd);
		return -1;
	}
	return close(fd);
}

int main(void)
{
	size_t len = render_state(2, NLINES);
	int fd = open("state.tmp", O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0) {
		perror("open state.tmp");
		return 1;
	}
	if (write(fd, buf, len) != (ssize_t)len || fsync(fd) < 0) {
		perror("write state.tmp");
		close(fd);
		return 1;
	}
	if (close(fd) < 0) {
		perror("close state.tmp");
		return 1;
	}
	if (rename("state.tmp", "state.txt") < 0) {
		perror("rename state.tmp");
		return 1;
	}
	if (fsync_dir(".") < 0) {
		perror("fsync .");
		return 1;
	}
	if (append_sync("ack.log", "saved 2\n") < 0) {
		perror("ack.log");
		return 1;
	}
	return 0;
}
