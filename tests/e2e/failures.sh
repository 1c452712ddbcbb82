#!/usr/bin/env bash
# e2e: signal over noise.  Points with the same family, call stack and
# target class share a failure ID and replay runs only the first and the
# last of each by default; crash runs at calls that change nothing on disk
# are not planned; bug runs are grouped into distinct failures (replay's
# summary, --json, report, JUnit); --site and --exe choose points by whose
# code made them.  On corpus/tornsave (an in-place save in a write loop)
# and on git commit with a hook.
. "$(dirname "$0")/lib.sh"

C=$REPO_ROOT/corpus

D=$TMP/ts && mkdir -p "$D" && cd "$D" || exit 2
sh "$C/tornsave/setup.sh"
run_bounded "$FL" record -q -d t.db -- "$C/tornsave/tornsave" >/dev/null 2>&1
chk="sh $C/tornsave/check.sh"
setup="sh $C/tornsave/setup.sh"

# failure IDs: tornsave's 4 writes of config.txt come from one loop
a=$(run_bounded "$FL" analyze -d t.db --family write --path '*config.txt' 2>&1)
check "analyze: 4 write points of config.txt, 1 failure ID" \
	has "$a" "^4 fault points (after filters), 1 failure IDs"
out=$(run_bounded "$FL" replay -d t.db --family write --path '*config.txt' --fault EIO,kill \
	--setup "$setup" --check "$chk" 2>&1); rc=$?
n=$(flq t.db "SELECT count(*) FROM runs WHERE sweep = $last_sweep AND fault != 'none'")
check "replay runs the first and the last point of the failure ID: $n runs, exit $rc" \
	[ "$rc:$n" = "1:4" ]
check "... and says how many runs and points it left out" has "$out" "^4 runs at 2 of 4 points left out: their failure ID ran"
all=$(run_bounded "$FL" replay -d t.db --family write --path '*config.txt' --fault EIO,kill \
	--setup "$setup" --check "$chk" --every-point --json 2>/dev/null)
n=$(printf '%s' "$all" | python3 -c 'import json,sys; print(json.load(sys.stdin)["summary"]["runs"])')
check "--every-point runs all 4 points: $n runs" [ "$n" = 8 ]

# distinct failures: 8 broken runs, two ways to fail (EIO, kill)
nf=$(printf '%s' "$all" | python3 -c '
import json, sys
d = json.load(sys.stdin)
f = d["failures"]
assert sum(x["runs"] for x in f) == d["summary"]["bugs"] == 8, f
assert all(x["outcome"] == "broken" and x["repro"].startswith("faultline replay") for x in f), f
runs = {r["run"] for r in d["runs"]}
assert all(x["example"] in runs for x in f), f
print(len(f))')
check "8 broken runs are 2 distinct failures, each with an example run and a repro ($nf)" \
	[ "$nf" = 2 ]
check "replay's text summary ends with the distinct failures" \
	has "$out" "^2 distinct failures (4 runs):"
rep=$(run_bounded "$FL" report -d t.db 2>&1)
check "report groups the same way (2 failures over both sweeps' 12 bug runs)" \
	has "$rep" "^2 distinct failures (12 runs):"
run_bounded "$FL" replay -d t.db --family write --path '*config.txt' --fault EIO,kill \
	--setup "$setup" --check "$chk" --every-point --junit "$TMP/j.xml" -q >/dev/null 2>&1
check "JUnit: one failing test case per distinct failure (2 failures, 2 tests)" \
	sh -c "grep -q 'tests=\"2\" failures=\"2\"' '$TMP/j.xml' && [ \$(grep -c '<failure ' '$TMP/j.xml') = 2 ]"

# --site and --exe
a=$(run_bounded "$FL" analyze -d t.db --family write --site 'main' --summary 2>&1)
check "--site main (a function): tornsave's own writes" has "$a" "^4 fault points"
a=$(run_bounded "$FL" analyze -d t.db --family write --site 'tornsave.c' --summary 2>&1)
check "--site tornsave.c (a source file): the same writes" has "$a" "^4 fault points"
a=$(run_bounded "$FL" analyze -d t.db --family open --site 'no-such-fn' --summary 2>&1)
check "--site that matches nothing: 0 points" has "$a" "^0 fault points"
a=$(run_bounded "$FL" analyze -d t.db --exe '*tornsave' --summary 2>&1)
b=$(run_bounded "$FL" analyze -d t.db --summary 2>&1)
na=$(printf '%s' "$a" | sed -n 's/^\([0-9]*\) fault points.*/\1/p')
nb=$(printf '%s' "$b" | sed -n 's/^\([0-9]*\) fault points.*/\1/p')
check "--exe '*tornsave': every point of the one process ($na of $nb)" \
	test "${na:-0}" -gt 0 -a "$na" = "$nb"

# crash runs only where the disk changes; git commit with a hook
G=$TMP/git && mkdir -p "$G" && cd "$G" || exit 2
export HOME=$TMP GIT_CONFIG_NOSYSTEM=1
git init -q repo && cd repo && git config user.email t@t && git config user.name t &&
echo hello > a.txt && git add a.txt &&
printf '#!/bin/sh\ntest -s a.txt\n' > .git/hooks/pre-commit && chmod +x .git/hooks/pre-commit
run_bounded "$FL" record -q -d ../t.db -- git commit -q -m first >/dev/null 2>&1
dry=$(run_bounded "$FL" replay -d ../t.db --family write,fsync,rename,link,open,close \
	--fault crash --dry-run 2>&1)
planned=$(printf '%s' "$dry" | sed -n 's/^would run \([0-9]*\) runs.*/\1/p')
every=$(run_bounded "$FL" analyze -d ../t.db --family write,fsync,rename,link,open,close \
	--no-loader --summary | sed -n 's/^\([0-9]*\) fault points.*/\1/p')
check "git commit: crash planned only where the disk changes: ${planned:-?} of ${every:-?} points" \
	sh -c "[ '${planned:-0}' -ge 5 ] && [ '${planned:-999}' -le 60 ] && [ '${every:-0}' -gt 100 ]"
check "... and the plan says why the others are left out" \
	has "$dry" "runs not planned (crash: the call changes nothing on disk"
out=$(run_bounded "$FL" replay -d ../t.db --family write,fsync,rename,link,open,close \
	--fault crash --check 'git fsck --full' -q 2>&1); rc=$?
nf=$(printf '%s\n' "$out" | sed -n 's/^\([0-9]*\) distinct failures\{0,1\} (\([0-9]*\) runs):/\1 \2/p')
check "git's unfsynced objects after a power loss: exit $rc, at most 5 distinct failures ($nf)" \
	sh -c "[ $rc = 1 ] && [ -n '$nf' ] && [ \$(echo $nf | cut -d' ' -f1) -le 5 ]"
note "$(printf '%s\n' "$out" | grep -A1 'x broken' | head -2)"
finish
