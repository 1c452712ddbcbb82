/*
 * util.c - the string buffer, allocation, clocks, errno names and error
 * printing declared in faultline.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>

#include "faultline.h"

const char *fl_cmd_name = NULL;

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		abort();
	return p;
}

void *xcalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);
	if (!p)
		abort();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		abort();
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s ? s : "");
	if (!p)
		abort();
	return p;
}

void sb_init(struct sb *b)
{
	b->s = NULL;
	b->len = b->cap = 0;
}

void sb_free(struct sb *b)
{
	free(b->s);
	sb_init(b);
}

void sb_reset(struct sb *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = 0;
}

void sb_grow(struct sb *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1)
		cap *= 2;
	b->s = xrealloc(b->s, cap);
	b->cap = cap;
}

void sb_add(struct sb *b, const char *s, size_t n)
{
	sb_grow(b, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = 0;
}

void sb_puts(struct sb *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

void sb_putc(struct sb *b, char c)
{
	sb_add(b, &c, 1);
}

void sb_printf(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sb_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* c's escape in a C string literal, or NULL: itself or \xNN. */
static const char *c_escape(unsigned char c)
{
	switch (c) {
	case '\n': return "\\n";
	case '\t': return "\\t";
	case '\r': return "\\r";
	case '"': return "\\\"";
	case '\\': return "\\\\";
	}
	return NULL;
}

void sb_escape(struct sb *b, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];
		const char *e = c_escape(c);
		if (e)
			sb_puts(b, e);
		else if (c >= 32 && c < 127)
			sb_putc(b, (char)c);
		else
			sb_printf(b, "\\x%02x", c);
	}
}

/* What c becomes in HTML or XML, or NULL: itself. */
static const char *xml_entity(unsigned char c)
{
	switch (c) {
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '&': return "&amp;";
	case '"': return "&quot;";
	case '\'': return "&#39;";
	}
	return c < 32 && c != '\n' && c != '\t' ? "\xef\xbf\xbd" : NULL;
}

void sb_xml_escape_n(struct sb *b, const char *s, size_t max)
{
	size_t n = 0;   /* characters, not bytes: never cut a UTF-8 sequence */
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c & 0xc0) != 0x80 && n++ == max) {
			sb_puts(b, "\xe2\x80\xa6");
			return;
		}
		const char *e = xml_entity(c);
		if (e)
			sb_puts(b, e);
		else
			sb_putc(b, (char)c);
	}
}


void sb_xml_escape(struct sb *b, const char *s)
{
	sb_xml_escape_n(b, s, (size_t)-1);
}

void sb_shell_quote(struct sb *b, const char *s)
{
	int plain = *s != 0;
	for (const char *p = s; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_-./=:,+@%", *p))
			plain = 0;
	if (plain) {
		sb_puts(b, s);
		return;
	}
	sb_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			sb_puts(b, "'\\''");
		else
			sb_putc(b, *s);
	}
	sb_putc(b, '\'');
}

static void vmsg(const char *kind, const char *fmt, va_list ap)
{
	char buf[4096];
	vsnprintf(buf, sizeof buf, fmt, ap);
	if (fl_cmd_name)
		fprintf(stderr, "faultline %s: %s: %s\n", fl_cmd_name, kind, buf);
	else
		fprintf(stderr, "faultline: %s: %s\n", kind, buf);
}

void fl_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg("error", fmt, ap);
	va_end(ap);
}

void fl_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg("warning", fmt, ap);
	va_end(ap);
}

uint64_t fl_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t fl_wall_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The one errno <-> name conversion.  strerrorname_np() is glibc's list of
 * names; the reverse map scans it once. */
const char *fl_errno_name(int err)
{
	const char *n = err > 0 ? strerrorname_np(err) : NULL;
	return n;
}

int fl_errno_from_name(const char *name)
{
	for (int e = 1; e < 4096; e++) {
		const char *n = strerrorname_np(e);
		if (n && strcasecmp(n, name) == 0)
			return e;
	}
	return -1;
}

int fl_parse_long(const char *s, long *out)
{
	char *end;
	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end)
		return -EINVAL;
	*out = v;
	return 0;
}

uint64_t fl_fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211ull;
	return h;
}

int fl_seeded_random(pid_t pid, uint64_t addr, size_t len, uint64_t seed, const char *ident,
		     uint64_t nth)
{
	uint64_t h = fl_fnv1a(FL_FNV_OLD, ident ? ident : "", ident ? strlen(ident) : 0);
	uint64_t x = h ^ (seed * 0x9e3779b97f4a7c15ull) ^ (nth * 0xc2b2ae3d27d4eb4full);
	unsigned char buf[4096];
	for (size_t off = 0; off < len;) {
		size_t k = len - off < sizeof buf ? len - off : sizeof buf;
		for (size_t i = 0; i < k; i += 8) {
			/* splitmix64 */
			uint64_t z = (x += 0x9e3779b97f4a7c15ull);
			z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
			z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
			z ^= z >> 31;
			memcpy(buf + i, &z, k - i < 8 ? k - i : 8);
		}
		struct iovec l = { buf, k }, r = { (void *)(uintptr_t)(addr + off), k };
		ssize_t w = process_vm_writev(pid, &l, 1, &r, 1, 0);
		if (w != (ssize_t)k)
			return w < 0 ? -errno : -EFAULT;
		off += k;
	}
	return 0;
}

int fl_random_dev(const char *path)
{
	return path && (!strcmp(path, "/dev/urandom") || !strcmp(path, "/dev/random"));
}
