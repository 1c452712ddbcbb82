/*
 * tests/unit/test_crash.c - pure logic of the crash model: which torn
 * prefixes a write has (replay/crash.c), the crash fault specs and how
 * replay expands crash:torn into one run per prefix (replay/outcome.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../faultline.h"
#include "../../record/syscalls.h"
#include "../../replay/rpl.h"

/* Cut order: 1, last, then midpoints breadth first; every cut once. */
static void test_torn_cut_order(void **state)
{
	(void)state;
	const unsigned want[] = { 1, 10, 5, 3, 7, 2, 4, 6, 8, 9 };
	for (unsigned k = 1; k <= 10; k++)
		assert_int_equal(rpl_torn_cut(10, k), want[k - 1]);
	assert_int_equal(rpl_torn_cut(10, 11), 0);
	assert_int_equal(rpl_torn_cut(10, 0), 0);
	assert_int_equal(rpl_torn_cut(0, 1), 0);
	assert_int_equal(rpl_torn_cut(1, 1), 1);
	assert_int_equal(rpl_torn_cut(1, 2), 0);
	assert_int_equal(rpl_torn_cut(2, 2), 2);
	/* a permutation of 1..n for every n up to 64 */
	for (unsigned n = 1; n <= 64; n++) {
		char seen[65] = { 0 };
		for (unsigned k = 1; k <= n; k++) {
			unsigned c = rpl_torn_cut(n, k);
			assert_true(c >= 1 && c <= n);
			assert_false(seen[c]);
			seen[c] = 1;
		}
		assert_int_equal(rpl_torn_cut(n, n + 1), 0);
	}
}

/* Prefixes end on 512-byte boundaries strictly inside the write. */
static void test_torn_prefix(void **state)
{
	(void)state;
	/* within one sector: no torn state */
	assert_int_equal(rpl_torn_prefix(0, 512, 1), 0);
	assert_int_equal(rpl_torn_prefix(100, 300, 1), 0);
	assert_int_equal(rpl_torn_prefix(0, 0, 1), 0);
	/* 1208 bytes at 0: cuts at 512 and 1024 */
	assert_int_equal(rpl_torn_prefix(0, 1208, 1), 512);
	assert_int_equal(rpl_torn_prefix(0, 1208, 2), 1024);
	assert_int_equal(rpl_torn_prefix(0, 1208, 3), 0);
	/* unaligned start: the first cut is the next boundary */
	assert_int_equal(rpl_torn_prefix(1208, 1208, 1), 1536 - 1208);
	assert_int_equal(rpl_torn_prefix(1208, 1208, 2), 2048 - 1208);
	assert_int_equal(rpl_torn_prefix(1208, 1208, 3), 0);
	assert_int_equal(rpl_torn_prefix(2416, 1208, 1), 2560 - 2416);
	assert_int_equal(rpl_torn_prefix(2416, 1208, 2), 3584 - 2416);
	assert_int_equal(rpl_torn_prefix(2416, 1208, 3), 3072 - 2416);
	/* ends on a boundary: that boundary is the whole write, not a cut */
	assert_int_equal(rpl_torn_prefix(0, 1024, 1), 512);
	assert_int_equal(rpl_torn_prefix(0, 1024, 2), 0);
	/* a huge write: cuts spread over all of it, still aligned and inside */
	uint64_t off = 4096;
	size_t len = 64u << 20;
	size_t last = 0;
	for (unsigned k = 1; k <= 64; k++) {
		size_t p = rpl_torn_prefix(off, len, k);
		assert_true(p > 0 && p < len);
		assert_int_equal((off + p) % 512, 0);
		assert_true(p != last);
		last = p;
	}
	assert_int_equal(rpl_torn_prefix(off, len, 2), len - 512);
}

/* Planning's bound: no write has more cuts than rpl_torn_max_cuts(len), and
 * some offset reaches it. */
static void test_torn_max_cuts(void **state)
{
	(void)state;
	assert_int_equal(rpl_torn_max_cuts(0), 0);
	assert_int_equal(rpl_torn_max_cuts(1), 0);
	assert_int_equal(rpl_torn_max_cuts(2), 1);
	assert_int_equal(rpl_torn_max_cuts(137), 1);
	assert_int_equal(rpl_torn_max_cuts(513), 1);
	assert_int_equal(rpl_torn_max_cuts(514), 2);
	assert_int_equal(rpl_torn_max_cuts(1208), 3);
	assert_int_equal(rpl_torn_max_cuts(1ull << 30), RPL_TORN_MAX);
	for (size_t len = 1; len <= 2100; len += 7) {
		unsigned most = 0;
		for (uint64_t off = 0; off < 512; off += 3) {
			unsigned n = 0;
			while (n < RPL_TORN_MAX && rpl_torn_prefix(off, len, n + 1))
				n++;
			assert_true(n <= rpl_torn_max_cuts(len));
			most = n > most ? n : most;
		}
		assert_int_equal(most, rpl_torn_max_cuts(len));
	}
}

static void test_crash_specs(void **state)
{
	(void)state;
	struct rpl_fault f, out[RPL_TORN_MAX];
	assert_int_equal(rpl_fault_parse("crash", &f), 0);
	assert_int_equal(f.kind, FAULT_CRASH);
	assert_int_equal(f.crash_mode, CRASH_ORDERED);
	assert_int_equal(rpl_fault_expand(&f, 4, out), 1);
	assert_string_equal(out[0].spec, "crash");
	assert_int_equal(rpl_fault_parse("CRASH:POSIX", &f), 0);
	assert_int_equal(f.crash_mode, CRASH_POSIX);
	assert_string_equal(f.spec, "crash:posix");
	assert_int_equal(rpl_fault_expand(&f, 4, NULL), 1);
	/* crash:torn is one run per prefix */
	assert_int_equal(rpl_fault_parse("crash:torn", &f), 0);
	assert_int_equal(f.crash_mode, CRASH_TORN);
	assert_int_equal(f.torn_k, 0);
	assert_int_equal(rpl_fault_expand(&f, 4, NULL), 4);
	assert_int_equal(rpl_fault_expand(&f, 3, out), 3);
	for (unsigned k = 0; k < 3; k++) {
		char want[32];
		snprintf(want, sizeof want, "crash:torn/%u", k + 1);
		assert_string_equal(out[k].spec, want);
		assert_int_equal(out[k].torn_k, k + 1);
		/* the spec in a repro line parses back to the same run */
		struct rpl_fault g;
		assert_int_equal(rpl_fault_parse(out[k].spec, &g), 0);
		assert_int_equal(g.torn_k, k + 1);
		assert_int_equal(rpl_fault_expand(&g, 4, NULL), 1);
	}
	assert_int_equal(rpl_fault_parse("crash:torn/64", &f), 0);
	assert_int_equal(rpl_fault_parse("crash:torn/0", &f), -EINVAL);
	assert_int_equal(rpl_fault_parse("crash:torn/65", &f), -EINVAL);
	assert_int_equal(rpl_fault_parse("crash:torn/x", &f), -EINVAL);
	assert_int_equal(rpl_fault_parse("crash:ext4", &f), -EINVAL);
	/* other faults are themselves */
	assert_int_equal(rpl_fault_parse("EIO", &f), 0);
	assert_int_equal(rpl_fault_expand(&f, 4, out), 1);
	assert_string_equal(out[0].spec, "EIO");
}

/* The crash model sees the families it needs. */
static void test_crash_families(void **state)
{
	(void)state;
	uint64_t o = rpl_crash_families(CRASH_ORDERED), p = rpl_crash_families(CRASH_POSIX);
	assert_true(o & (1ull << FAM_WRITE));
	assert_true(o & (1ull << FAM_FSYNC));
	assert_true(o & (1ull << FAM_SYNC));
	assert_false(o & (1ull << FAM_RENAME));
	assert_int_equal(rpl_crash_families(CRASH_TORN), o);
	assert_int_equal(p & o, o);
	const int names[] = { FAM_OPEN, FAM_RENAME, FAM_LINK, FAM_UNLINK, FAM_MKDIR, FAM_RMDIR,
			      FAM_FTRUNCATE, FAM_FALLOCATE };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		assert_true(p & (1ull << names[i]));
	/* every data path is a write-family row */
	const char *data[] = { "write", "pwrite64", "writev", "pwritev", "pwritev2",
			       "copy_file_range", "sendfile", "splice" };
	for (size_t i = 0; i < sizeof data / sizeof data[0]; i++) {
		size_t r = 0;
		while (r < rec_systab_len && strcmp(rec_systab[r].name, data[i]))
			r++;
		assert_true(r < rec_systab_len);
		assert_int_equal(rec_systab[r].family, FAM_WRITE);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_torn_cut_order),
		cmocka_unit_test(test_torn_prefix),
		cmocka_unit_test(test_torn_max_cuts),
		cmocka_unit_test(test_crash_specs),
		cmocka_unit_test(test_crash_families),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
