/*
 * record/stack.h - call sites of traced syscalls.
 *
 * A call site is the chain of return addresses of a thread that is stopped
 * in a syscall, each written as "module+0xoffset" so that it survives ASLR
 * and reruns.  Its 64-bit hash is the site id analyze groups fault points by;
 * the frames are kept as text and symbolised ("func (file.c:12)") only when
 * a person reads them, using the module's debug info where present.
 */
#ifndef REC_STACK_H
#define REC_STACK_H

#include <stdint.h>
#include <sys/types.h>
#include "../faultline.h"

struct rec_stack;

struct rec_stack *rec_stack_new(void);
void rec_stack_free(struct rec_stack *st);
/* The address space of pid changed (exec) or is gone (exit): drop caches. */
void rec_stack_forget(struct rec_stack *st, pid_t pid);

/* Unwind thread tid of process pid, which is in a ptrace syscall-stop, up
 * to max_frames.  Appends the frames to *frames, one "module+0xoff" per
 * line, innermost first (Python code's calls: see below).  Returns the
 * site hash (never 0) computed over the frames, or 0 if nothing could be
 * unwound. */
uint64_t rec_stack_site(struct rec_stack *st, pid_t pid, pid_t tid,
			int max_frames, struct sb *frames);

/* The pcs of the last rec_stack_site() (innermost first; a caller's pc is
 * its return address - 1; with Python frames, up to the first one in the
 * interpreter); returns how many, at most max, or -1 when they came from
 * the stack scan that replaces a failed unwind. */
int rec_stack_last_pcs(const struct rec_stack *st, uint64_t *pcs, int max);
/* The tracee stack the last unwind read, from addr on (NULL if it does
 * not hold addr); *len: how many bytes. */
const unsigned char *rec_stack_window(const struct rec_stack *st, uint64_t addr,
				      size_t *len);

/* Python code's calls.  In a CPython 3.11 process, a call made while the
 * thread runs Python code gets its Python frames as its site: lines
 * "qualname (file.py:line)", innermost first, then the native frames below
 * the interpreter (record/pyframes.c); max_frames lines in all, at most
 * half of them native.  A site of fewer lines than max_frames was not cut,
 * so an unwind with max_frames = its line count gives it again.
 *
 * rec_stack_py_key: a hash of thread tid's Python frames (code objects and
 * instructions; 0: none), which with the native frames determine the
 * site.  The rec_stack_site() for the same thread at the same stop reuses
 * the frames read. */
uint64_t rec_stack_py_key(struct rec_stack *st, pid_t pid, pid_t tid, int max_frames);
/* A Python version seen whose frames cannot be read ("3.12"), or NULL. */
const char *rec_stack_py_unknown(const struct rec_stack *st);

/* Symbolise one "module+0xoff" frame: appends "func+0x12 (file.c:34)" or
 * "module+0xoff" when the module has no symbols; a Python frame loses its
 * file's folders.  Returns 0 or -errno. */
int rec_stack_symbolize(const char *frame, struct sb *out);

#endif
