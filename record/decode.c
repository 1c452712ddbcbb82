/*
 * record/decode.c - argument decoders, one per enum rec_arg: a row of
 * xlat_kind[] for a constant or flags named by one table, else a case in
 * put_scalar() (a value), decode_arg() (memory read at entry) or
 * put_output() (memory the kernel wrote, read at exit).  See decode.h for
 * the entry/exit protocol.  The fd and cwd cache they name
 * targets with is record/fdcache.c.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "decode.h"
#include "fdcache.h"
#include "syscalls.h"
#include "xlat.h"

struct rec_decoder {
	size_t capture, preview;
	struct rec_fdcache *fdc;
	char *scratch;        /* capture-sized buffer */
};

struct rec_decoder *rec_decoder_new(size_t capture, size_t preview)
{
	struct rec_decoder *d = xcalloc(1, sizeof *d);
	d->capture = capture;
	d->preview = preview;
	d->fdc = rec_fdc_new();
	d->scratch = xmalloc((capture > preview ? capture : preview) + PATH_MAX + 1);
	return d;
}

void rec_decoder_free(struct rec_decoder *d)
{
	if (!d)
		return;
	rec_fdc_free(d->fdc);
	free(d->scratch);
	free(d);
}

void rec_decoder_forget(struct rec_decoder *d, pid_t pid)
{
	rec_fdc_forget(d->fdc, pid);
}

void rec_decoder_std_refs(struct rec_decoder *d, unsigned mask)
{
	rec_fdc_std_refs(d->fdc, mask);
}

void rec_decoded_init(struct rec_decoded *o)
{
	memset(o, 0, sizeof *o);
}

void rec_decoded_free(struct rec_decoded *o)
{
	for (int i = 0; i < 6; i++)
		sb_free(&o->arg[i]);
	sb_free(&o->text);
	sb_free(&o->path);
	sb_free(&o->data);
}

/* ---- pieces ------------------------------------------------------------ */

static void put_fd(struct rec_decoder *d, struct sb *b, pid_t pid, long fd)
{
	const char *desc = rec_fdc_desc(d->fdc, pid, fd);
	if (desc)
		sb_printf(b, "%ld<%s>", fd, desc);
	else
		sb_printf(b, "%ld", fd);
}

/* Returns the string's length, or -1 (NULL, or memory not readable). */
static ssize_t put_str(struct rec_decoder *d, struct sb *b, pid_t tid, uint64_t addr,
		       struct sb *keep)
{
	int trunc;
	if (!addr) {
		sb_puts(b, "NULL");
		return -1;
	}
	ssize_t n = rec_mem_str(tid, addr, d->scratch, PATH_MAX, &trunc);
	if (n < 0) {
		sb_printf(b, "%#llx", (unsigned long long)addr);
		return -1;
	}
	sb_putc(b, '"');
	sb_escape(b, (unsigned char *)d->scratch, (size_t)n);
	sb_puts(b, trunc ? "\"..." : "\"");
	if (keep) {
		sb_reset(keep);
		sb_add(keep, d->scratch, (size_t)n);
	}
	return n;
}

/* Bytes at addr: preview into the text, up to `capture` into o->data. */
static void put_buf(struct rec_decoder *d, struct sb *b, pid_t tid, uint64_t addr,
		    uint64_t len, struct rec_decoded *o)
{
	size_t want = len < d->capture ? (size_t)len : d->capture;
	if (want < d->preview && len > want)
		want = len < d->preview ? (size_t)len : d->preview;
	if (!addr) {
		sb_puts(b, "NULL");
		return;
	}
	ssize_t n = want ? rec_mem_read(tid, addr, d->scratch, want) : 0;
	if (n < 0) {
		sb_printf(b, "%#llx", (unsigned long long)addr);
		return;
	}
	size_t show = (size_t)n < d->preview ? (size_t)n : d->preview;
	sb_putc(b, '"');
	sb_escape(b, (unsigned char *)d->scratch, show);
	sb_puts(b, len > show ? "\"..." : "\"");
	size_t keep = (size_t)n < d->capture ? (size_t)n : d->capture;
	if (o->data.len + keep > d->capture)
		keep = d->capture - o->data.len;
	sb_add(&o->data, d->scratch, keep);
}

static void put_iov(struct rec_decoder *d, struct sb *b, pid_t tid, uint64_t addr,
		    uint64_t cnt, int64_t total, struct rec_decoded *o)
{
	struct iovec v[8];
	size_t n = cnt < 8 ? (size_t)cnt : 8;
	if (rec_mem_read(tid, addr, v, n * sizeof v[0]) != (ssize_t)(n * sizeof v[0])) {
		sb_printf(b, "%#llx", (unsigned long long)addr);
		return;
	}
	sb_putc(b, '[');
	for (size_t i = 0; i < n; i++) {
		uint64_t len = v[i].iov_len;
		if (total >= 0) {
			len = (uint64_t)total < len ? (uint64_t)total : len;
			total -= (int64_t)len;
		}
		sb_puts(b, i ? ", {iov_base=" : "{iov_base=");
		put_buf(d, b, tid, (uint64_t)(uintptr_t)v[i].iov_base, len, o);
		sb_printf(b, ", iov_len=%zu}", v[i].iov_len);
	}
	sb_puts(b, cnt > n ? ", ...]" : "]");
}

static void put_sockaddr(struct sb *b, pid_t tid, uint64_t addr, uint64_t len)
{
	struct sockaddr_storage ss;
	char ip[INET6_ADDRSTRLEN];
	if (!addr) {
		sb_puts(b, "NULL");
		return;
	}
	memset(&ss, 0, sizeof ss);
	if (len > sizeof ss)
		len = sizeof ss;
	if (len < 2 || rec_mem_read(tid, addr, &ss, (size_t)len) < 2) {
		sb_printf(b, "%#llx", (unsigned long long)addr);
		return;
	}
	const char *fam = xlat_name(xl_sock_family, ss.ss_family);
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *in = (void *)&ss;
		inet_ntop(AF_INET, &in->sin_addr, ip, sizeof ip);
		sb_printf(b, "{AF_INET, %s:%u}", ip, ntohs(in->sin_port));
	} else if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *in = (void *)&ss;
		inet_ntop(AF_INET6, &in->sin6_addr, ip, sizeof ip);
		sb_printf(b, "{AF_INET6, [%s]:%u}", ip, ntohs(in->sin6_port));
	} else if (ss.ss_family == AF_UNIX) {
		struct sockaddr_un *un = (void *)&ss;
		size_t pl = len > 2 ? (size_t)len - 2 : 0;
		sb_puts(b, "{AF_UNIX, \"");
		if (pl && un->sun_path[0] == 0) {
			sb_putc(b, '@');
			sb_escape(b, (unsigned char *)un->sun_path + 1, strnlen(un->sun_path + 1, pl - 1));
		} else {
			sb_escape(b, (unsigned char *)un->sun_path, strnlen(un->sun_path, pl));
		}
		sb_puts(b, "\"}");
	} else if (fam) {
		sb_printf(b, "{%s}", fam);
	} else {
		sb_printf(b, "{sa_family=%u}", ss.ss_family);
	}
}

static void put_strv(struct rec_decoder *d, struct sb *b, pid_t tid, uint64_t addr, int count_only)
{
	uint64_t p[64];
	if (!addr) {
		sb_puts(b, "NULL");
		return;
	}
	ssize_t n = rec_mem_read(tid, addr, p, sizeof p);
	if (n <= 0) {
		sb_printf(b, "%#llx", (unsigned long long)addr);
		return;
	}
	size_t i, max = (size_t)n / 8;
	if (count_only) {
		for (i = 0; i < max && p[i]; i++)
			;
		sb_printf(b, "[/* %zu%s vars */]", i, i == max ? "+" : "");
		return;
	}
	sb_putc(b, '[');
	for (i = 0; i < max && p[i]; i++) {
		if (i)
			sb_puts(b, ", ");
		if (i == 32) {
			sb_puts(b, "...");
			break;
		}
		put_str(d, b, tid, p[i], NULL);
	}
	sb_putc(b, ']');
}

/* The call's target is fd: what it points to, its kind, and whether it is
 * an inherited standard stream. */
static void target_fd(struct rec_decoder *d, pid_t pid, long fd, struct rec_decoded *o)
{
	const char *desc = rec_fdc_desc(d->fdc, pid, fd);
	sb_reset(&o->path);
	if (desc)
		sb_puts(&o->path, desc);
	o->fdkind = rec_fd_kind(desc);
	o->std = fd >= 0 ? rec_fdc_std(d->fdc, pid, fd) : -1;   /* mmap's -1: no fd */
}

/* Does the target path argument i name the dirfd before it itself: an
 * empty path with AT_EMPTY_PATH in the row's flags argument (fstat is
 * newfstatat(fd, "", ..., AT_EMPTY_PATH)), or NULL (futimens is
 * utimensat(fd, NULL, ...))? */
static int names_dirfd(const struct rec_call *c, int i, ssize_t len)
{
	const struct rec_sys *s = c->sys;
	if (i == 0 || s->arg[i - 1] != A_DIRFD)
		return 0;
	if (!c->args[i])
		return 1;
	if (len != 0)
		return 0;
	for (int k = 0; k < s->nargs; k++)
		if (s->arg[k] == A_AT_FLAGS && (c->args[k] & AT_EMPTY_PATH))
			return 1;
	return 0;
}

static void put_path(struct rec_decoder *d, struct sb *b, pid_t tid, pid_t pid,
		     const struct rec_call *c, int i, struct rec_decoded *o, int is_target)
{
	struct sb *keep = is_target ? &o->path : NULL;
	ssize_t len = put_str(d, b, tid, c->args[i], keep);
	if (is_target && names_dirfd(c, i, len)) {
		int dirfd = (int)c->args[i - 1];
		if (dirfd != AT_FDCWD) {
			target_fd(d, pid, dirfd, o);
		} else if (rec_fdc_cwd(d->fdc, pid)) {
			sb_reset(&o->path);
			sb_puts(&o->path, rec_fdc_cwd(d->fdc, pid));
		}
		return;
	}
	if (!is_target || !o->path.len || o->path.s[0] == '/')
		return;
	/* make the target absolute: relative to the dirfd before it, or cwd */
	const char *base = NULL;
	if (i > 0 && c->sys->arg[i - 1] == A_DIRFD && (int)c->args[i - 1] != AT_FDCWD)
		base = rec_fdc_desc(d->fdc, pid, (int)c->args[i - 1]);
	else
		base = rec_fdc_cwd(d->fdc, pid);
	if (base && base[0] == '/') {
		struct sb abs;
		sb_init(&abs);
		sb_printf(&abs, "%s%s%s", base, strcmp(base, "/") ? "/" : "", o->path.s);
		sb_reset(&o->path);
		sb_puts(&o->path, abs.s);
		sb_free(&abs);
	}
}

static ssize_t link_of(pid_t pid, const char *what, char *buf, size_t n)
{
	char l[64];
	snprintf(l, sizeof l, "/proc/%d/%s", pid, what);
	ssize_t k = readlink(l, buf, n - 1);
	if (k >= 0)
		buf[k] = 0;
	return k;
}

int rec_target_now(pid_t pid, pid_t tid, const struct rec_call *c, char *buf, size_t n,
		   const char **kind)
{
	const struct rec_sys *s = c->sys;
	int k = rec_sys_target(s), dirfd = -1;
	char raw[PATH_MAX], base[PATH_MAX], what[32];
	*kind = NULL;
	buf[0] = 0;
	if (k >= s->nargs)
		return -ENOENT;
	if (s->arg[k] == A_FD || (s->arg[k] == A_DIRFD && (int)c->args[k] != AT_FDCWD)) {
		dirfd = (int)c->args[k];
	} else if (s->arg[k] == A_PATH) {
		int cut = 0;
		ssize_t len = c->args[k] ? rec_mem_str(tid, c->args[k], raw, sizeof raw, &cut) : 0;
		if (len < 0)
			return -EFAULT;
		if (names_dirfd(c, k, c->args[k] ? len : -1)) {
			if ((int)c->args[k - 1] != AT_FDCWD) {
				dirfd = (int)c->args[k - 1];
			} else {
				*kind = "file";
				return link_of(pid, "cwd", buf, n) < 0 ? -errno : 0;
			}
		} else {
			*kind = "file";
			if (raw[0] == '/') {
				snprintf(buf, n, "%s", raw);
				return 0;
			}
			if (k > 0 && s->arg[k - 1] == A_DIRFD && (int)c->args[k - 1] != AT_FDCWD)
				snprintf(what, sizeof what, "fd/%d", (int)c->args[k - 1]);
			else
				snprintf(what, sizeof what, "cwd");
			if (link_of(pid, what, base, sizeof base) < 0)
				return -errno;
			snprintf(buf, n, "%s%s%s", base, strcmp(base, "/") ? "/" : "", raw);
			return 0;
		}
	} else {
		return -ENOENT;
	}
	snprintf(what, sizeof what, "fd/%d", dirfd);
	if (link_of(pid, what, buf, n) < 0)
		return -errno;
	*kind = rec_fd_kind(buf);
	return 0;
}

static int is_output(int kind)
{
	return kind == A_BUF_OUT || kind == A_IOV_OUT || kind == A_SOCKADDR_OUT ||
	       kind == A_MSGHDR_OUT || kind == A_PIPEFD_OUT;
}

static void put_msghdr(struct rec_decoder *d, struct sb *b, pid_t tid, uint64_t addr,
		       int64_t total, struct rec_decoded *o)
{
	struct msghdr m;
	if (rec_mem_read(tid, addr, &m, sizeof m) != sizeof m) {
		sb_printf(b, "%#llx", (unsigned long long)addr);
		return;
	}
	sb_puts(b, "{msg_name=");
	put_sockaddr(b, tid, (uint64_t)(uintptr_t)m.msg_name, m.msg_namelen);
	sb_puts(b, ", msg_iov=");
	put_iov(d, b, tid, (uint64_t)(uintptr_t)m.msg_iov, m.msg_iovlen, total, o);
	sb_printf(b, ", msg_iovlen=%zu, msg_controllen=%zu, msg_flags=", (size_t)m.msg_iovlen,
		  (size_t)m.msg_controllen);
	xlat_flags(b, xl_msg_flags, (unsigned)m.msg_flags);
	sb_putc(b, '}');
}

/* The argument that names the call's target: the first fd or path, from
 * arg 1 with SF_TARGET_1 (openat's dirfd is not its target); mmap's is its
 * fd, arg 4.  -1: the call has none. */
static int target_arg(const struct rec_sys *s)
{
	for (int i = rec_sys_target(s); i < s->nargs; i++)
		if (s->arg[i] == A_FD || s->arg[i] == A_DIRFD || s->arg[i] == A_PATH)
			return i;
	return -1;
}

/* A type in the low 4 bits, flags above: "SOCK_STREAM|SOCK_CLOEXEC". */
static void type_flags(struct sb *b, const struct xlat *types, const char *fmt,
		       const struct xlat *flags, uint64_t v)
{
	xlat_val(b, types, v & 0xf, fmt);
	if (v & ~0xfull) {
		sb_putc(b, '|');
		xlat_flags(b, flags, v & ~0xfull);
	}
}

static void put_ptr(struct sb *b, uint64_t v)
{
	if (v)
		sb_printf(b, "%#llx", (unsigned long long)v);
	else
		sb_puts(b, "NULL");
}

/* The kinds named by one xlat table: a constant (fmt: how a value without
 * a name is printed) or flags (fmt NULL). */
static const struct {
	const struct xlat *x;
	const char *fmt;
} xlat_kind[A__COUNT] = {
	[A_PROT] = { xl_prot, NULL },
	[A_ACCESS_MODE] = { xl_access_mode, NULL },
	[A_AT_FLAGS] = { xl_at_flags, NULL },
	[A_SOCK_FAMILY] = { xl_sock_family, "%llu" },
	[A_SIGNAL] = { xl_signals, "%llu" },
	[A_WHENCE] = { xl_whence, "%llu" },
	[A_FCNTL_CMD] = { xl_fcntl_cmd, "%llu" },
	[A_MSG_FLAGS] = { xl_msg_flags, NULL },
	[A_RENAME_FLAGS] = { xl_rename_flags, NULL },
	[A_FALLOC_MODE] = { xl_falloc_mode, NULL },
	[A_MADV] = { xl_madv, "%llu" },
	[A_IOCTL_CMD] = { xl_ioctl_cmd, "%#llx" },
	[A_SIGPROCMASK_HOW] = { xl_sigprocmask_how, "%llu" },
	[A_ARCH_PRCTL] = { xl_arch_prctl, "%#llx" },
	[A_PRCTL_OPT] = { xl_prctl_opt, "%llu" },
	[A_SOCK_LEVEL] = { xl_sock_level, "%llu" },
	[A_SHUT_HOW] = { xl_shut_how, "%llu" },
	[A_WAIT_OPTS] = { xl_wait_opts, NULL },
	[A_STATX_MASK] = { xl_statx_mask, NULL },
	[A_EPOLL_CTL] = { xl_epoll_ctl, "%llu" },
};

/* An argument printed from its value alone: a number, a pointer, named
 * constants and flags. */
static void put_scalar(struct sb *b, const struct rec_sys *s, int kind, uint64_t v)
{
	if (kind < A__COUNT && xlat_kind[kind].x) {
		if (xlat_kind[kind].fmt)
			xlat_val(b, xlat_kind[kind].x, v, xlat_kind[kind].fmt);
		else
			xlat_flags(b, xlat_kind[kind].x, v);
		return;
	}
	switch (kind) {
	case A_INT: sb_printf(b, "%lld", (long long)v); break;
	case A_UINT: sb_printf(b, "%llu", (unsigned long long)v); break;
	case A_PTR:
	case A_CLONE_ARGS:
	case A_OPEN_HOW: put_ptr(b, v); break;
	case A_MODE: sb_printf(b, "%#llo", (unsigned long long)v); break;
	case A_OPEN_FLAGS:
		if (s->family == FAM_OPEN) {
			xlat_val(b, xl_open_accmode, v & O_ACCMODE, "%#llx");
			if (v & ~(uint64_t)O_ACCMODE) {
				sb_putc(b, '|');
				xlat_flags(b, xl_open_flags, v & ~(uint64_t)O_ACCMODE);
			}
		} else {
			xlat_flags(b, xl_open_flags, v);
		}
		break;
	case A_MMAP_FLAGS: type_flags(b, xl_mmap_type, "%#llx", xl_mmap_flags, v); break;
	case A_SOCK_TYPE: type_flags(b, xl_sock_type, "%llu", xl_sock_type_flags, v); break;
	case A_CLONE_FLAGS:
		xlat_flags(b, xl_clone_flags, v & ~0xffull);
		if (v & 0xff) {
			if (v & ~0xffull)
				sb_putc(b, '|');
			xlat_val(b, xl_signals, v & 0xff, "%llu");
		}
		break;
	case A_FUTEX_OP:
		xlat_val(b, xl_futex_op, v & FUTEX_CMD_MASK, "%llu");
		if (v & FUTEX_PRIVATE_FLAG)
			sb_puts(b, "_PRIVATE");
		if (v & FUTEX_CLOCK_REALTIME)
			sb_puts(b, "|FUTEX_CLOCK_REALTIME");
		break;
	default: sb_printf(b, "%#llx", (unsigned long long)v);   /* A_HEX, A_RWF_FLAGS */
	}
}

/* pipe's int[2]: the two new fds, which the cache knew nothing true of. */
static void put_pipefd(struct rec_decoder *d, struct sb *b, pid_t tid, pid_t pid, uint64_t v)
{
	int fds[2];
	if (rec_mem_read(tid, v, fds, sizeof fds) != sizeof fds) {
		sb_printf(b, "%#llx", (unsigned long long)v);
		return;
	}
	rec_fdc_drop(d->fdc, pid, fds[0]);
	rec_fdc_drop(d->fdc, pid, fds[1]);
	sb_putc(b, '[');
	put_fd(d, b, pid, fds[0]);
	sb_puts(b, ", ");
	put_fd(d, b, pid, fds[1]);
	sb_putc(b, ']');
}

/* An output argument (is_output), at exit: what the kernel wrote, or the
 * address when the call failed or did not return. */
static void put_output(struct rec_decoder *d, struct sb *b, pid_t tid, pid_t pid,
		       const struct rec_call *c, int i, struct rec_decoded *o)
{
	int kind = c->sys->arg[i];
	uint64_t v = c->args[i], next = i < 5 ? c->args[i + 1] : 0;
	uint32_t len = 0;

	if (!c->finished || (c->ret < 0 && c->ret > -4096)) {
		if (kind == A_SOCKADDR_OUT)
			put_ptr(b, v);
		else
			sb_printf(b, "%#llx", (unsigned long long)v);
		return;
	}
	switch (kind) {
	case A_BUF_OUT: put_buf(d, b, tid, v, (uint64_t)c->ret, o); break;
	case A_IOV_OUT: put_iov(d, b, tid, v, next, c->ret, o); break;
	case A_MSGHDR_OUT: put_msghdr(d, b, tid, v, c->ret, o); break;
	case A_SOCKADDR_OUT:
		/* its length is in the socklen_t at next (NULL prints "NULL") */
		if (v && rec_mem_read(tid, next, &len, 4) != 4)
			sb_printf(b, "%#llx", (unsigned long long)v);
		else
			put_sockaddr(b, tid, v, len);
		break;
	case A_PIPEFD_OUT: put_pipefd(d, b, tid, pid, v); break;
	}
}

/* One argument.  Output kinds are only decoded at exit, the others at
 * entry: fds and paths (which may name the call's target), what input
 * pointers point to, and the rest from their value (put_scalar). */
static void decode_arg(struct rec_decoder *d, pid_t tid, pid_t pid, const struct rec_call *c,
		       int i, struct rec_decoded *o, int at_exit)
{
	const struct rec_sys *s = c->sys;
	int kind = s->arg[i];
	uint64_t v = c->args[i], next = i < 5 ? c->args[i + 1] : 0;
	struct sb *b = &o->arg[i];
	int target = i == target_arg(s);

	if (is_output(kind) != at_exit)
		return;
	sb_reset(b);
	if (at_exit) {
		put_output(d, b, tid, pid, c, i, o);
		return;
	}
	switch (kind) {
	case A_DIRFD:
		if ((int)v == AT_FDCWD) {
			sb_puts(b, "AT_FDCWD");
			break;
		}
		/* fall through */
	case A_FD:
		put_fd(d, b, pid, (int)v);
		if (target)
			target_fd(d, pid, (int)v, o);
		break;
	case A_PATH: put_path(d, b, tid, pid, c, i, o, target); break;
	case A_STR: put_str(d, b, tid, v, NULL); break;
	case A_STRV: put_strv(d, b, tid, v, i == 2 && (s->flags & SF_EXEC)); break;
	case A_BUF_IN: put_buf(d, b, tid, v, next, o); break;
	case A_IOV_IN: put_iov(d, b, tid, v, next, -1, o); break;
	case A_MSGHDR_IN: put_msghdr(d, b, tid, v, -1, o); break;
	case A_SOCKADDR_IN: put_sockaddr(b, tid, v, next); break;
	default: put_scalar(b, s, kind, v);
	}
}

void rec_decode_entry(struct rec_decoder *d, pid_t tid, pid_t pid,
		      const struct rec_call *c, struct rec_decoded *o)
{
	sb_reset(&o->path);
	sb_reset(&o->data);
	sb_reset(&o->text);
	o->fdkind = NULL;
	o->std = -1;
	for (int i = 0; i < 6; i++)
		sb_reset(&o->arg[i]);
	if (!c->sys)
		return;
	for (int i = 0; i < c->sys->nargs; i++)
		decode_arg(d, tid, pid, c, i, o, 0);
}

/* Keep the fd cache true after the call. */
static void track_fds(struct rec_decoder *d, pid_t pid, const struct rec_call *c,
		      struct rec_decoded *o)
{
	const struct rec_sys *s = c->sys;
	int ok = c->finished && !(c->ret < 0 && c->ret > -4096);
	if (s->flags & SF_CLOSE)
		rec_fdc_drop(d->fdc, pid, (long)(int)c->args[0]);
	if (!ok)
		return;
	if (s->flags & SF_RET_FD) {
		if (s->family == FAM_OPEN && o->path.len && o->path.s[0] == '/')
			rec_fdc_put(d->fdc, pid, c->ret, o->path.s, 0);   /* a new description */
		else
			rec_fdc_drop(d->fdc, pid, c->ret);
	}
	if (s->flags & SF_DUP2)
		rec_fdc_drop(d->fdc, pid, (long)(int)c->args[1]);
	if (s->flags & SF_EXEC)
		rec_decoder_forget(d, pid);
	if (s->nargs > 1 && s->arg[1] == A_FCNTL_CMD &&
	    (c->args[1] == F_DUPFD || c->args[1] == F_DUPFD_CLOEXEC))
		rec_fdc_drop(d->fdc, pid, c->ret);   /* fcntl's F_DUPFD returns a new fd */
	if (s->flags & SF_CLOSE_RANGE)
		rec_decoder_forget(d, pid);
	if (s->flags & SF_CHDIR)
		rec_fdc_cwd_changed(d->fdc, pid);
	if (s->family == FAM_CONNECT && o->arg[1].len) {
		/* remember the peer: later calls on this fd show it */
		const char *desc = rec_fdc_desc(d->fdc, pid, (long)(int)c->args[0]);
		if (desc && !strstr(desc, "->")) {
			struct sb nd;
			sb_init(&nd);
			sb_printf(&nd, "%s->%s", desc, o->arg[1].s);
			rec_fdc_put(d->fdc, pid, (long)(int)c->args[0], nd.s, -1);
			sb_free(&nd);
		}
	}
}

void rec_decode_exit(struct rec_decoder *d, pid_t tid, pid_t pid,
		     const struct rec_call *c, struct rec_decoded *o)
{
	sb_reset(&o->text);
	if (!c->sys) {
		for (int i = 0; i < 6; i++)
			sb_printf(&o->text, "%s%#llx", i ? ", " : "", (unsigned long long)c->args[i]);
		return;
	}
	for (int i = 0; i < c->sys->nargs; i++)
		decode_arg(d, tid, pid, c, i, o, 1);
	for (int i = 0; i < c->sys->nargs; i++) {
		if (i)
			sb_puts(&o->text, ", ");
		if (o->arg[i].len)
			sb_add(&o->text, o->arg[i].s, o->arg[i].len);
		else
			sb_putc(&o->text, '?');
	}
	if (!o->text.s)
		sb_puts(&o->text, "");
	track_fds(d, pid, c, o);
}

void rec_format_ret(struct sb *b, const struct rec_sys *s, int finished, int64_t ret)
{
	if (!finished) {
		sb_puts(b, "?");
		return;
	}
	if (ret < 0 && ret > -4096) {
		const char *n = fl_errno_name((int)-ret);
		if (n)
			sb_printf(b, "-1 %s (%s)", n, strerror((int)-ret));
		else
			sb_printf(b, "-1 (errno %lld)", (long long)-ret);
		return;
	}
	if (s && (s->flags & SF_RET_HEX))
		sb_printf(b, "%#llx", (unsigned long long)ret);
	else
		sb_printf(b, "%lld", (long long)ret);
}
