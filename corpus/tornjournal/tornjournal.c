/*
 * tornjournal.c - an append-only journal.  `tornjournal` appends records 1
 * to 4 to journal.log, one write and one fsync per record;
 * `tornjournal --read` replays the journal and prints "record N: LEN
 * bytes" for each record.  A record is one line, "rec N PAYLOAD\n", with a
 * 1200-byte payload, so records straddle 512-byte sectors.
 *
 * Planted bug: the reader trusts the tail.  A power cut in the middle of
 * an append can leave a prefix of the record on disk (a torn write, cut at
 * a sector boundary); the reader takes that fragment, which getline()
 * returns without its newline, as a record with a short payload.  Every
 * record is fsynced before the next, so a crash that loses whole writes
 * (`crash`) leaves complete records only: only `crash:torn` finds it.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NREC 4
#define PAYLOAD 1200

static int append(int n)
{
	char line[PAYLOAD + 64];
	int off = snprintf(line, sizeof line, "rec %d ", n);
	int fd;

	for (int i = 0; i < PAYLOAD; i++)
		line[off + i] = (char)('a' + (n + i) % 26);
	off += PAYLOAD;
	line[off++] = '\n';
	fd = open("journal.log", O_WRONLY | O_APPEND | O_CREAT, 0644);
	if (fd < 0)
		return -1;
	if (write(fd, line, (size_t)off) != off || fsync(fd) < 0) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static int replay(void)
{
	FILE *f = fopen("journal.log", "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int n;

	if (!f)
		return 0;
	while ((len = getline(&line, &cap, f)) > 0) {
		char *payload;

		if (line[len - 1] == '\n')
			line[--len] = 0;
		/* bug: a line without its newline is a torn tail, not a record */
		if (sscanf(line, "rec %d", &n) != 1 || !(payload = strchr(line + 4, ' ')))
			break;
		printf("record %d: %zu bytes\n", n, strlen(payload + 1));
	}
	free(line);
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--read"))
		return replay();
	for (int n = 1; n <= NREC; n++)
		if (append(n) < 0) {
			perror("journal.log");
			return 1;
		}
	return 0;
}
