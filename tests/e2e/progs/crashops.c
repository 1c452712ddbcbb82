/*
 * crashops.c - file system operations for tests/e2e/crash.sh, ended by
 * access("marker"), the call a crash is armed at (--path '*marker').
 *   names [dirsync|sync]  create, rename over, unlink, mkdir, symlink,
 *                         link; then fsync "." or sync() if asked
 *   mmap [msync]          store through a shared mapping (msync MS_SYNC)
 *   osync                 write through an O_SYNC descriptor
 *   copy                  sendfile and splice into new files
 *   size                  ftruncate, and an O_TRUNC open
 * Every failure exits 1.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <unistd.h>

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void put(const char *path, const char *s, int flags, int sync)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | flags, 0644);
	if (fd < 0 || write(fd, s, strlen(s)) != (ssize_t)strlen(s) ||
	    (sync && fsync(fd) < 0) || close(fd) < 0)
		die(path);
}

static void names(const char *how)
{
	put("new.txt", "new", 0, 1);
	put("tmp.txt", "tmp2", 0, 1);
	if (rename("tmp.txt", "old.txt") < 0 || unlink("gone.txt") < 0 || mkdir("d", 0755) < 0 ||
	    symlink("new.txt", "sl") < 0 || link("new.txt", "hard.txt") < 0)
		die("names");
	put("d/in.txt", "in", 0, 1);
	if (how && !strcmp(how, "dirsync")) {
		int d = open(".", O_RDONLY | O_DIRECTORY), e = open("d", O_RDONLY | O_DIRECTORY);
		if (d < 0 || e < 0 || fsync(d) < 0 || fsync(e) < 0)
			die("fsync .");
	} else if (how && !strcmp(how, "sync")) {
		sync();
	}
}

static void map(const char *how)
{
	int fd = open("m.dat", O_RDWR);
	char *p = fd < 0 ? MAP_FAILED : mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap");
	memset(p, 'b', 100);
	if (how && !strcmp(how, "msync") && msync(p, 4096, MS_SYNC) < 0)
		die("msync");
	munmap(p, 4096);
	close(fd);
}

static void copy(void)
{
	int in = open("src.dat", O_RDONLY), out = open("s.dat", O_WRONLY | O_CREAT, 0644);
	int pp[2];
	if (in < 0 || out < 0 || sendfile(out, in, NULL, 5) != 5 || close(out) < 0)
		die("sendfile");
	out = open("p.dat", O_WRONLY | O_CREAT, 0644);
	if (out < 0 || pipe(pp) < 0 || write(pp[1], "piped", 5) != 5 ||
	    splice(pp[0], NULL, out, NULL, 5, 0) != 5 || close(out) < 0)
		die("splice");
}

static void size(void)
{
	int fd = open("t.dat", O_RDWR);
	if (fd < 0 || ftruncate(fd, 3) < 0 || close(fd) < 0)
		die("ftruncate");
	fd = open("t2.dat", O_WRONLY | O_TRUNC);
	if (fd < 0 || close(fd) < 0)
		die("O_TRUNC");
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "", *how = argc > 2 ? argv[2] : NULL;
	if (!strcmp(mode, "names"))
		names(how);
	else if (!strcmp(mode, "mmap"))
		map(how);
	else if (!strcmp(mode, "osync"))
		put("o.dat", "sync", O_SYNC, 0);
	else if (!strcmp(mode, "copy"))
		copy();
	else if (!strcmp(mode, "size"))
		size();
	else
		return 2;
	return access("marker", F_OK) == 0 ? 0 : 1;
}
