/*
 * cfrcopy_fixed.c - publishes a copy of src.dat as dst.dat durably: copy
 * into dst.tmp with copy_file_range(), fsync it, rename it over dst.dat,
 * fsync the directory.  Any error exits 1.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static int copy(int in, int out, size_t len)
{
	while (len > 0) {
		ssize_t n = copy_file_range(in, NULL, out, NULL, len, 0);

		if (n <= 0)
			return -1;
		len -= (size_t)n;
	}
	return 0;
}

int main(void)
{
	struct stat sb;
	int in = open("src.dat", O_RDONLY);
	int out = open("dst.tmp", O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (in < 0 || out < 0 || fstat(in, &sb) < 0) {
		perror("open");
		return 1;
	}
	if (copy(in, out, (size_t)sb.st_size) < 0) {
		perror("copy_file_range");
		return 1;
	}
	if (fsync(out) < 0) {
		perror("fsync dst.tmp");
		return 1;
	}
	if (close(out) < 0 || close(in) < 0) {
		perror("close");
		return 1;
	}
	if (rename("dst.tmp", "dst.dat") < 0) {
		perror("rename");
		return 1;
	}
	int dir = open(".", O_RDONLY | O_DIRECTORY);
	if (dir < 0 || fsync(dir) < 0) {
		perror("fsync .");
		return 1;
	}
	return close(dir) < 0;
}
