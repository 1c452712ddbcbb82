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
 *
 * This file keeps the log, the data paths, durability and the rollback;
 * directory entries are logged and undone in crash_names.c, torn writes
 * planned and put back in crash_torn.c (crash.h is what they share).
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
#include "crash.h"

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

struct ent *crash_push(struct rpl_crash *cs, enum ent_kind kind)
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
	struct ent *e = crash_push(cs, E_DATA);
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
struct ent *crash_save_size(struct rpl_crash *cs, const char *path, off_t from, off_t to)
{
	struct stat sb;
	int fd = inode_fd(cs, path, &sb);
	if (fd < 0)
		return NULL;
	struct ent *e = crash_push(cs, E_SIZE);
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
int crash_tracee_path(pid_t tid, pid_t pid, int dirfd, uint64_t addr, char *out, size_t n)
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

/* A write-family call, read from its row's arg kinds: the target fd (arg 0,
 * or as SF_TARGET_1/2 say); the byte count (the total of an A_IOV_IN, else
 * the first A_UINT after the target); the offset (an A_INT after the target,
 * as pwrite64's; an off_t * just after it, as copy_file_range's and
 * splice's; else the fd's position).  RWF_SYNC/RWF_DSYNC writes are durable
 * at once.  Targets that are not regular files (tee's and vmsplice's pipes)
 * are left out by save_data. */
static void entry_data(struct rpl_crash *cs, struct rec_thread *t, struct rec_call *c)
{
	const struct rec_sys *s = c->sys;
	const uint64_t *a = c->args;
	int k = rec_sys_target(s), iov = rec_sys_arg(s, A_IOV_IN, k);
	int cnt = rec_sys_arg(s, A_UINT, k), off = rec_sys_arg(s, A_INT, k);
	int rwf = rec_sys_arg(s, A_RWF_FLAGS, 0);
	if (rwf >= 0 && (a[rwf] & (RWF_DSYNC | RWF_SYNC)))
		return;
	if (iov < 0 && cnt < 0)
		return;
	size_t len = iov >= 0 ? iov_total(t->tid, a[iov], a[iov + 1]) : (size_t)a[cnt];
	long long pos = -1;
	if (off >= 0)
		pos = (long long)a[off];
	else if (k + 1 < s->nargs && s->arg[k + 1] == A_PTR)
		pos = off_arg(t->tid, a[k + 1]);
	save_data(cs, t->pid, (int)a[k], pos, len);
}

static void entry_size(struct rpl_crash *cs, struct rec_thread *t, struct rec_call *c)
{
	char p[PATH_MAX + 64];
	const uint64_t *a = c->args;
	/* the ftruncate family: a path or fd in arg 0, the new size in arg 1 */
	if (c->sys->family == FAM_FTRUNCATE && c->sys->arg[0] == A_PATH) {
		if (crash_tracee_path(t->tid, t->pid, AT_FDCWD, a[0], p, sizeof p) == 0)
			crash_save_size(cs, p, (off_t)a[1], -1);
		return;
	}
	snprintf(p, sizeof p, "/proc/%d/fd/%d", t->pid, (int)a[0]);
	if (c->sys->family == FAM_FTRUNCATE) {
		crash_save_size(cs, p, (off_t)a[1], -1);
	} else {   /* fallocate(fd, mode, off, len) */
		int mode = (int)a[1];
		off_t off = (off_t)a[2], len = (off_t)a[3];
		if (mode & (FALLOC_FL_COLLAPSE_RANGE | FALLOC_FL_INSERT_RANGE))
			crash_save_size(cs, p, off, -1);
		else if (mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE))
			crash_save_size(cs, p, off, off + len);
		else
			crash_save_size(cs, p, 0, 0);   /* only the size */
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
			crash_entry_open(cs, t, c);
		break;
	case FAM_MKDIR: case FAM_LINK: case FAM_UNLINK: case FAM_RMDIR: case FAM_RENAME:
		if (cs->mode == CRASH_POSIX)
			crash_entry_names(cs, t, c);
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
	struct ent *e = crash_push(cs, E_MAP);
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

void rpl_crash_exit(struct rpl_crash *cs, struct rec_thread *t, struct rec_call *c)
{
	const struct rec_sys *s = c->sys;
	int fam = s->family;
	if (fam == FAM_OPEN || fam == FAM_MKDIR || fam == FAM_LINK || fam == FAM_UNLINK ||
	    fam == FAM_RMDIR || fam == FAM_RENAME) {
		if (cs->mode == CRASH_POSIX)
			crash_exit_names(cs, t, c);
		return;
	}
	if (c->ret < 0)
		return;
	/* the fsync family syncs memory (arg 0 an address: msync), a file range
	 * (an offset after the fd: sync_file_range) or a whole file */
	if (fam == FAM_MMAP)
		exit_mmap(cs, t, c);
	else if (fam == FAM_FSYNC && s->arg[0] == A_PTR)
		exit_msync(cs, t, c);
	else if (fam == FAM_FSYNC && s->nargs > 1 && s->arg[1] == A_INT)
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

int rpl_crash_rollback(struct rpl_crash *cs, int *distinct)
{
	int rc = cs->incomplete ? -ENOSPC : 0, r;
	struct crash_torn tv[64];
	int nt = cs->mode == CRASH_TORN ? crash_torn_collect(cs, tv, 64) : 0;
	for (struct ent *e = cs->log; e; e = e->next)
		if (!e->durable && (e->kind == E_DATA || e->kind == E_MAP ||
				    (e->kind == E_SIZE && cs->mode == CRASH_POSIX)))
			if ((r = undo_data(e)) < 0)
				rc = r;
	if (cs->mode == CRASH_POSIX)
		for (struct ent *e = cs->log; e; e = e->next)
			if (!e->durable && e->kind > E_SIZE && (r = crash_undo_name(e)) < 0)
				rc = r;
	*distinct = 1;
	if (cs->mode == CRASH_TORN) {
		int changed;
		if ((r = crash_torn_apply(tv, nt, &changed)) < 0)
			rc = r;
		*distinct = changed > 0;
	}
	return rc;
}

/* What a victim holds: the removed file's fd, the symlink's target. */
static void victim_free(struct victim *v)
{
	if (v->fd >= 0)
		close(v->fd);
	free(v->target);
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
		victim_free(&e->vic);
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
		victim_free(&p->vic);
		free(p);
	}
	free(cs);
}
