#!/bin/bash
# tests/e2e/robust.sh - the tracer under hard cases: job control, signals
# interrupting blocking calls, exec from a thread, vfork, SIGKILL, many
# threads, a deep process chain, and faultline itself interrupted or killed.
#
# Synchronisation is by pipes, fifos and wait; the only polling loops wait
# for a condition (rows visible in the database, a process gone), bounded.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

for p in stopchild sigread threadexec vforkexec manythreads forkchain blocker affinity; do
	build_prog "$p" || finish
done
B=$TMP/bin

# rec NAME CMD... : record CMD into $TMP/NAME.db; sets $rc and $db.
rec() {
	db=$TMP/$1.db
	shift
	run_bounded "$FL" record -q --db "$db" -- "$@" >"$db.out" 2>&1 </dev/null
	rc=$?
}

# expect DESC WANT GOT: pass if equal, else fail and show both.
expect() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1"
		note "want: $(printf '%s' "$2" | tr '\n' ' ')"
		note "got:  $(printf '%s' "$3" | tr '\n' ' ')"
	fi
}

# summary of a recording: "exit_code complete" and ncalls = rows stored
recstate() { flq "$db" "select exit_code || ' ' || complete from recordings"; }
rows_match() {
	[ "$(flq "$db" "select ncalls = (select count(*) from syscalls) from recordings")" = 1 ]
}

# --- (a) SIGSTOP / SIGCONT -------------------------------------------------
rec stopchild "$B/stopchild"
expect "stop/cont: a child stops itself, its parent sees it stopped, continues and reaps it (exit 0)" 0 "$rc"
expect "stop/cont: recording complete, exit_code 0" "0 1" "$(recstate)"
expect "stop/cont: 2 processes, exit codes 0 (parent) and 7 (child)" "1|0
1.1|7" "$(flq "$db" "select ident, exit_code from processes order by ident")"
expect "stop/cont: the child's raise(SIGSTOP) is recorded" 1 \
	"$(flq "$db" "select count(*) > 0 from syscalls s join processes p on p.tid = s.tid
	              where p.ident = '1.1' and s.name in ('tgkill', 'kill') and s.args like '%SIGSTOP%'")"

# --- (b) a handler interrupts a blocking read on a pipe --------------------
# The parent's calls on its pipe and in the handler, in seq (entry) order.
pipe_story() {
	flq "$db" "select s.name || ' ' || coalesce(s.errno, s.ret) from syscalls s
	           join processes p on p.tid = s.tid
	           where p.ident = '1' and s.seq > (select max(seq) from syscalls where name = 'clone')
	             and s.name in ('read', 'write', 'rt_sigreturn') order by s.seq"
}
rec sigread-restart "$B/sigread" restart
expect "SA_RESTART: read restarted, never EINTR, program saw the byte (exit 0)" 0 "$rc"
expect "SA_RESTART: recording complete, exit_code 0" "0 1" "$(recstate)"
expect "SA_RESTART: one logical read returning 1, the handler's write, rt_sigreturn" \
	"read 1
write 1
rt_sigreturn 0" "$(pipe_story)"
expect "SA_RESTART: the restarted read keeps its decoded arguments" 1 \
	"$(flq "$db" "select count(*) from syscalls where name = 'read' and fdkind = 'pipe' and args like '%<pipe:[%, \"x\", 1'")"
check "SA_RESTART: every call counted is stored (ncalls = rows)" rows_match

rec sigread-norestart "$B/sigread" norestart
expect "no SA_RESTART: first read fails with EINTR, second gets the byte (exit 0)" 0 "$rc"
expect "no SA_RESTART: recording complete, exit_code 0" "0 1" "$(recstate)"
expect "no SA_RESTART: read EINTR, the handler's write, rt_sigreturn EINTR, read 1" \
	"read EINTR
write 1
rt_sigreturn EINTR
read 1" "$(pipe_story)"
check "no SA_RESTART: every call counted is stored (ncalls = rows)" rows_match

# --- (c) execve from a thread that is not the main thread -------------------
rec threadexec "$B/threadexec" /bin/true
expect "exec from a thread: exit 0" 0 "$rc"
expect "exec from a thread: recording complete, exit_code 0" "0 1" "$(recstate)"
expect "exec from a thread: the execve of /bin/true is recorded, returning 0" 1 \
	"$(flq "$db" "select count(*) from syscalls where name = 'execve' and args like '\"/bin/true\"%' and ret = 0")"
expect "exec from a thread: /bin/true's exit_group is the last call" exit_group \
	"$(flq "$db" "select name from syscalls order by seq desc limit 1")"
check "exec from a thread: every call counted is stored (ncalls = rows)" rows_match

# --- (d) vfork + exec -----------------------------------------------------------
rec vforkexec "$B/vforkexec" /bin/sh -c 'exit 3'
expect "vfork+exec: the child's exit status 3 comes through" 3 "$rc"
expect "vfork+exec: recording complete, exit_code 3" "3 1" "$(recstate)"
expect "vfork+exec: 2 processes, both exit 3" "1|3
1.1|3" "$(flq "$db" "select ident, exit_code from processes order by ident")"
expect "vfork+exec: vfork in the parent, execve of /bin/sh in the child" "1|vfork
1.1|execve" "$(flq "$db" "select p.ident, s.name from syscalls s join processes p on p.tid = s.tid
                         where s.name = 'vfork' or (s.name = 'execve' and s.args like '\"/bin/sh\"%')
                         order by p.ident")"

# --- (e) a program that SIGKILLs itself ---------------------------------------
rec selfkill sh -c 'kill -9 $$'
expect "SIGKILL: faultline exits 137 like a shell would" 137 "$rc"
expect "SIGKILL: recording complete, exit_code 137" "137 1" "$(recstate)"

# --- (f) 200 threads ----------------------------------------------------------------
rec manythreads "$B/manythreads" 200
expect "200 threads: exit 0" 0 "$rc"
expect "200 threads: 201 distinct tids in syscalls" 201 \
	"$(flq "$db" "select count(distinct tid) from syscalls")"
expect "200 threads: 201 rows in processes, 200 of them threads" "201 200" \
	"$(flq "$db" "select count(*) || ' ' || sum(is_thread) from processes")"
expect "200 threads: 200 writes of 1 byte to /dev/null" 200 \
	"$(flq "$db" "select count(*) from syscalls where name = 'write' and path = '/dev/null' and ret = 1")"
check "200 threads: every call counted is stored (ncalls = rows)" rows_match

# --- (g) a chain of 100 forks ---------------------------------------------------------
rec forkchain "$B/forkchain" 100
expect "fork chain 100 deep: exit 0" 0 "$rc"
expect "fork chain 100 deep: 101 processes with 101 distinct idents" "101 101" \
	"$(flq "$db" "select count(*) || ' ' || count(distinct ident) from processes where is_thread = 0")"
expect "fork chain 100 deep: recording complete" "0 1" "$(recstate)"

# --- (g2) CPU placement: one CPU while single-threaded, the full mask after -----
# The program prints its CPU count from the main thread, then from a second
# thread while both exist (a new thread is placed before it first runs).
ncpu=$(nproc)
if [ "$ncpu" -ge 2 ]; then
	rec affinity "$B/affinity"
	expect "placement: single-threaded, the program shares faultline's one CPU" \
		"main 1|thread $ncpu" "$(tr '\n' '|' <"$db.out" | sed 's/|$//')"
	run_bounded "$FL" record -q --no-pin --db "$TMP/nopin.db" -- "$B/affinity" \
		>"$TMP/nopin.out" 2>&1 </dev/null
	expect "placement: --no-pin leaves the mask alone" "main $ncpu|thread $ncpu" \
		"$(tr '\n' '|' <"$TMP/nopin.out" | sed 's/|$//')"
	rec taskset taskset -c 0 "$B/affinity"
	expect "placement: a mask the program set itself is kept (taskset -c 0)" \
		"main 1|thread 1" "$(tr '\n' '|' <"$db.out" | sed 's/|$//')"
else
	note "SKIP placement: one CPU, nothing to place (not counted)"
fi

# --- (h, i, j) faultline interrupted or killed mid-run ---------------------------------
# blocker makes NCALLS getppid calls (more than one store batch, so rows are
# committed while it runs), prints "ready", and blocks in pause().
NCALLS=10000

# Wait until the recording in $db has committed rows: a bounded poll for a
# condition.
wait_rows() {
	local i
	for ((i = 0; i < 200; i++)); do
		[ "$(flq "$db" "select count(*) > 0 from syscalls" 2>/dev/null)" = 1 ] && return 0
		sleep 0.05
	done
	return 1
}

# Wait until no process has $1 in its command line (bounded poll).
wait_gone() {
	local i
	for ((i = 0; i < 200; i++)); do
		pgrep -f -- "$1" >/dev/null || return 0
		sleep 0.05
	done
	return 1
}

# Wait until background job $1 has exited (bounded poll); SIGKILL it if it
# has not.  bash's job table, not kill -0: a reaped pid may be reused.
running() { [[ " $(jobs -pr) " == *" $1 "* ]]; }
wait_exit() {
	local i
	for ((i = 0; i < 600; i++)); do
		running "$1" || return 0
		sleep 0.05
	done
	running "$1" && kill -KILL "$1"
	return 1
}

# stop_midrun NAME SIGNAL: record blocker, deliver SIGNAL to faultline once
# the program blocks and rows are committed; sets $db, $rc, $marker.
# faultline runs without the `timeout` wrapper so the signal reaches it
# directly; wait_exit is the safety net.
stop_midrun() {
	local name=$1 sig=$2 line
	db=$TMP/$name.db
	marker=faultline-e2e-$name-$$-$RANDOM
	rm -f "$TMP/$name.fifo"
	mkfifo "$TMP/$name.fifo"
	"$FL" record -q --db "$db" -- "$B/blocker" $NCALLS "$marker" \
		>"$TMP/$name.fifo" 2>"$db.err" </dev/null &
	local pid=$!
	BG_PIDS+=("$pid")
	exec 3<"$TMP/$name.fifo"
	if ! read -r -t 60 line <&3 || [ "$line" != ready ]; then
		fail "SIG$sig to faultline: the program did not start"
	elif ! wait_rows; then
		fail "SIG$sig to faultline: no committed rows visible while the program runs"
	fi
	kill -"$sig" "$pid"
	# (stderr off: no "Killed" job notice from bash)
	{
		wait_exit "$pid" || fail "SIG$sig to faultline: faultline did not exit"
		wait "$pid"
		rc=$?
	} 2>/dev/null
	BG_PIDS=()   # reaped: its pid may be reused, never kill it later
	exec 3<&-
}

for sig in INT TERM; do
	case $sig in INT) want=130 ;; TERM) want=143 ;; esac
	stop_midrun "sig$sig" "$sig"
	expect "SIG$sig to faultline: exits $want" "$want" "$rc"
	expect "SIG$sig to faultline: one line on stderr" 1 "$(wc -l <"$db.err")"
	expect "SIG$sig to faultline: the database opens, every getppid kept" "$NCALLS" \
		"$(flq "$db" "select count(*) from syscalls where name = 'getppid'")"
	expect "SIG$sig to faultline: the blocked pause() is kept, unfinished" "pause|" \
		"$(flq "$db" "select name, ret from syscalls order by seq desc limit 1")"
	expect "SIG$sig to faultline: recording marked incomplete" 0 \
		"$(flq "$db" "select complete from recordings")"
	if pgrep -f -- "$marker" >/dev/null; then
		fail "SIG$sig to faultline: the traced program is gone"
	else
		pass "SIG$sig to faultline: the traced program is gone"
	fi
done

stop_midrun sigKILL KILL
expect "SIGKILL to faultline: killed (status 137)" 137 "$rc"
expect "SIGKILL to faultline: the database passes integrity_check" ok \
	"$(flq "$db" "pragma integrity_check")"
n=$(flq "$db" "select count(*) from syscalls")
if [ "${n:-0}" -gt 0 ] 2>/dev/null &&
   [ "$(flq "$db" "select count(*) from (select rec, seq, name, args, ret, errno, path, fdkind, ts, dur, fl_data(data) from syscalls)")" = "$n" ] &&
   run_bounded "$FL" show --db "$db" >"$db.show" 2>/dev/null &&
   [ "$(grep -c '^\[pid' "$db.show")" -ge "$n" ] 2>/dev/null; then
	pass "SIGKILL to faultline: all $n committed rows readable (query and show)"
else
	fail "SIGKILL to faultline: committed rows readable (rows: ${n:-none})"
fi
expect "SIGKILL to faultline: recording marked incomplete" 0 \
	"$(flq "$db" "select complete from recordings")"
check "SIGKILL to faultline: the traced program is gone (PTRACE_O_EXITKILL)" wait_gone "$marker"

finish
