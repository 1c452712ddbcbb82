/*
 * record/xlat.c - constant tables and the three functions that print them.
 *
 * Every value comes from the C library or kernel headers; a constant that
 * an older header may lack is wrapped in #ifdef, so a missing one costs a
 * name, never the build.
 *
 * Flag tables are matched first-fit in table order, each entry consuming
 * its bits.  An entry made of several bits (O_SYNC = __O_SYNC|O_DSYNC,
 * O_TMPFILE = __O_TMPFILE|O_DIRECTORY, STATX_BASIC_STATS) therefore comes
 * before the single bits it contains.  A 0-valued entry (PROT_NONE, F_OK)
 * names the value 0 only.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <linux/fs.h>
#include <linux/futex.h>
#include <linux/sched.h>
#if __has_include(<asm/prctl.h>)
#include <asm/prctl.h>
#endif

#include "xlat.h"

#define X(c) { (uint64_t)(c), #c }
#define END { 0, NULL }

const char *xlat_name(const struct xlat *t, uint64_t val)
{
	for (; t->name; t++)
		if (t->val == val)
			return t->name;
	return NULL;
}

void xlat_val(struct sb *b, const struct xlat *t, uint64_t val,
	      const char *fallback_fmt)
{
	const char *name = xlat_name(t, val);

	if (name)
		sb_puts(b, name);
	else
		sb_printf(b, fallback_fmt ? fallback_fmt : "%#llx",
			  (unsigned long long)val);
}

void xlat_flags(struct sb *b, const struct xlat *t, uint64_t val)
{
	int n = 0;

	if (val == 0) {
		const char *name = xlat_name(t, 0);
		sb_puts(b, name ? name : "0");
		return;
	}
	for (; t->name && val; t++) {
		if (t->val == 0 || (val & t->val) != t->val)
			continue;
		if (n++)
			sb_putc(b, '|');
		sb_puts(b, t->name);
		val &= ~t->val;
	}
	if (val) {
		if (n)
			sb_putc(b, '|');
		sb_printf(b, "%#llx", (unsigned long long)val);
	}
}

const struct xlat xl_open_accmode[] = {
	X(O_RDONLY), X(O_WRONLY), X(O_RDWR), END
};

const struct xlat xl_open_flags[] = {
	X(O_CREAT), X(O_EXCL), X(O_NOCTTY), X(O_TRUNC), X(O_APPEND),
	X(O_NONBLOCK),
	X(O_SYNC),          /* includes O_DSYNC: must come first */
	X(O_DSYNC), X(O_ASYNC), X(O_DIRECT),
#if defined(O_LARGEFILE) && O_LARGEFILE != 0    /* 0 on 64-bit glibc */
	X(O_LARGEFILE),
#endif
#ifdef O_TMPFILE
	X(O_TMPFILE),       /* includes O_DIRECTORY: must come first */
#endif
	X(O_DIRECTORY), X(O_NOFOLLOW), X(O_NOATIME), X(O_CLOEXEC),
#ifdef O_PATH
	X(O_PATH),
#endif
	END
};

const struct xlat xl_prot[] = {
	X(PROT_NONE), X(PROT_READ), X(PROT_WRITE), X(PROT_EXEC),
#ifdef PROT_SEM
	X(PROT_SEM),
#endif
	X(PROT_GROWSDOWN), X(PROT_GROWSUP),
	END
};

const struct xlat xl_mmap_type[] = {
	X(MAP_SHARED), X(MAP_PRIVATE),
#ifdef MAP_SHARED_VALIDATE
	X(MAP_SHARED_VALIDATE),
#endif
	END
};

const struct xlat xl_mmap_flags[] = {
	X(MAP_FIXED), X(MAP_ANONYMOUS),
#ifdef MAP_32BIT
	X(MAP_32BIT),
#endif
	X(MAP_GROWSDOWN), X(MAP_DENYWRITE), X(MAP_EXECUTABLE), X(MAP_LOCKED),
	X(MAP_NORESERVE), X(MAP_POPULATE), X(MAP_NONBLOCK), X(MAP_STACK),
	X(MAP_HUGETLB),
#ifdef MAP_SYNC
	X(MAP_SYNC),
#endif
#ifdef MAP_FIXED_NOREPLACE
	X(MAP_FIXED_NOREPLACE),
#endif
	END
};

const struct xlat xl_access_mode[] = {
	X(R_OK), X(W_OK), X(X_OK), X(F_OK), END
};

/* AT_EACCESS (faccessat) has AT_REMOVEDIR's value 0x200; the table can hold
 * one name per bit and unlinkat is the commoner caller. */
const struct xlat xl_at_flags[] = {
	X(AT_SYMLINK_NOFOLLOW), X(AT_REMOVEDIR), X(AT_SYMLINK_FOLLOW),
	X(AT_NO_AUTOMOUNT), X(AT_EMPTY_PATH),
#ifdef AT_STATX_FORCE_SYNC
	X(AT_STATX_FORCE_SYNC), X(AT_STATX_DONT_SYNC),
#endif
#ifdef AT_RECURSIVE
	X(AT_RECURSIVE),
#endif
	END
};

const struct xlat xl_sock_family[] = {
	X(AF_UNSPEC), X(AF_UNIX), X(AF_INET), X(AF_AX25), X(AF_IPX),
	X(AF_APPLETALK), X(AF_NETROM), X(AF_BRIDGE), X(AF_ATMPVC), X(AF_X25),
	X(AF_INET6), X(AF_ROSE), X(AF_DECnet), X(AF_NETBEUI), X(AF_SECURITY),
	X(AF_KEY), X(AF_NETLINK), X(AF_PACKET), X(AF_ASH), X(AF_ECONET),
	X(AF_ATMSVC), X(AF_RDS), X(AF_SNA), X(AF_IRDA), X(AF_PPPOX),
	X(AF_WANPIPE), X(AF_LLC),
#ifdef AF_IB
	X(AF_IB),
#endif
#ifdef AF_MPLS
	X(AF_MPLS),
#endif
	X(AF_CAN), X(AF_TIPC), X(AF_BLUETOOTH), X(AF_IUCV), X(AF_RXRPC),
	X(AF_ISDN), X(AF_PHONET), X(AF_IEEE802154),
#ifdef AF_CAIF
	X(AF_CAIF),
#endif
#ifdef AF_ALG
	X(AF_ALG),
#endif
#ifdef AF_NFC
	X(AF_NFC),
#endif
#ifdef AF_VSOCK
	X(AF_VSOCK),
#endif
#ifdef AF_KCM
	X(AF_KCM),
#endif
#ifdef AF_QIPCRTR
	X(AF_QIPCRTR),
#endif
#ifdef AF_SMC
	X(AF_SMC),
#endif
#ifdef AF_XDP
	X(AF_XDP),
#endif
#ifdef AF_MCTP
	X(AF_MCTP),
#endif
	END
};

const struct xlat xl_sock_type[] = {
	X(SOCK_STREAM), X(SOCK_DGRAM), X(SOCK_RAW), X(SOCK_RDM),
	X(SOCK_SEQPACKET), X(SOCK_DCCP), X(SOCK_PACKET), END
};

const struct xlat xl_sock_type_flags[] = {
	X(SOCK_NONBLOCK), X(SOCK_CLOEXEC), END
};

const struct xlat xl_signals[] = {
	X(SIGHUP), X(SIGINT), X(SIGQUIT), X(SIGILL), X(SIGTRAP), X(SIGABRT),
	X(SIGBUS), X(SIGFPE), X(SIGKILL), X(SIGUSR1), X(SIGSEGV), X(SIGUSR2),
	X(SIGPIPE), X(SIGALRM), X(SIGTERM),
#ifdef SIGSTKFLT
	X(SIGSTKFLT),
#endif
	X(SIGCHLD), X(SIGCONT), X(SIGSTOP), X(SIGTSTP), X(SIGTTIN),
	X(SIGTTOU), X(SIGURG), X(SIGXCPU), X(SIGXFSZ), X(SIGVTALRM),
	X(SIGPROF), X(SIGWINCH), X(SIGIO),
#ifdef SIGPWR
	X(SIGPWR),
#endif
	X(SIGSYS),
	END
};

const struct xlat xl_whence[] = {
	X(SEEK_SET), X(SEEK_CUR), X(SEEK_END),
#ifdef SEEK_DATA
	X(SEEK_DATA), X(SEEK_HOLE),
#endif
	END
};

/* The low byte of clone()'s flags is the exit signal; the decoder masks it
 * off (CSIGNAL) before using this table. */
const struct xlat xl_clone_flags[] = {
	X(CLONE_VM), X(CLONE_FS), X(CLONE_FILES), X(CLONE_SIGHAND),
#ifdef CLONE_PIDFD
	X(CLONE_PIDFD),
#endif
	X(CLONE_PTRACE), X(CLONE_VFORK), X(CLONE_PARENT), X(CLONE_THREAD),
	X(CLONE_NEWNS), X(CLONE_SYSVSEM), X(CLONE_SETTLS),
	X(CLONE_PARENT_SETTID), X(CLONE_CHILD_CLEARTID), X(CLONE_DETACHED),
	X(CLONE_UNTRACED), X(CLONE_CHILD_SETTID),
#ifdef CLONE_NEWCGROUP
	X(CLONE_NEWCGROUP),
#endif
	X(CLONE_NEWUTS), X(CLONE_NEWIPC), X(CLONE_NEWUSER), X(CLONE_NEWPID),
	X(CLONE_NEWNET), X(CLONE_IO),
#ifdef CLONE_CLEAR_SIGHAND
	X(CLONE_CLEAR_SIGHAND),
#endif
#ifdef CLONE_INTO_CGROUP
	X(CLONE_INTO_CGROUP),
#endif
#ifdef CLONE_NEWTIME
	X(CLONE_NEWTIME),   /* clone3 only: clone() has its signal here */
#endif
	END
};

const struct xlat xl_fcntl_cmd[] = {
	X(F_DUPFD), X(F_GETFD), X(F_SETFD), X(F_GETFL), X(F_SETFL),
	X(F_GETLK), X(F_SETLK), X(F_SETLKW), X(F_SETOWN), X(F_GETOWN),
	X(F_SETSIG), X(F_GETSIG), X(F_SETOWN_EX), X(F_GETOWN_EX),
#ifdef F_OFD_GETLK
	X(F_OFD_GETLK), X(F_OFD_SETLK), X(F_OFD_SETLKW),
#endif
	X(F_SETLEASE), X(F_GETLEASE), X(F_NOTIFY), X(F_DUPFD_CLOEXEC),
	X(F_SETPIPE_SZ), X(F_GETPIPE_SZ),
#ifdef F_ADD_SEALS
	X(F_ADD_SEALS), X(F_GET_SEALS),
#endif
#ifdef F_GET_RW_HINT
	X(F_GET_RW_HINT), X(F_SET_RW_HINT),
	X(F_GET_FILE_RW_HINT), X(F_SET_FILE_RW_HINT),
#endif
	END
};

const struct xlat xl_msg_flags[] = {
	X(MSG_OOB), X(MSG_PEEK), X(MSG_DONTROUTE), X(MSG_CTRUNC),
	X(MSG_PROXY), X(MSG_TRUNC), X(MSG_DONTWAIT), X(MSG_EOR),
	X(MSG_WAITALL), X(MSG_FIN), X(MSG_SYN), X(MSG_CONFIRM), X(MSG_RST),
	X(MSG_ERRQUEUE), X(MSG_NOSIGNAL), X(MSG_MORE), X(MSG_WAITFORONE),
#ifdef MSG_BATCH
	X(MSG_BATCH),
#endif
#ifdef MSG_ZEROCOPY
	X(MSG_ZEROCOPY),
#endif
	X(MSG_FASTOPEN), X(MSG_CMSG_CLOEXEC),
	END
};

const struct xlat xl_rename_flags[] = {
	X(RENAME_NOREPLACE), X(RENAME_EXCHANGE), X(RENAME_WHITEOUT), END
};

const struct xlat xl_falloc_mode[] = {
	X(FALLOC_FL_KEEP_SIZE), X(FALLOC_FL_PUNCH_HOLE),
#ifdef FALLOC_FL_NO_HIDE_STALE
	X(FALLOC_FL_NO_HIDE_STALE),
#endif
	X(FALLOC_FL_COLLAPSE_RANGE), X(FALLOC_FL_ZERO_RANGE),
	X(FALLOC_FL_INSERT_RANGE),
#ifdef FALLOC_FL_UNSHARE_RANGE
	X(FALLOC_FL_UNSHARE_RANGE),
#endif
	END
};

const struct xlat xl_madv[] = {
	X(MADV_NORMAL), X(MADV_RANDOM), X(MADV_SEQUENTIAL), X(MADV_WILLNEED),
	X(MADV_DONTNEED), X(MADV_FREE), X(MADV_REMOVE), X(MADV_DONTFORK),
	X(MADV_DOFORK), X(MADV_MERGEABLE), X(MADV_UNMERGEABLE),
	X(MADV_HUGEPAGE), X(MADV_NOHUGEPAGE), X(MADV_DONTDUMP), X(MADV_DODUMP),
	X(MADV_WIPEONFORK), X(MADV_KEEPONFORK),
#ifdef MADV_COLD
	X(MADV_COLD), X(MADV_PAGEOUT),
#endif
#ifdef MADV_POPULATE_READ
	X(MADV_POPULATE_READ), X(MADV_POPULATE_WRITE),
#endif
#ifdef MADV_DONTNEED_LOCKED
	X(MADV_DONTNEED_LOCKED),
#endif
#ifdef MADV_COLLAPSE
	X(MADV_COLLAPSE),
#endif
	X(MADV_HWPOISON),
#ifdef MADV_SOFT_OFFLINE
	X(MADV_SOFT_OFFLINE),
#endif
	END
};

const struct xlat xl_ioctl_cmd[] = {
	X(TCGETS), X(TCSETS), X(TCSETSW), X(TCSETSF), X(TCFLSH),
	X(TIOCSCTTY), X(TIOCNOTTY), X(TIOCGPGRP), X(TIOCSPGRP),
	X(TIOCGWINSZ), X(TIOCSWINSZ), X(TIOCOUTQ), X(TIOCGPTN), X(TIOCSPTLCK),
	X(FIONREAD), X(FIONBIO), X(FIOASYNC), X(FIOCLEX), X(FIONCLEX),
#ifdef FICLONE
	X(FICLONE), X(FICLONERANGE),
#endif
#ifdef FIDEDUPERANGE
	X(FIDEDUPERANGE),
#endif
	X(FS_IOC_GETFLAGS), X(FS_IOC_SETFLAGS),
	X(BLKGETSIZE64), X(BLKSSZGET),
	END
};

const struct xlat xl_sigprocmask_how[] = {
	X(SIG_BLOCK), X(SIG_UNBLOCK), X(SIG_SETMASK), END
};

/* The command part (op & FUTEX_CMD_MASK); FUTEX_PRIVATE_FLAG and
 * FUTEX_CLOCK_REALTIME are the decoder's business. */
const struct xlat xl_futex_op[] = {
	X(FUTEX_WAIT), X(FUTEX_WAKE), X(FUTEX_FD), X(FUTEX_REQUEUE),
	X(FUTEX_CMP_REQUEUE), X(FUTEX_WAKE_OP), X(FUTEX_LOCK_PI),
	X(FUTEX_UNLOCK_PI), X(FUTEX_TRYLOCK_PI), X(FUTEX_WAIT_BITSET),
	X(FUTEX_WAKE_BITSET), X(FUTEX_WAIT_REQUEUE_PI),
	X(FUTEX_CMP_REQUEUE_PI),
#ifdef FUTEX_LOCK_PI2
	X(FUTEX_LOCK_PI2),
#endif
	END
};

const struct xlat xl_arch_prctl[] = {
#ifdef ARCH_SET_FS
	X(ARCH_SET_GS), X(ARCH_SET_FS), X(ARCH_GET_FS), X(ARCH_GET_GS),
#endif
#ifdef ARCH_GET_CPUID
	X(ARCH_GET_CPUID), X(ARCH_SET_CPUID),
#endif
#ifdef ARCH_GET_XCOMP_SUPP
	X(ARCH_GET_XCOMP_SUPP), X(ARCH_GET_XCOMP_PERM), X(ARCH_REQ_XCOMP_PERM),
#endif
#ifdef ARCH_GET_XCOMP_GUEST_PERM
	X(ARCH_GET_XCOMP_GUEST_PERM), X(ARCH_REQ_XCOMP_GUEST_PERM),
#endif
#ifdef ARCH_MAP_VDSO_X32
	X(ARCH_MAP_VDSO_X32), X(ARCH_MAP_VDSO_32), X(ARCH_MAP_VDSO_64),
#endif
	END
};

const struct xlat xl_prctl_opt[] = {
	X(PR_SET_PDEATHSIG), X(PR_GET_PDEATHSIG), X(PR_GET_DUMPABLE),
	X(PR_SET_DUMPABLE), X(PR_GET_KEEPCAPS), X(PR_SET_KEEPCAPS),
	X(PR_GET_TIMING), X(PR_SET_TIMING), X(PR_SET_NAME), X(PR_GET_NAME),
	X(PR_GET_SECCOMP), X(PR_SET_SECCOMP), X(PR_CAPBSET_READ),
	X(PR_CAPBSET_DROP), X(PR_GET_TSC), X(PR_SET_TSC),
	X(PR_GET_SECUREBITS), X(PR_SET_SECUREBITS), X(PR_SET_TIMERSLACK),
	X(PR_GET_TIMERSLACK), X(PR_TASK_PERF_EVENTS_DISABLE),
	X(PR_TASK_PERF_EVENTS_ENABLE), X(PR_MCE_KILL), X(PR_MCE_KILL_GET),
	X(PR_SET_MM), X(PR_SET_CHILD_SUBREAPER), X(PR_GET_CHILD_SUBREAPER),
	X(PR_SET_NO_NEW_PRIVS), X(PR_GET_NO_NEW_PRIVS), X(PR_GET_TID_ADDRESS),
	X(PR_SET_THP_DISABLE), X(PR_GET_THP_DISABLE),
#ifdef PR_SET_FP_MODE
	X(PR_SET_FP_MODE), X(PR_GET_FP_MODE),
#endif
#ifdef PR_CAP_AMBIENT
	X(PR_CAP_AMBIENT),
#endif
#ifdef PR_GET_SPECULATION_CTRL
	X(PR_GET_SPECULATION_CTRL), X(PR_SET_SPECULATION_CTRL),
#endif
#ifdef PR_SET_TAGGED_ADDR_CTRL
	X(PR_SET_TAGGED_ADDR_CTRL), X(PR_GET_TAGGED_ADDR_CTRL),
#endif
#ifdef PR_SET_IO_FLUSHER
	X(PR_SET_IO_FLUSHER), X(PR_GET_IO_FLUSHER),
#endif
#ifdef PR_SET_SYSCALL_USER_DISPATCH
	X(PR_SET_SYSCALL_USER_DISPATCH),
#endif
#ifdef PR_SCHED_CORE
	X(PR_SCHED_CORE),
#endif
#ifdef PR_SET_MDWE
	X(PR_SET_MDWE), X(PR_GET_MDWE),
#endif
#ifdef PR_SET_VMA
	X(PR_SET_VMA),
#endif
	END
};

const struct xlat xl_sock_level[] = {
	X(SOL_IP), X(SOL_SOCKET), X(SOL_TCP), X(SOL_UDP), X(SOL_IPV6),
	X(SOL_ICMPV6), X(SOL_RAW), X(SOL_PACKET), X(SOL_NETLINK),
#ifdef SOL_ALG
	X(SOL_ALG),
#endif
#ifdef SOL_TLS
	X(SOL_TLS),
#endif
	END
};

const struct xlat xl_shut_how[] = {
	X(SHUT_RD), X(SHUT_WR), X(SHUT_RDWR), END
};

/* WSTOPPED (waitid) is WUNTRACED (wait4) under another name. */
const struct xlat xl_wait_opts[] = {
	X(WNOHANG), X(WUNTRACED), X(WEXITED), X(WCONTINUED), X(WNOWAIT),
	X(__WNOTHREAD), X(__WALL), X(__WCLONE), END
};

const struct xlat xl_statx_mask[] = {
	X(STATX_BASIC_STATS),   /* the group first: see the note on top */
	X(STATX_TYPE), X(STATX_MODE), X(STATX_NLINK), X(STATX_UID),
	X(STATX_GID), X(STATX_ATIME), X(STATX_MTIME), X(STATX_CTIME),
	X(STATX_INO), X(STATX_SIZE), X(STATX_BLOCKS), X(STATX_BTIME),
#ifdef STATX_MNT_ID
	X(STATX_MNT_ID),
#endif
#ifdef STATX_DIOALIGN
	X(STATX_DIOALIGN),
#endif
	END
};

const struct xlat xl_epoll_ctl[] = {
	X(EPOLL_CTL_ADD), X(EPOLL_CTL_DEL), X(EPOLL_CTL_MOD), END
};
