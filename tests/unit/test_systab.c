/*
 * tests/unit/test_systab.c - the syscall table, its families and the
 * constant tables agree with libseccomp, the C library and each other.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <cmocka.h>
#include <seccomp.h>

#include "../../faultline.h"
#include "../../record/syscalls.h"
#include "../../record/xlat.h"

/* Calls newer architectures (arm64, riscv) dropped in favour of the *at
 * and p* forms; only these may fail to resolve, and not on x86_64. */
static const char *const legacy[] = {
	"open", "creat", "stat", "lstat", "access", "readlink", "mkdir",
	"rmdir", "unlink", "rename", "link", "symlink", "chmod", "chown",
	"lchown", "pipe", "poll", "select", "epoll_wait", "fork", "vfork",
	"getpgrp", "alarm", "pause", "dup2", "getrlimit", "mknod",
	"arch_prctl", "newfstatat", "fadvise64", NULL,
};

static const struct rec_sys *row(const char *name)
{
	for (size_t i = 0; i < rec_systab_len; i++)
		if (strcmp(rec_systab[i].name, name) == 0)
			return &rec_systab[i];
	return NULL;
}

static int is_legacy(const char *name)
{
	for (const char *const *p = legacy; *p; p++)
		if (strcmp(*p, name) == 0)
			return 1;
	return 0;
}

/* Runs first: lookups must work before anyone calls rec_sys_init(). */
static void test_lazy_init(void **state)
{
	(void)state;
	const struct rec_sys *s = rec_sys_by_nr(SYS_write);
	assert_non_null(s);
	assert_string_equal(s->name, "write");
	assert_int_equal(rec_sys_init(), 0);
	assert_int_equal(rec_sys_init(), 0);
}

static void test_rows_resolve(void **state)
{
	(void)state;
	int on_x86_64 = seccomp_arch_native() == SCMP_ARCH_X86_64;
	for (size_t i = 0; i < rec_systab_len; i++) {
		const struct rec_sys *s = &rec_systab[i];
		long nr = rec_sys_nr(s);
		if (nr < 0) {
			if (!is_legacy(s->name) || on_x86_64)
				fail_msg("'%s' does not resolve", s->name);
			continue;
		}
		if (nr < 1024)
			assert_ptr_equal(rec_sys_by_nr(nr), s);
	}
}

static void test_core_calls(void **state)
{
	(void)state;
	static const struct { const char *name; long nr; } core[] = {
		{ "write", SYS_write }, { "openat", SYS_openat },
		{ "close", SYS_close },
	};
	for (size_t i = 0; i < sizeof core / sizeof core[0]; i++) {
		const struct rec_sys *s = row(core[i].name);
		assert_non_null(s);
		assert_int_equal(rec_sys_nr(s), core[i].nr);
		assert_ptr_equal(rec_sys_by_nr(core[i].nr), s);
		char tmp[32];
		assert_string_equal(rec_sys_name(core[i].nr, tmp, sizeof tmp),
				    core[i].name);
	}
	assert_null(rec_sys_by_nr(-1));
	assert_null(rec_sys_by_nr(1024));
	assert_null(rec_sys_by_nr(1L << 40));
}

static void test_row_shape(void **state)
{
	(void)state;
	for (size_t i = 0; i < rec_systab_len; i++) {
		const struct rec_sys *s = &rec_systab[i];
		assert_non_null(s->name);
		assert_true(s->family < FAM__COUNT);
		assert_true(s->nargs <= 6);
		for (int a = 0; a < 6; a++) {
			if (a < s->nargs) {
				assert_true(s->arg[a] != A_NONE);
				assert_true(s->arg[a] < A__COUNT);
			} else {
				assert_int_equal(s->arg[a], A_NONE);
			}
		}
		if (s->flags & SF_SHORT) {
			assert_true(s->nargs >= 3);
			assert_int_equal(s->arg[2], A_UINT);
		}
		if (s->flags & SF_TARGET_1)
			assert_true(s->nargs >= 2);
		if (s->flags & SF_NOFAULT)
			assert_int_equal(s->family, FAM_NONE);
		for (size_t j = 0; j < i; j++)
			if (strcmp(rec_systab[j].name, s->name) == 0)
				fail_msg("'%s' has two rows", s->name);
	}
	assert_true(rec_systab_len >= 130);
}

static void test_flags(void **state)
{
	(void)state;
	assert_true(row("write")->flags & SF_SHORT);
	assert_true(row("openat")->flags & SF_RET_FD);
	assert_true(row("openat")->flags & SF_TARGET_1);
	assert_true(row("close")->flags & SF_CLOSE);
	assert_true(row("dup3")->flags & SF_DUP2);
	assert_true(row("execve")->flags & SF_EXEC);
	assert_true(row("mmap")->flags & SF_RET_HEX);
	assert_true(row("exit_group")->flags & SF_NOFAULT);
	assert_false(row("fcntl")->flags & SF_RET_FD);
	assert_int_equal(row("mmap")->family, FAM_MMAP);
	assert_int_equal(row("munmap")->family, FAM_NONE);
	assert_int_equal(row("clone3")->family, FAM_FORK);
	assert_int_equal(row("clone3")->arg[0], A_CLONE_ARGS);
	assert_true(row("close_range")->flags & SF_CLOSE_RANGE);
	assert_true(row("fchdir")->flags & SF_CHDIR);
	assert_true(row("sched_setaffinity")->flags & SF_AFFINITY);
	assert_true(row("restart_syscall")->flags & SF_RESTART);
	assert_true(row("rt_sigreturn")->flags & SF_SIGRETURN);
	assert_int_equal(rec_sys_random_buf(row("getrandom")), 0);
	assert_int_equal(rec_sys_random_buf(row("read")), 1);
	assert_int_equal(rec_sys_random_buf(row("pread64")), -1);
	assert_int_equal(rec_sys_target(row("write")), 0);
	assert_int_equal(rec_sys_target(row("openat")), 1);
	assert_int_equal(rec_sys_target(row("splice")), 2);
	assert_int_equal(rec_sys_arg(row("linkat"), A_PATH, 0), 1);
	assert_int_equal(rec_sys_arg(row("linkat"), A_PATH, 2), 3);
	assert_int_equal(rec_sys_arg(row("link"), A_DIRFD, 0), -1);
	assert_int_equal(rec_sys_arg(row("openat2"), A_OPEN_HOW, 0), 2);
}

static void test_families(void **state)
{
	(void)state;
	assert_string_equal(rec_families[FAM_NONE].name, "none");
	for (int f = FAM_NONE + 1; f < FAM__COUNT; f++) {
		const struct rec_family_info *fi = &rec_families[f];
		assert_non_null(fi->name);
		assert_true(fi->name[0]);
		assert_non_null(fi->about);
		assert_true(fi->about[0]);
		assert_non_null(fi->errnos);
		assert_int_equal(rec_family_by_name(fi->name), f);

		char buf[256];
		int n = 0;
		snprintf(buf, sizeof buf, "%s", fi->errnos);
		for (char *sp, *e = strtok_r(buf, " ", &sp); e;
		     e = strtok_r(NULL, " ", &sp), n++)
			if (fl_errno_from_name(e) < 0)
				fail_msg("family '%s': unknown errno '%s'",
					 fi->name, e);
		if (n == 0)
			fail_msg("family '%s' has no errnos", fi->name);

		int used = 0;
		for (size_t i = 0; i < rec_systab_len; i++)
			used |= rec_systab[i].family == f;
		if (!used)
			fail_msg("family '%s' has no rows", fi->name);
	}
	assert_int_equal(rec_family_by_name("fsync"), FAM_FSYNC);
	assert_int_equal(rec_family_by_name("nope"), -1);
}

static void test_sys_name(void **state)
{
	(void)state;
	char tmp[32];
	assert_string_equal(rec_sys_name(999, tmp, sizeof tmp), "syscall_999");
	assert_string_equal(rec_sys_name(-1, tmp, sizeof tmp), "syscall_-1");
#ifdef SYS_io_uring_setup
	/* no row: the name comes from libseccomp */
	assert_null(rec_sys_by_nr(SYS_io_uring_setup));
	assert_string_equal(rec_sys_name(SYS_io_uring_setup, tmp, sizeof tmp),
			    "io_uring_setup");
#endif
}

static void expect_flags(const struct xlat *t, uint64_t v, const char *want)
{
	struct sb b;
	sb_init(&b);
	xlat_flags(&b, t, v);
	assert_string_equal(b.s, want);
	sb_free(&b);
}

static void test_xlat(void **state)
{
	(void)state;
	expect_flags(xl_open_flags, O_CREAT | O_TRUNC | 0x40000000,
		     "O_CREAT|O_TRUNC|0x40000000");
	expect_flags(xl_open_flags, O_SYNC | O_CLOEXEC, "O_SYNC|O_CLOEXEC");
	expect_flags(xl_open_flags, O_DSYNC, "O_DSYNC");
	expect_flags(xl_open_flags, 0, "0");
	expect_flags(xl_prot, PROT_READ | PROT_WRITE, "PROT_READ|PROT_WRITE");
	expect_flags(xl_prot, PROT_NONE, "PROT_NONE");
	expect_flags(xl_access_mode, R_OK | W_OK, "R_OK|W_OK");
	expect_flags(xl_access_mode, F_OK, "F_OK");
	expect_flags(xl_msg_flags, 0, "0");

	struct sb b;
	sb_init(&b);
	xlat_val(&b, xl_open_accmode, O_RDWR, "%llu");
	sb_putc(&b, ' ');
	xlat_val(&b, xl_whence, 77, "%llu");
	sb_putc(&b, ' ');
	xlat_val(&b, xl_signals, 9, NULL);
	assert_string_equal(b.s, "O_RDWR 77 SIGKILL");
	sb_free(&b);

	assert_string_equal(xlat_name(xl_signals, 1), "SIGHUP");
	assert_string_equal(xlat_name(xl_signals, 31), "SIGSYS");
	assert_null(xlat_name(xl_signals, 0));
	assert_null(xlat_name(xl_signals, 32));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lazy_init),
		cmocka_unit_test(test_rows_resolve),
		cmocka_unit_test(test_core_calls),
		cmocka_unit_test(test_row_shape),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_families),
		cmocka_unit_test(test_sys_name),
		cmocka_unit_test(test_xlat),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
