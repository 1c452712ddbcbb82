/*
 * record/pyframes.c - the Python frames of a stopped thread of CPython 3.11.
 *
 * The walk, with the 3.11 x86_64 offsets below (Include/internal/
 * pycore_runtime.h, pycore_interp.h, cpython/pystate.h, pycore_frame.h,
 * cpython/code.h; the same for 3.11.0 to 3.11.x):
 *
 *   _PyRuntime.interpreters.head -> PyInterpreterState (.next: more)
 *     .threads.head -> PyThreadState (.next), the one whose
 *     native_thread_id is the tid (remembered per tid, checked each time)
 *     .cframe -> _PyCFrame .current_frame -> _PyInterpreterFrame
 *     .f_code, .prev_instr, .previous -> ... NULL
 *
 * A frame whose code has not started (prev_instr before the code's first
 * traceable instruction, a frame CPython itself calls incomplete) is
 * skipped.  The line is decoded from the code's location table
 * (co_linetable, Objects/locations.md) at prev_instr's offset.
 *
 * Reads go through a cache of PAGE_SLOTS tracee pages, emptied at each
 * rec_py_frames() (the tracee ran since): frames live in the thread's
 * data stack, a few pages at most, so a walk is a handful of reads.  The
 * pages a thread's last walk read (its thread state, _PyCFrame, frames:
 * WARM_PAGES) are read again first, with one process_vm_readv: most
 * calls of a thread walk the same pages.
 * Per code object address, its qualname, filename and location table are
 * kept (CODE_SLOTS), and checked against the code object's fields when a
 * frame is written out: a freed code object's address can be reused.  The
 * walk itself trusts the cached length of a code's prologue (to skip
 * incomplete frames) without that check, to read fewer pages per call.
 *
 * Any read that fails ends the walk with the frames found so far: the
 * tracee's own threads may be changing the lists we read.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "pyframes.h"

/* CPython 3.11, x86_64 */
#define RT_INTERP_HEAD 40       /* _PyRuntimeState.interpreters.head */
#define IS_NEXT 0               /* PyInterpreterState.next */
#define IS_THREADS_HEAD 16      /* PyInterpreterState.threads.head */
#define TS_NEXT 8               /* PyThreadState.next */
#define TS_CFRAME 56            /* PyThreadState.cframe */
#define TS_NATIVE_ID 160        /* PyThreadState.native_thread_id */
#define TS_SIZE 168
#define CF_CURRENT 8            /* _PyCFrame.current_frame */
#define FR_CODE 32              /* _PyInterpreterFrame.f_code */
#define FR_PREVIOUS 48
#define FR_PREV_INSTR 56
#define FR_OWNER 69             /* char; FRAME_OWNED_BY_GENERATOR = 1 */
#define FR_SIZE 72
#define CO_FIRSTLINENO 72       /* int */
#define CO_FILENAME 112
#define CO_QUALNAME 128
#define CO_LINETABLE 136
#define CO_FIRSTTRACEABLE 168   /* int, in code units */
#define CO_CODE 184             /* co_code_adaptive: the instructions */
#define U_LENGTH 16             /* PyASCIIObject.length */
#define U_STATE 32              /* kind: bits 2-4, compact: 5, ascii: 6 */
#define U_ASCII_DATA 48         /* sizeof(PyASCIIObject) */
#define U_COMPACT_DATA 72       /* sizeof(PyCompactUnicodeObject) */
#define B_SIZE 16               /* PyVarObject.ob_size */
#define B_DATA 32               /* PyBytesObject.ob_sval */

#define MAX_INTERPS 16
#define MAX_THREADS 4096
#define MAX_STR 512
#define MAX_TABLE 65536
#define PAGE_SLOTS 16
#define TID_SLOTS 64
#define CODE_SLOTS 512
#define WARM_PAGES 6

struct code {
	uint64_t addr, filename, qualname, linetable;
	int firstlineno, firsttraceable;
	char *name, *file;
	unsigned char *table;
	size_t tablelen;
};

struct rec_py {
	pid_t pid;
	uint64_t runtime;
	struct {
		pid_t tid;
		uint64_t ts;
		uint64_t warm[WARM_PAGES];   /* pages its last walk read */
		int nwarm;
	} tids[TID_SLOTS];
	uint64_t used[WARM_PAGES];   /* pages this walk read, in order */
	int nused, walking;
	struct code codes[CODE_SLOTS];
	uint64_t page[PAGE_SLOTS];   /* tracee page address + 1, 0: empty */
	unsigned char buf[PAGE_SLOTS][4096];
	unsigned next_page;
};

struct rec_py *rec_py_new(pid_t pid, uint64_t runtime)
{
	struct rec_py *py = xcalloc(1, sizeof *py);
	py->pid = pid;
	py->runtime = runtime;
	return py;
}

/* The address of symbol name in mod (its dynamic or full symbol table),
 * or 0. */
static uint64_t module_sym(Dwfl_Module *mod, const char *name)
{
	int n = dwfl_module_getsymtab(mod);
	for (int i = 1; i < n; i++) {
		GElf_Sym sym;
		GElf_Addr addr;
		const char *s = dwfl_module_getsym_info(mod, i, &sym, &addr, NULL, NULL, NULL);
		if (s && !strcmp(s, name))
			return addr;
	}
	return 0;
}

struct find {
	pid_t pid;
	struct rec_py_scan *scan;
	struct rec_py *py;
};

/* An interpreter module: python3.X or libpython3.X.so, by name only, so
 * that other processes pay no symbol table read. */
static int find_module(Dwfl_Module *mod, void **u, const char *name,
		       Dwarf_Addr start, void *arg)
{
	struct find *f = arg;
	struct rec_py_scan *sc = f->scan;
	const char *b = strrchr(name, '/');
	unsigned major, minor;
	(void)u;
	b = b ? b + 1 : name;
	if (strncmp(b, "lib", 3) == 0)
		b += 3;
	if (sscanf(b, "python%u.%u", &major, &minor) != 2)
		return DWARF_CB_OK;
	for (int i = 0; i < 4; i++) {
		if (sc->done[i] == start)
			return DWARF_CB_OK;
		if (!sc->done[i]) {
			sc->done[i] = start;
			break;
		}
	}
	uint64_t rt = module_sym(mod, "_PyRuntime"), va = module_sym(mod, "Py_Version");
	unsigned long ver = 0;
	struct iovec l = { &ver, sizeof ver }, r = { (void *)(uintptr_t)va, sizeof ver };
	if (va && process_vm_readv(f->pid, &l, 1, &r, 1, 0) == sizeof ver)
		minor = (ver >> 16) & 0xff;
	if (rt && va && (ver >> 16) == REC_PY_KNOWN) {
		Dwarf_Addr end;
		dwfl_module_info(mod, NULL, NULL, &end, NULL, NULL, NULL, NULL);
		f->py = rec_py_new(f->pid, rt);
		sc->lo = start;
		sc->hi = end;
		return DWARF_CB_ABORT;
	}
	/* without _PyRuntime, the runtime is in a libpython still to come */
	if (rt && !sc->unknown[0])
		snprintf(sc->unknown, sizeof sc->unknown, "%u.%u", major, minor);
	return DWARF_CB_OK;
}

struct rec_py *rec_py_find(Dwfl *dwfl, pid_t pid, struct rec_py_scan *scan)
{
	struct find f = { pid, scan, NULL };
	dwfl_getmodules(dwfl, find_module, &f, 0);
	return f.py;
}

static void code_clear(struct code *c)
{
	free(c->name);
	free(c->file);
	free(c->table);
	memset(c, 0, sizeof *c);
}

void rec_py_free(struct rec_py *py)
{
	if (!py)
		return;
	for (int i = 0; i < CODE_SLOTS; i++)
		code_clear(&py->codes[i]);
	free(py);
}

static void page_used(struct rec_py *py, uint64_t pg)
{
	if (!py->walking)
		return;
	for (int i = 0; i < py->nused; i++)
		if (py->used[i] == pg)
			return;
	if (py->nused < WARM_PAGES)
		py->used[py->nused++] = pg;
}

/* Read the pages of tid's last walk into the cache at once. */
static void pages_warm(struct rec_py *py, unsigned slot)
{
	struct iovec l[WARM_PAGES], r[WARM_PAGES];
	int n = 0;
	for (; n < py->tids[slot].nwarm && n < WARM_PAGES; n++) {
		l[n] = (struct iovec){ py->buf[n], 4096 };
		r[n] = (struct iovec){ (void *)(uintptr_t)py->tids[slot].warm[n], 4096 };
	}
	py->next_page = (unsigned)n;
	ssize_t got = n ? process_vm_readv(py->pid, l, (unsigned long)n, r,
					   (unsigned long)n, 0) : 0;
	/* a partial read stops at the first page it cannot read */
	for (int i = 0; got > 0 && i < n && (ssize_t)(4096 * (i + 1)) <= got; i++)
		py->page[i] = py->tids[slot].warm[i] + 1;
}

static const unsigned char *page_get(struct rec_py *py, uint64_t pg)
{
	page_used(py, pg);
	for (int i = 0; i < PAGE_SLOTS; i++)
		if (py->page[i] == pg + 1)
			return py->buf[i];
	unsigned k = py->next_page++ % PAGE_SLOTS;
	struct iovec l = { py->buf[k], 4096 }, r = { (void *)(uintptr_t)pg, 4096 };
	if (process_vm_readv(py->pid, &l, 1, &r, 1, 0) != 4096) {
		py->page[k] = 0;
		return NULL;
	}
	py->page[k] = pg + 1;
	return py->buf[k];
}

/* len bytes at tracee address addr; 0 or -1. */
static int rd(struct rec_py *py, uint64_t addr, void *out, size_t len)
{
	unsigned char *o = out;
	if (!addr || addr + len < addr)
		return -1;
	while (len) {
		uint64_t pg = addr & ~4095ull;
		size_t off = (size_t)(addr - pg), n = 4096 - off;
		const unsigned char *p = page_get(py, pg);
		if (!p)
			return -1;
		if (n > len)
			n = len;
		memcpy(o, p + off, n);
		o += n, addr += n, len -= n;
	}
	return 0;
}

static uint64_t rd64(struct rec_py *py, uint64_t addr, int *err)
{
	uint64_t v = 0;
	if (rd(py, addr, &v, sizeof v) < 0)
		*err = 1;
	return v;
}

static uint64_t field(const unsigned char *b, size_t off)
{
	uint64_t v;
	memcpy(&v, b + off, sizeof v);
	return v;
}

static int ifield(const unsigned char *b, size_t off)
{
	int v;
	memcpy(&v, b + off, sizeof v);
	return v;
}

/* The thread state of tid: the remembered one if it still says tid. */
static uint64_t thread_state(struct rec_py *py, pid_t tid, unsigned char ts[TS_SIZE])
{
	unsigned slot = (unsigned)tid % TID_SLOTS;
	int err = 0;
	uint64_t a = py->tids[slot].tid == tid ? py->tids[slot].ts : 0;
	if (a && rd(py, a, ts, TS_SIZE) == 0 && field(ts, TS_NATIVE_ID) == (uint64_t)tid)
		return a;
	uint64_t in = rd64(py, py->runtime + RT_INTERP_HEAD, &err);
	for (int i = 0; in && !err && i < MAX_INTERPS; i++) {
		a = rd64(py, in + IS_THREADS_HEAD, &err);
		for (int j = 0; a && !err && j < MAX_THREADS; j++) {
			if (rd(py, a, ts, TS_SIZE) < 0)
				break;
			if (field(ts, TS_NATIVE_ID) == (uint64_t)tid) {
				py->tids[slot].tid = tid;
				py->tids[slot].ts = a;
				py->tids[slot].nwarm = 0;
				return a;
			}
			a = field(ts, TS_NEXT);
		}
		in = rd64(py, in + IS_NEXT, &err);
	}
	return 0;
}

int rec_py_frames(struct rec_py *py, pid_t tid, struct rec_py_frame *f, int max)
{
	unsigned char ts[TS_SIZE], fr[FR_SIZE];
	int n = 0, err = 0;
	unsigned slot = (unsigned)tid % TID_SLOTS;
	memset(py->page, 0, sizeof py->page);
	if (py->tids[slot].tid == tid)
		pages_warm(py, slot);
	py->nused = 0;
	py->walking = 1;
	if (!thread_state(py, tid, ts)) {
		py->walking = 0;
		return 0;
	}
	uint64_t cf = field(ts, TS_CFRAME);
	uint64_t a = cf ? rd64(py, cf + CF_CURRENT, &err) : 0;
	for (int guard = 0; a && !err && n < max && guard < 4096; guard++) {
		if (rd(py, a, fr, FR_SIZE) < 0)
			break;
		uint64_t code = field(fr, FR_CODE), instr = field(fr, FR_PREV_INSTR);
		const struct code *c = &py->codes[(code >> 4) % CODE_SLOTS];
		int first = c->firsttraceable;
		/* a code object seen before: its prologue's length, unchecked */
		if (!code || (c->addr != code &&
			      rd(py, code + CO_FIRSTTRACEABLE, &first, sizeof first) < 0))
			break;
		/* _PyFrame_IsIncomplete() */
		if (fr[FR_OWNER] == 1 ||
		    (int64_t)(instr - (code + CO_CODE)) >= 2 * (int64_t)first)
			f[n++] = (struct rec_py_frame){ code, instr };
		a = field(fr, FR_PREVIOUS);
	}
	py->walking = 0;
	memcpy(py->tids[slot].warm, py->used, sizeof py->used);
	py->tids[slot].nwarm = py->nused;
	return n;
}

/* A str object as UTF-8 (NULL if it cannot be read). */
static char *str_get(struct rec_py *py, uint64_t addr)
{
	unsigned char h[U_COMPACT_DATA];
	if (!addr || rd(py, addr, h, sizeof h) < 0)
		return NULL;
	uint64_t len = field(h, U_LENGTH);
	unsigned state;
	memcpy(&state, h + U_STATE, sizeof state);
	unsigned kind = (state >> 2) & 7, compact = (state >> 5) & 1, ascii = (state >> 6) & 1;
	if (!compact || (kind != 1 && kind != 2 && kind != 4))
		return NULL;
	if (len > MAX_STR)
		len = MAX_STR;
	size_t w = ascii ? 1 : kind;
	unsigned char raw[MAX_STR * 4];
	if (rd(py, addr + (ascii ? U_ASCII_DATA : U_COMPACT_DATA), raw, len * w) < 0)
		return NULL;
	struct sb s;
	sb_init(&s);
	for (size_t i = 0; i < len; i++) {
		uint32_t c = w == 1 ? raw[i] : w == 2 ? (uint32_t)(raw[2 * i] | raw[2 * i + 1] << 8)
			: (uint32_t)(raw[4 * i] | raw[4 * i + 1] << 8 | raw[4 * i + 2] << 16 |
				     (uint32_t)raw[4 * i + 3] << 24);
		if (c < 0x20 || c == 0x7f || c == '|') {
			sb_putc(&s, '?');   /* frames are lines, '|'-joined in logs */
		} else if (c < 0x80) {
			sb_putc(&s, (char)c);
		} else if (c < 0x800) {
			sb_putc(&s, (char)(0xc0 | c >> 6));
			sb_putc(&s, (char)(0x80 | (c & 63)));
		} else if (c < 0x10000) {
			sb_putc(&s, (char)(0xe0 | c >> 12));
			sb_putc(&s, (char)(0x80 | ((c >> 6) & 63)));
			sb_putc(&s, (char)(0x80 | (c & 63)));
		} else {
			sb_putc(&s, (char)(0xf0 | c >> 18));
			sb_putc(&s, (char)(0x80 | ((c >> 12) & 63)));
			sb_putc(&s, (char)(0x80 | ((c >> 6) & 63)));
			sb_putc(&s, (char)(0x80 | (c & 63)));
		}
	}
	char *r = xstrdup(s.s ? s.s : "");
	sb_free(&s);
	return r;
}

/* The cached names and table of code object addr, filled or refreshed. */
static struct code *code_get(struct rec_py *py, uint64_t addr)
{
	unsigned char h[CO_CODE - CO_FIRSTLINENO];
	struct code *c = &py->codes[(addr >> 4) % CODE_SLOTS];
	if (rd(py, addr + CO_FIRSTLINENO, h, sizeof h) < 0)
		return NULL;
#define F(off) field(h, (off) - CO_FIRSTLINENO)
	if (c->addr == addr && c->filename == F(CO_FILENAME) && c->qualname == F(CO_QUALNAME) &&
	    c->linetable == F(CO_LINETABLE) &&
	    c->firstlineno == ifield(h, 0))
		return c;
	code_clear(c);
	c->addr = addr;
	c->filename = F(CO_FILENAME);
	c->qualname = F(CO_QUALNAME);
	c->linetable = F(CO_LINETABLE);
	c->firstlineno = ifield(h, 0);
	c->firsttraceable = ifield(h, CO_FIRSTTRACEABLE - CO_FIRSTLINENO);
#undef F
	c->name = str_get(py, c->qualname);
	c->file = str_get(py, c->filename);
	unsigned char b[B_DATA];
	if (c->linetable && rd(py, c->linetable, b, sizeof b) == 0) {
		uint64_t len = field(b, B_SIZE);
		if (len <= MAX_TABLE) {
			c->table = xmalloc(len ? len : 1);
			if (rd(py, c->linetable + B_DATA, c->table, len) == 0)
				c->tablelen = len;
		}
	}
	return c;
}

void rec_py_frame_text(struct rec_py *py, const struct rec_py_frame *f, struct sb *out)
{
	struct code *c = code_get(py, f->code);
	if (!c) {
		sb_puts(out, "? (?)");
		return;
	}
	int64_t off = (int64_t)(f->instr - (f->code + CO_CODE));
	int line = c->firstlineno;
	if (off >= 0 && off < INT32_MAX && c->tablelen)
		line = rec_py_line(c->table, c->tablelen, c->firstlineno, (int)off);
	if (line < 0)   /* no line: the function's */
		line = c->firstlineno;
	sb_printf(out, "%s (%s:%d)", c->name ? c->name : "?", c->file ? c->file : "?", line);
}

/* Location table varints: 6 bits a byte, low first, 0x40 = more. */
static unsigned varint(const unsigned char *t, size_t len, size_t *i)
{
	unsigned v = 0, shift = 0;
	while (*i < len && shift < 32) {
		unsigned b = t[(*i)++];
		v |= (b & 63) << shift;
		shift += 6;
		if (!(b & 64))
			break;
	}
	return v;
}

static int svarint(const unsigned char *t, size_t len, size_t *i)
{
	unsigned v = varint(t, len, i);
	return v & 1 ? -(int)(v >> 1) : (int)(v >> 1);
}

/* An entry: a byte 1cccclll (code c, l + 1 code units of 2 bytes), then
 * what code c says: 15 no location, 14 long form (line delta as a signed
 * varint, then three varints), 13 line delta only, 10-12 line delta
 * c - 10 and two column bytes, 0-9 same line and one column byte. */
int rec_py_line(const unsigned char *t, size_t len, int firstlineno, int addr)
{
	int line = firstlineno, start = 0;
	size_t i = 0;
	while (i < len) {
		unsigned b = t[i++];
		if (!(b & 0x80))
			continue;   /* not an entry's first byte: out of step */
		int code = (b >> 3) & 15, end = start + 2 * ((b & 7) + 1);
		if (code == 14 || code == 13)
			line += svarint(t, len, &i);
		else if (code >= 10 && code <= 12)
			line += code - 10;
		if (addr >= start && addr < end)
			return code == 15 ? -1 : line;
		while (i < len && !(t[i] & 0x80))
			i++;
		start = end;
	}
	return firstlineno;
}

void rec_py_frame_short(const char *f, size_t n, struct sb *out)
{
	const char *open = memmem(f, n, " (", 2), *colon = f + n - 1;
	while (colon > f && *colon != ':')
		colon--;
	const char *file = open + 2, *base = file;
	for (const char *c = file; c < colon; c++)
		if (*c == '/')
			base = c + 1;
	/* a package's __init__.py is named by its folder */
	if (base - file > 1 && colon - base >= 2 && base[0] == '_' && base[1] == '_')
		for (base -= 2; base > file && base[-1] != '/'; base--)
			;
	sb_add(out, f, (size_t)(file - f));
	sb_add(out, base, (size_t)(f + n - base));
}

int rec_py_is_frame(const char *f, size_t n)
{
	/* "name (file:123)"; a native frame is "module+0xoff" */
	if (n < 6 || f[n - 1] != ')')
		return 0;
	size_t i = n - 1;
	while (i > 0 && f[i - 1] >= '0' && f[i - 1] <= '9')
		i--;
	return i > 0 && i < n - 1 && f[i - 1] == ':' && memmem(f, n, " (", 2) != NULL;
}

int rec_py_lib_frame(const char *f, size_t n)
{
	if (!rec_py_is_frame(f, n))
		return 0;
	const char *file = memmem(f, n, " (", 2) + 2;
	size_t fl = (size_t)(f + n - file);
	static const char *const imp[] = {
		"<frozen importlib._bootstrap>", "<frozen importlib._bootstrap_external>",
		"<frozen zipimport>", NULL
	};
	for (int i = 0; imp[i]; i++)
		if (fl > strlen(imp[i]) && !memcmp(file, imp[i], strlen(imp[i])) &&
		    file[strlen(imp[i])] == ':')
			return 2;
	if (fl > 7 && !memcmp(file, "<frozen", 7))
		return 1;
	/* /usr/lib/python3.11/json/..., /usr/local/lib/python3.11/dist-packages/...,
	 * /usr/lib/python3/dist-packages/..., a venv's lib/python3.11/site-packages */
	return memmem(file, fl, "/lib/python3", 12) != NULL;
}
