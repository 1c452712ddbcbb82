/*
 * record/systab.c - the one syscall table and its number lookups.
 *
 * A row is {name, family, flags, nargs, {arg kinds}} and holds no numbers:
 * rec_sys_init() asks libseccomp for each row's native number once and
 * builds two arrays, row -> number (sys_nr) and number -> row + 1 (nr_row,
 * 0 meaning "no row").  Numbers at or above NR_MAX (x32 and foreign ABIs)
 * have no reverse entry.  Init is lazy: every lookup calls it first, so the
 * table works before anyone remembered to initialize it.  Not thread-safe.
 *
 * Argument kinds describe the registers in kernel order, which is not
 * always the libc prototype: preadv2/pwritev2 take the offset as two
 * halves (arg 4 is the always-zero high half on 64-bit) and flags in arg 5.
 */
#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <seccomp.h>

#include "../faultline.h"
#include "syscalls.h"

#define NR_MAX REC_SYS_NR_MAX

#define ROW(n, fam, fl, ...) { \
	.name = #n, .family = (fam), .flags = (fl), \
	.nargs = sizeof((uint8_t[]){ __VA_ARGS__ }) / sizeof(uint8_t), \
	.arg = { __VA_ARGS__ } }
#define ROW0(n, fam, fl) { .name = #n, .family = (fam), .flags = (fl) }

#define NONE FAM_NONE
#define NOFAULT SF_NOFAULT

const struct rec_sys rec_systab[] = {
	/* read and write */
	ROW(read, FAM_READ, SF_SHORT | SF_EINTR | SF_RANDOM, A_FD, A_BUF_OUT, A_UINT),
	ROW(write, FAM_WRITE, SF_SHORT | SF_EINTR, A_FD, A_BUF_IN, A_UINT),
	ROW(pread64, FAM_READ, SF_SHORT | SF_EINTR, A_FD, A_BUF_OUT, A_UINT, A_INT),
	ROW(pwrite64, FAM_WRITE, SF_SHORT | SF_EINTR, A_FD, A_BUF_IN, A_UINT, A_INT),
	ROW(readv, FAM_READ, SF_EINTR, A_FD, A_IOV_OUT, A_UINT),
	ROW(writev, FAM_WRITE, SF_EINTR, A_FD, A_IOV_IN, A_UINT),
	ROW(preadv, FAM_READ, SF_EINTR, A_FD, A_IOV_OUT, A_UINT, A_INT),
	ROW(pwritev, FAM_WRITE, SF_EINTR, A_FD, A_IOV_IN, A_UINT, A_INT),
	ROW(preadv2, FAM_READ, SF_EINTR, A_FD, A_IOV_OUT, A_UINT, A_INT, A_UINT, A_RWF_FLAGS),
	ROW(pwritev2, FAM_WRITE, SF_EINTR, A_FD, A_IOV_IN, A_UINT, A_INT, A_UINT, A_RWF_FLAGS),
	ROW(sendfile, FAM_WRITE, SF_EINTR, A_FD, A_FD, A_PTR, A_UINT),
	ROW(copy_file_range, FAM_WRITE, SF_TARGET_2 | SF_EINTR, A_FD, A_PTR, A_FD, A_PTR, A_UINT, A_HEX),
	ROW(splice, FAM_WRITE, SF_TARGET_2 | SF_EINTR, A_FD, A_PTR, A_FD, A_PTR, A_UINT, A_HEX),
	ROW(tee, FAM_WRITE, SF_TARGET_1 | SF_SHORT | SF_EINTR, A_FD, A_FD, A_UINT, A_HEX),
	ROW(vmsplice, FAM_WRITE, SF_EINTR, A_FD, A_IOV_IN, A_UINT, A_HEX),
	ROW(lseek, FAM_SEEK, 0, A_FD, A_INT, A_WHENCE),
	ROW(fadvise64, NONE, 0, A_FD, A_INT, A_UINT, A_INT),
	ROW(readahead, NONE, 0, A_FD, A_INT, A_UINT),

	/* opening, closing, duplicating descriptors */
	ROW(open, FAM_OPEN, SF_RET_FD | SF_EINTR, A_PATH, A_OPEN_FLAGS, A_MODE),
	ROW(openat, FAM_OPEN, SF_RET_FD | SF_TARGET_1 | SF_EINTR,
	    A_DIRFD, A_PATH, A_OPEN_FLAGS, A_MODE),
	ROW(openat2, FAM_OPEN, SF_RET_FD | SF_TARGET_1 | SF_EINTR,
	    A_DIRFD, A_PATH, A_OPEN_HOW, A_UINT),
	ROW(creat, FAM_OPEN, SF_RET_FD | SF_EINTR, A_PATH, A_MODE),
	ROW(close, FAM_CLOSE, SF_CLOSE | SF_EINTR, A_FD),
	ROW(close_range, NONE, SF_CLOSE_RANGE, A_UINT, A_UINT, A_HEX),
	ROW(dup, FAM_DUP, SF_RET_FD, A_FD),
	ROW(dup2, FAM_DUP, SF_RET_FD | SF_DUP2 | SF_EINTR, A_FD, A_FD),
	ROW(dup3, FAM_DUP, SF_RET_FD | SF_DUP2 | SF_EINTR, A_FD, A_FD, A_OPEN_FLAGS),
	ROW(fcntl, NONE, SF_EINTR, A_FD, A_FCNTL_CMD, A_HEX),
	ROW(ioctl, NONE, 0, A_FD, A_IOCTL_CMD, A_HEX),
	ROW(flock, NONE, SF_EINTR, A_FD, A_HEX),
	ROW(pipe, FAM_PIPE, 0, A_PIPEFD_OUT),
	ROW(pipe2, FAM_PIPE, 0, A_PIPEFD_OUT, A_OPEN_FLAGS),
	ROW(eventfd2, NONE, SF_RET_FD, A_UINT, A_OPEN_FLAGS),
	ROW(memfd_create, NONE, SF_RET_FD, A_STR, A_HEX),
	ROW(inotify_init1, NONE, SF_RET_FD, A_OPEN_FLAGS),
	ROW(inotify_add_watch, NONE, 0, A_FD, A_PATH, A_HEX),
	ROW(inotify_rm_watch, NONE, 0, A_FD, A_INT),
	ROW(timerfd_create, NONE, SF_RET_FD, A_INT, A_OPEN_FLAGS),
	ROW(timerfd_settime, NONE, 0, A_FD, A_HEX, A_PTR, A_PTR),
	ROW(signalfd4, NONE, SF_RET_FD, A_FD, A_PTR, A_UINT, A_OPEN_FLAGS),
	ROW(pidfd_open, NONE, SF_RET_FD, A_INT, A_HEX),

	/* file metadata */
	ROW(stat, FAM_STAT, 0, A_PATH, A_PTR),
	ROW(fstat, FAM_STAT, 0, A_FD, A_PTR),
	ROW(lstat, FAM_STAT, 0, A_PATH, A_PTR),
	ROW(newfstatat, FAM_STAT, SF_TARGET_1, A_DIRFD, A_PATH, A_PTR, A_AT_FLAGS),
	ROW(statx, FAM_STAT, SF_TARGET_1,
	    A_DIRFD, A_PATH, A_AT_FLAGS, A_STATX_MASK, A_PTR),
	ROW(access, FAM_STAT, 0, A_PATH, A_ACCESS_MODE),
	ROW(faccessat, FAM_STAT, SF_TARGET_1, A_DIRFD, A_PATH, A_ACCESS_MODE),
	ROW(faccessat2, FAM_STAT, SF_TARGET_1,
	    A_DIRFD, A_PATH, A_ACCESS_MODE, A_AT_FLAGS),
	ROW(statfs, NONE, 0, A_PATH, A_PTR),
	ROW(fstatfs, NONE, 0, A_FD, A_PTR),
	ROW(readlink, NONE, 0, A_PATH, A_BUF_OUT, A_UINT),
	ROW(readlinkat, NONE, SF_TARGET_1, A_DIRFD, A_PATH, A_BUF_OUT, A_UINT),
	ROW(getdents64, NONE, 0, A_FD, A_PTR, A_UINT),
	ROW(utimensat, NONE, SF_TARGET_1, A_DIRFD, A_PATH, A_PTR, A_AT_FLAGS),
	ROW(chmod, FAM_CHMOD, 0, A_PATH, A_MODE),
	ROW(fchmod, FAM_CHMOD, 0, A_FD, A_MODE),
	ROW(fchmodat, FAM_CHMOD, SF_TARGET_1, A_DIRFD, A_PATH, A_MODE),
	ROW(chown, FAM_CHOWN, 0, A_PATH, A_INT, A_INT),
	ROW(fchown, FAM_CHOWN, 0, A_FD, A_INT, A_INT),
	ROW(lchown, FAM_CHOWN, 0, A_PATH, A_INT, A_INT),
	ROW(fchownat, FAM_CHOWN, SF_TARGET_1,
	    A_DIRFD, A_PATH, A_INT, A_INT, A_AT_FLAGS),
	ROW(truncate, FAM_FTRUNCATE, SF_EINTR, A_PATH, A_INT),
	ROW(ftruncate, FAM_FTRUNCATE, SF_EINTR, A_FD, A_INT),
	ROW(fallocate, FAM_FALLOCATE, SF_EINTR, A_FD, A_FALLOC_MODE, A_INT, A_INT),
	ROW(getxattr, NONE, 0, A_PATH, A_STR, A_BUF_OUT, A_UINT),
	ROW(lgetxattr, NONE, 0, A_PATH, A_STR, A_BUF_OUT, A_UINT),
	ROW(fgetxattr, NONE, 0, A_FD, A_STR, A_BUF_OUT, A_UINT),
	ROW(setxattr, NONE, 0, A_PATH, A_STR, A_BUF_IN, A_UINT, A_HEX),
	ROW(lsetxattr, NONE, 0, A_PATH, A_STR, A_BUF_IN, A_UINT, A_HEX),
	ROW(fsetxattr, NONE, 0, A_FD, A_STR, A_BUF_IN, A_UINT, A_HEX),
	ROW(listxattr, NONE, 0, A_PATH, A_BUF_OUT, A_UINT),
	ROW(llistxattr, NONE, 0, A_PATH, A_BUF_OUT, A_UINT),
	ROW(flistxattr, NONE, 0, A_FD, A_BUF_OUT, A_UINT),
	ROW(removexattr, NONE, 0, A_PATH, A_STR),
	ROW(lremovexattr, NONE, 0, A_PATH, A_STR),
	ROW(fremovexattr, NONE, 0, A_FD, A_STR),

	/* durability */
	ROW(fsync, FAM_FSYNC, 0, A_FD),
	ROW(fdatasync, FAM_FSYNC, 0, A_FD),
	ROW(sync_file_range, FAM_FSYNC, 0, A_FD, A_INT, A_INT, A_HEX),
	ROW(msync, FAM_FSYNC, 0, A_PTR, A_UINT, A_HEX),
	ROW0(sync, FAM_SYNC, 0),
	ROW(syncfs, FAM_SYNC, 0, A_FD),

	/* the namespace */
	ROW(getcwd, NONE, 0, A_BUF_OUT, A_UINT),
	ROW(chdir, NONE, SF_CHDIR, A_PATH),
	ROW(fchdir, NONE, SF_CHDIR, A_FD),
	ROW(mkdir, FAM_MKDIR, 0, A_PATH, A_MODE),
	ROW(mkdirat, FAM_MKDIR, SF_TARGET_1, A_DIRFD, A_PATH, A_MODE),
	ROW(rmdir, FAM_RMDIR, 0, A_PATH),
	ROW(unlink, FAM_UNLINK, 0, A_PATH),
	ROW(unlinkat, FAM_UNLINK, SF_TARGET_1, A_DIRFD, A_PATH, A_AT_FLAGS),
	ROW(rename, FAM_RENAME, 0, A_PATH, A_PATH),
	ROW(renameat, FAM_RENAME, SF_TARGET_1, A_DIRFD, A_PATH, A_DIRFD, A_PATH),
	ROW(renameat2, FAM_RENAME, SF_TARGET_1,
	    A_DIRFD, A_PATH, A_DIRFD, A_PATH, A_RENAME_FLAGS),
	ROW(link, FAM_LINK, 0, A_PATH, A_PATH),
	ROW(linkat, FAM_LINK, SF_TARGET_1,
	    A_DIRFD, A_PATH, A_DIRFD, A_PATH, A_AT_FLAGS),
	/* symlink creates arg 1; symlinkat's new path is arg 2, which no flag
	 * can say, so it reports its arg 0 (the link's contents). */
	ROW(symlink, FAM_LINK, SF_TARGET_1, A_PATH, A_PATH),
	ROW(symlinkat, FAM_LINK, 0, A_PATH, A_DIRFD, A_PATH),
	ROW(mknod, NONE, 0, A_PATH, A_MODE, A_HEX),
	ROW(mknodat, NONE, SF_TARGET_1, A_DIRFD, A_PATH, A_MODE, A_HEX),

	/* memory */
	ROW(mmap, FAM_MMAP, SF_RET_HEX,
	    A_PTR, A_UINT, A_PROT, A_MMAP_FLAGS, A_FD, A_HEX),
	ROW(munmap, NONE, 0, A_PTR, A_UINT),
	ROW(mprotect, NONE, 0, A_PTR, A_UINT, A_PROT),
	ROW(mremap, NONE, SF_RET_HEX, A_PTR, A_UINT, A_UINT, A_HEX, A_PTR),
	ROW(madvise, NONE, 0, A_PTR, A_UINT, A_MADV),
	ROW(brk, NONE, SF_RET_HEX, A_PTR),
	ROW(mlock, NONE, 0, A_PTR, A_UINT),
	ROW(munlock, NONE, 0, A_PTR, A_UINT),
	ROW(mincore, NONE, 0, A_PTR, A_UINT, A_PTR),

	/* sockets */
	ROW(socket, FAM_SOCKET, SF_RET_FD, A_SOCK_FAMILY, A_SOCK_TYPE, A_INT),
	ROW(socketpair, FAM_SOCKET, 0,
	    A_SOCK_FAMILY, A_SOCK_TYPE, A_INT, A_PIPEFD_OUT),
	ROW(connect, FAM_CONNECT, SF_EINTR, A_FD, A_SOCKADDR_IN, A_UINT),
	ROW(accept, FAM_ACCEPT, SF_RET_FD | SF_EINTR, A_FD, A_SOCKADDR_OUT, A_PTR),
	ROW(accept4, FAM_ACCEPT, SF_RET_FD | SF_EINTR,
	    A_FD, A_SOCKADDR_OUT, A_PTR, A_SOCK_TYPE),
	ROW(bind, FAM_BIND, 0, A_FD, A_SOCKADDR_IN, A_UINT),
	ROW(listen, FAM_LISTEN, 0, A_FD, A_INT),
	ROW(sendto, FAM_SEND, SF_SHORT | SF_EINTR,
	    A_FD, A_BUF_IN, A_UINT, A_MSG_FLAGS, A_SOCKADDR_IN, A_UINT),
	ROW(recvfrom, FAM_RECV, SF_SHORT | SF_EINTR,
	    A_FD, A_BUF_OUT, A_UINT, A_MSG_FLAGS, A_SOCKADDR_OUT, A_PTR),
	ROW(sendmsg, FAM_SEND, SF_EINTR, A_FD, A_MSGHDR_IN, A_MSG_FLAGS),
	ROW(recvmsg, FAM_RECV, SF_EINTR, A_FD, A_MSGHDR_OUT, A_MSG_FLAGS),
	ROW(sendmmsg, FAM_SEND, SF_EINTR, A_FD, A_PTR, A_UINT, A_MSG_FLAGS),
	ROW(recvmmsg, FAM_RECV, SF_EINTR, A_FD, A_PTR, A_UINT, A_MSG_FLAGS, A_PTR),
	ROW(shutdown, NONE, 0, A_FD, A_SHUT_HOW),
	ROW(getsockname, NONE, 0, A_FD, A_SOCKADDR_OUT, A_PTR),
	ROW(getpeername, NONE, 0, A_FD, A_SOCKADDR_OUT, A_PTR),
	ROW(setsockopt, NONE, 0, A_FD, A_SOCK_LEVEL, A_INT, A_BUF_IN, A_UINT),
	ROW(getsockopt, NONE, 0, A_FD, A_SOCK_LEVEL, A_INT, A_PTR, A_PTR),

	/* waiting for descriptors */
	ROW(poll, FAM_POLL, SF_EINTR, A_PTR, A_UINT, A_INT),
	ROW(ppoll, FAM_POLL, SF_EINTR, A_PTR, A_UINT, A_PTR, A_PTR, A_UINT),
	ROW(select, FAM_POLL, SF_EINTR, A_INT, A_PTR, A_PTR, A_PTR, A_PTR),
	ROW(pselect6, FAM_POLL, SF_EINTR, A_INT, A_PTR, A_PTR, A_PTR, A_PTR, A_PTR),
	ROW(epoll_create1, NONE, SF_RET_FD, A_OPEN_FLAGS),
	ROW(epoll_ctl, NONE, 0, A_FD, A_EPOLL_CTL, A_FD, A_PTR),
	ROW(epoll_wait, FAM_POLL, SF_EINTR, A_FD, A_PTR, A_INT, A_INT),
	ROW(epoll_pwait, FAM_POLL, SF_EINTR, A_FD, A_PTR, A_INT, A_INT, A_PTR, A_UINT),

	/* processes */
	ROW(clone, FAM_FORK, 0, A_CLONE_FLAGS, A_PTR, A_PTR, A_PTR, A_HEX),
	ROW(clone3, FAM_FORK, 0, A_CLONE_ARGS, A_UINT),
	ROW0(fork, FAM_FORK, 0),
	ROW0(vfork, FAM_FORK, 0),
	ROW(execve, NONE, SF_EXEC, A_PATH, A_STRV, A_STRV),
	ROW(execveat, NONE, SF_EXEC | SF_TARGET_1,
	    A_DIRFD, A_PATH, A_STRV, A_STRV, A_AT_FLAGS),
	ROW(exit, NONE, NOFAULT, A_INT),
	ROW(exit_group, NONE, NOFAULT, A_INT),
	ROW(wait4, NONE, SF_EINTR, A_INT, A_PTR, A_WAIT_OPTS, A_PTR),
	ROW(waitid, NONE, SF_EINTR, A_INT, A_INT, A_PTR, A_WAIT_OPTS, A_PTR),
	ROW(kill, NONE, 0, A_INT, A_SIGNAL),
	ROW(tgkill, NONE, 0, A_INT, A_INT, A_SIGNAL),
	ROW(tkill, NONE, 0, A_INT, A_SIGNAL),
	ROW(pidfd_send_signal, NONE, 0, A_FD, A_SIGNAL, A_PTR, A_HEX),
	ROW0(getpid, NONE, NOFAULT),
	ROW0(getppid, NONE, NOFAULT),
	ROW0(gettid, NONE, NOFAULT),
	ROW0(getuid, NONE, NOFAULT),
	ROW0(geteuid, NONE, NOFAULT),
	ROW0(getgid, NONE, NOFAULT),
	ROW0(getegid, NONE, NOFAULT),
	ROW(setuid, NONE, 0, A_INT),
	ROW(setgid, NONE, 0, A_INT),
	ROW(getresuid, NONE, 0, A_PTR, A_PTR, A_PTR),
	ROW(getresgid, NONE, 0, A_PTR, A_PTR, A_PTR),
	ROW(getgroups, NONE, 0, A_INT, A_PTR),
	ROW0(getpgrp, NONE, NOFAULT),
	ROW(setpgid, NONE, 0, A_INT, A_INT),
	ROW(getpgid, NONE, 0, A_INT),
	ROW0(setsid, NONE, 0),
	ROW(getsid, NONE, 0, A_INT),
	ROW(set_tid_address, NONE, NOFAULT, A_PTR),
	ROW(set_robust_list, NONE, 0, A_PTR, A_UINT),
	ROW(rseq, NONE, 0, A_PTR, A_UINT, A_HEX, A_HEX),
	ROW(arch_prctl, NONE, 0, A_ARCH_PRCTL, A_HEX),
	ROW(prctl, NONE, 0, A_PRCTL_OPT, A_HEX, A_HEX, A_HEX, A_HEX),
	ROW(prlimit64, NONE, 0, A_INT, A_INT, A_PTR, A_PTR),
	ROW(getrlimit, NONE, 0, A_INT, A_PTR),
	ROW(getrusage, NONE, 0, A_INT, A_PTR),
	ROW(umask, NONE, NOFAULT, A_MODE),
	ROW(sched_getaffinity, NONE, 0, A_INT, A_UINT, A_PTR),
	ROW(sched_setaffinity, NONE, SF_AFFINITY, A_INT, A_UINT, A_PTR),
	ROW0(sched_yield, NONE, NOFAULT),

	/* signals */
	ROW(rt_sigaction, NONE, 0, A_SIGNAL, A_PTR, A_PTR, A_UINT),
	ROW(rt_sigprocmask, NONE, 0, A_SIGPROCMASK_HOW, A_PTR, A_PTR, A_UINT),
	ROW(rt_sigsuspend, NONE, SF_EINTR, A_PTR, A_UINT),
	ROW(rt_sigtimedwait, NONE, SF_EINTR, A_PTR, A_PTR, A_PTR, A_UINT),
	ROW0(rt_sigreturn, NONE, NOFAULT | SF_SIGRETURN),
	ROW(sigaltstack, NONE, 0, A_PTR, A_PTR),
	ROW0(restart_syscall, NONE, NOFAULT | SF_RESTART),
	ROW(alarm, NONE, NOFAULT, A_UINT),
	ROW0(pause, NONE, SF_EINTR),

	/* time */
	ROW(nanosleep, NONE, SF_EINTR, A_PTR, A_PTR),
	ROW(clock_nanosleep, NONE, SF_EINTR, A_INT, A_HEX, A_PTR, A_PTR),
	ROW(clock_gettime, NONE, 0, A_INT, A_PTR),
	ROW(clock_getres, NONE, 0, A_INT, A_PTR),
	ROW(gettimeofday, NONE, 0, A_PTR, A_PTR),
	ROW(getitimer, NONE, 0, A_INT, A_PTR),
	ROW(setitimer, NONE, 0, A_INT, A_PTR, A_PTR),

	/* threads and the rest */
	ROW(futex, NONE, SF_EINTR, A_PTR, A_FUTEX_OP, A_INT, A_PTR, A_PTR, A_HEX),
	ROW(uname, NONE, 0, A_PTR),
	ROW(sysinfo, NONE, 0, A_PTR),
	ROW(getrandom, NONE, SF_RANDOM, A_BUF_OUT, A_UINT, A_HEX),
};

const size_t rec_systab_len = sizeof rec_systab / sizeof rec_systab[0];

/* The about text says what the family is for; `analyze --families` puts the
 * names of its rows before it. */
#define FAM(id, n, e, a) [id] = { .name = n, .errnos = e, .about = a }

const struct rec_family_info rec_families[FAM__COUNT] = {
	FAM(FAM_NONE, "none", "", ""),
	FAM(FAM_WRITE, "write", "EIO ENOSPC EDQUOT EINTR EAGAIN EPIPE EFBIG",
	    "data going out to a file or pipe"),
	FAM(FAM_READ, "read", "EIO EINTR EAGAIN",
	    "data coming in"),
	FAM(FAM_OPEN, "open", "ENOENT EACCES EMFILE ENFILE ENOSPC EIO EINTR ENOMEM",
	    "getting a descriptor for a path"),
	FAM(FAM_FSYNC, "fsync", "EIO ENOSPC EDQUOT",
	    "flushing one file to disk"),
	FAM(FAM_CLOSE, "close", "EIO EINTR ENOSPC",
	    "late write-back errors surface here"),
	FAM(FAM_CONNECT, "connect",
	    "ECONNREFUSED ETIMEDOUT ENETUNREACH EHOSTUNREACH ECONNRESET EINTR",
	    "reaching a peer"),
	FAM(FAM_ACCEPT, "accept", "EMFILE ECONNABORTED EINTR ENFILE",
	    "taking an incoming connection"),
	FAM(FAM_SEND, "send", "EPIPE ECONNRESET EAGAIN EINTR ENOBUFS",
	    "sending on a socket"),
	FAM(FAM_RECV, "recv", "ECONNRESET EAGAIN EINTR ETIMEDOUT",
	    "receiving from a socket"),
	FAM(FAM_SOCKET, "socket", "EMFILE ENFILE ENOBUFS EACCES",
	    "creating sockets"),
	FAM(FAM_BIND, "bind", "EADDRINUSE EACCES EADDRNOTAVAIL",
	    "claiming a local address"),
	FAM(FAM_LISTEN, "listen", "EADDRINUSE",
	    "starting to accept connections"),
	FAM(FAM_RENAME, "rename", "EIO ENOSPC EACCES EXDEV EROFS",
	    "the atomic-replace step"),
	FAM(FAM_UNLINK, "unlink", "EIO EACCES EBUSY EROFS",
	    "removing a name"),
	FAM(FAM_MKDIR, "mkdir", "ENOSPC EACCES EEXIST EROFS EDQUOT",
	    "creating a directory"),
	FAM(FAM_RMDIR, "rmdir", "EBUSY ENOTEMPTY EACCES",
	    "removing a directory"),
	FAM(FAM_FTRUNCATE, "ftruncate", "EIO EFBIG EPERM",
	    "changing a file's size"),
	FAM(FAM_FALLOCATE, "fallocate", "ENOSPC EIO EFBIG",
	    "reserving or punching file space"),
	FAM(FAM_MMAP, "mmap", "ENOMEM EAGAIN",
	    "mapping memory or a file"),
	FAM(FAM_FORK, "fork", "EAGAIN ENOMEM",
	    "creating a process or thread"),
	FAM(FAM_DUP, "dup", "EMFILE",
	    "copying a descriptor"),
	FAM(FAM_PIPE, "pipe", "EMFILE ENFILE",
	    "creating a pipe"),
	FAM(FAM_STAT, "stat", "EACCES EIO ENOMEM ENOENT",
	    "asking about a file"),
	FAM(FAM_SEEK, "seek", "EINVAL EOVERFLOW",
	    "moving a file offset"),
	FAM(FAM_LINK, "link", "EEXIST EIO ENOSPC EACCES",
	    "adding a name"),
	FAM(FAM_CHMOD, "chmod", "EPERM EIO EROFS",
	    "changing permissions"),
	FAM(FAM_CHOWN, "chown", "EPERM EIO EROFS",
	    "changing ownership"),
	FAM(FAM_POLL, "poll", "EINTR ENOMEM",
	    "waiting for descriptors"),
	FAM(FAM_SYNC, "sync", "EIO",
	    "flushing whole file systems"),
};

const uint64_t rec_fs_families =
	(1ull << FAM_WRITE) | (1ull << FAM_OPEN) | (1ull << FAM_FSYNC) | (1ull << FAM_SYNC) |
	(1ull << FAM_RENAME) | (1ull << FAM_UNLINK) | (1ull << FAM_MKDIR) | (1ull << FAM_RMDIR) |
	(1ull << FAM_FTRUNCATE) | (1ull << FAM_FALLOCATE) | (1ull << FAM_LINK) |
	(1ull << FAM_CHMOD) | (1ull << FAM_CHOWN);

static int init_state;          /* 0: not yet, 1: done, <0: failed */
static long sys_nr[sizeof rec_systab / sizeof rec_systab[0]];
static uint16_t nr_row[NR_MAX]; /* row + 1, 0 = no row */

int rec_sys_init(void)
{
	if (init_state)
		return init_state > 0 ? 0 : init_state;
	for (size_t i = 0; i < rec_systab_len; i++) {
		int nr = seccomp_syscall_resolve_name(rec_systab[i].name);
		sys_nr[i] = nr >= 0 ? nr : -1;
		if (nr >= 0 && nr < NR_MAX && !nr_row[nr])
			nr_row[nr] = (uint16_t)(i + 1);
	}
	/* read exists on every architecture: if it did not resolve,
	 * libseccomp does not know this one. */
	init_state = sys_nr[0] >= 0 ? 1 : -ENOENT;
	return init_state > 0 ? 0 : init_state;
}

const struct rec_sys *rec_sys_by_nr(long nr)
{
	rec_sys_init();
	if (nr < 0 || nr >= NR_MAX || !nr_row[nr])
		return NULL;
	return &rec_systab[nr_row[nr] - 1];
}

long rec_sys_nr(const struct rec_sys *s)
{
	assert(s >= rec_systab && s < rec_systab + rec_systab_len);
	rec_sys_init();
	return sys_nr[s - rec_systab];
}

const char *rec_sys_name(long nr, char *tmp, size_t tmplen)
{
	const struct rec_sys *s = rec_sys_by_nr(nr);

	if (s)
		return s->name;
	assert(tmp && tmplen);
	if (nr >= 0 && nr <= INT32_MAX) {
		char *n = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE,
							   (int)nr);
		if (n) {
			snprintf(tmp, tmplen, "%s", n);
			free(n);
			return tmp;
		}
	}
	snprintf(tmp, tmplen, "syscall_%ld", nr);
	return tmp;
}

int rec_sys_names(long nr, char *name, size_t len, const char **family)
{
	const struct rec_sys *s = rec_sys_by_nr(nr);
	const char *n = rec_sys_name(nr, name, len);
	if (!s && !strncmp(n, "syscall_", 8))
		return 1;
	if (n != name)
		snprintf(name, len, "%s", n);
	*family = s && s->family ? rec_families[s->family].name : NULL;
	return 0;
}

const struct rec_sys *rec_sys_by_name(const char *name)
{
	for (size_t i = 0; i < rec_systab_len; i++)
		if (!strcmp(rec_systab[i].name, name))
			return &rec_systab[i];
	return NULL;
}

int rec_sys_arg(const struct rec_sys *s, int kind, int from)
{
	for (int i = from < 0 ? 0 : from; i < s->nargs; i++)
		if (s->arg[i] == kind)
			return i;
	return -1;
}

int rec_sys_target(const struct rec_sys *s)
{
	return s->flags & SF_TARGET_2 ? 2 : s->flags & SF_TARGET_1 ? 1 : 0;
}

int rec_sys_random_buf(const struct rec_sys *s)
{
	return s->flags & SF_RANDOM ? rec_sys_arg(s, A_BUF_OUT, 0) : -1;
}

int rec_sys_seeded(const struct rec_sys *s, const char *fdpath)
{
	int k = rec_sys_random_buf(s);
	if (k < 0 || (s->arg[0] == A_FD && !(fdpath && fl_random_dev(fdpath))))
		return -1;
	return k;
}

int rec_sys_errno_ok(const struct rec_sys *s, int err)
{
	if (err == EINTR)
		return (s->flags & SF_EINTR) != 0;
	const char *name = fl_errno_name(err), *list = rec_families[s->family].errnos;
	size_t n = strlen(name);
	for (const char *w = list; (w = strstr(w, name)); w += n)
		if ((w == list || w[-1] == ' ') && (w[n] == ' ' || !w[n]))
			return 1;
	return 0;
}

int rec_family_by_name(const char *name)
{
	for (int f = FAM_NONE + 1; f < FAM__COUNT; f++)
		if (strcmp(rec_families[f].name, name) == 0)
			return f;
	return -1;
}
