/*
 * replay/crash_names.c - the crash model's directory entries (crash:posix).
 *
 * At the entry of a create (O_CREAT open that makes a new name), mkdir,
 * link, symlink, unlink, rmdir or rename, the parent directories are held
 * open (one fd of ours per directory) and what the call will remove is
 * kept: an fd on a regular file's inode, a symlink's target, a mode.  At
 * the exit of a successful call the entry is logged (E_CREATE ...
 * E_EXCHANGE); a failed call logs nothing.  An O_TRUNC open of a non-empty
 * file is logged as an E_SIZE.  crash.c marks entries durable when their
 * parents are fsynced; crash_undo_name() undoes one after the crash,
 * recreating a removed name as a copy of the held inode.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../record/syscalls.h"
#include "crash.h"

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

/* The call's first (n = 0) or last (n = -1) A_PATH argument, with the
 * A_DIRFD just before it (AT_FDCWD when there is none).  -1: no path. */
static int path_arg(const struct rec_call *c, int n, int *dirfd, uint64_t *path)
{
	const struct rec_sys *s = c->sys;
	int k = -1;
	for (int i = rec_sys_arg(s, A_PATH, 0); i >= 0; i = rec_sys_arg(s, A_PATH, i + 1)) {
		k = i;
		if (n == 0)
			break;
	}
	if (k < 0)
		return -1;
	*dirfd = k > 0 && s->arg[k - 1] == A_DIRFD ? (int)c->args[k - 1] : AT_FDCWD;
	*path = c->args[k];
	return 0;
}

/* The value of the row's first argument of kind `kind`, or 0 without one. */
static uint64_t arg_val(const struct rec_call *c, int kind)
{
	int i = rec_sys_arg(c->sys, kind, 0);
	return i >= 0 ? c->args[i] : 0;
}

/* The open family's flags: an A_OPEN_FLAGS argument, an A_OPEN_HOW's first
 * u64 (openat2), or, with neither, creat's O_CREAT|O_TRUNC|O_WRONLY. */
void crash_entry_open(struct rpl_crash *cs, struct rec_thread *t, struct rec_call *c)
{
	const struct rec_sys *s = c->sys;
	int dirfd, fi = rec_sys_arg(s, A_OPEN_FLAGS, 0), hi = rec_sys_arg(s, A_OPEN_HOW, 0);
	uint64_t path, flags = O_CREAT | O_TRUNC | O_WRONLY;
	if (path_arg(c, 0, &dirfd, &path) < 0)
		return;
	if (fi >= 0)
		flags = c->args[fi];
	else if (hi >= 0 && rec_mem_read(t->tid, c->args[hi], &flags, 8) != 8)
		return;
	if ((flags & O_TMPFILE) == O_TMPFILE || !(flags & (O_CREAT | O_TRUNC)))
		return;
	char p[PATH_MAX + 64];
	struct stat sb;
	if (crash_tracee_path(t->tid, t->pid, dirfd, path, p, sizeof p) < 0)
		return;
	int exists = stat(p, &sb) == 0;
	struct pending *pd = pending_get(cs, t->tid, 1);
	pd->kind = -1;
	if (!exists && (flags & O_CREAT))
		pd->kind = parent_of(cs, p, &pd->dfd[0], pd->name[0]) == 0 ? E_CREATE : UNSAVED;
	else if (exists && (flags & O_TRUNC) && (flags & O_ACCMODE) != O_RDONLY &&
		   S_ISREG(sb.st_mode) && sb.st_size > 0) {
		pd->size = crash_save_size(cs, p, 0, -1);
		if (pd->size) {   /* pushed at exit, if the open succeeds */
			cs->log = pd->size->next;
			pd->size->next = NULL;
		}
	}
}

/* The names a call changes, from its row's arg kinds: mkdir, unlink and
 * rmdir change their (first) path, link and symlink their last one, rename
 * its first (the old name) and last (the new); each path is relative to the
 * A_DIRFD just before it.  AT_REMOVEDIR in an A_AT_FLAGS argument makes an
 * unlink an rmdir, RENAME_EXCHANGE in an A_RENAME_FLAGS a rename an
 * exchange. */
void crash_entry_names(struct rpl_crash *cs, struct rec_thread *t, struct rec_call *c)
{
	char p[PATH_MAX + 64], q[PATH_MAX + 64];
	int fam = c->sys->family, dfd, qdfd;
	uint64_t path, qpath;
	struct pending *pd = pending_get(cs, t->tid, 1);
	drop_victim(cs, &pd->vic);
	pd->kind = -1;
	int ok = path_arg(c, fam == FAM_LINK ? -1 : 0, &dfd, &path);
	if (ok == 0)
		ok = crash_tracee_path(t->tid, t->pid, dfd, path, p, sizeof p);
	switch (fam) {
	case FAM_MKDIR:
		pd->kind = E_MKDIR;
		break;
	case FAM_LINK:
		pd->kind = E_LINK;
		break;
	case FAM_UNLINK:
	case FAM_RMDIR:
		pd->kind = fam == FAM_RMDIR || (arg_val(c, A_AT_FLAGS) & AT_REMOVEDIR) ? E_RMDIR
										 : E_UNLINK;
		break;
	case FAM_RENAME:
		if (ok == 0)
			ok = path_arg(c, -1, &qdfd, &qpath);
		if (ok == 0)
			ok = crash_tracee_path(t->tid, t->pid, qdfd, qpath, q, sizeof q);
		pd->kind = arg_val(c, A_RENAME_FLAGS) & RENAME_EXCHANGE ? E_EXCHANGE : E_RENAME;
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

void crash_exit_names(struct rpl_crash *cs, struct rec_thread *t, struct rec_call *c)
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
	struct ent *e = crash_push(cs, (enum ent_kind)pd->kind);
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

int crash_undo_name(struct ent *e)
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
