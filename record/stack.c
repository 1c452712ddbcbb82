/*
 * record/stack.c - call sites of traced syscalls.
 *
 * One struct proc per traced process caches what is costly to build: a
 * Dwfl with the process's ELF modules (from /proc/PID/maps; libdwfl opens
 * the files lazily) and the sorted list of its executable mappings.  Each
 * rec_stack_site() is then one CFI unwind by dwfl_getthread_frames() and
 * two system calls: the Dwfl is attached (dwfl_attach_state) with our own
 * thread callbacks, which take registers from PTRACE_GETREGS and memory
 * from a STACK_WINDOW read at the stack pointer with one process_vm_readv.
 * dwfl_linux_proc_attach(pid, true) would do the same job with a
 * kill(tid, 0) per unwind and one read per 4 KiB page: 10-40% slower.
 *
 * Per process: absent --proc_get--> cached --rec_stack_forget--> absent.
 * A cached process is refreshed (modules re-reported, maps re-read) when
 * a pc lies outside every known executable mapping, i.e. after a dlopen or
 * an mmap of code: once per call at most, never twice for a pc that a
 * refresh did not explain (p->bad).
 *
 * Frames: the innermost is the pc after the syscall instruction; callers
 * are return address - 1, inside the call instruction, so that each frame
 * symbolises on its own.  "module+0xoff" has off = pc - module bias, the
 * ELF virtual address: for a PIE or shared object the offset from its load
 * base.  The vDSO is "[vdso]"; code outside any ELF module is "[anon]",
 * without an address, which would change from run to run.
 *
 * When libdwfl gets no further than the first frame (no CFI, attach
 * failed), a stack scan replaces it: the words of the STACK_WINDOW above
 * the stack pointer that point into executable memory just after a call
 * instruction.  Stale return addresses count too: best effort.
 *
 * Python: when a refresh finds a CPython 3.11 runtime among the modules
 * (rec_py_find, record/pyframes.c), a call made while the thread runs
 * Python code is written as its Python frames, then the native frames
 * below the interpreter's module; the hash covers both.  Invariant: the
 * same call gives the same text whether record (rec_stack_py_key, then
 * rec_stack_site at the same stop) or replay (rec_stack_site alone) asks.
 */
#define _GNU_SOURCE
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>

#include "pyframes.h"
#include "stack.h"

#define STACK_DEFAULT_FRAMES 8    /* when max_frames <= 0 */
#define STACK_MAX_FRAMES 256
#define STACK_WINDOW 8192           /* bytes of stack read at once */
#define STACK_NBAD 16

struct xmap {
	uint64_t lo, hi;
};

struct proc {
	pid_t pid;
	struct rec_stack *st;
	Dwfl *dwfl;
	int attached;              /* dwfl_attach_state succeeded */
	struct xmap *maps;         /* executable mappings, sorted */
	size_t nmaps;
	uint64_t bad[STACK_NBAD];  /* pcs a refresh did not explain */
	unsigned nbad;
	struct rec_py *py;         /* a CPython whose frames we read, or NULL */
	struct rec_py_scan pyscan; /* its interpreter's module, or why not */
	struct proc *next;
};

struct rec_stack {
	struct proc *procs;        /* most recently used first */
	uint64_t win_lo;           /* tracee memory [win_lo, +win_len) */
	size_t win_len;
	unsigned char win[STACK_WINDOW];
	uint64_t last_pcs[STACK_MAX_FRAMES];   /* of the last rec_stack_site */
	int last_n;
	/* the Python frames rec_stack_py_key() read, for the rec_stack_site()
	 * that follows it at the same stop */
	struct rec_py_frame pyf[STACK_MAX_FRAMES];
	int npyf;
	pid_t py_tid;
	char py_unknown[16];       /* an interpreter whose frames we cannot read */
};

/* Unwinding reads .eh_frame and the module's own .debug_frame, never a
 * separate debuginfo file: libdwfl looks for .debug_frame wherever
 * .eh_frame gives up (ld.so's entry point) and loading libc6-dbg's file
 * for that cost ~10 ms per process. */
#define UNUSED __attribute__((unused))
static int no_debuginfo(Dwfl_Module *m UNUSED, void **u UNUSED,
			const char *name UNUSED, Dwarf_Addr base UNUSED,
			const char *file UNUSED, const char *link UNUSED,
			GElf_Word crc UNUSED, char **debugfile UNUSED)
{
	return -1;
}

static const Dwfl_Callbacks live_callbacks = {
	.find_elf = dwfl_linux_proc_find_elf,
	.find_debuginfo = no_debuginfo,
};

static int read_maps(struct proc *p)
{
	char path[64], perms[8];
	unsigned long lo, hi;
	size_t alloc = 0;
	snprintf(path, sizeof path, "/proc/%d/maps", (int)p->pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -errno;
	p->nmaps = 0;
	while (fscanf(f, "%lx-%lx %7s%*[^\n]", &lo, &hi, perms) == 3) {
		if (perms[2] != 'x')
			continue;
		if (p->nmaps == alloc) {
			alloc = alloc ? 2 * alloc : 32;
			p->maps = xrealloc(p->maps, alloc * sizeof *p->maps);
		}
		p->maps[p->nmaps++] = (struct xmap){ lo, hi };
	}
	fclose(f);
	return 0;
}

static int in_maps(const struct proc *p, uint64_t pc)
{
	size_t lo = 0, hi = p->nmaps;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (pc < p->maps[mid].lo)
			hi = mid;
		else if (pc >= p->maps[mid].hi)
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

static void proc_refresh(struct proc *p)
{
	dwfl_report_begin(p->dwfl);
	dwfl_linux_proc_report(p->dwfl, p->pid);
	dwfl_report_end(p->dwfl, NULL, NULL);
	read_maps(p);
	if (!p->py) {
		p->py = rec_py_find(p->dwfl, p->pid, &p->pyscan);
		if (p->pyscan.unknown[0] && !p->st->py_unknown[0])
			memcpy(p->st->py_unknown, p->pyscan.unknown, sizeof p->st->py_unknown);
	}
}

/* Read STACK_WINDOW bytes at addr into st->win, one remote iovec per
 * page so that the read stops at the first unmapped page. */
static size_t window_fill(struct proc *p, uint64_t addr)
{
	struct rec_stack *st = p->st;
	struct iovec local = { st->win, STACK_WINDOW };
	struct iovec remote[STACK_WINDOW / 4096 + 1];
	uint64_t a = addr, end = addr + STACK_WINDOW;
	int nr = 0;
	while (a < end) {
		uint64_t next = (a | 4095) + 1;
		if (next > end)
			next = end;
		remote[nr++] = (struct iovec){ (void *)a, next - a };
		a = next;
	}
	ssize_t got = process_vm_readv(p->pid, &local, 1, remote, nr, 0);
	st->win_lo = addr;
	st->win_len = got > 0 ? (size_t)got : 0;
	return st->win_len;
}

static bool cb_memory_read(Dwfl *dwfl UNUSED, Dwarf_Addr addr,
			   Dwarf_Word *out, void *arg)
{
	struct proc *p = arg;
	struct rec_stack *st = p->st;
	if (addr < st->win_lo || addr - st->win_lo + 8 > st->win_len)
		if (window_fill(p, addr & ~7ull) < (addr & 7) + 8)
			return false;
	memcpy(out, st->win + (addr - st->win_lo), sizeof *out);
	return true;
}

static bool cb_set_initial_registers(Dwfl_Thread *thread, void *arg)
{
	struct proc *p = arg;
	struct user_regs_struct r;
	if (ptrace(PTRACE_GETREGS, dwfl_thread_tid(thread), NULL, &r) < 0)
		return false;
	Dwarf_Word dw[17] = {   /* DWARF register order of x86_64 */
		r.rax, r.rdx, r.rcx, r.rbx, r.rsi, r.rdi, r.rbp, r.rsp,
		r.r8, r.r9, r.r10, r.r11, r.r12, r.r13, r.r14, r.r15, r.rip,
	};
	window_fill(p, r.rsp & ~7ull);
	return dwfl_thread_state_registers(thread, 0, 17, dw);
}

/* Threads are named by the caller (dwfl_getthread_frames), never listed. */
static pid_t cb_next_thread(Dwfl *dwfl UNUSED, void *arg UNUSED,
			    void **thread_arg UNUSED)
{
	return 0;
}

static bool cb_get_thread(Dwfl *dwfl UNUSED, pid_t tid UNUSED, void *arg,
			  void **thread_arg)
{
	*thread_arg = arg;
	return true;
}

static const Dwfl_Thread_Callbacks thread_callbacks = {
	.next_thread = cb_next_thread,
	.get_thread = cb_get_thread,
	.memory_read = cb_memory_read,
	.set_initial_registers = cb_set_initial_registers,
};

static void proc_free(struct proc *p)
{
	if (p->dwfl)
		dwfl_end(p->dwfl);
	rec_py_free(p->py);
	free(p->maps);
	free(p);
}

static struct proc *proc_unlink(struct rec_stack *st, pid_t pid)
{
	for (struct proc **pp = &st->procs, *p; (p = *pp); pp = &p->next) {
		if (p->pid == pid) {
			*pp = p->next;
			return p;
		}
	}
	return NULL;
}

/* The cache of pid, created on first use, moved to the list's front. */
static struct proc *proc_get(struct rec_stack *st, pid_t pid)
{
	struct proc *p = proc_unlink(st, pid);
	if (p)
		goto front;
	p = xcalloc(1, sizeof *p);
	p->pid = pid;
	p->st = st;
	p->dwfl = dwfl_begin(&live_callbacks);
	if (p->dwfl) {
		proc_refresh(p);
		p->attached = dwfl_attach_state(p->dwfl, NULL, pid,
						&thread_callbacks, p);
	} else {
		read_maps(p);
	}
front:
	p->next = st->procs;
	st->procs = p;
	return p;
}

struct rec_stack *rec_stack_new(void)
{
	return xcalloc(1, sizeof(struct rec_stack));
}

void rec_stack_free(struct rec_stack *st)
{
	if (!st)
		return;
	while (st->procs) {
		struct proc *p = st->procs;
		st->procs = p->next;
		proc_free(p);
	}
	free(st);
}

void rec_stack_forget(struct rec_stack *st, pid_t pid)
{
	struct proc *p = proc_unlink(st, pid);
	if (p)
		proc_free(p);
}

/* One unwind: the pcs found, and the first pc outside every mapping. */
struct walk {
	struct proc *p;
	uint64_t *pcs;
	int n, max;
	uint64_t stray;
	uint64_t stop_lo, stop_hi;  /* end after the first frame in here */
	int stopped;
};

static int walk_frame(Dwfl_Frame *frame, void *arg)
{
	struct walk *w = arg;
	Dwarf_Addr pc;
	bool activation;
	if (!dwfl_frame_pc(frame, &pc, &activation))
		return DWARF_CB_ABORT;
	if (!activation)
		pc--;
	if (!in_maps(w->p, pc)) {
		w->stray = pc;
		return DWARF_CB_ABORT;
	}
	w->pcs[w->n++] = pc;
	if (pc >= w->stop_lo && pc < w->stop_hi) {
		w->stopped = 1;
		return DWARF_CB_ABORT;
	}
	return w->n < w->max ? DWARF_CB_OK : DWARF_CB_ABORT;
}

/* pc lies outside every executable mapping we know of: has the address
 * space grown?  Refresh, unless pc already failed to be explained. */
static int explain(struct proc *p, uint64_t pc)
{
	for (unsigned i = 0; i < p->nbad && i < STACK_NBAD; i++)
		if (p->bad[i] == pc)
			return 0;
	proc_refresh(p);
	if (in_maps(p, pc))
		return 1;
	p->bad[p->nbad++ % STACK_NBAD] = pc;
	return 0;
}

/* The pcs of thread tid, at most max; with stop_hi, up to the first
 * frame in [stop_lo, stop_hi) (*stopped set). */
static int unwind(struct proc *p, pid_t tid, uint64_t *pcs, int max,
		  uint64_t stop_lo, uint64_t stop_hi, int *stopped)
{
	struct walk w = { p, pcs, 0, max, 0, stop_lo, stop_hi, 0 };
	if (!p->attached)
		return 0;
	dwfl_getthread_frames(p->dwfl, tid, walk_frame, &w);
	if (w.stray && explain(p, w.stray)) {
		w.n = 0;
		w.stray = 0;
		w.stopped = 0;
		dwfl_getthread_frames(p->dwfl, tid, walk_frame, &w);
	}
	*stopped = w.stopped;
	return w.n;
}

/* Is ra the address just after a call instruction (e8 rel32, ff /2)? */
static int after_call(pid_t pid, uint64_t ra)
{
	unsigned char b[8];
	struct iovec l = { b, sizeof b }, r = { (void *)(ra - 8), sizeof b };
	if (ra < 8 || process_vm_readv(pid, &l, 1, &r, 1, 0) != sizeof b)
		return 0;
	if (b[3] == 0xe8)
		return 1;
	for (int len = 2; len <= 7; len++) {
		const unsigned char *c = b + 8 - len;
		int mod = c[1] >> 6, rm = c[1] & 7, n = 2;
		if (c[0] != 0xff || (c[1] & 0x38) != 0x10)
			continue;
		if (mod != 3 && rm == 4)   /* SIB byte, maybe disp32 */
			n += 1 + (mod == 0 && (c[2] & 7) == 5 ? 4 : 0);
		if (mod == 1)
			n += 1;
		else if (mod == 2 || (mod == 0 && rm == 5))
			n += 4;
		if (n == len)
			return 1;
	}
	return 0;
}

static int stack_scan(struct proc *p, pid_t tid, uint64_t *pcs, int max)
{
	struct user_regs_struct regs;
	uint64_t w;
	int n = 0;
	if (ptrace(PTRACE_GETREGS, tid, NULL, &regs) < 0)
		return 0;
	pcs[n++] = regs.rip;
	if (!in_maps(p, regs.rip))
		explain(p, regs.rip);
	size_t len = window_fill(p, regs.rsp & ~7ull);
	for (size_t i = 0; i + 8 <= len && n < max; i += 8) {
		memcpy(&w, p->st->win + i, 8);
		if (in_maps(p, w - 1) && after_call(p->pid, w))
			pcs[n++] = w - 1;
	}
	return n;
}

static void put_frame(struct proc *p, uint64_t pc, struct sb *out)
{
	Dwfl_Module *mod = p->dwfl ? dwfl_addrmodule(p->dwfl, pc) : NULL;
	Dwarf_Addr start = 0, bias;
	const char *name = mod ? dwfl_module_info(mod, NULL, &start, NULL,
						   NULL, NULL, NULL, NULL) : NULL;
	if (!name) {
		sb_puts(out, "[anon]");
		return;
	}
	if (!dwfl_module_getelf(mod, &bias))
		bias = start;
	if (strncmp(name, "[vdso", 5) == 0)
		name = "[vdso]";
	sb_printf(out, "%s+0x%" PRIx64, name, pc - bias);
}

uint64_t rec_stack_site(struct rec_stack *st, pid_t pid, pid_t tid,
			int max_frames, struct sb *frames)
{
	uint64_t pcs[STACK_MAX_FRAMES];
	if (max_frames <= 0)
		max_frames = STACK_DEFAULT_FRAMES;
	if (max_frames > STACK_MAX_FRAMES)
		max_frames = STACK_MAX_FRAMES;
	struct proc *p = proc_get(st, pid);
	int npy = 0, stopped = 0;
	if (p->py && st->py_tid == tid) {
		npy = st->npyf < max_frames ? st->npyf : max_frames;
	} else if (p->py) {
		npy = rec_py_frames(p->py, tid, st->pyf, max_frames);
	}
	st->py_tid = 0;
	/* with Python frames, the native ones end at the interpreter (that
	 * first interpreter frame is kept in last_pcs: the memo checks it) */
	int n = unwind(p, tid, pcs, max_frames, npy ? p->pyscan.lo : 0,
		       npy ? p->pyscan.hi : 0, &stopped);
	int scanned = n <= 1 && !stopped && max_frames > 1;
	if (scanned)
		n = stack_scan(p, tid, pcs, max_frames);
	/* a scan's frames depend on every word of the stack window, not
	 * only on return-address slots: not to be remembered (record.c) */
	st->last_n = scanned ? -1 : n;
	if (!scanned)
		memcpy(st->last_pcs, pcs, (size_t)n * sizeof pcs[0]);
	size_t start = frames->len;
	/* Python code's call: its Python frames, then the native frames
	 * below the interpreter (the libc wrapper, an extension's frames),
	 * max_frames lines in all, at most half of them native.  A site of
	 * fewer lines was cut nowhere, so an unwind as deep as it has lines
	 * (replay/identity.c) gives it again. */
	int nat = n;
	if (npy) {
		for (nat = 0; nat < n; nat++)
			if (pcs[nat] >= p->pyscan.lo && pcs[nat] < p->pyscan.hi)
				break;
		int half = nat < max_frames / 2 ? nat : max_frames / 2;
		npy = npy < max_frames - half ? npy : max_frames - half;
		nat = nat < max_frames - npy ? nat : max_frames - npy;
	}
	for (int i = 0; i < npy; i++) {
		if (i)
			sb_putc(frames, '\n');
		rec_py_frame_text(p->py, &st->pyf[i], frames);
	}
	for (int i = 0; i < nat; i++) {
		if (i || npy)
			sb_putc(frames, '\n');
		put_frame(p, pcs[i], frames);
	}
	if (frames->len == start)
		return 0;
	uint64_t h = fl_fnv1a(FL_FNV_INIT, frames->s + start, frames->len - start);
	return h ? h : 1;
}

uint64_t rec_stack_py_key(struct rec_stack *st, pid_t pid, pid_t tid, int max_frames)
{
	if (max_frames <= 0)
		max_frames = STACK_DEFAULT_FRAMES;
	if (max_frames > STACK_MAX_FRAMES)
		max_frames = STACK_MAX_FRAMES;
	struct proc *p = proc_get(st, pid);
	st->py_tid = 0;
	if (!p->py)
		return 0;
	st->npyf = rec_py_frames(p->py, tid, st->pyf, max_frames);
	st->py_tid = tid;
	if (!st->npyf)
		return 0;
	uint64_t h = 0xcbf29ce484222325ull;
	for (int i = 0; i < st->npyf; i++)
		h = ((h ^ st->pyf[i].code) * 0x100000001b3ull ^ st->pyf[i].instr) * 0x100000001b3ull;
	return h ? h : 1;
}

const char *rec_stack_py_unknown(const struct rec_stack *st)
{
	return st->py_unknown[0] ? st->py_unknown : NULL;
}

const unsigned char *rec_stack_window(const struct rec_stack *st, uint64_t addr,
				      size_t *len)
{
	if (addr < st->win_lo || addr >= st->win_lo + st->win_len)
		return NULL;
	*len = st->win_len - (size_t)(addr - st->win_lo);
	return st->win + (addr - st->win_lo);
}

int rec_stack_last_pcs(const struct rec_stack *st, uint64_t *pcs, int max)
{
	if (st->last_n < 0)
		return -1;
	int n = st->last_n < max ? st->last_n : max;
	memcpy(pcs, st->last_pcs, (size_t)n * sizeof pcs[0]);
	return n;
}

/* Symbolisation: one offline Dwfl per module file, kept for the process's
 * life; mod is NULL when the file cannot be read as ELF. */
struct symmod {
	char *path;
	Dwfl *dwfl;
	Dwfl_Module *mod;
	struct symmod *next;
};
static struct symmod *symmods;

static const Dwfl_Callbacks offline_callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
};

static struct symmod *symmod_get(const char *path, size_t len)
{
	struct symmod *m;
	for (m = symmods; m; m = m->next)
		if (strlen(m->path) == len && !memcmp(m->path, path, len))
			return m;
	m = xcalloc(1, sizeof *m);
	m->path = xmalloc(len + 1);
	memcpy(m->path, path, len);
	m->path[len] = 0;
	m->dwfl = dwfl_begin(&offline_callbacks);
	if (m->dwfl) {
		dwfl_report_begin(m->dwfl);
		m->mod = dwfl_report_offline(m->dwfl, m->path, m->path, -1);
		dwfl_report_end(m->dwfl, NULL, NULL);
	}
	m->next = symmods;
	symmods = m;
	return m;
}

int rec_stack_symbolize(const char *frame, struct sb *out)
{
	const char *plus = NULL, *s;
	char *end;
	if (!frame)
		return -EINVAL;
	if (rec_py_is_frame(frame, strlen(frame))) {
		rec_py_frame_short(frame, strlen(frame), out);
		return 0;
	}
	for (s = frame; (s = strstr(s, "+0x")); s++)
		plus = s;
	if (!plus || frame[0] != '/')
		goto copy;
	uint64_t off = strtoull(plus + 3, &end, 16);
	if (*end)
		goto copy;
	struct symmod *m = symmod_get(frame, (size_t)(plus - frame));
	Dwarf_Addr bias;
	if (!m->mod || !dwfl_module_getelf(m->mod, &bias))
		goto copy;
	Dwarf_Addr addr = off + bias;
	GElf_Off symoff;
	GElf_Sym sym;
	const char *fn = dwfl_module_addrinfo(m->mod, addr, &symoff, &sym,
					      NULL, NULL, NULL);
	Dwfl_Line *line = dwfl_module_getsrc(m->mod, addr);
	int lineno = 0;
	const char *src = line ? dwfl_lineinfo(line, NULL, &lineno, NULL,
					       NULL, NULL) : NULL;
	if (!fn && !src)
		goto copy;
	if (fn)   /* "name@@VERSION" -> "name" */
		sb_printf(out, "%.*s+0x%" PRIx64, (int)strcspn(fn, "@"), fn,
			  (uint64_t)symoff);
	else
		sb_puts(out, frame);
	if (src)
		sb_printf(out, " (%s:%d)", basename(src), lineno);
	else
		sb_printf(out, " (%s)", basename(m->path));
	return 0;
copy:
	sb_puts(out, frame);
	return 0;
}
