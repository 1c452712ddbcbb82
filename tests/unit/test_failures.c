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

/* The stack part of a failure ID: a Python call made inside the library
 * keeps the library's frames and the program's caller; inside the import
 * system, only its frames and the program's import line. */
static const char *fid_stack(const char *frames, int *import)
{
	static struct sb key;
	sb_free(&key);
	sb_init(&key);
	ana_fid_stack(frames, &key, import);
	return key.s ? key.s : "";
}

static void test_fid_stack(void **state)
{
	(void)state;
	int imp = -1;
	/* native only: every frame */
	assert_string_equal(fid_stack("/usr/bin/git+0x1\n/usr/bin/git+0x2", &imp),
			    "/usr/bin/git+0x1\n/usr/bin/git+0x2\n");
	assert_int_equal(imp, 0);
	/* the program's own code first: every frame */
	const char *own = "save (/w/app.py:3)\ndump (/usr/lib/python3.11/json/__init__.py:9)\n"
			  "main (/w/app.py:9)\n/lib/libc.so.6+0x10";
	assert_string_equal(fid_stack(own, &imp), "save (/w/app.py:3)\n"
			    "dump (/usr/lib/python3.11/json/__init__.py:9)\nmain (/w/app.py:9)\n"
			    "/lib/libc.so.6+0x10\n");
	/* the stdlib: its frames and the program's caller, none above */
	const char *lib = "write (/usr/lib/python3.11/json/__init__.py:180)\n"
			  "save (/w/app.py:12)\nmain (/w/app.py:20)\n/lib/libc.so.6+0x10";
	assert_string_equal(fid_stack(lib, &imp), "write (/usr/lib/python3.11/json/__init__.py:180)\n"
			    "save (/w/app.py:12)\n/lib/libc.so.6+0x10\n");
	assert_int_equal(imp, 0);
	/* the import system: its frames, not the stdlib module that imported,
	 * then the program's line that started the import */
	const char *imp1 = "FileLoader.get_data (<frozen importlib._bootstrap_external>:1131)\n"
			   "_find_and_load (<frozen importlib._bootstrap>:1178)\n"
			   "<module> (/usr/lib/python3.11/re/__init__.py:327)\n"
			   "_find_and_load (<frozen importlib._bootstrap>:1178)\n"
			   "<module> (/w/app.py:2)\n<module> (/w/other.py:1)\n/lib/libc.so.6+0x20";
	const char *imp2 = "FileLoader.get_data (<frozen importlib._bootstrap_external>:1131)\n"
			   "_find_and_load (<frozen importlib._bootstrap>:1178)\n"
			   "<module> (/usr/lib/python3.11/enum.py:3)\n"
			   "<module> (/w/app.py:2)\n/lib/libc.so.6+0x20";
	char first[1024];
	snprintf(first, sizeof first, "%s", fid_stack(imp1, &imp));
	assert_int_equal(imp, 1);
	assert_string_equal(first, "FileLoader.get_data (<frozen importlib._bootstrap_external>:1131)\n"
			    "_find_and_load (<frozen importlib._bootstrap>:1178)\n"
			    "<module> (/w/app.py:2)\n/lib/libc.so.6+0x20\n");
	assert_string_equal(fid_stack(imp2, &imp), first);
	/* a script's own "<string>" frame (python3 -c) is the program's */
	assert_string_equal(fid_stack("<module> (<string>:1)\n/lib/libc.so.6+0x1", &imp),
			    "<module> (<string>:1)\n/lib/libc.so.6+0x1\n");
	fid_stack(NULL, &imp);
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
		cmocka_unit_test(test_fid_stack),
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_signature),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
