/*
 * record/pyframes.h - the Python frames of a thread of a CPython process.
 *
 * A call that Python code makes goes through the interpreter's C loop, so
 * its native frames are the same for every line of the script.  Its Python
 * frames are read from the tracee's memory instead, the way py-spy and
 * austin read them: _PyRuntime -> interpreters -> thread states, the one
 * whose native_thread_id is the calling thread -> its current
 * _PyInterpreterFrame -> previous ...  Each frame is written
 * "qualname (co_filename:line)".  Only CPython 3.11's layout (x86_64) is
 * known; stack.c keeps one struct rec_py per process.
 */
#ifndef REC_PYFRAMES_H
#define REC_PYFRAMES_H

#include <elfutils/libdwfl.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "../faultline.h"

struct rec_py;

/* The versions whose frames can be read: (Py_Version >> 16) == this. */
#define REC_PY_KNOWN 0x030b

/* What rec_py_find() saw of a process's modules. */
struct rec_py_scan {
	uint64_t done[4];       /* interpreter modules looked at (their start) */
	uint64_t lo, hi;        /* the module of the runtime found */
	char unknown[16];       /* the version of one we cannot read, "3.12" */
};

/* Look for a CPython among the modules of process pid: python3.X or
 * libpython3.X.so with its _PyRuntime symbol and Py_Version (3.11 on).
 * Returns its frame reader when the version is known (scan->lo, hi: its
 * module), else NULL.  Each module is looked at once; call again when the
 * process has loaded more (dlopen of libpython). */
struct rec_py *rec_py_find(Dwfl *dwfl, pid_t pid, struct rec_py_scan *scan);
/* Process pid runs a CPython whose _PyRuntime is at runtime (a tracee
 * address) and whose version is known. */
struct rec_py *rec_py_new(pid_t pid, uint64_t runtime);
void rec_py_free(struct rec_py *py);

/* One Python frame: its code object and the instruction it is at. */
struct rec_py_frame {
	uint64_t code, instr;
};

/* The Python frames of thread tid (stopped), innermost first, at most max.
 * Returns how many: 0 when the thread runs no Python code (or its thread
 * state cannot be read). */
int rec_py_frames(struct rec_py *py, pid_t tid, struct rec_py_frame *f, int max);

/* Append "qualname (filename:line)" for f (names cached per code object). */
void rec_py_frame_text(struct rec_py *py, const struct rec_py_frame *f, struct sb *out);

/* The line of the instruction at byte offset addr of a code object, from
 * its 3.11 location table (co_linetable, len bytes) and co_firstlineno.
 * Returns -1 when the table says the instruction has no line. */
int rec_py_line(const unsigned char *table, size_t len, int firstlineno, int addr);

/* Is this stored frame a Python frame ("name (file:line)")? */
int rec_py_is_frame(const char *frame, size_t len);
/* Is this a Python frame of the interpreter's library rather than of the
 * program's own scripts: 2 for the import system (<frozen importlib...>,
 * <frozen zipimport>), 1 for the rest (other <frozen ...> modules, files
 * below a lib/python3* folder: the stdlib, dist-packages, a venv's
 * site-packages), 0 for the program's own frames and native frames. */
int rec_py_lib_frame(const char *frame, size_t len);
/* Append Python frame f (rec_py_is_frame) with its file's folders left
 * out: "dump (json/__init__.py:180)", "save (app.py:12)". */
void rec_py_frame_short(const char *f, size_t n, struct sb *out);

#endif
