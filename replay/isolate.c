/*
 * replay/isolate.c - the whole filesystem of a run, private to it.
 *
 * In the worker's private mount namespace, a new root is built under the
 * run directory and entered with pivot_root:
 *
 *   RUN/root             overlay: lower /, upper RUN/layers/0
 *   RUN/root/M           for every other mount M of the host, in path order:
 *                          a writable file system (ext4, tmpfs, ...): an
 *                          overlay with lower M, upper RUN/layers/K;
 *                          kernel file systems (proc, sysfs, devtmpfs ...):
 *                          a bind with their submounts, of which only a
 *                          writable one in /dev (/dev/shm) gets an overlay;
 *                          read-only mounts: a read-only bind
 *   RUN/root/CWD         overlay: lower the recorded snapshot (or CWD),
 *                          upper RUN/layers/c
 *   RUN/root/P           the same for each extra snapshot path P
 *   RUN/root/RUN         a bind of RUN itself: the worker's result and the
 *                          program's output reach the host
 *
 * So a run writes only to its own layers: $HOME caches, /tmp files, lock
 * files, __pycache__ next to a module elsewhere.  Nothing is visible to
 * the host or to another run, and every run starts from the same world.
 * The namespace dies with the worker; the layers go with the run directory.
 *
 * What cannot be isolated is said, never hidden: a mount that no overlay
 * accepts (a file bind-mounted over a file, a file system overlayfs refuses
 * as a lower layer) is bound as it is and named in *leaks.  Without
 * CAP_SYS_ADMIN there is no private mount namespace: the caller falls back
 * to a copy of the working directory, and the baseline says that writes
 * elsewhere reach the host.
 *
 * Invariant: nothing is mounted on the host; every mount is made after
 * unshare(CLONE_NEWNS) and propagation is private.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rpl.h"

struct mnt {
	char *path, *fstype;
	int ro, idx;
};

/* mountinfo escapes blanks and backslashes as \ooo */
static void unescape(char *s)
{
	char *w = s;
	for (char *r = s; *r;) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '7' && r[2] && r[3]) {
			*w++ = (char)(((r[1] - '0') << 6) | ((r[2] - '0') << 3) | (r[3] - '0'));
			r += 4;
		} else {
			*w++ = *r++;
		}
	}
	*w = 0;
}

static int by_path(const void *a, const void *b)
{
	const struct mnt *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	return c ? c : x->idx - y->idx;
}

static int read_mounts(struct mnt **out, size_t *n)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return -errno;
	char line[8192];
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	while (fgets(line, sizeof line, f)) {
		char mp[4096], opts[1024], *dash = strstr(line, " - ");
		char fstype[64];
		if (!dash || sscanf(line, "%*s %*s %*s %*s %4095s %1023s", mp, opts) != 2 ||
		    sscanf(dash + 3, "%63s", fstype) != 1)
			continue;
		unescape(mp);
		if (*n == cap) {
			cap = cap ? cap * 2 : 32;
			*out = xrealloc(*out, cap * sizeof **out);
		}
		struct mnt *m = &(*out)[(*n)++];
		m->path = xstrdup(mp);
		m->fstype = xstrdup(fstype);
		m->ro = !strncmp(opts, "ro", 2) && (opts[2] == ',' || !opts[2]);
		m->idx = (int)*n;
	}
	fclose(f);
	qsort(*out, *n, sizeof **out, by_path);
	return 0;
}

/* File systems of the kernel's own state: bound, never overlaid. */
static int kernel_fs(const char *t)
{
	static const char *const k[] = {
		"proc", "sysfs", "devtmpfs", "devpts", "cgroup", "cgroup2", "mqueue",
		"securityfs", "debugfs", "tracefs", "pstore", "bpf", "fusectl", "configfs",
		"hugetlbfs", "binfmt_misc", "autofs", "efivarfs", "rpc_pipefs", "nsfs",
		"selinuxfs", "nfsd",
	};
	for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
		if (!strcmp(t, k[i]))
			return 1;
	return 0;
}

int rpl_mkdirs(const char *p, mode_t mode)
{
	char b[2 * PATH_MAX];
	snprintf(b, sizeof b, "%s", p);
	for (char *s = b + 1; *s; s++)
		if (*s == '/') {
			*s = 0;
			if (mkdir(b, mode) < 0 && errno != EEXIST)
				return -errno;
			*s = '/';
		}
	return mkdir(b, mode) < 0 && errno != EEXIST ? -errno : 0;
}

/* An overlay of lower at target, its writes in layers/K. */
int rpl_overlay(const char *lower, const char *target, const char *layers, int k)
{
	char up[PATH_MAX], work[PATH_MAX], opts[3 * PATH_MAX + 64];
	snprintf(up, sizeof up, "%s/%d", layers, k);
	if (mkdir(up, 0755) < 0 && errno != EEXIST)
		return -errno;
	snprintf(up, sizeof up, "%s/%d/u", layers, k);
	if (mkdir(up, 0755) < 0 && errno != EEXIST)
		return -errno;
	/* volatile (Linux 5.10+): the layers are thrown away, so neither the
	 * program's fsyncs nor the unmount at the namespace's end sync them
	 * to disk (that sync is most of an overlay's cost).  A work directory
	 * that saw volatile cannot serve a plain mount: one each. */
	for (int v = 1; v >= 0; v--) {
		snprintf(work, sizeof work, "%s/%d/w%d", layers, k, v);
		if (mkdir(work, 0755) < 0 && errno != EEXIST)
			return -errno;
		snprintf(opts, sizeof opts, "lowerdir=%s,upperdir=%s,workdir=%s%s", lower, up, work,
			 v ? ",volatile" : "");
		if (mount("overlay", target, "overlay", 0, opts) == 0)
			return 0;
	}
	return -errno;
}

int rpl_isolate_ns(void)
{
	/* A user namespace would give an unprivileged worker mounts of its
	 * own, but not this design: overlayfs refuses a lower layer with
	 * locked submounts (/ in a user namespace), and the worker could not
	 * ptrace the program it starts there.  Without CAP_SYS_ADMIN the
	 * caller falls back to a copy of the working directory. */
	if (unshare(CLONE_NEWNS) < 0)
		return -errno;
	return mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ? -errno : 0;
}

int rpl_isolate_root(const char *rundir, const struct rpl_lower *lowers, int nlowers,
		     struct sb *leaks)
{
	char root[PATH_MAX], layers[PATH_MAX], t[2 * PATH_MAX];
	snprintf(root, sizeof root, "%s/root", rundir);
	snprintf(layers, sizeof layers, "%s/layers", rundir);
	if (mkdir(root, 0755) < 0 || mkdir(layers, 0755) < 0)
		return -errno;
	int rc = rpl_overlay("/", root, layers, 0);
	if (rc == -ELOOP || rc == -EINVAL) {
		/* a kernel that refuses an upper layer inside its lower one:
		 * keep the layers on a file system of their own */
		if (mount("faultline-layers", layers, "tmpfs", 0, "mode=0755") < 0)
			return -errno;
		rc = rpl_overlay("/", root, layers, 0);
	}
	if (rc < 0)
		return rc;
	struct mnt *m = NULL;
	size_t n = 0;
	if ((rc = read_mounts(&m, &n)) < 0)
		return rc;
	int k = 1;
	size_t rl = strlen(rundir);
	const char *kern = NULL;   /* the kernel mount last bound with its submounts */
	size_t kl = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const char *p = m[i].path;
		if (!strcmp(p, "/") || (!strncmp(p, rundir, rl) && (p[rl] == '/' || !p[rl])))
			continue;
		if (i + 1 < n && !strcmp(p, m[i + 1].path))
			continue;   /* stacked: the path shows the last one */
		int kfs = kernel_fs(m[i].fstype);
		/* under /proc, /sys or /dev, bound with all their submounts:
		 * only a writable file system in /dev (/dev/shm) gets an overlay */
		int under = kern && !strncmp(p, kern, kl) && p[kl] == '/';
		if (under && (kfs || m[i].ro || strcmp(kern, "/dev")))
			continue;
		snprintf(t, sizeof t, "%s%s", root, p);
		struct stat sb;
		if (stat(p, &sb) < 0)
			continue;   /* hidden by a later mount */
		if (!kfs && !m[i].ro && S_ISDIR(sb.st_mode) && rpl_overlay(p, t, layers, k++) == 0)
			continue;
		if (kfs && !under) {
			kern = p;
			kl = strlen(p);
		}
		if (mount(p, t, NULL, MS_BIND | (kfs ? MS_REC : 0), NULL) < 0) {
			if (leaks && !m[i].ro && !kernel_fs(m[i].fstype))
				sb_printf(leaks, "%s%s", leaks->len ? " " : "", p);
			continue;   /* unreachable in the run, not written either */
		}
		if (m[i].ro)
			mount(NULL, t, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL);
		else if (!kernel_fs(m[i].fstype) && leaks)
			sb_printf(leaks, "%s%s", leaks->len ? " " : "", p);
	}
	for (size_t i = 0; i < n; i++) {
		free(m[i].path);
		free(m[i].fstype);
	}
	free(m);
	/* the recorded snapshots, at their paths */
	for (int i = 0; i < nlowers && rc == 0; i++) {
		snprintf(t, sizeof t, "%s%s", root, lowers[i].at);
		if ((rc = rpl_mkdirs(t, 0755)) == 0)
			rc = rpl_overlay(lowers[i].lower, t, layers, 1000 + i);
	}
	/* the run directory stays the host's: result and output get out */
	snprintf(t, sizeof t, "%s%s", root, rundir);
	if (rc == 0 && mount(rundir, t, NULL, MS_BIND, NULL) < 0)
		rc = -errno;
	if (rc == 0 && (chdir(root) < 0 || syscall(SYS_pivot_root, ".", ".") < 0 ||
			umount2(".", MNT_DETACH) < 0 || chdir("/") < 0))
		rc = -errno;
	return rc;
}
