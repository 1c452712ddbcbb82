/*
 * replay/crash.h - what the crash model's files share (crash.c: the log,
 * data paths, durability, rollback; crash_names.c: directory entries;
 * crash_torn.c: torn writes).  Not an API: rpl.h has that.
 */
#ifndef RPL_CRASH_H
#define RPL_CRASH_H

#include <limits.h>
#include <stdint.h>
#include <sys/types.h>
#include "rpl.h"

#define UNDO_MAX_BYTES (256u << 20)
#define HELD_MAX 512             /* fds on removed inodes and parents */
#define SECTOR 512               /* torn writes are cut at sectors */

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

/* A torn write to put back after the rollback. */
struct crash_torn {
	struct ent *e;
	char *buf;
	size_t n;
};

/* crash.c */
struct ent *crash_push(struct rpl_crash *cs, enum ent_kind kind);
/* Save what a size change of the file at path destroys: the size, and the
 * bytes [from, to) (to -1: the end).  The new entry, or NULL. */
struct ent *crash_save_size(struct rpl_crash *cs, const char *path, off_t from, off_t to);
/* The tracee's (dirfd, path at addr) as a path of ours. */
int crash_tracee_path(pid_t tid, pid_t pid, int dirfd, uint64_t addr, char *out, size_t n);

/* crash_names.c (CRASH_POSIX): log at entry and exit, undo one entry */
void crash_entry_open(struct rpl_crash *cs, struct rec_thread *t, struct rec_call *c);
void crash_entry_names(struct rpl_crash *cs, struct rec_thread *t, struct rec_call *c);
void crash_exit_names(struct rpl_crash *cs, struct rec_thread *t, struct rec_call *c);
int crash_undo_name(struct ent *e);

/* crash_torn.c (CRASH_TORN): before the rollback, the prefix of each
 * file's last un-durable write (at most max); after it, write them back.
 * *changed: how many files a prefix changed. */
int crash_torn_collect(struct rpl_crash *cs, struct crash_torn *tv, int max);
int crash_torn_apply(struct crash_torn *tv, int nt, int *changed);

#endif
