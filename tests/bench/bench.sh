#!/usr/bin/env bash
# tests/bench/bench.sh - faultline next to native runs and strace, side by side.
#
# Builds the workloads in tests/bench/*.c into a temporary directory, times
# every measurement BENCH_REPS times (median reported), prints one table on
# stdout and writes it, with a description of the machine, to
# docs/BENCHMARKS.md.  Never a pass/fail test: a missed target is printed
# next to the number, and the exit status is 0 unless the harness itself
# cannot run (no compiler, no ./faultline, a bash without EPOCHREALTIME).
#
# Environment:
#   BENCH_REPS      repetitions per measurement (default 3; median taken)
#   BENCH_SECTIONS  subset of "record size replay sweep isolation query"
#                   (default all)
#   BENCH_QUERY_N   writes in the recording the query section reads (1000000)
#   BENCH_TIMEOUT   seconds after which one measured command is killed (600)
#   BENCH_OUT       where the report goes (default docs/BENCHMARKS.md;
#                   "-" for nowhere)
#   TMPDIR          where the scratch directory is made (it is on the disk
#                   that fdatasync and sqlite's commits hit)

set -u
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
REPS=${BENCH_REPS:-3}
SECTIONS=${BENCH_SECTIONS:-record size replay sweep isolation query}
QUERY_N=${BENCH_QUERY_N:-1000000}
TIMEOUT=${BENCH_TIMEOUT:-600}
OUT_MD=${BENCH_OUT:-$ROOT/docs/BENCHMARKS.md}
CC=${CC:-cc}

die() { echo "bench: $*" >&2; exit 2; }
say() { echo "bench: $*" >&2; }

[ -n "${EPOCHREALTIME:-}" ] || die "bash ${BASH_VERSION} has no EPOCHREALTIME (need bash 5)"
[ -x "$ROOT/faultline" ] || die "no '$ROOT/faultline': run make first"
command -v "$CC" >/dev/null || die "no C compiler '$CC'"
case $REPS in '' | *[!0-9]* | 0) die "BENCH_REPS must be a positive integer, not '$REPS'" ;; esac

HAVE_STRACE=0
command -v strace >/dev/null && HAVE_STRACE=1
HAVE_SQLITE3=0
command -v sqlite3 >/dev/null && HAVE_SQLITE3=1

T=$(mktemp -d "${TMPDIR:-/tmp}/faultline-bench.XXXXXX") || die "cannot make a scratch directory"
trap 'cd /; rm -rf "$T"' EXIT
BIN=$T/bin RUN=$T/run DBS=$T/db
mkdir -p "$BIN" "$RUN" "$DBS" || die "cannot populate '$T'"

# A copy, so that a rebuild by someone else during the run changes nothing.
cp "$ROOT/faultline" "$BIN/faultline" || die "cannot copy faultline"
FL=$BIN/faultline

for src in "$ROOT"/tests/bench/*.c; do
	name=$(basename "$src" .c)
	"$CC" -O2 -pthread -o "$BIN/$name" "$src" || die "cannot build '$src'"
done

#
# Timing.  EPOCHREALTIME is read by the shell itself, so a measurement
# costs no extra process; every column pays the same `timeout` wrapper.
#
T_US=0 T_RC=0
OUTF=/dev/null
timed() {
	local t0 t1
	t0=$EPOCHREALTIME
	timeout -k 5 "$TIMEOUT" "$@" >"$OUTF" 2>&1 </dev/null
	T_RC=$?
	t1=$EPOCHREALTIME
	T_US=$((${t1/./} - ${t0/./}))
	[ "$T_RC" = 124 ] && say "timed out after ${TIMEOUT}s: $*"
}

# timed_fn FUNCTION ARGS: the same for a shell function (no timeout)
timed_fn() {
	local t0 t1
	t0=$EPOCHREALTIME
	"$@" >"$OUTF" 2>&1 </dev/null
	T_RC=$?
	t1=$EPOCHREALTIME
	T_US=$((${t1/./} - ${t0/./}))
}

median() {
	[ $# -eq 0 ] && return
	printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 }
		END { if (NR % 2) print a[(NR + 1) / 2]; else print int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'
}

secs() { [ -n "${1:-}" ] && awk -v u="$1" 'BEGIN { printf "%.3f s", u / 1e6 }' || echo "-"; }
ratio() {
	[ -n "${1:-}" ] && [ -n "${2:-}" ] && [ "$2" -gt 0 ] 2>/dev/null &&
		awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }' || echo "-"
}
# verdict RATIO LIMIT: "met" or "MISSED" (RATIO like 0.53x, LIMIT a number)
verdict() {
	case $1 in -) echo "-"; return ;; esac
	awk -v r="${1%x}" -v l="$2" 'BEGIN { print (r + 0 <= l + 0) ? "met" : "MISSED" }'
}
filesize() {
	local n=0 f
	for f in "$1" "$1-wal" "$1-journal"; do
		[ -f "$f" ] && n=$((n + $(stat -c %s "$f")))
	done
	echo "$n"
}
flq() { "$FL" query --db "$1" "$2" 2>/dev/null; }
rmdb() { rm -f "$1" "$1-wal" "$1-shm" "$1-journal"; }

# The table: one tab-separated line per row.
COLS='section	workload	faultline	native	strace	fl/native	fl/strace	target	verdict	notes'
ROWS=()
row() { ROWS+=("$(printf '%s\t' "$@" | sed 's/\t$//')"); }
NOTES=()
note() { NOTES+=("$*"); }
STRACE_NA="strace not installed"

#
# Workloads.  wl_cmd sets CMD; wl_prep runs untimed before every timed run.
#
WORKLOADS="writes mixed threads forks compute python sqlite tar"
SQL=$T/tx.sql
{
	echo "CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, v TEXT);"
	for ((i = 1; i <= 2000; i++)); do
		echo "BEGIN; INSERT INTO t(v) VALUES('row $i'); COMMIT;"
	done
} >"$SQL"

wl_desc() {
	case $1 in
	writes) echo "200k x write(16 B)" ;;
	mixed) echo "2000 x open/write/fdatasync/close/stat/unlink" ;;
	threads) echo "4 threads x 20k write(16 B)" ;;
	forks) echo "200 x fork/_exit/waitpid" ;;
	compute) echo "~0.3 s arithmetic, 1 write" ;;
	python) echo "python3 -c 'import json, sqlite3, email'" ;;
	sqlite) echo "sqlite3 CLI, 2000 transactions" ;;
	tar) echo "tar cf /dev/null /usr/include" ;;
	esac
}
wl_cmd() {
	case $1 in
	writes) CMD=("$BIN/writes" 200000 "$RUN/writes.out") ;;
	mixed) CMD=("$BIN/mixed" 2000) ;;
	threads) CMD=("$BIN/threads" 4 20000) ;;
	forks) CMD=("$BIN/forks" 200) ;;
	compute) CMD=("$BIN/compute" 150000000 "$RUN/compute.out") ;;
	python) CMD=(/usr/bin/python3 -c 'import json, sqlite3, email') ;;
	sqlite) CMD=(sqlite3 "$RUN/bench.sqlite" ".read $SQL") ;;
	tar) CMD=(tar cf /dev/null /usr/include) ;;
	esac
}
wl_prep() {
	case $1 in
	sqlite) rm -f "$RUN/bench.sqlite" "$RUN/bench.sqlite-journal" ;;
	esac
}
wl_ok() {
	case $1 in
	python) [ -x /usr/bin/python3 ] ;;
	sqlite) [ "$HAVE_SQLITE3" = 1 ] ;;
	tar) command -v tar >/dev/null && [ -d /usr/include ] ;;
	*) true ;;
	esac
}
# Targets: record <= 0.7x strace on the syscall-heavy workloads.
wl_heavy() { [ "$1" != compute ]; }

want() { case " $SECTIONS " in *" $1 "*) true ;; *) false ;; esac; }

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
T_START=$EPOCHREALTIME
cd "$RUN" || die "cannot enter '$RUN'"

#
# record: native, strace -f, faultline record, each repetition in turn.
#
if want record; then
	for w in $WORKLOADS; do
		wl_ok "$w" || { say "skip $w: missing tool"; row record "$w" - - - - - - - "skipped: tool missing"; continue; }
		wl_cmd "$w"
		db=$DBS/rec-$w.db
		nat=() st=() fl=() bad=""
		wl_prep "$w"; timed "${CMD[@]}"  # warm the page cache
		for ((r = 1; r <= REPS; r++)); do
			say "record $w $r/$REPS"
			wl_prep "$w"; timed "${CMD[@]}"; nat+=("$T_US")
			[ "$T_RC" = 0 ] || bad+=" native exit $T_RC;"
			if [ "$HAVE_STRACE" = 1 ]; then
				wl_prep "$w"; timed strace -f -o /dev/null "${CMD[@]}"; st+=("$T_US")
				[ "$T_RC" = 0 ] || bad+=" strace exit $T_RC;"
			fi
			wl_prep "$w"; rmdb "$db"
			timed "$FL" record -q --db "$db" -- "${CMD[@]}"; fl+=("$T_US")
			[ "$T_RC" = 0 ] || bad+=" record exit $T_RC;"
		done
		mn=$(median "${nat[@]}") ms=$(median "${st[@]}") mf=$(median "${fl[@]}")
		calls=$(flq "$db" "select count(*) from syscalls")
		size=$(filesize "$db")
		rs=$(ratio "$mf" "$ms")
		if wl_heavy "$w"; then tgt="<= 0.70x strace"; v=$(verdict "$rs" 0.70); else tgt="-"; v="-"; fi
		[ "$HAVE_STRACE" = 1 ] || v="-"
		bpc=$(awk -v s="$size" -v c="${calls:-0}" 'BEGIN { if (c > 0) printf "%.0f B/call", s / c; else print "? B/call" }')
		[ "$HAVE_STRACE" = 1 ] || bad+=" $STRACE_NA;"
		row record "$w" "$(secs "$mf")" "$(secs "$mn")" "$(secs "$ms")" "$(ratio "$mf" "$mn")" "$rs" "$tgt" "$v" \
			"${calls:-?} calls, $bpc;${bad}"
		[ "$w" = writes ] && WRITES_DB_SIZE=$size WRITES_DB_CALLS=${calls:-0}
	done
fi

#
# size: database bytes per recorded syscall, 200k writes, capture on and off.
#
if want size; then
	wl_cmd writes
	for cap in 4096 0; do
		db=$DBS/size-$cap.db
		if [ "$cap" = 4096 ] && [ -n "${WRITES_DB_SIZE:-}" ]; then
			size=$WRITES_DB_SIZE calls=$WRITES_DB_CALLS
		else
			say "size writes --capture $cap"
			rmdb "$db"
			"$FL" record -q --capture "$cap" --db "$db" -- "${CMD[@]}" >/dev/null 2>&1 </dev/null
			size=$(filesize "$db") calls=$(flq "$db" "select count(*) from syscalls")
		fi
		bpc=$(awk -v s="$size" -v c="${calls:-0}" 'BEGIN { if (c > 0) printf "%.1f", s / c; else print "?" }')
		if [ "$cap" = 4096 ]; then tgt="<= 8 B/call"; v=$(awk -v b="$bpc" 'BEGIN { print (b + 0 <= 8 && b != "?") ? "met" : "MISSED" }'); else tgt="-"; v="-"; fi
		row size "writes --capture $cap" "$bpc B/call" - - - - "$tgt" "$v" \
			"$(awk -v s="$size" 'BEGIN { printf "%.1f MB", s / 1e6 }') for ${calls:-?} calls"
	done
fi

#
# replay: one run with EIO armed on the last write, against the native run
# and strace --seccomp-bpf injecting the same write.
#
if want replay; then
	for w in writes compute mixed; do
		wl_cmd "$w"
		db=$DBS/replay-$w.db
		rmdb "$db"
		say "replay $w: record + analyze"
		"$FL" record -q --db "$db" -- "${CMD[@]}" >/dev/null 2>&1 </dev/null
		"$FL" analyze --db "$db" >/dev/null 2>&1
		P=$(flq "$db" "select max(point) from points where family='write'")
		if [ -z "$P" ]; then
			row replay "$w" - - - - - - - "no write point: record or analyze failed"
			continue
		fi
		IFS='|' read -r N SC TH <<<"$(flq "$db" "select nth, syscall, thread from points where point=$P")"
		# strace 6.1 takes when= up to 65535: past that, time the same
		# seccomp-filtered trace without the injection (same stops, minus one).
		proxy=0
		[ "${N:-0}" -gt 65535 ] && proxy=1
		nat=() rp=() st=() fired="" strc=""
		for ((r = 1; r <= REPS; r++)); do
			say "replay $w $r/$REPS"
			wl_prep "$w"; timed "${CMD[@]}"; nat+=("$T_US")
			OUTF=$T/replay.out
			# -t: replay's default 10 s timeout would cut the 200k-write run
			# --no-baseline: one run of the program, as strace makes one
			timed "$FL" replay --db "$db" --point "$P" --fault EIO -j 1 -q --no-baseline \
				-t "$TIMEOUT"; rp+=("$T_US")
			OUTF=/dev/null
			grep -q ' 0 not_reached' "$T/replay.out" ||
				fired=" fault not reached ($(grep -o '[0-9]* not_reached\|[0-9]* hang' "$T/replay.out" | paste -sd' ' -));"
			if [ "$HAVE_STRACE" = 1 ]; then
				if [ "$proxy" = 1 ]; then
					timed strace -f --seccomp-bpf -o /dev/null -e trace="$SC" "${CMD[@]}"
				else
					timed strace -f --seccomp-bpf -o /dev/null -e trace="$SC" \
						-e inject="$SC":error=EIO:when="$N" "${CMD[@]}"
				fi
				st+=("$T_US") strc=$T_RC
			fi
		done
		mn=$(median "${nat[@]}") mr=$(median "${rp[@]}") ms=$(median "${st[@]}")
		rn=$(ratio "$mr" "$mn") rs=$(ratio "$mr" "$ms")
		if [ "$w" = compute ]; then
			tgt="<= 1.05x native" v=$(verdict "$rn" 1.05)
		else
			tgt="<= 0.80x strace-inject" v=$(verdict "$rs" 0.80)
			[ "$HAVE_STRACE" = 1 ] || v="-"
		fi
		n="point $P = $SC #$N of thread $TH;"
		[ "$proxy" = 1 ] && [ "$HAVE_STRACE" = 1 ] && n+=" strace: when=$N > 65535, timed trace=$SC without inject;"
		[ "$HAVE_STRACE" = 1 ] || n+=" $STRACE_NA;"
		[ "$proxy" = 0 ] && [ -n "$strc" ] && [ "$strc" = 0 ] && n+=" strace inject did not fail the run;"
		row replay "$w" "$(secs "$mr")" "$(secs "$mn")" "$(secs "$ms")" "$rn" "$rs" "$tgt" "$v" "$n$fired"
	done
fi

#
# sweep: every write/fsync/close/open point of a corpus program, faultline
# -j 2 against a shell loop of strace runs, each in a fresh copy of the
# directory, followed by the same check.
#
sweep_one() { # NAME PROG SETUP
	local name=$1 prog=$2 setup=$3 base=$T/sweep-$name db=$DBS/sweep-$1.db
	local check=$ROOT/corpus/$name/check.sh
	rm -rf "$base"; mkdir -p "$base"; cp "$prog" "$base/" || return
	rmdb "$db"
	say "sweep $name: record"
	(cd "$base" && { [ -z "$setup" ] || sh "$setup"; } &&
		"$FL" record -q --db "$db" -- "./$(basename "$prog")") >/dev/null 2>&1 </dev/null
	# back to the state before the recording: only the program (and what
	# --setup makes) is there when a run starts
	find "$base" -mindepth 1 ! -name "$(basename "$prog")" -delete
	"$FL" analyze --db "$db" >/dev/null 2>&1
	# the points replay runs by default: not the dynamic loader's startup
	local ids
	ids=$("$FL" analyze --db "$db" --json --no-std --family write,fsync,close,open 2>/dev/null |
		grep '"point": ' | grep -v '"loader": true' |
		grep -o '"point": [0-9]*' | grep -o '[0-9]*' | paste -sd, -)
	# per point: syscall, first errno of its family, nth call of that
	# syscall in its thread (strace's when= counts per syscall name)
	flq "$db" "select p.point, p.syscall,
			substr(p.errnos, 1, instr(p.errnos || ' ', ' ') - 1),
			(select count(*) from syscalls s where s.rec = p.rec and s.tid = x.tid
				and s.name = p.syscall and s.seq <= p.seq)
		from points p join syscalls x on x.rec = p.rec and x.seq = p.seq
		where p.rec = (select max(rec) from recordings) and p.point in (${ids:-0})
		order by p.point" >"$T/sweep-$name.points"
	local npts
	npts=$(grep -c . "$T/sweep-$name.points")
	local fla=() sta=() flruns="" flbroken="" stbroken=0 r
	local setopt=()
	[ -n "$setup" ] && setopt=(--setup "sh $setup")
	for ((r = 1; r <= REPS; r++)); do
		say "sweep $name $r/$REPS"
		OUTF=$T/sweep.out
		timed "$FL" replay --db "$db" --family write,fsync,close,open --no-std -q \
			"${setopt[@]}" --check "sh $check" -j 2
		OUTF=/dev/null
		fla+=("$T_US")
		flruns=$(grep -o '^[0-9]* runs over' "$T/sweep.out" | grep -o '^[0-9]*')
		flbroken=$(grep -o '[0-9]* broken' "$T/sweep.out" | tail -n 1 | grep -o '^[0-9]*')
		if [ "$HAVE_STRACE" = 1 ]; then
			OUTF=/dev/null
			timed_fn strace_loop "$name" "$base" "$(basename "$prog")" "$setup" "$check"
			sta+=("$T_US")
			stbroken=$(cat "$T/loop.broken")
		fi
	done
	local mf ms rs v
	mf=$(median "${fla[@]}") ms=$(median "${sta[@]}")
	rs=$(ratio "$mf" "$ms") v=$(verdict "$rs" 0.30)
	[ "$HAVE_STRACE" = 1 ] || v="-"
	local loop="strace loop $npts runs ($stbroken check failures)"
	[ "$HAVE_STRACE" = 1 ] || loop="$STRACE_NA: no loop"
	row sweep "$name" "$(secs "$mf")" - "$(secs "$ms")" - "$rs" "<= 0.30x strace loop" "$v" \
		"faultline ${flruns:-?} runs (${flbroken:-?} broken); $loop"
}
# One strace run per point, each in a fresh copy of the directory, then the check.
strace_loop() { # NAME BASE PROG SETUP CHECK
	local name=$1 base=$2 prog=$3 setup=$4 check=$5 pt sc err n rc broken=0
	local d=$T/loop-$name
	while IFS='|' read -r pt sc err n; do
		rm -rf "$d"; cp -a "$base" "$d"
		cd "$d" || return 1
		[ -z "$setup" ] || sh "$setup"
		strace -f -o /dev/null -e inject="$sc":error="$err":when="$n" "./$prog" >/dev/null 2>&1
		rc=$?
		FAULTLINE_EXIT=$rc FAULTLINE_POINT=$pt sh "$check" >/dev/null 2>&1 || broken=$((broken + 1))
		cd "$RUN" || return 1
	done <"$T/sweep-$name.points"
	rm -rf "$d"
	echo "$broken" >"$T/loop.broken"
}
if want sweep; then
	sweep_one fsyncok "$ROOT/corpus/fsyncok/fsyncok" ""
	sweep_one tornsave "$ROOT/corpus/tornsave/tornsave" "$ROOT/corpus/tornsave/setup.sh"
fi

#
# isolation: the same sweep with each run's whole filesystem private
# (--isolate all, the default) and with the working directory alone
# (--isolate cwd, the isolation before whole-filesystem overlays), -j 1,
# --fire-anyway (no unwind at the armed call: the isolation alone); then
# the default (the divergence check's unwind too).  Per-run overhead =
# time difference / runs.
#
if want isolation; then
	base=$T/iso && db=$DBS/iso.db
	rm -rf "$base"; mkdir -p "$base"; cp "$ROOT/corpus/fsyncok/fsyncok" "$base/"
	rmdb "$db"
	(cd "$base" && "$FL" record -q --db "$db" -- ./fsyncok) >/dev/null 2>&1 </dev/null
	find "$base" -mindepth 1 ! -name fsyncok -delete
	ic=() ia=() id=() iruns=""
	for ((r = 1; r <= REPS; r++)); do
		say "isolation $r/$REPS"
		OUTF=$T/iso.out
		timed "$FL" replay --db "$db" --no-std -q -j 1 --no-baseline --isolate cwd --fire-anyway
		ic+=("$T_US")
		iruns=$(grep -o '^[0-9]* runs over' "$T/iso.out" | grep -o '^[0-9]*')
		timed "$FL" replay --db "$db" --no-std -q -j 1 --no-baseline --isolate all --fire-anyway
		ia+=("$T_US")
		timed "$FL" replay --db "$db" --no-std -q -j 1 --no-baseline
		id+=("$T_US")
		OUTF=/dev/null
	done
	mc=$(median "${ic[@]}") ma=$(median "${ia[@]}") md=$(median "${id[@]}")
	per() { awk -v a="$1" -v b="$2" -v n="${iruns:-0}" 'BEGIN { if (n > 0) printf "%+.1f ms", (a - b) / n / 1000; else print "-" }'; }
	row isolation "fsyncok sweep" "$(secs "$ma")" "$(secs "$mc")" - "$(ratio "$ma" "$mc")" - \
		"per-run overhead" - "${iruns:-?} runs; whole filesystem vs cwd only: $(per "$ma" "$mc") per run; with the divergence check's unwind: $(per "$md" "$mc") per run (the native column is --isolate cwd)"
fi

#
# query: GROUP BY over a recording of about BENCH_QUERY_N syscalls.
#
if want query; then
	db=$DBS/query.db
	rmdb "$db"
	say "query: recording $QUERY_N writes at --capture 0 (once)"
	timed "$FL" record -q --capture 0 --db "$db" -- "$BIN/writes" "$QUERY_N" "$RUN/query.out"
	build_us=$T_US
	rm -f "$RUN/query.out"
	calls=$(flq "$db" "select count(*) from syscalls")
	sql="select name, count(*) from syscalls group by name"
	qs=()
	timed "$FL" query --db "$db" "$sql"  # warm the page cache
	for ((r = 1; r <= REPS; r++)); do
		say "query $r/$REPS"
		timed "$FL" query --db "$db" "$sql"; qs+=("$T_US")
	done
	mq=$(median "${qs[@]}")
	v=$(awk -v u="$mq" 'BEGIN { print (u <= 300000) ? "met" : "MISSED" }')
	row query "group by name" "$(secs "$mq")" - - - - "<= 0.300 s" "$v" \
		"${calls:-?} rows, $(awk -v s="$(filesize "$db")" 'BEGIN { printf "%.0f MB", s / 1e6 }'); built by one record in $(secs "$build_us")"
fi

#
# Where a traced call's time goes: the tracer's own syscalls per traced
# syscall (strace -c on the tracer, 20k writes, main thread of the tracer).
#
PROFILE=""
if [ "$HAVE_STRACE" = 1 ] && want record; then
	say "profile: tracer syscalls per traced write"
	per_call() { # FILE: "T tracer syscalls per traced call: name n ..."
		awk -v n=20000 '$1 ~ /^[0-9.]+$/ && (NF == 5 || NF == 6) && $NF != "total" {
				tot += $4; c[$NF] = $4
			}
			END {
				s = sprintf("%.1f tracer syscalls per traced call:", tot / n)
				for (name in c) if (c[name] / n >= 0.5) s = s sprintf(" %s %.1f", name, c[name] / n)
				print s
			}' "$1"
	}
	rmdb "$DBS/prof.db"
	strace -c -o "$T/prof-fl.txt" "$FL" record -q --capture 0 --db "$DBS/prof.db" -- "$BIN/writes" 20000 "$RUN/prof.out" >/dev/null 2>&1
	strace -c -o "$T/prof-st.txt" strace -f -o /dev/null "$BIN/writes" 20000 "$RUN/prof.out" >/dev/null 2>&1
	PROFILE="faultline record --capture 0: $(per_call "$T/prof-fl.txt")
strace -f: $(per_call "$T/prof-st.txt")"
fi

T_END=$EPOCHREALTIME
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
TOTAL=$(awk -v a="${T_START/./}" -v b="${T_END/./}" 'BEGIN { printf "%.0f", (b - a) / 1e6 }')

#
# Report.
#
table() { # aligned markdown
	printf '%s\n' "$COLS" "${ROWS[@]}" | awk -F'\t' '
		{ for (i = 1; i <= NF; i++) { cell[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } if (NF > nf) nf = NF; n = NR }
		END {
			for (r = 1; r <= n; r++) {
				line = "|"
				for (i = 1; i <= nf; i++) line = line sprintf(" %-*s |", w[i], cell[r, i])
				print line
				if (r == 1) {
					line = "|"
					for (i = 1; i <= nf; i++) { d = ""; for (j = 0; j < w[i]; j++) d = d "-"; line = line sprintf(" %s |", d) }
					print line
				}
			}
		}'
}

COMMIT=$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)
[ "$COMMIT" != unknown ] && (cd "$ROOT" && GIT_OPTIONAL_LOCKS=0 git status --porcelain -uno 2>/dev/null | grep -q .) &&
	COMMIT="$COMMIT (with uncommitted changes)"
CPU=$(grep -m1 '^model name' /proc/cpuinfo | sed 's/^[^:]*: *//')
STRACE_V=$( [ "$HAVE_STRACE" = 1 ] && strace -V | head -n 1 || echo "not installed")
MACHINE="- date: $(date -u '+%Y-%m-%d %H:%M UTC')
- faultline commit: $COMMIT
- CPU: ${CPU:-unknown}, nproc $(nproc)
- kernel: $(uname -r)
- strace: $STRACE_V; sqlite3: $( [ "$HAVE_SQLITE3" = 1 ] && sqlite3 --version | cut -d' ' -f1 || echo none); $(/usr/bin/python3 --version 2>&1)
- scratch directory: $(df -T "$T" | awk 'NR == 2 { print $2 }') ($(dirname "$T"))
- repetitions: $REPS (median); total bench time ${TOTAL} s
- load average: $LOAD_START at start, $LOAD_END at end"

TABLE=$(table)
echo "$TABLE"
echo
echo "$MACHINE"
[ -n "$PROFILE" ] && printf '\n%s\n' "$PROFILE"

workload_list() {
	local w
	for w in $WORKLOADS; do echo "- \`$w\`: $(wl_desc "$w")"; done
}

# Notes written by hand below this line of the report are kept across runs.
MARK='<!-- everything below this line is kept by bench.sh across runs -->'
if [ "$OUT_MD" != - ]; then
	mkdir -p "$(dirname "$OUT_MD")"
	KEPT=""
	[ -f "$OUT_MD" ] && KEPT=$(sed -n "/^$MARK\$/,\$p" "$OUT_MD" | sed 1d)
	cat >"$OUT_MD" <<EOF
# Benchmarks

Written by \`make bench\` (\`tests/bench/bench.sh\`); rerun it to refresh this
file.  It is never a pass/fail test: the targets are printed next to the
numbers.

## Machine

$MACHINE

## Results

$TABLE

Columns: \`faultline\` is the faultline command's wall time (median of
$REPS), \`native\` the program alone, \`strace\` the strace baseline of the
section; the ratios divide the faultline column by them.

## Tracer cost per traced call

\`strace -c\` on the tracer itself while it traces 20000 writes (main
thread of the tracer only):

\`\`\`
${PROFILE:-not measured (needs strace and the record section)}
\`\`\`

## What is measured

Workloads (\`tests/bench/*.c\`, built with \`cc -O2\`, plus stock programs):

$(workload_list)

- **record**: \`faultline record -q --db NEW.db -- CMD\` against CMD alone
  and \`strace -f -o /dev/null CMD\`.  The notes give the syscalls recorded
  and the database bytes per syscall.  Target: at most 0.7x strace on the
  syscall-heavy workloads (all but \`compute\`).
- **size**: database bytes per recorded syscall for \`writes\`, with the
  default \`--capture 4096\` (target: at most 8) and with \`--capture 0\`.
- **isolation**: a sweep of \`fsyncok\` (-j 1, no baseline) with every run's
  whole filesystem private (\`--isolate all\`, the default) against the
  working directory alone (\`--isolate cwd\`, in the native column), both
  with \`--fire-anyway\`; the notes give the per-run difference, and the
  same with the divergence check (one unwind per run).  Never a target.
- **replay**: one run with EIO armed on the last write point
  (\`max(point)\` of family write after \`faultline analyze\`):
  \`faultline replay --db F --point P --fault EIO -j 1 -q --no-baseline\`
  (one run of the program, as strace makes one; a sweep's baseline run is
  in the sweep section), against the
  program alone and \`strace -f --seccomp-bpf -o /dev/null -e trace=write
  -e inject=write:error=EIO:when=N CMD\` for the same write.  The replay
  gets \`-t $TIMEOUT\` because its default 10 s run timeout can cut the
  \`writes\` run short.  The replay
  time includes faultline's own start, its reading of the recording, the
  run directory (overlay) and the recording of the run's outcome.  strace
  6.1 accepts \`when=\` up to 65535: for \`writes\` (N = 200000) the strace
  column is the same seccomp-filtered trace without the injection, which
  stops at the same 200000 writes.  Targets: at most 1.05x native for
  \`compute\`, at most 0.8x strace-inject for the others.
- **sweep**: every write/fsync/close/open point (no [std] points) of a
  corpus program with its \`check.sh\` (and \`setup.sh\`):
  \`faultline replay --family write,fsync,close,open --no-std --check ...
  -j 2\` against a shell loop that, per point, copies the directory, runs
  \`strace -f -o /dev/null -e inject=SYSCALL:error=ERRNO:when=N PROG\`
  (ERRNO the family's first errno, N counted per syscall name as strace
  counts) and then the check.  faultline's time includes its baseline
  run (the loop has none) and runs only the points the default plans.
  Target: at most 0.3x the loop.
- **query**: \`faultline query --db F "select name, count(*) from syscalls
  group by name"\` over a recording of $QUERY_N writes made with
  \`--capture 0\`.  Target: at most 0.3 s.

The machine is shared: other jobs running at the same time show in the load
average above and make single numbers noisy; the repetitions of the three
columns of a row are interleaved so that a burst of load hits them alike.

$MARK
${KEPT:-
## Analysis

(Hand-written notes on the numbers go here; bench.sh keeps them.)}
EOF
	say "wrote $OUT_MD"
fi
say "done in ${TOTAL} s"
exit 0
