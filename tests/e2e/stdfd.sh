#!/usr/bin/env bash
# e2e for what a recorded call's fd is:
#  - [std] (and --no-std) means the stdin/stdout/stderr the program
#    inherited from faultline's caller, not fd 0/1/2: `sort -o f f` writes
#    f through fd 1 (dup2 of its output file), and that write is kept;
#    `cat`'s write to the inherited pipe is [std]; a shell writes through
#    fd 1 both to a dup of its stdout ([std]) and to a file (not);
#  - calls that act on an fd (fstat = newfstatat(fd, "", AT_EMPTY_PATH),
#    statx, fsync, fgetxattr, futimens ...) name the fd's file as their
#    target, so --path finds them.
# Also: a schema 2 file (no std column) merges, and analyze falls back.
source "$(dirname "$0")/lib.sh"

# --- sort -o f f, its stdout redirected to a file --------------------------
S=$TMP/sort
mkdir -p "$S" && cd "$S" || exit 2
printf 'c\nb\na\n' >f
run_bounded "$FL" record -q -d t.db -- sort -o f f >"$TMP/sort.out" 2>"$TMP/sort.err"
check "sort -o f f sorted f" [ "$(cat f)" = "$(printf 'a\nb\nc')" ]
a=$(run_bounded "$FL" analyze -d t.db --family write --no-std 2>&1)
line=$(printf '%s\n' "$a" | grep ' write ')
check "analyze --no-std keeps sort's write to f (fd 1 after dup2): $line" \
	has "$line" " write  *$S/f "
check "... and does not mark it [std]" hasnt "$line" "\[std\]"
check "syscalls: sort's write has path f and std 0" \
	[ "$(flq t.db "SELECT path, std FROM syscalls WHERE name = 'write'")" = "$S/f|0" ]
check "points: its std is 0" \
	[ "$(flq t.db "SELECT std FROM points WHERE family = 'write'")" = 0 ]
run_bounded "$FL" replay -d t.db --no-std --family write -q >"$TMP/sort.rpl" 2>&1
check "replay --no-std --family write runs sort's write to f" \
	[ "$(flq t.db "SELECT count(*) FROM runs WHERE sweep = (SELECT max(id) FROM sweep)
		AND syscall = 'write' AND path = '$S/f'")" -ge 1 ]

# --- cat, its stdout faultline's caller's pipe ------------------------------
K=$TMP/cat
mkdir -p "$K" && cd "$K" || exit 2
printf 'x\ny\n' >g
run_bounded "$FL" record -q -d t.db -- cat g 2>/dev/null | cat >"$TMP/cat.out"
check "cat copied g through the pipe" [ "$(cat "$TMP/cat.out")" = "$(cat g)" ]
a=$(run_bounded "$FL" analyze -d t.db --family write 2>&1)
line=$(printf '%s\n' "$a" | grep ' write ')
check "cat's write to the inherited pipe is [std]: $line" has "$line" "(pipe) \[std\]"
check "syscalls: its std is 1" \
	[ "$(flq t.db "SELECT std FROM syscalls WHERE name = 'write'")" = 1 ]
a=$(run_bounded "$FL" analyze -d t.db --family write --no-std 2>&1)
check "analyze --no-std leaves it out" has "$a" "^0 fault points"

# the same recording as a schema 2 file (no std): merge copies it, and
# analyze falls back to fd 0/1/2, which marks the write to fd 1 [std]
cp t.db v2.db
sqlite3 v2.db "drop view syscalls; drop view points;
alter table call drop column std; alter table point drop column std;
update meta set value = '2' where key = 'schema_version'"
run_bounded "$FL" merge -q m.db v2.db >/dev/null 2>&1
n=$(flq t.db "SELECT count(*) FROM syscalls")
check "merge of a schema 2 input: its $n calls, std NULL" \
	[ "$(flq m.db "SELECT count(*), count(std) FROM syscalls")" = "$n|0" ]
a=$(run_bounded "$FL" analyze -d v2.db --family write 2>&1)
check "a schema 2 recording: the write to fd 1 is [std] (fd 0/1/2 stand in)" \
	has "$(printf '%s\n' "$a" | grep ' write ')" "\[std\]"

# --- one shell, two writes through fd 1 --------------------------------------
H=$TMP/sh
mkdir -p "$H" && cd "$H" || exit 2
run_bounded "$FL" record -q -d t.db -- sh -c 'exec 3>&1; echo dup >&3; echo file >out' \
	2>/dev/null | cat >"$TMP/sh.out"
w=$(flq t.db "SELECT path, std FROM syscalls WHERE family = 'write' ORDER BY seq")
check "sh: echo >&3 (a dup of stdout) is std, echo >out is not: $(echo $w)" \
	sh -c "printf '%s\n' '$w' | grep -q '^pipe:.*|1\$' && printf '%s\n' '$w' | grep -qx '$H/out|0'"

# --- calls on an fd name its file --------------------------------------------
build_prog fdcalls || finish
F=$TMP/fd
mkdir -p "$F" && cd "$F" || exit 2
run_bounded "$FL" record -q -d t.db -- "$TMP/bin/fdcalls" named.dat >/dev/null 2>&1
check "fdcalls ran" [ -s named.dat ]
for sc in newfstatat statx fchmod fsync fdatasync ftruncate lseek fgetxattr utimensat; do
	got=$(flq t.db "SELECT group_concat(DISTINCT path || ' ' || fdkind) FROM syscalls
		WHERE name = '$sc' AND seq > (SELECT max(seq) FROM syscalls WHERE args LIKE '%named.dat%'
		AND name = 'openat')")
	check "syscalls: $sc targets the file ($got)" [ "$got" = "$F/named.dat file" ]
done
a=$(run_bounded "$FL" analyze -d t.db --family stat --path '*named.dat' 2>&1)
check "analyze --family stat --path '*named.dat' lists fstat and statx" \
	[ "$(printf '%s\n' "$a" | grep -c " newfstatat  *$F/named.dat \| statx  *$F/named.dat ")" = 2 ]
check "points: their path is the file" \
	[ "$(flq t.db "SELECT count(*) FROM points WHERE family = 'stat' AND path = '$F/named.dat'")" = 2 ]
run_bounded "$FL" replay -d t.db --path '*named*' --family fsync -q >"$TMP/fd.rpl" 2>&1
got=$(flq t.db "SELECT group_concat(syscall || ' ' || path || ' ' || outcome, ', ') FROM runs
	WHERE sweep = (SELECT max(id) FROM sweep) AND fault != 'none'")
check "replay --path '*named*' --family fsync runs fsync and fdatasync, found again ($got)" \
	[ "$got" = "fsync $F/named.dat handled, fdatasync $F/named.dat handled" ]
run_bounded "$FL" replay -d t.db --path '*named*' --family stat -q >"$TMP/fd.rpl" 2>&1
got=$(flq t.db "SELECT group_concat(syscall || '=' || outcome, ',') FROM runs
	WHERE sweep = (SELECT max(id) FROM sweep) AND fault != 'none'")
check "replay --path '*named*' --family stat runs fstat and statx, found again ($got)" \
	[ "$got" = "newfstatat=handled,statx=handled" ]


# --- a run's stdin/stdout/stderr have the recorded kinds ---------------------
# Python seeks its std streams at start-up: lseek(1) fails on a pipe and
# works on a file, and a file answers with a second lseek.  Recorded with
# stdout a pipe, a run whose stdout were the output file would make more
# seek calls than the recording, and every later seek point would be
# another call (diverged).
P=$TMP/stdio
mkdir -p "$P" && cd "$P" || exit 2
PY=/usr/bin/python3
run_bounded "$FL" record -q -d p.db -- $PY -c 'import json; print(json.dumps([1]))' </dev/null 2>/dev/null | cat >/dev/null
check "recordings.stdio: the kinds of the recorded stdin, stdout, stderr" \
	[ "$(flq p.db "SELECT stdio FROM recordings")" = "dev pipe dev" ]
run_bounded "$FL" replay -d p.db --family seek --every-point -q >/dev/null 2>&1
n=$(flq p.db "SELECT count(*) FROM runs WHERE fault != 'none'")
d=$(flq p.db "SELECT count(*) FROM runs WHERE outcome IN ('diverged', 'not_reached')")
check "stdout a pipe: $n seek runs, none diverged or not reached ($d)" test "$n" -gt 2 -a "$d" = 0
run_bounded "$FL" record -q -d f.db -- $PY -c 'import json; print(json.dumps([1]))' </dev/null >out.txt 2>/dev/null
check "... stdout a file: recorded as one" [ "$(flq f.db "SELECT stdio FROM recordings")" = "dev file dev" ]
run_bounded "$FL" replay -d f.db --family seek --every-point -q >/dev/null 2>&1
n=$(flq f.db "SELECT count(*) FROM runs WHERE fault != 'none'")
d=$(flq f.db "SELECT count(*) FROM runs WHERE outcome IN ('diverged', 'not_reached')")
check "stdout a file: $n seek runs, none diverged or not reached ($d)" test "$n" -gt 2 -a "$d" = 0
out=$(flq p.db "SELECT output FROM runs WHERE fault = 'none'")
check "the baseline's output, through the pipe, is in the run's output: $out" has "$out" '^\[1\]'

finish
