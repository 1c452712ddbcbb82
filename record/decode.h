/*
 * record/decode.h - turning a syscall's raw arguments into text.
 *
 * One protocol, after strace's: rec_decode_entry() decodes every input
 * argument when the call is entered (tracee memory still holds them:
 * execve's argv is gone at exit); rec_decode_exit() decodes the output
 * arguments (read's buffer, accept's address, pipe's fds), updates the fd
 * cache, and joins the pieces.  A failed read of tracee memory prints the
 * address; it is never fatal.
 *
 * The decoder keeps, per process, what each fd points to (a path,
 * "socket:[123]", "pipe:[456]", learned from /proc/PID/fd lazily and kept
 * current as calls open, dup and close), and the process's cwd, so every
 * call gets a target path and an fd kind.
 */
#ifndef REC_DECODE_H
#define REC_DECODE_H

#include <stddef.h>
#include <sys/types.h>
#include "../faultline.h"
#include "tracer.h"

struct rec_decoder;

/* One call's decoded form; reused from call to call (no allocation once
 * warm). */
struct rec_decoded {
	struct sb arg[6];
	struct sb text;       /* "AT_FDCWD, \"/etc/passwd\", O_RDONLY" */
	struct sb path;       /* the target: a path or the file behind the fd */
	const char *fdkind;   /* "file" "tty" "pipe" "socket" "dev" "other" or NULL */
	int std;              /* the target fd is an inherited stdin/stdout/stderr
				 (see rec_decoder_std_refs): 1, 0, or -1 when the
				 target is not an fd */
	struct sb data;       /* captured payload (at most `capture` bytes) */
};

struct rec_decoder *rec_decoder_new(size_t capture, size_t preview);
void rec_decoder_free(struct rec_decoder *d);
/* The process's address space and fd table were replaced (exec) or it is
 * gone (exit). */
void rec_decoder_forget(struct rec_decoder *d, pid_t pid);
/* Bit i of mask: faultline's own fd i (0, 1, 2) was open when it started,
 * so the traced program inherited it.  A call whose target fd is the same
 * open file description gets std = 1.  Without references std is 0. */
void rec_decoder_std_refs(struct rec_decoder *d, unsigned mask);

void rec_decoded_init(struct rec_decoded *o);
void rec_decoded_free(struct rec_decoded *o);

void rec_decode_entry(struct rec_decoder *d, pid_t tid, pid_t pid,
		      const struct rec_call *c, struct rec_decoded *o);
void rec_decode_exit(struct rec_decoder *d, pid_t tid, pid_t pid,
		     const struct rec_call *c, struct rec_decoded *o);

/* The target of call c of thread tid (process pid) as it is now, read from
 * /proc and the tracee's memory rather than the fd cache: the same
 * argument (rec_sys_target) and the same rules as the decoder (an empty
 * path with AT_EMPTY_PATH or a NULL path names the dirfd; a relative one
 * is taken from the dirfd or the cwd).  Absolute, not normalised; *kind
 * as rec_fd_kind() says.  0, or -errno when it has none or cannot be read
 * (replay/identity.c compares it with the recorded target). */
int rec_target_now(pid_t pid, pid_t tid, const struct rec_call *c, char *buf, size_t n,
		   const char **kind);
/* The kind of an fd description ("/dev/pts/1" -> "tty"). */
const char *rec_fd_kind(const char *desc);
/* Append a return value the way `show` prints it: "3", "0x7f..", or
 * "-1 ENOENT (No such file or directory)". */
void rec_format_ret(struct sb *b, const struct rec_sys *s, int finished, int64_t ret);

#endif
