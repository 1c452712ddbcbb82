/*
 * shortwrite_fixed.c - saves a 64 KiB record to out.dat, looping on short
 * writes and EINTR; any error (including from close) exits 1.
 */
#include <errno.h>
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

static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);
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
	if (write_all(fd, buf, sizeof(buf)) < 0) {
		perror("write out.dat");
		close(fd);
		return 1;
	}
	if (close(fd) < 0) {
		perror("close out.dat");
		return 1;
	}
	return 0;
}
