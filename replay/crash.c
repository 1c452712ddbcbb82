/*
 * replay/crash.c - the crash model: what a power loss just after the armed
 * call leaves on disk (docs/CRASH.md says which file system behaviour each
 * state stands for).
 *
 * While the program runs, the injector hands every call of the traced
 * families to rpl_crash_entry() and rpl_crash_exit().  They keep one log,
 * newest first, of what a power loss could still take back:
 *
 *   E_DATA  bytes a data path is about to overwrite, and the file's size
 *           (write, pwrite64, writev, pwritev, pwritev2, copy_file_range,
 *           sendfile, splice into a regular file)
 *   E_MAP   the contents of a shared writable file mapping (stores through
 *           it are invisible to a tracer: the whole range is the undo)
 *   E_SIZE  a size change: ftruncate, truncate, fallocate, O_TRUNC opens
 *   E_CREATE, E_MKDIR, E_LINK, E_UNLINK, E_RMDIR, E_RENAME, E_EXCHANGE
 *           directory entries (CRASH_POSIX only), with the parent
 *           directories held open and what the call removed (an fd on the
 *           unlinked or overwritten inode, a symlink's target) kept
 *
 * Each entry is saved against an fd of our own on its inode, so later
 * renames do not matter.  Transitions to durable (rpl_crash_exit, after a
 * successful call):
 *   fsync, fdatasync (file)     its inode's E_DATA and E_SIZE are dropped,
 *                               its E_MAP re-read (the new baseline)
 *   fsync, fdatasync (dir)      entries naming that directory as a parent
 *                               are durable (a rename needs both parents)
 *   sync_file_range with SYNC_FILE_RANGE_WAIT_AFTER
 *                               E_DATA entries inside the range dropped
 *   msync(MS_SYNC)              the E_MAP entries it covers re-read
 *   sync, syncfs                everything is durable
 *   writes through an O_SYNC/O_DSYNC fd, or with RWF_SYNC/RWF_DSYNC,
 *   are never logged.
 *
 * After the crash, rpl_crash_rollback() undoes what is left: first every
 * E_DATA/E_MAP (and, for CRASH_POSIX, E_SIZE) newest first, on the inodes;
 * then, for CRASH_POSIX, the directory entries newest first, recreating
 * removed names as copies of the held inodes.  CRASH_TORN then puts back
 * a prefix of each file's last un-durable write (rpl_torn_prefix).
 * Invariant: an entry is undone at most once, and never after it became
 * durable (assert in undo_data).
 */
#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
#include <linux/falloc.h>

#include "../record/syscalls.h"
#include "rpl.h"

#define UNDO_MAX_BYTES (256u << 20)
#define HELD_MAX 512             /* fds on removed inodes and parents */
#define SECTOR 512

#ifndef RWF_DSYNC
#define RWF_DSYNC 0x2
#define RWF_SYNC 0x4
#endif

enum ent_kind { E_DATA, E_MAP, E_SIZE, E_CREATE, E_MKDIR, E_LINK, E_UNLINK, E_RMDIR,
		E_RENAME, E_EXCHANGE };

/* What a directory operation removed, to put back. */
struct victim {
	int fd;                  /* O_RDONLY on a removed regular file, or -1 */
	mode_t mode;             /* 0: nothing was there */
	char *target;            /* a removed symlink's contents */
};

struct ent {
	enum ent_kind kind;
	int durable;
	/* E_DATA, E_MAP, E_SIZE */
	int fd;                  /* ours, O_RDWR on the inode */
	dev_t dev;
	ino_t ino;
	off_t off, oldsize;      /* oldsize -1: leave the size */
	size_t len, wlen;        /* saved bytes; the write's own length */
	char *old;
	pid_t pid;               /* E_MAP: the mapping's process and range */
	uint64_t addr, maplen;
	/* directory entries: parent, name (and the second of a rename) */
	int dfd[2];
	char *name[2];
	int dur[2];              /* that parent was fsynced since */
	struct victim vic;
	struct ent *next;
};

struct dir_held {
	int fd;
	dev_t dev;
	ino_t ino;
};

/* Saved at a call's entry, finished at its exit. */
#define UNSAVED -2
struct pending {
	pid_t tid;
	int kind;                /* enum ent_kind, -1: none, UNSAVED: could not save */
	int dfd[2];
	char name[2][NAME_MAX + 1];
	struct victim vic;
	struct ent *size;        /* an O_TRUNC open's E_SIZE, pushed at exit */
	struct pending *next;
};

struct rpl_crash {
	int mode;                /* CRASH_* */
	unsigned torn_k;         /* CRASH_TORN: which cut (1..) */
	struct ent *log;         /* newest first */
	size_t bytes;            /* saved, bounded by UNDO_MAX_BYTES */
	int nheld;
	int incomplete;          /* something could not be saved */
	struct dir_held *dirs;
	int ndirs;
	struct pending *pend;
	struct dir_held last;    /* the inode inode_fd() found last (fd -1: none) */
};

struct rpl_crash *rpl_crash_new(int mode, unsigned torn_k)
{
	struct rpl_crash *cs = xcalloc(1, sizeof *cs);
	cs->mode = mode;
	cs->torn_k = torn_k ? torn_k : 1;
	cs->last.fd = -1;
	return cs;
}

uint64_t rpl_crash_families(int mode)
{
	uint64_t f = (1ull << FAM_WRITE) | (1ull << FAM_FSYNC) | (1ull << FAM_SYNC) |
		     (1ull << FAM_MMAP);
	if (mode == CRASH_POSIX)
		f |= (1ull << FAM_OPEN) | (1ull << FAM_RENAME) | (1ull << FAM_LINK) |
		     (1ull << FAM_UNLINK) | (1ull << FAM_MKDIR) | (1ull << FAM_RMDIR) |
		     (1ull << FAM_FTRUNCATE) | (1ull << FAM_FALLOCATE);
	return f;
}

/* ---- torn writes: which prefixes (pure) ---------------------------------- */

unsigned rpl_torn_cut(unsigned ncuts, unsigned k)
{
	/* 1, ncuts, then midpoints of the gaps left, breadth first */
	if (k < 1 || k > ncuts)
		return 0;
	if (k == 1)
		return 1;
	if (k == 2)
		return ncuts;
	unsigned lo[64], hi[64], head = 0, tail = 0, n = 2;
	lo[tail] = 1;
	hi[tail++] = ncuts;
	while (head != tail) {
		unsigned a = lo[head % 64], b = hi[head % 64];
		head++;
		if (b - a < 2)
			continue;
		unsigned m = a + (b - a) / 2;
		if (++n == k)
			return m;
		if (tail - head < 62) {
			lo[tail % 64] = a;
			hi[tail++ % 64] = m;
			lo[tail % 64] = m;
			hi[tail++ % 64] = b;
		}
	}
	return 0;
}

unsigned rpl_torn_max_cuts(uint64_t len)
{
	/* boundaries strictly inside (off, off + len): at most ceil((len - 1) / 512) */
	uint64_t n = len < 2 ? 0 : (len + SECTOR - 2) / SECTOR;
	return n > RPL_TORN_MAX ? RPL_TORN_MAX : (unsigned)n;
}

size_t rpl_torn_prefix(uint64_t off, size_t len, unsigned k)
{
	/* cuts: the sector boundaries strictly inside [off, off + len) */
	uint64_t first = (off / SECTOR + 1) * SECTOR;
	if (!len || first >= off + len)
		return 0;
	uint64_t ncuts = (off + len - 1 - first) / SECTOR + 1;
	unsigned j = rpl_torn_cut(ncuts > 4096 ? 4096 : (unsigned)ncuts, k);
	if (!j)
		return 0;
	if (ncuts > 4096)   /* spread the first 4096 over the whole write */
		j = (unsigned)(1 + (uint64_t)(j - 1) * (ncuts - 1) / 4095);
	return (size_t)(first + (uint64_t)(j - 1) * SECTOR - off);
}

/* ---- helpers --------------------------------------------------------------- */

static int fdinfo(pid_t pid, int fd, long long *pos, unsigned *flags)
{
	char p[64], line[128];
	snprintf(p, sizeof p, "/proc/%d/fdinfo/%d", pid, fd);
	FILE *f = fopen(p, "r");
	if (!f)
		return -errno;
	*pos = 0;
	*flags = 0;
	while (fgets(line, sizeof line, f)) {
		sscanf(line, "pos: %lld", pos);
		sscanf(line, "flags: %o", flags);
	}
	fclose(f);
	return 0;
}

/* Our fd on the inode of the tracee's fd (one per inode), or -1. */
static int inode_fd(struct rpl_crash *cs, const char *path, struct stat *sb)
{
	if (stat(path, sb) < 0 || !S_ISREG(sb->st_mode))
		return -1;
	/* a program mostly writes to the file it wrote last */
	if (cs->last.fd >= 0 && cs->last.dev == sb->st_dev && cs->last.ino == sb->st_ino)
		return cs->last.fd;
	for (struct ent *e = cs->log; e; e = e->next)
		if (e->kind <= E_SIZE && e->dev == sb->st_dev && e->ino == sb->st_ino) {
			cs->last = (struct dir_held){ e->fd, sb->st_dev, sb->st_ino };
			return e->fd;
		}
	if (cs->nheld >= HELD_MAX) {
		cs->incomplete = 1;
		return -1;
	}
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		cs->incomplete = 1;
		return -1;
	}
	cs->nheld++;
	cs->last = (struct dir_held){ fd, sb->st_dev, sb->st_ino };
	return fd;
}

static struct ent *push(struct rpl_crash *cs, enum ent_kind kind)
{
	struct ent *e = xcalloc(1, sizeof *e);
	e->kind = kind;
	e->fd = e->dfd[0] = e->dfd[1] = e->vic.fd = -1;
	e->oldsize = -1;
	e->next = cs->log;
	cs->log = e;
	return e;
}

/* Read [off, off + len) of fd into e->old (bounded by the file and the budget). */
static void save_bytes(struct rpl_crash *cs, struct ent *e, int fd, off_t off, size_t len)
{
	if (cs->bytes + len > UNDO_MAX_BYTES) {
		cs->incomplete = 1;
		len = 0;
	}
	free(e->old);
	e->old = xmalloc(len + 1);
	ssize_t got = len ? pread(fd, e->old, len, off) : 0;
	e->off = off;
	e->len = got > 0 ? (size_t)got : 0;
	cs->bytes += e->len;
}

/* A data path is about to write len bytes at off (-1: the fd's position)
 * of the tracee's fd tfd. */
static void save_data(struct rpl_crash *cs, pid_t pid, int tfd, long long off, size_t len)
{
	long long pos;
	unsigned flags;
	if (fdinfo(pid, tfd, &pos, &flags) < 0 || (flags & (O_SYNC | O_DSYNC)))
		return;
	char p[64];
	struct stat sb;
	snprintf(p, sizeof p, "/proc/%d/fd/%d", pid, tfd);
	int fd = inode_fd(cs, p, &sb);
	if (fd < 0)
		return;
	if (off < 0)
		off = (flags & O_APPEND) ? sb.st_size : pos;
	struct ent *e = push(cs, E_DATA);
	e->fd = fd;
	e->dev = sb.st_dev;
	e->ino = sb.st_ino;
	e->oldsize = sb.st_size;
	e->wlen = len;
	size_t keep = off < sb.st_size ? (size_t)(sb.st_size - off) : 0;
	save_bytes(cs, e, fd, (off_t)off, keep < len ? keep : len);
}

/* A size change of the file at path (truncate to newsize, or a fallocate
 * that rewrites [off, off + len): save what it destroys. */
static struct ent *save_size(struct rpl_crash *cs, const char *path, off_t from, off_t to)
{
	struct stat sb;
	int fd = inode_fd(cs, path, &sb);
	if (fd < 0)
		return NULL;
	struct ent *e = push(cs, E_SIZE);
	e->fd = fd;
	e->dev = sb.st_dev;
	e->ino = sb.st_ino;
	e->oldsize = sb.st_size;
	if (to < 0 || to > sb.st_size)
		to = sb.st_size;
	save_bytes(cs, e, fd, from, from < to ? (size_t)(to - from) : 0);
	return e;
}

/* The tracee's (dirfd, path) as a path of ours: "/proc/PID/cwd/path". */
static int tracee_path(pid_t tid, pid_t pid, int dirfd, uint64_t addr, char *out, size_t n)
{
	char rel[PATH_MAX];
	int trunc = 0;
	if (rec_mem_str(tid, addr, rel, sizeof rel, &trunc) <= 0 || trunc)
		return -EFAULT;
	if (rel[0] == '/')
		snprintf(out, n, "%s", rel);
	else if (dirfd == AT_FDCWD)
		snprintf(out, n, "/proc/%d/cwd/%s", pid, rel);
	else
		snprintf(out, n, "/proc/%d/fd/%d/%s", pid, dirfd, rel);
	return 0;
}

/* Split path into its parent (held open, one fd per directory) and name. */
static int parent_of(struct rpl_crash *cs, const char *path, int *dfd, char *name)
{
	char buf[PATH_MAX + 64];
	snprintf(buf, sizeof buf, "%s", path);
	size_t n = strlen(buf);
	while (n > 1 && buf[n - 1] == '/')
		buf[--n] = 0;
	char *slash = strrchr(buf, '/');
	const char *base = slash ? slash + 1 : buf;
	if (!*base || !strcmp(base, ".") || !strcmp(base, "..") || strlen(base) > NAME_MAX)
		return -EINVAL;
	memcpy(name, base, strlen(base) + 1);   /* fits: checked above */
	if (slash == buf)
		snprintf(buf, sizeof buf, "/");
	else if (slash)
		*slash = 0;
	else
		snprintf(buf, sizeof buf, ".");
	struct stat sb;
	if (stat(buf, &sb) < 0)
		return -errno;
	for (int i = 0; i < cs->ndirs; i++)
		if (cs->dirs[i].dev == sb.st_dev && cs->dirs[i].ino == sb.st_ino) {
			*dfd = cs->dirs[i].fd;
			return 0;
		}
	if (cs->nheld >= HELD_MAX)
		return -EMFILE;
	int fd = open(buf, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	cs->dirs = xrealloc(cs->dirs, (size_t)(cs->ndirs + 1) * sizeof *cs->dirs);
	cs->dirs[cs->ndirs++] = (struct dir_held){ fd, sb.st_dev, sb.st_ino };
	cs->nheld++;
	*dfd = fd;
	return 0;
}

/* Keep what (dfd, name) holds now, to put it back if it is removed. */
static void keep_victim(struct rpl_crash *cs, int dfd, const char *name, struct victim *v)
{
	struct stat sb;
	memset(v, 0, sizeof *v);
	v->fd = -1;
	if (fstatat(dfd, name, &sb, AT_SYMLINK_NOFOLLOW) < 0)
		return;
	v->mode = sb.st_mode;
	if (S_ISREG(sb.st_mode)) {
		if (cs->nheld < HELD_MAX)
			v->fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (v->fd < 0)
			cs->incomplete = 1;
		else
			cs->nheld++;
	} else if (S_ISLNK(sb.st_mode)) {
		char t[PATH_MAX];
		ssize_t n = readlinkat(dfd, name, t, sizeof t - 1);
		if (n >= 0) {
			t[n] = 0;
			v->target = xstrdup(t);
		}
	} else if (!S_ISDIR(sb.st_mode)) {
		cs->incomplete = 1;   /* a fifo, socket or device: not put back */
	}
}

static void drop_victim(struct rpl_crash *cs, struct victim *v)
{
	if (v->fd >= 0) {
		close(v->fd);
		cs->nheld--;
	}
	free(v->target);
	memset(v, 0, sizeof *v);
	v->fd = -1;
}

static struct pending *pending_get(struct rpl_crash *cs, pid_t tid, int create)
{
	for (struct pending *p = cs->pend; p; p = p->next)
		if (p->tid == tid)
			return p;
	if (!create)
		return NULL;
	struct pending *p = xcalloc(1, sizeof *p);
	p->tid = tid;
	p->next = cs->pend;
	cs->pend = p;
	return p;
}

/* ---- at a call's entry ----------------------------------------------------- */

static size_t iov_total(pid_t tid, uint64_t addr, uint64_t cnt)
{
	struct iovec v[64];
	size_t n = cnt < 64 ? (size_t)cnt : 64, len = 0;
	if (rec_mem_read(tid, addr, v, n * sizeof v[0]) != (ssize_t)(n * sizeof v[0]))
		return 0;
	for (size_t i = 0; i < n; i++)
		len += v[i].iov_len;
	return len;
}

/* An off_t * argument: -1 when NULL (the fd's position). */
static long long off_arg(pid_t tid, uint64_t addr)
{
	int64_t v;
	if (!addr || rec_mem_read(tid, addr, &v, sizeof v) != sizeof v)
		return -1;
	return v;
}

static void entry_data(struct rpl_crash *cs, struct rec_thread *t, struct rec_call *c)
{
	const char *n = c->sys->name;
	const uint64_t *a = c->args;
	pid_t pid = t->pid, tid = t->tid;
	if (!strcmp(n, "write"))
		save_data(cs, pid, (int)a[0], -1, (size_t)a[2]);
	else if (!strcmp(n, "pwrite64"))
		save_data(cs, pid, (int)a[0], (long long)a[3], (size_t)a[2]);
	else if (!strcmp(n, "writev"))
		save_data(cs, pid, (int)a[0], -1, iov_total(tid, a[1], a[2]));
	else if (!strcmp(n, "pwritev"))
		save_data(cs, pid, (int)a[0], (long long)a[3], iov_total(tid, a[1], a[2]));
	else if (!strcmp(n, "pwritev2") && !(a[5] & (RWF_DSYNC | RWF_SYNC)))
		save_data(cs, pid, (int)a[0], (long long)a[3] == -1 ? -1 : (long long)a[3],
			  iov_total(tid, a[1], a[2]));
	else if (!strcmp(n, "copy_file_range") || !strcmp(n, "splice"))
		save_data(cs, pid, (int)a[2], off_arg(tid, a[3]), (size_t)a[4]);
	else if (!strcmp(n, "sendfile"))
		save_data(cs, pid, (int)a[0], -1, (size_t)a[3]);
}

static void entry_size(struct rpl_crash *cs, struct rec_thread *t, struct rec_call *c)
{
	char p[PATH_MAX + 64];
	const uint64_t *a = c->args;
	if (!strcmp(c->sys->name, "truncate")) {
		if (tracee_path(t->tid, t->pid, AT_FDCWD, a[0], p, sizeof p) == 0)
			save_size(cs, p, (off_t)a[1], -1);
		return;
	}
	snprintf(p, sizeof p, "/proc/%d/fd/%d", t->pid, (int)a[0]);
	if (!strcmp(c->sys->name, "ftruncate")) {
		save_size(cs, p, (off_t)a[1], -1);
	} else {   /* fallocate(fd, mode, off, len) */
		int mode = (int)a[1];
		off_t off = (off_t)a[2], len = (off_t)a[3];
		if (mode & (FALLOC_FL_COLLAPSE_RANGE | FALLOC_FL_INSERT_RANGE))
			save_size(cs, p, off, -1);
		else if (mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE))
			save_size(cs, p, off, off + len);
		else
			save_size(cs, p, 0, 0);   /* only the size */
	}
}

static void entry_open(struct rpl_crash *cs, struct rec_thread *t, struct rec_call *c)
{
	const char *n = c->sys->name;
	const uint64_t *a = c->args;
	int dirfd = AT_FDCWD;
	uint64_t path = a[0], flags = a[1];
	if (!strcmp(n, "creat")) {
		flags = O_CREAT | O_TRUNC | O_WRONLY;
	} else if (strcmp(n, "open")) {
		dirfd = (int)a[0];
		path = a[1];
		flags = a[2];
		if (!strcmp(n, "openat2") && rec_mem_read(t->tid, a[2], &flags, 8) != 8)
			return;
	}
	if ((flags & O_TMPFILE) == O_TMPFILE || !(flags & (O_CREAT | O_TRUNC)))
		return;
	char p[PATH_MAX + 64];
	struct stat sb;
	if (tracee_path(t->tid, t->pid, dirfd, path, p, sizeof p) < 0)
		return;
	int exists = stat(p, &sb) == 0;
	struct pending *pd = pending_get(cs, t->tid, 1);
	pd->kind = -1;
	if (!exists && (flags & O_CREAT))
		pd->kind = parent_of(cs, p, &pd->dfd[0], pd->name[0]) == 0 ? E_CREATE : UNSAVED;
	else if (exists && (flags & O_TRUNC) && (flags & O_ACCMODE) != O_RDONLY &&
		   S_ISREG(sb.st_mode) && sb.st_size > 0) {
		pd->size = save_size(cs, p, 0, -1);
		if (pd->size) {   /* pushed at exit, if the open succeeds */
			cs->log = pd->size->next;
			pd->size->next = NULL;
		}
	}
}

static void entry_names(struct rpl_crash *cs, struct rec_thread *t, struct rec_call *c)
{
	const char *n = c->sys->name;
	const uint64_t *a = c->args;
	char p[PATH_MAX + 64], q[PATH_MAX + 64];
	int fam = c->sys->family, at = !strcmp(n + strlen(n) - 2, "at") || !strcmp(n, "renameat2");
	struct pending *pd = pending_get(cs, t->tid, 1);
	drop_victim(cs, &pd->vic);
	pd->kind = -1;
	int ok = -1;
	switch (fam) {
	case FAM_MKDIR:
		ok = tracee_path(t->tid, t->pid, at ? (int)a[0] : AT_FDCWD, at ? a[1] : a[0], p,
				 sizeof p);
		pd->kind = E_MKDIR;
		break;
	case FAM_LINK:   /* the new name: link arg 1, linkat arg 3, symlink 1, symlinkat 2 */
		if (!strcmp(n, "linkat"))
			ok = tracee_path(t->tid, t->pid, (int)a[2], a[3], p, sizeof p);
		else if (!strcmp(n, "symlinkat"))
			ok = tracee_path(t->tid, t->pid, (int)a[1], a[2], p, sizeof p);
		else
			ok = tracee_path(t->tid, t->pid, AT_FDCWD, a[1], p, sizeof p);
		pd->kind = E_LINK;
		break;
	case FAM_UNLINK:
	case FAM_RMDIR:
		ok = tracee_path(t->tid, t->pid, at ? (int)a[0] : AT_FDCWD, at ? a[1] : a[0], p,
				 sizeof p);
		pd->kind = fam == FAM_RMDIR || (at && (a[2] & AT_REMOVEDIR)) ? E_RMDIR : E_UNLINK;
		break;
	case FAM_RENAME:
		if (at) {
			ok = tracee_path(t->tid, t->pid, (int)a[0], a[1], p, sizeof p);
			if (ok == 0)
				ok = tracee_path(t->tid, t->pid, (int)a[2], a[3], q, sizeof q);
		} else {
			ok = tracee_path(t->tid, t->pid, AT_FDCWD, a[0], p, sizeof p);
			if (ok == 0)
				ok = tracee_path(t->tid, t->pid, AT_FDCWD, a[1], q, sizeof q);
		}
		pd->kind = !strcmp(n, "renameat2") && (a[4] & RENAME_EXCHANGE) ? E_EXCHANGE
									: E_RENAME;
		if (ok == 0)
			ok = parent_of(cs, q, &pd->dfd[1], pd->name[1]);
		break;
	}
	if (ok == 0)
		ok = parent_of(cs, p, &pd->dfd[0], pd->name[0]);
	if (ok < 0) {
		pd->kind = UNSAVED;
		return;
	}
	if (pd->kind == E_UNLINK || pd->kind == E_RMDIR) {
		keep_victim(cs, pd->dfd[0], pd->name[0], &pd->vic);
	} else if (pd->kind == E_RENAME) {
		struct stat s1, s2;
		if (fstatat(pd->dfd[1], pd->name[1], &s2, AT_SYMLINK_NOFOLLOW) < 0)
			return;   /* nothing replaced */
		if (fstatat(pd->dfd[0], pd->name[0], &s1, AT_SYMLINK_NOFOLLOW) == 0 &&
		    s1.st_dev == s2.st_dev && s1.st_ino == s2.st_ino)
			pd->kind = -1;   /* onto another name of the same inode: does nothing */
		else
			keep_victim(cs, pd->dfd[1], pd->name[1], &pd->vic);
	}
}

void rpl_crash_entry(struct rpl_crash *cs, struct rec_thread *t, struct rec_call *c)
{
	switch (c->sys->family) {
	case FAM_WRITE: entry_data(cs, t, c); break;
	case FAM_FTRUNCATE:
	case FAM_FALLOCATE:
		if (cs->mode == CRASH_POSIX)
			entry_size(cs, t, c);
		break;
	case FAM_OPEN:
		if (cs->mode == CRASH_POSIX)
			entry_open(cs, t, c);
		break;
	case FAM_MKDIR: case FAM_LINK: case FAM_UNLINK: case FAM_RMDIR: case FAM_RENAME:
		if (cs->mode == CRASH_POSIX)
			entry_names(cs, t, c);
		break;
	}
}

/* ---- at a call's exit: new entries, and durability ---------------------- */

static void reread(struct ent *e)
{
	if (e->old && e->len)
		e->len = (size_t)(pread(e->fd, e->old, e->len, e->off) > 0 ? e->len : 0);
}

/* fsync/fdatasync of the tracee's fd (or everything, for sync). */
static void make_durable(struct rpl_crash *cs, pid_t pid, int tfd, int all)
{
	struct stat sb;
	char p[64];
	snprintf(p, sizeof p, "/proc/%d/fd/%d", pid, tfd);
	if (!all && stat(p, &sb) < 0)
		return;
	for (struct ent *e = cs->log; e; e = e->next) {
		if (e->kind == E_MAP) {
			if (all || (e->dev == sb.st_dev && e->ino == sb.st_ino))
				reread(e);
		} else if (e->kind <= E_SIZE) {
			if (all || (e->dev == sb.st_dev && e->ino == sb.st_ino))
				e->durable = 1;
		} else if (all) {
			e->durable = 1;
		} else if (S_ISDIR(sb.st_mode)) {
			struct stat d;
			for (int k = 0; k < 2; k++)
				if (e->dfd[k] >= 0 && fstat(e->dfd[k], &d) == 0 &&
				    d.st_dev == sb.st_dev && d.st_ino == sb.st_ino)
					e->dur[k] = 1;
			e->durable = e->dur[0] && (e->dfd[1] < 0 || e->dur[1]);
		}
	}
}

static void exit_sync_range(struct rpl_crash *cs, struct rec_thread *t, struct rec_call *c)
{
	/* sync_file_range(fd, off, nbytes, flags); nbytes 0: to the end */
	if (!(c->args[3] & 4 /* SYNC_FILE_RANGE_WAIT_AFTER */))
		return;
	struct stat sb;
	char p[64];
	snprintf(p, sizeof p, "/proc/%d/fd/%d", t->pid, (int)c->args[0]);
	if (stat(p, &sb) < 0)
		return;
	uint64_t lo = c->args[1], hi = c->args[2] ? lo + c->args[2] : UINT64_MAX;
	for (struct ent *e = cs->log; e; e = e->next)
		if (e->kind == E_DATA && e->dev == sb.st_dev && e->ino == sb.st_ino &&
		    (uint64_t)e->off >= lo && (uint64_t)e->off + e->wlen <= hi)
			e->durable = 1;
}

static void exit_mmap(struct rpl_crash *cs, struct rec_thread *t, struct rec_call *c)
{
	/* mmap(addr, len, prot, flags, fd, off): shared writable file maps */
	const uint64_t *a = c->args;
	int type = (int)(a[3] & 0xf);   /* MAP_TYPE */
	if (!(a[2] & PROT_WRITE) || (type != MAP_SHARED && type != MAP_SHARED_VALIDATE) ||
	    (int)a[4] < 0)
		return;
	char p[64];
	struct stat sb;
	snprintf(p, sizeof p, "/proc/%d/fd/%d", t->pid, (int)a[4]);
	int fd = inode_fd(cs, p, &sb);
	if (fd < 0)
		return;
	struct ent *e = push(cs, E_MAP);
	e->fd = fd;
	e->dev = sb.st_dev;
	e->ino = sb.st_ino;
	e->pid = t->pid;
	e->addr = (uint64_t)c->ret;
	e->maplen = a[1];
	off_t end = (off_t)(a[5] + a[1]);
	if (end > sb.st_size)
		end = sb.st_size;
	save_bytes(cs, e, fd, (off_t)a[5], end > (off_t)a[5] ? (size_t)(end - (off_t)a[5]) : 0);
}

static void exit_msync(struct rpl_crash *cs, struct rec_thread *t, struct rec_call *c)
{
	if (!(c->args[2] & MS_SYNC))
		return;
	uint64_t lo = c->args[0], hi = lo + c->args[1];
	for (struct ent *e = cs->log; e; e = e->next)
		if (e->kind == E_MAP && e->pid == t->pid && e->addr < hi && lo < e->addr + e->maplen)
			reread(e);
}

static void exit_names(struct rpl_crash *cs, struct rec_thread *t, struct rec_call *c)
{
	struct pending *pd = pending_get(cs, t->tid, 0);
	if (!pd)
		return;
	if (pd->size) {
		if (c->ret >= 0) {
			pd->size->next = cs->log;
			cs->log = pd->size;
		} else {
			free(pd->size->old);
			free(pd->size);
		}
		pd->size = NULL;
	}
	if (pd->kind == UNSAVED && c->ret >= 0)
		cs->incomplete = 1;   /* it happened, and cannot be undone */
	if (pd->kind < 0 || c->ret < 0) {
		drop_victim(cs, &pd->vic);
		pd->kind = -1;
		return;
	}
	struct ent *e = push(cs, (enum ent_kind)pd->kind);
	int two = pd->kind == E_RENAME || pd->kind == E_EXCHANGE;
	for (int k = 0; k < 1 + two; k++) {
		e->dfd[k] = pd->dfd[k];
		e->name[k] = xstrdup(pd->name[k]);
	}
	e->vic = pd->vic;
	memset(&pd->vic, 0, sizeof pd->vic);
	pd->vic.fd = -1;
	pd->kind = -1;
}

void rpl_crash_exit(struct rpl_crash *cs, struct rec_thread *t, struct rec_call *c)
{
	int fam = c->sys->family;
	const char *n = c->sys->name;
	if (fam == FAM_OPEN || fam == FAM_MKDIR || fam == FAM_LINK || fam == FAM_UNLINK ||
	    fam == FAM_RMDIR || fam == FAM_RENAME) {
		if (cs->mode == CRASH_POSIX)
			exit_names(cs, t, c);
		return;
	}
	if (c->ret < 0)
		return;
	if (fam == FAM_MMAP && !strcmp(n, "mmap"))
		exit_mmap(cs, t, c);
	else if (fam == FAM_FSYNC && !strcmp(n, "msync"))
		exit_msync(cs, t, c);
	else if (fam == FAM_FSYNC && !strcmp(n, "sync_file_range"))
		exit_sync_range(cs, t, c);
	else if (fam == FAM_FSYNC)
		make_durable(cs, t->pid, (int)c->args[0], 0);
	else if (fam == FAM_SYNC)
		make_durable(cs, t->pid, -1, 1);
}

/* ---- after the crash ------------------------------------------------------- */

static int undo_data(struct ent *e)
{
	assert(!e->durable);
	int rc = 0;
	if (e->len && pwrite(e->fd, e->old, e->len, e->off) != (ssize_t)e->len)
		rc = -EIO;
	if (e->kind != E_MAP && e->oldsize >= 0 && ftruncate(e->fd, e->oldsize) < 0)
		rc = -errno;
	return rc;
}

/* Put a removed name back: a copy of the held inode, a symlink, a directory. */
static int restore_victim(int dfd, const char *name, const struct victim *v)
{
	if (!v->mode)
		return 0;
	if (S_ISDIR(v->mode))
		return mkdirat(dfd, name, v->mode & 07777) < 0 && errno != EEXIST ? -errno : 0;
	if (S_ISLNK(v->mode))
		return v->target && symlinkat(v->target, dfd, name) < 0 ? -errno : 0;
	if (v->fd < 0)
		return -ENOENT;
	int out = openat(dfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, v->mode & 07777);
	if (out < 0)
		return -errno;
	char buf[65536];
	off_t off = 0;
	ssize_t n;
	int rc = 0;
	while ((n = pread(v->fd, buf, sizeof buf, off)) > 0) {
		if (write(out, buf, (size_t)n) != n) {
			rc = -EIO;
			break;
		}
		off += n;
	}
	close(out);
	return rc;
}

static int undo_name(struct ent *e)
{
	int rc = 0;
	switch (e->kind) {
	case E_CREATE:
	case E_LINK:
		if (unlinkat(e->dfd[0], e->name[0], 0) < 0 && errno != ENOENT)
			rc = -errno;
		break;
	case E_MKDIR:
		if (unlinkat(e->dfd[0], e->name[0], AT_REMOVEDIR) < 0 && errno != ENOENT) {
			char p[PATH_MAX + 64];
			snprintf(p, sizeof p, "/proc/self/fd/%d/%s", e->dfd[0], e->name[0]);
			rc = rpl_rmtree(p);
		}
		break;
	case E_UNLINK:
	case E_RMDIR:
		rc = restore_victim(e->dfd[0], e->name[0], &e->vic);
		break;
	case E_RENAME:
		if (renameat(e->dfd[1], e->name[1], e->dfd[0], e->name[0]) < 0)
			rc = -errno;
		else
			rc = restore_victim(e->dfd[1], e->name[1], &e->vic);
		break;
	case E_EXCHANGE:
		if (syscall(SYS_renameat2, e->dfd[0], e->name[0], e->dfd[1], e->name[1],
			    RENAME_EXCHANGE) < 0)
			rc = -errno;
		break;
	default:
		break;
	}
	return rc;
}

/* The newest un-durable write of each inode keeps its first
 * rpl_torn_prefix() bytes.  Returns how many files changed. */
struct torn {
	struct ent *e;
	char *buf;
	size_t n;
};

static int torn_collect(struct rpl_crash *cs, struct torn *tv, int max)
{
	int nt = 0, nseen = 0;
	struct ent *seen[1024];
	/* newest first: the first E_DATA of an inode is its last write */
	for (struct ent *e = cs->log; e; e = e->next) {
		if (e->kind != E_DATA)
			continue;
		int old = 0;
		for (int i = 0; i < nseen && !old; i++)
			old = seen[i]->dev == e->dev && seen[i]->ino == e->ino;
		if (old || nseen == 1024)
			continue;
		seen[nseen++] = e;
		if (e->durable || nt == max)
			continue;
		size_t n = rpl_torn_prefix((uint64_t)e->off, e->wlen, cs->torn_k);
		if (!n)
			continue;
		char *buf = xmalloc(n);
		ssize_t got = pread(e->fd, buf, n, e->off);
		if (got <= 0) {
			free(buf);
			continue;
		}
		tv[nt++] = (struct torn){ e, buf, (size_t)got };
	}
	return nt;
}

static int torn_apply(struct torn *tv, int nt, int *changed)
{
	int rc = 0;
	*changed = 0;
	for (int i = 0; i < nt; i++) {
		struct ent *e = tv[i].e;
		char *now = xmalloc(tv[i].n);
		struct stat sb;
		int same = fstat(e->fd, &sb) == 0 && sb.st_size >= e->off + (off_t)tv[i].n &&
			   pread(e->fd, now, tv[i].n, e->off) == (ssize_t)tv[i].n &&
			   !memcmp(now, tv[i].buf, tv[i].n);
		free(now);
		if (!same) {
			*changed += 1;
			if (pwrite(e->fd, tv[i].buf, tv[i].n, e->off) != (ssize_t)tv[i].n)
				rc = -EIO;
		}
		free(tv[i].buf);
	}
	return rc;
}

int rpl_crash_rollback(struct rpl_crash *cs, int *distinct)
{
	int rc = cs->incomplete ? -ENOSPC : 0, r;
	struct torn tv[64];
	int nt = cs->mode == CRASH_TORN ? torn_collect(cs, tv, 64) : 0;
	for (struct ent *e = cs->log; e; e = e->next)
		if (!e->durable && (e->kind == E_DATA || e->kind == E_MAP ||
				    (e->kind == E_SIZE && cs->mode == CRASH_POSIX)))
			if ((r = undo_data(e)) < 0)
				rc = r;
	if (cs->mode == CRASH_POSIX)
		for (struct ent *e = cs->log; e; e = e->next)
			if (!e->durable && e->kind > E_SIZE && (r = undo_name(e)) < 0)
				rc = r;
	*distinct = 1;
	if (cs->mode == CRASH_TORN) {
		int changed;
		if ((r = torn_apply(tv, nt, &changed)) < 0)
			rc = r;
		*distinct = changed > 0;
	}
	return rc;
}

void rpl_crash_free(struct rpl_crash *cs)
{
	if (!cs)
		return;
	/* fds are shared by the entries of one inode: close each once */
	for (struct ent *e = cs->log; e; e = e->next) {
		int last = e->fd >= 0;
		for (struct ent *f = e->next; f && last; f = f->next)
			last = f->fd != e->fd;
		if (last)
			close(e->fd);
	}
	while (cs->log) {
		struct ent *e = cs->log;
		cs->log = e->next;
		if (e->vic.fd >= 0)
			close(e->vic.fd);
		free(e->vic.target);
		free(e->name[0]);
		free(e->name[1]);
		free(e->old);
		free(e);
	}
	for (int i = 0; i < cs->ndirs; i++)
		close(cs->dirs[i].fd);
	free(cs->dirs);
	while (cs->pend) {
		struct pending *p = cs->pend;
		cs->pend = p->next;
		if (p->vic.fd >= 0)
			close(p->vic.fd);
		free(p->vic.target);
		free(p);
	}
	free(cs);
}
