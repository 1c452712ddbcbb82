#!/usr/bin/env bash
# e2e for exploring beyond one fault: a bug that needs two faults
# (corpus/doubleclose) is missed by single faults, found by replay --depth 2
# and by fuzz; bisect shrinks a fuzz failure to exactly those two faults;
# fuzz is deterministic per seed; --prune saves runs; bisect --first finds
# the earliest failing write of an in-place save.
source "$(dirname "$0")/lib.sh"
C=$REPO_ROOT/corpus
D=$TMP/dc
mkdir -p "$D" && cd "$D" || exit 2
run_bounded "$FL" record -q -d t.db -- "$C/doubleclose/doubleclose" >/dev/null 2>&1
chk="sh $C/doubleclose/check.sh"

out=$(run_bounded "$FL" replay -d t.db --no-std --check "$chk" -q 2>&1); rc=$?
check "doubleclose: every single fault is survived (exit $rc)" [ "$rc" = 0 ]

out=$(run_bounded "$FL" replay -d t.db --no-std --depth 2 --check "$chk" -q 2>&1); rc=$?
line=$(printf '%s\n' "$out" | grep -m1 '^crash')
check "replay --depth 2 finds the crash (exit $rc): $line" has "$rc $line" "^1 crash.*SIGABRT"
repro=$(printf '%s\n' "$out" | grep -m1 'repro:' | sed 's/^ *repro: //')
r2=$(eval "${repro/faultline/$FL} -q" 2>&1)
check "its repro line crashes again: $repro" has "$r2" "^crash"
spent=$(printf '%s\n' "$out" | sed -n 's/.*; \([0-9]*\) runs spent.*/\1/p')
check "depth 2 reports the runs it spent (${spent:-none})" [ "${spent:-0}" -gt 0 ]

# fuzz: the same seed gives the same runs, fault sets and outcomes
f1=$(run_bounded "$FL" fuzz -d t.db --runs 24 --seed 9 --faults 3 --fault EIO,delay:1 \
	--no-std --check "$chk" -q); rc1=$?
f2=$(run_bounded "$FL" fuzz -d t.db --runs 24 --seed 9 --faults 3 --fault EIO,delay:1 \
	--no-std --check "$chk" -q); rc2=$?
s1=$(flq t.db "SELECT seed, faults, outcome FROM runs WHERE sweep = (SELECT max(id) - 1 FROM sweep) AND fault != 'none' ORDER BY seed")
s2=$(flq t.db "SELECT seed, faults, outcome FROM runs WHERE sweep = (SELECT max(id) FROM sweep) AND fault != 'none' ORDER BY seed")
check "fuzz --seed 9 twice: identical fault sets and outcomes (24 runs each)" \
	sh -c "[ -n '$s1' ] && [ '$s1' = '$s2' ] && [ \$(printf '%s\n' '$s1' | wc -l) = 24 ]"
n3=$(flq t.db "SELECT count(*) FROM runs WHERE sweep = (SELECT max(id) FROM sweep) AND outcome = 'crash'")
check "fuzz finds the double-fault crash ($n3 of 24 runs, exit $rc2)" sh -c "[ $rc2 = 1 ] && [ '$n3' -ge 1 ]"
run_bounded "$FL" fuzz -d t.db --runs 24 --seed 10 --faults 3 --fault EIO,delay:1 --no-std \
	--check "$chk" -q >/dev/null
s3=$(flq t.db "SELECT seed, faults, outcome FROM runs WHERE sweep = (SELECT max(id) FROM sweep) ORDER BY seed")
check "another seed draws other fault sets" [ "$s1" != "$s3" ]

# bisect: a 3-fault crash shrinks to write#1 EIO + the close EIO
run=$(flq t.db "SELECT run FROM runs WHERE sweep = (SELECT max(id) FROM sweep WHERE kind = 'fuzz')
	AND outcome = 'crash' AND faults LIKE '%,%,%' LIMIT 1")
check "fuzz made a 3-fault crash to shrink (run ${run:-none})" [ -n "$run" ]
b=$(run_bounded "$FL" bisect -d t.db --run "$run" -q 2>&1); rc=$?
pts=$(printf '%s\n' "$b" | grep -c '^  point')
check "bisect --run $run: shrinks to 2 faults (exit $rc)" sh -c "[ $rc = 1 ] && [ $pts = 2 ]"
check "... the failed write" has "$b" "^  point.* write .*EIO"
check "... and the failed close" has "$b" "^  point.* close .*EIO"
note "$(printf '%s\n' "$b" | head -1)"

# --prune: one first fault per (site, post-fault calls, outcome) class
M=$TMP/mt
mkdir -p "$M" && cd "$M" || exit 2
run_bounded "$FL" record -q -d t.db -- "$C/mtwriter/mtwriter" >/dev/null 2>&1
p=$(run_bounded "$FL" replay -d t.db --family write --path '*/out.1' --no-std --depth 2 --prune \
	--check "sh $C/mtwriter/check.sh" -q 2>&1)
saved=$(printf '%s\n' "$p" | sed -n 's/.*saving \([0-9]*\) runs.*/\1/p')
check "--prune on mtwriter saves runs (${saved:-?} saved)" sh -c "[ '${saved:-0}' -gt 0 ]"
note "$(printf '%s\n' "$p" | grep '^depth 2')"

# bisect --first: the earliest write of an in-place save already tears it
T=$TMP/ts
mkdir -p "$T" && cd "$T" || exit 2
sh "$C/tornsave/setup.sh"
run_bounded "$FL" record -q -d t.db -- "$C/tornsave/tornsave" >/dev/null 2>&1
first=$(run_bounded "$FL" bisect -d t.db --first --family write --check "sh $C/tornsave/check.sh" -q 2>&1)
want=$(flq t.db "SELECT min(point) FROM points WHERE family = 'write' AND path LIKE '%config.txt'")
check "bisect --first finds write point $want: $(printf '%s' "$first" | head -1)" \
	has "$first" "^earliest failing point: $want "

# --check: a simple command runs without /bin/sh in front, anything else
# through sh -c; both must judge runs the same way
cd "$D" || exit 2
last() { flq t.db "SELECT group_concat(outcome) FROM (SELECT DISTINCT outcome FROM runs WHERE sweep = (SELECT max(id) FROM sweep))"; }
run_bounded "$FL" replay -d t.db --family write --no-std --check "exit 3" -q >"$TMP/o" 2>&1; rc=$?
check "--check 'exit 3' fails the baseline: exit $rc, one line saying so" \
	sh -c "[ $rc = 2 ] && grep -q 'baseline: the check fails with nothing injected (exit 3)' '$TMP/o'"
run_bounded "$FL" replay -d t.db --family write --no-std --check "exit 3" --no-baseline -q \
	>/dev/null 2>&1
check "--check 'exit 3' --no-baseline (a builtin, through sh): every run broken" [ "$(last)" = broken ]
run_bounded "$FL" replay -d t.db --family write --no-std --check "no-such-check-prog --flag" -q \
	>"$TMP/o" 2>&1; rc=$?
check "--check with a missing program: exit $rc, the baseline says it could not run" \
	sh -c "[ $rc = 2 ] && grep -q 'the check could not run (exit 127.*no-such-check-prog' '$TMP/o'"
run_bounded "$FL" replay -d t.db --family write --no-std --check "no-such-check-prog --flag" \
	--no-baseline -q >/dev/null 2>&1
out=$(flq t.db "SELECT output FROM runs WHERE sweep = (SELECT max(id) FROM sweep) LIMIT 1")
check "--check with a missing program (--no-baseline): error, never broken, output names it" \
	sh -c "[ '$(last)' = error ] && printf '%s' \"\$1\" | grep -q 'no-such-check-prog'" _ "$out"
run_bounded "$FL" replay -d t.db --family write --no-std --setup ':' --check ':' -q >/dev/null 2>&1
rc=$?
check "--setup ':' --check ':' (builtins not on PATH go to sh): exit $rc, no error run" \
	sh -c "[ $rc = 0 ] && ! printf '%s' '$(last)' | grep -q error"
# the check sees FAULTLINE_POINT and FAULTLINE_FAULT (the baseline: 0 and none)
run_bounded "$FL" replay -d t.db --family write --no-std \
	--check 'test "$FAULTLINE_FAULT" = none || test "$FAULTLINE_POINT" -ge 1' -q >/dev/null 2>&1
rc=$?
check "--check with variables (through sh): FAULTLINE_POINT/FAULT set, exit $rc, no run broken" \
	sh -c "[ $rc = 0 ] && ! printf '%s' '$(last)' | grep -q broken"
# a check script written into the recorded directory after `record` is not
# in the runs' world: the baseline says so instead of 100% broken runs
echo 'exit 0' > late-check.sh
run_bounded "$FL" replay -d t.db --family write --no-std --check 'sh late-check.sh' -q \
	>"$TMP/o" 2>&1; rc=$?
rm -f late-check.sh
check "a check created after record: exit $rc, names it and the recorded directory" \
	sh -c "[ $rc = 2 ] && [ \$(wc -l < '$TMP/o') = 1 ] && grep -q \"'late-check.sh' was created after\" '$TMP/o'"
n=$(flq t.db "SELECT count(*) FROM runs WHERE sweep = (SELECT max(id) FROM sweep) AND fault = 'none' AND point = 0")
check "the failed baseline is stored as a run with fault none ($n)" [ "$n" = 1 ]
# the words after the program reach it: every run's output has them
{ echo 'echo "direct check: $#: $*"'; cat "$C/doubleclose/check.sh"; } >"$TMP/chk.sh"
run_bounded "$FL" replay -d t.db --no-std --check "sh $TMP/chk.sh one two" -q \
	>/dev/null 2>&1; rc=$?
n=$(flq t.db "SELECT count(*) FROM runs WHERE sweep = (SELECT max(id) FROM sweep)")
got=$(flq t.db "SELECT count(*) FROM runs WHERE sweep = (SELECT max(id) FROM sweep)
	AND output LIKE '%direct check: 2: one two%'")
check "--check 'sh FILE ARGS' (run directly, no sh -c): exit $rc, its arguments in all $n runs ($got)" \
	sh -c "[ $rc = 0 ] && [ '$n' -gt 1 ] && [ '$got' = '$n' ]"

# --resume: an interrupted sweep (made so: the last two runs of a finished
# one removed and the sweep marked incomplete) is continued, and only the
# missing runs are made
run_bounded "$FL" replay -d t.db --no-std --check "$chk" -q >/dev/null 2>&1
sw=$(flq t.db "SELECT max(id) FROM sweep")
n=$(flq t.db "SELECT count(*) FROM runs WHERE sweep = $sw")
sqlite3 t.db "DELETE FROM run WHERE id IN (SELECT id FROM run WHERE sweep = $sw ORDER BY id DESC LIMIT 2);
	UPDATE sweep SET complete = 0 WHERE id = $sw"
k=$(flq t.db "SELECT count(*) FROM runs WHERE sweep = $sw AND fault != 'none'")
out=$(run_bounded "$FL" replay -d t.db --no-std --check "$chk" --resume 2>&1); rc=$?
m=$(flq t.db "SELECT count(*) FROM runs WHERE sweep = $sw")
check "--resume continues the interrupted sweep $sw: exit $rc, $m of $n runs, no new sweep" \
	test "$rc" -lt 2 -a "$m" = "$n" -a "$(flq t.db "SELECT max(id) FROM sweep")" = "$sw"
check "... and says how many runs were already done ($k)" has "$out" "^$k runs\? \(was\|were\) already done"

finish
