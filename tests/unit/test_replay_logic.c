/*
 * tests/unit/test_replay_logic.c - pure logic of replay and decode:
 * outcome classification, fault specs, fd kinds, return formatting and the
 * string helpers the repro lines depend on, and which check commands run
 * without /bin/sh.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../faultline.h"
#include "../../record/decode.h"
#include "../../record/syscalls.h"
#include "../../analyze/ana.h"
#include "../../replay/rpl.h"

/* Which --check/--setup commands skip /bin/sh (replay/sandbox.c). */
static void test_shell_words(void **state)
{
	(void)state;
	char buf[4096], *w[RPL_SHELL_WORDS + 1];
	assert_int_equal(rpl_shell_words("sh corpus/tornsave/check.sh", buf, sizeof buf, w), 2);
	assert_string_equal(w[0], "sh");
	assert_string_equal(w[1], "corpus/tornsave/check.sh");
	assert_null(w[2]);
	assert_int_equal(rpl_shell_words("  ./check  --mode=strict\t-v ", buf, sizeof buf, w), 3);
	assert_string_equal(w[1], "--mode=strict");
	assert_string_equal(w[2], "-v");
	/* the shell is needed */
	const char *need_sh[] = {
		"", "   ", "a && b", "a; b", "a | b", "a > f", "test -f $X", "echo 'x'",
		"echo \"x\"", "cmd `x`", "ls *.txt", "cd /tmp", "exit 3", "FOO=1 cmd",
		"ls ~", "a # comment", "true", "x\ny",
	};
	for (size_t i = 0; i < sizeof need_sh / sizeof need_sh[0]; i++)
		assert_int_equal(rpl_shell_words(need_sh[i], buf, sizeof buf, w), 0);
	/* too long or too many words: the shell */
	char many[200] = "";
	for (int i = 0; i < 40; i++)
		strcat(many, "a ");
	assert_int_equal(rpl_shell_words(many, buf, sizeof buf, w), 0);
	assert_int_equal(rpl_shell_words("sh check.sh", buf, 5, w), 0);
}

static enum rpl_outcome classify(int fired, int to, int code, int sig, int chk, int chk_code)
{
	struct rpl_result r = { .fired = fired, .timed_out = to, .exit_code = code, .signal = sig,
				.check_ran = chk, .check_code = chk_code };
	return rpl_classify(&r);
}

static void test_outcomes(void **state)
{
	(void)state;
	assert_int_equal(classify(0, 0, 0, 0, 0, 0), OUT_NOT_REACHED);
	assert_int_equal(classify(0, 0, 134, SIGABRT, 0, 0), OUT_NOT_REACHED);
	assert_int_equal(classify(1, 1, 137, SIGKILL, 1, 0), OUT_HANG);
	assert_int_equal(classify(1, 0, 139, SIGSEGV, 1, 0), OUT_CRASH);
	assert_int_equal(classify(1, 0, 134, SIGABRT, 0, 0), OUT_CRASH);
	assert_int_equal(classify(1, 0, 137, SIGKILL, 1, 0), OUT_HANDLED);
	assert_int_equal(classify(1, 0, 137, SIGKILL, 1, 1), OUT_BROKEN);
	assert_int_equal(classify(1, 0, 0, 0, 1, 1), OUT_BROKEN);
	assert_int_equal(classify(1, 0, 0, 0, 1, 0), OUT_SILENT);
	assert_int_equal(classify(1, 0, 0, 0, 0, 0), OUT_SILENT);
	assert_int_equal(classify(1, 0, 1, 0, 1, 0), OUT_HANDLED);
	/* a check that cannot run says nothing about the program */
	assert_int_equal(classify(1, 0, 0, 0, 1, 127), OUT_ERROR);
	assert_int_equal(classify(1, 0, 0, 0, 1, 126), OUT_ERROR);
	/* retried: exit 0 after a retryable fault whose call was issued again */
	struct rpl_result r = { .fired = 1, .check_ran = 1, .retryable = 1, .reissued = 1 };
	assert_int_equal(rpl_classify(&r), OUT_RETRIED);
	r.reissued = 0;
	assert_int_equal(rpl_classify(&r), OUT_SILENT);
	r.reissued = 1;
	r.retryable = 0;
	assert_int_equal(rpl_classify(&r), OUT_SILENT);
	r.retryable = 1;
	r.check_code = 1;
	assert_int_equal(rpl_classify(&r), OUT_BROKEN);
	r.check_code = 0;
	r.exit_code = 1;
	assert_int_equal(rpl_classify(&r), OUT_HANDLED);
	/* the baseline: nothing fired, and that is the point */
	struct rpl_result b = { .baseline = 1, .check_ran = 1 };
	assert_int_equal(rpl_classify(&b), OUT_CLEAN);
	b.check_code = 1;
	assert_int_equal(rpl_classify(&b), OUT_BROKEN);
	b.check_code = 0;
	b.timed_out = 1;
	assert_int_equal(rpl_classify(&b), OUT_HANG);
	assert_false(rpl_outcome_is_bug(OUT_RETRIED));
	assert_false(rpl_outcome_is_bug(OUT_CLEAN));
	assert_string_equal(rpl_outcome_name[OUT_RETRIED], "retried");
	assert_string_equal(rpl_outcome_name[OUT_CLEAN], "clean");
	assert_true(rpl_outcome_is_bug(OUT_CRASH));
	assert_true(rpl_outcome_is_bug(OUT_HANG));
	assert_true(rpl_outcome_is_bug(OUT_BROKEN));
	assert_false(rpl_outcome_is_bug(OUT_SILENT));
	assert_false(rpl_outcome_is_bug(OUT_NOT_REACHED));
	assert_string_equal(rpl_outcome_name[OUT_NOT_REACHED], "not_reached");
	/* a diverged armed call is never a pass nor the recorded label */
	struct rpl_result dv = { .fired = 0, .diverged = 1, .exit_code = 0 };
	assert_int_equal(rpl_classify(&dv), OUT_DIVERGED);
	dv.check_ran = 1;
	dv.check_code = 1;
	assert_int_equal(rpl_classify(&dv), OUT_DIVERGED);
	assert_false(rpl_outcome_is_bug(OUT_DIVERGED));
	assert_string_equal(rpl_outcome_name[OUT_DIVERGED], "diverged");
}

static void test_fault_specs(void **state)
{
	(void)state;
	struct rpl_fault f;
	assert_int_equal(rpl_fault_parse("EIO", &f), 0);
	assert_int_equal(f.kind, FAULT_ERRNO);
	assert_int_equal(f.err, 5);
	assert_string_equal(f.spec, "EIO");
	assert_int_equal(rpl_fault_parse("enospc", &f), 0);
	assert_string_equal(f.spec, "ENOSPC");
	assert_int_equal(rpl_fault_parse("eintr", &f), 0);
	assert_string_equal(f.spec, "EINTR");
	assert_int_equal(rpl_fault_parse("short", &f), 0);
	assert_int_equal(f.kind, FAULT_SHORT);
	assert_int_equal(rpl_fault_parse("kill", &f), 0);
	assert_int_equal(f.kind, FAULT_KILL);
	assert_int_equal(rpl_fault_parse("delay:250", &f), 0);
	assert_int_equal(f.kind, FAULT_DELAY);
	assert_int_equal(f.delay_ms, 250);
	assert_string_equal(f.spec, "delay:250");
	assert_int_equal(rpl_fault_parse("default", &f), 0);
	assert_int_equal(f.err, 0);
	assert_int_equal(rpl_fault_parse("EBOGUS", &f), -EINVAL);
	assert_int_equal(rpl_fault_parse("delay:x", &f), -EINVAL);
	assert_int_equal(rpl_fault_parse("delay:-1", &f), -EINVAL);
	assert_int_equal(rpl_fault_parse("", &f), -EINVAL);
	/* which faults can happen at a recorded call (the syscall table) */
	rpl_fault_parse("short", &f);
	assert_int_equal(rpl_fault_skip(&f, "write", "file", 100, 0), SKIP_NONE);
	assert_int_equal(rpl_fault_skip(&f, "write", "file", 1, 0), SKIP_SHORT_SIZE);
	assert_int_equal(rpl_fault_skip(&f, "read", "pipe", 0, 0), SKIP_SHORT_SIZE);
	assert_int_equal(rpl_fault_skip(&f, "read", "file", -5, 0), SKIP_SHORT_SIZE);
	assert_int_equal(rpl_fault_skip(&f, "writev", "file", 100, 0), SKIP_SHORT_CALL);
	assert_int_equal(rpl_fault_skip(&f, "fsync", "file", 0, 0), SKIP_SHORT_CALL);
	rpl_fault_parse("EIO", &f);
	assert_int_equal(rpl_fault_skip(&f, "fsync", "file", 0, 0), SKIP_NONE);
	rpl_fault_parse("eintr", &f);
	assert_int_equal(rpl_fault_skip(&f, "read", "pipe", 10, 0), SKIP_NONE);
	assert_int_equal(rpl_fault_skip(&f, "connect", "socket", 0, 0), SKIP_NONE);
	assert_int_equal(rpl_fault_skip(&f, "read", "file", 10, 0), SKIP_REGULAR);
	assert_int_equal(rpl_fault_skip(&f, "newfstatat", "file", 0, 0), SKIP_EINTR);
	assert_int_equal(rpl_fault_skip(&f, "mmap", NULL, 0, 0), SKIP_EINTR);
	assert_int_equal(rpl_fault_skip(&f, "lseek", "file", 0, 0), SKIP_EINTR);
	assert_int_equal(rpl_fault_skip(&f, "lseek", "file", 0, 1), SKIP_NONE);
	rpl_fault_parse("EMFILE", &f);
	assert_int_equal(rpl_fault_skip(&f, "newfstatat", "file", 0, 0), SKIP_ERRNO);
	assert_int_equal(rpl_fault_skip(&f, "openat", "file", 3, 0), SKIP_NONE);
	assert_int_equal(rpl_fault_skip(&f, "newfstatat", "file", 0, 1), SKIP_NONE);
	rpl_fault_parse("EAGAIN", &f);
	assert_int_equal(rpl_fault_skip(&f, "write", "pipe", 10, 0), SKIP_NONE);
	assert_int_equal(rpl_fault_skip(&f, "write", "file", 10, 0), SKIP_REGULAR);
	/* which faults a correct program answers by issuing the call again */
	rpl_fault_parse("short", &f);
	assert_true(rpl_fault_retryable(&f));
	rpl_fault_parse("eintr", &f);
	assert_true(rpl_fault_retryable(&f));
	rpl_fault_parse("EAGAIN", &f);
	assert_true(rpl_fault_retryable(&f));
	rpl_fault_parse("EIO", &f);
	assert_false(rpl_fault_retryable(&f));
	rpl_fault_parse("kill", &f);
	assert_false(rpl_fault_retryable(&f));
}

static void test_fd_kinds(void **state)
{
	(void)state;
	assert_string_equal(rec_fd_kind("/etc/passwd"), "file");
	assert_string_equal(rec_fd_kind("/dev/pts/3"), "tty");
	assert_string_equal(rec_fd_kind("/dev/null"), "dev");
	assert_string_equal(rec_fd_kind("socket:[123]"), "socket");
	assert_string_equal(rec_fd_kind("pipe:[9]"), "pipe");
	assert_string_equal(rec_fd_kind("anon_inode:[eventfd]"), "other");
	assert_null(rec_fd_kind(NULL));
}

static void test_format_ret(void **state)
{
	(void)state;
	struct sb b;
	sb_init(&b);
	rec_format_ret(&b, NULL, 1, -2);
	assert_string_equal(b.s, "-1 ENOENT (No such file or directory)");
	sb_reset(&b);
	rec_format_ret(&b, NULL, 1, 3);
	assert_string_equal(b.s, "3");
	sb_reset(&b);
	rec_format_ret(&b, NULL, 0, 0);
	assert_string_equal(b.s, "?");
	sb_reset(&b);
	const struct rec_sys *mm = NULL;
	for (size_t i = 0; i < rec_systab_len; i++)
		if (!strcmp(rec_systab[i].name, "mmap"))
			mm = &rec_systab[i];
	rec_format_ret(&b, mm, 1, 0x7f0000001000);
	assert_string_equal(b.s, "0x7f0000001000");
	sb_free(&b);
}

static void test_strings(void **state)
{
	(void)state;
	struct sb b;
	sb_init(&b);
	sb_shell_quote(&b, "plain-path/x.db");
	assert_string_equal(b.s, "plain-path/x.db");
	sb_reset(&b);
	sb_shell_quote(&b, "sh check.sh 'x'");
	assert_string_equal(b.s, "'sh check.sh '\\''x'\\'''");
	sb_reset(&b);
	sb_shell_quote(&b, "");
	assert_string_equal(b.s, "''");
	sb_reset(&b);
	sb_escape(&b, (const unsigned char *)"a\n\"\x01", 4);
	assert_string_equal(b.s, "a\\n\\\"\\x01");
	sb_free(&b);
	assert_string_equal(fl_errno_name(5), "EIO");
	assert_int_equal(fl_errno_from_name("ECONNREFUSED"), 111);
	assert_int_equal(fl_errno_from_name("ENOPE"), -1);
	long v;
	assert_int_equal(fl_parse_long("42", &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(fl_parse_long("4x", &v), -EINVAL);
	assert_int_equal(fl_parse_long("", &v), -EINVAL);
}

/* The names of a point that survive reruns (replay --key, divergence). */
static void test_identity(void **state)
{
	(void)state;
	char p[256];
	strcpy(p, "/a/./b//c/");
	ana_path_normalize(p);
	assert_string_equal(p, "/a/b/c");
	strcpy(p, "/w/app/../lib/__pycache__/x.pyc");
	ana_path_normalize(p);
	assert_string_equal(p, "/w/lib/__pycache__/x.pyc");
	strcpy(p, "/x/out.tmp (deleted)");
	ana_path_normalize(p);
	assert_string_equal(p, "/x/out.tmp");
	/* numbers chosen at run time in temporary names */
	assert_true(ana_same_path("/d/f.pyc.140483753014448", "/d/f.pyc.140366567077040"));
	assert_false(ana_same_path("/d/out-1.txt", "/d/out-2.txt"));
	assert_false(ana_same_path("/d/f.12345", "/d/f.54321"));   /* too short: a name */
	assert_int_equal(ana_target_key("/d/./f.pyc.140483753014448", "file"),
			 ana_target_key("/d/f.pyc.140366567077040", NULL));
	assert_int_not_equal(ana_target_key("/d/a", "file"), ana_target_key("/d/b", "file"));
	/* pipes and sockets by kind: their inode numbers change */
	assert_int_equal(ana_target_key("pipe:[123]", "pipe"), ana_target_key("pipe:[456]", "pipe"));
	assert_int_equal(ana_target_key(NULL, NULL), 0);
	assert_string_equal(rpl_key_name[RPL_KEY_PATH], "path");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outcomes),
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_fault_specs),
		cmocka_unit_test(test_fd_kinds),
		cmocka_unit_test(test_format_ret),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_shell_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
