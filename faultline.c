#define _GNU_SOURCE
/*
 * faultline.c - the one binary: dispatch `faultline CMD ...` to cmd_CMD.
 */
#include <stdio.h>
#include <string.h>

#include "faultline.h"

static const struct fl_cmd commands[] = {
	{ "record", cmd_record, "run a program under ptrace and store every syscall" },
	{ "show", cmd_show, "print a recording as strace-like text" },
	{ "query", cmd_query, "run SQL over the database (with faultline's functions)" },
	{ "analyze", cmd_analyze, "list the fault points of a recording" },
	{ "replay", cmd_replay, "rerun the program once per fault point, injecting one fault" },
	{ "report", cmd_report, "summarise a recording and its runs (HTML, JSON or text)" },
	{ "merge", cmd_merge, "combine databases, e.g. the shards of a sweep" },
	{ "fuzz", cmd_fuzz, "inject several random faults per run, deterministically by seed" },
	{ "bisect", cmd_bisect, "shrink a failing run to the faults that matter" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: faultline COMMAND [options]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-8s  %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nEvery command takes --db FILE (default %s) and --help.\n"
		   "faultline COMMAND --help tells more.\n", FL_DEFAULT_DB);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return FL_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("faultline %s\n", FL_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (!strcmp(argv[1], commands[i].name)) {
			static char prog[64];
			snprintf(prog, sizeof prog, "faultline %s", commands[i].name);
			fl_cmd_name = commands[i].name;
			argv[1] = prog;   /* getopt's own messages name the command */
			return commands[i].fn(argc - 1, argv + 1);
		}
	}
	fprintf(stderr, "faultline: error: unknown command '%s' (see faultline --help)\n", argv[1]);
	return FL_EXIT_USAGE;
}
