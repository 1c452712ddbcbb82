#!/usr/bin/env bash
# e2e: every outcome means what it says.  A baseline run before each sweep;
# injected close errors release the fd; faults that cannot happen at a call
# are not planned (and refused when asked for explicitly); a retry that
# completes is `retried`, not `silent`; bisect reruns a run with the options
# of the sweep that made it.  Real programs (sh, cat) and small C programs.
. "$(dirname "$0")/lib.sh"

mkdir -p "$TMP/bin"
build_prog closepipe || finish
build_prog retryonce || finish
build_prog teecopy || finish
q() { flq "$@"; }

# --- injected close errors release the descriptor -------------------------
D=$TMP/close && mkdir -p "$D" && cd "$D" || exit 2
run_bounded "$FL" record -q -d t.db -- "$TMP/bin/closepipe" >/dev/null 2>&1
run_bounded "$FL" analyze -d t.db >/dev/null 2>&1
pt=$(q t.db "SELECT point FROM points WHERE family = 'close' AND path LIKE 'pipe:%' AND thread = '1' ORDER BY point DESC LIMIT 1")
run_bounded "$FL" replay -d t.db --point "$pt" --fault EIO -t 5 -q >/dev/null 2>&1
oc=$(q t.db "SELECT outcome FROM runs WHERE sweep = $last_sweep AND point = $pt")
check "EIO on close of a pipe's write end: the reader still sees EOF ($oc, not hang)" \
	[ "$oc" = silent ]
run_bounded "$FL" replay -d t.db --family close --fault EIO,EINTR --no-std -t 5 -q >/dev/null 2>&1
n=$(q t.db "SELECT count(*) FROM runs WHERE sweep = $last_sweep AND outcome = 'hang'")
check "no close fault of closepipe hangs ($n hangs)" [ "$n" = 0 ]

# --- the baseline run -----------------------------------------------------
n=$(q t.db "SELECT count(*) || ' ' || group_concat(outcome) FROM runs WHERE sweep = $last_sweep AND fault = 'none' AND point = 0")
check "the sweep stored its baseline run: fault none, clean ($n)" [ "$n" = "1 clean" ]
# a program that no longer makes its recorded calls: the baseline says so
D=$TMP/diverge && mkdir -p "$D" && cd "$D" || exit 2
marker=$TMP/marker && : > "$marker"
run_bounded "$FL" record -q -d t.db -- sh -c "if [ -e $marker ]; then echo a > o1; echo b > o2; fi" \
	>/dev/null 2>&1
rm -f "$marker"
run_bounded "$FL" replay -d t.db --family write --path '*/o?' -q >"$TMP/o" 2>&1; rc=$?
check "a run that no longer reaches the recorded points: exit $rc, one line" \
	sh -c "[ $rc = 2 ] && [ \$(wc -l < '$TMP/o') = 1 ] && grep -q 'did not reach 2 of 2 planned fault points' '$TMP/o'"
note "$(cat "$TMP/o")"
run_bounded "$FL" replay -d t.db --family write --path '*/o?' --no-baseline -q >/dev/null 2>&1
rc=$?
n=$(q t.db "SELECT count(*) FROM runs WHERE sweep = $last_sweep AND outcome = 'not_reached'")
check "--no-baseline sweeps anyway: exit $rc, 2 not_reached" [ "$rc:$n" = "0:2" ]

# --- faults that cannot happen are refused or not planned ------------------
D=$TMP/sizes && mkdir -p "$D" && cd "$D" || exit 2
run_bounded "$FL" record -q -d t.db -- sh -c 'printf x > one.txt; printf hello > five.txt; cat five.txt > /dev/null' \
	>/dev/null 2>&1
run_bounded "$FL" replay -d t.db --family stat --fault eintr -q >"$TMP/o" 2>&1; rc=$?
check "eintr on stat calls is refused: exit $rc, one line naming --any-errno" \
	sh -c "[ $rc = 2 ] && [ \$(wc -l < '$TMP/o') = 1 ] && grep -q 'EINTR: none of the .* --any-errno' '$TMP/o'"
run_bounded "$FL" replay -d t.db --family stat --fault EMFILE -q >"$TMP/o" 2>&1; rc=$?
check "EMFILE on stat calls is refused: exit $rc" \
	sh -c "[ $rc = 2 ] && grep -q 'EMFILE: none of the' '$TMP/o'"
run_bounded "$FL" replay -d t.db --family stat --fault eintr --any-errno -q >/dev/null 2>&1; rc=$?
check "--any-errno injects it anyway (exit $rc)" [ "$rc" -le 1 ]
out=$(run_bounded "$FL" replay -d t.db --family write --fault short --path '*.txt' 2>&1); rc=$?
n=$(q t.db "SELECT count(*) FROM runs WHERE sweep = $last_sweep AND outcome = 'not_reached'")
r=$(q t.db "SELECT count(*) FROM runs WHERE sweep = $last_sweep AND fault = 'short'")
check "short is not planned on a 1-byte write: $r run, $n not_reached, exit $rc" \
	sh -c "[ $rc -le 1 ] && [ $r = 1 ] && [ $n = 0 ]"
check "... and the summary says how many were skipped and why" \
	has "$out" "^1 run not planned (short: the recorded call moved 0 or 1 byte"
run_bounded "$FL" replay -d t.db --family write --fault short --path '*one.txt' -q >"$TMP/o" 2>&1
rc=$?
check "short on only a 1-byte write: exit $rc, nothing to plan, says why" \
	sh -c "[ $rc = 2 ] && grep -q 'no run to plan: short' '$TMP/o'"
run_bounded "$FL" replay -d t.db --family read --fault eintr --path '*five.txt' -q >"$TMP/o" 2>&1
rc=$?
check "eintr on a regular file's read is refused: exit $rc" \
	sh -c "[ $rc = 2 ] && grep -q 'regular files' '$TMP/o'"

# --- a completed retry is `retried` -----------------------------------------
D=$TMP/retry && mkdir -p "$D" && cd "$D" || exit 2
run_bounded "$FL" record -q -d t.db -- sh -c 'printf abc | cat > out.txt' >/dev/null 2>&1
run_bounded "$FL" replay -d t.db --family read --fault eintr,short --path 'pipe:*' \
	--check 'test "$(cat out.txt)" = abc' -q >/dev/null 2>&1; rc=$?
got=$(q t.db "SELECT group_concat(outcome || '=' || n) FROM (SELECT outcome, count(*) n FROM runs WHERE sweep = $last_sweep AND fault != 'none' GROUP BY 1)")
check "cat reissues a read that got EINTR or a short count: all retried ($got), exit $rc" \
	[ "$rc:$got" = "0:retried=3" ]
# ... while a swallowed error stays silent (the check is the judge)
D=$TMP/swallow && mkdir -p "$D" && cd "$D" || exit 2
run_bounded "$FL" record -q -d t.db -- "$TMP/bin/retryonce" >/dev/null 2>&1
run_bounded "$FL" replay -d t.db --family write --fault EIO --no-std -q >/dev/null 2>&1
oc=$(q t.db "SELECT group_concat(outcome) FROM runs WHERE sweep = $last_sweep AND fault = 'EIO'")
check "retryonce: one EIO is retried and the data lands: silent, not retried ($oc)" [ "$oc" = silent ]

# --- bisect reruns with the sweep's options (--persist) --------------------
run_bounded "$FL" replay -d t.db --family write --fault EIO --no-std --persist \
	--check 'grep -q record out.txt' -q >/dev/null 2>&1; rc=$?
run=$(q t.db "SELECT run FROM runs WHERE sweep = $last_sweep AND outcome = 'broken' LIMIT 1")
check "replay --persist: retryonce's second failure loses the record (exit $rc, run $run)" \
	test "$rc" = 1 -a -n "$run"
out=$(run_bounded "$FL" bisect -d t.db --run "${run:-0}" -q 2>&1); rc=$?
check "bisect --run $run reruns it with --persist: exit $rc, shrinks, repro has --persist" \
	sh -c "[ $rc = 1 ] && printf '%s' \"\$1\" | grep -q '^repro: .*--persist'" _ "$out"
out=$(run_bounded "$FL" fuzz -d t.db --runs 2 --faults 1 --family write --persist \
	--check 'grep -q record out.txt' -q 2>&1)
opt=$(q t.db "SELECT options FROM sweep WHERE id = $last_sweep")
check "fuzz --persist is kept with its sweep ($opt)" has "$opt" "--persist"

# --- a syscall added as one row: tee(2) ---------------------------------------
# systab.c's row for tee (FAM_WRITE, SF_TARGET_1 | SF_SHORT | SF_EINTR) is all
# faultline knows about it; decoding, the point, both faults follow from it.
# By hand: strace -f -e inject=tee:error=EIO:when=1 gives the same exit 1.
D=$TMP/tee && mkdir -p "$D" && cd "$D" || exit 2
teecmd="printf 'hello tee\\n' | $TMP/bin/teecopy out.txt"
run_bounded "$FL" record -q -d t.db -- sh -c "$teecmd" >/dev/null 2>&1
call=$(run_bounded "$FL" show -d t.db 2>/dev/null | grep -m1 ' tee(')
check "record decodes tee with its fds: ${call#*] }" \
	sh -c "printf '%s' \"\$1\" | grep -Eq 'tee\(0<pipe:\[[0-9]+\]>, [0-9]+<pipe:\[[0-9]+\]>, 2147483647, 0\) = 10$'" _ "$call"
run_bounded "$FL" analyze -d t.db >/dev/null 2>&1
pt=$(q t.db "SELECT min(point) FROM points WHERE syscall = 'tee' AND family = 'write' AND path LIKE 'pipe:%'")
check "analyze lists a write-family point on tee, its target the second pipe (point $pt)" [ -n "$pt" ]
run_bounded "$FL" replay -d t.db --point "${pt:-0}" --fault EIO,short -t 10 \
	--check 'grep -qx "hello tee" out.txt' -q >/dev/null 2>&1
got=$(q t.db "SELECT group_concat(fault || '=' || outcome) FROM (SELECT fault, outcome FROM runs WHERE sweep = $last_sweep AND fault != 'none' ORDER BY fault)")
check "tee: EIO breaks teecopy (it exits 1, out.txt empty), a short count is retried ($got)" \
	[ "$got" = "EIO=broken,short=retried" ]


# --- a call whose target is arg 2: copy_file_range --------------------------
# corpus/cfrcopy copies src.dat into dst.tmp with copy_file_range(3, NULL,
# 4, ...): the row's target is the destination (SF_TARGET_2), and the armed
# call is found again by it, not taken for another call (diverged).
# By hand: strace -e inject=copy_file_range:error=EIO:when=1 cfrcopy exits 1
# ("copy_file_range: Input/output error") and the check holds.
CF=$REPO_ROOT/corpus/cfrcopy
D=$TMP/cfr && mkdir -p "$D" && cd "$D" || exit 2
sh "$CF/setup.sh"
run_bounded "$FL" record -q -d t.db -- "$CF/cfrcopy" >/dev/null 2>&1
run_bounded "$FL" replay -d t.db --family write --path '*/dst.tmp' --fault EIO -q \
	--setup "sh $CF/setup.sh" --check "sh $CF/check.sh" >/dev/null 2>&1
got=$(q t.db "SELECT group_concat(syscall || '=' || outcome) FROM runs WHERE sweep = $last_sweep AND fault != 'none'")
check "copy_file_range EIO on dst.tmp: handled, not diverged ($got)" [ "$got" = "copy_file_range=handled" ]

finish
