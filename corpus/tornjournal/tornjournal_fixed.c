/*
 * tornjournal_fixed.c - the journal of tornjournal.c with a checksum per
 * record: "rec N PAYLOAD CRC\n", CRC the FNV-1a hash of "rec N PAYLOAD"
 * in hex.  The reader stops at the first record that has no newline or a
 * wrong checksum: a torn tail is dropped, never replayed.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NREC 4
#define PAYLOAD 1200

static uint32_t fnv1a(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static int append(int n)
{
	char line[PAYLOAD + 64];
	int off = snprintf(line, sizeof line, "rec %d ", n);
	int fd;

	for (int i = 0; i < PAYLOAD; i++)
		line[off + i] = (char)('a' + (n + i) % 26);
	off += PAYLOAD;
	off += snprintf(line + off, sizeof line - (size_t)off, " %08x\n",
			fnv1a(line, (size_t)off));
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
		char *payload, *crc;
		unsigned want;

		if (line[len - 1] != '\n' || len < 10)
			break;   /* torn tail */
		line[--len] = 0;
		crc = line + len - 9;
		if (*crc != ' ' || sscanf(crc + 1, "%x", &want) != 1 ||
		    fnv1a(line, (size_t)(crc - line)) != want)
			break;   /* torn or corrupt: the journal ends here */
		*crc = 0;
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
