/*
 * tests/unit/test_failures.c - the pure logic of signal over noise: target
 * classes (failure IDs), the check output's normal form and the signature
 * of a distinct failure.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../analyze/ana.h"

/* two at a time can be compared: each call has its own buffer */
static const char *cls(const char *kind, const char *path)
{
	static struct sb b[2];
	static int k;
	k ^= 1;
	sb_reset(&b[k]);
	ana_target_class(kind, path, &b[k]);
	return b[k].s ? b[k].s : "";
}

static void test_target_class(void **state)
{
	(void)state;
	/* one object of many: fan-out directories, hashes, mkstemp names */
	assert_string_equal(cls("file", "/r/.git/objects/2e/tmp_obj_Ib5KSo"),
			    cls("file", "/r/.git/objects/67/tmp_obj_H4pSLF"));
	assert_string_equal(cls("file", "/r/.git/objects/ab/81171448eb9f2ee3821e3d447aa6b2fe3ddba1"),
			    "file:/r/.git/objects/*/*");
	assert_string_equal(cls("file", "/tmp/out.1"), cls("file", "/tmp/out.22"));
	assert_string_equal(cls("pipe", "pipe:[165543]"), "pipe:pipe:[#]");
	/* different files stay apart */
	assert_string_not_equal(cls("file", "/etc/gitconfig"), cls("file", "/root/.gitconfig"));
	assert_string_not_equal(cls("file", "/r/index.lock"), cls("file", "/r/HEAD.lock"));
	assert_string_not_equal(cls("file", "/x/a.txt"), cls("pipe", "/x/a.txt"));
	/* words are not hashes */
	assert_string_equal(cls("file", "/usr/share/locale/locale.alias"),
			    "file:/usr/share/locale/locale.alias");
	assert_string_equal(cls(NULL, NULL), "-:");
}

static const char *norm(const char *out)
{
	static struct sb b[2];
	static int k;
	k ^= 1;
	sb_reset(&b[k]);
	ana_normalize_output(out, &b[k]);
	return b[k].s ? b[k].s : "";
}

static void test_normalize(void **state)
{
	(void)state;
	/* only the check's part, paths, numbers, hex and quoted text folded */
	assert_string_equal(norm("program noise 12\n--- check: sh c.sh\n"
				 "error: object file .git/objects/2e/811714 is empty\n"),
			    "error: object file <path> is empty\n");
	assert_string_equal(norm("--- check: x\nconfig.txt: 12288 bytes, last line 'key0043 = val'\n"),
			    norm("--- check: x\nconfig.txt: 4096 bytes, last line 'key0001'\n"));
	assert_string_equal(norm("--- check: x\nbad at 0x7ffd1234 in 3f2a9b1c00\n"),
			    "bad at # in #\n");
	/* at most 3 lines */
	assert_string_equal(norm("--- check: x\na\nb\nc\nd\n"), "a\nb\nc\n");
	assert_string_equal(norm(NULL), "");
}

static void test_signature(void **state)
{
	(void)state;
	struct sb a, b;
	sb_init(&a);
	sb_init(&b);
	/* errno faults: where the program met the error counts */
	ana_failure_sig("broken", "EIO", "save (app.c:12)", "--- check: c\ntorn\n", &a);
	ana_failure_sig("broken", "EIO", "load (app.c:40)", "--- check: c\ntorn\n", &b);
	assert_string_not_equal(a.s, b.s);
	assert_string_equal(a.s, "broken EIO at save (app.c:12): torn");
	/* crash and kill: the state left counts, not the call */
	sb_reset(&a);
	sb_reset(&b);
	ana_failure_sig("broken", "crash", "save (app.c:12)", "--- check: c\ntorn\n", &a);
	ana_failure_sig("broken", "crash", "load (app.c:40)", "--- check: c\ntorn\n", &b);
	assert_string_equal(a.s, b.s);
	/* a multi-fault run: the class of its first fault */
	sb_reset(&a);
	ana_failure_sig("crash", "22:EIO,25:EIO", NULL, "", &a);
	assert_string_equal(a.s, "crash 22:EIO");
	struct ana_failures fs = { 0 };
	assert_int_equal(ana_failures_add(&fs, "x", 7, "broken", "r1"), 0);
	assert_int_equal(ana_failures_add(&fs, "y", 8, "broken", "r2"), 1);
	assert_int_equal(ana_failures_add(&fs, "x", 9, "broken", "r3"), 0);
	assert_int_equal(fs.n, 2);
	assert_int_equal(fs.v[0].runs, 2);
	assert_int_equal(fs.v[0].example, 7);
	assert_string_equal(fs.v[0].repro, "r1");
	ana_failures_free(&fs);
	sb_free(&a);
	sb_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_target_class),
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_signature),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
