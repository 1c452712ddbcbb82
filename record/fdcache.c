/*
 * record/fdcache.c - what each fd of each process points to, and its cwd.
 *
 * Learned lazily from /proc/PID/fd/N and /proc/PID/cwd and kept true by
 * decode.c as calls open, dup, close, exec and chdir; threads share their
 * process's entry.  A miss only costs a readlink.
 *
 * Each known fd also caches whether it is an inherited standard stream:
 * the same open file description as one of faultline's own fds 0, 1 and 2
 * (the ones the program inherited from faultline's caller), asked of the
 * kernel with kcmp(KCMP_FILE) the first time and forgotten with the
 * description.  So a dup of stdout is std, and fd 1 after dup2(file, 1) is
 * not.  Where kcmp is unavailable (no CONFIG_KCMP, or a seccomp profile
 * that refuses it) the same file (device and inode) stands in for the
 * same description.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <linux/kcmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "decode.h"
#include "fdcache.h"

#define NPROC_BUCKET 256
#define FD_CACHE_MAX 4096

struct fdent {
	char *desc;           /* NULL: not known yet */
	signed char std;      /* inherited std stream: 1, 0, -1 not asked yet */
};

struct pcache {
	pid_t pid;
	char *cwd;
	struct fdent *fd;
	int nfd;
	struct pcache *next;
};

struct rec_fdcache {
	struct pcache *bucket[NPROC_BUCKET];
	unsigned std_refs;    /* bit i: faultline's fd i is a reference */
	int no_kcmp;          /* kcmp refused: compare files instead */
	struct stat ref_st[3];
};

struct rec_fdcache *rec_fdc_new(void)
{
	return xcalloc(1, sizeof(struct rec_fdcache));
}

static void pc_free(struct pcache *p)
{
	for (int i = 0; i < p->nfd; i++)
		free(p->fd[i].desc);
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
		free(p->fd[fd].desc);
		p->fd[fd].desc = NULL;
		p->fd[fd].std = -1;
	}
}

void rec_fdc_put(struct rec_fdcache *d, pid_t pid, long fd, const char *desc, int std)
{
	struct pcache *p = pc_get(d, pid);
	if (fd < 0 || fd >= FD_CACHE_MAX)
		return;
	if (fd >= p->nfd) {
		int n = p->nfd ? p->nfd : 16;
		while (n <= fd)
			n *= 2;
		p->fd = xrealloc(p->fd, (size_t)n * sizeof *p->fd);
		for (int i = p->nfd; i < n; i++)
			p->fd[i] = (struct fdent){ NULL, -1 };
		p->nfd = n;
	}
	free(p->fd[fd].desc);
	p->fd[fd].desc = desc ? xstrdup(desc) : NULL;
	p->fd[fd].std = (signed char)(std < 0 ? -1 : !!std);
}

/* What fd points to in pid, or NULL when it is not open. */
const char *rec_fdc_desc(struct rec_fdcache *d, pid_t pid, long fd)
{
	struct pcache *p = pc_get(d, pid);
	if (fd < 0)
		return NULL;
	if (fd < p->nfd && p->fd[fd].desc)
		return p->fd[fd].desc;
	char link[64], buf[PATH_MAX];
	snprintf(link, sizeof link, "/proc/%d/fd/%ld", pid, fd);
	ssize_t n = readlink(link, buf, sizeof buf - 1);
	if (n < 0)
		return NULL;
	buf[n] = 0;
	if (fd >= FD_CACHE_MAX)
		return NULL;
	rec_fdc_put(d, pid, fd, buf, -1);
	return p->fd[fd].desc;
}

void rec_fdc_std_refs(struct rec_fdcache *d, unsigned mask)
{
	d->std_refs = 0;
	for (int i = 0; i < 3; i++)
		if ((mask & (1u << i)) && fstat(i, &d->ref_st[i]) == 0)
			d->std_refs |= 1u << i;
}

/* Is pid's fd the same open file description as one of the references? */
static int ask_std(struct rec_fdcache *d, pid_t pid, long fd)
{
	pid_t self = getpid();
	for (int i = 0; i < 3 && !d->no_kcmp; i++) {
		if (!(d->std_refs & (1u << i)))
			continue;
		long r = syscall(SYS_kcmp, self, pid, KCMP_FILE, (unsigned long)i,
				 (unsigned long)fd);
		if (r == 0)
			return 1;
		if (r < 0 && (errno == ENOSYS || errno == EPERM || errno == EACCES))
			d->no_kcmp = 1;   /* not this kernel, or not allowed: for good */
	}
	if (!d->no_kcmp)
		return 0;
	char link[64];
	struct stat st;
	snprintf(link, sizeof link, "/proc/%d/fd/%ld", pid, fd);
	if (stat(link, &st) < 0)
		return 0;
	for (int i = 0; i < 3; i++)
		if ((d->std_refs & (1u << i)) && st.st_dev == d->ref_st[i].st_dev &&
		    st.st_ino == d->ref_st[i].st_ino)
			return 1;
	return 0;
}

int rec_fdc_std(struct rec_fdcache *d, pid_t pid, long fd)
{
	if (!d->std_refs || !rec_fdc_desc(d, pid, fd))
		return 0;
	struct pcache *p = pc_get(d, pid);
	if (fd >= p->nfd)
		return ask_std(d, pid, fd);
	if (p->fd[fd].std < 0)
		p->fd[fd].std = (signed char)ask_std(d, pid, fd);
	return p->fd[fd].std;
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

void rec_stdio_kinds(struct sb *out)
{
	for (int fd = 0; fd <= 2; fd++) {
		char link[32], desc[PATH_MAX];
		snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
		ssize_t n = readlink(link, desc, sizeof desc - 1);
		if (n >= 0)
			desc[n] = 0;
		sb_printf(out, "%s%s", fd ? " " : "", n >= 0 ? rec_fd_kind(desc) : "-");
	}
}


void rec_fdc_cwd_changed(struct rec_fdcache *d, pid_t pid)
{
	struct pcache *p = pc_get(d, pid);
	free(p->cwd);
	p->cwd = NULL;
}
