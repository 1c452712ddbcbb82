/*
 * record/snapshot.c - the initial state of the recorded working directory,
 * stored in the database so that every replay run starts from exactly what
 * the recorded run saw (replay mounts it as the lower layer of each run's
 * overlay).  Regular files, directories and symlinks; other file types are
 * skipped.  Extra paths (record --snapshot-path) are stored the same way
 * under their absolute path ("/home/u/.cache/x/..."), where the cwd's
 * entries are relative; replay restores each and overlays it at its path.  The database itself (and its -wal/-shm/-journal) is left out.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "snapshot.h"

struct walk {
	uint64_t bytes, entries, max_bytes, max_entries;
	dev_t skip_dev;
	ino_t skip_ino[4];
	int nskip;
};

static struct walk *g_walk;

static int measure(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)path;
	(void)type;
	(void)ftw;
	g_walk->entries++;
	if (S_ISREG(sb->st_mode))
		g_walk->bytes += (uint64_t)sb->st_size;
	if (g_walk->bytes > g_walk->max_bytes || g_walk->entries > g_walk->max_entries)
		return 1;
	return 0;
}

int rec_snapshot_fits(const char *dir, uint64_t max_bytes, uint64_t max_entries)
{
	struct walk w = { .max_bytes = max_bytes, .max_entries = max_entries };
	g_walk = &w;
	int rc = nftw(dir, measure, 32, FTW_PHYS | FTW_MOUNT);
	return rc == 0;
}

struct take {
	struct store *st;
	long rec;
	size_t base_len;
	struct stat skip[4];
	int nskip;
	int absolute;        /* an extra path: entries keep their absolute path */
	int err;
};
static struct take *g_take;

static int take_one(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	struct take *t = g_take;
	(void)ftw;
	for (int i = 0; i < t->nskip; i++)
		if (t->skip[i].st_dev == sb->st_dev && t->skip[i].st_ino == sb->st_ino)
			return 0;
	const char *rel = path + t->base_len;
	while (*rel == '/' && !t->absolute)
		rel++;
	int rc = 0;
	if (type == FTW_D || type == FTW_DP) {
		rc = store_snap_add(t->st, t->rec, rel, sb->st_mode, NULL, 0, NULL);
	} else if (type == FTW_SL) {
		char link[PATH_MAX];
		ssize_t n = readlink(path, link, sizeof link - 1);
		if (n >= 0) {
			link[n] = 0;
			rc = store_snap_add(t->st, t->rec, rel, sb->st_mode, NULL, 0, link);
		}
	} else if (type == FTW_F && S_ISREG(sb->st_mode)) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return 0;   /* unreadable: leave it out */
		char *buf = xmalloc((size_t)sb->st_size + 1);
		size_t got = 0;
		while (got < (size_t)sb->st_size) {
			ssize_t n = read(fd, buf + got, (size_t)sb->st_size - got);
			if (n <= 0)
				break;
			got += (size_t)n;
		}
		close(fd);
		rc = store_snap_add(t->st, t->rec, rel, sb->st_mode, buf, got, NULL);
		free(buf);
	}
	if (rc < 0) {
		t->err = rc;
		return 1;
	}
	return 0;
}

int rec_snapshot_take(struct store *st, long rec, const char *dir, const char *db)
{
	int absolute = dir[0] == '/' && dir[1] == '/';
	if (absolute)
		dir++;
	struct take t = { .st = st, .rec = rec, .base_len = absolute ? 0 : strlen(dir),
			  .absolute = absolute };
	static const char *sfx[] = { "", "-wal", "-shm", "-journal" };
	for (int i = 0; i < 4; i++) {
		char p[PATH_MAX + 16];
		snprintf(p, sizeof p, "%s%s", db, sfx[i]);
		if (stat(p, &t.skip[t.nskip]) == 0)
			t.nskip++;
	}
	g_take = &t;
	int rc = nftw(dir, take_one, 32, FTW_PHYS | FTW_MOUNT);
	if (t.err)
		return t.err;
	if (rc != 0)
		return -EIO;
	return absolute ? 0 : store_rec_set_snapshot(st, rec, 1);
}
