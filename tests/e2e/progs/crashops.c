/*
 * crashops.c - file system operations for tests/e2e/crash.sh, ended by
 * access("marker"), the call a crash is armed at (--path '*marker').
 *   names [dirsync|sync]  create, rename over, unlink, mkdir, symlink,
 *                         link; then fsync "." or sync() if asked
 *   mmap [msync]          store through a shared mapping (msync MS_SYNC)
 *   osync                 write through an O_SYNC descriptor
 *   copy                  sendfile and splice into new files
 *   size                  ftruncate, and an O_TRUNC open
 *   at                    the other spellings: openat2, creat, truncate,
 *                         mkdirat, renameat, renameat2(RENAME_EXCHANGE),
 *                         linkat, symlinkat, unlinkat (a file, a directory),
 *                         pwrite64
 * Every failure exits 1.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/syscall.h>
#include <linux/openat2.h>
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

/* Each call through syscall(), so libc cannot pick another spelling. */
static void at(void)
{
	int d = open(".", O_RDONLY | O_DIRECTORY);
	struct open_how how = { .flags = O_CREAT | O_WRONLY | O_TRUNC, .mode = 0644 };
	int fd = d < 0 ? -1 : (int)syscall(SYS_openat2, d, "o2.txt", &how, sizeof how);
	if (fd < 0 || write(fd, "o2", 2) != 2 || close(fd) < 0)
		die("openat2");
	fd = (int)syscall(SYS_creat, "cr.txt", 0644);
	if (fd < 0 || write(fd, "cr", 2) != 2 || close(fd) < 0)
		die("creat");
	if (syscall(SYS_truncate, "old.txt", 1) < 0 || syscall(SYS_mkdirat, d, "dd", 0755) < 0 ||
	    syscall(SYS_renameat, d, "a.txt", d, "a2.txt") < 0 ||
	    syscall(SYS_renameat2, d, "b.txt", d, "c.txt", 2 /* RENAME_EXCHANGE */) < 0 ||
	    syscall(SYS_linkat, d, "c.txt", d, "hl.txt", 0) < 0 ||
	    syscall(SYS_symlinkat, "c.txt", d, "sl") < 0 ||
	    syscall(SYS_unlinkat, d, "gone.txt", 0) < 0 ||
	    syscall(SYS_unlinkat, d, "edir", AT_REMOVEDIR) < 0)
		die("at");
	fd = open("pw.txt", O_WRONLY);
	if (fd < 0 || syscall(SYS_pwrite64, fd, "ZZ", 2, 2) != 2 || close(fd) < 0 || close(d) < 0)
		die("pwrite64");
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
	else if (!strcmp(mode, "at"))
		at();
	else
		return 2;
	return access("marker", F_OK) == 0 ? 0 : 1;
}
