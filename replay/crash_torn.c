/*
 * replay/crash_torn.c - torn writes (crash:torn/K): which prefixes a write
 * has, and putting them back after the rollback.
 *
 * The cuts of a write of len bytes at off are the 512-byte boundaries
 * strictly inside [off, off + len).  Prefix choice K names one of them:
 * 1 (the smallest prefix), the last, then midpoints breadth first, so the
 * first few choices spread over the write (rpl_torn_cut).  Before the
 * rollback, the newest un-durable E_DATA of each inode gives its first
 * rpl_torn_prefix() bytes (as the file holds them now); after it, they are
 * written back.  A prefix that equals what the rollback left changes
 * nothing: when no file changed, the run is not a state of its own.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crash.h"

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

int crash_torn_collect(struct rpl_crash *cs, struct crash_torn *tv, int max)
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
		tv[nt++] = (struct crash_torn){ e, buf, (size_t)got };
	}
	return nt;
}

int crash_torn_apply(struct crash_torn *tv, int nt, int *changed)
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
