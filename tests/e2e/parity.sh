#!/bin/bash
# tests/e2e/parity.sh - faultline record sees the same syscalls as strace.
#
# Each command runs twice, once under `faultline record` and once under
# `strace -ff` (one file per thread).  For every thread, in order of
# creation, the sequence of (syscall name, errno or empty) must be the
# same.  Threads are matched by creation order: faultline's processes by
# their creation event (start_ts, the root first), strace's files by tid.
#
# What is left out of the comparison is printed at the start.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PY=/usr/bin/python3
# Calls whose number or place depends on timing between threads and
# processes, not on the program: lock waits, sleeps, and the return of a
# handler of an asynchronous signal (sh's SIGCHLD handler runs once or
# twice, before or after its next wait4, as its children happen to exit).
EXCLUDE=futex,sched_yield,clock_nanosleep,nanosleep,rt_sigreturn

echo "# compared per thread: (syscall name, errno or empty), in order"
echo "# excluded syscalls: $EXCLUDE (timing-dependent)"
echo "# excluded strace lines: signals (--- SIG... ---), '+++ exited/killed' lines"
echo "# merged in strace: '<unfinished ...>' with its '<... resumed>'; an ERESTART* exit"
echo "#   with its restart (same call or restart_syscall) or, when a handler returned"
echo "#   with EINTR (rt_sigreturn = -1 EINTR), into one call failing with EINTR,"
echo "#   as faultline reports logical calls"

cat >"$TMP/compare.py" <<'EOF'
import os, re, sys

d, exclude = sys.argv[1], set(sys.argv[2].split(","))
first_only = len(sys.argv) > 3 and sys.argv[3] == "first"

def strace_thread(path):
    """Logical calls of one strace -ff file: [name, errno]."""
    out, parked, unfinished = [], None, None
    for line in open(path, errors="replace"):
        line = line.rstrip("\n")
        if line.startswith("---") or line.startswith("+++"):
            continue
        m = re.match(r"^<\.\.\. (\w+) resumed>", line)
        if m:
            name = m.group(1)
            entry = unfinished if unfinished is not None else None
            unfinished = None
        else:
            m = re.match(r"^(\w+)\(", line)
            if not m:
                continue
            name, entry = m.group(1), None
        if line.endswith("<unfinished ...>"):
            out.append([name, ""])
            unfinished = out[-1]
            continue
        i = line.rfind(") = ")
        if i < 0:
            i = line.rfind(" = ")
            res = line[i + 3:] if i >= 0 else "?"
        else:
            res = line[i + 4:].lstrip()
        res = re.sub(r"^ *= *", "", res)
        m = re.match(r"^(\S+)(?: (E[A-Z0-9_]+))?(?: \(.*\))?$", res)
        err = m.group(2) if m and m.group(2) else ""
        if err.startswith("ERESTART"):
            if parked is not None and name in (parked[0], "restart_syscall"):
                if entry is not None:   # restarted and interrupted again
                    out.remove(entry)
                continue
            if entry is None:
                out.append([name, ""])
                entry = out[-1]
            parked = entry
            continue
        if parked is not None and (name == "restart_syscall" or name == parked[0]):
            parked[1] = err
            parked = None
            if entry is not None:
                out.remove(entry)
            continue
        if name == "rt_sigreturn" and err == "EINTR" and parked is not None:
            parked[1] = "EINTR"
            parked = None
        if entry is not None:
            entry[1] = err
        else:
            out.append([name, err])
    return [c for c in out if c[0] not in exclude]

# faultline: threads in creation order, calls per thread in seq order
threads = []
for line in open(os.path.join(d, "fl.threads")):
    tid, ident, start = line.rstrip("\n").split("|")
    threads.append((int(start or 0), int(tid), ident))
threads.sort()
calls = {}
for line in open(os.path.join(d, "fl.calls")):
    tid, name, err = line.rstrip("\n").split("|")
    if name not in exclude:
        calls.setdefault(int(tid), []).append([name, err])

sdir = os.path.join(d, "strace")
files = sorted((int(f.split(".")[-1]), os.path.join("strace", f)) for f in os.listdir(sdir))

problems, total = [], 0
if len(files) != len(threads):
    problems.append("%d threads under strace, %d under faultline (%s)" %
                    (len(files), len(threads), " ".join(t[2] for t in threads)))
for (stid, f), (_, ftid, ident) in zip(files, threads[:1] if first_only else threads):
    a = strace_thread(os.path.join(d, f))
    b = calls.get(ftid, [])
    n = min(len(a), len(b))
    total += n
    diff = next((i for i in range(n) if a[i] != b[i]), None)
    if diff is None and len(a) == len(b):
        continue
    if diff is None:
        diff = n
    problems.append("thread %s (faultline tid %d, strace tid %d): first difference at call %d "
                    "of %d (strace) / %d (faultline):" % (ident, ftid, stid, diff + 1, len(a), len(b)))
    for i in range(max(0, diff - 3), min(max(len(a), len(b)), diff + 4)):
        sa = " ".join(a[i]).strip() if i < len(a) else "-"
        sb = " ".join(b[i]).strip() if i < len(b) else "-"
        problems.append("  %s%4d  strace: %-28s faultline: %s" % ("=>" if i == diff else "  ", i + 1, sa, sb))
print("%d %d" % (len(threads), total))
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
EOF

# parity NAME CMD... : record and strace CMD, compare.  "@DIR@" in CMD is
# replaced by a fresh directory per run (for programs that write files).
# $EXCL overrides the excluded calls; $ONLY=first compares the first
# process only.
parity() {
	local name=$1 excl=${EXCL:-$EXCLUDE} only=${ONLY:-all}
	shift
	local d="$TMP/$name" a arg1=() arg2=()
	mkdir -p "$d/w1" "$d/w2" "$d/strace"
	for a in "$@"; do
		arg1+=("${a//@DIR@/$d/w1}")
		arg2+=("${a//@DIR@/$d/w2}")
	done
	# warm-up (byte-code caches and the like exist before either traced run)
	run_bounded "${arg1[@]}" >/dev/null 2>&1 </dev/null
	run_bounded "$FL" record -q --db "$d/fl.db" -- "${arg1[@]}" >"$d/fl.out" 2>&1 </dev/null
	local rc_fl=$?
	run_bounded strace -ff -o "$d/strace/t" -- "${arg2[@]}" >"$d/strace.out" 2>&1 </dev/null
	local rc_st=$?
	if [ $rc_fl -ne $rc_st ]; then
		fail "parity $name: exit status $rc_fl under faultline, $rc_st under strace"
		return
	fi
	flq "$d/fl.db" "select tid, ident, coalesce(start_ts, 0) from processes" >"$d/fl.threads" &&
	flq "$d/fl.db" "select tid, name, coalesce(errno, '') from syscalls order by seq" >"$d/fl.calls"
	if [ $? -ne 0 ]; then
		fail "parity $name: cannot query the recording"
		return
	fi
	local out rc
	out=$("$PY" "$TMP/compare.py" "$d" "$excl" "$only" 2>&1)
	rc=$?
	local counts=${out%%$'\n'*}
	local nthreads=${counts% *} ncalls=${counts#* }
	if [ $rc -eq 0 ] && [ "${ncalls:-0}" -gt 0 ] 2>/dev/null; then
		pass "parity $name: $nthreads thread(s), $ncalls calls compared, equal"
	else
		fail "parity $name: $nthreads thread(s), $ncalls calls compared, different"
		printf '%s\n' "$out" | tail -n +2 | sed 's/^/#   /'
	fi
}

build_prog threads || finish
build_prog sigread || finish

parity python "$PY" -c 'import json, sqlite3'
parity tar tar cf /dev/null /usr/include/linux
parity sh-pipe sh -c 'ls /usr | wc -l'
parity sqlite3 sqlite3 :memory: 'select 1'
parity threads "$TMP/bin/threads" @DIR@
# A handler interrupting a blocking read, the read restarted or failing with
# EINTR: here rt_sigreturn is deterministic and compared.  Only the first
# process: its child polls /proc a varying number of times.
echo "# sigread-*: excluded syscalls futex only; first process only (the child polls /proc)"
EXCL=futex ONLY=first parity sigread-restart "$TMP/bin/sigread" restart
EXCL=futex ONLY=first parity sigread-norestart "$TMP/bin/sigread" norestart

# Call sites: record reuses a call site when the stack slots that held the
# return addresses of an earlier unwind hold them again (record.c).  The
# same recording with an unwind at every call must name the same sites.
sites() {
	flq "$1" "select (select ident from proc p where p.rec = c.rec and p.tid = c.tid) || ' ' ||
		 (select name from sysname where nr = c.nr) || ' ' ||
		 coalesce((select replace(frames, char(10), ' < ') from site s where s.rec = c.rec and s.id = c.site), '-')
		 from call c where c.site is not null order by c.tid, c.seq"
}
site_parity() {
	local name=$1
	shift
	run_bounded "$FL" record -q --db "$TMP/memo-$name.db" -- "$@" >/dev/null 2>&1 </dev/null
	FAULTLINE_SITE_MEMO=0 run_bounded "$FL" record -q --db "$TMP/unwind-$name.db" -- "$@" \
		>/dev/null 2>&1 </dev/null
	sites "$TMP/memo-$name.db" >"$TMP/memo-$name.txt"
	sites "$TMP/unwind-$name.db" >"$TMP/unwind-$name.txt"
	local n
	n=$(wc -l <"$TMP/memo-$name.txt")
	if [ "$n" -gt 50 ] && cmp -s "$TMP/memo-$name.txt" "$TMP/unwind-$name.txt"; then
		pass "sites $name: $n calls, reused call sites equal a fresh unwind at every call"
	else
		fail "sites $name: $n calls, reused call sites differ from a fresh unwind"
		diff "$TMP/memo-$name.txt" "$TMP/unwind-$name.txt" | head -5 | sed 's/^/#   /'
	fi
}
site_parity tar tar cf /dev/null /usr/include/linux
site_parity sh-pipe sh -c 'ls /usr | wc -l'
mkdir -p "$TMP/sites-w" && site_parity threads "$TMP/bin/threads" "$TMP/sites-w"

finish
