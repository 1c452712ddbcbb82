/*
 * tests/unit/test_pyframes.c - the pure parts of record/pyframes.c: the
 * CPython 3.11 location table decoder (a hand-made table with every kind
 * of entry) and the text of Python frames.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../faultline.h"
#include "../../record/pyframes.h"

/* Entry byte: 0x80 | code << 3 | (code units - 1); offsets are bytes. */
static const unsigned char table[] = {
	0x80 | 13 << 3 | 0, 0x02,             /* 0-1: no columns, line +1 (svarint 2) */
	0x80 | 11 << 3 | 1, 0x04, 0x08,       /* 2-5: one line, +1, two columns */
	0x80 | 3 << 3 | 0, 0x10,              /* 6-7: short form, same line */
	0x80 | 15 << 3 | 0,                   /* 8-9: no location */
	0x80 | 14 << 3 | 0, 0x07, 0x00, 0x01, 0x01,   /* 10-11: long, -3 */
	0x80 | 14 << 3 | 2, 0x48, 0x03, 0x00, 0x01, 0x01, /* 12-17: long, +100 (varint 200) */
	0x80 | 10 << 3 | 0, 0x00, 0x02,       /* 18-19: one line, +0 */
	0x80 | 12 << 3 | 0, 0x00, 0x02,       /* 20-21: one line, +2 */
};

static void test_line_table(void **state)
{
	(void)state;
	size_t n = sizeof table;
	int first = 10;
	assert_int_equal(rec_py_line(table, n, first, 0), 11);
	assert_int_equal(rec_py_line(table, n, first, 2), 12);
	assert_int_equal(rec_py_line(table, n, first, 4), 12);
	assert_int_equal(rec_py_line(table, n, first, 6), 12);
	assert_int_equal(rec_py_line(table, n, first, 8), -1);
	assert_int_equal(rec_py_line(table, n, first, 10), 9);
	assert_int_equal(rec_py_line(table, n, first, 12), 109);
	assert_int_equal(rec_py_line(table, n, first, 16), 109);
	assert_int_equal(rec_py_line(table, n, first, 18), 109);
	assert_int_equal(rec_py_line(table, n, first, 20), 111);
	/* past the end, or an empty table: the function's first line */
	assert_int_equal(rec_py_line(table, n, first, 22), 10);
	assert_int_equal(rec_py_line(table, 0, first, 0), 10);
	/* a table cut inside a varint does not read past its end */
	assert_int_equal(rec_py_line(table, 15, first, 12), 9 + 4);
}

static void test_frame_text(void **state)
{
	(void)state;
	const char *py[] = {
		"save (/tmp/app.py:12)", "<module> (app.py:1)",
		"_read_directory (<frozen zipimport>:434)", "f (a b.py:3)",
	};
	const char *native[] = {
		"/usr/bin/python3.11+0x5acfdf", "[anon]", "[vdso]+0x9a0", "f (x.py:)",
		"f (x.py:12", "x.py:12)", "",
	};
	for (size_t i = 0; i < sizeof py / sizeof py[0]; i++)
		assert_true(rec_py_is_frame(py[i], strlen(py[i])));
	for (size_t i = 0; i < sizeof native / sizeof native[0]; i++)
		assert_false(rec_py_is_frame(native[i], strlen(native[i])));

	struct {
		const char *in, *out;
	} shorts[] = {
		{ "save (/tmp/app.py:12)", "save (app.py:12)" },
		{ "dump (/usr/lib/python3.11/json/__init__.py:180)", "dump (json/__init__.py:180)" },
		{ "f (a/__init__.py:2)", "f (a/__init__.py:2)" },
		{ "f (__init__.py:2)", "f (__init__.py:2)" },
		{ "x (<frozen zipimport>:94)", "x (<frozen zipimport>:94)" },
	};
	for (size_t i = 0; i < sizeof shorts / sizeof shorts[0]; i++) {
		struct sb out;
		sb_init(&out);
		rec_py_frame_short(shorts[i].in, strlen(shorts[i].in), &out);
		assert_string_equal(out.s, shorts[i].out);
		sb_free(&out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_table),
		cmocka_unit_test(test_frame_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
