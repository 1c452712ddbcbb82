/*
 * tests/unit/test_json.c - the JSON writer (json.c): commas and nesting
 * are its job, strings are always valid UTF-8 (well-formed sequences pass,
 * every other byte is \u00XX), control characters are escaped, numbers are
 * valid JSON numbers.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../json.h"

/* s[0..n) as a JSON string, in a fresh buffer the caller frees. */
static char *quoted(const char *s, size_t n)
{
	struct sb b;
	sb_init(&b);
	json_quote(&b, s, n);
	return b.s;
}

#define assert_quotes(in, want)                                         \
	do {                                                             \
		char *got_ = quoted(in, sizeof(in) - 1);                 \
		assert_string_equal(got_, want);                         \
		free(got_);                                              \
	} while (0)

static void test_utf8_passes(void **state)
{
	(void)state;
	assert_quotes("plain", "\"plain\"");
	assert_quotes("caf\xc3\xa9", "\"caf\xc3\xa9\"");               /* U+00E9 */
	assert_quotes("\xe2\x82\xac", "\"\xe2\x82\xac\"");             /* U+20AC */
	assert_quotes("\xed\x9f\xbf", "\"\xed\x9f\xbf\"");             /* U+D7FF */
	assert_quotes("\xee\x80\x80", "\"\xee\x80\x80\"");             /* U+E000 */
	assert_quotes("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"");     /* U+1F600 */
	assert_quotes("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"");     /* U+10FFFF */
	assert_quotes("\xc2\x80" "a\x7f", "\"\xc2\x80" "a\x7f\"");     /* U+0080, DEL */
}

static void test_invalid_bytes_escaped(void **state)
{
	(void)state;
	assert_quotes("a\xff" "b", "\"a\\u00ffb\"");
	assert_quotes("\xfe\xff", "\"\\u00fe\\u00ff\"");
	assert_quotes("\x80", "\"\\u0080\"");                          /* lone continuation */
	assert_quotes("\xc0\xaf", "\"\\u00c0\\u00af\"");               /* overlong '/' */
	assert_quotes("\xc1\xbf", "\"\\u00c1\\u00bf\"");
	assert_quotes("\xe0\x80\xaf", "\"\\u00e0\\u0080\\u00af\"");    /* overlong 3 */
	assert_quotes("\xf0\x80\x80\xaf", "\"\\u00f0\\u0080\\u0080\\u00af\"");
	assert_quotes("\xed\xa0\x80", "\"\\u00ed\\u00a0\\u0080\"");    /* U+D800 */
	assert_quotes("\xed\xbf\xbf", "\"\\u00ed\\u00bf\\u00bf\"");    /* U+DFFF */
	assert_quotes("\xf4\x90\x80\x80", "\"\\u00f4\\u0090\\u0080\\u0080\""); /* > U+10FFFF */
	assert_quotes("\xf5\x80\x80\x80", "\"\\u00f5\\u0080\\u0080\\u0080\"");
	/* truncated: the lead byte is escaped, what follows is read afresh */
	assert_quotes("\xe2\x82", "\"\\u00e2\\u0082\"");
	assert_quotes("\xe2\x82" "A", "\"\\u00e2\\u0082A\"");
	assert_quotes("\xc3", "\"\\u00c3\"");
	assert_quotes("\xf0\x9f\x98", "\"\\u00f0\\u009f\\u0098\"");
	assert_quotes("\xc3" "\xc3\xa9", "\"\\u00c3\xc3\xa9\"");
	assert_int_equal(json_utf8_len((const unsigned char *)"\xe2\x82\xac", 2), 0);
	assert_int_equal(json_utf8_len((const unsigned char *)"\xe2\x82\xac", 3), 3);
}

static void test_control_chars(void **state)
{
	(void)state;
	assert_quotes("q\"\\/", "\"q\\\"\\\\/\"");
	assert_quotes("\n\t\r\b\f", "\"\\n\\t\\r\\b\\f\"");
	assert_quotes("\x01\x1f", "\"\\u0001\\u001f\"");
	assert_quotes("a\0b", "\"a\\u0000b\"");
	struct sb b;
	sb_init(&b);
	struct json j;
	json_init(&j, &b);
	json_str(&j, NULL);
	assert_string_equal(b.s, "null");
	assert_true(json_complete(&j));
	sb_free(&b);
}

static void test_nesting_and_commas(void **state)
{
	(void)state;
	struct sb b;
	struct json j;
	sb_init(&b);
	json_init(&j, &b);
	json_obj(&j);
	assert_false(json_complete(&j));
	json_kint(&j, "sweep", 3);
	json_key(&j, "runs");
	json_arr(&j);
	for (int i = 1; i <= 2; i++) {
		json_obj(&j);
		json_kint(&j, "run", i);
		json_kstr(&j, "path", i == 1 ? "/t/\xff\"\n" : NULL);
		json_kbool(&j, "fired", i == 1);
		json_end(&j);
	}
	json_end(&j);
	json_key(&j, "empty");
	json_arr(&j);
	json_end(&j);
	json_key(&j, "ids");
	json_arr(&j);
	json_int(&j, -1);
	json_uint(&j, 18446744073709551615ull);
	json_null(&j);
	json_end(&j);
	json_key(&j, "summary");
	json_obj(&j);
	json_end(&j);
	json_end(&j);
	assert_true(json_complete(&j));
	assert_string_equal(b.s,
		"{\"sweep\": 3, \"runs\": [\n"
		"  {\"run\": 1, \"path\": \"/t/\\u00ff\\\"\\n\", \"fired\": true},\n"
		"  {\"run\": 2, \"path\": null, \"fired\": false}\n"
		"], \"empty\": [], \"ids\": [-1, 18446744073709551615, null], \"summary\": {}}");
	/* JSON lines: one writer per line, appended to the same buffer */
	sb_reset(&b);
	for (int i = 0; i < 2; i++) {
		json_init(&j, &b);
		json_obj(&j);
		json_kint(&j, "n", i);
		json_end(&j);
		sb_putc(&b, '\n');
	}
	assert_string_equal(b.s, "{\"n\": 0}\n{\"n\": 1}\n");
	/* a top-level array of arrays */
	sb_reset(&b);
	json_init(&j, &b);
	json_arr(&j);
	json_arr(&j);
	json_str(&j, "a");
	json_str(&j, "b");
	json_end(&j);
	json_arr(&j);
	json_end(&j);
	json_end(&j);
	assert_string_equal(b.s, "[\n  [\"a\", \"b\"],\n  []\n]");
	sb_free(&b);
}

static void test_doubles(void **state)
{
	(void)state;
	const struct { double v; const char *want; } t[] = {
		{ 0.1, "0.1" }, { 2, "2.0" }, { -0.5, "-0.5" }, { 1.25, "1.25" },
		{ 1e300, "1e+300" }, { 1.0 / 3, "0.3333333333333333" }, { 0.1 + 0.2, "0.30000000000000004" },
		{ __builtin_inf(), "null" }, { -__builtin_inf(), "null" }, { __builtin_nan(""), "null" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct sb b;
		struct json j;
		sb_init(&b);
		json_init(&j, &b);
		json_double(&j, t[i].v);
		assert_string_equal(b.s, t[i].want);
		sb_free(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_passes),
		cmocka_unit_test(test_invalid_bytes_escaped),
		cmocka_unit_test(test_control_chars),
		cmocka_unit_test(test_nesting_and_commas),
		cmocka_unit_test(test_doubles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
