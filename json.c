/*
 * json.c - the JSON writer declared in json.h.
 *
 * State: a stack of open containers (kind[], n[] members so far, nested[]
 * whether an array element was a container) and `key` (a key was written
 * in the innermost object, its value is due).  Every value goes through
 * begin_value(), which writes the separator the position needs and checks
 * the position is a legal one.  Invariants, asserted: a value in an object
 * follows a key; a key only in an object and not twice; end() only with a
 * container open and no key pending; one top-level value.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

void json_init(struct json *j, struct sb *out)
{
	memset(j, 0, sizeof *j);
	j->out = out;
}

int json_complete(const struct json *j)
{
	return j->done;
}

static void indent(struct json *j, int levels)
{
	sb_putc(j->out, '\n');
	for (int i = 0; i < levels; i++)
		sb_puts(j->out, "  ");
}

/* Elements of the array at level depth (1: top level) are indented this
 * much; a top-level object's members do not count as a level. */
static int elem_indent(int depth)
{
	return depth > 1 ? depth - 1 : 1;
}

/* Separator and checks before a value; container says it is { or [. */
static void begin_value(struct json *j, int container)
{
	assert(!j->done);
	if (j->depth == 0)
		return;
	int d = j->depth - 1;
	if (j->kind[d] == '{') {
		assert(j->key);    /* a value in an object needs its key first */
		j->key = 0;
		return;
	}
	if (container) {
		if (j->n[d])
			sb_putc(j->out, ',');
		indent(j, elem_indent(j->depth));
		j->nested[d] = 1;
	} else if (j->n[d]) {
		sb_puts(j->out, ", ");
	}
	j->n[d]++;
}

static void end_value(struct json *j)
{
	if (j->depth == 0)
		j->done = 1;
}

static void open_container(struct json *j, char kind)
{
	begin_value(j, 1);
	assert(j->depth < JSON_MAX_DEPTH);
	j->kind[j->depth] = kind;
	j->n[j->depth] = 0;
	j->nested[j->depth] = 0;
	j->depth++;
	sb_putc(j->out, kind);
}

void json_obj(struct json *j)
{
	open_container(j, '{');
}

void json_arr(struct json *j)
{
	open_container(j, '[');
}

void json_end(struct json *j)
{
	assert(j->depth > 0 && !j->key);
	j->depth--;
	if (j->kind[j->depth] == '[') {
		if (j->nested[j->depth])
			indent(j, elem_indent(j->depth + 1) - 1);
		sb_putc(j->out, ']');
	} else {
		sb_putc(j->out, '}');
	}
	end_value(j);
}

void json_key(struct json *j, const char *key)
{
	assert(j->depth > 0 && j->kind[j->depth - 1] == '{' && !j->key);
	if (j->n[j->depth - 1]++)
		sb_puts(j->out, ", ");
	json_quote(j->out, key, strlen(key));
	sb_puts(j->out, ": ");
	j->key = 1;
}

void json_strn(struct json *j, const char *s, size_t n)
{
	begin_value(j, 0);
	json_quote(j->out, s, n);
	end_value(j);
}

void json_str(struct json *j, const char *s)
{
	if (!s)
		json_null(j);
	else
		json_strn(j, s, strlen(s));
}

void json_int(struct json *j, long long v)
{
	begin_value(j, 0);
	sb_printf(j->out, "%lld", v);
	end_value(j);
}

void json_uint(struct json *j, unsigned long long v)
{
	begin_value(j, 0);
	sb_printf(j->out, "%llu", v);
	end_value(j);
}

void json_double(struct json *j, double v)
{
	if (v != v || v - v != 0) {   /* NaN or an infinity */
		json_null(j);
		return;
	}
	char buf[64];
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof buf, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	if (!strpbrk(buf, ".e"))
		strcat(buf, ".0");
	begin_value(j, 0);
	sb_puts(j->out, buf);
	end_value(j);
}

void json_bool(struct json *j, int v)
{
	begin_value(j, 0);
	sb_puts(j->out, v ? "true" : "false");
	end_value(j);
}

void json_null(struct json *j)
{
	begin_value(j, 0);
	sb_puts(j->out, "null");
	end_value(j);
}

void json_kstr(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_str(j, s);
}

void json_kint(struct json *j, const char *key, long long v)
{
	json_key(j, key);
	json_int(j, v);
}

void json_kbool(struct json *j, const char *key, int v)
{
	json_key(j, key);
	json_bool(j, v);
}

/* RFC 3629, table 3-7 of the Unicode standard: the second byte's range
 * depends on the first (no overlongs, no surrogates, nothing past
 * U+10FFFF); later bytes are 0x80..0xBF. */
size_t json_utf8_len(const unsigned char *p, size_t n)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;
	size_t len;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return len;
}

void json_quote(struct sb *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	sb_putc(b, '"');
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		size_t len = json_utf8_len(p + i, n - i);
		if (len > 1) {
			sb_add(b, s + i, len);
			i += len;
			continue;
		}
		i++;
		switch (c) {
		case '"': sb_puts(b, "\\\""); break;
		case '\\': sb_puts(b, "\\\\"); break;
		case '\n': sb_puts(b, "\\n"); break;
		case '\t': sb_puts(b, "\\t"); break;
		case '\r': sb_puts(b, "\\r"); break;
		case '\b': sb_puts(b, "\\b"); break;
		case '\f': sb_puts(b, "\\f"); break;
		default:
			if (c < 0x20 || len == 0)   /* control, or not UTF-8 */
				sb_printf(b, "\\u%04x", c);
			else
				sb_putc(b, (char)c);
		}
	}
	sb_putc(b, '"');
}
