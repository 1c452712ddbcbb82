/*
 * fdcalls.c - calls whose target is an fd, on a named file.
 *
 * usage: fdcalls FILE
 *
 * Creates FILE, writes to it, then asks about it and flushes it only
 * through its fd: fstat (glibc: newfstatat(fd, "", AT_EMPTY_PATH)),
 * statx(fd, "", AT_EMPTY_PATH), fchmod, fsync, fdatasync, ftruncate,
 * lseek, fgetxattr and futimens (utimensat(fd, NULL, ...)).  Every one of
 * them has FILE as its target.  Exit status: 0, or 1 if a call that must
 * work failed (fgetxattr may: the file has no such attribute).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	int fd = open(argv[1], O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd < 0)
		return 1;
	struct stat st;
	struct statx sx;
	char v[16];
	int bad = write(fd, "data\n", 5) != 5;
	bad |= fstat(fd, &st) < 0;
	bad |= statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &sx) < 0;
	bad |= fchmod(fd, 0640) < 0;
	bad |= fsync(fd) < 0;
	bad |= fdatasync(fd) < 0;
	bad |= ftruncate(fd, 5) < 0;
	bad |= lseek(fd, 0, SEEK_END) != 5;
	(void)fgetxattr(fd, "user.fdcalls", v, sizeof v);
	bad |= futimens(fd, NULL) < 0;
	bad |= close(fd) < 0;
	return bad;
}
