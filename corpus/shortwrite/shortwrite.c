/*
 * shortwrite.c - saves a 64 KiB record to out.dat with a single write().
 *
 * Planted bug: write() may return a short count; only -1 is treated as
 * an error, so a short write leaves a truncated out.dat and exit 0.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define RECORD_SIZE 65536
#define LINE_SIZE 64

/* 1024 lines of 64 bytes: "line NNNN " then 53 copies of one letter. */
static void fill_record(char *buf)
{
	for (int i = 0; i < RECORD_SIZE / LINE_SIZE; i++) {
		char *line = buf + i * LINE_SIZE;
		snprintf(line, 11, "line %04d ", i);
		memset(line + 10, 'a' + i % 26, LINE_SIZE - 11);
		line[LINE_SIZE - 1] = '\n';
	}
}

int main(void)
{
	static char buf[RECORD_SIZE];
	int fd;

	fill_record(buf);
	fd = open("out.dat", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		perror("open out.dat");
		return 1;
	}
	if (write(fd, buf, sizeof(buf)) < 0) {	/* bug: short count ignored */
		perror("write out.dat");
		return 1;
	}
	close(fd);
	return 0;
}
