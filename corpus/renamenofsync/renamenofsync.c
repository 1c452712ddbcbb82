/*
 * renamenofsync.c - replaces state.txt with state 2 the "atomic" way:
 * write state.tmp, rename it over state.txt.
 *
 * Planted bug: state.tmp is never fsync()ed before the rename (nor the
 * directory after it).  Every call is checked, so injected errnos are
 * handled; but after a crash the rename can be durable while the data
 * is not, leaving an empty or partial state.txt.
 */
#include <fcntl.h>
#include <stdio.h>
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

int main(void)
{
	size_t len = render_state(2, NLINES);
	int fd = open("state.tmp", O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0) {
		perror("open state.tmp");
		return 1;
	}
	if (write(fd, buf, len) != (ssize_t)len) {
		perror("write state.tmp");
		close(fd);
		return 1;
	}
	/* bug: no fsync(fd) here */
	if (close(fd) < 0) {
		perror("close state.tmp");
		return 1;
	}
	if (rename("state.tmp", "state.txt") < 0) {
		perror("rename state.tmp");
		return 1;
	}
	return 0;
}
