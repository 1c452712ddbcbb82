/*
 * record/fdcache.c - what each fd of each process points to, and its cwd.
 *
 * Learned lazily from /proc/PID/fd/N and /proc/PID/cwd and kept true by
 * decode.c as calls open, dup, close, exec and chdir; threads share their
 * process's entry.  A miss only costs a readlink.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decode.h"
#include "fdcache.h"

#define NPROC_BUCKET 256
#define FD_CACHE_MAX 4096

struct pcache {
	pid_t pid;
	char *cwd;
	char **fd;            /* fd -> description, NULL: not known yet */
	int nfd;
	struct pcache *next;
};

struct rec_fdcache {
	struct pcache *bucket[NPROC_BUCKET];
};

struct rec_fdcache *rec_fdc_new(void)
{
	return xcalloc(1, sizeof(struct rec_fdcache));
}

static void pc_free(struct pcache *p)
{
	for (int i = 0; i < p->nfd; i++)
		free(p->fd[i]);
	free(p->fd);
	free(p->cwd);
	free(p);
}

void rec_fdc_free(struct rec_fdcache *d)
{
	if (!d)
		return;
	for (int i = 0; i < NPROC_BUCKET; i++)
		while (d->bucket[i]) {
			struct pcache *p = d->bucket[i];
			d->bucket[i] = p->next;
			pc_free(p);
		}
	free(d);
}

void rec_fdc_forget(struct rec_fdcache *d, pid_t pid)
{
	for (struct pcache **pp = &d->bucket[pid % NPROC_BUCKET]; *pp; pp = &(*pp)->next)
		if ((*pp)->pid == pid) {
			struct pcache *p = *pp;
			*pp = p->next;
			pc_free(p);
			return;
		}
}

static struct pcache *pc_get(struct rec_fdcache *d, pid_t pid)
{
	for (struct pcache *p = d->bucket[pid % NPROC_BUCKET]; p; p = p->next)
		if (p->pid == pid)
			return p;
	struct pcache *p = xcalloc(1, sizeof *p);
	p->pid = pid;
	p->next = d->bucket[pid % NPROC_BUCKET];
	d->bucket[pid % NPROC_BUCKET] = p;
	return p;
}

void rec_fdc_drop(struct rec_fdcache *d, pid_t pid, long fd)
{
	struct pcache *p = pc_get(d, pid);
	if (fd >= 0 && fd < p->nfd) {
		free(p->fd[fd]);
		p->fd[fd] = NULL;
	}
}

void rec_fdc_put(struct rec_fdcache *d, pid_t pid, long fd, const char *desc)
{
	struct pcache *p = pc_get(d, pid);
	if (fd < 0 || fd >= FD_CACHE_MAX)
		return;
	if (fd >= p->nfd) {
		int n = p->nfd ? p->nfd : 16;
		while (n <= fd)
			n *= 2;
		p->fd = xrealloc(p->fd, (size_t)n * sizeof *p->fd);
		memset(p->fd + p->nfd, 0, (size_t)(n - p->nfd) * sizeof *p->fd);
		p->nfd = n;
	}
	free(p->fd[fd]);
	p->fd[fd] = desc ? xstrdup(desc) : NULL;
}

/* What fd points to in pid, or NULL when it is not open. */
const char *rec_fdc_desc(struct rec_fdcache *d, pid_t pid, long fd)
{
	struct pcache *p = pc_get(d, pid);
	if (fd < 0)
		return NULL;
	if (fd < p->nfd && p->fd[fd])
		return p->fd[fd];
	char link[64], buf[PATH_MAX];
	snprintf(link, sizeof link, "/proc/%d/fd/%ld", pid, fd);
	ssize_t n = readlink(link, buf, sizeof buf - 1);
	if (n < 0)
		return NULL;
	buf[n] = 0;
	if (fd >= FD_CACHE_MAX)
		return NULL;
	rec_fdc_put(d, pid, fd, buf);
	return p->fd[fd];
}

const char *rec_fdc_cwd(struct rec_fdcache *d, pid_t pid)
{
	struct pcache *p = pc_get(d, pid);
	if (!p->cwd) {
		char link[64], buf[PATH_MAX];
		snprintf(link, sizeof link, "/proc/%d/cwd", pid);
		ssize_t n = readlink(link, buf, sizeof buf - 1);
		if (n < 0)
			return NULL;
		buf[n] = 0;
		p->cwd = xstrdup(buf);
	}
	return p->cwd;
}

const char *rec_fd_kind(const char *desc)
{
	if (!desc)
		return NULL;
	if (!strncmp(desc, "socket:", 7))
		return "socket";
	if (!strncmp(desc, "pipe:", 5))
		return "pipe";
	if (!strncmp(desc, "/dev/pts/", 9) || !strncmp(desc, "/dev/tty", 8) ||
	    !strcmp(desc, "/dev/console"))
		return "tty";
	if (!strncmp(desc, "/dev/", 5))
		return "dev";
	if (desc[0] == '/')
		return "file";
	return "other";
}


void rec_fdc_cwd_changed(struct rec_fdcache *d, pid_t pid)
{
	struct pcache *p = pc_get(d, pid);
	free(p->cwd);
	p->cwd = NULL;
}
