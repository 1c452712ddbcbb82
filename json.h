/*
 * json.h - the one JSON writer: every --json output and `report --json`
 * go through it.
 *
 * A struct json appends to a struct sb and keeps the nesting itself: it
 * writes the commas, the ": " after keys and the closing brackets, so a
 * caller cannot produce invalid JSON.  Misuse (a value in an object
 * without a key, a key in an array, ending more than was begun, a second
 * top-level value) is a bug in faultline and fails an assert().
 *
 *	struct json j;
 *	json_init(&j, &b);
 *	json_obj(&j);
 *	json_kint(&j, "run", 7);
 *	json_key(&j, "faults");
 *	json_arr(&j); json_str(&j, "EIO"); json_end(&j);
 *	json_end(&j);                  -> {"run": 7, "faults": ["EIO"]}
 *
 * Layout: ", " between members and ": " after keys, on one line, except
 * that an array whose elements are objects or arrays puts each element on
 * its own line (two spaces per level of nesting; a top-level object does
 * not count) and its "]" on a line of its own.  JSON lines (one value per
 * line, `query --json`) are one json_init() per line.
 *
 * Strings: the output is always valid UTF-8.  '"', '\\' and the control
 * characters U+0000..U+001F are escaped (\n, \t, \r, \b, \f, else \u00XX).
 * Well-formed UTF-8 passes through unchanged.  Every byte that is not part
 * of a well-formed UTF-8 sequence (0x80..0xFF on its own, 0xC0/0xC1 and
 * other overlong forms, UTF-16 surrogates U+D800..U+DFFF, code points above
 * U+10FFFF, truncated sequences, 0xF5..0xFF) is written as "\u00XX" with XX
 * the byte's value: a path with byte 0xff reads back as U+00FF.  That is
 * the Latin-1 reading of the byte; a reader cannot tell it from a real
 * U+00FF, which is the price of output that every JSON parser accepts.
 * The strict check lives in json_utf8_len().
 *
 * Numbers: integers as they are; doubles in the shortest form that reads
 * back as the same double, always with a '.' or an exponent (2.0, not 2);
 * NaN and infinities, which JSON cannot say, become null.
 */
#ifndef FL_JSON_H
#define FL_JSON_H

#include <stddef.h>

#include "faultline.h"

#define JSON_MAX_DEPTH 16

struct json {
	struct sb *out;
	int depth;                      /* open containers */
	char kind[JSON_MAX_DEPTH];      /* '{' or '[' per level */
	unsigned n[JSON_MAX_DEPTH];     /* members written per level */
	unsigned char nested[JSON_MAX_DEPTH];  /* an element was a container */
	int key;                        /* a key was written, its value is due */
	int done;                       /* the top-level value is complete */
};

/* Start writing one JSON value to out (appended to what out holds). */
void json_init(struct json *j, struct sb *out);
/* Is the top-level value complete (every container ended)? */
int json_complete(const struct json *j);

void json_obj(struct json *j);          /* { */
void json_arr(struct json *j);          /* [ */
void json_end(struct json *j);          /* the innermost } or ] */
void json_key(struct json *j, const char *key);

void json_str(struct json *j, const char *s);       /* NULL: null */
void json_strn(struct json *j, const char *s, size_t n);   /* may hold NUL */
void json_int(struct json *j, long long v);
void json_uint(struct json *j, unsigned long long v);
void json_double(struct json *j, double v);
void json_bool(struct json *j, int v);
void json_null(struct json *j);

/* json_key() then the value. */
void json_kstr(struct json *j, const char *key, const char *s);
void json_kint(struct json *j, const char *key, long long v);
void json_kbool(struct json *j, const char *key, int v);

/* Append s[0..n) as a quoted JSON string, escaped as described above. */
void json_quote(struct sb *b, const char *s, size_t n);
/* Length of the well-formed UTF-8 sequence at p (at most n bytes), or 0
 * if the byte at p does not start one. */
size_t json_utf8_len(const unsigned char *p, size_t n);

#endif
