#define _GNU_SOURCE
/*
 * record/show.c - `faultline show`: a recording as strace-like text,
 * one line per logical syscall:  [pid 123] openat(...) = 3 <0.000012>
 */
#include <getopt.h>
#include <string.h>

#include "../cmd.h"
#include "decode.h"
#include "syscalls.h"

struct show {
	int multi, timing;
	long tid;
	struct sb line;
};

static int show_row(void *arg, const struct store_row *r)
{
	struct show *s = arg;
	if (s->tid && r->tid != s->tid)
		return 0;
	sb_reset(&s->line);
	if (s->multi)
		sb_printf(&s->line, "[pid %5d] ", r->tid);
	sb_printf(&s->line, "%s(%s) = ", r->name ? r->name : "?", r->args ? r->args : "");
	rec_format_ret(&s->line, r->name ? rec_sys_by_name(r->name) : NULL, r->finished, r->ret);
	if (s->timing)
		sb_printf(&s->line, " <%llu.%06llu>", (unsigned long long)(r->dur / 1000000000),
			  (unsigned long long)(r->dur / 1000 % 1000000));
	sb_putc(&s->line, '\n');
	return fwrite(s->line.s, 1, s->line.len, stdout) != s->line.len;
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: faultline show [options]\n"
"\n"
"Print a recording as strace-like text, one line per syscall in order.\n"
"\n"
"  -d, --db FILE   database (default %s)\n"
"      --rec N     recording N (default: the latest)\n"
"  -p, --tid TID   only this thread\n"
"  -T              show the time spent in each call\n"
"  -h, --help      this text\n", FL_DEFAULT_DB);
}

/* What `faultline show` was asked. */
struct show_opts {
	const char *db;
	long rec;
	struct show *s;
};

static const struct option options[] = {
	CMD_OPT_DB, CMD_OPT_REC, CMD_OPT_HELP, { "tid", required_argument, 0, 'p' }, CMD_OPT_END
};

/* One option c (cmd_getopt's opt); 0 or -1 (said). */
static int parse_option(int c, const char *arg, void *ctx)
{
	struct show_opts *o = ctx;
	switch (c) {
	case 'd': o->db = arg; break;
	case 'r': return cmd_opt_rec(arg, &o->rec);
	case 'p':
		if (fl_parse_long(arg, &o->s->tid) || o->s->tid < 1) {
			fl_error("--tid wants a thread id, not '%s'", arg);
			return -1;
		}
		break;
	case 'T': o->s->timing = 1; break;
	default: return -1;
	}
	return 0;
}

int cmd_show(int argc, char **argv)
{
	struct show s;
	memset(&s, 0, sizeof s);
	struct show_opts o = { .db = FL_DEFAULT_DB, .s = &s };
	int rc = cmd_getopt(argc, argv, "d:p:Th", options, usage, parse_option, &o);
	if (rc)
		return rc > 0 ? 0 : FL_EXIT_USAGE;
	if (cmd_no_operands(argc, argv))
		return FL_EXIT_USAGE;
	struct store *st;
	struct store_rec r;
	if (cmd_open_rec(o.db, STORE_RDONLY, o.rec, &st, &r) < 0)
		return FL_EXIT_USAGE;
	s.multi = 1;
	sb_init(&s.line);
	rc = store_each_call(st, r.id, show_row, &s);
	if (rc < 0)
		fl_error("%s", store_errmsg(st));
	if (!r.complete)
		fprintf(stderr, "faultline show: note: recording %ld is incomplete "
			"(faultline was interrupted)\n", r.id);
	sb_free(&s.line);
	store_rec_free(&r);
	store_close(st);
	return rc < 0 ? FL_EXIT_USAGE : 0;
}
