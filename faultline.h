/*
 * faultline.h - what every module shares: the growable string buffer, error
 * reporting for the command layer, clocks and the subcommand table.
 *
 * Conventions (see docs/ARCHITECTURE.md): library functions return 0 or a
 * negative errno and never exit; only cmd_* functions print diagnostics with
 * fl_error() and choose the exit status.
 */
#ifndef FAULTLINE_H
#define FAULTLINE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define FL_VERSION "0.1.0"
#define FL_DEFAULT_DB "faultline.db"

/* Exit statuses shared by the commands. */
enum {
	FL_EXIT_OK = 0,
	FL_EXIT_FOUND = 1,   /* replay/fuzz: a run found a bug */
	FL_EXIT_USAGE = 2,   /* bad option, bad database, setup failure */
};

/* A growable NUL-terminated buffer.  Allocation failure aborts: there is
 * no sensible recovery from OOM in a tracer and the tracees die with us
 * (PTRACE_O_EXITKILL). */
struct sb {
	char *s;
	size_t len, cap;
};
void sb_init(struct sb *b);
void sb_free(struct sb *b);
void sb_reset(struct sb *b);
void sb_grow(struct sb *b, size_t extra);
void sb_add(struct sb *b, const char *s, size_t n);
void sb_puts(struct sb *b, const char *s);
void sb_putc(struct sb *b, char c);
void sb_printf(struct sb *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Append bytes as a C string literal body (escaped, no quotes). */
void sb_escape(struct sb *b, const unsigned char *p, size_t n);
/* Append s escaped for HTML or XML text and attribute values (< > & " '
 * as entities, other control characters but \n and \t as U+FFFD); the _n
 * form stops after max characters with an ellipsis, never inside a UTF-8
 * sequence. */
void sb_xml_escape(struct sb *b, const char *s);
void sb_xml_escape_n(struct sb *b, const char *s, size_t max);
/* Append s quoted for a POSIX shell. */
void sb_shell_quote(struct sb *b, const char *s);

/* "faultline CMD: error: MSG" on stderr, one line. */
void fl_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fl_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern const char *fl_cmd_name;

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

uint64_t fl_now_ns(void);      /* CLOCK_MONOTONIC */
/* --seed: the bytes a recorded or replayed program gets from getrandom(),
 * a PRNG of (seed, the thread's creation path, its nth getrandom call),
 * written into the stopped tracee at addr.  0 or -errno. */
int fl_seeded_random(pid_t pid, uint64_t addr, size_t len, uint64_t seed, const char *ident,
		     uint64_t nth);
/* /dev/urandom or /dev/random: its reads get fl_seeded_random()'s bytes too */
int fl_random_dev(const char *path);
uint64_t fl_wall_ns(void);     /* CLOCK_REALTIME */

/* errno number <-> "EIO".  Names come from the C library's list. */
const char *fl_errno_name(int err);
/* FNV-1a 64 over n bytes, continuing from h (start with FL_FNV_INIT; the
 * thread idents and interned strings of existing databases were made with
 * FL_FNV_OLD, a short offset basis kept so that they stay the same). */
#define FL_FNV_INIT 0xcbf29ce484222325ull
#define FL_FNV_OLD 1469598103934665603ull
uint64_t fl_fnv1a(uint64_t h, const void *p, size_t n);
int fl_errno_from_name(const char *name);   /* -1 if unknown */

/* Parse "123" fully; returns 0 or -EINVAL. */
int fl_parse_long(const char *s, long *out);

/* Subcommands: faultline.c dispatches on this table. */
struct fl_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};
int cmd_record(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_query(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_fuzz(int argc, char **argv);
int cmd_bisect(int argc, char **argv);

#endif
