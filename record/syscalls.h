/*
 * record/syscalls.h - the one syscall table.
 *
 * Every piece of syscall knowledge in faultline comes from the rows of
 * rec_systab[] (record/systab.c): how to decode the arguments, which fault
 * family a call belongs to, whether it may be faulted at all, and (through
 * the family) which errnos are realistic.  The seccomp filter of a replay run
 * and the name lists of `analyze --families` are built from the same rows.
 *
 * Special behaviour is declared in the row, never found by comparing names:
 *  - a flag (SF_*) says what the call does to faultline's state (SF_CLOSE,
 *    SF_CHDIR, SF_RANDOM, SF_RESTART ...) or how it may be faulted
 *    (SF_SHORT, SF_EINTR, SF_TARGET_1/2);
 *  - the argument kinds say where things are: the crash model finds a
 *    write's fd, count and offset, an open's flags (A_OPEN_FLAGS,
 *    A_OPEN_HOW) and a rename's names (A_DIRFD before A_PATH) by kind, and
 *    a kind may carry meaning beyond printing (A_FCNTL_CMD's F_DUPFD
 *    returns an fd, A_CLONE_ARGS holds clone3's flags);
 *  - the family says what kind of fault point it is and its errnos.
 * So adding a syscall is one row; adding an argument kind is one decoder
 * in record/decode.c (a row of xlat_kind[] or one case, see its opening
 * comment), plus whatever the kind means to its readers.  rec_sys_arg() and rec_sys_target() are the lookups.
 *
 * Names and numbers come from libseccomp (seccomp_syscall_resolve_name), so
 * the table holds no numbers and no architecture knowledge.
 */
#ifndef REC_SYSCALLS_H
#define REC_SYSCALLS_H

#include <stdint.h>
#include <stddef.h>

/* How one argument is decoded.  "len in next" means the following argument
 * holds the byte length (or, for iovecs, the element count). */
enum rec_arg {
	A_NONE = 0,
	A_INT,          /* signed decimal */
	A_UINT,         /* unsigned decimal */
	A_HEX,          /* 0x... */
	A_PTR,          /* pointer: NULL or 0x... */
	A_FD,           /* file descriptor: 3</etc/passwd> */
	A_DIRFD,        /* like A_FD, but AT_FDCWD is named */
	A_PATH,         /* NUL-terminated path in tracee memory: "..." */
	A_STR,          /* NUL-terminated string, not a path */
	A_BUF_IN,       /* bytes the caller passes, len in next */
	A_BUF_OUT,      /* bytes the kernel fills, len = return value (at exit) */
	A_IOV_IN,       /* struct iovec[], count in next */
	A_IOV_OUT,      /* struct iovec[] filled by the kernel, total = return */
	A_OPEN_FLAGS,   /* O_WRONLY|O_CREAT|... */
	A_MODE,         /* 0644 */
	A_PROT,         /* PROT_READ|... */
	A_MMAP_FLAGS,   /* MAP_PRIVATE|... */
	A_ACCESS_MODE,  /* F_OK, R_OK|W_OK */
	A_AT_FLAGS,     /* AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH|AT_REMOVEDIR... */
	A_SOCK_FAMILY,  /* AF_INET */
	A_SOCK_TYPE,    /* SOCK_STREAM|SOCK_CLOEXEC */
	A_SOCKADDR_IN,  /* struct sockaddr *, len in next */
	A_SOCKADDR_OUT, /* struct sockaddr *, socklen_t * in next, read at exit */
	A_SIGNAL,       /* SIGTERM */
	A_WHENCE,       /* SEEK_SET */
	A_CLONE_FLAGS,  /* CLONE_VM|... (low byte: exit signal) */
	A_CLONE_ARGS,   /* struct clone_args * (clone3): printed as a pointer;
			   its first u64 holds the clone flags */
	A_OPEN_HOW,     /* struct open_how * (openat2): printed as a pointer;
			   its first u64 holds the open flags */
	A_RWF_FLAGS,    /* RWF_* of preadv2/pwritev2: printed in hex */
	A_STRV,         /* char *const argv[] */
	A_FCNTL_CMD,    /* F_SETFD */
	A_MSG_FLAGS,    /* MSG_NOSIGNAL|... */
	A_MSGHDR_IN,    /* struct msghdr * sent */
	A_MSGHDR_OUT,   /* struct msghdr * received (at exit) */
	A_PIPEFD_OUT,   /* int[2] filled by pipe/pipe2/socketpair (at exit) */
	A_RENAME_FLAGS, /* RENAME_NOREPLACE|... */
	A_FALLOC_MODE,  /* FALLOC_FL_KEEP_SIZE|... */
	A_MADV,         /* MADV_DONTNEED */
	A_IOCTL_CMD,    /* TCGETS or 0x... */
	A_SIGPROCMASK_HOW, /* SIG_BLOCK */
	A_FUTEX_OP,     /* FUTEX_WAIT_PRIVATE */
	A_ARCH_PRCTL,   /* ARCH_SET_FS */
	A_PRCTL_OPT,    /* PR_SET_NAME */
	A_SOCK_LEVEL,   /* SOL_SOCKET */
	A_SHUT_HOW,     /* SHUT_WR */
	A_WAIT_OPTS,    /* WNOHANG|... */
	A_STATX_MASK,   /* STATX_BASIC_STATS */
	A_EPOLL_CTL,    /* EPOLL_CTL_ADD */
	A__COUNT
};

/* Fault families: the unit in which analyze enumerates fault points and
 * replay arms its filter.  rec_families[] gives each its name and errnos. */
enum rec_family {
	FAM_NONE = 0,
	FAM_WRITE, FAM_READ, FAM_OPEN, FAM_FSYNC, FAM_CLOSE,
	FAM_CONNECT, FAM_ACCEPT, FAM_SEND, FAM_RECV, FAM_SOCKET, FAM_BIND,
	FAM_LISTEN, FAM_RENAME, FAM_UNLINK, FAM_MKDIR, FAM_RMDIR, FAM_FTRUNCATE,
	FAM_FALLOCATE, FAM_MMAP, FAM_FORK, FAM_DUP, FAM_PIPE, FAM_STAT,
	FAM_SEEK, FAM_LINK, FAM_CHMOD, FAM_CHOWN, FAM_POLL, FAM_SYNC,
	FAM__COUNT
};

/* Row flags. */
enum {
	SF_NOFAULT   = 1 << 0,  /* never a fault point (exit, rt_sigreturn...) */
	SF_RET_FD    = 1 << 1,  /* success returns a new file descriptor */
	SF_RET_HEX   = 1 << 2,  /* print the return value in hex (mmap, brk) */
	SF_TARGET_1  = 1 << 3,  /* the call's target (fd or path) is arg 1, not 0 */
	SF_SHORT     = 1 << 4,  /* a `short` fault applies: arg 2 is a byte count */
	SF_EXEC      = 1 << 5,  /* execve/execveat */
	SF_CLOSE     = 1 << 6,  /* closes arg 0 */
	SF_DUP2      = 1 << 7,  /* makes arg 1 a copy of arg 0 (dup2/dup3) */
	SF_EINTR     = 1 << 8,  /* may fail with EINTR (a signal interrupted a wait);
				   calls without it never do, whatever the family */
	SF_TARGET_2  = 1 << 9,  /* the call's target is arg 2 (copy_file_range, splice) */
	SF_CLOSE_RANGE = 1 << 10, /* closes a range of descriptors (close_range):
				     the fd cache forgets the process */
	SF_CHDIR     = 1 << 11, /* changes the working directory */
	SF_RANDOM    = 1 << 12, /* fills its A_BUF_OUT argument with random bytes,
				   which --seed makes repeatable; with an A_FD at
				   arg 0, only when that fd is /dev/urandom or
				   /dev/random (see rec_sys_random_buf) */
	SF_AFFINITY  = 1 << 13, /* sets a CPU affinity: the tracer stops pinning */
	SF_RESTART   = 1 << 14, /* continues the call a signal interrupted
				   (restart_syscall) */
	SF_SIGRETURN = 1 << 15, /* returns from a signal handler (rt_sigreturn) */
};

struct rec_sys {
	const char *name;
	uint8_t family;          /* enum rec_family */
	uint32_t flags;          /* SF_* */
	uint8_t nargs;
	uint8_t arg[6];          /* enum rec_arg */
};

struct rec_family_info {
	const char *name;        /* "write" */
	const char *errnos;      /* realistic errnos, space separated, default first */
	const char *about;       /* what it is for, for `analyze --families` (which
				    lists the family's rows before it) */
};

extern const struct rec_sys rec_systab[];
extern const size_t rec_systab_len;
extern const struct rec_family_info rec_families[FAM__COUNT];
/* Families whose successful calls change what a power loss leaves on disk
 * (data, names, sizes, modes, durability); open only with O_CREAT or
 * O_TRUNC.  A crash just after any other call leaves the state a crash
 * after the last such call left. */
extern const uint64_t rec_fs_families;

/* Resolve every row's number with libseccomp (idempotent, cheap after the
 * first call).  Returns 0 or -ENOENT if libseccomp is unusable. */
int rec_sys_init(void);
/* Row for syscall number nr on the native arch, or NULL. */
const struct rec_sys *rec_sys_by_nr(long nr);
/* Native number of a row, or -1 if this kernel/arch lacks it. */
long rec_sys_nr(const struct rec_sys *s);
/* Name of any syscall number: the table's, libseccomp's, or "syscall_N". */
const char *rec_sys_name(long nr, char *tmp, size_t tmplen);
/* The numbers rec_sys_names() can name: 0 .. REC_SYS_NR_MAX - 1. */
#define REC_SYS_NR_MAX 1024
/* store_names_sync()'s callback (store_sysname_fn): nr's name and family;
 * 1 for a number that is neither in the table nor known to libseccomp. */
int rec_sys_names(long nr, char *name, size_t len, const char **family);
/* Family by name ("write"), or -1. */
int rec_family_by_name(const char *name);
/* Row by name ("openat"), or NULL. */
const struct rec_sys *rec_sys_by_name(const char *name);
/* Index of the row's first argument of kind `kind` (enum rec_arg) at or
 * after arg `from`, or -1. */
int rec_sys_arg(const struct rec_sys *s, int kind, int from);
/* The call's target argument as its flags say: 0, 1 (SF_TARGET_1) or 2
 * (SF_TARGET_2). */
int rec_sys_target(const struct rec_sys *s);
/* Where an SF_RANDOM row's random bytes go: the index of its A_BUF_OUT
 * argument, or -1 for a row without SF_RANDOM. */
int rec_sys_random_buf(const struct rec_sys *s);
/* The rule record and replay share: rec_sys_random_buf() if this call's
 * bytes are random (getrandom; a read whose fd, named fdpath, is
 * /dev/urandom or /dev/random), else -1. */
int rec_sys_seeded(const struct rec_sys *s, const char *fdpath);
/* Can a call of this row really fail with err?  EINTR only where the row
 * has SF_EINTR; any other errno only where its family lists it. */
int rec_sys_errno_ok(const struct rec_sys *s, int err);

#endif
