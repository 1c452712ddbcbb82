/*
 * tests/unit/test_store.c - store/ against real SQLite files in a temp dir:
 * schema creation, refusal of corrupt and foreign files (left untouched),
 * recording round trip, payload compression, and fault-point enumeration
 * through analyze/ over synthetic rows.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../analyze/ana.h"
#include "../../record/syscalls.h"
#include "../../store/store.h"

static char dir[] = "/tmp/fl-unit-XXXXXX";

static void path_in(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", dir, name);
}

static void test_refuses_bad_files(void **state)
{
	(void)state;
	char p[256], err[8192];
	struct store *st;
	path_in(p, sizeof p, "junk.db");
	FILE *f = fopen(p, "w");
	for (int i = 0; i < 4096; i++)
		fputc((i * 7919) & 0xff, f);
	fclose(f);
	struct stat before, after;
	stat(p, &before);
	assert_true(store_open(p, STORE_CREATE, &st, err, sizeof err) < 0);
	assert_non_null(strstr(err, "not a faultline database"));
	assert_null(strchr(err, '\n'));
	stat(p, &after);
	assert_int_equal(before.st_size, after.st_size);
	assert_true(store_open("/nonexistent/x.db", STORE_RDONLY, &st, err, sizeof err) < 0);
	assert_non_null(strstr(err, "no such file"));
	assert_true(store_open(dir, STORE_RDONLY, &st, err, sizeof err) < 0);
	assert_non_null(strstr(err, "directory"));
}

static void test_pack_roundtrip(void **state)
{
	(void)state;
	char in[5000];
	for (size_t i = 0; i < sizeof in; i++)
		in[i] = (char)("abcabcabd"[i % 9]);
	void *z, *out;
	size_t zn, outn;
	assert_int_equal(store_pack(in, sizeof in, &z, &zn), 0);
	assert_true(zn < sizeof in / 4);
	assert_int_equal(store_unpack(z, zn, &out, &outn), 0);
	assert_int_equal(outn, sizeof in);
	assert_memory_equal(out, in, sizeof in);
	free(z);
	free(out);
	/* tiny payloads stay raw; raw bytes with the zstd magic are packed */
	assert_int_equal(store_pack("hi", 2, &z, &zn), 0);
	assert_int_equal(zn, 2);
	free(z);
	const unsigned char magic[6] = { 0x28, 0xb5, 0x2f, 0xfd, 1, 2 };
	assert_int_equal(store_pack(magic, 6, &z, &zn), 0);
	assert_int_equal(store_unpack(z, zn, &out, &outn), 0);
	assert_int_equal(outn, 6);
	assert_memory_equal(out, magic, 6);
	free(z);
	free(out);
}

static long nr_of(const char *name)
{
	for (size_t i = 0; i < rec_systab_len; i++)
		if (!strcmp(rec_systab[i].name, name))
			return rec_sys_nr(&rec_systab[i]);
	return -1;
}

static void test_recording_roundtrip(void **state)
{
	(void)state;
	char p[256], err[8192];
	struct store *st;
	path_in(p, sizeof p, "t.db");
	assert_int_equal(store_open(p, STORE_CREATE, &st, err, sizeof err), 0);
	char *argv[] = { "/bin/prog", "a b", "c\"d", NULL };
	char *env[] = { "HOME=/root", "X=1", NULL };
	struct store_rec r = { .argv = argv, .exe = "/bin/prog", .cwd = "/tmp", .env = env,
			       .start_ns = 1, .capture = 64 };
	long id;
	assert_int_equal(store_begin(st), 0);
	assert_int_equal(store_names_sync(st, REC_SYS_NR_MAX, rec_sys_names), 0);
	assert_int_equal(store_rec_new(st, &r, &id), 0);
	struct store_proc pr = { .rec = id, .tid = 100, .pid = 100, .ident = "1", .exe = "/bin/prog" };
	assert_int_equal(store_proc_add(st, &pr), 0);
	struct store_proc th = { .rec = id, .tid = 101, .pid = 100, .ptid = 100, .ident = "1.1",
				 .exe = "/bin/prog", .is_thread = 1 };
	assert_int_equal(store_proc_add(st, &th), 0);
	/* thread 1 writes twice, thread 1.1 once; an fsync fails.  The first
	 * write is on an inherited stdout, the second on a file at fd 1, the
	 * third does not say (an old recording): fd 1 stands in. */
	struct { int tid; const char *sc; int64_t ret; uint32_t n; int std; } rows[] = {
		{ 100, "write", 5, 1, 1 }, { 101, "write", 5, 1, 0 }, { 100, "write", 5, 2, -1 },
		{ 100, "fsync", -5, 1, 0 }, { 100, "getpid", 100, 0, -1 },
	};
	for (int i = 0; i < 5; i++) {
		struct store_call c = { .rec = id, .seq = (uint64_t)i + 1, .tid = rows[i].tid,
					.pid = 100, .nr = nr_of(rows[i].sc), .args = "1, \"hello\", 5",
					.finished = 1, .ret = rows[i].ret, .path = "/tmp/out",
					.fdkind = "file", .fam_n = rows[i].n, .data = "hello", .datalen = 5,
					.std = rows[i].std };
		assert_int_equal(store_call_add(st, &c), 0);
	}
	assert_int_equal(store_rec_finish(st, id, 2, 0, 1, 5), 0);
	assert_int_equal(store_commit(st), 0);

	struct store_rec back;
	assert_int_equal(store_rec_get(st, 0, &back), 0);
	assert_int_equal(back.id, id);
	assert_string_equal(back.argv[1], "a b");
	assert_string_equal(back.argv[2], "c\"d");
	assert_null(back.argv[3]);
	assert_string_equal(back.env[1], "X=1");
	assert_int_equal(back.complete, 1);
	store_rec_free(&back);
	assert_int_equal(store_rec_get(st, 99, &back), -ENOENT);

	struct ana_points pts;
	assert_int_equal(ana_collect(st, id, &pts), 0);
	assert_int_equal(pts.n, 4);   /* getpid is no fault point */
	assert_string_equal(pts.v[1].ident, "1.1");
	assert_int_equal(pts.v[2].nth, 2);
	assert_int_equal(pts.v[3].family, FAM_FSYNC);
	assert_true(pts.v[0].std_stream);
	assert_false(pts.v[1].std_stream);
	assert_true(pts.v[2].std_stream);
	assert_false(pts.v[3].std_stream);
	assert_string_equal(pts.v[3].errnos, rec_families[FAM_FSYNC].errnos);
	struct ana_filter flt = { 0 };
	const char *bad;
	assert_int_equal(ana_parse_families("fsync", &flt.families, &bad), 0);
	assert_false(ana_match(&flt, &pts.v[0]));
	assert_true(ana_match(&flt, &pts.v[3]));
	assert_int_equal(ana_parse_families("write,bogus", &flt.families, &bad), -EINVAL);
	assert_string_equal(bad, "bogus");
	struct ana_filter byp = { .path_glob = "/tmp/*" };
	assert_true(ana_match(&byp, &pts.v[0]));
	byp.path_glob = "/etc/*";
	assert_false(ana_match(&byp, &pts.v[0]));
	ana_points_free(&pts);

	FILE *mem = tmpfile();
	assert_int_equal(store_query_print(st, "SELECT errno, fl_data(data) FROM syscalls "
					   "WHERE name = 'fsync'", mem, 0, 0), 0);
	rewind(mem);
	char line[128] = "";
	assert_non_null(fgets(line, sizeof line, mem));
	assert_string_equal(line, "EIO|hello\n");
	fclose(mem);
	assert_true(store_query_print(st, "SELEC nonsense", stdout, 0, 0) < 0);
	store_close(st);

	/* a foreign SQLite file is refused */
	path_in(p, sizeof p, "foreign.db");
	char cmd[512];
	snprintf(cmd, sizeof cmd, "sqlite3 %s 'CREATE TABLE t(x); INSERT INTO t VALUES(1);'", p);
	if (system(cmd) == 0) {
		assert_true(store_open(p, STORE_CREATE, &st, err, sizeof err) < 0);
		assert_non_null(strstr(err, "not faultline's"));
	}
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refuses_bad_files),
		cmocka_unit_test(test_pack_roundtrip),
		cmocka_unit_test(test_recording_roundtrip),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		rc = rc ? rc : 1;
	return rc;
}
