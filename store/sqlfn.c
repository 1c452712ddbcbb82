/*
 * store/sqlfn.c - payload compression and the SQL functions faultline adds
 * to every connection (and to the stock sqlite3 CLI through the loadable
 * extension faultline_ext.so, store/ext.c):
 *
 *   fl_data(blob)   the payload, decompressed (blobs that are not zstd
 *                   frames are returned as they are)
 *   fl_text(blob)   the payload as escaped text, like `show` prints it
 *   fl_errno(n)     'EIO' for 5
 *   fl_signal(n)    'SIGSEGV' for 11
 *
 * A payload is stored zstd-compressed only when that makes it smaller; raw
 * payloads that happen to start with the zstd magic are always compressed,
 * so the magic number tells the two apart.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "../faultline.h"
#include "store.h"

static const unsigned char zmagic[4] = { 0x28, 0xb5, 0x2f, 0xfd };

static int is_zstd(const void *p, size_t n)
{
	return n >= 4 && memcmp(p, zmagic, 4) == 0;
}

int store_pack(const void *in, size_t n, void **out, size_t *outn)
{
	*out = NULL;
	*outn = 0;
	if (n >= 48 || is_zstd(in, n)) {
		size_t cap = ZSTD_compressBound(n);
		void *z = xmalloc(cap);
		size_t zn = ZSTD_compress(z, cap, in, n, 3);
		if (!ZSTD_isError(zn) && (zn < n || is_zstd(in, n))) {
			*out = z;
			*outn = zn;
			return 0;
		}
		free(z);
	}
	*out = xmalloc(n ? n : 1);
	memcpy(*out, in, n);
	*outn = n;
	return 0;
}

int store_unpack(const void *in, size_t n, void **out, size_t *outn)
{
	*out = NULL;
	*outn = 0;
	if (!in && n)
		return -EINVAL;
	if (!is_zstd(in, n)) {
		*out = xmalloc(n + 1);
		if (n)
			memcpy(*out, in, n);
		((char *)*out)[n] = 0;
		*outn = n;
		return 0;
	}
	unsigned long long sz = ZSTD_getFrameContentSize(in, n);
	if (sz == ZSTD_CONTENTSIZE_ERROR || sz == ZSTD_CONTENTSIZE_UNKNOWN || sz > (1u << 30))
		return -EINVAL;
	*out = xmalloc((size_t)sz + 1);
	size_t got = ZSTD_decompress(*out, (size_t)sz, in, n);
	if (ZSTD_isError(got)) {
		free(*out);
		*out = NULL;
		return -EINVAL;
	}
	((char *)*out)[got] = 0;
	*outn = got;
	return 0;
}

static void fn_data(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
		return;
	const void *p = sqlite3_value_blob(argv[0]);
	size_t n = (size_t)sqlite3_value_bytes(argv[0]);
	void *out;
	size_t outn;
	if (store_unpack(p, n, &out, &outn) < 0) {
		sqlite3_result_error(ctx, "fl_data: corrupt zstd payload", -1);
		return;
	}
	sqlite3_result_blob(ctx, out, (int)outn, free);
}

static void fn_text(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
		return;
	void *out;
	size_t outn;
	if (store_unpack(sqlite3_value_blob(argv[0]), (size_t)sqlite3_value_bytes(argv[0]),
			 &out, &outn) < 0) {
		sqlite3_result_error(ctx, "fl_text: corrupt zstd payload", -1);
		return;
	}
	struct sb b;
	sb_init(&b);
	sb_escape(&b, out, outn);
	free(out);
	sqlite3_result_text(ctx, b.s ? b.s : xstrdup(""), (int)b.len, free);
}

static void fn_errno(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *n = fl_errno_name(abs(sqlite3_value_int(argv[0])));
	if (n)
		sqlite3_result_text(ctx, n, -1, SQLITE_STATIC);
}

static void fn_signal(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	int s = sqlite3_value_int(argv[0]);
	const char *n = s > 0 && s < NSIG ? sigabbrev_np(s) : NULL;
	if (n) {
		char buf[32];
		snprintf(buf, sizeof buf, "SIG%s", n);
		sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
	}
}

int store_register_functions(void *dbp)
{
	sqlite3 *db = dbp;
	int f = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
	if (sqlite3_create_function(db, "fl_data", 1, f, NULL, fn_data, NULL, NULL) ||
	    sqlite3_create_function(db, "fl_text", 1, f, NULL, fn_text, NULL, NULL) ||
	    sqlite3_create_function(db, "fl_errno", 1, f, NULL, fn_errno, NULL, NULL) ||
	    sqlite3_create_function(db, "fl_signal", 1, f, NULL, fn_signal, NULL, NULL))
		return -EIO;
	return 0;
}
